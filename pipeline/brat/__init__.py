"""brat standoff: reading, validating and writing `.ann` files.

Gold annotations and predictions meet here. Offsets in a `.ann` are Python `str`
indices into the `.txt` decoded with strict UTF-8 exactly as stored: a BOM stays
as U+FEFF and CRLF stays two characters (guidelines: "never normalise the text
before computing offsets"). The reader therefore decodes bytes itself instead of
opening the file in text mode, which would translate newlines.

Written by hand because no maintained PyPI package reads brat standoff *and*
annotation.conf with line numbers for error messages (the few brat readers on
PyPI drop the line numbers and the normalisation `N` lines this schema needs).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pycountry

from pipeline.config import load_tsv
from pipeline.io.readers import InputError, decode_utf8
from pipeline.model import ENTITY_TYPES, MENTION_TYPES, VALUE_TYPES, Analysis
from pipeline.schema.conf import CONF_NAME, AnnotationConf, load_conf

# guidelines §7 "units are km, MW, m, m3, t"
QTY_UNITS = frozenset({"km", "MW", "m", "m3", "t"})
NORM_PREFIX = {"COUNTRY": "ISO3166", "DATE": "TIMEX3", "MONEY": "MONEY", "QUANTITY": "QTY"}
# characters a span must not end with (guidelines §1: never trailing punctuation)
_TRAILING_PUNCT = set("।॥,;:.!?'\"()[]{}‘’“”-–—/")


# -- the in-memory document --------------------------------------------------
@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class TextBound:
    id: str
    type: str
    start: int
    end: int
    text: str
    line: int = 0
    fragments: tuple[tuple[int, int], ...] = ()


@dataclass
class BratEvent:
    id: str
    type: str
    trigger: str
    args: list[tuple[str, str]] = field(default_factory=list)  # (role, target id)
    line: int = 0


@dataclass
class BratRelation:
    id: str
    type: str
    args: list[tuple[str, str]] = field(default_factory=list)  # (Arg1, T..), (Arg2, T..)
    line: int = 0

    def arg(self, name: str) -> str:
        return next((t for r, t in self.args if r == name), "")


@dataclass
class BratAttribute:
    id: str
    name: str
    target: str
    value: str = ""
    line: int = 0


@dataclass
class BratNorm:
    id: str
    target: str
    ref: str  # e.g. ISO3166:MYS, TIMEX3:2014-06-22, MONEY:5500000000:USD
    text: str = ""
    line: int = 0


@dataclass
class BratDocument:
    doc_id: str
    text: str
    ann_path: str = ""
    spans: dict[str, TextBound] = field(default_factory=dict)
    events: dict[str, BratEvent] = field(default_factory=dict)
    relations: dict[str, BratRelation] = field(default_factory=dict)
    attributes: list[BratAttribute] = field(default_factory=list)
    norms: list[BratNorm] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def norm_of(self, tid: str) -> str:
        """The first normalisation reference of a text-bound annotation, or ''."""
        return next((n.ref for n in self.norms if n.target == tid), "")

    def affiliation_of(self, tid: str) -> str:
        """ISO alpha-3 of the country a PERSON/ORG is affiliated with (first R line), or ''."""
        for rel in self.relations.values():
            if rel.type == "Affiliation" and rel.arg("Arg1") == tid:
                return self.norm_of(rel.arg("Arg2")).removeprefix("ISO3166:")
        return ""

    def attributes_of(self, target: str) -> dict[str, str]:
        """name -> value ('' for binary attributes) of one event or span."""
        return {a.name: a.value or "true" for a in self.attributes if a.target == target}

    def mentions(self) -> list[TextBound]:
        """Entity and value mentions (not event triggers), in text order."""
        return sorted(
            (t for t in self.spans.values() if t.type in MENTION_TYPES),
            key=lambda t: (t.start, t.end),
        )


# -- reading -------------------------------------------------------------------
def read_text(path: Path) -> str:
    """A .txt as brat offsets see it: strict UTF-8, BOM and CRLF kept."""
    return decode_utf8(path.read_bytes())


_ID_RE = re.compile(r"[TERANM#*]\d*|\*")


def parse_ann(text: str, ann: str, *, doc_id: str = "", path: str = "") -> BratDocument:
    """Parse .ann content; malformed lines become `problems` (the rest is still read)."""
    doc = BratDocument(doc_id, text, path)
    seen: dict[str, int] = {}
    # a BOM at the start of the .ann (Windows editors) is not part of the first id;
    # offsets count in the .txt, so dropping it here changes no offset
    ann = ann.removeprefix("\ufeff")

    def bad(lineno: int, msg: str) -> None:
        doc.problems.append(Problem(path, lineno, msg))

    for lineno, line in enumerate(ann.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        ident = fields[0]
        if not ident or not _ID_RE.fullmatch(ident):
            bad(lineno, f"malformed line (bad id {ident!r}): {line[:60]!r}")
            continue
        if ident != "*" and not ident.startswith("#"):
            if ident in seen:
                bad(lineno, f"duplicate id {ident} (first on line {seen[ident]})")
                continue
            seen[ident] = lineno
        kind = ident[0]
        try:
            if kind == "T":
                _parse_t(doc, ident, fields, lineno)
            elif kind == "E":
                parts = fields[1].split()
                etype, _, trig = parts[0].partition(":")
                args = [tuple(p.split(":", 1)) for p in parts[1:]]
                if not trig or any(len(a) != 2 or not a[0] or not a[1] for a in args):
                    raise ValueError("expected 'TYPE:Tn Role:Tn ...'")
                doc.events[ident] = BratEvent(
                    ident, etype, trig, [(a[0], a[1]) for a in args], lineno
                )
            elif kind == "R":
                parts = fields[1].split()
                args = [tuple(p.split(":", 1)) for p in parts[1:]]
                if len(parts) < 3 or any(len(a) != 2 or not a[1] for a in args):
                    raise ValueError("expected 'Type Arg1:Tn Arg2:Tn'")
                doc.relations[ident] = BratRelation(
                    ident, parts[0], [(a[0], a[1]) for a in args], lineno
                )
            elif kind in "AM":
                parts = fields[1].split()
                if len(parts) not in (2, 3):
                    raise ValueError("expected 'Name Target [Value]'")
                doc.attributes.append(
                    BratAttribute(
                        ident, parts[0], parts[1], parts[2] if len(parts) == 3 else "", lineno
                    )
                )
            elif kind == "N":
                parts = fields[1].split()
                if len(parts) != 3 or ":" not in parts[2]:
                    raise ValueError("expected 'Reference Tn DB:ID'")
                doc.norms.append(
                    BratNorm(
                        ident, parts[1], parts[2], fields[2] if len(fields) > 2 else "", lineno
                    )
                )
            elif kind == "*":
                bad(lineno, "equivalence ('*') lines are not part of this schema")
            # '#' lines are annotator notes: free text, nothing to check
        except (IndexError, ValueError) as exc:
            bad(lineno, f"malformed {kind} line ({exc}): {line[:60]!r}")
    return doc


def _parse_t(doc: BratDocument, ident: str, fields: list[str], lineno: int) -> None:
    if len(fields) < 3:
        raise ValueError("expected 'Tn<TAB>TYPE START END<TAB>text'")
    head = fields[1].split(" ", 1)
    if len(head) != 2:
        raise ValueError("missing offsets")
    frags = []
    for piece in head[1].split(";"):
        a, b = piece.split()
        frags.append((int(a), int(b)))
    doc.spans[ident] = TextBound(
        ident, head[0], frags[0][0], frags[-1][1], "\t".join(fields[2:]), lineno, tuple(frags)
    )


def read_document(ann_path: Path, *, display: str | None = None) -> BratDocument:
    """Read one .ann with the .txt beside it. Raises InputError when the text is unreadable."""
    txt_path = ann_path.with_suffix(".txt")
    shown = display or str(ann_path)
    if not txt_path.is_file():
        raise InputError(f"{shown}: no text file {txt_path.name} beside it")
    text = read_text(txt_path)
    ann = decode_utf8(ann_path.read_bytes())
    return parse_ann(text, ann, doc_id=ann_path.stem, path=shown)


def read_directory(
    directory: Path, doc_ids: Iterable[str] | None = None
) -> dict[str, BratDocument]:
    """All brat documents in a folder (doc id = file stem), optionally only `doc_ids`."""
    wanted = set(doc_ids) if doc_ids is not None else None
    docs = {}
    for ann in sorted(directory.glob("*.ann")):
        if wanted is None or ann.stem in wanted:
            docs[ann.stem] = read_document(ann)
    return docs


# -- normalisation values --------------------------------------------------------
# re.ASCII: values are ASCII digits; \d would also accept Bengali ০-৯
_TIMEX_POINT = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?|(\d{3})X|(\d{2})XX", re.ASCII)
_AMOUNT = re.compile(r"\d+(?:\.\d+)?", re.ASCII)


@functools.cache
def historic_currencies() -> frozenset[str]:
    return frozenset(row[0] for row in load_tsv("historic_currencies.tsv"))


def country_code_ok(code: str) -> bool:
    """A current ISO 3166-1 alpha-3 code or a former state's ISO 3166-3 alpha-3 code."""
    return bool(re.fullmatch(r"[A-Z]{3}", code)) and (
        pycountry.countries.get(alpha_3=code) is not None
        or pycountry.historic_countries.get(alpha_3=code) is not None
    )


