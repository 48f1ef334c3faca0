"""kg_sentences: sentence boundaries from kg.ingest.structure.split_sentences (one splitter for all)."""
from __future__ import annotations

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.ingest.structure import split_sentences
from kg.nlp.components.extensions import model_text


@Language.component("kg_sentences")
def kg_sentences(doc: Doc) -> Doc:
    if len(doc):
        starts = doc.to_array([IDX])
        at_start = numpy.isin(starts, [start for start, _ in split_sentences(model_text(doc))])
        at_start[0] = True
        doc.from_array([SENT_START], numpy.where(at_start, 1, -1).astype("uint64").reshape(-1, 1))
    return doc
