"""report.md: what a build read, what it extracted, and what it skipped, with PNG charts.

The charts are drawn with matplotlib's object API (`Figure`, rendered by Agg; no
pyplot state, no display needed).  Chinese names need a CJK font: `cjk_font()` finds
one (matplotlib's list, else fontconfig's `fc-list :lang=zh`); without one, the
charts label Chinese names with short keys (R1, E1, …) that the report spells out
under each chart, so nothing is drawn as empty boxes.
"""
from __future__ import annotations

import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import matplotlib
import networkx as nx
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from kg.graph.build import summary
from kg.graph.tracking import PlanResult, plan_results
from kg.records import Document, Skipped
from kg.schema import ENTITY_NODE_LABELS, FACT_TYPES, OUTCOMES, Outcome, document_id
from kg.zh.numbers import base_unit
from kg.explore.style import PALETTE, relationship_colour, style

CHARTS_DIR = "charts"
TOP_ENTITIES = 15
_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                 "WenQuanYi Zen Hei", "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC",
                 "Heiti SC", "Arial Unicode MS")
_KIND_COLOURS = {"plan": "#4C8EDA", "summary": "#8DCC93", "action_plan": "#FFC454", "?": "#A5ABB6"}


def cjk_rc(font: str | None) -> dict:
    """matplotlib settings that draw Chinese with `font` (Latin with DejaVu Sans) and keep minus signs."""
    return {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}


def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in known:
            return family
    if shutil.which("fc-list"):  # a font installed after matplotlib cached its font list
        found = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
        for path in sorted(line.split(":")[0].strip() for line in found.splitlines() if line.strip()):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError):
                continue
    return None


class _Labels:
    """Chart labels: the text itself when it can be drawn, else a key (prefix + number) listed in the report."""

    def __init__(self, drawable: bool):
        self.drawable = drawable
        self.keys: dict[str, dict[str, str]] = defaultdict(dict)  # prefix -> text -> key

    def __call__(self, text: str, prefix: str) -> str:
        if self.drawable or text.isascii():
            return text
        keys = self.keys[prefix]
        return keys.setdefault(text, f"{prefix}{len(keys) + 1}")

    def legend(self, *prefixes: str) -> list[str]:
        pairs = [f"{key} = {text}" for p in prefixes for text, key in self.keys.get(p, {}).items()]
        return [f"Chart keys (no CJK font was found): {'; '.join(pairs)}.", ""] if pairs else []


def _table(header: list[str], rows: Iterable[Iterable[object]]) -> list[str]:
    def cell(value: object) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _save(fig: Figure, out_dir: Path, name: str) -> str:
    path = out_dir / CHARTS_DIR / name
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return f"{CHARTS_DIR}/{name}"


