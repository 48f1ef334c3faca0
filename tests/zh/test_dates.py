"""One date grammar (kg.zh.dates): what the DATE rule proposes, goals' years, metadata and resolution agree."""
from __future__ import annotations

import pytest

from kg.ingest.documents import document_from_lines
from kg.zh.dates import OPEN, RELATIVE, date_year, find_dates

CONTEXT_YEAR = 2024


@pytest.fixture(scope="module")
def proposed(nlp):
    """The DATE candidates the entity rules propose in a text."""
    from kg.nlp.components.entities import Tokens, find_candidates

    entities = nlp.get_pipe("entities")

    def dates(text: str) -> list[str]:
        return [text[c.start:c.end] for c in find_candidates(Tokens.of(nlp.make_doc(text)), None, entities.breakers)
                if c.label == "DATE"]

    return dates


@pytest.mark.parametrize("text, context, span, year", [
    ("到2025年", None, "2025年", 2025),
    ("确保2024年底完成", None, "2024年底", 2024),
    ("到 2026 年,", None, "2026 年", 2026),
    ("2021—2025年", None, "2021—2025年", 2025),
    ("2021年-2025年", None, "2021年-2025年", 2025),
    ("2018—2019学年度", None, "2018—2019学年度", 2019),
    ("“十四五”时期", None, "十四五", 2025),
    ("十三五", None, "十三五", 2020),
    ("第十四个五年规划", None, "第十四个五年", 2025),
    ("今年", 2024, "今年", 2024),
    ("明年", 2024, "明年", 2025),
    ("去年9月", 2024, "去年9月", 2023),
    ("年内投用", 2022, "年内", 2022),
    ("年底前完成", 2022, "年底", 2022),
    ("２０２４年下学期", None, "２０２４年下学期", 2024),
    ("二〇二三年", None, "二〇二三年", 2023),
    ("发布时间:2024-03-06", None, "2024-03-06", 2024),
    ("2020年9月28日", None, "2020年9月28日", 2020),
    ("2025年9月投用", None, "2025年9月", 2025),
    ("2024年以来", None, "2024年", 2024),
])
def test_find_dates(text, context, span, year):
    (date,) = find_dates(text, context)
    assert (text[date.start:date.end], date.year) == (span, year)
    assert date_year(span, context) == year


def test_relative_dates_without_context_have_no_year():
    (date,) = find_dates("今年完成", None)
    assert date.kind == RELATIVE and date.year is None


@pytest.mark.parametrize("text", ["三年行动", "每年", "十一年来", "三年内完成", "全年级", "第38个教师节", "近年来,全区",
                                  "东教发〔2022〕3号", "2000余人"])
def test_durations_vague_periods_grades_and_document_numbers_are_no_dates(text):
    assert find_dates(text, CONTEXT_YEAR) == []


def test_a_bare_year_is_a_date_only_where_a_whole_expression_is_read():
    assert find_dates("2024工作要点") == []
    assert [d.year for d in find_dates("2024工作要点", bare=True)] == [2024]
    assert find_dates("东教发〔2022〕3号", bare=True) == []
    assert date_year("2024") == 2024  # a DATE mention written without 年 (a heading's)
    [open_range] = find_dates("五年行动计划(2021—", bare=True)
    assert (open_range.kind, open_range.first_year) == (OPEN, 2021)


def test_every_date_the_rules_propose_resolves_to_a_year(proposed):
    for text in ("年底前完成校舍改造。", "今年新建学校3所。", "到2025年实现全覆盖。", "2021—2025年行动计划",
                 "“十四五”期间", "明年启用新校区。", "2024年秋季学期投入使用。"):
        dates = proposed(text)
        assert dates, text
        assert all(date_year(d, CONTEXT_YEAR) is not None for d in dates), (text, dates)


@pytest.mark.parametrize("text, date, year", [
    ("去年新增学位500个。", "去年", 2023),
    ("二〇二四年工作要点", "二〇二四年", 2024),
    ("1月20日召开全区教育工作会议。", "1月20日", 2024),
    ("过去一年,全区教育工作稳中有进。", "过去一年", 2024),
    ("一年来,市教育局认真贯彻落实。", "一年来", 2024),
    ("谋划实施好下半年重点工作。", "下半年", 2024),
    ("暑期组织全区教师培训。", "暑期", 2024),
])
def test_the_rules_propose_the_dates_schema_names_and_resolution_reads_them(proposed, text, date, year):
    assert proposed(text) == [date]
    assert date_year(date, CONTEXT_YEAR) == year


@pytest.mark.parametrize("text", ["近年来,全区教育事业快速发展。", "根据《通知》(东教发〔2022〕3号)要求"])
def test_no_date_in_vague_periods_or_document_numbers(proposed, text):
    assert proposed(text) == []


@pytest.mark.parametrize("title, year, year_end", [
    ("某某区教育局二〇二四年工作要点", 2024, None),
    ("某某区教育局2024工作要点", 2024, None),
    ("某某区教育事业发展“十四五”规划", 2021, 2025),
    ("某某区学前教育三年行动计划(2023—2025年)", 2023, 2025),
    ("某某区教育现代化五年行动计划(2021—", 2021, 2025),
])
def test_metadata_reads_the_title_years_with_the_same_grammar(title, year, year_end):
    document = document_from_lines("t.txt", [(0, title), (1, "一、总体要求")])
    assert (document.year, document.year_end) == (year, year_end)


def test_metadata_reads_the_published_date_with_the_same_grammar():
    document = document_from_lines("t.txt", [(0, "某某区教育局2024年工作要点"), (1, "发布时间:2024年3月6日"),
                                             (2, "一、总体要求")])
    assert document.published == "2024-03-06"
