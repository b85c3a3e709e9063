"""The dateparser baseline (`bnevents eval --stages baseline-dates`): what the library
gives out of the box, the comparison point for the grammar.

dateparser's data cannot read "২০১৪ সালের ২২ জুন" (it returns None), and its
search_dates() finds bare numbers and fills missing parts from today: that is why the
value stage has its own grammar (scanner.py).
"""

from __future__ import annotations

from pipeline.lang import load_pack
from pipeline.model import Analysis, Span
from pipeline.norms import make_norm
from pipeline.stages.values.words import TRAIL_PUNCT


def baseline_values(analysis: Analysis, locale: str | None = None) -> list[Span]:
    """Plain dateparser: search_dates() on every sentence, values at day precision.

    Default settings (which fill missing parts from today) in the pack's language;
    `locale` defaults to the default pack's.
    """
    from dateparser.search import search_dates

    language = locale or load_pack().locale
    out: list[Span] = []
    clean = analysis.clean
    for sent in analysis.sentences:
        text = clean[sent.cstart: sent.cend]
        try:
            found = search_dates(text, languages=[language]) or []
        except Exception:
            continue
        pos = 0
        for substr, when in found:
            at = text.find(substr, pos)
            if at < 0 or not substr.strip():
                continue
            pos = at + len(substr)
            a, b = _trimmed(text, at, at + len(substr))
            if b <= a:
                continue
            out.append(_baseline_span(analysis, sent.cstart + a, sent.cstart + b,
                                      when.date().isoformat(), sent.index))
    return out


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    """[a, b) without surrounding spaces and trailing punctuation."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in TRAIL_PUNCT):
        b -= 1
    return a, b


def _baseline_span(analysis: Analysis, start: int, end: int, value: str,
                   sentence_index: int) -> Span:
    span = analysis.make_span("DATE", start, end, norm=make_norm("DATE", value), source="baseline",
                              sentence_index=sentence_index)
    span.attrs.update({"value": value, "start_date": value, "end_date": value,
                       "granularity": "day"})
    return span
