"""Shared fixtures. Tests that need ../shared skip with a clear reason when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import PROJECT_DIR, SHARED_DIR

SEED = SHARED_DIR / "corpus" / "seed" / "tajikistan-malaysia.txt"

requires_shared = pytest.mark.skipif(
    not SHARED_DIR.is_dir(),
    reason=f"needs the read-only ../shared data beside the project ({SHARED_DIR} is absent)",
)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip(
            f"needs the read-only ../shared data beside the project ({SHARED_DIR} is absent)"
        )
    return SHARED_DIR


@pytest.fixture(scope="session")
def seed_text(shared_dir: Path) -> str:
    return (shared_dir / "corpus" / "seed" / "tajikistan-malaysia.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def pipeline_default():
    from pipeline import Pipeline

    return Pipeline()
