"""Documents + units → the knowledge graph (THE GRAPH MODEL of the brief, SCHEMA.md section 5).

One `networkx.MultiDiGraph` holds two layers joined by MENTIONS edges:
- the lexical layer, for provenance: Document -HAS_SECTION-> Section (the
  heading tree, rooted at the front-matter section) -HAS_SENTENCE-> Sentence;
- the fact layer: resolved entities (kg.graph.resolve), Goal and Year nodes, the five
  SCHEMA relations, and the document facts ISSUED_BY / COVERS / FOR_YEAR taken
  from the metadata.  A goal's `year` is the one source of its Goal -DUE-> Year
  edge: an extracted DUE from the goal to a date of that year lends the edge its
  evidence sentence, one to a date of another year is left out (a PROGRAM's DUE
  is an edge of its own);
- tracking, once the rest is built (kg.graph.tracking): planned Goal -REPORTED_AS->
  achieved Goal, and each planned goal's `outcome`.
Every edge has a unique string key (also its `key` attribute) and a `type`;
every extracted edge carries its evidence (doc, para, sentence id, start, end,
confidence, extractor).  No property is ever None, so the graph loads into
Neo4j and writes to GraphML as it is.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import networkx as nx

from kg.graph.resolve import Resolution, resolve
from kg.graph.tracking import add_tracking
from kg.records import Document, Relation, Unit
from kg.schema import GOAL, RELATION_TYPES, Label, RelationType, document_id, goal_id, section_id, year_id


@dataclass(frozen=True)
class _Sent:
    id: str
    start: int
    end: int


GOAL_FIELD = "goal-field"  # the extractor of a DUE edge no relation stated: the goal's own year field


def _goal_due_key(goal: str, year: str) -> str:
    return f"DUE:{goal}>{year}"


def _props(**values: Any) -> dict[str, Any]:
    """Properties as stored: None left out, enum members as their plain strings (GraphML takes no subclass)."""
    return {k: str(v) if isinstance(v, StrEnum) else v for k, v in values.items() if v is not None}


class _Builder:
    def __init__(self, documents: list[Document], units: Iterable[Unit], resolution: Resolution, extractor: str):
        self.g = nx.MultiDiGraph()
        self.documents = documents
        self.units = units
        self.res = resolution
        self.extractor = extractor
        self.sentences: dict[tuple[str, int], list[_Sent]] = defaultdict(list)
        self.skipped: Counter = Counter()

    def node(self, node: str, label: Label, **props: Any) -> None:
        self.g.add_node(node, **_props(label=label, **props))

    def edge(self, head: str, tail: str, type_: RelationType, key: str, **props: Any) -> None:
        if self.g.has_edge(head, tail, key):
            return
        self.g.add_edge(head, tail, key)
        self.g.edges[head, tail, key].update(_props(type=type_, key=key, **props))

    def year(self, value: int) -> str:
        node = year_id(value)
        if node not in self.g:
            self.node(node, Label.YEAR, value=value, name=str(value))
        return node

    # --- lexical layer -------------------------------------------------------
    def lexical(self, doc: Document) -> None:
        doc_node = document_id(doc.id)
        region = self.res.entities[self.res.covers[doc.id]].name if doc.id in self.res.covers else doc.region
        self.node(doc_node, Label.DOCUMENT, doc=doc.id, name=doc.title or doc.id, title=doc.title, office=doc.office,
                  region=region, year=doc.year, published=doc.published, kind=doc.kind, path=doc.path)
        sections = {s.id for s in doc.sections}
        for s in doc.sections:
            self.node(s.id, Label.SECTION, doc=doc.id, title=s.title, level=s.level, marker=s.marker, para=s.para)
            parent = s.parent if s.parent in sections else doc_node
            self.edge(parent, s.id, RelationType.HAS_SECTION, f"HAS_SECTION:{parent}>{s.id}", doc=doc.id)
        texts = {p.para: p.text for p in doc.paragraphs}
        for s in doc.sentences:
            self.node(s.id, Label.SENTENCE, doc=doc.id, para=s.para, start=s.start, end=s.end,
                      text=texts[s.para][s.start:s.end])
            section = s.section if s.section in sections else self.front_matter(doc)
            self.edge(section, s.id, RelationType.HAS_SENTENCE, f"HAS_SENTENCE:{section}>{s.id}", doc=doc.id)
            self.sentences[(doc.id, s.para)].append(_Sent(s.id, s.start, s.end))

    def front_matter(self, doc: Document) -> str:
        """The level-0 section for sentences outside every heading, made when a Document lacks it."""
        node = section_id(doc.id, 0)
        if node not in self.g:
            self.node(node, Label.SECTION, doc=doc.id, title=doc.title or "", level=0, marker="", para=0)
            doc_node = document_id(doc.id)
            self.edge(doc_node, node, RelationType.HAS_SECTION, f"HAS_SECTION:{doc_node}>{node}", doc=doc.id)
        return node

    def sentence_at(self, doc: str, para: int, offset: int) -> _Sent:
        spans = self.sentences.get((doc, para))
        if not spans:
            raise ValueError(f"{doc} paragraph {para}: no sentences (is the paragraph in the document?)")
        i = bisect_right(spans, offset, key=lambda s: s.start)
        return spans[i - 1] if i else spans[0]

    # --- fact layer ----------------------------------------------------------
    def entities(self) -> None:
        for e in self.res.entities.values():
            if e.label == Label.YEAR:
                self.year(int(e.name))
                continue
            self.node(e.id, e.label, name=e.name, aliases=list(e.aliases), region=e.region or None, docs=list(e.docs))

    def unit(self, unit: Unit) -> None:
        ends: dict[int, tuple[str, str, int, int]] = {}  # SCHEMA id → (node, SCHEMA label, start, end)
        for m in unit.entities:
            node = self.res.mentions.get((unit.doc, unit.para, m.id))
            if node is not None:
                ends[m.id] = (node, m.label, m.start, m.end)
                self.mention(unit, node, m.start, m.end, m.confidence)
        for goal in unit.goals:
            node = goal_id(unit.doc, unit.para, goal.start, goal.end)
            self.node(node, Label.GOAL, name=unit.text[goal.start:goal.end], metric=goal.metric,
                      comparator=goal.comparator, value=goal.value, unit=goal.unit, year=goal.year, status=goal.status,
                      doc=unit.doc, para=unit.para, confidence=goal.confidence)
            ends[goal.id] = (node, GOAL, goal.start, goal.end)
            sent = self.mention(unit, node, goal.start, goal.end, goal.confidence)
            if goal.year is not None:  # the goal's year is the one source of its DUE edge
                year = self.year(goal.year)
                self.edge(node, year, RelationType.DUE, _goal_due_key(node, year), doc=unit.doc, para=unit.para,
                          sentence=sent.id, start=sent.start, end=sent.end, confidence=goal.confidence,
                          extractor=GOAL_FIELD)
        # An id given to both an entity and a goal (broken input) cannot say which one a relation means.
        for ambiguous in {m.id for m in unit.entities} & {g.id for g in unit.goals}:
            del ends[ambiguous]
        for rel in unit.relations:
            self.relation(unit, rel, ends)

    def mention(self, unit: Unit, node: str, start: int, end: int, confidence: float) -> _Sent:
        sent = self.sentence_at(unit.doc, unit.para, start)
        self.edge(sent.id, node, RelationType.MENTIONS, f"MENTIONS:{sent.id}:{start}-{end}>{node}", doc=unit.doc,
                  para=unit.para, sentence=sent.id, start=start, end=end, confidence=confidence,
                  extractor=self.extractor)
        return sent

    def relation(self, unit: Unit, rel: Relation, ends: dict) -> None:
        if rel.head not in ends or rel.tail not in ends:
            self.skipped["unresolved end"] += 1  # a DATE without a year, or an id missing or ambiguous
            return
        (head, head_label, hs, he), (tail, tail_label, ts, te) = ends[rel.head], ends[rel.tail]
        heads, tails = RELATION_TYPES.get(rel.label, ((), ()))
        if head_label not in heads or tail_label not in tails:
            self.skipped[f"illegal {head_label}-{rel.label}->{tail_label}"] += 1
            return
        if rel.sentence:
            start, end = rel.sentence
            sent = self.sentence_at(unit.doc, unit.para, start)
        else:  # the sentence(s) holding both ends
            first, last = sorted((self.sentence_at(unit.doc, unit.para, hs),
                                  self.sentence_at(unit.doc, unit.para, ts)), key=lambda s: s.start)
            sent, start, end = first, first.start, max(last.end, he, te)
        evidence = dict(doc=unit.doc, para=unit.para, sentence=sent.id, start=start, end=end,
                        confidence=rel.confidence, extractor=self.extractor)
        if rel.label == RelationType.DUE and head_label == GOAL:
            key = _goal_due_key(head, tail)
            if not self.g.has_edge(head, tail, key):
                self.skipped["DUE to a date that is not the goal's year"] += 1
                return
            self.g.edges[head, tail, key].update(_props(**evidence))  # the sentence stating the date is the evidence
            return
        self.edge(head, tail, rel.label, f"{rel.label}:{unit.doc}#p{unit.para}:{rel.head}>{rel.tail}", **evidence)

    def document_facts(self, doc: Document) -> None:
        doc_node = document_id(doc.id)
        meta = {"doc": doc.id, "confidence": 1.0, "extractor": "metadata"}
        if doc.id in self.res.issuer:
            office = self.res.issuer[doc.id]
            self.edge(doc_node, office, RelationType.ISSUED_BY, f"ISSUED_BY:{doc_node}>{office}", **meta)
        if doc.id in self.res.covers:
            region = self.res.covers[doc.id]
            self.edge(doc_node, region, RelationType.COVERS, f"COVERS:{doc_node}>{region}", **meta)
        if doc.year is not None:
            for value in range(doc.year, max(doc.year, doc.year_end or doc.year) + 1):
                year = self.year(value)
                self.edge(doc_node, year, RelationType.FOR_YEAR, f"FOR_YEAR:{doc_node}>{year}", **meta)

    def build(self) -> nx.MultiDiGraph:
        for doc in self.documents:
            self.lexical(doc)
        for spans in self.sentences.values():
            spans.sort(key=lambda s: s.start)
        self.entities()
        for unit in self.units:
            self.unit(unit)
        for doc in self.documents:
            self.document_facts(doc)
        self.g.graph.update({f"skipped {reason}": n for reason, n in sorted(self.skipped.items())})
        return self.g


def build_graph(documents: Iterable[Document], units: Iterable[Unit], *, extractor: str = "rules",
                resolution: Resolution | None = None) -> nx.MultiDiGraph:
    """The graph of `documents` with the facts of `units` (read twice: by the resolver, then the builder);
    `extractor` names who found the facts
    ("rules", "model"; "gold" for the annotations).  Relations whose ends do not resolve or do not fit
    SCHEMA section 3 are left out and counted in `graph.graph["skipped …"]`."""
    documents = list(documents)
    if iter(units) is units:  # a one-shot iterator; a list or a kg.io.jsonl.UnitFile is read once per pass
        units = list(units)
    resolution = resolution or resolve(documents, units)
    graph = _Builder(documents, units, resolution, extractor).build()
    add_tracking(graph)
    return graph


def summary(graph: nx.MultiDiGraph) -> dict[str, Counter]:
    """Counts of nodes by label and of edges by type."""
    return {"nodes": Counter(d["label"] for _, d in graph.nodes(data=True)),
            "edges": Counter(d["type"] for *_, d in graph.edges(data=True))}
