"""Ingest: SCHEMA paragraph numbering on the seeds, website metadata, the section tree, and bad input."""
from __future__ import annotations

import os
import random
import re
from pathlib import Path

import docx
import pytest

from conftest import REPO, SHARED
from kg.ingest.documents import document_from_lines
from kg.ingest.read import MAX_BYTES, read_document, read_path
from kg.ingest.structure import CAPTION_LEVEL, find_headings
from kg.schema import section_id
from kg.records import Document
from kg.zh.dates import find_dates

EXAMPLES = REPO / "examples"


@pytest.fixture(scope="module")
def seeds(seed_documents) -> dict[str, Document]:
    return {d.id[:3]: d for d in seed_documents}


@pytest.fixture(scope="module")
def train_documents() -> list[Document]:
    documents, skipped = read_path(SHARED / "corpus" / "train")
    assert not skipped
    return documents


def gold_lines(gold_rows: list[dict], prefix: str) -> list[tuple[int, str]]:
    return sorted((r["para"], r["text"]) for r in gold_rows if r["doc"].startswith(prefix))


def test_seed_paragraphs_reproduce_the_gold_para_text_pairs(seeds, gold_rows):
    read = {(d.id, p.para): p.text for d in seeds.values() for p in d.paragraphs}
    gold = {(r["doc"], r["para"]): r["text"] for r in gold_rows}
    assert len(gold) == 140
    assert read == gold


SEED_METADATA = {
    "000": dict(office="海门区教育体育局", region="海门区", year=2024, year_end=None, published="2024-07-15",
                kind="plan", index_no=None),
    "001": dict(office="南县教育局", region="南县", year=2023, year_end=None, published="2023-11-09", kind="plan",
                index_no=None),
    "002": dict(title=None, office="天宁区教育局", region="天宁区", year=2022, year_end=None, published=None,
                kind="summary", index_no=None),
    "003": dict(office="桐乡市教育局", region="桐乡市", year=2024, year_end=None, published="2024-03-06",
                kind="plan"),
    "004": dict(office=None, region="曹妃甸区", year=2021, year_end=2025, published="2023-03-13",
                kind="action_plan", index_no=None),
}


@pytest.mark.parametrize("prefix", sorted(SEED_METADATA))
def test_seed_metadata(seeds, prefix):
    document = seeds[prefix]
    for name, expected in SEED_METADATA[prefix].items():
        assert getattr(document, name) == expected, name


def test_seed_titles(seeds, gold_rows):
    first = {prefix: dict(gold_lines(gold_rows, prefix)) for prefix in seeds}
    assert seeds["000"].title == first["000"][0]  # a bare title line
    inner = re.search("《(.+)》", first["001"][0]).group(1)  # 关于印发《…》的通知 → the document inside
    assert seeds["001"].title == inner
    assert seeds["003"].title == first["003"][3]  # after the 索引号/发布机构 table
    truncated = seeds["004"].title  # 《…行动计划(2021—(2): page 2 of a title cut short
    assert truncated in first["004"][0] and truncated.endswith("行动计划") and "《" not in truncated
    index_line = first["003"][0]
    assert seeds["003"].index_no and seeds["003"].index_no in index_line and "|" not in seeds["003"].index_no


def test_seed_website_lines_are_marked_metadata(seeds):
    marked = {prefix: {p.para for p in d.paragraphs if p.metadata} for prefix, d in seeds.items()}
    assert marked == {"000": {0, 1}, "001": {0, 1, 2, 32}, "002": {0}, "003": set(range(8)),
                      "004": {0, 1, 2, 26, 27, 28}}


def test_seed_section_offsets_and_tree(seeds):
    for document in seeds.values():
        by_id = {s.id: s for s in document.sections}
        texts = {p.para: p.text for p in document.paragraphs}
        assert [s.id for s in document.sections] == [section_id(document.id, n) for n in range(len(document.sections))]
        for section in document.sections:
            if section.level == 0:
                assert section.parent is None and section.id.endswith("#0")
                continue
            text = texts[section.para]
            assert text[section.start:].startswith(section.marker)
            assert text[section.start:section.end].endswith(section.title)
            if section.parent:
                assert by_id[section.parent].level < section.level
        for paragraph in document.paragraphs:
            assert paragraph.section in by_id
        spans = [(s.para, s.start, s.end) for s in document.sentences]
        assert spans == sorted(spans) and all(s.section in by_id for s in document.sentences)


