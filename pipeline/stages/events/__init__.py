"""Stage 5: CAMEO-aligned events from trigger words and the sentence's mentions.

Rules, not a model (there are only a few dozen annotated articles). Per sentence:

1. Triggers: token lookup in a precompiled lexicon (resources/events_triggers.yaml: forms with
   their Bengali endings, multi-token phrases, compounds, and context conditions). A trigger inside
   a mention, or an anaphoric back-reference ("এই যুদ্ধ", sentence-initial "বৈঠকে,"), is no event;
   two triggers of one type close together in one clause name one event ("চুক্তি স্বাক্ষরিত হয়").
2. Clauses: Bengali is SOV, so a finite verb followed by a comma or conjunction, or a conditional
   converb (করলে, হলেও), closes a clause (resources/events_clauses.yaml). Arguments come from the
   trigger's clause first, then from the sentence.
3. Actors: COUNTRY / PERSON / ORG mentions and implicit actors ("দুই দেশ", "দেশটির"), each with a
   case read from its ending or the postposition after it (resources/events_actors.yaml). Role
   rules per type use the case: a host is locative ("মালয়েশিয়াতে") or named before সফর, an embassy's
   sender is genitive, a complainant is nominative. A PERSON/ORG stands for its `affiliation`
   country. With three or more parties only the article's two states are kept (§7), and a
   bilateral event with one named side gets the article's other state.
4. Time / Place / Value: the clause's nearest DATE (else the sentence's preceding one, else one
   inherited through an anaphor from the previous sentence, never after এরপর), a locative LOC, the
   nearest MONEY (else QUANTITY).
5. Attributes: Negated / Speculated from cues between the trigger and its clause end
   (resources/events_cues.yaml); Sector from the nearest keyword (resources/events_sectors.yaml).

Confidence is a documented heuristic, not a probability: the trigger entry's base confidence,
+0.1 when both actors are named in the clause, -0.1 when actors had to come from the rest of the
sentence or an earlier event, -0.15 when the article's pair filled an actor (see `_confidence`).

Why hand-written matching instead of spaCy's Matcher: the patterns are single tokens with
endings plus a few context words; a dict lookup per token is simpler and several times faster
than building a spaCy Doc per sentence, which the >1,000 sentences/s budget cares about.
"""

from __future__ import annotations

import bisect
import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.config import load_yaml
from pipeline.model import Analysis, Event, Sentence, Span
from pipeline.schema import load_schema
from pipeline.stages.base import BuildContext, register
from pipeline.stages.normalise import normalise_text_plain

ACTOR_LABELS = ("COUNTRY", "PERSON", "ORG")
# event types whose schema has a Value / Place role (annotation.conf)
VALUE_TYPES = frozenset({"AGREEMENT", "TRADE", "INVESTMENT", "AID", "COOPERATION"})
NO_PLACE_TYPES = frozenset({"TRADE"})
SECTOR_TYPES = frozenset({"AGREEMENT", "COOPERATION", "INVESTMENT"})
# a bilateral event with one named side gets the article's other state (gold practice: §7 and
# the annotated articles); a visit or an embassy names its host only when the clause does (§7)
PARTNER_FILL = frozenset(
    {"RELATIONS_ESTABLISHED", "RELATIONS_SEVERED", "MEETING", "AGREEMENT", "TRADE", "AID",
     "COOPERATION", "DISPUTE", "CONFLICT"}
)
# with no actor anywhere in the sentence these still concern the article's pair
# ("বৈঠকে বিরোধ মীমাংসা"); a war, visit, embassy or project needs a named side
PAIR_FILL = frozenset(
    {"RELATIONS_ESTABLISHED", "RELATIONS_SEVERED", "MEETING", "AGREEMENT", "TRADE",
     "COOPERATION", "DISPUTE"}
)
# mentions whose tokens can hold no trigger: the values and the named actors
_BLOCKING = frozenset({"DATE", "MONEY", "QUANTITY", "LOC", *ACTOR_LABELS})
_KIND_RANK = {"PERSON": 0, "ORG": 1, "COUNTRY": 2, "PAIR": 3}


@functools.lru_cache(maxsize=1 << 14)
def _norm(s: str) -> str:
    # cached: _context normalises the surface of every country mention, mostly repeated names
    return normalise_text_plain(s).strip()


# ---------------------------------------------------------------------------------------------
# resources
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """A set of word forms: exact forms plus prefixes (a form written "stem*")."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, forms: Iterable[str] | None) -> Cue:
        exact, prefixes = set(), []
        for f in forms or ():
            f = _norm(str(f))
            if f.endswith("*"):
                prefixes.append(f[:-1])
            elif f:
                exact.add(f)
        return cls(frozenset(exact), tuple(prefixes))

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes)

    def hit(self, word: str) -> bool:
        # str.startswith(()) is False, so no test for an empty prefix tuple is needed
        return word in self.exact or word.startswith(self.prefixes)


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


def _opt_cue(forms: Iterable[str] | None) -> Cue | None:
    cue = Cue.of(forms)
    return cue if cue else None


@dataclass(frozen=True)
class Lexicon:
    # last token form -> [(entry, preceding phrase tokens)]
    index: dict[str, list[tuple[Entry, tuple[str, ...]]]]
    # compound endings: form -> entries (checked with str.endswith on longer tokens)
    compound: dict[str, list[Entry]]
    compound_tuple: tuple[str, ...]
    never: frozenset[str]
    bare: frozenset[str]  # trigger forms without an ending (বহিষ্কার is no genitive)


@functools.cache
def lexicon() -> Lexicon:
    data = load_yaml("events_triggers.yaml")
    suffix_sets = {k: [_norm(s) for s in v] for k, v in data["suffixes"].items()}
    index: dict[str, list[tuple[Entry, tuple[str, ...]]]] = {}
    compound: dict[str, list[Entry]] = {}
    never: set[str] = set()
    bare: set[str] = set()
    for etype, entries in data["types"].items():
        for spec in entries:
            entry = Entry(
                event_type=etype,
                rank=int(spec.get("rank", 1)),
                confidence=float(spec.get("confidence", 0.7)),
                after=_opt_cue(spec.get("after")),
                after_within=int(spec.get("after_within", 3)),
                before=_opt_cue(spec.get("before")),
                before_within=int(spec.get("before_within", 3)),
                near=_opt_cue(spec.get("near")),
                near_within=int(spec.get("near_within", 3)),
                block_after=_opt_cue(spec.get("block_after")),
                block_before=_opt_cue(spec.get("block_before")),
                block_clause=_opt_cue(spec.get("block_clause")),
                min_actors=int(spec.get("min_actors", 0)),
            )
            suffixes = suffix_sets[spec.get("suffixes", "noun")]
            never.update(_norm(w) for w in spec.get("not", ()))
            for word in spec["words"]:
                parts = _norm(str(word)).split()
                head, last = tuple(parts[:-1]), parts[-1]
                bare.add(last)
                for suf in suffixes:
                    index.setdefault(last + suf, []).append((entry, head))
                    if spec.get("compound") and not head:
                        compound.setdefault(last + suf, []).append(entry)
    return Lexicon(index, compound, tuple(sorted(compound, key=len, reverse=True)),
                   frozenset(never), frozenset(bare))


class _FormCache(dict):  # type: ignore[type-arg]
    """word form -> fn(form), computed on first use; emptied when it holds `limit` forms.

    A dict subclass rather than functools.lru_cache: a hit is a plain C dict lookup
    (`map(cache.__getitem__, words)`), several times cheaper than an LRU's bookkeeping, and the
    whole-sentence lookups are the stage's hottest loop."""

    def __init__(self, fn: Callable[[str], Any], limit: int = 1 << 17) -> None:
        super().__init__()
        self.fn = fn
        self.limit = limit

    def __missing__(self, word: str) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.fn(word)
        return value


