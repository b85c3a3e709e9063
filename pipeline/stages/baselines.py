"""Comparison points for `bnevents eval --stages`: stages that stand in for ours.

- values.dateparser: DATE mentions from plain `dateparser.search_dates` (what the library
  gives out of the box), in place of the date grammar.
- mentions.as_found: the candidates as they are, with no merge policy.
- keep.gazetteer_types: only COUNTRY and LOC mentions and no events (the gazetteer types;
  the rule stage has no finer switch).
"""

from __future__ import annotations

from pipeline.model import Analysis
from pipeline.stages.base import BuildContext, register
from pipeline.stages.values import baseline_values

GAZETTEER_TYPES = frozenset({"COUNTRY", "LOC"})


@register("values.dateparser", requires=["sentences"], provides=["candidates"])
class DateparserBaselineStage:
    def __init__(self, context: BuildContext) -> None:
        self.context = context
        self.locale = context.pack.locale

    def __call__(self, analysis: Analysis) -> None:
        analysis.candidates.extend(
            s for s in baseline_values(analysis, self.locale) if s.label == "DATE")


@register("mentions.as_found", requires=["candidates"], provides=["mentions"])
class AsFoundStage:
    def __init__(self, context: BuildContext) -> None:
        self.context = context

    def __call__(self, analysis: Analysis) -> None:
        analysis.mentions, analysis.candidates = analysis.candidates, []


@register("keep.gazetteer_types", requires=["mentions"], provides=["mentions"])
class GazetteerTypesStage:
    def __init__(self, context: BuildContext) -> None:
        self.context = context

    def __call__(self, analysis: Analysis) -> None:
        analysis.mentions = [m for m in analysis.mentions if m.label in GAZETTEER_TYPES]
        analysis.events = []
