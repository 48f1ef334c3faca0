"""Every notebook under notebooks/ runs top to bottom, headless, on a build of the seed corpus with the gold facts
(the tracking notebook on the graph of tests/data/tracking)."""
from __future__ import annotations

import json
import re

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_and_their_outputs_are_not_committed():
    assert [p.name for p in NOTEBOOKS] == ["01_overview.ipynb", "02_links.ipynb", "03_goals.ipynb",
                                          "04_tracking.ipynb"]
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        assert any("kg.explore.explorer" in c.source for c in code), path.name


# The seed corpus has no plan together with its summary: the tracking notebook reads the graph of our tracking texts.
GRAPH_OF = {"04_tracking": "tracking_files"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_plots_and_a_graph_view(path, request, monkeypatch):
    seed_build = request.getfixturevalue(GRAPH_OF.get(path.stem, "seed_build"))
    monkeypatch.setenv("KG_GRAPH", str(seed_build))
    monkeypatch.delenv("NEO4J_URI", raising=False)  # the files, not a server the developer may have configured
    notebook = nbformat.read(path, as_version=4)
    # ipc: the kernel talks over local sockets in a temporary folder, not TCP ports
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(seed_build / f"kernel-{path.stem}"))
    NotebookClient(notebook, km=kernel, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2  # matplotlib plots
    views = [o["data"]["text/html"] for o in outputs if "neo4j-viz-data" in o.get("data", {}).get("text/html", "")]
    assert len(views) == 1  # the interactive neo4j-viz graph view
    data = json.loads(re.search(r'<script type="application/json" id="neo4j-viz-data">(.*?)</script>', views[0],
                                re.S).group(1))
    assert len(data["nodes"]) > 1 and data["relationships"]
    assert str(seed_build / "graph.json") in "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
