"""`kg review` run as a user runs it, on the extraction of one seed document."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEEDS, kg_extract, run_kg
from kg.io.jsonl import read_units
from kg.schema import GOAL, MENTION_LABELS, RELATION_LABELS
from kg.io.review import least_confidence

SEED = SEEDS / "004_ee43da8c78f126af.txt"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    return kg_extract(SEED, tmp_path_factory.mktemp("review") / "extracted.jsonl")


def review(extracted: Path, out: Path, *options: str) -> Path:
    proc = run_kg("review", str(extracted), "-o", str(out), *options)
    assert proc.returncode == 0, proc.stderr
    return out


def test_schema_lines_are_the_least_confident_whole_paragraphs(extracted, tmp_path):
    units = read_units(extracted)
    reviewed = read_units(review(extracted, tmp_path / "review.jsonl", "--limit", "5"))  # reads back as SCHEMA
    lowest = [least_confidence(u) for u in reviewed]
    assert len(reviewed) == 5
    assert lowest == sorted(lowest)
    assert lowest == sorted(c for u in units if (c := least_confidence(u)) is not None)[:5]
    by_para = {u.para: u.to_json() for u in units}
    assert all(u.to_json() == by_para[u.para] for u in reviewed)  # whole lines, confidences kept


def test_every_paragraph_with_a_prediction_when_the_limit_allows(extracted, tmp_path):
    units = read_units(extracted)
    reviewed = read_units(review(extracted, tmp_path / "all.jsonl"))
    assert sorted(u.para for u in reviewed) == sorted(u.para for u in units if least_confidence(u) is not None)


def test_doccano_format(extracted, tmp_path):
    lines = (review(extracted, tmp_path / "doccano.jsonl", "--format", "doccano", "--limit", "4")
             .read_text(encoding="utf-8").splitlines())
    assert len(lines) == 4
    for line in map(json.loads, lines):
        assert set(line) == {"text", "label", "doc", "para"}
        assert line["doc"] == SEED.name and line["label"]
        for start, end, label in line["label"]:
            assert 0 <= start < end <= len(line["text"]) and label in (*MENTION_LABELS, GOAL)


def test_label_studio_tasks(extracted, tmp_path):
    tasks = json.loads(review(extracted, tmp_path / "tasks.json", "--format", "label-studio", "--limit", "10")
                       .read_text(encoding="utf-8"))
    assert len(tasks) == 10
    scores = [task["predictions"][0]["score"] for task in tasks]
    assert scores == sorted(scores)
    relations = 0
    for task in tasks:
        text = task["data"]["text"]
        assert set(task["data"]) == {"text", "doc", "para"}
        (prediction,) = task["predictions"]
        regions = {r["id"]: r for r in prediction["result"] if r["type"] == "labels"}
        assert prediction["score"] == min(r["score"] for r in prediction["result"])
        for region in regions.values():
            value = region["value"]
            assert (region["from_name"], region["to_name"]) == ("label", "text")
            assert value["text"] == text[value["start"]:value["end"]]
            assert len(value["labels"]) == 1 and value["labels"][0] in (*MENTION_LABELS, GOAL)
            assert 0 <= region["score"] <= 1
        for rel in (r for r in prediction["result"] if r["type"] == "relation"):
            relations += 1
            assert rel["from_id"] in regions and rel["to_id"] in regions
            assert rel["labels"][0] in RELATION_LABELS and rel["direction"] == "right"
    assert relations


def test_broken_input_is_named_and_nothing_is_written(tmp_path):
    bad = tmp_path / "bad.jsonl"
    good = '{"doc": "a.txt", "para": 0, "text": "县教育局年度工作要点", "entities": []}'
    bad.write_text(good + '\n{"doc": "a.txt"\n', encoding="utf-8")
    proc = run_kg("review", str(bad), "-o", str(tmp_path / "out.jsonl"))
    assert proc.returncode == 1 and f"{bad}:2" in proc.stderr
    assert not (tmp_path / "out.jsonl").exists()
    proc = run_kg("review", str(bad), "-o", str(tmp_path / "out.jsonl"), "--format", "csv")
    assert proc.returncode == 1 and "csv" in proc.stderr
