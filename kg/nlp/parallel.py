"""Extraction in this process, on every core, or on a Dask cluster: one per-document job
(kg.nlp.extract.extract_document), results in input order whatever finishes first.

- in process: the caller's loaded pipeline;
- `workers=N`: a `concurrent.futures` pool of N spawned processes;
- `dask=ADDRESS`: an existing `dask.distributed` cluster, documents sent in batches of `DASK_BATCH`.

A worker loads the pipeline once, on its first job (`worker_pipeline`, a per-process cache), and gets Documents
and returns Units, plain picklable records: tokenizing happens in the workers and no Doc crosses a process.
(spaCy's `nlp.pipe(n_process=…)` would tokenize where our components cannot yet see `doc._.context`, and ship
whole Docs back for the few facts we keep.)  At most `window` jobs are in flight, so the documents read ahead and
the results waiting for their turn never grow with the corpus.
"""
from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path

from spacy.language import Language

from kg.nlp.extract import extract_document
from kg.nlp.pipeline import load, saved_pipeline, segmenter_settings
from kg.records import Document, Skipped, Unit

Item = Document | Skipped  # an input as kg.ingest.read.Corpus gives it
Result = list[Unit] | Skipped  # a document's units in paragraph order, or why it was not read or extracted
Extract = Callable[[Iterable[Item]], Iterator[tuple[Item, Result]]]
DASK_BATCH = 8  # documents per Dask task: a few seconds of work, against the scheduler's per-task cost


DOCUMENTS_PER_WORKER = 8  # fewer, and loading the pipeline in another process costs more than it saves


def workers_for(documents: int, asked: int | None = None) -> int:
    """How many worker processes to extract `documents` with: as asked, else every core this process may run on,
    never more than there are documents, nor (unless asked) than `DOCUMENTS_PER_WORKER` documents each keep busy."""
    if asked:
        return max(1, min(asked, documents))
    return max(1, min(len(os.sched_getaffinity(0)), documents // DOCUMENTS_PER_WORKER))


@functools.cache
def worker_pipeline(pipeline: str | None) -> Language:
    """The pipeline of this worker process, loaded on its first job (None: the shipped one)."""
    return load(pipeline)


def _end_with(parent: int) -> None:
    """Pool initializer: end this worker once the process that started it is gone (killed, even by SIGKILL),
    instead of waiting forever for jobs that will not come."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _result(nlp: Language, item: Item, min_confidence: float) -> Result:
    return item if isinstance(item, Skipped) else extract_document(nlp, item, min_confidence=min_confidence)


def extract_batch(pipeline: str | None, items: list[Item], min_confidence: float) -> list[Result]:
    """A worker's job: each document's units (a Skipped stays as it is) with this process's pipeline."""
    nlp = worker_pipeline(pipeline)
    return [_result(nlp, item, min_confidence) for item in items]


def in_order(submit: Callable[[list[Item]], Future], items: Iterable[Item], batch: int, window: int
              ) -> Iterator[tuple[Item, Result]]:
    """Submit the inputs in batches, at most `window` batches in flight, and yield results in input order."""
    pending: deque[tuple[list[Item], Future]] = deque()
    items = iter(items)
    while chunk := list(islice(items, batch)):
        pending.append((chunk, submit(chunk)))
        if len(pending) >= window:
            done, future = pending.popleft()
            yield from zip(done, future.result())
    while pending:
        done, future = pending.popleft()
        yield from zip(done, future.result())


def in_process(nlp: Language, min_confidence: float = 0.0) -> Extract:
    """Extraction here, with a loaded pipeline."""
    return lambda items: ((item, _result(nlp, item, min_confidence)) for item in items)


@contextlib.contextmanager
def extractor(nlp: Callable[[], Language], *, pipeline: Path | None = None, workers: int = 1,
              dask: str | None = None, min_confidence: float = 0.0) -> Iterator[Extract]:
    """A function from inputs to (input, result) in input order, for the block.  `nlp` loads the pipeline
    in this process (called only when extracting here); `pipeline` is the path the workers load (None: the shipped
    pipeline, which a Dask worker reads from its own installed kg)."""
    name = str(pipeline) if pipeline else None
    if dask:
        from distributed import Client

        with Client(dask) as client:
            def submit(chunk: list[Item]) -> Future:
                return client.submit(extract_batch, name, chunk, min_confidence, pure=False)

            window = 2 * max(1, sum(client.nthreads().values()))
            yield lambda items: in_order(submit, items, DASK_BATCH, window)
        return
    if workers <= 1:
        yield in_process(nlp(), min_confidence)
        return
    saved_pipeline(pipeline)  # a wrong path, or a model to download, is dealt with once, here
    segmenter_settings()
    # spawn, not fork: the parent runs threads (the progress bar), and a forked lock would stay held forever
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_end_with,
                             initargs=(os.getpid(),)) as pool:
        def submit(chunk: list[Item]) -> Future:
            return pool.submit(extract_batch, name, chunk, min_confidence)

        yield lambda items: in_order(submit, items, 1, 2 * workers)
