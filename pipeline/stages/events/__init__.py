"""Stage 5: CAMEO-aligned events from trigger words and the sentence's mentions.

Rules, not a model (there are only a few dozen annotated articles). Per sentence:

1. Triggers (triggers.py): token lookup in the trigger lexicon, context conditions, no
   trigger inside a mention, anaphoric back-references dropped, twins merged.
2. Clauses (clauses.py): a finite verb before a comma or conjunction, or a converb, closes a
   clause; arguments come from the trigger's clause first, then from the sentence.
3. Actors (actors.py, roles.py, context.py): mentions and implicit actors with their case,
   one per state, then role rules per event type; the article's two states (§7) fill a side
   for the types whose `fills` say so (pipeline/schema/policy.yaml).
4. Time / Place / Value and the attributes Negated / Speculated / Sector (arguments.py).

The vocabulary (lexicon.py) is read from the language pack and the event-type facts
(policy.py) from the schema when the stage is built; nothing is read at import.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

from pipeline.model import Analysis, Event, Sentence, Span
from pipeline.schema import load_schema
from pipeline.stages.base import BuildContext, register
from pipeline.stages.events.actors import (
    ACTOR_LABELS,
    Cand,
    Placed,
    drop_affiliations,
    placed_mentions,
    pronoun_cands,
    pronoun_subject,
    select,
    sentence_cands,
)
from pipeline.stages.events.arguments import (
    NO_STOP,
    Located,
    confidence,
    negated,
    pick_place,
    pick_time,
    pick_value,
    sector,
    sentence_values,
    speculated,
)
from pipeline.stages.events.clauses import clause_ids
from pipeline.stages.events.context import DocContext, build_context, country_of, pair_now
from pipeline.stages.events.forms import starts_with
from pipeline.stages.events.lexicon import EventLexicon, default_lexicon
from pipeline.stages.events.policy import EventPolicy
from pipeline.stages.events.roles import assign_roles
from pipeline.stages.events.triggers import (
    Trigger,
    find_triggers,
    is_anaphoric,
    merge_triggers,
)

__all__ = ["EventLexicon", "EventPolicy", "EventStage", "clause_ids", "country_of",
           "extract_events"]

# mentions whose tokens can hold no trigger: the values and the named actors
_BLOCKING = frozenset({"DATE", "MONEY", "QUANTITY", "LOC", *ACTOR_LABELS})
_TEXT = operator.attrgetter("text")


@functools.cache
def default_policy() -> EventPolicy:
    """The default schema's event policy (for callers without a stage)."""
    return EventPolicy.from_schema(load_schema())


@dataclass
class _Memory:
    """What one sentence passes to the next within a section."""

    section: int = -1
    time: Span | None = None  # the previous sentence's event time (anaphoric continuation)
    person: Span | None = None  # the previous sentence's acting person ("তিনি")


@dataclass
class _SentenceView:
    """One sentence as the event rules see it."""

    sent: Sentence
    words: list[str]
    clauses: list[int]
    cands: list[Cand]
    vals: dict[str, list[Located]]
    inherit: Span | None = None  # a Time inherited from the previous sentence


def extract_events(analysis: Analysis, lexicon: EventLexicon | None = None,
                   policy: EventPolicy | None = None) -> list[Event]:
    """All events of a document, in text order (default: the default pack and schema)."""
    if not analysis.sentences:
        return []
    if lexicon is None:
        lexicon = default_lexicon()
    if policy is None:
        policy = default_policy()
    ctx = build_context(analysis, lexicon.actors.successor)
    events: list[Event] = []
    memory = _Memory()
    for sent in analysis.sentences:
        words = list(map(_TEXT, sent.tokens))
        if not words:
            continue
        if sent.section != memory.section:
            memory = _Memory(section=sent.section)
        _sentence_events(analysis, ctx, sent, words, lexicon, policy, events, memory)
    ctx.events = events
    return events


