"""bnevents: Bengali bilateral-relations event extraction.

The data flow: a plan of registered stages (`stages/base.py`), each built once from the
configuration (`config.py`), a language pack (`lang/`) and the schema (`schema/`), each
filling the `Analysis` of one document (`model.py`):

    io/readers        raw articles (folder of .txt, JSONL, MediaWiki XML)      -> Document
    stages/normalise  Unicode + markup residue, offset map back to raw           -> clean
    stages/segment    sections, sentences, tokens (raw offsets)                   -> sentences
    stages/entities   rule stage: gazetteer, places, organisations, persons,
                      propagation, affiliation          -> candidates COUNTRY|PERSON|ORG|LOC
    stages/ner        model stage: the trained NER under models/ -> candidates (+ DATE proposals)
    stages/values     DATE (grammar rules -> TIMEX3), MONEY, QUANTITY       -> candidates
    stages/merge      one non-overlapping mention list with provenance        -> mentions
    stages/events     triggers, clauses, actors and roles, arguments           -> events
    stages/ids        T1../E1.. ids
    io/tables         rows of the tables (documents, sections, sentences, entities, dates,
                      events); io/writers, io/runner, io/engines, io/checkpoint write them
                      (batches, workers, Dask, resume, atomic output); io/export converts

Around them: `norms.py` makes and parses every typed norm; `brat/` reads, validates and
writes gold; `evaluation/` scores a run against it and writes the report; `train/` trains
the NER model; `cli.py` is the `bnevents` command. `extract(text)` runs the pipeline on one
text; `run(inputs, out_dir)` on a batch.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.config import Config
from pipeline.io.readers import InputError, check_document
from pipeline.limits import StageTimeout, stage_module, time_budget
from pipeline.model import Analysis, Document, Event, Span

if TYPE_CHECKING:  # `import pipeline` (and `bnevents --help`) must not import pandas
    import pandas as pd

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
    """The stages of one plan, built once; `analyse(doc)` is pure per document."""

    def __init__(self, config: Config | None = None) -> None:
        from pipeline.stages.base import BuildContext, build_plan

        self.config = config or Config()
        self.context = BuildContext.from_config(self.config)
        self.stages = build_plan(self.config.stages, self.context)
        self._warm_up()

    def _warm_up(self) -> None:
        """Run every stage once on a short text, so that lazily built resources (the spaCy
        tokenizer, lexicon caches) are built now and not charged to the first document's
        time budget. The text is the pack's (pack.yaml `warm_up`): one that every stage acts on."""
        text = self.context.pack.yaml("pack.yaml").get("warm_up", "")
        with contextlib.suppress(InputError, RecursionError, *INTERNAL_ERRORS):
            self.analyse(Document("warm-up", text))

    def analyse(self, doc: Document) -> Analysis:
        """Run every stage of the plan on one document. Bad input raises InputError."""
        check_document(doc, self.config.max_doc_chars)
        started = time.monotonic()
        analysis = Analysis(doc)
        for stage in self.stages:
            stage(analysis)
            self._check_budget(started)
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
    module = stage_module(code.co_filename) or Path(code.co_filename).stem
    return f" (in {module}.{code.co_name}, line {tb.tb_lineno})"


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
    from pipeline.io import tables
    from pipeline.io.readers import title_from_text
    from pipeline.io.writers import frame

    doc = Document(doc_id, text, title=title if title is not None else title_from_text(text))
    analysis = pipeline.analyse(doc)
    rows = tables.table_rows(analysis)
    return Result(analysis, {name: frame(name, r) for name, r in rows.items()})


def run(inputs: str | Path | list[str | Path], out_dir: str | Path, **options: Any) -> Any:
    """Process a batch and write its tables; see `pipeline.io.runner.run_batch` for options.

    Returns the run's summary; documents that fail are recorded (status=error) and the batch
    goes on, but a run in which every document crashed its worker raises
    `pipeline.io.runner.RunFailed` instead of writing empty tables."""
    from pipeline.io.runner import run_batch

    return run_batch(inputs, out_dir, **options)
