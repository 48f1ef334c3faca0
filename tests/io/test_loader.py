"""kg.io.loader and the read-only guard of kg.io.query, against a real Bolt server (ArcadeDB, tests/conftest.py)."""
from __future__ import annotations

import re
from pathlib import Path

import neo4j
import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from arcadedb_server import free_port
from kg.cli import app
from kg.io.export import export
from kg.graph.build import build_graph
from kg.io.loader import LoadError, load_graph
from kg.io.neo4j import Neo4jConfig, Neo4jUnavailable, connect
from kg.io.query import CypherQuery, QueryRefused, run_query
from kg.records import Unit


def load(graph, driver, database: str, **kwargs):
    return load_graph(graph, driver, database, progress=False, **kwargs)


def fetch(server, database: str, cypher: str, **params) -> list[dict]:
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        return [r.data() for r in driver.execute_query(cypher, params, database_=database).records]


def snapshot(server, database: str) -> tuple[dict[str, dict], dict[str, tuple[str, str]]]:
    """{node id: {label, docs}}, {relationship key: (type, doc)} as stored."""
    nodes = {r["id"]: {"label": r["label"], "docs": r["docs"]}
             for r in fetch(server, database, "MATCH (n) RETURN n.id AS id, labels(n)[0] AS label, n.docs AS docs")}
    rels = {r["key"]: (r["type"], r["doc"])
            for r in fetch(server, database, "MATCH ()-[r]->() RETURN r.key AS key, type(r) AS type, r.doc AS doc")}
    return nodes, rels


def graph_snapshot(graph) -> tuple[dict[str, dict], dict[str, tuple[str, str]]]:
    nodes = {n: {"label": d["label"], "docs": d.get("docs")} for n, d in graph.nodes(data=True)}
    rels = {d["key"]: (d["type"], d["doc"]) for *_, d in graph.edges(data=True)}
    return nodes, rels


@pytest.fixture(scope="module")
def seed_db(bolt_driver, bolt_server, seed_graph) -> str:
    database = bolt_server.create_database("loader_seed")
    load(seed_graph, bolt_driver, database)
    return database


def test_loading_the_same_graph_twice_leaves_the_same_counts(bolt_driver, bolt_server, seed_graph, seed_db):
    first = snapshot(bolt_server, seed_db)
    assert first == graph_snapshot(seed_graph)  # every node and relationship, no more
    again = load(seed_graph, bolt_driver, seed_db)
    assert snapshot(bolt_server, seed_db) == first
    assert again.complete and again.rows == seed_graph.number_of_nodes() + seed_graph.number_of_edges()
    # the documents' own facts were replaced, the shared entity nodes kept
    assert again.relationships_deleted == again.relationships_created == seed_graph.number_of_edges()
    assert again.nodes_deleted == again.nodes_created > 0


def test_reloading_one_document_replaces_its_facts_and_leaves_the_others(
        bolt_driver, bolt_server, seed_graph, seed_documents, gold_rows):
    database = bolt_server.create_database("loader_reload")
    load(seed_graph, bolt_driver, database)
    old_nodes, old_rels = snapshot(bolt_server, database)
    target = seed_documents[0]
    # a re-extraction that finds less: nothing in the paragraph with the most goals
    units = [Unit.from_json(row) for row in gold_rows if row["doc"] == target.id]
    poorer = max(units, key=lambda u: len(u.goals))
    gone = poorer.goals
    poorer.entities, poorer.goals, poorer.relations = [], [], []
    new_graph = build_graph([target], units, extractor="gold")
    new_nodes, new_rels = graph_snapshot(new_graph)

    load(new_graph, bolt_driver, database)
    nodes, rels = snapshot(bolt_server, database)

    assert rels == {k: v for k, v in old_rels.items() if v[1] != target.id} | new_rels
    # an entity goes only when no other document names it and no other document's relationship touches it
    kept_by_others = {end for key, ends in _ends(seed_graph).items() if old_rels[key][1] != target.id for end in ends}
    expected = {n for n, d in old_nodes.items()
                if not (d["label"] in ("Document", "Section", "Sentence", "Goal")
                        and seed_graph.nodes[n].get("doc") == target.id)
                and not (d["docs"] is not None and set(d["docs"]) <= {target.id} and n not in kept_by_others)}
    assert set(nodes) == expected | set(new_nodes)
    for node, data in nodes.items():  # entities keep the other documents and gain the re-loaded one where named
        if data["docs"] is not None:
            before = set(old_nodes.get(node, {}).get("docs") or []) - {target.id}
            assert set(data["docs"]) == before | set(new_nodes.get(node, {}).get("docs") or []), node
    assert gone and fetch(bolt_server, database, "MATCH (g:Goal {doc: $doc, para: $para}) RETURN count(g) AS n",
                          doc=target.id, para=poorer.para) == [{"n": 0}]
    entities = {n for n, d in old_nodes.items() if d["docs"] is not None}
    assert entities - set(nodes), "some entity only that paragraph named is gone"
    assert any(target.id in nodes[n]["docs"] and len(nodes[n]["docs"]) > 1 for n in entities & set(nodes)), \
        "shared entities stay, with every document that names them"


