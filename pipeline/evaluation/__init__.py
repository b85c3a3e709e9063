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
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.brat import BratDocument
from pipeline.model import MENTION_TYPES
from pipeline.schema import load_schema
from pipeline.stages.normalise import normalise_text_plain
from pipeline.stages.segment import split_sentences

ROLES = ("Actor1", "Actor2", "Time", "Place", "Value")
ACTOR_ROLES = ("Actor1", "Actor2")
SECTOR_TYPES = ("AGREEMENT", "COOPERATION", "INVESTMENT")
VALUE_GROUPS = {"dates": "DATE", "money": "MONEY", "quantities": "QUANTITY"}
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


# -- the common shape of gold and predictions ---------------------------------------
@dataclass
class Mention:
    type: str
    start: int  # -1 when only the text is known (a predicted event's Time or Value)
    end: int
    text: str
    norm: str = ""  # full reference: ISO3166:XXX, TIMEX3:..., MONEY:amt:CUR, QTY:amt:unit
    country: str = ""  # ISO code of a COUNTRY, or the Affiliation of a PERSON/ORG

    @property
    def value(self) -> str:
        return self.norm.split(":", 1)[1] if ":" in self.norm else self.norm


@dataclass
class EventRec:
    type: str
    trigger: Mention
    args: dict[str, Mention] = field(default_factory=dict)
    negated: bool = False
    speculated: bool = False
    sector: str = ""

    @property
    def actors(self) -> list[Mention]:
        return [self.args[r] for r in ACTOR_ROLES if r in self.args]


@dataclass
class DocRecord:
    doc_id: str
    text: str = ""
    status: str = "ok"
    mentions: list[Mention] = field(default_factory=list)
    events: list[EventRec] = field(default_factory=list)


def gold_record(doc: BratDocument) -> DocRecord:
    """A brat document as scored: mentions with their values and affiliations, events."""

    def mention(tid: str) -> Mention:
        t = doc.spans[tid]
        norm = doc.norm_of(tid)
        country = norm.removeprefix("ISO3166:") if t.type == "COUNTRY" else doc.affiliation_of(tid)
        return Mention(t.type, t.start, t.end, t.text, norm, country)

    mentions = [mention(t.id) for t in doc.mentions()]
    events = []
    for e in doc.events.values():
        if e.trigger not in doc.spans:
            continue
        t = doc.spans[e.trigger]
        attrs = doc.attributes_of(e.id)
        events.append(
            EventRec(
                e.type,
                Mention(t.type, t.start, t.end, t.text),
                {role: mention(tid) for role, tid in e.args if tid in doc.spans},
                "Negated" in attrs,
                "Speculated" in attrs,
                attrs.get("Sector", "") if attrs.get("Sector") != "true" else "",
            )
        )
    return DocRecord(doc.doc_id, doc.text, "ok", mentions, events)


def _int(v: Any) -> int | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return int(v)