def currency_code_ok(code: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{3}", code)) and (
        pycountry.currencies.get(alpha_3=code) is not None or code in historic_currencies()
    )


def _timex_shape(value: str) -> str | None:
    """'Y', 'YM', 'YMD', 'DEC' or 'CENT' for a well-formed point value, else None."""
    m = _TIMEX_POINT.fullmatch(value)
    if not m:
        return None
    year, month, day, decade, century = m.groups()
    if decade or century:
        return "DEC" if decade else "CENT"
    try:
        if day:
            dt.date(int(year), int(month), int(day))
            return "YMD"
        if month:
            if not 1 <= int(month) <= 12:
                return None
            return "YM"
    except ValueError:
        return None
    return "Y"


def timex_problem(value: str) -> str:
    """'' when `value` is a well-formed TIMEX3 value of the guidelines (§3), else why not."""
    parts = value.split("/")
    if len(parts) > 2:
        return f"TIMEX3 value {value!r} has more than one '/'"
    shapes = [_timex_shape(p) for p in parts]
    if None in shapes:
        return (
            f"TIMEX3 value {value!r} is not YYYY, YYYY-MM, YYYY-MM-DD, YYYX, YYXX "
            "or a range of them"
        )
    if len(parts) == 2:
        if shapes[0] != shapes[1]:
            return f"TIMEX3 range {value!r} mixes precisions"
        if parts[0] > parts[1]:
            return f"TIMEX3 range {value!r} ends before it starts"
    return ""


