"""Score plan → result links against a hand-written tracking gold set (`kg track-eval`).

A gold folder holds plan and summary documents and `gold.jsonl`, one line per planned goal of those
documents: the goal by its document and its exact words (which must occur once in that document),
the goals that report it (none, one, or one per report of a multi-year plan) and its expected outcome:

    {"planned": {"doc": "a_2024_points.txt", "goal": "新建幼儿园3所"},
     "reported": [{"doc": "a_2024_summary.txt", "goal": "新建幼儿园3所"}], "outcome": "met", "note": "…"}

Goals are matched to the extracted ones as `kg eval` matches goals (kg.nlp.evaluate.match_goals: one
to one, IoU ≥ 0.5, within the paragraph), so what the extractor misses counts against recall.  A link
is right when both its ends match the gold pair; a REPORTED_AS edge between goals the gold does not
pair (or does not know) is a false positive.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from rich.console import Console
from rich.table import Table
from spacy.scorer import PRFScore

from kg.nlp.evaluate import match_goals
from kg.records import Document, Goal, Unit
from kg.schema import OUTCOME, OUTCOMES, GoalStatus, RelationType, goal_id

GOLD_FILE = "gold.jsonl"


class TrackingGoldError(ValueError):
    """A gold line that cannot be read or whose goal cannot be found in its document."""


@dataclass(frozen=True)
class GoldGoal:
    doc: str
    goal: str  # the goal's words, once in the document


@dataclass(frozen=True)
class GoldTarget:
    planned: GoldGoal
    reported: tuple[GoldGoal, ...]
    outcome: str
    note: str = ""


def read_tracking_gold(path: Path) -> list[GoldTarget]:
    """The lines of a tracking gold file; TrackingGoldError names the line that breaks the format."""
    targets = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            planned = GoldGoal(obj["planned"]["doc"], obj["planned"]["goal"])
            reported = tuple(GoldGoal(r["doc"], r["goal"]) for r in obj.get("reported", []))
            outcome = obj["outcome"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise TrackingGoldError(f"{path}:{n}: not a tracking gold line ({exc})") from None
        if outcome not in OUTCOMES:
            raise TrackingGoldError(f"{path}:{n}: outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
        targets.append(GoldTarget(planned, reported, outcome, obj.get("note", "")))
    return targets


@dataclass
class TrackingReport:
    links: PRFScore = field(default_factory=PRFScore)
    outcomes: Counter = field(default_factory=Counter)  # (gold outcome, predicted outcome) of found planned goals
    planned_goals: int = 0
    planned_found: int = 0
    reported_goals: int = 0
    reported_found: int = 0
    errors: list[str] = field(default_factory=list)  # the wrong and the missed links, for a person to read

    @property
    def outcome_accuracy(self) -> float | None:
        total = sum(self.outcomes.values())
        return sum(n for (gold, pred), n in self.outcomes.items() if gold == pred) / total if total else None

    def to_dict(self) -> dict:
        return {"links": {"p": self.links.precision, "r": self.links.recall, "f": self.links.fscore,
                          "tp": self.links.tp, "fp": self.links.fp, "fn": self.links.fn},
                "outcome_accuracy": self.outcome_accuracy,
                "outcomes": [{"gold": g, "predicted": p, "count": n} for (g, p), n in sorted(self.outcomes.items())],
                "goals": {"planned": self.planned_goals, "planned_found": self.planned_found,
                          "reported": self.reported_goals, "reported_found": self.reported_found},
                "errors": self.errors}


def _locate(documents: dict[str, Document], gold: GoldGoal) -> tuple[int, int, int]:
    """(para, start, end) of a gold goal's words in its document."""
    document = documents.get(gold.doc)
    if document is None:
        raise TrackingGoldError(f"{gold.doc}: no such document in the gold folder")
    found = [(p.para, i) for p in document.paragraphs for i in _occurrences(p.text, gold.goal)]
    if len(found) != 1:
        raise TrackingGoldError(f"{gold.doc}: {gold.goal!r} occurs {len(found)} times; the gold needs it once")
    para, start = found[0]
    return para, start, start + len(gold.goal)


def _occurrences(text: str, words: str) -> list[int]:
    out, at = [], text.find(words)
    while at >= 0:
        out.append(at)
        at = text.find(words, at + 1)
    return out


