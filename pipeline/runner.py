"""Batch runs: read, process (one or more worker processes), write tables atomically."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from . import tables
from .config import Config
from .model import Analysis, Document
from .output import TableSink
from .readers import InputError, ReadFailure, ReadItem, read_documents

FLUSH_EVERY = 200  # documents per written chunk: bounds memory whatever the input size


@dataclass
class RunSummary:
    out_dir: Path
    documents: int = 0
    ok: int = 0
    failed: int = 0
    events: int = 0
    entities: int = 0
    sentences: int = 0
    elapsed: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def line(self) -> str:
        rate = self.documents / self.elapsed if self.elapsed > 0 else 0.0
        return (
            f"documents: {self.documents} read, {self.ok} ok, {self.failed} failed; "
            f"sentences: {self.sentences}; entities: {self.entities}; events: {self.events}; "
            f"elapsed: {self.elapsed:.1f}s ({rate:.1f} docs/s)"
        )


def iter_inputs(inputs: str | Path | Iterable[str | Path], config: Config) -> Iterator[ReadItem]:
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    for path in paths:
        try:
            yield from read_documents(path, relations_only=config.relations_only)
        except InputError as exc:
            p = Path(path)
            yield ReadFailure(p.stem, str(p), str(exc))


# -- worker side -----------------------------------------------------------
_WORKER_PIPELINE: Any = None


def _init_worker(config: Config) -> None:
    global _WORKER_PIPELINE
    from . import Pipeline

    _WORKER_PIPELINE = Pipeline(config)


def _process(item: ReadItem) -> dict[str, list[dict[str, Any]]]:
    if isinstance(item, ReadFailure):
        analysis = Analysis(
            Document(item.doc_id, "", source=item.source), status="error", error=item.error
        )
    else:
        analysis = _WORKER_PIPELINE.process(item)
    return tables.table_rows(analysis)


def run_batch(
    inputs: str | Path | Iterable[str | Path],
    out_dir: str | Path,
    *,
    config: Config | None = None,
    formats: Iterable[str] = ("csv",),
    excel: bool = False,
    workers: int = 1,
    progress: bool = True,
) -> RunSummary:
    config = config or Config()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    formats = list(dict.fromkeys(formats))
    summary = RunSummary(out)
    started = time.monotonic()
    sinks = [
        TableSink(out, name, fmt, excel=excel) for name in tables.TABLE_COLUMNS for fmt in formats
    ]
    pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables.TABLE_COLUMNS}
    bar = tqdm(
        desc="documents", unit="doc", disable=not progress, file=sys.stderr, dynamic_ncols=True
    )
    pool = None
    try:
        items = iter_inputs(inputs, config)
        if workers > 1:
            pool = mp.get_context("spawn" if sys.platform == "darwin" else "fork").Pool(
                workers, initializer=_init_worker, initargs=(config,)
            )
            results: Iterator[dict[str, list[dict[str, Any]]]] = pool.imap(
                _process, items, chunksize=4
            )
        else:
            _init_worker(config)
            results = map(_process, items)
        for n, rows in enumerate(results, 1):
            doc_row = rows["documents"][0]
            summary.documents += 1
            if doc_row["status"] == "ok":
                summary.ok += 1
            else:
                summary.failed += 1
                summary.failures.append((doc_row["doc_id"], doc_row["error"]))
                tqdm.write(
                    f"error: {doc_row['doc_id']} ({doc_row['source']}): {doc_row['error']}",
                    file=sys.stderr,
                )
            summary.events += len(rows["events"])
            summary.entities += len(rows["entities"])
            summary.sentences += len(rows["sentences"])
            for name, part in rows.items():
                pending[name].extend(part)
            if n % FLUSH_EVERY == 0:
                _flush(sinks, pending)
            bar.update(1)
        _flush(sinks, pending)
        # two phases: every table is finished before any is renamed into place, so a
        # failure (full disk) leaves the previous run's tables or none, never a mix
        for sink in sinks:
            sink.finish()
        summary.files.extend(sink.publish() for sink in sinks)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    finally:
        bar.close()
        if pool is not None:
            pool.terminate()
            pool.join()
    summary.elapsed = time.monotonic() - started
    return summary


def _flush(sinks: list[TableSink], pending: dict[str, list[dict[str, Any]]]) -> None:
    for sink in sinks:
        sink.write(pending[sink.table])
    for rows in pending.values():
        rows.clear()


def default_workers() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
