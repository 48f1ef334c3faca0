"""kg.explore.explorer on the seed graph: the answers from the build files, and the same answers from a Bolt server
(ArcadeDB, tests/conftest.py) holding the same graph."""
from __future__ import annotations

import pandas as pd
import pytest

from kg.explore.explorer import FileGraph, Neo4jGraph, open_graph, visualization
from kg.explore.style import PALETTE

QUESTIONS = [("counts", ()), ("relationship_counts", ()), ("documents", ()), ("documents", ("海",)),
             ("entities", ()), ("coresponsible_offices", ()), ("policies_across_regions", ()),
             ("goals_by_region_year", ()), ("goals", ()), ("goals", ("", 2024))]


@pytest.fixture(scope="module")
def files(seed_build) -> FileGraph:
    explorer = open_graph(seed_build)
    assert isinstance(explorer, FileGraph)
    return explorer


@pytest.fixture(scope="module")
def server(seed_db) -> Neo4jGraph:
    return Neo4jGraph(seed_db)


def test_open_graph_reads_kg_graph_or_goes_to_the_server_named_by_neo4j_uri(seed_build, monkeypatch, tmp_path):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("KG_GRAPH", str(seed_build))
    assert open_graph().source == str(seed_build / "graph.json")
    monkeypatch.setenv("KG_GRAPH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "graph.json")):
        open_graph()
    monkeypatch.setenv("NEO4J_URI", "bolt://localhost:1")
    assert isinstance(open_graph(), Neo4jGraph)
    assert isinstance(open_graph(seed_build), FileGraph)  # a path given wins


def test_file_answers_agree_with_the_graph(files, seed_graph, seed_documents):
    counts = files.counts()
    assert list(counts.label) == [label for label in PALETTE]
    assert dict(zip(counts.label, counts.nodes)) == \
        dict(pd.Series([d["label"] for _, d in seed_graph.nodes(data=True)]).value_counts())
    documents = files.documents()
    assert sorted(documents.document) == sorted(d.title or d.id for d in seed_documents)
    action_plan = documents[documents.kind == "action_plan"].iloc[0]
    assert action_plan.years == [2021, 2022, 2023, 2024, 2025]
    goals = files.goals()
    assert len(goals) == sum(d["label"] == "Goal" for _, d in seed_graph.nodes(data=True))
    by_year = files.goals_by_region_year()
    assert by_year.planned.sum() + by_year.achieved.sum() == len(goals)
    assert by_year.numeric.sum() == goals.value.notna().sum()


def test_neighbourhood_gives_each_link_with_its_evidence_sentence(files, seed_graph):
    school = max((n for n, d in seed_graph.nodes(data=True) if d["label"] == "School"), key=seed_graph.out_degree)
    name = seed_graph.nodes[school]["name"]
    table = files.neighbourhood(name)
    facts = [(d["type"], seed_graph.nodes[v]["name"], seed_graph.nodes[d["sentence"]]["text"])
             for _, v, d in seed_graph.out_edges(school, data=True)]
    mine = table[table.entity == name]
    assert sorted(zip(mine.relationship, mine.other, mine.evidence)) == sorted(facts)
    view = visualization(files.subgraph(name))
    assert {n.id for n in view.nodes} >= {school}
    assert {n.color.as_hex(format="long").upper() for n in view.nodes if n.id == school} == {PALETTE["School"].color}


@pytest.mark.parametrize("question,args", QUESTIONS, ids=[f"{q}{a}" for q, a in QUESTIONS])
def test_the_server_gives_the_same_answers_as_the_files(files, server, question, args):
    from_files, from_server = getattr(files, question)(*args), getattr(server, question)(*args)
    assert len(from_files) > 0
    pd.testing.assert_frame_equal(from_files, from_server, check_dtype=False)


def test_the_server_gives_the_same_neighbourhood_and_subgraph(files, server, seed_graph):
    office = max((n for n, d in seed_graph.nodes(data=True) if d["label"] == "Office"), key=seed_graph.degree)
    name = seed_graph.nodes[office]["name"]
    pd.testing.assert_frame_equal(files.neighbourhood(name), server.neighbourhood(name), check_dtype=False)
    a, b = files.subgraph(name), server.subgraph(name)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))


@pytest.mark.parametrize("question,args", [("plan_vs_result", ()), ("plan_vs_result", ("砚溪", 2024)),
                                           ("targets_without_report", ()), ("targets_without_report", ("檀川",))])
def test_tracking_answers_from_the_server_and_the_files_agree(tracking_files, tracking_db_config, question, args):
    files, server = open_graph(tracking_files), Neo4jGraph(tracking_db_config)
    try:
        from_files, from_server = getattr(files, question)(*args), getattr(server, question)(*args)
    finally:
        server.close()
    assert len(from_files) > 0
    pd.testing.assert_frame_equal(from_files, from_server, check_dtype=False)
    if question == "plan_vs_result":
        assert set(from_files.outcome) <= {"met", "missed", "reported", "no report"}
