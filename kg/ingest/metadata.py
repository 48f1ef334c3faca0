"""What the website printed around a document's text, and what its title tells.

Sites print the title, 来源/发布机构, 发布时间/发文日期 and 索引号 around the
text, plus navigation and page chrome (您当前的位置, 字体/字号, 扫一扫…).
Those lines stay paragraphs (SCHEMA.md section 4 numbers them) but are marked
`Paragraph.metadata`, and their values fill the Document: title, published,
index_no, and, inferred from the title (else from the 来源 field, the
headings and the body), office, region, year, year_end and kind.
"""
from __future__ import annotations

import re
from collections import Counter

from kg.records import Document, Paragraph
from kg.ingest.structure import find_headings
from kg.zh import CJK
from kg.zh.dates import DAY, OPEN, PLAN, RANGE, DateMention, find_dates, first_date
from kg.zh.regions import ADMIN_LEVELS, REFERRING, REGION_LEVELS

_SOURCE_LABELS = ("信息来源", "文章来源", "来源", "发布机构", "发文机关", "发布单位", "发文单位")
_DATE_LABELS = ("发布时间", "发布日期", "发文日期", "成文日期", "印发日期", "生成日期")
_INDEX_LABELS = ("索引号",)
_OTHER_LABELS = ("作者", "浏览量", "浏览次数", "访问量", "阅读量", "阅读次数", "累计次数", "点击数", "点击量",
                 "公开方式", "组配分类", "主题分类", "文件编号", "发文字号", "文号", "责任编辑", "更新时间",
                 "有效性", "主办", "承办", "网站标识码")
_WIDGET_LABELS = ("字体", "字号", "分享到")  # page controls: no value of their own
_ALL_LABELS = sorted(_SOURCE_LABELS + _DATE_LABELS + _INDEX_LABELS + _OTHER_LABELS + _WIDGET_LABELS,
                     key=len, reverse=True)
# A field label stands at the line start, after a gap or table bar ("来源: X 发布时间:…", "| 发布机构: |"),
# or right after the previous value where a page glued its fields together (…2024-05-20来源：…).
_LABEL = re.compile(r"(?:^|(?<=[\s|【】\[\]\d]))(?P<label>" + "|".join(_ALL_LABELS) + r")\s*(?:[:：]|$)")
_NAVIGATION = re.compile(r"您当前的位置|您的位置|当前位置|首页\s*[>＞»]")
_CHROME = re.compile(r"扫一扫|二维码|打印本页|打印此页|关闭窗口|【打印】|【关闭】|返回顶部|上一篇|下一篇|分享到|收藏本页|"
                     r"无障碍|繁體|English")

_TITLE_CUE = re.compile(r"计划|要点|思路|打算|总结|规划|方案|意见|通知|报告|纲要|工作")
# A document's kind by its title; an implementation plan or opinion (实施方案, 实施意见) sets targets as a plan does.
_KIND = re.compile(rf"(?P<action_plan>行动计划|行动方案|规划|[三五十两]年(?=[{CJK}]{{0,4}}(?:行动|计划|规划)))|"
                   r"(?P<summary>总结)|(?P<plan>计划|要点|思路|打算|方案|(?<!征求)意见)")
_SPAN_YEARS = {"两": 2, "三": 3, "五": 5, "十": 10}
_OFFICE_SUFFIX = re.compile(r"(?:局|厅|委员会|教委|工委|政府|办公室|中心)$")
_BUREAU = re.compile(rf"(?:^|(?<=[^{CJK}])|(?<=年))(?P<name>[{CJK}]{{1,5}}?[市区县旗](?:教育体育局|教育和体育局|教体局|教育局))")
# The place an office or title starts with: 南通市海门区…, 南县…, 曹妃甸区… (a chain of units).
_PLACE = re.compile(rf"^(?:中共)?(?P<place>(?:[{CJK}]{{1,7}}?{ADMIN_LEVELS})+)")
_UNIT = re.compile(rf"[{CJK}]+?{ADMIN_LEVELS}")


