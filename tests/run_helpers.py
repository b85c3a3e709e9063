"""Helpers shared by the batch-run tests (test_runner.py, test_fault_injection.py)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest


def wait_for_parts(
    out: Path, at_least: int, proc: subprocess.Popen[str], timeout: float = 180
) -> None:
    """Wait until the run writing to `out` has recorded `at_least` finished parts."""
    manifest = out / ".run" / "manifest.jsonl"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if manifest.exists() and len(manifest.read_text().splitlines()) >= at_least:
            return
        if proc.poll() is not None:
            pytest.fail(f"run ended before it could be interrupted: {proc.stderr.read()}")
        time.sleep(0.02)
    pytest.fail(f"no progress within {timeout:g} s")
