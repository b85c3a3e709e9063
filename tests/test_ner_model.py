"""The NER model stage: data readers/mappings used for training, and the shipped model."""

from __future__ import annotations

import io
import itertools
import json
import unicodedata
from pathlib import Path

import pytest

from pipeline.config import MODELS_DIR
from pipeline.stages.ner import (
    EntityTagger,
    NerModel,
    OpenBlasOps,
    load_confidences,
    tag_chunks,
    tag_scheme_matrices,
    trim_span,
    viterbi_batch,
)
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


# -- the entity tagger: tag scheme, Viterbi decoding, chunks ------------------------------

BILUO_LABELS = ("B-GPE", "B-PERSON", "I-PERSON", "L-GPE", "L-PERSON", "O", "U-GPE", "U-PERSON",
                "I-GPE")
IOB_LABELS = ("B-ORG", "B-PERSON", "I-ORG", "I-PERSON", "O")


def _parts(labels: tuple[str, ...]) -> list[tuple[str, str]]:
    return [("O", "") if lab == "O" else (lab[0], lab[2:]) for lab in labels]


def _well_formed(seq: tuple[int, ...], labels: tuple[str, ...]) -> bool:
    trans, start, end = tag_scheme_matrices(labels)
    if not seq:
        return True
    score = start[seq[0]] + end[seq[-1]] + sum(trans[a, b] for a, b in itertools.pairwise(seq))
    return bool(score == 0)


def test_biluo_scheme_allows_exactly_the_well_formed_moves() -> None:
    idx = {lab: i for i, lab in enumerate(BILUO_LABELS)}
    trans, start, end = tag_scheme_matrices(BILUO_LABELS)
    ok = [("B-PERSON", "I-PERSON"), ("B-PERSON", "L-PERSON"), ("I-PERSON", "L-PERSON"),
          ("L-PERSON", "B-GPE"), ("U-GPE", "U-PERSON"), ("O", "B-PERSON"), ("L-GPE", "O")]
    bad = [("B-PERSON", "O"), ("B-PERSON", "L-GPE"), ("O", "I-PERSON"), ("U-GPE", "L-GPE"),
           ("I-PERSON", "U-PERSON"), ("B-GPE", "B-GPE")]
    assert all(trans[idx[a], idx[b]] == 0 for a, b in ok)
    assert all(trans[idx[a], idx[b]] < 0 for a, b in bad)
    assert start[idx["L-PERSON"]] < 0 and start[idx["I-GPE"]] < 0 and start[idx["U-GPE"]] == 0
    assert end[idx["B-GPE"]] < 0 and end[idx["I-PERSON"]] < 0 and end[idx["L-GPE"]] == 0


def test_iob_scheme_only_forbids_a_dangling_inside() -> None:
    idx = {lab: i for i, lab in enumerate(IOB_LABELS)}
    trans, start, end = tag_scheme_matrices(IOB_LABELS)
    assert trans[idx["B-ORG"], idx["I-ORG"]] == 0 and trans[idx["B-ORG"], idx["O"]] == 0
    assert trans[idx["B-ORG"], idx["I-PERSON"]] < 0 and trans[idx["O"], idx["I-ORG"]] < 0
    assert start[idx["I-PERSON"]] < 0 and not (end < 0).any()


@pytest.mark.parametrize("labels", [BILUO_LABELS, IOB_LABELS])
def test_viterbi_finds_the_best_well_formed_sequence(labels: tuple[str, ...]) -> None:
    """Against brute force over every sequence, in one batch of mixed lengths (incl. 0)."""
    import numpy

    rng = numpy.random.default_rng(7)
    n = len(labels)
    lengths = [3, 0, 1, 4, 2, 4, 1]
    scores = [rng.normal(size=(k, n)).astype("f") for k in lengths]
    decoded = viterbi_batch(scores, *tag_scheme_matrices(labels))
    assert [len(d) for d in decoded] == lengths
    for doc_scores, got in zip(scores, decoded, strict=True):
        k = len(doc_scores)
        candidates = [
            seq for seq in itertools.product(range(n), repeat=k) if _well_formed(seq, labels)
        ]
        best = max(candidates, key=lambda seq: sum(doc_scores[i, t] for i, t in enumerate(seq)))
        assert tuple(got) == best


