"""Character features for the CRF taggers: what each character is, and what the segmenter,
the People's Daily POS lexicon, the gazetteers and the rules say about the text around it.

Every helper adds named indicator features to one dict per character; a span that a source
marks is written with the character's place in it (B, M, E or S for a single character), so
the tagger learns where a rule's boundaries can be trusted.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

Features = dict[str, float]
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
    """The characters at -2…+2, the bigrams and trigram around each one, and their classes."""
    pad = _PAD * 2 + text + _PAD * 2
    classes = _PAD * 2 + "".join(map(char_class, text)) + _PAD * 2
    out = []
    for i in range(len(text)):
        j = i + 2
        out.append({"bias": 1.0, f"c0={pad[j]}": 1.0, f"c-1={pad[j - 1]}": 1.0, f"c+1={pad[j + 1]}": 1.0,
                    f"c-2={pad[j - 2]}": 1.0, f"c+2={pad[j + 2]}": 1.0,
                    f"b-2={pad[j - 2:j]}": 1.0, f"b-1={pad[j - 1:j + 1]}": 1.0, f"b+1={pad[j:j + 2]}": 1.0,
                    f"b+2={pad[j + 1:j + 3]}": 1.0, f"t={pad[j - 1:j + 2]}": 1.0, f"k={classes[j - 1:j + 2]}": 1.0})
    return out


def add_brackets(feats: list[Features], text: str) -> None:
    """Inside “…” or 《…》: names are quoted, titles are in book marks."""
    quote = book = 0
    for i, ch in enumerate(text):
        quote += ch == "“"
        book += ch == "《"
        if quote:
            feats[i]["in“”"] = 1.0
        if book:
            feats[i]["in《》"] = 1.0
        quote -= quote > 0 and ch == "”"
        book -= book > 0 and ch == "》"


def add_words(feats: list[Features], words: list[str], starts: list[int], tags: Mapping[str, str]) -> None:
    """The pkuseg word holding each character (its place in the word, the word, its POS tag in
    the People's Daily corpus), and at word edges the neighbouring word and its tag."""
    n = len(feats)
    for k, (word, start) in enumerate(zip(words, starts)):
        end = min(start + len(word), n)
        prev = words[k - 1] if k else _PAD
        nxt = words[k + 1] if k + 1 < len(words) else _PAD
        tag = tags.get(word, "?")
        for i in range(start, end):
            p = place(i, start, start + len(word))
            f = feats[i]
            f[f"w@{p}"] = 1.0
            f[f"w={word}@{p}"] = 1.0
            f[f"wlen={min(len(word), 5)}@{p}"] = 1.0
            f[f"pos={tag}@{p}"] = 1.0
            if p in "BS":
                f[f"w-1={prev}"] = 1.0
                f[f"pos-1={tags.get(prev, '?')}"] = 1.0
            if p in "ES":
                f[f"w+1={nxt}"] = 1.0
                f[f"pos+1={tags.get(nxt, '?')}"] = 1.0


def add_spans(feats: list[Features], spans: Iterable[tuple[int, int, str]], source: str) -> None:
    """Mark spans a source proposes: `source=name@place` on each character they cover."""
    n = len(feats)
    for start, end, name in spans:
        for i in range(max(start, 0), min(end, n)):
            feats[i][f"{source}={name}@{place(i, start, end)}"] = 1.0


def longest_matches(text: str, names: frozenset[str]) -> list[tuple[int, int]]:
    """Where listed names occur, the longest one at each position, left to right without overlap."""
    max_len = _longest(names)
    out, i, n = [], 0, len(text)
    while i < n:
        for length in range(min(max_len, n - i), 1, -1):
            if text[i:i + length] in names:
                out.append((i, i + length))
                i += length
                break
        else:
            i += 1
    return out


@lru_cache(maxsize=8)
def _longest(names: frozenset[str]) -> int:
    return max(map(len, names), default=0)
