"""Goal spans (SCHEMA.md section 2) and their parsed fields, by rules.

A goal is found clause by clause: a clause (text between ，；：。 outside
brackets and quotes) is a goal when it states a quantity with a unit, a rank
(前3, 第一, 冠军) or a non-numeric target (全覆盖, 投入使用, 创成, 零事故…).
The span is the clause without what SCHEMA leaves out: commitment cues
(力争, 确保, 要…), a leading date, a leading subject (海门中学要…), and
trailing fillers (…目标, …工作).  A span's confidence is how often its rule
was right on the seed gold (RULE_CONFIDENCE), so downstream code can rank or
filter goals.  `find_goals` finds the goals of a paragraph (the rules alone); `parse_span` reads
the fields of a span the learned tagger found (kg.nlp.components.goals).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.ingest.structure import sentence_at, split_sentences
from kg.records import Goal
from kg.schema import GoalStatus
from kg.zh import fold_width
from kg.zh.dates import find_dates
from kg.zh.markers import MARKER
from kg.zh.metrics import SHARE_BASE, metric_name
from kg.zh.numbers import NUMBER, Quantity, find_quantities, parse_number

# A span's confidence: the precision of its rule on the seed gold (IoU >= 0.5), shrunk towards the
# precision the rule had before it was tuned on that gold (in brackets), as unseen text falls between.
RULE_CONFIDENCE = {
    "comparator": 0.9,  # a quantity with 不少于/达到/突破/以上/余…: 42/43 (0.79)
    "count": 0.8,  # a bare quantity: 新增5所…, 培养200名…: 81/87 (0.60)
    "rank": 0.85,  # 前3, 第1, 全省第一, 冠军: 9/9 (0.73)
    "milestone": 0.85,  # 投入使用, 交付, 启用, 开工建设, 创成: 10/10 (1.0)
    "coverage": 0.8,  # 全覆盖, 纳管, 配齐: 10/10 (0.64)
    "award": 0.8,  # 获评, 入选, 成功申报, 争创…: 14/15 (0.71)
    "zero": 0.8,  # 零事故, 消除大班额, 不出现: 5/5 (0.57)
    "trend": 0.7,  # 领先, 名列前茅, 有新突破, 只增不减: 15/17 (0.72)
}

_OPEN, _CLOSE = "（(“‘《「[【", "）)”’》」]】"
_CLAUSE_END = set("，,；;：:。！？!?")
_COORDINATORS = "、;和及与并"  # between two targets of one clause (in the folded text: ； is ;)
_SECTION_MARK = re.compile(rf"^\s*(?:{MARKER}|[.．])\s*")
# Left out of a span where they lead it: commitment cues, adverbs and framing verbs.
_LEAD = re.compile(
    r"^(?:力争|确保|争取|争创|努力|力求|实现|计划|预计|要|将|并|且|同时|其中|也|还|再次|再|顺利|能够|"
    r"全面|进一步|继续|持续|积极|切实|全力|着力|保障|切实保障|严格落实|落实|严格执行|统筹协调|用于|"
    r"帮助|让|使|向|围绕|推进|以|在(?=[^，,]{0,3}年)|到|至|于)")
_INSTITUTION = (r"(?:学校|中学|小学|幼儿园|高中部|初中部|小学部|学院|大学|开放大学|中心|教育局|体育局|局|"
                r"女足|男足|[^，,、]{0,4}队|社区|[区市县镇乡])")
# A named subject the goal is set for (SCHEMA: the goal span leaves it out): 海门中学要…, 光华学校成功…
_SUBJECT = re.compile(
    rf"^(?:《[^》]+》|[^，,；;。“”《》]{{2,24}}?{_INSTITUTION})(?:要|将)?(?:继续|进一步)?"
    r"(?=获|成功|投入|投用|年内|创建|创成|启用|交付|保持|在|申报|入选|开工|通过)")
_LIST_SUBJECT = re.compile(r"^[^，,；;。]{2,40}?等(?=\s*(?:\d|[一二三四五六七八九十两]+[个所名人项]))")
_TRAIL = re.compile(r"(?:的?目标.*|工作|要求|制度|任务|等|的)$")

_GE = r"达到|达|不少于|不低于|不小于|至少|提高到|提升到|提高至|提升至|增加到|增至|累计达到|均达到"
_GT = r"突破|超过|超|逾|多于|高于|大于"
_LT = r"近|不到|不足|少于|低于"
_LE = r"不超过|不高于|控制在|以内"
# 不低于总经费的30%: the comparator is written before the base the share is of.
_BEFORE_CMP = re.compile(
    rf"(?P<ge>(?:{_GE})|(?:至少|最少)[^\d，,]{{0,4}}|(?:不少于|不低于|不小于){SHARE_BASE}的)$|(?P<gt>{_GT})$|(?P<lt>{_LT})$"
    rf"|(?P<le>{_LE}|(?:不超过|不高于){SHARE_BASE}的)$|(?P<eq>为)$")
_AFTER_CMP = re.compile(r"\s*(?:(?P<ge>以上)|(?P<le>以下|以内)|(?P<eq>左右))")

_RANK = re.compile(
    rf"前\s*(?P<top>{NUMBER})\s*(?:名|位)?(?=\s*$|、|的?目标)"
    rf"|第\s*(?P<nth>{NUMBER})\s*(?:(?:名|位)(?=\s*$|、|的?目标)|(?=\s*$|的?目标))"
    r"|(?P<champ>冠军|金奖)")
_RANK_CONTEXT = re.compile(r"排名|名次|全[省市国区县]|大市|省|市|力争|保持|进入|获")
_ZERO_COUNT = r"零(?:事故|反弹|伤亡|发案|违规|投诉|辍学)"  # a count of nought: 零事故, 零辍学
_NON_NUMERIC = (
    ("coverage", re.compile(r"(?:全覆盖|全面覆盖|纳管|配齐|应学尽学)(?![^，,]*(?:政策|行动|计划|机制|工程|的基础))")),
    ("milestone", re.compile(r"投入使用|投用|启用|交付|开工建设|竣工|完工|创成|创建成|建成并|"
                             r"通过[^，,]{0,15}(?:评估|验收|认定|评审|复核)")),
    ("zero", re.compile(rf"{_ZERO_COUNT}|(?:全面|基本|彻底)消除|"
                        r"消除(?:大班额|大校额|危房|隐患)|不出现|不让[^，,]*失学")),
    ("award", re.compile(r"获评|入选|成功申报|申报成功|成功创建|争创|获得“|获得[^，,]{0,12}(?:项目|称号|表彰)|"
                         r"取得[^，,]{0,12}表彰|在[^，,]{0,10}获奖")),
    ("trend", re.compile(r"领先|名列前茅|(?:走在|位居|位于|处于|保持)[^，,]{0,6}前列|上有突破|有新?突破|取得新突破|创历史新高|只增不减|增速不减|"
                         r"稳增长|大幅(?:上升|提升|提高)|更多[^，,]{0,10}(?:进入|落户)|满足[^，,]{0,12}要求")),
)
# A quantity here is not a target: activities held, press coverage, baselines, one project's specs.
_NOT_TARGET = re.compile(
    r"开展|召开|举办|举行|研讨|推送|报送|发布|编印|录用|浏览|阅读量|点击|媒体|调研|督查|检查|评估|"
    r"处置|受理|办理|接待|信访|接受|依托|(?<!成功)申报(?!成功)|加快(?:推进|推动|建设)|在建|"
    r"拥有|占地|建筑面积|总投资|规划"
)
# A sentence that opens with these, or a clause that has them, states a baseline: 目前,全区…有1所、…
_BASELINE = re.compile(r"目前|现有|共有|已有|截至")
# Comparators that make a quantity a target even in a clause about activities (每年至少开展1次).
_STRONG_CMP = re.compile(r"不少于|不低于|不小于|至少|最少|以上|不超过|不高于|控制在|以内")
# Units that count activities or issues, never a target by themselves.
_ACTIVITY_UNITS = {"期"}
_ORDINAL = re.compile(r"第\s*$")
# A sentence that is only a heading (1.资源建设扎实推进。 二是…要有新突破。) states no goal.
_HEADING = re.compile(rf"^\s*{MARKER}[^，,；;]{{0,16}}[。；;]?\s*$")
_MEDAL = "枚"


@dataclass
class _Sentence:
    """One sentence of a paragraph and what its clauses need: the (normalized) paragraph text,
    bracket nesting, the dates written in the sentence, and the paragraph's frame year and status."""

    text: str
    start: int
    inside: Sequence[str]
    date_spans: list[tuple[int, int]]  # every date expression, left out of quantities and spans
    due_dates: list[tuple[int, int, int]]  # dates that can be a deadline, with their year
    frame_year: int | None
    status: str
    baseline: bool = False  # a clause before stated a baseline (全县共有学校126所,在校生8.6万人)


