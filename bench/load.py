"""Load throughput: the batched loader (UNWIND batches) vs one statement per row, on the seed graph, same run.

    .venv/bin/python bench/load.py                  # starts ArcadeDB (tests/arcadedb_server.py) on free ports
    NEO4J_PASSWORD=… .venv/bin/python bench/load.py --uri bolt://localhost:7687 --user neo4j \
        --database w --database b0 --database b1 --database b2 --database p   # EMPTY databases of yours

The per-row loader is kg.io.loader.load_graph with batch_size=1: every node and relationship is its own
statement in its own transaction, the way a naive loader writes. Both are measured after warm-up loads into a
scratch database (a JVM server runs its first statements interpreted); the cold first load is reported too.
Each database gets its constraints and indexes first, timed apart (a one-off per database, the same for both).
Targets: batched >= 10x per-row, and the seed graph (5 documents, GOLD facts) loaded in under 10 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def seed_graph():
    """The seed corpus with its GOLD facts, as the tests build it."""
    from kg.graph.build import build_graph
    from kg.ingest.read import read_path
    from kg.io.jsonl import read_units

    documents, _ = read_path(SHARED / "corpus" / "seeds")
    return build_graph(documents, read_units(SHARED / "annotations" / "seeds.gold.jsonl"), extractor="gold")


def server_cpu(pid: int | None) -> float:
    """CPU seconds the server process (all its JVM threads) has used; 0 when it is not ours to read.
    Wall time on a shared machine measures the neighbours too; CPU time does not."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def create_schema(uri: str, user: str, password: str, database: str) -> float:
    """Constraints and indexes on an empty database, timed apart: a one-off per database, not per load."""
    from kg.io.loader import schema_statements
    from kg.io.neo4j import Neo4jConfig, connect

    t0 = time.perf_counter()
    with connect(Neo4jConfig(uri, user, database, password)) as driver:
        for statement in schema_statements():
            driver.execute_query(statement, database_=database)
    return time.perf_counter() - t0


def run(graph, uri: str, user: str, password: str, database: str, batch_size: int, pid: int | None):
    """(rows, wall seconds, CPU seconds of client + server) of one load."""
    from kg.io.loader import load_graph
    from kg.io.neo4j import Neo4jConfig, connect

    with connect(Neo4jConfig(uri, user, database, password)) as driver:
        cpu0, server0, t0 = time.process_time(), server_cpu(pid), time.perf_counter()
        report = load_graph(graph, driver, database, batch_size=batch_size, progress=False)
        wall = time.perf_counter() - t0
    return report.rows, wall, time.process_time() - cpu0 + server_cpu(pid) - server0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", help="an existing Bolt server (default: start ArcadeDB)")
    parser.add_argument("--user", default="neo4j")
    parser.add_argument("--database", action="append", default=[],
                        help="with --uri: empty databases, for the warm-up, each batched and the per-row load")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=3, help="loads into a scratch database before measuring")
    parser.add_argument("--repeat", type=int, default=3, help="batched loads measured (the median counts)")
    args = parser.parse_args()

    graph = seed_graph()
    rows = graph.number_of_nodes() + graph.number_of_edges()
    print(f"seed graph: {graph.number_of_nodes()} nodes + {graph.number_of_edges()} relationships = {rows} rows")
    names = ["bench_warmup"] + [f"bench_batched_{i}" for i in range(args.repeat)] + ["bench_per_row"]
    server = None
    if args.uri:
        if len(args.database) != len(names):
            parser.error(f"--uri needs --database {len(names)} times: empty databases for warm-up, "
                         f"{args.repeat} batched loads and the per-row load")
        uri, user, password = args.uri, args.user, os.environ.get("NEO4J_PASSWORD", "")
        databases = args.database
    else:
        sys.path.insert(0, str(REPO / "tests"))
        from arcadedb_server import BoltServer

        server = BoltServer.start(Path(tempfile.mkdtemp(prefix="kg-bench-")))
        print(f"ArcadeDB (Bolt) started in {server.startup_seconds:.2f} s at {server.uri}")
        uri, user, password = server.uri, server.user, server.password
        databases = [server.create_database(name) for name in names]
    warm_db, batched_dbs, per_row_db = databases[0], databases[1:-1], databases[-1]
    pid = server.process.pid if server else None
    cpu_note = "" if pid else " (CPU: client only)"
    try:
        for i in range(args.warmup):
            n, wall, cpu = run(graph, uri, user, password, warm_db, args.batch_size, pid)
            print(f"warm-up load {i + 1}{' (cold server)' if i == 0 else ''}: {n} rows in {wall:.2f} s, "
                  f"CPU {cpu:.2f} s")
        walls, cpus = [], []
        for database in batched_dbs:
            schema = create_schema(uri, user, password, database)
            n, wall, cpu = run(graph, uri, user, password, database, args.batch_size, pid)
            walls.append(wall)
            cpus.append(cpu)
            print(f"batched (batch_size={args.batch_size}) into an empty database: {n} rows in {wall:.2f} s "
                  f"= {n / wall:,.0f} rows/s; CPU {cpu:.2f} s{cpu_note} (its constraints and indexes: {schema:.2f} s)")
        n, wall, cpu = run(graph, uri, user, password, batched_dbs[0], args.batch_size, pid)
        print(f"batched re-load (replaces the 5 documents): {n} rows in {wall:.2f} s = {n / wall:,.0f} rows/s; "
              f"CPU {cpu:.2f} s")
        create_schema(uri, user, password, per_row_db)
        n, per_row, per_row_cpu = run(graph, uri, user, password, per_row_db, 1, pid)
        print(f"per-row (one statement and transaction per row): {n} rows in {per_row:.2f} s "
              f"= {n / per_row:,.0f} rows/s; CPU {per_row_cpu:.2f} s")
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        verdict = "met" if per_row / wall >= 10 else "NOT met"
        print(f"median batched: {wall:.2f} s = {rows / wall:,.0f} rows/s; speed-up {per_row / wall:.1f}x by wall "
              f"clock (target >= 10x: {verdict}), {per_row_cpu / cpu:.1f}x by CPU time; seed graph loaded in "
              f"{wall:.2f} s (target < 10 s: {'met' if wall < 10 else 'NOT met'})")
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