def apply_metadata(document: Document) -> None:
    """Mark the website lines and fill the Document's metadata fields."""
    paragraphs = document.paragraphs
    fields: dict[str, str] = {}
    for i, paragraph in enumerate(paragraphs):
        text = paragraph.text.strip()
        if _is_chrome(text, navigation_width=60):
            paragraph.metadata = True
            continue
        labels = list(_LABEL.finditer(text))
        if not labels or "。" in text or len(text) > 200:
            continue
        paragraph.metadata = True
        for m, after in zip(labels, labels[1:] + [None]):
            value = text[m.end():after.start() if after else len(text)].strip(" \t\u3000\xa0|[]【】")
            field = _field(m.group("label"))
            if not value and len(labels) == 1 and field not in _WIDGET_LABELS and i + 1 < len(paragraphs):
                value = _value_line(paragraphs[i + 1], field)  # a table cell: label, then its value below
            if value:
                fields.setdefault(field, value)
    _mark_trailing_chrome(paragraphs)
    source = fields["source"].split()[0] if fields.get("source") else None
    title_line = _title_line(paragraphs)
    if title_line is not None:
        title_line.metadata = True
        raw = _unwrap(title_line.text.strip())
        document.title = _clean_title(raw)
        _from_title(document, raw, source)
    if (date := _day(fields.get("date", "")) or _dateline(paragraphs)) is not None:
        document.published = f"{date.year}-{date.month:02d}-{date.day:02d}"
    document.index_no = fields["index"].split()[0] if fields.get("index") else None
    _office_and_region(document, source)
    if document.year is None or document.kind is None:
        _from_headings_and_body(document)


def _day(text: str) -> DateMention | None:
    """The first full date (2024-05-20, 2024年5月20日) in a website field."""
    return next((d for d in find_dates(text) if d.kind == DAY), None)


def _dateline(paragraphs: list[Paragraph]) -> DateMention | None:
    """A header's date with no label of ours (• 2016-03-03 《临江日报》, 时间:2020-09-29 来源:,
    临江日报 记者 2023-03-27 12:31, 发布日期 2022-04-19, a cover notice's 2025年3月3日): a full date
    among the first ten lines that starts its short line (after a bullet or a bare 时间/日期 label) or
    ends it (before a clock time), and is followed by no word (2025年6月30日前完成… is a deadline)."""
    for paragraph in paragraphs[:10]:
        text = paragraph.text.strip()
        if len(text) > 80 or "。" in text:
            continue
        for date in find_dates(text):
            if date.kind != DAY:
                continue
            before, after = text[:date.start], text[date.end:]
            if _other_label(before):
                continue  # 更新时间:…, 作者:… 2023-03-27: another field's date
            starts = bool(_DATE_LEAD.fullmatch(before))
            ends = bool(_CLOCK_TO_END.fullmatch(after))
            followed_by_word = bool(re.match(rf"\s*[{CJK}]", after)) and not _LABEL.match(after.strip())
            if (starts or ends) and not followed_by_word:
                return date
    return None


_DATE_LEAD = re.compile(r"[•·\s]*|.{0,12}?(?:时间|日期)\s*[:：]?\s*")  # a bullet, or a bare label
_CLOCK_TO_END = re.compile(r"\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*")


def _other_label(text: str) -> bool:
    """Whether a label of another field (更新时间, 作者…) stands in `text`."""
    return any(_field(m.group("label")) not in ("date", "source", "index") for m in _LABEL.finditer(text))


def _field(label: str) -> str:
    if label in _SOURCE_LABELS:
        return "source"
    if label in _DATE_LABELS:
        return "date"
    if label in _INDEX_LABELS:
        return "index"
    return label


def _value_line(paragraph: Paragraph, field: str) -> str:
    text = paragraph.text.strip()
    if (len(text) > 40 or "。" in text or _LABEL.search(text) or find_headings(text)
            or (field == "date" and _day(text) is None)):
        return ""
    paragraph.metadata = True
    return text


def _is_chrome(text: str, navigation_width: int) -> bool:
    """Page furniture: navigation, share/print/QR widgets, lines with no word at all (|, ×)."""
    if not re.search(r"\w", text):
        return True
    if len(text) <= navigation_width and _NAVIGATION.search(text):
        return True
    return len(text) <= 30 and bool(_CHROME.search(text))


def _mark_trailing_chrome(paragraphs: list[Paragraph]) -> None:
    """Short lines after the text that hold some page furniture are all furniture (图说天下, ×, 二维码…)."""
    run: list[Paragraph] = []
    for paragraph in reversed(paragraphs):
        text = paragraph.text.strip()
        if len(text) > 15 or "。" in text or text.startswith(("(", "（")):
            break
        run.append(paragraph)
    if any(_is_chrome(p.text.strip(), navigation_width=15) for p in run):
        for paragraph in run:
            paragraph.metadata = True


