"""Triggers: token lookup in a precompiled lexicon (lang/bn/triggers/<TYPE>.yaml, one file per
event type of the schema: forms with their Bengali endings, multi-token phrases, compounds,
and context conditions). A trigger inside a mention, or an anaphoric back-reference ("এই যুদ্ধ",
sentence-initial "বৈঠকে,"), is no event; two triggers of one type close together in one clause
name one event ("চুক্তি স্বাক্ষরিত হয়").

Why hand-written matching instead of spaCy's Matcher: the patterns are single tokens with
endings plus a few context words; a dict lookup per token is simpler and several times faster
than building a spaCy Doc per sentence, which the >1,000 sentences/s budget cares about.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.lang import LanguagePack, PackError
from pipeline.stages.events.forms import Cue, FormCache, norm, optional_cue

if TYPE_CHECKING:
    from pipeline.stages.events.actors import Cand
    from pipeline.stages.events.lexicon import EventLexicon
    from pipeline.stages.events.policy import EventPolicy

TRIGGER_DIR = "triggers"  # in a pack: triggers/<EVENT TYPE>.yaml
ENDINGS_FILE = "events_triggers.yaml"  # the ending sets and the agreement nouns
# punctuation a back-reference search stops at, and the comma of a sentence-initial "বৈঠকে,"
_COMMA, _STOPS = ",", (",", "।")
_FIRST = operator.attrgetter("first")


@dataclass(frozen=True)
class Entry:
    """One trigger lexicon entry (see the header of events_triggers.yaml)."""

    event_type: str
    rank: int
    confidence: float
    # context cues: None when the entry has none (tested per candidate trigger: a None is
    # cheaper to test than Cue.__bool__)
    after: Cue | None
    after_within: int
    before: Cue | None
    before_within: int
    near: Cue | None
    near_within: int
    block_after: Cue | None
    block_before: Cue | None
    block_clause: Cue | None
    min_actors: int

    @classmethod
    def of(cls, event_type: str, spec: dict[str, Any]) -> Entry:
        return cls(
            event_type=event_type,
            rank=int(spec.get("rank", 1)),
            confidence=float(spec.get("confidence", 0.7)),
            after=optional_cue(spec.get("after")),
            after_within=int(spec.get("after_within", 3)),
            before=optional_cue(spec.get("before")),
            before_within=int(spec.get("before_within", 3)),
            near=optional_cue(spec.get("near")),
            near_within=int(spec.get("near_within", 3)),
            block_after=optional_cue(spec.get("block_after")),
            block_before=optional_cue(spec.get("block_before")),
            block_clause=optional_cue(spec.get("block_clause")),
            min_actors=int(spec.get("min_actors", 0)),
        )


IndexedEntry = tuple[Entry, tuple[str, ...]]  # an entry with the phrase tokens before its last
# (lexicon entries with their preceding phrase, compound entries) of a word form
TriggerOptions = tuple[tuple[IndexedEntry, ...], tuple[Entry, ...]]


def trigger_types(pack: LanguagePack) -> set[str]:
    """The event types that have a trigger file in any layer of the pack."""
    return {path.stem for layer in pack.layers
            for path in (layer / TRIGGER_DIR).glob("*.yaml")}


def check_trigger_types(pack: LanguagePack, event_types: Iterable[str], schema_dir: Path) -> None:
    """A trigger file for a type the schema lacks is a mistake (a typo, a stale file)."""
    declared = list(event_types)
    unknown = sorted(trigger_types(pack) - set(declared))
    if unknown:
        raise PackError(
            f"language pack {pack.name!r}: {TRIGGER_DIR}/{', '.join(unknown)} (.yaml) name "
            f"event types that the schema in {schema_dir} does not declare "
            f"(declared: {', '.join(declared)})")


@dataclass(frozen=True, eq=False)
class TriggerLexicon:
    # last token form -> [(entry, preceding phrase tokens)]
    index: dict[str, list[IndexedEntry]]
    # compound endings: form -> entries (checked with str.endswith on longer tokens)
    compound: dict[str, list[Entry]]
    compound_tuple: tuple[str, ...]  # the compound endings, longest first
    never: frozenset[str]
    bare: frozenset[str]  # trigger forms without an ending (বহিষ্কার is no genitive)
    agreement_nouns: Cue
    options: FormCache = field(init=False, repr=False)  # word form -> TriggerOptions | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", FormCache(self._options))

    @classmethod
    def from_pack(cls, pack: LanguagePack, event_types: tuple[str, ...], schema_dir: Path,
                  ) -> TriggerLexicon:
        """The entries of every event type the schema declares (in the schema's order: a tie
        of ranks keeps the first entry); a type without a trigger file has none."""
        check_trigger_types(pack, event_types, schema_dir)
        data = pack.yaml(ENDINGS_FILE)
        suffix_sets = {k: [norm(s) for s in v] for k, v in data["suffixes"].items()}
        index: dict[str, list[IndexedEntry]] = {}
        compound: dict[str, list[Entry]] = {}
        never: set[str] = set()
        bare: set[str] = set()
        for etype in event_types:
            path = f"{TRIGGER_DIR}/{etype}.yaml"
            for spec in (pack.yaml(path) or []) if pack.has(path) else []:
                entry = Entry.of(etype, spec)
                suffixes = suffix_sets[spec.get("suffixes", "noun")]
                never.update(norm(w) for w in spec.get("not", ()))
                for word in spec["words"]:
                    parts = norm(str(word)).split()
                    head, last = tuple(parts[:-1]), parts[-1]
                    bare.add(last)
                    for suf in suffixes:
                        index.setdefault(last + suf, []).append((entry, head))
                        if spec.get("compound") and not head:
                            compound.setdefault(last + suf, []).append(entry)
        return cls(index, compound, tuple(sorted(compound, key=len, reverse=True)),
                   frozenset(never), frozenset(bare), Cue.of(data["agreement_nouns"]))

    def _options(self, word: str) -> TriggerOptions | None:
        """None for the great majority of words, which can be no trigger."""
        if word in self.never:
            return None
        indexed = tuple(self.index.get(word, ()))
        compound = self._compound_entries(word)
        if not indexed and not compound:
            return None
        return indexed, compound

    def _compound_entries(self, word: str) -> tuple[Entry, ...]:
        """Entries of the longest compound ending that `word` is longer than (str.endswith
        over the ~400 endings is the costliest test of the trigger scan)."""
        endings = self.compound_tuple
        if len(word) > 3 and word.endswith(endings):
            for form in endings:
                if word.endswith(form) and len(word) > len(form):
                    return tuple(self.compound[form])
        return ()


@dataclass(slots=True)  # many per sentence: slots make them cheaper
class Trigger:
    entry: Entry
    first: int  # token span [first, last]
    last: int


def _window_hit(cue: Cue, words: list[str], clauses: list[int], lo: int, hi: int, cl: int) -> bool:
    exact, prefixes = cue.exact, cue.prefixes  # Cue.hit inlined: this runs per context word
    for j in range(max(lo, 0), min(hi, len(words))):
        if clauses[j] == cl:
            w = words[j]
            if w in exact or w.startswith(prefixes):
                return True
    return False


def _context_holds(entry: Entry, words: list[str], clauses: list[int], first: int, i: int,
                   ) -> bool:
    """The entry's context conditions around the trigger span [first, i]."""
    cl = clauses[i]
    if entry.after is not None and not _window_hit(entry.after, words, clauses, i + 1,
                                                   i + 1 + entry.after_within, cl):
        return False
    if entry.before is not None and not _window_hit(entry.before, words, clauses,
                                                    first - entry.before_within, first, cl):
        return False
    if entry.near is not None and not (
        _window_hit(entry.near, words, clauses, first - entry.near_within, first, cl)
        or _window_hit(entry.near, words, clauses, i + 1, i + 1 + entry.near_within, cl)
    ):
        return False
    if entry.block_after is not None and _window_hit(
            entry.block_after, words, clauses, i + 1, i + 3, cl):
        return False
    if entry.block_before is not None and _window_hit(
            entry.block_before, words, clauses, first - 2, first, cl):
        return False
    return entry.block_clause is None or not _window_hit(entry.block_clause, words, clauses, 0,
                                                         len(words), cl)


