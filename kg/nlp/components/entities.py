"""kg_entities: entity mentions (SCHEMA.md section 1), tagged by a CRF over characters that
takes the rules as features.

Names in these documents are built the same way everywhere: a head word that says what kind
of thing it is (…中学, …科, …工程, …行动, 《…》, “…”行动) and a modifier to its left that stops
at a verb, a function word or punctuation.  The rules here find heads and propose spans (for
a head, every plausible left boundary); the trained tagger reads those proposals, the pkuseg
words with their People's Daily tags, the region gazetteer and the characters themselves,
and decides.  A rule candidate the tagger left alone is vetted: a classifier over the rule, the
span's ends and what surrounds it keeps it when it gives `rule_threshold` (the tagger misses
names it saw few of, above all quoted programme names and list items).  Untrained (the rules
alone), the most precise rule and the longest span win.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example

from kg.nlp.components.char_features import add_brackets, add_spans, add_words, char_window, longest_matches
from kg.nlp.components.classifier import FeatureClassifier
from kg.nlp.components.extensions import model_text, split_tokens_at, token_offsets
from kg.nlp.components.people_daily import breaking_words, tag_counts, word_tags
from kg.nlp.components.sequence import SequenceModel, bioes
from kg.zh import CJK, dates
from kg.zh.lexicon import (
    DESIGNATION_WORDS,
    GENERIC_MODIFIERS,
    JOINED_OFFICE_FIELDS,
    KNOWN_OFFICES,
    KNOWN_POLICIES,
    KNOWN_PROGRAMS,
    MIN_LEN_BY_HEAD,
    NOT_OFFICES,
    OFFICE_HEADS,
    PROGRAM_HEADS,
    QUOTED_ONLY_HEADS,
    SCHOOL_HEADS,
    STOP_WORDS,
    UNIQUE_SCHOOLS,
    WEAK_PROGRAM_HEADS,
    WORDS_AFTER_XUE,
)
from kg.zh.markers import MARKER_TOKEN
from kg.zh.regions import KNOWN_REGIONS, NOT_REGIONS, REFERRING, REGION_LEVELS, common_forms, region_names

NAMEY = re.compile(rf"^[{CJK}A-Za-z0-9０-９][{CJK}A-Za-z0-9０-９·•\.\+\-²]*$")
BARE_COUNT = re.compile(r"^[一二三四五六七八九十两0-9]+[个项大条张类种]")
QUOTED = re.compile(r"“([^“”]{1,40})”")
POLICY_TITLE = re.compile(r"《([^《》]{2,80})》")
# Verbs before a quoted phrase that make it the name of something carried out.
LONE_QUOTE_CUE = re.compile(r"(推进|开展|实施|深化|打造|推动|启动|做好|落实|擦亮|争创|创建|举办|组织|参加|承办|探索|推出|建设|打响)$")
REGION_TOKEN = re.compile(rf"^[{CJK}]{{2,5}}[{REGION_LEVELS}]$")
MAX_VARIANTS = 4  # left boundaries proposed per head
MAX_NAME_TOKENS, MAX_NAME_LEN = 8, 30  # how far left a programme name may reach
ENTITY, NOT_ENTITY = "entity", "not an entity"  # the classes of the vetting of the rules' candidates


@dataclass
class Candidate:
    start: int
    end: int
    label: str
    confidence: float
    priority: int  # the rules alone: lower wins an overlap before length does
    rule: str
    trim: int = 0  # tokens cut from the widest left boundary of a head rule


@dataclass(frozen=True)
class Tokens:
    """The paragraph's text and its pkuseg tokens as plain strings and offsets."""

    text: str
    words: list[str]
    starts: list[int]

    @classmethod
    def of(cls, doc: Doc) -> "Tokens":
        text = model_text(doc)
        spans = token_offsets(doc)
        return cls(text, [text[s:s + n] for s, n in spans], [s for s, _ in spans])

    def end(self, i: int) -> int:
        return self.starts[i] + len(self.words[i])


