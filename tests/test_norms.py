"""Typed norms (pipeline/norms.py): made and parsed in one module, prefixes from the schema."""

from __future__ import annotations

import pytest

from pipeline.norms import (
    Norm,
    amount_kind,
    country_code,
    is_amount,
    make_norm,
    money,
    norm_value,
    parse_norm,
    quantity,
    timex,
    timex_shape,
)
from pipeline.schema import load_schema


@pytest.mark.parametrize(("kind", "parts", "norm"), [
    ("COUNTRY", ("BGD",), "ISO3166:BGD"),
    ("DATE", ("2014-06-22",), "TIMEX3:2014-06-22"),
    ("MONEY", (5500000000, "USD"), "MONEY:5500000000:USD"),
    ("QUANTITY", ("500", "GW"), "QTY:500:GW"),
])
def test_make_and_parse_are_inverses(kind, parts, norm):
    assert make_norm(kind, *parts) == norm
    parsed = parse_norm(norm)
    assert parsed.prefix == load_schema().norm_prefixes[kind]
    assert parsed.parts == tuple(str(p) for p in parts)


def test_typed_accessors():
    assert country_code("ISO3166:IND") == "IND"
    assert timex("TIMEX3:2010/2015") == "2010/2015"
    assert money("MONEY:1.5:EUR") == ("1.5", "EUR")
    assert quantity("QTY:300:MW") == ("300", "MW")
    assert norm_value("QTY:300:MW") == "300:MW"
    assert is_amount(parse_norm("MONEY:1:USD")) and not is_amount(parse_norm("MONEY:1"))


def test_malformed_norms_come_back_as_written():
    # the scorer compares a malformed gold norm as the annotator wrote it
    assert country_code("IND") == "IND"
    assert norm_value("IND") == "IND"
    assert parse_norm("IND") == Norm("IND", ())
    assert money("MONEY:5") == ("5", "")


def test_amount_kind_uses_the_schema_units():
    # the v1.2 unit list: GW was typed MONEY when the scorer had its own five units
    assert amount_kind("GW") == "QUANTITY"
    assert amount_kind("BDT") == "MONEY"


@pytest.mark.parametrize(("value", "shape"), [
    ("2014", "Y"), ("2014-06", "YM"), ("2014-06-22", "YMD"), ("199X", "DEC"), ("19XX", "CENT"),
    ("2014-13", None), ("২০১৪", None),
])
def test_timex_shape(value, shape):
    assert timex_shape(value) == shape
