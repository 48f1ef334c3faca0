"""Score predicted Units against gold Units: entities, goals and relations (SCHEMA.md sections 1-4).

Entities and relations must match exactly and are counted with spaCy's PRFScore. Goal
boundaries are a judgement call, so goals are matched one-to-one by span overlap (IoU >= 0.5)
and their structured fields are scored as accuracies over the matched pairs; a relation end
that is a goal matches through that same goal matching.  A metric is a phrase that can be
right in part (普惠性幼儿园覆盖率 for 普惠性民办幼儿园覆盖率), so besides its exact match it is
scored by character-overlap F (kg.zh.metrics.overlap_f), averaged over the matched pairs.
"""
from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import fmean

from rich.console import Console
from rich.table import Table
from spacy.scorer import PRFScore

from kg.records import Goal, Unit
from kg.schema import MENTION_LABELS, RELATION_LABELS
from kg.zh import fold_width
from kg.zh.metrics import overlap_f

GOAL_IOU = 0.5
GOAL_FIELDS = ("metric", "comparator", "value", "unit", "year", "status")
VALUE_TOLERANCE = 1e-6  # relative and absolute: 0.1 + 0.2 equals 0.3, 95 does not equal 95.5


class EvalError(ValueError):
    """Gold and prediction cannot be compared (the same paragraph with different text, ...)."""


@dataclass
class Accuracy:
    """The share of credit over the pairs scored: 1 for each right field, or partial credit (a metric's
    character-overlap F) summed in `correct`."""

    correct: float = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)


@dataclass
class LabelScores:
    """P/R/F1 of one layer in total (micro) and per label."""

    overall: PRFScore = field(default_factory=PRFScore)
    labels: dict[str, PRFScore] = field(default_factory=dict)

    def __add__(self, other: LabelScores) -> LabelScores:
        labels = {k: v + PRFScore() for k, v in self.labels.items()}
        for label, score in other.labels.items():
            labels[label] = labels.get(label, PRFScore()) + score
        return LabelScores(self.overall + other.overall, labels)


@dataclass
class GoalScores:
    """Goal span P/R/F1 (IoU matching), the accuracy of each field over the matched pairs, and the
    metrics' mean character-overlap F over the same pairs."""

    overall: PRFScore = field(default_factory=PRFScore)
    fields: dict[str, Accuracy] = field(default_factory=lambda: {f: Accuracy() for f in GOAL_FIELDS})
    metric_overlap: Accuracy = field(default_factory=Accuracy)

    def __add__(self, other: GoalScores) -> GoalScores:
        return GoalScores(self.overall + other.overall,
                          {f: self.fields[f] + other.fields[f] for f in GOAL_FIELDS},
                          self.metric_overlap + other.metric_overlap)


