"""kg_relations: cue rules on sentences written for these tests, legality on every gold
paragraph, relation F1 on the gold with gold (oracle) entities and goals, and the classifier."""
from __future__ import annotations

import pytest
from spacy.training import Example

from kg.nlp.components.extensions import GOALS_KEY, relations
from kg.nlp.components.relations import candidate_pairs, legal_labels, mentions_of, pair_features, rule_decisions
from kg.nlp.evaluate import evaluate
from kg.nlp.extract import doc_to_unit
from kg.nlp.train import reference_doc


def annotate(nlp, text: str, entities: list[tuple[str, str]], goals: list[str] = ()):
    """A doc of `text` with sentences, the given (substring, label) entities and goal substrings,
    then the relation component run on it."""
    doc = nlp.get_pipe("sentences")(nlp.make_doc(text))
    doc.ents = [doc.char_span(text.index(s), text.index(s) + len(s), label=label) for s, label in entities]
    doc.spans[GOALS_KEY] = [doc.char_span(text.index(s), text.index(s) + len(s), label="GOAL") for s in goals]
    return nlp.get_pipe("relations")(doc)


def triples(doc) -> set[tuple[str, str, str]]:
    return {(r.label, head.text, tail.text) for head, tail, r in relations(doc)}


def test_school_subject_with_modal_sets_the_goal_and_joins_the_programme(nlp):
    doc = annotate(nlp, "实验初中要做好省优质学校创建工作,确保2025年通过验收。",
                   [("实验初中", "SCHOOL"), ("省优质学校创建", "PROGRAM"), ("2025年", "DATE")], ["通过验收"])
    assert triples(doc) == {
        ("PARTICIPATES_IN", "实验初中", "省优质学校创建"),
        ("HAS_GOAL", "实验初中", "通过验收"),
        ("DUE", "通过验收", "2025年"),
    }


def test_policy_cue_and_cooperating_offices(nlp):
    doc = annotate(nlp, "深入开展校园食品安全专项整治,严格执行《学校食品安全管理规定》,会同市场监管、卫健等部门开展联合检查。",
                   [("校园食品安全专项整治", "PROGRAM"), ("学校食品安全管理规定", "POLICY"),
                    ("市场监管", "OFFICE"), ("卫健", "OFFICE")])
    assert triples(doc) == {
        ("IMPLEMENTS", "校园食品安全专项整治", "学校食品安全管理规定"),
        ("PARTICIPATES_IN", "市场监管", "校园食品安全专项整治"),
        ("PARTICIPATES_IN", "卫健", "校园食品安全专项整治"),
    }


def test_office_subject_and_founded_leading_group_are_responsible(nlp):
    doc = annotate(nlp, "区教育局将牵头实施“乡村学校提质”行动,组建专项工作领导小组,统筹推进各项任务。",
                   [("区教育局", "OFFICE"), ("“乡村学校提质”行动", "PROGRAM"), ("专项工作领导小组", "OFFICE")])
    assert triples(doc) == {
        ("RESPONSIBLE_FOR", "区教育局", "“乡村学校提质”行动"),
        ("RESPONSIBLE_FOR", "专项工作领导小组", "“乡村学校提质”行动"),
    }


def test_date_at_clause_start_frames_the_programmes_after_it(nlp):
    doc = annotate(nlp, "2025年,将举办第三届校园读书节和青年教师基本功大赛。",
                   [("2025年", "DATE"), ("第三届校园读书节", "PROGRAM"), ("青年教师基本功大赛", "PROGRAM")])
    assert triples(doc) == {("DUE", "第三届校园读书节", "2025年"), ("DUE", "青年教师基本功大赛", "2025年")}


def test_title_earned_inside_a_goal_is_no_goal_holder(nlp):
    doc = annotate(nlp, "东湖小学入选省级文明校园,城西中学承办全市青少年科技节。",
                   [("东湖小学", "SCHOOL"), ("省级文明校园", "PROGRAM"), ("城西中学", "SCHOOL"),
                    ("全市青少年科技节", "PROGRAM")], ["入选省级文明校园"])
    assert triples(doc) == {
        ("HAS_GOAL", "东湖小学", "入选省级文明校园"),
        ("PARTICIPATES_IN", "东湖小学", "省级文明校园"),
        ("PARTICIPATES_IN", "城西中学", "全市青少年科技节"),
    }


