"""The main job: documents in, a resolved knowledge graph out (files, and Neo4j when asked).

loader (kg.ingest.read) → extractor (kg.nlp.extract with the spaCy pipeline) → resolver and graph
(kg.graph.build) → writers (kg.io.export; the offline view kg.explore.view and the report kg.explore.report for people;
kg.io.loader when a server is given).  Each stage's
output is written before the next starts, so a failure later (a database that is down) loses
nothing already done.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from spacy.language import Language

from kg.io.export import export
from kg.nlp.extract import extract_units
from kg.graph.build import build_graph, summary
from kg.ingest.read import Skipped, read_path
from kg.io.jsonl import write_units
from kg.records import Document, Unit
from kg.explore.report import write_report
from kg.explore.view import write_graph_html

EXTRACTED = "extracted.jsonl"


@dataclass
class BuildResult:
    out_dir: Path
    documents: list[Document]
    skipped: list[Skipped]
    units: list[Unit]
    graph: nx.MultiDiGraph
    files: list[Path] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        return {k: dict(v) for k, v in summary(self.graph).items()}


def build(corpus: Path, out_dir: Path, nlp: Language, *,
          on_unit: Callable[[Unit], None] | None = None,
          documents: tuple[list[Document], list[Skipped]] | None = None) -> BuildResult:
    """Extract, resolve and export; the caller loads into Neo4j (see kg.io.loader)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs, skipped = documents or read_path(corpus)
    units = list(extract_units(nlp, docs, on_unit=on_unit))
    files = [out_dir / EXTRACTED]
    write_units(units, files[0])
    graph = build_graph(docs, units)
    files += export(graph, out_dir)
    files.append(write_graph_html(graph, out_dir / "graph.html", title=f"kg: {Path(corpus).name}"))
    files.append(write_report(graph, docs, skipped, out_dir))
    return BuildResult(out_dir, docs, skipped, units, graph, files)
