"""Shared fixtures: the seed corpus and gold from ../shared, one loaded pipeline and one Bolt server per session;
and the markers, given by what a test needs (pyproject.toml registers them).

A test that needs the Bolt server is `bolt`, one that drives Chromium `browser`, one that runs the notebooks
`notebook`, one that installs the wheel `wheel`, one that runs `kg extract`, `kg track-eval`, training or the
tracking texts through the pipeline end to end `e2e`, one that kills, races or times real processes and servers
`reliability`; every other test is `unit` (`pytest -m unit`, under a minute).
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "annotations" / "seeds.gold.jsonl"
KG = str(Path(sys.executable).with_name("kg"))  # the console script of the venv running the tests


# Marker by fixture (fixtures a test needs, directly or through other fixtures) and by test module.
MARK_BY_FIXTURE = {"bolt_server": "bolt", "browser": "browser", "tracking_build": "e2e"}
MARK_BY_MODULE = {"test_notebooks.py": "notebook", "test_wheel.py": "wheel", "test_extract.py": "e2e",
                  "test_train.py": "e2e", "test_serialisation.py": "e2e", "test_track_eval.py": "e2e",
                  "test_parallel.py": "e2e", "test_reliability.py": "reliability"}


def pytest_collection_modifyitems(items):
    for item in items:
        marks = {mark for fixture, mark in MARK_BY_FIXTURE.items() if fixture in item.fixturenames}
        marks |= {mark for module, mark in MARK_BY_MODULE.items() if item.path.name == module}
        marks |= {mark.name for mark in item.iter_markers() if mark.name in {*MARK_BY_FIXTURE.values(),
                                                                           *MARK_BY_MODULE.values()}}
        for mark in sorted(marks or {"unit"}):
            item.add_marker(mark)


def run_kg(*args: str) -> subprocess.CompletedProcess:
    """The `kg` command run as a user runs it, from the repository root."""
    return subprocess.run([KG, *args], capture_output=True, text=True, cwd=REPO)


def snapshot(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under `folder`: two builds are the same build when these are equal."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def kg_extract(source: Path, out: Path) -> Path:
    """`kg extract SOURCE -o OUT`, which must succeed."""
    proc = run_kg("extract", str(source), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="session")
def gold_rows() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def gold_units():
    """The gold as validated Units."""
    from kg.io.jsonl import read_units

    return read_units(GOLD)


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp.pipeline import from_config

    return from_config()


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory):
    """A real Bolt server for the session: ArcadeDB in a child process (tests/arcadedb_server.py), on free ports.
    Has uri, user, password, database, and create_database(name) for a fresh one; stopped at the end, also on
    failure."""
    from arcadedb_server import BoltServer

    server = BoltServer.start(tmp_path_factory.mktemp("arcadedb"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def seed_documents():
    from kg.ingest.read import read_path

    documents, skipped = read_path(SEEDS)
    assert not skipped
    return documents


@pytest.fixture(scope="session")
def seed_graph(seed_documents, gold_rows):
    """The graph of the seed corpus with the GOLD facts (extractor "gold")."""
    from kg.graph.build import build_graph
    from kg.records import Unit

    return build_graph(seed_documents, [Unit.from_json(row) for row in gold_rows], extractor="gold")


@pytest.fixture(scope="session")
def bolt_config(bolt_server):
    """The Bolt server's settings as kg.io.neo4j holds them (the server's default database)."""
    from kg.io.neo4j import Neo4jConfig

    return Neo4jConfig(bolt_server.uri, bolt_server.user, bolt_server.database, bolt_server.password)


@pytest.fixture(scope="session")
def bolt_driver(bolt_config):
    """One connected driver for the session's loads and queries."""
    from kg.io.neo4j import connect

    with connect(bolt_config) as driver:
        yield driver


@pytest.fixture(scope="session")
def seed_db(bolt_server, bolt_config, bolt_driver, seed_graph):
    """A database holding the seed graph, loaded once for the tests that only read it: its Neo4jConfig."""
    from dataclasses import replace

    from kg.io.loader import load_graph

    database = bolt_server.create_database("seed_readonly")
    load_graph(seed_graph, bolt_driver, database, progress=False)
    return replace(bolt_config, database=database)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory, seed_graph):
    """A `kg build`-style output folder of the seed graph (graph.json, GraphML, neo4j CSV): what KG_GRAPH names."""
    from kg.io.export import export

    out = tmp_path_factory.mktemp("seed_build")
    export(seed_graph, out)
    return out


EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def shipped_nlp():
    """The shipped (trained) pipeline, loaded once."""
    from kg.nlp.pipeline import load

    return load()


@pytest.fixture(scope="session")
def examples_build(tmp_path_factory, shipped_nlp):
    """`kg build examples` with the shipped pipeline: its BuildResult (the folder is `.out_dir`)."""
    from kg.build import build

    return build(EXAMPLES, tmp_path_factory.mktemp("examples_build") / "out", shipped_nlp)


@pytest.fixture(scope="session")
def examples_graph(examples_build):
    """The graph `kg build examples` makes with the shipped pipeline."""
    return examples_build.graph


TRACKING = REPO / "tests" / "data" / "tracking"  # our plan/summary texts and their hand-written link gold


@pytest.fixture(scope="session")
def tracking_build(shipped_nlp):
    """(documents, units, graph) of the tracking gold folder with the shipped pipeline, linked."""
    from kg.graph.build import build_graph
    from kg.ingest.read import read_path
    from kg.nlp.extract import extract_units

    documents, skipped = read_path(TRACKING)
    assert not skipped
    units = list(extract_units(shipped_nlp, documents))
    return documents, units, build_graph(documents, units)


@pytest.fixture(scope="session")
def tracking_db_config(bolt_server, bolt_config, bolt_driver, tracking_build):
    """A database holding the tracking graph, loaded once for the tests that only read it: its Neo4jConfig."""
    from dataclasses import replace

    from kg.io.loader import load_graph

    database = bolt_server.create_database("tracking_readonly")
    load_graph(tracking_build[2], bolt_driver, database, progress=False)
    return replace(bolt_config, database=database)


@pytest.fixture(scope="session")
def tracking_files(tmp_path_factory, tracking_build):
    """A `kg build`-style output folder of the tracking graph."""
    from kg.io.export import export

    out = tmp_path_factory.mktemp("tracking_build")
    export(tracking_build[2], out)
    return out
