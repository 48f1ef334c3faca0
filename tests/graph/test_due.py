"""A goal's year is the one source of its DUE edge (issue 15): never two DUE edges, never two years."""
from __future__ import annotations

from collections import Counter


def _due_edges(graph) -> Counter:
    return Counter(u for u, _, d in graph.edges(data=True) if d["type"] == "DUE" and graph.nodes[u]["label"] == "Goal")


def test_no_goal_of_the_examples_is_due_twice(examples_graph):
    due = _due_edges(examples_graph)
    assert due and max(due.values()) == 1, [g for g, n in due.items() if n > 1][:5]


def test_no_goal_of_the_seed_gold_is_due_twice(seed_graph):
    due = _due_edges(seed_graph)
    assert due and max(due.values()) == 1, [g for g, n in due.items() if n > 1][:5]


def test_a_goal_is_due_in_its_own_year_with_the_dated_sentence_as_evidence(examples_graph, seed_graph):
    for graph in (examples_graph, seed_graph):
        for goal, year, d in graph.edges(data=True):
            if d["type"] == "DUE" and graph.nodes[goal]["label"] == "Goal":
                assert graph.nodes[year]["value"] == graph.nodes[goal]["year"], (goal, year)


def test_a_stated_deadline_lends_its_sentence_and_another_year_is_left_out(seed_documents):
    """The goal's DUE edge takes the evidence of a DUE relation to a date of its year; a DUE relation to a
    date of another year adds nothing (and is counted as left out)."""
    from kg.graph.build import build_graph
    from kg.ingest.documents import document_from_lines
    from kg.records import Goal, Mention, Relation, Unit

    text = "到2025年,全区普惠性幼儿园覆盖率达到90%。2026年完成验收。"
    document = document_from_lines("d.txt", [(0, text)])
    goal = Goal(100, text.index("全区"), text.index("。"), "普惠性幼儿园覆盖率", ">=", 90, "%", 2025, "planned", 0.9)
    dates = [Mention(0, 1, 6, "DATE"), Mention(1, text.index("2026"), text.index("2026") + 5, "DATE")]
    unit = Unit("d.txt", 0, text, dates, [goal], [Relation(100, 0, "DUE", 0.8), Relation(100, 1, "DUE", 0.7)])
    graph = build_graph([document], [unit])
    [(_, year, edge)] = [e for e in graph.edges(data=True) if e[2]["type"] == "DUE"]
    assert graph.nodes[year]["value"] == 2025
    assert (edge["extractor"], edge["confidence"]) == ("rules", 0.8)
    assert graph.graph["skipped DUE to a date that is not the goal's year"] == 1
