"""Issue 14 with real processes and a real Bolt server, each case bounded in time: a 6 MB one-line file, SIGKILL of
`kg build` at random points, two builds into one folder, two loads into one database, and kill -9 of the server in
the middle of a load.  Marked `reliability` (tests/conftest.py); about two minutes in all."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import networkx as nx
import pytest
from neo4j import GraphDatabase

from arcadedb_server import BoltServer
from conftest import EXAMPLES, KG, REPO, SEEDS, snapshot
from kg.io.export import read_graph

TIMEOUT = 300  # seconds any one kg process may take before the test fails


def start_kg(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([KG, *map(str, args)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})})


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=TIMEOUT)
    return proc.returncode, out, err


def kg(*args: str, env: dict | None = None) -> tuple[int, str, str]:
    return finish(start_kg(*args, env=env))


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):  # a process that ended meanwhile
            continue
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def corpus(folder: Path, *files: Path) -> Path:
    folder.mkdir(parents=True)
    for file in files:
        shutil.copy(file, folder / file.name)
    return folder


def test_a_six_megabyte_one_line_file_is_skipped_and_the_rest_is_built(tmp_path):
    source = corpus(tmp_path / "corpus", *sorted(EXAMPLES.iterdir()))
    sentence = "桐川县教育局推进集团化办学改革，力争2025年新建幼儿园3所。"
    (source / "huge.txt").write_text(sentence * (6_000_000 // len(sentence.encode()) + 1), encoding="utf-8")
    assert (source / "huge.txt").stat().st_size > 6_000_000
    code, _, err = kg("build", source, "-o", tmp_path / "out")
    assert code == 1 and "Traceback" not in err, err[-3000:]
    assert "huge.txt: paragraph 0 is 2," in err and "over the pipeline's limit of 1,000,000" in err, err[-3000:]
    graph = read_graph(tmp_path / "out" / "graph.json")
    documents = sorted(d["doc"] for _, d in graph.nodes(data=True) if d["label"] == "Document")
    assert documents == sorted(p.name for p in EXAMPLES.iterdir())


# --- build folders -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, tuple[Path, Path, float]]:
    """Two corpora and a complete reference build of each: {name: (corpus, build, seconds the build took)}."""
    root = tmp_path_factory.mktemp("builds")
    examples = sorted(EXAMPLES.iterdir())
    corpora = {"old": corpus(root / "old", *examples[:2]), "new": corpus(root / "new", *examples[2:])}
    out = {}
    for name, source in corpora.items():  # one at a time, so each takes the time a build alone takes
        started = time.monotonic()
        code, _, err = kg("build", source, "-o", root / f"{name}-build")
        assert code == 0, err
        out[name] = (source, root / f"{name}-build", time.monotonic() - started)
    assert snapshot(out["old"][1]) != snapshot(out["new"][1])
    return out


def test_sigkill_of_kg_build_leaves_the_old_build_or_the_new_one_never_a_mix(builds, tmp_path):
    (_, old_build, _), (new_corpus, new_build, seconds) = builds["old"], builds["new"]
    old, new = snapshot(old_build), snapshot(new_build)
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    trials = 5
    # one kill point drawn in each fifth of the build's duration, so the writing at the end is always hit
    delays = [rng.uniform(seconds * i / trials, seconds * (i + 1) / trials) for i in range(trials)]
    out = tmp_path / "out"
    seen = []
    for delay in delays:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(old_build, out)
        proc = start_kg("build", new_corpus, "-o", out, "--workers", "2")
        time.sleep(delay)
        workers = children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=TIMEOUT)
        deadline = time.monotonic() + 10  # the extraction workers notice and end too
        while any(map(alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(map(alive, workers)), f"workers outlived the killed kg build: {workers}"
        state = snapshot(out) if out.exists() else None
        seen.append("old" if state == old else "new" if state == new else "absent" if state is None else "MIX")
        assert state in (old, new), f"seed {seed}: killed after {delay:.2f} s: {seen}; files {sorted(state or {})}"
    code, _, err = kg("build", new_corpus, "-o", out)  # a build after the kills completes and tidies up
    assert code == 0, err
    assert snapshot(out) == new
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.") and not p.name.endswith(".lock")] == []


def test_two_builds_into_one_folder_the_second_fails_at_once(builds, tmp_path):
    out = tmp_path / "out"
    started = time.monotonic()
    procs = {name: start_kg("build", source, "-o", out) for name, (source, _, _) in builds.items()}
    results: dict[str, tuple] = {}

    def wait(name: str) -> None:  # each in its own thread, so each end is timed when it happens
        results[name] = (*finish(procs[name]), time.monotonic() - started)

    threads = [threading.Thread(target=wait, args=(name,)) for name in procs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(code for code, *_ in results.values())
    assert codes == [0, 1], {name: (code, err[-500:]) for name, (code, _, err, _) in results.items()}
    winner = next(name for name, (code, *_) in results.items() if code == 0)
    loser = next(name for name in results if name != winner)
    _, _, err, seconds = results[loser]
    assert f"kg build: {out} is being built by another kg build (pid" in err, err
    assert seconds < results[winner][3]
    assert snapshot(out) == snapshot(builds[winner][1])


# --- loads ---------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_builds(tmp_path_factory) -> tuple[Path, Path]:
    """Two builds of the seed corpus, three documents and two: the offices, programmes and regions they both name
    are MERGEd by both loads."""
    root = tmp_path_factory.mktemp("seed_builds")
    seeds = sorted(SEEDS.iterdir())
    procs = [start_kg("build", corpus(root / name, *files), "-o", root / f"{name}-build")
             for name, files in (("a", seeds[:3]), ("b", seeds[3:]))]
    for proc in procs:
        code, _, err = finish(proc)
        assert code == 0, err
    return root / "a-build", root / "b-build"


def stored(uri: str, user: str, password: str, database: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Node ids and relationship keys as stored (a duplicate shows twice), and the entities' docs."""
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        def rows(cypher: str) -> list[dict]:
            return [r.data() for r in driver.execute_query(cypher, database_=database).records]

        ids = sorted(r["id"] for r in rows("MATCH (n) RETURN n.id AS id"))
        keys = sorted(r["key"] for r in rows("MATCH ()-[r]->() RETURN r.key AS key"))
        docs = {r["id"]: sorted(r["docs"]) for r in rows("MATCH (n) WHERE n.docs IS NOT NULL RETURN n.id AS id, n.docs AS docs")}
    return ids, keys, docs


