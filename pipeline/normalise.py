"""Stage 1: normalise raw wiki-dump text and keep a map back to raw offsets.

The clean text is what every later stage matches on; the offset map
(`offsets[i]` = raw index of clean character i) lets every reported span point
into the RAW text. The map is monotonic (non-decreasing) by construction.

Hand-written because no library strips wiki residue *and* keeps offsets:
mwparserfromhell turns wikitext into text (used by the XML reader) but the
dump text we get is already half-stripped and needs its positions kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .config import load_yaml

# Characters removed outright: zero-width joiners/non-joiners, zero-width space,
# BOM, soft hyphen, bidi marks. ZWJ/ZWNJ only steer rendering in Bengali;
# keeping them would make "র‍্যাব" and "র্যাব" different strings to every matcher.
_DROP_CHARS = frozenset("\u200c\u200d\u200b\ufeff\u00ad\u200e\u200f\u2060")
# Characters that become a plain space.
_SPACE_CHARS = frozenset("\u00a0\u2002\u2003\u2009\u202f\u3000\t\r\x0b\x0c")
_KHANDA_TA = ("\u09a4\u09cd\u200d", "\u09ce")  # ত্‍ (ta + hasanta + ZWJ) -> ৎ

_MARKUP = load_yaml("markup.yaml")
_DROPPED_NS = tuple(ns.lower() for ns in _MARKUP["dropped_link_namespaces"])

# One pass over the raw text finds every piece of markup residue.
_MARKUP_RE = re.compile(
    r"""
      (?P<heading>(?P<eq>={2,6})[ \t]*(?P<htitle>[^=\n]{1,200}?)[ \t]*(?P=eq))
    | (?P<link>\[\[(?P<target>[^\[\]|\n]{0,300})(?:\|(?P<label>[^\[\]\n]{0,300}))?\]\])
    | (?P<template>\{\{[^{}]{0,2000}\}\})
    | (?P<ref><ref[^>]{0,300}/>|<ref[^>]{0,300}>.{0,3000}?</ref>)
    | (?P<tag></?[a-zA-Z][a-zA-Z0-9]{0,20}(?:\s[^<>]{0,300})?/?>)
    | (?P<quotes>'{2,5})
    | (?P<brackets>\[\[|\]\]|\{\{|\}\})
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Heading:
    title: str
    raw_start: int
    raw_end: int
    clean_pos: int  # where the section body starts in the clean text


@dataclass(frozen=True)
class Normalised:
    clean: str
    offsets: list[int]  # len(clean); offsets[i] = raw index of clean char i
    headings: list[Heading]


def normalise_text(text: str) -> str:
    """Normalise a short string (a lexicon entry, a query) the same way as documents."""
    return normalise(text).clean


def normalise(raw: str) -> Normalised:
    out: list[str] = []
    offsets: list[int] = []
    headings: list[Heading] = []

    def emit(start: int, end: int) -> None:
        _emit_chars(raw, start, end, out, offsets)

    pos = 0
    for m in _MARKUP_RE.finditer(raw):
        emit(pos, m.start())
        kind = m.lastgroup
        if kind == "heading":
            # the heading becomes a line break: a hard sentence and section boundary
            out.append("\n")
            offsets.append(m.start())
            title = normalise_text_plain(m.group("htitle").strip())
            headings.append(Heading(title, m.start(), m.end(), len(offsets)))
        elif kind == "link":
            target = m.group("target") or ""
            if not target.lower().startswith(_DROPPED_NS):
                label_start = (
                    m.start("label") if m.group("label") is not None else m.start("target")
                )
                label_end = m.end("label") if m.group("label") is not None else m.end("target")
                emit(label_start, label_end)
        # templates, refs, tags, quote runs and stray brackets are dropped
        pos = m.end()
    emit(pos, len(raw))
    return Normalised("".join(out), offsets, headings)


def normalise_text_plain(text: str) -> str:
    """Character-level normalisation only (no markup handling)."""
    out: list[str] = []
    _emit_chars(text, 0, len(text), out, [])
    return "".join(out)


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _emit_chars(raw: str, start: int, end: int, out: list[str], offsets: list[int]) -> None:
    """Append the normalised form of raw[start:end], one offset per output char."""
    if start >= end:
        return
    piece = raw[start:end]
    if (
        piece.isprintable()
        and unicodedata.is_normalized("NFC", piece)
        and not (_DROP_CHARS.intersection(piece) or _SPACE_CHARS.intersection(piece))
    ):
        out.append(piece)  # fast path: nothing to change, identity map
        offsets.extend(range(start, end))
        return
    i = start
    while i < end:
        ch = raw[i]
        if ch == _KHANDA_TA[0][0] and raw.startswith(_KHANDA_TA[0], i) and i + 3 <= end:
            out.append(_KHANDA_TA[1])
            offsets.append(i)
            i += 3
            continue
        if ch in _DROP_CHARS:
            i += 1
            continue
        if ch in _SPACE_CHARS:
            out.append(" ")
            offsets.append(i)
            i += 1
            continue
        if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            i += 1  # stray control, surrogate, private-use or unassigned character
            continue
        # a cluster: one base character and the marks that follow it (NFC may
        # compose across them, e.g. ে + া -> ো, or decompose য় into য + ়)
        j = i + 1
        while j < end and _is_mark(raw[j]) and raw[j] not in _DROP_CHARS:
            j += 1
        cluster = unicodedata.normalize("NFC", raw[i:j])
        for k, c in enumerate(cluster):
            out.append(c)
            offsets.append(min(i + k, j - 1))
        i = j
