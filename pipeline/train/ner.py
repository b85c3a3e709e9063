"""The two NER candidates: training them on a Corpus and scoring them.

A spaCy pipeline (config in models/ner/train.cfg: tok2vec + a tagger over BILUO
entity tags, decoded by pipeline/stages/ner) and bnlp's CRF tagger
(`CRFTaggerTrainer`, its own word features over the same spaCy tokens). Both are
scored entity-level strict (seqeval, conlleval-style chunks) on the ner-rifat1493
test split and on the project's `test` gold. The spaCy model is what the pipeline
loads.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import MODELS_DIR, SHARED_DIR
from pipeline.stages.ner import MODEL_LABELS, trim_span
from pipeline.train.corpora import (
    ANNOTATIONS_DIR,
    Corpus,
    Example,
    Spans,
    analyse_for_ner,
    blank_nlp,
    iob2_chunks,
    load_split,
    read_brat_entities,
    read_rifat,
    sentence_layout,
)

TRAIN_CONFIG = MODELS_DIR / "ner" / "train.cfg"
TAG_SCHEME = "BILUO"  # entity tags the tagger learns: BILUO or IOB2 (MODEL_CARD.md compares)
PAPER_F1 = 72.66  # Rifat et al. 2019 (BGRU), the README of Rifat1493/Bengali-NER


def make_doc(nlp: Any, example: Example) -> tuple[Any, int]:
    """A spaCy Doc with the example's entities; returns it and the number of spans dropped."""
    from spacy.training.iob_utils import doc_to_biluo_tags
    from spacy.util import filter_spans

    doc = nlp.make_doc(example.text)
    ents = []
    dropped = 0
    for start, end, label in example.spans:
        span = doc.char_span(start, end, label=label, alignment_mode="contract")
        if span is None or len(span) == 0:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None or len(span) == 0:
            dropped += 1
            continue
        ents.append(span)
    kept = filter_spans(ents)
    doc.ents = kept
    # the same entities as BILUO tags, the target of the shipped tagger (pipeline/ner_model.py)
    if TAG_SCHEME == "BILUO":
        tags = doc_to_biluo_tags(doc)
    else:
        tags = ["O" if t.ent_iob_ == "O" else f"{t.ent_iob_}-{t.ent_type_}" for t in doc]
    for token, tag in zip(doc, tags, strict=True):
        token.tag_ = tag
    return doc, dropped + len(ents) - len(kept)


def write_docbin(examples: list[Example], path: Path) -> int:
    from spacy.tokens import DocBin

    nlp = blank_nlp()
    db = DocBin(store_user_data=False)
    dropped = 0
    for ex in examples:
        doc, lost = make_doc(nlp, ex)
        dropped += lost
        db.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return dropped


# -- candidate 1: spaCy --------------------------------------------------------

_SPACY_MODEL_FILES = ("config.cfg", "meta.json", "tokenizer")  # + one folder per component


