"""Paragraph structure: sentences, the heading hierarchy, and what frames each paragraph.

Headings follow the official-document numbering 一、 / (一) / 1. / (1) / 一是,
levels 1–5.  A heading starts a line or follows a sentence end inside a
paragraph (…发展。一是聚力…; some sites run a whole document into one line),
so sections carry character offsets inside their paragraph.

Section ids are kg.schema.section_id(doc, n): n = 0 is the front matter (the title and website
lines before the first heading; created only when there are such lines), the
headings are numbered 1, 2, … in reading order.  A heading's parent is the
nearest heading above it with a smaller level; top-level headings (and the
front matter) have none.

News articles and some plans also head a part with an unnumbered line that names its year or
period (“十四五”成就回顾, 2024年重点工作): a caption, one level below the numbered headings.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from kg.records import Document, Section, Sentence
from kg.zh import CJK
from kg.zh.dates import YEAR, find_dates
from kg.zh.markers import DIGITS, LEVELS
from kg.schema import GoalStatus, section_id, sentence_id

_SENT_END = re.compile(r"[^。！？!?；;]*(?:[。！？!?；;]+[”’」』)]*|$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a paragraph, end exclusive."""
    return list(_sentences(text))


def sentence_at(sentences: list[tuple[int, int]], char: int, length: int) -> tuple[int, int]:
    """The sentence (of `split_sentences`) holding character `char`; the whole text if none does."""
    i = bisect_right([a for a, _ in sentences], char) - 1
    return sentences[i] if i >= 0 and char < sentences[i][1] else (0, length)


@lru_cache(maxsize=256)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Read once per text: the sentence splitter, the goal rules and the taggers' features all ask."""
    return tuple((m.start(), m.end()) for m in _SENT_END.finditer(text)
                 if m.end() > m.start() and text[m.start():m.end()].strip())


# Where a marker may stand: line start, or after a sentence end / colon (optionally a closing quote).
_BOUNDARY = r"(?:^|(?<=[。；;！？!?：:])|(?<=[。；;！？!?][”’」』]))\s*"
_HEADING = re.compile(_BOUNDARY + "(?:" + "|".join(f"(?P<l{level}>{marker})" for level, marker in LEVELS.items())
                      + r")[ \t\u3000\xa0]*")
# A heading's title runs to the first sentence end or colon, or to a gap of spaces between
# words (the sites that run headings and body together separate them by a space);
# a space next to a digit ("到 2025 年") does not end it.
_TITLE_END = re.compile(r"[。；;！？!?：:]|(?<![\s" + DIGITS + r"])\s+(?![\s" + DIGITS + r"])")
# A heading frames a year when it names the year's work (二、2022年工作总结), not a deadline (到2026年…).
_YEARS_WORK = re.compile(r"(?:教育)?(?:主要|重点)?(?:工作|任务|目标|计划|总结|要点|思路|打算|安排|回顾|成效|完成情况)")
# Headings that report results, or (inside a summary) switch back to plans.
_SUMMARY_HEADING = re.compile(r"工作总结|年度总结|回顾|完成情况|取得的(?:主要)?(?:成绩|成效)|"
                              r"^(?:\d{4}年度?)?(?:主要)?(?:工作)?(?:及|和)?(?:主要)?(?:成效|成绩|总结)")
_PLAN_HEADING = re.compile(r"(?:\d{4}年度?|下一步|今后|明年|新的一年).{0,6}(?:计划|思路|打算|要点|安排|目标)|"
                           r"工作(?:计划|思路|打算|要点|安排)$")


# A caption: a body line after the title, at most this long, with no sentence end, comma or colon
# at its end, that names a year or a period in words (not a bare dateline such as 2021.03.31) and
# comes before a longer paragraph (its text).
CAPTION_LEVEL = max(LEVELS) + 1
_CAPTION_MAX, _CAPTIONED_MIN = 24, 40
_CAPTION_END = re.compile(r"[。；;！？!?：:，,、]$")
_WORDS = re.compile(f"[{CJK}]")


class Heading(NamedTuple):
    start: int  # where the marker starts in the paragraph
    end: int  # end of the title
    level: int
    marker: str
    title: str


