"""Merging rule and model mentions into one non-overlapping list with provenance.

The rule stage (stages/entities/) proposes COUNTRY/PERSON/ORG/LOC spans with
ISO codes and affiliations; the model stage (stages/ner/) proposes
PERSON/ORG/GPE (and LOC) spans with a per-label confidence; the dates stage
proposes DATE/MONEY/QUANTITY. `merge_mentions` applies this policy:

1. Model labels are normalised with the gazetteer. A model GPE, LOC or COUNTRY
   span whose whole text is a known country name (inflected or not) becomes
   COUNTRY with its ISO code; any other GPE becomes LOC; a model COUNTRY the
   gazetteer does not know becomes LOC (a COUNTRY without an ISO code is no use).
   A model PERSON/ORG whose text is a known country is a COUNTRY too (the
   gazetteer wins on COUNTRY).
2. Agreement: a rule span and a model span with the same offsets and the same
   (normalised) label are kept once with source "both", the rule's norm and
   affiliation, and the higher confidence.
3. The gazetteer wins on COUNTRY: a rule COUNTRY span is never dropped for a
   model span, except for a model ORG that starts with it and continues over
   further words (an organisation name with its genitive country word,
   guidelines §1: "ভারতের পররাষ্ট্র মন্ত্রণালয়"), when the model's confidence is at
   least `MODEL_OVERRIDE`.
4. A model PERSON/ORG/LOC span that strictly contains a rule PERSON/ORG/LOC span
   (the rule cut a name short: "প্রদীপ কুমার" vs "প্রদীপ কুমার জ্ঞাওয়ালি") replaces it
   when the model's confidence is at least `MODEL_OVERRIDE`; it keeps the rule
   span's affiliation. Otherwise rule spans win over overlapping model spans.
5. The model fills in: a model span that overlaps no kept span is added when its
   confidence is at least `MODEL_FILL` (see the measurement next to it).
6. Remaining overlaps (values against entities, or spans of one source) are
   resolved by: value mentions (DATE/MONEY/QUANTITY) first, then the longer
   span, then the higher confidence, then rule over model, then the earlier start.
7. Every kept PERSON/ORG without an affiliation gets one from its context (a
   genitive country or a demonym right before it or its office, "দেশটির" -> the
   nearest preceding country), so model-only spans are affiliated like rule ones.

Every entity keeps `source` = rule, model or both. The gazetteer (step 1) and the
context cues (step 7) are the language pack's, built with the stage.
"""

from __future__ import annotations

import bisect
import operator

from pipeline.model import Analysis, Span
from pipeline.norms import country_of, make_norm
from pipeline.schema import load_schema
from pipeline.stages.base import BuildContext, register
from pipeline.stages.entities.affiliation import ContextAffiliation
from pipeline.stages.entities.gazetteer import COUNTRY, Gazetteer, default_gazetteer

MODEL_OVERRIDE = 0.8  # model confidence needed to override an overlapping rule span
# model confidence needed for a model-only span to be added (step 5). The confidence
# is the label's precision over ALL the model's spans on its held-out set, but the
# spans the model finds where the rules found nothing are much less precise: on the
# dev documents with the first model (label precision 0.55-0.66) they were right 12
# times out of 49 and lowered micro F1 from 0.918 (rules) to 0.910. So a label must
# be at least this precise overall before its model-only spans are trusted; below
# it the model only confirms (source "both") or, when confident, extends rule spans.
MODEL_FILL = 0.8
_SOURCE_RANK = {"both": 0, "rule": 1, "model": 2}


