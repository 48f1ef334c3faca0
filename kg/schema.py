"""The model, defined once: what SCHEMA.md calls things, which relation joins what, and how node ids are made.

Two vocabularies meet here.  Annotation (SCHEMA sections 1-4) labels spans of text: `MentionLabel`
(SCHOOL … DATE) and the goal span "GOAL".  The graph (section 5) labels nodes: `Label` (Document …
Goal).  `NODE_LABEL_OF_MENTION` says which node a mention resolves to.  `RelationType` names every
relationship of the graph; `RELATION_TYPES` is the legality table of the five that are extracted.

Node ids are built and read only through the functions below; queries and views read the properties
the graph stores (`doc`, `para`, …), never pieces of an id.  The enums are `StrEnum`s, so they compare
equal to the strings JSONL, spaCy and Cypher carry; the graph stores their plain string values.
"""
from __future__ import annotations

from enum import StrEnum


class MentionLabel(StrEnum):
    """SCHEMA section 1: the labels of entity mention spans."""

    SCHOOL = "SCHOOL"
    OFFICE = "OFFICE"
    PROGRAM = "PROGRAM"
    POLICY = "POLICY"
    REGION = "REGION"
    DATE = "DATE"


GOAL = "GOAL"  # SCHEMA section 2: the label of a goal span, a layer of its own beside the mentions
MENTION_LABELS = tuple(MentionLabel)


class Label(StrEnum):
    """SCHEMA section 5: the node labels of the graph."""

    DOCUMENT = "Document"
    SECTION = "Section"
    SENTENCE = "Sentence"
    SCHOOL = "School"
    OFFICE = "Office"
    PROGRAM = "Program"
    POLICY = "Policy"
    REGION = "Region"
    YEAR = "Year"
    GOAL = "Goal"


NODE_LABELS = tuple(Label)
# Nodes for things the documents name, shared between documents (their `docs` and `aliases` accumulate).
ENTITY_NODE_LABELS = (Label.SCHOOL, Label.OFFICE, Label.PROGRAM, Label.POLICY, Label.REGION)
LEXICAL_LABELS = (Label.SECTION, Label.SENTENCE)  # the provenance layer below Document
NODE_LABEL_OF_MENTION: dict[str, Label] = {
    MentionLabel.SCHOOL: Label.SCHOOL, MentionLabel.OFFICE: Label.OFFICE, MentionLabel.PROGRAM: Label.PROGRAM,
    MentionLabel.POLICY: Label.POLICY, MentionLabel.REGION: Label.REGION, MentionLabel.DATE: Label.YEAR,
}


class RelationType(StrEnum):
    """Every relationship type of the graph: the five SCHEMA section 3 relations, the document facts the
    metadata gives, and the lexical layer."""

    RESPONSIBLE_FOR = "RESPONSIBLE_FOR"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    IMPLEMENTS = "IMPLEMENTS"
    HAS_GOAL = "HAS_GOAL"
    DUE = "DUE"
    ISSUED_BY = "ISSUED_BY"
    COVERS = "COVERS"
    FOR_YEAR = "FOR_YEAR"
    HAS_SECTION = "HAS_SECTION"
    HAS_SENTENCE = "HAS_SENTENCE"
    MENTIONS = "MENTIONS"
    REPORTED_AS = "REPORTED_AS"  # a planned Goal to the achieved Goal that reports it (kg.graph.tracking)


