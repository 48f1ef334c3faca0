"""spaCy components of the kg pipeline, registered as factories on import."""
from kg.nlp.components import extensions  # noqa: F401
from kg.nlp.components import entities, goals, relations, sentences  # noqa: F401