def find_headings(text: str) -> list[Heading]:
    """The headings written in one paragraph, in order."""
    headings = []
    for m in _HEADING.finditer(text):
        level = int(m.lastgroup[1])
        stop = _TITLE_END.search(text, m.end())
        end = stop.start() if stop else len(text)
        title = text[m.end():end].strip()
        if title:
            headings.append(Heading(m.start(m.lastgroup), end, level, m.group(m.lastgroup), title))
    return headings


def _caption(text: str, following: str) -> Heading | None:
    title = text.strip()
    if (len(title) > _CAPTION_MAX or _CAPTION_END.search(title) or len(following.strip()) <= _CAPTIONED_MIN
            or not _WORDS.search(title) or not any(d.year is not None for d in find_dates(title))):
        return None
    start = text.index(title)
    return Heading(start, start + len(title), CAPTION_LEVEL, "", title)


def _captions(document: Document) -> dict[int, Heading]:
    """Paragraph number → the caption it would be (the first body line is the title, not a caption);
    a numbered heading in the same line wins (apply_structure)."""
    body = [p for p in document.paragraphs if not p.metadata]
    return {p.para: head for p, after in pairwise(body[1:]) if (head := _caption(p.text, after.text))}


def apply_structure(document: Document) -> None:
    """Fill sections, sentences and each paragraph's section, year and status.

    Needs the document metadata first (kind, year, title); website lines
    (Paragraph.metadata) never hold headings.
    """
    sections: list[Section] = []
    by_id: dict[str, Section] = {}
    open_: list[Section] = []  # the path of headings in force, outermost first
    front: Section | None = None
    headings = 0
    captions = _captions(document)
    document.sentences = []
    for paragraph in document.paragraphs:
        para, text = paragraph.para, paragraph.text
        heads = [] if paragraph.metadata else find_headings(text) or ([captions[para]] if para in captions else [])
        marks: list[tuple[int, Section]] = []  # (offset, section) from which each section holds here
        if not heads or text[:heads[0].start].strip():
            if not open_ and front is None:
                front = Section(section_id(document.id, 0), document.id, para, 0, 0, 0, "", document.title or "")
                sections.append(front)
            marks.append((0, open_[-1] if open_ else front))
        for head in heads:
            while open_ and open_[-1].level >= head.level:
                open_.pop()
            headings += 1
            section = Section(section_id(document.id, headings), document.id, para, head.start, head.end, head.level,
                              head.marker, head.title, open_[-1].id if open_ else None)
            sections.append(section)
            open_.append(section)
            marks.append((head.start, section))
        by_id.update((s.id, s) for _, s in marks)
        paragraph.section = marks[0][1].id
        paragraph.year, paragraph.status = _frame(marks[0][1], by_id, document)
        for n, (start, end) in enumerate(split_sentences(text)):
            first = end - len(text[start:end].lstrip())
            section = [s for offset, s in marks if offset <= first][-1]
            document.sentences.append(Sentence(sentence_id(document.id, para, n), document.id, para, start, end,
                                               section.id))
    document.sections = sections


def _framed_year(title: str) -> int | None:
    """The year a heading names the work of: a year (2022年, 2022年度, 2022年上半年) before 工作/总结/…"""
    return next((d.year for d in find_dates(title) if d.kind == YEAR
                 and title[d.start - 1:d.start] not in ("到", "至") and _YEARS_WORK.match(title, d.end)), None)


def heading_status(title: str) -> GoalStatus | None:
    """Achieved under a heading of results (工作总结, 主要成效), planned under one of plans
    (2025年工作打算, 下一步工作思路), else None: the heading says nothing."""
    if _SUMMARY_HEADING.search(title):
        return GoalStatus.ACHIEVED
    if _PLAN_HEADING.search(title):
        return GoalStatus.PLANNED
    return None


def _frame(section: Section, by_id: dict[str, Section], document: Document) -> tuple[int | None, str]:
    """Year and status of a paragraph: from the nearest heading that states them, else the document's.

    A multi-year plan frames its targets by its last year (2021—2025 → 2025).
    """
    year = status = None
    node: Section | None = section
    while node is not None and node.level > 0:
        if year is None:
            year = _framed_year(node.title)
        if status is None:
            status = heading_status(node.title)
        node = by_id.get(node.parent) if node.parent else None
    if year is None:
        year = document.year_end or document.year
    if status is None:
        status = GoalStatus.ACHIEVED if document.kind == "summary" else GoalStatus.PLANNED
    return year, status

