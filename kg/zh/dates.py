"""The one date grammar: time expressions as the documents write them, and the year each one places.

Every reader of dates uses it: the DATE entity rule, the goals' years, the document metadata
(published date, the title's year or years, a heading's year) and entity resolution.  SCHEMA
section 1 says what a DATE is: years (2024年, 二〇二四年, 2024年底, 2024年秋季学期), ranges
(2021—2025年: due at its end), full and month-day dates (2024-03-06, 2024年3月6日, 1月20日),
five-year plans (“十四五”, 第十四个五年: their last year) and periods that point at a definite
time, resolved from the year that frames the paragraph (今年, 去年, 年底, 过去一年, 一年来,
下半年, 暑期); not durations (三年, 每年), not vague periods (近年来), not the year inside a
document number (东教发〔2022〕3号).

jionlp's time parser was weighed against this grammar and not taken: it parses neither the
five-year plans nor 年内, its extraction proposes dates inside document numbers (〔2022〕,
3号), and it brings a 16 MB wheel, a segmenter of its own and about a second of import and
warm-up time.  A bare year (2024 without 年) is a date only where a whole expression is read
(`bare=True`: a mention, a title, a heading), never in running text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.zh import fold_width
from kg.zh.numbers import parse_number

_YEAR = r"(?:19|20)\d{2}(?!\d)"
_CN_DIGIT = "〇零一二三四五六七八九"
_CN_YEAR = rf"(?<![{_CN_DIGIT}十])[{_CN_DIGIT}]{{4}}(?![{_CN_DIGIT}十])"
_ANY_YEAR = rf"(?<!\d)(?:{_YEAR}|{_CN_YEAR})"
_DASH = r"[—–\-－~～至到]"
# What may follow a year or a relative year word and still belong to the date: a part of the year.
_SEASON = r"(?:[上下]半年|[春秋]季学期|[上下]学期|暑期|寒假|暑假)"  # a part of a year, also written alone
_OF_YEAR = rf"(?:{_SEASON}|[春秋]季|教师节)"  # a part of a year written after it
_PART = rf"(?:年底|年末|年初|年内|年度|年)(?:{_OF_YEAR}|底|末|初)?"
# Relative words, by how many years they lie from the year that frames the paragraph.
_RELATIVE = {"今年": 0, "本年度": 0, "本年": 0, "当年": 0, "年内": 0, "全年": 0, "年底": 0, "年末": 0, "年初": 0,
             "新的一年": 0, "新一年": 0, "过去一年": 0, "一年来": 0, "明年": 1, "来年": 1, "次年": 1, "后年": 2,
             "去年": -1, "上年": -1, "前年": -2}
_NOT_AFTER_NUMERAL = r"(?<![〇零一二三四五六七八九十两几近数多])"  # 十一年来, 三年内 are durations
_RELATIVE_WORD = ("(?:" + "|".join(
    (_NOT_AFTER_NUMERAL if word.startswith(("一", "过去", "年")) else "") + re.escape(word)
    for word in sorted(_RELATIVE, key=len, reverse=True)) + r")(?!级)")  # 全年级, 新一年级 are grades

_GRAMMAR = (
    # 2021—2025年, 2021年-2025年, 2023年至2028年, 2018—2019学年度: due at the end year
    rf"(?P<range>(?P<r1>{_ANY_YEAR})\s*年?度?\s*{_DASH}+\s*(?P<r2>{_ANY_YEAR})\s*(?:学年度?|年度?)"
    rf"|(?P<bare_range>(?P<b1>{_YEAR})\s*{_DASH}+\s*(?P<b2>{_YEAR})))"
    # 2024-03-06, 2024/3/6, 2024.03.06, 2024年3月6日
    rf"|(?P<day>(?P<dy>{_ANY_YEAR})\s*(?P<dsep>[-/.]|年)\s*(?P<dm>\d{{1,2}})\s*(?:(?P=dsep)|月)\s*(?P<dd>\d{{1,2}})"
    r"(?!\d)(?:\s*日)?)"
    # 2025年9月
    rf"|(?P<month>(?P<my>{_ANY_YEAR})\s*年\s*(?P<mm>\d{{1,2}})\s*月(?!\d))"
    # 2024年, 2024 年底, 二〇二四年, 2024年秋季学期
    rf"|(?P<year>(?P<y>{_ANY_YEAR})\s*{_PART})"
    # “十四五” (its quotes left out), 第十四个五年
    r"|(?P<plan>(?<![一二三四五六七八九十])十(?P<pn>[一二三四五六七八九])五(?![一二三四五六七八九十]))"
    r"|(?P<plan_long>第十(?P<pl>[一二三四五六七八九])个五年)"
    # 1月20日, 今年4月, 去年9月
    rf"|(?P<month_day>(?<![\d年月])(?P<md_m>\d{{1,2}})\s*月\s*(?P<md_d>\d{{1,2}})\s*日)"
    rf"|(?P<relative>(?P<rel>{_RELATIVE_WORD})(?:\s*(?P<rel_m>\d{{1,2}})\s*月(?!\d)|{_OF_YEAR})?)"
    # 暑期, 下半年: a part of the paragraph's year
    rf"|(?P<period>(?<![年\d]){_SEASON})"
)
_BARE = rf"|(?P<bare>(?<![〔\[［【(（\d])(?P<by>{_YEAR}))(?![〕\]］】)）年\d])"
# A range cut short, as titles are: 五年行动计划(2021—
_OPEN = rf"|(?P<open>(?P<oy>{_YEAR})\s*年?\s*{_DASH}+)"
_DATES = re.compile(_GRAMMAR)
_DATES_BARE = re.compile(_GRAMMAR + _OPEN + _BARE)

# Kinds of date, by what they name.
RANGE, DAY, MONTH, YEAR, PLAN, RELATIVE, OPEN = "range", "day", "month", "year", "plan", "relative", "open"


@dataclass(frozen=True)
class DateMention:
    """A time expression at [start, end) of the text; `year` is the year it is due or falls in (a range's
    last year), None for a relative one when no context year is known."""

    start: int
    end: int
    year: int | None
    kind: str  # RANGE, DAY, MONTH, YEAR, PLAN, RELATIVE (a word or a month-day read against the context) or OPEN
    first_year: int | None = None  # a range's or a five-year plan's first year
    month: int | None = None
    day: int | None = None


def five_year_plan_end(ordinal: int) -> int:
    """Last year of the Nth national five-year plan (十四五 → 2025); valid from the third on."""
    return 1955 + 5 * ordinal


def _year(digits: str) -> int:
    return int(digits) if digits.isdigit() else int(parse_number(digits))


def _mention(m: re.Match, context_year: int | None) -> DateMention | None:
    kind = m.lastgroup
    if kind == "range":  # the bare range (2018-2020) is an alternative inside this group
        first, last = (m["r1"], m["r2"]) if m["r1"] else (m["b1"], m["b2"])
        return DateMention(m.start(), m.end(), _year(last), RANGE, first_year=_year(first))
    if kind == "day":
        month, day = int(m["dm"]), int(m["dd"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return DateMention(m.start(), m.end(), _year(m["dy"]), DAY, month=month, day=day)
    if kind == "month":
        month = int(m["mm"])
        return DateMention(m.start(), m.end(), _year(m["my"]), MONTH, month=month) if 1 <= month <= 12 else None
    if kind == "year":
        return DateMention(m.start(), m.end(), _year(m["y"]), YEAR)
    if kind == "bare":
        return DateMention(m.start(), m.end(), int(m["by"]), YEAR)
    if kind == "open":
        return DateMention(m.start(), m.end(), int(m["oy"]), OPEN, first_year=int(m["oy"]))
    if kind in ("plan", "plan_long"):
        end = five_year_plan_end(10 + int(parse_number(m["pn"] or m["pl"])))
        return DateMention(m.start(), m.end(), end, PLAN, first_year=end - 4)
    if kind == "month_day":
        month, day = int(m["md_m"]), int(m["md_d"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return DateMention(m.start(), m.end(), context_year, RELATIVE, month=month, day=day)
    offset = _RELATIVE[m["rel"]] if kind == "relative" else 0
    month = int(m["rel_m"]) if kind == "relative" and m["rel_m"] else None
    year = context_year + offset if context_year is not None else None
    return DateMention(m.start(), m.end(), year, RELATIVE, month=month)


def find_dates(text: str, context_year: int | None = None, *, bare: bool = False) -> list[DateMention]:
    """The dates written in `text`, in order, with the year each places ("relative" ones from
    `context_year`); `bare`: also a year written without 年 (a title's 2024, a heading's, a mention's)."""
    return list(_dates(text, context_year, bare))


@lru_cache(maxsize=2048)
def _dates(text: str, context_year: int | None, bare: bool) -> tuple[DateMention, ...]:
    """Read once per text: the rules, the taggers' features and the goal years all ask."""
    found = (_mention(m, context_year) for m in (_DATES_BARE if bare else _DATES).finditer(fold_width(text)))
    return tuple(d for d in found if d is not None)


def first_date(text: str, *, bare: bool = True) -> DateMention | None:
    """The first date in `text` that places something in a year without a context year (a title, a
    heading, a website field): relative ones are left out."""
    return next((d for d in find_dates(text, bare=bare) if d.year is not None), None)


def date_year(text: str, context_year: int | None = None) -> int | None:
    """The year a date mention stands for: its first date's (到2025年 → 2025, “十四五” → 2025,
    明年 → context + 1, a bare 2024 → 2024), None when it holds no date."""
    years = [d.year for d in find_dates(text, context_year, bare=True) if d.kind != OPEN]
    return years[0] if years else None
