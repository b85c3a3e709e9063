"""Batch runs: stream documents, process them on one or more workers, write tables atomically.

How a run is laid out on disk (all under the output folder):

    .run/manifest.jsonl    one line per finished part: the documents it holds, their counts
    .run/parts/part-N      those documents' rows for every table, as the CSV/JSONL bytes
                           the workers rendered (plus the rows as JSON, for Parquet)
    documents.csv ...      the tables, assembled from the parts at the end

Documents stream from the readers and are processed in order (any number of
workers, or a Dask cluster, gives the same order). Every `chunk_size`
documents the rows go to a part file, written to a temporary name and renamed,
and only then is the part recorded in the manifest: after a crash, SIGKILL or
Ctrl-C, `resume=True` skips every document the manifest lists and processes the
rest, so no row is lost or duplicated. Tables are put in place only when every
document is accounted for (see output.TableSink), then `.run/` is removed.
Memory is bounded by the chunk size, not the input size.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from pipeline.config import Config
from pipeline.io import tables
from pipeline.io.readers import (
    InputError,
    ReadFailure,
    ReadItem,
    as_text,
    input_kind,
    read_documents,
)
from pipeline.io.writers import FORMATS, RENDERERS, TableSink, remove_stale_temporaries
from pipeline.model import Analysis, Document

CHUNK_SIZE = 200  # documents per part file: bounds memory whatever the input size
TASK_SIZE = 4  # documents per task sent to a worker process
DASK_WINDOW = 2000  # documents per Dask computation (keeps the driver's memory flat)
ENGINES = ("local", "dask")
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


class RunInterrupted(Exception):
    """SIGTERM/SIGINT arrived; finished parts are kept for --resume."""


@dataclass
class RunSummary:
    out_dir: Path
    documents: int = 0
    ok: int = 0
    failed: int = 0
    events: int = 0
    entities: int = 0
    sentences: int = 0
    tokens: int = 0
    resumed: int = 0  # documents taken from an interrupted run's parts
    elapsed: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def line(self) -> str:
        rate = self.documents / self.elapsed if self.elapsed > 0 else 0.0
        resumed = f" ({self.resumed} from the interrupted run)" if self.resumed else ""
        return (
            f"documents: {self.documents} read{resumed}, {self.ok} ok, {self.failed} failed; "
            f"sentences: {self.sentences}; entities: {self.entities}; events: {self.events}; "
            f"elapsed: {self.elapsed:.1f}s ({rate:.1f} docs/s)"
        )

    def add(self, counts: dict[str, int]) -> None:
        for key in COUNT_KEYS:
            setattr(self, key, getattr(self, key) + counts.get(key, 0))


def iter_inputs(inputs: str | Path | Iterable[str | Path], config: Config) -> Iterator[ReadItem]:
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    for path in paths:
        try:
            yield from read_documents(path, relations_only=config.relations_only)
        except InputError as exc:
            p = Path(path)
            # as_text: a path that is not UTF-8 must not stop the batch when its row is written
            yield ReadFailure(as_text(p.stem), as_text(str(p)), as_text(str(exc)))


def count_inputs(inputs: str | Path | Iterable[str | Path]) -> int | None:
    """Number of documents when it is cheap to know (folders of .txt), for the ETA."""
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    total = 0
    for path in map(Path, paths):
        try:
            kind = input_kind(path)
        except InputError:
            return None
        if kind == "folder":
            total += sum(1 for p in path.iterdir() if p.suffix == ".txt")
        elif kind == "txt":
            total += 1
        else:
            return None
    return total


# -- worker side ------------------------------------------------------------
# Failpoint for fault-injection tests: a worker processing the document with this id
# exits at once, as if it had been killed. Unset in normal runs.
_CRASH_ON = os.environ.get("BNEVENTS_FAILPOINT_CRASH_DOC", "")


def _mp_context() -> Any:
    """Workers start from a fork server that has already imported the pipeline.

    Plain fork is unsafe here: the pool's own feeder and manager threads may hold
    locks at fork time, and a child that inherits a held lock hangs forever.
    """
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline", "pipeline.io.runner"])
    return ctx


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
Results = Iterator[tuple[int, DocOutput]]


def _run_serial(items: Iterator[Numbered], config: Config, formats: tuple[str, ...]) -> Results:
    for seq, item in items:
        yield seq, process_item(item, config, formats)


def _run_processes(
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
    batches = _batched(items, TASK_SIZE)
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
                for seq, item in (pair for b in pending for pair in b):
                    pool = new_pool()
                    try:
                        yield from pool.submit(
                            process_many, [(seq, item)], config, formats
                        ).result()
                    except BrokenProcessPool:
                        yield seq, error_output(
                            item, "worker process crashed on this document", formats
                        )
                    pool.shutdown()
                pool = new_pool()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(
    items: Iterator[Numbered],
    config: Config,
    formats: tuple[str, ...],
    workers: int,
    scheduler: str | None,
) -> Results:
    """The same run on a Dask cluster: a dask.bag over document partitions, window by window."""
    import dask.bag as db
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        for window in _batched(items, DASK_WINDOW):
            partitions = max(1, min(len(window), workers * 4))
            bag = db.from_sequence(window, npartitions=partitions)
            results = bag.map_partitions(process_many, config, formats).compute(scheduler=client)
            yield from results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _batched(items: Iterator[Numbered], size: int) -> Iterator[list[Numbered]]:
    batch: list[Numbered] = []
    for pair in items:
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- run state: parts and manifest --------------------------------------------
class RunState:
    """The `.run/` folder of an output directory."""

    def __init__(self, out: Path) -> None:
        self.dir = out / ".run"
        self.parts = self.dir / "parts"
        self.manifest = self.dir / "manifest.jsonl"

    def reset(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self.parts.mkdir(parents=True)

    def load(self) -> list[dict[str, Any]]:
        """Entries of finished parts; a torn last line (killed mid-write) is ignored."""
        if not self.manifest.exists():
            self.parts.mkdir(parents=True, exist_ok=True)
            return []
        entries = []
        for line in self.manifest.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break
            if (self.parts / entry["file"]).exists():
                entries.append(entry)
        return entries

    def write_part(
        self, index: int, chunk: list[tuple[int, DocOutput]], formats: tuple[str, ...]
    ) -> dict[str, Any]:
        """One part file: a JSON line naming its blobs and their sizes, then the blobs."""
        name = f"part-{index:06d}"
        tmp = self.parts / f".{name}.tmp"
        outputs = [out for _, out in chunk]
        blobs: list[tuple[str, str, bytes]] = [
            (fmt, table, b"".join(o.data[fmt][table] for o in outputs))
            for fmt in formats
            if fmt in TEXT_FORMATS
            for table in tables.TABLE_COLUMNS
        ]
        if any(fmt not in TEXT_FORMATS for fmt in formats):
            rows = {
                t: [row for o in outputs if o.rows for row in o.rows[t]]
                for t in tables.TABLE_COLUMNS
            }
            blobs.append(("rows", "", json.dumps(rows, ensure_ascii=False).encode("utf-8")))
        header = json.dumps({"blobs": [[fmt, table, len(data)] for fmt, table, data in blobs]})
        with open(tmp, "wb") as fh:
            fh.write(header.encode("ascii") + b"\n")
            for _, _, data in blobs:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.parts / name)
        counts = {key: sum(o.counts[key] for o in outputs) for key in COUNT_KEYS}
        entry = {
            "file": name,
            "formats": list(formats),
            "docs": [[seq, out.document["doc_id"]] for seq, out in chunk],
            "counts": counts,
            "failures": [
                [o.document["doc_id"], o.document["error"]]
                for o in outputs
                if o.document["status"] != "ok"
            ],
        }
        with open(self.manifest, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return entry

    def read_part(self, entry: dict[str, Any]) -> dict[tuple[str, str], bytes]:
        """(format, table) -> that table's bytes; ("rows", "") -> the rows as JSON."""
        with open(self.parts / entry["file"], "rb") as fh:
            header = json.loads(fh.readline())
            return {(fmt, table): fh.read(size) for fmt, table, size in header["blobs"]}


