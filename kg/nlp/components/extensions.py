"""Custom attributes the kg components read and write on spaCy objects.

- `doc._.context`: what the paragraph's document says about it, set by
  `kg.nlp.extract` before the pipeline runs: {"doc", "para", "year" (the year
  that frames the paragraph), "doc_year", "status" ("planned"|"achieved"),
  "region", "metadata"}.
- `doc.ents`: entity mentions (SCHEMA.md section 1 labels).
- `doc.spans["goals"]`: goal spans (label "GOAL"); `span._.goal` holds the
  `kg.records.Goal` the goal component found (its metric, comparator, value,
  unit, year, status); extraction gives it the span's offsets and an id.
- `span._.confidence`: confidence of an entity or goal span, 0..1.
- `doc._.relations`: list of `SpanRelation` between entity/goal spans.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

GOALS_KEY = "goals"


@dataclass
class SpanRelation:
    head: Span
    tail: Span
    label: str
    confidence: float
    sentence: Span  # the sentence the relation rests on


def span_key(span: Span) -> tuple[int, int, str]:
    """What identifies a mention or goal across components: its character offsets and label."""
    return span.start_char, span.end_char, span.label_


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once: spaCy rebuilds it from the tokens on every access, and every
    component reads it (the text of a Doc never changes after tokenization)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


_TEXT_KEY = "kg.text"


def _register() -> None:
    if not Doc.has_extension("context"):
        Doc.set_extension("context", default=None)
    if not Doc.has_extension("relations"):
        Doc.set_extension("relations", default=None)
    if not Span.has_extension("confidence"):
        Span.set_extension("confidence", default=1.0)
    if not Span.has_extension("goal"):
        Span.set_extension("goal", default=None)


_register()
