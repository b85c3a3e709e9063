"""Golden tables: a refactor that changes no behaviour changes no output byte.

Runs the whole default pipeline through the CLI on `corpus/` and on a fixed set of
generated documents (bench/build_corpus.py, fixed seed), then scores the corpus run
and every stage plan against the test split. The SHA-256 of every table (CSV and
JSONL bytes; Parquet by its decoded content and dtypes, since the file embeds the
pyarrow version) and of every report.json is compared with `tests/golden/tables.json`.

A change that is MEANT to change outputs regenerates the file and says so in its
commit message:

    BNEVENTS_GOLDEN_UPDATE=1 .venv/bin/python -m pytest tests/test_golden_tables.py
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import PROJECT_DIR

GOLDEN = Path(__file__).parent / "golden" / "tables.json"
GENERATED_DOCS = 120
GENERATED_SEED = 7


def _bnevents(cwd: Path, *args: str) -> None:
    cmd = [sys.executable, "-m", "pipeline.cli", *args]
    subprocess.run(cmd, check=True, cwd=cwd, capture_output=True, text=True)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _relative_sources(data: bytes, tmp: Path) -> bytes:
    # documents.source is absolute: hash it relative to `tmp`, as the CLI was given it
    for root in {str(tmp.resolve()), str(tmp)}:
        data = data.replace((root + os.sep).encode("utf-8"), b"")
    return data


def _table_hashes(run_dir: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    tmp = run_dir.parent
    for path in sorted(run_dir.iterdir()):
        if path.suffix in (".csv", ".jsonl"):
            hashes[path.name] = _sha(_relative_sources(path.read_bytes(), tmp))
        elif path.suffix == ".parquet":
            df = pd.read_parquet(path)
            if "source" in df and path.stem == "documents":
                df["source"] = [_relative_sources(s.encode("utf-8"), tmp).decode("utf-8")
                                for s in df["source"]]
            content = df.to_csv(index=False) + "\n".join(f"{c}:{t}" for c, t in df.dtypes.items())
            hashes[path.name] = _sha(content.encode("utf-8"))
    return hashes


def _report_hash(report_dir: Path) -> str:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return _sha(json.dumps(report, sort_keys=True, ensure_ascii=False).encode("utf-8"))


@pytest.fixture(scope="module")
def golden_hashes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    # every path the tables and reports record is relative to `tmp` (documents.source
    # is absolute and hashed relative to it), so they do not depend on where the test runs
    tmp = tmp_path_factory.mktemp("golden")
    (tmp / "corpus").symlink_to(PROJECT_DIR / "corpus")
    (tmp / "annotations").symlink_to(PROJECT_DIR / "annotations")
    subprocess.run(
        [sys.executable, str(PROJECT_DIR / "bench" / "build_corpus.py"),
         "--docs", str(GENERATED_DOCS), "--seed", str(GENERATED_SEED),
         "--out", "generated.jsonl"],
        check=True, cwd=tmp, capture_output=True,
    )
    formats = "csv,jsonl,parquet"
    for name, source in (("corpus-run", "corpus/"), ("generated-run", "generated.jsonl")):
        _bnevents(tmp, "run", source, "--out", name, "--format", formats, "--quiet",
                  "--workers", "1")
    _bnevents(tmp, "eval", "corpus-run", "annotations/", "--split", "test", "--out", "report")
    _bnevents(tmp, "eval", "annotations/", "--stages", "--split", "test", "--out", "stages")
    return {
        "corpus": _table_hashes(tmp / "corpus-run"),
        "generated": _table_hashes(tmp / "generated-run"),
        "reports": {"run": _report_hash(tmp / "report"), "stages": _report_hash(tmp / "stages")},
    }


def test_tables_and_reports_are_unchanged(golden_hashes: dict[str, dict[str, str]]) -> None:
    if os.environ.get("BNEVENTS_GOLDEN_UPDATE"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(golden_hashes, indent=2, sort_keys=True) + "\n",
                          encoding="utf-8")
        pytest.skip(f"rewrote {GOLDEN.name}")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = [
        f"{group}/{name}"
        for group in sorted(set(expected) | set(golden_hashes))
        for name in sorted(set(expected.get(group, {})) | set(golden_hashes.get(group, {})))
        if expected.get(group, {}).get(name) != golden_hashes.get(group, {}).get(name)
    ]
    assert not changed, f"outputs changed: {', '.join(changed)} (see this file's docstring)"
