"""kg_entities: the rules' candidates, the rules alone, and the CRF that decides, on sentences written
for these tests."""
from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.training import Example

from kg.nlp.components.entities import Tokens, could_be_a_name, find_candidates, fit_brackets, fit_quotes
from kg.nlp.components.extensions import split_tokens_at
from kg.nlp.train import reference_doc
from kg.records import Mention, Unit

TEXT = "今年将深入实施教师数字素养提升计划,推进溪川县第二轮初中强校提质工程,落实“三维”课堂提质计划。"


def ents(doc) -> set[tuple[str, str]]:
    return {(e.text, e.label_) for e in doc.ents}


def test_every_left_boundary_of_a_programme_head_is_a_candidate(nlp):
    doc = nlp.get_pipe("sentences")(nlp.make_doc(TEXT))
    programmes = {TEXT[c.start:c.end] for c in find_candidates(Tokens.of(doc), None, nlp.get_pipe("entities").breakers)
                  if c.label == "PROGRAM"}
    # across a verb (提升), an ordinal (第二轮) and quotes, but never over punctuation
    assert {"教师数字素养提升计划", "素养提升计划", "溪川县第二轮初中强校提质工程", "“三维”课堂提质计划"} <= programmes
    assert not any("," in p or "。" in p for p in programmes)


def test_without_training_only_the_word_lists_boundary_competes(nlp):
    found = {t for t, label in ents(nlp(TEXT)) if label == "PROGRAM"}  # nlp: untrained, rules only
    # the word lists start a name after a verb (轮, 提升) and drop a generic modifier (初中);
    # a head with too short a name left (计划) gives nothing, not a fragment
    assert found == {"强校提质工程", "“三维”课堂提质计划"}


def _example(nlp, text: str, names: list[tuple[str, str]]) -> Example:
    doc = nlp.get_pipe("sentences")(nlp.make_doc(text))
    unit = Unit("t.txt", 0, text, [Mention(i, text.index(n), text.index(n) + len(n), label)
                                   for i, (n, label) in enumerate(names)])
    return Example(doc, reference_doc(doc, unit))


TRAINING = [
    ("{y}年{r}将实施{a}素养提升计划。", [("{y}年", "DATE"), ("{r}", "REGION"), ("{a}素养提升计划", "PROGRAM")]),
    ("推进{r}{a}强校提质工程,{a}中学获评省文明校园。",
     [("{r}", "REGION"), ("{r}{a}强校提质工程", "PROGRAM"), ("{a}中学", "SCHOOL"), ("省文明校园", "PROGRAM")]),
    ("{r}教育局牵头落实“{a}”课堂改革行动。", [("{r}教育局", "OFFICE"), ("“{a}”课堂改革行动", "PROGRAM")]),
]
FILLS = [dict(y=y, r=r, a=a) for y, r, a in zip(range(2018, 2030), ["溪川县", "云岭市", "青禾区", "北塘县"] * 3,
                                                     ["教师数字", "学生阅读", "校长领导", "家长教育", "劳动实践", "科学"] * 2)]


@pytest.fixture(scope="module")
def trained():
    """An entity component of a pipeline of its own, fitted on written examples."""
    from kg.nlp.pipeline import from_config

    own = from_config()
    tagger = own.get_pipe("entities")
    examples = [_example(own, t.format(**f), [(n.format(**f), label) for n, label in names])
                for f in FILLS for t, names in TRAINING]
    tagger.initialize(lambda: examples)
    return tagger, examples


def test_the_tagger_learns_names_with_verbs_inside_and_scores_itself(nlp, trained):
    tagger, examples = trained
    assert tagger.model.trained
    text = "2031年溪川县将实施教师数字素养提升计划。"
    doc = tagger(nlp.get_pipe("sentences")(nlp.make_doc(text)))
    assert ents(doc) == {("2031年", "DATE"), ("溪川县", "REGION"), ("教师数字素养提升计划", "PROGRAM")}
    assert all(0 < e._.confidence <= 1 for e in doc.ents)
    predicted = [Example(tagger(eg.predicted.copy()), eg.reference) for eg in examples[:6]]
    scores = tagger.score(predicted)
    assert scores["ents_f"] > 0.9 and "PROGRAM" in scores["ents_per_type"]


