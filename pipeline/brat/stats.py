"""Statistics of a brat gold folder (`bnevents stats`), as text or Markdown tables."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.brat.document import BratDocument, read_directory, read_split
from pipeline.lang import LanguagePack, load_pack
from pipeline.norms import timex, timex_shape
from pipeline.schema import load_schema
from pipeline.schema.conf import AnnotationConf, load_conf

# DATE value shapes (from the TIMEX3 value) and surface forms (from the text, using the
# DATE grammar's own vocabulary in the pack's dates.yaml). A DATE counts once among the value
# shapes and in every surface form it shows (১৪১৫ বঙ্গাব্দের ১ বৈশাখ: day and Bengali calendar).
DATE_VALUE_FORMS = ("year", "month", "day", "range", "decade", "century")
DATE_SURFACE_FORMS = ("relative", "bengali_calendar", "hijri", "fiscal_year")
_SHAPE_FORM = {"Y": "year", "YM": "month", "YMD": "day", "DEC": "decade", "CENT": "century"}


@dataclass(frozen=True)
class DateVocabulary:
    """Normalised marker words of the pack's dates.yaml: calendars, relative words."""

    bengali_calendar: tuple[str, ...]
    hijri: tuple[str, ...]
    fiscal_year: tuple[str, ...]
    determiners: tuple[str, ...]
    relative_words: tuple[str, ...]
    count_words: tuple[str, ...]

    @classmethod
    @functools.cache
    def from_pack(cls, pack: LanguagePack) -> DateVocabulary:
        from pipeline.stages.normalise import normalise_text_plain

        data = pack.yaml("dates.yaml")

        def norm(words: Iterable[object]) -> tuple[str, ...]:
            return tuple(normalise_text_plain(str(w)) for w in words)

        markers = data["year_markers"]
        determiners = [w for ws in data["relative_determiners"].values() for w in ws]
        return cls(
            bengali_calendar=norm(markers["bangla"]),
            hijri=norm(markers["hijri"]),
            fiscal_year=norm(markers["fiscal"]),
            determiners=norm(determiners),
            relative_words=norm(data["relative_words"]),
            count_words=norm(data["relative_count_after"] + data["relative_count_before"]),
        )


def date_forms(text: str, value: str, vocab: DateVocabulary | None = None) -> list[str]:
    """The statistics forms of one DATE mention (its value shape first, then surface forms)."""
    from pipeline.stages.normalise import normalise_text_plain

    vocab = vocab or DateVocabulary.from_pack(load_pack())
    forms = []
    if "/" in value:
        forms.append("range")
    else:
        shape = timex_shape(value)
        if shape:
            forms.append(_SHAPE_FORM[shape])
    clean = normalise_text_plain(text)
    words = clean.split()
    for form in ("bengali_calendar", "hijri", "fiscal_year"):
        if any(m in clean for m in getattr(vocab, form)):
            forms.append(form)
    if words and (
        words[0] in vocab.determiners
        or any(clean.startswith(w) for w in vocab.relative_words)
        or words[-1] in vocab.count_words
    ):
        forms.append("relative")
    return forms


@dataclass(frozen=True)
class _Orders:
    """The keys of each count, in annotation.conf order, so printed tables are stable."""

    entities: list[str]
    events: list[str]
    sectors: tuple[str, ...]


def _count(docs: dict[str, BratDocument], ids: list[str], orders: _Orders,
           conf: AnnotationConf, vocab: DateVocabulary) -> dict:
    entities: Counter = Counter({t: 0 for t in orders.entities})
    events: Counter = Counter({t: 0 for t in orders.events})
    attributes: Counter = Counter({"Negated": 0, "Speculated": 0})
    sector: Counter = Counter({v: 0 for v in orders.sectors})
    forms: Counter = Counter({f: 0 for f in DATE_VALUE_FORMS + DATE_SURFACE_FORMS})
    chars = affiliations = 0
    for doc_id in ids:
        doc = docs[doc_id]
        chars += len(doc.text)
        for t in doc.spans.values():
            if t.type in conf.entities:
                entities[t.type] += 1
            if t.type == "DATE":
                forms.update(date_forms(t.text, timex(doc.norm_of(t.id)), vocab))
        events.update(e.type for e in doc.events.values())
        affiliations += sum(r.type == "Affiliation" for r in doc.relations.values())
        for a in doc.attributes:
            if a.name == "Sector":
                sector[a.value] += 1
            else:
                attributes[a.name] += 1
    return {
        "documents": len(ids),
        "characters": chars,
        "mentions": sum(entities.values()),
        "events_total": sum(events.values()),
        "entities": dict(entities),
        "events": dict(events),
        "affiliations": affiliations,
        "attributes": {**dict(attributes), "Sector": sum(sector.values())},
        "sectors": dict(sector),
        "date_forms": dict(forms),
    }


