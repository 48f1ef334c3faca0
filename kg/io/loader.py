"""Load the knowledge graph (THE GRAPH MODEL networkx.MultiDiGraph) into Neo4j with the official driver.

Why it is shaped like this:
- Uniqueness constraints on `id` come first: MERGE without an index scans the label, which makes a load quadratic.
- Writes are batched `UNWIND $rows` statements (one per label / relationship type), packed into managed
  transactions of up to `batch_size` rows (`execute_write` retries transient errors). Labels and relationship
  types are checked against the fixed schema sets before they are put into a statement; every value travels as
  a parameter, so no document text is ever spliced into Cypher.
- Loading is per document: before a document's facts are written, the facts an earlier load stored for it
  (relationships with that `doc`, its Document/Section/Sentence/Goal nodes) are deleted, so re-loading a
  re-extracted document replaces it without touching other documents. Entity nodes keep the union of their
  `docs`/`aliases` across loads; one no other document mentions any more is removed with the document.
- Concurrent loads: two loads into one database from this machine take turns (`load_lock`, an advisory file lock
  per URI and database that the second `kg load` waits on). Loads that do not share the lock (from two machines)
  can still collide: two MERGEs creating the same entity key make one of them fail on the uniqueness constraint
  (Neo.ClientError.Schema.ConstraintValidationFailed, which the driver does not retry); Neo4j's guidance for
  concurrent MERGE is to retry, so such a transaction is run again (`_COLLISION_RETRIES`), when the MERGE finds the
  node the other load created. Every transaction is idempotent (MERGE by key, SET, deletes by document), so
  running it again is safe. The entity statement's first SET takes the node's write lock before `docs` is read,
  so two loads' document lists are merged, not overwritten.
- The Cypher is the subset Neo4j 5 and ArcadeDB (the Bolt server the tests run against) both execute; the
  DDL below is accepted by both as written, so no server detection is needed.
"""
from __future__ import annotations

import hashlib
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError

from kg.files import cache_dir
from kg.io.neo4j import Neo4jConfig
from kg.progress import progress_bar
from kg.schema import ENTITY_NODE_LABELS, NODE_LABELS, REL_TYPES, Label

# Nodes that belong to one document (they carry `doc`) and go when it is re-loaded, the Document last.
DOC_LABELS = (Label.SECTION, Label.SENTENCE, Label.GOAL, Label.DOCUMENT)
# Entity nodes (ENTITY_NODE_LABELS) are shared between documents: `docs` and `aliases` accumulate instead of
# being overwritten.
UNION_KEYS = ("docs", "aliases")


class LoadError(RuntimeError):
    """A load stopped part-way; `report` says which batches were written and which were not."""

    def __init__(self, message: str, report: "LoadReport"):
        super().__init__(f"{message}\n{report.summary()}")
        self.report = report


@dataclass
class Step:
    """One label's nodes, one relationship type between two labels, or one kind of deletion."""

    name: str
    batches_total: int
    writes: bool = False  # merges graph rows (not a delete/clean-up step)
    batches_done: int = 0
    rows_done: int = 0


@dataclass
class LoadReport:
    """What a load did: per step the batches and rows committed, and the server's update counters."""

    database: str | None
    documents: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        return all(s.batches_done == s.batches_total for s in self.steps)

    @property
    def rows(self) -> int:
        """Nodes plus relationships written (merged)."""
        return sum(s.rows_done for s in self.steps if s.writes)

    def summary(self, server: str = "") -> str:
        """What was loaded, into `server` (e.g. its URI; the driver does not tell) and the database."""
        where = f"{server} database {self.database or '(default)'}".lstrip()
        state = "loaded" if self.complete else "INCOMPLETE load"
        lines = [f"{state} into {where}: {len(self.documents)} document(s), "
                 f"{self.rows} nodes+relationships merged in {self.seconds:.2f} s "
                 f"(+{self.nodes_created} nodes, +{self.relationships_created} relationships, "
                 f"-{self.nodes_deleted} nodes, -{self.relationships_deleted} relationships)"]
        if not self.complete:
            lines += [f"  {'done' if s.batches_done == s.batches_total else 'NOT DONE'}: {s.name} "
                      f"{s.batches_done}/{s.batches_total} batches, {s.rows_done} rows" for s in self.steps]
        return "\n".join(lines)


def _check_props(props: dict[str, Any], where: str) -> None:
    """Neo4j property values: str, 64-bit int, float, bool or a list of str (THE GRAPH MODEL); else ValueError."""
    for key, value in props.items():
        if isinstance(value, int) and not isinstance(value, bool):
            ok = -2**63 <= value < 2**63
        else:
            ok = isinstance(value, (str, float, bool)) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value))
        if not ok:
            raise ValueError(f"{where}: property {key!r} = {value!r} is not str, 64-bit int, float, bool "
                             f"or a list of str")