@dataclass
class _Found:
    start: int
    end: int
    rule: str
    comparator: str
    value: int | float | None = None
    unit: str | None = None
    quantity: Quantity | None = None
    exact: bool = False  # the span is final (a medal count), not a clause to trim


@lru_cache(maxsize=64)
def _inside_brackets(text: str) -> tuple[str, ...]:
    """For each character, the opening bracket, quote or 《 of the outermost matched pair around it ("" if none).
    Read once per paragraph: the rules, the clause features and each tagged span's parse all ask."""
    inside = [""] * len(text)
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE and stack and _OPEN.index(text[stack[-1]]) == _CLOSE.index(ch):
            start = stack.pop()
            for k in range(start + 1, i):
                inside[k] = text[start]
    return tuple(inside)


def _clauses(text: str, start: int, end: int, inside: Sequence[str]) -> list[tuple[int, int]]:
    out, s = [], start
    for i in range(start, end):
        if text[i] in _CLAUSE_END and not inside[i]:
            if i > s:
                out.append((s, i))
            s = i + 1
    if end > s:
        out.append((s, end))
    return out


def _has_signal(text: str) -> bool:
    if _RANK.search(text) or any(q.unit for q in find_quantities(text)):
        return True
    return any(p.search(text) for rule, p in _NON_NUMERIC if rule != "award")


