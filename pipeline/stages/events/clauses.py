"""Clauses: Bengali is SOV, so a finite verb followed by a comma or conjunction, or a
conditional converb (করলে, হলেও), closes a clause (lang/bn/events_clauses.yaml). An event's
arguments come from its trigger's clause first, then from the sentence."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pipeline.lang import LanguagePack
from pipeline.stages.events.forms import Phrase, phrase_tuple, word_set


@dataclass(frozen=True)
class ClauseRules:
    finite: frozenset[str]
    converbs: frozenset[str]
    conjunctions: frozenset[str]
    hard: frozenset[str]
    continuation: tuple[Phrase, ...]  # sentence openers that continue the last dated event
    no_time: tuple[Phrase, ...]  # sentence openers after which no Time is inherited
    back_reference_after: frozenset[str]  # "যুদ্ধের পর": a trigger used as a time frame
    back_reference_openers: frozenset[str]  # a next clause opening "এর ...", "যা ..."
    place_classifiers: frozenset[str]  # "আখেন শহরে": the classifier carries the locative
    place_blockers_after: frozenset[str]  # "X থেকে": a source, not the place
    breakers: frozenset[str]  # every word that can close a clause (a gate for a sentence)

    @classmethod
    def from_pack(cls, pack: LanguagePack) -> ClauseRules:
        d = pack.yaml("events_clauses.yaml")
        finite, converbs, hard = (word_set(d["finite_verbs"]), word_set(d["converbs"]),
                                  word_set(d["hard"]))
        return cls(
            finite=finite, converbs=converbs, conjunctions=word_set(d["conjunctions"]),
            hard=hard, continuation=phrase_tuple(d["time_continuation"]),
            no_time=phrase_tuple(d["no_time"]),
            back_reference_after=word_set(d["back_reference_after"]),
            back_reference_openers=word_set(d["back_reference_openers"]),
            place_classifiers=word_set(d["place_classifiers"]),
            place_blockers_after=word_set(d["place_blockers_after"]),
            breakers=hard | converbs | finite,
        )


def clause_ids(words: list[str], rules: ClauseRules | None = None) -> list[int]:
    """Clause number of every token (see events_clauses.yaml for the rule); `rules`
    default to the default pack's."""
    if rules is None:
        from pipeline.stages.events.lexicon import default_lexicon

        rules = default_lexicon().clauses
    n = len(words)
    # the tokens after which a new clause starts, then the ids as runs between them (the only
    # per-token work is one set lookup)
    breakers = rules.breakers
    hard, converbs, conj = rules.hard, rules.converbs, rules.conjunctions
    cuts = [
        i for i in [i for i, w in enumerate(words) if w in breakers]
        if words[i] in hard or words[i] in converbs
        or (i + 1 < n and words[i + 1] in conj)  # a finite verb + conjunction
    ]
    if not cuts:
        return [0] * n
    ids: list[int] = []
    prev = -1
    for cur, i in enumerate(cuts):
        ids += [cur] * (i - prev)
        prev = i
    ids += [len(cuts)] * (n - 1 - prev)
    return ids


def clause_end(clauses: list[int], i: int) -> int:
    """The last token of token i's clause (clause ids never decrease: a bisect finds it)."""
    return bisect.bisect_right(clauses, clauses[i]) - 1


def clause_range(clauses: list[int], i: int) -> tuple[int, int]:
    """First and last token of token i's clause (one token range: ids never decrease)."""
    cl = clauses[i]
    return bisect.bisect_left(clauses, cl), bisect.bisect_right(clauses, cl) - 1
