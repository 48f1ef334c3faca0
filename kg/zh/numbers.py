"""Numbers and quantities as the documents write them (dates are kg.zh.dates').

Chinese numerals go through cn2an; this module adds what the documents
need around it: full-width digits, magnitudes after Arabic digits (5万),
approximation marks between number and unit (500余万元) and percentages
(百分之九十五, 30%).  Pure functions; offsets are character offsets into the
text given, which `fold_width` never shifts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from kg.zh import fold_width

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


# Units that count the same thing in other words or sizes: unit → (the unit compared in, its factor).
_BASE_UNITS = {"名": ("人", 1), "位": ("人", 1), "人": ("人", 1), "小时": ("分钟", 60), "分钟": ("分钟", 1),
               "亩": ("平方米", 666.67), "平方米": ("平方米", 1)}


def base_unit(unit: str | None) -> tuple[str | None, float]:
    """The unit a quantity is compared in and the factor to it: 名 → (人, 1), 小时 → (分钟, 60); a unit
    that converts to no other is its own base (所 → (所, 1)), and so is None."""
    return _BASE_UNITS.get(unit, (unit, 1)) if unit is not None else (None, 1)


def _plain(value: float) -> int | float:
    value = round(float(value), 6)  # 16.1 * 10000 is 161000.00000000003
    return int(value) if value.is_integer() else value


def parse_number(text: str) -> int | float:
    """8, 8.5, 二百, 两千, 一万二, 5万, 1.2亿, ８ → the number; ValueError otherwise."""
    raw = fold_width(text).strip()
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
    m = _QUANTITY.fullmatch(fold_width(text).strip())
    return _quantity(m) if m else None


def find_quantities(text: str) -> list[Quantity]:
    """Every Arabic number, and every Chinese numeral followed by a unit, in `text`.

    A bare run of Chinese numerals is not a quantity (一是, 一体化, 十四五), so
    Chinese numerals count only with a unit or as 百分之….
    """
    out = []
    for m in _QUANTITY.finditer(fold_width(text)):
        is_arabic = m["num"] is not None and m["num"][0].isdigit()
        if not (m["pct"] or is_arabic or m["unit"]):
            continue
        q = _quantity(m)
        if q is not None:
            out.append(q)
    return out