# Per-word-form caches. Every token of every sentence is looked up, and the answers depend on the
# word form alone; word forms repeat heavily (Zipf), so a bounded cache answers most of them.


TriggerOptions = tuple[tuple[tuple[Entry, tuple[str, ...]], ...], tuple[Entry, ...]]


def _trigger_options(word: str) -> TriggerOptions | None:
    """(lexicon entries with their preceding phrase, compound entries) of a word form; None for
    the great majority of words, which can be no trigger."""
    lex = lexicon()
    if word in lex.never:
        return None
    indexed = tuple(lex.index.get(word, ()))
    compound = _compound_entries(word)
    if not indexed and not compound:
        return None
    return indexed, compound


_TRIGGER_OPTIONS = _FormCache(_trigger_options)


@functools.lru_cache(maxsize=1 << 16)
def _compound_entries(word: str) -> tuple[Entry, ...]:
    """Entries of the longest compound ending that `word` is longer than (str.endswith over the
    ~400 endings is the costliest test of the trigger scan)."""
    lex = lexicon()
    if len(word) > 3 and word.endswith(lex.compound_tuple):
        for form in lex.compound_tuple:
            if word.endswith(form) and len(word) > len(form):
                return tuple(lex.compound[form])
    return ()


@dataclass(frozen=True)
class Clauses:
    finite: frozenset[str]
    converbs: frozenset[str]
    conjunctions: frozenset[str]
    hard: frozenset[str]
    continuation: tuple[tuple[str, ...], ...]
    no_time: tuple[tuple[str, ...], ...]
    back_reference_after: frozenset[str]
    place_classifiers: frozenset[str]


@functools.cache
def clause_rules() -> Clauses:
    d = load_yaml("events_clauses.yaml")

    def words(key: str) -> frozenset[str]:
        return frozenset(_norm(w) for w in d[key])

    def phrases(key: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(_norm(p).split()) for p in d[key])

    return Clauses(words("finite_verbs"), words("converbs"), words("conjunctions"), words("hard"),
                   phrases("time_continuation"), phrases("no_time"),
                   words("back_reference_after"), words("place_classifiers"))


@functools.cache
def _clause_breakers() -> frozenset[str]:
    """Every word that can close a clause in clause_ids (a cheap gate for the whole sentence)."""
    r = clause_rules()
    return r.hard | r.converbs | r.finite


@functools.cache
def _case_after_words() -> frozenset[str]:
    """Every word after a name that `_case` reads (hyphen, genitive, transparent, postposition)."""
    cues = actor_cues()
    return (frozenset({"-"}) | cues.genitive_tokens | cues.transparent
            | frozenset(cues.postpositions))


@functools.cache
def _implicit_words() -> frozenset[str]:
    """Words that can name an implicit actor ("দুই দেশ", "দেশটির"): a gate for the scan."""
    cues = actor_cues()
    return frozenset(cues.pair_phrases) | cues.one


@dataclass(frozen=True)
class ActorCues:
    successor: dict[str, str]  # predecessor state code -> the state it stands for
    pair_phrases: dict[str, tuple[str, ...]]  # last token (with ending) -> preceding tokens
    one: frozenset[str]
    anaphors: frozenset[str]
    postpositions: dict[str, str]  # word -> role class
    transparent: frozenset[str]
    genitive_tokens: frozenset[str]
    endings: tuple[tuple[str, str], ...]  # (ending, case), longest first


@functools.cache
def actor_cues() -> ActorCues:
    d = load_yaml("events_actors.yaml")
    noun_suffixes = [_norm(s) for s in load_yaml("events_triggers.yaml")["suffixes"]["noun"]]
    pairs: dict[str, tuple[str, ...]] = {}
    for p in d["implicit_pair"]:
        parts = _norm(p).split()
        for suf in noun_suffixes:
            pairs.setdefault(parts[-1] + suf, tuple(parts[:-1]))
    post = {}
    for role, ws in d["postpositions"].items():
        for w in ws:
            post[_norm(w)] = role
    endings = sorted(
        ((_norm(e), case) for case, es in d["endings"].items() for e in es),
        key=lambda x: -len(x[0]),
    )
    return ActorCues(
        {str(k): str(v) for k, v in d.get("successor_states", {}).items()},
        pairs, frozenset(_norm(w) for w in d["implicit_one"]),
        frozenset(_norm(w) for w in d["anaphors"]), post,
        frozenset(_norm(w) for w in d["transparent"]),
        frozenset(_norm(w) for w in d["genitive_tokens"]), tuple(endings),
    )