def _stacked(ax, categories: list[str], stacks: dict[str, list[int]], colours: dict[str, str],
             horizontal: bool = False) -> None:
    base = [0] * len(categories)
    for name, values in stacks.items():
        if horizontal:
            ax.barh(categories, values, left=base, label=name, color=colours.get(name))
        else:
            ax.bar(categories, values, bottom=base, label=name, color=colours.get(name))
        base = [b + v for b, v in zip(base, values)]
    (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    if len(stacks) > 1:
        ax.legend(fontsize=8)


def _document_region(graph: nx.MultiDiGraph, doc: Document) -> str:
    """The region the graph says the document covers (resolved name), else the metadata's, else ''."""
    node = document_id(doc.id)
    covered = [graph.nodes[v].get("name", "") for _, v, d in graph.out_edges(node, data=True)
               if d.get("type") == "COVERS"] if node in graph else []
    return covered[0] if covered else doc.region or ""


def _read_section(graph, documents, out_dir, labels) -> list[str]:
    regions = {d.id: _document_region(graph, d) for d in documents}
    paragraphs = sum(len(d.paragraphs) for d in documents)
    lines = ["## What was read", "",
             f"{len(documents)} document(s), {paragraphs} paragraphs "
             f"({sum(p.metadata for d in documents for p in d.paragraphs)} of them website metadata lines), "
             f"{sum(len(d.sections) for d in documents)} headings, {sum(len(d.sentences) for d in documents)} "
             "sentences.", ""]
    if documents:
        kinds = sorted({d.kind or "?" for d in documents})
        fig = Figure(figsize=(10, 3.8), layout="constrained")
        by_region, by_year = fig.subplots(1, 2)
        region_names = sorted(set(regions.values()))
        _stacked(by_region, [labels(r or "?", "R") for r in region_names],
                 {k: [sum(1 for d in documents if regions[d.id] == r and (d.kind or "?") == k) for r in region_names]
                  for k in kinds}, _KIND_COLOURS, horizontal=True)
        by_region.set_title("Documents by region and kind")
        years = sorted({d.year for d in documents if d.year is not None})
        year_names = [str(y) for y in years] + (["?"] if any(d.year is None for d in documents) else [])
        _stacked(by_year, year_names,
                 {k: [sum(1 for d in documents if str(d.year if d.year is not None else "?") == y
                          and (d.kind or "?") == k) for y in year_names] for k in kinds}, _KIND_COLOURS)
        by_year.set_title("Documents by year and kind")
        lines += [f"![documents by region, year and kind]({_save(fig, out_dir, 'documents.png')})", ""]
        lines += labels.legend("R")
    lines += _table(["document", "title", "region", "year", "kind", "paragraphs", "headings", "sentences"],
                    [(d.id, d.title, regions[d.id], f"{d.year}–{d.year_end}" if d.year_end else d.year, d.kind,
                      len(d.paragraphs), len(d.sections), len(d.sentences)) for d in documents])
    return lines


def _extracted_section(graph, out_dir) -> list[str]:
    counts = summary(graph)
    node_labels = [label for label in PALETTE if counts["nodes"][label]] + sorted(
        set(counts["nodes"]) - set(PALETTE))
    edge_types = sorted(counts["edges"], key=lambda t: -counts["edges"][t])
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    nodes_ax, edges_ax = fig.subplots(1, 2)
    nodes_ax.barh(node_labels[::-1], [counts["nodes"][lab] for lab in node_labels[::-1]],
                  color=[style(lab).color for lab in node_labels[::-1]])
    nodes_ax.set_title("Nodes by label")
    edges_ax.barh(edge_types[::-1], [counts["edges"][t] for t in edge_types[::-1]],
                  color=[relationship_colour(t) for t in edge_types[::-1]])
    edges_ax.set_title("Relationships by type")
    lines = ["## What was extracted", "",
             f"{graph.number_of_nodes()} nodes and {graph.number_of_edges()} relationships.", "",
             f"![nodes and relationships]({_save(fig, out_dir, 'extracted.png')})", ""]
    lines += _table(["label", "nodes"], [(lab, counts["nodes"][lab]) for lab in node_labels])
    lines += _table(["relationship", "count"], [(t, counts["edges"][t]) for t in edge_types])
    left_out = {k.removeprefix("skipped "): v for k, v in graph.graph.items() if k.startswith("skipped ")}
    if left_out:
        lines += ["Relations left out of the graph:", ""]
        lines += _table(["reason", "relations"], sorted(left_out.items()))
    return lines


def _goals_section(graph, out_dir, labels) -> list[str]:
    region_of = {graph.nodes[u]["doc"]: graph.nodes[v].get("name", "") for u, v, d in graph.edges(data=True)
                 if d.get("type") == "COVERS"}
    goals = [d for _, d in graph.nodes(data=True) if d.get("label") == "Goal"]
    lines = ["## Goals by year and region", "", f"{len(goals)} goal(s), "
             f"{sum(g.get('status') == 'achieved' for g in goals)} reported achieved, "
             f"{sum('value' in g for g in goals)} with a number.", ""]
    if not goals:
        return lines
    table = Counter((region_of.get(g.get("doc", ""), ""), str(g.get("year", "?")), g.get("status", "planned"))
                    for g in goals)
    regions = sorted({r for r, _, _ in table})
    years = sorted({y for _, y, _ in table})
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(regions)
    palette = matplotlib.colormaps["tab10"]
    for i, region in enumerate(regions):
        xs = [j + i * width for j in range(len(years))]
        planned = [table[(region, y, "planned")] for y in years]
        achieved = [table[(region, y, "achieved")] for y in years]
        colour = palette(i % 10)
        ax.bar(xs, planned, width, color=colour, label=labels(region or "?", "R"))
        ax.bar(xs, achieved, width, bottom=planned, color=colour, hatch="//", edgecolor="white")
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(years))], years)
    ax.set_ylabel("goals (hatched: achieved)")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Goals by year and region")
    ax.legend(fontsize=8)
    lines += [f"![goals by year and region]({_save(fig, out_dir, 'goals.png')})", ""]
    lines += labels.legend("R")
    lines += _table(["region", "year", "planned", "achieved"],
                    [(r, y, table[(r, y, "planned")], table[(r, y, "achieved")]) for r in regions for y in years
                     if table[(r, y, "planned")] or table[(r, y, "achieved")]])
    return lines


