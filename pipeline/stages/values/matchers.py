"""The date grammar's matchers: each reads one date structure at a word of a sentence.

A matcher is called as `matcher(scanner, i)` (some also take `relaxed`, see grammar.py)
and returns (index of the word after the match, parts) or None; the parts are a `Point`
for the point structures (resolved later against the anchor) or what a value builder
needs (a decade's first year, a century's first year, a year range's two ends).
They read words through the scanner (`nums`, `cores`, `open_after`, `month_at` ...) and
word sets through `scanner.vocab` (the pack's dates.yaml / amounts.yaml).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.stages.values.timex import Point, PointHit, range_value, second_year

if TYPE_CHECKING:
    from pipeline.stages.values.scanner import Scanner

# a marked year: three or four digits ("৯৯৯ সালে" is old history, still a year)
_YEAR_DIGITS = (3, 4)
_UNMARKED_YEARS = (1000, 2100)  # a year with no marker (১৯৭১-এর, bare ১৯৯০) is modern
_MAX_DAY = 31
_MAX_CENTURY = 22
_DECADE_BASE = 1900  # "নব্বইয়ের দশক", "৯০-এর দশক": the 1900s


def _unmarked_year(year: int) -> bool:
    return _UNMARKED_YEARS[0] <= year <= _UNMARKED_YEARS[1]


def day_month(sc: Scanner, i: int) -> PointHit | None:
    """DAY[-DAY2] MONTH [মাসে|তারিখে] [, YEAR [marker]]."""
    v = sc.vocab
    num = sc.nums[i] if i < sc.lim else None
    if num is None or not num.integer or num.ndigits > 2 or not sc.open_after(i):
        return None
    if num.suffix and num.suffix not in v.day_ordinal_suffixes:
        return None
    day = int(num.value)
    day2 = num.n2
    if not 1 <= day <= _MAX_DAY or (day2 is not None and not day < day2 <= _MAX_DAY):
        return None
    mf = sc.month_at(i + 1)
    if mf is None:
        return None
    j, form = mf
    pt = Point(month=form.month, day=day, cal=form.cal, day2=day2)
    if not form.suffixed and sc.open_after(j - 1, allow_comma=True):
        yr = year_after_month(sc, j)
        if yr is not None:
            j, year, cal = yr
            pt = pt.but(year=year, cal=cal if form.cal == "greg" else form.cal)
    return sc.trailing_word(j, v.day_words), pt


def year_after_month(sc: Scanner, j: int) -> tuple[int, int, str] | None:
    """A year number (3-4 digits) right after a month, with an optional marker."""
    # "(২০১৫ সালের ...)" is a restatement
    num = sc.nums[j] if j < sc.lim and not sc.leads[j] else None
    if num is None or not num.integer or num.ndigits not in _YEAR_DIGITS or num.n2 is not None:
        return None
    if num.suffix and not (num.hyphen and num.suffix in sc.vocab.year_glued_suffixes):
        return None
    cal = "greg"
    end = j + 1
    if not num.suffix and sc.open_after(j):
        mk = sc.marker_at(j + 1)
        if mk is not None:
            end, cal = mk
    return end, int(num.value), cal


def day_of_month(sc: Scanner, j: int) -> tuple[int, int] | None:
    """After a month (or মাসের): "২২ তারিখে" -> (end, 22)."""
    if j < 1 or not sc.open_after(j - 1) or j >= sc.lim:
        return None
    num = sc.nums[j]
    if (num is None or not num.integer or num.ndigits > 2 or num.n2 is not None
            or (num.suffix and num.suffix not in sc.vocab.day_ordinal_suffixes)
            or sc.leads[j]):
        return None
    if not (1 <= int(num.value) <= _MAX_DAY and sc.open_after(j)
            and sc.core(j + 1) in sc.vocab.day_words):
        return None
    return j + 2, int(num.value)


def month_alone(sc: Scanner, i: int, relaxed: bool = False) -> PointHit | None:
    """MONTH [মাসে] [, YEAR]: a month, with its year or (partial) without.

    A bare month with no year needs a glued ending or মাস (জুলাই মাসে, আগস্টে), or the
    other end of a range ("২০১৪ সালের মার্চ থেকে জুন": `relaxed`).
    """
    v = sc.vocab
    mf = sc.month_at(i)
    if mf is None:
        return None
    j, form = mf
    if form.cal != "greg":
        return None  # other calendars' months need their year marker before them
    if not form.suffixed and sc.open_after(j - 1, allow_comma=True):
        mdy = _month_day_year(sc, j, form.month)  # "জুন ২২, ২০১৪"
        if mdy is not None:
            return mdy
        yr = year_after_month(sc, j)
        if yr is not None:
            end, year, _ = yr
            return sc.trailing_word(end, v.day_words), Point(year=year, month=form.month)
    day = day_of_month(sc, j)
    if day is not None:  # "জুনের ২২ তারিখে"
        return day[0], Point(month=form.month, day=day[1])
    if sc.open_after(j - 1) and sc.core(j) in v.month_words:
        return j + 1, Point(month=form.month)
    if sc.lenient or relaxed or (form.suffixed and form.month not in v.bare_month_needs_mas):
        return j, Point(month=form.month)
    return None  # a bare "অক্টোবর" is too often part of a name (অক্টোবর বিপ্লব)


def _month_day_year(sc: Scanner, j: int, month: int) -> PointHit | None:
    """After a month at j-1: "২২, ২০১৪" (month, day, year)."""
    num = sc.nums[j] if j < sc.lim else None
    if not (num is not None and num.integer and num.ndigits <= 2 and not num.suffix
            and num.n2 is None and sc.trails[j] == "," and 1 <= int(num.value) <= _MAX_DAY):
        return None
    yr = year_after_month(sc, j + 1)
    if yr is None:
        return None
    end, year, _ = yr
    return sc.trailing_word(end, sc.vocab.day_words), Point(year=year, month=month,
                                                            day=int(num.value))


def year_phrase(sc: Scanner, i: int) -> PointHit | None:
    """YEAR marker [DAY MONTH | MONTH]; or a year with a glued ending (১৯৭১-এর)."""
    v = sc.vocab
    num = sc.nums[i]
    if num is None or not num.integer or num.ndigits not in _YEAR_DIGITS:
        return None
    if i > 0 and sc.cores[i - 1] in v.bce_words:
        return None
    year = int(num.value)
    j = i + 1
    cal = "greg"
    if not num.suffix and sc.open_after(i):
        mk = sc.marker_at(j)
        if mk is None:
            return None
        j, cal = mk
    elif not (num.hyphen and num.suffix in v.year_glued_suffixes and num.n2 is None
              and num.ndigits == 4 and _unmarked_year(year)):
        return None
    if num.n2 is not None:  # ২০১০-১৫ সালে, ২০১৫-১৬ অর্থবছরে
        year2 = second_year(year, num.n2, num.n2digits)
        if year2 is None or cal not in ("greg", "fiscal"):
            return None
        fixed = range_value((year, None, None), (year2, None, None))
        return (j, Point(year=year, fixed=fixed)) if fixed is not None else None
    pt = Point(year=year, cal="greg" if cal == "fiscal" else cal)
    if sc.open_after(j - 1):
        inner = _day_or_month_of_year(sc, j, year, pt.cal, cal)
        if inner is not None:
            return inner
    return j, pt


def _day_or_month_of_year(sc: Scanner, j: int, year: int, year_cal: str, marker_cal: str
                          ) -> PointHit | None:
    """After "YEAR marker" at j: "২২ জুন", "জুনের ২২ তারিখে" or "জুন [মাসে]"."""
    dm = day_month(sc, j)
    if dm is not None and dm[1].year is None:
        end, p2 = dm
        if p2.cal == "greg" or marker_cal in ("greg", p2.cal):
            return end, p2.but(year=year, cal=p2.cal if p2.cal != "greg" else year_cal)
    mf = sc.month_at(j)
    if mf is None:
        return None
    end, form = mf
    if not (form.cal == "greg" or marker_cal in ("greg", form.cal)):
        return None
    cal = form.cal if form.cal != "greg" else year_cal
    day = day_of_month(sc, end)
    if day is not None:  # "২০১৪ সালের জুনের ২২ তারিখে"
        return day[0], Point(year=year, month=form.month, day=day[1], cal=cal)
    end = sc.trailing_word(end, sc.vocab.month_words)
    return end, Point(year=year, month=form.month, cal=cal)


def decade(sc: Scanner, i: int) -> tuple[int, int] | None:
    """"১৯৯০-এর দশকে", "১৯৯০ এর দশকে", "নব্বইয়ের দশকে" -> (end, first year)."""
    v = sc.vocab
    core = sc.cores[i]
    j = i + 1
    if core in v.decade_number_words:
        year = _DECADE_BASE + v.decade_number_words[core]
    else:
        num = sc.nums[i]
        if num is None or not num.integer or num.n2 is not None:
            return None
        n = int(num.value)
        if n % 10 or num.ndigits not in (2, 4):
            return None
        if num.suffix and num.suffix not in v.decade_genitives and (
                "-" + num.suffix) not in v.decade_genitives:
            return None
        year = n if num.ndigits == 4 else _DECADE_BASE + n
        if not num.suffix and sc.open_after(i) and sc.core(j) in v.decade_genitives:
            j += 1  # "১৯৯০ এর দশকে": the separate এর sits inside the phrase
    if j - 1 >= 0 and not sc.open_after(j - 1):
        return None
    if sc.core(j) not in v.decade_words or not _unmarked_year(year):
        return None
    return j + 1, year


def century(sc: Scanner, i: int) -> tuple[int, int] | None:
    """"বিংশ শতাব্দীতে", "১৯শ শতকে" -> (end, first year)."""
    v = sc.vocab
    n: int | None = v.century_ordinals.get(sc.cores[i])
    if n is None:
        num = sc.nums[i]
        if num is None or not num.integer or num.ndigits > 2 or num.n2 is not None:
            return None
        if num.suffix not in v.century_number_suffixes:
            return None
        n = int(num.value)
    if not 1 <= n <= _MAX_CENTURY or not sc.open_after(i) \
            or sc.core(i + 1) not in v.century_words:
        return None
    return i + 2, (n - 1) * 100


def year_range_token(sc: Scanner, i: int) -> tuple[int, tuple[int, int]] | None:
    """A bare "১৯১৪-১৮" (no marker): a year range when both ends look like years."""
    num = sc.nums[i]
    if num is None or not num.integer or num.ndigits != 4 or num.n2 is None or num.suffix:
        return None
    year = int(num.value)
    year2 = second_year(year, num.n2, num.n2digits)
    if not _unmarked_year(year) or year2 is None:
        return None
    return i + 1, (year, year2)


def relative(sc: Scanner, i: int) -> PointHit | None:
    """পরদিন; "দুই দিন পর"; DETERMINER UNIT ("পরের বছর", "একই বছরের ১০ মে")."""
    v = sc.vocab
    ks = v.relative_ks.get(sc.cores[i]) if i < sc.lim else None
    if ks is not None:
        for k in ks:
            hit = v.relative_words.get(sc.joined(i, k) if k > 1 else sc.cores[i])
            if hit is not None:
                return i + k, Point(rel=hit)
    found = counted(sc, i)
    if found is not None:
        return found
    off = v.relative_determiners.get(sc.core(i))
    if off is None or not sc.open_after(i):
        return None
    unit = v.relative_units.get(sc.core(i + 1))
    if unit is None:
        return None
    j = i + 2
    rel = (unit, off)
    if sc.open_after(j - 1):
        inner = _within_relative(sc, j, unit, rel)
        if inner is not None:
            return inner
    return j, Point(rel=rel)


def _within_relative(sc: Scanner, j: int, unit: str, rel: tuple[str, int]) -> PointHit | None:
    if unit == "year":
        # "একই বছরের ১০ মে", "পরের বছরের জুলাই মাসে"
        dm = day_month(sc, j)
        if dm is not None and dm[1].year is None and dm[1].cal == "greg" and dm[1].day2 is None:
            return dm[0], dm[1].but(rel=rel)
        mf = sc.month_at(j)
        if mf is not None and mf[1].cal == "greg":
            end = sc.trailing_word(mf[0], sc.vocab.month_words)
            return end, Point(month=mf[1].month, rel=rel)
    if unit == "month":
        # "একই মাসের ২৯ তারিখে": a day of the anchor's month
        day = day_of_month(sc, j)
        if day is not None:
            return day[0], Point(day=day[1], rel=rel)
    return None


def counted(sc: Scanner, i: int) -> PointHit | None:
    """"দুই দিন পর": COUNT UNIT পর|আগে, an offset from the anchor."""
    v = sc.vocab
    num = sc.nums[i]
    if num is not None:
        if not num.integer or num.ndigits > 2 or num.suffix or num.n2 is not None:
            return None
        count = int(num.value)
    else:
        word = v.number_words.get(sc.cores[i])
        if word is None or word != int(word):
            return None
        count = int(word)
    unit = v.count_units.get(sc.core(i + 1))
    if unit is None:
        return None
    direction = v.count_direction.get(sc.core(i + 2))
    if direction is None or count < 1:
        return None
    if not (sc.open_after(i) and sc.open_after(i + 1)):
        return None
    return i + 3, Point(rel=(unit, direction * count))


def bare_year(sc: Scanner, i: int) -> PointHit | None:
    """A four-digit number read as a year (only where bare years are allowed)."""
    num = sc.nums[i]
    if num is None or not num.integer or num.ndigits != 4 or num.suffix or num.n2 is not None:
        return None
    year = int(num.value)
    if not _unmarked_year(year):
        return None
    return i + 1, Point(year=year, bare=True)