def norm_problem(entity_type: str, ref: str) -> str:
    """'' when `ref` is the right, well-formed normalisation for `entity_type`, else why not."""
    want = NORM_PREFIX.get(entity_type)
    if want is None:
        return f"{entity_type} takes no normalisation, got {ref!r}"
    db, _, value = ref.partition(":")
    if db != want:
        return f"{entity_type} needs a {want}: normalisation, got {ref!r}"
    if db == "ISO3166":
        return "" if country_code_ok(value) else f"unknown ISO 3166 alpha-3 code {value!r}"
    if db == "TIMEX3":
        return timex_problem(value)
    amount, _, unit = value.partition(":")
    if not _AMOUNT.fullmatch(amount):
        return (
            f"{db} amount {amount!r} is not a plain number (digits and an optional decimal point)"
        )
    if db == "MONEY" and not currency_code_ok(unit):
        return f"unknown ISO 4217 currency code {unit!r}"
    if db == "QTY" and unit not in QTY_UNITS:
        return f"unit {unit!r} is not one of {', '.join(sorted(QTY_UNITS))}"
    return ""


# -- validation ------------------------------------------------------------------
def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN"


def validate_document(doc: BratDocument, conf: AnnotationConf) -> list[Problem]:
    """Every problem of one document, in line order."""
    out = list(doc.problems)
    path, text = doc.ann_path, doc.text

    def bad(line: int, msg: str) -> None:
        out.append(Problem(path, line, msg))

    event_types = set(conf.events)
    for t in doc.spans.values():
        if t.type not in conf.entities and t.type not in event_types:
            bad(t.line, f"{t.id}: type {t.type} is not in {CONF_NAME}")
        if len(t.fragments) > 1:
            bad(t.line, f"{t.id}: discontinuous span; mentions must be one contiguous span")
        for a, b in t.fragments:
            if not 0 <= a < b <= len(text):
                bad(t.line, f"{t.id}: offsets {a} {b} outside the text (length {len(text)})")
                break
        else:
            got = " ".join(text[a:b] for a, b in t.fragments)
            if got != t.text:
                bad(
                    t.line,
                    f"{t.id}: text at {t.start}-{t.end} is {got!r}, the line says {t.text!r}",
                )
                continue
            if got != got.strip():
                bad(t.line, f"{t.id}: span {got!r} starts or ends with whitespace")
            elif got[-1] in _TRAILING_PUNCT:
                bad(t.line, f"{t.id}: span {got!r} ends with punctuation")
            if t.start > 0 and _is_word_char(text[t.start - 1]) and _is_word_char(text[t.start]):
                bad(t.line, f"{t.id}: span {got!r} starts inside a word")
            if t.end < len(text) and _is_word_char(text[t.end]) and _is_word_char(text[t.end - 1]):
                bad(t.line, f"{t.id}: span {got!r} ends inside a word")
    out.extend(_overlaps(doc))

    used_triggers: dict[str, str] = {}
    for e in doc.events.values():
        spec = conf.events.get(e.type)
        if spec is None:
            bad(e.line, f"{e.id}: event type {e.type} is not in {CONF_NAME}")
        trig = doc.spans.get(e.trigger)
        if trig is None:
            bad(e.line, f"{e.id}: trigger {e.trigger} does not exist")
        elif trig.type != e.type:
            bad(e.line, f"{e.id}: trigger {e.trigger} has type {trig.type}, the event is {e.type}")
        elif e.trigger in used_triggers:
            bad(e.line, f"{e.id}: trigger {e.trigger} already used by {used_triggers[e.trigger]}")
        else:
            used_triggers[e.trigger] = e.id
        roles = Counter(r for r, _ in e.args)
        for role, target in e.args:
            arg = doc.spans.get(target)
            if arg is None:
                bad(e.line, f"{e.id}: {role} points at {target}, which does not exist")
                continue
            if spec is None:
                continue
            rspec = spec.get(role)
            if rspec is None:
                bad(e.line, f"{e.id}: role {role} is not allowed for {e.type}")
            elif arg.type not in rspec.types:
                bad(
                    e.line,
                    f"{e.id}: {role}:{target} is a {arg.type}; {role} takes "
                    f"{'|'.join(sorted(rspec.types))}",
                )
        if spec is not None:
            for role, n in roles.items():
                if n > 1 and role in spec and not spec[role].multiple:
                    bad(e.line, f"{e.id}: role {role} given {n} times")
            for rspec in spec.values():
                if not rspec.optional and rspec.name not in roles:
                    bad(e.line, f"{e.id}: required role {rspec.name} is missing")
    for t in doc.spans.values():
        if t.type in event_types and t.id not in used_triggers and t.type not in conf.entities:
            bad(t.line, f"{t.id}: trigger {t.type} is not used by any event")

    for r in doc.relations.values():
        spec = conf.relations.get(r.type)
        if spec is None:
            bad(r.line, f"{r.id}: relation type {r.type} is not in {CONF_NAME}")
            continue
        names = [n for n, _ in r.args]
        if sorted(names) != sorted(spec):
            bad(
                r.line,
                f"{r.id}: {r.type} needs arguments {', '.join(spec)}, got {', '.join(names)}",
            )
        for name, target in r.args:
            arg = doc.spans.get(target)
            if arg is None:
                bad(r.line, f"{r.id}: {name} points at {target}, which does not exist")
            elif name in spec and arg.type not in spec[name]:
                bad(
                    r.line,
                    f"{r.id}: {name}:{target} is a {arg.type}; {name} takes "
                    f"{'|'.join(sorted(spec[name]))}",
                )

    seen_attr: dict[tuple[str, str], int] = {}
    for a in doc.attributes:
        spec_a = conf.attributes.get(a.name)
        if spec_a is None:
            bad(a.line, f"{a.id}: attribute {a.name} is not in {CONF_NAME}")
            continue
        targets, values = spec_a
        if (a.target, a.name) in seen_attr:
            bad(
                a.line,
                f"{a.id}: {a.name} on {a.target} already set on line {seen_attr[a.target, a.name]}",
            )
        seen_attr[a.target, a.name] = a.line
        if a.target in doc.events:
            ttype, is_event = doc.events[a.target].type, True
        elif a.target in doc.spans:
            ttype, is_event = doc.spans[a.target].type, False
        else:
            bad(a.line, f"{a.id}: target {a.target} does not exist")
            continue
        allowed = (
            ttype in targets
            or ("<EVENT>" in targets and is_event)
            or ("<ENTITY>" in targets and not is_event)
            or "<ANY>" in targets
        )
        if not allowed:
            bad(
                a.line, f"{a.id}: {a.name} cannot be set on a {ttype} ({'|'.join(sorted(targets))})"
            )
        if values and a.value not in values:
            bad(a.line, f"{a.id}: {a.name} value {a.value!r} is not one of {'|'.join(values)}")
        elif not values and a.value:
            bad(a.line, f"{a.id}: {a.name} is a yes/no attribute and takes no value")

    norms_by_target: dict[str, list[BratNorm]] = defaultdict(list)
    for n in doc.norms:
        t = doc.spans.get(n.target)
        if t is None:
            bad(n.line, f"{n.id}: target {n.target} does not exist")
            continue
        norms_by_target[n.target].append(n)
        msg = norm_problem(t.type, n.ref)
        if msg:
            bad(n.line, f"{n.id} ({n.target} {t.type} {t.text!r}): {msg}")
    for t in doc.spans.values():
        if t.type in NORM_PREFIX:
            got = norms_by_target.get(t.id, [])
            if not got:
                bad(
                    t.line,
                    f"{t.id}: {t.type} {t.text!r} has no {NORM_PREFIX[t.type]}: normalisation",
                )
            elif len(got) > 1:
                bad(got[1].line, f"{got[1].id}: {t.id} already normalised on line {got[0].line}")
    out.sort(key=lambda p: p.line)
    return out


