"""How `kg extract` scales (issue 10): characters per second and peak memory at ×1, ×10, ×100 of a corpus, with one
worker, with every core, and on a 2-worker Dask LocalCluster on loopback.

    .venv/bin/python bench/scale.py [--corpus unlabeled|seeds|PATH] [--docs N] [--scales 1 10 100]
                                    [--modes one all dask]

The ×1 corpus is the first N documents of the corpus (default: 2 of the unlabeled 学校美育 documents, real and
distinct); ×k is k·N documents taken in order from the corpus and, once it runs out, again from its start, each
under a distinct file name (so a distinct document id).  `--corpus seeds --docs 5` is the issue's "×1, ×10, ×100 of
the seeds", about 25 minutes on two cores; the default takes about 5.

Each run is the `kg extract` command a user runs, timed from start to exit (the pipeline loads included; a fresh
Dask cluster per run, started before the clock).  Printed per run: chars/s, peak RSS (sampled every 0.1 s: the
peak of the sum over the command's processes and the cluster's, and the largest single process), the CPU seconds
those processes used, and how many cores other processes on the machine kept busy meanwhile (a speed-up is only
as good as the cores that were free).  Then, per scale, whether every mode wrote the same bytes and the speed-up
over one worker; per mode, the growth of time (the marginal chars/s between consecutive scales: equal when time is
linear) and of memory (max/min over the scales).

Targets: every core ≥ 1.7× one worker on a 2-core machine; time linear in the corpus; peak memory flat within 20 %
from ×1 to ×100; per core, at least half of pkuseg segmentation alone (bench/throughput.py's ratio).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import psutil

from kg.nlp.parallel import DASK_BATCH

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpus"
CORPORA = {"unlabeled": SHARED / "unlabeled" / "meiyu", "seeds": SHARED / "seeds"}
KG = str(Path(sys.executable).with_name("kg"))
SEGMENT_SAMPLE = 200_000  # characters segmented to measure pkuseg alone


@dataclass
class Run:
    seconds: float
    total: int  # peak RSS summed over the processes, bytes
    single: int  # peak RSS of the largest process, bytes
    cpu: float  # CPU seconds of the processes
    main_cpu: float  # CPU seconds of the `kg extract` process itself
    others: float  # cores other processes kept busy, on average
    chars: int


def documents(source: Path):
    """The corpus's documents in file order, with their paths."""
    from kg.ingest.read import SUFFIXES, read_document

    paths = sorted(p for p in source.iterdir() if p.suffix.lower() in SUFFIXES)
    return [(path, read_document(path, source)) for path in paths]


def corpus(root: Path, source: list, count: int) -> tuple[Path, int]:
    """`count` documents from `source` in order, cycling, each under a distinct name; and their characters."""
    folder = root / f"n{count}"
    folder.mkdir()
    chars = 0
    for i in range(count):
        path, document = source[i % len(source)]
        shutil.copy(path, folder / f"{i:05d}_{path.name}")
        chars += sum(len(p.text) for p in document.paragraphs)
    return folder, chars


def segmentation_alone(source: list) -> float:
    """Characters per second of the pipeline's pkuseg segmentation (nlp.make_doc) alone, in this process."""
    from kg.nlp.pipeline import load

    nlp = load()
    texts, chars = [], 0
    while chars < SEGMENT_SAMPLE:
        for _, document in source:
            texts += [p.text for p in document.paragraphs]
            chars += sum(len(p.text) for p in document.paragraphs)
    started = time.perf_counter()
    for text in texts:
        nlp.make_doc(text)
    return chars / (time.perf_counter() - started)


