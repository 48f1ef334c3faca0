"""kg_sentences: sentence boundaries from kg.structure.split_sentences (one splitter for all)."""
from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.components.extensions import doc_text
from kg.structure import split_sentences


@Language.component("kg_sentences")
def kg_sentences(doc: Doc) -> Doc:
    starts = {start for start, _ in split_sentences(doc_text(doc))}
    flags = numpy.array([[1 if token.i == 0 or token.idx in starts else -1] for token in doc], dtype="int32")
    if len(doc):
        doc.from_array([SENT_START], flags.astype("uint64"))
    return doc
