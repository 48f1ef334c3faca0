"""Write the knowledge graph to files other tools read, and read it back.

- GraphML (`networkx.write_graphml`) for Gephi/yEd/networkx.  GraphML has no
  list type, so list properties (aliases, docs) are written as JSON strings.
- node-link JSON (`networkx.node_link_data`, edges="edges"): the lossless form;
  `read_graph` loads it back into a MultiDiGraph (the notebooks use it).
- CSV for `neo4j-admin database import full`: one nodes file per label with header
  `id:ID,:LABEL,name,…` and typed columns (`value:long`, `confidence:double`,
  `aliases:string[]` with `;` between elements), one relationships file per type
  with `:START_ID,:END_ID,:TYPE,…`, and `schema.cypher`, the constraints and indexes
  `kg load` creates, for after the import.  `admin_import_command` spells out the
  command for a build folder.
"""
from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import networkx as nx

from kg.io.loader import schema_statements

ARRAY_DELIMITER = ";"


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> Path:
    """GraphML with list properties as JSON strings."""
    out = nx.MultiDiGraph()
    out.graph.update(graph.graph)
    out.add_nodes_from((n, _flat(d)) for n, d in graph.nodes(data=True))
    out.add_edges_from((u, v, k, _flat(d)) for u, v, k, d in graph.edges(keys=True, data=True))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(out, path)
    return path


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in data.items()}


def write_json(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Node-link JSON (UTF-8, Chinese as written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, indent=1),
                    encoding="utf-8")
    return path


GRAPH_JSON = "graph.json"


def graph_file(path: Path) -> Path:
    """The node-link JSON of a `kg build` folder, or `path` itself when it is a file."""
    path = Path(path)
    return path / GRAPH_JSON if path.is_dir() else path


def read_graph(path: Path) -> nx.MultiDiGraph:
    """The MultiDiGraph a `write_json` file holds."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError(f"a JSON {type(data).__name__}, not an object")
        graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"{path}: not a node-link JSON graph ({err})") from err
    for *_, key, attrs in graph.edges(keys=True, data=True):
        attrs["key"] = key  # node_link_graph takes the `key` attribute as the networkx key
    return graph


def _csv_type(values: list[Any]) -> str:
    """The neo4j-admin column type that holds every value of a property."""
    kinds = {type(v) for v in values}
    if kinds <= {bool}:
        return "boolean"
    if kinds <= {int}:
        return "long"  # neo4j-admin's int is 32-bit; Cypher integers are 64-bit
    if kinds <= {int, float}:
        return "double"  # 64-bit, as Cypher floats are
    if kinds <= {list}:
        return "string[]"
    return "string"


def _cell(value: Any, kind: str, where: str) -> str:
    """One CSV field as neo4j-admin reads it: an empty unquoted field is no property (None, an empty list), a
    quoted one a string, even "" (its --ignore-empty-strings is off by default); numbers and booleans bare."""
    if value is None or value == []:
        return ""
    if kind == "string[]":
        bad = [v for v in value if ARRAY_DELIMITER in str(v)]
        if bad:
            raise ValueError(f"{where}: array element {bad[0]!r} contains the delimiter {ARRAY_DELIMITER!r}")
        value = ARRAY_DELIMITER.join(map(str, value))
    elif kind == "boolean":
        return "true" if value else "false"
    elif kind != "string":
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


def _write_table(path: Path, fixed: list[str], rows: list[tuple[list[str], dict[str, Any], str]]) -> Path:
    """One CSV: the fixed leading columns, then every property any row has, typed by its values."""
    names = sorted({k for _, props, _ in rows for k in props}, key=lambda k: (k != "name", k))
    kinds = {k: _csv_type([p[k] for _, p, _ in rows if k in p]) for k in names}
    header = fixed + [k if kinds[k] == "string" else f"{k}:{kinds[k]}" for k in names]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(header) + "\n")
        for lead, props, where in rows:
            cells = [_cell(v, "string", where) for v in lead] + [_cell(props.get(k), kinds[k], where) for k in names]
            f.write(",".join(cells) + "\n")
    return path


def write_csv(graph: nx.MultiDiGraph, out_dir: Path) -> list[Path]:
    """nodes/<Label>.csv and relationships/<TYPE>.csv under `out_dir` for neo4j-admin (module docstring)."""
    out_dir = Path(out_dir)
    by_label: dict[str, list] = {}
    for node, data in graph.nodes(data=True):
        props = {k: v for k, v in data.items() if k != "label"}
        by_label.setdefault(data["label"], []).append(([str(node), data["label"]], props, f"node {node}"))
    by_type: dict[str, list] = {}
    for head, tail, key, data in graph.edges(keys=True, data=True):
        props = {k: v for k, v in data.items() if k != "type"}
        by_type.setdefault(data["type"], []).append(([str(head), str(tail), data["type"]], props, f"edge {key}"))
    paths = [_write_table(out_dir / "nodes" / f"{label}.csv", ["id:ID", ":LABEL"], rows)
             for label, rows in sorted(by_label.items())]
    paths += [_write_table(out_dir / "relationships" / f"{type_}.csv", [":START_ID", ":END_ID", ":TYPE"], rows)
              for type_, rows in sorted(by_type.items())]
    return paths


NEO4J_DIR = "neo4j"
SCHEMA_CYPHER = "schema.cypher"


def write_schema(path: Path) -> Path:
    """The constraints and indexes `kg load` creates, as a cypher-shell file (after a neo4j-admin import)."""
    path.write_text("".join(f"{statement};\n" for statement in schema_statements()), encoding="utf-8")
    return path


def admin_import_command(build_folder: Path, database: str = "neo4j") -> str:
    """The shell command that imports a build's neo4j/ CSVs into `database`, which neo4j-admin creates or, with
    --overwrite-destination, replaces (the server must not be running it)."""
    folder = Path(build_folder) / NEO4J_DIR
    files = [f"--{kind}={shlex.quote(str(path))}" for kind in ("nodes", "relationships")
             for path in sorted((folder / kind).glob("*.csv"))]
    return " ".join(["neo4j-admin database import full --overwrite-destination",
                     f"--array-delimiter={shlex.quote(ARRAY_DELIMITER)} --multiline-fields=true", *files,
                     shlex.quote(database)])


def export(graph: nx.MultiDiGraph, out_dir: Path) -> list[Path]:
    """graph.graphml, graph.json, and the neo4j-admin CSV files with schema.cypher under `out_dir`/neo4j."""
    out_dir = Path(out_dir)
    return [write_graphml(graph, out_dir / "graph.graphml"), write_json(graph, out_dir / GRAPH_JSON),
            *write_csv(graph, out_dir / NEO4J_DIR), write_schema(out_dir / NEO4J_DIR / SCHEMA_CYPHER)]
