"""Train and evaluate the NER model shipped under models/ner/ (`bnevents train`).

    corpora.py   the training data: ner-rifat1493, ner-banglakit and the project's dev
                 gold, mapped onto the model's labels (MODEL_LABELS) as clean sentences
    ner.py       the two candidates (spaCy, bnlp's CRF): training, prediction, scoring
    this module  `run_training`, the entry point: build the corpus, train, score, write
                 models/ner/scores.json

Training needs the `[train]` extra (bnlp-toolkit, sklearn-crfsuite, seqeval).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import MODELS_DIR, PROJECT_DIR, SHARED_DIR
from pipeline.train.corpora import (
    ANNOTATIONS_DIR,
    BANGLAKIT_LABELS,
    BRAT_LABELS,
    PROJECT_REPEAT,
    RIFAT_LABELS,
    Corpus,
    Example,
    Spans,
    TokenSentence,
    analyse_for_ner,
    biluo_to_iob2,
    blank_nlp,
    brat_examples,
    build_corpus,
    clean_token_sentence,
    iob2_chunks,
    load_split,
    read_banglakit_lines,
    read_brat_entities,
    read_conll_lines,
    read_rifat,
    rifat_to_iob2,
    sentence_layout,
    to_example,
)
from pipeline.train.ner import (
    PAPER_F1,
    TAG_SCHEME,
    TRAIN_CONFIG,
    crf_predictor,
    crf_sentences,
    evaluate_all,
    evaluate_project,
    evaluate_rifat_test,
    format_scores,
    install_model,
    make_doc,
    print_report,
    project_eval_docs,
    spacy_predictor,
    spans_to_token_tags,
    train_crf,
    train_spacy,
    write_docbin,
)

__all__ = [
    "ANNOTATIONS_DIR", "BANGLAKIT_LABELS", "BRAT_LABELS", "PAPER_F1", "PROJECT_REPEAT",
    "RIFAT_LABELS", "TAG_SCHEME", "TRAIN_CONFIG", "Corpus", "Example", "Spans",
    "TokenSentence", "analyse_for_ner", "biluo_to_iob2", "blank_nlp", "brat_examples",
    "build_corpus", "clean_token_sentence", "crf_predictor", "crf_sentences", "evaluate_all",
    "evaluate_project", "evaluate_rifat_test", "format_scores", "install_model", "iob2_chunks",
    "load_split", "make_doc", "print_report", "project_eval_docs", "read_banglakit_lines",
    "read_brat_entities", "read_conll_lines", "read_rifat", "rifat_to_iob2", "run_training",
    "sentence_layout", "spacy_predictor", "spans_to_token_tags", "to_example", "train_crf",
    "train_spacy", "write_docbin",
]


def run_training(
    *, shared_dir: Path = SHARED_DIR, annotations_dir: Path = ANNOTATIONS_DIR,
    work_dir: Path = PROJECT_DIR / "build" / "ner", out_dir: Path = MODELS_DIR / "ner",
    candidates: tuple[str, ...] = ("spacy", "crf"), eval_only: bool = False,
    echo: Callable[[str], None] = print, config: Path = TRAIN_CONFIG,
) -> dict[str, Any]:
    """Train the candidates, score them, write out_dir/scores.json; returns all scores."""
    if not (shared_dir / "data").is_dir():
        raise FileNotFoundError(f"training needs the external data under {shared_dir}/data")
    results: dict[str, Any] = {}
    corpus = None
    if not eval_only:
        corpus = build_corpus(shared_dir, annotations_dir)
        echo(f"data: {json.dumps(corpus.stats, ensure_ascii=False)}")
        results["data"] = corpus.stats
    if "spacy" in candidates:
        info = {} if corpus is None else train_spacy(corpus, work_dir, out_dir, config=config)
        scores = evaluate_all(spacy_predictor(out_dir), shared_dir, annotations_dir)
        results["spacy"] = {**info, **scores}
        print_report("spacy", scores, echo)
        if info:
            echo(f"  training time: {info['train_seconds']} s")
    if "crf" in candidates:
        pkl = work_dir / "crf-ner.pkl"
        info = {}
        if corpus is not None:
            pkl, info = train_crf(corpus, work_dir)
        if pkl.is_file():
            scores = evaluate_all(crf_predictor(pkl), shared_dir, annotations_dir)
            results["crf"] = {**info, **scores}
            print_report("crf", scores, echo)
            if info:
                echo(f"  training time: {info['train_seconds']} s")
        else:
            echo(f"[crf] no trained CRF at {pkl}; run without --eval-only first")
    if not eval_only:
        path = out_dir / "scores.json"
        previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        for name in ("spacy", "crf"):
            if name not in results and name in previous:
                # a candidate not retrained this time keeps its figures, marked as older
                results[name] = {**previous[name], "from_earlier_run": True}
        path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return results