@dataclass
class Report:
    entities: LabelScores = field(default_factory=LabelScores)
    goals: GoalScores = field(default_factory=GoalScores)
    relations: LabelScores = field(default_factory=LabelScores)
    units: int = 0  # gold paragraphs scored
    missing: int = 0  # of those, paragraphs with no prediction (scored as predicting nothing)
    ignored: list[tuple[str, int]] = field(default_factory=list)  # predicted (doc, para) with no gold
    by_doc: dict[str, Report] = field(default_factory=dict)

    def __add__(self, other: Report) -> Report:
        by_doc = dict(self.by_doc)
        for doc, report in other.by_doc.items():
            by_doc[doc] = by_doc[doc] + report if doc in by_doc else report
        return Report(self.entities + other.entities, self.goals + other.goals,
                      self.relations + other.relations, self.units + other.units,
                      self.missing + other.missing, self.ignored + other.ignored, by_doc)

    def scores(self) -> dict[str, float | None]:
        """Headline figures by name: F1 of each layer ("entities") and label ("entities/SCHOOL"),
        goal field accuracies ("goals/value") and the metrics' overlap F ("goals/metric_overlap");
        None where nothing was there to score."""
        out: dict[str, float | None] = {}
        for layer, scores in (("entities", self.entities), ("relations", self.relations)):
            out[layer] = _prf(scores.overall)["f"]
            out.update({f"{layer}/{label}": _prf(s)["f"] for label, s in scores.labels.items()})
        out["goals"] = _prf(self.goals.overall)["f"]
        out.update({f"goals/{name}": acc.value for name, acc in self.goals.fields.items()})
        out["goals/metric_overlap"] = self.goals.metric_overlap.value
        return out

    def to_dict(self, by_doc: bool = True) -> dict:
        out = {
            "units": {"gold": self.units, "missing": self.missing, "ignored": len(self.ignored)},
            "entities": _layer_dict(self.entities, MENTION_LABELS),
            "goals": {"overall": _prf(self.goals.overall),
                      "fields": {name: {"accuracy": acc.value, "correct": acc.correct, "total": acc.total}
                                 for name, acc in self.goals.fields.items()},
                      "metric_overlap": {"mean": self.goals.metric_overlap.value,
                                         "total": self.goals.metric_overlap.total}},
            "relations": _layer_dict(self.relations, RELATION_LABELS),
        }
        if self.ignored:
            out["ignored"] = [{"doc": doc, "para": para} for doc, para in self.ignored]
        if by_doc:
            out["by_doc"] = {doc: r.to_dict(by_doc=False) for doc, r in self.by_doc.items()}
        return out


@dataclass
class MeanReport:
    """Cross-validation summary (e.g. cross-validation grouped by document): the mean of the per-fold
    figures (macro, folds without anything to score left out), and all folds pooled (micro)."""

    folds: list[Report]
    macro: dict[str, float | None]
    micro: Report

    def to_dict(self) -> dict:
        return {"folds": [{"docs": list(f.by_doc), "scores": f.scores()} for f in self.folds],
                "macro": self.macro, "micro": self.micro.to_dict(by_doc=False)}


def _prf(score: PRFScore) -> dict:
    """spaCy's figures, with None instead of 0 when there was nothing to find and nothing found."""
    defined = len(score) > 0
    return {"p": score.precision if defined else None, "r": score.recall if defined else None,
            "f": score.fscore if defined else None, "tp": score.tp, "fp": score.fp, "fn": score.fn}


def _layer_dict(scores: LabelScores, order: Iterable[str]) -> dict:
    return {"overall": _prf(scores.overall),
            "labels": {label: _prf(scores.labels[label]) for label in order if label in scores.labels}}


def _label_scores(gold: set[tuple], pred: set[tuple]) -> LabelScores:
    """Exact-match scores of two sets of keys whose first item is the label."""
    out = LabelScores()
    out.overall.score_set(pred, gold)
    for label in {k[0] for k in gold | pred}:
        out.labels[label] = PRFScore()
        out.labels[label].score_set({k for k in pred if k[0] == label}, {k for k in gold if k[0] == label})
    return out


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    """Intersection over union of two character spans: how goals are matched (≥ GOAL_IOU)."""
    inter = min(a_end, b_end) - max(a_start, b_start)
    return max(inter, 0) / (max(a_end, b_end) - min(a_start, b_start))


def iou(a: Goal, b: Goal) -> float:
    """`overlap` of two goals."""
    return overlap(a.start, a.end, b.start, b.end)


