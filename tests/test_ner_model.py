"""The NER model stage: data readers/mappings used for training, and the shipped model."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest

from pipeline.config import MODELS_DIR
from pipeline.ner_model import NerModel, trim_span
from pipeline.train import (
    Corpus,
    Example,
    TokenSentence,
    analyse_for_ner,
    biluo_to_iob2,
    iob2_chunks,
    read_banglakit_lines,
    read_brat_entities,
    read_conll_lines,
    rifat_to_iob2,
    spans_to_token_tags,
    to_example,
)
from pipeline.train import blank_nlp as make_blank
from pipeline.train import read_rifat as read_rifat_file
from pipeline.train import train_spacy as train_spacy_model

SHIPPED = MODELS_DIR / "ner"


# -- readers and tag mapping (inline samples with the data sets' quirks) -------------------


def test_conll_reader_handles_bom_empty_token_glued_and_extra_columns() -> None:
    lines = [
        "\ufeffবরুড়া\tB-LOC\n",
        "\tO\n",  # empty token
        "থানার\tO\n",
        "ফেব্রুয়ারিরTIM\t\n",  # tag glued to the token
        "২০০৭\tTIM\t\n",  # extra empty column
        "রোনালদোরই\t\tB-PER\n",  # tag in the third column
        "২১\t\n",  # no tag at all
        "\n",
        "ঢাকা\tB-LOC\n",
    ]
    sents = read_conll_lines(lines)
    assert sents == [
        [
            ("বরুড়া", "B-LOC"), ("থানার", "O"), ("ফেব্রুয়ারির", "TIM"), ("২০০৭", "TIM"),
            ("রোনালদোরই", "B-PER"), ("২১", "O"),
        ],
        [("ঢাকা", "B-LOC")],
    ]
    assert not sents[0][0][0].startswith("\ufeff")


def test_rifat_tags_map_to_model_labels() -> None:
    tags = ["B-PER", "I-PER", "O", "TIM", "TIM", "B-LOC", "I-ORG", "I-ORG", "O", "TIM"]
    assert rifat_to_iob2(tags) == [
        "B-PERSON", "I-PERSON", "O", "B-DATE", "I-DATE", "B-GPE", "B-ORG", "I-ORG", "O", "B-DATE",
    ]
    # initials each tagged B-PER stay separate chunks, as the gold has them
    assert iob2_chunks(rifat_to_iob2(["B-PER", "B-PER", "I-PER"])) == [
        (0, 1, "PERSON"), (1, 3, "PERSON"),
    ]


def test_banglakit_biluo_mapping_drops_law() -> None:
    tags = ["U-GPE", "B-LAW", "I-LAW", "L-LAW", "B-PERSON", "L-PERSON", "U-DATE", "O"]
    iob = biluo_to_iob2(tags, {"PERSON": "PERSON", "GPE": "GPE", "DATE": "DATE", "ORG": "ORG"})
    assert iob == ["B-GPE", "O", "O", "O", "B-PERSON", "I-PERSON", "B-DATE", "O"]


def test_banglakit_reader_normalises_and_skips_misaligned_lines() -> None:
    # precomposed য় (U+09DF) as in the data; an NBSP that spaCy makes a token of its own
    precomposed = "\u09aa\u09cd\u09b0\u09a7\u09be\u09a8\u09ae\u09a8\u09cd\u09a4\u09cd\u09b0\u09c0"
    text = "প্রধানমন্ত্রী শেখ হাসিনা ঢাকা\u09df\u00a0 ফিরেছেন।"
    tags = ["O", "B-PERSON", "L-PERSON", "U-GPE", "O", "O", "O"]
    bad = json.dumps(["এক দুই", ["O"]], ensure_ascii=False)
    lines = io.StringIO(json.dumps([text, tags], ensure_ascii=False) + "\n" + bad + "\n")
    sents, skipped = read_banglakit_lines(lines, make_blank().tokenizer)
    assert skipped == 1 and len(sents) == 1
    sent = sents[0]
    assert "\u09df" not in "".join(sent.words)  # nukta letters unified (NFC decomposes য়)
    assert all(w.strip() for w in sent.words)  # the NBSP token is gone
    ex = to_example(sent, "banglakit")
    found = [(ex.text[a:b], label) for a, b, label in ex.spans]
    assert found == [("শেখ হাসিনা", "PERSON"), ("ঢাকা\u09af\u09bc", "GPE")]
    assert precomposed not in ex.text or unicodedata.is_normalized("NFC", ex.text)


def test_example_spans_never_keep_punctuation() -> None:
    sent = TokenSentence(["‘ঝলম", "ইউনিয়ন", "যুবলীগের", "কর্মী", "মাসুম,"],
                         ["B-GPE", "O", "B-ORG", "O", "B-PERSON"])
    ex = to_example(sent, "test")
    assert [(ex.text[a:b], lab) for a, b, lab in ex.spans] == [
        ("ঝলম", "GPE"), ("যুবলীগের", "ORG"), ("মাসুম", "PERSON"),
    ]
    assert trim_span("(ঢাকা)।", 0, 7) == (1, 5)


def test_predicted_spans_project_onto_dataset_words() -> None:
    offsets = [(0, 3), (4, 8), (9, 13), (14, 16)]
    assert spans_to_token_tags([(4, 13, "PERSON")], offsets) == ["O", "B-PERSON", "I-PERSON", "O"]


def test_brat_reader_maps_country_and_loc_to_gpe() -> None:
    ann = "T1\tCOUNTRY 0 4\tঘানা\nT2\tVISIT 10 15\tসফর\nT3\tLOC 20 25\tআক্রা\nT4\tMONEY 30 35\tx\n" \
          "T5\tPERSON 40 45\tকোফি\nR1\tAffiliation Arg1:T5 Arg2:T1\n"
    assert read_brat_entities(ann) == [(0, 4, "GPE"), (20, 25, "GPE"), (40, 45, "PERSON")]


def test_rifat_reader_on_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mini.txt"
    path.write_text("\ufeffশেখ\tB-PER\nহাসিনা\tI-PER\n\tO\nবলেন\tO\n\n", encoding="utf-8")
    sents = read_rifat_file(path)
    assert sents[0].words == ["শেখ", "হাসিনা", "বলেন"]
    assert sents[0].tags == ["B-PERSON", "I-PERSON", "O"]


# -- the shipped model --------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> NerModel:
    model = NerModel(SHIPPED)
    assert model.available, f"the NER model must be committed under {SHIPPED}"
    return model


def test_missing_model_dir_disables_the_stage(tmp_path: Path) -> None:
    model = NerModel(tmp_path / "nothing-here")
    assert model.available is False
    analysis = analyse_for_ner("বাংলাদেশের রাষ্ট্রপতি মোহাম্মদ সাহাবুদ্দিন ঢাকায় আছেন।")
    assert model.predict(analysis) == []


def test_shipped_model_tags_a_president_as_person(shipped: NerModel) -> None:
    text = (
        "== ইতিহাস ==\n২০১৯ সালের মার্চ মাসে ভারতের রাষ্ট্রপতি রামনাথ কোবিন্দ ঢাকা সফর করেন। "
        "এরপর বাংলাদেশের প্রধানমন্ত্রী শেখ হাসিনা নয়াদিল্লিতে যান।"
    )
    analysis = analyse_for_ner(text)
    spans = shipped.predict(analysis)
    persons = {s.text for s in spans if s.label == "PERSON"}
    assert "রামনাথ কোবিন্দ" in persons
    assert "শেখ হাসিনা" in persons
    for s in spans:
        assert text[s.start:s.end] == s.text
        assert s.label in ("PERSON", "ORG", "GPE", "DATE")
        assert s.source == "model" and 0.0 < s.confidence <= 1.0
        assert s.sentence_index >= 0
        assert not unicodedata.category(s.text[-1]).startswith("P")
        assert not unicodedata.category(s.text[0]).startswith("P")


def test_shipped_model_keeps_raw_offsets_through_normalisation(shipped: NerModel) -> None:
    # ZWNJ and a precomposed য় in the raw text: clean offsets differ from raw ones
    text = "'''মালয়\u09df\u200cশিয়া''' ও তাজিকিস্তানের রাষ্ট্রপতি ইমোমালি রাহমোন কুয়ালালামপুরে যান।"
    analysis = analyse_for_ner(text)
    for s in shipped.predict(analysis):
        assert text[s.start:s.end] == s.text
        assert "'" not in s.text


# -- a tiny smoke training (seconds, no ../shared needed) -----------------------------------


def test_smoke_training_produces_a_loadable_model(tmp_path: Path) -> None:
    sentences = [
        ("রাষ্ট্রপতি আবদুল হামিদ ঢাকায় ফিরেছেন।", [(11, 22, "PERSON"), (23, 28, "GPE")]),
        ("জাতিসংঘ ২০১৫ সালে প্রস্তাব নেয়।", [(0, 7, "ORG"), (8, 17, "DATE")]),
    ]
    examples = [Example(t, s, "test") for t, s in sentences]
    for ex in examples:
        for a, b, _ in ex.spans:
            assert ex.text[a:b].strip() == ex.text[a:b]
    corpus = Corpus(examples * 4, examples, {})
    out = tmp_path / "model"
    info = train_spacy_model(
        corpus, tmp_path / "work", out,
        overrides={"training.max_steps": 4, "training.eval_frequency": 2},
    )
    assert info["spans_dropped_misaligned"] == 0
    model = NerModel(out)
    assert model.available
    assert isinstance(model.predict_texts(["রাষ্ট্রপতি আবদুল হামিদ ঢাকায়।"])[0], list)
