"""Writing brat standoff from predictions: a processed `Analysis` or the run tables.

Both write from the pipeline's own `model.Span`/`model.Event` (the run tables are read
back into them), so there is one writer and no writer-only span type.
"""

from __future__ import annotations

import pandas as pd

from pipeline.model import Analysis, Event, Span
from pipeline.norms import make_norm


def _clean_field(text: str) -> str:
    # a .ann line cannot hold a newline or a tab; brat shows the span from the offsets anyway
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def format_ann(mentions: list[Span], events: list[Event]) -> str:
    """brat standoff for predicted mentions and events (T, E, R, A, N and # lines)."""
    lines: list[str] = []
    ids: dict[tuple[int, int, str], str] = {}

    def add_t(m: Span) -> str:
        key = (m.start, m.end, m.label)
        if key not in ids:
            ids[key] = f"T{len(ids) + 1}"
            lines.append(f"{ids[key]}\t{m.label} {m.start} {m.end}\t{_clean_field(m.text)}")
        return ids[key]

    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    for m in ordered:
        add_t(m)
    # arguments that are not among the mentions (should not happen) still get a T line
    for e in events:
        for m in e.args.values():
            add_t(m)
    e_lines, a_lines = [], []
    trigger_ids: dict[tuple[int, int, str], str] = {}
    for i, e in enumerate(sorted(events, key=lambda e: (e.trigger.start, e.event_type)), 1):
        tkey = (e.trigger.start, e.trigger.end, e.event_type)
        if tkey in trigger_ids:
            tid = trigger_ids[tkey]
        else:
            tid = f"T{len(ids) + len(trigger_ids) + 1}"
            trigger_ids[tkey] = tid
            lines.append(
                f"{tid}\t{e.event_type} {e.trigger.start} {e.trigger.end}\t"
                f"{_clean_field(e.trigger.text)}"
            )
        args = " ".join(f"{role}:{add_t(m)}" for role, m in e.args.items())
        e_lines.append(f"E{i}\t{e.event_type}:{tid}" + (f" {args}" if args else ""))
        for name, on in (("Negated", e.negated), ("Speculated", e.speculated)):
            if on:
                a_lines.append(f"A{len(a_lines) + 1}\t{name} E{i}")
        if e.sector:
            a_lines.append(f"A{len(a_lines) + 1}\tSector E{i} {e.sector}")
    lines.extend(e_lines)
    countries = [(m, ids[(m.start, m.end, m.label)]) for m in ordered if m.label == "COUNTRY"]
    r_lines, notes = [], []
    for m in ordered:
        if m.label not in ("PERSON", "ORG") or not m.affiliation:
            continue
        home = make_norm("COUNTRY", m.affiliation)
        same = [(c, tid) for c, tid in countries if c.norm == home]
        tid = ids[(m.start, m.end, m.label)]
        if same:
            # the nearest mention of that state, preceding ones first (guidelines §7)
            _, cid = min(same, key=lambda ct: (ct[0].start > m.start, abs(ct[0].start - m.start)))
            r_lines.append(f"R{len(r_lines) + 1}\tAffiliation Arg1:{tid} Arg2:{cid}")
        else:
            notes.append(f"#{len(notes) + 1}\tAnnotatorNotes {tid}\taffiliation: {m.affiliation}")
    lines.extend(r_lines)
    lines.extend(a_lines)
    n = 0
    for m in ordered:
        if m.norm:
            n += 1
            lines.append(
                f"N{n}\tReference {ids[(m.start, m.end, m.label)]} {m.norm}\t{_clean_field(m.text)}"
            )
    lines.extend(notes)
    return "\n".join(lines) + ("\n" if lines else "")


def analysis_to_ann(analysis: Analysis) -> str:
    """A processed document's predictions as brat standoff."""
    return format_ann(analysis.mentions, analysis.events)


def tables_to_ann(text: str, entities: list[dict], events: list[dict]) -> str:
    """One document's rows of the run tables (entities, events) as brat standoff.

    The events table gives actors and places by offsets but times and values only by
    text and value, so those are looked up among the document's mentions: the one with
    that text (and value) nearest the trigger.
    """
    mentions = [
        Span(
            str(r["type"]),
            int(r["start"]),
            int(r["end"]),
            str(r["text"]),
            norm=str(r.get("norm") or ""),
            affiliation=str(r.get("affiliation") or ""),
        )
        for r in entities
    ]
    by_offsets = {(m.start, m.end): m for m in mentions}
    out_events = []
    for r in events:
        tstart = int(r["trigger_start"])
        trig = Span(str(r["event_type"]), tstart, int(r["trigger_end"]), str(r["trigger_text"]))
        args: dict[str, Span] = {}
        for role, col in (("Actor1", "actor1"), ("Actor2", "actor2"), ("Place", "place")):
            start, end = r.get(f"{col}_start"), r.get(f"{col}_end")
            if _present(start) and _present(end):
                m = by_offsets.get((int(start), int(end)))
                if m is None:
                    label = str(r.get(f"{col}_type") or "") or (
                        "COUNTRY" if r.get(f"{col}_country") else "LOC"
                    )
                    m = Span(label, int(start), int(end), text[int(start) : int(end)])
                args[role] = m
        for role, label_set, want_text in (
            ("Time", ("DATE",), r.get("time_text")),
            ("Value", ("MONEY", "QUANTITY"), r.get("value_text")),
        ):
            if want_text:
                cands = [m for m in mentions if m.label in label_set and m.text == want_text]
                if cands:
                    args[role] = min(cands, key=lambda m: abs(m.start - tstart))
        out_events.append(
            Event(
                trig.label,
                str(r.get("cameo_code") or ""),
                trig,
                args,
                negated=bool(r.get("negated") is True),
                speculated=bool(r.get("speculated") is True),
                sector=str(r.get("sector") or ""),
            )
        )
    return format_ann(mentions, out_events)



def _present(v: object) -> bool:
    """False for None, '', NaN and pd.NA (typed tables use pd.NA for a missing offset)."""
    if isinstance(v, str):
        return v != ""
    return not pd.isna(v)

