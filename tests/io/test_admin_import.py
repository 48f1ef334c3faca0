"""The neo4j/ CSV files of a build are what `neo4j-admin database import full` reads (issue 10: big graphs): headers
in its format, values of their column's type, and every node and relationship of the graph in them, property for
property.  Read here as neo4j-admin reads them (RFC 4180 quoting, `;` between array elements)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from conftest import REPO
from kg.cli import app
from kg.io.export import ARRAY_DELIMITER, admin_import_command, export

# neo4j-admin's header: `name:type` (name may be empty for the special fields), types as its manual lists them
SPECIAL = {"ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"}
TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point", "date",
         "localtime", "time", "localdatetime", "datetime", "duration"}
CONVERT = {"long": int, "double": float, "boolean": lambda v: {"true": True, "false": False}[v], "string": str}


_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,\n]*)')


def _records(text: str) -> list[list[str | None]]:
    """RFC 4180 records as neo4j-admin reads them: a quoted field is a string (even ""), an empty bare one None."""
    records, record, at = [], [], 0
    while at < len(text):
        match = _FIELD.match(text, at)
        quoted, bare = match.groups()
        record.append(quoted.replace('""', '"') if quoted is not None else (bare or None))
        at = match.end()
        if at < len(text) and text[at] == ",":
            at += 1
            continue
        records.append(record)
        record, at = [], at + 1  # past the line break
    return records


def read_table(path: Path) -> tuple[list[str], list[dict]]:
    """The header and the rows of one CSV, each row {property: typed value} plus the special fields."""
    header, *rows = _records(path.read_text(encoding="utf-8"))
    out = []
    for row in rows:
        assert len(row) == len(header), (path, row)
        record = {}
        for column, cell in zip(header, row):
            name, _, kind = column.rpartition(":") if ":" in column else (column, "", "string")
            if kind in SPECIAL:
                record[f":{kind}"] = cell
                if name:  # `id:ID` also stores the id as the property `id`
                    record[name] = cell
            elif cell is not None:  # an empty bare field is no property
                array = kind.endswith("[]")
                convert = CONVERT[kind.removesuffix("[]")]
                record[name] = [convert(v) for v in cell.split(ARRAY_DELIMITER)] if array else convert(cell)
        out.append(record)
    return header, out


def test_headers_follow_neo4j_admin_and_every_node_and_relationship_is_in_the_csv(seed_graph, tmp_path):
    export(seed_graph, tmp_path)
    nodes, edges = {}, {}
    for path in sorted((tmp_path / "neo4j" / "nodes").glob("*.csv")):
        header, rows = read_table(path)
        assert header[:2] == ["id:ID", ":LABEL"], path
        for column in header:
            name, _, kind = column.rpartition(":")
            assert kind in SPECIAL or kind.removesuffix("[]") in TYPES or ":" not in column, column
        assert not any(column.endswith(":int") for column in header)  # 32-bit in neo4j-admin: integers are long
        for row in rows:
            assert row[":LABEL"] == path.stem
            nodes[row.pop(":ID")] = row
    for path in sorted((tmp_path / "neo4j" / "relationships").glob("*.csv")):
        header, rows = read_table(path)
        assert header[:3] == [":START_ID", ":END_ID", ":TYPE"], path
        for row in rows:
            assert row[":TYPE"] == path.stem and row[":START_ID"] in nodes and row[":END_ID"] in nodes
            edges[row["key"]] = row

    # an empty list is written as no property, as neo4j-admin has no empty array (the queries read it as [])
    expected_nodes = {str(node): {"id": str(node), ":LABEL": data["label"],
                                  **{k: v for k, v in data.items() if k != "label" and v != []}}
                      for node, data in seed_graph.nodes(data=True)}
    assert nodes == expected_nodes
    expected_edges = {data["key"]: {":START_ID": str(head), ":END_ID": str(tail), ":TYPE": data["type"],
                                    **{k: v for k, v in data.items() if k != "type"}}
                      for head, tail, data in seed_graph.edges(data=True)}
    assert edges == expected_edges


def test_the_import_command_names_every_csv_once(seed_graph, tmp_path):
    export(seed_graph, tmp_path)
    command = admin_import_command(tmp_path, "kgdb")
    words = shlex.split(command)
    assert words[:4] == ["neo4j-admin", "database", "import", "full"] and words[-1] == "kgdb"
    assert f"--array-delimiter={ARRAY_DELIMITER}" in words
    named = sorted(w.split("=", 1)[1] for w in words if w.startswith(("--nodes=", "--relationships=")))
    assert named == sorted(str(p) for p in (tmp_path / "neo4j").rglob("*.csv"))
    assert (tmp_path / "neo4j" / "schema.cypher").read_text(encoding="utf-8").count("CREATE CONSTRAINT") == 10


def test_readme_and_load_help_point_big_graphs_to_neo4j_admin():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Big graphs"):]
    assert "neo4j-admin database import full" in section and "schema.cypher" in section
    help_text = re.sub(r"\s+", " ", CliRunner().invoke(app, ["load", "--help"], terminal_width=200).output)
    assert "neo4j-admin database import full" in help_text and "1,000,000" in help_text


def test_kg_load_prints_the_import_command_past_the_threshold(examples_build, monkeypatch):
    monkeypatch.setattr("kg.cli.ADMIN_IMPORT_ROWS", 10)
    folder = examples_build.out_dir
    result = CliRunner().invoke(app, ["load", str(folder), "--uri", "bolt://localhost:1"], env={"NEO4J_PASSWORD": "pw"})
    assert "neo4j-admin database import full" in result.output and str(folder / "neo4j") in result.output