def test_summary_sections_frame_year_and_status(seeds):
    document = seeds["002"]  # a summary of one year followed by the next year's plan
    by_id = {s.id: s for s in document.sections}
    top = [s for s in document.sections if s.level == 1]
    assert [s.marker for s in top] == ["一、", "二、", "三、", "四、"]
    summary, plan = top[1], top[3]
    assert len([s for s in document.sections if s.parent == summary.id]) == 6
    assert len([s for s in document.sections if s.parent == plan.id]) == 5

    def under(paragraph, heading) -> bool:
        node = by_id[paragraph.section]
        while node is not None and node.id != heading.id:
            node = by_id.get(node.parent)
        return node is not None

    body = [p for p in document.paragraphs if not p.metadata]
    in_summary = [p for p in body if under(p, summary)]
    in_plan = [p for p in body if under(p, plan)]
    assert len(in_summary) == 28 and len(in_plan) == 13
    assert {(p.year, p.status) for p in in_summary} == {(2022, "achieved")}
    assert {(p.year, p.status) for p in in_plan} == {(2023, "planned")}
    assert by_id[document.paragraphs[38].section].level == 2  # (一) under 四、
    assert [s.level for s in document.sections if s.para == 38] == [5, 5, 5, 5]  # 一要…四是 inline


def test_inline_headings_inside_one_long_paragraph(seeds):
    document = seeds["003"]  # the whole body on one line
    body = document.paragraphs[8]
    assert body.section == section_id(document.id, 0)  # it starts before its first heading
    levels = [s.level for s in document.sections if s.para == 8]
    assert levels[:5] == [2, 3, 3, 3, 2] and levels.count(2) == 3 and levels.count(5) == 15
    second = [s for s in document.sections if s.para == 8 and s.level == 2][1]
    sentence = next(s for s in document.sentences if s.para == 8 and s.start <= second.start < s.end)
    assert sentence.section == second.id


def test_multi_year_plan_frames_paragraphs_by_its_last_year(seeds):
    document = seeds["004"]
    assert {p.year for p in document.paragraphs} == {2025}
    assert {p.status for p in document.paragraphs} == {"planned"}
    first = document.sections[1]
    assert (first.level, first.parent) == (2, None)  # page 2 starts inside 四、: no parent on the page


def test_an_unnumbered_line_naming_a_period_captions_what_follows():
    body = "全区新建幼儿园5所，新增学位2000个，普惠性幼儿园覆盖率达到90%，义务教育巩固率保持100%。"
    lines = ["2025年教育工作总结", "2025年全区教育工作稳中有进", "回顾“十四五”成绩显著", body, "存在的问题",
             body, "二、2026年工作打算", body, "2026年重点推进", "短行。"]
    document = document_from_lines("caption.txt", list(enumerate(lines)))
    captions = [s for s in document.sections if s.level == CAPTION_LEVEL]
    # not the first body line (a title's), a line with no year, a numbered heading, a line before a short one
    assert [(s.para, s.marker, s.title) for s in captions] == [(2, "", "回顾“十四五”成绩显著")]
    by_id = {s.id: s for s in document.sections}
    assert by_id[document.paragraphs[3].section] == captions[0]
    assert by_id[document.paragraphs[5].section] == captions[0]  # a caption holds until the next heading
    assert by_id[document.paragraphs[7].section].marker == "二、"


def test_captions_in_the_train_passages(train_documents):
    captions = [(d, s) for d in train_documents for s in d.sections if s.level == CAPTION_LEVEL]
    assert len({d.id for d, _ in captions}) >= 5
    for document, section in captions:
        body = [p for p in document.paragraphs if not p.metadata]
        assert section.para != body[0].para and section.marker == "" and len(section.title) <= 24
        assert find_dates(section.title) and not find_headings(section.title)