def test_what_a_goal_delivers_holds_it_and_policy_before_its_programme(nlp):
    doc = annotate(nlp, "力争年内交付城东幼儿园。以《义务教育课程方案》为指引,全面推进“双新”课程改革。",
                   [("年内", "DATE"), ("城东幼儿园", "SCHOOL"), ("义务教育课程方案", "POLICY"),
                    ("“双新”课程改革", "PROGRAM")], ["交付城东幼儿园"])
    assert triples(doc) == {
        ("HAS_GOAL", "城东幼儿园", "交付城东幼儿园"),
        ("DUE", "交付城东幼儿园", "年内"),
        ("IMPLEMENTS", "“双新”课程改革", "义务教育课程方案"),
    }
    assert [doc.text[r.sentence_start:r.sentence_end] for _, _, r in relations(doc) if r.label == "IMPLEMENTS"] == [
        "以《义务教育课程方案》为指引,全面推进“双新”课程改革。"]


def test_no_mentions_no_relations(nlp):
    assert annotate(nlp, "全面提升教育质量。", [])._.relations == []


# --- the gold, with gold entities and goals ----------------------------------

@pytest.fixture(scope="module")
def oracle(nlp, gold_units):
    """(gold unit, doc with the gold mentions and the rules' relations, those relations as a unit)."""
    out = []
    sentences, rel = nlp.get_pipe("sentences"), nlp.get_pipe("relations")
    for unit in gold_units:
        doc = rel(reference_doc(sentences(nlp.make_doc(unit.text)), unit))
        doc._.context = {"doc": unit.doc, "para": unit.para}
        out.append((unit, doc, doc_to_unit(doc)))
    return out


def test_relations_are_legal_and_rest_on_their_sentence(oracle):
    assert sum(len(doc._.relations) for _, doc, _ in oracle) > 100
    for unit, doc, _ in oracle:
        sentences = {(s.start_char, s.end_char) for s in doc.sents}
        for head, tail, r in relations(doc):
            where = f"{unit.doc} para {unit.para}: {r.label} {head.text} -> {tail.text}"
            assert r.label in legal_labels(head.label_, tail.label_), where
            assert (r.sentence_start, r.sentence_end) in sentences, where
            assert r.sentence_start <= max(head.start_char, tail.start_char) < r.sentence_end, where
        for head, tail in candidate_pairs(doc, mentions_of(doc)):
            assert legal_labels(head.label_, tail.label_)


def test_relation_f1_with_oracle_mentions(oracle):
    """The rules alone on the gold mentions, in sample (the rules were written reading the seeds)."""
    report = evaluate([gold for gold, _, _ in oracle], [pred for _, _, pred in oracle])
    overall = report.relations.overall
    assert overall.tp + overall.fn == sum(len(gold.relations) for gold, _, _ in oracle)
    assert overall.fscore >= 0.85, f"P {overall.precision:.3f} R {overall.recall:.3f} F1 {overall.fscore:.3f}"


def test_the_classifier_learns_from_gold_decides_otherwise_and_round_trips(nlp, gold_units, oracle):
    """Fitted on the gold mentions and relations, it decides some pairs otherwise than the rules,
    with probabilities as confidences; it decides the same after to_bytes/from_bytes."""
    rel = nlp.get_pipe("relations")
    sentences = nlp.get_pipe("sentences")
    examples = [Example(doc, reference_doc(doc, unit))
                for unit in gold_units for doc in [sentences(nlp.make_doc(unit.text))]]
    rel.initialize(lambda: examples)
    try:
        assert rel.classifier.trained
        learned = [rel(doc.copy()) for _, doc, _ in oracle]
        assert any(triples(mine) != triples(rules) for mine, (_, rules, _) in zip(learned, oracle))
        assert all(rel.threshold <= r.confidence <= 1 for doc in learned for _, _, r in relations(doc))
        other = nlp.create_pipe("kg_relations").from_bytes(rel.to_bytes())
        assert [triples(other(doc.copy())) for _, doc, _ in oracle[:40]] == [triples(d) for d in learned[:40]]
        scores = rel.score([Example(d, eg.reference) for d, eg in zip(learned, examples)])
        rules = rel.score([Example(d, eg.reference) for (_, d, _), eg in zip(oracle, examples)])
        assert scores["rels_f"] > rules["rels_f"] > 0.5  # in sample: the classifier fits its own gold better
    finally:
        rel.initialize()
    assert not rel.classifier.trained


