"""The NER training data: external sets and the project's gold, as sentences with spans.

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
"""

from __future__ import annotations

import json
import random
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import PROJECT_DIR, SHARED_DIR
from pipeline.stages.ner import trim_span
from pipeline.stages.normalise import normalise_text_plain

ANNOTATIONS_DIR = PROJECT_DIR / "annotations"
PROJECT_REPEAT = 3  # times each project dev sentence is seen per epoch

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
    from pipeline.brat import read_split

    data = read_split(annotations_dir)
    if data is None:
        return None
    # ids may be written as file names ("x.ann"): training pairs them with file stems
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
