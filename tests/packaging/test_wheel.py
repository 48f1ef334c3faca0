"""The package installed from its wheel (not editable) runs the main job, finds its queries by name and its config.

The wheel goes into a fresh virtual environment without its dependencies; a .pth file appends the test
environment's site-packages for them (appended: the wheel's `kg` comes first, and a path line in a .pth
does not run the editable install's finder there).
"""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO

def _run(*cmd, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run a command without PYTHONPATH: a checkout on it would be imported before the wheel's kg."""
    env = {k: v for k, v in (os.environ if env is None else env).items() if k != "PYTHONPATH"}
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, **kwargs)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtual environment holding kg from its wheel."""
    root = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "--no-build-isolation", "-q", "-w", root / "dist",
         cwd=root)
    [wheel] = (root / "dist").glob("kg-*.whl")
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel)
    site = Path(_run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                .stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    where = _run(venv / "bin" / "python", "-c", "import kg; print(kg.__file__)", cwd=root).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the wheel's kg, not the editable one
    return venv / "bin"


def test_build_load_and_query_by_name(installed, bolt_server, tmp_path):
    env = {**os.environ, "NEO4J_URI": bolt_server.uri, "NEO4J_USER": bolt_server.user,
           "NEO4J_PASSWORD": bolt_server.password, "NEO4J_DATABASE": bolt_server.create_database("wheel")}
    _run(installed / "kg", "build", EXAMPLES, "-o", tmp_path / "out", "--neo4j-uri", bolt_server.uri, env=env,
         cwd=tmp_path)
    assert (tmp_path / "out" / "graph.html").is_file()
    answer = _run(installed / "kg", "query", "goals_achieved", "--format", "csv", env=env, cwd=tmp_path).stdout
    assert answer.startswith("document,") and len(answer.splitlines()) > 1


def test_train_finds_its_config(installed, tmp_path):
    assert "--config" in _run(installed / "kg", "train", "--help", cwd=tmp_path).stdout
    _run(installed / "python", "-c", "from kg.nlp.pipeline import from_config; from_config()", cwd=tmp_path)
