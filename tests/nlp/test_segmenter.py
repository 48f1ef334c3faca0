"""`kg setup`: the pkuseg model comes from the cache once obtained, and its absence is a clear error."""
from __future__ import annotations

import os

from conftest import run_kg
from kg.nlp.segmenter import MODEL_FILES, is_cached, model_dir

OFFLINE = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": "", "PIP_CONFIG_FILE": os.devnull}


def run_setup(monkeypatch, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return run_kg("setup")


def test_cached_model_needs_no_registry(monkeypatch):
    assert is_cached()  # make test ran `kg setup` first
    proc = run_setup(monkeypatch, **OFFLINE)
    assert proc.returncode == 0, proc.stderr
    assert str(model_dir()) in proc.stdout
    assert sorted(p.name for p in model_dir().iterdir()) == sorted(MODEL_FILES)


def test_unobtainable_model_is_a_clear_error_and_leaves_no_half_cache(monkeypatch, tmp_path):
    proc = run_setup(monkeypatch, KG_CACHE=str(tmp_path), **OFFLINE)
    assert proc.returncode == 1
    assert "could not obtain the pkuseg model" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "pkuseg-0.0.25" / "default").exists()
