"""Build, load and save the spaCy pipeline described by one config file.

The pkuseg model is never part of a saved pipeline: it lives in the cache
(`kg.segmenter`) and is attached to the tokenizer at load time, together
with our domain user dictionary.
"""
from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from kg import components  # noqa: F401  (registers the kg_* factories)
from kg.segmenter import ensure_model

PACKAGE_DIR = Path(__file__).parent
SHIPPED_PIPELINE = PACKAGE_DIR / "pipeline"
USER_DICT = PACKAGE_DIR / "data" / "userdict.txt"
CONFIG = PACKAGE_DIR.parent / "pipelines" / "kg.cfg"
NOT_SAVED = ["tokenizer", "vocab"]


def segmenter_settings() -> dict[str, str]:
    return {"pkuseg_model": str(ensure_model()), "pkuseg_user_dict": str(USER_DICT)}


def attach_segmenter(nlp: Language) -> Language:
    nlp.tokenizer.initialize(**segmenter_settings())
    return nlp


def from_config(config_path: Path = CONFIG) -> Language:
    """Assemble the pipeline from its config, untrained: rules only until `kg train` fits it."""
    config = spacy.util.load_config(config_path)
    config.setdefault("initialize", {})["tokenizer"] = segmenter_settings()
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.initialize()
    return nlp


def load(path: Path | str | None = None) -> Language:
    """Load a saved pipeline (the shipped one by default) with the cached segmenter."""
    path = Path(path) if path else SHIPPED_PIPELINE
    if not (path / "config.cfg").is_file():
        raise FileNotFoundError(f"{path}: not a kg pipeline (no config.cfg)")
    nlp = spacy.load(path, exclude=NOT_SAVED)
    return attach_segmenter(nlp)


def save(nlp: Language, path: Path | str) -> None:
    """Write the pipeline's config and learned data; not the segmenter model, nor the vocab's
    strings (which would be words of the training text)."""
    nlp.to_disk(path, exclude=NOT_SAVED)
