"""Plan → result tracking: which target a region set, and what it later reported of it.

A planned goal is linked to an achieved goal when a later document reports on it:
- the same region (the Region the goal is stated for, else its document's);
- the right year: a plan for year Y is reported by the results of Y, a multi-year plan's target
  (due at its end year) by the results of any of its years up to that end;
- the same measure: the metrics are alike (`kg.zh.metrics.metric_similarity` ≥ `THRESHOLD`) and the
  units equal or convertible (名 and 人; 小时 and 分钟);
- another document (a document does not report on itself).
Within each pair of documents the links are one-to-one, best score first, so a plan's 新建幼儿园 and
新建公办幼儿园 do not both take the summary's one figure.  Each link carries its score (the metric
similarity) and its reason; the planned goal gets a derived `outcome`: met or missed (its latest
report's value against its comparator), reported (a link without two numbers to compare) or no report.

The linker reads only the goals' fields (metric, comparator, value, unit, year, status) and their
region, so it works on any extractor's goals; `link_goals` is the rule on plain records,
`add_tracking` applies it to a built graph.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from kg.schema import (GOAL_REGION, LINK_REASON, LINK_SCORE, OUTCOME, Comparator, GoalStatus, Label, Outcome,
                       RelationType, document_id)
from kg.zh.metrics import metric_similarity
from kg.zh.numbers import base_unit

THRESHOLD = 0.7  # metric similarity from which two goals measure the same thing
EXTRACTOR = "tracking"  # the `extractor` of a REPORTED_AS edge


@dataclass(frozen=True)
class TrackedGoal:
    """What the linker knows of a goal: its fields, where and when it stands."""

    id: str
    doc: str
    region: str | None
    metric: str
    comparator: str
    value: float | int | None
    unit: str | None
    year: int | None
    status: str
    since: int | None = None  # a multi-year plan's first year: its results from then on report on the goal


@dataclass(frozen=True)
class ReportLink:
    planned: str  # goal ids
    achieved: str
    score: float
    reason: str


def _window(goal: TrackedGoal) -> tuple[int, int] | None:
    if goal.year is None:
        return None
    return (min(goal.since, goal.year) if goal.since is not None else goal.year), goal.year


def _candidate(plan: TrackedGoal, report: TrackedGoal) -> ReportLink | None:
    """The link of a planned and an achieved goal, or None when they cannot be the same target's."""
    window = _window(plan)
    if (window is None or report.year is None or not window[0] <= report.year <= window[1]
            or not plan.region or plan.region != report.region or plan.doc == report.doc):
        return None
    unit_plan, unit_report = base_unit(plan.unit), base_unit(report.unit)
    if unit_plan[0] != unit_report[0]:
        return None
    similarity = metric_similarity(plan.metric, report.metric)
    if similarity < THRESHOLD:
        return None
    unit = plan.unit if plan.unit == report.unit else f"{report.unit} as {plan.unit}"
    years = f"{window[0]}–{window[1]}" if window[0] != window[1] else str(window[0])
    reason = (f"metric {similarity:.2f} ({plan.metric} ~ {report.metric}); unit {unit or 'none'}; "
              f"year {report.year} in {years}; region {plan.region}")
    return ReportLink(plan.id, report.id, round(similarity, 3), reason)


def link_goals(goals: Iterable[TrackedGoal]) -> list[ReportLink]:
    """REPORTED_AS links between planned and achieved goals, one-to-one within each pair of documents."""
    goals = list(goals)
    plans = [g for g in goals if g.status == GoalStatus.PLANNED and g.metric]
    reports = [g for g in goals if g.status == GoalStatus.ACHIEVED and g.metric]
    by_docs: dict[tuple[str, str], list[ReportLink]] = defaultdict(list)
    doc_of = {g.id: g.doc for g in goals}
    for plan in plans:
        for report in reports:
            link = _candidate(plan, report)
            if link is not None:
                by_docs[(plan.doc, report.doc)].append(link)
    links = []
    for candidates in by_docs.values():
        taken_plans, taken_reports = set(), set()
        for link in sorted(candidates, key=lambda c: (-c.score, c.planned, c.achieved)):
            if link.planned not in taken_plans and link.achieved not in taken_reports:
                taken_plans.add(link.planned)
                taken_reports.add(link.achieved)
                links.append(link)
    return sorted(links, key=lambda link: (doc_of[link.planned], link.planned, doc_of[link.achieved]))


def _at_least(a: float, b: float) -> bool:
    return a >= b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


_MET = {Comparator.GE: _at_least, Comparator.GT: lambda a, p: not _at_least(p, a),
        Comparator.LE: lambda a, p: _at_least(p, a), Comparator.LT: lambda a, p: not _at_least(a, p),
        Comparator.RANK_LE: lambda a, p: _at_least(p, a)}


