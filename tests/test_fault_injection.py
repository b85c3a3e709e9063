"""Fault injection for batch runs, beyond tests/test_runner.py and tests/test_cli_run.py.

Covered there: SIGKILL + resume, SIGTERM + resume, a worker that dies, RLIMIT_FSIZE.
Here: Ctrl-C (SIGINT to the whole process group), a real full disk (a small tmpfs), a
read-only output folder (a read-only mount; chmod does not stop root), a file where the
output folder should be, a failure and a SIGKILL during the final table assembly, a
document over the time budget or the size cap, and a stage bug on one document.

Every test checks the exact accounting: each input document appears exactly once in
documents.csv (ok + failed == read), no other table holds a row twice or a row of an
unknown document, and no table or temporary file is left half-written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import psutil
import pytest
from run_helpers import wait_for_parts

from pipeline import Config
from pipeline.io.readers import InputError
from pipeline.io.runner import run_batch
from pipeline.io.writers import TableSink

PROJECT = Path(__file__).resolve().parent.parent
BNEVENTS = [sys.executable, "-m", "pipeline.cli"]
KEYS = {"sections": "section_index", "sentences": "sentence_index", "entities": "entity_id",
        "dates": "entity_id", "events": "event_id"}


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 articles (copies of the shipped corpus under new names) and one broken file."""
    sources = sorted((PROJECT / "corpus").glob("*.txt"))
    if len(sources) < 3:
        pytest.skip("the shipped corpus/ has fewer than 3 articles")
    folder = tmp_path_factory.mktemp("docs")
    for i in range(12):
        src = sources[i % len(sources)]
        (folder / f"d{i:02d}-{src.stem}.txt").write_bytes(src.read_bytes())
    (folder / "d99-broken.txt").write_bytes(b"\xff\xfe\x00\x01")
    return folder


def ids(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.txt"))


def assert_accounted(out: Path, expected: list[str], failed: int) -> pd.DataFrame:
    """Every document exactly once; no duplicate or orphan row anywhere; nothing left over."""
    table = read_csv(out / "documents.csv")
    assert sorted(table["doc_id"]) == sorted(expected)
    assert (table["status"] != "ok").sum() == failed
    assert (table["status"] == "ok").sum() + failed == len(expected)
    for name, key in KEYS.items():
        rows = read_csv(out / f"{name}.csv")
        assert not rows.duplicated(["doc_id", key]).any(), f"duplicate rows in {name}"
        assert set(rows["doc_id"]) <= set(expected), f"rows of unknown documents in {name}"
    per_doc = read_csv(out / "sentences.csv").groupby("doc_id").size()
    claimed = table.set_index("doc_id")["sentences"].astype(int)
    assert (per_doc.reindex(claimed.index, fill_value=0) == claimed).all()
    assert not list(out.glob(".*.tmp*")), "temporary table files left behind"
    assert not (out / ".run").exists()
    return table


def assert_no_tables(out: Path) -> None:
    if out.is_dir():
        assert not [p for p in out.iterdir() if p.suffix in (".csv", ".jsonl", ".parquet")]


def live_group_members(pgid: int) -> list[int]:
    """Processes of the group that are still running (zombies wait for init to reap them)."""
    alive = []
    for p in psutil.process_iter(["pid", "status"]):
        with contextlib.suppress(psutil.Error):
            if os.getpgid(p.pid) == pgid and p.info["status"] != psutil.STATUS_ZOMBIE:
                alive.append(p.pid)
    return alive


def run_cli(*args: object, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BNEVENTS, *map(str, args)], capture_output=True, text=True,
                          timeout=600, **kw)


