"""Stage 4: DATE, MONEY and QUANTITY mentions with normalised values.

DATE spans get ``norm="TIMEX3:<value>"`` (reduced-precision ISO 8601, ranges ``a/b``,
decades ``199X``, centuries ``19XX``) and ``attrs`` = value, start_date, end_date,
granularity (year, month, day, decade, century, range). MONEY spans get
``MONEY:<amount>:<ISO4217>``, QUANTITY spans ``QTY:<amount>:<unit>``.

How it works, and why it is hand-written: no library *recognises* Bengali date phrases.
dateparser's bn data cannot read "২০১৪ সালের ২২ জুন" (it returns None), and its
search_dates() finds bare numbers and fills missing parts from today (see
`baseline_values`). So a small grammar over whitespace-separated words finds the
phrases, and libraries do what they are good at:

- Gregorian month names come from CLDR via babel and from dateparser's bn data; the
  resource files add only spelling variants and the other calendars' months;
- a recognised day-month-year is validated as dateparser does it (languages=["bn"], all
  three parts required, so nothing is filled from today); where its answers are known
  (checked exhaustively), datetime does it: dateparser costs ~0.5 ms a call (parse_dmy);
- Hijri dates are converted by hijridate (the library behind dateparser's Hijri calendar);
- currency names come from CLDR via babel, plus a small alias file.

The Bengali calendar conversion is hand-written (no PyPI package converts বঙ্গাব্দ to
Gregorian; `bangla` only goes the other way): the Bangladesh revised calendar is a fixed
rule (1 বৈশাখ = 14 April, six 31-day months, then 30-day months, ফাল্গুন 29/30).

Words are matched on the clean text, one sentence at a time; a span is built from the
first word's core to the last word's core, so it never holds leading or trailing
punctuation, and always whole words with their glued suffixes (guidelines §1, §3, §7).
Every regex is anchored on one word and has bounded quantifiers.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from pipeline.config import load_yaml
from pipeline.model import Analysis, Span
from pipeline.stages.base import BuildContext, register
from pipeline.stages.normalise import normalise_text_plain

# ---------------------------------------------------------------------------
# lexicons (built once at import from resources + babel + dateparser data)
# ---------------------------------------------------------------------------

_D = load_yaml("dates.yaml")
_A = load_yaml("amounts.yaml")
_U = load_yaml("units.yaml")


def _n(text: str) -> str:
    return normalise_text_plain(str(text)).strip()


def _forms(bases: list[str], suffixes: list[str]) -> set[str]:
    out: set[str] = set()
    for base in bases:
        b = _n(base)
        for suf in suffixes:
            out.add(b + _n(suf))
    return out


def _gregorian_month_names() -> dict[int, list[str]]:
    """Month number -> base names: CLDR (babel) wide + abbreviated, dateparser bn, variants."""
    from babel.dates import get_month_names

    names: dict[int, list[str]] = {m: [] for m in range(1, 13)}
    for context in ("format", "stand-alone"):
        for m, name in get_month_names("wide", context, locale="bn").items():
            names[m].append(name)
    # abbreviations (জানু, আগ) are left out: too short to be safe in running text
    abbreviated = set(get_month_names("abbreviated", locale="bn").values()) - {
        n for ns in names.values() for n in ns}
    try:  # dateparser's own Bengali month data (includes spelling variants)
        from dateparser.data.date_translation_data.bn import info

        keys = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"]
        for m, key in enumerate(keys, start=1):
            names[m].extend(n for n in info.get(key, []) if n not in abbreviated)
    except ImportError:  # pragma: no cover - dateparser is a hard dependency
        pass
    for m, variants in _D["gregorian_month_variants"].items():
        names[int(m)].extend(variants)
    return names


@dataclass(frozen=True)
class _MonthForm:
    cal: str  # greg | bangla | hijri
    month: int
    suffixed: bool  # carries a glued case ending (জুনে): may stand alone
    words: int = 1  # how many words the name takes (রবিউল আউয়াল)


def _build_months() -> dict[str, _MonthForm]:
    exclude = {_n(x) for x in _D["month_form_exclude"]}
    suffixes = _D["month_suffixes"]
    table: dict[str, _MonthForm] = {}
    groups = [("greg", _gregorian_month_names()), ("bangla", _D["bangla_months"]),
              ("hijri", _D["hijri_months"])]
    for cal, months in groups:
        for m, bases in months.items():
            for base in bases:
                b = _n(base)
                for suf in suffixes:
                    form = b + _n(suf)
                    if form in exclude or form in table:
                        continue
                    table[form] = _MonthForm(cal, int(m), bool(suf), b.count(" ") + 1)
    return table


_MONTHS = _build_months()
# CLDR's own spelling (not normalised): what dateparser is handed in parse_dmy()
_MONTH_BASE_NAME = {m: names[0] for m, names in _gregorian_month_names().items()}
_MAX_MONTH_WORDS = max(f.words for f in _MONTHS.values())
_BARE_MONTH_NEEDS_MAS = {int(m) for m in _D["bare_month_needs_mas"]}
_MONTH_WORDS = {_n(w) for w in _D["month_words"]}
_DAY_WORDS = {_n(w) for w in _D["day_words"]}

_YEAR_MARKERS: dict[str, str] = {}  # form -> calendar
for _cal, _bases in _D["year_markers"].items():
    for _form in _forms(_bases, _D["year_marker_suffixes"]):
        _YEAR_MARKERS.setdefault(_form, _cal)
_MAX_MARKER_WORDS = max(f.count(" ") + 1 for f in _YEAR_MARKERS)
_BCE = {_n(w) for w in _D["bce_words"]}
_YEAR_GLUED = {_n(s) for s in _D["year_glued_suffixes"]}
_DAY_ORDINAL = {_n(s) for s in _D["day_ordinal_suffixes"]}
_DECADE_WORDS = {_n(w) for w in _D["decade_words"]}
_DECADE_NUMWORDS = {_n(w): int(d) for d, ws in _D["decade_number_words"].items() for w in ws}
_DECADE_GENITIVES = {_n(w) for w in _D["decade_genitives"]}
_CENTURY_WORDS = {_n(w) for w in _D["century_words"]}
_CENTURY_ORDINALS = {_n(w): int(c) for c, ws in _D["century_ordinals"].items() for w in ws}
_CENTURY_NUM_SUFFIXES = {_n(s) for s in _D["century_number_suffixes"]}
_RANGE_CONNECTORS = {_n(w) for w in _D["range_connectors"]}
_RANGE_CLOSERS = {_n(w) for w in _D["range_closers"]}
_REL_DET = {_n(w): int(k) for k, ws in _D["relative_determiners"].items() for w in ws}
_REL_UNIT = {_n(w): unit for unit, ws in _D["relative_units"].items() for w in ws}
_REL_WORDS = {_n(w): (v[0], int(v[1])) for w, v in _D["relative_words"].items()}
_MAX_REL_WORDS = max(w.count(" ") + 1 for w in _REL_WORDS)
_COORDINATORS = {_n(w) for w in _D["coordinators"]}
_COUNT_UNITS = {_n(w): unit for unit, ws in _D["relative_count_units"].items() for w in ws}
_COUNT_DIRECTION = {**{_n(w): 1 for w in _D["relative_count_after"]},
                    **{_n(w): -1 for w in _D["relative_count_before"]}}

_SCALES = {_n(w): Decimal(str(v)) for w, v in _A["scales"].items()}
_NUMBER_WORDS = {_n(w): Decimal(str(v)) for w, v in _A["number_words"].items()}
_UNIT_SUFFIXES = _A["suffixes"]


def _build_currencies() -> dict[str, str]:
    """Currency name form -> ISO 4217: CLDR Bengali names (babel) + the alias file."""
    from babel import Locale

    exclude = set(_A["cldr_exclude"])
    names: dict[str, str] = {}
    for code, name in Locale("bn").currencies.items():
        if code in exclude or not name or any(c in name for c in "()[]"):
            continue
        names.setdefault(_n(name), code)
    for name, code in _A["currency_aliases"].items():
        names[_n(name)] = code  # the project's aliases win over CLDR's
    return {form: code for name, code in names.items()
            for form in _forms([name], _UNIT_SUFFIXES)}


_CURRENCIES = _build_currencies()
_UNITS = {form: unit for name, unit in _U["units"].items()
          for form in _forms([name], _UNIT_SUFFIXES)}
_MAX_CUR_WORDS = max(f.count(" ") + 1 for f in [*_CURRENCIES, *_UNITS])

# ---------------------------------------------------------------------------
# words
# ---------------------------------------------------------------------------

_WORD_RE = re.compile(r"\S+")
# Punctuation peeled off a word: spans never start or end with it. Hyphens and dashes
# stay (they join ১৯৯০-এর, ২২-২৫); a lone dash is a word of its own (a range connector).
_LEAD_PUNCT = "\"'“”‘’([{«<"
_TRAIL_PUNCT = "\"'“”‘’)]}»>।॥,;:!?.…"
_DIGITS = "0-9\u09e6-\u09ef"
# one number word: 1-4 digits (or grouped 1,20,000), a decimal part, a second number after
# a dash (২২-২৫, ২০১০-১৫), and a short glued ending (১৯৯০-এর, ১লা, ২১শে).
_NUM_RE = re.compile(
    rf"(?P<n>[{_DIGITS}]{{1,4}}|[{_DIGITS}]{{1,3}}(?:,[{_DIGITS}]{{2,3}}){{1,5}})"
    rf"(?:\.(?P<frac>[{_DIGITS}]{{1,6}}))?"
    rf"(?:[-–](?P<n2>[{_DIGITS}]{{1,4}}))?"
    r"(?P<suf>[-'’]?[\u0980-\u09ff]{1,6})?"
)
_HAS_DIGIT = re.compile(f"[{_DIGITS}]")


@dataclass(frozen=True)
class _Num:
    text: str  # the digits as written (no suffix)
    value: Decimal
    ndigits: int  # digits of the integer part (no group commas)
    integer: bool
    n2: int | None  # the number after a dash
    n2digits: int
    suffix: str  # the glued ending, without its hyphen or apostrophe
    hyphen: bool  # the ending was joined with - or '


@functools.lru_cache(maxsize=4096)
def _parse_num(core: str) -> _Num | None:
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
    hyphen = suf_raw[:1] in "-'’" and bool(suf_raw)
    n2 = m.group("n2")
    return _Num(
        text=core[: m.end("n2") if n2 else (m.end("frac") if frac else m.end("n"))],
        value=value,
        ndigits=len(intpart),
        integer=frac is None,
        n2=int(n2) if n2 else None,
        n2digits=len(n2) if n2 else 0,
        suffix=suf_raw.lstrip("-'’"),
        hyphen=hyphen,
    )


class _Words:
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
        self.nums: list[_Num | None] = [
            _parse_num(c) if c[:1].isdecimal() else None for c in cores]

    def __len__(self) -> int:
        return len(self.cores)


_PUNCT = _LEAD_PUNCT + _TRAIL_PUNCT


def _words(text: str, base: int) -> _Words:
    """The whitespace-separated words of `text` (clean offsets from `base`), punctuation
    peeled off; words that are all punctuation are dropped."""
    toks = text.split()
    if " ".join(toks) != text:  # not single-spaced: find each word's offset by regex
        return _words_spaced(text, base)
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
            rest = w.lstrip(_LEAD_PUNCT)
            core = rest.rstrip(_TRAIL_PUNCT)
            if core:
                lead = n - len(rest)
                cores.append(core)
                leads.append(w[:lead])
                trails.append(rest[len(core):])
                starts.append(pos + lead)
                ends.append(pos + lead + len(core))
        pos += n + 1
    return _Words(cores, leads, trails, starts, ends)


def _words_spaced(text: str, base: int) -> _Words:
    cores: list[str] = []
    leads: list[str] = []
    trails: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _WORD_RE.finditer(text):
        w = m.group()
        core = w.lstrip(_LEAD_PUNCT)
        lead = len(w) - len(core)
        core = core.rstrip(_TRAIL_PUNCT)
        if not core:
            continue
        start = base + m.start() + lead
        cores.append(core)
        leads.append(w[:lead])
        trails.append(w[lead + len(core):])
        starts.append(start)
        ends.append(start + len(core))
    return _Words(cores, leads, trails, starts, ends)


# ---------------------------------------------------------------------------
# date values
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DateValue:
    """A normalised date: TIMEX3 value, first/last day, granularity, and the points."""

    value: str
    start: dt.date
    end: dt.date
    granularity: str
    lo: tuple[int | None, int | None, int | None]  # first point (None year: decade/century)
    hi: tuple[int | None, int | None, int | None]  # last point

    def attrs(self) -> dict[str, Any]:
        return dict(self._attrs)

    @functools.cached_property
    def _attrs(self) -> dict[str, Any]:
        # built once per value (the constructors below are cached); never handed out
        # itself: attrs() copies it and span.attrs.update() copies from it
        return {
            "value": self.value,
            "start_date": self.start.isoformat(),
            "end_date": self.end.isoformat(),
            "granularity": self.granularity,
        }


def _fmt(p: tuple) -> str:
    y, m, d = p
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _first(p: tuple) -> dt.date:
    y, m, d = p
    return dt.date(y, m or 1, d or 1)


def _last(p: tuple) -> dt.date:
    y, m, d = p
    if m is None:
        return dt.date(y, 12, 31)
    if d is None:
        return dt.date(y, m, calendar.monthrange(y, m)[1])
    return dt.date(y, m, d)


def _gran(p: tuple) -> str:
    return "year" if p[1] is None else ("month" if p[2] is None else "day")


# The value constructors are cached: a document names the same few dates again and again,
# and building a DateValue (dates, month lengths, strings) costs more than finding it.
@functools.lru_cache(maxsize=8192)
def point_value(p: tuple) -> DateValue:
    return DateValue(_fmt(p), _first(p), _last(p), _gran(p), p, p)


@functools.lru_cache(maxsize=8192)
def range_value(a: tuple, b: tuple) -> DateValue | None:
    if _first(b) < _first(a) or a == b:
        return None
    return DateValue(f"{_fmt(a)}/{_fmt(b)}", _first(a), _last(b), "range", a, b)


@functools.lru_cache(maxsize=1024)
def decade_value(year: int) -> DateValue:
    return DateValue(f"{year // 10:03d}X", dt.date(year, 1, 1), dt.date(year + 9, 12, 31),
                     "decade", (None, None, None), (None, None, None))


@functools.lru_cache(maxsize=1024)
def century_value(first_year: int) -> DateValue:
    return DateValue(f"{first_year // 100:02d}XX", dt.date(max(first_year, 1), 1, 1),
                     dt.date(first_year + 99, 12, 31), "century",
                     (None, None, None), (None, None, None))


# parse_dmy() answers without dateparser where dateparser's answers are known: checked
# exhaustively with dateparser 1.5 for every day 1-31 of every month, it reads no year
# 100-999 (None for every day) and for the years 1000-2200 exactly the real calendar days.
# (It reads a 2-digit year as 19xx/20xx: those, rare here, still go to dateparser.)
# tests/test_dates.py re-checks samples against dateparser.
_DMY_NO_YEAR_BEFORE = 1000
_DMY_KNOWN_YEARS = (100, 2200)


@functools.lru_cache(maxsize=4096)
def parse_dmy(day: int, month: int, year: int) -> tuple[int, int, int] | None:
    """A recognised day-month-year as (year, month, day); None if it is not a real date.

    What dateparser says, without asking it where its answer is known (_DMY_KNOWN_YEARS):
    a call costs about 0.5 ms (the first one in a process 0.6 s), and a batch of
    documents brings thousands of distinct dates, so it was most of this stage's time;
    datetime's calendar check costs a microsecond. Other inputs go to `_dateparser_dmy`.
    """
    if _DMY_KNOWN_YEARS[0] <= year <= _DMY_KNOWN_YEARS[1] and 1 <= month <= 12 \
            and 1 <= day <= 31:
        if year < _DMY_NO_YEAR_BEFORE:
            return None  # dateparser reads no 3-digit year
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
        return year, month, day
    return _dateparser_dmy(day, month, year)


def _dateparser_dmy(day: int, month: int, year: int) -> tuple[int, int, int] | None:
    """Parse a recognised day-month-year with dateparser; None if it is not a real date.

    The Bengali string is rebuilt from the words found ("২২ জুন ২০১৪") because dateparser
    cannot read the সালের word order; all three parts are required, so nothing is filled
    from today's date.
    """
    import dateparser  # slow to import: only loaded when a full date is met

    text = f"{_to_bn_digits(day)} {_MONTH_BASE_NAME[month]} {_to_bn_digits(year)}"
    parsed = dateparser.parse(
        text,
        languages=["bn"],
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY",
                  "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    if parsed is None:
        return None
    return parsed.year, parsed.month, parsed.day


def _to_bn_digits(n: int) -> str:
    return str(n).translate(_BN_DIGITS)


_BN_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")

# Bangladesh revised Bengali calendar: month lengths from 1 বৈশাখ (= 14 April).
_BANGLA_MONTH_DAYS = (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 29, 30)


def bangla_to_gregorian(year: int, month: int | None, day: int | None) -> tuple | None:
    """বঙ্গাব্দ -> Gregorian at the precision written; a month maps to the month it begins in."""
    gy = year + 593
    if not 1 <= gy <= 9998:  # beyond what datetime holds (a year like ৯৪০৭ in noise)
        return None
    if month is None:
        return (gy, None, None)
    start = dt.date(gy, 4, 14)
    offset = sum(_BANGLA_MONTH_DAYS[: month - 1])
    if month >= 12 and calendar.isleap(gy + 1):
        offset += 1  # ফাল্গুন has 30 days when the following February has 29
    first = start + dt.timedelta(days=offset)
    if day is None:
        return (first.year, first.month, None)
    length = _BANGLA_MONTH_DAYS[month - 1] + (1 if month == 11 and calendar.isleap(gy + 1) else 0)
    if not 1 <= day <= length:
        return None
    d = first + dt.timedelta(days=day - 1)
    return (d.year, d.month, d.day)


def hijri_to_gregorian(year: int, month: int | None, day: int | None) -> tuple | None:
    """Hijri (Umm al-Qura, via hijridate) -> Gregorian at the precision written."""
    try:
        from hijridate import Hijri

        g = Hijri(year, month or 1, day or 1).to_gregorian()
    except (ImportError, ValueError, OverflowError):
        return None
    if month is None:
        return (g.year, None, None)
    if day is None:
        return (g.year, g.month, None)
    return (g.year, g.month, g.day)


def _valid_year(y: int | None) -> bool:
    return y is not None and 1 <= y <= 2200


# ---------------------------------------------------------------------------
# the grammar: partial points, then resolution
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Pt:
    """A date point as written, possibly partial (no year: take it from context).

    Never changed once built (`but` makes a changed copy); not frozen because a frozen
    dataclass's __init__ costs three times as much, and a few are built per number word.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    cal: str = "greg"
    bare: bool = False  # a bare number read as a year (only inside ranges)
    rel: tuple[str, int] | None = None  # relative: (unit, offset) on the anchor
    fixed: DateValue | None = None  # already final (decade, century, year range)

    def but(self, **changes: Any) -> _Pt:
        """A copy with some fields changed (dataclasses.replace, several times faster)."""
        new = _Pt(self.year, self.month, self.day, self.cal, self.bare, self.rel, self.fixed)
        for name, value in changes.items():
            setattr(new, name, value)
        return new


