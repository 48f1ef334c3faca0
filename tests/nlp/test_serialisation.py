"""A processed Doc is plain data: it round-trips through Doc.to_bytes and DocBin, and the pipeline runs in
worker processes (nlp.pipe(n_process=2)) with the same result (issue 13: all three failed before)."""
from __future__ import annotations

import json

import pytest
from spacy.tokens import Doc, DocBin

from kg.nlp.components.extensions import GOALS_KEY, relations
from kg.nlp.extract import document_docs
from kg.nlp.pipeline import load


def facts(doc: Doc) -> str:
    """What the pipeline put on the Doc, as JSON (msgpack gives back tuples for lists)."""
    return json.dumps([[(e.start_char, e.end_char, e.label_, e._.confidence) for e in doc.ents],
                       [(g.start_char, g.end_char, g._.goal, g._.confidence) for g in doc.spans[GOALS_KEY]],
                       [(h.start_char, t.start_char, r.label, r.confidence) for h, t, r in relations(doc)],
                       doc._.context], ensure_ascii=False)


@pytest.fixture(scope="module")
def shipped():
    return load()


@pytest.fixture(scope="module")
def paragraphs(shipped, seed_documents):
    return [doc for document in seed_documents[:2] for doc in document_docs(shipped, document)][:60]


def test_processed_docs_round_trip_through_bytes_and_docbin(shipped, paragraphs):
    docs = list(shipped.pipe(doc.copy() for doc in paragraphs))
    assert sum(len(d._.relations) for d in docs) > 10 and sum(len(d.spans[GOALS_KEY]) for d in docs) > 5
    assert [facts(Doc(shipped.vocab).from_bytes(d.to_bytes())) for d in docs] == [facts(d) for d in docs]
    stored = DocBin(store_user_data=True, docs=docs).to_bytes()
    assert [facts(d) for d in DocBin().from_bytes(stored).get_docs(shipped.vocab)] == [facts(d) for d in docs]


def test_worker_processes_give_the_same_facts(shipped, paragraphs):
    one = [facts(d) for d in shipped.pipe(doc.copy() for doc in paragraphs)]
    two = [facts(d) for d in shipped.pipe((doc.copy() for doc in paragraphs), n_process=2, batch_size=8)]
    assert two == one
