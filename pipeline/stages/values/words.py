"""Words and numbers: one sentence split into whitespace words, punctuation peeled off.

The grammar matches whole words on the clean text, so a span is built from the first
word's core to the last word's core: it never holds leading or trailing punctuation and
always whole words with their glued suffixes (guidelines §1, §3, §7). Every regex here
is anchored on one word and has bounded quantifiers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

_WORD_RE = re.compile(r"\S+")
# Punctuation peeled off a word: spans never start or end with it. Hyphens and dashes
# stay (they join ১৯৯০-এর, ২২-২৫); a lone dash is a word of its own (a range connector).
LEAD_PUNCT = "\"'“”‘’([{«<"
TRAIL_PUNCT = "\"'“”‘’)]}»>।॥,;:!?.…"
_PUNCT = LEAD_PUNCT + TRAIL_PUNCT
_DIGITS = "0-9\u09e6-\u09ef"
# one number word: 1-4 digits (or grouped 1,20,000), a decimal part, a second number after
# a dash (২২-২৫, ২০১০-১৫), and a short glued ending (১৯৯০-এর, ১লা, ২১শে).
_NUM_RE = re.compile(
    rf"(?P<n>[{_DIGITS}]{{1,4}}|[{_DIGITS}]{{1,3}}(?:,[{_DIGITS}]{{2,3}}){{1,5}})"
    rf"(?:\.(?P<frac>[{_DIGITS}]{{1,6}}))?"
    rf"(?:[-–](?P<n2>[{_DIGITS}]{{1,4}}))?"
    r"(?P<suf>[-'’]?[\u0980-\u09ff]{1,6})?"
)
HAS_DIGIT = re.compile(f"[{_DIGITS}]")
_SUFFIX_JOINERS = "-'’"


@dataclass(frozen=True)
class Num:
    """A number word as written: its value, digits and glued ending."""

    text: str  # the digits as written (no suffix)
    value: Decimal
    ndigits: int  # digits of the integer part (no group commas)
    integer: bool
    n2: int | None  # the number after a dash
    n2digits: int
    suffix: str  # the glued ending, without its hyphen or apostrophe
    hyphen: bool  # the ending was joined with - or '


@functools.lru_cache(maxsize=4096)
def parse_num(core: str) -> Num | None:
    m = _NUM_RE.fullmatch(core)
    if not m:
        return None
    intpart = m.group("n").replace(",", "")
    frac = m.group("frac")
    # int()/Decimal() read any Unicode decimal digit (Bengali ০-৯ included): CLDR's `beng`
    # numbering system is exactly U+09E6..U+09EF, which Python's Unicode data already knows.
    ascii_int = str(int(intpart))
    value = Decimal(ascii_int + ("." + str(int("1" + frac))[1:] if frac else ""))
    suf_raw = m.group("suf") or ""
    hyphen = suf_raw[:1] in _SUFFIX_JOINERS and bool(suf_raw)
    n2 = m.group("n2")
    return Num(
        text=core[: m.end("n2") if n2 else (m.end("frac") if frac else m.end("n"))],
        value=value,
        ndigits=len(intpart),
        integer=frac is None,
        n2=int(n2) if n2 else None,
        n2digits=len(n2) if n2 else 0,
        suffix=suf_raw.lstrip(_SUFFIX_JOINERS),
        hyphen=hyphen,
    )


class Words:
    """One sentence's words as parallel lists (core, punctuation around it, clean offsets of
    the core, parsed number). Lists, not one object per word: this runs on nearly every
    sentence, and building a frozen object per word cost more than the whole grammar."""

    __slots__ = ("cores", "ends", "leads", "nums", "starts", "trails")

    def __init__(self, cores: list[str], leads: list[str], trails: list[str],
                 starts: list[int], ends: list[int]) -> None:
        self.cores = cores
        self.leads = leads  # punctuation before the core ("(")
        self.trails = trails  # punctuation after the core (",", "।", ")")
        self.starts = starts  # clean offsets of the core
        self.ends = ends
        self.nums: list[Num | None] = [
            parse_num(c) if c[:1].isdecimal() else None for c in cores]

    def __len__(self) -> int:
        return len(self.cores)


def split_words(text: str, base: int) -> Words:
    """The whitespace-separated words of `text` (clean offsets from `base`), punctuation
    peeled off; words that are all punctuation are dropped."""
    toks = text.split()
    if " ".join(toks) != text:  # not single-spaced: find each word's offset by regex
        return split_words_spaced(text, base)
    cores: list[str] = []
    leads: list[str] = []
    trails: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = base
    for w in toks:
        n = len(w)
        if len(w.strip(_PUNCT)) == n:  # the common case: no punctuation at either end
            cores.append(w)
            leads.append("")
            trails.append("")
            starts.append(pos)
            ends.append(pos + n)
        else:
            rest = w.lstrip(LEAD_PUNCT)
            core = rest.rstrip(TRAIL_PUNCT)
            if core:
                lead = n - len(rest)
                cores.append(core)
                leads.append(w[:lead])
                trails.append(rest[len(core):])
                starts.append(pos + lead)
                ends.append(pos + lead + len(core))
        pos += n + 1
    return Words(cores, leads, trails, starts, ends)


def split_words_spaced(text: str, base: int) -> Words:
    """split_words for text with runs of spaces, tabs or newlines (the general path)."""
    cores: list[str] = []
    leads: list[str] = []
    trails: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _WORD_RE.finditer(text):
        w = m.group()
        core = w.lstrip(LEAD_PUNCT)
        lead = len(w) - len(core)
        core = core.rstrip(TRAIL_PUNCT)
        if not core:
            continue
        start = base + m.start() + lead
        cores.append(core)
        leads.append(w[:lead])
        trails.append(w[lead + len(core):])
        starts.append(start)
        ends.append(start + len(core))
    return Words(cores, leads, trails, starts, ends)


def core_of(word: str) -> str:
    """A word without the punctuation around it."""
    return word.lstrip(LEAD_PUNCT).rstrip(TRAIL_PUNCT)
