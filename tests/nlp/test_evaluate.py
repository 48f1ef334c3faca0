"""`kg eval`: exact figures on the real gold and on perturbed copies of it, goal IoU matching, the CLI."""
from __future__ import annotations

import copy
import io
import json
import re
import subprocess
from collections import Counter

import pytest
from rich.console import Console
from typer.testing import CliRunner

from conftest import KG
from kg.cli import app
from kg.nlp.evaluate import EvalError, evaluate, iou, match_goals, mean_reports, render
from kg.io.jsonl import write_units
from kg.records import Goal, Mention, Relation, Unit

TEXT = "某县教育局牵头实施幼儿园扩容工程,确保明年新增学位不少于一千二百个,全县普惠率保持九成以上。"


def _goal(id_, start, end, value=8, metric="m", comparator=">=", unit="个", year=2026, status="planned"):
    return Goal(id_, start, end, metric, comparator, value, unit, year, status)


def _unit(para=0, entities=(), goals=(), relations=(), doc="plan.txt", text=TEXT) -> Unit:
    return Unit(doc, para, text, list(entities), list(goals), list(relations))


def _prf(tp, fp, fn) -> dict:
    p, r = tp / (tp + fp), tp / (tp + fn)
    return {"p": pytest.approx(p), "r": pytest.approx(r), "f": pytest.approx(2 * p * r / (p + r)),
            "tp": tp, "fp": fp, "fn": fn}


# --- the real gold -------------------------------------------------------------------------------

def test_gold_against_itself_is_perfect_everywhere(gold_units):
    report = evaluate(gold_units, copy.deepcopy(gold_units))
    assert (report.units, report.missing, report.ignored) == (len(gold_units), 0, [])
    scores = report.scores()
    assert scores["entities"] == scores["goals"] == scores["relations"] == 1.0
    assert {v for v in scores.values()} == {1.0}
    assert len(report.by_doc) == len({u.doc for u in gold_units})
    for doc_report in report.by_doc.values():
        assert {v for v in doc_report.scores().values()} <= {1.0, None}
        assert doc_report.scores()["entities"] == 1.0


@pytest.fixture(scope="module")
def perturbed(gold_units):
    """A copy of the gold with known damage, and the figures it must get (counted by hand below)."""
    pred = copy.deepcopy(gold_units)
    in_relation = [{e for r in u.relations for e in (r.head, r.tail)} for u in gold_units]
    free = [(i, m) for i, u in enumerate(pred) for m in u.entities if m.id not in in_relation[i] and m.end - m.start > 1]
    dropped = free[:2]
    shifted = free[2]
    relabelled = next((i, m) for i, m in free[3:] if m.label == "SCHOOL")
    for i, m in dropped:
        pred[i].entities.remove(m)
    shifted[1].end -= 1  # exact match or nothing: a one-character miss is a miss
    relabelled[1].label = "OFFICE"

    # An IMPLEMENTS relation (entity ends only) dropped.
    i_rel, rel = next((i, r) for i, u in enumerate(pred) for r in u.relations if r.label == "IMPLEMENTS")
    pred[i_rel].relations.remove(rel)

    def lone(i, g):  # a goal overlapping no other goal of its paragraph, with relations
        others = [o for o in pred[i].goals if o is not g]
        return (all(iou(g, o) == 0 for o in others) and g.id in in_relation[i]
                and all(o.end - o.start >= 3 for o in others))

    # Goal A: span one character short (IoU >= 0.75, still matched) and a wrong value: its relations still hold.
    i_a, goal_a = next((i, g) for i, u in enumerate(pred) for g in u.goals
                       if g.value is not None and g.end - g.start >= 4 and lone(i, g))
    goal_a.end -= 1
    goal_a.value += 1
    # Goal B: cut to its first character (IoU <= 1/3): unmatched, so its relations are wrong too.
    i_b, goal_b = next((i, g) for i, u in enumerate(pred) for g in u.goals
                       if i != i_a and g.end - g.start >= 3 and lone(i, g))
    goal_b_rels = Counter(r.label for r in pred[i_b].relations if goal_b.id in (r.head, r.tail))
    goal_b.end = goal_b.start + 1

    n_ents = Counter(m.label for u in gold_units for m in u.entities)
    ents = {label: [n, 0, 0] for label, n in n_ents.items()}  # tp, fp, fn
    for _, m in dropped + [shifted]:
        ents[m.label][0] -= 1
        ents[m.label][2] += 1
    ents[shifted[1].label][1] += 1
    ents["SCHOOL"][0] -= 1
    ents["SCHOOL"][2] += 1
    ents["OFFICE"][1] += 1

    n_rels = Counter(r.label for u in gold_units for r in u.relations)
    rels = {label: [n, 0, 0] for label, n in n_rels.items()}
    rels["IMPLEMENTS"][0] -= 1
    rels["IMPLEMENTS"][2] += 1
    for label, k in goal_b_rels.items():
        rels[label][0] -= k
        rels[label][1] += k
        rels[label][2] += k
    n_goals = sum(len(u.goals) for u in gold_units)
    assert sum(goal_b_rels.values()) >= 1 and n_ents["SCHOOL"] > 1

    expected = {
        "entities": {"overall": _prf(sum(n_ents.values()) - 4, 2, 4),
                     "labels": {label: _prf(*c) for label, c in ents.items()}},
        "goals": _prf(n_goals - 1, 1, 1),
        "value": (n_goals - 2, n_goals - 1),
        "relations": {"overall": _prf(sum(n_rels.values()) - 1 - sum(goal_b_rels.values()),
                                      sum(goal_b_rels.values()), 1 + sum(goal_b_rels.values())),
                      "labels": {label: _prf(*c) for label, c in rels.items()}},
    }
    return pred, expected


