"""The questions the notebooks ask of a knowledge graph, answered as pandas DataFrames.

`open_graph()` answers from Neo4j when NEO4J_URI is set (NEO4J_USER, NEO4J_PASSWORD,
NEO4J_DATABASE; read-only transactions through kg.io.query) and from the files of
`kg build` otherwise (graph.json read by kg.io.export.read_graph; the folder is
$KG_GRAPH, default out/demo).  Both sources give the same columns and rows: the
Neo4j side runs the library query (kg/io/queries) where one exists (or a query of this
module), the file side computes the same answer from the networkx graph.  List
cells are sorted, so answers compare equal whichever side gave them.

`visualization(graph)` turns a (sub)graph into a neo4j-viz `VisualizationGraph`
coloured with kg.explore.style's palette; `explorer.subgraph(name)` gives the neighbourhood
of the entities a name picks out.
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import networkx as nx
import pandas as pd
from neo4j import Driver

from kg.graph.tracking import PlanResult, plan_results
from kg.io.export import graph_file, read_graph
from kg.schema import ENTITY_NODE_LABELS, LEXICAL_LABELS, document_id
from kg.io.neo4j import ENV, Neo4jConfig, connect
from kg.io.query import CypherQuery, find_query, run_query
from kg.explore.report import cjk_font, cjk_rc
from kg.explore.style import PALETTE, relationship_colour, style
from kg.explore.view import caption

if TYPE_CHECKING:
    from neo4j_viz import VisualizationGraph

PLAN_VS_RESULT = tuple(f.name for f in fields(PlanResult))  # the columns of plan_vs_result
WITHOUT_REPORT = ("region", "year", "metric", "target", "comparator", "planned", "unit", "plan")
DEFAULT_GRAPH = Path("out/demo")
GRAPH_ENV = "KG_GRAPH"

# Questions that have no library query; the file side answers them with the functions of FileGraph.
_INLINE = {
    "label_counts": """
        MATCH (n) RETURN labels(n)[0] AS label, count(*) AS nodes""",
    "relationship_counts": """
        MATCH ()-[r]->() RETURN type(r) AS relationship, count(*) AS relationships""",
    "neighbours": """
        MATCH (a)-[r]->(b)
        WHERE NOT (a:Section OR a:Sentence OR b:Section OR b:Sentence)
          AND (a.name CONTAINS $name OR any(x IN coalesce(a.aliases, []) WHERE x CONTAINS $name)
               OR b.name CONTAINS $name OR any(x IN coalesce(b.aliases, []) WHERE x CONTAINS $name))
        OPTIONAL MATCH (s:Sentence) WHERE s.id = r.sentence
        RETURN a.id AS head, labels(a)[0] AS head_label, properties(a) AS head_props, type(r) AS type,
               properties(r) AS props, b.id AS tail, labels(b)[0] AS tail_label, properties(b) AS tail_props,
               s.text AS evidence""",
    "goals": """
        MATCH (g:Goal)
        OPTIONAL MATCH (d:Document {doc: g.doc})
        OPTIONAL MATCH (d)-[:COVERS]->(r:Region)
        OPTIONAL MATCH (x)-[:HAS_GOAL]->(g)
        WITH g, d, coalesce(r.name, '') AS region, collect(DISTINCT x.name) AS owners
        WHERE region CONTAINS $region AND ($year IS NULL OR g.year = $year)
        RETURN region, d.name AS document, g.name AS goal, g.metric AS metric, g.comparator AS comparator,
               g.value AS value, g.unit AS unit, g.year AS year, g.status AS status, owners""",
}
_INLINE_PARAMS = {"neighbours": {"name": ""}, "goals": {"region": "", "year": None}}


def _matches(props: dict[str, Any], name: str) -> bool:
    """Cypher's `n.name CONTAINS $name OR any(alias CONTAINS $name)`."""
    return name in str(props.get("name", "")) or any(name in a for a in props.get("aliases", []) or [])


