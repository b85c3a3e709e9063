"""Stage 3a: rule-based entities (gazetteers and patterns). Placeholder until the entities issue."""

from __future__ import annotations

from .model import Analysis, Span


class EntityRules:
    """Finds COUNTRY, PERSON, ORG and LOC mentions with gazetteers and patterns."""

    def find(self, analysis: Analysis) -> list[Span]:
        return []