def _split_list(text: str, start: int, end: int, inside: Sequence[str], separators: str = "、"
                ) -> list[tuple[int, int]]:
    """Split a clause at a separator where both sides state a target (先进单位41所、先进个人47人)."""
    out, s = [], start
    for i in range(start, end):
        if text[i] in separators and not inside[i] and _has_signal(text[s:i]) and _has_signal(text[i + 1:end]):
            out.append((s, i))
            s = i + 1
    out.append((s, end))
    return out


def _strip(text: str, s: int, e: int, dates: list[tuple[int, int]], keep_subject: bool) -> tuple[int, int]:
    """Move (s, e) past what a goal span leaves out at its edges."""
    while s < e:
        piece = text[s:e]
        if piece[0].isspace() or piece[0] in "、":
            s += 1
            continue
        m = _SECTION_MARK.match(piece) or _LEAD.match(piece) or _LIST_SUBJECT.match(piece)
        if not m and not keep_subject:
            m = _SUBJECT.match(piece)
        date = next((d for d in dates if d[0] == s), None)
        if date:
            s = date[1]
            while s < e and text[s] in "前底内起,，":
                s += 1
            continue
        if m and m.end() > 0 and m.end() < len(piece):
            s += m.end()
            continue
        break
    while e > s:
        m = _TRAIL.search(text[s:e])
        if m and m.start() > 0:
            e = s + m.start()
            continue
        if text[e - 1].isspace():
            e -= 1
            continue
        break
    return s, e


_CMP = {"ge": ">=", "gt": ">", "lt": "<", "le": "<=", "eq": "="}


