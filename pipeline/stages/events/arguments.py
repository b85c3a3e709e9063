"""Time / Place / Value and the attributes of an event.

- Time: the clause's nearest DATE (else the sentence's preceding one, else one inherited
  through an anaphor from the previous sentence, never after এরপর); Place: a locative LOC;
  Value: the nearest MONEY (else QUANTITY) - only for types whose schema has the role.
- Negated / Speculated from cues between the trigger and its clause end
  (lang/bn/events_cues.yaml); Sector from the nearest keyword (lang/bn/events_sectors.yaml).
- Confidence is a documented heuristic, not a probability (see `confidence`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pipeline.lang import LanguagePack
from pipeline.model import Span
from pipeline.stages.events.actors import ActorCues, Placed, plain_case
from pipeline.stages.events.clauses import ClauseRules, clause_end, clause_range
from pipeline.stages.events.forms import Cue, FormCache, Phrase, phrase_tuple, word_set, word_tuple
from pipeline.stages.events.policy import EventPolicy
from pipeline.stages.events.triggers import Trigger

VALUE_LABELS = ("MONEY", "QUANTITY")  # in order of preference
_CALL_OFF, _NEGATION = 1, 2
NO_STOP = 10**9


@dataclass(frozen=True, eq=False)
class AttributeCues:
    neg_after: Cue
    neg_suffix: tuple[str, ...]
    neg_suffix_exempt: frozenset[str]
    neg_suffix_final: tuple[str, ...]
    neg_suffix_final_not: tuple[str, ...]
    neg_call_off: Cue
    spec_after: Cue
    spec_phrases: tuple[Phrase, ...]
    spec_before: Cue
    sector_default: dict[str, str]
    sector_keywords: tuple[tuple[Cue, str], ...]
    # speculation phrases by their first word, so that only a matching word compares a phrase
    spec_phrases_by_first: dict[str, tuple[Phrase, ...]] = field(init=False)
    # per-word-form caches of the answers below (every token after a trigger is looked up)
    sector_word: FormCache = field(init=False, repr=False)
    negation_class: FormCache = field(init=False, repr=False)
    spec_after_hit: FormCache = field(init=False, repr=False)
    spec_before_hit: FormCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_first: dict[str, list[Phrase]] = {}
        for p in self.spec_phrases:
            if not p:
                raise ValueError("events_cues.yaml: empty speculation phrase")
            by_first.setdefault(p[0], []).append(p)
        setattr_ = functools.partial(object.__setattr__, self)
        setattr_("spec_phrases_by_first", {k: tuple(v) for k, v in by_first.items()})
        setattr_("sector_word", FormCache(self._sector_word))
        setattr_("negation_class", FormCache(self._negation_class))
        setattr_("spec_after_hit", FormCache(self.spec_after.hit))
        setattr_("spec_before_hit", FormCache(self.spec_before.hit))

    @classmethod
    def from_pack(cls, pack: LanguagePack) -> AttributeCues:
        c = pack.yaml("events_cues.yaml")
        s = pack.yaml("events_sectors.yaml")
        neg, spec = c["negation"], c["speculation"]
        return cls(
            Cue.of(neg["after"]), word_tuple(neg["suffix_after"]), word_set(neg["suffix_exempt"]),
            word_tuple(neg["suffix_final"]), word_tuple(neg["suffix_final_not"]),
            Cue.of(neg["call_off"]),
            Cue.of(spec["after"]), phrase_tuple(spec["phrases"]), Cue.of(spec["before"]),
            dict(s["default"]),
            tuple((Cue.of(ws), sector) for sector, ws in s["keywords"].items()),
        )

    def _sector_word(self, word: str) -> str:
        """The sector the first matching keyword list gives `word`, or ""."""
        for cue, name in self.sector_keywords:
            if cue.hit(word):
                return name
        return ""

    def _negation_class(self, word: str) -> int:
        """_CALL_OFF, _NEGATION or 0 for a word after a trigger (see `negated`)."""
        if self.neg_call_off.hit(word):
            return _CALL_OFF
        if self.neg_after.hit(word):
            return _NEGATION
        if len(word) > 3 and word.endswith(self.neg_suffix) and word not in self.neg_suffix_exempt:
            if word.endswith(self.neg_suffix_final) and not word.endswith(
                    self.neg_suffix_final_not):
                return _NEGATION
        return 0


@dataclass(slots=True)  # many per sentence: slots make them cheaper
class Located:
    span: Span
    tok: int
    end: int


def sentence_values(placed: list[Placed]) -> dict[str, list[Located]]:
    out: dict[str, list[Located]] = {"DATE": [], "MONEY": [], "QUANTITY": [], "LOC": []}
    for m, a, b in placed:
        group = out.get(m.label)
        if group is not None:
            group.append(Located(m, a, b))
    return out


def pick_time(dates: list[Located], clauses: list[int], trig: int, words: list[str],
              rules: ClauseRules) -> Span | None:
    if not dates:
        return None
    cl = clauses[trig]
    same = [d for d in dates if clauses[d.tok] == cl]
    before = [d for d in same if d.tok < trig]
    if before:
        return before[-1].span
    earlier = [d for d in dates if d.tok < trig]
    if earlier:
        return earlier[-1].span
    after = [d for d in same if d.tok > trig]
    if after:
        return after[0].span
    # a following clause that refers back to this one ("; এর বর্তমান ভবনটি ২০০৩ সালে ...")
    nxt = [d for d in dates if clauses[d.tok] == cl + 1]
    if nxt:
        first_tok = clauses.index(cl + 1)
        if words[first_tok] in rules.back_reference_openers:
            return nxt[0].span
    return None


def pick_place(locs: list[Located], clauses: list[int], trig: int, words: list[str],
               rules: ClauseRules, cues: ActorCues, place_before_trigger: bool) -> Span | None:
    """A locative LOC of the trigger's clause (or, with `place_before_trigger`, one just before
    the trigger), nearest to it; a LOC before the trigger wins a tie."""
    if not locs:
        return None
    cl = clauses[trig]
    ok = []
    for loc in locs:
        if clauses[loc.tok] != cl:
            continue
        case = plain_case(cues, words[loc.end])
        nxt = words[loc.end + 1] if loc.end + 1 < len(words) else ""
        if nxt in rules.place_blockers_after:
            continue
        if nxt in rules.place_classifiers:
            case = "LOC"
        if case == "LOC" or (place_before_trigger and 0 < trig - loc.end <= 2):
            ok.append(loc)
    if not ok:
        return None
    return min(ok, key=lambda x: (abs(x.tok - trig) + (0 if x.tok < trig else 0.5))).span


def pick_value(vals: dict[str, list[Located]], clauses: list[int], trig: int,
               value_from_sentence: bool) -> Span | None:
    """The clause's MONEY nearest to the trigger, else its QUANTITY; with `value_from_sentence`
    and no MONEY in the clause, the sentence's nearest MONEY."""
    cl = clauses[trig]
    if value_from_sentence and vals["MONEY"] and not any(
        clauses[v.tok] == cl for v in vals["MONEY"]
    ):
        # "চীন এ জন্য ... ঋণ দেয় এবং ... রেলপথটি নির্মাণ করে": the financing is the project's value
        return min(vals["MONEY"], key=lambda v: abs(v.tok - trig)).span
    for label in VALUE_LABELS:
        same = [v for v in vals[label] if clauses[v.tok] == cl]
        if same:
            return min(same, key=lambda v: abs(v.tok - trig)).span
    return None


