"""Character features for the CRF taggers: what each character is, and what the segmenter,
the People's Daily POS lexicon, the gazetteers and the rules say about the text around it.

Every helper adds named indicator features to one list per character (crfsuite reads a list of
strings as features of value 1; a feature written twice counts twice, alike in training and
use); a span that a source marks is written with the character's place in it (B, M, E or S for
a single character), so the tagger learns where a rule's boundaries can be trusted.  The
character window is the costly part and the same for every tagger: it is made once per text.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

Features = list[str]  # a character's features, each of value 1 (crfsuite's string form)
_PAD = "^"


def char_class(ch: str) -> str:
    if "\u4e00" <= ch <= "\u9fff":
        return "C"
    if ch.isdigit():
        return "D"
    if ch.isascii() and ch.isalpha():
        return "L"
    if ch in "“”\"‘’":
        return "Q"
    if ch in "《》〈〉":
        return "T"
    if ch in "、，,；;。：:！？!?":
        return "P"
    if ch in "（）()【】[]":
        return "R"
    return "O" if not ch.isspace() else "S"


def place(i: int, start: int, end: int) -> str:
    if end - start == 1:
        return "S"
    return "B" if i == start else "E" if i == end - 1 else "M"


def char_window(text: str) -> list[Features]:
    """The character, the bigrams and the trigram around it, and the classes of the three: a fresh
    list per character, to which a tagger adds its own features.  (Under cross-validation a window
    of ±2 scored no better and costs half as much again; the single neighbours and a constant
    feature added nothing beside the bigrams and cost a fifth of the taggers' strings.)"""
    return [list(f) for f in _window(text)]


@lru_cache(maxsize=4)
def _window(text: str) -> tuple[tuple[str, ...], ...]:
    pad = _PAD + text + _PAD
    classes = _PAD + "".join(map(char_class, text)) + _PAD
    return tuple(("c0=" + pad[j], "b-1=" + pad[j - 1:j + 1],
                  "b+1=" + pad[j:j + 2], "t=" + pad[j - 1:j + 2], "k=" + classes[j - 1:j + 2])
                 for j in range(1, len(text) + 1))


def add_brackets(feats: list[Features], text: str) -> None:
    """Inside “…” or 《…》: names are quoted, titles are in book marks."""
    quote = book = 0
    for i, ch in enumerate(text):
        quote += ch == "“"
        book += ch == "《"
        if quote:
            feats[i].append("in“”")
        if book:
            feats[i].append("in《》")
        quote -= quote > 0 and ch == "”"
        book -= book > 0 and ch == "》"


def add_words(feats: list[Features], words: list[str], starts: list[int], tags: Mapping[str, str]) -> None:
    """The pkuseg word holding each character (its place in the word, the word, its POS tag in
    the People's Daily corpus), and at word edges the neighbouring word and its tag."""
    n = len(feats)
    for k, (word, start) in enumerate(zip(words, starts)):
        marks = _word_marks(word, tags.get(word, "?"))
        prev = words[k - 1] if k else _PAD
        nxt = words[k + 1] if k + 1 < len(words) else _PAD
        before = ("w-1=" + prev, "pos-1=" + tags.get(prev, "?"))
        after = ("w+1=" + nxt, "pos+1=" + tags.get(nxt, "?"))
        last = start + len(word) - 1
        for i in range(start, min(last + 1, n)):
            f = feats[i]
            f += marks[i - start]
            if i == start:
                f += before
            if i == last:
                f += after


@lru_cache(maxsize=1 << 16)
def _word_marks(word: str, tag: str) -> tuple[tuple[str, ...], ...]:
    """The features a word gives each of its characters (made once per word: the same words recur)."""
    length = min(len(word), 5)
    return tuple(("w@" + p, f"w={word}@{p}", f"wlen={length}@{p}", f"pos={tag}@{p}")
                 for p in (place(i, 0, len(word)) for i in range(len(word))))


def add_spans(feats: list[Features], spans: Iterable[tuple[int, int, str]], source: str) -> None:
    """Mark spans a source proposes: `source=name@place` on each character they cover."""
    n = len(feats)
    for start, end, name in spans:
        mark = f"{source}={name}@"
        for i in range(max(start, 0), min(end, n)):
            feats[i].append(mark + place(i, start, end))


def longest_matches(text: str, names: frozenset[str]) -> list[tuple[int, int]]:
    """Where listed names (two characters or more) occur, the longest one at each position, left to
    right without overlap."""
    lengths = _lengths_by_prefix(names)
    out, i, n = [], 0, len(text)
    while i < n - 1:
        for length in lengths.get(text[i:i + 2], ()):
            if i + length <= n and text[i:i + length] in names:
                out.append((i, i + length))
                i += length
                break
        else:
            i += 1
    return out


@lru_cache(maxsize=8)
def _lengths_by_prefix(names: frozenset[str]) -> dict[str, tuple[int, ...]]:
    """The lengths of the names that start with each two characters, longest first."""
    by_prefix: dict[str, set[int]] = {}
    for name in names:
        if len(name) >= 2:
            by_prefix.setdefault(name[:2], set()).add(len(name))
    return {prefix: tuple(sorted(lengths, reverse=True)) for prefix, lengths in by_prefix.items()}
