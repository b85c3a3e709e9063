"""Role assignment: which of a clause's actor candidates is Actor1 and which Actor2.

The `actor_rule` of a type (pipeline/schema/policy.yaml) reads the cases: a host is locative
("মালয়েশিয়াতে") or named before সফর, an embassy's sender is genitive, a payer is an agent
("চীনের সহায়তায়"), a complainant is nominative. A type without a rule (any type a schema adds)
takes the clause's two named sides in text order. A bilateral event with one named side
gets the article's other state (the `partner` fill of pipeline/schema/policy.yaml)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from pipeline.model import Span
from pipeline.stages.events.actors import Cand
from pipeline.stages.events.context import DocContext, partner
from pipeline.stages.events.policy import EventPolicy

Roles = tuple[Span | None, Span | None, bool]  # Actor1, Actor2, filled by the article's pair


class Sides(NamedTuple):
    """A rule's choice of candidates, still open to the type's `partner` fill."""

    actor1: Cand | None
    actor2: Cand | None


def pick_subject(cands: list[Cand], trig: int) -> Cand | None:
    """The subject: a named person first, else the candidate before the trigger nearest to it."""
    if not cands:
        return None
    before = [c for c in cands if c.tok < trig] or cands
    people = [c for c in before if c.kind == "PERSON"]
    pool = people or before
    return min(pool, key=lambda c: abs(c.tok - trig))


def _spans(a1: Cand | None, a2: Cand | None, filled: bool = False) -> Roles:
    return (a1.span if a1 else None), (a2.span if a2 else None), filled


def _host(trig: int, cands: list[Cand], raw: list[Cand], ctx: DocContext, pos: int,
          genitive_actor: bool) -> Roles | Sides:
    hosts = [c for c in raw if c.kind == "COUNTRY" and (
        c.case == "LOC" or (c.end < trig and trig - c.end <= 2 and c.case == "NOM"))]
    host = min(hosts, key=lambda c: abs(c.tok - trig)) if hosts else None
    rest = [c for c in cands if (host is None or c.key != host.key)
            and c.case in ("NOM", "GEN", "AGENT")]
    visitor = pick_subject(rest, trig)
    if visitor is None and host is not None:
        p = partner(ctx, host.key, pos)
        return p, host.span, p is not None
    return Sides(visitor, host)


def _sender(trig: int, cands: list[Cand], raw: list[Cand], ctx: DocContext, pos: int,
            genitive_actor: bool) -> Roles:
    hosts = [c for c in cands if c.kind == "COUNTRY" and c.case == "LOC"]
    senders = [c for c in cands if c.case == "GEN" and c.end < trig]
    a1 = senders[-1] if senders else pick_subject(
        [c for c in cands if c.case in ("NOM", "AGENT")], trig)
    a2 = next((h for h in hosts if a1 is None or h.key != a1.key), None)
    if a1 is not None and a1.implicit and a2 is None:
        a2 = next((c for c in cands if c.implicit and c.key != a1.key), None)
    return _spans(a1, a2)  # a host is named or not: never the partner fill (§7)


def _payer(trig: int, cands: list[Cand], raw: list[Cand], ctx: DocContext, pos: int,
           genitive_actor: bool) -> Roles | Sides:
    agents = [c for c in cands if c.case == "AGENT"]
    subj = [c for c in cands if c.case == "NOM"]
    if genitive_actor:
        subj += [c for c in cands if c.case == "GEN" and c.kind in ("ORG", "PERSON")]
    # "চীনের সহায়তায় নির্মিত": the payer is the actor whatever else is nominative
    a1 = pick_subject(agents, trig) or pick_subject(subj, trig)
    others = [c for c in cands if c is not a1 and c.key != (a1.key if a1 else None)
              and c.case not in ("NOM", "AGENT")]
    if not others:
        others = [c for c in cands if c is not a1 and (a1 is None or c.key != a1.key)]
    a2 = min(others, key=lambda c: abs(c.tok - trig)) if others else None
    if a1 is None and a2 is not None:
        # only the target / recipient is named: the acting state is the article's other one
        p = partner(ctx, a2.key, pos)
        return p, a2.span, p is not None
    return Sides(a1, a2)


def _sides(trig: int, cands: list[Cand], raw: list[Cand], ctx: DocContext, pos: int,
           genitive_actor: bool) -> Sides:
    named = cands[:]
    if len(named) > 2:
        # states before unaffiliated bodies, then the nearest to the trigger
        best2 = sorted(named, key=lambda c: (c.key.startswith("@"), abs(c.tok - trig)))[:2]
        named = sorted(best2, key=lambda c: c.tok)
    return Sides(named[0] if named else None, named[1] if len(named) > 1 else None)


# (trigger token, selected candidates, all of the clause's, context, trigger offset,
# genitive_actor) -> the spans, or the sides still open to the partner fill
RoleRule = Callable[[int, list[Cand], list[Cand], DocContext, int, bool], "Roles | Sides"]
# the `actor_rule` of each event type (pipeline/schema/policy.yaml); absent = "sides"; the
# names are policy.ACTOR_RULES (the schema is checked against them when it is read)
RULES: dict[str, RoleRule] = {"sides": _sides, "host": _host, "sender": _sender,
                              "payer": _payer}


def assign_roles(
    etype: str, trig: int, cands: list[Cand], ctx: DocContext, policy: EventPolicy,
    pos: int = -1, raw: list[Cand] | None = None,
) -> Roles:
    """(Actor1, Actor2, filled): role rules per event type; `filled` when the pair helped.

    `cands` are the selected candidates (one per state); `raw` all of the clause's, so that a
    host country named beside a person of the same state is still seen.
    """
    rule = RULES[policy.actor_rule.get(etype, "sides")]
    result = rule(trig, cands, raw or cands, ctx, pos, etype in policy.genitive_actor)
    if not isinstance(result, Sides):
        return result  # the rule settled the spans itself
    a1, a2 = result
    if a1 is not None and a2 is None and etype in policy.partner_fill:
        p = partner(ctx, a1.key, pos)
        if p is not None:
            return a1.span, p, True
    return _spans(a1, a2)