_OUTCOME_COLOURS = {Outcome.MET: "#3FBA7C", Outcome.MISSED: "#EB2728", Outcome.REPORTED: "#A5ABB6"}


def latest_reports(graph: nx.MultiDiGraph) -> list[PlanResult]:
    """One row per target: its latest report (the one its outcome is judged on), or none."""
    latest: dict[tuple, PlanResult] = {}
    for row in plan_results(graph):
        key = (row.region, row.year, row.target, row.plan)
        if key not in latest or (row.reported_year or 0) >= (latest[key].reported_year or 0):
            latest[key] = row
    return list(latest.values())


def _tracking_section(graph, out_dir, labels) -> list[str]:
    """Planned vs reported value per metric, region by region (kg.graph.tracking)."""
    rows = latest_reports(graph)
    outcomes = Counter(r.outcome for r in rows)
    lines = ["## Plan → result tracking", "",
             f"{len(rows)} target(s) with a region; " + ", ".join(f"{outcomes[o]} {o}" for o in OUTCOMES) + ". "
             "A target is linked to a later report of the same region and year (a multi-year plan's: of its years) "
             "whose metric and unit agree; the latest report decides the outcome.", ""]
    charted = [r for r in rows if r.report is not None and r.planned and r.reported is not None]
    regions = sorted({r.region for r in charted})
    if charted:
        heights = [sum(r.region == region for r in charted) for region in regions]
        fig = Figure(figsize=(10, 0.32 * sum(heights) + 1.0 * len(regions) + 0.6), layout="constrained")
        axes = fig.subplots(len(regions), 1, squeeze=False, height_ratios=heights)[:, 0]
        for ax, region in zip(axes, regions):
            mine = sorted((r for r in charted if r.region == region), key=lambda r: (r.metric, r.target))
            names = [labels(r.metric, "M") for r in mine][::-1]
            ratios = [100 * r.reported * base_unit(r.reported_unit)[1] / (r.planned * base_unit(r.unit)[1])
                      for r in mine][::-1]
            ax.barh(names, [100] * len(mine), color="#E4E6EB", label="planned (= 100%)")
            ax.barh(names, ratios, height=0.45, color=[_OUTCOME_COLOURS.get(r.outcome, "#A5ABB6") for r in mine][::-1])
            for y, r in enumerate(mine[::-1]):
                ax.annotate(f"{r.reported:g} / {r.planned:g}{r.unit or ''}", (max(ratios[y], 100), y),
                            xytext=(4, 0), textcoords="offset points", va="center", fontsize=7)
            ax.axvline(100, color="#555555", linewidth=0.8)
            ax.set_xlim(0, max(140, max(ratios) * 1.25))
            ax.set_title(f"{labels(region, 'R')}: reported value as % of the planned value", fontsize=9)
            ax.tick_params(labelsize=8)
        axes[0].legend(handles=[Patch(color="#E4E6EB", label="planned (= 100%)")] +
                       [Patch(color=c, label=o) for o, c in _OUTCOME_COLOURS.items() if o != Outcome.REPORTED],
                       fontsize=7, loc="lower right")
        lines += [f"![planned vs reported value per metric]({_save(fig, out_dir, 'tracking.png')})", ""]
        lines += labels.legend("R", "M")
    lines += _table(["region", "year", "metric", "target", "planned", "report", "reported", "outcome", "plan"],
                    [(r.region, r.year, r.metric, r.target, r.planned, r.report, r.reported, r.outcome, r.plan)
                     for r in sorted(rows, key=lambda r: (r.region, r.year or 0, r.metric, r.target))])
    return lines


