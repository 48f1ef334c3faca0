"""The numbering of official documents: 一、 / (一) / 1. / (1) / 一是, defined once.

The heading tree (kg.ingest.structure), the goal rules (a marker is no part of a goal, a
sentence that is only a heading states none) and the relation rules (a marker may stand
before a clause's subject) all read markers through these patterns.
"""
from __future__ import annotations

import re

CN_NUMERALS = "一二三四五六七八九十"
DIGITS = "0-9０-９"
_OPEN, _CLOSE = "(（", ")）"

# The marker of each heading level, 1 (outermost) to 5.
LEVELS = {
    1: rf"[{CN_NUMERALS}]{{1,3}}、(?![{CN_NUMERALS}])",  # 一、 (not the list 一、二年级)
    2: rf"[{_OPEN}][{CN_NUMERALS}]{{1,3}}[{_CLOSE}]",  # (一) （一）
    3: rf"[{DIGITS}]{{1,2}}[.、．](?![{DIGITS}])",  # 1. 1、 1． (not 2.5)
    4: rf"[{_OPEN}][{DIGITS}]{{1,2}}[{_CLOSE}]",  # (1) （1）
    5: rf"[{CN_NUMERALS}]{{1,3}}[是要]",  # 一是 / 一要: inline enumerations
}
MARKER = "(?:" + "|".join(LEVELS.values()) + ")"  # a marker of any level
# A pkuseg token that is a numbered marker or a piece of one (2. / (3 / 12), never part of a name.
MARKER_TOKEN = re.compile(rf"[{_OPEN}]?[{DIGITS}]+[{_CLOSE}.．、]?")
