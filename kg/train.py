"""kg train: fit the learned parts of the pipeline on gold, and measure them on unseen documents.

The rules propose (entity spans, relation pairs); classifiers learned here decide.  Gold
JSONL holds every line of each document, so the documents (and the year, status and region
each paragraph gets from its document) are rebuilt from the gold itself.  The measure that
counts is leave-one-document-out: fit on all documents but one, score the one left out.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.components.entities import find_candidates
from kg.evaluate import MeanReport, Report, evaluate, mean_reports
from kg.extract import extract_units, paragraph_context
from kg.ingest import document_from_lines
from kg.records import Document, Unit

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


@dataclass
class GoldDocument:
    document: Document
    units: list[Unit]
    docs: list[Doc]  # one per paragraph: text, context and sentences, ready for the components


def gold_documents(nlp: Language, units: list[Unit]) -> list[GoldDocument]:
    by_doc: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_doc[unit.doc].append(unit)
    out = []
    for doc_id, doc_units in by_doc.items():
        document = document_from_lines(doc_id, [(u.para, u.text) for u in doc_units])
        docs = []
        for paragraph in document.paragraphs:
            doc = nlp.make_doc(paragraph.text)
            doc._.context = paragraph_context(document, paragraph)
            docs.append(nlp.get_pipe("sentences")(doc))
        out.append(GoldDocument(document, doc_units, docs))
    return out


def _entity_examples(golds: list[GoldDocument]):
    return [(doc, {(e.start, e.end, e.label) for e in unit.entities})
            for g in golds for doc, unit in zip(g.docs, g.units)]


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fit_entities(nlp: Language, golds: list[GoldDocument], *, seed: int = 0) -> float:
    """Fit the entity ranker; its threshold is chosen by cross-validation inside `golds`."""
    ents = nlp.get_pipe("entities")
    counts = {t: [0, 0, 0] for t in THRESHOLDS}
    if len(golds) > 1:
        for held in golds:
            ents.fit_ranker(_entity_examples([g for g in golds if g is not held]), seed=seed)
            for doc, gold in _entity_examples([held]):
                scored = ents.score(doc, find_candidates(doc, ents.vocab))
                for threshold in THRESHOLDS:
                    pred = {(c.start, c.end, c.label) for c in ents.choose(scored, threshold)}
                    c = counts[threshold]
                    c[0] += len(pred & gold)
                    c[1] += len(pred - gold)
                    c[2] += len(gold - pred)
    best = max(THRESHOLDS, key=lambda t: (_f1(*counts[t]), -abs(t - 0.5))) if len(golds) > 1 else 0.5
    ents.fit_ranker(_entity_examples(golds), seed=seed)
    ents.ranker.threshold = best
    return best


def fit(nlp: Language, golds: list[GoldDocument], *, seed: int = 0) -> dict[str, float]:
    """Fit every learned component of `nlp` on `golds`; returns the chosen settings."""
    settings = {"entity_threshold": fit_entities(nlp, golds, seed=seed)}
    relations = nlp.get_pipe("relations")
    if hasattr(relations, "fit"):
        relations.fit([(doc, unit) for g in golds for doc, unit in zip(g.docs, g.units)], seed=seed)
    return settings


@dataclass
class Fold:
    doc: str
    report: Report
    settings: dict[str, float]


def leave_one_out(nlp: Language, units: list[Unit], *, seed: int = 0,
                  on_fold: Callable[[Fold], None] | None = None) -> tuple[list[Fold], MeanReport]:
    """For each document: fit on the others, extract the held-out one, score it against its gold."""
    golds = gold_documents(nlp, units)
    folds = []
    for held in golds:
        settings = fit(nlp, [g for g in golds if g is not held], seed=seed)
        predicted = list(extract_units(nlp, [held.document]))
        fold = Fold(held.document.id, evaluate(held.units, predicted), settings)
        folds.append(fold)
        if on_fold:
            on_fold(fold)
    return folds, mean_reports([f.report for f in folds])


def train(nlp: Language, units: list[Unit], output: Path, *, seed: int = 0) -> dict[str, float]:
    """Fit on all gold and save the pipeline (without the pkuseg model) to `output`."""
    from kg.pipeline import save

    settings = fit(nlp, gold_documents(nlp, units), seed=seed)
    save(nlp, output)
    return settings