def test_document_from_lines_matches_reading_the_file(seeds, gold_rows):
    for prefix, read in seeds.items():
        built = document_from_lines(read.id, gold_lines(gold_rows, prefix))
        assert [(p.para, p.text, p.metadata, p.section, p.year, p.status) for p in built.paragraphs] == \
               [(p.para, p.text, p.metadata, p.section, p.year, p.status) for p in read.paragraphs]
        assert (built.title, built.office, built.region, built.year, built.kind, len(built.sections)) == \
               (read.title, read.office, read.region, read.year, read.kind, len(read.sections))


def test_examples_corpus():
    documents, skipped = read_path(EXAMPLES)
    assert skipped == []
    by_id = {d.id: d for d in documents}
    assert sorted(by_id) == ["fengxi_2025_plan.txt", "heting_2025_points.txt", "jichuan_2024_points.txt",
                             "jichuan_2024_summary.txt", "linlan_2024_summary.txt",
                             "qingchuan_2024_action_plan.html", "yunxiu_2025_ideas.docx"]
    facts = {d.id: (d.office, d.region, d.year, d.year_end, d.kind, d.published) for d in documents}
    assert facts == {
        "fengxi_2025_plan.txt": ("枫溪区教育局", "枫溪区", 2025, None, "plan", "2025-02-18"),
        "heting_2025_points.txt": ("鹤汀市教育局", "鹤汀市", 2025, None, "plan", "2025-02-26"),
        "jichuan_2024_points.txt": ("霁川县教育局", "霁川县", 2024, None, "plan", "2024-02-22"),
        "jichuan_2024_summary.txt": ("霁川县教育局", "霁川县", 2024, None, "summary", "2025-01-10"),
        "linlan_2024_summary.txt": ("临澜县教育体育局", "临澜县", 2024, None, "summary", "2025-01-10"),
        "qingchuan_2024_action_plan.html": ("清川区教育局", "清川区", 2024, 2026, "action_plan", "2024-05-20"),
        "yunxiu_2025_ideas.docx": ("云岫县教育局", "云岫县", 2025, None, "plan", "2025-03-12"),
    }
    # GB18030 bytes (not UTF-8), with a character outside GB2312
    assert (EXAMPLES / "heting_2025_points.txt").read_bytes().decode("gb18030").count("堃") == 1
    assert any("明堃实验学校" in p.text for p in by_id["heting_2025_points.txt"].paragraphs)
    assert by_id["heting_2025_points.txt"].index_no == "HT-JYJ-2025-0031"
    # a summary that ends with next year's plan
    summary = by_id["linlan_2024_summary.txt"]
    assert summary.title == "临澜县教育体育局2024年工作总结"
    assert [(p.year, p.status) for p in summary.paragraphs if "强校提质" in p.text] == [(2025, "planned")]
    assert [(p.year, p.status) for p in summary.paragraphs if "银杏计划" in p.text] == [(2024, "achieved")]
    # the page: no script, style or menu; breadcrumb, info and footer lines marked
    page = by_id["qingchuan_2024_action_plan.html"]
    texts = [p.text for p in page.paragraphs]
    assert not any(s in t for t in texts for s in ("_hmt", "float:left", "办事服务", "<"))
    assert {t for t, p in zip(texts, page.paragraphs) if p.metadata} >= {
        "您当前的位置：首页 > 政务公开 > 规划计划", "打印本页 关闭窗口"}
    assert [p.text for p in page.paragraphs if p.para == 5] == ["一、总体目标"]
    # the .docx: table cells are lines; label cells give their values
    word = by_id["yunxiu_2025_ideas.docx"]
    assert word.index_no == "YX-JY-2025-007" and word.title == "云岫县教育局2025年工作思路"
    texts = [p.text for p in word.paragraphs]
    assert texts[texts.index("指标"):][:4] == ["指标", "2024年", "2025年目标", "义务教育巩固率"]


CLEAN = "临江县教育局2025年工作计划\n一、总体目标\n到2026年，全县学前三年毛入园率达到98%以上。\n"


