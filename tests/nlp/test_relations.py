"""kg_relations: cue rules on sentences written for these tests, legality on every gold
paragraph, and relation F1 on the gold with gold (oracle) entities and goals."""
from __future__ import annotations

import pytest

from kg.nlp.components.extensions import GOALS_KEY
from kg.nlp.components.relations import Relations, candidate_pairs, decide, legal_labels
from kg.nlp.evaluate import evaluate
from kg.records import Relation, Unit
from kg.nlp.train import with_gold_mentions


def annotate(nlp, text: str, entities: list[tuple[str, str]], goals: list[str] = ()):
    """A doc of `text` with sentences, the given (substring, label) entities and goal substrings,
    then the relation component run on it."""
    doc = nlp.get_pipe("sentences")(nlp.make_doc(text))
    doc.ents = [doc.char_span(text.index(s), text.index(s) + len(s), label=label) for s, label in entities]
    doc.spans[GOALS_KEY] = [doc.char_span(text.index(s), text.index(s) + len(s), label="GOAL") for s in goals]
    return nlp.get_pipe("relations")(doc)


def triples(doc) -> set[tuple[str, str, str]]:
    return {(r.label, r.head.text, r.tail.text) for r in doc._.relations}


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
    assert [r.sentence.text for r in doc._.relations if r.label == "IMPLEMENTS"] == [
        "以《义务教育课程方案》为指引,全面推进“双新”课程改革。"]


def test_no_mentions_no_relations(nlp):
    assert annotate(nlp, "全面提升教育质量。", [])._.relations == []


# --- the gold, with gold entities and goals ----------------------------------

def oracle_doc(nlp, unit: Unit):
    """The paragraph with its gold entities and goals (kg.nlp.train.with_gold_mentions), relations
    extracted; and the gold id of each span as placed."""
    doc, keys = with_gold_mentions(nlp.get_pipe("sentences")(nlp.make_doc(unit.text)), unit)
    return nlp.get_pipe("relations")(doc), {key: id_ for id_, key in keys.items()}


@pytest.fixture(scope="module")
def oracle(nlp, gold_units):
    """(gold unit, doc with gold mentions and extracted relations, the gold unit with those relations)."""
    out = []
    for unit in gold_units:
        doc, ids = oracle_doc(nlp, unit)
        key = lambda span: ids[(span.start_char, span.end_char, span.label_)]  # noqa: E731
        relations = [Relation(key(r.head), key(r.tail), r.label, r.confidence,
                              (r.sentence.start_char, r.sentence.end_char)) for r in doc._.relations]
        out.append((unit, doc, Unit(unit.doc, unit.para, unit.text, unit.entities, unit.goals, relations)))
    return out


def test_relations_are_legal_and_rest_on_their_sentence(oracle):
    assert sum(len(doc._.relations) for _, doc, _ in oracle) > 100
    for unit, doc, _ in oracle:
        for rel in doc._.relations:
            where = f"{unit.doc} para {unit.para}: {rel.label} {rel.head.text} -> {rel.tail.text}"
            assert rel.label in legal_labels(rel.head.label_, rel.tail.label_), where
            assert rel.sentence in list(doc.sents), where
            for end in (rel.head, rel.tail):
                assert rel.sentence.start <= end.start < rel.sentence.end, where
        for head, tail, sent in candidate_pairs(doc):
            assert legal_labels(head.label_, tail.label_)
            assert sent.start <= head.start < sent.end and sent.start <= tail.start < sent.end


def test_relation_f1_with_oracle_mentions(oracle):
    report = evaluate([gold for gold, _, _ in oracle], [pred for _, _, pred in oracle])
    overall = report.relations.overall
    assert overall.tp + overall.fn == sum(len(gold.relations) for gold, _, _ in oracle)
    assert overall.fscore >= 0.85, f"P {overall.precision:.3f} R {overall.recall:.3f} F1 {overall.fscore:.3f}"
    for doc, part in report.by_doc.items():  # no document far behind (the small ones are too noisy)
        score = part.relations.overall
        if score.tp + score.fn >= 20:
            assert score.fscore >= 0.8, f"{doc}: relation F1 {score.fscore:.3f}"


def test_fitted_classifier_round_trips_and_changes_decisions(nlp, gold_units, tmp_path):
    """A classifier fitted on the gold (gold mentions) decides otherwise than the rules, with
    probabilities as confidences, and decides the same after to_disk/from_disk."""
    examples = []
    for unit in gold_units:
        doc, keys = with_gold_mentions(nlp.get_pipe("sentences")(nlp.make_doc(unit.text)), unit)
        examples.append((doc, {(r.label, keys[r.head], keys[r.tail]) for r in unit.relations
                               if r.head in keys and r.tail in keys}))
    fitted = Relations("relations")
    fitted.fit(examples, seed=0)
    assert fitted.classifier.trained

    def decisions(component: Relations, doc) -> set:
        chosen = component.choose(component.score(doc, candidate_pairs(doc)), component.classifier.threshold)
        return {(r.label, r.head.start_char, r.tail.start_char, r.confidence) for r in chosen}

    learned = [decisions(fitted, doc) for doc, _ in examples]
    rules = [{(r.label, r.head.start_char, r.tail.start_char) for r in decide(doc, candidate_pairs(doc))}
             for doc, _ in examples]
    assert any({d[:3] for d in mine} != theirs for mine, theirs in zip(learned, rules))
    assert all(fitted.classifier.threshold <= d[3] <= 1 for mine in learned for d in mine)

    fitted.to_disk(tmp_path / "relations")
    loaded = Relations("relations").from_disk(tmp_path / "relations")
    assert loaded.classifier.weights == fitted.classifier.weights
    assert [decisions(loaded, doc) for doc, _ in examples] == learned

    Relations("relations").to_disk(tmp_path / "rules")  # unfitted: loads back as the rules alone
    assert not Relations("relations").from_disk(tmp_path / "rules").classifier.trained
