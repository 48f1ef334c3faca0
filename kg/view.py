"""graph.html: an interactive view of the knowledge graph that opens from disk with no network.

Why vis-network: its standalone UMD build (kg/data/vis-network.min.js, 654 KB, MIT or
Apache-2.0, no external requests) is inlined into the page, so the file works offline
and anywhere; every behaviour (legend, filters, evidence panel) is a few lines of our
own JS.  neo4j-viz's HTML is also self-contained but is 4.4 MB per page, GPL-3.0, and
its NVL component cannot be given an evidence panel; the notebooks use it (kg.explore).

What is drawn: every node except the lexical layer (Section, Sentence), with its
label's colour (kg.style), its name as caption and the graph's edges between drawn
nodes.  The lexical layer is kept as evidence: clicking an edge shows its evidence
sentence and confidence; clicking a node lists the sentences that mention it; and
the MENTIONS edges, folded to one dashed Document → entity link per document, tie the
many entities that have no relation to the document that names them.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx

from kg.style import PALETTE, relationship_colour, style

HIDDEN_LABELS = ("Section", "Sentence")  # the lexical layer below Document: evidence, not drawn
DOC_MENTIONS = "MENTIONED"  # the folded Sentence -MENTIONS-> entity links, drawn Document -> entity
CAPTION_CHARS = 14  # longer names (goals, policy titles) are cut in the drawing, whole in the panel
MENTIONED_COLOUR = "#C8CCD4"


def drawable_nodes(graph: nx.MultiDiGraph, lexical: bool = False) -> list[str]:
    """The nodes graph.html draws: all but Section/Sentence unless `lexical`."""
    return [n for n, d in graph.nodes(data=True) if lexical or d.get("label") not in HIDDEN_LABELS]


def caption(name: str, limit: int = CAPTION_CHARS) -> str:
    """`name` cut to `limit` characters with an ellipsis."""
    return name if len(name) <= limit else name[:limit - 1] + "…"


def _props(data: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in skip}


def view_data(graph: nx.MultiDiGraph, lexical: bool = False) -> dict[str, Any]:
    """The JSON the page draws: nodes, edges, folded document mentions, and the evidence sentences."""
    drawn = set(drawable_nodes(graph, lexical))
    sentences: dict[str, dict[str, Any]] = {}

    def sentence(sid: str | None) -> str | None:
        if sid and sid in graph and sid not in sentences:
            d = graph.nodes[sid]
            sentences[sid] = {"text": d.get("text", ""), "doc": d.get("doc", ""), "para": d.get("para")}
        return sid if sid in sentences else None

    edges, degree = [], Counter()
    mentions: dict[tuple[str, str], list[str]] = defaultdict(list)  # (document node, entity) -> sentence ids
    mentioned_by: dict[str, list[str]] = defaultdict(list)  # entity -> sentence ids
    for head, tail, key, d in graph.edges(keys=True, data=True):
        if d.get("type") == "MENTIONS" and tail in drawn and head not in drawn:
            sid = sentence(head)
            if sid:
                mentioned_by[tail].append(sid)
                doc_node = f"doc:{d.get('doc', graph.nodes[head].get('doc'))}"
                if doc_node in drawn:
                    mentions[(doc_node, tail)].append(sid)
            continue
        if head in drawn and tail in drawn:
            edges.append({"id": f"e{len(edges)}", "key": key, "from": head, "to": tail, "type": d.get("type", ""),
                          "sentence": sentence(d.get("sentence")),
                          **_props(d, ("type", "key", "sentence"))})  # ids by position: keys may repeat
            degree.update((head, tail))
    folded = [{"id": f"{DOC_MENTIONS}:{doc}>{node}", "from": doc, "to": node, "type": DOC_MENTIONS,
               "sentences": sids} for (doc, node), sids in sorted(mentions.items())]
    degree.update(n for f in folded for n in (f["from"], f["to"]))
    nodes = [{"id": n, "label": d.get("label", ""), "name": str(d.get("name", n)),
              "caption": caption(str(d.get("name", n))), "degree": degree[n],
              "props": _props(d, ("label", "name", "text")), "mentions": mentioned_by.get(n, [])[:50]}
             for n, d in graph.nodes(data=True) if n in drawn]
    counts = Counter(n["label"] for n in nodes)
    order = [label for label in PALETTE if counts[label]] + sorted(set(counts) - set(PALETTE))
    labels = [{"label": label, "color": style(label).color, "border": style(label).border, "count": counts[label]}
              for label in order]
    types = Counter(e["type"] for e in edges) + Counter(f["type"] for f in folded)
    return {"nodes": nodes, "edges": edges, "mentions": folded, "sentences": sentences, "labels": labels,
            "types": [{"type": t, "count": n,
                       "color": MENTIONED_COLOUR if t == DOC_MENTIONS else relationship_colour(t)}
                      for t, n in sorted(types.items())]}


def _script_json(data: Any) -> str:
    """JSON safe inside <script>: `<` escaped so no text can close the element."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def write_graph_html(graph: nx.MultiDiGraph, path: Path, *, lexical: bool = False,
                     title: str = "Knowledge graph") -> Path:
    """One self-contained HTML file (vis-network inlined, data embedded); opens offline from disk."""
    library = files("kg").joinpath("data", "vis-network.min.js").read_text(encoding="utf-8")
    parts = {"TITLE": html.escape(title), "DATA": _script_json(view_data(graph, lexical)),
             "LIBRARY": library, "APP": _APP}
    page = re.sub(r"%(TITLE|DATA|LIBRARY|APP)%", lambda m: parts[m.group(1)], _PAGE)  # one pass: data stays data
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


_PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>%TITLE%</title>
<style>
  html, body { margin: 0; height: 100%; font: 13px/1.45 sans-serif; color: #2A2C34; }
  body { display: flex; }
  #graph { flex: 1; height: 100%; background: #FFFFFF; }
  #side { width: 340px; height: 100%; overflow-y: auto; box-sizing: border-box; padding: 10px 12px;
          border-left: 1px solid #D5D8DE; background: #F7F8FA; }
  h1 { font-size: 15px; margin: 0 0 4px; } h2 { font-size: 13px; margin: 12px 0 4px; }
  #status { color: #6B7080; }
  .row { display: flex; align-items: center; gap: 6px; margin: 2px 0; cursor: pointer; }
  .swatch { width: 12px; height: 12px; border-radius: 50%; border: 2px solid; flex: none; }
  .line { width: 18px; height: 0; border-top: 3px solid; flex: none; }
  .count { color: #6B7080; margin-left: auto; }
  #details table { border-collapse: collapse; width: 100%; }
  #details td { vertical-align: top; padding: 1px 4px 1px 0; word-break: break-all; }
  #details td:first-child { color: #6B7080; white-space: nowrap; }
  .evidence { background: #FFFFFF; border-left: 3px solid #C0A378; padding: 4px 6px; margin: 4px 0; }
  .source { color: #6B7080; font-size: 11px; }
</style>
<script type="application/json" id="kg-data">%DATA%</script>
</head>
<body>
<div id="graph"></div>
<div id="side">
  <h1>%TITLE%</h1>
  <div id="status">laying out…</div>
  <h2>Labels</h2><div id="labels"></div>
  <h2>Relationships</h2><div id="types"></div>
  <h2>Details</h2><div id="details">Click a node or an edge.</div>
</div>
<script>%LIBRARY%</script>
<script>%APP%</script>
</body>
</html>
"""

# The page's own code: builds the network from the embedded data, the legend/filters and the evidence panel.
# All data goes into the page through textContent, never as HTML.
_APP = r"""
(function () {
  const t0 = performance.now();
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const byId = new Map(data.nodes.map(n => [n.id, n]));
  const colours = new Map(data.labels.map(l => [l.label, l]));
  const typeColours = new Map(data.types.map(t => [t.type, t.color]));
  const shownLabels = new Set(data.labels.map(l => l.label));
  const shownTypes = new Set(data.types.map(t => t.type));
  const nodes = new vis.DataSet(data.nodes.map(n => {
    const c = colours.get(n.label);
    return {id: n.id, kgLabel: n.label, label: n.caption, title: n.label + ": " + n.name,
            value: n.degree + (n.label === "Document" ? 20 : 1),
            color: {background: c.color, border: c.border,
                    highlight: {background: c.color, border: "#2A2C34"}}};
  }));
  const rels = data.edges.concat(data.mentions);
  const relById = new Map(rels.map(r => [r.id, r]));
  const edges = new vis.DataSet(rels.map(e => ({
    id: e.id, key: e.key, from: e.from, to: e.to, kgType: e.type, title: e.type,
    dashes: e.type === "MENTIONED", arrows: "to",
    width: e.type === "MENTIONED" ? 0.5 : 1 + 2 * (e.confidence === undefined ? 1 : e.confidence),
    color: {color: typeColours.get(e.type), highlight: "#2A2C34", opacity: e.type === "MENTIONED" ? 0.5 : 0.9}})));
  const nodeView = new vis.DataView(nodes, {filter: n => shownLabels.has(n.kgLabel)});
  const edgeView = new vis.DataView(edges, {filter: e => shownTypes.has(e.kgType)
      && shownLabels.has(byId.get(e.from).label) && shownLabels.has(byId.get(e.to).label)});
  const network = new vis.Network(document.getElementById("graph"), {nodes: nodeView, edges: edgeView}, {
    layout: {randomSeed: 7, improvedLayout: false},
    nodes: {shape: "dot", scaling: {min: 6, max: 36, label: {enabled: true, min: 11, max: 28, drawThreshold: 6}},
            font: {face: "sans-serif", color: "#2A2C34", strokeWidth: 3, strokeColor: "#FFFFFF"}},
    edges: {smooth: false, arrows: {to: {scaleFactor: 0.5}}},
    physics: {solver: "forceAtlas2Based",
              forceAtlas2Based: {gravitationalConstant: -40, springLength: 60, avoidOverlap: 0.2},
              // fewer layout iterations for bigger graphs: the page stays usable at a few thousand nodes
              stabilization: {iterations: Math.max(50, Math.min(400, Math.round(300000 / data.nodes.length))),
                              updateInterval: 25}},
    interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: true},
  });
  const status = document.getElementById("status");
  const kg = window.kgView = {network, nodes, edges, nodeView, edgeView, ready: false, renderMs: null};
  network.on("stabilizationProgress", p => { status.textContent = "laying out… " +
      Math.round(100 * p.iterations / p.total) + "%"; });
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({physics: false});
    network.fit();
    network.once("afterDrawing", () => {
      kg.renderMs = Math.round(performance.now() - t0);
      kg.ready = true;
      status.textContent = nodeView.length + " nodes, " + edgeView.length + " edges drawn";
    });
    network.redraw();
  });

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function legendRow(parent, marker, color, border, name, count, shown, toggle) {
    const row = el("label", undefined, "row");
    const box = el("input"); box.type = "checkbox"; box.checked = shown;
    box.addEventListener("change", () => toggle(box.checked));
    const m = el("span", undefined, marker);
    if (marker === "swatch") { m.style.background = color; m.style.borderColor = border; }
    else m.style.borderTopColor = color;
    row.append(box, m, el("span", name), el("span", String(count), "count"));
    parent.append(row);
  }
  function refresh() {
    nodeView.refresh(); edgeView.refresh();
    status.textContent = nodeView.length + " nodes, " + edgeView.length + " edges drawn";
  }
  const labelBox = document.getElementById("labels");
  data.labels.forEach(l => legendRow(labelBox, "swatch", l.color, l.border, l.label, l.count, true,
      on => { on ? shownLabels.add(l.label) : shownLabels.delete(l.label); refresh(); }));
  const typeBox = document.getElementById("types");
  data.types.forEach(t => legendRow(typeBox, "line", t.color, t.color,
      t.type === "MENTIONED" ? "mentioned in (document)" : t.type, t.count, true,
      on => { on ? shownTypes.add(t.type) : shownTypes.delete(t.type); refresh(); }));

  const details = document.getElementById("details");
  function table(rows) {
    const tab = el("table");
    rows.forEach(([k, v]) => {
      if (v === undefined || v === null || v === "") return;
      const tr = el("tr"); tr.append(el("td", k), el("td", Array.isArray(v) ? v.join("、") : String(v)));
      tab.append(tr);
    });
    return tab;
  }
  function evidence(sid) {
    const s = data.sentences[sid];
    const box = el("div", undefined, "evidence");
    if (!s) { box.textContent = "(no evidence sentence)"; return box; }
    box.append(el("div", s.text), el("div", nameOf("doc:" + s.doc) + " ¶" + s.para, "source"));
    return box;
  }
  function nameOf(id) { const n = byId.get(id); return n ? n.name : id; }
  function showEdge(id) {
    const e = relById.get(id);
    details.replaceChildren(el("b", e.type === "MENTIONED" ? "mentioned in" : e.type),
        table([["from", nameOf(e.from)], ["to", nameOf(e.to)], ["confidence", e.confidence],
               ["extractor", e.extractor], ["document", e.doc && nameOf("doc:" + e.doc)], ["paragraph", e.para]]));
    if (e.type === "MENTIONED") e.sentences.slice(0, 20).forEach(s => details.append(evidence(s)));
    else if (e.sentence) { details.append(el("h2", "Evidence")); details.append(evidence(e.sentence)); }
  }
  function showNode(id) {
    const n = byId.get(id);
    details.replaceChildren(el("b", n.label + ": " + n.name), table(Object.entries(n.props)));
    if (n.mentions.length) {
      details.append(el("h2", "Mentioned in (" + n.mentions.length + ")"));
      n.mentions.slice(0, 20).forEach(s => details.append(evidence(s)));
    }
  }
  network.on("click", p => {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
  });
  kg.showEdge = showEdge;
  kg.showNode = showNode;
})();
"""
