"""Validation of brat gold (`bnevents validate`): every problem of a document, with its line.

Checks the spans against the text and the guidelines' span rules (no whitespace or
punctuation at the edges, no nesting or overlaps), the events, relations and attributes
against annotation.conf, and every normalisation against its type: the prefix and the
QUANTITY units come from the schema (`load_schema()`), country and currency codes from
ISO 3166 / ISO 4217 (pycountry) plus the pack's historic currencies.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pycountry

from pipeline.brat.document import BratDocument, BratEvent, BratNorm, Problem, read_document
from pipeline.io.readers import InputError
from pipeline.lang import LanguagePack, load_pack
from pipeline.norms import parse_norm, timex_shape
from pipeline.schema import Schema, load_schema
from pipeline.schema.conf import CONF_NAME, AnnotationConf, RoleSpec, load_conf

# characters a span must not end with (guidelines §1: never trailing punctuation)
_TRAILING_PUNCT = set("।॥,;:.!?'\"()[]{}‘’“”-–—/")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?", re.ASCII)  # re.ASCII: not Bengali ০-৯
# A final "." that belongs to its word (guidelines §1: a span covers whole
# whitespace-separated words, and an abbreviation's dot is part of the word, not trailing
# punctuation): right after a Bengali letter or sign it marks an abbreviation or initial
# ("পি. ডব্লিউ.", "ডা."), as Bengali ends a sentence with "।", never "." (the segmenter and
# stages/entities/words.py keep such a dot in the word too); after Latin text only initials
# ("P. W.", "D.C.", "U.S."). Never after a digit (০-৯, 0-9): that dot is punctuation.
_ABBREVIATION_DOT = re.compile(r"\S*[\u0980-\u09E5\u09F0-\u09FF]\.|(?:[A-Za-z]\.)+")


@functools.cache
def historic_currencies(pack: LanguagePack | None = None) -> frozenset[str]:
    """ISO 4217 codes of former currencies (pycountry lists current ones only)."""
    return frozenset(row[0] for row in (pack or load_pack()).tsv("historic_currencies.tsv"))


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


def timex_problem(value: str) -> str:
    """'' when `value` is a well-formed TIMEX3 value of the guidelines (§3), else why not."""
    parts = value.split("/")
    if len(parts) > 2:
        return f"TIMEX3 value {value!r} has more than one '/'"
    shapes = [timex_shape(p) for p in parts]
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


def norm_problem(entity_type: str, ref: str, schema: Schema | None = None) -> str:
    """'' when `ref` is the right, well-formed normalisation for `entity_type`, else why not."""
    schema = schema or load_schema()
    prefixes = schema.norm_prefixes
    want = prefixes.get(entity_type)
    if want is None:
        return f"{entity_type} takes no normalisation, got {ref!r}"
    norm = parse_norm(ref)
    if norm.prefix != want:
        return f"{entity_type} needs a {want}: normalisation, got {ref!r}"
    if entity_type == "COUNTRY":
        code = norm.value
        return "" if country_code_ok(code) else f"unknown ISO 3166 alpha-3 code {code!r}"
    if entity_type == "DATE":
        return timex_problem(norm.value)
    amount, code = norm.amount_and_code()
    if not _AMOUNT.fullmatch(amount):
        return (
            f"{want} amount {amount!r} is not a plain number (digits and an optional decimal point)"
        )
    if entity_type == "MONEY" and not currency_code_ok(code):
        return f"unknown ISO 4217 currency code {code!r}"
    units = schema.quantity_units
    if entity_type == "QUANTITY" and code not in units:
        return f"unit {code!r} is not one of {', '.join(sorted(units))}"
    return ""


# -- validation ------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN"


class _Found:
    """The problems of one document, as they are found (`bad(line, message)`)."""

    def __init__(self, doc: BratDocument) -> None:
        self.path = doc.ann_path
        self.items: list[Problem] = list(doc.problems)

    def __call__(self, line: int, msg: str) -> None:
        self.items.append(Problem(self.path, line, msg))


def validate_document(doc: BratDocument, conf: AnnotationConf) -> list[Problem]:
    """Every problem of one document, in line order."""
    bad = _Found(doc)
    _check_spans(doc, conf, bad)
    bad.items.extend(_overlaps(doc))
    _check_events(doc, conf, bad)
    _check_relations(doc, conf, bad)
    _check_attributes(doc, conf, bad)
    _check_norms(doc, bad)
    return sorted(bad.items, key=lambda p: p.line)


def _check_spans(doc: BratDocument, conf: AnnotationConf, bad: _Found) -> None:
    """Types, offsets, the text, and the guidelines' span edges (§1)."""
    text = doc.text
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
            elif got[-1] in _TRAILING_PUNCT and not _ends_with_abbreviation(got):
                bad(t.line, f"{t.id}: span {got!r} ends with punctuation")
            if t.start > 0 and _is_word_char(text[t.start - 1]) and _is_word_char(text[t.start]):
                bad(t.line, f"{t.id}: span {got!r} starts inside a word")
            if t.end < len(text) and _is_word_char(text[t.end]) and _is_word_char(text[t.end - 1]):
                bad(t.line, f"{t.id}: span {got!r} ends inside a word")


def _ends_with_abbreviation(span: str) -> bool:
    """True when the span's final "." is an abbreviation's or initial's, not punctuation."""
    last_word = span.rsplit(maxsplit=1)[-1]
    return bool(_ABBREVIATION_DOT.fullmatch(last_word))


def _check_events(doc: BratDocument, conf: AnnotationConf, bad: _Found) -> None:
    """Event types, triggers (one event each), arguments; triggers no event uses."""
    event_types = set(conf.events)
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
        _check_roles(doc, e, spec, bad)
    for t in doc.spans.values():
        if t.type in event_types and t.id not in used_triggers and t.type not in conf.entities:
            bad(t.line, f"{t.id}: trigger {t.type} is not used by any event")


def _check_roles(
    doc: BratDocument, e: BratEvent, spec: dict[str, RoleSpec] | None, bad: _Found
) -> None:
    """Each argument exists and fits its role; roles given too often or missing."""
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


def _check_relations(doc: BratDocument, conf: AnnotationConf, bad: _Found) -> None:
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


def _check_attributes(doc: BratDocument, conf: AnnotationConf, bad: _Found) -> None:
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


def _check_norms(doc: BratDocument, bad: _Found) -> None:
    """Each N line fits its mention's type; each normalised type has exactly one."""
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
    prefixes = load_schema().norm_prefixes
    for t in doc.spans.values():
        if t.type in prefixes:
            got = norms_by_target.get(t.id, [])
            if not got:
                bad(
                    t.line,
                    f"{t.id}: {t.type} {t.text!r} has no {prefixes[t.type]}: normalisation",
                )
            elif len(got) > 1:
                bad(got[1].line, f"{got[1].id}: {t.id} already normalised on line {got[0].line}")


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