def _check(report: dict, expected: dict) -> None:
    assert report["entities"] == expected["entities"]
    assert report["relations"] == expected["relations"]
    assert report["goals"]["overall"] == expected["goals"]
    fields = report["goals"]["fields"]
    assert (fields["value"]["correct"], fields["value"]["total"]) == expected["value"]
    assert {name: f["accuracy"] for name, f in fields.items() if name != "value"} == dict.fromkeys(
        ("metric", "comparator", "unit", "year", "status"), 1.0)


def test_perturbed_copy_gets_the_figures_counted_by_hand(gold_units, perturbed):
    pred, expected = perturbed
    report = evaluate(gold_units, pred)
    _check(report.to_dict(), expected)
    # The per-document figures add up to the overall ones.
    for layer in ("entities", "relations"):
        total = getattr(report, layer).overall
        parts = [getattr(r, layer).overall for r in report.by_doc.values()]
        assert (sum(p.tp for p in parts), sum(p.fp for p in parts), sum(p.fn for p in parts)) == (
            total.tp, total.fp, total.fn)
    assert sum(r.goals.overall.tp for r in report.by_doc.values()) == report.goals.overall.tp


def test_cli_json_on_files(tmp_path, gold_units, perturbed):
    pred, expected = perturbed
    write_units(gold_units, tmp_path / "gold.jsonl")
    write_units(pred, tmp_path / "pred.jsonl")
    run = subprocess.run([KG, "eval", str(tmp_path / "gold.jsonl"),
                          str(tmp_path / "pred.jsonl"), "--json", "--by-doc"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    _check(out, expected)
    assert out["units"] == {"gold": len(gold_units), "missing": 0, "ignored": 0}
    assert set(out["by_doc"]) == {u.doc for u in gold_units}


def test_missing_and_extra_predictions(gold_units):
    first_doc = gold_units[0].doc
    held = [u for u in gold_units if u.doc == first_doc]
    extra = Unit("not-in-gold.txt", 0, "某校2026年工作计划")
    report = evaluate(gold_units, [u for u in gold_units if u.doc != first_doc] + [extra])
    n_held = sum(len(u.entities) for u in held)
    n_all = sum(len(u.entities) for u in gold_units)
    assert (report.units, report.missing, report.ignored) == (len(gold_units), len(held), [("not-in-gold.txt", 0)])
    assert report.to_dict()["entities"]["overall"] == _prf(n_all - n_held, 0, n_held)
    assert report.by_doc[first_doc].scores()["entities"] == 0.0
    assert report.by_doc[first_doc].missing == len(held)


def test_prediction_from_other_text_is_an_error(gold_units):
    pred = copy.deepcopy(gold_units)
    pred[3].text = pred[3].text[:5] + "X" + pred[3].text[6:]
    with pytest.raises(EvalError, match=rf"paragraph {pred[3].para} of {pred[3].doc}: .* from character 5 on"):
        evaluate(gold_units, pred)
    with pytest.raises(EvalError, match="twice"):
        evaluate(gold_units, gold_units + gold_units[:1])


def test_a_prediction_on_the_full_width_form_of_the_gold_text_scores(gold_units):
    wide = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "%": "％"})
    pred = copy.deepcopy(gold_units)
    for unit in pred:
        unit.text = unit.text.translate(wide)
    assert any(p.text != g.text for p, g in zip(pred, gold_units))
    assert evaluate(gold_units, pred).scores() == evaluate(gold_units, gold_units).scores()


# --- goal matching ------------------------------------------------------------------------------