@dataclass(frozen=True)
class AttributeCues:
    neg_after: Cue
    neg_suffix: tuple[str, ...]
    neg_call_off: Cue
    neg_call_off_types: frozenset[str]
    spec_after: Cue
    spec_phrases: tuple[tuple[str, ...], ...]
    spec_before: Cue
    sector_default: dict[str, str]
    sector_keywords: tuple[tuple[Cue, str], ...]


def _sector_word(word: str) -> str:
    """The sector the first matching keyword list gives `word`, or ""."""
    for cue, name in attribute_cues().sector_keywords:
        if cue.hit(word):
            return name
    return ""


_CALL_OFF, _NEGATION = 1, 2


def _negation_class(word: str) -> int:
    """_CALL_OFF, _NEGATION or 0 for a word after a trigger (see `negated`)."""
    cues = attribute_cues()
    if cues.neg_call_off.hit(word):
        return _CALL_OFF
    if cues.neg_after.hit(word):
        return _NEGATION
    if len(word) > 3 and word.endswith(cues.neg_suffix) and word not in (
            "পানি", "কোম্পানি", "বাহিনী"):
        if word.endswith("নি") and not word.endswith(("নী", "ানি")):
            return _NEGATION
    return 0


def _spec_after(word: str) -> bool:
    return attribute_cues().spec_after.hit(word)


_SECTOR_WORD = _FormCache(_sector_word)
_NEGATION_CLASS = _FormCache(_negation_class)
_SPEC_AFTER = _FormCache(_spec_after)
_SPEC_BEFORE = _FormCache(lambda w: attribute_cues().spec_before.hit(w))


@functools.cache
def _spec_phrases_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Speculation phrases by their first word, so that only a matching word compares a phrase."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in attribute_cues().spec_phrases:
        if not p:
            raise ValueError("events_cues.yaml: empty speculation phrase")
        out.setdefault(p[0], []).append(p)
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def attribute_cues() -> AttributeCues:
    c = load_yaml("events_cues.yaml")
    s = load_yaml("events_sectors.yaml")
    return AttributeCues(
        Cue.of(c["negation"]["after"]),
        tuple(_norm(x) for x in c["negation"]["suffix_after"]),
        Cue.of(c["negation"]["call_off"]),
        frozenset(c["negation"]["call_off_types"]),
        Cue.of(c["speculation"]["after"]),
        tuple(tuple(_norm(p).split()) for p in c["speculation"]["phrases"]),
        Cue.of(c["speculation"]["before"]),
        dict(s["default"]),
        tuple((Cue.of(ws), sector) for sector, ws in s["keywords"].items()),
    )


# ---------------------------------------------------------------------------------------------
# per-document context
# ---------------------------------------------------------------------------------------------


def country_of(m: Span) -> str:
    """ISO alpha-3 a mention stands for: a COUNTRY's code, a PERSON/ORG's affiliation."""
    if m.label == "COUNTRY":
        return m.norm.removeprefix("ISO3166:")
    return m.affiliation or str(m.attrs.get("country", ""))


def _actor_key(m: Span) -> str:
    return country_of(m) or f"@{m.start}"


@dataclass(slots=True)  # many per sentence: slots make them cheaper
class Cand:
    """An actor candidate in a sentence: a mention (or the article pair) with its case."""

    tok: int  # first token index in the sentence
    end: int  # last token index
    key: str  # ISO code, or "@start" for an unaffiliated PERSON/ORG
    kind: str  # COUNTRY | PERSON | ORG
    case: str  # NOM GEN ACC LOC COM AGAINST ABL DAT BETWEEN EXCLUDE
    span: Span
    implicit: bool = False  # from "দুই দেশ" / "দেশটির": not named in the clause


_TOK = operator.attrgetter("tok")
_START = operator.attrgetter("start")
_CSTART = operator.attrgetter("cstart")
_CEND = operator.attrgetter("cend")
_TEXT = operator.attrgetter("text")
_FIRST = operator.attrgetter("first")


@dataclass
class DocContext:
    analysis: Analysis
    pair: list[Span]  # the article's two states (first mentions), 0-2 items
    by_sentence: dict[int, list[Span]]
    bases: dict[str, tuple[str, ...]]  # country code -> distinct surface forms in the document
    first_country: dict[str, Span]
    countries: list[Span] = field(default_factory=list)  # COUNTRY mentions in text order
    form_country: dict[str, str] = field(default_factory=dict)  # surface form -> code
    events: list[Event] = field(default_factory=list)
    # derived once per document (the pair never changes after _context)
    pair_keys: frozenset[str] = frozenset()
    country_keys: list[str] = field(default_factory=list)  # code of each of `countries`
    country_starts: list[int] = field(default_factory=list)  # cstart of each of `countries`
    starts_sorted: bool = True
    # code -> indices into `countries` of that state or of a predecessor (for _latest_form)
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
        return key in keys or actor_cues().successor.get(key) in keys

    def countries_before(self, pos: int) -> int:
        """How many of `countries` come before the first one at or after clean offset `pos`."""
        if self.starts_sorted:
            return bisect.bisect_left(self.country_starts, pos)
        return next((i for i, c in enumerate(self.country_starts) if c >= pos),
                    len(self.country_starts))

    def lineage_of(self, key: str) -> list[int]:
        idx = self.lineage.get(key)
        if idx is None:
            succ = actor_cues().successor
            idx = [i for i, k in enumerate(self.country_keys) if k == key or succ.get(k) == key]
            self.lineage[key] = idx
        return idx


def _article_pair(analysis: Analysis, countries: list[Span]) -> list[Span]:
    """The article's two states: countries of the title, else the lead's first two (§7)."""
    if not countries:
        return []
    first: dict[str, Span] = {}
    for m in countries:
        first.setdefault(country_of(m), m)
    title = analysis.doc.title
    chosen: list[Span] = []
    if title:
        tnorm = _norm(title)
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


def _context(analysis: Analysis) -> DocContext:
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
            forms.add(_norm(clean[m.cstart:m.cend]))
    return DocContext(
        analysis, _article_pair(analysis, countries), by_sentence,
        {k: tuple(sorted(v)) for k, v in bases.items()}, first, countries,
        {f: k for k, fs in bases.items() for f in fs if " " not in f},
    )


# ---------------------------------------------------------------------------------------------
# clauses and triggers
# ---------------------------------------------------------------------------------------------


