"""graph.html (kg.explore.view) and the notebooks' neo4j-viz view in headless Chromium, offline, on the seed graph.

Chromium is Debian's (/usr/bin/chromium, no browser download), driven by playwright over the DevTools
protocol with a fresh profile.  Every request the pages make is recorded: only file:// may appear.
Screenshots are kept under artifacts/ for a person to look at.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from conftest import REPO
from kg.explore.explorer import FileGraph, visualization
from kg.explore.style import PALETTE, relationship_colour
from kg.explore.view import view_data, write_graph_html


ARTIFACTS = REPO / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
LEXICAL = ("Section", "Sentence")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """(context, requests): a headless Chromium with a fresh profile; `requests` lists every URL asked for."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            viewport={"width": 1400, "height": 900})
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        try:
            yield context, requests
        finally:
            context.close()


def wait_for(page, script: str, timeout: float = 90.0):
    """Poll `script` (a JS function) until it returns a truthy value. The page's CSP forbids eval, which
    playwright's wait_for_function needs; evaluate() goes through the DevTools protocol instead."""
    deadline = time.monotonic() + timeout
    while not (value := page.evaluate(script)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        page.wait_for_timeout(100)
    return value


@pytest.fixture(scope="module")
def view(browser, seed_graph, tmp_path_factory):
    """The seed graph's graph.html, opened and laid out: (page, html path, seconds until drawn)."""
    context, _ = browser
    path = write_graph_html(seed_graph, tmp_path_factory.mktemp("view") / "graph.html", title="seed corpus")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    t0 = time.perf_counter()
    page.goto(path.as_uri())
    wait_for(page, "() => window.kgView && window.kgView.ready")
    seconds = time.perf_counter() - t0
    assert not errors
    yield page, path, seconds
    page.close()


def drawn(graph) -> set[str]:
    return {n for n, d in graph.nodes(data=True) if d["label"] not in LEXICAL}


def test_graph_html_draws_every_node_of_the_fact_layer_offline(view, browser, seed_graph):
    page, path, seconds = view
    nodes = drawn(seed_graph)
    assert page.evaluate("() => Object.keys(kgView.network.getPositions()).length") == len(nodes)
    # The graph's edges between drawn nodes, plus one dashed Document -> entity link per document mentioning it.
    facts = sum(1 for u, v in seed_graph.edges() if u in nodes and v in nodes)
    folded = {(d["doc"], v) for _, v, d in seed_graph.edges(data=True) if d["type"] == "MENTIONS" and v in nodes}
    assert page.evaluate("() => kgView.edgeView.length") == facts + len(folded)
    # Drawn, in the palette: pixels of each big label's exact fill colour are on the canvas.
    colours = page.evaluate("""() => {
        const canvas = document.querySelector('#graph canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        const counts = {};
        let painted = 0;
        for (let i = 0; i < pixels.length; i += 4) {
            if (pixels[i + 3] === 0) continue;
            painted++;
            const hex = '#' + [0, 1, 2].map(k => pixels[i + k].toString(16).padStart(2, '0')).join('').toUpperCase();
            counts[hex] = (counts[hex] || 0) + 1;
        }
        return {painted, counts, total: pixels.length / 4};
    }""")
    assert colours["painted"] > 0.02 * colours["total"]
    for label in ("Document", "School", "Program", "Goal"):
        assert colours["counts"].get(PALETTE[label].color, 0) > 20, label
    _, requests = browser
    assert requests and all(url.startswith("file://") for url in requests), requests
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "graph_html.png")
    (ARTIFACTS / "graph_html.json").write_text(json.dumps({
        "html_bytes": path.stat().st_size, "nodes_drawn": len(nodes), "edges_drawn": facts + len(folded),
        "seconds_to_drawn": round(seconds, 2), "render_ms_in_page": page.evaluate("() => kgView.renderMs")}))


def click_on_canvas(page, position: dict) -> None:
    """Centre the view on a canvas position, zoomed in, and click there with the mouse."""
    page.evaluate("p => kgView.network.moveTo({position: p, scale: 3, animation: false})", position)
    page.wait_for_timeout(200)
    point = page.evaluate("p => kgView.network.canvasToDOM(p)", position)
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_clicking_an_edge_shows_its_evidence_sentence_and_confidence(view, seed_graph):
    page, _, _ = view
    head, tail, edge = next((u, v, d) for u, v, d in seed_graph.edges(data=True) if d["type"] == "IMPLEMENTS")
    ends = page.evaluate("ids => kgView.network.getPositions(ids)", [head, tail])
    click_on_canvas(page, {"x": (ends[head]["x"] + ends[tail]["x"]) / 2,
                           "y": (ends[head]["y"] + ends[tail]["y"]) / 2})
    [key] = page.evaluate("() => kgView.network.getSelectedEdges().map(id => kgView.edges.get(id).key)")
    clicked = next(d for *_, d in seed_graph.edges(data=True) if d["key"] == key)  # the edge under the mouse
    details = page.locator("#details").inner_text()
    assert clicked["type"] in details
    assert re.search(rf"confidence\s+{clicked['confidence']:g}", details)
    assert seed_graph.nodes[clicked["sentence"]]["text"] in details
    page.screenshot(path=ARTIFACTS / "graph_html_edge.png")


