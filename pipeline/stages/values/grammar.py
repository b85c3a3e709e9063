"""The date grammar as a table of rules: each rule is a matcher plus a value builder.

At each word the scanner tries the rules that may start there (`starts`: "number" for a
word beginning with a digit, "word" for the others, "any" for both) in table order; the
longest reading wins, the first among equals. A rule's matcher (matchers.py) returns
(index of the word after the match, parts) or None; its builder turns the parts into a
`Point`: a date as written, which the scanner resolves against the anchor (the preceding
date in the section) and turns into a value with the builders of timex.py, or a point
whose `fixed` already holds the final value (a decade, a century, a year range). Ranges
("P1 থেকে P2 পর্যন্ত") are built by the scanner around any two points the rules read.

How to add a date structure (one rule + one value builder):

1. write the matcher: `def quarter(sc: Scanner, i: int) -> tuple[int, Any] | None`,
   reading words through the scanner (`sc.nums[i]`, `sc.core(i + 1)`, `sc.open_after(i)`)
   and its word sets from `sc.vocab` (add them to the pack's dates.yaml and to
   `ValueVocabulary`: no word lists in code);
2. write the value builder (in timex.py if it is a new shape of value), e.g.
   `def quarter_point(parts) -> Point | None: return Point(fixed=quarter_value(*parts))`,
   or use `as_point` when the matcher already returns a partial `Point`;
3. add `DateRule("quarter", "number", quarter, quarter_point)` to `DATE_RULES` at the
   place its priority needs (among readings of equal length the earlier rule wins).

A grammar is an immutable value: `DATE_GRAMMAR.with_rule(rule)` is a new grammar, which
a stage (or a test) hands to `find_values(..., grammar=...)`.
tests/test_dates.py::test_a_new_rule_on_a_copy_of_the_grammar_is_used shows all three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.stages.values import matchers as m
from pipeline.stages.values.timex import Point, century_value, decade_value, range_value

if TYPE_CHECKING:
    from pipeline.stages.values.scanner import Scanner

# (scanner, word index, relaxed) -> (end word, parts) | None; `relaxed` is true where a
# bare year or a bare month may stand (the second end of a range, model proposals)
Matcher = Callable[["Scanner", int, bool], "tuple[int, Any] | None"]
Builder = Callable[[Any], "Point | None"]
STARTS = ("number", "word", "any")


def as_point(parts: Point) -> Point:
    """The builder of rules whose matcher reads a partial point itself."""
    return parts


def decade_point(first_year: int) -> Point:
    return Point(fixed=decade_value(first_year))


def century_point(first_year: int) -> Point:
    return Point(fixed=century_value(first_year))


def year_range_point(years: tuple[int, int]) -> Point | None:
    fixed = range_value((years[0], None, None), (years[1], None, None))
    return Point(fixed=fixed) if fixed is not None else None


def _strict(matcher: Callable[[Scanner, int], Any]) -> Matcher:
    """A matcher that reads the same whether or not bare points are allowed."""

    def match(sc: Scanner, i: int, relaxed: bool) -> Any:
        return matcher(sc, i)

    match.__name__ = matcher.__name__
    return match


def _bare_year(sc: Scanner, i: int, relaxed: bool) -> Any:
    return m.bare_year(sc, i) if relaxed or sc.lenient else None


@dataclass(frozen=True)
class DateRule:
    """One date structure: where it may start, how it is read, how its value is built.

    `relaxes`: the matcher reads more when `relaxed` (a bare year, a bare month); such a
    rule is asked again with relaxed=True where a bare point may stand. Relaxing may only
    add a reading, never change one the strict call found.
    """

    name: str
    starts: str
    match: Matcher
    build: Builder = as_point
    relaxes: bool = False

    def __post_init__(self) -> None:
        if self.starts not in STARTS:
            raise ValueError(f"rule {self.name!r}: starts must be one of {STARTS}")

    def read(self, sc: Scanner, i: int, relaxed: bool) -> tuple[int, Point] | None:
        found = self.match(sc, i, relaxed)
        if found is None:
            return None
        point = self.build(found[1])
        return (found[0], point) if point is not None else None


@dataclass(frozen=True)
class DateGrammar:
    """An ordered table of rules, split by the kind of word they start on."""

    rules: tuple[DateRule, ...]
    on_number: tuple[DateRule, ...] = field(init=False, repr=False)
    on_word: tuple[DateRule, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names = [r.name for r in self.rules]
        if len(set(names)) != len(names):
            raise ValueError(f"date grammar: a rule name is used twice ({', '.join(names)})")
        object.__setattr__(self, "on_number",
                           tuple(r for r in self.rules if r.starts in ("number", "any")))
        object.__setattr__(self, "on_word",
                           tuple(r for r in self.rules if r.starts in ("word", "any")))

    def with_rule(self, rule: DateRule, *, before: str | None = None) -> DateGrammar:
        """A copy with `rule` added at the end, or before the rule named `before`."""
        rules = list(self.rules)
        at = len(rules) if before is None else [r.name for r in rules].index(before)
        rules.insert(at, rule)
        return DateGrammar(tuple(rules))


DATE_RULES: tuple[DateRule, ...] = (
    DateRule("decade", "any", _strict(m.decade), decade_point),  # ১৯৯০-এর দশকে -> 199X
    DateRule("century", "any", _strict(m.century), century_point),  # বিংশ শতাব্দীতে -> 19XX
    DateRule("year_range", "number", _strict(m.year_range_token), year_range_point),
    DateRule("year_phrase", "number", _strict(m.year_phrase)),  # ২০১৪ সালের [২২] জুন
    DateRule("day_month", "number", _strict(m.day_month)),  # ২২[-২৫] জুন [২০১৪]
    DateRule("counted", "number", _strict(m.counted)),  # ২ দিন পর
    DateRule("relative", "word", _strict(m.relative)),  # পরদিন, পরের বছর, দুই দিন পর
    DateRule("bare_year", "number", _bare_year, relaxes=True),  # ১৯৯০ (in ranges)
    DateRule("month", "word", m.month_alone, relaxes=True),  # জুলাই মাসে, আগস্টে
)
DATE_GRAMMAR = DateGrammar(DATE_RULES)
