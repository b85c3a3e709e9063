"""Stage 3b: the trained NER model. Placeholder until the entities issue."""

from __future__ import annotations

from pathlib import Path

from .model import Analysis, Span


class NerModel:
    """Loads the model under models/ (never from a hub) and tags sentences."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        self.available = False

    def predict(self, analysis: Analysis) -> list[Span]:
        return []