# -- signals -------------------------------------------------------------------------
def test_ctrl_c_to_the_process_group_then_resume(docs: Path, tmp_path: Path) -> None:
    """Ctrl-C in a terminal signals every process of the group: parent and workers."""
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*BNEVENTS, "run", str(docs), "--out", str(out), "--quiet", "--workers", "2",
         "--chunk-size", "2", "--stages", "rule"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    wait_for_parts(out, 2, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted by SIGINT" in err and "--resume" in err
    assert "Traceback" not in err
    assert_no_tables(out)
    assert not list(out.glob(".*.tmp*"))
    assert not live_group_members(proc.pid), "worker processes outlived the interrupted run"

    resumed = run_cli("run", docs, "--out", out, "--quiet", "--workers", "2", "--resume",
                      "--stages", "rule")
    assert resumed.returncode == 1, resumed.stderr  # the broken document
    assert f"documents: {len(ids(docs))} read" in resumed.stderr
    assert "from the interrupted run" in resumed.stderr
    assert_accounted(out, ids(docs), failed=1)


# -- the output folder ----------------------------------------------------------------
def test_a_file_where_the_output_folder_should_be(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder")
    proc = run_cli("run", docs, "--out", out, "--quiet", "--stages", "rule")
    assert proc.returncode == 1
    assert "cannot write output" in proc.stderr and "Traceback" not in proc.stderr
    assert out.read_text() == "not a folder"

    out = tmp_path / "out2"
    out.mkdir()
    (out / ".run").write_text("in the way")  # the run-state folder cannot be created
    for resume in (False, True):  # an OSError, which the CLI reports as above
        with pytest.raises(OSError):
            run_batch(docs, out, config=Config(stages="rule"), resume=resume, progress=False)
        assert_no_tables(out)
        assert (out / ".run").read_text() == "in the way"


@contextlib.contextmanager
def tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at `where` (root only); the test is skipped where mounting fails."""
    where.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_read_only_output_folder(docs: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
        proc = run_cli("run", docs, "--out", ro, "--quiet", "--stages", "rule")
        assert proc.returncode == 1
        assert "cannot write output" in proc.stderr and "Read-only" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert list(ro.iterdir()) == []


def test_real_full_disk_then_resume_with_space(docs: Path, tmp_path: Path) -> None:
    """A 512 kB file system fills up while parts are written; with space again, --resume
    finishes from the parts that were saved."""
    with tmpfs(tmp_path / "disk", "size=512k") as disk:
        out = disk / "out"
        proc = run_cli("run", docs, "--out", out, "--quiet", "--stages", "rule",
                       "--workers", "1", "--chunk-size", "2")
        assert proc.returncode == 1
        assert "No space left on device" in proc.stderr and "Traceback" not in proc.stderr
        assert_no_tables(out)
        assert not list(out.glob(".*.tmp*")), "a temporary table survived the full disk"
        saved = len((out / ".run" / "manifest.jsonl").read_text().splitlines())
        assert saved >= 1, "no part fitted on the disk: the test proves nothing"

        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        proc = run_cli("run", docs, "--out", out, "--quiet", "--stages", "rule",
                       "--workers", "1", "--resume")
        assert proc.returncode == 1, proc.stderr
        assert "from the interrupted run" in proc.stderr
        assert_accounted(out, ids(docs), failed=1)


# -- the final table assembly ----------------------------------------------------------
def test_failure_while_assembling_tables_then_resume(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while the third table is being finished: no table is published,
    every part stays, and --resume assembles the tables without processing anything."""
    config = Config(stages="rule")
    real_finish = TableSink.finish
    calls = []

    def failing_finish(self: TableSink) -> None:
        calls.append(self.table)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_finish(self)

    monkeypatch.setattr(TableSink, "finish", failing_finish)
    with pytest.raises(OSError, match="No space"):
        run_batch(docs, tmp_path, config=config, chunk_size=5, progress=False)
    assert_no_tables(tmp_path)
    assert not list(tmp_path.glob(".*.tmp*"))
    manifest = (tmp_path / ".run" / "manifest.jsonl").read_text().splitlines()
    assert len(manifest) == 3  # 13 documents in parts of 5, all saved

    monkeypatch.setattr(TableSink, "finish", real_finish)
    # the parts hold CSV text: resuming with another format is refused, parts kept
    with pytest.raises(InputError, match=r"cannot resume: .* wrote csv, not parquet"):
        run_batch(docs, tmp_path, config=config, resume=True, progress=False,
                  formats=("csv", "parquet"))
    assert_no_tables(tmp_path)
    summary = run_batch(docs, tmp_path, config=config, resume=True, progress=False)
    assert summary.documents == summary.resumed == len(ids(docs))
    assert summary.ok + summary.failed == summary.documents and summary.failed == 1
    assert_accounted(tmp_path, ids(docs), failed=1)


KILL_AT_PUBLISH = """
import os, signal, sys
from pipeline.io.writers import TableSink
from pipeline.cli import main
real = TableSink.publish
done = []
def publish(self):
    done.append(self.table)
    if len(done) == 3:  # two tables are in place, four are not
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self)
TableSink.publish = publish
sys.argv = ["bnevents", *sys.argv[1:]]
main()
"""


def test_sigkill_while_publishing_tables_then_resume(docs: Path, tmp_path: Path) -> None:
    """The worst moment: killed between two renames, so some tables are new and some are
    missing. --resume finds every part still there and publishes a consistent set."""
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", KILL_AT_PUBLISH, "run", str(docs), "--out", str(out), "--quiet",
         "--stages", "rule", "--workers", "1", "--chunk-size", "4"],
        capture_output=True, text=True, timeout=600, cwd=PROJECT,
    )
    assert proc.returncode == -signal.SIGKILL
    assert len(list(out.glob("*.csv"))) == 2
    proc = run_cli("run", docs, "--out", out, "--quiet", "--stages", "rule", "--resume")
    assert proc.returncode == 1, proc.stderr
    assert f"documents: {len(ids(docs))} read ({len(ids(docs))} from the interrupted run" \
        in proc.stderr
    assert_accounted(out, ids(docs), failed=1)