class Sampler:
    """Peak RSS and CPU time of a set of process trees, sampled in a thread."""

    def __init__(self, roots: list[psutil.Process]):
        self.roots, self.total, self.single = roots, 0, 0
        self.cpu_start: dict[int, float] = {}
        self.cpu_last: dict[int, float] = {}
        self.done = threading.Event()
        self.sample(first=True)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self, first: bool = False) -> None:
        sizes = []
        for root in self.roots:
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:  # ended meanwhile
                continue
            for p in processes:
                try:
                    with p.oneshot():
                        sizes.append(p.memory_info().rss)
                        times = p.cpu_times()
                except psutil.Error:
                    continue
                self.cpu_last[p.pid] = times.user + times.system
                if first:
                    self.cpu_start[p.pid] = self.cpu_last[p.pid]
        self.total, self.single = max(self.total, sum(sizes)), max([self.single, *sizes])

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.sample()

    def stop(self) -> tuple[float, float]:
        """Stop sampling; the CPU seconds the processes used meanwhile, and the first root's alone (`kg extract`'s
        own process: reading the documents, handing them out, writing the units)."""
        self.done.set()
        self.thread.join()
        own = self.roots[0].pid
        return (sum(last - self.cpu_start.get(pid, 0.0) for pid, last in self.cpu_last.items()),
                self.cpu_last.get(own, 0.0) - self.cpu_start.get(own, 0.0))


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def run(source: Path, chars: int, out: Path, mode: str, cores: int) -> Run:
    """One `kg extract` of `source` into `out`."""
    args = [KG, "extract", str(source), "-o", str(out)]
    cluster = nullcontext()
    if mode == "dask":
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
    with cluster:
        if mode == "dask":
            args += ["--dask", cluster.scheduler_address]
        else:
            args += ["--workers", "1" if mode == "one" else str(cores)]
        me = psutil.Process()
        busy = busy_seconds()
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # in Dask mode the cluster's worker processes (children of this one) count too; not this one, which holds
        # the corpus and the pipeline segmentation_alone loaded (and runs the scheduler, a small share)
        roots = [psutil.Process(proc.pid)] + ([c for c in me.children() if c.pid != proc.pid] if mode == "dask" else [])
        sampler = Sampler(roots)
        _, err = proc.communicate()
        seconds = time.perf_counter() - started
        cpu, main_cpu = sampler.stop()
        busy = busy_seconds() - busy
    if proc.returncode != 0:
        raise SystemExit(f"kg extract failed ({mode}, {source.name}): {err[-2000:]}")
    return Run(seconds, sampler.total, sampler.single, cpu, main_cpu, max(0.0, busy - cpu) / seconds, chars)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="unlabeled", help="unlabeled, seeds, or a folder of documents")
    parser.add_argument("--docs", type=int, default=2, help="documents in the ×1 corpus (default 2)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--modes", nargs="+", default=["one", "all", "dask"], choices=["one", "all", "dask"])
    args = parser.parse_args()
    folder = Path(CORPORA.get(args.corpus, args.corpus))
    cores = len(os.sched_getaffinity(0))
    names = {"one": "1 worker", "all": f"{cores} workers (all cores)", "dask": "Dask LocalCluster, 2 workers"}
    source = documents(folder)
    segment = segmentation_alone(source)
    results: dict[tuple[str, int], Run] = {}
    with tempfile.TemporaryDirectory(prefix="kg-scale-") as tmp:
        root = Path(tmp)
        corpora = {scale: corpus(root, source, scale * args.docs) for scale in args.scales}
        print(f"{cores} cores; corpus {folder} ({len(source)} documents); ×1 = {args.docs} documents, "
              f"{corpora[args.scales[0]][1] // args.scales[0]:,} characters; ×k = k·{args.docs} documents, "
              f"distinct names; load average {os.getloadavg()[0]:.2f}")
        print(f"pkuseg segmentation alone, one core: {segment:,.0f} chars/s")
        print(f"{'mode':<30} {'scale':>5} {'docs':>5} {'characters':>11} {'seconds':>8} {'chars/s':>8} "
              f"{'peak RSS':>9} {'largest':>8} {'CPU s':>7} {'kg CPU':>7} {'others':>6}")
        for mode in args.modes:
            for scale in args.scales:
                path, chars = corpora[scale]
                r = results[mode, scale] = run(path, chars, root / f"{mode}-{scale}.jsonl", mode, cores)
                print(f"{names[mode]:<30} {'×' + str(scale):>5} {scale * args.docs:>5} {chars:>11,} {r.seconds:>8.1f} "
                      f"{chars / r.seconds:>8,.0f} {r.total / 2**20:>7,.0f}Mi {r.single / 2**20:>6,.0f}Mi "
                      f"{r.cpu:>7.1f} {r.main_cpu:>7.1f} {r.others:>6.2f}", flush=True)
        outputs = {(m, s): (root / f"{m}-{s}.jsonl").read_bytes() for m, s in results}
    print("\nCPU s: all the run's processes; kg CPU: the kg extract process alone (in 1-worker mode, all the work); "
          "others: cores kept busy by other processes during the run, on average (the machine is shared)")
    if "dask" in args.modes and args.scales[0] * args.docs <= DASK_BATCH:
        print(f"Dask: a task is {DASK_BATCH} documents, so at ×{args.scales[0]} ({args.scales[0] * args.docs} "
              "documents) one worker loads the pipeline and the other stays small: compare the largest process")
    for scale in args.scales:
        line = f"×{scale}: output identical across modes: {len({outputs[m, scale] for m in args.modes}) == 1}"
        if "one" in args.modes:
            one = results["one", scale].seconds
            line += "".join(f"; {names[m]} {one / results[m, scale].seconds:.2f}× one worker" for m in args.modes
                            if m != "one")
        print(line)
    first, last = args.scales[0], args.scales[-1]

    def marginal(mode: str, a: int, b: int) -> float:
        """chars/s between two scales: the pipeline loads and start-up left out."""
        ra, rb = results[mode, a], results[mode, b]
        return (rb.chars - ra.chars) / (rb.seconds - ra.seconds)

    for mode in args.modes:
        steps = ", ".join(f"×{a}→×{b} {marginal(mode, a, b):,.0f}" for a, b in zip(args.scales, args.scales[1:]))
        totals = [results[mode, s].total for s in args.scales]
        singles = [results[mode, s].single for s in args.scales]
        workers = 1 if mode == "one" else (cores if mode == "all" else 2)
        rate = (marginal(mode, first, last) if len(args.scales) > 1
                else results[mode, last].chars / results[mode, last].seconds)
        print(f"{names[mode]}: marginal chars/s {steps}; peak RSS max/min {max(totals) / min(totals):.2f} "
              f"(largest process {max(singles) / min(singles):.2f}); per core {rate / workers:,.0f} chars/s = "
              f"{rate / workers / segment:.2f} of pkuseg alone")
    if "one" in args.modes and len(args.scales) > 1:
        one = marginal("one", first, last)
        print("speed-up over one worker, start-up left out (marginal chars/s ×{}→×{}): ".format(first, last) +
              "; ".join(f"{names[m]} {marginal(m, first, last) / one:.2f}×" for m in args.modes if m != "one"))


if __name__ == "__main__":
    main()
