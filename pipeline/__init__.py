"""bnevents: Bengali bilateral-relations event extraction.

The data flow, one module per stage:

    readers     raw articles (folder of .txt, JSONL, MediaWiki XML)  -> Document
    normalise   Unicode + markup residue, offset map back to raw       -> Analysis.clean/offsets
    segment     sections, sentences, tokens (raw offsets)             -> Analysis.sentences
    entities    rule stage: gazetteers and patterns               -> Span(COUNTRY|PERSON|ORG|LOC)
    ner_model   model stage: trained NER under models/                -> Span(...)
    merge       one non-overlapping mention list with provenance
    dates       DATE / MONEY / QUANTITY with TIMEX3 and amount values -> Span(DATE|MONEY|QUANTITY)
    events      CAMEO-aligned events with actors, time, place, value  -> Event
    tables      pandas tables: documents, sentences, entities, dates, events
    runner      batches: streaming, workers, atomic output

`extract(text)` runs it on one text; `run(inputs, out_dir)` on a batch.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Config
from pipeline.io import tables
from pipeline.io.readers import InputError, check_document
from pipeline.io.writers import frame
from pipeline.limits import StageTimeout, time_budget
from pipeline.model import Analysis, Document, Event, Span
from pipeline.stages import events, merge
from pipeline.stages import values as dates
from pipeline.stages.entities import EntityRules
from pipeline.stages.ner import NerModel
from pipeline.stages.segment import prepare

__all__ = [
    "Analysis",
    "Config",
    "Document",
    "Event",
    "Pipeline",
    "Result",
    "Span",
    "StageTimeout",
    "extract",
    "run",
]
__version__ = "0.1.0"


class Pipeline:
    """All stages with their resources loaded once; `analyse(doc)` is pure per document."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.rules = EntityRules() if self.config.stages in ("rule", "both") else None
        self.model = (
            NerModel(self.config.model_dir) if self.config.stages in ("model", "both") else None
        )
        self._warm_up()

    def _warm_up(self) -> None:
        """Run every stage once on a short text, so that lazily built resources (the spaCy
        tokenizer, lexicon caches) are built now and not charged to the first document's
        time budget."""
        with contextlib.suppress(InputError, RecursionError, *INTERNAL_ERRORS):
            self.analyse(Document("warm-up", "২২ জুন ২০১৪ সালে ঢাকায় ভারত ও বাংলাদেশের "
                                  "প্রধানমন্ত্রীরা ৫০০ কোটি টাকার একটি চুক্তি স্বাক্ষর করেন।"))

    def analyse(self, doc: Document) -> Analysis:
        """Run every stage on one document. Bad input raises InputError."""
        check_document(doc, self.config.max_doc_chars)
        started = time.monotonic()
        analysis = prepare(doc)
        self._check_budget(started)

        found: list[Span] = []
        model_spans: list[Span] = []
        if self.rules is not None:
            found.extend(self.rules.find(analysis))
        if self.model is not None:
            model_spans = self.model.predict(analysis)
            found.extend(s for s in model_spans if s.label != "DATE")
        self._check_budget(started)
        date_proposals = [s for s in model_spans if s.label == "DATE"]
        found.extend(dates.find_values(analysis, date_proposals, stages=self.config.stages))
        self._check_budget(started)
        # with the model alone there is nothing to merge with: every model span counts
        fill = 0.0 if self.config.stages == "model" else merge.MODEL_FILL
        analysis.mentions = merge.merge_mentions(found, analysis, fill_threshold=fill)
        for span in analysis.mentions:
            if span.sentence_index < 0 and span.cstart >= 0:
                span.sentence_index = analysis.sentence_at(span.cstart)
        analysis.events = events.extract_events(analysis)
        self._check_budget(started)
        tables.assign_ids(analysis)
        return analysis

    def _check_budget(self, started: float) -> None:
        elapsed = time.monotonic() - started
        if elapsed > self.config.doc_time_budget:
            raise StageTimeout(
                f"time budget exceeded: {elapsed:.1f}s (limit {self.config.doc_time_budget:g}s)"
            )

    def process(self, doc: Document) -> Analysis:
        """Like analyse(), but a bad document becomes status=error instead of an exception.

        The time budget is enforced inside the stages too (pipeline.limits: a SIGALRM
        timer, main thread only), so a pathological input cannot stall a batch. A bug a
        strange document triggers in a stage is recorded as that document's error: the
        batch goes on (the fuzz tests call analyse() and so still see such bugs).
        """
        try:
            with time_budget(self.config.doc_time_budget):
                return self.analyse(doc)
        except InputError as exc:
            return Analysis(doc, status="error", error=str(exc))
        except RecursionError:
            return Analysis(doc, status="error", error="internal error: recursion limit")
        except INTERNAL_ERRORS as exc:
            where = _innermost(exc)
            return Analysis(
                doc, status="error", error=f"internal error: {type(exc).__name__}: {exc}{where}"
            )


# Exceptions that a strange document can provoke in a stage's code. Deliberately not
# Exception: RunInterrupted (SIGTERM/SIGINT), OSError (a full disk) and MemoryError
# concern the whole batch and must reach the runner.
INTERNAL_ERRORS = (
    ArithmeticError, AssertionError, AttributeError, IndexError, KeyError, TypeError,
    ValueError,
)


def _innermost(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return ""
    code = tb.tb_frame.f_code
    return f" (in {Path(code.co_filename).stem}.{code.co_name}, line {tb.tb_lineno})"


@dataclass
class Result:
    """What `extract()` returns: the analysis and its tables as DataFrames."""

    analysis: Analysis
    tables: dict[str, pd.DataFrame]

    @property
    def entities(self) -> pd.DataFrame:
        return self.tables["entities"]

    @property
    def dates(self) -> pd.DataFrame:
        return self.tables["dates"]

    @property
    def events(self) -> pd.DataFrame:
        return self.tables["events"]

    @property
    def sentences(self) -> pd.DataFrame:
        return self.tables["sentences"]


_DEFAULT_PIPELINE: Pipeline | None = None


def extract(
    text: str, title: str | None = None, *, doc_id: str = "doc", pipeline: Pipeline | None = None
) -> Result:
    """Run the whole pipeline on one text. Raises InputError for unusable input."""
    global _DEFAULT_PIPELINE
    if pipeline is None:
        if _DEFAULT_PIPELINE is None:
            _DEFAULT_PIPELINE = Pipeline()
        pipeline = _DEFAULT_PIPELINE
    from pipeline.io.readers import title_from_text

    doc = Document(doc_id, text, title=title if title is not None else title_from_text(text))
    analysis = pipeline.analyse(doc)
    rows = tables.table_rows(analysis)
    return Result(analysis, {name: frame(name, r) for name, r in rows.items()})


def run(inputs: str | Path | list[str | Path], out_dir: str | Path, **options: Any) -> Any:
    """Process a batch and write its tables; see `pipeline.io.runner.run_batch` for options."""
    from pipeline.io.runner import run_batch

    return run_batch(inputs, out_dir, **options)