def gold_statistics(directory: Path, pack: LanguagePack | None = None) -> dict:
    """Counts over a brat gold folder: documents, mentions, events, attributes, DATE forms,
    and (when DIRECTORY/split.json exists) the same headline counts per split.

    The order of the keys follows annotation.conf (entity and event types), so printed
    tables are stable.
    """
    conf = load_conf(directory)
    docs = read_directory(directory)
    vocab = DateVocabulary.from_pack(pack or load_pack())
    mention_types = load_schema().mention_types
    orders = _Orders(
        [t for t in mention_types if t in conf.entities]
        + sorted(conf.entities - set(mention_types)),
        list(conf.events),
        next((v for n, (_, v) in conf.attributes.items() if n == "Sector"), ()),
    )
    stats = _count(docs, sorted(docs), orders, conf, vocab)
    stats["split"] = {}
    split = read_split(directory)
    if split is not None:
        for name in ("dev", "test"):
            ids = [str(d) for d in split.get(name, []) if str(d) in docs]
            part = _count(docs, ids, orders, conf, vocab)
            stats["split"][name] = {
                k: part[k] for k in ("documents", "characters", "mentions", "events_total")
            }
            stats["split"][name]["events"] = part["events"]
    return stats


# English names of the DATE forms; the pack's dates.yaml `form_examples` adds an example of
# each in the language (shown beside the name, so that a reader sees what is counted)
_FORM_NAMES = {
    "year": "year",
    "month": "month",
    "day": "day",
    "range": "range",
    "decade": "decade",
    "century": "century",
    "relative": "relative",
    "bengali_calendar": "Bengali calendar",
    "hijri": "Hijri",
    "fiscal_year": "fiscal year",
}


def _form_label(form: str, pack: LanguagePack) -> str:
    example = pack.yaml("dates.yaml").get("form_examples", {}).get(form)
    return f"{_FORM_NAMES[form]} ({example})" if example else _FORM_NAMES[form]


def format_statistics(stats: dict, *, markdown: bool = False,
                      pack: LanguagePack | None = None) -> str:
    """`gold_statistics` as plain text or as Markdown tables (for annotations/README.md)."""
    pack = pack or load_pack()
    sections: list[tuple[str, list[tuple[str, object]]]] = [
        (
            "Corpus",
            [
                ("documents", stats["documents"]),
                ("characters", stats["characters"]),
                ("mentions", stats["mentions"]),
                ("events", stats["events_total"]),
                ("Affiliation relations", stats["affiliations"]),
            ],
        ),
        ("Mentions by type", list(stats["entities"].items())),
        ("Events by type", list(stats["events"].items())),
        (
            "Attributes",
            [(k, v) for k, v in stats["attributes"].items()]
            + [(f"Sector={k}", v) for k, v in stats["sectors"].items()],
        ),
        (
            "DATE forms (value shape; surface forms may add to it)",
            [(_form_label(k, pack), v) for k, v in stats["date_forms"].items()],
        ),
    ]
    out: list[str] = []
    for title, rows in sections:
        if markdown:
            out += [f"**{title}**", "", "| | count |", "|---|---:|"]
            out += [f"| {k} | {v} |" for k, v in rows]
        else:
            out.append(f"{title}:")
            width = max(len(str(k)) for k, _ in rows)
            out += [f"  {k!s:<{width}}  {v}" for k, v in rows]
        out.append("")
    split = stats.get("split") or {}
    if split:
        names = list(split)
        types = list(stats["events"])
        rows2 = [
            ("documents", [split[n]["documents"] for n in names]),
            ("characters", [split[n]["characters"] for n in names]),
            ("mentions", [split[n]["mentions"] for n in names]),
            ("events", [split[n]["events_total"] for n in names]),
        ] + [(t, [split[n]["events"].get(t, 0) for n in names]) for t in types]
        title = "Split (split.json)"
        if markdown:
            out += [f"**{title}**", "", "| | " + " | ".join(names) + " |",
                    "|---|" + "---:|" * len(names)]
            out += [f"| {k} | " + " | ".join(map(str, vs)) + " |" for k, vs in rows2]
        else:
            out.append(f"{title}:")
            width = max(len(k) for k, _ in rows2)
            out.append(f"  {'':<{width}}  " + "  ".join(f"{n:>6}" for n in names))
            out += [f"  {k:<{width}}  " + "  ".join(f"{v:>6}" for v in vs) for k, vs in rows2]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"