def _overlaps(doc: BratDocument) -> list[Problem]:
    """Mentions must not nest or overlap; neither may triggers, nor a trigger and a mention."""
    spans = sorted(doc.spans.values(), key=lambda t: (t.start, t.end))
    out = []
    for i, a in enumerate(spans):
        for b in spans[i + 1 :]:
            if b.start >= a.end:
                break
            first, second = sorted((a, b), key=lambda t: t.line)
            out.append(
                Problem(
                    doc.ann_path,
                    second.line,
                    f"{second.id} {second.type} {second.text!r} overlaps "
                    f"{first.id} {first.type} {first.text!r}",
                )
            )
    return out


def validate_directory(directory: Path) -> tuple[list[Problem], int]:
    """(problems, documents checked) for every .ann in `directory`."""
    conf = load_conf(directory)
    problems: list[Problem] = []
    anns = sorted(directory.glob("*.ann"))
    for ann in anns:
        try:
            doc = read_document(ann)
        except InputError as exc:
            problems.append(Problem(str(ann), 0, str(exc)))
            continue
        problems.extend(validate_document(doc, conf))
    for txt in sorted(directory.glob("*.txt")):
        if not txt.with_suffix(".ann").is_file():
            problems.append(Problem(str(txt), 0, f"no annotation file {txt.stem}.ann beside it"))
    return problems, len(anns)


