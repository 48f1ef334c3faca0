"""Plan → result tracking (kg.graph.tracking): the linking rule on plain goal records, the outcomes, the
REPORTED_AS edges in a built graph and its exports, and the links scored against our tracking gold set."""
from __future__ import annotations

import csv
import json
from collections import Counter

import networkx as nx
import pytest

from conftest import TRACKING
from kg.graph.tracking import THRESHOLD, TrackedGoal, add_tracking, link_goals, outcome
from kg.graph.tracking_eval import GOLD_FILE, evaluate_tracking, read_tracking_gold
from kg.io.export import export, read_graph
from kg.schema import LINK_REASON, LINK_SCORE, OUTCOME, GoalStatus, Label, Outcome, RelationType


def _goal(id_, doc, metric, value=3, unit="所", year=2024, status="achieved", region="砚溪县", comparator="=",
          since=None) -> TrackedGoal:
    return TrackedGoal(id_, doc, region, metric, comparator, value, unit, year, status, since)


PLAN = _goal("p", "plan.txt", "新建幼儿园数", status="planned")


def _links(*reports: TrackedGoal, plan: TrackedGoal = PLAN) -> list[tuple[str, str]]:
    return [(link.planned, link.achieved) for link in link_goals([plan, *reports])]


def test_a_plan_links_to_the_report_of_its_region_and_year_with_score_and_reason():
    [link] = link_goals([PLAN, _goal("a", "summary.txt", "新建幼儿园数", value=4)])
    assert (link.planned, link.achieved, link.score) == ("p", "a", 1.0)
    assert link.reason == "metric 1.00 (新建幼儿园数 ~ 新建幼儿园数); unit 所; year 2024 in 2024; region 砚溪县"


@pytest.mark.parametrize("report", [
    _goal("a", "summary.txt", "新建幼儿园数", region="苇汀县"),  # another region
    _goal("a", "summary.txt", "新建幼儿园数", year=2023),  # another year
    _goal("a", "summary.txt", "新建幼儿园数", unit="个"),  # the same metric counted in another unit
    _goal("a", "summary.txt", "改扩建幼儿园数"),  # the same unit, another metric (counting verb)
    _goal("a", "summary.txt", "新建小学数"),
    _goal("a", "plan.txt", "新建幼儿园数"),  # the plan's own document
    _goal("a", "summary.txt", "新建幼儿园数", status="planned"),  # another plan
])
def test_traps_are_not_linked(report):
    assert _links(report) == []


def test_units_that_convert_are_linked():
    plan = _goal("p", "plan.txt", "招聘新教师人数", value=120, unit="名", status="planned")
    assert _links(_goal("a", "summary.txt", "公开招聘新教师人数", value=108, unit="人"), plan=plan) == [("p", "a")]


def test_indicators_that_look_alike_are_told_apart():
    plan = _goal("p", "plan.txt", "义务教育巩固率", value=99, unit="%", comparator=">=", status="planned")
    reports = [_goal("a", "summary.txt", "义务教育入学率", value=100, unit="%"),
               _goal("b", "summary.txt", "义务教育巩固率", value=99.4, unit="%")]
    assert _links(*reports, plan=plan) == [("p", "b")]


def test_links_are_one_to_one_within_a_pair_of_documents_best_first():
    plans = [PLAN, _goal("q", "plan.txt", "新建公办幼儿园数", status="planned")]
    reports = [_goal("a", "summary.txt", "新建公办幼儿园数")]
    assert [(link.planned, link.achieved) for link in link_goals(plans + reports)] == [("q", "a")]


def test_a_multi_year_plan_is_reported_by_each_years_results_up_to_its_end():
    plan = _goal("p", "plan.txt", "新增学位数", value=20000, unit="个", year=2025, since=2021, status="planned")
    reports = [_goal("a", "s2020.txt", "新增学位数", unit="个", year=2020),
               _goal("b", "s2023.txt", "新增学位数", unit="个", year=2023),
               _goal("c", "s2025.txt", "新增学位数", unit="个", year=2025),
               _goal("d", "s2026.txt", "新增学位数", unit="个", year=2026)]
    assert _links(*reports, plan=plan) == [("p", "b"), ("p", "c")]


def test_the_threshold_is_inclusive_and_a_goal_without_metric_region_or_year_links_to_nothing():
    assert 0.5 < THRESHOLD < 1
    assert _links(_goal("a", "s.txt", "新建幼儿园数"), plan=_goal("p", "plan.txt", "", status="planned")) == []
    assert _links(_goal("a", "s.txt", "新建幼儿园数", region=None),
                  plan=_goal("p", "plan.txt", "新建幼儿园数", region=None, status="planned")) == []
    assert _links(_goal("a", "s.txt", "新建幼儿园数"), plan=_goal("p", "plan.txt", "新建幼儿园数", year=None,
                                                                 status="planned")) == []


