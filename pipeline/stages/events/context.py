"""The per-document context of the event stage: the article's two states (§7), the mentions
by sentence, the surface forms of each state, and the state a predecessor stands for."""

from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass, field

from pipeline.model import Analysis, Event, Span
from pipeline.norms import country_of
from pipeline.stages.events.forms import norm

_START = operator.attrgetter("start")



def actor_key(m: Span) -> str:
    """What identifies an actor: its state, or "@start" for an unaffiliated PERSON/ORG."""
    return country_of(m) or f"@{m.start}"


@dataclass
class DocContext:
    analysis: Analysis
    pair: list[Span]  # the article's two states (first mentions), 0-2 items
    by_sentence: dict[int, list[Span]]
    bases: dict[str, tuple[str, ...]]  # country code -> distinct surface forms in the document
    first_country: dict[str, Span]
    countries: list[Span] = field(default_factory=list)  # COUNTRY mentions in text order
    form_country: dict[str, str] = field(default_factory=dict)  # surface form -> code
    successor: dict[str, str] = field(default_factory=dict)  # predecessor state -> its successor
    events: list[Event] = field(default_factory=list)
    # derived once per document (the pair never changes after build_context)
    pair_keys: frozenset[str] = frozenset()
    country_keys: list[str] = field(default_factory=list)  # code of each of `countries`
    country_starts: list[int] = field(default_factory=list)  # cstart of each of `countries`
    starts_sorted: bool = True
    # code -> indices into `countries` of that state or of a predecessor (for latest_form)
    lineage: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pair_keys = frozenset(country_of(s) for s in self.pair)
        self.country_keys = [country_of(m) for m in self.countries]
        self.country_starts = [m.cstart for m in self.countries]
        st = self.country_starts
        self.starts_sorted = all(st[i] <= st[i + 1] for i in range(len(st) - 1))

    def in_pair(self, key: str) -> bool:
        """Is `key` one of the article's states (or a predecessor of one: SUN for RUS)?"""
        keys = self.pair_keys
        return key in keys or self.successor.get(key) in keys

    def countries_before(self, pos: int) -> int:
        """How many of `countries` come before the first one at or after clean offset `pos`."""
        if self.starts_sorted:
            return bisect.bisect_left(self.country_starts, pos)
        return next((i for i, c in enumerate(self.country_starts) if c >= pos),
                    len(self.country_starts))

    def lineage_of(self, key: str) -> list[int]:
        idx = self.lineage.get(key)
        if idx is None:
            succ = self.successor
            idx = [i for i, k in enumerate(self.country_keys) if k == key or succ.get(k) == key]
            self.lineage[key] = idx
        return idx


def article_pair(analysis: Analysis, countries: list[Span]) -> list[Span]:
    """The article's two states: countries of the title, else the lead's first two (§7)."""
    if not countries:
        return []
    first: dict[str, Span] = {}
    for m in countries:
        first.setdefault(country_of(m), m)
    title = analysis.doc.title
    chosen: list[Span] = []
    if title:
        tnorm = norm(title)
        head = analysis.clean[: max(len(tnorm) + 20, 60)]
        pos = head.find(tnorm[: max(1, len(tnorm) // 3)])
        if pos >= 0:
            for m in countries:
                if pos <= m.cstart < pos + len(tnorm) + 4 and country_of(m) not in {
                    country_of(c) for c in chosen
                }:
                    chosen.append(m)
    if len(chosen) < 2:
        lead_end = analysis.sections[1].cstart if len(analysis.sections) > 1 else len(
            analysis.clean)
        for m in countries:
            if m.cstart >= lead_end and len(chosen) >= 1:
                break
            if country_of(m) not in {country_of(c) for c in chosen}:
                chosen.append(m)
            if len(chosen) == 2:
                break
    return [first[country_of(m)] for m in chosen[:2]]


def build_context(analysis: Analysis, successor: dict[str, str]) -> DocContext:
    """The document's context; `successor`: predecessor state -> the state it stands for."""
    by_sentence: dict[int, list[Span]] = {}
    countries: list[Span] = []
    bases: dict[str, set[str]] = {}
    clean = analysis.clean
    first: dict[str, Span] = {}
    for m in sorted(analysis.mentions, key=_START):
        if m.cstart < 0:
            continue
        si = m.sentence_index if m.sentence_index >= 0 else analysis.sentence_at(m.cstart)
        if si < 0:
            continue
        group = by_sentence.get(si)
        if group is None:
            by_sentence[si] = [m]
        else:
            group.append(m)
        if m.label == "COUNTRY" and m.norm:
            countries.append(m)
            code = country_of(m)
            first.setdefault(code, m)
            forms = bases.get(code)
            if forms is None:
                forms = bases[code] = set()
            forms.add(norm(clean[m.cstart:m.cend]))
    return DocContext(
        analysis, article_pair(analysis, countries), by_sentence,
        {k: tuple(sorted(v)) for k, v in bases.items()}, first, countries,
        {f: k for k, fs in bases.items() for f in fs if " " not in f}, successor,
    )


def pair_now(ctx: DocContext, pos: int) -> list[Span]:
    """The article's pair as of clean offset `pos`: a state whose predecessor was named more
    recently stands as that predecessor ("দুই দেশ" in 1948 are Finland and the Soviet Union)."""
    if len(ctx.pair) != 2:
        return list(ctx.pair)
    first = ctx.pair[0]
    other = partner(ctx, country_of(first), pos)
    return [latest_form(ctx, first, pos), other] if other is not None else list(ctx.pair)


def latest_form(ctx: DocContext, state: Span, pos: int) -> Span:
    key = country_of(state)
    # the last mention of the state or its predecessor before `pos` (bisect on the lineage's
    # indices instead of a scan of all the document's countries per call)
    idx = ctx.lineage_of(key)
    j = bisect.bisect_left(idx, ctx.countries_before(pos)) - 1
    latest = ctx.country_keys[idx[j]] if j >= 0 else None
    if latest is not None and latest != key:
        return ctx.first_country.get(latest, state)
    return state


def partner(ctx: DocContext, key: str, before: int = -1) -> Span | None:
    """The article's other state; its predecessor when that was named last ("সোভিয়েত ইউনিয়ন")."""
    key = ctx.successor.get(key, key)
    if len(ctx.pair) != 2 or key not in ctx.pair_keys:
        return None
    other = next(s for s in ctx.pair if country_of(s) != key)
    return latest_form(ctx, other, before) if before >= 0 else other