def negated(etype: str, t: Trigger, words: list[str], clauses: list[int], cues: AttributeCues,
            policy: EventPolicy, stop: int = NO_STOP) -> bool:
    """A negation cue between the trigger and its clause end (or the next trigger)."""
    call_off = etype in policy.called_off
    end = min(clause_end(clauses, t.last), stop - 1)
    classes = cues.negation_class
    for j in range(t.last + 1, end + 1):
        kind = classes[words[j]]
        if kind == _NEGATION or (kind == _CALL_OFF and call_off):
            return True
    return False


def speculated(t: Trigger, words: list[str], clauses: list[int], cues: AttributeCues,
               stop: int = NO_STOP) -> bool:
    """A plan / intention cue between the trigger and its clause end (or the next trigger):
    "বৈঠকে ... যুদ্ধবিমান তৈরির পরিকল্পনা ঘোষণা করেন" speculates the aircraft, not the meeting."""
    phrases = cues.spec_phrases_by_first
    end = min(clause_end(clauses, t.last), stop - 1)
    for j in range(t.last + 1, end + 1):
        w = words[j]
        if cues.spec_after_hit[w]:
            return True
        for p in phrases.get(w, ()):
            if tuple(words[j:j + len(p)]) == p:
                return True
    cl = clauses[t.first]
    for j in range(max(0, t.first - 2), t.first):
        if clauses[j] == cl and cues.spec_before_hit[words[j]]:
            return True
    return False


def sector(etype: str, t: Trigger, words: list[str], clauses: list[int], cues: AttributeCues,
           policy: EventPolicy) -> str:
    if etype not in policy.sector_types:
        return ""
    lo, hi = clause_range(clauses, t.last)
    # the first sector of the description wins ("বিদ্যুৎ বাণিজ্য চুক্তি" is ENERGY, "বাণিজ্য,
    # ট্রানজিট ... চুক্তি" ECONOMY); else the first one after the trigger. The trigger's own
    # word ("বিনিয়োগে") names the event, not its sector.
    names = cues.sector_word
    for j in range(lo, min(t.first, hi + 1)):
        name = names[words[j]]
        if name:
            return name
    for j in range(max(lo, t.last + 1), hi + 1):
        name = names[words[j]]
        if name:
            return name
    return cues.sector_default.get(etype, "OTHER")


@functools.lru_cache(maxsize=1024)
def confidence(base: float, explicit: int, from_sentence: bool, filled: bool) -> float:
    """The trigger entry's base confidence, +0.1 when both actors are named in the clause,
    -0.1 when actors had to come from the rest of the sentence or an earlier event, -0.15
    when the article's pair filled an actor."""
    c = base + (0.1 if explicit >= 2 else 0.0) - (0.1 if from_sentence else 0.0)
    c -= 0.15 if filled else 0.0
    return round(min(0.99, max(0.05, c)), 4)