def _raise_interrupt(signum: int, _frame: Any) -> None:
    raise RunInterrupted(signal.Signals(signum).name)


def run_batch(
    inputs: str | Path | Iterable[str | Path],
    out_dir: str | Path,
    *,
    config: Config | None = None,
    formats: Iterable[str] = ("csv",),
    excel: bool = False,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: bool = True,
) -> RunSummary:
    """Process every input document and write the tables under `out_dir`.

    Raises RunInterrupted on SIGINT/SIGTERM (finished parts stay for `resume`) and
    OSError when the output cannot be written; neither leaves a partial table.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    config = config or Config()
    inputs = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)  # a killed run's temporary tables
    formats = tuple(dict.fromkeys(formats))
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    summary = RunSummary(out)
    started = time.monotonic()
    state = RunState(out)
    entries = state.load() if resume else []
    if not resume:
        state.reset()
    for entry in entries:
        missing = [fmt for fmt in formats if fmt not in entry.get("formats", ())]
        if missing:
            raise InputError(
                f"cannot resume: the interrupted run in {out} wrote "
                f"{','.join(entry.get('formats', ())) or 'another format'}, not {missing[0]}; "
                "resume with its --format, or start again without --resume"
            )
    done: dict[int, str] = {seq: doc_id for e in entries for seq, doc_id in e["docs"]}
    for entry in entries:
        summary.add(entry["counts"])
        summary.failures.extend((d, err) for d, err in entry.get("failures", []))
    summary.resumed = summary.documents

    def remaining() -> Iterator[Numbered]:
        for seq, item in enumerate(iter_inputs(inputs, config)):
            if seq in done:
                if done[seq] != item.doc_id:
                    raise InputError(
                        f"cannot resume: input document {seq} is {item.doc_id!r}, the "
                        f"interrupted run had {done[seq]!r} (inputs changed?)"
                    )
                continue
            yield seq, item

    bar = tqdm(
        desc="documents",
        unit="doc",
        total=count_inputs(inputs),
        initial=len(done),
        disable=not progress,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.1,
    )
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    in_main_thread = _is_main_thread()
    if in_main_thread:
        for s in previous:
            signal.signal(s, _raise_interrupt)
    try:
        if engine == "dask":
            results = _run_dask(remaining(), config, formats, workers, scheduler)
        elif workers > 1:
            results = _run_processes(remaining(), config, formats, workers)
        else:
            results = _run_serial(remaining(), config, formats)
        chunk: list[tuple[int, DocOutput]] = []
        next_part = len(entries)
        for seq, output in results:
            doc = output.document
            if doc["status"] != "ok":
                summary.failures.append((doc["doc_id"], doc["error"]))
                tqdm.write(
                    f"error: {doc['doc_id']} ({doc['source']}): {doc['error']}", file=sys.stderr
                )
            chunk.append((seq, output))
            bar.update(1)
            if len(chunk) >= chunk_size:
                entries.append(state.write_part(next_part, chunk, formats))
                summary.add(entries[-1]["counts"])
                next_part += 1
                chunk = []
        if chunk:
            entries.append(state.write_part(next_part, chunk, formats))
            summary.add(entries[-1]["counts"])
        summary.files = _assemble(state, entries, out, formats, excel)
    finally:
        bar.close()
        if in_main_thread:
            for s, handler in previous.items():
                signal.signal(s, handler)
    shutil.rmtree(state.dir, ignore_errors=True)
    summary.elapsed = time.monotonic() - started
    return summary


def _assemble(
    state: RunState,
    entries: list[dict[str, Any]],
    out: Path,
    formats: tuple[str, ...],
    excel: bool,
) -> list[Path]:
    """Stream every part, in input order, into the final tables; publish them together."""
    entries = sorted(entries, key=lambda e: e["docs"][0][0] if e["docs"] else -1)
    sinks = [TableSink(out, t, fmt, excel=excel) for t in tables.TABLE_COLUMNS for fmt in formats]
    try:
        for entry in entries:
            part = state.read_part(entry)
            rows = json.loads(part["rows", ""]) if ("rows", "") in part else {}
            for sink in sinks:
                if sink.fmt in TEXT_FORMATS:
                    sink.write_encoded(part[sink.fmt, sink.table])
                else:
                    sink.write(rows[sink.table])
        # two phases: every table is finished before any is renamed into place, so a
        # failure (full disk) leaves the previous run's tables or none, never a mix
        for sink in sinks:
            sink.finish()
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    return [sink.publish() for sink in sinks]


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def default_workers() -> int:
    with contextlib.suppress(AttributeError):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)