def test_iou():
    assert iou(_goal(0, 0, 10), _goal(1, 0, 10)) == 1.0
    assert iou(_goal(0, 0, 10), _goal(1, 0, 5)) == 0.5
    assert iou(_goal(0, 0, 10), _goal(1, 5, 15)) == pytest.approx(1 / 3)
    assert iou(_goal(0, 0, 10), _goal(1, 10, 20)) == 0.0


@pytest.mark.parametrize("pred_end, matched", [(5, True), (4, False)])
def test_goal_threshold_is_inclusive(pred_end, matched):
    report = evaluate([_unit(goals=[_goal(100, 0, 10)])], [_unit(goals=[_goal(1, 0, pred_end)])])
    assert (report.goals.overall.tp, report.goals.overall.fp, report.goals.overall.fn) == (
        (1, 0, 0) if matched else (0, 1, 1))


def test_goal_matching_takes_best_overlaps_first():
    # Pred 1 overlaps gold B best (0.82) and A barely (0.54); pred 2 is B exactly. Taking pairs by
    # descending IoU gives B-2 then A-1: two matches (a pred-by-pred greedy would leave A unmatched).
    gold = [_goal(100, 0, 10), _goal(101, 4, 14)]
    pred = [_goal(1, 3, 13), _goal(2, 4, 14)]
    assert [(g.id, p.id) for g, p in match_goals(gold, pred)] == [(101, 2), (100, 1)]


def test_goal_matching_is_one_to_one_and_fields_come_from_the_best_pair():
    gold = [_goal(100, 0, 10, value=0.3, metric="普惠率")]
    worse = _goal(1, 0, 6, value=99, metric="其他")
    better = _goal(2, 1, 10, value=0.1 + 0.2, metric="普惠率")  # equal within the tolerance
    report = evaluate([_unit(goals=gold)], [_unit(goals=[worse, better])])
    assert (report.goals.overall.tp, report.goals.overall.fp, report.goals.overall.fn) == (1, 1, 0)
    assert {name: acc.value for name, acc in report.goals.fields.items()} == dict.fromkeys(
        ("metric", "comparator", "value", "unit", "year", "status"), 1.0)


def test_metrics_score_exact_match_and_character_overlap():
    gold = [_goal(100, 0, 10, metric="普惠性幼儿园覆盖率"), _goal(101, 20, 30, metric="新增学位数")]
    pred = [_goal(1, 0, 10, metric="普惠性民办幼儿园覆盖率"), _goal(2, 20, 30, metric="新增学位数")]
    report = evaluate([_unit(goals=gold)], [_unit(goals=pred)])
    assert (report.goals.fields["metric"].correct, report.goals.fields["metric"].total) == (1, 2)
    # 9 characters shared of 9 + 11: F = 18/20 = 0.9; the second pair is exact: 1.0
    assert report.goals.metric_overlap.value == pytest.approx((0.9 + 1.0) / 2)
    assert report.scores()["goals/metric_overlap"] == pytest.approx(0.95)
    assert report.to_dict()["goals"]["metric_overlap"] == {"mean": pytest.approx(0.95), "total": 2}
    out = io.StringIO()
    render(report, Console(file=out, width=120))
    assert re.search(r"metric \(overlap F\)\s*│\s*0\.950", out.getvalue())


@pytest.mark.parametrize("gold_value, pred_value, same", [
    (8, 8.0, True), (None, None, True), (95, 95.5, False), (None, 0, False), (50000, 50000.00001, True)])
def test_goal_value_tolerance(gold_value, pred_value, same):
    comparator = "none" if gold_value is None else ">="
    report = evaluate([_unit(goals=[_goal(100, 0, 10, value=gold_value, comparator=comparator)])],
                      [_unit(goals=[_goal(1, 0, 10, value=pred_value, comparator=comparator)])])
    assert report.goals.fields["value"].correct == int(same)


def test_goals_match_only_within_their_paragraph():
    gold = [_unit(0, goals=[_goal(100, 0, 10)]), _unit(1)]
    pred = [_unit(0), _unit(1, goals=[_goal(1, 0, 10)])]
    report = evaluate(gold, pred)
    assert (report.goals.overall.tp, report.goals.overall.fp, report.goals.overall.fn) == (0, 1, 1)
    assert report.goals.fields["metric"].value is None  # nothing matched: no accuracy to speak of


