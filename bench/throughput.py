"""Throughput of `kg extract` beside pkuseg segmentation alone, on the seed corpus repeated to >= 1 MB.

Prints characters per second of both in the same run, their ratio (target: the whole pipeline at
least half as fast as segmentation alone) and the peak resident memory (target: under 1.5 GB).
The two are timed in turn `--repeat` times and the fastest run of each counts (as `timeit` does):
on a shared virtual machine one run's speed drifts by a quarter or more.

    .venv/bin/python bench/throughput.py [--pipeline PATH] [--min-bytes 1000000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import dataclasses
import resource
import time
from pathlib import Path

from kg.nlp.extract import extract_units
from kg.ingest.read import read_path
from kg.nlp.pipeline import load

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline", type=Path, default=None)
    parser.add_argument("--corpus", type=Path, default=SEEDS)
    parser.add_argument("--min-bytes", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    documents, _ = read_path(args.corpus)
    size = sum(len(p.text.encode("utf-8")) for d in documents for p in d.paragraphs)
    copies = -(-args.min_bytes // size)
    corpus = [dataclasses.replace(d, id=f"{i}/{d.id}") for i in range(copies) for d in documents]
    texts = [p.text for d in corpus for p in d.paragraphs]
    chars = sum(len(t) for t in texts)
    print(f"corpus: {len(documents)} seed documents x {copies} = {chars:,} characters "
          f"({size * copies / 1e6:.2f} MB UTF-8), {len(texts):,} paragraphs")

    t0 = time.perf_counter()
    nlp = load(args.pipeline)
    print(f"pipeline load: {time.perf_counter() - t0:.1f} s ({', '.join(nlp.pipe_names)})")

    segmentation, pipeline = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for text in texts:
            nlp.make_doc(text)
        segmentation.append(chars / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        units = list(extract_units(nlp, corpus))
        pipeline.append(chars / (time.perf_counter() - t0))
    seg, full = max(segmentation), max(pipeline)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    facts = sum(len(u.entities) + len(u.goals) + len(u.relations) for u in units)
    print(f"pkuseg segmentation alone: {seg:,.0f} chars/s (runs: {', '.join(f'{x:,.0f}' for x in segmentation)})")
    print(f"kg extract (whole pipeline): {full:,.0f} chars/s ({facts:,} facts; runs: "
          f"{', '.join(f'{x:,.0f}' for x in pipeline)})")
    print(f"ratio pipeline/segmentation: {full / seg:.2f} (target >= 0.50)")
    print(f"peak RSS: {peak:,.0f} MiB (target < 1536 MiB)")


if __name__ == "__main__":
    main()
