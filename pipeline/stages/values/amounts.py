"""MONEY and QUANTITY: a number with its scale words, then a currency or a unit.

MONEY spans get ``MONEY:<amount>:<ISO4217>``, QUANTITY spans ``QTY:<amount>:<unit>``;
the unit codes are the schema's `quantity_units` (guidelines v1.2 §8), which the pack's
units.yaml maps Bengali forms to (the stage refuses a pack naming any other code).
Scale words multiply ("১৭ হাজার কোটি") or start a smaller group that adds up
("৩ কোটি ৩০ লাখ"); a bracketed restatement stays inside the span
("৫.৫ বিলিয়ন (৫৫০ কোটি) মার্কিন ডলার").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pipeline.norms import make_norm
from pipeline.stages.values.scanner import Scanner

_MAX_GROUPS = 4  # "৩ কোটি ৩০ লাখ ২০ হাজার ৫০০": number groups in one amount
_MAX_RESTATEMENT_WORDS = 6  # words inside "(৫৫০ কোটি)"


def format_amount(value: Decimal) -> str:
    """Plain decimal, no exponent, no trailing zeros: 5500000000, 2.5."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(slots=True)
class AmountMatch:
    end: int
    label: str  # MONEY | QUANTITY
    norm: str


def amount_number(sc: Scanner, i: int) -> tuple[int, Decimal] | None:
    """NUM|NUMWORD SCALE* (NUM SCALE+)*: the value of a number with its scale words."""
    v = sc.vocab
    total = Decimal(0)
    j = i
    last_scale: Decimal | None = None
    groups = 0
    n_words = sc.lim
    while j < n_words and groups < _MAX_GROUPS:
        num = sc.nums[j]
        word_number = False
        if num is not None:
            if num.suffix or num.n2 is not None:
                break
            value = num.value
        elif sc.cores[j] in v.number_words:
            value = v.number_words[sc.cores[j]]
            word_number = True
        else:
            break
        if groups and (sc.leads[j] or not sc.open_after(j - 1)):
            break
        k = j + 1
        scale = Decimal(1)
        first_scale: Decimal | None = None
        while k < n_words and sc.open_after(k - 1) and sc.core(k) in v.scales:
            s = v.scales[sc.core(k)]
            first_scale = first_scale or s
            scale *= s
            k += 1
        if groups:
            # a second group only adds a smaller amount: "৩ কোটি ৩০ লাখ"
            if first_scale is None or last_scale is None or scale >= last_scale:
                break
        elif word_number and first_scale is None:
            # a number word alone is read only when a unit follows right after
            if not (k < n_words and sc.open_after(j) and unit_at(sc, k) is not None):
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


def unit_at(sc: Scanner, i: int) -> tuple[int, str, str] | None:
    """A currency or unit name at word i (longest first): (end, label, code)."""
    v = sc.vocab
    ks = v.unit_ks.get(sc.cores[i]) if i < sc.lim else None
    if ks is None:
        return None
    for k in ks:
        form = sc.joined(i, k) if k > 1 else sc.cores[i]
        if not form:
            continue
        if form in v.currencies:
            return i + k, "MONEY", v.currencies[form]
        if form in v.units:
            return i + k, "QUANTITY", v.units[form]
    return None


def _after_restatement(sc: Scanner, j: int) -> int:
    """j, or the word after a bracketed amount that starts at j ("(৫৫০ কোটি)")."""
    if not sc.leads[j].startswith("("):
        return j
    trails = sc.trails
    n_words = sc.lim
    k = j
    while k < min(n_words, j + _MAX_RESTATEMENT_WORDS) and ")" not in trails[k]:
        k += 1
    if k < n_words and trails[k].startswith(")") and trails[k] == ")":
        inner = amount_number(sc, j)
        if inner is not None and inner[0] == k + 1:
            return k + 1
    return j


def amount_at(sc: Scanner, i: int) -> AmountMatch | None:
    """The MONEY or QUANTITY phrase starting at word i, or None."""
    core = sc.cores[i]
    if not (core[:1].isdecimal() or core in sc.vocab.number_words):
        return None
    got = amount_number(sc, i)
    if got is None:
        return None
    j, value = got
    if j >= sc.lim or not sc.open_after(j - 1):
        return None
    unit = unit_at(sc, _after_restatement(sc, j))
    if unit is None:
        return None
    end, label, code = unit
    return AmountMatch(end, label, make_norm(label, format_amount(value), code))
