"""Hypothesis strategies for hostile Bengali input, shared property checks, case counting.

The text strategies mix what real dump text is made of (words of the shipped corpus,
Bengali numbers, scale words, months, wiki markup) with what breaks naive code:
combining marks without a base, nukta forms both composed and decomposed, ZWJ/ZWNJ,
control characters, lone surrogates, other scripts, very long lines and numbers far
beyond any real amount. Real words matter: without them the entity, date and event
stages would see nothing they recognise and their deeper code paths would go untried.

`count(entry_point)` records one generated case; tests/robustness/conftest.py writes
the totals to a JSON report that `python tests/robustness/report.py` prints.
"""

from __future__ import annotations

import collections
import functools
import itertools
import os
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROJECT = Path(__file__).resolve().parents[2]
CORPUS = PROJECT / "corpus"

# -- profiles: a modest, deterministic one for `make test`, a long one for `make fuzz`
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "robust")
if PROFILE not in ("robust", "fuzz"):
    PROFILE = "robust"
SCALE = float(os.environ.get("BNEVENTS_FUZZ_SCALE", "1"))
_COMMON: dict[str, Any] = dict(
    deadline=None,  # the first call loads models; speed is bench/'s business, not ours
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
    print_blob=True,
)
# derandomized in the suite: the same cases every run, so `make test` cannot flake;
# the fuzz profile draws new cases every time (failures are kept in .hypothesis/)
settings.register_profile("robust", derandomize=True, database=None, **_COMMON)
settings.register_profile("fuzz", derandomize=False, **_COMMON)


def fuzz_settings(robust: int, fuzz: int) -> settings:
    """Settings for one property: `robust` examples in the suite, `fuzz` under `make fuzz`."""
    n = robust if PROFILE == "robust" else max(1, int(fuzz * SCALE))
    return settings(settings.get_profile(PROFILE), max_examples=n)


# -- counting ------------------------------------------------------------------
COUNTS: collections.Counter[str] = collections.Counter()
OUTCOMES: collections.Counter[str] = collections.Counter()


def count(entry_point: str) -> None:
    """One generated case was run through `entry_point`."""
    COUNTS[entry_point] += 1


def outcome(entry_point: str, what: str, n: int = 1) -> None:
    """How a case ended, when that is worth a line in the report (ok / error ...)."""
    OUTCOMES[f"{entry_point}: {what}"] += n


# -- alphabets ---------------------------------------------------------------------
def _assigned(lo: int, hi: int) -> list[str]:
    import unicodedata

    return [chr(c) for c in range(lo, hi + 1) if unicodedata.category(chr(c)) != "Cn"]