# (end word, point, second day of a day range, final value for decades/centuries/ranges)
_PointHit = tuple[int, _Pt, "int | None", "DateValue | None"]


@dataclass(slots=True)
class _Match:
    end: int  # index of the word after the match
    value: DateValue


def _by_first_word(forms: Any) -> dict[str, tuple[int, ...]]:
    """First word -> the word counts of the forms that start with it, longest first.

    A look-up at word i then joins only the lengths some form has at that word (and
    none for the many words that start no form) instead of every length up to the
    longest form: the same answers, since a joined phrase of k words has k-1 spaces and
    begins with word i.
    """
    ks: dict[str, set[int]] = {}
    for form in forms:
        if not form:  # joined() returns "" for "no phrase": an empty form would match it
            raise ValueError("empty form in a dates/amounts lexicon")
        ks.setdefault(form.split(" ")[0], set()).add(form.count(" ") + 1)
    return {w: tuple(sorted(k, reverse=True)) for w, k in ks.items()}


_MONTH_KS = {w: tuple(k for k in ks if k <= _MAX_MONTH_WORDS)
             for w, ks in _by_first_word(_MONTHS).items()}
_MARKER_KS = _by_first_word(_YEAR_MARKERS)
_REL_KS = _by_first_word(_REL_WORDS)
_UNIT_KS = _by_first_word([*_CURRENCIES, *_UNITS])