@dataclass(frozen=True)
class NameBreakers:
    """The words that end a name: the hand list plus those learned from the POS-tagged corpus."""

    stop: frozenset[str]
    stop_prefixes: frozenset[str]  # the multi-character ones, to test token prefixes quickly

    @classmethod
    def of(cls, words: frozenset[str]) -> "NameBreakers":
        return cls(words, frozenset(w for w in words if len(w) > 1))

    def starts_with_stop(self, text: str) -> bool:
        return self.stop_prefix(text) > 0

    def stop_prefix(self, text: str) -> int:
        """The length of the longest word (two to five characters) that ends a name and starts `text`, else 0."""
        return max((n for n in range(2, min(5, len(text)) + 1) if text[:n] in self.stop_prefixes), default=0)


def _quoted_candidates(text: str) -> list[Candidate]:
    """“X”+kind word is one span with the quotes; a lone “X” is a name when it looks like one."""
    out = []
    for m in QUOTED.finditer(text):
        inner = m.group(1)
        tail = re.match(rf"[{CJK}A-Za-z0-9]{{0,12}}", text[m.end():]).group(0)
        head = _program_head_prefix(tail)
        if head:
            label = "POLICY" if re.match(r"^(制|制度|政策|办法)$", head) else "PROGRAM"
            out.append(Candidate(m.start(), m.end() + len(head), label, 0.8, 1, "quoted+kind"))
        if BARE_COUNT.match(inner) or len(inner) < 2 or len(inner) > 16:
            continue
        nxt = text[m.end():m.end() + 1]
        punct = bool(re.search(r"[、，,；;。]", inner))
        if any(inner.endswith(h) for h in PROGRAM_HEADS):
            out.append(Candidate(m.start(1), m.end(1), "PROGRAM", 0.7, 2, "quoted-kind"))
        elif not head:
            cue = bool(nxt and nxt in "“、等") or bool(LONE_QUOTE_CUE.search(text[max(0, m.start() - 2):m.start()]))
            keep = cue and nxt != "的" and not punct
            out.append(Candidate(m.start(1), m.end(1), "PROGRAM", 0.5, 3 if keep else 9, "quoted-lone"))
    return out


def _program_head_prefix(tail: str) -> str | None:
    """The longest kind word (or kind phrase ending in one, up to 8 characters) that starts `tail`."""
    if tail[:1] in ("等", "的", "和", "与", "及"):
        return None
    ends_with_kind = _suffix_pattern(PROGRAM_HEADS + QUOTED_ONLY_HEADS)
    best = None
    for n in range(1, min(len(tail), 8) + 1):
        if ends_with_kind.search(tail[:n]):
            best = tail[:n]
    return best


def _known(text: str, names: tuple[str, ...], label: str, confidence: float, priority: int, rule: str
           ) -> list[Candidate]:
    """Every occurrence of each listed name (overlapping names each count)."""
    return [Candidate(m.start(), m.end(), label, confidence, priority, rule)
            for name in names if name in text for m in re.finditer(re.escape(name), text)]


def _policy_candidates(text: str) -> list[Candidate]:
    return ([Candidate(m.start(1), m.end(1), "POLICY", 0.9, 0, "title") for m in POLICY_TITLE.finditer(text)]
            + _known(text, KNOWN_POLICIES, "POLICY", 0.8, 1, "policy-known"))


# The date grammar's kinds as rules the tagger knows: (rule, confidence without training).
DATE_RULES = {dates.RANGE: ("date-range", 0.9), dates.DAY: ("date-iso", 0.95), dates.MONTH: ("date-year", 0.9),
              dates.YEAR: ("date-year", 0.9), dates.PLAN: ("date-plan", 0.9), dates.RELATIVE: ("date-word", 0.7)}


def _date_candidates(text: str) -> list[Candidate]:
    """The dates of the one date grammar (kg.zh.dates)."""
    return [Candidate(d.start, d.end, "DATE", DATE_RULES[d.kind][1], 0, DATE_RULES[d.kind][0])
            for d in dates.find_dates(text)]


