"""kg_relations: relations between the mentions of a paragraph (stub, being written)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("kg_relations")
def make_relations(nlp: Language, name: str):
    def relations(doc: Doc) -> Doc:
        doc._.relations = []
        return doc
    return relations