class _Scanner:
    """The grammar over one sentence's words; `stop` is a word index the parse may not
    reach (a proposal's end)."""

    __slots__ = ("anchor", "cores", "leads", "lenient", "lim", "nums", "trails", "words")

    def __init__(self, words: _Words, anchor: DateValue | None = None,
                 lenient: bool = False, stop: int = 10**9) -> None:
        self.words = words
        self.cores = words.cores
        self.leads = words.leads
        self.trails = words.trails
        self.nums = words.nums
        self.anchor = anchor
        self.lenient = lenient  # proposals: bare years and bare months are accepted
        self.lim = min(len(words.cores), stop)

    def core(self, i: int) -> str:
        return self.cores[i] if i < self.lim else ""

    def joined(self, i: int, k: int) -> str:
        """The cores of words i..i+k-1 joined by spaces ("" if past the end)."""
        if i + k > self.lim:
            return ""
        # a multi-word name never spans punctuation ("মার্কিন, ডলার", "রবিউল (আউয়াল")
        trails, leads = self.trails, self.leads
        for j in range(i, i + k - 1):
            if trails[j] or leads[j + 1]:
                return ""
        return " ".join(self.cores[i: i + k])

    def open_after(self, i: int, allow_comma: bool = False) -> bool:
        """Word i has no punctuation after it, so a phrase may go on past it."""
        trail = self.trails[i]
        return not trail or (allow_comma and trail == ",")

    # -- lexicon look-ups (longest first) ------------------------------------
    def month_at(self, i: int) -> tuple[int, _MonthForm] | None:
        if i >= self.lim:
            return None
        ks = _MONTH_KS.get(self.cores[i])
        if ks is None:
            return None
        for k in ks:
            form = _MONTHS.get(self.joined(i, k) if k > 1 else self.cores[i])
            if form is not None and form.words == k:
                return i + k, form
        return None

    def marker_at(self, i: int) -> tuple[int, str] | None:
        if i >= self.lim:
            return None
        ks = _MARKER_KS.get(self.cores[i])
        if ks is None:
            return None
        for k in ks:
            cal = _YEAR_MARKERS.get(self.joined(i, k) if k > 1 else self.cores[i])
            if cal is not None:
                return i + k, cal
        return None

    def _trailing_words(self, j: int, words: set[str]) -> int:
        if j - 1 >= 0 and self.open_after(j - 1) and self.core(j) in words:
            return j + 1
        return j

    # -- date points -----------------------------------------------------------
    def day_month(self, i: int) -> tuple[int, _Pt, int | None] | None:
        """DAY[-DAY2] MONTH [মাসে|তারিখে] [, YEAR [marker]]; returns (end, point, day2)."""
        num = self.nums[i] if i < self.lim else None
        if num is None or not num.integer or num.ndigits > 2 or not self.open_after(i):
            return None
        if num.suffix and num.suffix not in _DAY_ORDINAL:
            return None
        day = int(num.value)
        day2 = num.n2
        if not 1 <= day <= 31 or (day2 is not None and not day < day2 <= 31):
            return None
        mf = self.month_at(i + 1)
        if mf is None:
            return None
        j, form = mf
        pt = _Pt(month=form.month, day=day, cal=form.cal)
        if not form.suffixed and self.open_after(j - 1, allow_comma=True):
            yr = self.year_after_month(j)
            if yr is not None:
                j, year, cal = yr
                pt = pt.but(year=year, cal=cal if form.cal == "greg" else form.cal)
        j = self._trailing_words(j, _DAY_WORDS)
        return j, pt, day2

    def year_after_month(self, j: int) -> tuple[int, int, str] | None:
        """A year number (3-4 digits) right after a month, with an optional marker."""
        # "(২০১৫ সালের ...)" is a restatement
        num = self.nums[j] if j < self.lim and not self.leads[j] else None
        if num is None or not num.integer or num.ndigits not in (3, 4) or num.n2 is not None:
            return None
        if num.suffix and not (num.hyphen and num.suffix in _YEAR_GLUED):
            return None
        cal = "greg"
        end = j + 1
        if not num.suffix and self.open_after(j):
            mk = self.marker_at(j + 1)
            if mk is not None:
                end, cal = mk
        return end, int(num.value), cal

    def _day_of_month(self, j: int) -> tuple[int, int] | None:
        """After a month (or মাসের): "২২ তারিখে" -> (end, 22)."""
        if j < 1 or not self.open_after(j - 1) or j >= self.lim:
            return None
        num = self.nums[j]
        if (num is None or not num.integer or num.ndigits > 2 or num.n2 is not None
                or (num.suffix and num.suffix not in _DAY_ORDINAL) or self.leads[j]):
            return None
        if not (1 <= int(num.value) <= 31 and self.open_after(j)
                and self.core(j + 1) in _DAY_WORDS):
            return None
        return j + 2, int(num.value)

    def month_alone(self, i: int, in_range: bool = False) -> tuple[int, _Pt] | None:
        """MONTH [মাসে] [, YEAR]: a month, with its year or (partial) without.

        A bare month with no year needs a glued ending or মাস (জুলাই মাসে, আগস্টে), or the
        other end of a range ("২০১৪ সালের মার্চ থেকে জুন").
        """
        mf = self.month_at(i)
        if mf is None:
            return None
        j, form = mf
        if form.cal != "greg":
            return None  # other calendars' months need their year marker before them
        if not form.suffixed and self.open_after(j - 1, allow_comma=True):
            # "জুন ২২, ২০১৪": month, day, year
            num = self.nums[j] if j < self.lim else None
            if (num is not None and num.integer and num.ndigits <= 2 and not num.suffix
                    and num.n2 is None and self.trails[j] == ","
                    and 1 <= int(num.value) <= 31):
                yr = self.year_after_month(j + 1)
                if yr is not None:
                    end, year, _ = yr
                    end = self._trailing_words(end, _DAY_WORDS)
                    return end, _Pt(year=year, month=form.month, day=int(num.value))
            yr = self.year_after_month(j)
            if yr is not None:
                end, year, _ = yr
                return self._trailing_words(end, _DAY_WORDS), _Pt(year=year, month=form.month)
        day = self._day_of_month(j)
        if day is not None:  # "জুনের ২২ তারিখে"
            return day[0], _Pt(month=form.month, day=day[1])
        has_mas = self.open_after(j - 1) and self.core(j) in _MONTH_WORDS
        if has_mas:
            return j + 1, _Pt(month=form.month)
        if self.lenient or in_range or (form.suffixed and form.month not in _BARE_MONTH_NEEDS_MAS):
            return j, _Pt(month=form.month)
        return None  # a bare "অক্টোবর" is too often part of a name (অক্টোবর বিপ্লব)

    def year_phrase(self, i: int) -> tuple[int, _Pt, int | None, DateValue | None] | None:
        """YEAR marker [DAY MONTH | MONTH]; or a year with a glued ending (১৯৭১-এর).

        Returns (end, point, day2 for a day range, fixed value for a year range).
        """
        num = self.nums[i]
        if num is None or not num.integer or num.ndigits not in (3, 4):
            return None
        if i > 0 and self.cores[i - 1] in _BCE:
            return None
        year = int(num.value)
        j = i + 1
        cal = "greg"
        if not num.suffix and self.open_after(i):
            mk = self.marker_at(j)
            if mk is None:
                return None
            j, cal = mk
        elif not (num.hyphen and num.suffix in _YEAR_GLUED and num.n2 is None
                  and num.ndigits == 4 and 1000 <= year <= 2100):
            return None
        if num.n2 is not None:  # ২০১০-১৫ সালে, ২০১৫-১৬ অর্থবছরে
            year2 = _second_year(year, num.n2, num.n2digits)
            if year2 is None or cal not in ("greg", "fiscal"):
                return None
            fixed = range_value((year, None, None), (year2, None, None))
            if fixed is None:
                return None
            return j, _Pt(year=year), None, fixed
        pt = _Pt(year=year, cal="greg" if cal == "fiscal" else cal)
        if self.open_after(j - 1):
            dm = self.day_month(j)
            if dm is not None and dm[1].year is None:
                end, p2, day2 = dm
                if p2.cal == "greg" or cal in ("greg", p2.cal):
                    cal2 = p2.cal if p2.cal != "greg" else pt.cal
                    return end, p2.but(year=year, cal=cal2), day2, None
            mf = self.month_at(j)
            if mf is not None:
                end, form = mf
                if form.cal == "greg" or cal in ("greg", form.cal):
                    day = self._day_of_month(end)
                    if day is not None:  # "২০১৪ সালের জুনের ২২ তারিখে"
                        cal2 = form.cal if form.cal != "greg" else pt.cal
                        return day[0], _Pt(year=year, month=form.month, day=day[1], cal=cal2), \
                            None, None
                    end = self._trailing_words(end, _MONTH_WORDS)
                    cal2 = form.cal if form.cal != "greg" else pt.cal
                    return end, _Pt(year=year, month=form.month, cal=cal2), None, None
        return j, pt, None, None

    def decade(self, i: int) -> _Match | None:
        core = self.cores[i]
        year: int | None = None
        j = i + 1
        if core in _DECADE_NUMWORDS:
            year = 1900 + _DECADE_NUMWORDS[core]
        else:
            num = self.nums[i]
            if num is None or not num.integer or num.n2 is not None:
                return None
            n = int(num.value)
            if n % 10 or num.ndigits not in (2, 4):
                return None
            if num.suffix and num.suffix not in _DECADE_GENITIVES and (
                "-" + num.suffix) not in _DECADE_GENITIVES:
                return None
            year = n if num.ndigits == 4 else 1900 + n
            if not num.suffix and self.open_after(i) and self.core(j) in _DECADE_GENITIVES:
                j += 1  # "১৯৯০ এর দশকে": the separate এর sits inside the phrase
        if j - 1 >= 0 and not self.open_after(j - 1):
            return None
        if self.core(j) not in _DECADE_WORDS or not 1000 <= year <= 2100:
            return None
        return _Match(j + 1, decade_value(year))

    def century(self, i: int) -> _Match | None:
        n: int | None = _CENTURY_ORDINALS.get(self.cores[i])
        if n is None:
            num = self.nums[i]
            if num is None or not num.integer or num.ndigits > 2 or num.n2 is not None:
                return None
            if num.suffix not in _CENTURY_NUM_SUFFIXES:
                return None
            n = int(num.value)
        if not 1 <= n <= 22 or not self.open_after(i) or self.core(i + 1) not in _CENTURY_WORDS:
            return None
        return _Match(i + 2, century_value((n - 1) * 100))

    def relative(self, i: int) -> tuple[int, _Pt] | None:
        ks = _REL_KS.get(self.cores[i]) if i < self.lim else None
        if ks is not None:
            for k in ks:
                hit = _REL_WORDS.get(self.joined(i, k) if k > 1 else self.cores[i])
                if hit is not None:
                    return i + k, _Pt(rel=hit)
        counted = self._counted(i)
        if counted is not None:
            return counted
        off = _REL_DET.get(self.core(i))
        if off is None or not self.open_after(i):
            return None
        unit = _REL_UNIT.get(self.core(i + 1))
        if unit is None:
            return None
        j = i + 2
        pt = _Pt(rel=(unit, off))
        if unit == "year" and self.open_after(j - 1):
            # "একই বছরের ১০ মে", "পরের বছরের জুলাই মাসে"
            dm = self.day_month(j)
            if dm is not None and dm[1].year is None and dm[1].cal == "greg" and dm[2] is None:
                return dm[0], dm[1].but(rel=pt.rel)
            mf = self.month_at(j)
            if mf is not None and mf[1].cal == "greg":
                end = self._trailing_words(mf[0], _MONTH_WORDS)
                return end, _Pt(month=mf[1].month, rel=pt.rel)
        if unit == "month" and self.open_after(j - 1):
            # "একই মাসের ২৯ তারিখে": a day of the anchor's month
            day = self._day_of_month(j)
            if day is not None:
                return day[0], _Pt(day=day[1], rel=pt.rel)
        return j, pt

    def _counted(self, i: int) -> tuple[int, _Pt] | None:
        """"দুই দিন পর": COUNT UNIT পর|আগে, an offset from the anchor."""
        num = self.nums[i]
        if num is not None:
            if not num.integer or num.ndigits > 2 or num.suffix or num.n2 is not None:
                return None
            count = int(num.value)
        else:
            core = self.cores[i]
            if core in _NUMBER_WORDS and _NUMBER_WORDS[core] == int(_NUMBER_WORDS[core]):
                count = int(_NUMBER_WORDS[core])
            else:
                return None
        unit = _COUNT_UNITS.get(self.core(i + 1))
        if unit is None:
            return None
        direction = _COUNT_DIRECTION.get(self.core(i + 2))
        if direction is None or count < 1:
            return None
        if not (self.open_after(i) and self.open_after(i + 1)):
            return None
        return i + 3, _Pt(rel=(unit, direction * count))

    def bare_year(self, i: int) -> tuple[int, _Pt] | None:
        num = self.nums[i]
        if num is None or not num.integer or num.ndigits != 4 or num.suffix:
            return None
        if num.n2 is not None:
            return None
        year = int(num.value)
        if not 1000 <= year <= 2100:
            return None
        return i + 1, _Pt(year=year, bare=True)

    def year_range_token(self, i: int) -> _Match | None:
        """A bare "১৯১৪-১৮" (no marker): a year range when both ends look like years."""
        num = self.nums[i]
        if num is None or not num.integer or num.ndigits != 4 or num.n2 is None or num.suffix:
            return None
        year = int(num.value)
        year2 = _second_year(year, num.n2, num.n2digits)
        if not 1000 <= year <= 2100 or year2 is None:
            return None
        v = range_value((year, None, None), (year2, None, None))
        return _Match(i + 1, v) if v else None

    # -- one point, resolved ---------------------------------------------------
    def point(self, i: int, allow_bare: bool) -> _PointHit | None:
        """The longest date point at word i (partial, unresolved)."""
        if not self.cores[i]:
            return None
        return _longest(self._cands(i, allow_bare)[0])

    def _cands(self, i: int, allow_bare: bool) -> tuple[list[_PointHit], bool]:
        """The date points at word i in a fixed order (the first of the longest wins), and
        whether a month without a year (month_alone) is among them."""
        cands: list[_PointHit] = []
        if self.cores[i][:1].isdecimal():
            for m in (self.decade(i), self.century(i), self.year_range_token(i)):
                if m is not None:
                    cands.append((m.end, _Pt(), None, m.value))
            yp = self.year_phrase(i)
            if yp is not None:
                cands.append(yp)
            dm = self.day_month(i)
            if dm is not None:
                cands.append((dm[0], dm[1], dm[2], None))
            counted = self._counted(i)
            if counted is not None:
                cands.append((counted[0], counted[1], None, None))
            if allow_bare or self.lenient:
                by = self.bare_year(i)
                if by is not None:
                    cands.append((by[0], by[1], None, None))
            return cands, False
        for m in (self.decade(i), self.century(i)):
            if m is not None:
                cands.append((m.end, _Pt(), None, m.value))
        rel = self.relative(i)
        if rel is not None:
            cands.append((rel[0], rel[1], None, None))
        ma = self.month_alone(i, in_range=allow_bare)
        if ma is not None:
            cands.append((ma[0], ma[1], None, None))
        return cands, ma is not None

    def _bare_point(self, i: int, cands: list[_PointHit], month: bool) -> _PointHit | None:
        """point(i, True), given (cands, month) = _cands(i, False).

        allow_bare adds only a bare year (after a number, last) or relaxes month_alone
        (after a word, last); a month month_alone found without it stays the same.
        """
        if self.cores[i][:1].isdecimal():
            if not self.lenient:  # lenient: the bare year is among cands already
                by = self.bare_year(i)
                if by is not None:
                    cands = [*cands, (by[0], by[1], None, None)]
            return _longest(cands)
        if not month:
            ma = self.month_alone(i, in_range=True)
            if ma is not None:
                cands = [*cands, (ma[0], ma[1], None, None)]
        return _longest(cands)

    def resolve(self, pt: _Pt, day2: int | None = None) -> DateValue | None:
        """A partial point -> a value, using the anchor for what the text leaves out."""
        g = self.to_greg(pt)
        if g is None:
            return None
        if day2 is not None and g[2] is not None:
            end = self.to_greg(pt.but(year=pt.year if pt.year else g[0], day=day2))
            if end is None:
                return None
            if pt.cal == "greg" and pt.year is None:
                end = (g[0], end[1], end[2])
            return range_value(g, end)
        return point_value(g)

    def to_greg(self, pt: _Pt) -> tuple | None:
        if pt.rel is not None:
            return self._relative(pt)
        year = pt.year
        if year is None:  # day+month or month alone: the anchor's year
            a = self.anchor
            if a is None or a.hi[0] is None or pt.cal != "greg":
                return None
            year = a.hi[0]
        if pt.cal == "bangla":
            g = bangla_to_gregorian(year, pt.month, pt.day)
        elif pt.cal == "hijri":
            g = hijri_to_gregorian(year, pt.month, pt.day)
        else:
            g = (year, pt.month, pt.day)
            if pt.day is not None:
                g = parse_dmy(pt.day, pt.month, year) if _valid_year(year) else None
                if g is None:
                    g = (year, pt.month, None)  # not a real day: keep the month
        if g is None or not _valid_year(g[0]):
            return None
        return g

    def _relative(self, pt: _Pt) -> tuple | None:
        a = self.anchor
        if a is None or pt.rel is None:
            return None
        unit, off = pt.rel
        base = a.hi if off > 0 else a.lo
        y, m, d = base
        if y is None:
            return None
        if unit == "year":
            y += off
            if pt.month is not None:
                if pt.day is not None:
                    return parse_dmy(pt.day, pt.month, y) if _valid_year(y) else None
                return (y, pt.month, None)
            return (y, None, None) if _valid_year(y) else None
        if unit == "month":
            if m is None:
                return None
            total = y * 12 + (m - 1) + off
            y, m = total // 12, total % 12 + 1
            if pt.day is not None:
                return parse_dmy(pt.day, m, y) if _valid_year(y) else None
            return (y, m, None)
        if d is None:
            return None
        try:
            day = dt.date(y, m, d) + dt.timedelta(days=off)
        except (ValueError, OverflowError):
            return None
        return (day.year, day.month, day.day)

    # -- phrases: ranges around points ------------------------------------------
    def date_at(self, i: int) -> _Match | None:
        """The longest DATE phrase starting at word i, resolved, or None."""
        if not self.cores[i]:
            return self._day_range(i)
        cands, month = self._cands(i, False)
        first = _longest(cands)
        if first is None or first[1].bare:
            bare = self._bare_point(i, cands, month)
            first = bare if bare is not None and bare[0] > (first[0] if first else -1) else first
        if first is None:
            # "২২ থেকে ২৫ জুন": a bare day, then a day-month
            return self._day_range(i)
        j, p1, day2, fixed1 = first
        # a two-ended range: P1 থেকে|হতে|- P2 [পর্যন্ত]
        if fixed1 is None and day2 is None and j < self.lim \
                and self.open_after(j - 1) and self.core(j) in _RANGE_CONNECTORS \
                and self.open_after(j) and j + 1 < self.lim:
            second = self.point(j + 1, allow_bare=True)
            if second is not None and second[2] is None and second[3] is None \
                    and (second[1].rel is None) == (p1.rel is None) and p1.rel is None:
                k, p2 = second[0], second[1]
                v = self._range(p1, p2)
                if v is not None:
                    if k - 1 >= 0 and self.open_after(k - 1) and self.core(k) in _RANGE_CLOSERS:
                        k += 1
                    return _Match(k, v)
        if fixed1 is not None:
            return _Match(j, fixed1)
        if p1.bare and not self.lenient and not self._coordinated_year(j):
            return None
        v = self.resolve(p1, day2)
        return _Match(j, v) if v is not None else None

    def _coordinated_year(self, j: int) -> bool:
        """After a bare year at j-1: "ও|এবং|," and then a year with its marker."""
        if not self.open_after(j - 1, allow_comma=True):
            return False
        k = j
        if self.trails[j - 1] != ",":
            if self.core(j) not in _COORDINATORS or not self.open_after(j):
                return False
            k = j + 1
        if k >= self.lim or self.leads[k]:
            return False
        nxt = self.year_phrase(k)
        if nxt is not None:
            return True
        # a list: "১৯৯০, ১৯৯১ ও ১৯৯২ সালে"
        by = self.bare_year(k)
        return by is not None and self._coordinated_year(by[0])

    def _range(self, p1: _Pt, p2: _Pt) -> DateValue | None:
        # the end inherits what it leaves out from the start and vice versa:
        # "২০১৪ সালের মার্চ থেকে জুন", "মার্চ থেকে জুন ২০১৪"
        if p1.cal != p2.cal:
            return None
        if p2.year is None and p1.year is not None:
            p2 = p2.but(year=p1.year)
        if p1.year is None and p2.year is not None:
            p1 = p1.but(year=p2.year)
        if p2.month is None and p1.month is not None and p2.bare is False and p2.day is not None:
            p2 = p2.but(month=p1.month)
        # both ends at the same precision (guidelines §3): a year and a month do not pair
        if (p1.month is None) != (p2.month is None) or (p1.day is None) != (p2.day is None):
            return None
        a, b = self.to_greg(p1), self.to_greg(p2)
        if a is None or b is None:
            return None
        return range_value(a, b)

    def _day_range(self, i: int) -> _Match | None:
        num = self.nums[i]
        if num is None or not num.integer or num.ndigits > 2 or num.suffix or num.n2 is not None:
            return None
        if not (self.open_after(i) and self.core(i + 1) in _RANGE_CONNECTORS
                and self.open_after(i + 1)):
            return None
        dm = self.day_month(i + 2)
        if dm is None or dm[2] is not None:
            return None
        k, p2, _ = dm
        day1 = int(num.value)
        if not 1 <= day1 < (p2.day or 0):
            return None
        v = self._range(p2.but(day=day1), p2)
        if v is None:
            return None
        if self.open_after(k - 1) and self.core(k) in _RANGE_CLOSERS:
            k += 1
        return _Match(k, v)