def _title_line(paragraphs: list[Paragraph]) -> Paragraph | None:
    """The first title-like line before the text starts (first heading or first full sentence)."""
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        if paragraph.metadata:
            continue
        heads = find_headings(paragraph.text)
        if "。" in text or (heads and paragraph.text[:heads[0].start].strip() == ""):
            return None
        if 4 <= len(text) <= 80 and _TITLE_CUE.search(text) and not re.search(r"[，,；;]", text):
            return paragraph
    return None


def _unwrap(line: str) -> str:
    """关于印发《X》的通知 → X: the document inside a cover notice."""
    m = re.match(r"^关于.*?《(.+)》", line)
    return m.group(1) if m else line


def _clean_title(raw: str) -> str:
    """Drop the 《》 of a bare title, a page marker "(2)" and a truncated "(2021—" tail."""
    title = re.sub(r"[(（]\d{1,2}[)）]$", "", raw).strip()
    title = title.removeprefix("《").removesuffix("》")
    return re.sub(r"[(（][^)）]*$", "", title).strip()


def _from_title(document: Document, raw: str, source: str | None) -> None:
    """Year (a range's first year, and its last as year_end), kind and offices named in the title."""
    date = first_date(raw)
    kind = _KIND.search(raw)
    if date:
        document.year = date.first_year or date.year
        if date.kind in (RANGE, PLAN):
            document.year_end = date.year
        elif date.kind == OPEN and (span := re.search("([两三五十])年", raw)):  # truncated "(2021—" of a 五年 plan
            document.year_end = document.year + _SPAN_YEARS[span.group(1)] - 1
    if kind:
        document.kind = kind.lastgroup
    cut = min(([date.start] if date else []) + ([kind.start()] if kind else []), default=len(raw))
    document.office = _pick_office(re.split(r"[\s、]+", raw[:cut]), source)


def _pick_office(parts: list[str], source: str | None) -> str | None:
    """Of the offices that issued a document jointly, the one the 来源 names, else the first bureau."""
    offices = [p for p in parts if _OFFICE_SUFFIX.search(p)]
    if not offices:
        return None
    if source:
        for office in offices:
            if office.endswith(source) or source.endswith(office):
                return office
    return next((o for o in offices if o.endswith("局")), offices[0])


def _office_and_region(document: Document, source: str | None) -> None:
    """Office: the title's, else the 来源 when it names an office with its place, else the body's bureau."""
    source_is_office = bool(source and _OFFICE_SUFFIX.search(source))
    if document.office is None and source_is_office and _region_of(source):
        document.office = source
    if document.office is None:
        relative = source if source_is_office else None  # 市教育局: complete it from the body
        document.office = _office_in_body(document, relative) or relative
    region = _region_of(document.office) if document.office else None
    if region is None and document.title:
        region = _region_of(document.title)
    if region is None and source and not source_is_office:
        region = source  # a site name such as 唐山曹妃甸 is the best region there is
    document.region = region


def _office_in_body(document: Document, relative: str | None) -> str | None:
    """The bureau the body names most often with its place (天宁区教育局), completing 市教育局 if given."""
    names = Counter(m.group("name") for p in document.paragraphs if not p.metadata
                    for m in _BUREAU.finditer(p.text)
                    if _region_of(m.group("name")) and (relative is None or m.group("name").endswith(relative)))
    return names.most_common(1)[0][0] if names else None


def _region_of(name: str) -> str | None:
    """The innermost place an office or title starts with: 南通市海门区教育体育局 → 海门区."""
    m = _PLACE.match(name)
    if not m:
        return None
    region = _UNIT.findall(m.group("place"))[-1]
    if region[-2] in REFERRING or (len(region) == 2 and region[0] in REGION_LEVELS):
        return None  # 全区, 今年全市: a region referred to, not named; 市区
    return region


def _from_headings_and_body(document: Document) -> None:
    """No title year or kind: a dated heading such as 二、2022年工作总结, else a body line opening 2024年,…"""
    for paragraph in document.paragraphs:
        if paragraph.metadata:
            continue
        for head in find_headings(paragraph.text):
            date, kind = first_date(head.title), _KIND.search(head.title)
            if date and kind:
                document.year = document.year or date.first_year or date.year
                document.kind = document.kind or kind.lastgroup
                return
    for paragraph in document.paragraphs:
        opening = first_date(paragraph.text, bare=False)
        if not paragraph.metadata and opening and not paragraph.text[:opening.start].strip():
            document.year = document.year or opening.first_year or opening.year
            return
