"""A build folder is complete or absent (issue 14): one rename at the end, a manifest `kg load` checks, nothing
stale; and what `kg build`, `kg extract`, `kg load` and `kg query` refuse before they start the work."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arcadedb_server import free_port
from conftest import EXAMPLES, snapshot
from kg.build import build
from kg.cli import app

# Our own two small documents: one names a school, the other does not.
WITH_SCHOOL = "临江县教育局2025年工作要点\n一、推进集团化办学改革，临江实验小学力争2025年新建幼儿园3所。\n"
WITHOUT_SCHOOL = "桐川县教育局2025年工作计划\n一、实施“青蓝工程”，到2025年全县专任教师学历合格率达到100%。\n"


def corpus(folder: Path, **texts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def leftovers(out: Path) -> list[str]:
    """What a build left beside its folder besides the folder itself and its lock."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")
                  and not p.name.endswith(".lock"))


@pytest.fixture(scope="module")
def built(examples_build) -> Path:
    """A complete build (of examples/, which names schools), to copy and not to change."""
    return examples_build.out_dir


def test_an_oversized_paragraph_skips_its_document_and_the_rest_is_built(tmp_path, shipped_nlp):
    """spaCy refuses a text over nlp.max_length (E088); a 6 MB one-line file shows it at the default 1,000,000
    (tests/test_reliability.py), a lowered limit here."""
    source = corpus(tmp_path / "corpus", a=WITH_SCHOOL, b=WITHOUT_SCHOOL,
                    long="桐川县教育局2025年工作计划\n" + "推进集团化办学改革。" * 300 + "\n")
    limit = shipped_nlp.max_length
    shipped_nlp.max_length = 1000
    try:
        result = build(source, tmp_path / "out", shipped_nlp)
    finally:
        shipped_nlp.max_length = limit
    assert [Path(s.path).name for s in result.skipped] == ["long.txt"]
    assert "paragraph 1" in result.skipped[0].reason and "3,000 characters" in result.skipped[0].reason
    assert "1,000" in result.skipped[0].reason
    assert sorted(d.id for d in result.documents) == ["a.txt", "b.txt"]
    assert "long.txt" not in (tmp_path / "out" / "extracted.jsonl").read_text(encoding="utf-8")


def copy_of(build_folder: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(build_folder, tmp_path / "out"))


def test_a_failed_rebuild_leaves_the_previous_build_whole(built, tmp_path, shipped_nlp, monkeypatch):
    out = copy_of(built, tmp_path)
    before = snapshot(out)

    def broken(*args, **kwargs):
        raise RuntimeError("the report could not be drawn")

    monkeypatch.setattr("kg.build.write_report", broken)
    with pytest.raises(RuntimeError, match="could not be drawn"):
        build(corpus(tmp_path / "two", b=WITHOUT_SCHOOL), out, shipped_nlp)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_build_that_read_nothing_keeps_the_previous_build(built, tmp_path, shipped_nlp):
    from kg.build import BuildError

    out = copy_of(built, tmp_path)
    before = snapshot(out)
    bad = corpus(tmp_path / "bad", empty="")
    with pytest.raises(BuildError, match=r"no document could be read from .*bad \(1 skipped\).*left as it was"):
        build(bad, out, shipped_nlp)
    assert snapshot(out) == before and leftovers(out) == []


def test_a_rebuild_leaves_no_stale_file(built, tmp_path, shipped_nlp):
    out = copy_of(built, tmp_path)
    assert (out / "neo4j" / "nodes" / "School.csv").is_file()
    build(corpus(tmp_path / "two", b=WITHOUT_SCHOOL), out, shipped_nlp)
    assert not (out / "neo4j" / "nodes" / "School.csv").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(snapshot(out)) == set(manifest["files"]) | {"manifest.json"}  # every file is the new build's
    assert [item["doc"] for item in manifest["inputs"]] == ["b.txt"]
    assert leftovers(out) == []


def test_the_manifest_names_inputs_counts_version_and_checksums(built):
    from importlib.metadata import version

    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    files = snapshot(built)
    del files["manifest.json"]
    assert {path: entry["sha256"] for path, entry in manifest["files"].items()} == files
    assert all(entry["bytes"] == (built / path).stat().st_size for path, entry in manifest["files"].items())
    assert manifest["kg_version"] == version("kg")
    assert [item["doc"] for item in manifest["inputs"]] == sorted(p.name for p in EXAMPLES.iterdir())
    assert manifest["skipped"] == []
    graph = json.loads((built / "graph.json").read_text(encoding="utf-8"))
    assert sum(manifest["counts"]["nodes"].values()) == len(graph["nodes"])
    assert sum(manifest["counts"]["relationships"].values()) == len(graph["edges"])
    units = (built / "extracted.jsonl").read_text(encoding="utf-8").splitlines()
    assert manifest["counts"]["documents"] == len(manifest["inputs"]) and manifest["counts"]["paragraphs"] == len(units)


