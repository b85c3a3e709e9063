"""Robustness tests: write the count of generated cases per entry point when the session ends.

The report goes to $BNEVENTS_FUZZ_REPORT (default build/fuzz-report.json) and is printed
by `python tests/robustness/report.py` (what `make fuzz` does after the campaign).
Hypothesis profiles ("robust" for the suite, "fuzz" for `make fuzz`) are registered in
bn_strategies.py and chosen with HYPOTHESIS_PROFILE.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import bn_strategies as fz
import pytest

REPORT = Path(os.environ.get("BNEVENTS_FUZZ_REPORT", fz.PROJECT / "build" / "fuzz-report.json"))


STARTED = time.monotonic()


def write_report(session: pytest.Session) -> None:
    report = {
        "profile": fz.PROFILE,
        "scale": fz.SCALE,
        "elapsed_seconds": round(time.monotonic() - STARTED, 1),
        "tests_failed": session.testsfailed,
        "cases": dict(sorted(fz.COUNTS.items())),
        "outcomes": dict(sorted(fz.OUTCOMES.items())),
        "total_cases": sum(fz.COUNTS.values()),
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    tmp = REPORT.with_name(REPORT.name + ".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(REPORT)


@pytest.fixture(autouse=True)
def fuzz_report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Rewrite the report after every test, so that a campaign cut short still tells
    what it tried."""
    yield
    write_report(request.session)