def expected(*graphs: nx.MultiDiGraph) -> tuple[list[str], list[str], dict[str, list[str]]]:
    docs: dict[str, set] = {}
    for graph in graphs:
        for node, data in graph.nodes(data=True):
            if "docs" in data:
                docs.setdefault(node, set()).update(data["docs"])
    ids = sorted({node for graph in graphs for node in graph})
    keys = sorted({data["key"] for graph in graphs for *_, data in graph.edges(data=True)})
    return ids, keys, {node: sorted(d) for node, d in docs.items()}


@pytest.mark.parametrize("hosts", [("localhost", "localhost"), ("localhost", "127.0.0.1")],
                         ids=["same-uri", "two-uris"])
def test_two_concurrent_loads_into_one_database_both_complete(bolt_server, seed_builds, hosts):
    """Same URI: the per-database lock lets one load wait for the other. Two spellings of the server (two machines,
    as far as a local lock can tell) race for real: MERGE collisions on the shared entities are retried."""
    database = bolt_server.create_database(f"concurrent_{hosts[1].replace('.', '_')}")
    env = {"NEO4J_PASSWORD": bolt_server.password}
    procs = [start_kg("load", build, "--uri", f"bolt://{host}:{bolt_server.bolt_port}", "--user", bolt_server.user,
                      "--database", database, "--batch-size", "200", env=env)
             for host, build in zip(hosts, seed_builds)]
    results = [finish(proc) for proc in procs]
    assert [code for code, *_ in results] == [0, 0], [err[:1500] for _, _, err in results]
    assert all(out.startswith("loaded into") for _, out, _ in results)
    graphs = [read_graph(build / "graph.json") for build in seed_builds]
    assert stored(bolt_server.uri, bolt_server.user, bolt_server.password, database) == expected(*graphs)


def test_kill_9_of_the_server_mid_load_then_a_reload_gives_exact_counts(tmp_path, seed_graph):
    from kg.io.export import export

    graph_json = export(seed_graph, tmp_path / "graph")[1]
    server = BoltServer.start(tmp_path / "arcadedb")
    try:
        env = {"NEO4J_PASSWORD": server.password}
        load = start_kg("load", graph_json, "--uri", server.uri, "--user", server.user, "--database", server.database,
                        "--batch-size", "50", env=env)
        deadline = time.monotonic() + 120
        with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
            while driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n",
                                       database_=server.database).records[0]["n"] < 100:
                assert load.poll() is None and time.monotonic() < deadline, "the load ended before the kill"
                time.sleep(0.05)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(30)
        code, out, err = finish(load)
        assert code == 1 and "Traceback" not in err, err[-2000:]
        assert "INCOMPLETE" in err or "not reachable" in err, err[-2000:]
    finally:
        server.stop()
    server = BoltServer.start(tmp_path / "arcadedb")  # the same data, after recovery
    try:
        code, out, err = kg("load", graph_json, "--uri", server.uri, "--user", server.user, "--database",
                            server.database, env={"NEO4J_PASSWORD": server.password})
        assert code == 0 and out.startswith("loaded into"), err[-2000:]
        assert stored(server.uri, server.user, server.password, server.database) == expected(seed_graph)
    finally:
        server.stop()
