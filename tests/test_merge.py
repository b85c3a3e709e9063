"""The rule/model merge policy (pipeline/merge.py) on real Bengali text."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.model import Analysis, Document, Span
from pipeline.stages import merge
from pipeline.stages.entities import EntityRules
from pipeline.stages.segment import prepare


def analyse(text: str) -> Analysis:
    analysis = prepare(Document("t", text))
    return analysis


def model_span(analysis: Analysis, label: str, text: str, confidence: float = 0.9) -> Span:
    cstart = analysis.clean.index(text)
    return analysis.make_span(label, cstart, cstart + len(text), source="model",
                              confidence=confidence)


@pytest.fixture(scope="module")
def rules() -> EntityRules:
    return EntityRules()


TEXT = "ভারতের প্রধানমন্ত্রী নরেন্দ্র মোদী ঢাকা সফর করেন এবং কাঠমান্ডুর পথে রওনা দেন।"


def test_agreement_is_kept_once_as_both(rules: EntityRules) -> None:
    a = analyse(TEXT)
    found = [*rules.find(a), model_span(a, "PERSON", "নরেন্দ্র মোদী", 0.6)]
    merged = merge.merge_mentions(found, a)
    persons = [s for s in merged if s.label == "PERSON"]
    assert len(persons) == 1
    assert persons[0].source == "both" and persons[0].affiliation == "IND"
    assert {s.source for s in merged if s.label != "PERSON"} == {"rule"}


def test_model_gpe_known_as_country_becomes_country_with_code(rules: EntityRules) -> None:
    a = analyse(TEXT)
    merged = merge.merge_mentions([*rules.find(a), model_span(a, "GPE", "ভারতের", 0.6)], a)
    country = next(s for s in merged if s.text == "ভারতের")
    assert country.label == "COUNTRY" and country.norm == "ISO3166:IND"
    assert country.source == "both"


def test_model_gpe_not_a_country_becomes_loc() -> None:
    a = analyse("প্রতিনিধিদল গতকাল কুলিকাপুরে পৌঁছায়।")
    span = merge.normalise_model_span(model_span(a, "GPE", "কুলিকাপুরে"))
    assert span.label == "LOC" and span.norm == ""


def test_gazetteer_wins_on_country(rules: EntityRules) -> None:
    a = analyse(TEXT)
    wrong = model_span(a, "PERSON", "ভারতের প্রধানমন্ত্রী", 0.95)
    merged = merge.merge_mentions([*rules.find(a), wrong], a)
    assert ("COUNTRY", "ভারতের") in {(s.label, s.text) for s in merged}
    assert "ভারতের প্রধানমন্ত্রী" not in {s.text for s in merged}


def test_confident_model_org_may_take_its_genitive_country(rules: EntityRules) -> None:
    a = analyse("চীনের জাতীয় উন্নয়ন কমিশনের প্রতিনিধিরা সফরে আসেন।")
    found = rules.find(a)
    assert ("COUNTRY", "চীনের") in {(s.label, s.text) for s in found}  # the rules split it
    org = model_span(a, "ORG", "চীনের জাতীয় উন্নয়ন কমিশনের", 0.9)
    merged = merge.merge_mentions([*found, org], a)
    kept = next(s for s in merged if s.label == "ORG")
    assert kept.text == "চীনের জাতীয় উন্নয়ন কমিশনের" and kept.affiliation == "CHN"
    assert not [s for s in merged if s.label == "COUNTRY"]
    # below the override bar the gazetteer's COUNTRY stays
    a = analyse("চীনের জাতীয় উন্নয়ন কমিশনের প্রতিনিধিরা সফরে আসেন।")
    weak = model_span(a, "ORG", "চীনের জাতীয় উন্নয়ন কমিশনের", merge.MODEL_OVERRIDE - 0.1)
    merged = merge.merge_mentions([*rules.find(a), weak], a)
    assert ("COUNTRY", "চীনের") in {(s.label, s.text) for s in merged}


def test_model_fills_in_only_above_the_fill_bar(rules: EntityRules) -> None:
    a = analyse("সম্মেলনে কুলিকাপুর সমিতির প্রতিনিধিরা উপস্থিত ছিলেন।")
    low = model_span(a, "ORG", "কুলিকাপুর সমিতির", merge.MODEL_FILL - 0.1)
    assert not [s for s in merge.merge_mentions([*rules.find(a), low], a) if s.label == "ORG"]
    high = model_span(a, "ORG", "কুলিকাপুর সমিতির", merge.MODEL_FILL + 0.1)
    merged = merge.merge_mentions([*rules.find(a), high], a)
    assert [(s.label, s.source) for s in merged if s.label == "ORG"] == [("ORG", "model")]


def test_longer_confident_model_name_replaces_a_cut_rule_name(rules: EntityRules) -> None:
    a = analyse("নেপালের পররাষ্ট্রমন্ত্রী প্রদীপ কুমার জ্ঞাওয়ালি সিমলা সফর করেন।")
    found = rules.find(a)
    longer = model_span(a, "PERSON", "প্রদীপ কুমার জ্ঞাওয়ালি", 0.9)
    merged = merge.merge_mentions([*found, longer], a)
    person = next(s for s in merged if s.label == "PERSON")
    assert person.text == "প্রদীপ কুমার জ্ঞাওয়ালি" and person.affiliation == "NPL"


def test_model_only_person_gets_affiliation_from_context(rules: EntityRules) -> None:
    a = analyse("সৌদি পররাষ্ট্রমন্ত্রী কুলিকা মারবুর দোহায় যান।")
    person = model_span(a, "PERSON", "কুলিকা মারবুর", 0.95)
    merged = merge.merge_mentions([s for s in rules.find(a) if s.label != "PERSON"] + [person],
                                  a)
    got = next(s for s in merged if s.label == "PERSON")
    assert got.source == "model" and got.affiliation == "SAU"


def test_values_win_over_overlapping_entities() -> None:
    a = analyse("৫ মার্চ ২০১৮ সালে চুক্তি হয়।")
    date = a.make_span("DATE", 0, len("৫ মার্চ ২০১৮ সালে"), source="rule")
    loc = model_span(a, "GPE", "মার্চ", 0.9)
    merged = merge.merge_mentions([date, loc], a)
    assert [(s.label, s.text) for s in merged] == [("DATE", "৫ মার্চ ২০১৮ সালে")]


def test_result_never_overlaps(rules: EntityRules) -> None:
    a = analyse(TEXT)
    extra = [model_span(a, "ORG", "মোদী ঢাকা", 0.99), model_span(a, "GPE", "কাঠমান্ডুর পথে")]
    merged = merge.merge_mentions(rules.find(a) + extra, a)
    for x, y in itertools.pairwise(merged):
        assert x.end <= y.start


def _greedy_reference(spans: list[Span]) -> list[tuple[int, int, str]]:
    """Policy step 6 spelt out: best-ranked first, each kept unless it overlaps a kept one."""
    ranked = sorted(spans, key=lambda s: (0 if s.label == "DATE" else 1, -(s.end - s.start),
                                          -s.confidence, s.source != "rule", s.start))
    kept: list[Span] = []
    for span in ranked:
        if all(not (span.start < k.end and k.start < span.end) for k in kept):
            kept.append(span)
    return sorted((s.start, s.end, s.label) for s in kept)


_SPAN = st.tuples(
    st.integers(0, len(TEXT) - 1), st.sampled_from([0, 0, 1, 3, 6, 12, 30]),
    st.sampled_from(["DATE", "PERSON", "ORG", "LOC"]), st.sampled_from([0.5, 0.9, 1.0]),
    st.sampled_from(["rule", "model"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPAN, max_size=14))
def test_resolve_overlaps_keeps_the_greedy_non_overlapping_subset(
    raw: list[tuple[int, int, str, float, str]],
) -> None:
    # spans (zero-width ones too) over a real sentence; the result must be exactly the
    # greedy choice by rank, whatever the index structure resolve_overlaps uses
    a = analyse(TEXT)
    seen: set[tuple[int, int, str]] = set()
    spans = []
    for start, width, label, conf, source in raw:
        span = a.make_span(label, start, min(start + width, len(TEXT)), source=source,
                           confidence=conf)
        if span.key not in seen:  # one span per key: merging duplicates is tested above
            seen.add(span.key)
            spans.append(span)
    got = merge.resolve_overlaps(spans)
    assert sorted((s.start, s.end, s.label) for s in got) == _greedy_reference(spans)
    for x, y in itertools.pairwise(got):
        assert x.end <= y.start or x.start == x.end or y.start == y.end


def test_merge_stage_takes_its_gazetteer_from_the_build_context() -> None:
    from pipeline.config import Config
    from pipeline.lang import load_pack
    from pipeline.stages.base import BuildContext
    from pipeline.stages.entities.gazetteer import default_gazetteer
    from pipeline.stages.merge import MergeStage

    pack = load_pack("bn_IN")
    stage = MergeStage(BuildContext(Config(), pack, None))  # type: ignore[arg-type]
    assert stage.gazetteer is default_gazetteer(pack)
    assert stage.gazetteer is not default_gazetteer(load_pack("bn"))