BENGALI = _assigned(0x0980, 0x09FF)
BN_LETTERS = [c for c in BENGALI if "\u0985" <= c <= "\u09b9"]
BN_SIGNS = [c for c in BENGALI if "\u09bc" <= c <= "\u09d7" or c in "\u0981\u0982\u0983"]
BN_DIGITS = [chr(c) for c in range(0x09E6, 0x09F0)]
NUKTA_FORMS = [
    "য়", "য\u09bc", "ড়", "ড\u09bc", "ঢ়", "ঢ\u09bc",  # composed and decomposed
    "র\u200d\u09cdয", "ত\u09cd\u200d", "ৎ", "\u09bc\u09bc", "\u09cd\u09cd",
]
ZERO_WIDTH = ["\u200c", "\u200d", "\u200b", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u2060"]
CONTROLS = [chr(c) for c in range(0, 32)] + ["\x7f", "\x85", "\u2028", "\u2029"]
SPACES = [" ", " ", " ", "\t", "\n", "\r\n", "\r", "\n\n", "\u00a0", "\u3000", "\u202f",
          "\u2009", "\x0b", "\x0c"]
PUNCT = ["।", "॥", ".", ",", "?", "!", "-", "–", "—", "―", "(", ")", "'", '"', "‘", "’",
         "“", "”", ":", ";", "/", "%", "৳", "$", "[", "]", "{", "}", "…"]
COMBINING = ["\u0300", "\u0301", "\u0308", "\u0327", "\u20dd", "\u09bc", "\u09cd", "\u09be",
             "\u09c7", "\u09d7", "\u0981", "\ufe0f"]
OTHER = ["a", "Z", "Mr.", "J.", "U.S.", "km", "MW", "USD", "देश", "हिन्दी", "عربی", "中文",
         "🇧🇩", "👍🏽", "\ud800", "\udfff", "\ue000", "\U0010ffff", "𝟙𝟚", "٣", "१२"]
MARKUP = ["[[", "]]", "{{", "}}", "'''", "''", "'''''", "==", "===", "|", "<ref>", "</ref>",
          "<ref name=\"a\"/>", "<br>", "<br/>", "<", ">", "&nbsp;", "[[বিষয়শ্রেণী:",
          "[[চিত্র:x.jpg|", "== ইতিহাস ==", "\n== তথ্যসূত্র ==\n", "{{cite web|url=x",
          "[[ভারত|", "[http://x.org ", "<!--", "-->", "{|", "|}", "__TOC__"]
# words the stages look for (kept small and generic; most vocabulary comes from corpus/)
KEYWORDS = [
    "কোটি", "লাখ", "লক্ষ", "হাজার", "মিলিয়ন", "বিলিয়ন", "ট্রিলিয়ন", "টাকা", "ডলার", "মার্কিন ডলার",
    "রুপি", "ইউরো", "কিলোমিটার", "মেগাওয়াট", "টন", "সালে", "সালের", "সাল", "খ্রিস্টাব্দে",
    "বঙ্গাব্দে", "হিজরি", "জানুয়ারি", "ফেব্রুয়ারি", "মার্চ", "এপ্রিল", "মে", "জুন", "জুলাই",
    "আগস্ট", "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর", "বৈশাখ", "রমজান", "মাসে", "তারিখে",
    "দশকে", "শতাব্দীতে", "একই বছর", "পরের বছর", "থেকে", "পর্যন্ত", "এর", "-এর", "ও", "এবং",
    "ভারত", "বাংলাদেশের", "মালয়েশিয়া", "তাজিকিস্তানের", "চীন", "যুক্তরাষ্ট্র", "ঢাকায়",
    "প্রধানমন্ত্রী", "রাষ্ট্রপতি", "পররাষ্ট্রমন্ত্রী", "মন্ত্রণালয়", "বিশ্ববিদ্যালয়", "সরকার",
    "চুক্তি", "স্বাক্ষরিত", "সফর", "করেন", "বৈঠক", "সাহায্য", "ঋণ", "নিন্দা", "দূতাবাস",
    "না", "নি", "সম্ভবত", "সম্পর্ক",
]


@functools.cache
def corpus_words() -> list[str]:
    """The most frequent whitespace words of the shipped corpus (project data, not ../shared)."""
    counts: collections.Counter[str] = collections.Counter()
    for path in sorted(CORPUS.glob("*.txt")):
        counts.update(re.findall(r"\S+", path.read_text(encoding="utf-8")))
    words = [w for w, _ in counts.most_common(3000)]
    return words or KEYWORDS


def _to_bn(digits: str) -> str:
    return digits.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))


@st.composite
def numbers(draw: st.DrawFn) -> str:
    """Numbers as written: Bengali or ASCII digits, grouped, decimals, huge, with a scale."""
    n = draw(st.one_of(st.integers(0, 99), st.integers(1000, 2100),
                       st.integers(0, 10**6), st.integers(0, 10**40)))
    s = str(n)
    style = draw(st.integers(0, 5))
    if style == 1 and len(s) > 3:
        s = f"{int(s):,}"  # 12,345,678
    elif style == 2 and len(s) > 3:  # Indian grouping 1,23,45,678
        head, tail = s[:-3], s[-3:]
        s = ",".join(re.findall(r"\d{1,2}", head[::-1]))[::-1] + "," + tail
    elif style == 3:
        s = f"{s}.{draw(st.integers(0, 10**6))}"
    elif style == 4:
        s = f"{s}.{draw(st.integers(0, 99))}.{draw(st.integers(0, 9))}"  # 1.2.3
    if draw(st.booleans()):
        s = _to_bn(s)
    tail = draw(st.sampled_from(["", "", " কোটি", " হাজার কোটি", " লাখ", " বিলিয়ন",
                                 " মিলিয়ন মার্কিন ডলার", " কোটি টাকা", " টাকা", " ডলার",
                                 " কিলোমিটার", " মেগাওয়াট", " সালে", " সালের", "-এর দশকে",
                                 " জুন", "%", "টি", "তম", "-২০১৫", "–১৯৯১ সাল"]))
    return s + tail


@st.composite
def date_phrases(draw: st.DrawFn) -> str:
    """Day-month-year phrases with valid and invalid parts (31 ফেব্রুয়ারি, day 0, year 99999)."""
    day = draw(st.integers(0, 40))
    month = draw(st.sampled_from([*KEYWORDS[18:30], "বৈশাখ", "রমজান", "মহররম", "মাঘ"]))
    year = draw(st.integers(0, 99999))
    parts = [str(day), month, str(year)]
    if draw(st.booleans()):
        parts = [_to_bn(p) for p in parts]
    shape = draw(st.integers(0, 3))
    if shape == 1:
        return f"{parts[0]}-{_to_bn(str(day + 3))} {parts[1]} {parts[2]} সালে"
    if shape == 2:
        return f"{parts[1]} {parts[2]}"
    if shape == 3:
        return f"{parts[2]} থেকে {_to_bn(str(year + draw(st.integers(-5, 30))))} সাল পর্যন্ত"
    return " ".join(parts)