def _region_candidates(toks: Tokens, context: dict, breakers: NameBreakers) -> list[Candidate]:
    names = {name: "region-known" for name in KNOWN_REGIONS}
    own = (context or {}).get("region")
    if own:
        names.update(dict.fromkeys([own, *common_forms(own)], "region-own"))
    for t in toks.words:
        if REGION_TOKEN.match(t) and t not in NOT_REGIONS and t[0] not in REFERRING \
                and not breakers.starts_with_stop(t):
            names.setdefault(t, "region-token")
    text = toks.text
    # 湖南 in 湖南省: the level written after a known name belongs to it
    return [Candidate(m.start(), m.end(), "REGION", 0.8, 5, rule)
            for name, rule in sorted(names.items(), key=lambda kv: -len(kv[0])) if name in text
            for m in re.finditer(re.escape(name) + "(?:省|市)?", text)]


@lru_cache(maxsize=None)
def _suffix_pattern(heads: tuple[str, ...] | frozenset[str]) -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, sorted(heads, key=len, reverse=True))) + ")$")


def _head_spans(toks: Tokens, heads: tuple[str, ...], breakers: NameBreakers, *, min_len: int, max_len: int = 24,
                exclude: frozenset[str] = frozenset(), level_prefix: bool = False,
                bare: frozenset[str] = frozenset()) -> list[tuple[int, int, int]]:
    """Tokens ending in a kind word, extended left over name-like tokens: (start, end, trim) in
    characters, for each left boundary from the widest one inwards.  A kind word alone is no
    name unless it is in `bare`; a token ending in an `exclude` word is none (学科, 跨学科)."""
    out = []
    words = toks.words
    ends_with_head = _suffix_pattern(heads)
    not_a_head = _suffix_pattern(exclude) if exclude else None
    for i, t in enumerate(words):
        if t in breakers.stop or (not_a_head and not_a_head.search(t)) or not ends_with_head.search(t):
            continue
        end = toks.end(i)
        start = _natural_start(toks, i, breakers, max_len)
        if level_prefix and start > 0 and words[start - 1] in REGION_LEVELS:
            start -= 1  # 区教育局: the level character belongs to the name
        for trim, s in enumerate(range(start, min(i + 1, start + MAX_VARIANTS))):
            name = toks.text[toks.starts[s]:end]
            if len(name) < min_len or (name in heads and name not in bare) or _generic_name(name, heads):
                continue
            out.append((toks.starts[s], end, trim))
    return out


def _generic_name(name: str, heads: tuple[str, ...]) -> bool:
    """各类项目, 相关学校, 贫困地区薄弱学校: generic modifiers, alone or with nothing but a kind word."""
    return _generic_words(name) or any(name.endswith(h) and _generic_words(name[:-len(h)]) for h in heads)


_LONGEST_MODIFIER = max(map(len, GENERIC_MODIFIERS))


@lru_cache(maxsize=1 << 12)
def _generic_words(text: str) -> bool:
    """Whether `text` is one or more generic modifiers written together (边远贫困地区, 农村薄弱)."""
    return text in GENERIC_MODIFIERS or any(text[:k] in GENERIC_MODIFIERS and _generic_words(text[k:])
                                            for k in range(1, min(len(text), _LONGEST_MODIFIER + 1)))


def _school_candidates(toks: Tokens, breakers: NameBreakers) -> list[Candidate]:
    """Named schools; an awarded designation (省优质幼儿园) is a PROGRAM, a generic one nothing."""
    out = []
    for start, end, trim in _head_spans(toks, SCHOOL_HEADS, breakers, min_len=3, max_len=12, level_prefix=True,
                                        bare=UNIQUE_SCHOOLS):
        name = toks.text[start:end]
        if name.endswith("学") and toks.text[end:end + 1] in WORDS_AFTER_XUE:
            continue  # 中学生, 大学科: the head's last character starts another word
        modifier = name[:-2]
        if name.endswith("学校") and modifier[-1:] in REGION_LEVELS and modifier in region_names():
            continue  # 吉林省学校: the schools of a region, not one school named for it (海门中学)
        if any(w in modifier for w in DESIGNATION_WORDS):
            if re.match(rf"^(省|市|区|县|国家|全国|[{CJK}]{{1,3}}(省|市))", name):
                out.append(Candidate(start, end, "PROGRAM", 0.6, 2 + trim, "designation", trim))
            continue
        generic = any(g in modifier for g in GENERIC_MODIFIERS if len(g) > 1)
        out.append(Candidate(start, end, "SCHOOL", 0.75, (9 if generic else 2) + trim,
                             "school-head", trim))
    return out


