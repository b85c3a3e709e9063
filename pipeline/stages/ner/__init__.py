"""Stage 3b: the trained NER model (a small spaCy pipeline shipped under models/ner/).

The model proposes PERSON, ORG, GPE and DATE spans; whether a GPE is a COUNTRY
or a LOC is decided later by the rule stage / merge (gazetteer), and DATE spans
go to the dates stage as proposals. It is loaded from the repository only:
never from a hub, never a pickle. When the model directory is missing (or does
not load), `available` is False, `predict` returns [] and one warning goes to
stderr, so the pipeline still runs on rules alone.

Confidence: the tagger's Viterbi-decoded spans have no calibrated per-span score,
so each span carries the strict precision of its label on the held-out
model-selection set, which spaCy records in models/ner/meta.json
(performance.ents_per_type, from the tagger's scorer) when it saves the best
model; 1.0 stands in for a label with no measured precision.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

import numpy
from spacy.pipeline import Tagger
from thinc.api import NumpyOps, Ops, get_current_ops, set_current_ops
from threadpoolctl import ThreadpoolController

from pipeline.model import Analysis, Span
from pipeline.stages.base import BuildContext, register

MODEL_LABELS = ("PERSON", "ORG", "GPE", "DATE")
_BATCH = 256  # sentences per spaCy batch
Spans = list[tuple[int, int, str]]  # (start, end, label) character spans
_warned = False


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        print(f"warning: {message}", file=sys.stderr)
        _warned = True


def _is_edge_junk(ch: str) -> bool:
    """Punctuation or space, which a mention never starts or ends with (guidelines section 1)."""
    return ch.isspace() or unicodedata.category(ch)[0] == "P"


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) of `text` past leading/trailing punctuation and spaces."""
    while start < end and _is_edge_junk(text[start]):
        start += 1
    while end > start and _is_edge_junk(text[end - 1]):
        end -= 1
    return start, end


# -- the entity tagger -------------------------------------------------------------------
# The shipped model is spaCy's `tagger` architecture (tok2vec + one softmax per token) trained
# on BILUO entity tags (B-PERSON, I-PERSON, L-PERSON, U-GPE, O, ...), decoded by a Viterbi
# search that only allows well-formed tag sequences, and written to doc.ents. It replaced
# spaCy's transition-based `ner`, whose per-token state-machine step checks the validity of
# every move in code that re-acquires the GIL each time: that loop alone cost more than the
# whole tok2vec (models/ner/MODEL_CARD.md, "Why a tagger"). A pipeline with an `ner`
# component still loads and predicts through doc.ents the same way.

ENTITY_TAGGER = "bnevents_entity_tagger"
ENTITY_SCORER = "bnevents.entity_tagger_scorer.v1"
_NEG = -1e9  # log-score of a forbidden transition


def tag_scheme_matrices(labels: tuple[str, ...]) -> tuple[Any, Any, Any]:
    """(transition, start, end) additive log-score masks for the tagger's labels.

    BILUO when any label starts with L- or U-, IOB2 otherwise. Forbidden: I-/L- not
    continuing B-/I- of the same type; in BILUO also anything but I-/L- after B-/I-, and
    a sequence that starts inside or ends inside an entity.
    """
    parts = [("O", "") if lab == "O" else (lab[0], lab[2:]) for lab in labels]
    biluo = any(code in "LU" for code, _ in parts)
    n = len(labels)
    trans = numpy.zeros((n, n), dtype="f")
    start = numpy.zeros(n, dtype="f")
    end = numpy.zeros(n, dtype="f")
    for j, (code, label) in enumerate(parts):
        if code in "IL":
            start[j] = _NEG
        if biluo and code in "BI":
            end[j] = _NEG
        for i, (prev_code, prev_label) in enumerate(parts):
            if code in "IL":
                ok = prev_code in "BI" and prev_label == label
            else:  # B, U, O: in BILUO an open chunk must be closed by L first
                ok = not (biluo and prev_code in "BI")
            if not ok:
                trans[i, j] = _NEG
    return trans, start, end


