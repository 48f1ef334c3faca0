"""What decides a goal's `status` and `year`: the goal's place in its document.

A result reported in a summary, a review section of a five-year plan (“十三五”以来, 主要成绩,
发展基础) or a news report is `achieved`; a target still to reach is `planned`.  The cues are
the document's kind and title, the headings above the paragraph, the words around the goal
(已, 累计, 建成 / 将, 力争, 到…年) and the dates in its sentence against the document's own
year.  The year is one of the years the text offers (a date in the sentence, a dated
heading, the plan's end year, the years the document writes most), chosen by a learned
scorer over such candidates; a reviewed period gives its end year (十二五 → 2015), and a year
the sentence writes only as a comparison's base (比2015年增加…) is chosen only when there is no other.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from kg.ingest.structure import heading_status, sentence_at
from kg.schema import GoalStatus
from kg.zh.dates import RANGE, RELATIVE, find_dates

# Words around a goal that say whether it is reported or still to reach.
STATUS_CUES = (
    "已", "累计", "共", "先后", "成功", "全年", "去年", "今年", "将", "力争", "到", "确保", "计划", "规划", "拟", "预计", "目标",
    "争取", "要", "了", "以来", "期间", "实现", "完成", "建成", "新增", "达到", "获", "入选", "评为", "提高", "增长",
    "逐步", "进一步", "全面", "基本", "明年", "未来", "年底前", "年底", "前", "力求", "不低于", "不少于", "以上",
    "创建", "打造", "推进", "新建", "荣获", "被", "分别", "较", "比", "同比",
)
# Words of a document's title that say what kind of document it is.
TITLE_CUES = ("总结", "规划", "计划", "要点", "方案", "报告", "情况", "汇报", "发布会", "思路", "意见", "通知", "会议",
              "年鉴", "综述", "自查", "自评", "成效", "成就", "回顾", "部署", "行动", "将", "今年", "目标", "推进")
# Words of a heading above the paragraph.
HEADING_CUES = ("成绩", "成效", "回顾", "基础", "现状", "目标", "任务", "思路", "重点", "举措", "指标", "总结", "情况",
                "取得", "进展", "计划", "要点", "下一步", "问题", "打算", "基本", "概况", "以来", "过去", "主要",
                "形势", "成就", "经验", "措施", "安排", "愿景", "展望")
# Words of a whole document (or paragraph) that lean to reporting results, or to planning.
ACHIEVED_CUES = ("已", "累计", "完成", "取得", "建成", "实现了", "获得", "荣获", "先后", "成功", "了")
PLANNED_CUES = ("将", "力争", "确保", "到20", "目标", "计划", "争取", "要", "推进", "加快")
_SINCE = re.compile(r"\s*”?\s*(?:以来|来|期间|时期)")
_CLAUSE_BREAK = re.compile(r"[，,；;：:]")
_TO = re.compile(r"(?:到|至|截至|截止)\s*$")
# The base a quantity is compared with: 较2019年底提高15%, 比2016年增加, 与2018年相比 (not 和2035年远景目标).
_COMPARED = re.compile(r"(?:较|比|同比|相比)\s*$")
_COMPARED_WITH = re.compile(r"(?:与|和|同)\s*$")
_COMPARED_AFTER = re.compile(r"[^，,。；;]{0,8}?(?:相比|比较)")
# The offer of a year the goal's sentence, or its paragraph, writes only as a comparison's base: never the
# goal's year (0 of the 43 such goals in the gold), so `GoalTagger.choose_year` passes it over when the text
# offers another.
BASE_ONLY = "base-only"


def _clause_start(text: str) -> int:
    """Where the last clause of `text` starts (after its last comma, semicolon or colon)."""
    return max((m.end() for m in _CLAUSE_BREAK.finditer(text)), default=0)


def _is_comparison(text: str, start: int, end: int) -> bool:
    """Whether the date at text[start:end] is the base a quantity is compared with."""
    before = text[max(0, start - 2):start]
    return bool(_COMPARED.search(before) or (_COMPARED_WITH.search(before) and _COMPARED_AFTER.match(text, end)))


def _only_bases(text: str, dated: Iterable[tuple[int, int, int]]) -> set[int]:
    """The years of the dates (year, start, end in `text`) that are written only as a comparison's base."""
    bases, written = set(), set()
    for year, start, end in dated:
        (bases if _is_comparison(text, start, end) else written).add(year)
    return bases - written


def cue_counts(texts: Iterable[str]) -> list[int]:
    """How often the texts use words of results and words of plans: [results, plans]."""
    texts = list(texts)
    return [sum(t.count(c) for t in texts for c in ACHIEVED_CUES), sum(t.count(c) for t in texts for c in PLANNED_CUES)]


def _lean(counts: list[int]) -> int:
    """0 (plans) … 3 (results): where a text's cue words lean."""
    results, plans = counts
    return int(4 * results / (results + plans + 1))


def _reference_year(context: dict) -> int | None:
    """The year the document is about: its own year, else the year it was published."""
    if context.get("doc_year"):
        return context["doc_year"]
    published = context.get("published") or ""
    return int(published[:4]) if published[:4].isdigit() else None


def stated_status(context: dict) -> GoalStatus | None:
    """The status the nearest heading that states one gives (2025年工作打算: planned; 主要成效:
    achieved), else None.  In the gold such a heading and the goals under it agree 156 times in 160."""
    return next(filter(None, map(heading_status, context.get("headings") or [])), None)


