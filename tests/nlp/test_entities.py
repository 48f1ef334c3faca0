"""kg_entity_rules: programme names that hold verbs and quotes, on sentences written for these tests."""
from __future__ import annotations

from kg.nlp.components.classifier import FeatureClassifier
from kg.nlp.components.entities import Candidate, EntityRules, find_candidates
from kg.nlp.pipeline import load

TEXT = "今年将深入实施教师数字素养提升计划,推进溪川县第二轮初中强校提质工程,落实“三维”课堂提质计划。"


def ents(doc) -> set[tuple[str, str]]:
    return {(e.text, e.label_) for e in doc.ents}


def test_every_left_boundary_of_a_programme_head_is_a_candidate(nlp):
    doc = nlp.get_pipe("sentences")(nlp.make_doc(TEXT))
    programmes = {TEXT[c.start:c.end] for c in find_candidates(doc, nlp.get_pipe("entities").breakers)
                  if c.label == "PROGRAM"}
    # across a verb (提升), an ordinal (第二轮) and quotes, but never over punctuation
    assert {"教师数字素养提升计划", "素养提升计划", "溪川县第二轮初中强校提质工程", "“三维”课堂提质计划"} <= programmes
    assert not any("," in p or "。" in p for p in programmes)


def test_the_shipped_ranker_picks_the_whole_names():
    found = ents(load()(TEXT))
    assert {("教师数字素养提升计划", "PROGRAM"), ("溪川县第二轮初中强校提质工程", "PROGRAM"),
            ("“三维”课堂提质计划", "PROGRAM"), ("今年", "DATE")} <= found
    assert ("素养提升计划", "PROGRAM") not in found


def test_without_a_ranker_only_the_word_lists_boundary_competes(nlp):
    found = {t for t, label in ents(nlp(TEXT)) if label == "PROGRAM"}  # nlp: untrained, rules only
    # the word lists start a name after a verb (轮, 提升) and drop a generic modifier (初中);
    # a head with too short a name left (计划) gives nothing, not a fragment
    assert found == {"强校提质工程", "“三维”课堂提质计划"}


def test_lone_quoted_phrases_have_a_threshold_of_their_own(tmp_path):
    ranker = FeatureClassifier({"x": 1.0}, threshold=0.4, overrides={"quoted-lone": 0.6})
    ranker.to_disk(tmp_path / "ranker.json")
    loaded = FeatureClassifier.from_disk(tmp_path / "ranker.json")
    slogan = Candidate(1, 5, "PROGRAM", 0.5, 3, "quoted-lone")
    name = Candidate(8, 14, "PROGRAM", 0.5, 4, "program-head")
    assert EntityRules.choose([slogan, name], loaded.threshold_for) == [name]
    loaded.overrides = {}
    assert EntityRules.choose([slogan, name], loaded.threshold_for) == [slogan, name]


def test_a_region_inside_a_kept_name_is_part_of_it():
    # 溪川县中小学读书节: the region is more certain, but the programme that holds it wins
    region = Candidate(0, 3, "REGION", 0.9, 5, "region-own")
    festival = Candidate(0, 9, "PROGRAM", 0.5, 4, "program-head")
    date = Candidate(10, 15, "DATE", 0.9, 0, "date-year")
    assert EntityRules.choose([region, festival, date], lambda rule: 0.4) == [festival, date]
    assert EntityRules.choose([region, festival, date], lambda rule: 0.6) == [region, date]