def _contains(outer: Span, inner: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and (
        outer.end - outer.start > inner.end - inner.start
    )


def normalise_model_span(span: Span, gazetteer: Gazetteer | None = None) -> Span:
    """Policy step 1: decide COUNTRY vs LOC for a model span with the gazetteer (the
    default pack's when none is given)."""
    if span.label not in ("GPE", "LOC", "COUNTRY", "PERSON", "ORG"):
        return span
    entry = (gazetteer or default_gazetteer()).lookup(span.text)
    if entry is not None and entry.label == COUNTRY:
        span.label, span.norm = "COUNTRY", make_norm("COUNTRY", entry.code)
    elif span.label in ("GPE", "COUNTRY"):
        span.label, span.norm = "LOC", ""
    return span


def merge_mentions(
    spans: list[Span], analysis: Analysis | None = None, *, fill_threshold: float = MODEL_FILL,
    gazetteer: Gazetteer | None = None, affiliation: ContextAffiliation | None = None,
) -> list[Span]:
    """Merge rule, model and value spans by the module policy; sorted by start.

    `fill_threshold` is the confidence a model-only span needs (step 5); with the
    model stage alone (no rule spans to merge with) the pipeline passes 0.
    `gazetteer` (step 1) and `affiliation` (step 7) default to the default pack's.
    """
    entity_labels = frozenset(load_schema().entity_types)
    rule = [s for s in spans if s.source != "model"]
    model = [normalise_model_span(s, gazetteer) for s in spans if s.source == "model"]

    by_key: dict[tuple[int, int, str], Span] = {}
    for span in rule:  # (span.key spelt out: this runs for every mention)
        by_key.setdefault((span.start, span.end, span.label), span)
    if not model:
        # rule-only: steps 2-5 and 7 have nothing to do (step 7 looks only at model
        # spans), and the keys are already unique
        return _keep_best(list(by_key.values()))
    leftovers: list[Span] = []
    for span in model:  # step 2: agreement
        prev = by_key.get(span.key)
        if prev is not None:
            prev.source = "both"
            prev.confidence = max(prev.confidence, span.confidence)
            prev.norm = prev.norm or span.norm
        else:
            leftovers.append(span)

    kept = list(by_key.values())
    added: list[Span] = []
    for span in sorted(leftovers, key=lambda s: (-(s.end - s.start), -s.confidence, s.start)):
        # the kept entity spans that overlap it (inline: this runs for every kept span
        # and every model leftover)
        start, end = span.start, span.end
        clashes = [k for k in kept
                   if k.start < end and start < k.end and k.label in entity_labels]
        if span.label not in entity_labels:
            added.append(span)
            continue
        if not clashes:  # step 5: the model fills in
            if span.confidence >= fill_threshold:
                kept.append(span)
            continue
        if span.confidence >= MODEL_OVERRIDE and all(
            _may_replace(span, k) for k in clashes
        ):  # steps 3 and 4
            span.affiliation = span.affiliation or next(
                (country_of(k) for k in clashes if k.affiliation or k.label == COUNTRY), "")
            for k in clashes:
                kept.remove(k)
            kept.append(span)
    merged = resolve_overlaps(kept + added)  # step 6
    if analysis is not None:
        affiliate_context(analysis, merged, affiliation)  # step 7
    return merged


def _may_replace(model_span: Span, rule_span: Span) -> bool:
    if rule_span.source == "model" or not _contains(model_span, rule_span):
        return False
    if rule_span.label == "COUNTRY":
        return model_span.label == "ORG" and model_span.start == rule_span.start
    return model_span.label in ("PERSON", "ORG", "LOC")


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Keep a non-overlapping subset of `spans` (policy step 6), sorted by start offset.

    A span found twice (same offsets and label) by different sources is kept once
    with source "both".
    """
    by_key: dict[tuple[int, int, str], Span] = {}
    for span in spans:
        key = (span.start, span.end, span.label)  # span.key, without the property call
        prev = by_key.get(key)
        if prev is None:
            by_key[key] = span
        elif prev.source != span.source:
            prev.source = "both"
            prev.confidence = max(prev.confidence, span.confidence)
            if not prev.norm:
                prev.norm = span.norm
            if not prev.affiliation:
                prev.affiliation = span.affiliation
    return _keep_best(list(by_key.values()))


def _keep_best(spans: list[Span]) -> list[Span]:
    """resolve_overlaps for spans with distinct keys: the greedy choice by rank."""
    value_types = frozenset(load_schema().value_types)
    ranked = sorted(spans, key=lambda s: _rank(s, value_types))
    kept: list[Span] = []
    # The kept spans never overlap one another, so sorted by (start, end) their ends
    # never decrease either (a zero-width span may only sit on another's edge). A span
    # overlaps a kept one iff the last kept span starting before its end ends after its
    # start: one bisect instead of a scan over everything kept (O(n log n), not O(n^2)).
    taken: list[tuple[int, int]] = []  # (start, end) of the kept spans, sorted
    for span in ranked:
        start, end = span.start, span.end
        i = bisect.bisect_left(taken, (end,))  # (end,) sorts before every (end, x)
        if i and taken[i - 1][1] > start:
            continue
        kept.append(span)
        bisect.insort(taken, (start, end))
    kept.sort(key=_BY_OFFSETS)
    return kept


def _rank(s: Span, value_types: frozenset[str]) -> tuple[int, int, float, int, int]:
    """Policy step 6 order: values, then longer, more confident, rule before model."""
    return (
        0 if s.label in value_types else 1,
        -(s.end - s.start),
        -s.confidence,
        _SOURCE_RANK.get(s.source, 3),
        s.start,
    )


_BY_OFFSETS = operator.attrgetter("start", "end")


def affiliate_context(analysis: Analysis, mentions: list[Span],
                      affiliation: ContextAffiliation | None = None) -> None:
    """Policy step 7: affiliation from context for PERSON/ORG spans that have none."""
    context_affiliation = affiliation or ContextAffiliation.from_pack()
    for span in mentions:
        # rule spans were affiliated by the rule stage (an empty one is deliberate:
        # multinational bodies); only model-only spans are looked at here
        if span.label in ("PERSON", "ORG") and span.source == "model" and \
                not span.affiliation and span.cstart >= 0:
            span.affiliation = context_affiliation(analysis, mentions, span)


@register("merge", requires=["candidates"], provides=["mentions"])
class MergeStage:
    """One non-overlapping mention list from the candidates (policy above)."""

    fill_threshold = MODEL_FILL

    def __init__(self, context: BuildContext) -> None:
        self.gazetteer = default_gazetteer(context.pack)
        self.affiliation = ContextAffiliation.from_pack(context.pack)

    def __call__(self, analysis: Analysis) -> None:
        analysis.mentions = merge_mentions(analysis.candidates, analysis,
                                           fill_threshold=self.fill_threshold,
                                           gazetteer=self.gazetteer, affiliation=self.affiliation)
        analysis.candidates = []
        for span in analysis.mentions:
            if span.sentence_index < 0 and span.cstart >= 0:
                span.sentence_index = analysis.sentence_at(span.cstart)


@register("merge.model_only", requires=["candidates"], provides=["mentions"])
class ModelOnlyMergeStage(MergeStage):
    """With the model alone there is nothing to merge with: every model span counts."""

    fill_threshold = 0.0