def _after_comparator(text: str, q: Quantity, end: int) -> str:
    """What follows a quantity up to `end`, past a 以上/以下/左右 written right after it."""
    m = _AFTER_CMP.match(text, q.end, end)
    return text[m.end() if m else q.end:end].strip()


def _comparator(text: str, q: Quantity, clause_start: int) -> str | None:
    """The comparator written with a quantity (SCHEMA: a range is >= its lower bound, 余/多 is >,
    以上 is >=, 左右 is =…), None for a bare number (which means =)."""
    if q.upper is not None and q.unit:
        return ">="
    if q.approx:
        return ">"
    m = _AFTER_CMP.match(text, q.end) or _BEFORE_CMP.search(text[clause_start:q.start].rstrip())
    return _CMP[m.lastgroup] if m else None


def _metric(text: str, s: int, e: int, q: Quantity | None, rank: re.Match | None) -> str:
    """What is measured, as a comparable phrase (kg.zh.metrics): 清华北大录取不少于8人 → 清华北大录取人数."""
    return metric_name(text, s, e, q, (rank.start(), rank.end()) if rank is not None else None)


def _is_target_quantity(text: str, q: Quantity, s: int, e: int) -> bool:
    """Whether a number in a clause can be a target: not an ordinal, a code, an idiom (一批, 一个)
    or a baseline (有6所), and unit-less only as a bare total after a comparator (突破5万)."""
    written = text[q.start:q.end]
    before = text[s:q.start].rstrip()
    if _ORDINAL.search(before) or before.endswith("有") or len(re.sub(r"\D", "", written)) >= 8:
        return False
    if not written[0].isdigit() and not written.startswith("百分之"):
        # Chinese numerals are idioms more often than counts: 一批, 两个维护, 五次全会.
        if not (_STRONG_CMP.search(before) or q.value >= 10 or re.search(r"每[^\d，,]{1,2}$", before)):
            return False
    if q.unit is None:
        rest = _after_comparator(text, q, e)
        return bool(_BEFORE_CMP.search(before)) and (not rest or bool(re.search("[万亿]", written)))
    return True


def _main_quantity(text: str, s: int, e: int, dates: list[tuple[int, int]],
                   inside: Sequence[str]) -> tuple[Quantity | None, str | None]:
    """The quantity a clause states as its target, and the comparator that marks it (or None)."""
    best, best_cmp = None, None
    for q in find_quantities(text[s:e]):
        q = replace(q, start=q.start + s, end=q.end + s)
        if inside[q.start] or any(d0 <= q.start < d1 for d0, d1 in dates):
            continue
        if not _is_target_quantity(text, q, s, e):
            continue
        cmp = _comparator(text, q, s)
        if best is None or (cmp is not None and best_cmp is None):
            best, best_cmp = q, cmp
    return best, best_cmp


def _rank(clause: str, around: str) -> re.Match | None:
    """A rank the clause sets (前3, 第一, 冠军), where the text `around` it says what is ranked."""
    rank = _RANK.search(clause)
    return rank if rank and (rank["champ"] or _RANK_CONTEXT.search(around)) else None


def _rank_value(rank: re.Match) -> int | float:
    num = rank["top"] or rank["nth"]
    return parse_number(num) if num else 1


def _medals(text: str, s: int, e: int) -> list[Quantity]:
    """1金2银1铜: each medal count is a goal of its own."""
    qs = [q for q in find_quantities(text[s:e]) if q.unit == _MEDAL]
    return [Quantity(q.start + s, q.end + s, q.value, q.unit) for q in qs] if len(qs) > 1 else []


def _year(dates: list[tuple[int, int, int]], s: int, e: int, default: int | None) -> int | None:
    """The date written in the sentence nearest before the goal, else inside it, else after it."""
    before = [d for d in dates if d[1] <= s]
    within = [d for d in dates if s <= d[0] < e]
    after = [d for d in dates if d[0] >= e]
    for group in (before[::-1], within, after):
        if group:
            return group[0][2]
    return default


