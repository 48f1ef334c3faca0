"""kg review: the paragraphs whose predictions are least confident, written out for correction.

Correcting where the pipeline is unsure gains the most gold per hour of annotation.  A
paragraph goes out whole (every prediction with its confidence), since a corrected line
is gold for all of it; paragraphs come least confident first, ranked by their least
confident prediction (entity, goal or relation).  Three formats:

- `schema`: SCHEMA.md section 4 lines, as `kg extract` wrote them; corrected, they are gold
  for `kg train` and `kg eval`.
- `doccano`: JSONL for doccano's sequence labelling import, {"text", "label": [[start, end,
  LABEL], ...], "doc", "para"}, goals as the label GOAL; relations have no place in it.
- `label-studio`: a JSON list of Label Studio tasks with their predictions (regions and
  relations, each with its score) for a labelling config with `<Labels name="label"
  toName="text">` over `<Text name="text" value="$text"/>` and a `<Relations>` block.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from kg.files import write_atomic
from kg.io.jsonl import write_units
from kg.records import Unit

FORMATS = ("schema", "doccano", "label-studio")


def least_confidence(unit: Unit) -> float | None:
    """The confidence of the paragraph's least confident prediction; None when it has none."""
    return min((p.confidence for p in (*unit.entities, *unit.goals, *unit.relations)), default=None)


def least_confident(units: Iterable[Unit], limit: int) -> list[Unit]:
    """The `limit` paragraphs with the least confident predictions, least confident first
    (in input order where they tie); paragraphs without predictions are left out."""
    ranked = [(c, i, u) for i, u in enumerate(units) if (c := least_confidence(u)) is not None]
    return [u for _, _, u in sorted(ranked, key=lambda r: r[:2])[:limit]]


def doccano_line(unit: Unit) -> dict:
    spans = [[m.start, m.end, m.label] for m in unit.entities] + [[g.start, g.end, "GOAL"] for g in unit.goals]
    return {"text": unit.text, "label": sorted(spans), "doc": unit.doc, "para": unit.para}


def label_studio_task(unit: Unit) -> dict:
    """One task: the paragraph, and one prediction whose score is its least confidence (Label
    Studio sorts tasks by it) holding every region and relation with its own score."""
    regions = [(m.id, m.start, m.end, m.label, m.confidence) for m in unit.entities]
    regions += [(g.id, g.start, g.end, "GOAL", g.confidence) for g in unit.goals]
    result = [{"id": str(id_), "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": start, "end": end, "text": unit.text[start:end], "labels": [label]},
               "score": confidence}
              for id_, start, end, label, confidence in sorted(regions, key=lambda r: (r[1], r[2]))]
    result += [{"from_id": str(r.head), "to_id": str(r.tail), "type": "relation", "direction": "right",
                "labels": [r.label], "score": r.confidence} for r in unit.relations]
    return {"data": {"text": unit.text, "doc": unit.doc, "para": unit.para},
            "predictions": [{"model_version": "kg", "score": least_confidence(unit), "result": result}]}


def write_review(units: list[Unit], path: Path, fmt: str) -> int:
    """Write `units` in `fmt` (one of FORMATS); returns how many were written."""
    if fmt == "schema":
        return write_units(units, path)
    if fmt == "doccano":
        text = "".join(json.dumps(doccano_line(u), ensure_ascii=False) + "\n" for u in units)
    elif fmt == "label-studio":
        text = json.dumps([label_studio_task(u) for u in units], ensure_ascii=False, indent=1) + "\n"
    else:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    write_atomic(path, [text])
    return len(units)
