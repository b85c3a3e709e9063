"""Where documents are processed: the worker-side function and the three engines.

`process_item` turns one read document (or read failure) into its rows for every
table, rendered where they are produced. An engine runs it over a stream of
numbered documents and yields `(seq, DocOutput)` in input order: in this process
(`run_serial`), on a pool of worker processes (`run_processes`) or on a Dask
cluster (`run_dask`). Any engine and worker count gives the same output.
"""

from __future__ import annotations

import io
import os
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import context as mp_context
from multiprocessing import forkserver, popen_forkserver, spawn, util
from typing import Any

from pipeline.config import Config
from pipeline.io import tables
from pipeline.io.readers import ReadFailure, ReadItem, as_text
from pipeline.io.writers import RENDERERS
from pipeline.model import Analysis, Document

TASK_SIZE = 4  # documents per task sent to a worker process
DASK_WINDOW = 2000  # documents per Dask computation (keeps the driver's memory flat)
WORKER_CRASHED = "worker process crashed on this document"  # a documents.error value
COUNT_KEYS = ("documents", "ok", "failed", "events", "entities", "sentences", "tokens")

Rows = dict[str, list[dict[str, Any]]]
Numbered = tuple[int, ReadItem]
TEXT_FORMATS = tuple(RENDERERS)  # formats a worker renders to text; the others take rows


@dataclass
class DocOutput:
    """What a worker sends back for one document.

    The rows are rendered to CSV/JSONL and encoded where they are produced, in
    parallel, so the parent, which shares the machine's cores with the workers,
    only moves bytes; rows travel only when a format needs them (Parquet).
    """

    document: dict[str, Any]  # its documents-table row (status, error, counts)
    counts: dict[str, int]
    data: dict[str, dict[str, bytes]]  # format -> table -> rendered rows, UTF-8
    rows: Rows | None = None


Results = Iterator[tuple[int, DocOutput]]


def render_output(rows: Rows, formats: tuple[str, ...]) -> DocOutput:
    document = rows["documents"][0]
    counts = {
        "documents": 1,
        "ok": int(document["status"] == "ok"),
        "failed": int(document["status"] != "ok"),
        "events": len(rows["events"]),
        "entities": len(rows["entities"]),
        "sentences": len(rows["sentences"]),
        "tokens": document["tokens"] or 0,
    }
    data = {
        fmt: {table: RENDERERS[fmt](table, part).encode("utf-8") for table, part in rows.items()}
        for fmt in formats
        if fmt in RENDERERS
    }
    keep_rows = any(fmt not in RENDERERS for fmt in formats)
    return DocOutput(document, counts, data, rows if keep_rows else None)


# -- worker side ------------------------------------------------------------
# Failpoint for fault-injection tests: a worker processing the document with this id
# exits at once, as if it had been killed. Unset in normal runs.
_CRASH_ON = os.environ.get("BNEVENTS_FAILPOINT_CRASH_DOC", "")


def _mp_context() -> Any:
    """Workers start from a fork server that has already imported the pipeline.

    Plain fork is unsafe here: the pool's own feeder and manager threads may hold
    locks at fork time, and a child that inherits a held lock hangs forever.
    The workers do not re-run the caller's main module (see _WorkerPopen).
    """
    ctx = _WorkerContext()
    ctx.set_forkserver_preload(["pipeline", "pipeline.io.engines"])
    return ctx


