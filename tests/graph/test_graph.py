"""The graph of the five seed documents with the gold facts: resolution, the graph model, the exports."""
from __future__ import annotations

import csv
import json
from collections import Counter

import networkx as nx
import pytest

from kg.io.export import export, read_graph
from kg.graph.build import GOAL_FIELD, build_graph, summary
from kg.ingest.documents import document_from_lines
from kg.records import Goal, Mention, Relation, Unit
from kg.schema import RELATION_LABELS, Label, document_id, entity_id, year_id
from kg.graph.resolve import normalize_name, resolve

PROPERTY_TYPES = (str, int, float, bool)


@pytest.fixture(scope="module")
def seeds(seed_documents, gold_units):
    """(documents, gold units, graph), the gold read by kg.io.jsonl."""
    units = gold_units
    documents = [d for d in seed_documents if d.id in {u.doc for u in units}]
    return documents, units, build_graph(documents, units, extractor="gold")


def _doc(graph: nx.MultiDiGraph, prefix: str) -> str:
    """The id of the seed document whose file name starts with `prefix`."""
    return next(d["doc"] for _, d in graph.nodes(data=True) if d["label"] == "Document" and d["doc"].startswith(prefix))


def _mentioned_as(graph: nx.MultiDiGraph, node: str, texts: dict[tuple[str, int], str]) -> set[str]:
    """The texts of all mentions of `node`, read from the paragraphs at the MENTIONS offsets."""
    return {texts[(d["doc"], d["para"])][d["start"]:d["end"]]
            for _, _, d in graph.in_edges(node, data=True) if d["type"] == "MENTIONS"}


def test_abbreviations_resolve_to_the_full_name_in_the_same_document(seeds):
    documents, units, graph = seeds
    texts = {(u.doc, u.para): u.text for u in units}
    doc = _doc(graph, "000")
    for short, full in (("海中", "海门中学"), ("实验", "实验学校")):
        [node] = [n for n, d in graph.nodes(data=True) if d["label"] == "School" and d["name"] == full
                  and doc in d["docs"]]
        assert short in graph.nodes[node]["aliases"]
        assert _mentioned_as(graph, node, texts) == {short, full}


def test_the_five_documents_cover_five_regions_named_as_their_text_names_them(seeds):
    documents, units, graph = seeds
    covered = {d.id: [v for _, v, e in graph.out_edges(document_id(d.id), data=True) if e["type"] == "COVERS"]
               for d in documents}
    assert all(len(regions) == 1 for regions in covered.values())
    regions = {regions[0] for regions in covered.values()}
    assert len(regions) == 5 and all(graph.nodes[r]["label"] == "Region" for r in regions)
    # The bare 海门 of the text and the region the metadata names are one node.
    haimen = graph.nodes[covered[_doc(graph, "000")][0]]
    assert haimen["name"] == "海门区" and "海门" in haimen["aliases"]
    # Every document with an issuing office has one ISSUED_BY edge, to an Office mentioned in its own text.
    for d in documents:
        offices = [v for _, v, e in graph.out_edges(document_id(d.id), data=True) if e["type"] == "ISSUED_BY"]
        assert len(offices) == (1 if d.office else 0)
        for office in offices:
            assert graph.nodes[office]["label"] == "Office" and d.id in graph.nodes[office]["docs"]


def test_programs_and_policies_merge_across_documents_by_normalized_name(seeds):
    documents, units, graph = seeds
    for label, node_label in (("PROGRAM", "Program"), ("POLICY", "Policy")):
        names = {normalize_name(u.text[m.start:m.end]) for u in units for m in u.entities if m.label == label}
        nodes = [d for _, d in graph.nodes(data=True) if d["label"] == node_label]
        assert len(nodes) == len(names)
    # No policy title is written the same way in two seed documents, but programmes are.
    shared = [d for _, d in graph.nodes(data=True) if d["label"] == "Program" and len(d["docs"]) >= 2]
    assert len(shared) >= 10 and max(len(d["docs"]) for d in shared) == 4


def test_relations_are_the_gold_relations_on_resolved_entities(seeds):
    documents, units, graph = seeds
    resolution = resolve(documents, units)
    assert resolution.unresolved == []  # every gold DATE places something in a year
    gold = Counter(r.label for u in units for r in u.relations)
    edges = Counter(d["type"] for *_, d in graph.edges(data=True) if d.get("extractor") == "gold"
                    and d["type"] in RELATION_LABELS)
    assert edges == gold  # every gold relation lands on the graph (a goal's DUE on the goal's own DUE edge)
    assert graph.graph == {}  # every gold DUE from a goal names a date of the goal's year
    # Each goal with a year is due in it once: with the gold DUE's sentence as evidence where there is one.
    due = [(u, v, d) for u, v, d in graph.edges(data=True) if d["type"] == "DUE" and graph.nodes[u]["label"] == "Goal"]
    assert len(due) == sum(g.year is not None for u in units for g in u.goals)
    assert all(graph.nodes[v]["value"] == graph.nodes[u]["year"] for u, v, _ in due)
    stated = sum(r.label == "DUE" and r.head in {g.id for g in u.goals} for u in units for r in u.relations)
    assert sum(d["extractor"] == "gold" for *_, d in due) == stated


