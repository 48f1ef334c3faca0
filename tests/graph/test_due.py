"""A goal's year is the one source of its DUE edge (issue 15): never two DUE edges, never two years."""
from __future__ import annotations

from collections import Counter

import pytest

ISSUE = "issue 15: relations._due and graph._Builder.unit each add a Goal-DUE edge"


def _due_edges(graph) -> Counter:
    return Counter(u for u, _, d in graph.edges(data=True) if d["type"] == "DUE" and graph.nodes[u]["label"] == "Goal")


@pytest.mark.xfail(strict=True, reason=ISSUE)
def test_no_goal_of_the_examples_is_due_twice(examples_graph):
    due = _due_edges(examples_graph)
    assert due and max(due.values()) == 1, [g for g, n in due.items() if n > 1][:5]


@pytest.mark.xfail(strict=True, reason=ISSUE)
def test_no_goal_of_the_seed_gold_is_due_twice(seed_graph):
    due = _due_edges(seed_graph)
    assert due and max(due.values()) == 1, [g for g, n in due.items() if n > 1][:5]


@pytest.mark.xfail(strict=True, reason=ISSUE)
def test_a_goal_is_due_in_its_own_year(examples_graph, seed_graph):
    for graph in (examples_graph, seed_graph):
        for goal, year, d in graph.edges(data=True):
            if d["type"] == "DUE" and graph.nodes[goal]["label"] == "Goal":
                assert graph.nodes[year]["value"] == graph.nodes[goal]["year"], (goal, year)
