"""Train and evaluate the NER model shipped under models/ner/ (`bnevents train`).

Data (read from ../shared at training time only; nothing is copied into the repo):
- ner-rifat1493 train split (CoNLL, B-/I- PER ORG LOC + IO-style TIM),
- ner-banglakit (JSONL text + BILOU tags over a spaCy-style tokenisation),
- the project's `dev` gold (annotations/*.ann listed as dev in annotations/split.json;
  skipped while that file does not exist).
ner-multiconer is NOT used: its licence is not stated where the copy came from.

Every label set is mapped onto the model's four labels (MODEL_LABELS):
PER/PERSON -> PERSON, ORG -> ORG, LOC/GPE/COUNTRY -> GPE, TIM/DATE -> DATE; banglakit
LAW and project MONEY/QUANTITY/event triggers are dropped (tagged O). All text is
normalised with `normalise_text_plain` (the prediction path normalises documents
the same way), then re-tokenised with spaCy's blank `bn` tokenizer so training
sees exactly the tokens the pipeline sees.

Two candidates are trained on the same examples: a spaCy pipeline (config in
models/ner/train.cfg: tok2vec + a tagger over BILUO entity tags, decoded by
pipeline/ner_model.py) and bnlp's CRF tagger (`CRFTaggerTrainer`, its own word
features over the same spaCy tokens). Both are scored entity-level strict
(seqeval, conlleval-style chunks) on the ner-rifat1493 test split and on the
project's `test` gold. The spaCy model is what the pipeline loads.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import shutil
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import MODELS_DIR, PROJECT_DIR, SHARED_DIR
from pipeline.stages.ner import MODEL_LABELS, trim_span
from pipeline.stages.normalise import normalise_text_plain

ANNOTATIONS_DIR = PROJECT_DIR / "annotations"
TRAIN_CONFIG = MODELS_DIR / "ner" / "train.cfg"
PROJECT_REPEAT = 3  # times each project dev sentence is seen per epoch
TAG_SCHEME = "BILUO"  # entity tags the tagger learns: BILUO or IOB2 (MODEL_CARD.md compares)
PAPER_F1 = 72.66  # Rifat et al. 2019 (BGRU), the README of Rifat1493/Bengali-NER

# source tag type -> model label; types absent from a map are dropped (O)
RIFAT_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "TIM": "DATE"}
BANGLAKIT_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "DATE": "DATE"}
BRAT_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "COUNTRY": "GPE", "LOC": "GPE", "DATE": "DATE"}
_RIFAT_RAW_TAGS = ("B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "TIM", "O")

Spans = list[tuple[int, int, str]]  # (start, end, label) character spans


@dataclass
class TokenSentence:
    """A sentence of an external data set: normalised words and IOB2 tags in model labels."""

    words: list[str]
    tags: list[str]
    spaces: list[bool] = field(default_factory=list)  # whitespace after each word

    def __post_init__(self) -> None:
        if not self.spaces:
            self.spaces = [True] * len(self.words)


@dataclass
class Example:
    """One training/evaluation sentence: clean text and its entity character spans."""

    text: str
    spans: Spans
    source: str = ""


# -- reading the external data ------------------------------------------------


def read_conll_lines(lines: Iterable[str]) -> list[list[tuple[str, str]]]:
    """Sentences of (token, raw tag) from ner-rifat1493's `token<TAB>tag` lines.

    Quirks handled (see its SOURCE.md): a BOM at the file start, lines with an
    empty token (dropped), extra tab columns (the first non-empty field is the
    token, the last the tag), a tag glued to its token (`ফেব্রুয়ারিরTIM`), and a
    token with no tag at all (taken as O).
    """
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        if i == 0:
            line = line.lstrip("\ufeff")
        line = line.rstrip("\r\n")
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        fields = [f for f in line.split("\t") if f.strip()]
        if not line.split("\t")[0].strip():
            continue  # empty token: nothing to tag
        token = fields[0].strip()
        tag = fields[-1].strip() if len(fields) > 1 else ""
        if not tag:
            token, tag = _unglue_tag(token)
        current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences


def _unglue_tag(token: str) -> tuple[str, str]:
    for tag in _RIFAT_RAW_TAGS:
        if token.endswith(tag) and len(token) > len(tag) and not token[: -len(tag)].isascii():
            return token[: -len(tag)], tag
    return token, "O"


def rifat_to_iob2(tags: list[str]) -> list[str]:
    """Map rifat1493 tags to IOB2 in model labels.

    TIM is IO-style: a maximal run of TIM becomes one DATE chunk. An I- tag that
    does not continue a chunk of its type starts one (conlleval's reading).
    """
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag == "TIM":
            label, inside = "DATE", prev == "DATE"
        elif tag[:2] in ("B-", "I-") and tag[2:] in RIFAT_LABELS:
            label = RIFAT_LABELS[tag[2:]]
            inside = tag[0] == "I" and prev == label
        else:
            out.append("O")
            prev = "O"
            continue
        out.append(("I-" if inside else "B-") + label)
        prev = label
    return out


def biluo_to_iob2(tags: list[str], labels: dict[str, str]) -> list[str]:
    """BILOU tags (banglakit) to IOB2 in model labels; unmapped types become O."""
    out = []
    for tag in tags:
        if tag == "O" or tag[2:] not in labels:
            out.append("O")
        else:
            out.append(("B-" if tag[0] in "BU" else "I-") + labels[tag[2:]])
    return out


def clean_token_sentence(words: list[str], tags: list[str], spaces: list[bool]) -> TokenSentence:
    """Normalise each word; drop words that normalise to nothing (ZWNJ, NBSP-only tokens)."""
    out_w: list[str] = []
    out_t: list[str] = []
    out_s: list[bool] = []
    pending_b = ""
    for word, tag, space in zip(words, tags, spaces, strict=True):
        clean = normalise_text_plain(word).strip()
        if not clean:
            if tag.startswith("B-"):
                pending_b = tag[2:]  # a chunk's first word vanished: the next one opens it
            if out_s:
                out_s[-1] = True  # the vanished token was whitespace-like: keep words apart
            continue
        if pending_b and tag == "I-" + pending_b:
            tag = "B-" + pending_b
        pending_b = ""
        out_w.append(clean)
        out_t.append(tag)
        out_s.append(space)
    return TokenSentence(out_w, out_t, out_s)


def read_rifat(path: Path) -> list[TokenSentence]:
    with open(path, encoding="utf-8") as fh:
        raw = read_conll_lines(fh)
    return [
        clean_token_sentence([w for w, _ in s], rifat_to_iob2([t for _, t in s]), [True] * len(s))
        for s in raw
    ]


def read_banglakit_lines(lines: Iterable[str], tokenizer: Any) -> tuple[list[TokenSentence], int]:
    """Sentences of ner-banglakit; returns them and the number skipped.

    Its tags align with a spaCy tokenisation of the raw text (including
    whitespace tokens such as NBSP), so the raw text is tokenised with the same
    blank `bn` tokenizer; lines whose token count differs (7 of 3,545) are skipped.
    """
    out: list[TokenSentence] = []
    skipped = 0
    for line in lines:
        line = line.lstrip("\ufeff").strip()
        if not line:
            continue
        text, tags = json.loads(line)
        doc = tokenizer(text)
        if len(doc) != len(tags):
            skipped += 1
            continue
        out.append(
            clean_token_sentence(
                [t.text for t in doc],
                biluo_to_iob2(tags, BANGLAKIT_LABELS),
                [bool(t.whitespace_) for t in doc],
            )
        )
    return out, skipped


def iob2_chunks(tags: list[str]) -> list[tuple[int, int, str]]:
    """(first, last+1, label) token chunks of an IOB2 sequence."""
    chunks: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if tag.startswith("I-") and label == tag[2:]:
            continue
        if label:
            chunks.append((start, i, label))
        start, label = (i, tag[2:]) if tag != "O" else (-1, "")
    return chunks


def sentence_layout(sent: TokenSentence) -> tuple[str, list[tuple[int, int]]]:
    """The sentence text (words joined by their spacing) and each word's character span."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for word, space in zip(sent.words, sent.spaces, strict=True):
        offsets.append((pos, pos + len(word)))
        parts.append(word + (" " if space else ""))
        pos += len(word) + (1 if space else 0)
    return "".join(parts).rstrip(" "), offsets


def to_example(sent: TokenSentence, source: str) -> Example:
    text, offsets = sentence_layout(sent)
    spans: Spans = []
    for a, b, label in iob2_chunks(sent.tags):
        s, e = trim_span(text, offsets[a][0], offsets[b - 1][1])
        if s < e:
            spans.append((s, e, label))
    return Example(text, spans, source)


# -- project gold (brat) ------------------------------------------------------


def load_split(annotations_dir: Path = ANNOTATIONS_DIR) -> dict[str, list[str]] | None:
    """annotations/split.json as {"dev": [doc ids], "test": [doc ids]}, or None if absent."""
    path = annotations_dir / "split.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: [Path(str(d)).stem for d in v] for k, v in data.items() if isinstance(v, list)}


def read_brat_entities(ann_text: str) -> Spans:
    """Text-bound entity annotations of a .ann file, in model labels (raw offsets)."""
    spans: Spans = []
    for line in ann_text.splitlines():
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        head = parts[1].split(" ")
        if head[0] not in BRAT_LABELS or ";" in parts[1]:
            continue
        spans.append((int(head[1]), int(head[2]), BRAT_LABELS[head[0]]))
    return spans


def analyse_for_ner(text: str, doc_id: str = "doc") -> Any:
    """Normalise and segment a document exactly as the pipeline does before the NER stage."""
    from pipeline.model import Document
    from pipeline.stages.segment import prepare

    analysis = prepare(Document(doc_id, text))
    return analysis


def brat_examples(txt_path: Path) -> list[Example]:
    """Sentences of one gold document with their entity spans (clean, sentence-relative)."""
    text = txt_path.read_text(encoding="utf-8")
    gold = read_brat_entities(txt_path.with_suffix(".ann").read_text(encoding="utf-8"))
    analysis = analyse_for_ner(text, txt_path.stem)
    offsets = analysis.offsets
    per_sentence: dict[int, Spans] = {}
    for start, end, label in gold:
        cs, ce = bisect_left(offsets, start), bisect_left(offsets, end)
        idx = analysis.sentence_at(cs)
        if idx < 0 or ce <= cs:
            continue
        sent = analysis.sentences[idx]
        if ce > sent.cend:
            continue  # crosses a sentence boundary: cannot be learnt per sentence
        per_sentence.setdefault(idx, []).append((cs - sent.cstart, ce - sent.cstart, label))
    return [
        Example(analysis.clean[s.cstart:s.cend], per_sentence.get(s.index, []), txt_path.stem)
        for s in analysis.sentences
    ]


# -- building the corpora -------------------------------------------------------


@dataclass
class Corpus:
    train: list[Example]
    dev: list[Example]  # held out from training, used only to pick the best spaCy model
    stats: dict[str, Any]


def blank_nlp() -> Any:
    import spacy

    return spacy.blank("bn")


def build_corpus(
    shared_dir: Path = SHARED_DIR,
    annotations_dir: Path = ANNOTATIONS_DIR,
    *,
    dev_fraction: float = 0.1,
    seed: int = 0,
    limit: int = 0,
) -> Corpus:
    """All training examples, shuffled and split train/dev (rifat1493 test is never used)."""
    data = shared_dir / "data"
    nlp = blank_nlp()
    rifat = read_rifat(data / "ner-rifat1493" / "train_data.txt")
    examples = [to_example(s, "rifat1493") for s in rifat]
    with open(data / "ner-banglakit" / "main.jsonl", encoding="utf-8") as fh:
        bk, bk_skipped = read_banglakit_lines(fh, nlp.tokenizer)
    examples += [to_example(s, "banglakit") for s in bk]
    split = load_split(annotations_dir)
    project_docs = sorted(split.get("dev", [])) if split else []
    project: list[Example] = []
    for doc_id in project_docs:
        path = annotations_dir / f"{doc_id}.txt"
        if path.is_file() and path.with_suffix(".ann").is_file():
            project += brat_examples(path)
    examples = [e for e in examples + project if e.text.strip()]
    rng = random.Random(seed)
    rng.shuffle(examples)
    if limit:
        examples = examples[:limit]
    n_dev = max(1, int(len(examples) * dev_fraction))
    dev, train = examples[:n_dev], examples[n_dev:]
    # the project's own gold is the only in-domain (Wikipedia, bilateral relations) data and
    # is small next to the news sets: its training sentences are repeated so they weigh more
    extra = [e for e in train if e.source not in ("rifat1493", "banglakit")]
    train = train + extra * (PROJECT_REPEAT - 1)
    rng.shuffle(train)
    counts: dict[str, int] = {}
    for e in examples:
        key = e.source if e.source in ("rifat1493", "banglakit") else "project-dev"
        counts[key] = counts.get(key, 0) + 1
    stats = {
        "sentences": counts,
        "banglakit_skipped_misaligned": bk_skipped,
        "project_dev_docs": project_docs,
        "project_repeat": PROJECT_REPEAT,
        "split_json": split is not None,
        "train": len(train),
        "dev": len(dev),
    }
    return Corpus(train, dev, stats)


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
    from seqeval.metrics import classification_report

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
