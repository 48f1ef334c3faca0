"""kg.schema owns the model: node ids are built and read there only, and the relation table is SCHEMA.md's."""
from __future__ import annotations

import re

from conftest import REPO, SHARED
from kg.schema import (RELATION_TYPES, Label, document_id, entity_id, goal_id, parse_entity_id, section_id,
                       sentence_id, year_id)

ID_PREFIX = re.compile(r"""["'`](?:doc|sec|sent|goal|year|school|office|program|policy|region):""")


def test_no_module_but_the_schema_spells_an_id():
    """Ids are made by kg.schema's functions; code, queries and the view template read properties instead."""
    package = REPO / "kg"
    sources = [p for p in package.rglob("*") if p.suffix in (".py", ".cypher", ".html") and p.name != "schema.py"]
    offenders = [str(p.relative_to(REPO)) for p in sources if ID_PREFIX.search(p.read_text(encoding="utf-8"))]
    assert sources and offenders == []


def test_ids_are_built_and_read_back():
    assert parse_entity_id(entity_id(Label.SCHOOL, "海门中学", "海门区")) == (Label.SCHOOL, "海门中学", "海门区")
    assert parse_entity_id(entity_id(Label.OFFICE, "教育部", "")) == (Label.OFFICE, "教育部", "")
    assert parse_entity_id(entity_id(Label.PROGRAM, "双减")) == (Label.PROGRAM, "双减", None)
    assert parse_entity_id(year_id(2025)) == (Label.YEAR, "2025", None)
    ids = [document_id("a.txt"), section_id("a.txt", 0), sentence_id("a.txt", 3, 1), goal_id("a.txt", 3, 4, 9)]
    assert len(set(ids)) == len(ids)


def test_relation_table_is_schema_section_3():
    section = SHARED.joinpath("SCHEMA.md").read_text(encoding="utf-8").split("## 3.")[1].split("## 4.")[0]
    table = {}
    for label, heads, tails in re.findall(r"^\| `(\w+)` \| ([A-Z, ]+) \| ([A-Z, ]+) \|", section, re.M):
        table[label] = (frozenset(heads.replace(" ", "").split(",")), frozenset(tails.replace(" ", "").split(",")))
    assert len(table) == 5
    assert table == RELATION_TYPES
