"""Documents → Units: run the pipeline over every paragraph and read its facts off the Doc.

Each paragraph is one spaCy Doc; what the document says about the paragraph
(its year, whether it reports results, the issuing region) travels in
`doc._.context` so the components need no access to the Document.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from kg.ingest.structure import CAPTION_LEVEL
from kg.nlp.components.extensions import GOALS_KEY, doc_text, relations, span_key
from kg.nlp.components.goal_context import cue_counts
from kg.records import Document, Goal, Mention, Paragraph, Relation, Skipped, Unit
from kg.zh.dates import RELATIVE, find_dates


def document_context(document: Document) -> dict:
    """What every paragraph of a document shares: its title, kind, years (the one it is for,
    the end of a multi-year plan, the publication date), the years its text writes, with how
    often (a goal with no date of its own is most often due in one of those), and how much its
    words lean to reporting results or to planning (kg.nlp.components.goal_context)."""
    written = Counter(d.year for p in document.paragraphs for d in find_dates(p.text)
                      if d.year and d.kind != RELATIVE)
    return {"doc": document.id, "doc_year": document.year, "year_end": document.year_end,
            "published": document.published, "region": document.region, "title": document.title,
            "kind": document.kind, "years": sorted([year, n] for year, n in written.items()),
            "cues": cue_counts(p.text for p in document.paragraphs)}


def paragraph_context(document: Document, paragraph: Paragraph, shared: dict) -> dict:
    """`doc._.context` of a paragraph: its document's context (`shared`, from `document_context`),
    the year that frames it, whether it reports results, the numbered headings above it (innermost
    first) and the caption it stands under (kg.ingest.structure: the year scorer reads both, the
    status classifier the numbered outline), and where it stands."""
    sections = {s.id: s for s in document.sections}
    headings, captions, section = [], [], sections.get(paragraph.section)
    while section is not None and section.level > 0:
        (captions if section.level == CAPTION_LEVEL else headings).append(section.title)
        section = sections.get(section.parent) if section.parent else None
    return {**shared, "para": paragraph.para,
            "year": paragraph.year or document.year, "status": paragraph.status, "metadata": paragraph.metadata,
            "headings": headings, "captions": captions,
            "position": round(paragraph.para / max(len(document.paragraphs), 1), 3)}


def document_docs(nlp: Language, document: Document) -> list[Doc]:
    """One Doc per paragraph of a document, in order, with what its document says about it in
    `doc._.context`."""
    shared = document_context(document)
    docs = []
    for paragraph in document.paragraphs:
        doc = nlp.make_doc(paragraph.text)
        doc._.context = paragraph_context(document, paragraph, shared)
        docs.append(doc)
    return docs


def _docs(nlp: Language, documents: Iterable[Document]) -> Iterator[Doc]:
    for document in documents:
        yield from document_docs(nlp, document)


def extract_units(nlp: Language, documents: Iterable[Document], *, min_confidence: float = 0.0,
                  batch_size: int = 32) -> Iterator[Unit]:
    """One Unit per paragraph, in document and paragraph order."""
    for doc in nlp.pipe(_docs(nlp, documents), batch_size=batch_size):
        yield doc_to_unit(doc, min_confidence=min_confidence)


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
        unit.goals.append(Goal(**{**span._.goal, "id": gid, "start": span.start_char, "end": span.end_char,
                                   "confidence": round(span._.confidence, 3)}))
    for head_span, tail_span, rel in relations(doc):
        head, tail = ids.get(span_key(head_span)), ids.get(span_key(tail_span))
        if head is None or tail is None or rel.confidence < min_confidence:
            continue
        unit.relations.append(Relation(head, tail, rel.label, rel.confidence, (rel.sentence_start, rel.sentence_end)))
    return unit

