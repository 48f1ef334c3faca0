"""The character CRF and its BIOES spans: a tagger learns, keeps its model as bytes, and pickles."""
from __future__ import annotations

import pickle

from kg.nlp.components.char_features import add_spans, char_window, longest_matches
from kg.nlp.components.sequence import SequenceModel, bioes, spans_of


def test_bioes_round_trips_spans_and_keeps_the_first_of_an_overlap():
    spans = [(0, 3, "REGION"), (3, 4, "DATE"), (6, 9, "SCHOOL"), (7, 8, "OFFICE")]
    tags = bioes(10, spans)
    assert tags == ["B-REGION", "I-REGION", "E-REGION", "S-DATE", "O", "O", "B-SCHOOL", "I-SCHOOL", "E-SCHOOL",
                    "O"]
    assert spans_of(tags) == spans[:3]


def test_a_run_that_breaks_the_grammar_still_counts_from_its_first_tagged_character():
    assert spans_of(["I-X", "E-X", "O", "B-Y", "I-Y", "B-X"]) == [(0, 2, "X"), (3, 5, "Y"), (5, 6, "X")]


def _sequence(text: str, names: list[str]):
    feats = char_window(text)
    starts = [text.index(n) for n in names]
    return feats, bioes(len(text), [(s, s + len(n), "SCHOOL") for s, n in zip(starts, names)])


def test_a_tagger_learns_a_pattern_tags_unseen_text_and_pickles():
    data = [_sequence(f"新建{a}{b}小学,推进工作。", [f"{a}{b}小学"]) for a in "东西南北" for b in "山河湖海"]
    model = SequenceModel(c1=0.0, c2=0.01, max_iterations=50).fit(data)
    assert model.trained and model.to_bytes()
    text = "新建中江小学,推进工作。"
    found = model.tag(char_window(text))
    assert [(text[s.start:s.end], s.label) for s in found] == [("中江小学", "SCHOOL")]
    assert 0.5 < found[0].confidence <= 1
    copy = pickle.loads(pickle.dumps(model))
    assert copy.tag(char_window(text)) == found
    assert SequenceModel().from_bytes(model.to_bytes()).tag(char_window(text)) == found
    assert SequenceModel().tag(char_window(text)) == []  # untrained: nothing


def test_sources_mark_the_place_of_each_character_in_their_spans():
    feats = char_window("溪川县第一中学")
    add_spans(feats, [(0, 3, "REGION"), (6, 7, "X")], "gazetteer")
    assert [next(k for k in f if k.startswith("gazetteer")) for f in feats[:3]] == [
        "gazetteer=REGION@B", "gazetteer=REGION@M", "gazetteer=REGION@E"]
    assert "gazetteer=X@S" in feats[6]
    assert longest_matches("到溪川县和溪川", frozenset({"溪川", "溪川县"})) == [(1, 4), (5, 7)]