def viterbi_batch(scores: list[Any], trans: Any, start: Any, end: Any) -> list[list[int]]:
    """Best well-formed tag sequence (label indices) per document of a batch.

    `scores` are the softmax layer's logits (n_tokens x n_labels) per document: their
    per-token log-normaliser is the same for every path, so they rank paths exactly like
    log-probabilities. The masks only forbid moves (0 or -1e9), so where each token's
    best label already forms a well-formed sequence, that sequence is the optimum: the
    search runs only for the other documents (a minority for a trained model).
    """
    lengths = numpy.array([len(s) for s in scores], dtype="i")
    out: list[list[int]] = [[] for _ in scores]
    if not lengths.sum():
        return out
    flat = numpy.concatenate([s for s in scores if len(s)])
    ids = flat.argmax(axis=1)
    doc_of = numpy.repeat(numpy.arange(len(scores)), lengths)
    firsts = numpy.cumsum(lengths) - lengths
    nonempty = lengths > 0
    ill = numpy.zeros(len(scores), dtype=bool)
    step_bad = (trans[ids[:-1], ids[1:]] < 0) & (doc_of[:-1] == doc_of[1:])
    ill[doc_of[:-1][step_bad]] = True
    ill[nonempty] |= start[ids[firsts[nonempty]]] < 0
    ill[nonempty] |= end[ids[(firsts + lengths - 1)[nonempty]]] < 0
    for i in numpy.flatnonzero(nonempty & ~ill).tolist():
        out[i] = ids[firsts[i]:firsts[i] + lengths[i]].tolist()
    redo = numpy.flatnonzero(ill).tolist()
    for i, path in zip(redo, _viterbi_search([scores[i] for i in redo], trans, start, end),
                       strict=True):
        out[i] = path
    return out


def _viterbi_search(scores: list[Any], trans: Any, start: Any, end: Any) -> list[list[int]]:
    """The Viterbi search proper, for documents with at least one token.

    Vectorised with numpy over the documents (one step per token position, not per
    document and token: a Python loop per token costs more than the tagger itself); the
    documents are sorted longest first so that step t only touches those still running.
    """
    if not scores:
        return []
    lengths = numpy.array([len(s) for s in scores], dtype="i")
    order = numpy.argsort(-lengths, kind="stable")
    lens = lengths[order]
    n_docs, n_labels, width = len(scores), trans.shape[0], int(lens[0])
    emit = numpy.zeros((n_docs, width, n_labels), dtype="f")
    for row, i in enumerate(order.tolist()):
        emit[row, : lengths[i]] = scores[i]
    # running[t]: how many (sorted) documents are longer than t
    running = numpy.searchsorted(-lens, -numpy.arange(width), side="left")
    best = emit[:, 0] + start
    back = numpy.zeros((width, n_docs, n_labels), dtype="i")
    for t in range(1, width):
        k = int(running[t])
        cand = best[:k, :, None] + trans  # [doc, previous label, label]
        back[t, :k] = cand.argmax(axis=1)
        best[:k] = cand.max(axis=1) + emit[:k, t]
    path = numpy.zeros((n_docs, width), dtype="i")
    path[numpy.arange(n_docs), lens - 1] = (best + end).argmax(axis=1)
    for t in range(width - 1, 0, -1):
        k = int(running[t])
        path[:k, t - 1] = back[t, numpy.arange(k), path[:k, t]]
    out: list[list[int]] = [[] for _ in scores]
    for row, i in enumerate(order.tolist()):
        out[i] = path[row, : lengths[i]].tolist()
    return out