def _sentence_triggers(words: list[str], placed: list[Placed], cands: list[Cand],
                       lexicon: EventLexicon, policy: EventPolicy,
                       ) -> tuple[list[Trigger], list[int]]:
    """The sentence's triggers (merged) and its clause ids (empty when no word can trigger)."""
    infos = list(map(lexicon.triggers.options.__getitem__, words))
    if infos.count(None) == len(infos):
        return [], []  # no word of the sentence can be a trigger
    clauses = clause_ids(words, lexicon.clauses)
    # tokens inside a value or a named actor are no trigger
    blocked = [False] * len(words)
    for m, a, b in placed:
        if m.label in _BLOCKING and b >= a:
            blocked[a:b + 1] = [True] * (b + 1 - a)
    found = find_triggers(words, clauses, blocked, lexicon.triggers, policy, infos)
    actor_toks: frozenset[int] = frozenset()
    if any(t.entry.event_type in policy.split_on_actor for t in found):
        actor_toks = frozenset(c.tok for c in cands if not c.implicit and c.kind == "COUNTRY")
    return merge_triggers(found, clauses, actor_toks=actor_toks,
                          split_on_actor=policy.split_on_actor), clauses


def _sentence_events(analysis: Analysis, ctx: DocContext, sent: Sentence, words: list[str],
                     lexicon: EventLexicon, policy: EventPolicy, events: list[Event],
                     memory: _Memory) -> None:
    """Append the sentence's events to `events`; update `memory` for the next sentence."""
    cues = lexicon.actors
    placed = placed_mentions(ctx, sent)
    cands = sentence_cands(cues, ctx, sent, words, placed)
    if memory.person is not None:
        cands = pronoun_cands(cues, words, cands, memory.person)
    vals = sentence_values(placed)
    triggers, clauses = _sentence_triggers(words, placed, cands, lexicon, policy)
    people = [c.span for c in cands if c.kind == "PERSON" and c.case == "NOM"]
    if not triggers:
        if vals["DATE"]:
            memory.time = vals["DATE"][-1].span
        memory.person = people[0] if people else None
        return
    view = _SentenceView(sent, words, clauses, cands, vals)
    rules = lexicon.clauses
    if not vals["DATE"] and memory.time is not None and not starts_with(words, rules.no_time) \
            and (starts_with(words, rules.continuation) or pronoun_subject(cues, words)):
        view.inherit = memory.time
    sentence_events: list[Event] = []
    for ti, t in enumerate(triggers):
        stop = next((o.first for o in triggers[ti + 1:] if o.first > t.last), NO_STOP)

        def recent() -> frozenset[str]:  # the event types told lately (needed rarely)
            return frozenset(e.event_type for e in events[-4:] + sentence_events
                             if e.sentence_index >= sent.index - 3)

        if is_anaphoric(t, words, cands, lexicon, recent):
            continue
        prev = sentence_events[-1] if sentence_events else None
        ev = _event(analysis, ctx, view, t, stop, prev, lexicon, policy)
        if ev is not None:
            sentence_events.append(ev)
    events.extend(_drop_absorbed(sentence_events, policy))
    times = [e.args["Time"] for e in sentence_events if "Time" in e.args]
    memory.person = people[0] if people else None
    if vals["DATE"]:
        memory.time = vals["DATE"][-1].span
    elif times:
        memory.time = times[-1]


def _clause_actors(view: _SentenceView, ctx: DocContext, trig: int, prev: Event | None
                   ) -> tuple[list[Cand], list[Cand], bool]:
    """(selected candidates, all candidates after dropping affiliations, from the sentence):
    the trigger's clause's, else those of the clauses before it."""
    clauses, cl = view.clauses, view.clauses[trig]
    raw = [c for c in view.cands if clauses[c.tok] == cl]
    dropped = drop_affiliations(raw)
    local = select(raw, ctx, trig, dropped)
    pair = ctx.pair_keys
    if local and pair and prev is not None and not any(c.key in pair for c in local) \
            and "Actor1" in prev.args:
        # "মিশর তীব্র সমালোচনা করে এবং ... দক্ষিণ আফ্রিকার ... মামলায় যোগ দেওয়ার ইচ্ছা প্রকাশ
        # করে": a coordinated clause without the article's states keeps the subject's event
        local = []
    if local:
        return local, dropped, False
    # a clause without actors takes them from the clauses before it
    raw = [c for c in view.cands if clauses[c.tok] < cl]
    dropped = drop_affiliations(raw)
    local = select(raw, ctx, trig, dropped)
    return local, dropped, bool(local)


