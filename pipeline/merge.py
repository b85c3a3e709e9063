"""Merging mentions from several stages into one non-overlapping list.

Policy (documented in README "Merging"): a span found by both stages is kept
once with source "both"; otherwise overlapping spans are resolved by
priority: value mentions (DATE/MONEY/QUANTITY) over entities, then the
longer span, then rule over model, then the earlier start.
"""

from __future__ import annotations

from .model import VALUE_TYPES, Span

_SOURCE_RANK = {"both": 0, "rule": 1, "model": 2}


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Keep a non-overlapping subset of `spans`, sorted by start offset."""
    by_key: dict[tuple[int, int, str], Span] = {}
    for span in spans:
        prev = by_key.get(span.key)
        if prev is None:
            by_key[span.key] = span
        elif prev.source != span.source:
            prev.source = "both"
            prev.confidence = max(prev.confidence, span.confidence)
            if not prev.norm:
                prev.norm = span.norm
            if not prev.affiliation:
                prev.affiliation = span.affiliation
    ranked = sorted(
        by_key.values(),
        key=lambda s: (
            0 if s.label in VALUE_TYPES else 1,
            -(s.end - s.start),
            _SOURCE_RANK.get(s.source, 3),
            s.start,
        ),
    )
    kept: list[Span] = []
    taken: list[tuple[int, int]] = []
    for span in ranked:
        if any(span.start < b and a < span.end for a, b in taken):
            continue
        kept.append(span)
        taken.append((span.start, span.end))
    kept.sort(key=lambda s: (s.start, s.end))
    return kept