def _ends(graph) -> dict[str, tuple[str, str]]:
    return {d["key"]: (h, t) for h, t, d in graph.edges(data=True)}


def test_a_write_the_server_refuses_reports_what_was_written_and_what_was_not(bolt_driver, bolt_server, seed_graph):
    database = bolt_server.create_database("loader_refused")
    # a server-side rule the Year nodes break (property existence constraint): the load fails part-way
    fetch(bolt_server, database, "CREATE CONSTRAINT test_note IF NOT EXISTS FOR (n:Year) REQUIRE n.note IS NOT NULL")
    with pytest.raises(LoadError) as failure:
        load(seed_graph, bolt_driver, database)
    report = failure.value.report
    failed = next(i for i, s in enumerate(report.steps) if s.batches_done < s.batches_total)
    assert not report.complete and report.steps[failed].writes
    assert failed <= [s.name for s in report.steps].index("nodes Year")  # the transaction holding the Year nodes
    assert all(s.batches_done == s.batches_total for s in report.steps[:failed])
    assert all(s.batches_done == 0 for s in report.steps[failed + 1:])
    written = {r["label"]: r["n"] for r in fetch(bolt_server, database,
                                                "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n")}
    assert written == {s.name.removeprefix("nodes "): s.rows_done for s in report.steps if s.writes and s.rows_done}
    assert 0 < sum(written.values()) < seed_graph.number_of_nodes()
    assert fetch(bolt_server, database, "MATCH ()-[r]->() RETURN count(r) AS n") == [{"n": 0}]
    assert "NOT DONE: nodes Year 0/1 batches" in str(failure.value)
    assert re.search(r"in the transaction of [^:]*nodes Year", str(failure.value))