def test_the_tagger_round_trips_through_bytes_and_disk(nlp, trained, tmp_path):
    tagger, _ = trained
    text = "2031年溪川县将实施学生阅读素养提升计划。"
    before = ents(tagger(nlp.make_doc(text)))
    assert before == {("2031年", "DATE"), ("溪川县", "REGION"), ("学生阅读素养提升计划", "PROGRAM")}
    other = nlp.create_pipe("kg_entities")
    assert ents(other.from_bytes(tagger.to_bytes())(nlp.make_doc(text))) == before
    assert other.vetting.to_dict() == tagger.vetting.to_dict() != {"bias": {}, "weights": {}}
    tagger.to_disk(tmp_path / "entities")
    loaded = nlp.create_pipe("kg_entities").from_disk(tmp_path / "entities")
    assert ents(loaded(nlp.make_doc(text))) == before
    assert loaded.vetting.to_dict() == tagger.vetting.to_dict()


def test_the_vetting_keeps_rule_candidates_apart_from_what_the_tagger_found(nlp, trained):
    tagger, _ = trained
    text = "推进北塘县劳动实践强校提质工程,劳动实践中学获评省文明校园。"
    toks = Tokens.of(nlp.get_pipe("sentences")(nlp.make_doc(text)))
    cands = find_candidates(toks, None, tagger.breakers)
    kept = tagger.vetted(text, cands, [], None)
    # “…中学” was a name each time the rules proposed it in training
    assert ("劳动实践中学", "SCHOOL") in {(text[s:e], label) for s, e, label, _ in kept}
    assert all(p >= tagger.rule_threshold for *_, p in kept)
    cells = [i for s, e, *_ in kept for i in range(s, e)]
    assert len(cells) == len(set(cells))  # apart
    school = text.index("劳动实践中学")
    found = [(school, school + 6, "SCHOOL", 0.9)]
    assert all(e <= school or s >= school + 6 for s, e, *_ in tagger.vetted(text, cands, found, None))


def test_a_boundary_inside_a_token_splits_the_token(nlp):
    """A span learned on characters keeps its exact edges when pkuseg glued the name to a verb."""
    doc = Doc(nlp.vocab, words=["推进溪川", "县", "教育局"], spaces=[False] * 3)
    split_tokens_at(doc, [2, 8])
    assert [t.text for t in doc] == ["推进", "溪川", "县", "教育局"]
    assert doc.char_span(2, 8, label="OFFICE").text == "溪川县教育局"


def test_the_shipped_pipeline_finds_dates_regions_and_offices(shipped_nlp):
    found = ents(shipped_nlp("2025年,溪川县教育局将联合财政、人社等部门实施教师数字素养提升计划。"))
    assert {("2025年", "DATE"), ("溪川县教育局", "OFFICE"), ("财政", "OFFICE"), ("人社", "OFFICE")} <= found


def test_a_quoted_web_address_is_no_name(shipped_nlp):
    """Read like a quoted name, the address was tagged REGION before the guard."""
    text = "家长可在手机浏览器中输入“school.demo-arts.com”打开报名页面,完成报名。"
    assert not [name for name, _ in ents(shipped_nlp(text)) if "demo-arts" in name]


@pytest.mark.parametrize("text, possible", [
    ("美育教学联盟", True), ("APP计划", True), ("2021.03.31", True), ("“1+3”导师制", True),
    ("“书香校园&quot;示范校", True),  # the ";" of an HTML character reference in a page's text ends nothing
    ("课后服务全覆盖。推进城南学区集团化办学", False), ("开列劳动教育清单；支持学校开发课程", False),
    ("www.demo-arts.com", False), ("school.demo-arts.com", False), ("http://jyj.example.gov.cn", False),
])
def test_no_name_holds_a_sentence_end_or_a_web_address(text, possible):
    assert could_be_a_name(text) is possible


@pytest.mark.parametrize("span, name", [
    ("城南三小(河西二小分校", "城南三小"),  # an opening bracket never closed: the name ends before it
    ("2025年)(征求意见稿)", "(征求意见稿)"),  # a closing bracket never opened: the name starts after it
    ("区财政局)", "区财政局"), ("(区财政局", "区财政局"),  # a name cut inside brackets loses the mark
    ("实验附小(集团)", "实验附小(集团)"),  # paired brackets stay
    (")", ""),
])
def test_a_bracket_left_unpaired_is_not_the_names(span, name):
    start, end = fit_brackets(span, 0, len(span))
    assert span[start:end] == name


