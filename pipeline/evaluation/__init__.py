"""Scoring predictions against brat gold, exactly as section 6 of the guidelines says.

Entities (all seven mention types)
    strict: same type and same [start, end); partial: same type and overlapping spans.
    Matching is one-to-one inside a document: a duplicate prediction of a span already
    matched is a false positive. Partial matching first pairs exact spans, then the
    remaining overlapping pairs by largest overlap.
    Written here instead of calling nervaluate because the evaluator also needs the
    matched pairs themselves (value accuracy, linking accuracy, the error rows), which
    nervaluate does not return; nervaluate's "partial" also gives half credit, which the
    guidelines do not. tests/test_evaluate.py checks strict scores against nervaluate.
Values (DATE, MONEY, QUANTITY)
    span scores as above, plus value accuracy over the partially matched spans and value
    P/R/F1 (correct values over predicted / gold spans), as in TempEval-3.
COUNTRY linking
    accuracy of the ISO code over partially matched COUNTRY mentions.
Events
    a prediction matches a gold event when the type is the same and the actor sets agree:
    both have the same number of actors and they pair up one-to-one, where two actors
    agree when both are COUNTRY with the same ISO code, or (otherwise) their spans
    overlap or their countries (ISO code of a COUNTRY, Affiliation of a PERSON/ORG) are
    the same. Matching is one-to-one; among candidates, overlapping triggers and then
    nearer triggers win. Negated/Speculated/Sector accuracy is over matched events.
Arguments (ACE Arg-C style)
    (event, role, normalised value) triples. The event of a predicted triple is the gold
    event it was matched to above or, failing that, an unmatched gold event of the same
    type whose trigger overlaps (ACE identifies events by trigger). Values: actors agree
    as above, Time by TIMEX3 value, Place by ISO code for two COUNTRYs else by overlap or
    same normalised text, Value by amount and currency/unit. For event types whose
    actors are unordered (schema/policy.yaml `ordered: false`) Actor1/Actor2 are one role.

Modules: `records` (gold and predictions as the same `DocRecord`s, the gold/split/run
readers), `matching` (every "agree" above), `scoring` (`evaluate` and the report
numbers), `errors` (errors.csv rows), `ablation` (`run_stages`), `report/` (report.json,
.md, .html, charts, the README section).
"""

from __future__ import annotations

from pipeline.evaluation.ablation import STAGE_DESCRIPTIONS, STAGE_NAMES, run_stages
from pipeline.evaluation.errors import ERROR_COLUMNS
from pipeline.evaluation.matching import (
    actors_agree,
    argument_triples,
    match_events,
    match_spans,
    overlaps,
    same_actor,
    same_place,
    same_value,
)
from pipeline.evaluation.records import (
    ACTOR_ROLES,
    ROLES,
    SPLITS,
    DocRecord,
    EventRec,
    Mention,
    gold_record,
    load_gold,
    predicted_records,
    read_run,
    split_ids,
)
from pipeline.evaluation.scoring import (
    PRF,
    VALUE_GROUPS,
    Acc,
    Evaluation,
    evaluate,
    evaluate_run,
    headline,
    lookup,
)

__all__ = [
    "ACTOR_ROLES",
    "ERROR_COLUMNS",
    "PRF",
    "ROLES",
    "SPLITS",
    "STAGE_DESCRIPTIONS",
    "STAGE_NAMES",
    "VALUE_GROUPS",
    "Acc",
    "DocRecord",
    "Evaluation",
    "EventRec",
    "Mention",
    "actors_agree",
    "argument_triples",
    "evaluate",
    "evaluate_run",
    "gold_record",
    "headline",
    "load_gold",
    "lookup",
    "match_events",
    "match_spans",
    "overlaps",
    "predicted_records",
    "read_run",
    "run_stages",
    "same_actor",
    "same_place",
    "same_value",
    "split_ids",
]
