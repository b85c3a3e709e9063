"""Resource limits: a per-document wall-clock budget that can stop a stage mid-way, and
the batch chunk size that bounds a run's memory.

`Config.max_doc_chars` is checked before any stage runs (readers.check_document).
`Config.doc_time_budget` is enforced two ways:

* between stages, `Pipeline.analyse` compares the elapsed time with the budget
  (works everywhere, but cannot stop a stage that is stuck);
* inside a stage, `time_budget()` arms a one-shot POSIX interval timer
  (setitimer/SIGALRM) whose handler raises `StageTimeout` wherever the document
  is being processed, e.g. in the middle of a regex search: CPython's `re`
  checks for signals while it backtracks, so catastrophic backtracking is stopped.

Limits of the SIGALRM approach (why the between-stage check stays):
* signal handlers run only in the main thread, so the timer is armed only there:
  the CLI, `bnevents run` in any worker count (pool workers run tasks in their
  main thread). Dask workers and other threads get the between-stage check only;
* the handler runs when the interpreter next gets control: C or Cython code that
  never checks for signals (a long spaCy tokenizer call) is stopped only when it
  returns to Python;
* ITIMER_REAL is one per process: if the caller already has a timer running,
  the budget leaves it alone and falls back to the between-stage check;
* an exception raised inside a __del__ or under a catch-all `except` is lost, so the
  alarm repeats every REPEAT seconds until the body has ended;
* an exception raised at an arbitrary point can leave half-built state behind in
  the stage that was interrupted. The stages keep per-document state in locals,
  and the document is then recorded as failed, so nothing of it reaches a table.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from pipeline.io.readers import InputError

_STAGES = Path(__file__).resolve().parent / "stages"
# documents per checkpointed part of a batch run (io/checkpoint.py): bounds a run's memory
# whatever the input size (`bnevents run --chunk-size`)
CHUNK_SIZE = 200
REPEAT = 0.25  # seconds between alarms once the budget is spent (see time_budget)


class StageTimeout(InputError):
    """A document exceeded its time budget (Config.doc_time_budget)."""


def can_interrupt() -> bool:
    """True where time_budget() can stop a running stage (main thread, POSIX timers)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def stage_module(filename: str) -> str:
    """The dotted name under `pipeline.stages` of a source file ("values.dates"), or ""."""
    path = Path(filename)
    if not path.is_relative_to(_STAGES):
        return ""
    return ".".join(path.relative_to(_STAGES).with_suffix("").parts).removesuffix(".__init__")


def _where(frame: FrameType | None) -> str:
    """The innermost stage function running when the budget ran out, e.g. values._scan."""
    while frame is not None:
        module = stage_module(frame.f_code.co_filename)
        if module:
            return f"{module}.{frame.f_code.co_name}"
        frame = frame.f_back
    return ""


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[bool]:
    """Raise StageTimeout in the body once `seconds` have passed; yields whether it is armed."""
    if seconds <= 0 or not can_interrupt() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield False
        return
    armed = True
    started = time.monotonic()

    def on_alarm(_signum: int, frame: FrameType | None) -> None:
        if not armed:  # a late signal after the body finished: nothing to stop
            return
        if frame is not None and frame.f_code.co_name == "__del__":
            return  # it would be dropped with a warning; the next alarm comes soon
        where = _where(frame)
        raise StageTimeout(
            f"time budget exceeded: {time.monotonic() - started:.1f}s (limit {seconds:g}s)"
            + (f", stopped in {where}" if where else "")
        )

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # the timer repeats: an exception raised while the interpreter runs a __del__ or a
    # weakref callback is printed and dropped ("Exception ignored in ..."), and a stage's
    # own `except Exception` could swallow it too; the next alarm then stops the stage
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield True
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
