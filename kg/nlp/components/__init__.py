"""spaCy components of the kg pipeline, registered as factories on import."""
from kg.nlp.components import (  # noqa: F401
    entities,
    extensions,  # noqa: F401
    goals,
    relations,
    sentences,
)
