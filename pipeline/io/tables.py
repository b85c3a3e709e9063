"""Stage 6: the output tables. Column lists here are a public contract: add, never rename."""

from __future__ import annotations

from typing import Any

from pipeline.model import Analysis, Event, Span
from pipeline.norms import country_of, is_amount, parse_norm, timex

DOCUMENT_COLUMNS = [
    "doc_id",
    "title",
    "source",
    "chars",
    "sections",
    "sentences",
    "tokens",
    "entities",
    "events",
    "status",
    "error",
]
SECTION_COLUMNS = ["doc_id", "section_index", "title", "start", "end", "sentences", "kind"]
# text: raw[start:end], markup included; clean_text: the normalised sentence the stages
# read (no ''' or == heading == residue), added last (the contract: add, never rename)
SENTENCE_COLUMNS = [
    "doc_id", "sentence_index", "section", "start", "end", "text", "section_index", "clean_text"
]
ENTITY_COLUMNS = [
    "doc_id",
    "entity_id",
    "type",
    "text",
    "start",
    "end",
    "norm",
    "affiliation",
    "sentence_index",
    "source",
    "confidence",
]
DATE_COLUMNS = [
    "doc_id",
    "entity_id",
    "text",
    "start",
    "end",
    "value",
    "start_date",
    "end_date",
    "granularity",
    "sentence_index",
    "source",
]
EVENT_COLUMNS = [
    "doc_id",
    "event_id",
    "event_type",
    "cameo_code",
    "trigger_text",
    "trigger_start",
    "trigger_end",
    "actor1_text",
    "actor1_type",
    "actor1_country",
    "actor1_start",
    "actor1_end",
    "actor2_text",
    "actor2_type",
    "actor2_country",
    "actor2_start",
    "actor2_end",
    "time_text",
    "time_value",
    "place_text",
    "place_country",
    "place_start",
    "place_end",
    "value_text",
    "value_amount",
    "value_unit",
    "sector",
    "negated",
    "speculated",
    "sentence_index",
    "sentence_text",
    "source",
    "confidence",
]
TABLE_COLUMNS: dict[str, list[str]] = {
    "documents": DOCUMENT_COLUMNS,
    "sections": SECTION_COLUMNS,
    "sentences": SENTENCE_COLUMNS,
    "entities": ENTITY_COLUMNS,
    "dates": DATE_COLUMNS,
    "events": EVENT_COLUMNS,
}
# sort keys that make every table's order independent of worker count
TABLE_SORT_KEYS: dict[str, list[str]] = {
    "documents": ["doc_id"],
    "sections": ["doc_id", "section_index"],
    "sentences": ["doc_id", "sentence_index"],
    "entities": ["doc_id", "start", "end"],
    "dates": ["doc_id", "start", "end"],
    "events": ["doc_id", "trigger_start", "event_id"],
}



def document_row(analysis: Analysis) -> dict[str, Any]:
    doc = analysis.doc
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "source": doc.source,
        "chars": len(doc.text),
        "sections": len(analysis.sections),
        "sentences": len(analysis.sentences),
        "tokens": sum(len(s.tokens) for s in analysis.sentences),
        "entities": len(analysis.mentions),
        "events": len(analysis.events),
        "status": analysis.status,
        "error": analysis.error,
    }


def table_rows(analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    """All rows one document contributes to each table."""
    doc_id = analysis.doc.doc_id
    per_section = [0] * len(analysis.sections)
    for s in analysis.sentences:
        per_section[s.section] += 1
    sections = [
        {
            "doc_id": doc_id,
            "section_index": sec.index,
            "title": sec.title,
            "start": sec.start,
            "end": sec.end,
            "sentences": per_section[sec.index],
            "kind": sec.kind,
        }
        for sec in analysis.sections
    ]
    sentences = [
        {
            "doc_id": doc_id,
            "sentence_index": s.index,
            "section": analysis.sections[s.section].title,
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "section_index": s.section,
            "clean_text": analysis.clean[s.cstart : s.cend],
        }
        for s in analysis.sentences
    ]
    entities = [entity_row(doc_id, m) for m in analysis.mentions]
    dates = [date_row(doc_id, m) for m in analysis.mentions if m.label == "DATE"]
    events = [event_row(analysis, e) for e in analysis.events]
    return {
        "documents": [document_row(analysis)],
        "sections": sections,
        "sentences": sentences,
        "entities": entities,
        "dates": dates,
        "events": events,
    }


def entity_row(doc_id: str, m: Span) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "entity_id": m.span_id,
        "type": m.label,
        "text": m.text,
        "start": m.start,
        "end": m.end,
        "norm": m.norm,
        "affiliation": m.affiliation,
        "sentence_index": m.sentence_index,
        "source": m.source,
        "confidence": round(m.confidence, 4),
    }


def date_row(doc_id: str, m: Span) -> dict[str, Any]:
    value = timex(m.norm)
    return {
        "doc_id": doc_id,
        "entity_id": m.span_id,
        "text": m.text,
        "start": m.start,
        "end": m.end,
        "value": value,
        "start_date": m.attrs.get("start_date", ""),
        "end_date": m.attrs.get("end_date", ""),
        "granularity": m.attrs.get("granularity", ""),
        "sentence_index": m.sentence_index,
        "source": m.source,
    }



def parse_amount(norm: str) -> tuple[str, str]:
    """'MONEY:5500000000:USD' -> ('5500000000', 'USD'); 'QTY:300:MW' -> ('300', 'MW')."""
    parsed = parse_norm(norm)
    return parsed.amount_and_code() if is_amount(parsed) else ("", "")


def event_row(analysis: Analysis, e: Event) -> dict[str, Any]:
    def arg(role: str) -> Span | None:
        return e.args.get(role)

    a1, a2, time, place, value = (arg(r) for r in ("Actor1", "Actor2", "Time", "Place", "Value"))
    amount, unit = parse_amount(value.norm) if value else ("", "")
    sentence_text = (
        analysis.sentences[e.sentence_index].text
        if 0 <= e.sentence_index < len(analysis.sentences)
        else ""
    )
    return {
        "doc_id": analysis.doc.doc_id,
        "event_id": e.event_id,
        "event_type": e.event_type,
        "cameo_code": e.cameo_code,
        "trigger_text": e.trigger.text,
        "trigger_start": e.trigger.start,
        "trigger_end": e.trigger.end,
        "actor1_text": a1.text if a1 else "",
        "actor1_type": a1.label if a1 else "",
        "actor1_country": country_of(a1),
        "actor1_start": a1.start if a1 else None,
        "actor1_end": a1.end if a1 else None,
        "actor2_text": a2.text if a2 else "",
        "actor2_type": a2.label if a2 else "",
        "actor2_country": country_of(a2),
        "actor2_start": a2.start if a2 else None,
        "actor2_end": a2.end if a2 else None,
        "time_text": time.text if time else "",
        "time_value": timex(time.norm) if time else "",
        "place_text": place.text if place else "",
        "place_country": country_of(place),
        "place_start": place.start if place else None,
        "place_end": place.end if place else None,
        "value_text": value.text if value else "",
        "value_amount": amount,
        "value_unit": unit,
        "sector": e.sector,
        "negated": e.negated,
        "speculated": e.speculated,
        "sentence_index": e.sentence_index,
        "sentence_text": sentence_text,
        "source": e.source,
        "confidence": round(e.confidence, 4),
    }
