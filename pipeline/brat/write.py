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


Ids = dict[tuple[int, int, str], str]  # (start, end, label) -> T id


def format_ann(mentions: list[Span], events: list[Event]) -> str:
    """brat standoff for predicted mentions and events (T, E, R, A, N and # lines)."""
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    ids, t_lines = _mention_lines(ordered, events)
    trigger_lines, e_lines, a_lines = _event_lines(events, ids)
    r_lines, notes = _affiliation_lines(ordered, ids)
    lines = [*t_lines, *trigger_lines, *e_lines, *r_lines, *a_lines,
             *_norm_lines(ordered, ids), *notes]
    return "\n".join(lines) + ("\n" if lines else "")


def _mention_lines(ordered: list[Span], events: list[Event]) -> tuple[Ids, list[str]]:
    """T lines of the mentions, in text order, then of any argument not among them
    (should not happen, but it still gets a T line)."""
    ids: Ids = {}
    lines: list[str] = []
    for m in [*ordered, *(m for e in events for m in e.args.values())]:
        if m.key not in ids:
            ids[m.key] = f"T{len(ids) + 1}"
            lines.append(f"{ids[m.key]}\t{m.label} {m.start} {m.end}\t{_clean_field(m.text)}")
    return ids, lines


def _event_lines(events: list[Event], ids: Ids) -> tuple[list[str], list[str], list[str]]:
    """(trigger T lines, E lines, A lines); triggers are numbered after the mentions."""
    t_lines, e_lines, a_lines = [], [], []
    trigger_ids: Ids = {}
    for i, e in enumerate(sorted(events, key=lambda e: (e.trigger.start, e.event_type)), 1):
        tkey = (e.trigger.start, e.trigger.end, e.event_type)
        if tkey not in trigger_ids:
            trigger_ids[tkey] = f"T{len(ids) + len(trigger_ids) + 1}"
            t_lines.append(
                f"{trigger_ids[tkey]}\t{e.event_type} {e.trigger.start} {e.trigger.end}\t"
                f"{_clean_field(e.trigger.text)}"
            )
        args = " ".join(f"{role}:{ids[m.key]}" for role, m in e.args.items())
        e_lines.append(f"E{i}\t{e.event_type}:{trigger_ids[tkey]}" + (f" {args}" if args else ""))
        for name, on in (("Negated", e.negated), ("Speculated", e.speculated)):
            if on:
                a_lines.append(f"A{len(a_lines) + 1}\t{name} E{i}")
        if e.sector:
            a_lines.append(f"A{len(a_lines) + 1}\tSector E{i} {e.sector}")
    return t_lines, e_lines, a_lines


def _affiliation_lines(ordered: list[Span], ids: Ids) -> tuple[list[str], list[str]]:
    """(R lines to a mention of the PERSON/ORG's state, # notes where there is none)."""
    countries = [(m, ids[m.key]) for m in ordered if m.label == "COUNTRY"]
    r_lines, notes = [], []
    for m in ordered:
        if m.label not in ("PERSON", "ORG") or not m.affiliation:
            continue
        home = make_norm("COUNTRY", m.affiliation)
        same = [(c, tid) for c, tid in countries if c.norm == home]
        tid = ids[m.key]
        if same:
            # the nearest mention of that state, preceding ones first (guidelines §7)
            _, cid = min(same, key=lambda ct: (ct[0].start > m.start, abs(ct[0].start - m.start)))
            r_lines.append(f"R{len(r_lines) + 1}\tAffiliation Arg1:{tid} Arg2:{cid}")
        else:
            notes.append(f"#{len(notes) + 1}\tAnnotatorNotes {tid}\taffiliation: {m.affiliation}")
    return r_lines, notes


def _norm_lines(ordered: list[Span], ids: Ids) -> list[str]:
    normalised = [m for m in ordered if m.norm]
    return [
        f"N{n}\tReference {ids[m.key]} {m.norm}\t{_clean_field(m.text)}"
        for n, m in enumerate(normalised, 1)
    ]


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
    return format_ann(mentions, [_table_event(r, text, mentions, by_offsets) for r in events])


_OFFSET_ROLES = (("Actor1", "actor1"), ("Actor2", "actor2"), ("Place", "place"))
_TEXT_ROLES = (("Time", ("DATE",), "time_text"), ("Value", ("MONEY", "QUANTITY"), "value_text"))


def _table_event(
    r: dict, text: str, mentions: list[Span], by_offsets: dict[tuple[int, int], Span]
) -> Event:
    """One events-table row as an Event whose arguments are the document's mentions."""
    tstart = int(r["trigger_start"])
    trig = Span(str(r["event_type"]), tstart, int(r["trigger_end"]), str(r["trigger_text"]))
    args: dict[str, Span] = {}
    for role, col in _OFFSET_ROLES:
        start, end = r.get(f"{col}_start"), r.get(f"{col}_end")
        if _present(start) and _present(end):
            m = by_offsets.get((int(start), int(end)))
            if m is None:  # not among the entities: rebuilt from the row and the text
                label = str(r.get(f"{col}_type") or "") or (
                    "COUNTRY" if r.get(f"{col}_country") else "LOC"
                )
                m = Span(label, int(start), int(end), text[int(start) : int(end)])
            args[role] = m
    for role, label_set, col in _TEXT_ROLES:
        want_text = r.get(col)
        if want_text:
            cands = [m for m in mentions if m.label in label_set and m.text == want_text]
            if cands:
                args[role] = min(cands, key=lambda m: abs(m.start - tstart))
    return Event(
        trig.label,
        str(r.get("cameo_code") or ""),
        trig,
        args,
        negated=bool(r.get("negated") is True),
        speculated=bool(r.get("speculated") is True),
        sector=str(r.get("sector") or ""),
    )


def _present(v: object) -> bool:
    """False for None, '', NaN and pd.NA (typed tables use pd.NA for a missing offset)."""
    if isinstance(v, str):
        return v != ""
    return not pd.isna(v)

