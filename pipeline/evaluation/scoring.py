"""The scorer: `evaluate(gold, pred)` over `DocRecord`s, one small function per block
of the report (entities and values, events, event error rows, arguments), and the
report's headline numbers."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.brat.document import BratDocument
from pipeline.evaluation.errors import ERROR_COLUMNS, ErrorLog, describe
from pipeline.evaluation.matching import (
    argument_triples,
    match_events,
    match_spans,
    overlaps,
    same_value,
)
from pipeline.evaluation.records import (
    DocRecord,
    EventRec,
    gold_record,
    predicted_records,
    read_run,
)
from pipeline.schema import Schema, load_schema

VALUE_GROUPS = {"dates": "DATE", "money": "MONEY", "quantities": "QUANTITY"}  # report keys


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Acc:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"correct": self.correct, "total": self.total, "accuracy": round(self.accuracy, 4)}



@dataclass
class Evaluation:
    report: dict[str, Any]
    errors: pd.DataFrame


@dataclass
class _Tally:
    """Everything `evaluate` counts, document by document."""

    mention_types: tuple[str, ...]
    sector_types: frozenset[str]
    errs: ErrorLog = field(default_factory=ErrorLog)
    ent_strict: dict[str, PRF] = field(default_factory=dict)
    ent_partial: dict[str, PRF] = field(default_factory=dict)
    value_acc: dict[str, Acc] = field(
        default_factory=lambda: {t: Acc() for t in VALUE_GROUPS.values()}
    )
    # spans of each value type, predicted and gold, for value P/R/F1
    value_spans: dict[str, Counter[str]] = field(
        default_factory=lambda: {t: Counter() for t in VALUE_GROUPS.values()}
    )
    linking: Acc = field(default_factory=Acc)
    ev_prf: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    arg_by_type: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    arg_by_role: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    attrs: dict[str, Acc] = field(
        default_factory=lambda: {"negated": Acc(), "speculated": Acc(), "sector": Acc()}
    )
    failed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    offset_mismatch: int = 0

    def __post_init__(self) -> None:
        self.ent_strict = {t: PRF() for t in self.mention_types}
        self.ent_partial = {t: PRF() for t in self.mention_types}


def _prediction_for(tally: _Tally, g: DocRecord, pred: dict[str, DocRecord]) -> DocRecord:
    """The prediction to score against `g`: empty when the run failed on or lacks it."""
    p = pred.get(g.doc_id)
    if p is None:
        tally.missing.append(g.doc_id)
        p = DocRecord(g.doc_id)
    elif p.status != "ok":
        tally.failed.append(g.doc_id)
        p = DocRecord(g.doc_id, status=p.status)
    p.text = g.text
    tally.offset_mismatch += sum(1 for m in p.mentions if g.text[m.start : m.end] != m.text)
    return p


def _score_mention_type(tally: _Tally, g: DocRecord, pm: list[Any], t: str) -> None:
    """Span scores of one mention type, value/linking accuracy, their error rows."""
    errs = tally.errs
    gl = [m for m in g.mentions if m.type == t]
    pl = [m for m in pm if m.type == t]
    strict, partial = match_spans(gl, pl)
    tally.ent_strict[t].add(PRF(len(strict), len(pl) - len(strict), len(gl) - len(strict)))
    tally.ent_partial[t].add(PRF(len(partial), len(pl) - len(partial), len(gl) - len(partial)))
    strict_set = set(strict)
    for gi, pi in partial:
        gm, pmm = gl[gi], pl[pi]
        if (gi, pi) not in strict_set:
            errs.add("entities", "boundary", g, gm, pmm)
        if t in tally.value_acc or t == "COUNTRY":
            ok = same_value(gm, pmm)
            acc = tally.linking if t == "COUNTRY" else tally.value_acc[t]
            acc.correct += ok
            acc.total += 1
            if not ok:
                task = "values" if t != "COUNTRY" else "country_linking"
                errs.add(task, "wrong_value", g, gm, pmm)
    matched_g = {gi for gi, _ in partial}
    matched_p = {pi for _, pi in partial}
    for gi, gm in enumerate(gl):
        if gi not in matched_g:
            other = next((x for x in pm if x.type != t and overlaps(x, gm)), None)
            if other is not None:
                errs.add("entities", "wrong_type", g, gm, other)
            else:
                errs.add("entities", "false_negative", g, gm, None)
    for pi, pmm in enumerate(pl):
        if pi not in matched_p:
            other = next((x for x in g.mentions if x.type != t and overlaps(x, pmm)), None)
            if other is None:  # a type confusion was listed from the gold side
                errs.add("entities", "false_positive", g, None, pmm)
    if t in tally.value_spans:
        tally.value_spans[t]["pred"] += len(pl)
        tally.value_spans[t]["gold"] += len(gl)


def _score_mentions(tally: _Tally, g: DocRecord, p: DocRecord) -> None:
    pm = [m for m in p.mentions if m.type in tally.mention_types]
    for t in tally.mention_types:
        _score_mention_type(tally, g, pm, t)


def _score_events(tally: _Tally, g: DocRecord, p: DocRecord) -> list[tuple[int, int]]:
    """Event P/R/F1 and attribute accuracy; returns the matched (gold, pred) pairs."""
    pairs = match_events(g.events, p.events)
    for e in g.events:
        tally.ev_prf[e.type].fn += 1
    for e in p.events:
        tally.ev_prf[e.type].fp += 1
    for gi, pi in pairs:
        ge, pe = g.events[gi], p.events[pi]
        tally.ev_prf[ge.type].tp += 1
        tally.ev_prf[ge.type].fn -= 1
        tally.ev_prf[pe.type].fp -= 1
        _compare_attributes(tally, g, ge, pe)
    return pairs


def _compare_attributes(tally: _Tally, g: DocRecord, ge: EventRec, pe: EventRec) -> None:
    compared = [
        ("negated", ge.negated, pe.negated),
        ("speculated", ge.speculated, pe.speculated),
    ]
    if ge.type in tally.sector_types:  # Sector is annotated on these types only
        compared.append(("sector", ge.sector, pe.sector))
    for name, gv, pv in compared:
        tally.attrs[name].total += 1
        tally.attrs[name].correct += gv == pv
        if gv != pv:
            shown = (gv, pv) if name != "sector" else (gv or "-", pv or "-")
            tally.errs.add(
                "events", "wrong_value", g, ge.trigger, pe.trigger, ge.type, pe.type,
                f"{name}: gold {shown[0]}, predicted {shown[1]}",
            )


def _align(g: DocRecord, p: DocRecord, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Argument alignment: the event matches, then unmatched events of the same type with
    overlapping triggers (ACE identifies events by trigger)."""
    aligned = list(pairs)
    mg = {gi for gi, _ in pairs}
    mp = {pi for _, pi in pairs}
    for gi, ge in enumerate(g.events):
        if gi in mg:
            continue
        pi = next(
            (
                i
                for i, pe in enumerate(p.events)
                if i not in mp and pe.type == ge.type and overlaps(ge.trigger, pe.trigger)
            ),
            None,
        )
        if pi is not None:
            aligned.append((gi, pi))
            mg.add(gi)
            mp.add(pi)
    return aligned