def clause_ids(words: list[str]) -> list[int]:
    """Clause number of every token (see events_clauses.yaml for the rule)."""
    rules = clause_rules()
    breakers = _clause_breakers()
    n = len(words)
    # the tokens after which a new clause starts, then the ids as runs between them (the only
    # per-token work is one set lookup)
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


# two triggers of these types in one clause are two events when a state is named between them
_SPLIT_ON_ACTOR = frozenset({"EMBASSY"})
# event types whose words often describe an agreement's subject ("মুক্ত বাণিজ্য চুক্তি")
_NAMED_BY_AGREEMENT = frozenset({"TRADE", "COOPERATION", "AID", "INVESTMENT"})
_AGREEMENT_NOUNS = Cue.of(["চুক্তি*", "সমঝোতা*", "প্রটোকল*", "প্রোটোকল*"])


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


def find_triggers(
    words: list[str], clauses: list[int], blocked: list[bool],
    infos: list[TriggerOptions | None] | None = None,
) -> list[Trigger]:
    """Lexicon matches whose context conditions hold (one per token and type, best rank).

    `infos`: `_trigger_options` of every word, when the caller has them already."""
    if infos is None:
        infos = list(map(_TRIGGER_OPTIONS.__getitem__, words))
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
        cl = clauses[i]
        for entry, first in options:
            if entry.after is not None and not _window_hit(entry.after, words, clauses, i + 1,
                                               i + 1 + entry.after_within, cl):
                continue
            if entry.before is not None and not _window_hit(entry.before, words, clauses,
                                                first - entry.before_within, first, cl):
                continue
            if entry.near is not None and not (
                _window_hit(entry.near, words, clauses, first - entry.near_within, first, cl)
                or _window_hit(entry.near, words, clauses, i + 1, i + 1 + entry.near_within, cl)
            ):
                continue
            if entry.block_after is not None and _window_hit(
                    entry.block_after, words, clauses, i + 1, i + 3, cl):
                continue
            if entry.block_before is not None and _window_hit(
                    entry.block_before, words, clauses, first - 2, first, cl):
                continue
            if entry.block_clause is not None and _window_hit(entry.block_clause, words, clauses, 0,
                                                  len(words), cl):
                continue
            if entry.event_type in _NAMED_BY_AGREEMENT and _window_hit(
                _AGREEMENT_NOUNS, words, clauses, i + 1, i + 11, cl
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
) -> list[Trigger]:
    """Triggers of one type in one clause name one event ("চুক্তিতে স্বাক্ষর করেন", "যুদ্ধে ...
    দখল করে নেয়", "দূতাবাস এবং ... কনস্যুলেট রয়েছে"): keep the best-ranked, else the first."""
    if len(triggers) < 2:
        return list(triggers)
    out: list[Trigger] = []
    for t in triggers:
        twin = next(
            (o for o in reversed(out)
             if o.entry.event_type == t.entry.event_type and clauses[o.last] == clauses[t.first]
             and t.first - o.last <= gap
             # "X-এ A-এর দূতাবাস এবং Y-এ B-এর দূতাবাস": a state named between is a new embassy
             and not (t.entry.event_type in _SPLIT_ON_ACTOR
                      and any(o.last < j < t.first for j in actor_toks))),
            None,
        )
        if twin is None:
            out.append(t)
        elif t.entry.rank > twin.entry.rank:
            out[out.index(twin)] = t
    return out


def _is_anaphoric(
    t: Trigger, words: list[str], cands: list[Cand],
    recent: Callable[[], frozenset[str]] = frozenset,
) -> bool:
    """"এই যুদ্ধ", "এই সমঝোতা স্মারক সাক্ষরিত", sentence-initial "বৈঠকে,": a back-reference.

    A demonstrative counts only when it governs the trigger's own noun phrase: no genitive
    word and no mention between them ("এই হামলার কড়া নিন্দা" is a new protest event).
    """
    cues = actor_cues()
    if t.first == 0 and len(words) > 1 and words[1] == ",":
        return True
    nxt = words[t.last + 1] if t.last + 1 < len(words) else ""
    if nxt in clause_rules().back_reference_after and words[t.last].endswith("র") \
            and t.entry.event_type in recent():
        # "যুদ্ধের পর", "মীমাংসার পর" after that war / dispute was told: a time frame; a visit
        # first named as "X-এর ঢাকা সফরের সময়" is a new event
        return True
    bare = lexicon().bare
    for j in range(t.first - 1, max(-1, t.first - 4), -1):
        w = words[j]
        if w in cues.anaphors:
            nxt = words[j + 1] if j + 1 < len(words) else ""
            if nxt in _BOTH:
                return False
            return True
        genitive = w.endswith("র") and w not in bare
        if genitive or w in (",", "।"):
            return False
        for c in cands:
            if c.tok <= j <= c.end:
                return False
    return False


_BOTH = ("দুই", "উভয়", _norm("উভয়"))


# ---------------------------------------------------------------------------------------------
# actors
# ---------------------------------------------------------------------------------------------