def _longest(cands: list[_PointHit]) -> _PointHit | None:
    """The candidate reaching furthest; the first one among equals."""
    best: _PointHit | None = None
    for c in cands:
        if best is None or c[0] > best[0]:
            best = c
    return best


def _second_year(year: int, n2: int, digits: int) -> int | None:
    """The end year of "২০১০-১৫" / "১৯১৪-১৮" / "২০১০-২০১৫"."""
    if digits == 2:
        y2 = year // 100 * 100 + n2
    elif digits == 4:
        y2 = n2
    else:
        return None
    return y2 if year < y2 <= year + 100 else None


# ---------------------------------------------------------------------------
# amounts
# ---------------------------------------------------------------------------


def format_amount(value: Decimal) -> str:
    """Plain decimal, no exponent, no trailing zeros: 5500000000, 2.5."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(slots=True)
class _AmountMatch:
    end: int
    label: str
    norm: str


def _amount_number(sc: _Scanner, i: int) -> tuple[int, Decimal] | None:
    """NUM|NUMWORD SCALE* (NUM SCALE+)*: the value of a number with its scale words."""
    total = Decimal(0)
    j = i
    last_scale: Decimal | None = None
    groups = 0
    n_words = sc.lim
    while j < n_words and groups < 4:
        num = sc.nums[j]
        word_number = False
        if num is not None:
            if num.suffix or num.n2 is not None:
                break
            value = num.value
        elif sc.cores[j] in _NUMBER_WORDS:
            value = _NUMBER_WORDS[sc.cores[j]]
            word_number = True
        else:
            break
        if groups and (sc.leads[j] or not sc.open_after(j - 1)):
            break
        k = j + 1
        scale = Decimal(1)
        first_scale: Decimal | None = None
        while k < n_words and sc.open_after(k - 1) and sc.core(k) in _SCALES:
            s = _SCALES[sc.core(k)]
            first_scale = first_scale or s
            scale *= s
            k += 1
        if groups:
            # a second group only adds a smaller amount: "৩ কোটি ৩০ লাখ"
            if first_scale is None or last_scale is None or scale >= last_scale:
                break
        elif word_number and first_scale is None:
            # a number word alone is read only when a unit follows right after
            if not (k < n_words and sc.open_after(j) and _unit_at(sc, k) is not None):
                return None
        total += value * scale
        groups += 1
        j = k
        if first_scale is None:
            break
        last_scale = scale
    if groups == 0:
        return None
    return j, total


def _unit_at(sc: _Scanner, i: int) -> tuple[int, str, str] | None:
    ks = _UNIT_KS.get(sc.cores[i]) if i < sc.lim else None
    if ks is None:
        return None
    for k in ks:
        form = sc.joined(i, k) if k > 1 else sc.cores[i]
        if not form:
            continue
        if form in _CURRENCIES:
            return i + k, "MONEY", _CURRENCIES[form]
        if form in _UNITS:
            return i + k, "QUANTITY", _UNITS[form]
    return None


def _amount_at(sc: _Scanner, i: int) -> _AmountMatch | None:
    core = sc.cores[i]
    if not (core[:1].isdecimal() or core in _NUMBER_WORDS):
        return None
    got = _amount_number(sc, i)
    if got is None:
        return None
    j, value = got
    n_words = sc.lim
    if j >= n_words or not sc.open_after(j - 1):
        return None
    # "৫.৫ বিলিয়ন (৫৫০ কোটি) মার্কিন ডলার": a bracketed restatement stays inside
    if sc.leads[j].startswith("("):
        trails = sc.trails
        k = j
        while k < min(n_words, j + 6) and ")" not in trails[k]:
            k += 1
        if k < n_words and trails[k].startswith(")") and trails[k] == ")":
            inner = _amount_number(sc, j)
            if inner is not None and inner[0] == k + 1:
                j = k + 1
    unit = _unit_at(sc, j)
    if unit is None:
        return None
    end, label, code = unit
    prefix = "MONEY" if label == "MONEY" else "QTY"
    return _AmountMatch(end, label, f"{prefix}:{format_amount(value)}:{code}")


# ---------------------------------------------------------------------------
# the stage
# ---------------------------------------------------------------------------


def _sentence_may_hold_value(text: str) -> bool:
    """Cheap pre-filter: digits, or a word that can start a date or an amount."""
    if _HAS_DIGIT.search(text):
        return True
    return any(w.lstrip(_LEAD_PUNCT).rstrip(_TRAIL_PUNCT) in _FIRST_WORDS for w in text.split())


_FIRST_WORDS: set[str] = set()
for _table in (_MONTHS, _DECADE_NUMWORDS, _CENTURY_ORDINALS, _REL_DET, _NUMBER_WORDS):
    _FIRST_WORDS.update(k.split(" ")[0] for k in _table)
_FIRST_WORDS.update(k.split(" ")[0] for k in _REL_WORDS)
_FIRST_WORDS = {w.rstrip(_TRAIL_PUNCT) for w in _FIRST_WORDS}


def _make(analysis: Analysis, label: str, words: _Words, i: int, j: int, norm: str,
          source: str, sentence_index: int, attrs: dict[str, Any] | None = None) -> Span:
    span = analysis.make_span(label, words.starts[i], words.ends[j - 1], norm=norm,
                              source=source, sentence_index=sentence_index)
    if attrs:
        span.attrs.update(attrs)
    return span


def find_values(
    analysis: Analysis, proposals: list[Span] | None = None, *, stages: str = "both"
) -> list[Span]:
    """DATE/MONEY/QUANTITY spans; `proposals` are model date spans the grammar may accept.

    stages="rule": the grammar only; "model": only proposals the grammar can give a value
    (extended or trimmed to the phrase it reads there); "both": the grammar plus those
    proposals. MONEY and QUANTITY come from the grammar in every mode (the model proposes
    only dates). Relative dates and day-month dates without a year take the nearest
    preceding DATE in the same section as anchor (guidelines §3, §7).
    """
    use_rule = stages in ("rule", "both")
    props = sorted(
        (p for p in (proposals or []) if p.label == "DATE" and p.cstart >= 0)
        if stages in ("model", "both") else [],
        key=lambda p: p.cstart,
    )
    prop_starts = [p.cstart for p in props]
    out: list[Span] = []
    anchors: dict[int, DateValue] = {}
    clean = analysis.clean
    for sent in analysis.sentences:
        text = clean[sent.cstart: sent.cend]
        if props:
            lo = bisect.bisect_left(prop_starts, sent.cstart)
            hi = bisect.bisect_left(prop_starts, sent.cend)
            sent_props = props[lo:hi]
        else:
            sent_props = props
        if not sent_props and not _sentence_may_hold_value(text):
            continue
        words = _words(text, sent.cstart)
        initial = anchors.get(sent.section)
        sc = _Scanner(words, initial)
        found = _scan(analysis, sc, sent.index, out if use_rule else None)
        if sc.anchor is not None:
            anchors[sent.section] = sc.anchor
        if sent_props:
            _accept_proposals(analysis, sent.index, words, sent_props, found, out,
                              initial_anchor=initial, use_rule=use_rule)
    out.sort(key=lambda s: (s.start, s.end))
    return out


def _scan(analysis: Analysis, sc: _Scanner, sentence_index: int,
          out: list[Span] | None) -> list[tuple[int, int, DateValue | None, Span]]:
    """Run the grammar over one sentence; returns (first word, end word, value, span)."""
    found: list[tuple[int, int, DateValue | None, Span]] = []
    words = sc.words
    cores = sc.cores
    i = 0
    n = len(cores)
    while i < n:
        core = cores[i]
        if not (core[:1].isdecimal() or core in _FIRST_WORDS):
            i += 1  # most words can start no date or amount: skip them cheaply
            continue
        m = sc.date_at(i)
        if m is not None:
            v = m.value
            span = _make(analysis, "DATE", words, i, m.end, f"TIMEX3:{v.value}", "rule",
                         sentence_index, v._attrs)
            found.append((i, m.end, v, span))
            if out is not None:
                out.append(span)
            sc.anchor = v
            i = m.end
            continue
        a = _amount_at(sc, i)
        if a is not None:
            span = _make(analysis, a.label, words, i, a.end, a.norm, "rule", sentence_index)
            found.append((i, a.end, None, span))
            if out is not None:
                out.append(span)
            i = a.end
            continue
        i += 1
    return found


def _accept_proposals(analysis: Analysis, sentence_index: int, words: _Words,
                      props: list[Span], found: list[tuple[int, int, DateValue | None, Span]],
                      out: list[Span], *, initial_anchor: DateValue | None,
                      use_rule: bool) -> None:
    """Model DATE proposals: kept only where the grammar (leniently) reads a value there.

    A proposal on a grammar date marks it "both" (same span) or is dropped in its favour;
    one on a grammar amount is dropped; elsewhere the grammar re-reads the words from the
    proposal's first word, accepting bare years and bare months, and the phrase it reads
    (whole words, possibly longer or shorter than the proposal) is kept with source "model".
    """
    starts, ends = words.starts, words.ends
    for prop in props:
        i = bisect.bisect_right(starts, prop.cstart) - 1  # the word holding its start
        if i < 0 or ends[i] <= prop.cstart:
            i += 1
        j = bisect.bisect_left(starts, prop.cend)  # first word starting at or after its end
        if i >= len(words) or j <= i:
            continue
        overlapping = [f for f in found if f[0] < j and i < f[1]]
        dates = [f for f in overlapping if f[2] is not None]
        if dates:
            span = dates[0][3]
            if not use_rule:
                if not any(s.key == span.key for s in out):
                    out.append(replace(span, source="model", attrs=dict(span.attrs)))
            elif span.start == prop.start and span.end == prop.end:
                span.source = "both"
            continue
        if overlapping:
            continue  # the grammar read an amount there: not a date
        before = [f for f in found if f[1] <= i and f[2] is not None]
        anchor = before[-1][2] if before else initial_anchor
        sc = _Scanner(words, anchor, lenient=True, stop=j + 2)
        m = sc.date_at(i)
        if m is None or m.end < j:
            continue  # no value for the whole proposal: dropped
        if any(s.label == "DATE" and s.cstart < ends[m.end - 1] and starts[i] < s.cend
               for s in out):
            continue
        v = m.value
        out.append(_make(analysis, "DATE", words, i, m.end, f"TIMEX3:{v.value}", "model",
                         sentence_index, v._attrs))


# ---------------------------------------------------------------------------
# the dateparser baseline (for `bnevents eval --baseline dateparser`)
# ---------------------------------------------------------------------------


def baseline_values(analysis: Analysis) -> list[Span]:
    """Plain dateparser: search_dates() on every sentence, values at day precision.

    This is what dateparser gives out of the box (languages=["bn"], default settings,
    which fill missing parts from today); it is the comparison point for the grammar.
    """
    from dateparser.search import search_dates

    out: list[Span] = []
    clean = analysis.clean
    for sent in analysis.sentences:
        text = clean[sent.cstart: sent.cend]
        try:
            found = search_dates(text, languages=["bn"]) or []
        except Exception:
            continue
        pos = 0
        for substr, when in found:
            at = text.find(substr, pos)
            if at < 0 or not substr.strip():
                continue
            pos = at + len(substr)
            a, b = at, at + len(substr)
            while a < b and text[a].isspace():
                a += 1
            while b > a and (text[b - 1].isspace() or text[b - 1] in _TRAIL_PUNCT):
                b -= 1
            if b <= a:
                continue
            value = when.date().isoformat()
            span = analysis.make_span("DATE", sent.cstart + a, sent.cstart + b,
                                      norm=f"TIMEX3:{value}", source="baseline",
                                      sentence_index=sent.index)
            span.attrs.update({"value": value, "start_date": value, "end_date": value,
                               "granularity": "day"})
            out.append(span)
    return out


__all__ = [
    "DateValue",
    "bangla_to_gregorian",
    "baseline_values",
    "find_values",
    "format_amount",
    "hijri_to_gregorian",
    "parse_dmy",
]


class _ValueStage:
    """DATE/MONEY/QUANTITY with TIMEX3 and amount values. The model's DATE proposals leave
    the candidates: the grammar accepts them (with a value) or they are dropped."""

    use_grammar: bool
    use_proposals: bool

    def __init__(self, context: BuildContext) -> None:
        self.context = context

    def __call__(self, analysis: Analysis) -> None:
        proposals = [s for s in analysis.candidates if s.label == "DATE" and s.source == "model"]
        if proposals:
            analysis.candidates = [s for s in analysis.candidates
                                   if not (s.label == "DATE" and s.source == "model")]
        stages = {(True, False): "rule", (False, True): "model", (True, True): "both"}[
            (self.use_grammar, self.use_proposals)]
        analysis.candidates.extend(find_values(analysis, proposals, stages=stages))


@register("values.grammar", requires=["sentences"], provides=["candidates"])
class GrammarValueStage(_ValueStage):
    use_grammar, use_proposals = True, False


@register("values.proposals", requires=["sentences", "proposals"], provides=["candidates"])
class ProposalValueStage(_ValueStage):
    use_grammar, use_proposals = False, True


@register("values.grammar+proposals", requires=["sentences", "proposals"],
          provides=["candidates"])
class GrammarAndProposalValueStage(_ValueStage):
    use_grammar, use_proposals = True, True
