"""Gold and predictions in one shape: `DocRecord`s of `Mention`s and `EventRec`s.

A brat gold document (`gold_record`) and a run's tables (`predicted_records`) both become
records, so the scorer compares like with like. A record differs from the pipeline's
`model.Span` in what scoring needs: `country` is the ISO code of a COUNTRY and the
Affiliation of a PERSON/ORG (actors agree through it), and a predicted Time or Value the
events table gives only by text and value has offsets -1.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.brat.document import BratDocument, read_directory, read_split
from pipeline.norms import amount_kind, country_code, make_norm, norm_value

ROLES = ("Actor1", "Actor2", "Time", "Place", "Value")
ACTOR_ROLES = ("Actor1", "Actor2")
RUN_TABLES = ("documents", "entities", "events")  # the tables the scorer reads
SPLITS = ("all", "dev", "test")
# the events table's columns of the arguments it gives by offsets
_OFFSET_ROLES = (("Actor1", "actor1"), ("Actor2", "actor2"), ("Place", "place"))


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
        return norm_value(self.norm)


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


# -- gold ------------------------------------------------------------------------------
def gold_record(doc: BratDocument) -> DocRecord:
    """A brat document as scored: mentions with their values and affiliations, events."""

    def mention(tid: str) -> Mention:
        t = doc.spans[tid]
        norm = doc.norm_of(tid)
        country = country_code(norm) if t.type == "COUNTRY" else doc.affiliation_of(tid)
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


def split_ids(gold_dir: Path, split: str) -> list[str] | None:
    """Doc ids of `split` from GOLD_DIR/split.json ({"dev": [...], "test": [...]}); None = all."""
    if split == "all":
        return None
    data = read_split(gold_dir)
    if data is None:
        return None
    if split not in data:
        raise ValueError(
            f"{gold_dir / 'split.json'} has no {split!r} list (it has {', '.join(sorted(data))})"
        )
    return [str(x) for x in data[split]]


def load_gold(gold_dir: Path, split: str = "all") -> dict[str, BratDocument]:
    return read_directory(gold_dir, split_ids(gold_dir, split))


# -- predictions -------------------------------------------------------------------------
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


def _entity_mention(r: dict[str, Any]) -> Mention:
    typ = str(r["type"])
    norm = str(r.get("norm") or "")
    country = country_code(norm) if typ == "COUNTRY" else str(r.get("affiliation") or "")
    return Mention(typ, int(r["start"]), int(r["end"]), str(r["text"]), norm, country)


def _offset_argument(
    r: dict[str, Any], role: str, col: str, spans: dict[tuple[int, int], Mention]
) -> Mention | None:
    """An Actor1/Actor2/Place the events table gives by offsets (and text, type, country)."""
    start, end = _int(r.get(f"{col}_start")), _int(r.get(f"{col}_end"))
    text = str(r.get(f"{col}_text") or "")
    if start is None and not text:
        return None
    known = spans.get((start, end)) if start is not None else None  # type: ignore[arg-type]
    country = str(r.get(f"{col}_country") or "")
    typ = str(r.get(f"{col}_type") or "") or (known.type if known else "")
    if not typ:
        typ = "COUNTRY" if role == "Place" and country and known is None else "LOC"
    norm = known.norm if known else (make_norm("COUNTRY", country) if typ == "COUNTRY" else "")
    return Mention(
        typ,
        start if start is not None else -1,
        end if end is not None else -1,
        text,
        norm,
        country,
    )


def _text_arguments(r: dict[str, Any]) -> dict[str, Mention]:
    """Time and Value, which the events table gives by text and value only."""
    args: dict[str, Mention] = {}
    if r.get("time_text") or r.get("time_value"):
        norm = make_norm("DATE", r.get("time_value") or "")
        args["Time"] = Mention("DATE", -1, -1, str(r.get("time_text") or ""), norm)
    if r.get("value_text") or r.get("value_amount"):
        unit = str(r.get("value_unit") or "")
        kind = amount_kind(unit)  # the schema's quantity units, else a currency
        norm = make_norm(kind, r.get("value_amount") or "", unit)
        args["Value"] = Mention(kind, -1, -1, str(r.get("value_text") or ""), norm)
    return args


def _event_record(r: dict[str, Any], spans: dict[tuple[int, int], Mention]) -> EventRec:
    args: dict[str, Mention] = {}
    for role, col in _OFFSET_ROLES:
        arg = _offset_argument(r, role, col, spans)
        if arg is not None:
            args[role] = arg
    args.update(_text_arguments(r))
    trig = Mention(
        str(r["event_type"]),
        int(r["trigger_start"]),
        int(r["trigger_end"]),
        str(r.get("trigger_text") or ""),
    )
    return EventRec(
        str(r["event_type"]),
        trig,
        args,
        _bool(r.get("negated")),
        _bool(r.get("speculated")),
        str(r.get("sector") or ""),
    )


def predicted_records(tables: dict[str, pd.DataFrame]) -> dict[str, DocRecord]:
    """Run tables (documents, entities, events) -> one DocRecord per document."""
    docs: dict[str, DocRecord] = {}
    for r in tables["documents"].to_dict(orient="records"):
        docs[str(r["doc_id"])] = DocRecord(str(r["doc_id"]), status=str(r.get("status") or "ok"))
    by_span: dict[str, dict[tuple[int, int], Mention]] = defaultdict(dict)
    for r in tables["entities"].to_dict(orient="records"):
        doc = docs.setdefault(str(r["doc_id"]), DocRecord(str(r["doc_id"])))
        m = _entity_mention(r)
        doc.mentions.append(m)
        by_span[doc.doc_id][(m.start, m.end)] = m
    for r in tables["events"].to_dict(orient="records"):
        doc = docs.setdefault(str(r["doc_id"]), DocRecord(str(r["doc_id"])))
        doc.events.append(_event_record(r, by_span[doc.doc_id]))
    return docs


def read_run(run_dir: Path) -> dict[str, pd.DataFrame]:
    """The documents, entities and events tables of a `bnevents run` folder (any format).

    Raises FileNotFoundError when one of them is missing."""
    from pipeline.io.export import load_run

    return load_run(run_dir, RUN_TABLES, required=RUN_TABLES, missing=FileNotFoundError)
