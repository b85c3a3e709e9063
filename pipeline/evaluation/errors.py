"""The error list of an evaluation (errors.csv) and its confusion counts."""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

from pipeline.evaluation.records import ACTOR_ROLES, DocRecord, EventRec, Mention
from pipeline.model import Document
from pipeline.stages.segment import prepare

ERROR_COLUMNS = [
    "task",
    "error",
    "doc_id",
    "sentence",
    "gold_type",
    "gold_text",
    "gold_start",
    "gold_end",
    "gold_value",
    "pred_type",
    "pred_text",
    "pred_start",
    "pred_end",
    "pred_value",
    "detail",
]


class ErrorLog:
    """The rows of errors.csv, and how often each kind of error occurs."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.confusions: Counter[str] = Counter()

    def add(
        self,
        task: str,
        error: str,
        doc: DocRecord,
        g: Mention | None,
        p: Mention | None,
        gold_type: str = "",
        pred_type: str = "",
        detail: str = "",
    ) -> None:
        anchor = g if g is not None and g.start >= 0 else p
        sentence = (
            _sentence(doc.text, anchor.start, anchor.end) if anchor and anchor.start >= 0 else ""
        )
        gt = gold_type or (g.type if g else "")
        pt = pred_type or (p.type if p else "")
        self.rows.append(
            {
                "task": task,
                "error": error,
                "doc_id": doc.doc_id,
                "sentence": sentence,
                "gold_type": gt,
                "gold_text": g.text if g else "",
                "gold_start": g.start if g and g.start >= 0 else None,
                "gold_end": g.end if g and g.start >= 0 else None,
                "gold_value": g.value if g else "",
                "pred_type": pt,
                "pred_text": p.text if p else "",
                "pred_start": p.start if p and p.start >= 0 else None,
                "pred_end": p.end if p and p.start >= 0 else None,
                "pred_value": p.value if p else "",
                "detail": detail,
            }
        )
        label = {
            "false_negative": f"{gt} → (missed)",
            "false_positive": f"(spurious) → {pt}",
            "wrong_type": f"{gt} → {pt}",
            "boundary": f"{gt} boundary",
            "wrong_value": f"{gt} wrong value",
            "wrong_actors": f"{gt} wrong actors",
        }.get(error, error)
        self.confusions[f"{task}: {label}"] += 1


@functools.lru_cache(maxsize=4)
def _sentence_spans(text: str) -> list[tuple[int, int, str]]:
    """(raw start, raw end, clean text) of each sentence, as the run's sentences table has
    them (start, end, clean_text). Keyed by the text itself; errors are added document by
    document, so 4 is plenty."""
    analysis = prepare(Document("", text))
    return [(s.start, s.end, analysis.clean[s.cstart : s.cend]) for s in analysis.sentences]


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around raw [start, end) for a human reading the error list: its
    normalised text (clean_text), without the raw text's ''' or == heading == markup."""
    for a, b, clean in _sentence_spans(text):
        if a <= start < b or (start < b and a < end):
            return clean.replace("\n", " ")
    # outside every sentence (a heading, the category residue): the raw text around it
    return text[max(0, start - 60) : end + 60].replace("\n", " ")


def describe(e: EventRec) -> str:
    parts = [
        f"{r}={m.text}" + (f"[{m.country}]" if m.country else "")
        for r, m in e.args.items()
        if r in ACTOR_ROLES
    ]
    return ", ".join(parts) or "no actors"