def _node_rows(graph: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """Rows per label: {id, props} (+ the union lists for entities). Bad nodes raise ValueError naming the node."""
    rows: dict[str, list[dict]] = defaultdict(list)
    for node_id, data in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        label = data.get("label")
        if label not in NODE_LABELS:
            raise ValueError(f"node {node_id!r}: label {label!r} is not one of {', '.join(NODE_LABELS)}")
        props = {k: v for k, v in data.items() if k not in ("label", "id")}
        _check_props(props, f"node {node_id!r}")
        row: dict[str, Any] = {"id": str(node_id)}
        if label in ENTITY_NODE_LABELS:
            for key in UNION_KEYS:
                row[key] = props.pop(key, [])
        row["props"] = props
        rows[label].append(row)
    return rows


def _edge_rows(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], list[dict]]:
    """Rows per (type, head label, tail label): the labels go into MATCH so the id index is used."""
    rows: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for head, tail, nx_key, data in graph.edges(keys=True, data=True):
        rel_type = data.get("type")
        if rel_type not in REL_TYPES:
            raise ValueError(f"edge {head!r} -> {tail!r} ({nx_key!r}): type {rel_type!r} is not one of "
                             f"{', '.join(REL_TYPES)}")
        props = {k: v for k, v in data.items() if k not in ("type", "key")}
        _check_props(props, f"edge {nx_key!r}")
        labels = (graph.nodes[head]["label"], graph.nodes[tail]["label"])
        rows[(rel_type, *labels)].append({"a": str(head), "b": str(tail), "key": str(data.get("key", nx_key)),
                                          "props": props})
    return {k: sorted(v, key=lambda r: r["key"]) for k, v in sorted(rows.items())}


def graph_documents(graph: nx.MultiDiGraph) -> list[str]:
    """The document ids a graph carries facts of: its Document nodes and every `doc` property."""
    docs = {d["doc"] for _, d in graph.nodes(data=True) if isinstance(d.get("doc"), str)}
    docs |= {d["doc"] for *_, d in graph.edges(data=True) if isinstance(d.get("doc"), str)}
    return sorted(docs)


def schema_statements() -> list[str]:
    """Constraints and indexes, idempotent. Labels/types interpolated here come only from the fixed sets."""
    stmts = [f"CREATE CONSTRAINT kg_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
             for label in NODE_LABELS]
    stmts += [f"CREATE INDEX kg_{label.lower()}_doc IF NOT EXISTS FOR (n:{label}) ON (n.doc)" for label in DOC_LABELS]
    stmts += [f"CREATE INDEX kg_{t.lower()}_doc IF NOT EXISTS FOR ()-[r:{t}]-() ON (r.doc)" for t in REL_TYPES]
    return stmts


def _node_statement(label: str) -> str:
    assert label in NODE_LABELS
    union = "".join(f", n.{k} = coalesce(n.{k}, []) + [x IN row.{k} WHERE NOT x IN coalesce(n.{k}, [])]"
                    for k in UNION_KEYS) if label in ENTITY_NODE_LABELS else ""
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props{union}"


def _edge_statement(rel_type: str, head: str, tail: str) -> str:
    assert rel_type in REL_TYPES and head in NODE_LABELS and tail in NODE_LABELS
    return (f"UNWIND $rows AS row MATCH (a:{head} {{id: row.a}}) MATCH (b:{tail} {{id: row.b}}) "
            f"MERGE (a)-[r:{rel_type} {{key: row.key}}]->(b) SET r += row.props")


def _delete_statements() -> list[tuple[str, str]]:
    """(step name, statement) removing one batch (`$limit`) of the documents' old facts and returning how many.
    The lexical nodes go first (DETACH takes their relationships along), then what is left between entities."""
    stmts = [(f"delete {label}", f"MATCH (n:{label}) WHERE n.doc IN $docs WITH n LIMIT $limit DETACH DELETE n "
                                  f"RETURN count(*) AS deleted") for label in DOC_LABELS]
    stmts += [(f"delete {t}", f"MATCH ()-[r:{t}]->() WHERE r.doc IN $docs WITH r LIMIT $limit DELETE r "
                             f"RETURN count(*) AS deleted") for t in REL_TYPES]
    return stmts


def _entity_release_statement(label: str) -> str:
    """Take the re-loaded documents out of the entities' `docs` (the load puts back the ones still mentioned)."""
    assert label in ENTITY_NODE_LABELS
    return (f"MATCH (n:{label}) WHERE any(d IN n.docs WHERE d IN $docs) "
            f"SET n.docs = [d IN n.docs WHERE NOT d IN $docs]")


def _entity_prune_statement(label: str) -> str:
    """After the load: remove entities that no document mentions and no relationship touches any more."""
    assert label in ENTITY_NODE_LABELS
    return f"MATCH (n:{label}) WHERE size(n.docs) = 0 AND NOT EXISTS {{ (n)--() }} DETACH DELETE n"


# One transaction: (step, statement, parameters) run in order, committed together.
Transaction = list[tuple[Step, str, dict]]


