"""Run the Cypher library (kg/io/queries/*.cypher, package data) read-only, with typed parameters, and format the answer.

A library file starts with a comment header that documents it and supplies example parameter values:

    // Question: Which offices are responsible for the most programmes?
    // Param: limit = 10  how many offices to list
    MATCH ...

`Param:` values are JSON (10, 2024, "中学", ["a", "b"]); the same header yields the Neo4j Browser favourites
(kg.io.browser).

Read-only is checked before anything is sent, then enforced by the database:
1. the statement's clauses (`write_clauses`, comments and strings left out): CREATE, MERGE, SET, DELETE, REMOVE,
   DROP, FOREACH, LOAD CSV, CALL … IN TRANSACTIONS, schema and admin commands, and procedures whose names say they
   write are refused without connecting.  ArcadeDB applies a schema command at once, even inside a read
   transaction that is then rolled back, and even under EXPLAIN, so such a statement must never reach it;
2. where the server's EXPLAIN reports query types (Neo4j does; ArcadeDB 26.10 reports "w" for every EXPLAIN, which
   `EXPLAIN RETURN 1` shows), the query's EXPLAIN must report "r"; elsewhere a procedure not known to be read-only
   is refused;
3. the query runs in a READ transaction (`execute_read`), which Neo4j refuses to write in.  ArcadeDB 26.10 ignores
   the Bolt access mode, so the transaction also checks what the server reports having done (query type, update
   counters) and raises before commit, so that the driver rolls the transaction back.
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
    """The query would write or change the schema: refused before it was sent, refused by the database, or stopped
    before commit."""


_STRIPPED = re.compile(r"//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", re.S)
_WRITE_CLAUSE = re.compile(
    r"(?<![.$:\w])(CREATE|MERGE|SET|DELETE|DETACH\s+DELETE|REMOVE|DROP|FOREACH|LOAD\s+CSV|IN\s+TRANSACTIONS|ALTER|"
    r"RENAME|GRANT|DENY|REVOKE|(?:START|STOP)\s+DATABASE|TERMINATE\s+TRANSACTIONS?)(?!\w)(?!\s*:)", re.I)
_PROCEDURE = re.compile(r"(?<![.\w])CALL\s+([A-Za-z_][\w.]*)\s*\(", re.I)
_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")
# Procedures a read query may call on any server; a name with a writing verb in it is refused outright.
READ_PROCEDURES = {"db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
                   "db.schema.nodetypeproperties", "db.schema.reltypeproperties", "db.info", "db.ping",
                   "db.index.fulltext.querynodes", "db.index.fulltext.queryrelationships",
                   "db.index.vector.querynodes", "db.index.vector.queryrelationships", "dbms.components",
                   "dbms.procedures", "dbms.functions"}
_WRITING_PROCEDURE = re.compile(r"(^|\.)(create|drop|delete|remove|set|merge|add|write|mutate|clear|kill|"
                                r"terminate|assert|refactor|periodic|import|rename|upgrade)", re.I)


def _code(text: str) -> str:
    """The statement with comments, strings and `quoted` names blanked out (line breaks kept, for line numbers)."""
    return _STRIPPED.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def write_clauses(text: str) -> list[str]:
    """The clauses and procedure calls of a Cypher statement that write or change the schema, as "SET (line 3)".
    A keyword used as a name (`n.set`, `AS set`, `{set: 1}`, `$set`) is not a clause."""
    code = _code(text)
    found = [(m.start(), re.sub(r"\s+", " ", m.group(1)).upper()) for m in _WRITE_CLAUSE.finditer(code)
             if not re.search(r"\bAS\s*$", code[:m.start()], re.I)]
    found += [(m.start(1), f"CALL {m.group(1)}") for m in _PROCEDURE.finditer(code)
              if _WRITING_PROCEDURE.search(m.group(1))]
    return [f"{what} (line {code.count(chr(10), 0, at) + 1})" for at, what in sorted(found)]


def unknown_procedures(text: str) -> list[str]:
    """Procedures the statement calls that are not known to be read-only."""
    return [m.group(1) for m in _PROCEDURE.finditer(_code(text)) if m.group(1).lower() not in READ_PROCEDURES]


def parameters(text: str) -> set[str]:
    """The $parameters a statement uses."""
    return set(_PARAMETER.findall(_code(text)))


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


def check_query(query: CypherQuery, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """What can be checked without a server: the query reads (QueryRefused otherwise) and every parameter it uses
    has a value (`params`, else its `// Param:` example).  Returns the values to send."""
    clauses = write_clauses(query.body)
    if clauses:
        raise QueryRefused(f"{query.path}: refused: the query writes or changes the schema ({', '.join(clauses)}); "
                           f"kg query runs read-only queries, and nothing was sent")
    given = dict(params or {})
    takes = set(query.params) | parameters(query.body)
    unknown = sorted(set(given) - takes)
    if unknown:
        raise QueryError(f"{query.path}: no parameter {', '.join(unknown)} (it takes: {', '.join(sorted(takes)) or 'none'})")
    values = {**query.params, **given}
    missing = sorted(takes - set(values))
    if missing:
        raise QueryError(f"{query.path}: needs a value for " + ", ".join(f"${m} (--param {m}=…)" for m in missing))
    return values


def _explain_type(session, text: str) -> str | None:
    """The query type EXPLAIN reports for `text`, or None where the server's EXPLAIN does not tell reads apart
    (it must report "r" for `RETURN 1`).  Only called on text that passed `write_clauses`."""
    def explain(statement: str) -> str | None:
        return session.execute_read(lambda tx: tx.run(f"EXPLAIN {statement}").consume().query_type)

    try:
        return explain(text) if explain("RETURN 1") == "r" else None
    except Neo4jError:
        return None


def run_query(driver: Driver, query: CypherQuery, params: dict[str, Any] | None = None,
              database: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """Run `query` in a read transaction of `database` (the server's default when None) through a connected
    driver (kg.io.neo4j.connect); returns (column names, rows).  Refused before anything is sent when it would
    write (`check_query`, then EXPLAIN where the server reports query types); unknown parameter names are an
    error."""
    values = check_query(query, params)

    def work(tx):
        result = tx.run(query.text, values)
        keys = list(result.keys())
        rows = [{k: _plain(v) for k, v in record.items()} for record in result]
        summary = result.consume()
        counters = summary.counters
        if summary.query_type not in ("r", None) or counters.contains_updates or counters.contains_system_updates:
            raise QueryRefused(f"{query.path}: the query writes (the server reports query type "
                               f"{summary.query_type!r}, {counters}): kg query did not commit and asked the server to "
                               f"roll the transaction back; a server may keep a schema change regardless")
        return keys, rows

    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        try:
            kind = _explain_type(session, query.text)
            if kind not in (None, "r"):
                raise QueryRefused(f"{query.path}: refused: the server's EXPLAIN reports query type {kind!r} "
                                   f"(it would write); nothing was run")
            unknown = unknown_procedures(query.body)
            if kind is None and unknown:
                raise QueryRefused(f"{query.path}: refused: it calls {', '.join(unknown)}, which this server cannot "
                                   f"vouch is read-only (its EXPLAIN does not report query types); nothing was run")
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