def clause_spans(text: str) -> list[tuple[int, int]]:
    """The clauses of a paragraph (split at ，；：。 outside brackets and quotes, and at 、 between
    two targets), as character spans: where the rules look for goals."""
    norm = fold_width(text)
    inside = _inside_brackets(norm)
    return [piece for ss, se in split_sentences(norm) for cs, ce in _clauses(norm, ss, se, inside)
            for piece in _split_list(norm, cs, ce, inside)]


def split_targets(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span the tagger found that coordinates targets (建成6个责任区和40个学前教育集团) as one goal per
    target, the minimal clause SCHEMA asks for: split where a list mark or a conjunction outside brackets
    has a target on both sides."""
    norm = fold_width(text)
    return _split_list(norm, start, end, _inside_brackets(norm), _COORDINATORS)


def _sentence(norm: str, inside: Sequence[str], ss: int, se: int, context: dict) -> _Sentence:
    frame_year = context.get("year") or context.get("doc_year")
    dates = [(d.start + ss, d.end + ss, d.year) for d in find_dates(norm[ss:se], frame_year)]
    # A year inside a title (《2022年…》) or naming a plan (“十四五”规划) is no deadline.
    due = [d for d in dates if d[2] is not None and inside[d[0]] != "《"
           and not re.match(r"”?(?:规划|课题)", norm[d[1]:d[1] + 3])]
    return _Sentence(norm, ss, inside, [(d[0], d[1]) for d in dates], due, frame_year,
                     context.get("status") or GoalStatus.PLANNED, baseline=bool(_BASELINE.match(norm, ss, ss + 4)))


def find_goals(text: str, context: dict | None = None) -> list[Goal]:
    """Goals of one paragraph, numbered in order, each with its rule's confidence; `context` is
    `doc._.context` (year, doc_year, status, metadata) or None: then only dates written in the sentence
    give a year, and the status is "planned"."""
    return [goal for _, goal in find_goals_by_rule(text, context)]


def find_goals_by_rule(text: str, context: dict | None = None) -> list[tuple[str, Goal]]:
    """`find_goals`, each goal with the name of the rule that found it (a feature of the tagger)."""
    context = context or {}
    if context.get("metadata"):
        return []  # a website line (title, 发布时间…) states no goal
    norm = fold_width(text)
    inside = _inside_brackets(norm)
    goals: list[tuple[str, Goal]] = []
    for ss, se in split_sentences(norm):
        if _HEADING.match(norm[ss:se]):
            continue
        sent = _sentence(norm, inside, ss, se, context)
        for cs, ce in _clauses(norm, ss, se, inside):
            for ps, pe in _split_list(norm, cs, ce, inside):
                for rule, goal in _clause_goals(sent, ps, pe, norm[cs:ce]):
                    if not goal.metric and goals:  # 保持前3、力争第1: the item shares the metric before it
                        goal.metric = goals[-1][1].metric
                    goal.id = len(goals)
                    goals.append((rule, goal))
    return goals


def _marker(pattern: re.Pattern, text: str, cs: int, ce: int, inside: Sequence[str]) -> bool:
    """A marker counts outside quotes and brackets, or inside ones that close the clause (党建“两个全覆盖”)."""
    for m in pattern.finditer(text, cs, ce):
        if re.search(r"(?:未|尚未|没有|已|已经)$", text[cs:m.start()]) or re.search(r"的[^，,的]{1,4}$", text[m.end():ce]):
            continue  # 未入选…, 已经入选…的学校: negated, already done, or a modifier of a noun
        if not inside[m.start()] or not re.search(r"[^”’）)》」\s]", text[m.end():ce]):
            return True
    return False


def _find(sent: _Sentence, cs: int, ce: int, full: str) -> list[_Found]:
    """Which rule makes the clause text[cs:ce] a goal, with its comparator, value and unit."""
    text = sent.text
    clause = text[cs:ce]
    q, cmp = _main_quantity(text, cs, ce, sent.date_spans, sent.inside)
    baseline = sent.baseline or bool(_BASELINE.search(full))
    if baseline and q is not None:
        sent.baseline = True  # the statistics that follow in the sentence are baseline too
    rank = _rank(clause, clause)
    if rank and (q is None or cmp is None):
        return [_Found(cs, ce, "rank", "rank<=", _rank_value(rank), "名")]
    if q is not None:
        if not (_STRONG_CMP.search(clause)
                or not (_NOT_TARGET.search(full) or baseline or q.unit in _ACTIVITY_UNITS)):
            return []
        medals = _medals(text, cs, ce)
        if medals:
            return [_Found(m.start, m.end, "count", "=", m.value, m.unit, m, exact=True) for m in medals]
        return [_Found(cs, ce, "comparator" if cmp is not None else "count", cmp or "=", q.value, q.unit, q)]
    if baseline:
        return []
    for rule, pattern in _NON_NUMERIC:
        if _marker(pattern, text, cs, ce, sent.inside):
            if rule == "zero" and "零" in clause:  # 零事故: a count of nought
                return [_Found(cs, ce, rule, "=", 0)]
            return [_Found(cs, ce, rule, "none")]
    return []


def _clause_goals(sent: _Sentence, cs: int, ce: int, full: str) -> list[tuple[str, Goal]]:
    """Goals of one clause (or one item of a 、 list); `full` is the whole clause."""
    text = sent.text
    out = []
    for f in _find(sent, cs, ce, full):
        q = f.quantity
        span = (f.start, f.end)
        if not f.exact:
            span = _strip(text, f.start, f.end, sent.date_spans, keep_subject=q is not None)
            if q is not None and not (span[0] <= q.start and q.end <= span[1]):
                span = _strip(text, f.start, f.end, [], keep_subject=True)
        if span[1] <= span[0]:
            continue
        year = _year(sent.due_dates, span[0], span[1], sent.frame_year)
        rank = _RANK.search(text, span[0], span[1]) if f.rule == "rank" else None
        metric = _metric(text, span[0], span[1], q, rank)
        out.append((f.rule, Goal(0, span[0], span[1], metric, f.comparator, f.value, f.unit, year,
                                 _status(sent, span[0], year), RULE_CONFIDENCE[f.rule])))
    return out


def _status(sent: _Sentence, start: int, year: int | None) -> str:
    if "预计" in sent.text[sent.start:start]:
        return GoalStatus.PLANNED  # 预计新增学位…: a forecast inside a report
    if sent.status == GoalStatus.PLANNED and sent.frame_year and year and year < sent.frame_year and any(
            d[1] <= start for d in sent.due_dates):
        return GoalStatus.ACHIEVED  # 2023年,…创历史新高 in a 2024 plan: last year's result
    return sent.status


def parse_span(text: str, start: int, end: int, context: dict | None = None, confidence: float = 1.0) -> Goal:
    """The goal whose span is already known (the learned tagger found it): the quantity,
    comparator, rank or non-numeric target the rules read inside it, its metric, and the rules'
    year and status."""
    context = context or {}
    norm = fold_width(text)
    inside = _inside_brackets(norm)
    ss, se = sentence_at(split_sentences(norm), start, len(norm))
    sent = _sentence(norm, inside, ss, se, context)
    clause = norm[start:end]
    q, cmp = _main_quantity(norm, start, end, sent.date_spans, inside)
    rank = _rank(clause, norm[ss:end])
    if rank and (q is None or cmp is None):
        comparator, value, unit, q = "rank<=", _rank_value(rank), "名", None
        rank = _RANK.search(norm, start, end)
    elif q is not None:
        comparator, value, unit, rank = cmp or "=", q.value, q.unit, None
    elif re.search(_ZERO_COUNT, clause):
        comparator, value, unit = "=", 0, None
    else:
        comparator, value, unit = "none", None, None
    year = _year(sent.due_dates, start, end, sent.frame_year)
    return Goal(0, start, end, _metric(norm, start, end, q, rank), comparator, value, unit, year,
                _status(sent, start, year), confidence)
