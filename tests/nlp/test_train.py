"""kg train: every component fitted on gold through nlp.initialize, saved and loaded, and measured by
cross-validation grouped by document."""
from __future__ import annotations

import json

import pytest
import spacy

from conftest import GOLD, SEEDS, run_kg
from kg.io.jsonl import read_units
from kg.nlp.pipeline import CONFIG, from_config, load, save
from kg.nlp.train import cross_validate, fit, folds, gold_documents

SMALL = ("000_6f03f12d06f5859c.txt", "003_aac5419786a11bdd.txt", "004_ee43da8c78f126af.txt")
QUICK = {"components.entities.max_iterations": 40, "components.goals.max_iterations": 40}  # fits in seconds


@pytest.fixture(scope="module")
def untrained():
    return from_config(overrides=QUICK)


@pytest.fixture(scope="module")
def golds(untrained, gold_units):
    """The three smallest seed documents as one gold file, and as a second "file" the first
    paragraphs of the two others, so that folds must mix files."""
    small = [u for u in gold_units if u.doc in SMALL]
    other = [u for u in gold_units if u.doc not in SMALL]
    return gold_documents(untrained, {"small.gold.jsonl": small, "other.gold.jsonl": other})


def test_a_document_in_two_gold_files_is_refused(untrained, gold_units):
    from kg.nlp.train import GoldError

    one = [u for u in gold_units if u.doc == SMALL[2]]
    with pytest.raises(GoldError, match=f"{SMALL[2]}.*a.gold.jsonl and b.gold.jsonl"):
        gold_documents(untrained, {"a.gold.jsonl": one, "b.gold.jsonl": one})


def test_folds_hold_whole_documents_of_every_file(golds):
    parts = folds(golds, 2, seed=1)
    assert sorted(g.document.id for part in parts for g in part) == sorted(g.document.id for g in golds)
    for part in parts:
        assert {g.source for g in part} == {"small.gold.jsonl", "other.gold.jsonl"}


def test_cross_validation_never_scores_a_document_it_fitted_on(untrained, golds, monkeypatch):
    import kg.nlp.train as training

    fitted_on = []
    real_fit = training.fit
    monkeypatch.setattr(training, "fit", lambda nlp, part: (fitted_on.append({g.document.id for g in part}),
                                                            real_fit(nlp, part)))
    steps = []
    result = cross_validate(untrained, golds, 2, seed=1, curve=(0.5, 1.0), on_step=steps.append)
    parts = folds(golds, 2, seed=1)
    # per fold: the half curve, the whole training part, the rules (nothing): none holds a held-out document
    assert len(fitted_on) == 6 and fitted_on[2] == fitted_on[5] == set()
    for i, held in enumerate(parts):
        held_ids = {g.document.id for g in held}
        assert fitted_on[3 * i].isdisjoint(held_ids) and fitted_on[3 * i + 1] == {
            g.document.id for g in golds} - held_ids
    assert set(result.approaches) == {"learned", "rules"}
    for held, report in zip(parts, result.approaches["learned"].folds):
        assert set(report.by_doc) == {g.document.id for g in held}  # each fold scores exactly its held-out part
    learned, rules = (result.approaches[a].micro.scores() for a in ("learned", "rules"))
    assert learned["entities"] > 0.3 and rules["goals"] > 0.5
    assert set(result.by_source["learned"]) == {"small.gold.jsonl", "other.gold.jsonl"}
    assert list(result.curve) == [0.5, 1.0] and len(steps) == 4
    assert {"approaches", "by_source", "relations_on_gold_mentions", "learning_curve"} <= set(result.to_dict())
    on_gold = result.gold_mentions.micro.scores()  # the relation step on the gold mentions of the same folds
    assert on_gold["entities"] == on_gold["goals"] == 1.0 and on_gold["relations"] > learned["relations"]


def test_trained_pipeline_saves_without_segmenter_and_loads(untrained, golds, tmp_path):
    out = tmp_path / "pipeline"
    (out / "entities").mkdir(parents=True)
    (out / "entities" / "stale.json").write_text("{}")  # a file of an earlier pipeline
    fit(untrained, golds)
    save(untrained, out)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"config.cfg", "entities/entities.crfsuite", "goals/goals.crfsuite", "relations/classifier.json"} <= files
    assert "entities/stale.json" not in files
    assert not any(f.startswith(("tokenizer", "vocab")) for f in files)
    assert sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) < 30 * 2**20
    nlp = load(out)
    doc = nlp("力争2026年建成溪川县第三实验小学，全县学前教育普惠率达到95%以上。")
    assert ("2026年", "DATE") in {(e.text, e.label_) for e in doc.ents}
    assert any("普惠率达到95%以上" in g.text for g in doc.spans["goals"])
    assert all(0 < e._.confidence <= 1 for e in doc.ents)


def test_extract_with_another_pipeline(untrained, tmp_path):
    out = tmp_path / "rules-only"
    untrained.initialize()  # no gold: every component is rules
    save(untrained, out)
    pred = tmp_path / "pred.jsonl"
    proc = run_kg("extract", str(SEEDS / "003_aac5419786a11bdd.txt"), "-o", str(pred), "--pipeline", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sum(len(u.entities) for u in read_units(pred)) > 50


def test_train_cli_reports_cross_validation_as_json(tmp_path):
    config = tmp_path / "quick.cfg"
    spacy.util.load_config(CONFIG, overrides=QUICK).to_disk(config)
    gold = tmp_path / "small.gold.jsonl"
    gold.write_text("".join(line for line in GOLD.read_text(encoding="utf-8").splitlines(keepends=True)
                            if any(d in line[:60] for d in SMALL)), encoding="utf-8")
    report = tmp_path / "cv.json"
    proc = run_kg("train", str(gold), "--cv", "3", "--seeds", "2", "--report", str(report), "--config", str(config))
    assert proc.returncode == 0, proc.stderr
    assert "Grouped 3-fold cross-validation" in proc.stdout and report.is_file()
    assert "Relations between the gold mentions" in proc.stdout
    # the folds dealt again with seed 1: the learned pipeline's figures at both seeds, their mean and spread
    assert "dealt with each seed" in proc.stdout and "spread" in proc.stdout
    by_seed = json.loads(report.read_text(encoding="utf-8"))["by_seed"]
    assert sorted(by_seed) == ["0", "1"] and all(0 < s["entities"] <= 1 for s in by_seed.values())
    assert run_kg("train", str(gold), "--cv", "9").returncode == 1  # more folds than documents
    assert run_kg("train", str(tmp_path / "none")).returncode == 1
    empty = tmp_path / "empty.gold.jsonl"
    empty.write_text("")
    proc = run_kg("train", str(empty), "-o", str(tmp_path / "pipeline"))
    assert proc.returncode == 1 and "no gold paragraphs" in proc.stderr and not (tmp_path / "pipeline").exists()
