"""kg train: fit the learned components on all the gold, and measure them on documents they
never saw.

Gold JSONL holds every line of each document, so the documents (and the year, status,
headings and region each paragraph gets from its document) are rebuilt from the gold itself.
Each paragraph becomes a spaCy `Example`: the Doc the pipeline sees, and a reference Doc
holding the gold entities, goals (with their fields) and relations; `nlp.initialize` then
fits every component on those examples (a component with no gold of its own stays rules).

The measure that counts is cross-validation grouped by document: no document is scored by a
model fitted on it, and every fold holds documents of every gold file (whole seed
documents and short passages alike).
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from kg.ingest.documents import documents_from_units
from kg.nlp.components.extensions import GOALS_KEY, MENTIONS_KEY, RelationRecord, span_key, split_tokens_at
from kg.nlp.evaluate import MeanReport, Report, evaluate, mean_reports
from kg.nlp.extract import doc_to_unit, document_docs
from kg.records import Document, Unit
from kg.schema import GOAL

LEARNING_CURVE = (0.25, 0.5, 0.75, 1.0)


@dataclass
class GoldDocument:
    document: Document
    source: str  # the gold file it came from
    units: list[Unit]
    examples: list[Example]  # one per paragraph


def reference_doc(doc: Doc, unit: Unit) -> Doc:
    """A copy of `doc` holding the gold of `unit`, tokens split at every gold boundary so each
    span keeps its exact characters: entities (of two overlapping the first kept), goals with
    their fields, and the relations as index records into the `mentions` span group."""
    ref = doc.copy()
    split_tokens_at(ref, (x for m in [*unit.entities, *unit.goals] for x in (m.start, m.end)))
    spans, ids, taken = [], {}, set()
    for m in sorted(unit.entities, key=lambda m: m.start):
        span = ref.char_span(m.start, m.end, label=m.label)
        if span is not None and taken.isdisjoint(range(span.start, span.end)):
            taken.update(range(span.start, span.end))
            spans.append(span)
            ids[m.id] = span
    ref.ents = spans
    goals = []
    for g in unit.goals:
        span = ref.char_span(g.start, g.end, label=GOAL)
        if span is not None:
            span._.goal = asdict(g)
            goals.append(span)
            ids[g.id] = span
    ref.spans[GOALS_KEY] = goals
    mentions = [*spans, *goals]
    ref.spans[MENTIONS_KEY] = mentions
    index = {span_key(s): i for i, s in enumerate(mentions)}
    ref._.relations = [RelationRecord(index[span_key(ids[r.head])], index[span_key(ids[r.tail])], r.label, 1.0,
                                      *(r.sentence or (0, 0))).as_list()
                       for r in unit.relations if r.head in ids and r.tail in ids]
    return ref


class GoldError(ValueError):
    """Gold that cannot be trained on as it is (a document in two files)."""


def gold_documents(nlp: Language, sources: dict[str, list[Unit]]) -> list[GoldDocument]:
    """The documents of each gold file, each paragraph tokenized and split into sentences.  A
    document may stand in one file only: in two, cross-validation could train on it and score it."""
    seen: dict[str, str] = {}
    for source, units in sources.items():
        for doc in dict.fromkeys(u.doc for u in units):
            if doc in seen:
                raise GoldError(f"document {doc!r} is in both {seen[doc]} and {source}: keep one of them")
            seen[doc] = source
    sentences = nlp.get_pipe("sentences")
    out = []
    for source, units in sources.items():
        for document, doc_units in documents_from_units(units):
            docs = [sentences(doc) for doc in document_docs(nlp, document)]
            out.append(GoldDocument(document, source, doc_units, [Example(doc, reference_doc(doc, unit))
                                                                  for doc, unit in zip(docs, doc_units, strict=True)]))
    return out


def fit(nlp: Language, golds: Sequence[GoldDocument]) -> None:
    """Fit every component on the gold of `golds` (no gold at all: every component is rules)."""
    examples = [eg for g in golds for eg in g.examples]
    nlp.initialize(lambda: examples)


def predict(nlp: Language, golds: Sequence[GoldDocument]) -> list[Unit]:
    """Run the pipeline over fresh copies of the gold documents' paragraphs."""
    return [doc_to_unit(doc) for doc in nlp.pipe(eg.predicted.copy() for g in golds for eg in g.examples)]


def predict_relations(nlp: Language, golds: Sequence[GoldDocument]) -> list[Unit]:
    """The relations the pipeline finds between the gold mentions of the gold documents (their entities,
    and their goals with the gold fields): what its relation step scores when every mention is right."""
    relations = nlp.get_pipe("relations")
    return [doc_to_unit(relations(eg.reference.copy())) for g in golds for eg in g.examples]


def folds(golds: Sequence[GoldDocument], k: int, seed: int = 0) -> list[list[GoldDocument]]:
    """`k` groups of whole documents; each gold file's documents are shuffled and dealt in turn,
    so that every fold holds documents of every file (when a file has k or more)."""
    out: list[list[GoldDocument]] = [[] for _ in range(k)]
    turn = 0
    rng = random.Random(seed)
    for source in sorted({g.source for g in golds}):
        docs = [g for g in golds if g.source == source]
        rng.shuffle(docs)
        for g in docs:
            out[turn % k].append(g)
            turn += 1
    return [f for f in out if f]