def _load(path: Path, *extra: str, uri: str | None = None):
    return CliRunner().invoke(app, ["load", str(path), "--uri", uri or f"bolt://localhost:{free_port()}", *extra],
                              env={"NEO4J_PASSWORD": "pw"})


def test_kg_load_refuses_a_folder_whose_files_do_not_match_its_manifest(built, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    graph = copy / "graph.json"
    graph.write_text(graph.read_text(encoding="utf-8").replace('"doc"', '"document"', 1), encoding="utf-8")
    result = _load(copy)
    assert result.exit_code == 1
    assert f"kg load: {copy}: graph.json does not match its manifest" in result.output
    assert "not reachable" not in result.output  # refused before connecting

    (copy / "manifest.json").unlink()
    result = _load(copy)
    assert result.exit_code == 1 and f"kg load: {copy}: no manifest.json" in result.output

    shutil.rmtree(copy)
    shutil.copytree(built, copy)
    (copy / "neo4j" / "nodes" / "Goal.csv").unlink()
    result = _load(copy)
    assert result.exit_code == 1 and "neo4j/nodes/Goal.csv is missing" in result.output


def test_kg_extract_and_kg_build_check_their_output_before_the_work(tmp_path):
    source = corpus(tmp_path / "corpus", a=WITH_SCHOOL)
    blocked = tmp_path / "file"
    blocked.write_text("a file where a folder should be", encoding="utf-8")
    for command, output in (("extract", blocked / "out.jsonl"), ("build", blocked / "out")):
        result = CliRunner().invoke(app, [command, str(source), "-o", str(output), "--pipeline", str(tmp_path)])
        assert result.exit_code == 1
        assert result.output.startswith(f"kg {command}: {output}: cannot write: {blocked} is a file, not a folder"), \
            result.output
        assert "not a kg pipeline" not in result.output  # the output was checked before the pipeline was loaded


def test_a_password_in_the_uri_is_never_repeated(built, tmp_path):
    port = free_port()
    uri = f"bolt://neo:s3cret@localhost:{port}"
    query = tmp_path / "q.cypher"
    query.write_text("MATCH (n) RETURN count(n) AS n", encoding="utf-8")
    for args in (["load", str(built), "--uri", uri], ["query", str(query), "--uri", uri]):
        result = CliRunner().invoke(app, args, env={"NEO4J_PASSWORD": None})
        assert result.exit_code == 1
        assert "s3cret" not in result.output, result.output
        assert f"bolt://neo@localhost:{port}" in result.output or f"localhost:{port}" in result.output, result.output


WRITES = {
    "create_index": "CREATE INDEX kg_probe IF NOT EXISTS FOR (n:Document) ON (n.title)",
    "drop_constraint": "DROP CONSTRAINT kg_document_id IF EXISTS",
    "create": "CREATE (n:Document {id: 'doc:intruder'}) RETURN n",
    "merge": "MERGE (n:Office {id: 'office:x'}) RETURN n",
    "set": "MATCH (d:Document)\nSET d.flag = true RETURN count(d) AS n",
    "delete": "MATCH (d:Document) DETACH DELETE d",
    "remove": "MATCH (d:Document) REMOVE d.title RETURN d",
    "load_csv": "LOAD CSV FROM 'file:///x.csv' AS row RETURN row",
    "foreach": "MATCH (d:Document) FOREACH (x IN [1] | SET d.n = x)",
    "in_transactions": "MATCH (d:Document) CALL { WITH d DELETE d } IN TRANSACTIONS RETURN 1",
    "write_procedure": "CALL db.createLabel('Probe')",
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_query_that_writes_is_refused_before_it_is_sent(name, tmp_path):
    path = tmp_path / f"{name}.cypher"
    path.write_text("// Question: does it write?\n" + WRITES[name], encoding="utf-8")
    result = CliRunner().invoke(app, ["query", str(path), "--uri", f"bolt://localhost:{free_port()}"],
                                env={"NEO4J_PASSWORD": "pw"})
    assert result.exit_code == 1
    assert result.output.startswith(f"kg query: {path}:") and "refused" in result.output, result.output
    assert "not reachable" not in result.output  # nothing was sent: no connection was even tried
    assert "rolled back" not in result.output


def test_read_queries_pass_the_write_check():
    from kg.io.query import library, write_clauses

    for query in library():
        assert write_clauses(query.body) == [], query.name
    tricky = ("MATCH (n:Document) WHERE n.title CONTAINS 'CREATE' AND n.`set` = \"DELETE\"\n"
              "// MERGE in a comment\nRETURN n.set AS set, {remove: 1} AS map, n.created AS created /* DROP */")
    assert write_clauses(tricky) == []
    assert write_clauses("MATCH (n) SET n.x = 1\nWITH n DELETE n") == ["SET (line 1)", "DELETE (line 2)"]