def match_goals(gold: list[Goal], pred: list[Goal], threshold: float = GOAL_IOU) -> list[tuple[Goal, Goal]]:
    """One-to-one (gold, pred) pairs with IoU >= threshold, greedily by descending IoU: the
    best-overlapping pair claims both goals first, ties broken by position."""
    candidates = sorted(
        ((iou(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)),
        key=lambda c: (-c[0], c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for overlap, gi, pi in candidates:
        if overlap < threshold:
            break
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gold[gi], pred[pi]))
    return pairs


def _same(name: str, gold: Goal, pred: Goal) -> bool:
    a, b = getattr(gold, name), getattr(pred, name)
    if name == "value" and a is not None and b is not None:
        return math.isclose(a, b, rel_tol=VALUE_TOLERANCE, abs_tol=VALUE_TOLERANCE)
    return a == b


def _score_unit(gold: Unit, pred: Unit) -> Report:
    gold_ents = {(m.label, m.start, m.end) for m in gold.entities}
    pred_ents = {(m.label, m.start, m.end) for m in pred.entities}

    pairs = match_goals(gold.goals, pred.goals)
    goals = GoalScores(PRFScore(tp=len(pairs), fp=len(pred.goals) - len(pairs), fn=len(gold.goals) - len(pairs)))
    for name in GOAL_FIELDS:
        goals.fields[name] = Accuracy(sum(_same(name, g, p) for g, p in pairs), len(pairs))
    goals.metric_overlap = Accuracy(sum(overlap_f(g.metric or "", p.metric or "") for g, p in pairs), len(pairs))

    # A relation end is keyed by its entity span, or by the gold goal it is (matched to).
    gold_ends = {m.id: ("entity", m.label, m.start, m.end) for m in gold.entities}
    gold_ends.update({g.id: ("goal", g.id) for g in gold.goals})
    pred_ends = {m.id: ("entity", m.label, m.start, m.end) for m in pred.entities}
    pred_ends.update({p.id: ("unmatched goal", p.id) for p in pred.goals})
    pred_ends.update({p.id: ("goal", g.id) for g, p in pairs})

    def relations(unit: Unit, ends: dict[int, tuple], side: str) -> set[tuple]:
        try:
            return {(r.label, ends[r.head], ends[r.tail]) for r in unit.relations}
        except KeyError as exc:
            raise EvalError(f"{side} paragraph {unit.para} of {unit.doc}: a relation refers to "
                            f"id {exc.args[0]}, which is no entity or goal of the paragraph") from None

    return Report(entities=_label_scores(gold_ents, pred_ents), goals=goals,
                  relations=_label_scores(relations(gold, gold_ends, "gold"), relations(pred, pred_ends, "predicted")),
                  units=1)


def _index(units: list[Unit], side: str) -> dict[tuple[str, int], Unit]:
    out: dict[tuple[str, int], Unit] = {}
    for unit in units:
        key = (unit.doc, unit.para)
        if key in out:
            raise EvalError(f"{side} units list paragraph {unit.para} of {unit.doc} twice")
        out[key] = unit
    return out


def evaluate(gold: list[Unit], pred: list[Unit]) -> Report:
    """Score `pred` against `gold`, joined on (doc, para), overall and per document.

    A gold paragraph without a prediction counts as predicting nothing; a predicted paragraph
    without gold is left out (listed in `Report.ignored`); the same paragraph with different
    text means the prediction was made from another input, and raises EvalError.  Full-width forms
    and their ASCII folding (`fold_width`: the part of NFKC that keeps one character for one) count
    as the same text: a website's document scores against gold whose text was folded.
    """
    predicted = _index(pred, "predicted")
    by_doc: dict[str, Report] = defaultdict(Report)
    for key, g in _index(gold, "gold").items():
        p = predicted.pop(key, None)
        if p is not None and (folded := fold_width(p.text)) != (gold_folded := fold_width(g.text)):
            at = len(os.path.commonprefix([gold_folded, folded]))
            raise EvalError(f"paragraph {g.para} of {g.doc}: the predicted text differs from the gold "
                            f"text from character {at} on (was the prediction made from another input?)")
        unit = _score_unit(g, p or Unit(g.doc, g.para, g.text))
        unit.missing = int(p is None)
        by_doc[g.doc] = by_doc[g.doc] + unit
    total = sum(by_doc.values(), Report())
    total.by_doc = dict(by_doc)
    total.ignored = sorted(predicted)
    return total


def mean_reports(folds: list[Report]) -> MeanReport:
    """Summarise cross-validation folds (one Report per held-out part) as macro and micro figures."""
    if not folds:
        raise ValueError("mean_reports needs at least one fold")
    per_fold = [f.scores() for f in folds]
    names = dict.fromkeys(name for scores in per_fold for name in scores)
    macro = {}
    for name in names:
        values = [s[name] for s in per_fold if s.get(name) is not None]
        macro[name] = fmean(values) if values else None
    return MeanReport(folds=list(folds), macro=macro, micro=sum(folds, Report()))


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def render(report: Report, console: Console | None = None, *, by_doc: bool = False,
           macro: dict[str, float | None] | None = None) -> None:
    """Print the report as rich tables; `macro` (from MeanReport) adds a mean-over-folds column."""
    console = console or Console()
    console.print(f"{report.units} gold paragraphs, {report.missing} without a prediction (scored as empty), "
                  f"{len(report.ignored)} predicted paragraphs without gold (ignored)")

    table = Table(title="Entities, goals, relations")
    for name in ("Layer", "Label"):
        table.add_column(name)
    for name in ("P", "R", "F1", "TP", "FP", "FN") + (("mean F1",) if macro is not None else ()):
        table.add_column(name, justify="right")

    def row(layer: str, label: str | None, score: PRFScore) -> None:
        prf = _prf(score)
        cells = [layer if label is None else "", label or "all",
                 _fmt(prf["p"]), _fmt(prf["r"]), _fmt(prf["f"]), str(score.tp), str(score.fp), str(score.fn)]
        if macro is not None:
            cells.append(_fmt(macro.get(layer if label is None else f"{layer}/{label}")))
        table.add_row(*cells)

    for layer, scores, order in (("entities", report.entities, MENTION_LABELS),
                                 ("relations", report.relations, RELATION_LABELS)):
        row(layer, None, scores.overall)
        for label in order:
            if label in scores.labels:
                row(layer, label, scores.labels[label])
        table.add_section()
        if layer == "entities":
            row("goals", None, report.goals.overall)
            table.add_section()
    console.print(table)

    fields = Table(title=f"Goal fields, over {report.goals.overall.tp} matched goals")
    fields.add_column("Field")
    for name in ("Accuracy", "Correct", "Total") + (("mean",) if macro is not None else ()):
        fields.add_column(name, justify="right")
    for name, acc in report.goals.fields.items():
        cells = [name, _fmt(acc.value), str(acc.correct), str(acc.total)]
        if macro is not None:
            cells.append(_fmt(macro.get(f"goals/{name}")))
        fields.add_row(*cells)
        if name == "metric":  # the same pairs, scored by how many characters they share
            overlap = report.goals.metric_overlap
            cells = ["metric (overlap F)", _fmt(overlap.value), "", str(overlap.total)]
            if macro is not None:
                cells.append(_fmt(macro.get("goals/metric_overlap")))
            fields.add_row(*cells)
    console.print(fields)

    if by_doc:
        docs = Table(title="By document (F1)")
        docs.add_column("Document")
        for name in ("Paragraphs", "Entities", "Goals", "Relations"):
            docs.add_column(name, justify="right")
        for doc, r in report.by_doc.items():
            s = r.scores()
            docs.add_row(doc, str(r.units), _fmt(s["entities"]), _fmt(s["goals"]), _fmt(s["relations"]))
        console.print(docs)


def render_cross_validation(cv, console: Console | None = None) -> None:
    """Print a `kg.nlp.train.CrossValidation`: each approach side by side (pooled P/R/F1 and the mean
    F1 over folds), the F1 by gold file, the relations found between the gold mentions, the learned
    pipeline at each fold seed, and the learning curve."""
    console = console or Console()
    names = list(cv.approaches)
    table = Table(title=f"Grouped {cv.k}-fold cross-validation: pooled over folds (mean over folds)")
    table.add_column("Layer")
    table.add_column("Label")
    for name in names:
        table.add_column(f"{name} P / R / F1", justify="right")
    rows: list[tuple[str, str, str]] = [("entities", "all", "entities")]
    rows += [("", label, f"entities/{label}") for label in MENTION_LABELS]
    rows += [("goals", "all", "goals")] + [("", f"{f} (accuracy)", f"goals/{f}") for f in GOAL_FIELDS]
    rows.insert(rows.index(("", "metric (accuracy)", "goals/metric")) + 1,
                ("", "metric (overlap F)", "goals/metric_overlap"))
    rows += [("relations", "all", "relations")] + [("", label, f"relations/{label}") for label in RELATION_LABELS]

    def cell(mean: MeanReport, key: str) -> str:
        layer, _, label = key.partition("/")
        report = mean.micro
        if layer == "goals":
            if label:
                value = report.goals.metric_overlap if label == "metric_overlap" else report.goals.fields[label]
                return f"{_fmt(value.value)} ({_fmt(mean.macro.get(key))})"
            score = report.goals.overall
        else:
            scores = report.entities if layer == "entities" else report.relations
            score = scores.labels.get(label, PRFScore()) if label else scores.overall
        prf = _prf(score)
        return f"{_fmt(prf['p'])} / {_fmt(prf['r'])} / {_fmt(prf['f'])} ({_fmt(mean.macro.get(key))})"

    for layer, label, key in rows:
        if label == "all" and layer != "entities":
            table.add_section()
        table.add_row(layer, label, *(cell(cv.approaches[n], key) for n in names))
    console.print(table)

    sources = Table(title="F1 by gold file (pooled)")
    sources.add_column("Gold file")
    sources.add_column("Approach")
    for name in ("entities", "goals", "goals/status", "goals/year", "goals/metric_overlap", "relations"):
        sources.add_column(name, justify="right")
    for source in sorted({s for by in cv.by_source.values() for s in by}):
        for name in names:
            s = cv.by_source[name][source].scores()
            sources.add_row(source, name, *(_fmt(s[k]) for k in ("entities", "goals", "goals/status", "goals/year",
                                                                  "goals/metric_overlap", "relations")))
    console.print(sources)

    gold = Table(title="Relations between the gold mentions, pooled (mean over folds)")
    gold.add_column("Label")
    gold.add_column("P / R / F1", justify="right")
    for layer, label, key in rows:
        if key.split("/")[0] == "relations":
            gold.add_row(label, cell(cv.gold_mentions, key))
    console.print(gold)

    if len(cv.by_seed) > 1:
        keys = ("entities", "entities/PROGRAM", "goals", "goals/status", "goals/year", "relations")
        dealt = Table(title="The learned pipeline on the folds dealt with each seed: a change smaller than the "
                            "spread is noise")
        for name in ("Fold seed", "entities", "PROGRAM", "goals", "status", "year", "relations"):  # the keys, short
            dealt.add_column(name, justify="right")
        for seed, s in cv.by_seed.items():
            dealt.add_row(str(seed), *(_fmt(s[k]) for k in keys))
        values = {k: [s[k] for s in cv.by_seed.values() if s[k] is not None] for k in keys}
        dealt.add_section()
        dealt.add_row("mean", *(_fmt(sum(v) / len(v) if v else None) for v in values.values()))
        dealt.add_row("spread", *(_fmt(max(v) - min(v) if v else None) for v in values.values()))
        console.print(dealt)

    if cv.curve:
        curve = Table(title="Learning curve: the learned pipeline on a share of each fold's training documents")
        for name in ("Share", "entities", "goals", "goals/status", "goals/year", "relations"):
            curve.add_column(name, justify="right")
        for frac, report in cv.curve.items():
            s = report.scores()
            curve.add_row(f"{frac:.0%}", *(_fmt(s[k]) for k in ("entities", "goals", "goals/status", "goals/year",
                                                                 "relations")))
        console.print(curve)