@dataclass
class CrossValidation:
    """What `cross_validate` measured: for each approach the fold reports and their summary,
    by gold file too; the learned relation step on the gold mentions (how much of the relation
    error is the mentions'); the learning curve (fraction of training documents → pooled report); and the
    learned pipeline's headline figures on the folds dealt with each seed (how much the dealing alone moves
    them)."""

    k: int
    approaches: dict[str, MeanReport]
    by_source: dict[str, dict[str, Report]]  # approach → gold file → pooled report
    gold_mentions: MeanReport  # the learned relations between the gold entities and goals
    curve: dict[float, Report] = field(default_factory=dict)
    by_seed: dict[int, dict[str, float | None]] = field(default_factory=dict)  # fold seed → Report.scores()

    def to_dict(self) -> dict:
        return {"k": self.k,
                "approaches": {name: mean.to_dict() for name, mean in self.approaches.items()},
                "by_source": {name: {src: r.to_dict(by_doc=False) for src, r in sources.items()}
                              for name, sources in self.by_source.items()},
                "relations_on_gold_mentions": self.gold_mentions.micro.to_dict(by_doc=False)["relations"],
                "learning_curve": {str(frac): report.scores() for frac, report in self.curve.items()},
                "by_seed": {str(seed): scores for seed, scores in self.by_seed.items()}}


def cross_validate(nlp: Language, golds: Sequence[GoldDocument], k: int = 5, *, seed: int = 0, seeds: int = 1,
                   curve: Sequence[float] = (), on_step: Callable[[str], None] | None = None) -> CrossValidation:
    """Grouped k-fold cross-validation of the trained pipeline ("learned") and of the rules alone
    ("rules"), and of the learned relation step alone, on the gold mentions; with `curve`, the learned
    pipeline also fitted on those fractions of each fold's training documents (a learning curve); with
    `seeds` > 1, the learned pipeline also on the folds dealt with seeds seed + 1 … seed + seeds − 1."""
    parts = folds(golds, k, seed)
    reports: dict[str, list[Report]] = {"learned": [], "rules": []}
    gold_mentions: list[Report] = []
    curve_reports: dict[float, list[Report]] = {frac: [] for frac in curve if frac < 1}
    for i, held, train in _splits(parts):
        gold = [u for g in held for u in g.units]
        for frac in sorted(curve_reports):
            subset = random.Random(seed + i).sample(train, max(1, round(frac * len(train))))
            fit(nlp, subset)
            curve_reports[frac].append(evaluate(gold, predict(nlp, held)))
            _step(on_step, f"fold {i + 1}/{len(parts)}: {frac:.0%} of the training documents")
        fit(nlp, train)
        reports["learned"].append(evaluate(gold, predict(nlp, held)))
        gold_mentions.append(evaluate(gold, predict_relations(nlp, held)))
        fit(nlp, [])
        reports["rules"].append(evaluate(gold, predict(nlp, held)))
        _step(on_step, f"fold {i + 1}/{len(parts)}")
    source_of = {g.document.id: g.source for g in golds}
    by_source = {name: _by_source(folds_, source_of) for name, folds_ in reports.items()}
    out = CrossValidation(len(parts), {name: mean_reports(r) for name, r in reports.items()}, by_source,
                          mean_reports(gold_mentions))
    if curve:
        out.curve = {frac: sum(r, Report()) for frac, r in curve_reports.items()}
        if 1.0 in curve:
            out.curve[1.0] = out.approaches["learned"].micro
        out.curve = dict(sorted(out.curve.items()))
    out.by_seed[seed] = out.approaches["learned"].micro.scores()
    for other in range(seed + 1, seed + seeds):
        learned, dealt = Report(), folds(golds, k, other)
        for i, held, train in _splits(dealt):
            fit(nlp, train)
            learned = learned + evaluate([u for g in held for u in g.units], predict(nlp, held))
            _step(on_step, f"fold seed {other}: fold {i + 1}/{len(dealt)}")
        out.by_seed[other] = learned.scores()
    return out


def _splits(parts: list[list[GoldDocument]]) -> Iterator[tuple[int, list[GoldDocument], list[GoldDocument]]]:
    """Each fold's index, its held-out documents and the documents of every other fold."""
    for i, held in enumerate(parts):
        yield i, held, [g for j, part in enumerate(parts) if j != i for g in part]


def _step(on_step: Callable[[str], None] | None, what: str) -> None:
    if on_step:
        on_step(what)


def _by_source(reports: list[Report], source_of: dict[str, str]) -> dict[str, Report]:
    out: dict[str, Report] = {}
    for report in reports:
        for doc, r in report.by_doc.items():
            source = source_of[doc]
            out[source] = out[source] + r if source in out else r
    return out