def test_every_relation_edge_holds_its_evidence_sentence(seeds):
    documents, units, graph = seeds
    texts = {(u.doc, u.para): u.text for u in units}
    across = 0
    for head, tail, d in graph.edges(data=True):
        if d["type"] not in RELATION_LABELS or d["extractor"] == GOAL_FIELD:
            continue  # a goal's own year need not be written in its sentence
        sentence = graph.nodes[d["sentence"]]
        assert sentence["label"] == "Sentence" and (sentence["doc"], sentence["para"]) == (d["doc"], d["para"])
        evidence = texts[(d["doc"], d["para"])][d["start"]:d["end"]]
        assert sentence["text"] in evidence
        spans = []
        for node in (head, tail):  # the mentions of both ends in this paragraph, inside the evidence
            mentions = [(e["start"], e["end"]) for _, _, e in graph.in_edges(node, data=True)
                        if e["type"] == "MENTIONS" and (e["doc"], e["para"]) == (d["doc"], d["para"])]
            inside = [(s, e) for s, e in mentions if d["start"] <= s and e <= d["end"]]
            assert inside, (d["key"], node)
            spans.append(inside)
        s, e = sentence["start"], sentence["end"]
        if not all(any(s <= a and b <= e for a, b in side) for side in spans):
            across += 1  # the ends stand in consecutive sentences: the evidence spans them all
    assert across <= 11  # measured: 11 of the 223 gold relations join ends in consecutive sentences


def test_edges_have_unique_keys_and_no_property_is_none(seeds):
    _, _, graph = seeds
    keys = [k for *_, k in graph.edges(keys=True)]
    assert len(keys) == len(set(keys))
    for *_, k, d in graph.edges(keys=True, data=True):
        assert d["key"] == k and isinstance(d["type"], str)
        if d["type"] in RELATION_LABELS or d["type"] == "MENTIONS":
            assert {"doc", "para", "sentence", "start", "end", "confidence", "extractor"} <= set(d)
    for _, d in list(graph.nodes(data=True)) + [(None, d) for *_, d in graph.edges(data=True)]:
        for value in d.values():
            assert isinstance(value, PROPERTY_TYPES) or (isinstance(value, list)
                                                          and all(isinstance(v, str) for v in value)), d
    counts = summary(graph)
    assert counts["nodes"]["Document"] == 5 and counts["edges"]["MENTIONS"] == sum(
        len(u.entities) + len(u.goals) for u in seeds[1])