def write_folder(folder: Path) -> None:
    """A folder with good files in every supported form and every kind of bad file."""
    (folder / "sub").mkdir()
    (folder / "a_utf8.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "sub" / "inner.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "b_bom_crlf.txt").write_bytes(b"\xef\xbb\xbf" + CLEAN.replace("\n", "\r\n").encode("utf-8"))
    (folder / "c_gb18030.txt").write_bytes(CLEAN.encode("gb18030"))
    (folder / "c_utf16.txt").write_bytes(CLEAN.encode("utf-16"))  # with its BOM, as Notepad saves
    (folder / "d_page.htm").write_bytes(
        "<html><head><meta charset='gb2312'><title>x</title><style>p{}</style></head><body>"
        "<div>临江县教育局2025年工作计划</div><script>var a = 1;</script>"
        "<p>一、总体目标</p><p>到2026年，<b>全县</b>学前三年毛入园率达到98%以上。<br>新增学位600个。</p>"
        "</body></html>".encode("gbk"))
    (folder / "e_disguised.txt").write_text(
        "<!DOCTYPE html>\n<html><body><p>临江县教育局2025年工作计划</p><p>一、总体目标</p></body></html>",
        encoding="utf-8")
    word = docx.Document()
    word.add_paragraph("临江县教育局2025年工作计划")
    word.add_table(rows=1, cols=2).rows[0].cells[0].text = "新增学位600个"
    word.save(folder / "f_word.docx")
    (folder / "g_notes.pdf").write_bytes(b"%PDF-1.4")  # not a supported type: ignored in a folder
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\u3000\u3000\n\xa0 \r\n\t\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(random.Random(7).randbytes(4096))
    (folder / "controls.txt").write_bytes(b"\x00\x01\x02PK" * 100)  # valid UTF-8, but not text
    (folder / "big5.txt").write_bytes("教育局工作要點：推進學前教育普惠發展，加強教師隊伍建設。".encode("big5"))
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    with open(folder / "huge.txt", "wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    (folder / "locked.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "locked.txt").chmod(0)


def test_bad_files_are_reported_by_name_and_the_rest_is_read(tmp_path):
    write_folder(tmp_path)
    documents, skipped = read_path(tmp_path)
    reasons = {Path(s.path).name: s.reason for s in skipped}
    locked_readable = os.access(tmp_path / "locked.txt", os.R_OK)  # root reads anything
    expected_ids = ["a_utf8.txt", "b_bom_crlf.txt", "c_gb18030.txt", "c_utf16.txt", "d_page.htm", "e_disguised.txt",
                    "f_word.docx"] + (["locked.txt"] if locked_readable else []) + ["sub/inner.txt"]
    assert [d.id for d in documents] == expected_ids
    assert reasons.pop("empty.txt") == "empty file"
    assert "whitespace" in reasons.pop("blank.txt")
    assert "neither UTF-8 nor GB18030" in reasons.pop("binary.txt")
    assert "binary content" in reasons.pop("controls.txt")
    assert "neither UTF-8 nor GB18030" in reasons.pop("big5.txt")
    assert "not a readable .docx" in reasons.pop("broken.docx")
    assert "too large" in reasons.pop("huge.txt")
    if not locked_readable:
        assert reasons.pop("locked.txt") == "permission denied"
    assert reasons == {}
    assert all(str(tmp_path) in s.path for s in skipped)

    by_id = {d.id: d for d in documents}
    lines = [p.text for p in by_id["a_utf8.txt"].paragraphs]
    assert lines == CLEAN.splitlines()
    for doc_id in ("b_bom_crlf.txt", "c_gb18030.txt", "c_utf16.txt", "sub/inner.txt"):
        assert [p.text for p in by_id[doc_id].paragraphs] == lines, doc_id
    assert [p.text for p in by_id["d_page.htm"].paragraphs] == lines + ["新增学位600个。"]
    assert [p.text for p in by_id["e_disguised.txt"].paragraphs] == lines[:2]
    assert [p.text for p in by_id["f_word.docx"].paragraphs] == [lines[0], "新增学位600个"]
    for document in documents:
        assert (document.title, document.office, document.region, document.year) == \
               ("临江县教育局2025年工作计划", "临江县教育局", "临江县", 2025), document.id


