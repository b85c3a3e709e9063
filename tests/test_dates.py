"""DATE / MONEY / QUANTITY stage: recognition, spans, TIMEX3 and amount values."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import Document, Pipeline
from pipeline.config import Config
from pipeline.lang import available, load_pack
from pipeline.model import Analysis, Span
from pipeline.stages import values as dates
from pipeline.stages.segment import prepare
from pipeline.stages.values import amounts, calendars, matchers, words
from pipeline.stages.values.scanner import Scanner
from pipeline.stages.values.vocabulary import ValueVocabulary

VALUE_LABELS = ("DATE", "MONEY", "QUANTITY")
_POINT = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
TIMEX_RE = re.compile(rf"TIMEX3:(?:{_POINT}(?:/{_POINT})?|\d{{3}}X|\d{{2}}XX)")
AMOUNT_RE = re.compile(r"(?:MONEY:\d+(?:\.\d+)?:[A-Z]{3}|QTY:\d+(?:\.\d+)?:[A-Za-z0-9]+)")


@pytest.fixture(scope="module")
def rule_pipeline() -> Pipeline:
    return Pipeline(Config(stages="rule"))


def values(pipeline: Pipeline, text: str) -> list[tuple[str, str, str]]:
    analysis = pipeline.analyse(Document("t", text))
    return [(m.label, m.text, m.norm) for m in analysis.mentions if m.label in VALUE_LABELS]


def analysis_of(text: str) -> Analysis:
    """Normalise + segment only: the input the dates stage gets, without other stages."""
    analysis = prepare(Document("t", text))
    return analysis


# -- the seed article ---------------------------------------------------------------


def test_seed_values(seed_text: str, rule_pipeline: Pipeline) -> None:
    found = values(rule_pipeline, seed_text)
    dates_found = [(t, n) for label, t, n in found if label == "DATE"]
    assert ("১৯৯২ সালের মার্চ", "TIMEX3:1992-03") in dates_found
    assert ("২০১৪ সালের ২২-২৫ জুন", "TIMEX3:2014-06-22/2014-06-25") in dates_found
    assert dates_found.count(("২০১৪ সালে", "TIMEX3:2014")) == 2
    assert dates_found.count(("২০১৩ সালে", "TIMEX3:2013")) == 2
    # every other date is one of the seed's year phrases (২০১৪ সালের, ২০১৩ সালেই)
    others = [d for d in dates_found if d[0] not in (
        "১৯৯২ সালের মার্চ", "২০১৪ সালের ২২-২৫ জুন", "২০১৪ সালে", "২০১৩ সালে")]
    assert sorted(others) == [("২০১৩ সালেই", "TIMEX3:2013"), ("২০১৪ সালের", "TIMEX3:2014")]
    assert ("MONEY", "৫.৫ বিলিয়ন (৫৫০ কোটি) মার্কিন ডলার", "MONEY:5500000000:USD") in found
    assert ("QUANTITY", "৩০০ মেগাওয়াট", "QTY:300:MW") in found
    assert len([f for f in found if f[0] != "DATE"]) == 2
    # "প্রথম তিন বছরের জন্য" (a duration) and "বর্তমানে" (the present) are not dates
    assert not any("বছরের" in t or "বর্তমানে" in t for t, _ in dates_found)


# -- every date form, on sentences written for this test ------------------------------

DATE_CASES = [
    # years with markers, Bengali and Western digits
    ("২০০৫ সালে দুই দেশ একটি চুক্তি করে।", "২০০৫ সালে", "2005"),
    ("দূতাবাসটি 1998 সালের শেষে খোলা হয়।", "1998 সালের", "1998"),
    ("১৯৭২ সনে কূটনৈতিক সম্পর্ক স্থাপিত হয়।", "১৯৭২ সনে", "1972"),
    ("১৯৫৫ খ্রিস্টাব্দে প্রথম বাণিজ্য চুক্তি হয়।", "১৯৫৫ খ্রিস্টাব্দে", "1955"),
    ("১৯৭১-এর যুদ্ধে ভারত সহায়তা দেয়।", "১৯৭১-এর", "1971"),
    # day-month-year in both orders, day ordinals, month spelling variants
    ("১৯৯৮ সালের ৩ ফেব্রুয়ারী প্রধানমন্ত্রী ঢাকা আসেন।", "১৯৯৮ সালের ৩ ফেব্রুয়ারী",
     "1998-02-03"),
    ("৭ আগস্ট ২০০৯ তারিখে বৈঠক হয়।", "৭ আগস্ট ২০০৯ তারিখে", "2009-08-07"),
    ("২১শে ফেব্রুয়ারি ১৯৫২ সালে ছাত্ররা মিছিল করে।", "২১শে ফেব্রুয়ারি ১৯৫২ সালে", "1952-02-21"),
    ("সেপ্টেম্বর ১২, ২০১১ তারিখে দুই মন্ত্রী দেখা করেন।", "সেপ্টেম্বর ১২, ২০১১ তারিখে",
     "2011-09-12"),
    # month-year
    ("২০০৭ সালের নভেম্বরে ঘূর্ণিঝড় আঘাত হানে।", "২০০৭ সালের নভেম্বরে", "2007-11"),
    ("১৯৮৮ সালের জুলাই মাসে সীমান্ত খুলে দেওয়া হয়।", "১৯৮৮ সালের জুলাই মাসে", "1988-07"),
    ("জানুয়ারী ২০১৬ সালে নিষেধাজ্ঞা ওঠে।", "জানুয়ারী ২০১৬ সালে", "2016-01"),
    # day ranges and year ranges
    ("সম্মেলনটি ২০১৮ সালের ১০-১২ মার্চ অনুষ্ঠিত হয়।", "২০১৮ সালের ১০-১২ মার্চ",
     "2018-03-10/2018-03-12"),
    ("মেলা ৪ থেকে ৯ ডিসেম্বর ২০১২ চলে।", "৪ থেকে ৯ ডিসেম্বর ২০১২", "2012-12-04/2012-12-09"),
    ("২০০১ থেকে ২০০৬ সাল পর্যন্ত বাণিজ্য বেড়েছে।", "২০০১ থেকে ২০০৬ সাল পর্যন্ত", "2001/2006"),
    ("২০০৩-০৮ সালে রপ্তানি দ্বিগুণ হয়।", "২০০৩-০৮ সালে", "2003/2008"),
    ("১৯৩৯-৪৫ বিশ্বযুদ্ধে দুই দেশ বিপরীত পক্ষে ছিল।", "১৯৩৯-৪৫", "1939/1945"),
    ("২০১৭-১৮ অর্থবছরে আমদানি কমে।", "২০১৭-১৮ অর্থবছরে", "2017/2018"),
    ("২০১১ সালের এপ্রিল থেকে আগস্ট পর্যন্ত আলোচনা চলে।",
     "২০১১ সালের এপ্রিল থেকে আগস্ট পর্যন্ত", "2011-04/2011-08"),
    # decades and centuries
    ("১৯৮০-এর দশকে সম্পর্ক শীতল ছিল।", "১৯৮০-এর দশকে", "198X"),
    ("সত্তরের দশকে বহু শ্রমিক সেখানে যান।", "সত্তরের দশকে", "197X"),
    ("অষ্টাদশ শতাব্দীতে বন্দরটি গড়ে ওঠে।", "অষ্টাদশ শতাব্দীতে", "17XX"),
    ("একবিংশ শতকের শুরুতে সম্পর্ক বদলায়।", "একবিংশ শতকের", "20XX"),
    # Bengali and Hijri calendars, converted to Gregorian
    ("১৪২০ বঙ্গাব্দের ১ বৈশাখ মেলা বসে।", "১৪২০ বঙ্গাব্দের ১ বৈশাখ", "2013-04-14"),
    ("১৪১০ বঙ্গাব্দের পৌষ মাসে তিনি ফেরেন।", "১৪১০ বঙ্গাব্দের পৌষ মাসে", "2003-12"),
    ("১৪৩০ হিজরির শাবান মাসে চুক্তি হয়।", "১৪৩০ হিজরির শাবান মাসে", "2009-07"),
]


@pytest.mark.parametrize(("sentence", "span", "value"), DATE_CASES)
def test_date_forms(rule_pipeline: Pipeline, sentence: str, span: str, value: str) -> None:
    found = [(t, n) for label, t, n in values(rule_pipeline, sentence) if label == "DATE"]
    assert found == [(span, f"TIMEX3:{value}")]


def test_relative_dates_take_the_preceding_date_in_the_section(rule_pipeline: Pipeline) -> None:
    text = (
        "২০০৪ সালের ১২ মার্চ দুই দেশ চুক্তি করে। পরদিন মন্ত্রী ফিরে যান। "
        "একই বছরের ৮ অক্টোবর আরেকটি বৈঠক হয়। পরের বছর দূতাবাস খোলে। "
        "সেই বছরই বাণিজ্য বাড়ে। ৫ জুন আবার আলোচনা হয়। দুই দিন পর যৌথ বিবৃতি আসে।"
    )
    found = [(t, n) for label, t, n in values(rule_pipeline, text) if label == "DATE"]
    assert found == [
        ("২০০৪ সালের ১২ মার্চ", "TIMEX3:2004-03-12"),
        ("পরদিন", "TIMEX3:2004-03-13"),
        ("একই বছরের ৮ অক্টোবর", "TIMEX3:2004-10-08"),
        ("পরের বছর", "TIMEX3:2005"),
        ("সেই বছরই", "TIMEX3:2005"),
        ("৫ জুন", "TIMEX3:2005-06-05"),
        ("দুই দিন পর", "TIMEX3:2005-06-07"),
    ]


def test_relative_dates_without_anchor_are_not_annotated(rule_pipeline: Pipeline) -> None:
    # the anchor is in another section: a heading resets it
    text = "১৯৯৯ সালে চুক্তি হয়।\n== অর্থনীতি ==\nএকই বছর বাণিজ্য বাড়ে। ১২ মে বৈঠক হয়। আগস্টে সফর হয়।"
    found = [(t, n) for label, t, n in values(rule_pipeline, text) if label == "DATE"]
    assert found == [("১৯৯৯ সালে", "TIMEX3:1999")]


def test_bare_month_with_ending_takes_the_anchor_year(rule_pipeline: Pipeline) -> None:
    # the second sentence has no digit and its month carries a comma: still read
    text = "২০১৯ সালের মার্চে আলোচনা শুরু হয়। আগস্টে, চুক্তি স্বাক্ষরিত হয়।"
    found = [(t, n) for label, t, n in values(rule_pipeline, text) if label == "DATE"]
    assert found == [("২০১৯ সালের মার্চে", "TIMEX3:2019-03"), ("আগস্টে", "TIMEX3:2019-08")]


def test_coordinated_years_and_day_of_month(rule_pipeline: Pipeline) -> None:
    text = ("১৯৮৬ ও ১৯৮৭ সালে বন্যা হয়। তিনি ২০০০ জন সৈন্য ও ২০০১ সালে আসেন। "
            "২০০৮ সালের মার্চের ১৭ তারিখে সফর শুরু হয়।")
    found = [(t, n) for label, t, n in values(rule_pipeline, text) if label == "DATE"]
    assert found == [
        ("১৯৮৬", "TIMEX3:1986"),
        ("১৯৮৭ সালে", "TIMEX3:1987"),
        ("২০০১ সালে", "TIMEX3:2001"),  # ২০০০ জন is a count, not a coordinated year
        ("২০০৮ সালের মার্চের ১৭ তারিখে", "TIMEX3:2008-03-17"),
    ]


def test_span_rules(rule_pipeline: Pipeline) -> None:
    # single-bound থেকে stays outside; qualifiers outside; no trailing punctuation
    found = values(rule_pipeline, "১৯৭৪ সাল থেকে দুই দেশের সম্পর্ক ভালো। বিংশ শতাব্দীর শেষ দিকে, "
                                  "প্রায় ২০০ কিলোমিটার রাস্তা তৈরি হয়।")
    assert found == [
        ("DATE", "১৯৭৪ সাল", "TIMEX3:1974"),
        ("DATE", "বিংশ শতাব্দীর", "TIMEX3:19XX"),
        ("QUANTITY", "২০০ কিলোমিটার", "QTY:200:km"),
    ]
    found = values(rule_pipeline, "চুক্তিটি হয় (২০১০ সালে)।")
    assert found == [("DATE", "২০১০ সালে", "TIMEX3:2010")]


def test_numbers_that_are_not_dates(rule_pipeline: Pipeline) -> None:
    text = ("দুই দেশ ৫টি চুক্তি করে এবং ১২০০ জন শিক্ষার্থী আসে। বইয়ের ২০১৫ পৃষ্ঠায় তা আছে। "
            "তিন বছরের জন্য ভাড়া মওকুফ হয়। বর্তমানে দূতাবাস নেই। মেয়েটির বয়স ৫ বছর।")
    assert [f for f in values(rule_pipeline, text) if f[0] == "DATE"] == []
    assert values(rule_pipeline, "দুই দেশ ৫০ শতাংশ শুল্ক কমায়, তিনটি নৌযান পাঠায়।") == []
    # "৩৮ বছর পর" measures time since; it is no date even with an anchor before it
    found = values(rule_pipeline, "২০১৭ সালে সরাসরি বাস চালু হয়, যা ৩৮ বছর পর প্রথম।")
    assert found == [("DATE", "২০১৭ সালে", "TIMEX3:2017")]


def test_date_attributes(rule_pipeline: Pipeline) -> None:
    analysis = rule_pipeline.analyse(Document(
        "t", "২০১২ সালের ফেব্রুয়ারি মাসে এবং ১৯৯০-এর দশকে ও ২০০১ থেকে ২০০৩ সাল পর্যন্ত।"))
    got = [m.attrs for m in analysis.mentions if m.label == "DATE"]
    assert got == [
        {"value": "2012-02", "start_date": "2012-02-01", "end_date": "2012-02-29",
         "granularity": "month"},
        {"value": "199X", "start_date": "1990-01-01", "end_date": "1999-12-31",
         "granularity": "decade"},
        {"value": "2001/2003", "start_date": "2001-01-01", "end_date": "2003-12-31",
         "granularity": "range"},
    ]


# -- money and quantities ---------------------------------------------------------------

AMOUNT_CASES = [
    ("ব্যাংকটি ৩.২ বিলিয়ন (৩২০ কোটি) মার্কিন ডলার ঋণ দেয়।",
     "৩.২ বিলিয়ন (৩২০ কোটি) মার্কিন ডলার", "MONEY:3200000000:USD"),
    ("প্রকল্পে ৭৫০ কোটি টাকার বিনিয়োগ হয়।", "৭৫০ কোটি টাকার", "MONEY:7500000000:BDT"),
    ("জাপান ২.৫ মিলিয়ন ডলার অনুদান দেয়।", "২.৫ মিলিয়ন ডলার", "MONEY:2500000:USD"),
    ("ক্ষতিপূরণ ছিল ১২ হাজার কোটি রুপি।", "১২ হাজার কোটি রুপি", "MONEY:120000000000:INR"),
    ("চুক্তির মূল্য ৪০ কোটি ইউরোর বেশি।", "৪০ কোটি ইউরোর", "MONEY:400000000:EUR"),
    ("সৌদি আরব ১০ বিলিয়ন সৌদি রিয়াল দেয়।", "১০ বিলিয়ন সৌদি রিয়াল", "MONEY:10000000000:SAR"),
    ("দেশটি এক কোটি টাকা সাহায্য পাঠায়।", "এক কোটি টাকা", "MONEY:10000000:BDT"),
    ("বছরে ২ কোটি ৫০ লাখ টন চাল আমদানি হয়।", "২ কোটি ৫০ লাখ টন", "QTY:25000000:t"),
    ("সীমান্তের দৈর্ঘ্য ৪,০৯৬ কিলোমিটার।", "৪,০৯৬ কিলোমিটার", "QTY:4096:km"),
    ("কেন্দ্রটির ক্ষমতা ১৩২০ মেগাওয়াট।", "১৩২০ মেগাওয়াট", "QTY:1320:MW"),
    ("সেতুটি ৬.১৫ কিলোমিটার দীর্ঘ।", "৬.১৫ কিলোমিটার", "QTY:6.15:km"),
    ("বাঁধটির উচ্চতা ১৪৫ মিটার।", "১৪৫ মিটার", "QTY:145:m"),
    ("প্রতিদিন ৫০ লাখ ঘনমিটার গ্যাস যায়।", "৫০ লাখ ঘনমিটার", "QTY:5000000:m3"),
    ("দ্বীপটির আয়তন ১২ বর্গকিলোমিটার।", "১২ বর্গকিলোমিটার", "QTY:12:km2"),
]


@pytest.mark.parametrize(("sentence", "span", "norm"), AMOUNT_CASES)
def test_amounts(rule_pipeline: Pipeline, sentence: str, span: str, norm: str) -> None:
    found = [(t, n) for label, t, n in values(rule_pipeline, sentence) if label != "DATE"]
    assert found == [(span, norm)]


def test_format_amount() -> None:
    from decimal import Decimal

    assert dates.format_amount(Decimal("5.5") * Decimal(10) ** 9) == "5500000000"
    assert dates.format_amount(Decimal("2.50")) == "2.5"
    assert dates.format_amount(Decimal("300")) == "300"


# -- calendars --------------------------------------------------------------------------


def test_calendar_conversions() -> None:
    assert dates.bangla_to_gregorian(1426, 1, 1) == (2019, 4, 14)
    assert dates.bangla_to_gregorian(1426, 10, None) == (2020, 1, None)  # মাঘ begins in January
    assert dates.bangla_to_gregorian(1426, None, None) == (2019, None, None)
    assert dates.bangla_to_gregorian(1426, 1, 32) is None
    assert dates.hijri_to_gregorian(1438, 9, 1) == (2017, 5, 27)
    assert dates.hijri_to_gregorian(1438, 9, None) == (2017, 5, None)


def test_day_month_year_parsed_by_dateparser() -> None:
    assert dates.parse_dmy(22, 6, 2014) == (2014, 6, 22)
    assert dates.parse_dmy(30, 2, 2014) is None  # not a real day


@pytest.mark.parametrize("year", [100, 400, 999, 1000, 1001, 1582, 1700, 1900, 1996, 2000,
                                  2023, 2100, 2200])
def test_day_month_year_check_agrees_with_dateparser(year: int) -> None:
    # parse_dmy answers years 100-2200 without dateparser: it must say what dateparser says
    # (no 3-digit years, leap days of century years, 31st of 30-day months, the ends)
    for month in range(1, 13):
        for day in (1, 28, 29, 30, 31):
            expected = calendars.dateparser_dmy(day, month, year)
            assert dates.parse_dmy(day, month, year) == expected, (day, month, year)


def test_day_month_year_outside_the_checked_years_goes_to_dateparser() -> None:
    assert dates.parse_dmy(5, 6, 999) is None  # dateparser reads no 3-digit year
    assert dates.parse_dmy(5, 6, 2201) == calendars.dateparser_dmy(5, 6, 2201) == (2201, 6, 5)
    # a 2-digit year (০৯৯ is written with 3 digits) is dateparser's to expand
    assert dates.parse_dmy(5, 6, 99) == calendars.dateparser_dmy(5, 6, 99) is not None


# -- words and look-ups ---------------------------------------------------------------------

_WORD_PIECES = ["২০১৪", "সালের", "(২২", "জুন,", "২০১৪)।", "“মে”", ",", "(", "।", "৫.৫", "ডলার।",
                "'''", "—", "১৯৯০-এর", "a.b", "(“x”)"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORD_PIECES), st.sampled_from([" ", "  ", "\t", "\n "])),
                max_size=12), st.sampled_from(["", " "]), st.integers(0, 50))
def test_words_fast_path_matches_the_general_one(pieces: list[tuple[str, str]], lead: str,
                                                 base: int) -> None:
    text = lead + "".join(w + sp for w, sp in pieces)
    got = words.split_words(text, base)  # single-spaced text takes the split() path
    ref = words.split_words_spaced(text, base)
    assert (got.cores, got.leads, got.trails, got.starts, got.ends, got.nums) == (
        ref.cores, ref.leads, ref.trails, ref.starts, ref.ends, ref.nums)
    for k, core in enumerate(got.cores):
        assert text[got.starts[k] - base: got.ends[k] - base] == core
        assert core and core[0] not in words.LEAD_PUNCT and core[-1] not in words.TRAIL_PUNCT
    single = " ".join(text.split())  # the same words single-spaced: the split() path
    fast = words.split_words(single, base)
    assert (fast.cores, fast.leads, fast.trails) == (ref.cores, ref.leads, ref.trails)
    for k, core in enumerate(fast.cores):
        assert single[fast.starts[k] - base: fast.ends[k] - base] == core


def _vocab() -> ValueVocabulary:
    return ValueVocabulary.from_pack(load_pack())


def _scanner(text: str) -> Scanner:
    return Scanner(words.split_words(text, 0), _vocab())


def test_every_multi_word_lexicon_form_is_found_and_punctuation_breaks_it() -> None:
    # the look-ups try only the lengths indexed under the first word: every form must
    # still be found, and none across punctuation
    v = _vocab()
    checks = [
        (v.months, lambda sc: sc.month_at(0), v.max_month_words),
        (v.year_markers, lambda sc: sc.marker_at(0), v.max_marker_words),
        (v.relative_words, lambda sc: matchers.relative(sc, 0), v.max_relative_words),
        ({**v.units, **v.currencies}, lambda sc: amounts.unit_at(sc, 0), v.max_unit_words),
    ]
    for table, look, longest in checks:
        multi = [f for f in table if " " in f and f.count(" ") < longest]
        assert multi
        for form in multi:
            n_words = form.count(" ") + 1
            found = look(_scanner(form + " ক"))
            assert found is not None and found[0] == n_words, form
            first, rest = form.split(" ", 1)
            broken = look(_scanner(f"{first}, {rest} ক"))
            assert broken is None or broken[0] < n_words, form


# -- model proposals ---------------------------------------------------------------------


def proposal(analysis: Analysis, text: str) -> Span:
    cstart = analysis.clean.index(text)
    return analysis.make_span("DATE", cstart, cstart + len(text), source="model")


def test_model_proposals_are_normalised_or_dropped() -> None:
    text = "২০১১ সালে চুক্তি হয়। চুক্তিটি ২০১২ নাগাদ কার্যকর হয় এবং তিন বছরের জন্য চলে।"
    analysis = analysis_of(text)
    props = [proposal(analysis, "২০১১ সালে"), proposal(analysis, "২০১২"),
             proposal(analysis, "তিন বছরের")]
    rule = dates.find_values(analysis, props, stages="rule")
    assert [(s.text, s.source) for s in rule] == [("২০১১ সালে", "rule")]
    both = dates.find_values(analysis, props, stages="both")
    assert [(s.text, s.norm, s.source) for s in both] == [
        ("২০১১ সালে", "TIMEX3:2011", "both"),
        ("২০১২", "TIMEX3:2012", "model"),
    ]
    model = dates.find_values(analysis, props, stages="model")
    assert [(s.text, s.source) for s in model if s.label == "DATE"] == [
        ("২০১১ সালে", "model"), ("২০১২", "model")]


def test_model_proposal_is_extended_to_whole_words() -> None:
    text = "তারা ১৯৯৬ সালের মে মাসে আসে।"
    analysis = analysis_of(text)
    cstart = analysis.clean.index("সালের")
    prop = analysis.make_span("DATE", cstart - 3, cstart + 2, source="model")  # mid-word
    got = dates.find_values(analysis, [prop], stages="model")
    assert [(s.text, s.norm) for s in got] == [("১৯৯৬ সালের মে মাসে", "TIMEX3:1996-05")]


# -- the dateparser baseline ----------------------------------------------------------------


def test_baseline_values_point_into_the_raw_text() -> None:
    text = "'''ক–খ সম্পর্ক''' ২২ জুন ২০১৪ তারিখে সফর হয়।"
    analysis = analysis_of(text)
    spans = dates.baseline_values(analysis)
    assert spans, "dateparser finds the day-month-year"
    for s in spans:
        assert text[s.start: s.end] == s.text
        assert re.fullmatch(r"TIMEX3:\d{4}-\d{2}-\d{2}", s.norm)
    assert ("২২ জুন ২০১৪", "TIMEX3:2014-06-22") in [(s.text, s.norm) for s in spans]


# -- properties: any text, no exception, well-formed values, exact spans ----------------------

_VOCAB = [
    "২০১৪", "১৯৯২", "2014", "২২-২৫", "১৯১৪-১৮", "৫.৫", "৩০০", "১২", "৫টি", "১লা", "১৯৯০-এর",
    "সালে", "সালের", "সাল", "বঙ্গাব্দের", "হিজরির", "জুন", "মার্চ", "মে", "মাসে", "আগস্টে",
    "বৈশাখ", "রমজান", "দশকে", "বিংশ", "শতাব্দীতে", "একই", "পরের", "বছর", "বছরের", "পরদিন",
    "দিন", "পর", "থেকে", "পর্যন্ত", "-", "বিলিয়ন", "কোটি", "লাখ", "(৫৫০", "কোটি)", "মার্কিন",
    "ডলার", "টাকা", "মেগাওয়াট", "টন", "কিলোমিটার", "দুই", "এক", ",", "।", "==", "'''", "[[",
    "]]", "\n", "তারিখে", "অর্থবছরে",
]
_text = st.lists(
    st.one_of(st.sampled_from(_VOCAB), st.text(alphabet="০১২৩৪৫৬৭৮৯0123456789-–.,()। অআকখয়়\u200c",
                                               max_size=6)),
    max_size=40,
).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text)
def test_property_values_are_well_formed(text: str) -> None:
    analysis = analysis_of(text)
    props = []
    for sent in analysis.sentences[:2]:
        if sent.cend > sent.cstart:
            props.append(analysis.make_span("DATE", sent.cstart, min(sent.cend, sent.cstart + 7)))
    for stages in ("rule", "both", "model"):
        for span in dates.find_values(analysis, props, stages=stages):
            assert span.label in VALUE_LABELS
            assert 0 <= span.start < span.end <= len(text)
            assert text[span.start: span.end] == span.text
            assert span.text == span.text.strip()
            if span.label == "DATE":
                assert TIMEX_RE.fullmatch(span.norm), span.norm
                assert span.attrs["granularity"] in (
                    "year", "month", "day", "decade", "century", "range")
                assert span.attrs["start_date"] <= span.attrs["end_date"]
            else:
                assert AMOUNT_RE.fullmatch(span.norm), span.norm


# -- the grammar is a table of rules ------------------------------------------------------


def test_a_new_rule_on_a_copy_of_the_grammar_is_used() -> None:
    # a toy structure, "২০১৪ Q3" = the third quarter of 2014: one matcher + one builder
    from pipeline.stages.values.grammar import DATE_GRAMMAR, DateRule
    from pipeline.stages.values.timex import Point, range_value

    def quarter(sc: Any, i: int, relaxed: bool) -> tuple[int, tuple[int, int]] | None:
        num = sc.nums[i]
        q = sc.core(i + 1)
        if num is None or num.ndigits != 4 or not sc.open_after(i) \
                or q not in ("Q1", "Q2", "Q3", "Q4"):
            return None
        return i + 2, (int(num.value), int(q[1]))

    def quarter_point(parts: tuple[int, int]) -> Point | None:
        year, q = parts
        return Point(fixed=range_value((year, 3 * q - 2, None), (year, 3 * q, None)))

    grammar = DATE_GRAMMAR.with_rule(DateRule("quarter", "number", quarter, quarter_point))
    assert [r.name for r in DATE_GRAMMAR.rules][-1] == "month"  # the original is unchanged
    analysis = analysis_of("রপ্তানি ২০১৪ Q3 থেকে বাড়ে।")
    assert dates.find_values(analysis, stages="rule") == []
    found = dates.find_values(analysis, stages="rule", grammar=grammar)
    assert [(s.text, s.norm, s.attrs["granularity"]) for s in found] == [
        ("২০১৪ Q3", "TIMEX3:2014-07/2014-09", "range")]


# -- language variants: bn_IN ---------------------------------------------------------------


def test_bn_in_taka_is_the_indian_rupee() -> None:
    import pipeline

    text = "রাজ্য সরকার ৫০০ কোটি টাকা বরাদ্দ করে।"
    result = pipeline.extract(text, pipeline=pipeline.Pipeline(Config(lang="bn_IN")))
    found = [(m.label, m.text, m.norm) for m in result.analysis.mentions if m.label == "MONEY"]
    assert found == [("MONEY", "৫০০ কোটি টাকা", "MONEY:5000000000:INR")]
    assert "MONEY:5000000000:INR" in set(result.entities.astype(str).stack())


def test_bn_and_bn_in_pipelines_in_one_process() -> None:
    text = "প্রকল্পে ৫০০ কোটি টাকা বিনিয়োগ হয়। ১৪৩০ বঙ্গাব্দের ১ বৈশাখ মেলা বসে।"
    bn = Pipeline(Config(lang="bn", stages="rule"))
    bn_in = Pipeline(Config(lang="bn_IN", stages="rule"))
    for _ in range(2):  # built once each, used in turn: no state leaks between them
        assert ("MONEY", "৫০০ কোটি টাকা", "MONEY:5000000000:BDT") in values(bn, text)
        assert ("MONEY", "৫০০ কোটি টাকা", "MONEY:5000000000:INR") in values(bn_in, text)
    assert ("DATE", "১৪৩০ বঙ্গাব্দের ১ বৈশাখ", "TIMEX3:2023-04-14") in values(bn, text)
    assert ("DATE", "১৪৩০ বঙ্গাব্দের ১ বৈশাখ", "TIMEX3:2023-04-15") in values(bn_in, text)


@pytest.mark.parametrize(("phrase", "revised", "traditional"), [
    ("১৪৩০ বঙ্গাব্দে", "2023", "2023"),  # a year: the same in both reckonings
    ("১৪৩০ বঙ্গাব্দের বৈশাখ মাসে", "2023-04", "2023-04"),  # a month: it begins in April
    ("১৪৩০ বঙ্গাব্দের ১ বৈশাখ", "2023-04-14", "2023-04-15"),  # a day: they differ
    ("১৪৩০ বঙ্গাব্দের ১ শ্রাবণ", "2023-07-16", "2023-07-17"),
    ("১৪৩০ বঙ্গাব্দের ১ মাঘ", "2024-01-15", "2024-01-15"),  # the two agree on some days
    ("১৪৩০ বঙ্গাব্দের ১০ জ্যৈষ্ঠ", "2023-05-24", "2023-05-25"),
])
def test_bengali_calendar_follows_the_pack(phrase: str, revised: str, traditional: str) -> None:
    def value(lang: str) -> list[str]:
        analysis = analysis_of(f"{phrase} উৎসব হয়।")
        vocab = ValueVocabulary.from_pack(load_pack(lang))
        return [s.norm for s in dates.find_values(analysis, stages="rule", vocabulary=vocab)]

    assert value("bn") == [f"TIMEX3:{revised}"]
    assert value("bn_IN") == [f"TIMEX3:{traditional}"]


def test_traditional_calendar_months_run_29_to_32_days() -> None:
    cal = ValueVocabulary.from_pack(load_pack("bn_IN")).bengali_calendar
    for year in (1429, 1430):  # 1430's ফাল্গুন holds 29 February 2024
        lengths = []
        for month in range(1, 13):
            last = max(d for d in range(1, 34) if cal.to_gregorian(year, month, d) is not None)
            lengths.append(last)
        assert all(29 <= n <= 32 for n in lengths), lengths
        assert sum(lengths) in (365, 366)
    # ফাল্গুন 1430 runs through 29 February 2024
    assert cal.to_gregorian(1430, 11, 16) == (2024, 2, 29)
    assert cal.to_gregorian(1430, 1, 1) == (2023, 4, 15)
    assert cal.to_gregorian(1430, 12, 31) == (2024, 4, 14)  # চৈত্র ends the day before বৈশাখ


# -- one QTY unit list: the schema's ----------------------------------------------------------


@pytest.mark.parametrize("lang", available())
def test_every_unit_of_every_pack_is_in_the_schema(lang: str) -> None:
    from pipeline.schema import load_schema

    units = load_pack(lang).yaml("units.yaml")["units"]
    assert set(units.values()) <= load_schema().quantity_units, lang


def test_a_pack_naming_a_unit_outside_the_schema_is_refused(tmp_path: Path) -> None:
    from pipeline.schema import load_schema
    from pipeline.stages.base import BuildContext

    (tmp_path / "pack.yaml").write_text("base: bn\nname: toy\n", encoding="utf-8")
    (tmp_path / "units.yaml").write_text("units:\n  সেন্টিমিটার: cm\n", encoding="utf-8")
    context = BuildContext(Config(), load_pack(tmp_path), load_schema())
    with pytest.raises(ValueError, match="cm"):
        dates.GrammarValueStage(context)


def test_amounts_in_units_outside_the_schema_are_not_quantities(rule_pipeline: Pipeline) -> None:
    text = "সেতুটি ৫০ ফুট উঁচু, জমি ২০ একর, লাইন ১৩২ কিলোভোল্টের, ট্যাংকে ৫ লিটার।"
    assert values(rule_pipeline, text) == [("QUANTITY", "৫ লিটার", "QTY:5:l")]