def test_exports_round_trip(seeds, tmp_path):
    _, _, graph = seeds
    export(graph, tmp_path)

    graphml = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    assert (graphml.number_of_nodes(), graphml.number_of_edges()) == (graph.number_of_nodes(), graph.number_of_edges())
    some_school = next(n for n, d in graph.nodes(data=True) if d["label"] == "School" and d["aliases"])
    assert json.loads(graphml.nodes[some_school]["aliases"]) == graph.nodes[some_school]["aliases"]

    assert nx.utils.graphs_equal(read_graph(tmp_path / "graph.json"), graph)

    ids: set[str] = set()
    nodes_by_label = Counter()
    for path in sorted((tmp_path / "neo4j" / "nodes").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0][:3] == ["id:ID", ":LABEL", "name"] or rows[0][:2] == ["id:ID", ":LABEL"]
        assert all(":" not in h or h.split(":")[1] in ("ID", "LABEL", "long", "double", "boolean", "string[]")
                   for h in rows[0])
        ids.update(r[0] for r in rows[1:])
        nodes_by_label.update(r[1] for r in rows[1:])
    assert nodes_by_label == summary(graph)["nodes"] and len(ids) == graph.number_of_nodes()
    edges_by_type = Counter()
    for path in sorted((tmp_path / "neo4j" / "relationships").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
        assert all(r[0] in ids and r[1] in ids for r in rows[1:])
        edges_by_type.update(r[2] for r in rows[1:])
    assert edges_by_type == summary(graph)["edges"]


def _unit(doc: str, para: int, text: str, entities: list[tuple[str, str]], goals=(), relations=()) -> Unit:
    """A unit whose mentions are found by their text (first occurrence after the previous one)."""
    unit, at = Unit(doc, para, text), 0
    for n, (surface, label) in enumerate(entities):
        at = text.index(surface, at)
        unit.entities.append(Mention(n, at, at + len(surface), label))
        at += len(surface)
    for n, (surface, year) in enumerate(goals, start=100):
        start = text.index(surface)
        unit.goals.append(Goal(n, start, start + len(surface), None, ">=", 90, "%", year, "planned"))
    unit.relations = [Relation(h, t, label) for h, t, label in relations]
    return unit


def test_resolution_of_documents_written_for_the_test():
    a = document_from_lines("a.txt", [
        (0, "临川区教育体育局2025年工作要点"), (1, "一、重点工作"),
        (2, "今年认真贯彻《关于深化课后服务改革的实施意见（试行）》，区教育局牵头推进“书香校园”建设。"
            "临川第一中学（简称临中）力争本科上线率达到90%，临中明年完成新校区交付。")])
    b = document_from_lines("b.txt", [
        (0, "宜黄县教育局2025年工作思路"),
        (1, "全面落实《关于深化课后服务 改革的实施意见(试行)》，开展“书香校园”建设。")])
    units = [
        _unit("a.txt", 2, a.paragraphs[2].text,
              [("今年", "DATE"), ("关于深化课后服务改革的实施意见（试行）", "POLICY"), ("区教育局", "OFFICE"),
               ("书香校园", "PROGRAM"), ("临川第一中学", "SCHOOL"), ("临中", "SCHOOL"), ("临中", "SCHOOL"),
               ("明年", "DATE")],
              goals=[("本科上线率达到90%", 2025)], relations=[(2, 3, "RESPONSIBLE_FOR"), (5, 100, "HAS_GOAL")]),
        _unit("b.txt", 1, b.paragraphs[1].text,
              [("关于深化课后服务 改革的实施意见(试行)", "POLICY"), ("书香校园", "PROGRAM")]),
    ]
    res = resolve([a, b], units)
    assert res.mentions[("a.txt", 2, 1)] == res.mentions[("b.txt", 1, 0)]
    policy = res.entities[res.mentions[("b.txt", 1, 0)]]
    assert policy.docs == ["a.txt", "b.txt"] and policy.id == entity_id(Label.POLICY, "关于深化课后服务改革的实施意见(试行)")
    school = res.entities[res.mentions[("a.txt", 2, 5)]]
    assert school.name == "临川第一中学" and school.aliases == ["临中"] and school.region == "临川区"
    assert res.mentions[("a.txt", 2, 2)] == res.issuer["a.txt"]  # 区教育局 is this 区's 教育体育局
    assert res.entities[res.issuer["a.txt"]].aliases == ["区教育局"]
    assert (res.mentions[("a.txt", 2, 0)], res.mentions[("a.txt", 2, 7)]) == (year_id(2025), year_id(2026))
    assert res.covers == {"a.txt": entity_id(Label.REGION, "临川区"), "b.txt": entity_id(Label.REGION, "宜黄县")}

    graph = build_graph([a, b], units)
    [(head, tail, edge)] = [e for e in graph.edges(data=True) if e[2]["type"] == "HAS_GOAL"]
    assert (head, graph.nodes[tail]["label"], edge["extractor"]) == (school.id, "Goal", "rules")
    assert graph.nodes[edge["sentence"]]["text"].startswith("临川第一中学")
    sections = [v for _, v, e in graph.out_edges(document_id("a.txt"), data=True) if e["type"] == "HAS_SECTION"]
    assert [graph.nodes[s]["level"] for s in sections] == [0, 1]


def test_an_autonomous_division_written_by_its_place_and_level_is_one_region():
    a = document_from_lines("a.txt", [(0, "丰宁满族自治县教育局2025年工作要点"),
                                      (1, "配合大理白族自治州做好东西部协作。")])
    b = document_from_lines("b.txt", [(0, "丰宁县教育局2024年工作总结"), (1, "赴大理州交流，丰宁县教育局牵头。")])
    units = [_unit("a.txt", 1, a.paragraphs[1].text, [("大理白族自治州", "REGION")]),
             _unit("b.txt", 1, b.paragraphs[1].text, [("大理州", "REGION"), ("丰宁县教育局", "OFFICE")])]
    res = resolve([a, b], units)
    region = res.entities[res.mentions[("b.txt", 1, 0)]]
    assert res.mentions[("a.txt", 1, 0)] == region.id == entity_id(Label.REGION, "大理白族自治州")
    assert region.aliases == ["大理州"]
    assert res.covers["a.txt"] == res.covers["b.txt"] == entity_id(Label.REGION, "丰宁满族自治县")
    assert res.mentions[("b.txt", 1, 1)] == res.issuer["a.txt"] == res.issuer["b.txt"]


def test_a_unit_of_an_unknown_document_is_named_in_the_error():
    a = document_from_lines("a.txt", [(0, "临川区教育局2025年工作要点")])
    with pytest.raises(ValueError, match="c.txt paragraph 3"):
        resolve([a], [Unit("c.txt", 3, "文本")])