def _office_candidates(toks: Tokens, breakers: NameBreakers) -> list[Candidate]:
    text = toks.text
    out = [Candidate(start, end, "OFFICE", 0.75, 2 + trim, "office-head", trim)
           for start, end, trim in _head_spans(toks, OFFICE_HEADS, breakers, min_len=2, max_len=18,
                                               exclude=NOT_OFFICES, level_prefix=True)]
    out += _known(text, KNOWN_OFFICES, "OFFICE", 0.85, 2, "office-known")
    out += _joined_offices(text)
    # 人社部门, 教育部门: a department named by its field is that field's office
    out += [Candidate(m.start(), m.end(), "OFFICE", 0.7, 2, "office-field")
            for m in re.finditer(rf"(?:{'|'.join(map(re.escape, KNOWN_OFFICES + ('教育',)))})部门", text)]
    return out


JOINED_OFFICE = re.compile(f"(?:{'|'.join(JOINED_OFFICE_FIELDS)})(?:委员会|局|厅|委)")


def _joined_offices(text: str) -> list[Candidate]:
    """发展和改革委员会, 市发展和改革委员会, 长沙市发展和改革委员会: the department alone, after its level and
    after the region written before it, if any (the tagger learns which the gold keeps)."""
    out = []
    names = region_names()
    for m in JOINED_OFFICE.finditer(text):
        starts = {m.start()}
        if m.start() and text[m.start() - 1] in REGION_LEVELS:
            starts.add(m.start() - 1)  # 市发展和改革委员会; 海门 + 区 when the gazetteer has 海门
        starts |= {end - n for end in set(starts) for n in range(2, min(end, 8) + 1) if text[end - n:end] in names}
        out += [Candidate(s, m.end(), "OFFICE", 0.85, 2, "office-joined") for s in sorted(starts)]
    return out


# 与财政、编办、人社等部门 / 复旦、南大等高校: the short names in a list are named by the kind after 等.
LIST_KINDS = ((re.compile(rf"((?:[{CJK}]{{1,4}}、)+[{CJK}]{{1,4}})等(?:相关)?(?:部门|单位)"), "OFFICE"),
              (re.compile(rf"((?:[{CJK}]{{1,4}}、)+[{CJK}]{{1,4}})等(?:知名)?(?:高校|院校|大学|学校)"), "SCHOOL"))


def _list_candidates(text: str, breakers: NameBreakers) -> list[Candidate]:
    """Each short name of the list, after a word that cannot start one (联合财政 → 财政, 依托宣传 → 宣传)."""
    out = []
    for pattern, label in LIST_KINDS:
        for m in pattern.finditer(text):
            pos = m.start(1)
            for part in m.group(1).split("、"):
                item = re.split(r"[与和同及]", part)[-1]
                lead = breakers.stop_prefix(item)
                item = item[lead:] if len(item) - lead >= 2 else item
                s = pos + len(part) - len(item)
                if 2 <= len(item) <= 4 and item not in GENERIC_MODIFIERS:
                    out.append(Candidate(s, s + len(item), label, 0.7, 1, f"{label.lower()}-list"))
                pos += len(part) + 1
    return out