@pytest.mark.parametrize("text, span, name", [
    ("开展“清风校园”系列活动", "清风校园”系列活动", "“清风校园”系列活动"),  # an open quote left outside is taken in
    ("创建“智慧课堂示范区", "“智慧课堂示范区", "智慧课堂示范区"),  # a quote that never closes is dropped
    ("实施“青苗工程”。", "“青苗工程”", "青苗工程"),  # a wholly quoted name loses its marks
    ("推进“书香校园”建设", "书香校园”", "书香校园"),  # a stray closing mark at the end is dropped
    ("推进“书香校园”建设", "”建设", "建设"),  # a closing mark at the start is the name before's
    ("推进“书香校园”建设", "“书香校园”建设", "“书香校园”建设"),  # paired marks with a kind word stay
    ("推进“一校一品”“一师一优”行动", "“一校一品”“一师一优”", "“一校一品”“一师一优”"),  # two quoted parts stay
])
def test_decoded_spans_follow_the_quote_rule(text, span, name):
    start = text.index(span)
    new_start, new_end = fit_quotes(text, start, start + len(span))
    assert text[new_start:new_end] == name


def test_numbered_short_school_names_are_candidates_without_splitting_ordinary_words(nlp):
    text = "新建城南二小、河西一中,提高中小学课后服务质量。"
    doc = nlp.get_pipe("sentences")(nlp.make_doc(text))
    schools = {text[c.start:c.end] for c in find_candidates(Tokens.of(doc), None, nlp.get_pipe("entities").breakers)
               if c.label == "SCHOOL"}
    assert {"城南二小", "河西一中"} <= schools
    assert "提高" in [t.text for t in doc]  # 高中 is a head for the rules, not a word forced on the segmenter


def test_a_department_joining_two_fields_with_and_is_one_office_and_village_schools_are_schools(nlp):
    text = "由海门区发展和改革委员会、市住房和城乡建设局牵头,改扩建石桥完小和河口中心校。"
    doc = nlp.get_pipe("sentences")(nlp.make_doc(text))
    cands = find_candidates(Tokens.of(doc), None, nlp.get_pipe("entities").breakers)
    offices = {text[c.start:c.end] for c in cands if c.label == "OFFICE"}
    assert {"海门区发展和改革委员会", "发展和改革委员会", "市住房和城乡建设局"} <= offices
    assert {"石桥完小", "河口中心校"} <= {text[c.start:c.end] for c in cands if c.label == "SCHOOL"}
    # the rules alone keep the whole department, 和 and all
    assert {("海门区发展和改革委员会", "OFFICE"), ("市住房和城乡建设局", "OFFICE")} <= ents(nlp(text))


def test_an_open_quote_that_ends_the_name_before_is_not_taken_in():
    text = "推进甲乙“丙丁”行动"  # decoded as 甲乙“ and 丙丁”行动: the first gives the mark up, the second takes it
    assert fit_quotes(text, 2, 5) == (2, 4)
    assert fit_quotes(text, 5, 10, floor=4) == (4, 10)
    assert fit_quotes(text, 5, 10, floor=5) == (5, 10)  # …unless the name before still ends after it


def test_generic_kinds_and_words_that_end_like_a_head_are_no_candidates(nlp):
    text = "倡导跨学科合作,支持大中小学与国内外学校交流,发布吉林省学校美育报告,海门中学牵头,省财政厅保障经费,报告厅改造。"
    doc = nlp.get_pipe("sentences")(nlp.make_doc(text))
    cands = {(text[c.start:c.end], c.label)
             for c in find_candidates(Tokens.of(doc), None, nlp.get_pipe("entities").breakers)}
    assert {("海门中学", "SCHOOL"), ("省财政厅", "OFFICE")} <= cands  # a school named for its place; a 厅
    # 跨学科 ends in 学科, not in an office's 科; 报告厅 is a hall; the schools of a region or of a kind are none
    for name in ("跨学科", "大中小学", "国内外学校", "吉林省学校", "报告厅"):
        assert not any(found == name for found, _ in cands), name


def test_the_shipped_pipeline_names_no_generic_kind_of_school(shipped_nlp):
    found = ents(shipped_nlp("重点支持乡镇中学、边远贫困地区小学和民族地区薄弱学校配备艺术教师,溪川县实验小学结对帮扶。"))
    assert ("溪川县实验小学", "SCHOOL") in found
    # generic modifiers written together are still generic
    for name in ("乡镇中学", "边远贫困地区小学", "民族地区薄弱学校", "地区小学", "薄弱学校"):
        assert (name, "SCHOOL") not in found, name


def test_the_names_of_a_list_start_after_a_word_that_cannot_start_one(nlp):
    text = "区教育局要联合和依托宣传、文化等部门,会同发改、人社等单位开展活动。"
    doc = nlp.get_pipe("sentences")(nlp.make_doc(text))
    listed = [text[c.start:c.end] for c in find_candidates(Tokens.of(doc), None, nlp.get_pipe("entities").breakers)
              if c.rule == "office-list"]
    assert listed == ["宣传", "文化", "发改", "人社"]