def train_spacy(
    corpus: Corpus, work_dir: Path, out_dir: Path, *, config: Path = TRAIN_CONFIG,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train the spaCy NER with `config` and install model-best into `out_dir`."""
    from spacy.cli.train import train as spacy_train

    from pipeline.stages.ner import register_spacy_parts

    register_spacy_parts()
    work_dir.mkdir(parents=True, exist_ok=True)
    dropped = write_docbin(corpus.train, work_dir / "train.spacy")
    dropped += write_docbin(corpus.dev, work_dir / "dev.spacy")
    run_dir = work_dir / "spacy-run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    settings = {
        "paths.train": str(work_dir / "train.spacy"), "paths.dev": str(work_dir / "dev.spacy"),
    }
    settings.update(overrides or {})
    started = time.monotonic()
    spacy_train(config, run_dir, overrides=settings, use_gpu=-1)
    seconds = time.monotonic() - started
    best = run_dir / "model-best"
    install_model(best, out_dir)
    return {"train_seconds": round(seconds, 1), "spans_dropped_misaligned": dropped}


def install_model(best: Path, out_dir: Path) -> None:
    """Replace the spaCy files of out_dir by those of `best`; the card and train.cfg stay.

    Every sub-folder of a model folder is a spaCy one (vocab and one per component), so
    all are replaced: a component the new pipeline no longer has must not linger.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for target in out_dir.iterdir():
        if target.is_dir():
            shutil.rmtree(target)
        elif target.name in _SPACY_MODEL_FILES:
            target.unlink()
    for src in best.iterdir():
        if src.is_dir():
            shutil.copytree(src, out_dir / src.name)
        else:
            shutil.copy2(src, out_dir / src.name)


def spacy_predictor(model_dir: Path) -> Callable[[list[str]], list[Spans]]:
    from pipeline.stages.ner import NerModel

    model = NerModel(model_dir)
    if not model.available:
        raise FileNotFoundError(f"no spaCy NER model in {model_dir}")
    return model.predict_texts


# -- candidate 2: bnlp CRF -------------------------------------------------------


def crf_sentences(examples: list[Example]) -> list[list[tuple[str, str]]]:
    """(token, IOB2 tag) sentences over spaCy tokens: bnlp's training format."""
    nlp = blank_nlp()
    out = []
    for ex in examples:
        doc, _ = make_doc(nlp, ex)
        pairs = [
            (t.text, "O" if t.ent_iob_ == "O" else f"{t.ent_iob_}-{t.ent_type_}")
            for t in doc
            if not t.is_space
        ]
        if pairs:
            out.append(pairs)
    return out


def train_crf(corpus: Corpus, work_dir: Path) -> tuple[Path, dict[str, Any]]:
    """Train bnlp's CRF tagger (default sklearn-crfsuite settings) into work_dir.

    CRFTaggerTrainer prints progress to stdout and pickles the model; the output
    is swallowed and the pickle stays in the (untracked) work directory.
    """
    from pipeline.train.bnlp_import import import_bnlp

    bnlp = import_bnlp()
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / "crf-ner.pkl"
    train, dev = crf_sentences(corpus.train), crf_sentences(corpus.dev)
    started = time.monotonic()
    with contextlib.redirect_stdout(io.StringIO()):
        bnlp.CRFTaggerTrainer().train(str(path), train, dev)
    return path, {"train_seconds": round(time.monotonic() - started, 1)}


def crf_predictor(pickle_path: Path) -> Callable[[list[str]], list[Spans]]:
    """Predict with a CRF pickle that this module wrote itself (never an outside pickle)."""
    import pickle

    from pipeline.train.bnlp_import import import_bnlp

    import_bnlp()
    from bnlp.utils.utils import features

    with open(pickle_path, "rb") as fh:
        crf = pickle.load(fh)  # our own file, written by train_crf
    tokenizer = blank_nlp().tokenizer

    def predict(texts: list[str]) -> list[Spans]:
        out: list[Spans] = []
        for text in texts:
            toks = [t for t in tokenizer(text) if not t.is_space]
            if not toks:
                out.append([])
                continue
            words = [t.text for t in toks]
            tags = crf.predict_single([features(words, i) for i in range(len(words))])
            spans: Spans = []
            for a, b, label in iob2_chunks(_repair_iob2(tags)):
                s, e = trim_span(text, toks[a].idx, toks[b - 1].idx + len(toks[b - 1].text))
                if s < e:
                    spans.append((s, e, label))
            out.append(spans)
        return out

    return predict


def _repair_iob2(tags: list[str]) -> list[str]:
    out, prev = [], "O"
    for tag in tags:
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


# -- evaluation ------------------------------------------------------------------


def spans_to_token_tags(spans: Spans, offsets: list[tuple[int, int]]) -> list[str]:
    """IOB2 tags over the data set's own words: a word is inside a span if they overlap."""
    tags = ["O"] * len(offsets)
    for start, end, label in sorted(spans):
        first = True
        for i, (a, b) in enumerate(offsets):
            if a < end and b > start:
                tags[i] = ("B-" if first else "I-") + label
                first = False
    return tags


def evaluate_rifat_test(
    predict: Callable[[list[str]], list[Spans]], shared_dir: Path = SHARED_DIR,
) -> dict[str, Any]:
    """Entity-level strict P/R/F1 per type (seqeval, conlleval chunks) on rifat1493 test.

    Gold: rifat1493 tags mapped by RIFAT_LABELS (PER->PERSON, ORG->ORG, LOC->GPE,
    TIM runs->DATE). Predictions are projected onto the data set's own words.
    """
    from pipeline.extras import require

    seqeval_metrics = require("seqeval.metrics", "train", "scoring the NER candidates")
    classification_report = seqeval_metrics.classification_report
    sents = read_rifat(shared_dir / "data" / "ner-rifat1493" / "test_data.txt")
    sents = [s for s in sents if s.words]
    layouts = [sentence_layout(s) for s in sents]
    texts = [t for t, _ in layouts]
    # CPU time of this process, not wall time: the figure stays meaningful on a busy machine
    started = time.process_time()
    predicted = predict(texts)
    seconds = time.process_time() - started
    y_pred = [spans_to_token_tags(p, offs) for p, (_, offs) in zip(predicted, layouts, strict=True)]
    y_true = [s.tags for s in sents]
    report = classification_report(y_true, y_pred, output_dict=True, digits=4, zero_division=0)
    result = _report_to_scores(report)
    result["sentences"] = len(sents)
    result["sentences_per_second"] = round(len(sents) / seconds, 1) if seconds else None
    return result


def _report_to_scores(report: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, vals in report.items():
        name = "micro" if key == "micro avg" else key
        if name in (*MODEL_LABELS, "micro"):
            out[name] = {
                "p": round(100 * vals["precision"], 2),
                "r": round(100 * vals["recall"], 2),
                "f1": round(100 * vals["f1-score"], 2),
                "support": int(vals["support"]),
            }
    return out


def evaluate_project(
    predict: Callable[[list[str]], list[Spans]], doc_ids: list[str],
    annotations_dir: Path = ANNOTATIONS_DIR,
) -> dict[str, Any]:
    """Strict span+type P/R/F1 against project gold (COUNTRY and LOC both count as GPE)."""
    tp: dict[str, int] = dict.fromkeys(MODEL_LABELS, 0)
    n_pred = dict(tp)
    n_gold = dict(tp)
    used = []
    for doc_id in doc_ids:
        txt = annotations_dir / f"{doc_id}.txt"
        if not (txt.is_file() and txt.with_suffix(".ann").is_file()):
            continue
        used.append(doc_id)
        text = txt.read_text(encoding="utf-8")
        gold = set(read_brat_entities(txt.with_suffix(".ann").read_text(encoding="utf-8")))
        analysis = analyse_for_ner(text, doc_id)
        texts = [analysis.clean[s.cstart:s.cend] for s in analysis.sentences]
        pred = set()
        for sent, spans in zip(analysis.sentences, predict(texts), strict=True):
            for a, b, label in spans:
                start, end = analysis.raw_span(sent.cstart + a, sent.cstart + b)
                pred.add((start, end, label))
        for label in MODEL_LABELS:
            g = {s for s in gold if s[2] == label}
            p = {s for s in pred if s[2] == label}
            tp[label] += len(g & p)
            n_pred[label] += len(p)
            n_gold[label] += len(g)
    result: dict[str, Any] = {"docs": used}
    for label in (*MODEL_LABELS, "micro"):
        t = sum(tp.values()) if label == "micro" else tp[label]
        p_n = sum(n_pred.values()) if label == "micro" else n_pred[label]
        g_n = sum(n_gold.values()) if label == "micro" else n_gold[label]
        prec = t / p_n if p_n else 0.0
        rec = t / g_n if g_n else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        result[label] = {
            "p": round(100 * prec, 2), "r": round(100 * rec, 2), "f1": round(100 * f1, 2),
            "support": g_n,
        }
    return result


def project_eval_docs(annotations_dir: Path = ANNOTATIONS_DIR) -> tuple[list[str], str]:
    """The project's held-out gold: split.json's test docs, or (no split yet) all gold docs."""
    split = load_split(annotations_dir)
    if split is not None:
        return sorted(split.get("test", [])), "test split"
    docs = sorted(p.stem for p in annotations_dir.glob("*.ann"))
    return docs, "all gold docs (no annotations/split.json yet; none used in training)"


def format_scores(title: str, scores: dict[str, Any]) -> str:
    lines = [title, f"  {'type':8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}"]
    for label in (*MODEL_LABELS, "micro"):
        if label in scores:
            s = scores[label]
            lines.append(
                f"  {label:8} {s['p']:6.2f} {s['r']:6.2f} {s['f1']:6.2f} {s['support']:6d}"
            )
    return "\n".join(lines)


def evaluate_all(
    predict: Callable[[list[str]], list[Spans]], shared_dir: Path = SHARED_DIR,
    annotations_dir: Path = ANNOTATIONS_DIR,
) -> dict[str, Any]:
    docs, what = project_eval_docs(annotations_dir)
    return {
        "rifat1493_test": evaluate_rifat_test(predict, shared_dir),
        "project": {"what": what, **evaluate_project(predict, docs, annotations_dir)},
    }


def print_report(name: str, scores: dict[str, Any], echo: Callable[[str], None] = print) -> None:
    rt = scores["rifat1493_test"]
    echo(format_scores(
        f"[{name}] ner-rifat1493 test, entity-level strict (seqeval); paper F1 {PAPER_F1}:", rt
    ))
    if rt.get("sentences_per_second"):
        echo(
            f"  speed: {rt['sentences_per_second']} sentences/s of CPU time "
            f"({rt['sentences']} sentences)"
        )
    pj = scores["project"]
    echo(format_scores(f"[{name}] project gold, {pj['what']} ({len(pj['docs'])} docs):", pj))

