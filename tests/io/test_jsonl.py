"""SCHEMA section 4 JSONL: the real gold reads back exactly, and every broken line is named by file:line."""
from __future__ import annotations

import copy
import json
import re

import pytest

from conftest import GOLD, SHARED
from kg.io.jsonl import JsonlError, read_input_units, read_units, write_units
from kg.records import Unit


def test_every_gold_file_reads_whole():
    """Every *.gold.jsonl of ../shared/annotations (whatever files there are) passes the SCHEMA checks."""
    files = sorted((SHARED / "annotations").glob("*.gold.jsonl"))
    assert files
    for path in files:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        units = read_units(path)
        assert [u.to_json() for u in units] == [Unit.from_json(row).to_json() for row in rows], path


def test_a_numeric_goal_may_hide_its_number(tmp_path, gold_rows):
    """SCHEMA: comparator 'none' means no value; a numeric comparator with a hidden number (XX万元) has none too."""
    row = copy.deepcopy(next(r for r in gold_rows if r["goals"]))
    row["goals"][0].update(comparator="=", value=None)
    path = tmp_path / "hidden.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    [unit] = read_units(path)
    assert (unit.goals[0].comparator, unit.goals[0].value) == ("=", None)


def test_round_trip_is_exact_utf8_one_line_per_unit(tmp_path, gold_units):
    out = tmp_path / "sub" / "units.jsonl"
    assert write_units(gold_units, out) == len(gold_units)
    text = out.read_text(encoding="utf-8")
    assert text.count("\n") == len(gold_units) and text.endswith("\n")
    assert gold_units[0].text in text  # Chinese written as itself, not \u escapes
    assert [u.to_json() for u in read_units(out)] == [u.to_json() for u in gold_units]
    assert (out.stat().st_mode & 0o777) != 0o600  # a normal file, not the private temp file
    assert sorted(p.name for p in out.parent.iterdir()) == ["units.jsonl"]


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, gold_units):
    out = tmp_path / "units.jsonl"
    write_units(gold_units[:3], out)
    before = out.read_bytes()
    bad = copy.deepcopy(next(u for u in gold_units if u.entities))
    bad.entities[0].confidence = float("nan")  # JSON has no NaN
    with pytest.raises(ValueError):
        write_units(gold_units[:5] + [bad], out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["units.jsonl"]


@pytest.fixture(scope="module")
def base_row(gold_units) -> dict:
    """A real gold line with entities, goals, an entity-to-goal relation and an IMPLEMENTS relation."""
    for unit in gold_units:
        labels = {r.label for r in unit.relations}
        if unit.goals and {"HAS_GOAL", "IMPLEMENTS"} <= labels:
            return unit.to_json()
    pytest.fail("no gold line with goals, HAS_GOAL and IMPLEMENTS")


def _set(path: str, value):
    """A mutation setting row[a][i][b] = value for path "a.i.b"."""
    def mutate(row):
        *keys, last = [int(k) if k.isdigit() else k for k in path.split(".")]
        target = row
        for key in keys:
            target = target[key]
        target[last] = value
    return mutate


def _delete(key):
    return lambda row: row.pop(key)


def _rel(head, tail, label):
    return lambda row: row["relations"].append({"head": head(row), "tail": tail(row), "label": label})


def _overlap(row):
    first = row["entities"][0]
    row["entities"].append({"id": 999, "start": first["start"], "end": first["end"], "label": "PROGRAM"})


def _goal_id(row):
    return row["goals"][0]["id"]


def _implements_head(row):
    return next(r["head"] for r in row["relations"] if r["label"] == "IMPLEMENTS")


BROKEN = {
    "missing text": (_delete("text"), "missing key 'text'"),
    "missing doc": (_delete("doc"), "missing key 'doc'"),
    "para not an integer": (_set("para", "3"), "'para' must be an integer, got '3'"),
    "negative para": (_set("para", -1), "'para' must be >= 0"),
    "end past the text": (lambda r: r["entities"][0].update(end=len(r["text"]) + 1), "entities[0]: span"),
    "empty span": (lambda r: r["entities"][0].update(end=r["entities"][0]["start"]), "entities[0]: span"),
    "negative start": (_set("goals.0.start", -2), "goals[0]: span [-2,"),
    "unknown entity label": (_set("entities.0.label", "PERSON"), "entities[0]: label 'PERSON' is not one of"),
    "entities overlap": (_overlap, "overlap"),
    "id used twice": (lambda r: r["entities"][1].update(id=r["entities"][0]["id"]),
                      "entities[1]: id 0 is already the id of entities[0]"),
    "relation to a missing id": (_rel(lambda r: 12345, _goal_id, "HAS_GOAL"),
                                 "(HAS_GOAL): head 12345 is not the id of an entity or goal"),
    "goal as head of HAS_GOAL": (_rel(_goal_id, _goal_id, "HAS_GOAL"),
                                 "head {goal} is GOAL, must be OFFICE or PROGRAM or REGION or SCHOOL"),
    "policy as tail of DUE": (_rel(_goal_id, lambda r: next(r_["tail"] for r_ in r["relations"]
                                                            if r_["label"] == "IMPLEMENTS"), "DUE"),
                              "(DUE): tail {policy} is POLICY, must be DATE"),
    "unknown relation label": (_rel(_implements_head, _goal_id, "LOCATED_IN"), "label 'LOCATED_IN' is not one of"),
    "bad comparator": (_set("goals.0.comparator", "≥"), "goals[0]: comparator '≥' is not one of"),
    "value without comparator": (lambda r: r["goals"][0].update(comparator="none", value=5),
                                 "comparator 'none' with value 5: a non-numeric goal has no value"),
    "value as text": (lambda r: r["goals"][0].update(comparator="=", value="8"),
                      "'value' must be a number or null, got '8'"),
    "bad status": (_set("goals.0.status", "done"), "goals[0]: status 'done' is not one of planned, achieved"),
    "confidence above 1": (_set("entities.0.confidence", 1.5), "entities[0]: confidence 1.5 is outside [0, 1]"),
    "entities not a list": (_set("entities", {}), "'entities' must be a list"),
}


def _write_with_broken_line(tmp_path, gold_units, broken: bytes) -> tuple:
    """Three real gold lines, a blank line, the broken line (line 5), then one more gold line."""
    good = [json.dumps(u.to_json(), ensure_ascii=False).encode() for u in gold_units[:4]]
    path = tmp_path / "units.jsonl"
    path.write_bytes(b"\n".join(good[:3] + [b"", broken, good[3]]) + b"\n")
    return path, 5


@pytest.mark.parametrize("case", BROKEN)
def test_broken_line_names_file_and_line(tmp_path, gold_units, base_row, case):
    mutate, expected = BROKEN[case]
    row = copy.deepcopy(base_row)
    mutate(row)
    policy = next(r["tail"] for r in base_row["relations"] if r["label"] == "IMPLEMENTS")
    expected = expected.format(goal=base_row["goals"][0]["id"], policy=policy)
    path, line = _write_with_broken_line(tmp_path, gold_units, json.dumps(row, ensure_ascii=False).encode())

    with pytest.raises(JsonlError) as caught:
        read_units(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert expected in caught.value.message

    units, problems = read_units(path, strict=False)
    assert [str(p) for p in problems] == [str(caught.value)]
    assert [u.to_json() for u in units] == [u.to_json() for u in gold_units[:4]]


@pytest.mark.parametrize("raw, expected", [
    (b'{"doc": "a.txt", "para": 0,', "invalid JSON"),
    (b"[1, 2]", "a line must be a JSON object, got list"),
    ('{"doc": "a.txt", "para": 0, "text": "x"}'.encode("utf-16"), "not UTF-8"),
])
def test_unparsable_line_names_file_and_line(tmp_path, gold_units, raw, expected):
    path, line = _write_with_broken_line(tmp_path, gold_units, raw)
    with pytest.raises(JsonlError, match=rf"^{re.escape(str(path))}:{line}: .*{expected}"):
        read_units(path)


def test_repeated_paragraph_names_both_lines(tmp_path, gold_units):
    path, line = _write_with_broken_line(tmp_path, gold_units, json.dumps(gold_units[1].to_json()).encode())
    with pytest.raises(JsonlError, match=rf":{line}: paragraph {gold_units[1].para} of .* already appeared on line 2$"):
        read_units(path)


def test_unreadable_file_is_named_even_when_lenient(tmp_path):
    missing = tmp_path / "nope.jsonl"
    for strict in (True, False):
        with pytest.raises(JsonlError) as caught:
            read_units(missing, strict=strict)
        assert caught.value.line is None and str(caught.value).startswith(f"{missing}: cannot read")


def test_input_units(tmp_path, gold_rows):
    path = tmp_path / "input.jsonl"
    lines = [{"doc": "plan.txt", "para": 0, "text": "某县教育局2026年工作要点"},
             {"doc": "plan.txt", "para": 1, "text": "一、扎实办好人民满意的乡村教育"}]
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    units = read_input_units(path)
    assert [(u.doc, u.para, u.text, u.entities, u.goals, u.relations) for u in units] == [
        (x["doc"], x["para"], x["text"], [], [], []) for x in lines]

    # Annotations are not input: a gold file reads as its bare paragraphs, every line of it.
    bare = read_input_units(GOLD)
    assert [(u.doc, u.para, u.text) for u in bare] == [(r["doc"], r["para"], r["text"]) for r in gold_rows]
    assert not any(u.entities or u.goals or u.relations for u in bare)

    path.write_text(json.dumps(lines[0]) + "\n" + json.dumps({"doc": "plan.txt", "para": 1}) + "\n", encoding="utf-8")
    with pytest.raises(JsonlError, match=rf"^{re.escape(str(path))}:2: missing key 'text'$"):
        read_input_units(path)
    units, problems = read_input_units(path, strict=False)
    assert len(units) == 1 and [p.line for p in problems] == [2]
