"""Goal metrics (kg.zh.metrics): comparable phrases from our own sentences, the similarity the tracker
links by, and the figures of bench/metrics.py on the gold's own goal spans."""
from __future__ import annotations

import sys

import pytest

from conftest import REPO
from kg.zh.metrics import metric_name, metric_similarity, overlap_f
from kg.zh.numbers import find_quantities


def _metric(text: str, span: str, rank: str | None = None) -> str:
    start = text.index(span)
    end = start + len(span)
    if rank is not None:
        at = text.index(rank, start)
        return metric_name(text, start, end, None, (at, at + len(rank)))
    quantities = [q for q in find_quantities(text) if start <= q.start < end and q.unit]
    return metric_name(text, start, end, quantities[0] if quantities else None)


@pytest.mark.parametrize("text, span, metric", [
    # counts and rates: the number, unit and comparator go, the head the unit calls for comes
    ("全年新建幼儿园3所。", "新建幼儿园3所", "新建幼儿园数"),
    ("清华北大录取不少于8人。", "清华北大录取不少于8人", "清华北大录取人数"),
    ("培训乡村教师2100余人次。", "培训乡村教师2100余人次", "乡村教师培训人次"),
    ("投入财政性教育经费1.2亿元。", "投入财政性教育经费1.2亿元", "财政性教育经费投入"),
    ("高考本科上线率达到86.5%以上。", "高考本科上线率达到86.5%以上", "高考本科上线率"),
    # the national indicators, one name however written
    ("学前教育普惠率达到90%。", "学前教育普惠率达到90%", "普惠性幼儿园覆盖率"),
    ("普惠性幼儿园学位占比达85%以上。", "普惠性幼儿园学位占比达85%以上", "普惠性幼儿园覆盖率"),
    ("九年义务教育巩固率保持在99%以上。", "九年义务教育巩固率保持在99%以上", "义务教育巩固率"),
    ("3-6岁幼儿入园率达到95%。", "3-6岁幼儿入园率达到95%", "学前三年毛入园率"),
    ("公办幼儿园在园幼儿比例不低于55%。", "公办幼儿园在园幼儿比例不低于55%", "公办园在园幼儿占比"),
    # a share bounded before its base: what is measured is the share of the base
    ("体育课时总量不低于总课时的11%。", "体育课时总量不低于总课时的11%", "体育课时总量占总课时比例"),
    ("增加初中学位600个。", "增加初中学位600个", "新增初中学位数"),
    ("新增幼儿园、中小学学位1200个。", "新增幼儿园、中小学学位1200个", "新增学位数"),
    # the counted thing first: 27所中小学开设… → 开设…的中小学数
    ("12所乡村学校完成食堂改造。", "12所乡村学校完成食堂改造", "完成食堂改造的乡村学校数"),
    ("从业人员较多的培训机构100%建立党组织。", "从业人员较多的培训机构100%建立党组织", "从业人员较多的培训机构党组织建立率"),
    # a named school is whom the goal is set for, not what is measured; a kind of school stays
    ("霁川县第一中学高考本科上线率83.6%。", "霁川县第一中学高考本科上线率83.6%", "高考本科上线率"),
    ("乡村学校教师交流人数达到120人。", "乡村学校教师交流人数达到120人", "乡村学校教师交流人数"),
    ("城区初中学位数新增1200个。", "城区初中学位数新增1200个", "城区初中学位数新增数"),  # a stage, not a school
    # a listed name goes, the counting verb stays
    ("新建东湖小学、西岭小学等3所学校。", "新建东湖小学、西岭小学等3所学校", "新建学校数"),
])
def test_numeric_metrics(text, span, metric):
    assert _metric(text, span) == metric


@pytest.mark.parametrize("text, span, metric", [
    # an elliptical item measures what the item before it measured
    ("2024年、2025年分别新增学位800个、1200个。", "1200个", "新增学位数"),
    ("教育经费投入3.5亿元，同比增长6.2%。", "同比增长6.2%", "教育经费投入同比增长率"),
    ("全县体质健康优良率达到52%，比上年提高3个百分点。", "比上年提高3个百分点", "体质健康优良率同比提高幅度"),
])
def test_elliptical_items_complete_from_the_item_before(text, span, metric):
    assert _metric(text, span) == metric


@pytest.mark.parametrize("text, span, metric", [
    ("力争年底交付南湖实验小学。", "交付南湖实验小学", "南湖实验小学投用"),
    ("北山中学新校区计划2025年8月建成投用。", "建成投用", "北山中学新校区投用"),
    ("实现乡村学校网络全覆盖。", "乡村学校网络全覆盖", "乡村学校网络覆盖率"),
    ("顺利通过省义务教育优质均衡县督导评估。", "通过省义务教育优质均衡县督导评估", "省义务教育优质均衡县督导评估通过"),
    ("县实验小学获评省文明校园。", "获评省文明校园", "省文明校园获评"),
    ("全面完成年度各项目标任务。", "完成年度各项目标任务", "年度目标任务完成情况"),
    ("校园安全零事故。", "校园安全零事故", "校园安全事故数"),
    ("义务教育阶段零辍学。", "零辍学", "义务教育辍学人数"),
    ("中考成绩继续保持全市领先。", "中考成绩继续保持全市领先", "中考成绩全市排名"),
])
def test_non_numeric_metrics_put_the_verb_behind_its_object(text, span, metric):
    assert _metric(text, span) == metric


def test_ranks_name_what_is_ranked_and_where():
    assert _metric("教育信息化发展指数排名全省第一。", "教育信息化发展指数排名全省第一", rank="第一") == "教育信息化发展指数全省排名"
    text = "城南中学要继续保持全市前3名、力争第1。"
    assert _metric(text, "保持全市前3名", rank="前3") == "城南中学全市排名"
    assert _metric(text, "第1", rank="第1") == "城南中学全市排名"


def test_overlap_f_counts_shared_characters_as_multisets():
    assert overlap_f("新增学位数", "新增学位数") == 1.0
    assert overlap_f("", "") == 1.0
    assert overlap_f("普惠率", "") == 0.0
    assert overlap_f("学学", "学") == pytest.approx(2 * 1 / 3)
    assert overlap_f("普惠性幼儿园覆盖率", "普惠性民办幼儿园覆盖率") == pytest.approx(18 / 20)


@pytest.mark.parametrize("a, b, alike", [
    ("新建幼儿园数", "新建公办幼儿园数", True),
    ("普惠性幼儿园覆盖率", "“普惠性幼儿园”覆盖率", True),
    ("义务教育巩固率", "义务教育入学率", False),  # bigrams tell them apart
    ("新建幼儿园数", "改扩建幼儿园数", False),  # different counting verbs
    ("新建幼儿园数", "新建小学数", False),
    ("教师培训人次", "校长培训人次", False),
])
def test_metric_similarity(a, b, alike):
    assert (metric_similarity(a, b) >= 0.7) is alike, metric_similarity(a, b)
    assert metric_similarity(a, b) == metric_similarity(b, a)


def test_bench_figures_on_the_gold_spans():
    """bench/metrics.py, measured: held-out training documents (328 goals) overlap F 0.794, exact 0.305 (the
    rules before kg.zh.metrics: 0.750 and 0.189); the seed gold, whose metrics are the documents' own words,
    0.823 and 0.204 (before: 0.806 and 0.235)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import metrics as bench
    finally:
        sys.path.pop(0)
    figures = bench.report()
    held = figures["train/held-out"]
    assert held["goals"] == 328
    assert held["overlap_f"] >= 0.78 and held["exact"] >= 0.28
    assert figures["seeds"]["overlap_f"] >= 0.80
