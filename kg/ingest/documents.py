"""Documents from numbered paragraph lines: the one place metadata and structure are applied.

Files (kg.ingest.read) and JSONL units {"doc", "para", "text"} (extraction input, gold) both
become Documents here, so a paragraph gets the same year, status and section either way.
"""
from __future__ import annotations

from collections.abc import Iterable

from kg.ingest.metadata import apply_metadata
from kg.ingest.structure import apply_structure
from kg.records import Document, Paragraph, Unit


def document_from_lines(doc_id: str, lines: list[tuple[int, str]]) -> Document:
    """A Document from already numbered paragraph lines (units {"doc", "para", "text"} of a JSONL)."""
    return make_document(doc_id, doc_id, sorted(lines))


def documents_from_units(units: Iterable[Unit]) -> list[tuple[Document, list[Unit]]]:
    """Documents from units {"doc", "para", "text"} (a JSONL of input units, or gold), each with
    its units in paragraph order, as its Document holds its paragraphs."""
    by_doc: dict[str, list[Unit]] = {}
    for unit in units:
        by_doc.setdefault(unit.doc, []).append(unit)
    out = []
    for doc_id, doc_units in by_doc.items():
        doc_units.sort(key=lambda u: u.para)
        out.append((document_from_lines(doc_id, [(u.para, u.text) for u in doc_units]), doc_units))
    return out


def make_document(doc_id: str, path: str, lines: list[tuple[int, str]]) -> Document:
    """A Document of numbered paragraph lines with its metadata and structure filled in."""
    document = Document(doc_id, path, [Paragraph(doc_id, para, text) for para, text in lines])
    apply_metadata(document)
    apply_structure(document)
    return document