@pytest.mark.parametrize("comparator, target, unit, reported, expected", [
    (">=", 90, "%", [(">=", 91.2, "%")], Outcome.MET),
    (">=", 55, "%", [("=", 52.6, "%")], Outcome.MISSED),
    (">=", 90, "%", [("=", 90.0, "%")], Outcome.MET),  # reaching the target exactly meets it
    ("=", 3, "所", [("=", 3, "所")], Outcome.MET),  # a bare count target: at least that many
    ("=", 120, "名", [("=", 108, "人")], Outcome.MISSED),
    ("=", 0, None, [("=", 0, None)], Outcome.MET),  # a zero target: none
    ("=", 0, None, [("=", 2, None)], Outcome.MISSED),
    (">", 300, "人", [("=", 312, "人")], Outcome.MET),
    (">", 300, "人", [("=", 300, "人")], Outcome.MISSED),
    ("<=", 45, "人", [("=", 44, "人")], Outcome.MET),
    ("rank<=", 3, "名", [("rank<=", 5, "名")], Outcome.MISSED),
    (">=", 1000, "人", [("<", 1000, "人")], Outcome.MISSED),  # 近1000人 stands below 1000
    (">=", 1000, "人", [(">", 1000, "人")], Outcome.MET),  # 1000余人
    (">=", 2, "小时", [("=", 120, "分钟")], Outcome.MET),  # converted units
    ("none", None, None, [("none", None, None)], Outcome.REPORTED),
    (">=", 90, "%", [("=", None, "%")], Outcome.REPORTED),  # a hidden number (XX%)
    (">=", 90, "%", [], Outcome.NO_REPORT),
])
def test_outcomes(comparator, target, unit, reported, expected):
    plan = _goal("p", "plan.txt", "m", target, unit, comparator=comparator, status="planned")
    reports = [_goal(f"a{i}", "s.txt", "m", value, u, comparator=c) for i, (c, value, u) in enumerate(reported)]
    assert outcome(plan, reports) == expected


def test_the_latest_report_decides_the_outcome():
    plan = _goal("p", "plan.txt", "m", 90, "%", year=2025, comparator=">=", status="planned")
    reports = [_goal("a", "s.txt", "m", 92, "%", year=2025), _goal("b", "s.txt", "m", 85, "%", year=2023)]
    assert outcome(plan, reports) == Outcome.MET
    assert outcome(plan, reports[1:]) == Outcome.MISSED


# --- in a built graph -----------------------------------------------------------------------------------------


def test_the_graph_carries_links_and_outcomes(tracking_build):
    _, _, graph = tracking_build
    links = [(u, v, d) for u, v, d in graph.edges(data=True) if d["type"] == RelationType.REPORTED_AS]
    assert len(links) >= 30
    for u, v, d in links:
        assert graph.nodes[u]["status"] == GoalStatus.PLANNED and graph.nodes[v]["status"] == GoalStatus.ACHIEVED
        assert graph.nodes[u]["label"] == graph.nodes[v]["label"] == Label.GOAL
        assert THRESHOLD <= d[LINK_SCORE] <= 1 and d[LINK_REASON].startswith("metric ")
        assert d["doc"] == graph.nodes[v]["doc"]
    planned = [d for _, d in graph.nodes(data=True) if d["label"] == Label.GOAL and d["status"] == GoalStatus.PLANNED]
    assert {d[OUTCOME] for d in planned} <= set(Outcome) and all(OUTCOME in d for d in planned)
    assert not any(OUTCOME in d for _, d in graph.nodes(data=True)
                   if d["label"] == Label.GOAL and d["status"] == GoalStatus.ACHIEVED)
    assert add_tracking(graph.copy()) == add_tracking(graph.copy())  # deterministic


def test_exports_carry_the_links_and_outcomes(tracking_build, tmp_path):
    _, _, graph = tracking_build
    export(graph, tmp_path)
    n_links = sum(1 for *_, d in graph.edges(data=True) if d["type"] == RelationType.REPORTED_AS)
    back = read_graph(tmp_path / "graph.json")
    assert sum(1 for *_, d in back.edges(data=True) if d["type"] == RelationType.REPORTED_AS) == n_links
    graphml = nx.read_graphml(tmp_path / "graph.graphml")
    assert sum(1 for *_, d in graphml.edges(data=True) if d.get("type") == RelationType.REPORTED_AS) == n_links
    assert Counter(d.get(OUTCOME) for _, d in graphml.nodes(data=True) if d.get(OUTCOME)) == Counter(
        d[OUTCOME] for _, d in graph.nodes(data=True) if OUTCOME in d)
    with (tmp_path / "neo4j" / "relationships" / "REPORTED_AS.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n_links and {f"{LINK_SCORE}:double", LINK_REASON} <= set(rows[0])
    with (tmp_path / "neo4j" / "nodes" / "Goal.csv").open(encoding="utf-8") as f:
        assert OUTCOME in next(csv.reader(f))


# --- the tracking gold set ------------------------------------------------------------------------------------


def test_the_gold_set_has_forty_planned_goals_and_its_traps():
    gold = read_tracking_gold(TRACKING / GOLD_FILE)
    assert len(gold) >= 40 and sum(len(t.reported) for t in gold) >= 30
    notes = " ".join(t.note for t in gold)
    for trap in ("region trap", "year trap", "same metric, different unit", "same unit, different metric"):
        assert trap in notes
    assert set(Counter(t.outcome for t in gold)) == set(Outcome)
    texts = {p.name: p.read_text(encoding="utf-8") for p in TRACKING.glob("*.txt")}
    for target in gold:
        for goal in (target.planned, *target.reported):
            assert texts[goal.doc].count(goal.goal) == 1, goal


def test_links_on_the_gold_set(tracking_build):
    """Measured with the shipped (learned) pipeline: P 0.970, R 0.914 (32 of 35 links; the three missed are
    goals the extractor does not find whole: the one wrong link pairs the right goals, but the report's span
    lacks its subject), outcomes right for 40 of 40 extracted planned goals."""
    documents, units, graph = tracking_build
    report = evaluate_tracking(documents, units, graph, read_tracking_gold(TRACKING / GOLD_FILE))
    assert report.links.precision >= 0.9 and report.links.recall >= 0.8, report.errors
    assert report.outcome_accuracy >= 0.9
    assert report.planned_found >= 38
    assert json.loads(json.dumps(report.to_dict()))["links"]["tp"] == report.links.tp
