"""The region gazetteer (kg.zh.regions): the names the entity tagger reads beside a division's full name."""
from __future__ import annotations

from kg.nlp.components.char_features import longest_matches
from kg.zh.regions import common_forms, region_names


def test_an_autonomous_division_is_also_named_by_its_place_and_level():
    assert common_forms("海门区") == ["海门"]
    assert common_forms("大理白族自治州") == ["大理白族", "大理州"]
    assert common_forms("巍山彝族回族自治县") == ["巍山彝族回族", "巍山县"]
    assert common_forms("隆林各族自治县")[-1] == "隆林县"
    assert common_forms("东乡族自治县")[-1] == "东乡县"  # named for its people
    assert common_forms("鄂伦春自治旗")[-1] == "鄂伦春旗"
    assert common_forms("内蒙古自治区") == ["内蒙古"]


def test_the_gazetteer_holds_the_common_forms_and_not_the_place_alone():
    names = region_names()
    assert {"大理白族自治州", "大理州", "黔东南州", "丰宁县", "东乡县"} <= names
    assert "互助" not in names  # 互助土族自治县: the place alone is a word
    text = "丰宁县和大理州的学校结对帮扶。"
    assert [text[s:e] for s, e in longest_matches(text, names)] == ["丰宁县", "大理州"]