def outcome(plan: TrackedGoal, reports: list[TrackedGoal]) -> Outcome:
    """The planned goal's outcome from its reports, the latest year's deciding.

    A bare count target (新建幼儿园3所, comparator =) is met by at least that many, a zero target
    (零事故) only by none; a report of 近N (<) stands just below N, of N余 (>) just above it.
    """
    if not reports:
        return Outcome.NO_REPORT
    report = max(reports, key=lambda r: (r.year or 0))
    if plan.comparator == Comparator.NONE or plan.value is None or report.value is None:
        return Outcome.REPORTED
    (_, plan_factor), (_, report_factor) = base_unit(plan.unit), base_unit(report.unit)
    target, actual = plan.value * plan_factor, report.value * report_factor
    if report.comparator == Comparator.LT:
        actual -= max(abs(actual), 1.0) * 1e-6
    elif report.comparator == Comparator.GT:
        actual += max(abs(actual), 1.0) * 1e-6
    if plan.comparator == Comparator.EQ:
        met = _at_least(target, actual) if target == 0 else _at_least(actual, target)
    else:
        met = _MET[Comparator(plan.comparator)](actual, target)
    return Outcome.MET if met else Outcome.MISSED


# --- on a built graph ----------------------------------------------------------------------------------------------

def tracked_goals(graph: nx.MultiDiGraph) -> list[TrackedGoal]:
    """The graph's Goal nodes as the linker sees them: a goal's region is the Region it is stated for
    (HAS_GOAL) when there is exactly one, else its document's; `since` is a multi-year document's first year."""
    goal_regions: dict[str, set[str]] = defaultdict(set)
    doc_years: dict[str, list[int]] = defaultdict(list)
    for head, tail, d in graph.edges(data=True):
        if d.get("type") == RelationType.HAS_GOAL and graph.nodes[head].get("label") == Label.REGION:
            goal_regions[tail].add(graph.nodes[head]["name"])
        elif d.get("type") == RelationType.FOR_YEAR:
            doc_years[head].append(graph.nodes[tail]["value"])
    out = []
    for node, d in graph.nodes(data=True):
        if d.get("label") != Label.GOAL:
            continue
        doc_node = document_id(d["doc"])
        doc = graph.nodes[doc_node] if doc_node in graph else {}
        regions = goal_regions.get(node, set())
        region = next(iter(regions)) if len(regions) == 1 else doc.get("region")
        years = doc_years.get(doc_node, [])
        since = min(years) if len(years) > 1 else None
        out.append(TrackedGoal(node, d["doc"], region, d.get("metric") or "", d.get("comparator", Comparator.NONE),
                               d.get("value"), d.get("unit"), d.get("year"), d.get("status", GoalStatus.PLANNED),
                               since))
    return out


def add_tracking(graph: nx.MultiDiGraph) -> list[ReportLink]:
    """Link the graph's planned goals to the achieved goals that report them (REPORTED_AS edges with score
    and reason, in the reporting document's `doc`), set every planned goal's `outcome`, and every goal's
    `region` (the one the linker compared)."""
    goals = {g.id: g for g in tracked_goals(graph)}
    for goal in goals.values():
        if goal.region:
            graph.nodes[goal.id][GOAL_REGION] = goal.region
    links = link_goals(goals.values())
    reports: dict[str, list[TrackedGoal]] = defaultdict(list)
    for link in links:
        achieved = goals[link.achieved]
        reports[link.planned].append(achieved)
        key = f"{RelationType.REPORTED_AS}:{link.planned}>{link.achieved}"
        graph.add_edge(link.planned, link.achieved, key)
        graph.edges[link.planned, link.achieved, key].update({
            "type": str(RelationType.REPORTED_AS), "key": key, LINK_SCORE: link.score, LINK_REASON: link.reason,
            "doc": achieved.doc, "confidence": link.score, "extractor": EXTRACTOR})
    for goal in goals.values():
        if goal.status == GoalStatus.PLANNED:
            graph.nodes[goal.id][OUTCOME] = str(outcome(goal, reports.get(goal.id, [])))
    return links



@dataclass(frozen=True)
class PlanResult:
    """A target beside one report of it (report fields None when nothing reports it)."""

    region: str
    year: int | None
    metric: str
    target: str
    comparator: str
    planned: float | int | None
    unit: str | None
    report: str | None
    reported: float | int | None
    reported_unit: str | None
    reported_year: int | None
    outcome: str
    score: float | None
    plan: str  # the planning document's name


def plan_results(graph: nx.MultiDiGraph, region: str = "", year: int | None = None) -> list[PlanResult]:
    """The answer of the library query plan_vs_result over a tracked graph: every planned goal whose region
    contains `region` (and is due in `year`), one row per report, ordered as the query orders them."""
    rows = []
    for node, d in graph.nodes(data=True):
        if (d.get("label") != Label.GOAL or d.get("status") != GoalStatus.PLANNED or GOAL_REGION not in d
                or region not in d[GOAL_REGION] or (year is not None and d.get("year") != year)):
            continue
        doc = graph.nodes.get(document_id(d["doc"]), {})
        reports = [(graph.nodes[v], e) for _, v, e in graph.out_edges(node, data=True)
                   if e.get("type") == RelationType.REPORTED_AS] or [({}, {})]
        for a, e in reports:
            rows.append(PlanResult(d[GOAL_REGION], d.get("year"), d.get("metric", ""), d.get("name", ""),
                                   d.get("comparator", Comparator.NONE), d.get("value"), d.get("unit"), a.get("name"),
                                   a.get("value"), a.get("unit"), a.get("year"), d.get(OUTCOME, ""),
                                   e.get(LINK_SCORE), doc.get("name", d["doc"])))
    return sorted(rows, key=lambda r: (r.region, r.year is None, r.year or 0, r.metric, r.target,
                                       r.reported_year is None, r.reported_year or 0))