def _frame(rows: list[dict[str, Any]], columns: list[str], order: list[str] | None = None,
           descending: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows as a DataFrame with these columns, list cells sorted, in a stable order (None sorts last)."""
    frame = pd.DataFrame([{c: sorted(r[c], key=str) if isinstance(r.get(c), list) else r.get(c) for c in columns}
                          for r in rows], columns=columns)
    if order and len(frame):
        frame = frame.sort_values(order, ascending=[c not in descending for c in order], na_position="last",
                                  kind="stable", key=_sort_key)
    return frame.reset_index(drop=True)


def _sort_key(column: pd.Series) -> pd.Series:
    """Object columns (text, possibly None) sort by text with None last; numbers sort as numbers."""
    return column.map(lambda v: (v is None, str(v))) if column.dtype == object else column


class Explorer:
    """The questions; a subclass says where the rows come from (`_rows`)."""

    source: str

    def _rows(self, question: str, **params: Any) -> list[dict[str, Any]]:
        raise NotImplementedError

    def counts(self) -> pd.DataFrame:
        """Nodes per label, in the palette's order."""
        rank = {label: i for i, label in enumerate(PALETTE)}
        frame = _frame(self._rows("label_counts"), ["label", "nodes"])
        return frame.sort_values("label", key=lambda s: s.map(lambda v: (rank.get(v, len(rank)), v))
                                 ).reset_index(drop=True)

    def relationship_counts(self) -> pd.DataFrame:
        return _frame(self._rows("relationship_counts"), ["relationship", "relationships"],
                      ["relationships", "relationship"], descending=("relationships",))

    def documents(self, region: str = "") -> pd.DataFrame:
        """Library query documents_by_region_year: documents with region, years, kind, issuer, publication date."""
        return _frame(self._rows("documents_by_region_year", region=region),
                      ["region", "years", "kind", "document", "issued_by", "published"], ["region", "document"])

    def entities(self, limit: int = 25) -> pd.DataFrame:
        """Library query entities_most_documents: the entities mentioned in the most documents."""
        return _frame(self._rows("entities_most_documents", limit=limit),
                      ["label", "entity", "documents", "mentions"], ["documents", "mentions", "entity", "label"],
                      descending=("documents", "mentions"))

    def coresponsible_offices(self, min_shared: int = 1) -> pd.DataFrame:
        """Library query office_coresponsibility: office pairs that run or join the same programmes."""
        return _frame(self._rows("office_coresponsibility", min_shared=min_shared),
                      ["office", "partner", "shared", "programmes"], ["shared", "office", "partner"],
                      descending=("shared",))

    def policies_across_regions(self, limit: int = 20) -> pd.DataFrame:
        """Library query policies_across_regions: policies cited in the most regions."""
        return _frame(self._rows("policies_across_regions", limit=limit),
                      ["policy", "regions", "documents", "mentions", "region_names"],
                      ["regions", "documents", "mentions", "policy"], descending=("regions", "documents", "mentions"))

    def goals_by_region_year(self) -> pd.DataFrame:
        """Library query goals_by_region_year: planned, achieved and numeric goals per region and year."""
        return _frame(self._rows("goals_by_region_year"), ["region", "year", "planned", "achieved", "numeric"],
                      ["region", "year"])

    def goals(self, region: str = "", year: int | None = None) -> pd.DataFrame:
        """Every goal with its fields, its document's region and who it is set for (HAS_GOAL)."""
        return _frame(self._rows("goals", region=region, year=year),
                      ["region", "document", "goal", "metric", "comparator", "value", "unit", "year", "status",
                       "owners"], ["region", "year", "document", "goal"])

    def plan_vs_result(self, region: str = "", year: int | None = None) -> pd.DataFrame:
        """Library query plan_vs_result: each target of the regions `region` picks out beside every report of
        it (kg.graph.tracking), with its outcome."""
        return _frame(self._rows("plan_vs_result", region=region, year=year), list(PLAN_VS_RESULT),
                      ["region", "year", "metric", "target", "reported_year"])

    def targets_without_report(self, region: str = "") -> pd.DataFrame:
        """Library query targets_without_report: the targets no later document reports on."""
        return _frame(self._rows("targets_without_report", region=region), list(WITHOUT_REPORT),
                      ["region", "year", "metric", "target"])

    def subgraph(self, name: str) -> nx.MultiDiGraph:
        """The relationships of the nodes whose name or alias contains `name`, with both ends, outside the
        lexical layer (Section, Sentence); each edge keeps its evidence sentence as `evidence`.  A node with
        no such relationship is not in it."""
        graph = nx.MultiDiGraph()
        for row in self._rows("neighbours", name=name):
            graph.add_node(row["head"], **row["head_props"], label=row["head_label"])
            graph.add_node(row["tail"], **row["tail_props"], label=row["tail_label"])
            props = {**row["props"], "type": row["type"]}
            if row["evidence"] is not None:
                props["evidence"] = row["evidence"]
            key = graph.add_edge(row["head"], row["tail"], props.get("key"))
            graph.edges[row["head"], row["tail"], key].update(props)
        return graph

    def neighbourhood(self, name: str) -> pd.DataFrame:
        """One row per relationship of each entity `name` picks out: the other end, confidence and evidence."""
        graph = self.subgraph(name)
        rows = []
        for head, tail, d in graph.edges(data=True):
            for entity, other, direction in ((head, tail, "out"), (tail, head, "in")):
                if _matches(graph.nodes[entity], name):
                    e, o = graph.nodes[entity], graph.nodes[other]
                    rows.append({"label": e["label"], "entity": e.get("name"), "relationship": d["type"],
                                 "direction": direction, "other_label": o["label"], "other": o.get("name"),
                                 "confidence": d.get("confidence"), "doc": d.get("doc"),
                                 "evidence": d.get("evidence")})
        return _frame(rows, ["label", "entity", "relationship", "direction", "other_label", "other", "confidence",
                             "doc", "evidence"], ["entity", "relationship", "direction", "other", "doc"])


class Neo4jGraph(Explorer):
    """Answers from a Neo4j database, in read-only transactions (kg.io.query.run_query) over one connection,
    opened at the first question."""

    def __init__(self, config: Neo4jConfig):
        self.config = config
        self.source = f"{config.uri} database {config.database or '(default)'}"

    @cached_property
    def driver(self) -> Driver:
        return connect(self.config)

    def close(self) -> None:
        if "driver" in self.__dict__:
            self.__dict__.pop("driver").close()

    def _rows(self, question: str, **params: Any) -> list[dict[str, Any]]:
        if question in _INLINE:
            query = CypherQuery(question, Path(__file__), _INLINE[question], params=_INLINE_PARAMS.get(question, {}))
        else:
            query = find_query(question)
        return run_query(self.driver, query, params, self.config.database)[1]


class FileGraph(Explorer):
    """Answers from the networkx graph of a `kg build` folder (or its graph.json)."""

    def __init__(self, graph: nx.MultiDiGraph, source: str = "(in memory)"):
        self.graph = graph
        self.source = source
        self.label = {n: d.get("label") for n, d in graph.nodes(data=True)}

    @classmethod
    def read(cls, path: Path) -> "FileGraph":
        path = Path(path)
        file = graph_file(path)
        if not file.is_file():
            raise FileNotFoundError(f"{file}: no graph here; run `kg build CORPUS -o {path}` first, or set "
                                    f"{GRAPH_ENV} to a build folder")
        return cls(read_graph(file), str(file))

    def _rows(self, question: str, **params: Any) -> list[dict[str, Any]]:
        answer: Callable[..., list[dict[str, Any]]] = getattr(self, f"_{question}")
        return answer(**params)

    # --- helpers --------------------------------------------------------------------------------------
    def _out(self, node: str, rel_type: str, label: str) -> list[str]:
        return [v for _, v, d in self.graph.out_edges(node, data=True)
                if d.get("type") == rel_type and self.label.get(v) == label]

    def _nodes(self, *labels: str) -> list[tuple[str, dict]]:
        return [(n, d) for n, d in self.graph.nodes(data=True) if d.get("label") in labels]

    def _name(self, node: str | None) -> Any:
        return None if node is None else self.graph.nodes[node].get("name")

    def _regions(self, doc: str) -> list[str | None]:
        """The Regions a document covers, [None] for none (OPTIONAL MATCH)."""
        node = document_id(doc)
        return (self._out(node, "COVERS", "Region") if node in self.graph else []) or [None]

    # --- the questions --------------------------------------------------------------------------------
    def _label_counts(self) -> list[dict]:
        return [{"label": k, "nodes": v} for k, v in Counter(self.label.values()).items()]

    def _relationship_counts(self) -> list[dict]:
        counts = Counter(d.get("type") for *_, d in self.graph.edges(data=True))
        return [{"relationship": k, "relationships": v} for k, v in counts.items()]

    def _documents_by_region_year(self, region: str = "") -> list[dict]:
        rows = []
        for node, d in self._nodes("Document"):
            years = sorted(self.graph.nodes[y]["value"] for y in self._out(node, "FOR_YEAR", "Year"))
            for r in self._regions(d["doc"]):
                if region not in (self._name(r) or ""):
                    continue
                for office in self._out(node, "ISSUED_BY", "Office") or [None]:
                    rows.append({"region": self._name(r) or "", "years": years, "kind": d.get("kind"),
                                 "document": d.get("name"), "issued_by": self._name(office),
                                 "published": d.get("published")})
        return rows

    def _mentions(self, *labels: str) -> list[tuple[str, str, dict]]:
        """(sentence, entity, MENTIONS edge data) for entities of these labels."""
        return [(u, v, d) for u, v, d in self.graph.edges(data=True)
                if d.get("type") == "MENTIONS" and self.label.get(u) == "Sentence" and self.label.get(v) in labels]

    def _entities_most_documents(self, limit: int = 25) -> list[dict]:
        docs, mentions = defaultdict(set), Counter()
        for _, entity, d in self._mentions(*ENTITY_NODE_LABELS):
            key = (self.label[entity], self._name(entity))
            docs[key].add(d.get("doc"))
            mentions[key] += 1
        rows = [{"label": k[0], "entity": k[1], "documents": len(docs[k]), "mentions": mentions[k]} for k in docs]
        rows.sort(key=lambda r: (-r["documents"], -r["mentions"], str(r["entity"]), r["label"]))
        return rows[:limit]

    def _office_coresponsibility(self, min_shared: int = 1) -> list[dict]:
        works_on = defaultdict(set)  # programme -> offices
        for u, v, d in self.graph.edges(data=True):
            if d.get("type") in ("RESPONSIBLE_FOR", "PARTICIPATES_IN") and self.label.get(u) == "Office" \
                    and self.label.get(v) == "Program":
                works_on[v].add(u)
        shared = defaultdict(set)
        for programme, offices in works_on.items():
            for a in offices:
                for b in offices:
                    if a < b:
                        shared[(a, b)].add(self._name(programme))
        return [{"office": self._name(a), "partner": self._name(b), "shared": len(p), "programmes": sorted(p)}
                for (a, b), p in shared.items() if len(p) >= min_shared]

    def _policies_across_regions(self, limit: int = 20) -> list[dict]:
        regions, documents, mentions = defaultdict(set), defaultdict(set), Counter()
        for sentence, policy, _ in self._mentions("Policy"):
            doc = self.graph.nodes[sentence].get("doc")
            if document_id(doc) not in self.graph:
                continue
            name = self._name(policy)
            documents[name].add(doc)
            for r in self._regions(doc):
                mentions[name] += 1
                if r is not None:
                    regions[name].add(self._name(r))
        rows = [{"policy": p, "regions": len(regions[p]), "documents": len(documents[p]), "mentions": mentions[p],
                 "region_names": sorted(regions[p])} for p in documents]
        rows.sort(key=lambda r: (-r["regions"], -r["documents"], -r["mentions"], str(r["policy"])))
        return rows[:limit]

    def _goals_by_region_year(self) -> list[dict]:
        table = defaultdict(Counter)
        for _, g in self._nodes("Goal"):
            for r in self._regions(g.get("doc", "")):
                key = (self._name(r) or "", g.get("year"))
                table[key]["planned"] += g.get("status") == "planned"
                table[key]["achieved"] += g.get("status") == "achieved"
                table[key]["numeric"] += g.get("value") is not None
        return [{"region": r, "year": y, **{k: c[k] for k in ("planned", "achieved", "numeric")}}
                for (r, y), c in table.items()]

    def _goals(self, region: str = "", year: int | None = None) -> list[dict]:
        rows = []
        for node, g in self._nodes("Goal"):
            if year is not None and g.get("year") != year:
                continue
            owners = sorted({self._name(u) for u, _, d in self.graph.in_edges(node, data=True)
                             if d.get("type") == "HAS_GOAL"}, key=str)
            doc = document_id(g.get("doc"))
            for r in self._regions(g.get("doc", "")):
                if region in (self._name(r) or ""):
                    rows.append({"region": self._name(r) or "", "document": self._name(doc) if doc in self.graph
                                 else None, "owners": owners, "goal": g.get("name"),
                                 **{k: g.get(k) for k in ("metric", "comparator", "value", "unit", "year",
                                                          "status")}})
        return rows

    def _plan_vs_result(self, region: str = "", year: int | None = None) -> list[dict]:
        return [asdict(row) for row in plan_results(self.graph, region, year)]

    def _targets_without_report(self, region: str = "") -> list[dict]:
        return [{k: getattr(row, k) for k in WITHOUT_REPORT} for row in plan_results(self.graph, region)
                if row.report is None]

    def _neighbours(self, name: str = "") -> list[dict]:
        rows = []
        for head, tail, d in self.graph.edges(data=True):
            h, t = self.graph.nodes[head], self.graph.nodes[tail]
            if h.get("label") in LEXICAL_LABELS or t.get("label") in LEXICAL_LABELS:
                continue
            if not (_matches(h, name) or _matches(t, name)):
                continue
            sentence = d.get("sentence")
            rows.append({"head": head, "head_label": h["label"], "head_props": _props(head, h),
                         "type": d.get("type"), "props": {k: v for k, v in d.items() if k != "type"},
                         "tail": tail, "tail_label": t["label"], "tail_props": _props(tail, t),
                         "evidence": self.graph.nodes[sentence].get("text") if sentence in self.graph else None})
        return rows


def _props(node: str, data: dict[str, Any]) -> dict[str, Any]:
    """A node's properties as Neo4j stores them: with `id`, without the label."""
    return {"id": node, **{k: v for k, v in data.items() if k != "label"}}


def open_graph(path: str | Path | None = None) -> Explorer:
    """The graph to explore: the build folder (or graph.json) `path` when given; else Neo4j when NEO4J_URI is set;
    else the build folder $KG_GRAPH; else out/demo (`make demo`) in the working folder or the nearest folder above
    it that has one, so a notebook opened in notebooks/ finds the repository's build."""
    if path is None and os.environ.get(ENV["uri"]):
        return Neo4jGraph(Neo4jConfig.from_env())
    if path is None and not os.environ.get(GRAPH_ENV):
        here = Path.cwd()
        path = next((p / DEFAULT_GRAPH for p in (here, *here.parents) if (p / DEFAULT_GRAPH).is_dir()), DEFAULT_GRAPH)
    return FileGraph.read(Path(path or os.environ[GRAPH_ENV]))


def setup_matplotlib() -> str | None:
    """Draw Chinese text in matplotlib plots with an installed CJK font (kg.explore.report.cjk_font); returns its name,
    None when there is none (Chinese labels then show as boxes)."""
    font = cjk_font()
    if font:
        matplotlib.rcParams.update(cjk_rc(font))
    return font


def visualization(graph: nx.MultiDiGraph, caption_chars: int = 10) -> "VisualizationGraph":
    """A neo4j-viz view of `graph` (e.g. `explorer.subgraph(name)`): palette colours, names as captions,
    node size by degree, relationship types as captions, every property shown on click."""
    from neo4j_viz import Node, Relationship, VisualizationGraph

    degree = dict(graph.degree())
    nodes = [Node(id=n, caption=caption(str(d.get("name", n)), caption_chars),
                  color=style(d.get("label", "")).color,
                  size=16 + 6 * min(degree[n], 10) ** 0.5, properties={"label": d.get("label"), **d})
             for n, d in graph.nodes(data=True)]
    relationships = [Relationship(id=key, source=u, target=v, caption=d.get("type"),
                                  color=relationship_colour(d.get("type", "")), properties=dict(d))
                     for u, v, key, d in graph.edges(keys=True, data=True)]
    view = VisualizationGraph(nodes=nodes, relationships=relationships)
    labels = {d.get("label") for _, d in graph.nodes(data=True)}
    view.set_legend(nodes={label: s.color for label, s in PALETTE.items() if label in labels})
    return view
