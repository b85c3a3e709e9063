"""TIMEX3 values: `DateValue`, the value builders, and `Point`, a date as written.

A DATE span's norm is ``TIMEX3:<value>``: reduced-precision ISO 8601 (``2014``,
``2014-06``, ``2014-06-22``), ranges ``a/b``, decades ``199X``, centuries ``19XX``; its
attrs are value, start_date, end_date and granularity (year, month, day, decade,
century, range). Each shape has one builder here (point, range, decade, century); a new
date structure that needs a new shape adds its builder beside them (see grammar.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

# (year, month, day), month/day None at year/month precision
YMD = tuple[int | None, int | None, int | None]
_NO_POINT: YMD = (None, None, None)


@dataclass(frozen=True)
class DateValue:
    """A normalised date: TIMEX3 value, first/last day, granularity, and the points."""

    value: str
    start: dt.date
    end: dt.date
    granularity: str
    lo: YMD  # first point (None year: decade/century)
    hi: YMD  # last point

    def attrs(self) -> dict[str, Any]:
        return dict(self._attrs)

    @functools.cached_property
    def _attrs(self) -> dict[str, Any]:
        # built once per value (the builders below are cached); never handed out
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


# The value builders are cached: a document names the same few dates again and again,
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
                     "decade", _NO_POINT, _NO_POINT)


@functools.lru_cache(maxsize=1024)
def century_value(first_year: int) -> DateValue:
    return DateValue(f"{first_year // 100:02d}XX", dt.date(max(first_year, 1), 1, 1),
                     dt.date(first_year + 99, 12, 31), "century", _NO_POINT, _NO_POINT)


def second_year(year: int, n2: int, digits: int) -> int | None:
    """The end year of "২০১০-১৫" / "১৯১৪-১৮" / "২০১০-২০১৫"."""
    if digits == 2:
        y2 = year // 100 * 100 + n2
    elif digits == 4:
        y2 = n2
    else:
        return None
    return y2 if year < y2 <= year + 100 else None


def valid_year(y: int | None) -> bool:
    return y is not None and 1 <= y <= 2200


@dataclass(slots=True)
class Point:
    """A date point as written, possibly partial (no year: take it from context).

    What a grammar rule reads; the scanner resolves it to a DateValue against the anchor
    (the preceding date), unless `fixed` already holds the final value.

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
    day2: int | None = None  # the last day of a day range ("২২-২৫ জুন")

    def but(self, **changes: Any) -> Point:
        """A copy with some fields changed (dataclasses.replace, several times faster)."""
        new = Point(self.year, self.month, self.day, self.cal, self.bare, self.rel, self.fixed,
                    self.day2)
        for name, value in changes.items():
            setattr(new, name, value)
        return new


# what a rule finds at a word: (index of the word after it, the point read)
PointHit = tuple[int, Point]