def tag_chunks(tag_ids: list[int], parts: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(first token, last token + 1, label) of each entity in a decoded tag sequence.

    parts[i] is label i split into its code (B, I, L, U or O) and entity type. BILUO:
    L and U close a chunk; IOB2: a B or I not followed by an I does. Types outside
    MODEL_LABELS are skipped.
    """
    chunks = []
    begin = -1
    last = len(tag_ids) - 1
    for i, tag_id in enumerate(tag_ids):
        code, label = parts[tag_id]
        if code in "BU":
            begin = i
        if code in "LU" or (code in "BI" and (i == last or parts[tag_ids[i + 1]][0] not in "IL")):
            if begin >= 0 and label in MODEL_LABELS:
                chunks.append((begin, i + 1, label))
            begin = -1
    return chunks


class EntityTagger(Tagger):
    """spaCy's Tagger over BILUO (or IOB2) entity tags, decoded into well-formed doc.ents."""

    def _scheme(self) -> tuple[Any, Any, Any, list[tuple[str, str]]]:
        """Transition masks and (code, type) per label, rebuilt when the labels change."""
        labels = self.labels
        if getattr(self, "_scheme_labels", None) != labels:
            parts = [("O", "") if lab == "O" else (lab[0], lab[2:]) for lab in labels]
            self._scheme_cache = (*tag_scheme_matrices(labels), parts)
            self._scheme_labels = labels
        return self._scheme_cache

    def predict(self, docs: Any) -> list[list[int]]:
        """Label indices per token: the best well-formed sequence, not each token's argmax."""
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return [[] for _ in docs]
        trans, start, end, _ = self._scheme()
        scores = [self.model.ops.to_numpy(s) for s in self.model.predict(docs)]
        return viterbi_batch(scores, trans, start, end)

    def chunks(self, batch_tag_ids: list[list[int]]) -> list[list[tuple[int, int, str]]]:
        """Token chunks (start, end, label) per document from `predict`'s output."""
        parts = self._scheme()[3]
        return [tag_chunks(ids, parts) for ids in batch_tag_ids]

    def set_annotations(self, docs: Any, batch_tag_ids: Any) -> None:
        from spacy.tokens import Span

        super().set_annotations(docs, batch_tag_ids)
        for doc, chunks in zip(docs, self.chunks(batch_tag_ids), strict=True):
            doc.ents = [Span(doc, a, b, label=label) for a, b, label in chunks]


def entity_tagger_scorer() -> Any:
    """Tag accuracy plus entity P/R/F per type over doc.ents.

    spaCy picks model-best by these figures (train.cfg score_weights: ents_f) and saves
    them in meta.json, where the pipeline reads each label's precision as its confidence.
    """
    from spacy.scorer import Scorer, get_ner_prf

    def score(examples: Any, **kwargs: Any) -> dict[str, Any]:
        return {**Scorer.score_token_attr(examples, "tag", **kwargs), **get_ner_prf(examples)}

    return score


def make_entity_tagger(
    nlp: Any, name: str, model: Any, overwrite: bool, scorer: Any, neg_prefix: str,
    label_smoothing: float,
) -> EntityTagger:
    return EntityTagger(
        nlp.vocab, model, name, overwrite=overwrite, scorer=scorer, neg_prefix=neg_prefix,
        label_smoothing=label_smoothing,
    )


def register_spacy_parts() -> None:
    """Make the entity tagger and its scorer known to spaCy (needed to train and to load)."""
    from spacy import registry
    from spacy.language import Language
    from spacy.pipeline.tagger import DEFAULT_TAGGER_MODEL

    if ENTITY_SCORER not in registry.scorers:
        registry.scorers.register(ENTITY_SCORER, func=entity_tagger_scorer)
    if not Language.has_factory(ENTITY_TAGGER):
        Language.factory(
            ENTITY_TAGGER,
            assigns=["token.tag", "doc.ents"],
            default_config={
                "model": DEFAULT_TAGGER_MODEL, "overwrite": True,
                "scorer": {"@scorers": ENTITY_SCORER}, "neg_prefix": "!",
                "label_smoothing": 0.0,
            },
            default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "tag_acc": 0.0},
            func=make_entity_tagger,
        )


def model_is_present(model_dir: Path) -> bool:
    return (Path(model_dir) / "config.cfg").is_file() and (Path(model_dir) / "meta.json").is_file()


def load_confidences(model_dir: Path) -> dict[str, float]:
    """Per-label strict precision on the held-out model-selection set (from meta.json)."""
    meta = json.loads((Path(model_dir) / "meta.json").read_text(encoding="utf-8"))
    per_type = (meta.get("performance") or {}).get("ents_per_type") or {}
    return {
        label: round(float(scores["p"]), 3)
        for label, scores in per_type.items()
        if isinstance(scores, dict) and scores.get("p") is not None
    }


class OpenBlasOps(NumpyOps):
    """thinc's CPU ops with matrix products done by numpy's BLAS (OpenBLAS).

    thinc's NumpyOps multiplies with its bundled BLIS, which picks its kernel by CPU model
    and falls back to generic reference code on CPUs it does not know (on the 2-core
    AMD Zen 5 this project is benchmarked on: `libblis: selecting sub-configuration
    'generic'`). numpy's OpenBLAS has tuned kernels there: the tok2vec products run 3x
    faster. Used only to run the shipped model; training keeps thinc's defaults.
    """

    def gemm(
        self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False,
    ) -> Any:
        return Ops.gemm(self, x, y, out=out, trans1=trans1, trans2=trans2)


