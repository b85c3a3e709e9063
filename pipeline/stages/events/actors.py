"""Actor candidates: COUNTRY / PERSON / ORG mentions and implicit actors ("দুই দেশ", "দেশটির"),
each with a case read from its ending or the postposition after it (lang/bn/events_actors.yaml).
A PERSON/ORG stands for its `affiliation` country. With three or more parties only the
article's two states are kept (§7)."""

from __future__ import annotations

import bisect
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.lang import LanguagePack
from pipeline.model import Sentence, Span
from pipeline.stages.events.context import DocContext, actor_key, country_of, pair_now
from pipeline.stages.events.forms import norm, word_set, word_tuple

ACTOR_LABELS = ("COUNTRY", "PERSON", "ORG")
_KIND_RANK = {"PERSON": 0, "ORG": 1, "COUNTRY": 2, "PAIR": 3}
_HYPHEN = "-"  # "X-এর" tokenised as X, -, এর
_TOK = operator.attrgetter("tok")
_CSTART = operator.attrgetter("cstart")
_CEND = operator.attrgetter("cend")


@dataclass(frozen=True, eq=False)
class ActorCues:
    successor: dict[str, str]  # predecessor state code -> the state it stands for
    pair_phrases: dict[str, tuple[str, ...]]  # last token (with ending) -> preceding tokens
    one: frozenset[str]  # "দেশটি": the nearest preceding state
    anaphors: frozenset[str]  # "এই", "সেই": a trigger after them is a back-reference
    anaphor_quantifiers: frozenset[str]  # "এই দুই দেশ": no back-reference
    person_pronouns: frozenset[str]  # "তিনি": the previous sentence's acting person
    postpositions: dict[str, str]  # word -> role class
    transparent: frozenset[str]  # "X সরকার" is X
    genitive_tokens: frozenset[str]
    endings: tuple[tuple[str, str], ...]  # (ending, case), longest first
    genitive: tuple[str, ...]  # the genitive mark every genitive ends with
    accusative: tuple[str, ...]
    base_nominative: frozenset[str]  # rests after a name's base that leave it nominative
    base_accusative: tuple[str, ...]
    base_genitive: tuple[str, ...]
    case_after_words: frozenset[str] = field(init=False)  # every word after a name `case` reads
    implicit_words: frozenset[str] = field(init=False)  # a gate for the implicit-actor scan
    case_from_text: Callable[[str, tuple[str, ...]], str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        after = (frozenset({_HYPHEN}) | self.genitive_tokens | self.transparent
                 | frozenset(self.postpositions))
        object.__setattr__(self, "case_after_words", after)
        object.__setattr__(self, "implicit_words", frozenset(self.pair_phrases) | self.one)
        # cached: a state is named in a few forms, over and over, and across articles alike
        cached = functools.lru_cache(maxsize=1 << 16)(functools.partial(_case_from_text, self))
        object.__setattr__(self, "case_from_text", cached)

    @classmethod
    def from_pack(cls, pack: LanguagePack, noun_suffixes: list[str]) -> ActorCues:
        d = pack.yaml("events_actors.yaml")
        pairs: dict[str, tuple[str, ...]] = {}
        for p in d["implicit_pair"]:
            parts = norm(p).split()
            for suf in noun_suffixes:
                pairs.setdefault(parts[-1] + suf, tuple(parts[:-1]))
        post = {norm(w): role for role, ws in d["postpositions"].items() for w in ws}
        endings = sorted(((norm(e), case) for case, es in d["endings"].items() for e in es),
                         key=lambda x: -len(x[0]))
        marks, rest = d["case_marks"], d["base_rest"]
        return cls(
            successor={str(k): str(v) for k, v in d.get("successor_states", {}).items()},
            pair_phrases=pairs, one=word_set(d["implicit_one"]), anaphors=word_set(d["anaphors"]),
            anaphor_quantifiers=word_set(d["anaphor_quantifiers"]),
            person_pronouns=word_set(d["person_pronouns"]), postpositions=post,
            transparent=word_set(d["transparent"]), genitive_tokens=word_set(d["genitive_tokens"]),
            endings=tuple(endings), genitive=word_tuple(marks["genitive"]),
            accusative=word_tuple(marks["accusative"]),
            base_nominative=word_set(rest["nominative"]),
            base_accusative=word_tuple(rest["accusative"]),
            base_genitive=word_tuple(rest["genitive"]),
        )

    def mark_case(self, word: str, default: str = "NOM") -> str:
        """GEN / ACC from the case mark a word ends with, else `default`."""
        if word.endswith(self.genitive):
            return "GEN"
        return "ACC" if word.endswith(self.accusative) else default


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


def _lcp(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _case_from_text(cues: ActorCues, text: str, forms: tuple[str, ...]) -> str:
    """Case from the mention's own ending; the document's other forms of the name give the base."""
    base_len = -1
    for f in forms:
        if f == text:
            continue
        n = _lcp(text, f)
        if n >= max(2, len(text) - 4) and (base_len < 0 or n < base_len):
            base_len = n
    if base_len >= 0:
        rest = text[base_len:]
        if not rest or rest in cues.base_nominative:
            return "NOM"
        if rest.endswith(cues.base_accusative):
            return "ACC"
        if rest.endswith(cues.base_genitive):
            return "GEN"
        return "LOC"
    for ending, case in cues.endings:
        if text.endswith(ending) and len(text) > len(ending) + 1:
            return case
    return "NOM"


def plain_case(cues: ActorCues, text: str) -> str:
    """The case of a word from its ending alone (no other forms of the name known)."""
    return cues.case_from_text(text, ())


def _case(cues: ActorCues, ctx: DocContext, m: Span, a: int, b: int, words: list[str],
          code: str) -> str:
    text = words[b] if a == b else " ".join(words[a:b + 1])
    if m.label == "COUNTRY":
        case = cues.case_from_text(text, ctx.bases.get(code, ()))
    else:
        # names of people and bodies often end in a vowel (আবে, মোদী): only the marks count
        case = "ACC" if text.endswith(cues.accusative) else \
            "GEN" if text.endswith(cues.genitive) else "NOM"
    j = b + 1
    if j >= len(words) or words[j] not in cues.case_after_words:
        return case  # nothing after the name changes its case (the common case)
    if words[j] == _HYPHEN:
        j += 1
    if j < len(words) and words[j] in cues.genitive_tokens:
        case, j = "GEN", j + 1
    if j < len(words) and words[j] in cues.transparent:
        case = cues.mark_case(words[j])
        j += 1
    if j < len(words):
        role = cues.postpositions.get(words[j])
        if role is not None:
            return role
    return case


Placed = tuple[Span, int, int]  # a mention with its first and last token index in the sentence


def placed_mentions(ctx: DocContext, sent: Sentence) -> list[Placed]:
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
    cues: ActorCues, ctx: DocContext, sent: Sentence, words: list[str], placed: list[Placed]
) -> list[Cand]:
    """Actor candidates of a sentence, with token positions and cases."""
    out: list[Cand] = []
    for m, a, b in placed:
        label = m.label
        if label not in ACTOR_LABELS:
            continue
        code = country_of(m)
        key = code or f"@{m.start}"  # actor_key
        if key.startswith("@"):
            # an unaffiliated "তাজিকিস্তান সরকার" / "X-এর মন্ত্রণালয়": the country word it starts with
            key = ctx.form_country.get(words[a], key)
        out.append(Cand(a, b, key, label, _case(cues, ctx, m, a, b, words, code), m))
    gate = cues.implicit_words
    if gate.isdisjoint(words):
        # no "দুই দেশ" / "দেশটির" word: the common case, no scan needed
        out.sort(key=_TOK)
        return out
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
                case = _case_after(cues, words, i, "GEN" if w.endswith(cues.genitive) else "NOM")
                for s in pair_now(ctx, sent.tokens[i].cstart):
                    out.append(Cand(i - k, i, country_of(s), "COUNTRY", case, s, implicit=True))
        elif w in cues.one:
            prev = _previous_country(ctx, sent, i)
            if prev is not None:
                case = _case_after(cues, words, i, "GEN" if w.endswith(cues.genitive) else "NOM")
                out.append(Cand(i, i, country_of(prev), "COUNTRY", case, prev, implicit=True))
    out.sort(key=_TOK)
    return out


def _case_after(cues: ActorCues, words: list[str], i: int, default: str) -> str:
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


def pronoun_cands(cues: ActorCues, words: list[str], cands: list[Cand], person: Span
                  ) -> list[Cand]:
    """"নাজাফে তিনি ... সাক্ষাৎ করেন": তিনি is the previous sentence's acting person."""
    out = list(cands)
    for i, w in enumerate(words):
        if w in cues.person_pronouns:
            out.append(Cand(i, i, actor_key(person), "PERSON", "NOM", person, implicit=True))
    out.sort(key=_TOK)
    return out


def pronoun_subject(cues: ActorCues, words: list[str]) -> bool:
    """"নাজাফে তিনি ... সাক্ষাৎ করেন": the previous sentence's person goes on acting."""
    return any(w in cues.person_pronouns for w in words[:4])


def drop_affiliations(cands: list[Cand]) -> list[Cand]:
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


def select(
    cands: list[Cand], ctx: DocContext, trig: int, dropped: list[Cand] | None = None
) -> list[Cand]:
    """One candidate per state (a named person over an org over the country), article states
    only when the clause also names others (§7 three-party rule).

    `dropped`: `drop_affiliations(cands)` when the caller has it already."""
    if not cands:
        return []
    if dropped is None:
        dropped = drop_affiliations(cands)
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
        chosen = _three_party_rule(chosen, ctx)
    for c in chosen:
        if not c.key.startswith("@"):
            return chosen
    # none or only unaffiliated bodies ("ইউরোপীয় কয়লা ও ইস্পাত সম্প্রদায় গঠিত হয়"): not the parties
    return []


def _three_party_rule(chosen: list[Cand], ctx: DocContext) -> list[Cand]:
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
    if not inside or len(inside) >= len(chosen):
        return chosen
    if len(states) >= 3:
        return inside
    # two named states are the event's sides even when one is not an article state
    # ("১৯৬২ সালের ভারত-চীন যুদ্ধ" in an India-US article); bodies go
    return [c for c in chosen if not (c.key.startswith("@") and c.kind != "PERSON")] or inside