def test_relation_ends_match_through_goal_matching():
    office = Mention(0, 0, 5, "OFFICE")
    program = Mention(1, 7, 14, "PROGRAM")
    gold = _unit(entities=[office, program], goals=[_goal(100, 20, 32)],
                 relations=[Relation(0, 1, "RESPONSIBLE_FOR"), Relation(1, 100, "HAS_GOAL"),
                            Relation(0, 100, "RESPONSIBLE_FOR")])
    pred = _unit(entities=[Mention(5, 0, 5, "OFFICE"), Mention(6, 7, 14, "PROGRAM")],
                 goals=[_goal(9, 21, 32), _goal(8, 40, 44)],  # 9 matches gold 100; 8 matches nothing
                 relations=[Relation(5, 6, "RESPONSIBLE_FOR"), Relation(6, 9, "HAS_GOAL"),
                            Relation(5, 8, "RESPONSIBLE_FOR")])
    report = evaluate([gold], [pred]).to_dict()
    assert report["relations"]["overall"] == _prf(2, 1, 1)
    assert report["relations"]["labels"] == {"RESPONSIBLE_FOR": _prf(1, 1, 1), "HAS_GOAL": _prf(1, 0, 0)}


# --- cross-validation summary -------------------------------------------------------------------

def test_mean_reports_macro_and_micro():
    ents = [Mention(0, 0, 5, "OFFICE"), Mention(1, 7, 14, "PROGRAM")]
    perfect = evaluate([_unit(doc="a.txt", entities=ents, relations=[Relation(0, 1, "RESPONSIBLE_FOR")])],
                       [_unit(doc="a.txt", entities=ents, relations=[Relation(0, 1, "RESPONSIBLE_FOR")])])
    half = evaluate([_unit(doc="b.txt", entities=ents)], [_unit(doc="b.txt", entities=ents[:1])])
    summary = mean_reports([perfect, half])
    f_half = 2 * 1.0 * 0.5 / 1.5
    assert summary.macro["entities"] == pytest.approx((1.0 + f_half) / 2)
    assert summary.macro["entities/PROGRAM"] == pytest.approx(0.5)  # 1.0 and 0.0
    assert summary.macro["relations"] == 1.0  # the second fold has none to score: left out of the mean
    micro = summary.micro.entities.overall
    assert (micro.tp, micro.fp, micro.fn) == (3, 0, 1)
    assert (summary.micro.units, list(summary.micro.by_doc)) == (2, ["a.txt", "b.txt"])
    out = json.loads(json.dumps(summary.to_dict()))
    assert [f["docs"] for f in out["folds"]] == [["a.txt"], ["b.txt"]]
    with pytest.raises(ValueError):
        mean_reports([])

    console = Console(file=io.StringIO(), width=120)
    render(summary.micro, console, macro=summary.macro)
    table = console.file.getvalue()
    assert "mean F1" in table
    assert re.search(r"entities +│ all +│ 1\.000 │ 0\.750 │ 0\.857 │ +3 │ +0 │ +1 │ +0\.833 │", table)


# --- the command line ---------------------------------------------------------------------------

runner = CliRunner()


def test_cli_table(tmp_path, gold_units):
    gold = tmp_path / "gold.jsonl"
    write_units(gold_units, gold)
    result = runner.invoke(app, ["eval", str(gold), str(gold), "--by-doc"])
    assert result.exit_code == 0, result.output
    for word in ("entities", "PROGRAM", "goals", "relations", "HAS_GOAL", "Goal fields", "comparator",
                 gold_units[0].doc):
        assert word in result.stdout
    figures = re.findall(r"\d\.\d{3}", result.stdout)
    assert len(figures) > 20 and set(figures) == {"1.000"}


def test_cli_broken_line_exits_with_file_and_line(tmp_path, gold_units):
    gold = tmp_path / "gold.jsonl"
    write_units(gold_units[:6], gold)
    pred = tmp_path / "pred.jsonl"
    lines = gold.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"label": "', '"label": "X', 1)
    pred.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = runner.invoke(app, ["eval", str(gold), str(pred)])
    assert result.exit_code == 1
    assert f"kg eval: {pred}:3: " in result.stderr and "is not one of" in result.stderr
    assert result.stdout == ""

    result = runner.invoke(app, ["eval", str(gold), str(pred), "--skip-bad-lines", "--json"])
    assert result.exit_code == 0
    assert f"kg eval: skipped {pred}:3: " in result.stderr
    assert json.loads(result.stdout)["units"] == {"gold": 6, "missing": 1, "ignored": 0}


def test_cli_text_mismatch_and_missing_file(tmp_path, gold_units):
    gold = tmp_path / "gold.jsonl"
    pred = tmp_path / "pred.jsonl"
    write_units(gold_units[:3], gold)
    changed = copy.deepcopy(gold_units[:3])
    changed[1].text += "。"
    write_units(changed, pred)
    result = runner.invoke(app, ["eval", str(gold), str(pred)])
    assert result.exit_code == 1 and "predicted text differs" in result.stderr
    result = runner.invoke(app, ["eval", str(gold), str(tmp_path / "none.jsonl")])
    assert result.exit_code == 1 and f"{tmp_path / 'none.jsonl'}: cannot read" in result.stderr
