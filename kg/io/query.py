"""Run the Cypher library (kg/io/queries/*.cypher, package data) read-only, with typed parameters, and format the answer.

A library file starts with a comment header that documents it and supplies example parameter values:

    // Question: Which offices are responsible for the most programmes?
    // Param: limit = 10  how many offices to list
    MATCH ...

`Param:` values are JSON (10, 2024, "中学", ["a", "b"]); the same header yields the Neo4j Browser favourites
(kg.io.browser).

Read-only is the database's business: the query runs in a READ transaction (`execute_read`, READ access mode),
which Neo4j refuses to write in. ArcadeDB 26.10 ignores the Bolt access mode (its BEGIN handler reads only the
database name), so the transaction also checks what the server itself reports having done — the summary's
query type and update counters — and raises before commit, which makes the driver roll the transaction back.
Neither check reads the query text.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import neo4j
from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError
from neo4j.graph import Node, Relationship

QUERIES = Path(str(files("kg.io") / "queries"))  # an installed package is a folder of files
FORMATS = ("table", "csv", "json")
_HEADER = re.compile(r"^//\s*(Question|Param):\s*(.*)$")


class QueryError(RuntimeError):
    """A query could not be found, parsed or run; the message names the file."""


class QueryRefused(QueryError):
    """The query tried to write; the database refused it or its transaction was rolled back."""


@dataclass
class CypherQuery:
    name: str
    path: Path
    text: str
    question: str = ""
    params: dict[str, Any] = field(default_factory=dict)  # example values, used when not given
    param_help: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> str:
        """The query without its header comments."""
        return "\n".join(line for line in self.text.splitlines() if not _HEADER.match(line.strip())).strip()

    @classmethod
    def read(cls, path: Path) -> "CypherQuery":
        text = path.read_text(encoding="utf-8")
        query = cls(path.stem, path, text)
        decoder = json.JSONDecoder()
        for lineno, line in enumerate(text.splitlines(), 1):
            match = _HEADER.match(line.strip())
            if not match:
                continue
            kind, rest = match.groups()
            if kind == "Question":
                query.question = rest.strip()
                continue
            name, _, value = rest.partition("=")
            try:
                parsed, end = decoder.raw_decode(value.strip())
            except json.JSONDecodeError as exc:
                raise QueryError(f"{path}:{lineno}: parameter {name.strip()!r} needs a JSON example value "
                                 f"({exc.msg})") from None
            query.params[name.strip()] = parsed
            query.param_help[name.strip()] = value.strip()[end:].strip()
        return query


def library(directory: Path = QUERIES) -> list[CypherQuery]:
    return [CypherQuery.read(p) for p in sorted(directory.glob("*.cypher"))]


def find_query(name_or_path: str, directory: Path = QUERIES) -> CypherQuery:
    """A library query by name (`offices_most_programs`) or any .cypher file by path."""
    path = Path(name_or_path)
    if not path.is_file():
        path = directory / f"{name_or_path}.cypher"
    if not path.is_file():
        names = ", ".join(q.name for q in library(directory))
        raise QueryError(f"no query {name_or_path!r}: not a file and not in {directory} (available: {names})")
    return CypherQuery.read(path)


def parse_param(item: str) -> tuple[str, Any]:
    """`key=value` with a typed value: JSON where it parses (2024 → int, 0.5, true, ["a"], "2024" → str),
    else the text as a string."""
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise QueryError(f"parameter {item!r} is not key=value")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip(), value


def _plain(value: Any) -> Any:
    """Driver values as JSON-able data (nodes and relationships become their properties)."""
    if isinstance(value, (Node, Relationship)):
        return {k: _plain(v) for k, v in dict(value).items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def run_query(driver: Driver, query: CypherQuery, params: dict[str, Any] | None = None,
              database: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """Run `query` in a read transaction of `database` (the server's default when None) through a connected
    driver (kg.io.neo4j.connect); returns (column names, rows). Unknown parameter names are an error."""
    given = dict(params or {})
    unknown = sorted(set(given) - set(query.params))
    if unknown:
        raise QueryError(f"{query.path}: no parameter {', '.join(unknown)} "
                         f"(it takes: {', '.join(query.params) or 'none'})")
    values = {**query.params, **given}

    def work(tx):
        result = tx.run(query.text, values)
        keys = list(result.keys())
        rows = [{k: _plain(v) for k, v in record.items()} for record in result]
        summary = result.consume()
        counters = summary.counters
        if summary.query_type not in ("r", None) or counters.contains_updates or counters.contains_system_updates:
            raise QueryRefused(f"{query.path}: the query writes (server reports query type "
                               f"{summary.query_type!r}, {counters}); rolled back")
        return keys, rows

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        try:
            return session.execute_read(work)
        except Neo4jError as exc:
            if "AccessMode" in (exc.code or ""):  # Neo4j: Neo.ClientError.Statement.AccessMode
                raise QueryRefused(f"{query.path}: the database refused a write in a read transaction: "
                                   f"{exc.message}") from None
            raise QueryError(f"{query.path}: {exc.code}: {exc.message}") from None
        except DriverError as exc:
            raise QueryError(f"{query.path}: {exc}") from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def format_rows(keys: list[str], rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(keys)
        writer.writerows([_cell(row[k]) for k in keys] for row in rows)
        return out.getvalue()
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(*keys)
        for row in rows:
            table.add_row(*(_cell(row[k]) for k in keys))
        out = io.StringIO()
        Console(file=out, width=200).print(table)
        return out.getvalue()
    raise QueryError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
