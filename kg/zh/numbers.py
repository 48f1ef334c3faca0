"""Numbers, quantities and years as the documents write them.

Chinese numerals go through cn2an; this module adds what the documents
need around it: full-width digits, magnitudes after Arabic digits (5万),
approximation marks between number and unit (500余万元), percentages
(百分之九十五, 30%) and year expressions resolved against the year that
frames a paragraph (今年, “十四五”, 2021—2025年).  Pure functions; offsets
are character offsets into the text given, which `normalize` never shifts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

_FULLWIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")

CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
# An Arabic number (with an optional magnitude written after it) or a run of Chinese numerals.
NUMBER = rf"(?:\d+(?:\.\d+)?|[{CN_NUMERAL}]+)"

# Measure words a target is counted in, longest first so 人次 wins over 人.
UNITS = (
    "平方米", "人次", "小时", "课时", "学时", "分钟", "个百分点",
    "人", "名", "所", "个", "次", "篇", "项", "节", "元", "条", "期", "家", "支", "门", "本", "册",
    "套", "台", "间", "座", "处", "位", "批", "场", "枚", "件", "部", "种", "对", "户", "亩",
    "金", "银", "铜", "%",
)
# Medals are counted as 枚 (1金2银 → two quantities of 枚).
_UNIT_ALIASES = {"金": "枚", "银": "枚", "铜": "枚"}
_MAGNITUDE = {"": 1, "十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}

_QUANTITY = re.compile(
    rf"(?P<pct>百分之(?P<pctnum>{NUMBER}))"
    rf"|(?P<num>{NUMBER})(?:\s*(?P<sep>[-~～—–至到])\s*(?P<num2>{NUMBER}))?"
    rf"\s*(?P<approx>余|多)?(?P<mag>[十百千万亿]?)\s*(?P<unit>{'|'.join(map(re.escape, UNITS))})?"
)


def normalize(text: str) -> str:
    """Full-width digits, ％ and ． to ASCII; one character for one, so offsets hold."""
    return text.translate(_FULLWIDTH)


def _plain(value: float) -> int | float:
    value = round(float(value), 6)  # 16.1 * 10000 is 161000.00000000003
    return int(value) if value.is_integer() else value


def parse_number(text: str) -> int | float:
    """8, 8.5, 二百, 两千, 一万二, 5万, 1.2亿, ８ → the number; ValueError otherwise."""
    raw = normalize(text).strip()
    if raw.startswith("百分之"):
        raw = raw[3:]
    if raw[:1] in ("百", "千"):  # 百分之百, 千余: a leading magnitude means one of it
        raw = "一" + raw
    try:
        return _plain(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"not a number: {text!r}") from err


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as written: `approx` is 余/多 between them, `upper` a range's end."""

    start: int
    end: int
    value: int | float
    unit: str | None
    approx: str | None = None
    upper: int | float | None = None


def _quantity(m: re.Match) -> Quantity | None:
    try:
        if m["pct"]:
            return Quantity(m.start(), m.end(), parse_number(m["pctnum"]), "%")
        magnitude = _MAGNITUDE[m["mag"]]
        value = _plain(parse_number(m["num"]) * magnitude)
        upper = _plain(parse_number(m["num2"]) * magnitude) if m["num2"] else None
    except ValueError:
        return None
    unit = _UNIT_ALIASES.get(m["unit"], m["unit"]) if m["unit"] else None
    end = m.end()
    if not m["unit"] and not m["mag"] and not m["approx"]:
        end = m.end("num2") if m["num2"] else m.end("num")
    return Quantity(m.start(), end, value, unit, m["approx"], upper)


def parse_quantity(text: str) -> Quantity | None:
    """The quantity that makes up all of `text` (5万人次, 百分之九十五, 30%, 3-5所), else None."""
    m = _QUANTITY.fullmatch(normalize(text).strip())
    return _quantity(m) if m else None


def find_quantities(text: str) -> list[Quantity]:
    """Every Arabic number, and every Chinese numeral followed by a unit, in `text`.

    A bare run of Chinese numerals is not a quantity (一是, 一体化, 十四五), so
    Chinese numerals count only with a unit or as 百分之….
    """
    out = []
    for m in _QUANTITY.finditer(normalize(text)):
        is_arabic = m["num"] is not None and m["num"][0].isdigit()
        if not (m["pct"] or is_arabic or m["unit"]):
            continue
        q = _quantity(m)
        if q is not None:
            out.append(q)
    return out


# --- years -----------------------------------------------------------------

_YEAR = r"(?:19|20)\d{2}"
_CN_YEAR = "[零〇一二三四五六七八九]{4}"
_YEAR_SUFFIX = r"(?:年底|年末|年初|年内|年度|年)(?:[上下]半年|[上下]学期|[春秋]季|底|末|初)?"
_DATES = re.compile(
    rf"(?P<range>(?P<y1>{_YEAR})\s*年?\s*[—–\-－~～至到]\s*(?P<y2>{_YEAR})\s*年)"
    rf"|(?P<iso>(?P<iy>{_YEAR})-\d{{1,2}}-\d{{1,2}})"
    rf"|(?P<year>(?P<y>{_YEAR}|{_CN_YEAR})\s*{_YEAR_SUFFIX})"
    r"|(?P<fyp>十[一二三四五六七八九]五)"
    r"|(?P<rel>今年|本年度|本年|年内|全年|当年|明年|来年|次年|去年|上年|前年|后年)"
)
_RELATIVE = {"今年": 0, "本年度": 0, "本年": 0, "年内": 0, "全年": 0, "当年": 0,
             "明年": 1, "来年": 1, "次年": 1, "去年": -1, "上年": -1, "前年": -2, "后年": 2}


@dataclass(frozen=True)
class DateMention:
    """A time expression placing something in a year; `year` is the year it is due or falls in
    (a range's end year), None for a relative one (今年) when no context year is known."""

    start: int
    end: int
    year: int | None
    relative: bool = False


def five_year_plan_end(ordinal: int) -> int:
    """Last year of the Nth national five-year plan (十四五 → 2025); valid from the third on."""
    return 1955 + 5 * ordinal


def find_dates(text: str, context_year: int | None = None) -> list[DateMention]:
    """Year expressions in `text`: 2024年, 2024年底, 2025 年 (in 到2025年 the span is 2025年),
    2021—2025年, 2024-03-06, 十四五 (quotes excluded), 今年/明年/去年 resolved from `context_year`."""
    out = []
    for m in _DATES.finditer(normalize(text)):
        if m["range"]:
            out.append(DateMention(m.start(), m.end(), int(m["y2"])))
        elif m["iso"]:
            out.append(DateMention(m.start(), m.end(), int(m["iy"])))
        elif m["year"]:
            out.append(DateMention(m.start(), m.end(), int(parse_number(m["y"]))))
        elif m["fyp"]:
            out.append(DateMention(m.start(), m.end(), five_year_plan_end(parse_number(m["fyp"][:2]))))
        else:
            year = context_year + _RELATIVE[m["rel"]] if context_year is not None else None
            out.append(DateMention(m.start(), m.end(), year, relative=True))
    return out


def parse_year(text: str, context_year: int | None = None) -> int | None:
    """The year a date expression stands for (到2025年 → 2025, “十四五” → 2025, 明年 → context+1)."""
    dates = find_dates(text, context_year)
    return dates[0].year if dates else None