def _program_candidates(toks: Tokens, breakers: NameBreakers) -> list[Candidate]:
    """Every left boundary of a programme head within its clause (up to MAX_NAME_TOKENS tokens):
    programme names hold verbs (教师数字素养提升计划), 的 (基于项目学习的课堂转型行动) and quotes,
    so no word list can say where they start; the tagger learns it from the words at, before
    and inside the boundary.  The rules alone keep only the word lists' boundary."""
    text, words, starts = toks.text, toks.words, toks.starts
    out = _known(text, KNOWN_PROGRAMS, "PROGRAM", 0.7, 3, "program-known")
    ends_with_head = _suffix_pattern(PROGRAM_HEADS + WEAK_PROGRAM_HEADS)
    for i, t in enumerate(words):
        if not ends_with_head.search(t):
            continue
        end = toks.end(i)
        natural = _natural_start(toks, i, breakers, MAX_NAME_LEN)
        core = t.endswith(PROGRAM_HEADS)
        for k, j in enumerate(range(i, max(-1, i - MAX_NAME_TOKENS), -1)):
            if not (NAMEY.match(words[j]) or words[j] in "“”") or end - starts[j] > MAX_NAME_LEN:
                break
            name = text[starts[j]:end]
            if len(name) < 2 or MARKER_TOKEN.fullmatch(words[j]) or words[j] == "”" or not _balanced(name):
                continue
            need = max((n for h, n in MIN_LEN_BY_HEAD.items() if name.endswith(h)), default=4)
            guess = j == natural and core and len(name) >= need  # the untrained rules' one span
            out.append(Candidate(starts[j], end, "PROGRAM", 0.55, 4 if guess else 9, "program-head", min(k, 3)))
    return out


def _natural_start(toks: Tokens, i: int, breakers: NameBreakers, max_len: int) -> int:
    """Where a name ending at token i starts by the word lists alone: after the nearest verb,
    function word or punctuation, without a leading generic modifier or list number."""
    words, end = toks.words, toks.end(i)
    start = i
    while (start > 0 and words[start - 1] not in breakers.stop and NAMEY.match(words[start - 1])
           and end - toks.starts[start - 1] <= max_len):
        start -= 1
    while start < i and (words[start] in GENERIC_MODIFIERS or MARKER_TOKEN.fullmatch(words[start])):
        start += 1
    return start


_OPEN_QUOTES, _CLOSE_QUOTES = "“‘", "”’"
# What never stands inside a name (no gold entity holds one): a sentence's or clause's end, or a web
# address.  The tagger decides character by character, so it can run a span over one: a quoted address
# ("输入“school.example.com”进入") reads to it like a quoted name.  An HTML character reference left in a
# page's text (&quot;) is read without its ";", which ends nothing.
_NOT_IN_A_NAME = re.compile(r"[。；;]|https?://|www\.|[A-Za-z0-9-]+\.(?:com|cn|net|org|gov|edu)\b", re.IGNORECASE)
_HTML_REFERENCE = re.compile(r"&(?:[A-Za-z]+|#\d+);")


def could_be_a_name(text: str) -> bool:
    return not _NOT_IN_A_NAME.search(_HTML_REFERENCE.sub("", text))


def fit_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    """A bracket the span leaves unpaired is not the name's (no gold entity has one): a mark at an edge is
    dropped (a name cut inside brackets, 市财政局) → 市财政局), else the span ends before an unpaired "("
    (城南三小(河西二小分校 → 城南三小) or starts after an unpaired ")".  Brackets are ASCII in the text the
    tagger reads (`model_text`)."""
    while start < end:
        opened, strays = [], []
        for i in range(start, end):
            if text[i] == "(":
                opened.append(i)
            elif text[i] == ")":
                if opened:
                    opened.pop()
                else:
                    strays.append(i)
        if strays and strays[-1] == end - 1:
            end -= 1
        elif opened and opened[0] == start:
            start += 1
        elif opened:
            end = opened[0]
        elif strays:
            start = strays[-1] + 1
        else:
            break
    return start, end


