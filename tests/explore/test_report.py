"""report.md (kg.explore.report) of the seed graph: its sections, its tables against the graph, its PNG charts."""
from __future__ import annotations

import re
import warnings
from collections import Counter

import pytest
from PIL import Image

from kg.graph.build import summary
from kg.records import Skipped
from kg.explore.report import cjk_font, latest_reports, most_connected, write_report

SECTIONS = ["# Build report", "## What was read", "## What was extracted", "## Goals by year and region",
            "## Plan → result tracking", "## Most connected entities", "## Skipped files"]
SKIPPED = Skipped("notes/minutes.pdf", "unsupported file type .pdf (expected .txt, .html, .htm, .docx)")


def charts(report: str, out_dir) -> list:
    """The PNG files the report links to, checked to exist and to be whole images."""
    paths = [out_dir / link for link in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", report)]
    for path in paths:
        assert path.is_file(), path
        with Image.open(path) as image:
            image.verify()  # a truncated or corrupt PNG raises
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width > 300 and image.height > 150
            assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 10  # something was drawn
    return paths


def table_rows(report: str, section: str) -> list[list[str]]:
    """The rows of the first table under a `## section` heading."""
    body = report.split(section + "\n", 1)[1]
    table = body[body.index("\n|") + 1:].split("\n\n", 1)[0]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in table.splitlines()[2:]]


@pytest.fixture(scope="module")
def report(seed_graph, seed_documents, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = write_report(seed_graph, seed_documents, [SKIPPED], out)
    return path.read_text(encoding="utf-8"), out, [str(w.message) for w in caught]


def test_the_report_has_its_sections_and_valid_charts(report):
    text, out, _ = report
    positions = [text.index(heading + "\n") for heading in SECTIONS]
    assert positions == sorted(positions)
    assert {p.name for p in charts(text, out)} == {"documents.png", "extracted.png", "goals.png", "connected.png"}


def test_the_report_tells_what_was_read_extracted_and_skipped(report, seed_graph, seed_documents):
    text, _, _ = report
    read = table_rows(text, "## What was read")
    assert [row[0] for row in read] == [d.id for d in seed_documents]
    assert [int(row[5]) for row in read] == [len(d.paragraphs) for d in seed_documents]
    regions = {seed_graph.nodes[u]["doc"]: seed_graph.nodes[v]["name"] for u, v, d in seed_graph.edges(data=True)
               if d["type"] == "COVERS"}
    assert [row[2] for row in read] == [regions[d.id] for d in seed_documents]
    extracted = {row[0]: int(row[1]) for row in table_rows(text, "## What was extracted")}
    assert extracted == dict(summary(seed_graph)["nodes"])
    assert "| notes/minutes.pdf | unsupported file type .pdf" in text.split("## Skipped files", 1)[1]


def test_goals_by_year_and_region_add_up_to_the_graph_goals(report, seed_graph):
    text, _, _ = report
    rows = table_rows(text, "## Goals by year and region")
    goals = [d for _, d in seed_graph.nodes(data=True) if d["label"] == "Goal"]
    assert sum(int(r[2]) for r in rows) == sum(g["status"] == "planned" for g in goals)
    assert sum(int(r[3]) for r in rows) == sum(g["status"] == "achieved" for g in goals)


def test_the_most_connected_entities_are_ranked_by_their_relationships(report, seed_graph):
    text, _, _ = report
    rows = table_rows(text, "## Most connected entities")
    top = most_connected(seed_graph)
    assert [r[2] for r in rows] == [t["name"] for t in top]
    counts = [t["relationships"] for t in top]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 5
    # the first one really has that many fact relationships in the graph
    first = top[0]["id"]
    facts = [d for *_, d in (*seed_graph.in_edges(first, data=True), *seed_graph.out_edges(first, data=True))
             if d["type"] not in ("MENTIONS", "HAS_SECTION", "HAS_SENTENCE", "FOR_YEAR")]
    assert len(facts) == counts[0]


def test_chinese_names_are_drawn_with_a_cjk_font(report):
    text, _, caught = report
    assert cjk_font(), "no CJK font: apt-get install -y fonts-wqy-microhei (or fonts-noto-cjk)"
    assert "Chart keys" not in text
    assert not [m for m in caught if "missing from font" in m]


def test_without_a_cjk_font_the_charts_use_keys_the_report_spells_out(seed_graph, seed_documents, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = write_report(seed_graph, seed_documents, [], tmp_path, cjk=False).read_text(encoding="utf-8")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert len(charts(text, tmp_path)) == 4
    keys = re.findall(r"Chart keys \(no CJK font was found\): ([^\n]+)\.", text)
    assert keys and f"E1 = {most_connected(seed_graph)[0]['name']}" in keys[-1]
    assert "## Skipped files\n\nNone." in text


def test_plan_vs_result_per_region_is_charted_and_tabled(tracking_build, tmp_path):
    documents, _, graph = tracking_build
    text = write_report(graph, documents, [], tmp_path).read_text(encoding="utf-8")
    assert "tracking.png" in {p.name for p in charts(text, tmp_path)}
    rows = table_rows(text, "## Plan → result tracking")
    planned = [d for _, d in graph.nodes(data=True) if d["label"] == "Goal" and d["status"] == "planned"
               and d.get("region")]
    assert len(rows) == len(planned) == len(latest_reports(graph))
    assert Counter(r[7] for r in rows) == Counter(d["outcome"] for d in planned)
    # a five-year target reported twice is judged on its latest report
    [row] = [r for r in rows if r[3].endswith("学前三年毛入园率达到98%")]
    assert row[5].endswith("学前三年毛入园率98.3%") and row[7] == "met"
    summary = text.split("## Plan → result tracking\n", 1)[1].split("\n", 2)[1]
    assert f"{Counter(r[7] for r in rows)['met']} met" in summary
