"""Property tests over the text stages: normaliser, segmenter, dates/amounts, entities,
events, the whole pipeline and `extract()`.

Properties, for any input: no uncaught exception (unusable input raises InputError from
analyse(), process() turns it into status=error); the offset map is total and monotonic;
every span satisfies raw[start:end] == text; every value is well-formed (TIMEX3, MONEY,
QTY, ISO 3166 as the brat validator checks them); every table row can be framed.
"""

from __future__ import annotations

import functools
import unicodedata

import bn_strategies as fz
from hypothesis import given
from hypothesis import strategies as st

from pipeline import Config, Document, Pipeline, extract
from pipeline.io.readers import InputError
from pipeline.io.tables import table_rows
from pipeline.io.writers import frame
from pipeline.model import Analysis
from pipeline.schema import load_schema
from pipeline.stages import events as events_stage
from pipeline.stages import values as dates_stage
from pipeline.stages.entities import EntityRules
from pipeline.stages.normalise import normalise, normalise_text_plain
from pipeline.stages.segment import prepare, split_sentences


@functools.cache
def rules() -> EntityRules:
    return EntityRules()


@functools.cache
def pipeline(stages: str) -> Pipeline:
    return Pipeline(Config(stages=stages))


def segmented(raw: str) -> Analysis:
    analysis = prepare(Document("fuzz", raw))
    return analysis


@fz.fuzz_settings(robust=150, fuzz=45000)
@given(fz.any_text)
def test_normaliser_offset_map(raw: str) -> None:
    fz.count("normalise")
    norm = normalise(raw)
    fz.check_offsets_map(raw, norm.clean, norm.offsets)
    assert not set(norm.clean) & set(fz.ZERO_WIDTH), "zero-width characters survive"
    assert all(c == "\n" or unicodedata.category(c) != "Cc" for c in norm.clean)
    for h in norm.headings:
        assert 0 <= h.raw_start < h.raw_end <= len(raw)
        assert 0 <= h.clean_pos <= len(norm.clean)
        assert "\n" not in h.title
    plain = normalise_text_plain(raw)
    assert not set(plain) & set(fz.ZERO_WIDTH)


@fz.fuzz_settings(robust=100, fuzz=12000)
@given(fz.any_text)
def test_segmenter_spans(raw: str) -> None:
    fz.count("segment")
    analysis = segmented(raw)
    fz.check_analysis(analysis)
    for sec in analysis.sections:
        assert 0 <= sec.start <= sec.end <= len(raw)
    clean = analysis.clean
    for a, b in split_sentences(clean):
        assert 0 <= a < b <= len(clean)


@st.composite
def text_and_proposals(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]], str]:
    raw = draw(fz.any_text)
    n = len(normalise(raw).clean)
    spans = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, 40)), max_size=6))
    return raw, [(a, min(n, a + k)) for a, k in spans], draw(st.sampled_from(["rule", "model",
                                                                            "both"]))


@fz.fuzz_settings(robust=100, fuzz=12000)
@given(text_and_proposals())
def test_date_amount_stage_values_well_formed(case: tuple[str, list[tuple[int, int]], str]) -> None:
    """Grammar and (random, possibly absurd) model DATE proposals in every stage setting."""
    raw, props, stages = case
    fz.count("dates.find_values")
    analysis = segmented(raw)
    proposals = [
        analysis.make_span("DATE", a, b, source="model", sentence_index=analysis.sentence_at(a))
        for a, b in props
        if a < b
    ]
    found = dates_stage.find_values(analysis, proposals, stages=stages)
    for span in found:
        assert span.label in load_schema().value_types
        fz.check_span(raw, span, analysis.clean)


@fz.fuzz_settings(robust=100, fuzz=8000)
@given(fz.any_text)
def test_entity_rules_spans(raw: str) -> None:
    fz.count("entities.EntityRules.find")
    analysis = segmented(raw)
    for span in rules().find(analysis):
        assert span.label in load_schema().entity_types
        fz.check_span(raw, span, analysis.clean)


@fz.fuzz_settings(robust=100, fuzz=6000)
@given(fz.any_text)
def test_rule_pipeline_and_events(raw: str) -> None:
    """The rule pipeline end to end (entities, dates, merge, events, tables)."""
    fz.count("events.extract_events (rule pipeline)")
    try:
        analysis = pipeline("rule").analyse(Document("fuzz", raw))
    except InputError as exc:
        assert str(exc)
        fz.outcome("events.extract_events (rule pipeline)", "InputError")
        return
    fz.check_analysis(analysis)
    # the event stage again on its own, on the same mentions
    for event in events_stage.extract_events(analysis):
        assert analysis.doc.text[event.trigger.start : event.trigger.end] == event.trigger.text
    for name, rows in table_rows(analysis).items():
        frame(name, rows)


@fz.fuzz_settings(robust=40, fuzz=2000)
@given(fz.any_text)
def test_full_pipeline_process(raw: str) -> None:
    """Pipeline().process() with the NER model: ok, or an error with a reason; never a bug."""
    fz.count("Pipeline.process (rule+model)")
    analysis = pipeline("both").process(Document("fuzz", raw))
    fz.outcome("Pipeline.process (rule+model)", analysis.status)
    assert analysis.status in ("ok", "error")
    assert not analysis.error.startswith("internal error"), analysis.error
    fz.check_analysis(analysis)
    rows = table_rows(analysis)
    assert len(rows["documents"]) == 1
    for name, part in rows.items():
        frame(name, part)


@fz.fuzz_settings(robust=30, fuzz=1000)
@given(fz.any_text, st.one_of(st.none(), st.text(max_size=30)))
def test_extract_api(raw: str, title: str | None) -> None:
    fz.count("extract()")
    try:
        result = extract(raw, title, pipeline=pipeline("both"))
    except InputError as exc:
        assert str(exc)
        return
    fz.check_analysis(result.analysis)
    assert len(result.entities) == len(result.analysis.mentions)
    assert len(result.events) == len(result.analysis.events)