def _event(analysis: Analysis, ctx: DocContext, view: _SentenceView, t: Trigger, stop: int,
           prev: Event | None, lexicon: EventLexicon, policy: EventPolicy) -> Event | None:
    """The event of trigger `t`, or None when it has no actors."""
    etype, trig, words, clauses = t.entry.event_type, t.last, view.words, view.clauses
    local, dropped, from_sentence = _clause_actors(view, ctx, trig, prev)
    explicit = len({c.key for c in local if not c.implicit})
    if t.entry.min_actors and len({c.key for c in local}) < t.entry.min_actors:
        return None
    tpos = view.sent.tokens[trig].cstart
    a1, a2, filled = assign_roles(etype, trig, local, ctx, policy, tpos, dropped)
    if a1 is None and a2 is None:
        if prev is not None and "Actor1" in prev.args:
            a1, a2 = prev.args.get("Actor1"), prev.args.get("Actor2")
            from_sentence = True
        elif etype in policy.pair_fill and len(ctx.pair) == 2:
            a1, a2 = pair_now(ctx, tpos)
            filled = True
        else:
            return None
    args = _arguments(view, trig, etype, a1, a2, lexicon, policy)
    first_tok, last_tok = view.sent.tokens[t.first], view.sent.tokens[t.last]
    trigger = analysis.make_span(etype, first_tok.cstart, last_tok.cend,
                                 sentence_index=view.sent.index, source="rule",
                                 confidence=t.entry.confidence)
    cues = lexicon.attributes
    return Event(
        event_type=etype,
        cameo_code=policy.cameo[etype],
        trigger=trigger,
        args=args,
        negated=negated(etype, t, words, clauses, cues, policy, stop),
        speculated=speculated(t, words, clauses, cues, stop),
        sector=sector(etype, t, words, clauses, cues, policy),
        sentence_index=view.sent.index,
        source="rule",
        confidence=confidence(t.entry.confidence, explicit, from_sentence, filled),
    )


def _arguments(view: _SentenceView, trig: int, etype: str, a1: Span | None, a2: Span | None,
               lexicon: EventLexicon, policy: EventPolicy) -> dict[str, Span]:
    """Actor1 / Actor2 / Time / Place / Value, each only when found (and the type has it)."""
    args: dict[str, Span] = {}
    if a1 is not None:
        args["Actor1"] = a1
    if a2 is not None:
        args["Actor2"] = a2
    words, clauses, vals = view.words, view.clauses, view.vals
    time = pick_time(vals["DATE"], clauses, trig, words, lexicon.clauses) or view.inherit
    if time is not None:
        args["Time"] = time
    if etype not in policy.no_place_types:
        place = pick_place(vals["LOC"], clauses, trig, words, lexicon.clauses, lexicon.actors,
                           etype in policy.place_before_trigger)
        if place is not None:
            args["Place"] = place
    if etype in policy.value_types:
        value = pick_value(vals, clauses, trig, etype in policy.value_from_sentence)
        if value is not None:
            args["Value"] = value
    return args


def _drop_absorbed(events: list[Event], policy: EventPolicy) -> list[Event]:
    """Events of a type another event of the sentence `absorbs` (policy.yaml: a financing
    word beside a project is not a second event, §7 AID vs INVESTMENT)."""
    absorbed: set[str] = set()
    for e in events:
        absorbed |= policy.absorbs.get(e.event_type, frozenset())
    if not absorbed:
        return events
    return [e for e in events if e.event_type not in absorbed]


@register("events", requires=["mentions"], provides=["events"])
class EventStage:
    """CAMEO-aligned events with actors, time, place, value, negation and speculation."""

    def __init__(self, context: BuildContext) -> None:
        self.context = context
        self.lexicon = EventLexicon.from_pack(context.pack, context.schema)
        self.policy = EventPolicy.from_schema(context.schema)

    def __call__(self, analysis: Analysis) -> None:
        # through the module global, so that a test can replace extract_events
        analysis.events = extract_events(analysis, self.lexicon, self.policy)