class _WorkerPopen(popen_forkserver.Popen):
    """A fork-server child that does not re-import the parent's `__main__`.

    multiprocessing re-runs the main script in every spawned or fork-server child
    (as `__mp_main__`) so that functions defined there can be unpickled. A worker
    here runs only pipeline code (process_many, _init_worker; Config and ReadItem
    arguments), so that import is never needed, and it is harmful: a script calling
    `pipeline.run(..., workers=2)` without an `if __name__ == "__main__":` guard
    would start a pool inside each child (RuntimeError, every document failed), and
    code piped on stdin (`__file__ == "<stdin>"`) cannot be re-read at all. This is
    `popen_forkserver.Popen._launch` (the same in Python 3.11-3.13) with the two
    main-module keys left out of the preparation data.
    """

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        mp_context.set_spawning_popen(self)
        try:
            mp_context.reduction.dump(prep_data, buf)
            mp_context.reduction.dump(process_obj, buf)
        finally:
            mp_context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        # as in the base class: the parent keeps the pipe's write end as the child's sentinel
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _WorkerProcess(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> _WorkerPopen:
        return _WorkerPopen(process_obj)


class _WorkerContext(mp_context.ForkServerContext):
    Process = _WorkerProcess


_WORKER: dict[Config, Any] = {}  # one Pipeline per configuration per process: models load once


def _pipeline_for(config: Config) -> Any:
    if config not in _WORKER:
        from pipeline import Pipeline

        _WORKER[config] = Pipeline(config)
    return _WORKER[config]


def _init_worker(config: Config) -> None:
    # workers leave SIGINT to the parent, which shuts them down in order
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _pipeline_for(config)


def process_item(item: ReadItem, config: Config, formats: tuple[str, ...]) -> DocOutput:
    """One document (or read failure) -> its rows for every table, rendered."""
    if _CRASH_ON and item.doc_id == _CRASH_ON:
        os._exit(70)  # failpoint: simulate a worker dying mid-document (tests only)
    if isinstance(item, ReadFailure):
        return error_output(item, item.error, formats)
    analysis = _pipeline_for(config).process(item)
    try:
        return render_output(tables.table_rows(analysis), formats)
    except Exception as exc:  # a bug in turning the analysis into rows costs one document
        error = f"cannot write this document's rows: {type(exc).__name__}: {exc}"
        return error_output(item, error, formats)


def process_many(
    batch: list[Numbered], config: Config, formats: tuple[str, ...]
) -> list[tuple[int, DocOutput]]:
    return [(seq, process_item(item, config, formats)) for seq, item in batch]


def error_output(item: ReadItem, error: str, formats: tuple[str, ...]) -> DocOutput:
    """The rows of a document that failed: its documents-table row, status=error."""
    doc = Document(as_text(item.doc_id), "", source=as_text(item.source))
    analysis = Analysis(doc, status="error", error=as_text(error))
    return render_output(tables.table_rows(analysis), formats)


# -- engines: each yields (seq, rows) in input order ---------------------------
def run_serial(items: Iterator[Numbered], config: Config, formats: tuple[str, ...]) -> Results:
    for seq, item in items:
        yield seq, process_item(item, config, formats)


def run_processes(
    items: Iterator[Numbered], config: Config, formats: tuple[str, ...], workers: int
) -> Results:
    """A process pool with a bounded window of tasks; a crashed worker costs one document.

    concurrent.futures (not multiprocessing.Pool) because it reports a dead worker as
    BrokenProcessPool instead of hanging. The tasks in flight are then re-run one
    document at a time in a fresh pool, and a document that kills its worker again is
    recorded as failed, so every input document is accounted for exactly once.
    """

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers, mp_context=_mp_context(), initializer=_init_worker, initargs=(config,)
        )

    def submit(batch: list[Numbered]) -> Future[list[tuple[int, DocOutput]]]:
        try:
            return pool.submit(process_many, batch, config, formats)
        except BrokenProcessPool as exc:
            # the pool broke before this batch was sent (a worker died meanwhile):
            # it goes through the same one-document-at-a-time recovery below
            failed: Future[list[tuple[int, DocOutput]]] = Future()
            failed.set_exception(exc)
            return failed

    pool = new_pool()
    window: deque[tuple[list[Numbered], Future[list[tuple[int, DocOutput]]]]] = deque()
    batches = batched(items, TASK_SIZE)
    try:
        exhausted = False
        while window or not exhausted:
            while not exhausted and len(window) < workers * 4:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                else:
                    window.append((batch, submit(batch)))
            if not window:
                break
            batch, fut = window.popleft()
            try:
                yield from fut.result()
            except BrokenProcessPool:
                pending = [batch] + [b for b, _ in window]
                window.clear()
                pool.shutdown(cancel_futures=True)
                yield from _rerun_one_by_one(pending, new_pool, config, formats)
                pool = new_pool()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _rerun_one_by_one(
    pending: list[list[Numbered]], new_pool: Any, config: Config, formats: tuple[str, ...]
) -> Results:
    """After a crash: each document of the tasks in flight in a pool of its own."""
    for seq, item in (pair for batch in pending for pair in batch):
        pool = new_pool()
        try:
            yield from pool.submit(process_many, [(seq, item)], config, formats).result()
        except BrokenProcessPool:
            yield seq, error_output(item, WORKER_CRASHED, formats)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def run_dask(
    items: Iterator[Numbered],
    config: Config,
    formats: tuple[str, ...],
    workers: int,
    scheduler: str | None,
) -> Results:
    """The same run on a Dask cluster: a dask.bag over document partitions, window by window."""
    from pipeline.extras import require

    db = require("dask.bag", "dask", "--engine dask")
    distributed = require("dask.distributed", "dask", "--engine dask")
    cluster = None
    if scheduler:
        client = distributed.Client(scheduler)
    else:
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = distributed.Client(cluster)
    try:
        for window in batched(items, DASK_WINDOW):
            partitions = max(1, min(len(window), workers * 4))
            bag = db.from_sequence(window, npartitions=partitions)
            results = bag.map_partitions(process_many, config, formats).compute(scheduler=client)
            yield from results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def batched(items: Iterator[Numbered], size: int) -> Iterator[list[Numbered]]:
    batch: list[Numbered] = []
    for pair in items:
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
