"""Stage 4: DATE, MONEY and QUANTITY mentions with normalised values. Placeholder."""

from __future__ import annotations

from .model import Analysis, Span


def find_values(
    analysis: Analysis, proposals: list[Span] | None = None, *, stages: str = "both"
) -> list[Span]:
    """DATE/MONEY/QUANTITY spans; `proposals` are model date spans the grammar may accept."""
    return []
