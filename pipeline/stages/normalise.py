"""Stage 1: normalise raw wiki-dump text and keep a map back to raw offsets.

The clean text is what every later stage matches on; the offset map
(`offsets[i]` = raw index of clean character i) lets every reported span point
into the RAW text. The map is monotonic (non-decreasing) by construction.

The clean text is NFC as a whole, not just piece by piece: removing markup or a
zero-width character can bring two combining marks together that NFC composes
(raw "ে'''ৗ" -> "ৌ"), so one composition pass runs over the assembled text.
A character composed from several raw characters maps to the raw character that
lets a span ending on it cover all its parts: a composed combining mark (a vowel
sign, which can end but never start a word) maps to its last part, a composed
base character (which can start a word) to its first part.

Hand-written because no library strips wiki residue *and* keeps offsets:
mwparserfromhell turns wikitext into text (used by the XML reader) but the
dump text we get is already half-stripped and needs its positions kept.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace

from pipeline.lang import LanguagePack, load_pack
from pipeline.model import Analysis
from pipeline.stages.base import BuildContext, register

# Characters removed outright: zero-width joiners/non-joiners, zero-width space,
# BOM, soft hyphen, bidi marks. ZWJ/ZWNJ only steer rendering in Bengali;
# keeping them would make "র‍্যাব" and "র্যাব" different strings to every matcher.
_DROP_CHARS = frozenset("\u200c\u200d\u200b\ufeff\u00ad\u200e\u200f\u2060")
# Characters that become a plain space.
_SPACE_CHARS = frozenset("\u00a0\u2002\u2003\u2009\u202f\u3000\t\r\x0b\x0c")
_KHANDA_TA = ("\u09a4\u09cd\u200d", "\u09ce")  # ত্‍ (ta + hasanta + ZWJ) -> ৎ

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
class Markup:
    """The pack's wiki-dump conventions (markup.yaml) that normalise and segment apply."""

    dropped_link_namespaces: tuple[str, ...]  # lower case, matched as link-target prefixes
    reference_sections: frozenset[str]  # heading titles, normalised
    category_words: frozenset[str]  # normalised
    latin_abbreviations: frozenset[str]  # lower case

    @classmethod
    @functools.cache
    def from_pack(cls, pack: LanguagePack) -> Markup:
        data = pack.yaml("markup.yaml")
        return cls(
            dropped_link_namespaces=tuple(ns.lower() for ns in data["dropped_link_namespaces"]),
            reference_sections=frozenset(normalise_text_plain(t)
                                         for t in data["reference_sections"]),
            category_words=frozenset(normalise_text_plain(t) for t in data["category_words"]),
            latin_abbreviations=frozenset(a.lower() for a in data["latin_abbreviations"]),
        )

    @classmethod
    def default(cls) -> Markup:
        """The default pack's conventions (for callers outside a built stage)."""
        return cls.from_pack(load_pack())


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


def normalise(raw: str, markup: Markup | None = None) -> Normalised:
    """Clean text, offset map and headings of `raw` (`markup`: the default pack's if None)."""
    dropped_namespaces = (markup or Markup.default()).dropped_link_namespaces
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
            if not target.lower().startswith(dropped_namespaces):
                label_start = (
                    m.start("label") if m.group("label") is not None else m.start("target")
                )
                label_end = m.end("label") if m.group("label") is not None else m.end("target")
                emit(label_start, label_end)
        # templates, refs, tags, quote runs and stray brackets are dropped
        pos = m.end()
    emit(pos, len(raw))
    clean = "".join(out)
    if not unicodedata.is_normalized("NFC", clean):  # rare: residue between marks, non-NFC input
        clean, offsets, index = _compose(clean, offsets)
        headings = [replace(h, clean_pos=index[h.clean_pos]) for h in headings]
    return Normalised(clean, offsets, headings)


def normalise_text_plain(text: str) -> str:
    """Character-level normalisation only (no markup handling)."""
    out: list[str] = []
    _emit_chars(text, 0, len(text), out, [])
    return unicodedata.normalize("NFC", "".join(out))