class NerModel:
    """Loads the model under models/ (never from a hub) and tags sentences."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        self.available = False
        self.nlp: Any = None
        self.confidence: dict[str, float] = {}
        if not model_is_present(self.model_dir):
            _warn_once(f"no NER model in {self.model_dir}; the model stage is off")
            return
        try:
            import spacy

            register_spacy_parts()
            outer_ops = get_current_ops()
            set_current_ops(OpenBlasOps())  # the layers take the ops current at load time
            try:
                self.nlp = spacy.load(self.model_dir)
            finally:
                set_current_ops(outer_ops)
        except (OSError, ValueError, KeyError) as exc:
            _warn_once(f"the NER model in {self.model_dir} did not load ({exc}); model stage off")
            return
        self.confidence = load_confidences(self.model_dir)
        # OpenBLAS would start a thread per core for these small products: on a busy machine
        # (or beside the pipeline's own worker processes) that costs 3-7x the CPU time of
        # one thread, so predictions run with BLAS limited to one thread
        self._blas = ThreadpoolController()
        self.available = True

    def predict_texts(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) character spans per text, punctuation trimmed."""
        if not self.available:
            return [[] for _ in texts]
        tagger = self.nlp.pipeline[-1][1]
        with self._blas.limit(limits=1, user_api="blas"):
            if isinstance(tagger, EntityTagger):
                per_text = self._tagger_chunks(texts, tagger)
            else:  # a transition-based `ner` pipeline (the earlier model)
                per_text = [
                    [(e.start_char, e.end_char, e.label_) for e in doc.ents]
                    for doc in self.nlp.pipe(texts, batch_size=_BATCH)
                ]
        out: list[list[tuple[int, int, str]]] = []
        for text, found in zip(texts, per_text, strict=True):
            spans = []
            for start, end, label in found:
                if label not in MODEL_LABELS:
                    continue
                a, b = trim_span(text, start, end)
                if a < b:
                    spans.append((a, b, label))
            out.append(spans)
        return out

    def _tagger_chunks(self, texts: list[str], tagger: EntityTagger) -> list[Spans]:
        """Character spans straight from the tagger's decoded tags.

        Same spans as nlp.pipe + doc.ents, without writing tags and entities into the
        Doc and reading them back as Span objects (a tenth of this stage's time).
        """
        nlp = self.nlp
        docs = list(nlp.tokenizer.pipe(texts, batch_size=_BATCH))
        for _, proc in nlp.pipeline[:-1]:  # tok2vec: sets doc.tensor, which the tagger reads
            docs = list(proc.pipe(docs, batch_size=_BATCH))
        out: list[Spans] = []
        for i in range(0, len(docs), _BATCH):
            batch = docs[i:i + _BATCH]
            for doc, chunks in zip(batch, tagger.chunks(tagger.predict(batch)), strict=True):
                spans = []
                for a, b, label in chunks:
                    last = doc[b - 1]
                    spans.append((doc[a].idx, last.idx + len(last), label))
                out.append(spans)
        return out

    def predict(self, analysis: Analysis) -> list[Span]:
        if not self.available or not analysis.sentences:
            return []
        clean = analysis.clean
        texts = [clean[s.cstart:s.cend] for s in analysis.sentences]
        found: list[Span] = []
        for sent, spans in zip(analysis.sentences, self.predict_texts(texts), strict=True):
            for a, b, label in spans:
                found.append(
                    analysis.make_span(
                        label, sent.cstart + a, sent.cstart + b, source="model",
                        confidence=self.confidence.get(label, 1.0), sentence_index=sent.index,
                    )
                )
        return found


@register("entities.model", requires=["sentences"], provides=["candidates", "proposals"])
class EntityModelStage:
    """The trained NER model's spans (source=model); its DATE spans are proposals that the
    value stage judges, the others candidates for the merge."""

    def __init__(self, context: BuildContext) -> None:
        self.model = NerModel(context.config.model_dir)

    def __call__(self, analysis: Analysis) -> None:
        analysis.candidates.extend(self.model.predict(analysis))