def test_viterbi_repairs_an_ill_formed_argmax() -> None:
    import numpy

    idx = {lab: i for i, lab in enumerate(BILUO_LABELS)}
    scores = numpy.full((3, len(BILUO_LABELS)), -5.0, dtype="f")
    # argmax alone would say I-PERSON, I-PERSON, O: an entity without start or end
    scores[0, idx["I-PERSON"]], scores[0, idx["B-PERSON"]] = 2.0, 1.5
    scores[1, idx["I-PERSON"]], scores[1, idx["L-PERSON"]] = 2.0, 1.9
    scores[2, idx["O"]] = 3.0
    (got,) = viterbi_batch([scores], *tag_scheme_matrices(BILUO_LABELS))
    assert [BILUO_LABELS[i] for i in got] == ["B-PERSON", "L-PERSON", "O"]


def test_tag_chunks_reads_biluo_and_iob() -> None:
    biluo = ["U-GPE", "O", "B-PERSON", "I-PERSON", "L-PERSON", "U-PERSON"]
    ids = [BILUO_LABELS.index(t) for t in biluo]
    assert tag_chunks(ids, _parts(BILUO_LABELS)) == [(0, 1, "GPE"), (2, 5, "PERSON"),
                                                      (5, 6, "PERSON")]
    iob = ["B-ORG", "I-ORG", "B-ORG", "O", "B-PERSON", "I-PERSON"]
    ids = [IOB_LABELS.index(t) for t in iob]
    assert tag_chunks(ids, _parts(IOB_LABELS)) == [(0, 2, "ORG"), (2, 3, "ORG"),
                                                    (4, 6, "PERSON")]
    assert tag_chunks([], _parts(IOB_LABELS)) == []


def test_openblas_ops_multiply_like_thinc() -> None:
    import numpy
    from thinc.api import NumpyOps

    rng = numpy.random.default_rng(0)
    x = rng.normal(size=(37, 24)).astype("f")
    y = rng.normal(size=(24, 11)).astype("f")
    ours, thinc_ops = OpenBlasOps(), NumpyOps()
    for a, b, t1, t2 in [(x, y, False, False), (x.T.copy(), y, True, False),
                         (x, y.T.copy(), False, True)]:
        expected = thinc_ops.gemm(a, b, trans1=t1, trans2=t2)
        assert numpy.allclose(ours.gemm(a, b, trans1=t1, trans2=t2), expected, atol=1e-4)
    out = numpy.zeros((37, 11), dtype="f")
    assert ours.gemm(x, y, out=out) is out
    assert numpy.allclose(out, x @ y, atol=1e-4)


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


def test_shipped_model_is_the_entity_tagger_with_a_confidence_per_label(
    shipped: NerModel,
) -> None:
    assert isinstance(shipped.nlp.pipeline[-1][1], EntityTagger)
    confidence = load_confidences(SHIPPED)
    assert set(confidence) == {"PERSON", "ORG", "GPE", "DATE"}
    assert all(0.0 < p < 1.0 for p in confidence.values())
    assert shipped.confidence == confidence


def test_fast_path_gives_the_spans_of_doc_ents(shipped: NerModel) -> None:
    """predict_texts decodes the tags itself; nlp.pipe writes doc.ents: same spans."""
    texts = [
        "২০১৯ সালের মার্চ মাসে ভারতের রাষ্ট্রপতি রামনাথ কোবিন্দ ঢাকা সফর করেন।",
        "",
        "জাতিসংঘের মহাসচিব আন্তোনিও গুতেরেস ১৫ জানুয়ারি ২০২০ তারিখে নিউ ইয়র্কে বলেন।",
        "এরপর বাংলাদেশের প্রধানমন্ত্রী শেখ হাসিনা নয়াদিল্লিতে যান।",
    ]
    fast = shipped.predict_texts(texts)
    via_ents = [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in shipped.nlp.pipe(texts)
    ]
    assert fast == [[(*trim_span(t, a, b), lab) for a, b, lab in d]
                    for t, d in zip(texts, via_ents, strict=True)]
    assert fast[1] == [] and any(fast)


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
    assert isinstance(model.nlp.pipeline[-1][1], EntityTagger)
    assert isinstance(model.predict_texts(["রাষ্ট্রপতি আবদুল হামিদ ঢাকায়।"])[0], list)
    # the training docs carry BILUO tags: the tagger learnt labels of that scheme
    labels = model.nlp.pipeline[-1][1].labels
    assert "O" in labels and any(lab.startswith(("L-", "U-")) for lab in labels)