def test_a_bad_graph_is_refused_before_anything_is_written(bolt_driver, bolt_server, seed_graph):
    database = bolt_server.create_database("loader_bad")
    graph = seed_graph.copy()
    node = next(n for n, d in graph.nodes(data=True) if d["label"] == "School")
    graph.nodes[node]["label"] = "Teacher"
    with pytest.raises(ValueError, match=re.escape(repr(node))):
        load(graph, bolt_driver, database)
    assert fetch(bolt_server, database, "MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_a_server_that_is_down_is_a_clear_error_naming_the_uri(seed_graph, tmp_path):
    uri = f"bolt://localhost:{free_port()}"
    with pytest.raises(Neo4jUnavailable, match=f"Neo4j at {re.escape(uri)} is not reachable"):
        connect(Neo4jConfig(uri, "neo4j", None, "not-the-password"))
    path = export(seed_graph, tmp_path)[1]
    result = CliRunner().invoke(app, ["load", str(path), "--uri", uri], env={"NEO4J_PASSWORD": "not-the-password"})
    assert result.exit_code == 1
    assert f"kg load: Neo4j at {uri} is not reachable" in result.output
    assert "not-the-password" not in result.output and "Traceback" not in result.output


def test_an_address_that_does_not_resolve_is_a_clear_error():
    uri = "bolt://no-such-host.invalid:7687"
    with pytest.raises(Neo4jUnavailable, match=f"Neo4j at {re.escape(uri)} is not reachable"):
        connect(Neo4jConfig(uri, "neo4j", None, "secret"))


def test_wrong_credentials_are_refused_before_any_write(bolt_server):
    with pytest.raises(Neo4jUnavailable, match="refused the credentials of user 'root'"):
        connect(Neo4jConfig(bolt_server.uri, "root", "loader_seed", "wrong-password"))


def test_the_password_is_never_an_option_nor_shown():
    result = CliRunner().invoke(app, ["load", ".", "--password", "x"])
    assert result.exit_code == 2 and "No such option" in result.output
    assert "s3cret" not in repr(Neo4jConfig("bolt://h:1", "u", None, "s3cret"))


def test_cli_loads_a_graph_folder_with_its_manifest(bolt_server, seed_graph, tmp_path):
    from kg.io.manifest import Manifest, kg_version, write_manifest

    database = bolt_server.create_database("loader_cli")
    export(seed_graph, tmp_path)
    write_manifest(tmp_path, Manifest(kg_version(), "seeds", [], [], {}))
    result = CliRunner().invoke(app, ["load", str(tmp_path), "--uri", bolt_server.uri, "--user", "root",
                                      "--database", database], env={"NEO4J_PASSWORD": bolt_server.password})
    assert result.exit_code == 0, result.output
    assert f"loaded into {bolt_server.uri} database {database}: 5 document(s)" in result.output
    assert bolt_server.password not in result.output
    assert snapshot(bolt_server, database) == graph_snapshot(seed_graph)


# --- read-only queries -------------------------------------------------------------------------------------------

def _cypher(tmp_path: Path, text: str) -> CypherQuery:
    path = tmp_path / "attempt.cypher"
    path.write_text(text, encoding="utf-8")
    return CypherQuery.read(path)


def test_a_query_that_creates_is_refused_and_nothing_is_written(bolt_driver, bolt_server, seed_db, tmp_path):
    query = _cypher(tmp_path, "CREATE (n:Document {id: 'doc:intruder'}) RETURN n.id AS id")
    with pytest.raises(QueryRefused, match="rolled back|refused"):
        run_query(bolt_driver, query, database=seed_db)
    assert fetch(bolt_server, seed_db, "MATCH (n:Document) RETURN count(n) AS n") == [{"n": 5}]


def test_a_query_that_sets_a_property_is_refused_and_nothing_changes(bolt_driver, bolt_server, seed_db, tmp_path):
    query = _cypher(tmp_path, "MATCH (d:Document) SET d.flag = true RETURN count(d) AS n")
    with pytest.raises(QueryRefused):
        run_query(bolt_driver, query, database=seed_db)
    assert fetch(bolt_server, seed_db, "MATCH (d:Document) WHERE d.flag IS NOT NULL RETURN count(d) AS n") == [{"n": 0}]
    result = CliRunner().invoke(app, ["query", str(query.path), "--uri", bolt_server.uri, "--user", "root",
                                      "--database", seed_db], env={"NEO4J_PASSWORD": bolt_server.password})
    assert result.exit_code == 1 and "the query writes" in result.output


def test_arcadedb_ignores_the_bolt_read_access_mode(bolt_server):
    """Why kg.io.query checks the server's own summary: ArcadeDB 26.10 commits a CREATE run in a READ transaction
    (Neo4j refuses it with Neo.ClientError.Statement.AccessMode). If this fails, ArcadeDB enforces the mode now."""
    database = bolt_server.create_database("read_mode")
    with GraphDatabase.driver(bolt_server.uri, auth=(bolt_server.user, bolt_server.password)) as driver:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            session.execute_read(lambda tx: tx.run("CREATE (:Probe {id: 'p'})").consume())
    assert fetch(bolt_server, database, "MATCH (n:Probe) RETURN count(n) AS n") == [{"n": 1}]


def _query_cli(server, database: str, path: Path, *args: str):
    return CliRunner().invoke(app, ["query", str(path), "--uri", server.uri, "--user", server.user,
                                    "--database", database, *args], env={"NEO4J_PASSWORD": server.password})


def test_schema_commands_in_a_query_file_are_refused_and_the_schema_stays(bolt_driver, bolt_server, tmp_path):
    """ArcadeDB applies a schema command at once, even in a read transaction the driver then rolls back: such a
    query must never be sent, and no message may say it was rolled back."""
    from kg.io.loader import schema_statements

    database = bolt_server.create_database("query_schema")
    for statement in schema_statements():
        fetch(bolt_server, database, statement)

    def schema() -> tuple[list, list]:
        return (sorted(r["name"] for r in fetch(bolt_server, database, "SHOW INDEXES")),
                sorted(r["name"] for r in fetch(bolt_server, database, "SHOW CONSTRAINTS")))

    before = schema()
    assert "kg_document_id" in before[1]
    for name, text in (("drop", "DROP CONSTRAINT kg_document_id"),
                       ("index", "CREATE INDEX kg_probe IF NOT EXISTS FOR (n:Document) ON (n.title)")):
        path = tmp_path / f"{name}.cypher"
        path.write_text(text, encoding="utf-8")
        result = _query_cli(bolt_server, database, path)
        assert result.exit_code == 1 and "refused" in result.output, result.output
        assert "rolled back" not in result.output
    assert schema() == before


def test_a_query_file_takes_every_parameter_it_uses(bolt_server, seed_db, tmp_path):
    import json

    path = tmp_path / "by_year.cypher"
    path.write_text("MATCH (d:Document) WHERE d.year = $year RETURN count(d) AS n", encoding="utf-8")
    result = _query_cli(bolt_server, seed_db, path, "--param", "year=2024", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"n": 2}]
    result = _query_cli(bolt_server, seed_db, path, "--param", "years=2024")
    assert result.exit_code == 1 and "no parameter years (it takes: year)" in result.output
    result = _query_cli(bolt_server, seed_db, path)
    assert result.exit_code == 1 and "needs a value for $year (--param year=…)" in result.output
