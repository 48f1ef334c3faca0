"""What the kg components read and write on spaCy objects.

- `doc._.context`: what the paragraph's document says about it, set by `kg.nlp.extract` before
  the pipeline runs (see `kg.nlp.extract.paragraph_context`).
- `doc.ents`: entity mentions (SCHEMA.md section 1 labels).
- `doc.spans["goals"]`: goal spans (label "GOAL"); `span._.goal` holds the `kg.records.Goal` the
  goal component found, as a dict (its metric, comparator, value, unit, year, status);
  extraction reads it back, with the span's offsets and an id.
- `span._.confidence`: confidence of an entity or goal span, 0..1.
- `doc.spans["mentions"]`: the entities then the goals, the span group relations point into;
  `doc._.relations`: one `RelationRecord` (as a list) per relation.

Everything stored is plain data (numbers, strings, lists, dicts), so a processed Doc
serialises (`Doc.to_bytes`, `DocBin`) and crosses processes (`nlp.pipe(n_process=…)`).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from functools import lru_cache

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc, Span

from kg.zh import fold_width

GOALS_KEY = "goals"
MENTIONS_KEY = "mentions"


@dataclass(frozen=True)
class RelationRecord:
    """A relation between two spans of `doc.spans["mentions"]`, by index, with the sentence
    (character offsets) it rests on."""

    head: int
    tail: int
    label: str
    confidence: float
    sentence_start: int
    sentence_end: int

    def as_list(self) -> list:
        return [*astuple(self)[:2], str(self.label), *astuple(self)[3:]]


def relations(doc: Doc) -> list[tuple[Span, Span, RelationRecord]]:
    """The Doc's relations with their head and tail spans."""
    mentions = doc.spans[MENTIONS_KEY] if MENTIONS_KEY in doc.spans else []
    out = []
    for item in doc._.relations or []:
        record = RelationRecord(*item)
        out.append((mentions[record.head], mentions[record.tail], record))
    return out


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


def model_text(doc: Doc) -> str:
    """The text the rules and the taggers read: `doc_text` with full-width forms folded to ASCII
    (`fold_width`) and straight double quotes paired as “…”, one character for one, so a document
    reads the same with ，（）"十四五" as with ,()“十四五”."""
    return _folded(doc_text(doc))


@lru_cache(maxsize=16)
def _folded(text: str) -> str:
    """Made once per paragraph: every component asks."""
    text = fold_width(text)
    if '"' not in text:
        return text
    parts = text.split('"')
    if len(parts) % 2 == 0:
        return text  # an odd number of quote marks: no telling which opens
    return "".join(part + ("“" if k % 2 == 0 else "”") for k, part in enumerate(parts[:-1])) + parts[-1]


def token_offsets(doc: Doc) -> list[list[int]]:
    """Each token's [start, length] in characters, read from the Doc's arrays (iterating a Doc's
    Token objects costs more than all the rules)."""
    return doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []


def split_tokens_at(doc: Doc, offsets: Iterable[int]) -> None:
    """Split the tokens that character offsets fall inside, so that spans learned on characters
    keep their exact boundaries on the Doc (pkuseg sometimes glues a name to the word before)."""
    starts = doc.to_array(IDX).tolist() if len(doc) else []
    cuts: dict[int, set[int]] = {}
    for offset in offsets:
        i = bisect_right(starts, offset) - 1
        if i >= 0 and starts[i] < offset < starts[i] + len(doc[i].text):
            cuts.setdefault(i, set()).add(offset - starts[i])
    if not cuts:
        return
    with doc.retokenize() as retokenizer:
        for i, inner in cuts.items():
            token = doc[i]
            points = [0, *sorted(inner), len(token.text)]
            orths = [token.text[a:b] for a, b in zip(points, points[1:])]
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))


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