def test_a_list_items_heading_is_seen_in_any_sentence(nlp):
    from kg.nlp.components.relations import ParagraphView

    doc = annotate(nlp, "总体目标如下。一是推进阅读行动,新增学位500个。",
                   [("阅读行动", "PROGRAM")], ["新增学位500个"])
    program, goal = doc.ents[0], doc.spans[GOALS_KEY][0]
    features = pair_features(ParagraphView(doc, mentions_of(doc)), program, goal)
    assert "head_in_item=True" in features
    # each feature also joined with the ends' labels, so the classifier weighs it apart for this kind of pair
    assert "ends=PROGRAM>GOAL&head_in_item=True" in features


def test_the_rules_decide_sentence_by_sentence(nlp):
    doc = annotate(nlp, "区教育局牵头实施阅读行动。2025年,将举办第三届校园读书节。",
                   [("区教育局", "OFFICE"), ("阅读行动", "PROGRAM"), ("2025年", "DATE"), ("第三届校园读书节", "PROGRAM")])
    decided = {(h[2], t[2], label) for (h, t), (label, _) in rule_decisions(doc, mentions_of(doc)).items()}
    assert decided == {("OFFICE", "PROGRAM", "RESPONSIBLE_FOR"), ("PROGRAM", "DATE", "DUE")}


def test_a_goal_sees_whether_a_date_is_its_deadline_or_its_baseline(nlp):
    from kg.nlp.components.relations import ParagraphView

    doc = annotate(nlp, "入园率比2020年提高5个百分点,到2025年达到95%。",
                   [("2020年", "DATE"), ("2025年", "DATE")], ["入园率比2020年提高5个百分点", "达到95%"])
    baseline, deadline = doc.ents
    first, second = doc.spans[GOALS_KEY]
    first._.goal, second._.goal = {"year": 2025}, {"year": 2025}
    view = ParagraphView(doc, mentions_of(doc))
    assert {"date_before=比", "goal_year=False"} <= set(pair_features(view, first, baseline))
    assert {"date_before=到", "goal_year=True"} <= set(pair_features(view, second, deadline))


def test_a_goal_keeps_its_most_confident_due_date_and_takes_its_year(nlp):
    from kg.nlp.components.relations import _one_due_date

    text = "到2025年，全区普惠性幼儿园覆盖率达到90%，2024年底前完成验收。"
    doc = annotate(nlp, text, [("2025年", "DATE"), ("2024年", "DATE")], ["全区普惠性幼儿园覆盖率达到90%"])
    [goal] = doc.spans[GOALS_KEY]
    assert ("DUE", goal.text, "2025年") in triples(doc)
    goal._.goal = {"year": 2023, "status": "planned"}
    deadline, other = doc.ents
    found = [(goal, other, "DUE", 0.4), (goal, deadline, "DUE", 0.9), (goal, other, "HAS_GOAL", 0.95)]
    assert _one_due_date(found, None) == found[1:]
    assert doc.spans[GOALS_KEY][0]._.goal == {"year": 2025, "status": "planned"}
    # the relation step itself does it: the goal tagger's year gives way to the date it is DUE by
    doc.spans[GOALS_KEY][0]._.goal = {"year": 2023, "status": "planned"}
    assert nlp.get_pipe("relations")(doc).spans[GOALS_KEY][0]._.goal["year"] == 2025
