"""Brat-style ids: mentions T1.. and events E1.. in text order (the tables' entity_id and
event_id, and the ids of a brat export)."""

from __future__ import annotations

from pipeline.model import Analysis
from pipeline.stages.base import BuildContext, register


def assign_ids(analysis: Analysis) -> None:
    """Number mentions T1.. and events E1.. in text order."""
    analysis.mentions.sort(key=lambda s: (s.start, s.end))
    for i, span in enumerate(analysis.mentions, 1):
        span.span_id = f"T{i}"
    analysis.events.sort(key=lambda e: (e.trigger.start, e.trigger.end, e.event_type))
    for i, event in enumerate(analysis.events, 1):
        event.event_id = f"E{i}"


@register("ids", requires=["mentions"], provides=["ids"])
class IdStage:
    def __init__(self, context: BuildContext) -> None:
        self.context = context

    def __call__(self, analysis: Analysis) -> None:
        assign_ids(analysis)
