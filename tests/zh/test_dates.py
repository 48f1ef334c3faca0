"""One date grammar (issue 15): what the DATE rule proposes, goals' years, metadata and resolution agree."""
from __future__ import annotations

import pytest

ISSUE = "issue 15: four date grammars disagree"
CONTEXT_YEAR = 2024


@pytest.fixture(scope="module")
def proposed(nlp):
    """The DATE candidates the entity rules propose in a text."""
    from kg.nlp.components.entities import find_candidates

    entities = nlp.get_pipe("entities")

    def dates(text: str) -> list[str]:
        return [text[c.start:c.end] for c in find_candidates(nlp.make_doc(text), entities.vocab) if c.label == "DATE"]

    return dates


@pytest.mark.xfail(strict=True, reason=ISSUE)
def test_every_date_the_rules_propose_resolves_to_a_year(proposed):
    from kg.graph.resolve import mention_year

    for text in ("年底前完成校舍改造。", "今年新建学校3所。", "到2025年实现全覆盖。", "2021—2025年行动计划",
                 "“十四五”期间", "明年启用新校区。", "2024年秋季学期投入使用。"):
        dates = proposed(text)
        assert dates, text
        assert all(mention_year(d, CONTEXT_YEAR) is not None for d in dates), (text, dates)


@pytest.mark.xfail(strict=True, reason=ISSUE)
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
    from kg.graph.resolve import mention_year

    assert proposed(text) == [date]
    assert mention_year(date, CONTEXT_YEAR) == year


@pytest.mark.parametrize("text", ["近年来,全区教育事业快速发展。", "根据《通知》(东教发〔2022〕3号)要求"])
def test_no_date_in_vague_periods_or_document_numbers(proposed, text):
    assert proposed(text) == []


@pytest.mark.xfail(strict=True, reason=ISSUE)
def test_metadata_reads_the_title_year_with_the_same_grammar():
    from kg.ingest.documents import document_from_lines

    document = document_from_lines("t.txt", [(0, "某某区教育局二〇二四年工作要点"), (1, "一、总体要求")])
    assert document.year == 2024
