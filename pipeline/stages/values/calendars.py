"""Calendars: Gregorian day-month-year checks, the Bengali (বঙ্গাব্দ) and Hijri calendars.

- A recognised day-month-year is validated as dateparser does it (the pack's locale, all
  three parts required, so nothing is filled from today); where its answers are known
  (checked exhaustively), datetime does it: dateparser costs ~0.5 ms a call (parse_dmy).
- Hijri dates are converted by hijridate (the library behind dateparser's Hijri calendar).
- The Bengali calendar conversion is hand-written (no PyPI package converts বঙ্গাব্দ to
  Gregorian; `bangla` only goes the other way). Two reckonings, chosen by the pack's
  dates.yaml (`bengali_calendar`): the Bangladesh revised calendar, a fixed rule
  (1 বৈশাখ = 14 April, six 31-day months, then 30-day months, ফাল্গুন 29/30), and the
  traditional (Indian) one, where a month starts at the sun's sidereal ingress: a table
  of approximate month starts from the pack (`traditional_month_starts`, ±1 day).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pipeline.stages.values.timex import YMD

# বঙ্গাব্দ year + this = the Gregorian year in which it begins (1 বৈশাখ, mid-April)
BANGLA_YEAR_OFFSET = 593
_MAX_GREGORIAN_YEAR = 9998  # the next year must still fit datetime (ফাল্গুন, চৈত্র)

# parse_dmy() answers without dateparser where dateparser's answers are known: checked
# exhaustively with dateparser 1.5 for every day 1-31 of every month, it reads no year
# 100-999 (None for every day) and for the years 1000-2200 exactly the real calendar days.
# (It reads a 2-digit year as 19xx/20xx: those, rare here, still go to dateparser.)
# tests/test_dates.py re-checks samples against dateparser.
_DMY_NO_YEAR_BEFORE = 1000
_DMY_KNOWN_YEARS = (100, 2200)
# ASCII -> Bengali digits (U+09E6..U+09EF), the digits dateparser's bn data reads
_BN_DIGITS = str.maketrans("0123456789", "".join(chr(0x09E6 + d) for d in range(10)))


@dataclass(frozen=True)
class DateparserLocale:
    """What dateparser is handed for a day-month-year: its language and the month names
    (CLDR's own spelling, 1 = January) the date string is rebuilt with."""

    language: str
    month_names: tuple[str, ...]


@functools.lru_cache(maxsize=4096)
def parse_dmy(day: int, month: int, year: int, locale: DateparserLocale | None = None
              ) -> tuple[int, int, int] | None:
    """A recognised day-month-year as (year, month, day); None if it is not a real date.

    What dateparser says, without asking it where its answer is known (_DMY_KNOWN_YEARS):
    a call costs about 0.5 ms (the first one in a process 0.6 s), and a batch of
    documents brings thousands of distinct dates, so it was most of this stage's time;
    datetime's calendar check costs a microsecond. Other inputs go to `dateparser_dmy`.
    `locale` defaults to the default pack's (only read when dateparser is asked).
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
    return dateparser_dmy(day, month, year, locale)


def dateparser_dmy(day: int, month: int, year: int, locale: DateparserLocale | None = None
                   ) -> tuple[int, int, int] | None:
    """Parse a recognised day-month-year with dateparser; None if it is not a real date.

    The date string is rebuilt from the words found ("২২ জুন ২০১৪") because dateparser
    cannot read the সালের word order; all three parts are required, so nothing is filled
    from today's date.
    """
    import dateparser  # slow to import: only loaded when a full date is met

    if locale is None:
        from pipeline.lang import load_pack
        from pipeline.stages.values.vocabulary import ValueVocabulary

        locale = ValueVocabulary.from_pack(load_pack()).dateparser
    text = f"{to_bn_digits(day)} {locale.month_names[month - 1]} {to_bn_digits(year)}"
    parsed = dateparser.parse(
        text,
        languages=[locale.language],
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY",
                  "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    if parsed is None:
        return None
    return parsed.year, parsed.month, parsed.day


def to_bn_digits(n: int) -> str:
    return str(n).translate(_BN_DIGITS)


class BengaliCalendar(Protocol):
    def to_gregorian(self, year: int, month: int | None, day: int | None) -> YMD | None:
        """বঙ্গাব্দ -> Gregorian at the precision written; a month maps to the month it
        begins in; None for a day the month does not have or a year datetime cannot hold."""
        ...


# Bangladesh revised Bengali calendar: month lengths from 1 বৈশাখ (= 14 April).
_REVISED_MONTH_DAYS = (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 29, 30)
_REVISED_NEW_YEAR = (4, 14)
_FALGUN = 11


class RevisedBengaliCalendar:
    """The Bangladesh revised calendar (Bangla Academy, 1987; amended 2019)."""

    def to_gregorian(self, year: int, month: int | None, day: int | None) -> YMD | None:
        gy = year + BANGLA_YEAR_OFFSET
        if not 1 <= gy <= _MAX_GREGORIAN_YEAR:  # a year like ৯৪০৭ in noise
            return None
        if month is None:
            return (gy, None, None)
        start = dt.date(gy, *_REVISED_NEW_YEAR)
        offset = sum(_REVISED_MONTH_DAYS[: month - 1])
        if month > _FALGUN and calendar.isleap(gy + 1):
            offset += 1  # ফাল্গুন has 30 days when the following February has 29
        first = start + dt.timedelta(days=offset)
        if day is None:
            return (first.year, first.month, None)
        length = _REVISED_MONTH_DAYS[month - 1] + (
            1 if month == _FALGUN and calendar.isleap(gy + 1) else 0)
        if not 1 <= day <= length:
            return None
        d = first + dt.timedelta(days=day - 1)
        return (d.year, d.month, d.day)


@dataclass(frozen=True)
class TraditionalBengaliCalendar:
    """The traditional (Indian) reckoning, approximated by a fixed table of month starts.

    `month_starts[k]` is the (Gregorian month, day) on which Bengali month k+1 begins;
    months that start before বৈশাখ's Gregorian month fall in the next Gregorian year.
    A month runs to the day before the next one starts (29-32 days; leap days included).
    """

    month_starts: tuple[tuple[int, int], ...]

    @classmethod
    def from_table(cls, table: Sequence[str]) -> TraditionalBengaliCalendar:
        """From "MM-DD" strings, বৈশাখ first."""
        starts = tuple((int(m), int(d)) for m, d in (s.split("-") for s in table))
        if len(starts) != 12:
            raise ValueError(f"traditional_month_starts needs 12 dates, got {len(starts)}")
        return cls(starts)

    def _start(self, gy: int, month: int) -> dt.date:
        m, d = self.month_starts[month - 1]
        return dt.date(gy + (1 if m < self.month_starts[0][0] else 0), m, d)

    def to_gregorian(self, year: int, month: int | None, day: int | None) -> YMD | None:
        gy = year + BANGLA_YEAR_OFFSET
        if not 1 <= gy <= _MAX_GREGORIAN_YEAR:
            return None
        if month is None:
            return (gy, None, None)
        first = self._start(gy, month)
        if day is None:
            return (first.year, first.month, None)
        following = self._start(gy + 1, 1) if month == 12 else self._start(gy, month + 1)
        if not 1 <= day <= (following - first).days:
            return None
        d = first + dt.timedelta(days=day - 1)
        return (d.year, d.month, d.day)


REVISED = RevisedBengaliCalendar()


def bangla_to_gregorian(year: int, month: int | None, day: int | None) -> YMD | None:
    """বঙ্গাব্দ -> Gregorian with the revised calendar (the default pack's reckoning)."""
    return REVISED.to_gregorian(year, month, day)


def hijri_to_gregorian(year: int, month: int | None, day: int | None) -> YMD | None:
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
