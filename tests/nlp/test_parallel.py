"""Extraction on every core and on a Dask cluster (issue 10): the same lines in the same order as one process,
with the documents never read further ahead than the work in flight."""
from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import Future
from pathlib import Path

import pytest

from arcadedb_server import free_port
from conftest import EXAMPLES, KG, SEEDS, run_kg, snapshot
from kg.nlp.parallel import in_order, workers_for


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds and examples with two files that are skipped, one between the documents, in one folder."""
    folder = tmp_path_factory.mktemp("parallel") / "corpus"
    folder.mkdir()
    for path in [*sorted(SEEDS.iterdir()), *sorted(EXAMPLES.iterdir())]:
        shutil.copy(path, folder / path.name)
    (folder / "002_empty.txt").write_bytes(b"")
    (folder / "zz_dangling.txt").symlink_to(folder / "nowhere.txt")
    return folder


def test_two_workers_write_what_one_writes_in_the_same_order(corpus, tmp_path):
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"{workers}.jsonl"
        proc = run_kg("extract", str(corpus), "-o", str(out), "--workers", workers)
        assert proc.returncode == 1 and "002_empty.txt: empty file" in proc.stderr, proc.stderr[-2000:]
        assert proc.stderr.index("002_empty.txt") < proc.stderr.index("zz_dangling.txt")
        outputs[workers] = out.read_bytes()
    assert outputs["1"] == outputs["2"] and outputs["1"].count(b"\n") > 200


def test_a_build_on_a_local_dask_cluster_is_the_build_of_one_process(corpus, tmp_path):
    from distributed import LocalCluster

    one = tmp_path / "one"
    proc = run_kg("build", str(corpus), "-o", str(one), "--workers", "1")
    assert proc.returncode == 1, proc.stderr[-2000:]  # the two skipped files
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        on_dask = tmp_path / "dask"
        proc = run_kg("build", str(corpus), "-o", str(on_dask), "--dask", cluster.scheduler_address)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert snapshot(on_dask) == snapshot(one)


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([KG, "extract", str(EXAMPLES), "-o", str(out)], capture_output=True, text=True,
                          env={**os.environ, "KG_DASK": address, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"kg extract: Dask scheduler {address}: "), proc.stderr
    assert not out.exists()


def test_results_come_in_order_with_a_bounded_read_ahead():
    read = []

    def items():
        for n in range(100):
            read.append(n)
            yield n

    finished: list[Future] = []

    def submit(batch: list[int]) -> Future:
        future = Future()
        future.set_result([-n for n in batch])
        finished.append(future)
        return future

    results = in_order(submit, items(), 3, 2)
    assert [next(results) for _ in range(4)] == [(0, 0), (1, -1), (2, -2), (3, -3)]
    assert len(read) <= 3 * (2 + 1)  # never more than `window` batches, and the one being sent, read ahead
    assert list(results)[-1] == (99, -99)


def test_how_many_workers():
    assert workers_for(5) == 1  # too few documents to pay for another process
    assert workers_for(5, 4) == 4 and workers_for(3, 4) == 3
    assert 1 <= workers_for(10_000) <= workers_for(10_000, 64)
