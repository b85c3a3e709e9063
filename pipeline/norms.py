"""Typed normalisation values ("norms"): made and parsed here, nowhere else.

A norm is the value of a mention as brat's `N` line and the run tables hold it:
`PREFIX:VALUE`, one prefix per normalised mention type (`load_schema().norm_prefixes`):

    COUNTRY   ISO3166:BGD            ISO 3166-1 (or -3) alpha-3 code
    DATE      TIMEX3:2014-06-22      a TIMEX3 point, or a range 2010/2015
    MONEY     MONEY:5500000000:USD   amount and ISO 4217 currency
    QUANTITY  QTY:500:MW             amount and a unit of the schema's quantity_units

The functions take the schema when the caller has one and read the default schema
otherwise (when called, never at import). They are exact inverses of the f-strings they
replace: a norm without the expected prefix comes back as written (`country_code("IND")`
is "IND"), so a malformed gold norm is compared as the annotator wrote it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.schema import Schema, load_schema

if TYPE_CHECKING:
    from pipeline.model import Span

# re.ASCII: values are ASCII digits; \d would also accept Bengali ০-৯
_TIMEX_POINT = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?|(\d{3})X|(\d{2})XX", re.ASCII)


@dataclass(frozen=True)
class Norm:
    """A parsed norm: its prefix and the ':'-separated parts after it."""

    prefix: str  # "ISO3166", "TIMEX3", "MONEY", "QTY"; the whole text when it has no ':'
    parts: tuple[str, ...]

    @property
    def value(self) -> str:
        """Everything after the prefix ('' when there is none)."""
        return ":".join(self.parts)

    def amount_and_code(self) -> tuple[str, str]:
        """(amount, currency or unit) of a MONEY/QTY norm: the first part and the rest."""
        return (self.parts[0] if self.parts else "", ":".join(self.parts[1:]))


def _prefixes(schema: Schema | None) -> dict[str, str]:
    return (schema or load_schema()).norm_prefixes


def prefix_of(kind: str, schema: Schema | None = None) -> str:
    """The norm prefix of a mention type ('' for a type that takes no norm)."""
    return _prefixes(schema).get(kind, "")


def make_norm(kind: str, *parts: object, schema: Schema | None = None) -> str:
    """The norm of a mention type from its parts: make_norm("MONEY", 5, "USD") = MONEY:5:USD."""
    return ":".join([_prefixes(schema)[kind], *(str(p) for p in parts)])


def parse_norm(text: str) -> Norm:
    """Split a norm into prefix and parts; parse_norm("QTY:500:MW") = Norm("QTY", ("500", "MW"))."""
    prefix, sep, rest = text.partition(":")
    return Norm(prefix, tuple(rest.split(":")) if sep else ())


def norm_value(norm: str) -> str:
    """The value after the prefix (the whole norm when it has no prefix)."""
    _, sep, rest = norm.partition(":")
    return rest if sep else norm


def _without(kind: str, norm: str, schema: Schema | None) -> str:
    return norm.removeprefix(f"{_prefixes(schema)[kind]}:")


def country_code(norm: str, schema: Schema | None = None) -> str:
    """The alpha-3 code of a COUNTRY norm."""
    return _without("COUNTRY", norm, schema)


def country_of(mention: Span | None) -> str:
    """The ISO alpha-3 code a mention stands for: a COUNTRY's own code, a PERSON's or
    ORG's affiliation ('' for none or no mention)."""
    if mention is None:
        return ""
    if mention.label == "COUNTRY":
        return country_code(mention.norm)
    return mention.affiliation or str(mention.attrs.get("country", ""))


def timex(norm: str, schema: Schema | None = None) -> str:
    """The TIMEX3 value of a DATE norm."""
    return _without("DATE", norm, schema)


def money(norm: str) -> tuple[str, str]:
    """(amount, currency) of a MONEY norm."""
    return parse_norm(norm).amount_and_code()


def quantity(norm: str) -> tuple[str, str]:
    """(amount, unit) of a QUANTITY norm."""
    return parse_norm(norm).amount_and_code()


def is_amount(norm: Norm, schema: Schema | None = None) -> bool:
    """A MONEY or QUANTITY norm with exactly an amount and a code."""
    prefixes = _prefixes(schema)
    return norm.prefix in (prefixes["MONEY"], prefixes["QUANTITY"]) and len(norm.parts) == 2


def amount_kind(unit: str, schema: Schema | None = None) -> str:
    """QUANTITY when `unit` is one of the schema's quantity units, else MONEY (a currency)."""
    return "QUANTITY" if unit in (schema or load_schema()).quantity_units else "MONEY"


def timex_shape(value: str) -> str | None:
    """'Y', 'YM', 'YMD', 'DEC' or 'CENT' for a well-formed TIMEX3 point value, else None."""
    m = _TIMEX_POINT.fullmatch(value)
    if not m:
        return None
    year, month, day, decade, century = m.groups()
    if decade or century:
        return "DEC" if decade else "CENT"
    try:
        if day:
            dt.date(int(year), int(month), int(day))
            return "YMD"
        if month:
            if not 1 <= int(month) <= 12:
                return None
            return "YM"
    except ValueError:
        return None
    return "Y"
