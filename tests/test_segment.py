"""Sections, sentences and tokens on real Bengali text, with raw offsets."""

from __future__ import annotations

from pipeline import Pipeline
from pipeline.model import Document
from pipeline.stages.segment import split_sentences


def analyse(text: str):
    return Pipeline().analyse(Document("t", text))


def sentence_texts(text: str) -> list[str]:
    return [s.text for s in analyse(text).sentences]


def test_splits_on_danda_question_exclamation_and_double_danda() -> None:
    text = "ঢাকা বাংলাদেশের রাজধানী। এটি কি বড় শহর? হ্যাঁ, অনেক বড়! কবিতা শেষ॥ শেষ বাক্য"
    assert sentence_texts(text) == [
        "ঢাকা বাংলাদেশের রাজধানী।",
        "এটি কি বড় শহর?",
        "হ্যাঁ, অনেক বড়!",
        "কবিতা শেষ॥",
        "শেষ বাক্য",
    ]


def test_never_splits_inside_numbers_or_after_bengali_abbreviations() -> None:
    text = (
        "২০১৩ সালে বাণিজ্য ছিল ৫.৫ বিলিয়ন ডলার এবং প্রবৃদ্ধি 2.5 শতাংশ। "
        "ড. মুহাম্মদ ইউনূস ও মো. আবদুল হামিদ খ্রি. পূর্ব যুগ নিয়ে ডা. রহমানের সাথে কথা বলেন।"
    )
    assert len(sentence_texts(text)) == 2


def test_latin_full_stop_ends_a_sentence_but_not_after_abbreviations() -> None:
    text = "চুক্তির নাম Treaty of Friendship. পরের বাক্য শুরু হয়। Dr. Smith এখানে আসেন।"
    assert sentence_texts(text) == [
        "চুক্তির নাম Treaty of Friendship.",
        "পরের বাক্য শুরু হয়।",
        "Dr. Smith এখানে আসেন।",
    ]


def test_sentence_and_token_offsets_point_into_raw_text() -> None:
    raw = "'''ভারত–নেপাল সম্পর্ক''' বলতে দুই দেশের সম্পর্ক বোঝায়। == ইতিহাস == ১৯৫০ সালে চুক্তি হয়।"
    analysis = analyse(raw)
    assert [s.title for s in analysis.sections] == ["", "ইতিহাস"]
    for sent in analysis.sentences:
        assert raw[sent.start : sent.end] == sent.text
        for tok in sent.tokens:
            assert sent.start <= tok.start < tok.end <= sent.end
            assert "'" not in raw[tok.start : tok.end]
    assert analysis.sentences[1].section == 1
    assert [t.text for t in analysis.sentences[1].tokens][:2] == ["১৯৫০", "সালে"]


def test_split_sentences_trims_whitespace() -> None:
    text = "  প্রথম।   দ্বিতীয়।  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["প্রথম।", "দ্বিতীয়।"]


def test_seed_sections_sentences_and_category_tail(seed_text: str) -> None:
    analysis = analyse(seed_text)
    titles = [s.title for s in analysis.sections]
    assert titles == ["", "ইতিহাস", "অর্থনৈতিক সম্পর্ক", "শিক্ষা সম্পর্ক", "তথ্যসূত্র"]
    assert analysis.sentences, "no sentences"
    for sent in analysis.sentences:
        assert seed_text[sent.start : sent.end] == sent.text
    # the trailing category words are not a sentence, and the references section has none
    assert all(analysis.sections[s.section].title != "তথ্যসূত্র" for s in analysis.sentences)
    assert not analysis.sentences[-1].text.endswith("সম্পর্ক")
    # ৫.৫ stays inside one sentence
    money = [s for s in analysis.sentences if "৫.৫" in s.text]
    assert len(money) == 1 and money[0].text.endswith("মার্কিন ডলার।")
    # every sentence ends with a terminator: nothing was cut mid-way
    assert all(s.text.rstrip("'")[-1] in "।?!" for s in analysis.sentences)


def test_markup_conventions_come_from_the_pack_the_stage_is_built_from(tmp_path) -> None:
    """markup.yaml is read when the stage is built: an overlay pack that lists ইতিহাস as a
    references heading drops that section's sentences, in the same process as the default."""
    from pipeline.config import Config
    from pipeline.lang import load_pack
    from pipeline.model import Analysis
    from pipeline.schema import load_schema
    from pipeline.stages.base import BuildContext
    from pipeline.stages.normalise import Markup, NormaliseStage
    from pipeline.stages.segment import SegmentStage, prepare

    (tmp_path / "pack.yaml").write_text("base: bn\nname: test\n", encoding="utf-8")
    (tmp_path / "markup.yaml").write_text("reference_sections: [ইতিহাস]\n", encoding="utf-8")
    text = "প্রথম বাক্য। == ইতিহাস == ১৯৫০ সালে চুক্তি হয়।"

    def sentences(pack_name: str) -> list[str]:
        context = BuildContext(Config(), load_pack(pack_name), load_schema())
        analysis = Analysis(Document("t", text))
        NormaliseStage(context)(analysis)
        SegmentStage(context)(analysis)
        return [s.text for s in analysis.sentences]

    assert sentences("bn") == ["প্রথম বাক্য।", "১৯৫০ সালে চুক্তি হয়।"]
    assert sentences(str(tmp_path)) == ["প্রথম বাক্য।"]
    overlay = Markup.from_pack(load_pack(str(tmp_path)))
    assert overlay is Markup.from_pack(load_pack(str(tmp_path)))  # built once per pack
    assert [s.text for s in prepare(Document("t", text), overlay).sentences] == ["প্রথম বাক্য।"]
