"""Matching gold and predicted records: spans, values, actors, events, arguments.

Section 6 of the guidelines, as the package docstring of `pipeline.evaluation` states it;
each function here decides one "agree" of it and returns pairs (by index) or a yes/no.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

from pipeline.evaluation.records import ACTOR_ROLES, EventRec, Mention
from pipeline.norms import is_amount, parse_norm
from pipeline.schema import load_schema
from pipeline.stages.normalise import normalise_text_plain

Triples = tuple[
    list[tuple[str, Mention, Mention]], list[tuple[str, Mention]], list[tuple[str, Mention]]
]


def overlaps(a: Mention, b: Mention) -> bool:
    return a.start >= 0 and b.start >= 0 and a.start < b.end and b.start < a.end


def _overlap_len(a: Mention, b: Mention) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match_spans(
    gold: list[Mention], pred: list[Mention]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """One-to-one (strict pairs, partial pairs) of same-type mentions, by index.

    Partial pairs include the strict ones. Greedy by overlap length is optimal enough
    here because gold mentions never overlap each other.
    """
    used_g: set[int] = set()
    used_p: set[int] = set()
    strict: list[tuple[int, int]] = []
    by_key: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for gi, g in enumerate(gold):
        by_key[(g.type, g.start, g.end)].append(gi)
    for pi, p in enumerate(pred):
        cands = by_key.get((p.type, p.start, p.end))
        if cands:
            gi = cands.pop(0)
            strict.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    partial = list(strict)
    cand = [
        (-_overlap_len(g, p), gi, pi)
        for gi, g in enumerate(gold)
        if gi not in used_g
        for pi, p in enumerate(pred)
        if pi not in used_p and p.type == g.type and overlaps(g, p)
    ]
    for _, gi, pi in sorted(cand):
        if gi not in used_g and pi not in used_p:
            partial.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return strict, partial


def _amount_eq(a: str, b: str) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except ValueError:
        return a == b


def same_value(g: Mention, p: Mention) -> bool:
    """Normalised values agree (TIMEX3 string, ISO code, amount and unit)."""
    gn, pn = parse_norm(g.norm), parse_norm(p.norm)
    if is_amount(gn) and len(pn.parts) == 2:
        (g_amount, g_code), (p_amount, p_code) = gn.amount_and_code(), pn.amount_and_code()
        return gn.prefix == pn.prefix and g_code == p_code and _amount_eq(g_amount, p_amount)
    return g.norm == p.norm


def same_actor(g: Mention, p: Mention) -> bool:
    if g.type == "COUNTRY" and p.type == "COUNTRY":
        return bool(g.country) and g.country == p.country
    if overlaps(g, p):
        return True
    return bool(g.country) and g.country == p.country


def same_place(g: Mention, p: Mention) -> bool:
    if g.type == "COUNTRY" and p.type == "COUNTRY":
        return bool(g.country) and g.country == p.country
    return overlaps(g, p) or (
        bool(g.text) and normalise_text_plain(g.text) == normalise_text_plain(p.text)
    )


def actors_agree(g: list[Mention], p: list[Mention]) -> bool:
    if len(g) != len(p):
        return False
    return any(
        all(same_actor(a, b) for a, b in zip(g, perm, strict=True))
        for perm in itertools.permutations(p)
    )


def match_events(gold: list[EventRec], pred: list[EventRec]) -> list[tuple[int, int]]:
    cand = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g.type == p.type and actors_agree(g.actors, p.actors):
                cand.append(
                    (
                        0 if overlaps(g.trigger, p.trigger) else 1,
                        abs(g.trigger.start - p.trigger.start),
                        gi,
                        pi,
                    )
                )
    pairs, used_g, used_p = [], set(), set()
    for *_, gi, pi in sorted(cand):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return pairs


def _role_match(role: str, g: Mention, p: Mention) -> bool:
    if role in ACTOR_ROLES or role == "Actor":
        return same_actor(g, p)
    if role == "Place":
        return same_place(g, p)
    return same_value(g, p)


def _is_ordered(event_type: str) -> bool:
    event = load_schema().event_types.get(event_type)
    return event.ordered if event is not None else True


def argument_triples(g: EventRec | None, p: EventRec | None) -> Triples:
    """(correct (role, gold, pred), false positives (role, pred), false negatives (role, gold))."""
    tps: list[tuple[str, Mention, Mention]] = []
    gold_args = list(g.args.items()) if g else []
    pred_args = list(p.args.items()) if p else []
    etype = (g or p).type  # type: ignore[union-attr]
    if not _is_ordered(etype):
        # unordered actors: Actor1/Actor2 are one role, compared as a set
        gold_args = [("Actor" if r in ACTOR_ROLES else r, m) for r, m in gold_args]
        pred_args = [("Actor" if r in ACTOR_ROLES else r, m) for r, m in pred_args]
    if g is None or p is None:
        return [], pred_args, gold_args
    used_p: set[int] = set()
    fns = []
    for role, gm in gold_args:
        hit = next(
            (
                i
                for i, (r, pm) in enumerate(pred_args)
                if i not in used_p and r == role and _role_match(role, gm, pm)
            ),
            None,
        )
        if hit is None:
            fns.append((role, gm))
        else:
            used_p.add(hit)
            tps.append((role, gm, pred_args[hit][1]))
    fps = [(r, m) for i, (r, m) in enumerate(pred_args) if i not in used_p]
    return tps, fps, fns

