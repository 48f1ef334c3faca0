"""The one colour palette of the graph's labels and relationship types, used by every view of it.

graph.html (kg.explore.view), the report's charts (kg.explore.report) and the notebooks' neo4j-viz views
(kg.explore.explorer) take their colours from here; they are those of the Neo4j Browser style sheet
cypher/browser/kg.grass (tests/explore/test_view.py holds the two to the same colours), so a label
looks the same wherever it is drawn.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelStyle:
    color: str  # fill
    border: str


PALETTE: dict[str, LabelStyle] = {
    "Document": LabelStyle("#4C8EDA", "#2870C2"),
    "Section": LabelStyle("#8DCC93", "#5DB665"),
    "Sentence": LabelStyle("#D9C8AE", "#C0A378"),
    "School": LabelStyle("#F79767", "#F36924"),
    "Office": LabelStyle("#C990C0", "#B261A5"),
    "Program": LabelStyle("#57C7E3", "#23B3D7"),
    "Policy": LabelStyle("#F16667", "#EB2728"),
    "Region": LabelStyle("#FFC454", "#D7A013"),
    "Year": LabelStyle("#ECB5C9", "#DA7298"),
    "Goal": LabelStyle("#6DCE9E", "#3FBA7C"),
}
UNKNOWN = LabelStyle("#A5ABB6", "#9AA1AC")  # Browser's default, for a label outside the model

# Relationship colours: extracted relations in the hue of the label they lead to or from, document metadata
# in its target's border colour, the lexical layer light grey.
RELATIONSHIPS: dict[str, str] = {
    "RESPONSIBLE_FOR": "#B261A5", "PARTICIPATES_IN": "#F36924", "IMPLEMENTS": "#EB2728", "HAS_GOAL": "#3FBA7C",
    "DUE": "#DA7298", "ISSUED_BY": "#2870C2", "COVERS": "#D7A013", "FOR_YEAR": "#DA7298",
    "HAS_SECTION": "#D3D3D3", "HAS_SENTENCE": "#D3D3D3", "MENTIONS": "#D3D3D3", "REPORTED_AS": "#1F7A4D",
}
DEFAULT_RELATIONSHIP = "#A5ABB6"


def style(label: str) -> LabelStyle:
    return PALETTE.get(label, UNKNOWN)


def relationship_colour(rel_type: str) -> str:
    return RELATIONSHIPS.get(rel_type, DEFAULT_RELATIONSHIP)