def test_paragraph_lines_split_on_newline_only(tmp_path):
    # U+2028, U+0085, \v and \x1c are inside lines (str.splitlines would split there); \r\n is one break
    text = "  一、总体目标\u2028续\r\n\u3000\n第二行\x0b含\x1c控制符\u0085。\n\xa0\u3000 \n\u3000第三行  \n"
    path = tmp_path / "lines.txt"
    path.write_text(text, encoding="utf-8")
    document = read_document(path, tmp_path)
    assert document.id == "lines.txt"
    assert [(p.para, p.text) for p in document.paragraphs] == [
        (0, "  一、总体目标\u2028续"), (1, "第二行\x0b含\x1c控制符\u0085。"), (2, "\u3000第三行  ")]


def test_single_file_and_missing_path(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(CLEAN, encoding="utf-8")
    documents, skipped = read_path(path)
    assert [d.id for d in documents] == ["one.txt"] and skipped == []
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.4")
    documents, skipped = read_path(other)
    assert documents == [] and "unsupported file type .pdf" in skipped[0].reason
    with pytest.raises(FileNotFoundError, match="nowhere"):
        read_path(tmp_path / "nowhere")


def test_a_fifo_or_a_dangling_link_in_a_folder_is_skipped_with_its_reason(tmp_path):
    (tmp_path / "good.txt").write_text(CLEAN, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (tmp_path / "notes").symlink_to(tmp_path / "nowhere")  # not a document's name: ignored like notes.pdf
    documents, skipped = read_path(tmp_path)  # never opens the FIFO, so it cannot block
    assert [d.id for d in documents] == ["good.txt"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == {"pipe.txt", "gone.txt"}
    assert "FIFO" in reasons["pipe.txt"] and "not a regular file" in reasons["pipe.txt"]
    assert "dangling symbolic link" in reasons["gone.txt"] and "deleted.txt" in reasons["gone.txt"]


def test_a_fifo_given_directly_is_named_as_one_and_never_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    documents, skipped = read_path(fifo)
    assert documents == [] and len(skipped) == 1
    assert "FIFO" in skipped[0].reason and "empty" not in skipped[0].reason


@pytest.mark.parametrize("lines, published", [
    (["临江县新建三所学校", "• 2024-03-05   《临江日报》   记者李明", "昨日，县教育局召开会议。"], "2024-03-05"),
    (["索引号 000/2023-01 文号 临教发〔2023〕2号 发布日期 2023-02-14", "临江县教育局2023年工作要点"], "2023-02-14"),
    (["各乡镇中心学校：", "现将《临江县教育局2025年工作要点》印发给你们，请认真贯彻执行。", "临江县教育局",
      "2025年3月3日", "临江县教育局2025年工作要点"], "2025-03-03"),
    (["时间：2022-09-01 来源：临江县教育局", "临江县教育局2022年秋季开学工作通知"], "2022-09-01"),
    (["临江县教育局2025年工作计划", "一、总体要求", "2025年3月起，全面推进课后服务。"], None),
    (["临江县校舍安全工作方案", "一、工作目标", "2025年6月30日前完成全部校舍安全排查"], None),  # a deadline
    (["临江县教育局2024年工作总结", "来源：临江县教育局 更新时间：2024-12-30"], None),  # not when it was published
    (["临江县教师培训通知", "时间：2024年9月1日 地点：临江县第一中学"], None),  # an event's date
    (["临江日报 记者 王明 2023-03-27 12:31", "临江县新建三所学校"], "2023-03-27"),
])
def test_published_date_from_an_unlabelled_dateline_or_a_cover_notice(lines, published):
    document = document_from_lines("dated.txt", list(enumerate(lines)))
    assert document.published == published


@pytest.mark.parametrize("title, kind", [
    ("临江县人民政府关于全面加强和改进学校美育工作的实施意见", "plan"),
    ("临江县教育局关于印发《临江县课后服务工作方案》的通知", "plan"),
    ("临江县教育局2025年工作要点", "plan"),
    ("临江县教育局2024年工作总结", "summary"),
    ("临江县教育事业发展“十四五”规划", "action_plan"),
    ("关于公开征求《临江县学前教育规划(征求意见稿)》意见的通知", "action_plan"),
    ("关于征求意见的通知", None),
    ("临江县新建三所学校", None),
])
def test_the_kind_of_a_document_by_its_title(title, kind):
    assert document_from_lines("titled.txt", [(0, title)]).kind == kind