def _lcp(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _plain_case(text: str) -> str:
    """The case of a word from its ending alone (no other forms of the name known)."""
    return _case_from_text(text, ())


# cached: a state is named in a few forms, over and over, and across articles alike
@functools.lru_cache(maxsize=1 << 16)
def _case_from_text(text: str, forms: tuple[str, ...]) -> str:
    """Case from the mention's own ending; the document's other forms of the name give the base."""
    cues = actor_cues()
    base_len = -1
    for f in forms:
        if f == text:
            continue
        n = _lcp(text, f)
        if n >= max(2, len(text) - 4) and (base_len < 0 or n < base_len):
            base_len = n
    if base_len >= 0:
        suffix = text[base_len:]
        if not suffix or suffix in ("ও", "ই", "টি", "রা", "ই"):
            return "NOM"
        if suffix.endswith("কে"):
            return "ACC"
        if suffix.endswith("র") or suffix.endswith("রও") or suffix.endswith("রই"):
            return "GEN"
        return "LOC"
    for ending, case in cues.endings:
        if text.endswith(ending) and len(text) > len(ending) + 1:
            return case
    return "NOM"


def _case(ctx: DocContext, m: Span, a: int, b: int, words: list[str], code: str) -> str:
    cues = actor_cues()
    text = words[b] if a == b else " ".join(words[a:b + 1])
    if m.label == "COUNTRY":
        case = _case_from_text(text, ctx.bases.get(code, ()))
    else:
        # names of people and bodies often end in a vowel (আবে, মোদী): only -র/-কে are endings
        case = "ACC" if text.endswith("কে") else "GEN" if text.endswith(("ের", "র")) else "NOM"

    j = b + 1
    if j >= len(words) or words[j] not in _case_after_words():
        return case  # nothing after the name changes its case (the common case)
    if words[j] == "-":
        j += 1
    if j < len(words) and words[j] in cues.genitive_tokens:
        case, j = "GEN", j + 1
    if j < len(words) and words[j] in cues.transparent:
        w = words[j]
        case = "GEN" if w.endswith("র") else "ACC" if w.endswith("কে") else "NOM"
        j += 1
    if j < len(words):
        role = cues.postpositions.get(words[j])
        if role is not None:
            return role
    return case


Placed = tuple[Span, int, int]  # a mention with its first and last token index in the sentence


def _placed(ctx: DocContext, sent: Sentence) -> list[Placed]:
    """The sentence's mentions with their token ranges, computed once per sentence (actors,
    values and the blocked tokens all need them)."""
    ms = ctx.by_sentence.get(sent.index)
    if not ms:
        return []
    toks = sent.tokens
    starts = list(map(_CSTART, toks))
    ends = list(map(_CEND, toks))
    last = len(toks) - 1
    right, left = bisect.bisect_right, bisect.bisect_left
    out = []
    for m in ms:
        a = right(starts, m.cstart) - 1
        b = left(ends, m.cend)
        out.append((m, a if a > 0 else 0, b if b < last else last))
    return out


def sentence_cands(
    ctx: DocContext, sent: Sentence, words: list[str], placed: list[Placed]
) -> list[Cand]:
    """Actor candidates of a sentence, with token positions and cases."""
    out: list[Cand] = []
    for m, a, b in placed:
        label = m.label
        if label not in ACTOR_LABELS:
            continue
        code = country_of(m)
        key = code or f"@{m.start}"  # _actor_key
        if key.startswith("@"):
            # an unaffiliated "তাজিকিস্তান সরকার" / "X-এর মন্ত্রণালয়": the country word it starts with
            key = ctx.form_country.get(words[a], key)
        out.append(Cand(a, b, key, label, _case(ctx, m, a, b, words, code), m))
    gate = _implicit_words()
    if gate.isdisjoint(words):
        # no "দুই দেশ" / "দেশটির" word: the common case, no scan needed
        out.sort(key=_TOK)
        return out
    cues = actor_cues()
    occupied: set[int] = set()
    for _, a, b in placed:
        occupied.update(range(a, b + 1))
    for i in [i for i, w in enumerate(words) if w in gate]:
        if i in occupied:
            continue
        w = words[i]
        head = cues.pair_phrases.get(w)
        if head is not None and len(ctx.pair) == 2:
            k = len(head)
            if i >= k and tuple(words[i - k:i]) == head:
                case = _case_after(words, i, "GEN" if w.endswith("র") else "NOM")
                for s in _pair_now(ctx, sent.tokens[i].cstart):
                    out.append(Cand(i - k, i, country_of(s), "COUNTRY", case, s, implicit=True))
        elif w in cues.one:
            prev = _previous_country(ctx, sent, i)
            if prev is not None:
                case = _case_after(words, i, "GEN" if w.endswith("র") else "NOM")
                out.append(Cand(i, i, country_of(prev), "COUNTRY", case, prev, implicit=True))
    out.sort(key=_TOK)
    return out


def _case_after(words: list[str], i: int, default: str) -> str:
    cues = actor_cues()
    if i + 1 < len(words):
        role = cues.postpositions.get(words[i + 1])
        if role is not None:
            return role
    return default


def _previous_country(ctx: DocContext, sent: Sentence, tok: int) -> Span | None:
    limit = sent.tokens[tok].cstart
    for si in (sent.index, sent.index - 1):
        for m in reversed(ctx.by_sentence.get(si, ())):
            if m.label == "COUNTRY" and m.cstart < limit and m.norm:
                return ctx.first_country.get(country_of(m), m)
    return None


def _drop_affiliations(cands: list[Cand]) -> list[Cand]:
    """"তাজিকিস্তানের রাষ্ট্রপতি ইমোমালি রাহমোন": the PERSON is the actor, not the country."""
    people: dict[str, list[int]] = {}
    for c in cands:
        if c.kind != "COUNTRY" and not c.key.startswith("@"):  # kinds: COUNTRY PERSON ORG
            people.setdefault(c.key, []).append(c.tok)
    if not people:
        return cands
    out = []
    for c in cands:
        if c.kind == "COUNTRY" and not c.implicit and c.case in ("GEN", "NOM") and any(
            0 < tok - c.end <= 7 for tok in people.get(c.key, ())
        ):
            continue
        out.append(c)
    return out


def _select(
    cands: list[Cand], ctx: DocContext, trig: int, dropped: list[Cand] | None = None
) -> list[Cand]:
    """One candidate per state (a named person over an org over the country), article states
    only when the clause also names others (§7 three-party rule).

    `dropped`: `_drop_affiliations(cands)` when the caller has it already."""
    if not cands:
        return []
    if dropped is None:
        dropped = _drop_affiliations(cands)
    cands = [c for c in dropped if c.case != "EXCLUDE"]
    best: dict[str, Cand] = {}
    for c in cands:
        cur = best.get(c.key)
        if cur is None or (_KIND_RANK[c.kind], abs(c.tok - trig)) < (
            _KIND_RANK[cur.kind], abs(cur.tok - trig)
        ):
            best[c.key] = c
    chosen = sorted(best.values(), key=_TOK)
    if ctx.pair:
        # an unaffiliated person (a cleric one meets) is no "other state"; an unaffiliated body
        # (a court, a council) is only a setting
        inside = []
        states = set()
        for c in chosen:
            unaffiliated = c.key.startswith("@")
            if ctx.in_pair(c.key) or (unaffiliated and c.kind == "PERSON"):
                inside.append(c)
            if not unaffiliated:
                states.add(c.key)
        if inside and len(inside) < len(chosen):
            if len(states) >= 3:
                chosen = inside
            else:
                # two named states are the event's sides even when one is not an article
                # state ("১৯৬২ সালের ভারত-চীন যুদ্ধ" in an India-US article); bodies go
                chosen = [c for c in chosen
                          if not (c.key.startswith("@") and c.kind != "PERSON")] or inside
    for c in chosen:
        if not c.key.startswith("@"):
            return chosen
    # none or only unaffiliated bodies ("ইউরোপীয় কয়লা ও ইস্পাত সম্প্রদায় গঠিত হয়"): not the parties
    return []


def _pair_now(ctx: DocContext, pos: int) -> list[Span]:
    """The article's pair as of clean offset `pos`: a state whose predecessor was named more
    recently stands as that predecessor ("দুই দেশ" in 1948 are Finland and the Soviet Union)."""
    if len(ctx.pair) != 2:
        return list(ctx.pair)
    first = ctx.pair[0]
    other = _partner(ctx, country_of(first), pos)
    return [_latest_form(ctx, first, pos), other] if other is not None else list(ctx.pair)


def _latest_form(ctx: DocContext, state: Span, pos: int) -> Span:
    key = country_of(state)
    # the last mention of the state or its predecessor before `pos` (bisect on the lineage's
    # indices instead of a scan of all the document's countries per call)
    idx = ctx.lineage_of(key)
    j = bisect.bisect_left(idx, ctx.countries_before(pos)) - 1
    latest = ctx.country_keys[idx[j]] if j >= 0 else None
    if latest is not None and latest != key:
        return ctx.first_country.get(latest, state)
    return state


def _partner(ctx: DocContext, key: str, before: int = -1) -> Span | None:
    """The article's other state; its predecessor when that was named last ("সোভিয়েত ইউনিয়ন")."""
    succ = actor_cues().successor
    key = succ.get(key, key)
    if len(ctx.pair) != 2 or key not in ctx.pair_keys:
        return None
    other = next(s for s in ctx.pair if country_of(s) != key)
    return _latest_form(ctx, other, before) if before >= 0 else other


def assign_roles(
    etype: str, trig: int, words: list[str], cands: list[Cand], ctx: DocContext, pos: int = -1,
    raw: list[Cand] | None = None,
) -> tuple[Span | None, Span | None, bool]:
    """(Actor1, Actor2, filled): role rules per event type; `filled` when the pair helped.

    `cands` are the selected candidates (one per state); `raw` all of the clause's, so that a
    host country named beside a person of the same state is still seen.
    """
    a1: Cand | None = None
    a2: Cand | None = None
    if etype == "VISIT":
        hosts = [c for c in (raw or cands) if c.kind == "COUNTRY" and (
            c.case == "LOC" or (c.end < trig and trig - c.end <= 2 and c.case == "NOM"))]
        host = min(hosts, key=lambda c: abs(c.tok - trig)) if hosts else None
        rest = [c for c in cands if (host is None or c.key != host.key)
                and c.case in ("NOM", "GEN", "AGENT")]
        a1 = _pick_subject(rest, trig)
        a2 = host
        if a1 is None and host is not None:
            p = _partner(ctx, host.key, pos)
            return p, host.span, p is not None
    elif etype == "EMBASSY":
        hosts = [c for c in cands if c.kind == "COUNTRY" and c.case == "LOC"]
        senders = [c for c in cands if c.case == "GEN" and c.end < trig]
        a1 = senders[-1] if senders else _pick_subject(
            [c for c in cands if c.case in ("NOM", "AGENT")], trig)
        a2 = next((h for h in hosts if a1 is None or h.key != a1.key), None)
        if a1 is not None and a1.implicit and a2 is None:
            a2 = next((c for c in cands if c.implicit and c.key != a1.key), None)
        return (a1.span if a1 else None), (a2.span if a2 else None), False
    elif etype in ("INVESTMENT", "AID", "DISPUTE"):
        agents = [c for c in cands if c.case == "AGENT"]
        subj = [c for c in cands if c.case == "NOM"]
        if etype == "INVESTMENT":
            subj += [c for c in cands if c.case == "GEN" and c.kind in ("ORG", "PERSON")]
        # "চীনের সহায়তায় নির্মিত": the payer is the actor whatever else is nominative
        a1 = _pick_subject(agents, trig) or _pick_subject(subj, trig)
        others = [c for c in cands if c is not a1 and c.key != (a1.key if a1 else None)
                  and c.case not in ("NOM", "AGENT")]
        if not others:
            others = [c for c in cands if c is not a1 and (a1 is None or c.key != a1.key)]
        a2 = min(others, key=lambda c: abs(c.tok - trig)) if others else None
        if a1 is None and a2 is not None:
            # only the target / recipient is named: the acting state is the article's other one
            p = _partner(ctx, a2.key, pos)
            return p, a2.span, p is not None
    else:
        named = cands[:]
        if len(named) > 2:
            # states before unaffiliated bodies, then the nearest to the trigger
            best2 = sorted(named, key=lambda c: (c.key.startswith("@"), abs(c.tok - trig)))[:2]
            named = sorted(best2, key=lambda c: c.tok)
        a1 = named[0] if named else None
        a2 = named[1] if len(named) > 1 else None
    filled = False
    if a1 is not None and a2 is None and etype in PARTNER_FILL:
        p = _partner(ctx, a1.key, pos)
        if p is not None:
            return a1.span, p, True
    return (a1.span if a1 else None), (a2.span if a2 else None), filled


def _pick_subject(cands: list[Cand], trig: int) -> Cand | None:
    """The subject: a named person first, else the candidate before the trigger nearest to it."""
    if not cands:
        return None
    before = [c for c in cands if c.tok < trig] or cands
    people = [c for c in before if c.kind == "PERSON"]
    pool = people or before
    return min(pool, key=lambda c: abs(c.tok - trig))


# ---------------------------------------------------------------------------------------------
# time, place, value, attributes
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)  # many per sentence: slots make them cheaper
class Located:
    span: Span
    tok: int
    end: int