def _compose(text: str, offsets: list[int]) -> tuple[str, list[int], list[int]]:
    """NFC of the assembled clean text with its offset map, plus old -> new clean index.

    Works line by line: a newline never composes or reorders with its
    neighbours, so the NFC of the whole is the NFC of each line, and lines that
    are already NFC (nearly all) keep their characters and offsets untouched.
    `index` has len(text) + 1 entries (the last one maps the end).
    """
    parts: list[str] = []
    new_offsets: list[int] = []
    index: list[int] = []
    old = 0
    for n, line in enumerate(text.split("\n")):
        if n:  # the newline that ended the previous line
            index.append(len(new_offsets))
            new_offsets.append(offsets[old])
            parts.append("\n")
            old += 1
        line_offsets = offsets[old : old + len(line)]
        base = len(new_offsets)
        if unicodedata.is_normalized("NFC", line):
            parts.append(line)
            new_offsets.extend(line_offsets)
            index.extend(range(base, base + len(line)))
        else:
            composed, composed_offsets, line_index = _compose_line(line, line_offsets)
            parts.append(composed)
            new_offsets.extend(composed_offsets)
            index.extend(base + k for k in line_index)
        old += len(line)
    index.append(len(new_offsets))
    return "".join(parts), new_offsets, index


def _compose_line(text: str, offsets: list[int]) -> tuple[str, list[int], list[int]]:
    """NFC of `text` with the offsets of its characters, and old -> new index.

    Characters are aligned through their canonical decompositions: NFD(NFC(s))
    equals NFD(s), which is the characters' own decompositions concatenated (up
    to reordering inside one run of combining marks), so an output character
    covers the input characters whose decomposed code points it took.
    Hand-written because unicodedata normalises but gives no alignment.
    """
    composed = unicodedata.normalize("NFC", text)
    starts: list[int] = []  # where each input character starts in the decomposition
    pos = 0
    for ch in text:
        starts.append(pos)
        pos += len(unicodedata.normalize("NFD", ch))
    n = len(text)
    new_offsets: list[int] = []
    out_starts: list[int] = []
    first = 0
    pos = 0
    for ch in composed:
        size = len(unicodedata.normalize("NFD", ch))
        while first + 1 < n and starts[first + 1] <= pos:
            first += 1
        last = first
        while last + 1 < n and starts[last + 1] < pos + size:
            last += 1
        # first <= last <= the next character's first: the map stays monotonic
        new_offsets.append(offsets[last] if _is_mark(ch) else offsets[first])
        out_starts.append(pos)
        pos += size
    index: list[int] = []
    k = 0
    for start in starts:  # an input character -> the first output character at or after it
        while k < len(out_starts) and out_starts[k] < start:
            k += 1
        index.append(k)
    return composed, new_offsets, index


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _emit_chars(raw: str, start: int, end: int, out: list[str], offsets: list[int]) -> None:
    """Append raw[start:end] with characters dropped or unified, one offset per output char.

    Unicode normalisation is left to the caller (NFC over the assembled text).
    """
    if start >= end:
        return
    piece = raw[start:end]
    if piece.isprintable() and not (
        _DROP_CHARS.intersection(piece) or _SPACE_CHARS.intersection(piece)
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
        # kept as it is: composition (ে + া -> ো) and decomposition (য় -> য + ়)
        # happen in the one NFC pass over the assembled text, which also sees
        # marks that only meet once the markup between them is gone
        out.append(ch)
        offsets.append(i)
        i += 1


@register("normalise", requires=["text"], provides=["clean"])
class NormaliseStage:
    """Unicode and markup residue cleaned, with the offset map back to the raw text."""

    def __init__(self, context: BuildContext) -> None:
        self.context = context
        self.markup = Markup.from_pack(context.pack)

    def __call__(self, analysis: Analysis) -> None:
        norm = normalise(analysis.doc.text, self.markup)
        analysis.clean, analysis.offsets, analysis.headings = (
            norm.clean, norm.offsets, norm.headings)