def _plan(graph: nx.MultiDiGraph, batch_size: int) -> tuple[list[str], list[Step], list[Transaction]]:
    """The documents, the steps and the transactions of a load.

    Writes are packed: a transaction carries up to `batch_size` rows, taken in order from as many labels and
    relationship types as fit (one UNWIND statement per label/type part), so a small graph is a handful of
    round trips and `batch_size=1` is the one-row-per-transaction loader.
    """
    node_rows, edge_rows = _node_rows(graph), _edge_rows(graph)
    docs = graph_documents(graph)
    steps: list[Step] = []
    transactions: list[Transaction] = []

    def maintenance(named_statements: list[tuple[str, str]], params: dict) -> None:
        transaction = [(Step(name, 1), statement, params) for name, statement in named_statements]
        steps.extend(step for step, _, _ in transaction)
        transactions.append(transaction)

    scope = {"docs": docs, "limit": batch_size}
    if docs:
        maintenance(_delete_statements(), scope)
        maintenance([(f"release {label}", _entity_release_statement(label)) for label in ENTITY_NODE_LABELS], scope)
    writes = [(f"nodes {label}", _node_statement(label), rows) for label, rows in node_rows.items()]
    writes += [(f"{t} ({h})->({tl})", _edge_statement(t, h, tl), rows) for (t, h, tl), rows in edge_rows.items()]
    current: Transaction = []
    room = batch_size
    for name, statement, rows in writes:
        step = Step(name, 0, writes=True)
        steps.append(step)
        done = 0
        while done < len(rows):
            piece = rows[done:done + room]
            current.append((step, statement, {"rows": piece}))
            step.batches_total += 1
            done += len(piece)
            room -= len(piece)
            if room == 0:
                transactions.append(current)
                current, room = [], batch_size
    if current:
        transactions.append(current)
    if docs:
        maintenance([(f"prune {label}", _entity_prune_statement(label)) for label in ENTITY_NODE_LABELS], {})
    return docs, steps, transactions


def _run_transaction(tx, transaction: Transaction) -> list[tuple[list, Any]]:
    """Managed-transaction work: every statement's returned values and update counters."""
    out = []
    for _, statement, params in transaction:
        result = tx.run(statement, params)
        values = [record.value() for record in result]
        out.append((values, result.consume().counters))
    return out


def load_lock(config: Neo4jConfig) -> Path:
    """The advisory lock file (kg.files.exclusive) of one database of one server, as this machine names it."""
    key = f"{config.uri}\n{config.database or ''}"
    return cache_dir() / "locks" / f"load-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lock"


_COLLISION = "Neo.ClientError.Schema.ConstraintValidationFailed"
_COLLISION_RETRIES = 6


def _write(session, transaction: Transaction) -> list[tuple[list, Any]]:
    """One managed write transaction (`execute_write` retries transient errors), run again with a growing random
    pause when a concurrent MERGE collided with it on a uniqueness constraint."""
    attempt = 0
    while True:
        try:
            return session.execute_write(_run_transaction, transaction)
        except Neo4jError as exc:
            if exc.code != _COLLISION or attempt == _COLLISION_RETRIES:
                raise
        time.sleep(random.uniform(0.05, 0.1) * 2 ** attempt)
        attempt += 1


def load_graph(graph: nx.MultiDiGraph, driver: Driver, database: str | None = None, *, batch_size: int = 1000,
               progress: bool = True) -> LoadReport:
    """Replace the documents of `graph` in `database` (the server's default when None) by the graph's facts,
    through a connected driver (kg.io.neo4j.connect); returns what was written. Idempotent.

    Raises ValueError (bad graph, before any write) or LoadError carrying the report of what was and was not
    written.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    docs, steps, transactions = _plan(graph, batch_size)
    report = LoadReport(database, documents=docs, steps=steps)
    t0 = time.perf_counter()
    with driver.session(database=database) as session:
        transaction: Transaction = []
        try:
            for statement in schema_statements():
                session.run(statement).consume()  # schema commands run in their own (auto-commit) transaction
            with progress_bar() as bar:
                task = bar.add_task("loading", total=len(transactions), visible=progress)
                for transaction in transactions:
                    bar.update(task, description=transaction[0][0].name)
                    while True:  # deletions repeat until every statement removed fewer than `limit` rows
                        results = _write(session, transaction)
                        for (step, _, params), (values, counters) in zip(transaction, results):
                            report.nodes_created += counters.nodes_created
                            report.nodes_deleted += counters.nodes_deleted
                            report.relationships_created += counters.relationships_created
                            report.relationships_deleted += counters.relationships_deleted
                            step.rows_done += len(params["rows"]) if "rows" in params else sum(values)
                        if not any("limit" in params and values and values[0] >= params["limit"]
                                   for (_, _, params), (values, _) in zip(transaction, results)):
                            break
                    for step, _, _ in transaction:
                        step.batches_done += 1
                    transaction = []
                    bar.advance(task)
        except (Neo4jError, DriverError, ValueError, TypeError) as exc:  # server refusals and encoding errors
            report.seconds = time.perf_counter() - t0
            names = list(dict.fromkeys(step.name for step, _, _ in transaction))
            where = f" in the transaction of {', '.join(names)}" if names else " while creating constraints"
            raise LoadError(f"load stopped{where}: {exc}", report) from exc
    report.seconds = time.perf_counter() - t0
    return report