def find_triggers(
    words: list[str], clauses: list[int], blocked: list[bool], lexicon: TriggerLexicon,
    policy: EventPolicy, infos: list[TriggerOptions | None] | None = None,
) -> list[Trigger]:
    """Lexicon matches whose context conditions hold (one per token and type, best rank).

    `infos`: the lexicon's options of every word, when the caller has them already."""
    if infos is None:
        infos = list(map(lexicon.options.__getitem__, words))
    named_by_agreement = policy.named_by_agreement
    found: list[Trigger] = []
    for i in [i for i, info in enumerate(infos) if info is not None and not blocked[i]]:
        indexed, compound = infos[i]  # type: ignore[misc]
        options: list[tuple[Entry, int]] = []
        for entry, head in indexed:
            k = len(head)
            if k and (i < k or tuple(words[i - k:i]) != head):
                continue
            options.append((entry, i - k))
        if not options:
            options = [(e, i) for e in compound]
        for entry, first in options:
            if not _context_holds(entry, words, clauses, first, i):
                continue
            if entry.event_type in named_by_agreement and _window_hit(
                lexicon.agreement_nouns, words, clauses, i + 1, i + 11, clauses[i]
            ):
                # "বাণিজ্য, ট্রানজিট ... চুক্তি", "সহযোগিতা চুক্তি": words of an agreement's
                # name or subject are not triggers (§7)
                continue
            found.append(Trigger(entry, first, i))
    if len(found) < 2:
        return found
    # one trigger per (token, type): keep the best-ranked entry
    best: dict[tuple[int, str], Trigger] = {}
    for t in found:
        key = (t.last, t.entry.event_type)
        if key not in best or t.entry.rank > best[key].entry.rank:
            best[key] = t
    return sorted(best.values(), key=_FIRST)