def _event_errors(
    tally: _Tally, g: DocRecord, p: DocRecord, pairs: list[tuple[int, int]],
    aligned: list[tuple[int, int]],
) -> None:
    """One error row per unmatched gold event, paired with the prediction that nearly
    matched (same trigger, other actors or other type) when there is one."""
    errs = tally.errs
    matched_g = {gi for gi, _ in pairs}
    fallback = {gi: pi for gi, pi in aligned[len(pairs) :]}
    reported: set[int] = {pi for _, pi in aligned}
    for gi, ge in enumerate(g.events):
        if gi in matched_g:
            continue
        if gi in fallback:
            pe = p.events[fallback[gi]]
            errs.add("events", "wrong_actors", g, ge.trigger, pe.trigger, ge.type, pe.type,
                     f"gold {describe(ge)}; predicted {describe(pe)}")
            continue
        pi = next(
            (
                i
                for i, pe in enumerate(p.events)
                if i not in reported and overlaps(pe.trigger, ge.trigger)
            ),
            None,
        )
        if pi is not None:
            reported.add(pi)
            pe = p.events[pi]
            errs.add("events", "wrong_type", g, ge.trigger, pe.trigger, ge.type, pe.type,
                     f"gold {describe(ge)}; predicted {describe(pe)}")
        else:
            errs.add("events", "false_negative", g, ge.trigger, None, ge.type, "", describe(ge))
    for pi, pe in enumerate(p.events):
        if pi not in reported:
            errs.add("events", "false_positive", g, None, pe.trigger, "", pe.type, describe(pe))