def _sentence_values(placed: list[Placed]) -> dict[str, list[Located]]:
    out: dict[str, list[Located]] = {"DATE": [], "MONEY": [], "QUANTITY": [], "LOC": []}
    for m, a, b in placed:
        group = out.get(m.label)
        if group is not None:
            group.append(Located(m, a, b))
    return out


def _pick_time(
    dates: list[Located], clauses: list[int], trig: int, words: list[str]
) -> Span | None:
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
        if words[first_tok] in ("এর", "যা", "এটি", "সেটি", "যেটি"):
            return nxt[0].span
    return None


def _pick_place(locs: list[Located], clauses: list[int], trig: int, etype: str,
                words: list[str]) -> Span | None:
    if etype in NO_PLACE_TYPES or not locs:
        return None
    cl = clauses[trig]
    ok = []
    for loc in locs:
        if clauses[loc.tok] != cl:
            continue
        case = _plain_case(words[loc.end])
        nxt = words[loc.end + 1] if loc.end + 1 < len(words) else ""
        if nxt in ("থেকে", "পর্যন্ত"):
            continue
        if nxt in clause_rules().place_classifiers:
            case = "LOC"
        if case == "LOC" or (etype in ("VISIT", "CONFLICT") and 0 < trig - loc.end <= 2):
            ok.append(loc)
    if not ok:
        return None
    return min(ok, key=lambda x: (abs(x.tok - trig) + (0 if x.tok < trig else 0.5))).span


