"""The normaliser: markup residue goes, Bengali is unified, offsets map back to raw."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.stages.normalise import normalise, normalise_text_plain

# Bengali-heavy text with the troublesome pieces: nukta forms (precomposed and
# decomposed), two-part vowel signs, khanda ta with ZWJ, wiki residue, controls.
BENGALI_PIECES = st.sampled_from(
    [
        "\u09df",
        "\u09af\u09bc",
        "\u09dc",
        "\u09a1\u09bc",
        "\u09dd",
        "\u09c7\u09be",
        "\u09d7",
        "\u09a4\u09cd\u200d",
        "'''",
        "[[",
        "]]",
        "{{",
        "}}",
        "|",
        " == ",
        "\u0964",
        "\u200c",
        "\u00a0",
        "\ufeff",
        "\x01",
        "\n",
        "\u09eb.\u09eb",
        "2.5",
    ]
)
BENGALI_LETTERS = st.characters(min_codepoint=0x0985, max_codepoint=0x09B9, categories=["Lo"])
BENGALI_HEAVY = st.lists(
    st.one_of(
        BENGALI_PIECES,
        st.characters(min_codepoint=0x0980, max_codepoint=0x09FF),
        st.characters(codec="utf-8"),
        st.text(alphabet=BENGALI_LETTERS, max_size=8),
    ),
    max_size=80,
).map("".join)


def check_map(raw: str) -> None:
    norm = normalise(raw)
    assert len(norm.offsets) == len(norm.clean)
    assert all(0 <= o < len(raw) for o in norm.offsets)
    assert all(a <= b for a, b in zip(norm.offsets, norm.offsets[1:], strict=False)), (
        "map not monotonic"
    )
    assert unicodedata.is_normalized("NFC", norm.clean.replace("\n", " "))
    assert "\u200c" not in norm.clean and "\u200d" not in norm.clean


# marks that only meet once the markup or zero-width character between them is
# removed: NFC composes them (e sign + au length mark -> au sign, e + aa -> o sign)
COMPOSE_ACROSS_REMOVED = [
    "\u09c7'''\u09d7",
    "\u0995\u09c7'''\u09d7",
    "\u0995\u09c7[[\u09be]]",
    "\u0995\u09c7]]\u09be",
    "\u0995\u09c7\u200d\u09be",
    "\u0995\u09c7\x01\u09be",
    "\u09af'''\u09bc\u09c7{{x}}\u09d7",
    "\u09ac\u09be\u0982\u09b2\u09be\u09a6\u09c7'''\u09be == \u0987 ==\u09be",
]


@settings(max_examples=300, deadline=None)
@given(BENGALI_HEAVY)
@example(COMPOSE_ACROSS_REMOVED[0])
@example(COMPOSE_ACROSS_REMOVED[2])
@example(COMPOSE_ACROSS_REMOVED[4])
@example(COMPOSE_ACROSS_REMOVED[6])
@example(COMPOSE_ACROSS_REMOVED[7])
@example("\u1100'''\u1161'''\u11a8")  # Hangul jamo compose too
@example("a\u0301\u0316'''\u0300b")  # marks that NFC reorders once the quotes are gone
def test_offset_map_is_monotonic_and_in_range(raw: str) -> None:
    check_map(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=BENGALI_LETTERS, min_size=1, max_size=12))
def test_words_round_trip_through_the_map(word: str) -> None:
    # a word wrapped in residue: the clean span maps back to exactly the raw word
    raw = f"'''{word}''' == ইতিহাস == [[{word}]]"
    norm = normalise(raw)
    start = norm.offsets[0]
    end = norm.offsets[len(normalise_text_plain(word)) - 1] + 1
    assert raw[start:end] == word


def test_marks_meeting_across_removed_markup_compose_and_map_back() -> None:
    for raw in COMPOSE_ACROSS_REMOVED:
        check_map(raw)
        assert normalise(raw).clean == normalise_text_plain(normalise(raw).clean)
    # the e sign and the au length mark either side of bold quotes become one au sign
    norm = normalise("\u0995\u09c7'''\u09d7 \u09a6\u09c7\u09b6")
    assert norm.clean == "\u0995\u09cc \u09a6\u09c7\u09b6"
    # a span ending on the composed sign covers all of its raw parts
    assert norm.offsets[:2] == [0, 5]
    # base letter + e sign + [[ + aa sign: the clean word maps back to the whole raw word
    raw = "\u09ae\u09c7[[\u09be]]\u09a8 \u09a6\u09c7\u09b6"
    norm = normalise(raw)
    word = "\u09ae\u09cb\u09a8"
    assert norm.clean.startswith(word + " ")
    assert raw[norm.offsets[0] : norm.offsets[len(word) - 1] + 1] == raw[: raw.index(" ")]
    assert norm.offsets[len(word)] == raw.index(" ")


def test_heading_positions_follow_composition() -> None:
    raw = "\u0995\u09c7'''\u09be\u0964 == ইতিহাস == দেশ"  # ka + e sign + quotes + aa sign
    norm = normalise(raw)
    assert norm.clean.startswith("\u0995\u09cb\u0964")
    (heading,) = norm.headings
    assert norm.clean[heading.clean_pos - 1] == "\n"
    assert norm.offsets[heading.clean_pos - 1] == raw.index("==")
    assert norm.clean[heading.clean_pos :].strip() == "\u09a6\u09c7\u09b6"


def test_bold_and_links_and_templates_are_removed() -> None:
    raw = "'''বাংলাদেশ–ভারত সম্পর্ক''' বলতে {{তথ্যছক দেশ}} [[ঢাকা|ঢাকার]] সাথে [[দিল্লি]]র সম্পর্ক।"
    norm = normalise(raw)
    assert norm.clean == "বাংলাদেশ–ভারত সম্পর্ক বলতে  ঢাকার সাথে দিল্লির সম্পর্ক।"
    i = norm.clean.index("ঢাকার")
    start, end = norm.offsets[i], norm.offsets[i + len("ঢাকার") - 1] + 1
    assert raw[start:end] == "ঢাকার"


def test_headings_become_boundaries_with_titles() -> None:
    raw = "প্রথম বাক্য। == ইতিহাস == দ্বিতীয় বাক্য। == তথ্যসূত্র == সম্পর্ক"
    norm = normalise(raw)
    assert [h.title for h in norm.headings] == ["ইতিহাস", "তথ্যসূত্র"]
    assert "==" not in norm.clean
    assert norm.clean[norm.headings[0].clean_pos - 1] == "\n"


def test_nukta_forms_are_unified() -> None:
    precomposed = "মাল\u09dfেশি\u09dfা"  # ya+nukta precomposed (U+09DF)
    decomposed = "মাল\u09af\u09bcেশি\u09af\u09bcা"  # ya + nukta sign
    assert precomposed != decomposed
    assert normalise_text_plain(precomposed) == normalise_text_plain(decomposed)
    norm = normalise(precomposed)
    # the one raw character maps to both clean characters
    assert len(norm.clean) == len(precomposed) + 2
    assert norm.offsets[-1] == len(precomposed) - 1


def test_zero_width_and_controls_are_dropped_and_khanda_ta_unified() -> None:
    raw = "র\u200d\u09cdযাব\x07 উৎসব উ\u09a4\u09cd\u200dসব\u00a0শেষ"
    norm = normalise(raw)
    assert norm.clean == "র\u09cdযাব উৎসব উৎসব শেষ"
    check_map(raw)


def test_unclosed_markup_does_not_swallow_text() -> None:
    raw = "[[ঢাকা শহর {{অসমাপ্ত ''' বাংলাদেশ"
    norm = normalise(raw)
    assert "ঢাকা শহর" in norm.clean and "বাংলাদেশ" in norm.clean
    assert "[[" not in norm.clean and "{{" not in norm.clean and "'''" not in norm.clean
