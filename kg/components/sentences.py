"""kg_sentences: sentence boundaries from kg.structure.split_sentences (one splitter for all)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.structure import split_sentences


@Language.component("kg_sentences")
def kg_sentences(doc: Doc) -> Doc:
    starts = {start for start, _ in split_sentences(doc.text)}
    for token in doc:
        token.is_sent_start = token.i == 0 or token.idx in starts
    return doc
