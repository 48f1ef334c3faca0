"""kg_entity_rules: rule-based entity mentions (stub, being written)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("kg_entity_rules")
def make_entity_rules(nlp: Language, name: str):
    def entity_rules(doc: Doc) -> Doc:
        return doc
    return entity_rules