def fit_quotes(text: str, start: int, end: int, floor: int = 0) -> tuple[int, int]:
    """SCHEMA's quote rule on a decoded span: “X”+kind keeps both quote marks, a wholly quoted name
    drops them (“青蓝工程” → 青蓝工程), and a quote mark left open by a boundary is taken in or dropped
    (X”行动 after a “ → “X”行动; “X with no closing mark → X; a mark at the wrong edge, X“ or ”X → X),
    unless the mark to take in lies before `floor` (the end of the name before).  The tagger decides
    character by character, so nothing else keeps its quote marks paired."""
    span = text[start:end]
    if len(span) < 2:
        return start, end
    depth, stray_close = 0, False
    for ch in span:
        if ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            stray_close = stray_close or depth == 0
            depth = max(0, depth - 1)
    if span[-1] in _OPEN_QUOTES:  # 甲乙“: the mark opens the next name
        return fit_quotes(text, start, end - 1, floor)
    if span[0] in _CLOSE_QUOTES:  # ”甲乙: the mark closes the name before
        return fit_quotes(text, start + 1, end, floor)
    if stray_close and start > floor and text[start - 1] in _OPEN_QUOTES and span[0] not in _OPEN_QUOTES:
        return fit_quotes(text, start - 1, end, floor)
    if depth and span[0] in _OPEN_QUOTES and not any(ch in _CLOSE_QUOTES for ch in span):
        return start + 1, end
    inner_marks = any(ch in _OPEN_QUOTES + _CLOSE_QUOTES for ch in span[1:-1])
    if len(span) > 2 and span[0] in _OPEN_QUOTES and span[-1] in _CLOSE_QUOTES and not inner_marks:
        return start + 1, end - 1
    if stray_close and span[-1] in _CLOSE_QUOTES and not any(ch in _OPEN_QUOTES for ch in span):
        return start, end - 1
    return start, end


def _balanced(name: str) -> bool:
    depth = 0
    for ch in name:
        depth += (ch == "“") - (ch == "”")
        if depth < 0:
            return False
    return depth == 0


def _split_shared_suffix(cands: list[Candidate], text: str, breakers: NameBreakers) -> list[Candidate]:
    """洪恩、禾光幼儿园 → 洪恩 + 禾光幼儿园: the bare names before a school list share its suffix."""
    extra = []
    for c in cands:
        if c.label != "SCHOOL" or c.trim:
            continue
        pos = c.start
        while pos >= 2 and text[pos - 1] == "、":
            m = re.search(rf"([{CJK}]{{2,4}})$", text[:pos - 1])
            if not m or m.group(1) in breakers.stop:
                break
            extra.append(Candidate(m.start(1), m.end(1), "SCHOOL", 0.6, 3, "shared-suffix"))
            pos = m.start(1)
    return cands + extra


def find_candidates(toks: Tokens, context: dict | None, breakers: NameBreakers) -> list[Candidate]:
    """Every rule's candidates, overlapping alternatives included."""
    context = context or {}
    text = toks.text
    cands = (_policy_candidates(text) + _date_candidates(text) + _quoted_candidates(text)
             + _office_candidates(toks, breakers) + _school_candidates(toks, breakers)
             + _program_candidates(toks, breakers)
             + _region_candidates(toks, context, breakers) + _list_candidates(text, breakers))
    return _split_shared_suffix(cands, text, breakers)


def resolve_overlaps(cands: list[Candidate], order) -> list[Candidate]:
    """Greedy in the given order; the chosen spans never overlap."""
    chosen: list[Candidate] = []
    taken: set[int] = set()
    for c in sorted(cands, key=order):
        cells = set(range(c.start, c.end))
        if cells & taken:
            continue
        chosen.append(c)
        taken |= cells
    return sorted(chosen, key=lambda c: c.start)


def rules_only(cands: list[Candidate]) -> list[Candidate]:
    """The untrained choice: of overlapping candidates the most precise rule, then the longest."""
    return resolve_overlaps([c for c in cands if c.priority < 9], lambda c: (c.priority, -(c.end - c.start), c.start))


def rival_counts(cands: list[Candidate]) -> list[int]:
    """For each candidate, how many others overlap it: those starting before its end less those
    ending by its start (a sort and two bisections, not a pass over every pair)."""
    starts, ends = sorted(c.start for c in cands), sorted(c.end for c in cands)
    return [bisect_left(starts, c.end) - bisect_right(ends, c.start) - 1 for c in cands]


