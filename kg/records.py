"""Typed records that cross module boundaries.

Data flows one way: text (Document/Paragraph) → spaCy Doc → Unit (mentions,
goals, relations in SCHEMA.md section 4 form) → graph → Neo4j.  Offsets are
always character offsets into the paragraph text, end exclusive.  Labels, relation
types and ids are kg.schema's.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

@dataclass
class Section:
    """A heading of the 一、/(一)/1./(1)/一是 hierarchy; `parent` makes the tree."""

    id: str  # kg.schema.section_id(doc, n): n = 0 for the front matter, then 1, 2, … in reading order
    doc: str
    para: int  # paragraph where the heading stands
    start: int  # heading offsets inside that paragraph
    end: int
    level: int  # 0 = front matter, 1 = 一、, 2 = (一), 3 = 1., 4 = (1), 5 = 一是
    marker: str  # the marker as written, e.g. "一、"
    title: str
    parent: str | None = None


@dataclass
class Sentence:
    id: str  # kg.schema.sentence_id(doc, para, n)
    doc: str
    para: int
    start: int
    end: int
    section: str | None = None  # innermost Section id


@dataclass
class Paragraph:
    doc: str
    para: int  # SCHEMA.md section 4 numbering: non-empty lines from 0
    text: str
    section: str | None = None  # innermost Section id in force at its start
    year: int | None = None  # the year that frames it: a dated heading above it, else the document's
    status: str = "planned"  # "achieved" inside a summary (工作总结) document or section
    metadata: bool = False  # a website line (title, 来源, 发布时间, 索引号…), not body text


@dataclass(frozen=True)
class Skipped:
    """An input that was not read or not extracted, and why (named in the command's output, report and manifest)."""

    path: str
    reason: str


@dataclass
class Document:
    """One source file with the metadata the website printed around the text."""

    id: str  # path relative to the input root (file name for a single file)
    path: str
    paragraphs: list[Paragraph]
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    title: str | None = None
    office: str | None = None  # issuing office (发布机构/来源 or from the title)
    region: str | None = None
    year: int | None = None  # the year the plan or summary is for (a range's first year)
    year_end: int | None = None  # last year of a multi-year plan (2021—2025 → 2025)
    published: str | None = None  # 发布时间/发文日期, ISO date
    index_no: str | None = None  # 索引号
    kind: str | None = None  # plan | summary | action_plan


@dataclass
class Mention:
    id: int
    start: int
    end: int
    label: str
    confidence: float = 1.0


@dataclass
class Goal:
    id: int
    start: int
    end: int
    metric: str | None
    comparator: str
    value: float | int | None
    unit: str | None
    year: int | None
    status: str  # planned | achieved
    confidence: float = 1.0


@dataclass
class Relation:
    head: int
    tail: int
    label: str
    confidence: float = 1.0
    sentence: tuple[int, int] | None = None  # evidence: sentence offsets in the paragraph


@dataclass
class Unit:
    """One paragraph with its extracted facts: a line of SCHEMA.md section 4."""

    doc: str
    para: int
    text: str
    entities: list[Mention] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for rel in out["relations"]:
            if rel["sentence"] is not None:
                rel["sentence"] = list(rel["sentence"])
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "Unit":
        rels = []
        for r in obj.get("relations", []):
            sent = r.get("sentence")
            rels.append(Relation(r["head"], r["tail"], r["label"], r.get("confidence", 1.0),
                                 tuple(sent) if sent else None))
        return cls(
            doc=obj["doc"], para=obj["para"], text=obj["text"],
            entities=[Mention(e["id"], e["start"], e["end"], e["label"], e.get("confidence", 1.0))
                      for e in obj.get("entities", [])],
            goals=[Goal(g["id"], g["start"], g["end"], g.get("metric"), g.get("comparator", "none"),
                        g.get("value"), g.get("unit"), g.get("year"), g.get("status", "planned"),
                        g.get("confidence", 1.0)) for g in obj.get("goals", [])],
            relations=rels,
        )
