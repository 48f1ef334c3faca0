"""The main job: documents in, a resolved knowledge graph out (files, and Neo4j when asked).

loader (kg.ingest.read) → extractor (kg.nlp.extract with the spaCy pipeline) → resolver and graph
(kg.graph.build) → writers (kg.io.export; the offline view kg.explore.view and the report kg.explore.report for
people; kg.io.manifest last; kg.io.loader when a server is given).

The folder is complete or absent: everything is written into a fresh folder beside OUT, which replaces OUT in one
rename at the end (kg.files.replacing_folder), under a lock that makes a second build into OUT fail at once.  An
interrupted or failed build leaves the previous build as it was, and so does a build that read nothing.
Units are written to `extracted.jsonl` as they are produced and the graph reads them back from it line by line.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import networkx as nx
from spacy.language import Language

from kg.explore.report import write_report
from kg.explore.view import write_graph_html
from kg.files import atomic_text, replacing_folder
from kg.graph.build import build_graph, summary
from kg.ingest.read import Corpus
from kg.io.export import export
from kg.io.jsonl import UnitFile, unit_line
from kg.io.manifest import Input, Manifest, kg_version, write_manifest
from kg.nlp.parallel import Extract, in_process
from kg.records import Document, Skipped

EXTRACTED = "extracted.jsonl"


class BuildError(RuntimeError):
    """Nothing could be built; the output folder is left as it was.  `skipped` says what was not read."""

    def __init__(self, message: str, skipped: list[Skipped]):
        super().__init__(message)
        self.skipped = skipped


@dataclass
class BuildResult:
    out_dir: Path
    documents: list[Document]
    skipped: list[Skipped]
    paragraphs: int
    graph: nx.MultiDiGraph
    files: list[str]  # relative to out_dir

    def counts(self) -> dict[str, dict[str, int]]:
        return {k: dict(v) for k, v in summary(self.graph).items()}


def stream_units(items: Iterable[Document | Skipped], extract: Extract, out: TextIO
                 ) -> Iterator[tuple[Document | Skipped, int]]:
    """Extract `items` in order, writing each document's units to `out` as they come; yields each document with
    how many paragraphs it gave, or the Skipped of an input not read or not extracted."""
    for item, result in extract(items):
        if isinstance(result, Skipped):
            yield result, 0
        else:
            out.writelines(map(unit_line, result))
            yield item, len(result)


def build(corpus: Path, out_dir: Path, extract: Extract | Language, *,
          items: Iterable[Document | Skipped] | None = None,
          on_document: Callable[[Document | Skipped], None] | None = None) -> BuildResult:
    """Extract, resolve, export and write the manifest into `out_dir`, replacing it whole; the caller loads into
    Neo4j (see kg.io.loader).  `extract` is a loaded pipeline (extracting here) or an extractor
    (kg.nlp.parallel.extractor); `items` are the inputs when already at hand (default: `Corpus(corpus)`)."""
    if isinstance(extract, Language):
        extract = in_process(extract)
    out_dir = Path(out_dir)
    documents: list[Document] = []
    skipped: list[Skipped] = []
    paragraphs = 0
    with replacing_folder(out_dir) as staging:
        with atomic_text(staging / EXTRACTED) as out:
            for item, count in stream_units(Corpus(corpus) if items is None else items, extract, out):
                (skipped if isinstance(item, Skipped) else documents).append(item)
                paragraphs += count
                if on_document:
                    on_document(item)
        if not documents:
            raise BuildError(f"no document could be read from {corpus} ({len(skipped)} skipped); "
                             f"{out_dir} is left as it was", skipped)
        graph = build_graph(documents, UnitFile(staging / EXTRACTED))
        export(graph, staging)
        write_graph_html(graph, staging / "graph.html", title=f"kg: {Path(corpus).name}")
        write_report(graph, documents, skipped, staging)
        counts = summary(graph)
        write_manifest(staging, Manifest(
            kg_version(), str(corpus), [Input(d.id, d.path, len(d.paragraphs)) for d in documents], skipped,
            {"documents": len(documents), "paragraphs": paragraphs, "nodes": dict(sorted(counts["nodes"].items())),
             "relationships": dict(sorted(counts["edges"].items()))}))
        files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    return BuildResult(out_dir, documents, skipped, paragraphs, graph, files)