def _score_arguments(
    tally: _Tally, g: DocRecord, p: DocRecord, aligned: list[tuple[int, int]]
) -> None:
    """Argument triples of every aligned pair, and of every unaligned event on either side."""
    aligned_g = {gi: pi for gi, pi in aligned}
    aligned_p = {pi for _, pi in aligned}
    todo: list[tuple[EventRec | None, EventRec | None]] = [
        (ge, p.events[aligned_g[gi]] if gi in aligned_g else None)
        for gi, ge in enumerate(g.events)
    ] + [(None, pe) for pi, pe in enumerate(p.events) if pi not in aligned_p]
    for ge, pe in todo:
        tps, fps, fns = argument_triples(ge, pe)
        etype = (ge or pe).type  # type: ignore[union-attr]
        for role, _gm, _pm in tps:
            tally.arg_by_type[etype].tp += 1
            tally.arg_by_role[role].tp += 1
        for role, pm_ in fps:
            assert pe is not None  # a false positive has a predicted event
            tally.arg_by_type[pe.type].fp += 1
            tally.arg_by_role[role].fp += 1
            tally.errs.add("arguments", "false_positive", g, None, pm_, "", f"{pe.type}.{role}",
                           f"trigger {pe.trigger.text!r}")
        for role, gm_ in fns:
            assert ge is not None  # a false negative has a gold event
            tally.arg_by_type[ge.type].fn += 1
            tally.arg_by_role[role].fn += 1
            tally.errs.add("arguments", "false_negative", g, gm_, None, f"{ge.type}.{role}", "",
                           f"trigger {ge.trigger.text!r}")


def _value_block(tally: _Tally, t: str) -> dict[str, Any]:
    # value P/R/F1: correct values over all predicted / all gold spans of the type
    acc, spans = tally.value_acc[t], tally.value_spans[t]
    vp = PRF(acc.correct, spans["pred"] - acc.correct, spans["gold"] - acc.correct)
    return {
        "span": {
            "strict": tally.ent_strict[t].as_dict(),
            "partial": tally.ent_partial[t].as_dict(),
        },
        "value_accuracy": round(acc.accuracy, 4),
        "value_matched": acc.total,
        "value_correct": acc.correct,
        "value": vp.as_dict(),
    }


def _total(prfs: Any) -> PRF:
    total = PRF()
    for v in prfs:
        total.add(v)
    return total