# -- writing ---------------------------------------------------------------------
@dataclass
class WMention:
    label: str
    start: int
    end: int
    text: str
    norm: str = ""
    affiliation: str = ""


@dataclass
class WEvent:
    event_type: str
    trigger: WMention
    args: dict[str, WMention] = field(default_factory=dict)
    negated: bool = False
    speculated: bool = False
    sector: str = ""


def _clean_field(text: str) -> str:
    # a .ann line cannot hold a newline or a tab; brat shows the span from the offsets anyway
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def format_ann(mentions: list[WMention], events: list[WEvent]) -> str:
    """brat standoff for predicted mentions and events (T, E, R, A, N and # lines)."""
    lines: list[str] = []
    ids: dict[tuple[int, int, str], str] = {}

    def add_t(m: WMention) -> str:
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
        same = [(c, tid) for c, tid in countries if c.norm == f"ISO3166:{m.affiliation}"]
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

    def w(s) -> WMention:
        return WMention(s.label, s.start, s.end, s.text, s.norm, s.affiliation)

    mentions = [w(s) for s in analysis.mentions]
    events = [
        WEvent(
            e.event_type,
            w(e.trigger),
            {r: w(m) for r, m in e.args.items()},
            e.negated,
            e.speculated,
            e.sector,
        )
        for e in analysis.events
    ]
    return format_ann(mentions, events)


