"""The value stage's vocabulary, built from a language pack when a stage is built.

Everything the grammar and the amount reader match comes from the pack's dates.yaml,
amounts.yaml and units.yaml, plus what libraries know for the pack's locale (read from
pack.yaml `locale`, never written in code):

- Gregorian month names come from CLDR via babel and from dateparser's data; dates.yaml
  adds only spelling variants and the other calendars' months;
- currency names come from CLDR via babel, plus amounts.yaml's short everyday names.

Every entry is normalised with normalise_text_plain() (the clean text's own rules).
`ValueVocabulary.from_pack` is cached per pack, so a pack's vocabulary is built once.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.lang import LanguagePack
from pipeline.stages.normalise import normalise_text_plain
from pipeline.stages.values.calendars import (
    REVISED,
    BengaliCalendar,
    DateparserLocale,
    TraditionalBengaliCalendar,
)
from pipeline.stages.values.words import TRAIL_PUNCT

# dateparser's month keys, 1 = January (its data modules name months in English)
_DATEPARSER_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july",
                          "august", "september", "october", "november", "december")


def _n(text: Any) -> str:
    return normalise_text_plain(str(text)).strip()


def _forms(bases: Iterable[str], suffixes: list[str]) -> set[str]:
    out: set[str] = set()
    for base in bases:
        b = _n(base)
        for suf in suffixes:
            out.add(b + _n(suf))
    return out


def _words_of(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(_n(w) for w in values)


def _keyed(groups: Mapping[Any, Iterable[str]], key: Any = int) -> dict[str, Any]:
    """{key: [words]} -> {word: key} ("decade_number_words", "century_ordinals" ...)."""
    return {_n(w): key(k) for k, ws in groups.items() for w in ws}


def by_first_word(forms: Iterable[str]) -> dict[str, tuple[int, ...]]:
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


def _max_words(forms: Iterable[str]) -> int:
    return max(f.count(" ") + 1 for f in forms)


@dataclass(frozen=True)
class MonthForm:
    cal: str  # greg | bangla | hijri
    month: int
    suffixed: bool  # carries a glued case ending (জুনে): may stand alone
    words: int = 1  # how many words the name takes (রবিউল আউয়াল)


def gregorian_month_names(locale: str, variants: Mapping[Any, list[str]]
                          ) -> dict[int, list[str]]:
    """Month number -> base names: CLDR (babel) wide, dateparser's data, then variants."""
    from babel.dates import get_month_names

    names: dict[int, list[str]] = {m: [] for m in range(1, 13)}
    for context in ("format", "stand-alone"):
        for m, name in get_month_names("wide", context, locale=locale).items():
            names[m].append(name)
    # abbreviations (জানু, আগ) are left out: too short to be safe in running text
    abbreviated = set(get_month_names("abbreviated", locale=locale).values()) - {
        n for ns in names.values() for n in ns}
    try:  # dateparser's own month data for the locale (includes spelling variants)
        info = importlib.import_module(
            f"dateparser.data.date_translation_data.{locale}").info
        for m, key in enumerate(_DATEPARSER_MONTH_KEYS, start=1):
            names[m].extend(n for n in info.get(key, []) if n not in abbreviated)
    except ImportError:  # pragma: no cover - dateparser is a hard dependency
        pass
    for m, extra in variants.items():
        names[int(m)].extend(extra)
    return names


def _month_table(calendars: list[tuple[str, Mapping[Any, list[str]]]],
                 suffixes: list[str], exclude: frozenset[str]) -> dict[str, MonthForm]:
    table: dict[str, MonthForm] = {}
    for cal, months in calendars:
        for m, bases in months.items():
            for base in bases:
                b = _n(base)
                for suf in suffixes:
                    form = b + _n(suf)
                    if form in exclude or form in table:
                        continue
                    table[form] = MonthForm(cal, int(m), bool(suf), b.count(" ") + 1)
    return table


def _currencies(locale: str, amounts: Mapping[str, Any]) -> dict[str, str]:
    """Currency name form -> ISO 4217: CLDR names (babel) + the pack's aliases."""
    from babel import Locale

    exclude = set(amounts["cldr_exclude"])
    names: dict[str, str] = {}
    for code, name in Locale.parse(locale).currencies.items():
        if code in exclude or not name or any(c in name for c in "()[]"):
            continue
        names.setdefault(_n(name), code)
    for name, code in amounts["currency_aliases"].items():
        names[_n(name)] = code  # the project's aliases win over CLDR's
    return {form: code for name, code in names.items()
            for form in _forms([name], amounts["suffixes"])}


def _bengali_calendar(dates: Mapping[str, Any]) -> BengaliCalendar:
    kind = dates.get("bengali_calendar", "revised")
    if kind == "revised":
        return REVISED
    if kind == "traditional":
        return TraditionalBengaliCalendar.from_table(dates["traditional_month_starts"])
    raise ValueError(f"dates.yaml: unknown bengali_calendar {kind!r} "
                     "(choose revised or traditional)")


