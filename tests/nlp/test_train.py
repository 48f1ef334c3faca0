"""kg train: the learned parts fit on gold, save and load, and are measured on unseen documents."""
from __future__ import annotations


import pytest

from conftest import SEEDS, run_kg
from kg.io.jsonl import read_units
from kg.nlp.pipeline import from_config, load
from kg.nlp.train import leave_one_out, train

SMALL = ("000_6f03f12d06f5859c.txt", "003_aac5419786a11bdd.txt", "004_ee43da8c78f126af.txt")


@pytest.fixture
def untrained():
    return from_config()


def test_leave_one_document_out_never_scores_a_seen_document(untrained, gold_units):
    units = [u for u in gold_units if u.doc in SMALL]
    seen = []
    folds, mean = leave_one_out(untrained, units, on_fold=lambda f: seen.append(
        dict(untrained.get_pipe("entities").ranker.weights)))
    assert [f.doc for f in folds] == list(SMALL)
    for fold in folds:  # each fold scores exactly its held-out document
        assert set(fold.report.by_doc) == {fold.doc}
    assert seen[0] != seen[1] != seen[2]  # a model per fold
    micro = mean.micro.to_dict(by_doc=False)
    assert micro["entities"]["overall"]["f"] >= 0.5
    assert micro["goals"]["overall"]["f"] >= 0.8


def test_trained_pipeline_saves_without_segmenter_and_loads(untrained, gold_units, tmp_path):
    out = tmp_path / "pipeline"
    train(untrained, gold_units, out)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert "config.cfg" in files and "entities/ranker.json" in files
    assert not any(f.startswith(("tokenizer", "vocab")) for f in files)
    assert sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) < 30 * 2**20
    nlp = load(out)
    doc = nlp("力争2026年建成溪川县第三实验小学，全县学前教育普惠率达到95%以上。")
    assert ("2026年", "DATE") in {(e.text, e.label_) for e in doc.ents}
    assert [g.text for g in doc.spans["goals"]] == ["全县学前教育普惠率达到95%以上"]
    assert all(0 < e._.confidence <= 1 for e in doc.ents)


def test_extract_with_another_pipeline(untrained, tmp_path):
    out = tmp_path / "rules-only"
    from kg.nlp.pipeline import save

    save(untrained, out)  # untrained: rules only, no ranker
    pred = tmp_path / "pred.jsonl"
    proc = run_kg("extract", str(SEEDS / "003_aac5419786a11bdd.txt"), "-o", str(pred), "--pipeline", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sum(len(u.entities) for u in read_units(pred)) > 50