def test_a_reported_as_edge_shows_the_planned_and_the_reported_goal(browser, tracking_build, tmp_path):
    context, _ = browser
    graph = tracking_build[2]
    path = write_graph_html(graph, tmp_path / "graph.html", title="tracking")
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        wait_for(page, "() => window.kgView && window.kgView.ready")
        shown = page.evaluate("""() => {
            const e = kgView.edges.get({filter: e => e.kgType === 'REPORTED_AS'})
                .find(e => kgView.nodes.get(e.from).title.includes('普惠性幼儿园覆盖率达到92%'));
            kgView.showEdge(e.id);
            return e.key;
        }""")
        planned, reported, edge = next((u, v, d) for u, v, d in graph.edges(data=True) if d["key"] == shown)
        details = page.locator("#details").inner_text()
        assert "REPORTED_AS: planned → reported" in details
        assert graph.nodes[planned]["name"] in details and graph.nodes[reported]["name"] in details
        assert re.search(r"outcome\s+met", details) and re.search(rf"score\s+{edge['score']:g}", details)
        assert edge["reason"] in details and ">= 92%" in details and ">= 93.1%" in details
        page.screenshot(path=ARTIFACTS / "graph_html_reported_as.png")
    finally:
        page.close()


def test_clicking_a_node_lists_the_sentences_that_mention_it(view, seed_graph):
    page, _, _ = view
    node = max((n for n, d in seed_graph.nodes(data=True) if d["label"] == "School"),
               key=lambda n: seed_graph.in_degree(n))
    position = page.evaluate("id => kgView.network.getPositions([id])[id]", node)
    click_on_canvas(page, position)
    assert page.evaluate("() => kgView.network.getSelectedNodes()") == [node]
    details = page.locator("#details").inner_text()
    assert seed_graph.nodes[node]["name"] in details
    for sentence, _, d in seed_graph.in_edges(node, data=True):
        if d["type"] == "MENTIONS":
            assert seed_graph.nodes[sentence]["text"] in details


def test_unticking_a_label_in_the_legend_hides_its_nodes(view, seed_graph):
    page, _, _ = view
    programs = sum(1 for _, d in seed_graph.nodes(data=True) if d["label"] == "Program")
    box = page.locator("#labels label", has_text="Program").locator("input")
    box.uncheck()
    try:
        assert page.evaluate("() => Object.keys(kgView.network.getPositions()).length") == \
            len(drawn(seed_graph)) - programs
    finally:
        box.check()
    assert page.evaluate("() => Object.keys(kgView.network.getPositions()).length") == len(drawn(seed_graph))


def test_the_view_and_the_browser_style_sheet_colour_labels_alike(seed_graph):
    legend = {row["label"]: row["color"] for row in view_data(seed_graph)["labels"]}
    assert legend == {label: PALETTE[label].color for label in legend}
    assert set(legend) == {d["label"] for _, d in seed_graph.nodes(data=True)} - set(LEXICAL)
    grass = (REPO / "cypher" / "browser" / "kg.grass").read_text(encoding="utf-8")
    rules = dict(re.findall(r"node\.(\w+)\s*\{([^}]*)\}", grass))
    assert set(rules) == set(PALETTE)
    for label, body in rules.items():
        props = dict(re.findall(r"([\w-]+):\s*([^;]+);", body))
        assert (props["color"], props["border-color"]) == (PALETTE[label].color, PALETTE[label].border), label
    for rel_type, body in re.findall(r"relationship\.(\w+)\s*\{([^}]*)\}", grass):
        assert re.search(r"color:\s*([^;]+);", body).group(1) == relationship_colour(rel_type), rel_type


def test_the_notebooks_neo4j_viz_view_is_self_contained(browser, seed_graph, tmp_path):
    """neo4j-viz's HTML (what the notebooks show) draws offline too."""
    context, requests = browser
    school = max((n for n, d in seed_graph.nodes(data=True) if d["label"] == "School"), key=seed_graph.degree)
    subgraph = FileGraph(seed_graph).subgraph(seed_graph.nodes[school]["name"])
    assert school in subgraph and subgraph.number_of_edges() >= 5
    path = tmp_path / "neo4j_viz.html"
    path.write_text(visualization(subgraph).render(height="700px").data, encoding="utf-8")
    seen = len(requests)
    page = context.new_page()
    page.goto(path.as_uri())
    wait_for(page, "() => document.querySelectorAll('canvas').length > 0")
    page.wait_for_timeout(2000)  # the force layout settles
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "neo4j_viz.png"
    page.screenshot(path=shot)
    page.close()
    assert all(url.startswith("file://") for url in requests[seen:]), requests[seen:]
    from PIL import Image

    colours = Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 20)
    school_rgb = tuple(int(PALETTE["School"].color[i:i + 2], 16) for i in (1, 3, 5))
    assert any(rgb == school_rgb and n > 50 for n, rgb in colours)


def test_the_lexical_layer_can_be_drawn_and_document_text_cannot_break_the_page(seed_graph, tmp_path):
    everything = view_data(seed_graph, lexical=True)
    assert len(everything["nodes"]) == seed_graph.number_of_nodes()
    assert len(everything["edges"]) == seed_graph.number_of_edges() and not everything["mentions"]
    hostile = seed_graph.copy()
    node = next(n for n, d in hostile.nodes(data=True) if d["label"] == "Program")
    hostile.nodes[node]["name"] = "</script><script>document.title = 'owned'</script>%APP%"
    page = write_graph_html(hostile, tmp_path / "graph.html").read_text(encoding="utf-8")
    assert page.count("</script>") == 3  # the data, the library, the page's code: nothing from the text
    assert page.count("(function () {") == 1