def merge_triggers(
    triggers: list[Trigger],
    clauses: list[int],
    gap: int = 1000,
    actor_toks: frozenset[int] = frozenset(),
    split_on_actor: frozenset[str] = frozenset(),
) -> list[Trigger]:
    """Triggers of one type in one clause name one event ("চুক্তিতে স্বাক্ষর করেন", "যুদ্ধে ...
    দখল করে নেয়", "দূতাবাস এবং ... কনস্যুলেট রয়েছে"): keep the best-ranked, else the first.
    For the `split_on_actor` types a state named between them (a token of `actor_toks`)
    makes two events ("X-এ A-এর দূতাবাস এবং Y-এ B-এর দূতাবাস")."""
    if len(triggers) < 2:
        return list(triggers)
    out: list[Trigger] = []
    for t in triggers:
        twin = next(
            (o for o in reversed(out)
             if o.entry.event_type == t.entry.event_type and clauses[o.last] == clauses[t.first]
             and t.first - o.last <= gap
             and not (t.entry.event_type in split_on_actor
                      and any(o.last < j < t.first for j in actor_toks))),
            None,
        )
        if twin is None:
            out.append(t)
        elif t.entry.rank > twin.entry.rank:
            out[out.index(twin)] = t
    return out


def is_anaphoric(
    t: Trigger, words: list[str], cands: list[Cand], lexicon: EventLexicon,
    recent: Callable[[], frozenset[str]] = frozenset,
) -> bool:
    """"এই যুদ্ধ", "এই সমঝোতা স্মারক সাক্ষরিত", sentence-initial "বৈঠকে,": a back-reference.

    A demonstrative counts only when it governs the trigger's own noun phrase: no genitive
    word and no mention between them ("এই হামলার কড়া নিন্দা" is a new protest event).
    `recent()`: the event types told lately (computed only when needed).
    """
    cues = lexicon.actors
    if t.first == 0 and len(words) > 1 and words[1] == _COMMA:
        return True
    nxt = words[t.last + 1] if t.last + 1 < len(words) else ""
    if nxt in lexicon.clauses.back_reference_after and words[t.last].endswith(cues.genitive) \
            and t.entry.event_type in recent():
        # "যুদ্ধের পর", "মীমাংসার পর" after that war / dispute was told: a time frame; a visit
        # first named as "X-এর ঢাকা সফরের সময়" is a new event
        return True
    bare = lexicon.triggers.bare
    for j in range(t.first - 1, max(-1, t.first - 4), -1):
        w = words[j]
        if w in cues.anaphors:
            nxt = words[j + 1] if j + 1 < len(words) else ""
            return nxt not in cues.anaphor_quantifiers
        genitive = w.endswith(cues.genitive) and w not in bare
        if genitive or w in _STOPS:
            return False
        for c in cands:
            if c.tok <= j <= c.end:
                return False
    return False