def plan_target(text: str, sentences: list[tuple[int, int]], start: int, context: dict) -> bool:
    """Whether the goal at `start` is a target by where it stands: in a plan (工作要点, 计划, 思路, 实施方案,
    实施意见: the kind kg.ingest.metadata reads from the title), in a sentence that dates nothing before the
    plan's year.  Under no heading that states a status, the gold's 要点, 计划 and 思路 hold 107 such goals,
    all planned, and one result dated the year before; the classifier, which reads the kind among many cues,
    called 10 of the 97 of them found under grouped CV (fold seed 1) achieved.  Action plans and five-year
    plans are left to it: they review before they plan."""
    if context.get("kind") != "plan":
        return False
    reference = _reference_year(context)
    ss, se = sentence_at(sentences, start, len(text))
    return not (reference and any(d.year and d.year < reference for d in find_dates(text[ss:se], context.get("year"))))


def status_features(text: str, sentences: list[tuple[int, int]], start: int, end: int, context: dict
                    ) -> set[str]:
    """Features of a goal span for the achieved/planned decision."""
    ss, se = sentence_at(sentences, start, len(text))
    before, inside, after = text[ss:start], text[start:end], text[end:se]
    clause = before[_clause_start(before):]
    f = {"bias", f"frame={context.get('status')}", f"kind={context.get('kind')}",
         f"frame={context.get('status')}|kind={context.get('kind')}",
         f"position={min(4, int(5 * (context.get('position') or 0)))}"}
    f.add(f"document-leans={_lean(context.get('cues') or [0, 0])}")
    f.add(f"paragraph-leans={_lean(cue_counts([text]))}")
    title = context.get("title") or ""
    for cue in TITLE_CUES:
        if cue in title:
            f.add(f"title={cue}")
    for cue in STATUS_CUES:
        if cue in before:
            f.add(f"before={cue}")
        if cue in clause:
            f.add(f"clause={cue}")
        if cue in inside:
            f.add(f"inside={cue}")
        if cue in after:
            f.add(f"after={cue}")
    for depth, heading in enumerate((context.get("headings") or [])[:3]):
        for cue in HEADING_CUES:
            if cue in heading:
                f.add(f"heading={cue}")
                f.add(f"heading{depth}={cue}")
    reference = _reference_year(context)
    years = [y for y, _ in context.get("years") or []]
    if reference:
        for d in find_dates(text[ss:se], context.get("year")):
            if d.year:
                when = 'past' if d.year < reference else 'same' if d.year == reference else 'future'
                f.add(f"date={when}")
                # a date ending before the goal, in its clause or just before it (2020年，全市…95.1%)
                if ss + d.end <= start and ss + d.start >= start - len(clause) - 12:
                    f.add(f"date-leads={when}")
        if years:
            f.add(f"latest-reference={max(-3, min(3, max(years) - reference))}")
    return f


def year_candidates(text: str, sentences: list[tuple[int, int]], start: int, end: int, context: dict,
                    status: str) -> dict[int, set[str]]:
    """The years a goal may be due (or reported) in, each with the features of where the text
    offers it; `status` is the goal's (predicted) status, which changes what a date means."""
    frame = context.get("year")
    cands: dict[int, set[str]] = {}

    def offer(year: int | None, source: str) -> None:
        if year is not None:
            cands.setdefault(year, set()).add(source)

    ss, se = sentence_at(sentences, start, len(text))
    dated = [d for d in find_dates(text[ss:se], frame) if d.year is not None]
    nearest = max((d for d in dated if d.end + ss <= start), key=lambda d: d.end, default=None)
    offer(nearest.year if nearest else None, "nearest-before")
    for d in dated:
        a, b = d.start + ss, d.end + ss
        offer(d.year, "sentence:" + ("inside" if start <= a < end else "before" if b <= start else "after"))
        if _SINCE.match(text, b):
            offer(d.year, "since")
        if _TO.search(text[max(0, a - 3):a]):
            offer(d.year, "to")
        if _is_comparison(text, a, b):
            offer(d.year, "compared")
        if d.kind == RANGE:
            offer(d.year, "range-end")
        if d.kind == RELATIVE:
            offer(d.year, "relative")
    in_paragraph = [d for d in find_dates(text, frame) if d.year is not None]
    for d in in_paragraph:
        offer(d.year, "paragraph")
    for heading in [*(context.get("headings") or []), *(context.get("captions") or [])]:
        for d in find_dates(heading, frame):
            offer(d.year, "heading")
    offer(frame, "frame")
    offer(context.get("doc_year"), "doc-year")
    offer(context.get("year_end"), "year-end")
    published = context.get("published") or ""
    if published[:4].isdigit():
        offer(int(published[:4]), "published")
        offer(int(published[:4]) - 1, "published-1")
    years = dict(context.get("years") or [])
    if years:
        ranked = sorted(years, key=lambda y: -years[y])
        offer(max(years), "latest")
        offer(min(years), "earliest")
        offer(ranked[0], "most-written")
        for y, n in years.items():
            offer(y, f"written={min(n, 5)}")
    # 较2019年底提高15% in the goal's sentence or in the next one: 2019 is a base there, not a year of results
    for year in (_only_bases(text, ((d.year, d.start + ss, d.end + ss) for d in dated))
                 | _only_bases(text, ((d.year, d.start, d.end) for d in in_paragraph))):
        offer(year, BASE_ONLY)
    reference = _reference_year(context)
    for year, f in cands.items():
        if reference:
            f.add(f"minus-reference={max(-3, min(3, year - reference))}")
        if years:
            f.add(f"minus-latest={max(-3, min(3, year - max(years)))}")
        for name in list(f):
            f.add(f"{name}|{status}")
        f.add("bias")
    return cands
