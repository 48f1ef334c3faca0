"""`kg track-eval` end to end: the tracking gold folder through the shipped pipeline, and its errors."""
from __future__ import annotations

import json
import shutil

from conftest import TRACKING, run_kg


def test_track_eval_prints_link_figures():
    run = run_kg("track-eval", str(TRACKING), "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["links"]["p"] >= 0.9 and report["links"]["r"] >= 0.8
    assert report["goals"]["planned"] >= 40
    table = run_kg("track-eval", str(TRACKING))
    assert table.returncode == 0 and "Plan → result links" in table.stdout


def test_a_gold_goal_that_is_not_in_its_document_is_a_one_line_error(tmp_path):
    shutil.copytree(TRACKING, tmp_path / "gold")
    gold = tmp_path / "gold" / "gold.jsonl"
    line = json.loads(gold.read_text(encoding="utf-8").splitlines()[0])
    line["planned"]["goal"] = "新建天文台9座"
    gold.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    run = run_kg("track-eval", str(tmp_path / "gold"))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip() == "kg track-eval: yanxi_2024_points.txt: '新建天文台9座' occurs 0 times; the gold needs it once"