def _pick_value(
    vals: dict[str, list[Located]], clauses: list[int], trig: int, etype: str
) -> Span | None:
    cl = clauses[trig]
    if etype == "INVESTMENT" and vals["MONEY"] and not any(
        clauses[v.tok] == cl for v in vals["MONEY"]
    ):
        # "চীন এ জন্য ... ঋণ দেয় এবং ... রেলপথটি নির্মাণ করে": the financing is the project's value
        return min(vals["MONEY"], key=lambda v: abs(v.tok - trig)).span
    for label in ("MONEY", "QUANTITY"):
        same = [v for v in vals[label] if clauses[v.tok] == cl]
        if same:
            return min(same, key=lambda v: abs(v.tok - trig)).span
    return None


def _clause_end(clauses: list[int], i: int) -> int:
    """The last token of token i's clause (clause ids never decrease: a bisect finds it)."""
    return bisect.bisect_right(clauses, clauses[i]) - 1


def negated(
    etype: str, t: Trigger, words: list[str], clauses: list[int], stop: int = 10**9
) -> bool:
    """A negation cue between the trigger and its clause end (or the next trigger)."""
    call_off = etype in attribute_cues().neg_call_off_types
    end = min(_clause_end(clauses, t.last), stop - 1)
    for j in range(t.last + 1, end + 1):
        kind = _NEGATION_CLASS[words[j]]
        if kind == _NEGATION or (kind == _CALL_OFF and call_off):
            return True
    return False


def speculated(t: Trigger, words: list[str], clauses: list[int], stop: int = 10**9) -> bool:
    """A plan / intention cue between the trigger and its clause end (or the next trigger):
    "বৈঠকে ... যুদ্ধবিমান তৈরির পরিকল্পনা ঘোষণা করেন" speculates the aircraft, not the meeting."""
    phrases = _spec_phrases_by_first()
    end = min(_clause_end(clauses, t.last), stop - 1)
    for j in range(t.last + 1, end + 1):
        w = words[j]
        if _SPEC_AFTER[w]:
            return True
        for p in phrases.get(w, ()):
            if tuple(words[j:j + len(p)]) == p:
                return True
    cl = clauses[t.first]
    for j in range(max(0, t.first - 2), t.first):
        if clauses[j] == cl and _SPEC_BEFORE[words[j]]:
            return True
    return False


def sector(etype: str, t: Trigger, words: list[str], clauses: list[int]) -> str:
    if etype not in SECTOR_TYPES:
        return ""
    cl = clauses[t.last]
    # clause ids never decrease along the sentence: the clause is one token range
    lo = bisect.bisect_left(clauses, cl)
    hi = bisect.bisect_right(clauses, cl) - 1
    # the first sector of the description wins ("বিদ্যুৎ বাণিজ্য চুক্তি" is ENERGY, "বাণিজ্য,
    # ট্রানজিট ... চুক্তি" ECONOMY); else the first one after the trigger. The trigger's own
    # word ("বিনিয়োগে") names the event, not its sector.
    for j in range(lo, min(t.first, hi + 1)):
        name = _SECTOR_WORD[words[j]]
        if name:
            return name
    for j in range(max(lo, t.last + 1), hi + 1):
        name = _SECTOR_WORD[words[j]]
        if name:
            return name
    return attribute_cues().sector_default.get(etype, "OTHER")


def _pronoun_subject(words: list[str]) -> bool:
    """"নাজাফে তিনি ... সাক্ষাৎ করেন": the previous sentence's person goes on acting."""
    return any(w in _PRONOUNS for w in words[:4])


_PRONOUNS = frozenset({_norm("তিনি"), _norm("তাঁরা"), _norm("তারা")})


