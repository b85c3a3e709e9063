"""Stage 4: DATE, MONEY and QUANTITY mentions with normalised values.

DATE spans get ``norm="TIMEX3:<value>"`` and TIMEX attrs (timex.py); MONEY spans get
``MONEY:<amount>:<ISO4217>``, QUANTITY spans ``QTY:<amount>:<unit>`` (amounts.py).

Why it is hand-written: no library *recognises* Bengali date phrases. dateparser's data
cannot read "২০১৪ সালের ২২ জুন" and its search_dates() finds bare numbers and fills
missing parts from today (baseline.py keeps it as the comparison point). So a small
grammar over whitespace-separated words finds the phrases, and libraries do what they
are good at (month and currency names from CLDR, day checks as dateparser makes them,
Hijri conversion by hijridate). The package, in the order the data flows:

    vocabulary.py  ValueVocabulary.from_pack(pack): every word set, from the pack
    words.py       one sentence's words, punctuation peeled off, numbers parsed
    grammar.py     the date grammar: a table of rules (matcher + value builder)
    matchers.py    the rules' matchers: year phrases, day-months, decades, relatives ...
    scanner.py     runs the rules at each word, builds ranges, resolves against the anchor
    calendars.py   Gregorian day checks, Bengali (revised / traditional) and Hijri dates
    timex.py       DateValue and its builders (point, range, decade, century)
    amounts.py     MONEY / QUANTITY
    baseline.py    the dateparser baseline

Here: `find_values` (one document) and the registered stages, which build the
vocabulary once from the BuildContext's pack (and check its units against the schema).
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from typing import Any

from pipeline.lang import load_pack
from pipeline.model import Analysis, Span
from pipeline.norms import make_norm
from pipeline.stages.base import BuildContext, register
from pipeline.stages.values.amounts import amount_at, format_amount
from pipeline.stages.values.baseline import baseline_values
from pipeline.stages.values.calendars import bangla_to_gregorian, hijri_to_gregorian, parse_dmy
from pipeline.stages.values.grammar import DATE_GRAMMAR, DateGrammar, DateRule
from pipeline.stages.values.scanner import Scanner
from pipeline.stages.values.timex import DateValue
from pipeline.stages.values.vocabulary import ValueVocabulary
from pipeline.stages.values.words import HAS_DIGIT, Words, core_of, split_words

# (first word, end word, value (None for an amount), span) of each phrase the grammar read
_Found = tuple[int, int, DateValue | None, Span]


def _sentence_may_hold_value(text: str, vocab: ValueVocabulary) -> bool:
    """Cheap pre-filter: digits, or a word that can start a date or an amount."""
    if HAS_DIGIT.search(text):
        return True
    first_words = vocab.first_words
    return any(core_of(w) in first_words for w in text.split())


def _make(analysis: Analysis, label: str, words: Words, i: int, j: int, norm: str,
          source: str, sentence_index: int, attrs: dict[str, Any] | None = None) -> Span:
    span = analysis.make_span(label, words.starts[i], words.ends[j - 1], norm=norm,
                              source=source, sentence_index=sentence_index)
    if attrs:
        span.attrs.update(attrs)
    return span


def find_values(
    analysis: Analysis, proposals: list[Span] | None = None, *, stages: str = "both",
    vocabulary: ValueVocabulary | None = None, grammar: DateGrammar = DATE_GRAMMAR,
) -> list[Span]:
    """DATE/MONEY/QUANTITY spans; `proposals` are model date spans the grammar may accept.

    stages="rule": the grammar only; "model": only proposals the grammar can give a value
    (extended or trimmed to the phrase it reads there); "both": the grammar plus those
    proposals. MONEY and QUANTITY come from the grammar in every mode (the model proposes
    only dates). Relative dates and day-month dates without a year take the nearest
    preceding DATE in the same section as anchor (guidelines §3, §7).
    `vocabulary` defaults to the default pack's.
    """
    vocab = vocabulary or ValueVocabulary.from_pack(load_pack())
    use_rule = stages in ("rule", "both")
    props = sorted(
        (p for p in (proposals or []) if p.label == "DATE" and p.cstart >= 0)
        if stages in ("model", "both") else [],
        key=lambda p: p.cstart,
    )
    prop_starts = [p.cstart for p in props]
    out: list[Span] = []
    anchors: dict[int, DateValue] = {}
    clean = analysis.clean
    for sent in analysis.sentences:
        text = clean[sent.cstart: sent.cend]
        if props:
            lo = bisect.bisect_left(prop_starts, sent.cstart)
            hi = bisect.bisect_left(prop_starts, sent.cend)
            sent_props = props[lo:hi]
        else:
            sent_props = props
        if not sent_props and not _sentence_may_hold_value(text, vocab):
            continue
        words = split_words(text, sent.cstart)
        initial = anchors.get(sent.section)
        sc = Scanner(words, vocab, initial, grammar=grammar)
        found = _scan(analysis, sc, sent.index, out if use_rule else None)
        if sc.anchor is not None:
            anchors[sent.section] = sc.anchor
        if sent_props:
            _accept_proposals(analysis, sent.index, sc, sent_props, found, out,
                              initial_anchor=initial, use_rule=use_rule)
    out.sort(key=lambda s: (s.start, s.end))
    return out


def _scan(analysis: Analysis, sc: Scanner, sentence_index: int,
          out: list[Span] | None) -> list[_Found]:
    """Run the grammar over one sentence; returns what it read, in order."""
    found: list[_Found] = []
    words = sc.words
    cores = sc.cores
    first_words = sc.vocab.first_words
    i = 0
    n = len(cores)
    while i < n:
        core = cores[i]
        if not (core[:1].isdecimal() or core in first_words):
            i += 1  # most words can start no date or amount: skip them cheaply
            continue
        m = sc.date_at(i)
        if m is not None:
            v = m.value
            span = _make(analysis, "DATE", words, i, m.end, make_norm("DATE", v.value), "rule",
                         sentence_index, v._attrs)
            found.append((i, m.end, v, span))
            if out is not None:
                out.append(span)
            sc.anchor = v
            i = m.end
            continue
        a = amount_at(sc, i)
        if a is not None:
            span = _make(analysis, a.label, words, i, a.end, a.norm, "rule", sentence_index)
            found.append((i, a.end, None, span))
            if out is not None:
                out.append(span)
            i = a.end
            continue
        i += 1
    return found


def _accept_proposals(analysis: Analysis, sentence_index: int, sentence: Scanner,
                      props: list[Span],
                      found: list[_Found], out: list[Span], *,
                      initial_anchor: DateValue | None, use_rule: bool) -> None:
    """Model DATE proposals: kept only where the grammar (leniently) reads a value there.

    A proposal on a grammar date marks it "both" (same span) or is dropped in its favour;
    one on a grammar amount is dropped; elsewhere the grammar re-reads the words from the
    proposal's first word, accepting bare years and bare months, and the phrase it reads
    (whole words, possibly longer or shorter than the proposal) is kept with source "model".
    """
    words = sentence.words
    starts, ends = words.starts, words.ends
    for prop in props:
        i = bisect.bisect_right(starts, prop.cstart) - 1  # the word holding its start
        if i < 0 or ends[i] <= prop.cstart:
            i += 1
        j = bisect.bisect_left(starts, prop.cend)  # first word starting at or after its end
        if i >= len(words) or j <= i:
            continue
        overlapping = [f for f in found if f[0] < j and i < f[1]]
        dates = [f for f in overlapping if f[2] is not None]
        if dates:
            span = dates[0][3]
            if not use_rule:
                if not any(s.key == span.key for s in out):
                    out.append(replace(span, source="model", attrs=dict(span.attrs)))
            elif span.start == prop.start and span.end == prop.end:
                span.source = "both"
            continue
        if overlapping:
            continue  # the grammar read an amount there: not a date
        before = [f for f in found if f[1] <= i and f[2] is not None]
        anchor = before[-1][2] if before else initial_anchor
        sc = Scanner(words, sentence.vocab, anchor, lenient=True, stop=j + 2,
                     grammar=sentence.grammar)
        m = sc.date_at(i)
        if m is None or m.end < j:
            continue  # no value for the whole proposal: dropped
        if any(s.label == "DATE" and s.cstart < ends[m.end - 1] and starts[i] < s.cend
               for s in out):
            continue
        v = m.value
        out.append(_make(analysis, "DATE", words, i, m.end, make_norm("DATE", v.value), "model",
                         sentence_index, v._attrs))


def checked_vocabulary(context: BuildContext) -> ValueVocabulary:
    """The pack's vocabulary, refused if units.yaml names a unit the schema lacks (an
    amount in such a unit is not a QUANTITY, guidelines v1.2 §8)."""
    vocab = ValueVocabulary.from_pack(context.pack)
    unknown = vocab.unit_codes - context.schema.quantity_units
    if unknown:
        raise ValueError(f"language pack {context.pack.name!r}: units.yaml names units the "
                         f"schema lacks: {', '.join(sorted(unknown))} (schema quantity_units: "
                         f"{', '.join(sorted(context.schema.quantity_units))})")
    return vocab


class _ValueStage:
    """DATE/MONEY/QUANTITY with TIMEX3 and amount values. The model's DATE proposals leave
    the candidates: the grammar accepts them (with a value) or they are dropped."""

    mode: str  # find_values(stages=...): rule | model | both

    def __init__(self, context: BuildContext, grammar: DateGrammar = DATE_GRAMMAR) -> None:
        self.context = context
        self.vocabulary = checked_vocabulary(context)
        self.grammar = grammar

    def __call__(self, analysis: Analysis) -> None:
        proposals = [s for s in analysis.candidates if s.label == "DATE" and s.source == "model"]
        if proposals:
            analysis.candidates = [s for s in analysis.candidates
                                   if not (s.label == "DATE" and s.source == "model")]
        analysis.candidates.extend(find_values(analysis, proposals, stages=self.mode,
                                               vocabulary=self.vocabulary,
                                               grammar=self.grammar))


@register("values.grammar", requires=["sentences"], provides=["candidates"])
class GrammarValueStage(_ValueStage):
    mode = "rule"


@register("values.proposals", requires=["sentences", "proposals"], provides=["candidates"])
class ProposalValueStage(_ValueStage):
    mode = "model"


@register("values.grammar+proposals", requires=["sentences", "proposals"],
          provides=["candidates"])
class GrammarAndProposalValueStage(_ValueStage):
    mode = "both"


__all__ = [
    "DATE_GRAMMAR",
    "DateGrammar",
    "DateRule",
    "DateValue",
    "ValueVocabulary",
    "bangla_to_gregorian",
    "baseline_values",
    "find_values",
    "format_amount",
    "hijri_to_gregorian",
    "parse_dmy",
]
