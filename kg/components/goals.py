"""kg_goals: goal spans and their parsed fields (stub, being written)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.components.extensions import GOALS_KEY


@Language.factory("kg_goals")
def make_goals(nlp: Language, name: str):
    def goals(doc: Doc) -> Doc:
        doc.spans[GOALS_KEY] = []
        return doc
    return goals
