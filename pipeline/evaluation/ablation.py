"""Stage ablation (`bnevents eval --stages`): run the pipeline on the gold texts once per
stage setting (a plan of registered stages) and score each."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pipeline.brat.document import BratDocument
from pipeline.evaluation.records import DocRecord, gold_record, predicted_records
from pipeline.evaluation.scoring import evaluate, headline

STAGE_DESCRIPTIONS = {
    "rule": "rule stages only: gazetteers, patterns and the date/amount grammar "
    "(Config(stages='rule'))",
    "model": "trained NER model only, with the date/amount stage in its model setting "
    "(Config(stages='model'))",
    "both": "rule and model stages merged: the default pipeline (Config(stages='both'))",
    "baseline-dates": "DATE only: plain dateparser.search_dates over the text "
    "(plan baseline-dates: stage values.dateparser); other columns are not predicted",
    "baseline-gazetteer": "entities only: the rule stage restricted to its COUNTRY and LOC "
    "mentions (the gazetteer types; the rule stage has no finer switch); "
    "no values or events (plan baseline-gazetteer)",
}
STAGE_NAMES = tuple(STAGE_DESCRIPTIONS)


def _records_from_analyses(analyses: list[Any]) -> dict[str, DocRecord]:
    from pipeline.io import tables
    from pipeline.io.writers import frame

    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in analyses:
        for name, part in tables.table_rows(a).items():
            rows[name].extend(part)
    return predicted_records({n: frame(n, rows[n]) for n in ("documents", "entities", "events")})


def run_stages(
    gold_docs: dict[str, BratDocument], stages: tuple[str, ...] = STAGE_NAMES,
    *, lang: str = "bn",
) -> dict[str, dict[str, Any]]:
    """Run the pipeline on the gold texts once per stage setting and score each.

    Returns name -> {"description", "report", "errors", "headline"}; a baseline that the
    installed pipeline does not provide is reported with its reason instead of scores.
    """
    from pipeline import Pipeline
    from pipeline.config import Config
    from pipeline.io.readers import title_from_text
    from pipeline.model import Document

    gold = {k: gold_record(v) for k, v in gold_docs.items()}
    docs = [
        Document(k, v.text, title=title_from_text(v.text), source=v.ann_path)
        for k, v in sorted(gold_docs.items())
    ]
    results: dict[str, dict[str, Any]] = {}
    for name in stages:
        if name not in STAGE_DESCRIPTIONS:
            raise ValueError(f"unknown stage {name!r}; choose from {', '.join(STAGE_NAMES)}")
        # each setting is a plan of registered stages
        pipe = Pipeline(Config(stages=name, lang=lang))
        pred = _records_from_analyses([pipe.process(d) for d in docs])
        ev = evaluate(gold, pred)
        head: dict[str, float | None] = dict(headline(ev.report))
        if name == "baseline-dates":
            head = {
                k: (v if k in ("entities.DATE.strict", "dates.value_accuracy") else None)
                for k, v in head.items()
            }
        elif name == "baseline-gazetteer":
            head = {
                k: (v if k.startswith("entities.") or k.startswith("countries.") else None)
                for k, v in head.items()
            }
        results[name] = {
            "description": STAGE_DESCRIPTIONS[name],
            "report": ev.report,
            "errors": ev.errors,
            "headline": head,
        }
    return results