def tables_to_ann(text: str, entities: list[dict], events: list[dict]) -> str:
    """One document's rows of the run tables (entities, events) as brat standoff.

    The events table gives actors and places by offsets but times and values only by
    text and value, so those are looked up among the document's mentions: the one with
    that text (and value) nearest the trigger.
    """
    mentions = [
        WMention(
            str(r["type"]),
            int(r["start"]),
            int(r["end"]),
            str(r["text"]),
            str(r.get("norm") or ""),
            str(r.get("affiliation") or ""),
        )
        for r in entities
    ]
    by_offsets = {(m.start, m.end): m for m in mentions}
    out_events = []
    for r in events:
        tstart = int(r["trigger_start"])
        trig = WMention(str(r["event_type"]), tstart, int(r["trigger_end"]), str(r["trigger_text"]))
        args: dict[str, WMention] = {}
        for role, col in (("Actor1", "actor1"), ("Actor2", "actor2"), ("Place", "place")):
            start, end = r.get(f"{col}_start"), r.get(f"{col}_end")
            if _present(start) and _present(end):
                m = by_offsets.get((int(start), int(end)))
                if m is None:
                    label = str(r.get(f"{col}_type") or "") or (
                        "COUNTRY" if r.get(f"{col}_country") else "LOC"
                    )
                    m = WMention(label, int(start), int(end), text[int(start) : int(end)])
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
            WEvent(
                trig.label,
                trig,
                args,
                bool(r.get("negated") is True),
                bool(r.get("speculated") is True),
                str(r.get("sector") or ""),
            )
        )
    return format_ann(mentions, out_events)


# -- corpus statistics -----------------------------------------------------------
# DATE value shapes (from the TIMEX3 value) and surface forms (from the text, using the
# DATE grammar's own vocabulary in resources/dates.yaml). A DATE counts once among the value
# shapes and in every surface form it shows (১৪১৫ বঙ্গাব্দের ১ বৈশাখ: day and Bengali calendar).
DATE_VALUE_FORMS = ("year", "month", "day", "range", "decade", "century")
DATE_SURFACE_FORMS = ("relative", "bengali_calendar", "hijri", "fiscal_year")
_SHAPE_FORM = {"Y": "year", "YM": "month", "YMD": "day", "DEC": "decade", "CENT": "century"}


@functools.cache
def _date_vocabulary() -> dict[str, tuple[str, ...]]:
    """Normalised marker words of dates.yaml: calendars, relative determiners and words."""
    from pipeline.config import load_yaml
    from pipeline.stages.normalise import normalise_text_plain

    data = load_yaml("dates.yaml")

    def norm(words) -> tuple[str, ...]:
        return tuple(normalise_text_plain(str(w)) for w in words)

    markers = data["year_markers"]
    determiners = [w for ws in data["relative_determiners"].values() for w in ws]
    return {
        "bengali_calendar": norm(markers["bangla"]),
        "hijri": norm(markers["hijri"]),
        "fiscal_year": norm(markers["fiscal"]),
        "determiners": norm(determiners),
        "relative_words": norm(data["relative_words"]),
        "count_words": norm(data["relative_count_after"] + data["relative_count_before"]),
    }


