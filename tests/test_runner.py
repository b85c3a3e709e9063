"""Batch runs: worker counts, Dask, resume after SIGKILL/SIGTERM, crashed workers.

Every test checks exact accounting: documents ok + failed == documents read, and
identical tables whatever the engine, worker count or interruption.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from run_helpers import wait_for_parts

from pipeline.io.runner import run_batch

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "corpus"
TABLES = ("documents", "sections", "sentences", "entities", "dates", "events")


def corpus_docs() -> list[Path]:
    docs = sorted(CORPUS.glob("*.txt"))
    if len(docs) < 3:
        pytest.skip("the shipped corpus/ has fewer than 3 articles")
    return docs


@pytest.fixture(scope="module")
def many_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 documents built from the shipped corpus (copies under new names)."""
    folder = tmp_path_factory.mktemp("many")
    sources = corpus_docs()
    for i in range(60):
        src = sources[i % len(sources)]
        (folder / f"doc{i:03d}-{src.stem}.txt").write_bytes(src.read_bytes())
    (folder / "doc999-broken.txt").write_bytes(b"\xff\xfe\x00\x01")
    return folder


@pytest.fixture(scope="module")
def reference(many_docs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    summary = run_batch(many_docs, out, workers=1, progress=False)
    assert summary.documents == 61 and summary.ok == 60 and summary.failed == 1
    return out


def assert_same_tables(a: Path, b: Path) -> None:
    for table in TABLES:
        assert (a / f"{table}.csv").read_bytes() == (b / f"{table}.csv").read_bytes(), table


def bnevents(*args: object, **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_two_workers_give_identical_tables(
    many_docs: Path, reference: Path, tmp_path: Path
) -> None:
    summary = run_batch(many_docs, tmp_path, workers=2, chunk_size=7, progress=False)
    assert summary.documents == 61 and summary.ok + summary.failed == 61
    assert_same_tables(reference, tmp_path)
    assert not (tmp_path / ".run").exists()


def test_dask_local_cluster_gives_byte_identical_csv(
    many_docs: Path, reference: Path, tmp_path: Path
) -> None:
    pytest.importorskip("dask.distributed")
    summary = run_batch(many_docs, tmp_path, workers=2, engine="dask", progress=False)
    assert summary.documents == 61
    assert_same_tables(reference, tmp_path)


def test_sigkill_then_resume_gives_identical_tables(
    many_docs: Path, reference: Path, tmp_path: Path
) -> None:
    proc = bnevents(
        "run", many_docs, "--out", tmp_path, "--quiet", "--workers", "1", "--chunk-size", "3"
    )
    wait_for_parts(tmp_path, 4, proc, timeout=120)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not list(tmp_path.glob("*.csv")), "a killed run must not leave tables"
    done = len((tmp_path / ".run" / "manifest.jsonl").read_text().splitlines())
    assert 4 <= done < 21

    resumed = bnevents("run", many_docs, "--out", tmp_path, "--quiet", "--workers", "1", "--resume")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 1, err  # one broken document in the batch
    assert "documents: 61 read" in err and "60 ok, 1 failed" in err
    assert "from the interrupted run" in err
    assert_same_tables(reference, tmp_path)


def test_sigterm_reports_and_resume_completes(
    many_docs: Path, reference: Path, tmp_path: Path
) -> None:
    proc = bnevents(
        "run", many_docs, "--out", tmp_path, "--quiet", "--workers", "2", "--chunk-size", "2"
    )
    wait_for_parts(tmp_path, 2, proc, timeout=120)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "interrupted by SIGTERM" in err and "--resume" in err
    assert not list(tmp_path.glob("*.csv"))
    resumed = bnevents("run", many_docs, "--out", tmp_path, "--quiet", "--resume")
    _, err = resumed.communicate(timeout=300)
    assert "documents: 61 read" in err, err
    assert_same_tables(reference, tmp_path)


def test_worker_that_dies_costs_exactly_one_document(many_docs: Path, tmp_path: Path) -> None:
    victim = sorted(p.stem for p in many_docs.glob("*.txt"))[10]
    env = {**os.environ, "BNEVENTS_FAILPOINT_CRASH_DOC": victim}
    proc = bnevents(
        "run",
        many_docs,
        "--out",
        tmp_path,
        "--quiet",
        "--workers",
        "2",
        "--chunk-size",
        "5",
        env=env,
    )
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    assert "documents: 61 read, 59 ok, 2 failed" in err
    docs = pd.read_csv(tmp_path / "documents.csv", dtype=str, keep_default_na=False)
    assert len(docs) == 61 and docs["doc_id"].is_unique
    row = docs.set_index("doc_id").loc[victim]
    assert row["status"] == "error" and "worker process crashed" in row["error"]


def test_batch_whose_every_document_crashed_raises(tmp_path: Path) -> None:
    """Every worker dying is broken machinery, not bad input: no empty tables, no failed=N."""
    folder = tmp_path / "in"
    folder.mkdir()
    src = corpus_docs()[0]
    (folder / src.name).write_bytes(src.read_bytes())
    env = {**os.environ, "BNEVENTS_FAILPOINT_CRASH_DOC": src.stem}
    out = tmp_path / "out"
    proc = bnevents("run", folder, "--out", out, "--quiet", "--workers", "2", env=env)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    assert "all 1 documents crashed their worker process" in err and "workers=1" in err
    assert not list(out.glob("*.csv")) and not (out / ".run").exists()
    # the Python API raises instead of returning a summary with failed=1
    code = (
        "import sys, pipeline\n"
        "from pipeline.io.runner import RunFailed\n"
        "try:\n"
        f"    pipeline.run([{str(folder)!r}], {str(out)!r}, workers=2, progress=False)\n"
        "except RunFailed as exc:\n"
        "    print('raised:', exc)\n"
    )
    api = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=300)
    assert api.stdout.startswith("raised: "), api.stdout + api.stderr[-2000:]


def test_a_run_replaces_every_format_of_the_previous_run(tmp_path: Path) -> None:
    docs = corpus_docs()
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for src in docs[:2]:
        (first / src.name).write_bytes(src.read_bytes())
    (second / docs[2].name).write_bytes(docs[2].read_bytes())
    out = tmp_path / "out"
    run_batch(first, out, formats=("csv", "jsonl", "parquet"), progress=False)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "report").mkdir()
    (out / "report" / "documents.csv").write_text("not a table of this run", encoding="utf-8")
    summary = run_batch(second, out, formats=("csv",), progress=False)
    assert summary.documents == 1
    left = sorted(p.name for p in out.iterdir())
    assert left == sorted([*(f"{t}.csv" for t in TABLES), "notes.txt", "report"])
    assert pd.read_csv(out / "documents.csv")["doc_id"].tolist() == [docs[2].stem]
    assert (out / "report" / "documents.csv").read_text(encoding="utf-8").startswith("not")
