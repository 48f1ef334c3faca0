"""A linear-chain CRF over the characters of a paragraph (python-crfsuite), and BIOES spans.

Chinese names have no spaces and the segmenter cuts inside them, so the learned taggers
label characters; what the rules, the segmenter and the lexicons know comes in as features
(kg.nlp.components.char_features).  The model is crfsuite's own binary file, kept as bytes so a
component pickles, serialises with the pipeline and loads without a temporary file.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pycrfsuite

from kg.nlp.components.char_features import Features

OUTSIDE = "O"


@dataclass(frozen=True)
class TaggedSpan:
    start: int
    end: int  # exclusive
    label: str
    confidence: float


def bioes(length: int, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """Tags of `length` characters; of overlapping spans the first one given wins."""
    tags = [OUTSIDE] * length
    for start, end, label in spans:
        if start >= end or any(t != OUTSIDE for t in tags[start:end]):
            continue
        if end - start == 1:
            tags[start] = f"S-{label}"
            continue
        tags[start], tags[end - 1] = f"B-{label}", f"E-{label}"
        for i in range(start + 1, end - 1):
            tags[i] = f"I-{label}"
    return tags


def spans_of(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Spans of a tag sequence; a run that breaks the BIOES grammar (I without B) still counts
    from its first tagged character, so no predicted character is lost."""
    out, start, label = [], None, None
    for i, tag in enumerate([*tags, OUTSIDE]):
        kind, _, name = tag.partition("-")
        if start is not None and (kind in ("O", "B", "S") or name != label):
            out.append((start, i, label))
            start = label = None
        if kind == "S":
            out.append((i, i + 1, name))
        elif kind == "B" or (kind in ("I", "E") and start is None):
            start, label = i, name
        if kind == "E" and start is not None:
            out.append((start, i + 1, label))
            start = label = None
    return out


class SequenceModel:
    """Fit and apply a CRF; untrained, it tags nothing (`trained` is False)."""

    def __init__(self, c1: float = 0.05, c2: float = 0.05, max_iterations: int = 150):
        self.params = {"c1": c1, "c2": c2, "max_iterations": max_iterations,
                       "feature.possible_transitions": True}
        self.model: bytes = b""
        self._tagger: pycrfsuite.Tagger | None = None

    @property
    def trained(self) -> bool:
        return bool(self.model)

    def fit(self, sequences: Iterable[tuple[list[Features], list[str]]]) -> "SequenceModel":
        trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
        trainer.set_params(self.params)
        for features, tags in sequences:
            trainer.append(features, tags)
        fd, path = tempfile.mkstemp(suffix=".crfsuite")
        os.close(fd)
        try:
            trainer.train(path)
            with open(path, "rb") as fh:
                self.from_bytes(fh.read())
        finally:
            os.unlink(path)
        return self

    def tag(self, features: list[Features]) -> list[TaggedSpan]:
        """The most probable spans; each one's confidence is the marginal probability of its
        first and last tags (the lower of the two)."""
        if not features or not self.trained:
            return []
        tagger = self._open()
        tagger.set(features)
        tags = tagger.tag()
        out = []
        for start, end, label in spans_of(tags):
            confidence = min(tagger.marginal(tags[start], start), tagger.marginal(tags[end - 1], end - 1))
            out.append(TaggedSpan(start, end, label, round(confidence, 3)))
        return out

    def _open(self) -> pycrfsuite.Tagger:
        if self._tagger is None:
            self._tagger = pycrfsuite.Tagger()
            self._tagger.open_inmemory(self.model)
        return self._tagger

    def to_bytes(self) -> bytes:
        return self.model

    def from_bytes(self, data: bytes) -> "SequenceModel":
        self.model, self._tagger = data, None
        return self

    def __getstate__(self) -> dict:
        return {"params": self.params, "model": self.model}

    def __setstate__(self, state: dict) -> None:
        self.params, self.model, self._tagger = state["params"], state["model"], None
