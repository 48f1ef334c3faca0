"""Every query of the library (kg/io/queries) against the seed-corpus graph (GOLD facts) loaded into a real Bolt server.

Each answer is checked against the same question answered in Python over the networkx graph, so a query that
runs but means something else (or a server that evaluates it differently) fails.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

import pytest
from typer.testing import CliRunner

from conftest import REPO
from kg.cli import app
from kg.graph.tracking import plan_results
from kg.io.browser import favorites
from kg.io.neo4j import Neo4jConfig
from kg.schema import NODE_LABELS, document_id
from kg.io.query import QUERIES, QueryError, find_query, library, parse_param, run_query

BROWSER = REPO / "cypher" / "browser"

ENTITIES = ("School", "Office", "Program", "Policy", "Region")


@pytest.fixture(scope="module")
def db(seed_db, bolt_driver) -> tuple[Neo4jConfig, object]:
    return seed_db, bolt_driver


def ask(db: tuple[Neo4jConfig, object], query: str, /, **params) -> list[dict]:
    config, driver = db
    return run_query(driver, find_query(query), params, config.database)[1]


# --- the same questions over networkx --------------------------------------------------------------------------

def nodes(g, label: str) -> list[tuple[str, dict]]:
    return [(n, d) for n, d in g.nodes(data=True) if d["label"] == label]


def edges(g, *types: str) -> list[tuple[str, str, dict]]:
    return [(h, t, d) for h, t, d in g.edges(data=True) if d["type"] in types]


def label(g, node: str) -> str:
    return g.nodes[node]["label"]


def name(g, node: str) -> str:
    return g.nodes[node]["name"]


def doc_regions(g) -> dict[str, str]:
    return {d["doc"]: name(g, t) for _, t, d in edges(g, "COVERS")}


def text(g, sentence: str | None) -> str | None:
    return g.nodes[sentence]["text"] if sentence in g else None


def matches(data: dict, part: str) -> bool:
    return part in data["name"] or any(part in a for a in data.get("aliases", []))


# --- one test per library query ---------------------------------------------------------------------------------

def test_goals_due_by_region(db, seed_graph):
    region = doc_regions(seed_graph)
    for year in (2024, 2022):
        expected = defaultdict(lambda: [0, 0, []])
        for _, goal in nodes(seed_graph, "Goal"):
            if goal.get("year") == year:
                entry = expected[region.get(goal["doc"], "")]
                entry[0] += 1
                entry[1] += goal["status"] == "achieved"
                entry[2].append(goal["name"])
        rows = ask(db, "goals_due_by_region", year=year)
        assert rows and {r["region"]: (r["goals"], r["achieved"], sorted(r["goal_names"])) for r in rows} == {
            k: (n, a, sorted(names)) for k, (n, a, names) in expected.items()}
        assert [r["goals"] for r in rows] == sorted((r["goals"] for r in rows), reverse=True)


def test_offices_most_programs(db, seed_graph):
    programmes = defaultdict(set)
    for h, t, _ in edges(seed_graph, "RESPONSIBLE_FOR"):
        if label(seed_graph, h) == "Office" and label(seed_graph, t) == "Program":
            programmes[(name(seed_graph, h), seed_graph.nodes[h].get("region"))].add(t)
    rows = ask(db, "offices_most_programs", limit=1000)
    assert {(r["office"], r["region"]): (r["programmes"], sorted(r["programme_names"])) for r in rows} == {
        k: (len(v), sorted({name(seed_graph, p) for p in v})) for k, v in programmes.items()}
    top = ask(db, "offices_most_programs")  # the header's example: the ten busiest
    assert [r["programmes"] for r in top] == sorted((len(v) for v in programmes.values()), reverse=True)[:10]


def test_programs_implementing_policy(db, seed_graph):
    expected = Counter((name(seed_graph, t), label(seed_graph, h), name(seed_graph, h), d["doc"],
                        text(seed_graph, d["sentence"])) for h, t, d in edges(seed_graph, "IMPLEMENTS"))
    rows = ask(db, "programs_implementing_policy")
    assert rows and Counter(tuple(r.values()) for r in rows) == expected
    assert all(r["evidence"] for r in rows)
    policy = Counter(k[0] for k in expected.elements()).most_common(1)[0][0]
    rows = ask(db, "programs_implementing_policy", policy=policy)
    assert Counter(tuple(r.values()) for r in rows) == Counter(
        {k: n for k, n in expected.items() if policy in k[0]})


def test_policies_across_regions(db, seed_graph):
    region = doc_regions(seed_graph)
    cited = defaultdict(lambda: (set(), set(), []))
    for s, p, d in edges(seed_graph, "MENTIONS"):
        if label(seed_graph, p) == "Policy":
            regions, docs, mentions = cited[name(seed_graph, p)]
            regions.update([region[d["doc"]]] if d["doc"] in region else [])
            docs.add(d["doc"])
            mentions.append(s)
    rows = ask(db, "policies_across_regions", limit=1000)
    assert {r["policy"]: (r["regions"], r["documents"], r["mentions"], sorted(r["region_names"])) for r in rows} == {
        k: (len(r), len(d), len(m), sorted(r)) for k, (r, d, m) in cited.items()}
    assert rows[0]["regions"] == max(len(r) for r, _, _ in cited.values())


def test_office_coresponsibility(db, seed_graph):
    works = defaultdict(set)
    for h, t, _ in edges(seed_graph, "RESPONSIBLE_FOR", "PARTICIPATES_IN"):
        if label(seed_graph, h) == "Office" and label(seed_graph, t) == "Program":
            works[h].add(t)
    pairs = Counter()
    for a in works:
        for b in works:
            shared = sorted({name(seed_graph, p) for p in works[a] & works[b]})
            if a < b and shared:
                pairs[(name(seed_graph, a), name(seed_graph, b), len(shared), tuple(shared))] += 1
    rows = ask(db, "office_coresponsibility")
    assert rows and Counter((r["office"], r["partner"], r["shared"], tuple(sorted(r["programmes"])))
                            for r in rows) == pairs
    assert all(r["shared"] >= 2 for r in ask(db, "office_coresponsibility", min_shared=2))


def test_school_goals_evidence(db, seed_graph):
    has_goal = [(h, t, d) for h, t, d in edges(seed_graph, "HAS_GOAL") if label(seed_graph, h) == "School"]
    school = name(seed_graph, Counter(h for h, _, _ in has_goal).most_common(1)[0][0])
    expected = Counter((name(seed_graph, h), name(seed_graph, t), text(seed_graph, d["sentence"]))
                       for h, t, d in has_goal if matches(seed_graph.nodes[h], school))
    rows = ask(db, "school_goals_evidence", school=school)
    assert len(rows) >= 2 and Counter((r["school"], r["goal"], r["evidence"]) for r in rows) == expected
    assert all(r["evidence"] and r["goal"] in r["evidence"] for r in rows)  # the evidence states the goal


def test_goals_achieved(db, seed_graph):
    for year in (None, 2022):
        expected = defaultdict(set)
        for goal_id, goal in nodes(seed_graph, "Goal"):
            if goal["status"] == "achieved" and year in (None, goal.get("year")):
                doc = seed_graph.nodes[document_id(goal["doc"])]
                key = (doc["name"], doc.get("kind"), goal["name"], goal.get("metric"), goal.get("value"),
                       goal.get("unit"), goal.get("year"))
                expected[key] |= {name(seed_graph, h) for h, _, d in seed_graph.in_edges(goal_id, data=True)
                                  if d["type"] == "HAS_GOAL"}
        rows = ask(db, "goals_achieved", year=year)
        assert rows and {(r["document"], r["kind"], r["goal"], r["metric"], r["value"], r["unit"], r["year"]):
                         set(r["achieved_by"]) for r in rows} == expected
        assert "summary" in {r["kind"] for r in rows}


def test_program_timeline(db, seed_graph):
    years = {d["doc"]: d.get("year") for _, d in nodes(seed_graph, "Document")}
    events = Counter()
    for h, t, d in edges(seed_graph, "DUE", "HAS_GOAL"):
        if label(seed_graph, h) == "Program":
            events[h] += 1
    program = name(seed_graph, events.most_common(1)[0][0])
    for part in (program, "工程"):
        expected = set()
        for h, t, d in edges(seed_graph, "DUE", "HAS_GOAL", "MENTIONS"):
            p, other = (t, h) if d["type"] == "MENTIONS" else (h, t)
            if label(seed_graph, p) != "Program" or part not in name(seed_graph, p):
                continue
            if d["type"] == "DUE":
                expected.add((name(seed_graph, p), seed_graph.nodes[other]["value"], "scheduled", d["doc"]))
            elif d["type"] == "HAS_GOAL":
                goal = seed_graph.nodes[other]
                expected.add((name(seed_graph, p), goal.get("year"), f"{goal['status']} goal: {goal['name']}",
                              goal["doc"]))
            else:
                expected.add((name(seed_graph, p), years[d["doc"]], "mentioned", d["doc"]))
        rows = ask(db, "program_timeline", program=part)
        assert len(rows) >= 2 and {tuple(r.values()) for r in rows} == expected
        assert len(rows) == len(expected)  # UNION: each event once


def test_entities_most_documents(db, seed_graph):
    seen = defaultdict(lambda: (set(), [0]))
    for _, e, d in edges(seed_graph, "MENTIONS"):
        if label(seed_graph, e) in ENTITIES:
            docs, count = seen[(label(seed_graph, e), name(seed_graph, e))]
            docs.add(d["doc"])
            count[0] += 1
    rows = ask(db, "entities_most_documents", limit=10000)
    assert {(r["label"], r["entity"]): (r["documents"], r["mentions"]) for r in rows} == {
        k: (len(docs), n[0]) for k, (docs, n) in seen.items()}
    top = ask(db, "entities_most_documents")
    assert len(top) == 25 and top[0]["documents"] == max(len(docs) for docs, _ in seen.values()) > 1


def test_numeric_goals_by_metric(db, seed_graph):
    region = doc_regions(seed_graph)
    for part in ("率", "人数"):
        expected = Counter((g["metric"], region.get(g["doc"], ""), g.get("year"), g["status"], g["comparator"],
                            g["value"], g.get("unit")) for _, g in nodes(seed_graph, "Goal")
                           if g.get("value") is not None and part in g.get("metric", ""))
        rows = ask(db, "numeric_goals_by_metric", metric=part)
        assert rows and Counter(tuple(r.values()) for r in rows) == expected


def test_programs_without_office(db, seed_graph):
    led = {t for h, t, _ in edges(seed_graph, "RESPONSIBLE_FOR") if label(seed_graph, h) == "Office"}
    expected = Counter()
    for p, data in nodes(seed_graph, "Program"):
        if p not in led:
            goals = sum(1 for _, t, d in seed_graph.out_edges(p, data=True) if d["type"] == "HAS_GOAL")
            takers = sum(1 for _, _, d in seed_graph.in_edges(p, data=True) if d["type"] == "PARTICIPATES_IN")
            expected[(data["name"], len(data.get("docs", [])), goals, takers)] += 1
    rows = ask(db, "programs_without_office", limit=10000)
    assert Counter(tuple(r.values()) for r in rows) == expected
    assert 0 < len(rows) < len(nodes(seed_graph, "Program"))


def test_documents_by_region_year(db, seed_graph):
    region = doc_regions(seed_graph)
    expected = []
    for doc_id, doc in nodes(seed_graph, "Document"):
        years = sorted(seed_graph.nodes[t]["value"] for _, t, d in seed_graph.out_edges(doc_id, data=True)
                       if d["type"] == "FOR_YEAR")
        issuers = [name(seed_graph, t) for _, t, d in seed_graph.out_edges(doc_id, data=True)
                   if d["type"] == "ISSUED_BY"]
        expected.append((region.get(doc["doc"], ""), years, doc.get("kind"), doc["name"],
                         issuers[0] if issuers else None, doc.get("published")))
    rows = ask(db, "documents_by_region_year")
    assert [tuple(r.values()) for r in rows] == sorted(expected, key=lambda e: (e[0], e[3]))
    assert any(len(r["years"]) > 1 for r in rows)  # the multi-year action plan
    one = rows[0]["region"]
    assert [r["document"] for r in ask(db, "documents_by_region_year", region=one)] == [
        e[3] for e in sorted(expected, key=lambda e: e[3]) if one in e[0]]


def test_goals_by_section(db, seed_graph):
    found = defaultdict(lambda: (set(), [0]))
    for sec, sent, _ in edges(seed_graph, "HAS_SENTENCE"):
        for _, goal, d in seed_graph.out_edges(sent, data=True):
            if d["type"] == "MENTIONS" and label(seed_graph, goal) == "Goal":
                s = seed_graph.nodes[sec]
                key = (seed_graph.nodes[document_id(s["doc"])]["name"], s["marker"] + s["title"], s["level"])
                found[key][0].add(goal)
                found[key][1][0] += seed_graph.nodes[goal]["status"] == "achieved"
    rows = ask(db, "goals_by_section", limit=10000)
    assert {(r["document"], r["section"], r["level"]): (r["goals"], r["achieved"]) for r in rows} == {
        k: (len(g), a[0]) for k, (g, a) in found.items()}
    assert sum(r["goals"] for r in rows) == len(nodes(seed_graph, "Goal"))  # every goal sits in one section
    title = rows[0]["document"]
    assert {r["document"] for r in ask(db, "goals_by_section", document=title)} == {title}


def test_schools_most_programs(db, seed_graph):
    programmes = defaultdict(set)
    for h, t, _ in edges(seed_graph, "PARTICIPATES_IN"):
        if label(seed_graph, h) == "School" and label(seed_graph, t) == "Program":
            programmes[(name(seed_graph, h), seed_graph.nodes[h].get("region"))].add(t)
    rows = ask(db, "schools_most_programs", limit=1000)
    assert {(r["school"], r["region"]): (r["programmes"], sorted(r["programme_names"])) for r in rows} == {
        k: (len(v), sorted({name(seed_graph, p) for p in v})) for k, v in programmes.items()}
    assert rows[0]["programmes"] == max(len(v) for v in programmes.values()) >= 2


def test_goals_by_region_year(db, seed_graph):
    region = doc_regions(seed_graph)
    expected = defaultdict(lambda: [0, 0, 0])
    for _, goal in nodes(seed_graph, "Goal"):
        entry = expected[(region.get(goal["doc"], ""), goal.get("year"))]
        entry[0] += goal["status"] == "planned"
        entry[1] += goal["status"] == "achieved"
        entry[2] += goal.get("value") is not None
    rows = ask(db, "goals_by_region_year")
    assert {(r["region"], r["year"]): [r["planned"], r["achieved"], r["numeric"]] for r in rows} == expected
    assert sum(r["planned"] + r["achieved"] for r in rows) == len(nodes(seed_graph, "Goal"))


def test_entity_mentions(db, seed_graph):
    mentions = [(e, d) for _, e, d in edges(seed_graph, "MENTIONS") if label(seed_graph, e) in ENTITIES]
    busiest = name(seed_graph, Counter(e for e, _ in mentions).most_common(1)[0][0])
    for part in (busiest, "教育局"):
        expected = Counter((label(seed_graph, e), name(seed_graph, e), d["doc"], d["para"], d["start"],
                            text(seed_graph, d["sentence"]))
                           for e, d in mentions if matches(seed_graph.nodes[e], part))
        rows = ask(db, "entity_mentions", name=part)
        assert len(rows) >= 2 and Counter(tuple(r.values()) for r in rows) == expected


def test_facts_to_review(db, seed_graph):
    relations = edges(seed_graph, "RESPONSIBLE_FOR", "PARTICIPATES_IN", "IMPLEMENTS", "HAS_GOAL", "DUE")
    for threshold in (0.8, 1.01):
        expected = Counter((d["type"], name(seed_graph, h), name(seed_graph, t), d["confidence"], d["extractor"],
                            d["doc"], text(seed_graph, d["sentence"]))
                           for h, t, d in relations if d["confidence"] < threshold)
        rows = ask(db, "facts_to_review", threshold=threshold, limit=10000)
        assert Counter(tuple(r.values()) for r in rows) == expected
    assert len(rows) == len(relations) and {r["extractor"] for r in rows} == {"gold", "goal-field"}


# --- plan → result tracking, over the graph of our tracking texts (the seed corpus has no plan with its summary) --

@pytest.fixture(scope="module")
def tracking_db(tracking_db_config, bolt_driver) -> tuple[Neo4jConfig, object]:
    return tracking_db_config, bolt_driver


def _targets(g, region: str):
    """(planned goal id, its data, its document's name) of the planned goals whose region contains `region`."""
    docs = {d["doc"]: d["name"] for _, d in nodes(g, "Document")}
    return [(n, d, docs[d["doc"]]) for n, d in nodes(g, "Goal")
            if d["status"] == "planned" and region in d.get("region", "\0")]


def test_plan_vs_result(tracking_db, tracking_build):
    g = tracking_build[2]
    reports = defaultdict(list)
    for h, t, d in edges(g, "REPORTED_AS"):
        reports[h].append((t, d["score"]))
    for part, year in (("砚溪", None), ("", 2025)):
        expected = Counter()
        for n, goal, plan in _targets(g, part):
            if year not in (None, goal.get("year")):
                continue
            head = (goal["region"], goal.get("year"), goal.get("metric"), goal["name"], goal["comparator"],
                    goal.get("value"), goal.get("unit"))
            for a, score in reports.get(n) or [(None, None)]:
                report = g.nodes[a] if a else {}
                expected[head + (report.get("name"), report.get("value"), report.get("unit"), report.get("year"),
                                 goal["outcome"], score, plan)] += 1
        rows = ask(tracking_db, "plan_vs_result", region=part, year=year)
        assert rows and Counter(tuple(r.values()) for r in rows) == expected
    rows = ask(tracking_db, "plan_vs_result", region="砚溪", year=2024)
    assert {"met", "missed", "reported", "no report"} <= {r["outcome"] for r in rows}
    assert any(r["report"] == "新建幼儿园3所" and r["target"] == "新建幼儿园3所" and r["outcome"] == "met" for r in rows)
    assert [tuple(r.values()) for r in rows] == [tuple(vars(p).values()) for p in plan_results(g, "砚溪", 2024)]


def test_targets_without_report(tracking_db, tracking_build):
    g = tracking_build[2]
    reported = {h for h, _, _ in edges(g, "REPORTED_AS")}
    for part in ("", "檀川"):
        expected = Counter((d["region"], d.get("year"), d.get("metric"), d["name"], d["comparator"], d.get("value"),
                            d.get("unit"), plan) for n, d, plan in _targets(g, part) if n not in reported)
        rows = ask(tracking_db, "targets_without_report", region=part)
        assert rows and Counter(tuple(r.values()) for r in rows) == expected
        assert all(r["region"] for r in rows)
    assert all(g.nodes[n]["outcome"] == "no report" for n, d in nodes(g, "Goal")
               if d["status"] == "planned" and n not in reported)


def test_every_library_query_is_tested():
    tested = {n.removeprefix("test_") for n in globals() if n.startswith("test_")}
    assert len(library()) >= 15 and {q.name for q in library()} <= tested


# --- the library's form, the CLI, the Browser files ---------------------------------------------------------------

def test_every_query_documents_its_question_and_example_parameters():
    for query in library():
        assert query.question.endswith("?"), query.path
        used = set(re.findall(r"\$(\w+)", query.text))
        assert used == set(query.params), query.path  # every parameter has an example, every example is used


def test_parameters_are_typed():
    assert parse_param("year=2024") == ("year", 2024)
    assert parse_param("threshold=0.5") == ("threshold", 0.5)
    assert parse_param('year="2024"') == ("year", "2024")
    assert parse_param("school=实验中学") == ("school", "实验中学")
    assert parse_param("name=a=b") == ("name", "a=b")
    with pytest.raises(QueryError, match="not key=value"):
        parse_param("2024")


def test_cli_query_formats_and_errors(db):
    config = db[0]
    env = {"NEO4J_URI": config.uri, "NEO4J_USER": config.user, "NEO4J_PASSWORD": config.password,
           "NEO4J_DATABASE": config.database}
    runner = CliRunner()
    as_json = runner.invoke(app, ["query", "offices_most_programs", "-p", "limit=3", "--format", "json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output) == ask(db, "offices_most_programs", limit=3)
    as_csv = runner.invoke(app, ["query", "offices_most_programs", "--param", "limit=3", "--format", "csv"], env=env)
    assert as_csv.output.splitlines()[0] == "office,region,programmes,programme_names"
    assert len(as_csv.output.splitlines()) == 4
    table = runner.invoke(app, ["query", str(QUERIES / "goals_by_region_year.cypher")], env=env)
    assert table.exit_code == 0 and "planned" in table.output and "achieved" in table.output
    typo = runner.invoke(app, ["query", "offices_most_programs", "-p", "lmit=3"], env=env)
    assert typo.exit_code == 1 and "no parameter lmit (it takes: limit)" in typo.output
    missing = runner.invoke(app, ["query", "no_such_query"], env=env)
    assert missing.exit_code == 1 and "offices_most_programs" in missing.output  # lists what there is


def test_no_query_depends_on_the_id_format():
    """Queries join on the properties the loader stores (doc, para, sentence), never on pieces of an id."""
    for query in library():
        assert not re.search(r"'\w+:'\s*\+|\bsubstring\(|\bsplit\(", query.text), query.name


def test_browser_favorites_are_the_library():
    files = {p.name: p.read_text(encoding="utf-8") for p in (BROWSER / "favorites").glob("*.cypher")}
    assert files == favorites(), "regenerate with: kg browser-favorites cypher/browser/favorites"
    assert ":param year => 2024;" in files["goals_due_by_region.cypher"]


def test_browser_style_sheet_styles_every_label():
    grass = (BROWSER / "kg.grass").read_text(encoding="utf-8")
    styles = dict(re.findall(r"^node\.(\w+) \{\n(.*?)\n\}", grass, re.MULTILINE | re.DOTALL))
    assert set(styles) == set(NODE_LABELS)
    colours = set()
    for style in styles.values():
        colours.add(re.search(r"\bcolor:\s*(#[0-9A-Fa-f]{6})", style).group(1))
        assert re.search(r"caption:\s*'\{\w+\}'", style)
    assert len(colours) == len(NODE_LABELS)  # one colour each
