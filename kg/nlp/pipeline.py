"""Build, load and save the spaCy pipeline described by one config file.

The pkuseg model is never part of a saved pipeline: it lives in the cache
(`kg.nlp.segmenter`) and is attached to the tokenizer at load time, together
with our domain user dictionary (`user_dictionary`).
"""
from __future__ import annotations

import gc
import hashlib
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

import spacy
from spacy.language import Language

from kg.files import cache_dir, write_atomic
from kg.nlp import components  # noqa: F401  (registers the kg_* factories)
from kg.nlp.segmenter import ensure_model

# Package data, read through importlib.resources; an installed package is a folder of files (spaCy loads paths).
PACKAGE_DATA = Path(str(files("kg.nlp")))
CONFIG = PACKAGE_DATA / "kg.cfg"  # how the pipeline is assembled
SHIPPED_PIPELINE = PACKAGE_DATA / "trained"  # what `kg train` saves and `load()` loads by default
NOT_SAVED = ["tokenizer", "vocab"]


def user_dictionary() -> Path:
    """pkuseg's user dictionary: the domain words of kg.zh.lexicon (school, office and
    programme kind words, known bodies and initiatives), written once per vocabulary to the cache."""
    from kg.zh import lexicon, regions

    words = sorted({w for group in (lexicon.OFFICE_HEADS, lexicon.SCHOOL_HEADS, lexicon.PROGRAM_HEADS,
                                    lexicon.KNOWN_OFFICES, lexicon.KNOWN_PROGRAMS, regions.KNOWN_REGIONS)
                    for w in group if len(w) >= 2 and w not in lexicon.SHORT_SCHOOL_HEADS})
    text = "\n".join(words) + "\n"
    path = cache_dir() / f"userdict-{hashlib.sha1(text.encode()).hexdigest()[:12]}.txt"
    if not path.is_file():
        write_atomic(path, [text])
    return path


def segmenter_settings() -> dict[str, str]:
    return {"pkuseg_model": str(ensure_model()), "pkuseg_user_dict": str(user_dictionary())}


def attach_segmenter(nlp: Language) -> Language:
    nlp.tokenizer.initialize(**segmenter_settings())
    return nlp


def from_config(config_path: Path = CONFIG, overrides: dict | None = None) -> Language:
    """Assemble the pipeline from its config (with spaCy-style dotted `overrides`, e.g.
    {"components.entities.max_iterations": 30}), untrained: rules only until `kg train` fits it."""
    config = spacy.util.load_config(config_path, overrides=overrides or {})
    config.setdefault("initialize", {})["tokenizer"] = segmenter_settings()
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.initialize()
    return nlp


def saved_pipeline(path: Path | str | None = None) -> Path:
    """The folder of a saved pipeline (the shipped one by default); FileNotFoundError when it is not one."""
    path = Path(path) if path else SHIPPED_PIPELINE
    if not (path / "config.cfg").is_file():
        raise FileNotFoundError(f"{path}: not a kg pipeline (no config.cfg)")
    return path


def load(path: Path | str | None = None) -> Language:
    """Load a saved pipeline (the shipped one by default) with the cached segmenter.

    What is loaded lives as long as the process, so it is moved out of the garbage collector's
    reach (`gc.freeze`): the taggers allocate a feature list per character, and each collection
    would otherwise walk the whole pipeline again (5 % of extraction time on the seeds)."""
    nlp = attach_segmenter(spacy.load(saved_pipeline(path), exclude=NOT_SAVED))
    gc.freeze()
    return nlp


def save(nlp: Language, path: Path | str) -> None:
    """Write the pipeline's config and learned data, replacing what was at `path` whole (no file of
    an earlier pipeline stays behind); not the segmenter model, nor the vocab's strings (which would
    be words of the training text)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        nlp.to_disk(fresh, exclude=NOT_SAVED)
        config = nlp.config.copy()
        config["initialize"]["tokenizer"] = {}  # this machine's cache paths; load() attaches the segmenter
        config.to_disk(fresh / "config.cfg")
        if path.exists():
            shutil.rmtree(path)
        fresh.rename(path)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
