"""The scanner: runs the date grammar over one sentence's words and resolves what it reads.

At word i, `date_at` asks the grammar's rules for their readings (grammar.py), keeps the
longest, joins two points into a range around a connector ("P1 থেকে P2 [পর্যন্ত]",
"২২ থেকে ২৫ জুন"), and resolves the point against the anchor, the last date read before
it in the section: a day-month takes the anchor's year, a relative date ("পরদিন", "পরের
বছর") moves from it. Other calendars are converted here (calendars.py), Gregorian days
are checked as dateparser would (parse_dmy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.stages.values import matchers
from pipeline.stages.values.calendars import hijri_to_gregorian, parse_dmy
from pipeline.stages.values.grammar import DATE_GRAMMAR, DateGrammar, DateRule
from pipeline.stages.values.timex import (
    YMD,
    DateValue,
    Point,
    PointHit,
    point_value,
    range_value,
    valid_year,
)
from pipeline.stages.values.vocabulary import MonthForm, ValueVocabulary
from pipeline.stages.values.words import Words

_NO_STOP = 10**9
_MAX_DAY = 31


@dataclass(slots=True)
class Match:
    end: int  # index of the word after the match
    value: DateValue


# one reading per rule of the word's kind, in rule order (None: the rule read nothing)
Readings = list[PointHit | None]


def longest(readings: Readings) -> PointHit | None:
    """The reading reaching furthest; the first one among equals."""
    best: PointHit | None = None
    for r in readings:
        if r is not None and (best is None or r[0] > best[0]):
            best = r
    return best


class Scanner:
    """The grammar over one sentence's words; `stop` is a word index the parse may not
    reach (a proposal's end)."""

    __slots__ = ("anchor", "cores", "grammar", "leads", "lenient", "lim", "nums", "trails",
                 "vocab", "words")

    def __init__(self, words: Words, vocab: ValueVocabulary, anchor: DateValue | None = None,
                 lenient: bool = False, stop: int = _NO_STOP,
                 grammar: DateGrammar = DATE_GRAMMAR) -> None:
        self.words = words
        self.cores = words.cores
        self.leads = words.leads
        self.trails = words.trails
        self.nums = words.nums
        self.vocab = vocab
        self.grammar = grammar
        self.anchor = anchor
        self.lenient = lenient  # proposals: bare years and bare months are accepted
        self.lim = min(len(words.cores), stop)

    # -- words -------------------------------------------------------------------
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

    def trailing_word(self, j: int, words: frozenset[str]) -> int:
        """j + 1 if word j is one of `words` and may join the phrase ending at j - 1."""
        if j - 1 >= 0 and self.open_after(j - 1) and self.core(j) in words:
            return j + 1
        return j

    # -- lexicon look-ups (longest first) ------------------------------------------
    def month_at(self, i: int) -> tuple[int, MonthForm] | None:
        if i >= self.lim:
            return None
        ks = self.vocab.month_ks.get(self.cores[i])
        if ks is None:
            return None
        months = self.vocab.months
        for k in ks:
            form = months.get(self.joined(i, k) if k > 1 else self.cores[i])
            if form is not None and form.words == k:
                return i + k, form
        return None

    def marker_at(self, i: int) -> tuple[int, str] | None:
        if i >= self.lim:
            return None
        ks = self.vocab.marker_ks.get(self.cores[i])
        if ks is None:
            return None
        markers = self.vocab.year_markers
        for k in ks:
            cal = markers.get(self.joined(i, k) if k > 1 else self.cores[i])
            if cal is not None:
                return i + k, cal
        return None

    # -- the rules at one word -----------------------------------------------------
    def _rules_at(self, i: int) -> tuple[DateRule, ...]:
        g = self.grammar
        return g.on_number if self.cores[i][:1].isdecimal() else g.on_word

    def readings(self, i: int, relaxed: bool) -> Readings:
        return [rule.read(self, i, relaxed) for rule in self._rules_at(i)]

    def point(self, i: int, relaxed: bool) -> PointHit | None:
        """The longest date point at word i (partial, unresolved)."""
        if not self.cores[i]:
            return None
        return longest(self.readings(i, relaxed))

    def _relaxed_point(self, i: int, strict: Readings) -> PointHit | None:
        """point(i, True), given the strict readings: only the rules that relax and read
        nothing strictly are asked again (a strict reading stays the same relaxed)."""
        relaxed = [r if r is not None or not rule.relaxes else rule.read(self, i, True)
                   for rule, r in zip(self._rules_at(i), strict, strict=True)]
        return longest(relaxed)

    # -- resolution --------------------------------------------------------------------
    def resolve(self, pt: Point) -> DateValue | None:
        """A partial point -> a value, using the anchor for what the text leaves out."""
        g = self.to_greg(pt)
        if g is None:
            return None
        if pt.day2 is not None and g[2] is not None:
            end = self.to_greg(pt.but(year=pt.year if pt.year else g[0], day=pt.day2))
            if end is None:
                return None
            if pt.cal == "greg" and pt.year is None:
                end = (g[0], end[1], end[2])
            return range_value(g, end)
        return point_value(g)

    def to_greg(self, pt: Point) -> YMD | None:
        if pt.rel is not None:
            return self._relative(pt)
        year = pt.year
        if year is None:  # day+month or month alone: the anchor's year
            a = self.anchor
            if a is None or a.hi[0] is None or pt.cal != "greg":
                return None
            year = a.hi[0]
        if pt.cal == "bangla":
            g = self.vocab.bengali_calendar.to_gregorian(year, pt.month, pt.day)
        elif pt.cal == "hijri":
            g = hijri_to_gregorian(year, pt.month, pt.day)
        else:
            g = (year, pt.month, pt.day)
            if pt.day is not None:
                g = self._dmy(pt.day, pt.month, year) if valid_year(year) else None
                if g is None:
                    g = (year, pt.month, None)  # not a real day: keep the month
        if g is None or not valid_year(g[0]):
            return None
        return g

    def _dmy(self, day: int, month: int | None, year: int) -> YMD | None:
        return parse_dmy(day, month, year, self.vocab.dateparser)  # type: ignore[arg-type]

    def _relative(self, pt: Point) -> YMD | None:
        a = self.anchor
        if a is None or pt.rel is None:
            return None
        unit, off = pt.rel
        y, m, d = a.hi if off > 0 else a.lo
        if y is None:
            return None
        if unit == "year":
            y += off
            if pt.month is not None:
                if pt.day is not None:
                    return self._dmy(pt.day, pt.month, y) if valid_year(y) else None
                return (y, pt.month, None)
            return (y, None, None) if valid_year(y) else None
        if unit == "month":
            if m is None:
                return None
            total = y * 12 + (m - 1) + off
            y, m = total // 12, total % 12 + 1
            if pt.day is not None:
                return self._dmy(pt.day, m, y) if valid_year(y) else None
            return (y, m, None)
        if d is None:
            return None
        try:
            day = dt.date(y, m, d) + dt.timedelta(days=off)  # type: ignore[arg-type]
        except (ValueError, OverflowError):
            return None
        return (day.year, day.month, day.day)

    # -- phrases: ranges around points ------------------------------------------------
    def date_at(self, i: int) -> Match | None:
        """The longest DATE phrase starting at word i, resolved, or None."""
        if not self.cores[i]:
            return self._day_range(i)
        strict = self.readings(i, False)
        first = longest(strict)
        if first is None or first[1].bare:
            bare = self._relaxed_point(i, strict)
            first = bare if bare is not None and bare[0] > (first[0] if first else -1) else first
        if first is None:
            # "২২ থেকে ২৫ জুন": a bare day, then a day-month
            return self._day_range(i)
        j, p1 = first
        if p1.fixed is None and p1.day2 is None and p1.rel is None:
            ranged = self._two_ended_range(j, p1)
            if ranged is not None:
                return ranged
        if p1.fixed is not None:
            return Match(j, p1.fixed)
        if p1.bare and not self.lenient and not self._coordinated_year(j):
            return None
        v = self.resolve(p1)
        return Match(j, v) if v is not None else None

    def _two_ended_range(self, j: int, p1: Point) -> Match | None:
        """After a point P1 ending at j: থেকে|হতে|- P2 [পর্যন্ত]."""
        if not (j < self.lim and self.open_after(j - 1)
                and self.core(j) in self.vocab.range_connectors
                and self.open_after(j) and j + 1 < self.lim):
            return None
        second = self.point(j + 1, relaxed=True)
        if second is None:
            return None
        k, p2 = second
        if p2.day2 is not None or p2.fixed is not None or p2.rel is not None:
            return None
        v = self._range(p1, p2)
        if v is None:
            return None
        return Match(self.trailing_word(k, self.vocab.range_closers), v)

    def _coordinated_year(self, j: int) -> bool:
        """After a bare year at j-1: "ও|এবং|," and then a year with its marker."""
        if not self.open_after(j - 1, allow_comma=True):
            return False
        k = j
        if self.trails[j - 1] != ",":
            if self.core(j) not in self.vocab.coordinators or not self.open_after(j):
                return False
            k = j + 1
        if k >= self.lim or self.leads[k]:
            return False
        if matchers.year_phrase(self, k) is not None:
            return True
        # a list: "১৯৯০, ১৯৯১ ও ১৯৯২ সালে"
        by = matchers.bare_year(self, k)
        return by is not None and self._coordinated_year(by[0])

    def _range(self, p1: Point, p2: Point) -> DateValue | None:
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

    def _day_range(self, i: int) -> Match | None:
        """"২২ থেকে ২৫ জুন": a bare day, a connector, then a day-month."""
        num = self.nums[i]
        if num is None or not num.integer or num.ndigits > 2 or num.suffix or num.n2 is not None:
            return None
        if not (self.open_after(i) and self.core(i + 1) in self.vocab.range_connectors
                and self.open_after(i + 1)):
            return None
        dm = matchers.day_month(self, i + 2)
        if dm is None or dm[1].day2 is not None:
            return None
        k, p2 = dm
        day1 = int(num.value)
        if not 1 <= day1 < (p2.day or 0):
            return None
        v = self._range(p2.but(day=day1), p2)
        if v is None:
            return None
        return Match(self.trailing_word(k, self.vocab.range_closers), v)
