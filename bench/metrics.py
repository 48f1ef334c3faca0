"""Goal metrics on the gold's own goal spans: character-overlap F and exact match of `metric_name`
against the gold `metric`, so that span errors do not enter.

The rules of kg.zh.metrics were written by reading the study part of the training gold only; the
held-out part (every second document after t060, sorted by name: 38 documents) was not read, so its
figures are the ones that say how the rules carry to unseen text.  The seed gold's metrics are the
documents' own words (SCHEMA.md), so there a normalised metric is expected to score lower on exact
match.  Each gold goal gives the quantity its value and unit were read from, and the rank it states.

    .venv/bin/python bench/metrics.py [--json]
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from pathlib import Path

from kg.io.jsonl import read_units
from kg.zh.metrics import metric_name, overlap_f
from kg.zh import fold_width
from kg.zh.numbers import Quantity, find_quantities

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "annotations"
_RANK = re.compile(r"前\s*\d+\s*[名位]?|第\s*[\d一二三四五六七八九十]+\s*[名位]?|冠军|金奖|最高|最多|最佳")


def held_out(docs: list[str]) -> set[str]:
    """The training documents whose gold the rules were not written from."""
    late = sorted(d for d in set(docs) if d > "t060.txt")
    return set(late[1::2])


def gold_quantity(text: str, start: int, end: int, value, unit) -> Quantity | None:
    found = [replace(q, start=q.start + start, end=q.end + start) for q in find_quantities(text[start:end])]
    for q in found:
        if q.unit == unit and value is not None and abs(q.value - value) < 1e-6:
            return q
    return next((q for q in found if q.unit == unit), found[-1] if found else None)


def predict(text: str, goal, metric=metric_name) -> str:
    text = fold_width(text)
    if goal.comparator == "rank<=":
        m = _RANK.search(text, goal.start, goal.end)
        if m:
            return metric(text, goal.start, goal.end, None, (m.start(), m.end()))
        return metric(text, goal.start, goal.end, None, None)
    q = None if goal.comparator == "none" else gold_quantity(text, goal.start, goal.end, goal.value, goal.unit)
    return metric(text, goal.start, goal.end, q, None)


def score(units, keep=lambda doc: True, metric=metric_name) -> dict:
    pairs = [(predict(u.text, g, metric), g.metric or "") for u in units if keep(u.doc) for g in u.goals]
    n = len(pairs)
    return {"goals": n, "overlap_f": sum(overlap_f(p, g) for p, g in pairs) / n if n else None,
            "exact": sum(p == g for p, g in pairs) / n if n else None}


def report(metric=metric_name) -> dict:
    seeds = read_units(SHARED / "seeds.gold.jsonl")
    train = read_units(SHARED / "train.gold.jsonl")
    held = held_out([u.doc for u in train if u.goals])
    return {"seeds": score(seeds, metric=metric),
            "train/study": score(train, lambda d: d not in held, metric),
            "train/held-out": score(train, lambda d: d in held, metric),
            "train/all": score(train, metric=metric)}


if __name__ == "__main__":
    out = report()
    if "--json" in sys.argv:
        print(json.dumps(out, indent=2))
    else:
        for name, s in out.items():
            print(f"{name:16} goals {s['goals']:4}  overlap F {s['overlap_f']:.3f}  exact {s['exact']:.3f}")