def _match(documents: dict[str, Document], units: list[Unit], golds: list[GoldGoal]) -> dict[GoldGoal, str]:
    """Each gold goal's extracted Goal node id, where the extractor found it."""
    by_para: dict[tuple[str, int], list[tuple[GoldGoal, Goal]]] = {}
    for gold in dict.fromkeys(golds):
        para, start, end = _locate(documents, gold)
        by_para.setdefault((gold.doc, para), []).append(
            (gold, Goal(len(by_para.get((gold.doc, para), [])), start, end, None, "none", None, None, None,
                        GoalStatus.PLANNED)))
    out = {}
    for unit in units:
        pairs = by_para.get((unit.doc, unit.para))
        if not pairs:
            continue
        of_goal = {id(goal): gold for gold, goal in pairs}
        for gold_goal, found in match_goals([goal for _, goal in pairs], unit.goals):
            out[of_goal[id(gold_goal)]] = goal_id(unit.doc, unit.para, found.start, found.end)
    return out


def evaluate_tracking(documents: list[Document], units: list[Unit], graph: nx.MultiDiGraph,
                      gold: list[GoldTarget]) -> TrackingReport:
    """Link precision, recall and F1, and outcome accuracy, of a built graph against the gold."""
    docs = {d.id: d for d in documents}
    goals = [t.planned for t in gold] + [r for t in gold for r in t.reported]
    matched = _match(docs, units, goals)
    report = TrackingReport(planned_goals=len(gold), planned_found=sum(t.planned in matched for t in gold))
    reported = {r for t in gold for r in t.reported}
    report.reported_goals, report.reported_found = len(reported), sum(r in matched for r in reported)

    def name(node: str) -> str:
        d = graph.nodes[node]
        return f"{d.get('doc')}: {d.get('name')}"

    gold_links = {}
    for target in gold:
        for r in target.reported:
            key = (matched.get(target.planned), matched.get(r))
            gold_links[key if None not in key else (target.planned, r)] = target
    predicted = {(u, v) for u, v, d in graph.edges(data=True) if d.get("type") == RelationType.REPORTED_AS}
    tp = predicted & set(gold_links)
    report.links = PRFScore(tp=len(tp), fp=len(predicted - tp), fn=len(gold_links) - len(tp))
    for u, v in sorted(predicted - tp):
        report.errors.append(f"wrong link: {name(u)} → {name(v)}")
    for key, target in gold_links.items():
        if key not in tp:
            planned, achieved = key
            why = "" if isinstance(planned, str) and isinstance(achieved, str) else " (a goal not extracted)"
            report.errors.append(f"missed link{why}: {target.planned.doc}: {target.planned.goal} → "
                                 f"{', '.join(f'{r.doc}: {r.goal}' for r in target.reported)}")
    for target in gold:
        node = matched.get(target.planned)
        if node is not None:
            report.outcomes[(target.outcome, graph.nodes[node].get(OUTCOME, ""))] += 1
    return report


def render_tracking(report: TrackingReport, console: Console | None = None) -> None:
    """Print the report as `kg eval` prints its tables."""
    console = console or Console()
    console.print(f"{report.planned_goals} planned goals in the gold, {report.planned_found} extracted; "
                  f"{report.reported_goals} reporting goals, {report.reported_found} extracted")
    table = Table(title="Plan → result links (REPORTED_AS)")
    for name in ("P", "R", "F1", "TP", "FP", "FN"):
        table.add_column(name, justify="right")
    s = report.links
    table.add_row(f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.fscore:.3f}", str(s.tp), str(s.fp), str(s.fn))
    console.print(table)
    outcomes = Table(title=f"Outcomes of the extracted planned goals (accuracy "
                           f"{'–' if report.outcome_accuracy is None else f'{report.outcome_accuracy:.3f}'})")
    outcomes.add_column("gold")
    outcomes.add_column("predicted")
    outcomes.add_column("count", justify="right")
    for (gold, pred), n in sorted(report.outcomes.items()):
        outcomes.add_row(gold, pred or "–", str(n))
    console.print(outcomes)
    for error in report.errors:
        console.print(error, markup=False)