def date_forms(text: str, value: str) -> list[str]:
    """The statistics forms of one DATE mention (its value shape first, then surface forms)."""
    from pipeline.stages.normalise import normalise_text_plain

    vocab = _date_vocabulary()
    forms = []
    if "/" in value:
        forms.append("range")
    else:
        shape = _timex_shape(value)
        if shape:
            forms.append(_SHAPE_FORM[shape])
    clean = normalise_text_plain(text)
    words = clean.split()
    for form in ("bengali_calendar", "hijri", "fiscal_year"):
        if any(m in clean for m in vocab[form]):
            forms.append(form)
    if words and (
        words[0] in vocab["determiners"]
        or any(clean.startswith(w) for w in vocab["relative_words"])
        or words[-1] in vocab["count_words"]
    ):
        forms.append("relative")
    return forms


def gold_statistics(directory: Path) -> dict:
    """Counts over a brat gold folder: documents, mentions, events, attributes, DATE forms,
    and (when DIRECTORY/split.json exists) the same headline counts per split.

    The order of the keys follows annotation.conf (entity and event types), so printed
    tables are stable.
    """
    import json

    conf = load_conf(directory)
    docs = read_directory(directory)
    entity_order = [t for t in MENTION_TYPES if t in conf.entities] + sorted(
        conf.entities - set(MENTION_TYPES)
    )
    event_order = list(conf.events)
    sectors = next((v for n, (_, v) in conf.attributes.items() if n == "Sector"), ())

    def count(doc_ids: Iterable[str]) -> dict:
        entities: Counter = Counter({t: 0 for t in entity_order})
        events: Counter = Counter({t: 0 for t in event_order})
        attributes: Counter = Counter({"Negated": 0, "Speculated": 0})
        sector: Counter = Counter({v: 0 for v in sectors})
        forms: Counter = Counter({f: 0 for f in DATE_VALUE_FORMS + DATE_SURFACE_FORMS})
        chars = affiliations = 0
        ids = list(doc_ids)
        for doc_id in ids:
            doc = docs[doc_id]
            chars += len(doc.text)
            for t in doc.spans.values():
                if t.type in conf.entities:
                    entities[t.type] += 1
                if t.type == "DATE":
                    forms.update(date_forms(t.text, doc.norm_of(t.id).removeprefix("TIMEX3:")))
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

    stats = count(sorted(docs))
    split_path = directory / "split.json"
    stats["split"] = {}
    if split_path.is_file():
        split = json.loads(split_path.read_text(encoding="utf-8"))
        for name in ("dev", "test"):
            ids = [str(d) for d in split.get(name, []) if str(d) in docs]
            part = count(ids)
            stats["split"][name] = {
                k: part[k] for k in ("documents", "characters", "mentions", "events_total")
            }
            stats["split"][name]["events"] = part["events"]
    return stats


_FORM_LABELS = {
    "year": "year (১৯৯২ সালে)",
    "month": "month (১৯৯২ সালের মার্চে)",
    "day": "day (২০১৪ সালের ২২ জুন)",
    "range": "range (২০১০ থেকে ২০১৫ সাল পর্যন্ত, ২০১৫-১৬ অর্থবছরে)",
    "decade": "decade (১৯৯০-এর দশকে)",
    "century": "century (বিংশ শতাব্দীতে)",
    "relative": "relative (একই বছর, পরদিন, দুই দিন পর)",
    "bengali_calendar": "Bengali calendar (বঙ্গাব্দ)",
    "hijri": "Hijri (হিজরি)",
    "fiscal_year": "fiscal year (অর্থবছর)",
}


def format_statistics(stats: dict, *, markdown: bool = False) -> str:
    """`gold_statistics` as plain text or as Markdown tables (for annotations/README.md)."""
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
            [(_FORM_LABELS[k], v) for k, v in stats["date_forms"].items()],
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


def _present(v: object) -> bool:
    """False for None, '', NaN and pd.NA (typed tables use pd.NA for a missing offset)."""
    if isinstance(v, str):
        return v != ""
    return not pd.isna(v)


__all__ = [
    "ENTITY_TYPES",
    "VALUE_TYPES",
    "AnnotationConf",
    "BratDocument",
    "Problem",
    "analysis_to_ann",
    "format_ann",
    "format_statistics",
    "gold_statistics",
    "load_conf",
    "norm_problem",
    "parse_ann",
    "read_directory",
    "read_document",
    "tables_to_ann",
    "validate_directory",
    "validate_document",
]