def most_connected(graph: nx.MultiDiGraph, limit: int = TOP_ENTITIES) -> list[dict]:
    """Entities (School, Office, Program, Policy, Region) ranked by their relationships in the fact layer,
    then by the documents that mention them."""
    rows = []
    for node, d in graph.nodes(data=True):
        if d.get("label") not in ENTITY_NODE_LABELS:
            continue
        facts = [e for e in (*graph.in_edges(node, data=True), *graph.out_edges(node, data=True))
                 if e[2].get("type") in FACT_TYPES]
        mentions = [e for _, _, e in graph.in_edges(node, data=True) if e.get("type") == "MENTIONS"]
        rows.append({"id": node, "label": d["label"], "name": d.get("name", node), "relationships": len(facts),
                     "documents": len({e.get("doc") for e in mentions}), "mentions": len(mentions)})
    rows.sort(key=lambda r: (-r["relationships"], -r["documents"], -r["mentions"], r["name"]))
    return rows[:limit]


def _connected_section(graph, out_dir, labels) -> list[str]:
    top = most_connected(graph)
    lines = ["## Most connected entities", ""]
    if not top:
        return lines + ["No entities.", ""]
    fig = Figure(figsize=(10, 0.3 * len(top) + 1.2), layout="constrained")
    ax = fig.subplots()
    ax.barh([labels(r["name"], "E") for r in top][::-1], [r["relationships"] for r in top][::-1],
            color=[style(r["label"]).color for r in top][::-1])
    ax.set_xlabel(f"relationships ({', '.join(FACT_TYPES)})")
    ax.set_title("Most connected entities")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(handles=[Patch(color=style(lab).color, label=lab) for lab in ENTITY_NODE_LABELS
                       if any(r["label"] == lab for r in top)], fontsize=8, loc="lower right")
    lines += [f"![most connected entities]({_save(fig, out_dir, 'connected.png')})", ""]
    lines += labels.legend("E")
    lines += _table(["#", "label", "entity", "relationships", "documents", "mentions"],
                    [(i, r["label"], r["name"], r["relationships"], r["documents"], r["mentions"])
                     for i, r in enumerate(top, 1)])
    return lines


def write_report(graph: nx.MultiDiGraph, documents: list[Document], skipped: list[Skipped], out_dir: Path,
                 *, cjk: bool | None = None) -> Path:
    """OUT/report.md with its charts under OUT/charts/; `cjk` None finds a CJK font, False draws keys instead."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    font = cjk_font() if cjk is not False else None
    labels = _Labels(drawable=font is not None)
    with matplotlib.rc_context(cjk_rc(font)):
        lines = ["# Build report", ""]
        lines += _read_section(graph, documents, out_dir, labels)
        lines += _extracted_section(graph, out_dir)
        lines += _goals_section(graph, out_dir, labels)
        lines += _tracking_section(graph, out_dir, labels)
        lines += _connected_section(graph, out_dir, labels)
    lines += ["## Skipped files", ""]
    lines += _table(["file", "reason"], [(s.path, s.reason) for s in skipped]) if skipped else ["None.", ""]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