def _long_run(piece: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(piece, st.integers(50, 3000)).map(lambda p: p[0] * p[1])


def fragments() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(corpus_words()),
        st.sampled_from(corpus_words()),
        st.sampled_from(KEYWORDS),
        numbers(),
        date_phrases(),
        st.sampled_from(SPACES),
        st.sampled_from(SPACES),
        st.sampled_from(PUNCT),
        st.sampled_from(MARKUP),
        st.sampled_from(NUKTA_FORMS),
        st.sampled_from(ZERO_WIDTH),
        st.sampled_from(CONTROLS),
        st.sampled_from(COMBINING),
        st.sampled_from(OTHER),
        st.text(st.sampled_from(BENGALI), min_size=1, max_size=8),
        st.text(st.sampled_from(BN_LETTERS + BN_SIGNS + BN_DIGITS + ZERO_WIDTH), max_size=12),
        st.text(max_size=6),  # anything at all, surrogates included
    )


def _bengali_text(frags: list[str]) -> str:
    return "".join(frags)


# Mostly fragment soup; sometimes a very long line of one fragment, or plain random text.
bengali_text = st.one_of(
    st.lists(fragments(), max_size=80).map(_bengali_text),
    st.lists(fragments(), max_size=80).map(_bengali_text),
    st.lists(fragments(), max_size=80).map(_bengali_text),
    st.lists(st.one_of(fragments(), _long_run(fragments())), max_size=6).map(_bengali_text),
    st.text(max_size=200),
)


@st.composite
def sentences_text(draw: st.DrawFn) -> str:
    """Sentence-shaped text (words separated by spaces, ending in a danda): reaches the
    entity/event rules more often than fragment soup does."""
    out = []
    for _ in range(draw(st.integers(1, 6))):
        words = draw(st.lists(st.one_of(st.sampled_from(corpus_words()),
                                        st.sampled_from(KEYWORDS), numbers(), date_phrases(),
                                        fragments()), min_size=1, max_size=25))
        out.append(" ".join(words) + draw(st.sampled_from(["।", "।", " ।", "?", "", "\n"])))
    return " ".join(out)


any_text = st.one_of(bengali_text, sentences_text())


# -- property checks shared by the tests -----------------------------------------
def check_offsets_map(raw: str, clean: str, offsets: list[int]) -> None:
    assert len(offsets) == len(clean)
    assert all(0 <= o < len(raw) for o in offsets), "offset outside the raw text"
    assert all(a <= b for a, b in itertools.pairwise(offsets)), "not monotonic"


def check_span(raw: str, span: Any, clean: str | None = None) -> None:
    """A span points into the raw text, is non-empty and (for values) well-formed."""
    from pipeline.brat import country_code_ok, norm_problem
    from pipeline.schema import load_schema

    assert 0 <= span.start < span.end <= len(raw), (span.start, span.end, len(raw))
    assert raw[span.start : span.end] == span.text
    if clean is not None and span.cstart >= 0:
        assert 0 <= span.cstart < span.cend <= len(clean)
    if span.label in load_schema().mention_types:
        if span.label in load_schema().value_types or span.label == "COUNTRY":
            assert norm_problem(span.label, span.norm) == "", (span.label, span.norm, span.text)
        if span.affiliation:
            assert country_code_ok(span.affiliation), span.affiliation
    assert 0.0 <= span.confidence <= 1.0


def check_analysis(analysis: Any) -> None:
    """Every span, sentence, token and event of a finished analysis points into raw."""
    from pipeline.schema import load_schema

    raw, clean = analysis.doc.text, analysis.clean
    if analysis.status != "ok":
        assert analysis.error, "a failed document needs its reason"
        return
    check_offsets_map(raw, clean, analysis.offsets)
    prev_end = 0
    for sent in analysis.sentences:
        assert raw[sent.start : sent.end] == sent.text
        assert sent.start >= prev_end or sent.start == sent.end, "sentences overlap"
        prev_end = sent.end
        for tok in sent.tokens:
            assert sent.start <= tok.start <= tok.end <= sent.end
            assert clean[tok.cstart : tok.cend] == tok.text
    for m in analysis.mentions:
        assert m.label in load_schema().mention_types, m.label
        check_span(raw, m, clean)
    for e in analysis.events:
        assert e.event_type in load_schema().event_types, e.event_type
        assert 0 <= e.trigger.start < e.trigger.end <= len(raw)
        assert raw[e.trigger.start : e.trigger.end] == e.trigger.text
        for role, arg in e.args.items():
            assert role, "an argument needs a role"
            if arg.start >= 0:
                check_span(raw, arg, clean)
        assert 0.0 <= e.confidence <= 1.0