def _bool(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() == "true"
    try:
        return bool(v) and not pd.isna(v)
    except (TypeError, ValueError):
        return False


def predicted_records(tables: dict[str, pd.DataFrame]) -> dict[str, DocRecord]:
    """Run tables (documents, entities, events) -> one DocRecord per document."""
    docs: dict[str, DocRecord] = {}
    for r in tables["documents"].to_dict(orient="records"):
        docs[str(r["doc_id"])] = DocRecord(str(r["doc_id"]), status=str(r.get("status") or "ok"))
    by_span: dict[str, dict[tuple[int, int], Mention]] = defaultdict(dict)
    for r in tables["entities"].to_dict(orient="records"):
        doc = docs.setdefault(str(r["doc_id"]), DocRecord(str(r["doc_id"])))
        typ = str(r["type"])
        norm = str(r.get("norm") or "")
        country = (
            norm.removeprefix("ISO3166:") if typ == "COUNTRY" else str(r.get("affiliation") or "")
        )
        m = Mention(typ, int(r["start"]), int(r["end"]), str(r["text"]), norm, country)
        doc.mentions.append(m)
        by_span[doc.doc_id][(m.start, m.end)] = m
    for r in tables["events"].to_dict(orient="records"):
        doc = docs.setdefault(str(r["doc_id"]), DocRecord(str(r["doc_id"])))
        spans = by_span[doc.doc_id]
        args: dict[str, Mention] = {}
        for role, col in (("Actor1", "actor1"), ("Actor2", "actor2"), ("Place", "place")):
            start, end = _int(r.get(f"{col}_start")), _int(r.get(f"{col}_end"))
            text = str(r.get(f"{col}_text") or "")
            if start is None and not text:
                continue
            known = spans.get((start, end)) if start is not None else None
            country = str(r.get(f"{col}_country") or "")
            typ = str(r.get(f"{col}_type") or "") or (known.type if known else "")
            if not typ:
                typ = "COUNTRY" if role == "Place" and country and known is None else "LOC"
            norm = known.norm if known else (f"ISO3166:{country}" if typ == "COUNTRY" else "")
            args[role] = Mention(
                typ,
                start if start is not None else -1,
                end if end is not None else -1,
                text,
                norm,
                country,
            )
        if r.get("time_text") or r.get("time_value"):
            args["Time"] = Mention(
                "DATE", -1, -1, str(r.get("time_text") or ""), f"TIMEX3:{r.get('time_value') or ''}"
            )
        if r.get("value_text") or r.get("value_amount"):
            unit = str(r.get("value_unit") or "")
            kind = "QTY" if unit in _qty_units() else "MONEY"
            args["Value"] = Mention(
                "QUANTITY" if kind == "QTY" else "MONEY",
                -1,
                -1,
                str(r.get("value_text") or ""),
                f"{kind}:{r.get('value_amount') or ''}:{unit}",
            )
        trig = Mention(
            str(r["event_type"]),
            int(r["trigger_start"]),
            int(r["trigger_end"]),
            str(r.get("trigger_text") or ""),
        )
        doc.events.append(
            EventRec(
                str(r["event_type"]),
                trig,
                args,
                _bool(r.get("negated")),
                _bool(r.get("speculated")),
                str(r.get("sector") or ""),
            )
        )
    return docs


def _qty_units() -> frozenset[str]:
    from pipeline.brat import QTY_UNITS

    return QTY_UNITS


def read_run(run_dir: Path) -> dict[str, pd.DataFrame]:
    """The documents, entities and events tables of a `bnevents run` folder (any format)."""
    from pipeline.io.writers import read_table

    out = {}
    for name in ("documents", "entities", "events"):
        for fmt in ("parquet", "jsonl", "csv"):
            path = run_dir / f"{name}.{fmt}"
            if path.is_file():
                out[name] = read_table(path)
                break
        else:
            raise FileNotFoundError(f"{run_dir}: no {name}.csv/.jsonl/.parquet (not a run folder?)")
    return out


# -- counting ------------------------------------------------------------------
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


def overlaps(a: Mention, b: Mention) -> bool:
    return a.start >= 0 and b.start >= 0 and a.start < b.end and b.start < a.end


def _overlap_len(a: Mention, b: Mention) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match_spans(
    gold: list[Mention], pred: list[Mention]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """One-to-one (strict pairs, partial pairs) of same-type mentions, by index.

    Partial pairs include the strict ones. Greedy by overlap length is optimal enough
    here because gold mentions never overlap each other.
    """
    used_g: set[int] = set()
    used_p: set[int] = set()
    strict: list[tuple[int, int]] = []
    by_key: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for gi, g in enumerate(gold):
        by_key[(g.type, g.start, g.end)].append(gi)
    for pi, p in enumerate(pred):
        cands = by_key.get((p.type, p.start, p.end))
        if cands:
            gi = cands.pop(0)
            strict.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    partial = list(strict)
    cand = [
        (-_overlap_len(g, p), gi, pi)
        for gi, g in enumerate(gold)
        if gi not in used_g
        for pi, p in enumerate(pred)
        if pi not in used_p and p.type == g.type and overlaps(g, p)
    ]
    for _, gi, pi in sorted(cand):
        if gi not in used_g and pi not in used_p:
            partial.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return strict, partial


def _amount_eq(a: str, b: str) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except ValueError:
        return a == b


def same_value(g: Mention, p: Mention) -> bool:
    """Normalised values agree (TIMEX3 string, ISO code, amount and unit)."""
    gv, pv = g.norm.split(":"), p.norm.split(":")
    if gv[0] in ("MONEY", "QTY") and len(gv) == 3 and len(pv) == 3:
        return gv[0] == pv[0] and gv[2] == pv[2] and _amount_eq(gv[1], pv[1])
    return g.norm == p.norm


def same_actor(g: Mention, p: Mention) -> bool:
    if g.type == "COUNTRY" and p.type == "COUNTRY":
        return bool(g.country) and g.country == p.country
    if overlaps(g, p):
        return True
    return bool(g.country) and g.country == p.country


def same_place(g: Mention, p: Mention) -> bool:
    if g.type == "COUNTRY" and p.type == "COUNTRY":
        return bool(g.country) and g.country == p.country
    return overlaps(g, p) or (
        bool(g.text) and normalise_text_plain(g.text) == normalise_text_plain(p.text)
    )


def actors_agree(g: list[Mention], p: list[Mention]) -> bool:
    if len(g) != len(p):
        return False
    return any(
        all(same_actor(a, b) for a, b in zip(g, perm, strict=True))
        for perm in itertools.permutations(p)
    )


def match_events(gold: list[EventRec], pred: list[EventRec]) -> list[tuple[int, int]]:
    cand = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g.type == p.type and actors_agree(g.actors, p.actors):
                cand.append(
                    (
                        0 if overlaps(g.trigger, p.trigger) else 1,
                        abs(g.trigger.start - p.trigger.start),
                        gi,
                        pi,
                    )
                )
    pairs, used_g, used_p = [], set(), set()
    for *_, gi, pi in sorted(cand):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return pairs


def _role_match(role: str, g: Mention, p: Mention) -> bool:
    if role in ACTOR_ROLES or role == "Actor":
        return same_actor(g, p)
    if role == "Place":
        return same_place(g, p)
    return same_value(g, p)


def _is_ordered(event_type: str) -> bool:
    event = load_schema().event_types.get(event_type)
    return event.ordered if event is not None else True


def argument_triples(
    g: EventRec | None, p: EventRec | None
) -> tuple[
    list[tuple[str, Mention, Mention]], list[tuple[str, Mention]], list[tuple[str, Mention]]
]:
    """(correct (role, gold, pred), false positives (role, pred), false negatives (role, gold))."""
    tps: list[tuple[str, Mention, Mention]] = []
    gold_args = list(g.args.items()) if g else []
    pred_args = list(p.args.items()) if p else []
    etype = (g or p).type  # type: ignore[union-attr]
    if not _is_ordered(etype):
        # unordered actors: Actor1/Actor2 are one role, compared as a set
        gold_args = [("Actor" if r in ACTOR_ROLES else r, m) for r, m in gold_args]
        pred_args = [("Actor" if r in ACTOR_ROLES else r, m) for r, m in pred_args]
    if g is None or p is None:
        return [], pred_args, gold_args
    used_p: set[int] = set()
    fns = []
    for role, gm in gold_args:
        hit = next(
            (
                i
                for i, (r, pm) in enumerate(pred_args)
                if i not in used_p and r == role and _role_match(role, gm, pm)
            ),
            None,
        )
        if hit is None:
            fns.append((role, gm))
        else:
            used_p.add(hit)
            tps.append((role, gm, pred_args[hit][1]))
    fps = [(r, m) for i, (r, m) in enumerate(pred_args) if i not in used_p]
    return tps, fps, fns


# -- the scorer ----------------------------------------------------------------------
@dataclass
class Evaluation:
    report: dict[str, Any]
    errors: pd.DataFrame


class _Errors:
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
def _sentence_spans(text: str) -> list[tuple[int, int]]:
    # keyed by the text itself; errors are added document by document, so 4 is plenty
    return split_sentences(text)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around [start, end) for a human reading the error list."""
    spans = _sentence_spans(text)
    for a, b in spans:
        if a <= start < b or (start < b and a < end):
            return text[a:b].replace("\n", " ")
    return text[max(0, start - 60) : end + 60].replace("\n", " ")


def _describe(e: EventRec) -> str:
    parts = [
        f"{r}={m.text}" + (f"[{m.country}]" if m.country else "")
        for r, m in e.args.items()
        if r in ACTOR_ROLES
    ]
    return ", ".join(parts) or "no actors"


def evaluate(gold: dict[str, DocRecord], pred: dict[str, DocRecord]) -> Evaluation:
    """Score predictions for the documents in `gold`.

    Documents that failed in the run (status != ok) or are absent from it count as all missed.
    """
    errs = _Errors()
    ent_strict: dict[str, PRF] = {t: PRF() for t in MENTION_TYPES}
    ent_partial: dict[str, PRF] = {t: PRF() for t in MENTION_TYPES}
    value_acc: dict[str, Acc] = {t: Acc() for t in VALUE_GROUPS.values()}
    # spans of each value type, predicted and gold, for value P/R/F1
    value_spans: dict[str, Counter[str]] = {t: Counter() for t in VALUE_GROUPS.values()}
    linking = Acc()
    ev_prf: dict[str, PRF] = defaultdict(PRF)
    arg_by_type: dict[str, PRF] = defaultdict(PRF)
    arg_by_role: dict[str, PRF] = defaultdict(PRF)
    attrs = {"negated": Acc(), "speculated": Acc(), "sector": Acc()}
    failed, missing, offset_mismatch = [], [], 0

    for doc_id in sorted(gold):
        g = gold[doc_id]
        p = pred.get(doc_id)
        if p is None:
            missing.append(doc_id)
            p = DocRecord(doc_id)
        elif p.status != "ok":
            failed.append(doc_id)
            p = DocRecord(doc_id, status=p.status)
        p.text = g.text
        offset_mismatch += sum(1 for m in p.mentions if g.text[m.start : m.end] != m.text)

        # entities and values
        pm = [m for m in p.mentions if m.type in MENTION_TYPES]
        for t in MENTION_TYPES:
            gl = [m for m in g.mentions if m.type == t]
            pl = [m for m in pm if m.type == t]
            strict, partial = match_spans(gl, pl)
            ent_strict[t].add(PRF(len(strict), len(pl) - len(strict), len(gl) - len(strict)))
            ent_partial[t].add(PRF(len(partial), len(pl) - len(partial), len(gl) - len(partial)))
            strict_set = set(strict)
            for gi, pi in partial:
                gm, pmm = gl[gi], pl[pi]
                if (gi, pi) not in strict_set:
                    errs.add("entities", "boundary", g, gm, pmm)
                if t in value_acc or t == "COUNTRY":
                    ok = same_value(gm, pmm)
                    (linking if t == "COUNTRY" else value_acc[t]).correct += ok
                    (linking if t == "COUNTRY" else value_acc[t]).total += 1
                    if not ok:
                        errs.add(
                            "values" if t != "COUNTRY" else "country_linking",
                            "wrong_value",
                            g,
                            gm,
                            pmm,
                        )
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
            if t in value_spans:
                value_spans[t]["pred"] += len(pl)
                value_spans[t]["gold"] += len(gl)

        # events
        pairs = match_events(g.events, p.events)
        mg = {gi for gi, _ in pairs}
        mp = {pi for _, pi in pairs}
        for e in g.events:
            ev_prf[e.type].fn += 1
        for e in p.events:
            ev_prf[e.type].fp += 1
        for gi, pi in pairs:
            ge, pe = g.events[gi], p.events[pi]
            ev_prf[ge.type].tp += 1
            ev_prf[ge.type].fn -= 1
            ev_prf[pe.type].fp -= 1
            compared = [
                ("negated", ge.negated, pe.negated),
                ("speculated", ge.speculated, pe.speculated),
            ]
            if ge.type in SECTOR_TYPES:  # Sector is annotated on these types only
                compared.append(("sector", ge.sector, pe.sector))
            for name, gv, pv in compared:
                attrs[name].total += 1
                attrs[name].correct += gv == pv
                if gv != pv:
                    shown = (gv, pv) if name != "sector" else (gv or "-", pv or "-")
                    errs.add(
                        "events",
                        "wrong_value",
                        g,
                        ge.trigger,
                        pe.trigger,
                        ge.type,
                        pe.type,
                        f"{name}: gold {shown[0]}, predicted {shown[1]}",
                    )
        # argument alignment: the matches above, then same type with overlapping triggers
        aligned = list(pairs)
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
        # error rows: one per unmatched gold event, pairing it with the prediction that
        # nearly matched (same trigger, other actors or other type) when there is one
        matched_g = {gi for gi, _ in pairs}
        fallback = {gi: pi for gi, pi in aligned[len(pairs) :]}
        reported: set[int] = {pi for _, pi in aligned}
        for gi, ge in enumerate(g.events):
            if gi in matched_g:
                continue
            if gi in fallback:
                pe = p.events[fallback[gi]]
                errs.add(
                    "events",
                    "wrong_actors",
                    g,
                    ge.trigger,
                    pe.trigger,
                    ge.type,
                    pe.type,
                    f"gold {_describe(ge)}; predicted {_describe(pe)}",
                )
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
                errs.add(
                    "events",
                    "wrong_type",
                    g,
                    ge.trigger,
                    pe.trigger,
                    ge.type,
                    pe.type,
                    f"gold {_describe(ge)}; predicted {_describe(pe)}",
                )
            else:
                errs.add(
                    "events", "false_negative", g, ge.trigger, None, ge.type, "", _describe(ge)
                )
        for pi, pe in enumerate(p.events):
            if pi not in reported:
                errs.add(
                    "events", "false_positive", g, None, pe.trigger, "", pe.type, _describe(pe)
                )
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
                arg_by_type[etype].tp += 1
                arg_by_role[role].tp += 1
            for role, pm_ in fps:
                arg_by_type[pe.type].fp += 1  # type: ignore[union-attr]
                arg_by_role[role].fp += 1
                errs.add(
                    "arguments",
                    "false_positive",
                    g,
                    None,
                    pm_,
                    "",
                    f"{pe.type}.{role}",  # type: ignore[union-attr]
                    f"trigger {pe.trigger.text!r}",
                )  # type: ignore[union-attr]
            for role, gm_ in fns:
                arg_by_type[ge.type].fn += 1  # type: ignore[union-attr]
                arg_by_role[role].fn += 1
                errs.add(
                    "arguments",
                    "false_negative",
                    g,
                    gm_,
                    None,
                    f"{ge.type}.{role}",
                    "",  # type: ignore[union-attr]
                    f"trigger {ge.trigger.text!r}",
                )  # type: ignore[union-attr]

    micro_s, micro_p = PRF(), PRF()
    for t in MENTION_TYPES:
        micro_s.add(ent_strict[t])
        micro_p.add(ent_partial[t])
    ev_total, arg_total = PRF(), PRF()
    for v in ev_prf.values():
        ev_total.add(v)
    for v in arg_by_type.values():
        arg_total.add(v)

    def value_block(t: str) -> dict[str, Any]:
        # value P/R/F1: correct values over all predicted / all gold spans of the type
        ok = value_acc[t].correct
        vp = PRF(ok, value_spans[t]["pred"] - ok, value_spans[t]["gold"] - ok)
        return {
            "span": {"strict": ent_strict[t].as_dict(), "partial": ent_partial[t].as_dict()},
            "value_accuracy": round(value_acc[t].accuracy, 4),
            "value_matched": value_acc[t].total,
            "value_correct": value_acc[t].correct,
            "value": vp.as_dict(),
        }

    report: dict[str, Any] = {
        "documents": {
            "gold": len(gold),
            "scored": len(gold) - len(failed) - len(missing),
            "failed": len(failed),
            "failed_ids": failed,
            "missing": len(missing),
            "missing_ids": missing,
            "offset_mismatches": offset_mismatch,
        },
        "entities": {
            "micro": {"strict": micro_s.as_dict(), "partial": micro_p.as_dict()},
            "per_type": {
                t: {"strict": ent_strict[t].as_dict(), "partial": ent_partial[t].as_dict()}
                for t in MENTION_TYPES
            },
        },
        **{group: value_block(t) for group, t in VALUE_GROUPS.items()},
        "countries": {
            "linking_accuracy": round(linking.accuracy, 4),
            "matched": linking.total,
            "correct": linking.correct,
        },
        "events": {
            **ev_total.as_dict(),
            "per_type": {t: ev_prf[t].as_dict() for t in sorted(ev_prf)},
            "attributes": {k: v.as_dict() for k, v in attrs.items()},
        },
        "arguments": {
            **arg_total.as_dict(),
            "per_type": {t: arg_by_type[t].as_dict() for t in sorted(arg_by_type)},
            "per_role": {r: arg_by_role[r].as_dict() for r in sorted(arg_by_role)},
        },
        "confusions": [{"what": k, "count": n} for k, n in errs.confusions.most_common(20)],
    }
    errors = pd.DataFrame.from_records(errs.rows, columns=ERROR_COLUMNS)
    for col in ("gold_start", "gold_end", "pred_start", "pred_end"):
        errors[col] = pd.array(errors[col], dtype="Int64")
    return Evaluation(report, errors)


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


# -- gold, runs, stage ablation ---------------------------------------------------
SPLITS = ("all", "dev", "test")


def split_ids(gold_dir: Path, split: str) -> list[str] | None:
    """Doc ids of `split` from GOLD_DIR/split.json ({"dev": [...], "test": [...]}); None = all."""
    import json

    if split == "all":
        return None
    path = gold_dir / "split.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if split not in data:
        raise ValueError(f"{path} has no {split!r} list (it has {', '.join(sorted(data))})")
    return [str(x) for x in data[split]]


def load_gold(gold_dir: Path, split: str = "all") -> dict[str, BratDocument]:
    from pipeline.brat import read_directory

    return read_directory(gold_dir, split_ids(gold_dir, split))


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
    gold_docs: dict[str, BratDocument], stages: tuple[str, ...] = STAGE_NAMES
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
        pipe = Pipeline(Config(stages=name))  # each setting is a plan of registered stages
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