def _starts_with(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    first = words[0] if words else None
    return any(p[0] == first and tuple(words[: len(p)]) == p if p else True for p in phrases)


@functools.lru_cache(maxsize=1024)
def _confidence(base: float, explicit: int, from_sentence: bool, filled: bool) -> float:
    c = base + (0.1 if explicit >= 2 else 0.0) - (0.1 if from_sentence else 0.0)
    c -= 0.15 if filled else 0.0
    return round(min(0.99, max(0.05, c)), 4)


# ---------------------------------------------------------------------------------------------
# the stage
# ---------------------------------------------------------------------------------------------


def extract_events(analysis: Analysis) -> list[Event]:
    """All events of a document, in text order."""
    if not analysis.sentences:
        return []
    ctx = _context(analysis)
    rules = clause_rules()
    events: list[Event] = []
    last_time: Span | None = None  # the previous sentence's event time (for anaphoric continuation)
    last_person: Span | None = None  # the previous sentence's acting person ("তিনি")
    last_section = -1
    for sent in analysis.sentences:
        words = list(map(_TEXT, sent.tokens))
        if not words:
            continue
        if sent.section != last_section:
            last_time, last_person, last_section = None, None, sent.section
        placed = _placed(ctx, sent)
        cands = sentence_cands(ctx, sent, words, placed)
        if last_person is not None:
            cands = _pronoun_cands(words, cands, last_person)
        vals = _sentence_values(placed)
        infos = list(map(_TRIGGER_OPTIONS.__getitem__, words))
        if infos.count(None) == len(infos):
            triggers: list[Trigger] = []  # no word of the sentence can be a trigger
        else:
            clauses = clause_ids(words)
            # tokens inside a value or a named actor are no trigger
            blocked = [False] * len(words)
            for m, a, b in placed:
                if m.label in _BLOCKING and b >= a:
                    blocked[a:b + 1] = [True] * (b + 1 - a)
            found = find_triggers(words, clauses, blocked, infos)
            actor_toks: frozenset[int] = frozenset()
            if any(t.entry.event_type in _SPLIT_ON_ACTOR for t in found):
                actor_toks = frozenset(c.tok for c in cands
                                       if not c.implicit and c.kind == "COUNTRY")
            triggers = merge_triggers(found, clauses, actor_toks=actor_toks)
        people = [c.span for c in cands if c.kind == "PERSON" and c.case == "NOM"]
        if not triggers:
            if vals["DATE"]:
                last_time = vals["DATE"][-1].span
            last_person = people[0] if people else None
            continue
        inherit = None
        if not vals["DATE"] and last_time is not None and not _starts_with(words, rules.no_time) \
                and (_starts_with(words, rules.continuation) or _pronoun_subject(words)):
            inherit = last_time
        sentence_events: list[Event] = []
        for ti, t in enumerate(triggers):
            stop = next((o.first for o in triggers[ti + 1:] if o.first > t.last), 10**9)

            def recent() -> frozenset[str]:  # the event types told lately (needed rarely)
                return frozenset(e.event_type for e in events[-4:] + sentence_events  # noqa: B023
                                 if e.sentence_index >= sent.index - 3)  # noqa: B023

            if _is_anaphoric(t, words, cands, recent):
                continue
            etype = t.entry.event_type
            trig = t.last
            cl = clauses[trig]
            raw = [c for c in cands if clauses[c.tok] == cl]
            dropped = _drop_affiliations(raw)
            local = _select(raw, ctx, trig, dropped)
            from_sentence = False
            prev = sentence_events[-1] if sentence_events else None
            pair = ctx.pair_keys
            if local and pair and prev is not None and not any(c.key in pair for c in local) \
                    and "Actor1" in prev.args:
                # "মিশর তীব্র সমালোচনা করে এবং ... দক্ষিণ আফ্রিকার ... মামলায় যোগ দেওয়ার ইচ্ছা প্রকাশ
                # করে": a coordinated clause without the article's states keeps the subject's event
                local = []
            if not local:
                # a clause without actors takes them from the clauses before it
                raw = [c for c in cands if clauses[c.tok] < cl]
                dropped = _drop_affiliations(raw)
                local = _select(raw, ctx, trig, dropped)
                from_sentence = bool(local)
            explicit = len({c.key for c in local if not c.implicit})
            if t.entry.min_actors and len({c.key for c in local}) < t.entry.min_actors:
                continue
            tpos = sent.tokens[trig].cstart
            a1, a2, filled = assign_roles(etype, trig, words, local, ctx, tpos, dropped)
            if a1 is None and a2 is None:
                if prev is not None and "Actor1" in prev.args:
                    a1, a2 = prev.args.get("Actor1"), prev.args.get("Actor2")
                    from_sentence = True
                elif etype in PAIR_FILL and len(ctx.pair) == 2:
                    a1, a2 = _pair_now(ctx, tpos)
                    filled = True
                else:
                    continue
            args: dict[str, Span] = {}
            if a1 is not None:
                args["Actor1"] = a1
            if a2 is not None:
                args["Actor2"] = a2
            time = _pick_time(vals["DATE"], clauses, trig, words) or inherit
            if time is not None:
                args["Time"] = time
            place = _pick_place(vals["LOC"], clauses, trig, etype, words)
            if place is not None:
                args["Place"] = place
            if etype in VALUE_TYPES:
                value = _pick_value(vals, clauses, trig, etype)
                if value is not None:
                    args["Value"] = value
            first_tok, last_tok = sent.tokens[t.first], sent.tokens[t.last]
            trigger = analysis.make_span(etype, first_tok.cstart, last_tok.cend,
                                         sentence_index=sent.index, source="rule",
                                         confidence=t.entry.confidence)
            ev = Event(
                event_type=etype,
                cameo_code=_cameo(etype),
                trigger=trigger,
                args=args,
                negated=negated(etype, t, words, clauses, stop),
                speculated=speculated(t, words, clauses, stop),
                sector=sector(etype, t, words, clauses),
                sentence_index=sent.index,
                source="rule",
                confidence=_confidence(t.entry.confidence, explicit, from_sentence, filled),
            )
            sentence_events.append(ev)
        events.extend(_drop_financing_aid(sentence_events, sent))
        times = [e.args["Time"] for e in sentence_events if "Time" in e.args]
        last_person = people[0] if people else None
        if vals["DATE"]:
            last_time = vals["DATE"][-1].span
        elif times:
            last_time = times[-1]
    ctx.events = events
    return events


@functools.cache
def _cameo(etype: str) -> str:
    return load_schema().event(etype).cameo


def _pronoun_cands(words: list[str], cands: list[Cand], person: Span) -> list[Cand]:
    """"নাজাফে তিনি ... সাক্ষাৎ করেন": তিনি is the previous sentence's acting person."""
    out = list(cands)
    for i, w in enumerate(words):
        if w in _PRONOUNS:
            out.append(Cand(i, i, _actor_key(person), "PERSON", "NOM", person, implicit=True))
    out.sort(key=lambda c: c.tok)
    return out


def _drop_financing_aid(events: list[Event], sent: Sentence) -> list[Event]:
    """A financing word beside a project is not a second event (§7 AID vs INVESTMENT)."""
    if not any(e.event_type == "INVESTMENT" for e in events):
        return events
    return [e for e in events if e.event_type != "AID"]


@register("events", requires=["mentions"], provides=["events"])
class EventStage:
    """CAMEO-aligned events with actors, time, place, value, negation and speculation."""

    def __init__(self, context: BuildContext) -> None:
        self.context = context

    def __call__(self, analysis: Analysis) -> None:
        analysis.events = extract_events(analysis)
