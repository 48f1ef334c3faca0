"""Shared fixtures: the seed corpus and gold from ../shared, and one loaded pipeline per session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "annotations" / "seeds.gold.jsonl"


@pytest.fixture(scope="session")
def gold_rows() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def nlp():
    from kg.pipeline import from_config

    return from_config()