def _report(tally: _Tally, n_gold: int) -> dict[str, Any]:
    types = tally.mention_types
    micro_s = _total(tally.ent_strict[t] for t in types)
    micro_p = _total(tally.ent_partial[t] for t in types)
    ev_prf, arg_by_type, arg_by_role = tally.ev_prf, tally.arg_by_type, tally.arg_by_role
    failed, missing = tally.failed, tally.missing
    return {
        "documents": {
            "gold": n_gold,
            "scored": n_gold - len(failed) - len(missing),
            "failed": len(failed),
            "failed_ids": failed,
            "missing": len(missing),
            "missing_ids": missing,
            "offset_mismatches": tally.offset_mismatch,
        },
        "entities": {
            "micro": {"strict": micro_s.as_dict(), "partial": micro_p.as_dict()},
            "per_type": {
                t: {"strict": tally.ent_strict[t].as_dict(),
                    "partial": tally.ent_partial[t].as_dict()}
                for t in types
            },
        },
        **{group: _value_block(tally, t) for group, t in VALUE_GROUPS.items()},
        "countries": {
            "linking_accuracy": round(tally.linking.accuracy, 4),
            "matched": tally.linking.total,
            "correct": tally.linking.correct,
        },
        "events": {
            **_total(ev_prf.values()).as_dict(),
            "per_type": {t: ev_prf[t].as_dict() for t in sorted(ev_prf)},
            "attributes": {k: v.as_dict() for k, v in tally.attrs.items()},
        },
        "arguments": {
            **_total(arg_by_type.values()).as_dict(),
            "per_type": {t: arg_by_type[t].as_dict() for t in sorted(arg_by_type)},
            "per_role": {r: arg_by_role[r].as_dict() for r in sorted(arg_by_role)},
        },
        "confusions": [
            {"what": k, "count": n} for k, n in tally.errs.confusions.most_common(20)
        ],
    }


def _errors_frame(errs: ErrorLog) -> pd.DataFrame:
    errors = pd.DataFrame.from_records(errs.rows, columns=ERROR_COLUMNS)
    for col in ("gold_start", "gold_end", "pred_start", "pred_end"):
        errors[col] = pd.array(errors[col], dtype="Int64")
    return errors


def evaluate(
    gold: dict[str, DocRecord], pred: dict[str, DocRecord], schema: Schema | None = None
) -> Evaluation:
    """Score predictions for the documents in `gold`.

    Documents that failed in the run (status != ok) or are absent from it count as all missed.
    """
    schema = schema or load_schema()
    tally = _Tally(schema.mention_types, schema.sector_types)
    for doc_id in sorted(gold):
        g = gold[doc_id]
        p = _prediction_for(tally, g, pred)
        _score_mentions(tally, g, p)
        pairs = _score_events(tally, g, p)
        aligned = _align(g, p, pairs)
        _event_errors(tally, g, p, pairs, aligned)
        _score_arguments(tally, g, p, aligned)
    return Evaluation(_report(tally, len(gold)), _errors_frame(tally.errs))


def headline(report: dict[str, Any]) -> dict[str, float]:
    """The few numbers a stage table shows (all F1 or accuracy, 0..1)."""
    out = {
        "entities.micro.strict": report["entities"]["micro"]["strict"]["f1"],
        "entities.micro.partial": report["entities"]["micro"]["partial"]["f1"],
    }
    for t, block in report["entities"]["per_type"].items():
        out[f"entities.{t}.strict"] = block["strict"]["f1"]
    out["dates.value_accuracy"] = report["dates"]["value_accuracy"]
    out["countries.linking_accuracy"] = report["countries"]["linking_accuracy"]
    out["events.f1"] = report["events"]["f1"]
    out["arguments.f1"] = report["arguments"]["f1"]
    return out


def lookup(report: dict[str, Any], key: str) -> float:
    """A dotted key of the report as a number; a block with an f1 gives its f1."""
    node: Any = report
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(key)
        node = node[part]
    if isinstance(node, dict):
        for name in ("f1", "accuracy"):
            if name in node:
                return float(node[name])
        raise KeyError(key)
    return float(node)



def evaluate_run(run_dir: Path, gold_docs: dict[str, BratDocument]) -> Evaluation:
    """Score a run folder. Raises InputError when a run table is malformed (a cell that
    should be a number is not), FileNotFoundError when a table is missing."""
    from pipeline.io.readers import InputError

    try:
        pred = predicted_records(read_run(run_dir))
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise InputError(
            f"{run_dir}: malformed run table ({type(exc).__name__}: {exc})"
        ) from exc
    return evaluate({k: gold_record(v) for k, v in gold_docs.items()}, pred)