# -- per-document limits and stage bugs -------------------------------------------------
@pytest.fixture(scope="module")
def with_huge(docs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few articles and one of 4,000,000 characters (the tests raise the size cap for
    it): about five hundred times the work of an article, so a budget of 2 s separates
    them by a wide margin on a loaded machine too (the budget stops it; the test never
    waits it out)."""
    folder = tmp_path_factory.mktemp("huge")
    sources = sorted(docs.glob("d0*.txt"))[:5]
    for src in sources:
        (folder / src.name).write_bytes(src.read_bytes())
    text = sources[0].read_text(encoding="utf-8")
    (folder / "zz-huge.txt").write_text(text * (4_000_000 // len(text)), encoding="utf-8")
    return folder


@pytest.mark.parametrize("workers", ["1", "2"])
def test_time_budget_fails_the_slow_document_only(with_huge: Path, tmp_path: Path,
                                                  workers: str) -> None:
    """--time-budget stops the huge document inside a stage (SIGALRM), in the main process
    and in pool workers alike; the others finish."""
    out = tmp_path / "out"
    proc = run_cli("run", with_huge, "--out", out, "--quiet", "--stages", "rule",
                   "--workers", workers, "--time-budget", "2", "--max-doc-chars", "5000000")
    assert proc.returncode == 1, proc.stderr
    table = assert_accounted(out, ids(with_huge), failed=1).set_index("doc_id")
    error = table.loc["zz-huge", "error"]
    assert table.loc["zz-huge", "status"] == "error"
    assert error.startswith("time budget exceeded") and "limit 2s" in error
    assert "stopped in " in error  # interrupted inside a stage, not only between stages


def test_size_cap_fails_the_large_document_at_once(with_huge: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli("run", with_huge, "--out", out, "--quiet", "--stages", "rule",
                   "--max-doc-chars", "20000")
    assert proc.returncode == 1, proc.stderr
    table = assert_accounted(out, ids(with_huge), failed=1).set_index("doc_id")
    assert table.loc["zz-huge", "error"].startswith("document too large")
    assert "limit 20,000" in table.loc["zz-huge", "error"]


def test_a_stage_bug_on_one_document_is_recorded_not_fatal(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: the event stage raises on one document (as a bug would)."""
    from pipeline.stages import events

    victim = ids(docs)[3]
    real = events.extract_events

    def buggy(analysis, *resources):
        if analysis.doc.doc_id == victim:
            raise IndexError("list index out of range")
        return real(analysis, *resources)

    monkeypatch.setattr(events, "extract_events", buggy)
    summary = run_batch(docs, tmp_path, config=Config(stages="rule"), progress=False)
    assert summary.documents == len(ids(docs)) and summary.failed == 2
    table = assert_accounted(tmp_path, ids(docs), failed=2).set_index("doc_id")
    assert table.loc[victim, "error"].startswith("internal error: IndexError")
    assert "(in test_fault_injection.buggy, line" in table.loc[victim, "error"]  # where


# -- a bug while turning one document into rows ---------------------------------------
def test_failure_building_one_documents_rows_costs_that_document(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception from the table code on one document (a bug, not bad input) is recorded
    as that document's failure; the rest of the batch is written in full."""
    import pipeline.io.tables as tables_module

    real_event_row = tables_module.event_row
    victim = ids(docs)[3]

    def failing_event_row(analysis, event):  # type: ignore[no-untyped-def]
        if analysis.doc.doc_id == victim:
            raise KeyError("injected")
        return real_event_row(analysis, event)

    monkeypatch.setattr(tables_module, "event_row", failing_event_row)
    summary = run_batch(docs, tmp_path, config=Config(stages="rule"), progress=False)
    assert summary.failed == 2 and summary.ok + summary.failed == len(ids(docs))
    table = assert_accounted(tmp_path, ids(docs), failed=2)
    error = table.set_index("doc_id").loc[victim, "error"]
    assert error.startswith("cannot write this document's rows: KeyError")
