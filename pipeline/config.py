"""Configuration in one place: paths, limits and stage switches."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
MODELS_DIR = Path(os.environ.get("BNEVENTS_MODELS", PROJECT_DIR / "models"))
# ../shared beside the project: external data sets and the spec (read-only, optional)
SHARED_DIR = Path(os.environ.get("BNEVENTS_SHARED", PROJECT_DIR.parent / "shared"))

STAGE_CHOICES = ("rule", "model", "both")  # the plans `bnevents run --stages` offers


@dataclass(frozen=True)
class Config:
    """Run-time settings. Every knob of the pipeline lives here."""

    # the plan (pipeline/stages/base.py PLANS): "rule" only, "model" only, "both" merged,
    # or a baseline
    stages: str = "both"
    # documents larger than this are rejected with a clear error instead of stalling a batch
    max_doc_chars: int = 1_000_000
    # seconds one document may spend in the regex-heavy stages before it is failed
    doc_time_budget: float = 30.0
    # keep only bilateral-relations pages when reading a MediaWiki dump
    relations_only: bool = True
    # where the trained NER model lives
    model_dir: Path = field(default_factory=lambda: MODELS_DIR / "ner")
    # the language pack (pipeline/lang/: "bn", "bn_IN", or a pack folder)
    lang: str = "bn"
    # the schema folder (annotation.conf + policy.yaml); None = the one shipped in pipeline/schema
    schema_dir: Path | None = None

    def __post_init__(self) -> None:
        from pipeline.stages.base import PLANS

        if self.stages not in PLANS:
            raise ValueError(f"stages must be one of {tuple(PLANS)}, not {self.stages!r}")