@dataclass(frozen=True, eq=False)
class ValueVocabulary:
    """Every word set and table the value grammar reads (field names say what they hold;
    `*_ks` are by_first_word() indexes of the table before them)."""

    locale: str
    dateparser: DateparserLocale
    bengali_calendar: BengaliCalendar
    months: dict[str, MonthForm]
    month_ks: dict[str, tuple[int, ...]]
    max_month_words: int
    bare_month_needs_mas: frozenset[int]
    month_words: frozenset[str]
    day_words: frozenset[str]
    year_markers: dict[str, str]  # form -> calendar (greg, bangla, hijri, fiscal)
    marker_ks: dict[str, tuple[int, ...]]
    max_marker_words: int
    bce_words: frozenset[str]
    year_glued_suffixes: frozenset[str]
    day_ordinal_suffixes: frozenset[str]
    decade_words: frozenset[str]
    decade_number_words: dict[str, int]
    decade_genitives: frozenset[str]
    century_words: frozenset[str]
    century_ordinals: dict[str, int]
    century_number_suffixes: frozenset[str]
    range_connectors: frozenset[str]
    range_closers: frozenset[str]
    relative_determiners: dict[str, int]  # word -> offset
    relative_units: dict[str, str]  # word -> year | month | day
    relative_words: dict[str, tuple[str, int]]  # word -> (unit, offset)
    relative_ks: dict[str, tuple[int, ...]]
    max_relative_words: int
    coordinators: frozenset[str]
    count_units: dict[str, str]
    count_direction: dict[str, int]  # পর +1, আগে -1
    scales: dict[str, Decimal]
    number_words: dict[str, Decimal]
    currencies: dict[str, str]  # form -> ISO 4217
    units: dict[str, str]  # form -> QTY unit code
    unit_ks: dict[str, tuple[int, ...]]  # currencies and units
    max_unit_words: int
    first_words: frozenset[str]  # words that can start a date or an amount

    @property
    def unit_codes(self) -> frozenset[str]:
        return frozenset(self.units.values())

    @classmethod
    def from_pack(cls, pack: LanguagePack) -> ValueVocabulary:
        return _vocabulary(pack)


@functools.cache
def _vocabulary(pack: LanguagePack) -> ValueVocabulary:
    d = pack.yaml("dates.yaml")
    a = pack.yaml("amounts.yaml")
    u = pack.yaml("units.yaml")
    locale = pack.locale
    greg = gregorian_month_names(locale, d["gregorian_month_variants"])
    months = _month_table([("greg", greg), ("bangla", d["bangla_months"]),
                           ("hijri", d["hijri_months"])],
                          d["month_suffixes"], _words_of(d["month_form_exclude"]))
    max_month_words = max(f.words for f in months.values())
    markers: dict[str, str] = {}
    for cal, bases in d["year_markers"].items():
        for form in _forms(bases, d["year_marker_suffixes"]):
            markers.setdefault(form, cal)
    relative_words = {_n(w): (v[0], int(v[1])) for w, v in d["relative_words"].items()}
    scales = {_n(w): Decimal(str(v)) for w, v in a["scales"].items()}
    number_words = {_n(w): Decimal(str(v)) for w, v in a["number_words"].items()}
    currencies = _currencies(locale, a)
    units = {form: unit for name, unit in u["units"].items()
             for form in _forms([name], a["suffixes"])}
    decade_number_words = _keyed(d["decade_number_words"])
    century_ordinals = _keyed(d["century_ordinals"])
    relative_determiners = _keyed(d["relative_determiners"])
    starters = (months, decade_number_words, century_ordinals, relative_determiners,
                number_words, relative_words)
    first_words = frozenset(k.split(" ")[0].rstrip(TRAIL_PUNCT)
                            for table in starters for k in table)
    return ValueVocabulary(
        locale=locale,
        # CLDR's own spelling (not normalised): what dateparser is handed in parse_dmy()
        dateparser=DateparserLocale(locale, tuple(greg[m][0] for m in range(1, 13))),
        bengali_calendar=_bengali_calendar(d),
        months=months,
        month_ks={w: tuple(k for k in ks if k <= max_month_words)
                  for w, ks in by_first_word(months).items()},
        max_month_words=max_month_words,
        bare_month_needs_mas=frozenset(int(m) for m in d["bare_month_needs_mas"]),
        month_words=_words_of(d["month_words"]),
        day_words=_words_of(d["day_words"]),
        year_markers=markers,
        marker_ks=by_first_word(markers),
        max_marker_words=_max_words(markers),
        bce_words=_words_of(d["bce_words"]),
        year_glued_suffixes=_words_of(d["year_glued_suffixes"]),
        day_ordinal_suffixes=_words_of(d["day_ordinal_suffixes"]),
        decade_words=_words_of(d["decade_words"]),
        decade_number_words=decade_number_words,
        decade_genitives=_words_of(d["decade_genitives"]),
        century_words=_words_of(d["century_words"]),
        century_ordinals=century_ordinals,
        century_number_suffixes=_words_of(d["century_number_suffixes"]),
        range_connectors=_words_of(d["range_connectors"]),
        range_closers=_words_of(d["range_closers"]),
        relative_determiners=relative_determiners,
        relative_units=_keyed(d["relative_units"], str),
        relative_words=relative_words,
        relative_ks=by_first_word(relative_words),
        max_relative_words=_max_words(relative_words),
        coordinators=_words_of(d["coordinators"]),
        count_units=_keyed(d["relative_count_units"], str),
        count_direction={**{_n(w): 1 for w in d["relative_count_after"]},
                         **{_n(w): -1 for w in d["relative_count_before"]}},
        scales=scales,
        number_words=number_words,
        currencies=currencies,
        units=units,
        unit_ks=by_first_word([*currencies, *units]),
        max_unit_words=_max_words([*currencies, *units]),
        first_words=first_words,
    )