# SCHEMA section 3, the one legality table: relation -> (head labels, tail labels), mention labels and GOAL.
# Readers, extractors and the graph builder all check against it.
RELATION_TYPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    RelationType.RESPONSIBLE_FOR: (frozenset({MentionLabel.OFFICE}), frozenset({MentionLabel.PROGRAM, GOAL})),
    RelationType.PARTICIPATES_IN: (frozenset({MentionLabel.SCHOOL, MentionLabel.OFFICE}),
                                   frozenset({MentionLabel.PROGRAM})),
    RelationType.IMPLEMENTS: (frozenset({MentionLabel.PROGRAM, MentionLabel.OFFICE, MentionLabel.SCHOOL}),
                              frozenset({MentionLabel.POLICY})),
    RelationType.HAS_GOAL: (frozenset({MentionLabel.SCHOOL, MentionLabel.PROGRAM, MentionLabel.OFFICE,
                                       MentionLabel.REGION}), frozenset({GOAL})),
    RelationType.DUE: (frozenset({GOAL, MentionLabel.PROGRAM}), frozenset({MentionLabel.DATE})),
}
RELATION_LABELS = tuple(RELATION_TYPES)  # the extracted relations
FACT_TYPES = (*RELATION_LABELS, RelationType.ISSUED_BY, RelationType.COVERS)  # what the documents say
REL_TYPES = tuple(RelationType)


class Comparator(StrEnum):
    """SCHEMA section 2: how a goal's value is to be read; NONE is a non-numeric goal (no value)."""

    GE = ">="
    GT = ">"
    EQ = "="
    LE = "<="
    LT = "<"
    RANK_LE = "rank<="
    NONE = "none"


class GoalStatus(StrEnum):
    PLANNED = "planned"
    ACHIEVED = "achieved"


class Outcome(StrEnum):
    """What became of a planned goal (its `outcome`, derived by kg.graph.tracking): its report's value met
    or missed the target, a report says nothing to compare (non-numeric), or nothing reports it."""

    MET = "met"
    MISSED = "missed"
    REPORTED = "reported"
    NO_REPORT = "no report"


COMPARATORS = tuple(Comparator)
GOAL_STATUSES = tuple(GoalStatus)
OUTCOMES = tuple(Outcome)
OUTCOME = "outcome"  # the property of a planned Goal that holds its Outcome
GOAL_REGION = "region"  # the property of a Goal that names the region it is set for (kg.graph.tracking)
LINK_SCORE, LINK_REASON = "score", "reason"  # the properties of a REPORTED_AS relationship

# --- node ids ----------------------------------------------------------------------------------------------------
_PREFIX = {Label.DOCUMENT: "doc", Label.SECTION: "sec", Label.SENTENCE: "sent", Label.SCHOOL: "school",
           Label.OFFICE: "office", Label.PROGRAM: "program", Label.POLICY: "policy", Label.REGION: "region",
           Label.YEAR: "year", Label.GOAL: "goal"}
_LABEL_OF_PREFIX = {prefix: label for label, prefix in _PREFIX.items()}
_REGION_SEP = "|"  # between the region and the name of a School or Office key


def document_id(doc: str) -> str:
    return f"{_PREFIX[Label.DOCUMENT]}:{doc}"


def section_id(doc: str, n: int) -> str:
    """The n-th heading of a document (0: the front matter before the first heading)."""
    return f"{_PREFIX[Label.SECTION]}:{doc}#{n}"


def sentence_id(doc: str, para: int, n: int) -> str:
    return f"{_PREFIX[Label.SENTENCE]}:{doc}#p{para}s{n}"


def goal_id(doc: str, para: int, start: int, end: int) -> str:
    return f"{_PREFIX[Label.GOAL]}:{doc}#p{para}:{start}-{end}"


def year_id(year: int) -> str:
    return f"{_PREFIX[Label.YEAR]}:{year}"


def entity_id(label: Label, name: str, region: str | None = None) -> str:
    """The key of an entity node: its label and normalized name, and for a School or Office its region
    ("" for a national body that belongs to none)."""
    key = name if region is None else f"{region}{_REGION_SEP}{name}"
    return f"{_PREFIX[label]}:{key}"


def parse_entity_id(node_id: str) -> tuple[Label, str, str | None]:
    """(label, name, region) of an `entity_id` or `year_id`; region is None where the key has none."""
    prefix, _, key = node_id.partition(":")
    label = _LABEL_OF_PREFIX[prefix]
    if label in (Label.SCHOOL, Label.OFFICE):
        region, _, name = key.partition(_REGION_SEP)
        return label, name, region
    return label, key, None
