"""graph.html: an interactive view of the knowledge graph that opens from disk with no network.

Why vis-network: its standalone UMD build (kg/explore/static/vis-network.min.js, 654 KB, MIT or
Apache-2.0, no external requests) is inlined into the page, so the file works offline
and anywhere; every behaviour (legend, filters, evidence panel) is a few lines of our
own JS.  neo4j-viz's HTML is also self-contained but is 4.4 MB per page, GPL-3.0, and
its NVL component cannot be given an evidence panel; the notebooks use it (kg.explore.explorer).

What is drawn: every node except the lexical layer (Section, Sentence), with its
label's colour (kg.explore.style), its name as caption and the graph's edges between drawn
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

from kg.explore.style import PALETTE, relationship_colour, style
from kg.schema import LEXICAL_LABELS, Label, document_id

DOC_MENTIONS = "MENTIONED"  # the folded Sentence -MENTIONS-> entity links, drawn Document -> entity
CAPTION_CHARS = 14  # longer names (goals, policy titles) are cut in the drawing, whole in the panel
MENTIONED_COLOUR = "#C8CCD4"


def drawable_nodes(graph: nx.MultiDiGraph, lexical: bool = False) -> list[str]:
    """The nodes graph.html draws: all but Section/Sentence unless `lexical`."""
    return [n for n, d in graph.nodes(data=True) if lexical or d.get("label") not in LEXICAL_LABELS]


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
                doc_node = document_id(d.get("doc", graph.nodes[head].get("doc")))
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
    documents = {d["doc"]: str(d.get("name", d["doc"])) for _, d in graph.nodes(data=True)
                 if d.get("label") == Label.DOCUMENT}
    return {"nodes": nodes, "edges": edges, "mentions": folded, "sentences": sentences, "documents": documents,
            "labels": labels,
            "types": [{"type": t, "count": n,
                       "color": MENTIONED_COLOUR if t == DOC_MENTIONS else relationship_colour(t)}
                      for t, n in sorted(types.items())]}


def _script_json(data: Any) -> str:
    """JSON safe inside <script>: `<` escaped so no text can close the element."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def write_graph_html(graph: nx.MultiDiGraph, path: Path, *, lexical: bool = False,
                     title: str = "Knowledge graph") -> Path:
    """One self-contained HTML file (vis-network inlined, data embedded); opens offline from disk."""
    package = files("kg.explore")
    parts = {"TITLE": html.escape(title), "DATA": _script_json(view_data(graph, lexical)),
             "LIBRARY": package.joinpath("static", "vis-network.min.js").read_text(encoding="utf-8")}
    template = package.joinpath("templates", "graph.html").read_text(encoding="utf-8")
    page = re.sub(r"%(TITLE|DATA|LIBRARY)%", lambda m: parts[m.group(1)], template)  # one pass: data stays data
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
