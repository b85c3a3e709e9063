"""Batch runs: stream documents, process them on one or more workers, write tables atomically.

Documents stream from the readers and are processed in order by an engine
(io/engines.py: serial, a process pool, or a Dask cluster — any of them gives the
same order). Every `chunk_size` documents the rows go to a part file of the run's
checkpoint (io/checkpoint.py), so after a crash, SIGKILL or Ctrl-C `resume=True`
skips every document already done and processes the rest, and no row is lost or
duplicated. Tables are put in place only when every document is accounted for
(see writers.TableSink), then `.run/` is removed. Memory is bounded by the chunk
size, not the input size.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from pipeline.config import Config
from pipeline.extras import ensure_installed
from pipeline.io import checkpoint, engines
from pipeline.io.checkpoint import Entry, RunState
from pipeline.io.engines import COUNT_KEYS, WORKER_CRASHED, DocOutput, Results
from pipeline.io.readers import (
    InputError,
    ReadFailure,
    ReadItem,
    as_text,
    folder_txt_files,
    input_kind,
    read_documents,
)
from pipeline.io.writers import FORMATS, remove_stale_temporaries
from pipeline.limits import CHUNK_SIZE

# names other modules import from here
__all__ = ["CHUNK_SIZE", "ENGINES", "RunFailed", "RunInterrupted", "RunSummary",
           "default_workers", "run_batch"]

ENGINES = ("local", "dask")


class RunInterrupted(Exception):
    """SIGTERM/SIGINT arrived; finished parts are kept for --resume."""


class RunFailed(RuntimeError):
    """Every document of the run crashed its worker process: the machinery, not the
    documents, is broken, so empty tables with failed=N would be a silent wrong result."""


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

    def add_parts(self, entries: list[Entry]) -> None:
        """Count the documents of finished parts (an interrupted run's, when resuming)."""
        for entry in entries:
            self.add(entry["counts"])
            self.failures.extend((d, err) for d, err in entry.get("failures", []))


def iter_inputs(inputs: str | Path | Iterable[str | Path], config: Config) -> Iterator[ReadItem]:
    from pipeline.lang import load_pack

    pack = load_pack(config.lang)  # the readers' title and link conventions
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    for path in paths:
        try:
            yield from read_documents(path, relations_only=config.relations_only, pack=pack)
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
            total += len(folder_txt_files(path))  # recursive, as the folder reader
        elif kind == "txt":
            total += 1
        else:
            return None
    return total


def _raise_interrupt(signum: int, _frame: Any) -> None:
    raise RunInterrupted(signal.Signals(signum).name)


def _checked_formats(formats: Iterable[str]) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(formats))
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    return formats


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
    MissingExtra when `engine="dask"` and the `[dask]` extra is not installed.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    if engine == "dask":  # before anything is written: a missing extra is one clear error
        for module in ("dask", "distributed"):
            ensure_installed(module, "dask", "--engine dask")
    config = config or Config()
    inputs = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)  # a killed run's temporary tables
    formats = _checked_formats(formats)
    summary = RunSummary(out)
    started = time.monotonic()
    state = RunState(out)
    entries = checkpoint.resumable_entries(state, out, formats) if resume else []
    if not resume:
        state.reset()
    done = checkpoint.done_documents(entries)
    summary.add_parts(entries)
    summary.resumed = summary.documents
    remaining = checkpoint.skip_done(iter_inputs(inputs, config), done)

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
            results = engines.run_dask(remaining, config, formats, workers, scheduler)
        elif workers > 1:
            results = engines.run_processes(remaining, config, formats, workers)
        else:
            results = engines.run_serial(remaining, config, formats)
        failures_before = len(summary.failures)
        _write_parts(results, state, entries, summary, formats, chunk_size, bar)
        _raise_if_all_crashed(summary, failures_before, state)
        summary.files = checkpoint.assemble(state, entries, out, formats, excel)
    finally:
        bar.close()
        if in_main_thread:
            for s, handler in previous.items():
                signal.signal(s, handler)
    state.remove()
    summary.elapsed = time.monotonic() - started
    return summary


def _raise_if_all_crashed(summary: RunSummary, failures_before: int, state: RunState) -> None:
    processed = summary.documents - summary.resumed
    crashed = sum(1 for _, err in summary.failures[failures_before:] if err == WORKER_CRASHED)
    if processed and crashed == processed:
        state.remove()  # their parts hold only crashes: a --resume must not skip them
        raise RunFailed(
            f"{summary.out_dir}: all {processed} documents crashed their worker process, "
            "so no table was written; run again with workers=1 to see the cause"
        )


def _write_parts(
    results: Results, state: RunState, entries: list[Entry], summary: RunSummary,
    formats: tuple[str, ...], chunk_size: int, bar: Any,
) -> None:
    """Report each failed document, and write the outputs part by part (into `entries`)."""
    chunk: list[tuple[int, DocOutput]] = []
    next_part = len(entries)

    def flush() -> None:
        nonlocal chunk, next_part
        entries.append(state.write_part(next_part, chunk, formats))
        summary.add(entries[-1]["counts"])
        next_part += 1
        chunk = []

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
            flush()
    if chunk:
        flush()


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def default_workers() -> int:
    with contextlib.suppress(AttributeError):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)
