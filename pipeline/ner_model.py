"""Stage 3b: the trained NER model (a small spaCy pipeline shipped under models/ner/).

The model proposes PERSON, ORG, GPE and DATE spans; whether a GPE is a COUNTRY
or a LOC is decided later by the rule stage / merge (gazetteer), and DATE spans
go to the dates stage as proposals. It is loaded from the repository only:
never from a hub, never a pickle. When the model directory is missing (or does
not load), `available` is False, `predict` returns [] and one warning goes to
stderr, so the pipeline still runs on rules alone.

Confidence: spaCy's transition-based NER has no calibrated per-span score, so
each span carries the strict precision of its label on the held-out
model-selection set, which spaCy records in models/ner/meta.json
(performance.ents_per_type) when it saves the best model; 1.0 stands in for a
label with no measured precision.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from .model import Analysis, Span

MODEL_LABELS = ("PERSON", "ORG", "GPE", "DATE")
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

            self.nlp = spacy.load(self.model_dir)
        except (OSError, ValueError, KeyError) as exc:
            _warn_once(f"the NER model in {self.model_dir} did not load ({exc}); model stage off")
            return
        self.confidence = load_confidences(self.model_dir)
        self.available = True

    def predict_texts(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        """(start, end, label) character spans per text, punctuation trimmed."""
        if not self.available:
            return [[] for _ in texts]
        out: list[list[tuple[int, int, str]]] = []
        for text, doc in zip(texts, self.nlp.pipe(texts, batch_size=256), strict=True):
            spans = []
            for ent in doc.ents:
                if ent.label_ not in MODEL_LABELS:
                    continue
                a, b = trim_span(text, ent.start_char, ent.end_char)
                if a < b:
                    spans.append((a, b, ent.label_))
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
