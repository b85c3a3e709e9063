"""Stage 5: CAMEO-aligned events from triggers and the sentence's mentions. Placeholder."""

from __future__ import annotations

from .model import Analysis, Event


def extract_events(analysis: Analysis) -> list[Event]:
    return []
