"""Documents → Units: run the pipeline over every paragraph and read its facts off the Doc.

Each paragraph is one spaCy Doc; what the document says about the paragraph
(its year, whether it reports results, the issuing region) travels in
`doc._.context` so the components need no access to the Document.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.components.extensions import GOALS_KEY, doc_text, span_key
from kg.records import Document, Mention, Paragraph, Relation, Skipped, Unit


def paragraph_context(document: Document, paragraph: Paragraph) -> dict:
    return {
        "doc": document.id, "para": paragraph.para, "year": paragraph.year or document.year,
        "doc_year": document.year, "status": paragraph.status, "region": document.region,
        "metadata": paragraph.metadata,
    }


def paragraph_doc(nlp: Language, document: Document, paragraph: Paragraph) -> Doc:
    """The paragraph's tokens, with what its document says about it in `doc._.context`."""
    doc = nlp.make_doc(paragraph.text)
    doc._.context = paragraph_context(document, paragraph)
    return doc


def _docs(nlp: Language, documents: Iterable[Document]) -> Iterator[Doc]:
    for document in documents:
        for paragraph in document.paragraphs:
            yield paragraph_doc(nlp, document, paragraph)


def extract_units(nlp: Language, documents: Iterable[Document], *, min_confidence: float = 0.0,
                  on_unit: Callable[[Unit], None] | None = None, batch_size: int = 32) -> Iterator[Unit]:
    """One Unit per paragraph, in document and paragraph order."""
    for doc in nlp.pipe(_docs(nlp, documents), batch_size=batch_size):
        unit = doc_to_unit(doc, min_confidence=min_confidence)
        if on_unit:
            on_unit(unit)
        yield unit


def oversized(nlp: Language, document: Document) -> str | None:
    """Why the pipeline cannot take the document, or None.  spaCy refuses a text over `nlp.max_length` (E088); no
    bureau paragraph comes near (the seeds' longest is under 20,000 characters), so such a line is a dump or a
    lost line break, and the document is skipped with the reason rather than cut at guessed places."""
    for paragraph in document.paragraphs:
        if len(paragraph.text) > nlp.max_length:
            return (f"paragraph {paragraph.para} is {len(paragraph.text):,} characters long, over the pipeline's "
                    f"limit of {nlp.max_length:,} (spaCy's max_length): break it into lines")
    return None


def extract_document(nlp: Language, document: Document, *, min_confidence: float = 0.0) -> list[Unit] | Skipped:
    """The document's units in paragraph order, or a Skipped saying why it cannot be extracted."""
    reason = oversized(nlp, document)
    if reason:
        return Skipped(document.path, reason)
    return list(extract_units(nlp, [document], min_confidence=min_confidence))


def doc_to_unit(doc: Doc, *, min_confidence: float = 0.0) -> Unit:
    """Read entities, goals and relations off a processed Doc into SCHEMA ids and offsets."""
    context = doc._.context or {}
    unit = Unit(doc=context.get("doc", ""), para=context.get("para", 0), text=doc_text(doc))
    ids: dict[tuple[int, int, str], int] = {}
    for span in doc.ents:
        if span._.confidence < min_confidence:
            continue
        ids[span_key(span)] = len(unit.entities)
        unit.entities.append(Mention(len(unit.entities), span.start_char, span.end_char, span.label_,
                                     round(span._.confidence, 3)))
    goal_base = 100 if len(unit.entities) < 100 else len(unit.entities)
    for span in doc.spans.get(GOALS_KEY, []):
        if span._.confidence < min_confidence:
            continue
        gid = goal_base + len(unit.goals)
        ids[span_key(span)] = gid
        unit.goals.append(replace(span._.goal, id=gid, start=span.start_char, end=span.end_char,
                                  confidence=round(span._.confidence, 3)))
    for rel in doc._.relations or []:
        head, tail = ids.get(span_key(rel.head)), ids.get(span_key(rel.tail))
        if head is None or tail is None or rel.confidence < min_confidence:
            continue
        unit.relations.append(Relation(head, tail, rel.label, round(rel.confidence, 3),
                                       (rel.sentence.start_char, rel.sentence.end_char)))
    return unit