def candidate_features(text: str, cand: Candidate, rivals: int, kind: str | None) -> list[str]:
    """What says whether a rule's candidate is a name: the rule and its label, the span's length,
    ends and character pairs, the characters on either side, how many candidates compete for it
    (`rivals`) and the document's kind."""
    name, label, rule = text[cand.start:cand.end], cand.label, cand.rule
    before, after = text[max(0, cand.start - 2):cand.start], text[cand.end:cand.end + 2]
    return ["bias", f"rule={rule}", f"label={label}", f"rule={rule}|{label}", f"priority={cand.priority}",
            f"trim={cand.trim}", f"rivals={min(rivals, 3)}", f"kind={kind}", f"length={label}|{min(len(name), 12)}",
            f"head={label}|{name[-1:]}", f"head={label}|{name[-2:]}", f"first={label}|{name[:1]}",
            f"first={label}|{name[:2]}", f"before={before[-1:]}", f"before={before}", f"after={after[:1]}",
            f"after={after}", f"before={rule}|{before[-1:]}", f"after={rule}|{after[:1]}",
            *(f"pair={label}|{name[i:i + 2]}" for i in range(len(name) - 1))]


class EntityTagger(Pipe):
    """The rules and the lexicons as features of a character CRF that decides (see module doc)."""

    WORDS_FILE = "breaking_words.txt"
    TAGS_FILE = "word_tags.tsv"
    MODEL_FILE = "entities.crfsuite"
    VETTING_FILE = "rule_entities.json"

    def __init__(self, nlp: Language, name: str, *, c1: float, c2: float, max_iterations: int,
                 rule_threshold: float):
        self.name = name
        self.breaking: frozenset[str] = frozenset()
        self.breakers = NameBreakers.of(STOP_WORDS)
        self.word_tags: dict[str, str] = {}
        self.model = SequenceModel(c1, c2, max_iterations)
        self.rule_threshold = rule_threshold
        self.vetting = FeatureClassifier()  # is a candidate the tagger left alone a name?

    def __call__(self, doc: Doc) -> Doc:
        toks = Tokens.of(doc)
        cands = find_candidates(toks, doc._.context, self.breakers)
        if self.model.trained:
            found = []
            for s in self.model.tag(self.features(toks, cands)):  # in order, apart
                start, end = fit_quotes(toks.text, s.start, s.end, floor=found[-1][1] if found else 0)
                found.append((start, end, s.label, s.confidence))
            found = sorted(found + self.vetted(toks.text, cands, found, (doc._.context or {}).get("kind")))
        else:
            found = [(c.start, c.end, c.label, c.confidence) for c in rules_only(cands)]
        found = [(start, end, label, confidence) for s, e, label, confidence in found
                 for start, end in [fit_brackets(toks.text, s, e)]
                 if start < end and could_be_a_name(toks.text[start:end])
                 and not (label == "SCHOOL" and _generic_name(toks.text[start:end], SCHOOL_HEADS))]
        split_tokens_at(doc, (x for s, e, _, _ in found for x in (s, e)))
        spans = []
        for start, end, label, confidence in found:
            span = doc.char_span(start, end, label=label)
            if span is not None:
                span._.confidence = confidence
                spans.append(span)
        doc.ents = spans
        return doc

    def vetted(self, text: str, cands: list[Candidate], found: list[tuple[int, int, str, float]],
               kind: str | None) -> list[tuple[int, int, str, float]]:
        """The candidates overlapping nothing found that the vetting keeps, the likeliest first, apart."""
        if not self.vetting.trained:
            return []
        taken = {i for start, end, _, _ in found for i in range(start, end)}
        passing = {}  # id(candidate) -> its probability
        for c, rivals in zip(cands, rival_counts(cands)):
            if taken.isdisjoint(range(c.start, c.end)):
                p = self.vetting.probability(candidate_features(text, c, rivals, kind), ENTITY)
                if p >= self.rule_threshold:
                    passing[id(c)] = p
        kept = resolve_overlaps([c for c in cands if id(c) in passing], lambda c: (-passing[id(c)], c.start))
        return [(c.start, c.end, c.label, round(passing[id(c)], 3)) for c in kept]

    def features(self, toks: Tokens, cands: list[Candidate]) -> list[list[str]]:
        feats = char_window(toks.text)
        add_brackets(feats, toks.text)
        add_words(feats, toks.words, toks.starts, self.word_tags)
        add_spans(feats, ((s, e, "REGION") for s, e in longest_matches(toks.text, region_names())),
                  "gazetteer")
        add_spans(feats, ((c.start, c.end, c.label) for c in cands), "rule")
        add_spans(feats, ((c.start, c.end, f"{c.label}|{c.rule}") for c in cands), "rule")
        return feats

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *, nlp: Language | None = None,
                   corpus: str | None = None) -> None:
        """Read the People's Daily corpus (name breakers, word tags); with gold examples, fit the tagger
        on their entities (exact character spans), else stay with the rules."""
        counts = tag_counts(Path(corpus) if corpus else None)
        self._set_words(breaking_words(counts), word_tags(counts))
        self.model.from_bytes(b"")
        self.vetting = FeatureClassifier()
        examples = list(get_examples()) if get_examples else []
        if not any(eg.reference.ents for eg in examples):
            return
        paragraphs = []  # (tokens, candidates, gold spans, document kind)
        for eg in examples:
            toks, context = Tokens.of(eg.predicted), eg.predicted._.context or {}
            paragraphs.append((toks, find_candidates(toks, context, self.breakers),
                               sorted((e.start_char, e.end_char, e.label_) for e in eg.reference.ents),
                               context.get("kind")))
        self.model.fit((self.features(toks, cands), bioes(len(toks.text), gold))
                       for toks, cands, gold, _ in paragraphs)
        rows = [(candidate_features(toks.text, c, rivals, kind), (c.start, c.end, c.label) in gold)
                for toks, cands, gold, kind in paragraphs for c, rivals in zip(cands, rival_counts(cands))]
        self.vetting = FeatureClassifier().fit([row for row, _ in rows],
                                               [ENTITY if named else NOT_ENTITY for _, named in rows])

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return Scorer.score_spans(examples, "ents", **kwargs)

    def _set_words(self, breaking: set[str], tags: dict[str, str]) -> None:
        self.breaking = frozenset(breaking)
        self.breakers = NameBreakers.of(STOP_WORDS | self.breaking)
        self.word_tags = tags

    def to_bytes(self, *, exclude=()) -> bytes:
        return srsly.msgpack_dumps({"breaking": sorted(self.breaking), "tags": self.word_tags,
                                    "model": self.model.to_bytes(), "vetting": self.vetting.to_dict()})

    def from_bytes(self, data: bytes, *, exclude=()) -> "EntityTagger":
        msg = srsly.msgpack_loads(data)
        self._set_words(set(msg["breaking"]), msg["tags"])
        self.model.from_bytes(msg["model"])
        self.vetting = FeatureClassifier.from_dict(msg["vetting"])
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / self.WORDS_FILE).write_text("\n".join(sorted(self.breaking)), encoding="utf-8")
        (path / self.TAGS_FILE).write_text("".join(f"{w}\t{t}\n" for w, t in sorted(self.word_tags.items())),
                                           encoding="utf-8")
        if self.model.trained:
            (path / self.MODEL_FILE).write_bytes(self.model.to_bytes())
        if self.vetting.trained:
            self.vetting.to_disk(path / self.VETTING_FILE)

    def from_disk(self, path, *, exclude=()) -> "EntityTagger":
        path = Path(path)
        tags = dict(line.split("\t") for line in (path / self.TAGS_FILE).read_text(encoding="utf-8").splitlines())
        self._set_words(set((path / self.WORDS_FILE).read_text(encoding="utf-8").split()), tags)
        model = path / self.MODEL_FILE
        self.model.from_bytes(model.read_bytes() if model.is_file() else b"")
        self.vetting = FeatureClassifier.from_disk(path / self.VETTING_FILE)
        return self


@Language.factory("kg_entities", assigns=["doc.ents", "span._.confidence"],
                  default_config={"c1": 0.05, "c2": 0.05, "max_iterations": 150, "rule_threshold": 0.5},
                  default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None})
def make_entities(nlp: Language, name: str, c1: float, c2: float, max_iterations: int,
                  rule_threshold: float) -> EntityTagger:
    return EntityTagger(nlp, name, c1=c1, c2=c2, max_iterations=max_iterations, rule_threshold=rule_threshold)
