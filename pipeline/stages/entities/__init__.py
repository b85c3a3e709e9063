"""Stage 3a: rule-based entities (gazetteers and patterns) with affiliation.

Per sentence (mentions are only emitted inside sentences, so headings and the
category residue carry none):

1. Gazetteer (pipeline/gazetteer.py): COUNTRY with its ISO 3166 alpha-3 code,
   known LOC, ORG and PERSON names, plus demonyms and titles used as cues; all
   matched on whole words with Bengali inflectional endings.
2. LOC patterns: a known place followed by a classifier that belongs to the name
   grows over it ("নীল নদের"); an unknown name word before a classifier
   ("জাম্বেজি নদীর") or before শহর/নগরী becomes a LOC (শহর stays outside).
3. ORG patterns: words before a head noun ("... মন্ত্রণালয়", "... বিশ্ববিদ্যালয়",
   "... ইউনিভার্সিটি অব ..."); a genitive country word before a state body's name
   is part of the ORG ("ভারতের পররাষ্ট্র মন্ত্রণালয়") and is then no COUNTRY.
4. PERSON after a title or office ("তাজিকিস্তানের রাষ্ট্রপতি, ইমোমালি রাহমোন"),
   never including the title; the name ends at punctuation, a stop word, a
   postposition, a known name, or after a word with a case ending.
5. Every PERSON name found is searched again in the whole document, in full and
   by its last word ("মের্কেল" after "আঙ্গেলা মের্কেল").
6. Affiliation (ISO alpha-3 in `span.affiliation`): the country or demonym before
   the office ("সৌদি আরবের বাদশাহ X", "সৌদি পররাষ্ট্রমন্ত্রী X"), the anaphor
   "দেশটির" -> the nearest preceding country mention, the genitive country inside
   or right before an ORG, the demonym inside an ORG name, and the known-leader
   and organisation lists.
"""

from __future__ import annotations

import functools
import itertools
import operator
from dataclasses import dataclass, field

import babel
from spacy.lang.bn.stop_words import STOP_WORDS

from pipeline.config import load_yaml
from pipeline.model import Analysis, Span
from pipeline.stages.base import BuildContext, register
from pipeline.stages.entities.gazetteer import (
    COUNTRY,
    DEMONYM,
    LOC,
    ORG,
    PERSON,
    TITLE,
    Entry,
    Gazetteer,
    default_gazetteer,
    split_columns,
    split_words,
)
from pipeline.stages.normalise import normalise_text_plain

_GENITIVE_ENDINGS = ("এর", "ের", "র", "-এর", "-র", "েরও", "এরও", "রও", "েরই", "রই")
# case endings after which a person's name is over ("মোবারকের মধ্যস্থতায়"); after the
# first word only the unambiguous genitive ("এনরিকে পেনিয়া" is a first name in -কে)
_NAME_FINAL_ENDINGS = ("ের", "এর", "কে", "দের", "-এর", "-কে", "েরও", "কেও", "য়ের")
# a bare -র genitive ("বুসিয়ার") also ends many names ("কুমার"): it ends a name only
# from the third word on
_WEAK_FINAL_ENDINGS = ("র", "রও")
_NAME_FINAL_ENDINGS_FIRST = ("ের", "-এর", "েরও")
_ARABIC_PREFIXES = tuple(normalise_text_plain(w) for w in ("আল-", "এল-"))
_LOCATIVE_ENDINGS = tuple(normalise_text_plain(w) for w in ("ে", "তে", "য়"))
_ADVERB_ENDINGS = tuple(normalise_text_plain(w) for w in ("ভাবে", "গতভাবে", "কালে"))
_NOUN_ENDINGS = tuple(
    normalise_text_plain(w) for w in ("টি", "টির", "টিকে", "টিতে", "গুলো", "গুলোর", "গুলি", "সমূহ")
)
_FROM, _UNTIL = normalise_text_plain("থেকে"), normalise_text_plain("পর্যন্ত")
# endings that mark a word as inflected for case (not a bare name word); a final ে
# alone is not one: transliterated names end in it ("কাফুয়ে", "এনরিকে")
_STRONG_ENDINGS = tuple(
    normalise_text_plain(w) for w in ("ের", "এর", "কে", "তে", "দের", "-এর", "েরা", "য়", "য়ে")
)
_MAX_NAME_WORDS = 4
_MAX_ARABIC_NAME_WORDS = 7  # "মনসুর বিন খালিদ বিন ফারহান"
_ARABIC_LINKS = frozenset(normalise_text_plain(w) for w in ("বিন", "ইবনে", "আল", "বিনতে"))
_ANAPHORS = frozenset(normalise_text_plain(w) for w in ("দেশটির", "দেশটি", "দেশটিতে"))


def _norm_set(words: list[str]) -> frozenset[str]:
    return frozenset(" ".join(normalise_text_plain(w).split()) for w in words)


@functools.cache
def _resources() -> dict:
    titles = load_yaml("person_titles.yaml")
    org = load_yaml("org_heads.yaml")
    loc = load_yaml("loc_patterns.yaml")
    countries = load_yaml("countries.yaml")
    # spaCy's Bengali stop words, plus the month names (CLDR via babel) and the
    # spellings bn.wikipedia also uses, which never begin or continue a name
    months = [m for m in babel.Locale("bn").months["format"]["wide"].values()]
    months += [m.replace("ী", "ি") for m in months]
    stop = _norm_set(list(STOP_WORDS)) | _norm_set(months)
    out = {
        "initials": _norm_set(titles["initials"]),
        "national_heads": _norm_set(org["national_heads"]),
        "single_name_titles": _norm_set(titles["single_name_titles"]),
        "descriptors": _norm_set(org["descriptors"]),
        "facility": _norm_set(loc["facility_classifiers"]),
        "settlement_before_name": _norm_set(loc["settlement_before_name"]),
        "place_verbs": _norm_set(loc["place_verbs"]),
        "not_places": _norm_set(loc["not_places"]),
        "title_endings": tuple(_norm_set(titles["title_endings"])),
        "directions": _norm_set(loc["direction_words"]),
        "state_words": _norm_set(countries["state_words"]),
        "state_prefixes": _norm_set(countries["state_prefixes"]),
        "stop": stop,
        "title_modifiers": _norm_set(titles["title_modifiers"]),
        "name_stops": (stop - _norm_set(titles["name_parts_not_stops"]))
        | _norm_set(titles["name_stops"]) | _norm_set(titles["postpositions"]),
        "postpositions": _norm_set(titles["postpositions"]),
        "org_heads": _norm_set(org["heads"]),
        "country_genitive_heads": _norm_set(org["country_genitive_heads"]),
        "of_words": _norm_set(org["of_words"]),
        "org_stops": stop | _norm_set(org["name_stops"]),
        "org_conj": _norm_set(org["inner_conjunctions"]),
        "classifiers": _norm_set(loc["classifiers"]),
        "extend_only": _norm_set(loc["extend_only"]),
        "settlement": _norm_set(loc["settlement_words"]),
    }
    # unions used on every word, built once
    out["org_cues"] = out["org_heads"] | out["descriptors"]
    out["heads_and_classifiers"] = out["org_heads"] | out["classifiers"]
    out["place_stops"] = out["name_stops"] | out["not_places"]
    out["all_stops"] = out["org_stops"] | out["name_stops"]
    out["genitive_or_national"] = out["country_genitive_heads"] | out["national_heads"]
    return out


# Per-word facts, computed once per distinct word (EntityRules._word_flags) and kept
# as one bit mask per word of a sentence: the patterns below test a bit instead of
# re-deriving a word's base forms and set memberships for every rule that looks at it,
# and a stage whose cue words are absent from a sentence (the OR of its masks) skips it.
# Some base form of the word is in the resource set:
_B_CLASSIFIER = 1 << 0  # classifiers
_B_EXTEND_ONLY = 1 << 1  # extend_only
_B_FACILITY = 1 << 2  # facility
_B_SETTLEMENT = 1 << 3  # settlement
_B_ORG_CUE = 1 << 4  # org_cues
_B_ORG_HEAD = 1 << 5  # org_heads
_B_STATE_WORD = 1 << 6  # state_words
_B_NATIONAL = 1 << 7  # national_heads
_B_GENITIVE_OR_NATIONAL = 1 << 8  # genitive_or_national
_B_HEAD_OR_CLASSIFIER = 1 << 9  # heads_and_classifiers
# The word itself is in the resource set:
_E_SETTLEMENT_BEFORE = 1 << 10  # settlement_before_name
_E_PLACE_VERB = 1 << 11  # place_verbs
_E_DIRECTION = 1 << 12  # directions
_E_CONJ = 1 << 13  # org_conj
_E_POSTPOSITION = 1 << 14  # postpositions
_E_OF = 1 << 15  # of_words
_E_DESCRIPTOR = 1 << 16  # descriptors
_E_INITIAL = 1 << 17  # initials
_E_STATE_PREFIX = 1 << 18  # state_prefixes
_E_TITLE_MODIFIER = 1 << 19  # title_modifiers
_E_FROM = 1 << 20  # থেকে
_E_UNTIL = 1 << 21  # পর্যন্ত
# _is_name_word(word, stops) with these stop sets:
_N_NAME = 1 << 22  # name_stops
_N_ORG = 1 << 23  # org_stops
_N_PLACE = 1 << 24  # place_stops
_N_ALL = 1 << 25  # all_stops
_STRONG = 1 << 26  # _strong(word): a case ending
_TITLE_END = 1 << 27  # a compound office ("অর্থনীতিমন্ত্রী"): ends in a title ending
_GENITIVE = 1 << 28  # ends in a genitive and is longer than 3 (see _after_genitive)
_LOCATIVE = 1 << 29  # a locative ending that is no adverb ending (place-verb pattern)
_S_COMMA = 1 << 30  # in `_Sent.any_flags` only: the sentence has a comma
_G_START = 1 << 31  # a gazetteer name may start at the word (Gazetteer.may_start)

_BASE_BITS = (
    (_B_CLASSIFIER, "classifiers"), (_B_EXTEND_ONLY, "extend_only"), (_B_FACILITY, "facility"),
    (_B_SETTLEMENT, "settlement"), (_B_ORG_CUE, "org_cues"), (_B_ORG_HEAD, "org_heads"),
    (_B_STATE_WORD, "state_words"), (_B_NATIONAL, "national_heads"),
    (_B_GENITIVE_OR_NATIONAL, "genitive_or_national"),
    (_B_HEAD_OR_CLASSIFIER, "heads_and_classifiers"),
)
_EXACT_BITS = (
    (_E_SETTLEMENT_BEFORE, "settlement_before_name"), (_E_PLACE_VERB, "place_verbs"),
    (_E_DIRECTION, "directions"), (_E_CONJ, "org_conj"), (_E_POSTPOSITION, "postpositions"),
    (_E_OF, "of_words"), (_E_DESCRIPTOR, "descriptors"), (_E_INITIAL, "initials"),
    (_E_STATE_PREFIX, "state_prefixes"), (_E_TITLE_MODIFIER, "title_modifiers"),
)
_NAME_BITS = (
    (_N_NAME, "name_stops"), (_N_ORG, "org_stops"), (_N_PLACE, "place_stops"),
    (_N_ALL, "all_stops"),
)
_NAME_ALL = _N_NAME | _N_ORG | _N_PLACE | _N_ALL
_FLAG_CACHE_MAX = 500_000  # bounded like the inflection cache


@functools.cache
def _bit_tables() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """word -> OR of the bits of the resource sets holding it, for the base-form sets,
    the exact-word sets and the stop sets: one dict probe instead of one per set."""
    res = _resources()
    tables: list[dict[str, int]] = []
    for bits in (_BASE_BITS, _EXACT_BITS, _NAME_BITS):
        table: dict[str, int] = {}
        for bit, name in bits:
            for w in res[name]:
                table[w] = table.get(w, 0) | bit
        tables.append(table)
    base_bits, exact_bits, stop_bits = tables
    return base_bits, exact_bits, stop_bits


_GAZETTEER_KINDS = {s: f"gazetteer:{s}" for s in ("alias", "lexicon", "cldr", "exemplar")}


@dataclass(slots=True)
class _Mention:
    label: str
    first: int  # word indices, inclusive
    last: int
    code: str = ""  # ISO code (COUNTRY) or the entry's affiliation (PERSON/ORG)
    affiliation: str = ""
    kind: str = ""
    entry: Entry | None = None
    emitted: bool = True  # False for cue words (demonyms, titles) and absorbed mentions
    attrs: dict = field(default_factory=dict)


@dataclass(slots=True)
class _Sent:
    index: int
    text: str  # the clean text of the sentence
    starts: list[int]
    ends: list[int]
    words: list[str]
    gaps: list[str]  # clean text before each word (from the previous word's end)
    owner: list[_Mention | None]
    flags: list[int]  # per word: the _B_/_E_/_N_... bits of the word
    joins: list[bool]  # joins[k] == joined(k) (joins[0] is False)
    any_flags: int  # OR of `flags`: which cue words occur in the sentence at all
    mentions: list[_Mention] = field(default_factory=list)

    def take(self, m: _Mention) -> None:
        for k in range(m.first, m.last + 1):
            self.owner[k] = m
        self.mentions.append(m)

    def release(self, m: _Mention) -> None:
        for k in range(m.first, m.last + 1):
            if self.owner[k] is m:
                self.owner[k] = None
        self.mentions.remove(m)

    def free(self, k: int) -> bool:
        return 0 <= k < len(self.words) and self.owner[k] is None

    def joined(self, k: int) -> bool:
        """Word k follows word k-1 with only spaces between (no punctuation)."""
        return k > 0 and self.joins[k]


_BY_FIRST = operator.attrgetter("first")


class EntityRules:
    """Finds COUNTRY, PERSON, ORG and LOC mentions with gazetteers and patterns."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gaz = gazetteer or default_gazetteer()
        self.res = _resources()
        self.bases = self.gaz.inflection.bases
        self._flag_cache: dict[str, int] = {}
        self._bit_tables = _bit_tables()
        self._pair_cache: dict[str, bool] = {}
        self._doc_entries: dict[tuple[str, str, str], Entry] = {}

    # -- public ---------------------------------------------------------
    def find(self, analysis: Analysis) -> list[Span]:
        sents = [self._words(analysis, s.index, s.cstart, s.cend) for s in analysis.sentences]
        for sent in sents:
            if not sent.words:
                continue  # nothing to find (every step below would do nothing)
            self._gazetteer(sent)
            self._country_names(sent)
            self._loc_patterns(sent)
            self._org_patterns(sent)
            self._persons_after_titles(sent)
        self._propagate_persons(sents)
        self._propagate_places(sents)
        self._affiliate(sents)
        spans: list[Span] = []
        # analysis.make_span spelt out (a word is never empty, so cend > cstart): this
        # runs for every mention
        offsets, raw = analysis.offsets, analysis.doc.text
        for sent in sents:
            if not sent.mentions:
                continue
            for m in sorted(sent.mentions, key=_BY_FIRST):
                if not m.emitted:
                    continue
                cstart, cend = sent.starts[m.first], sent.ends[m.last]
                start, end = offsets[cstart], offsets[cend - 1] + 1
                spans.append(Span(
                    m.label, start, end, raw[start:end], cstart, cend,
                    norm=f"ISO3166:{m.code}" if m.label == COUNTRY else "",
                    source="rule",
                    sentence_index=sent.index,
                    affiliation=m.affiliation if m.label in (PERSON, ORG) else "",
                    attrs={"rule": m.kind} if m.kind else {},
                ))
        return spans

    # -- helpers -----------------------------------------------------------
    def _words(self, analysis: Analysis, index: int, cstart: int, cend: int) -> _Sent:
        clean = analysis.clean
        text = clean[cstart:cend]
        cols = split_columns(text, cstart)
        if cols is not None and "-" in text and any(
            self._country_pair(w) for w in cols[2] if "-" in w
        ):
            cols = None  # a country pair to cut in two: the general path below
        if cols is not None:
            starts, ends, words, gaps = cols
        else:
            found = split_words(text, cstart)
            if "-" in text:  # no hyphen, no country pair to split
                found = self._split_country_pairs(found)
            starts = [a for a, _, _ in found]
            ends = [b for _, b, _ in found]
            words = [w for _, _, w in found]
            # gap k: from the end of word k-1 (the sentence start for k == 0) to word k
            gaps = [clean[p:a] for p, a in zip([cstart, *ends], starts, strict=False)]
        # (every gap but the first is a non-empty run of separators, so isspace() is
        # "not g.strip()"; the first word never follows another)
        joins = list(map(str.isspace, gaps))
        if joins:
            joins[0] = False
        flags = list(map(self._flag_cache.get, words))
        if None in flags:
            word_flags = self._word_flags
            flags = [word_flags(w) if f is None else f for w, f in zip(words, flags, strict=True)]
        any_flags = functools.reduce(operator.or_, flags, _S_COMMA if "," in text else 0)
        return _Sent(index, text, starts, ends, words, gaps, [None] * len(words), flags, joins,
                     any_flags)

    def _word_flags(self, word: str) -> int:
        """The bit mask of `word` (see the _B_/_E_/_N_ constants); cached."""
        base_bits, exact_bits, stop_bits = self._bit_tables
        f = exact_bits.get(word, 0)
        for b in self.bases(word):  # a base-form bit is set when any base is in the set
            f |= base_bits.get(b, 0)
        # _is_name_word(word, stops) for every stop set at once
        if not any(c.isdigit() for c in word) and len(word) >= 2 \
                and not word.endswith(_NOUN_ENDINGS):
            f |= _NAME_ALL & ~stop_bits.get(word, 0)
        if word == _FROM:
            f |= _E_FROM
        if word == _UNTIL:
            f |= _E_UNTIL
        if word.endswith(_STRONG_ENDINGS):
            f |= _STRONG
        ends = self.res["title_endings"]
        if word.endswith(ends) and word not in ends:
            f |= _TITLE_END
        if word.endswith(_GENITIVE_ENDINGS) and len(word) > 3:
            f |= _GENITIVE
        if word.endswith(_LOCATIVE_ENDINGS) and not word.endswith(_ADVERB_ENDINGS):
            f |= _LOCATIVE
        if self.gaz.may_start(word):
            f |= _G_START
        if len(self._flag_cache) < _FLAG_CACHE_MAX:
            self._flag_cache[word] = f
        return f

    def _split_country_pairs(
        self, found: list[tuple[int, int, str]]
    ) -> list[tuple[int, int, str]]:
        """'''ইসরায়েল-মিশর সম্পর্ক''': a hyphen between two country names separates
        two words (an en dash always does); "সৌদি-কাতার" (demonym-country) stays one."""
        out = []
        for a, b, word in found:
            if self._country_pair(word):
                parts = word.split("-")
                cut = a + len(parts[0])
                out.extend([(a, cut, parts[0]), (cut + 1, b, parts[1])])
                continue
            out.append((a, b, word))
        return out

    def _country_pair(self, word: str) -> bool:
        """The word is two country names joined by one hyphen (cached: lookups are slow)."""
        got = self._pair_cache.get(word)
        if got is None:
            got = False
            if "-" in word and not word.startswith("-"):
                parts = word.split("-")
                entries = [self.gaz.lookup(p) for p in parts] if len(parts) == 2 else []
                got = bool(entries) and all(e is not None and e.label == COUNTRY
                                            for e in entries)
            if len(self._pair_cache) < _FLAG_CACHE_MAX:
                self._pair_cache[word] = got
        return got

    @staticmethod
    def _ending(word: str, entry_last: str) -> str:
        return word[len(entry_last):] if word.startswith(entry_last) else ""

    def _is_genitive(self, sent: _Sent, m: _Mention) -> bool:
        if m.entry is None:
            return False
        last = m.entry.name.split(" ")[-1]
        return self._ending(sent.words[m.last], last) in _GENITIVE_ENDINGS

    @staticmethod
    def _strong(word: str) -> bool:
        """The word carries a case ending (it cannot be a bare name word)."""
        return word.endswith(_STRONG_ENDINGS)

    @staticmethod
    def _after_genitive(sent: _Sent, k: int) -> bool:
        """Word k follows a genitive ("মেক্সিকোর দূতাবাস"): it heads a phrase, not a name."""
        return k > 0 and sent.joins[k] and bool(sent.flags[k - 1] & _GENITIVE)

    def _ends_name(self, sent: _Sent, j: int) -> bool:
        """Word j can be the last word of a name: it has a case ending, or it is bare
        and a break follows (end, punctuation, postposition, conjunction, a mention)."""
        word = sent.words[j]
        if word.endswith(_NAME_FINAL_ENDINGS + _WEAK_FINAL_ENDINGS):
            return True
        if sent.flags[j] & _STRONG or word.endswith("ে"):
            return False
        nxt = j + 1
        return (
            nxt >= len(sent.words) or not sent.joins[nxt] or sent.owner[nxt] is not None
            or bool(sent.flags[nxt] & (_E_POSTPOSITION | _E_CONJ))
        )

    def _is_name_word(self, word: str, stops: frozenset[str]) -> bool:
        return (
            word not in stops
            and not any(c.isdigit() for c in word)
            and len(word) >= 2
            # classifier and plural endings go on common nouns, not on names
            and not word.endswith(_NOUN_ENDINGS)
        )

    # -- 1. gazetteer -------------------------------------------------------
    def _gazetteer(self, sent: _Sent) -> None:
        if not sent.any_flags & _G_START:
            found = []  # no word may start a name
        else:
            starting = map(operator.and_, sent.flags, itertools.repeat(_G_START))
            found = self.gaz.match(sent.words, itertools.compress(itertools.count(), starting))
        for first, last, e in found:
            m = _Mention(e.label, first, last, code=e.code, entry=e,
                         kind=_GAZETTEER_KINDS.get(e.source) or f"gazetteer:{e.source}")
            if e.label in (DEMONYM, TITLE):
                m.emitted = False
            if e.label == ORG and not e.code:
                m.attrs["multinational"] = True
            sent.take(m)
        if not sent.any_flags & _TITLE_END:
            return
        owner = sent.owner
        for k, f in enumerate(sent.flags):
            # "অর্থনীতিমন্ত্রী": any compound ending in -মন্ত্রী is an office
            if f & _TITLE_END and owner[k] is None:
                entry = Entry(TITLE, "", sent.words[k], "pattern")
                sent.take(_Mention(TITLE, k, k, entry=entry, emitted=False, kind="pattern:title"))

    def _country_names(self, sent: _Sent) -> None:
        """Grow a country over a state word or prefix ("জাম্বিয়া প্রজাতন্ত্রের")."""
        if not sent.any_flags & (_B_STATE_WORD | _E_STATE_PREFIX):
            return
        flags = sent.flags
        for m in [m for m in sent.mentions if m.label == COUNTRY]:
            nxt = m.last + 1
            if sent.free(nxt) and sent.joins[nxt] and not self._is_inflected(sent, m) and \
                    flags[nxt] & _B_STATE_WORD:
                self._resize(sent, m, m.first, nxt)
            prev = m.first - 1
            if sent.free(prev) and sent.joins[m.first] and flags[prev] & _E_STATE_PREFIX:
                self._resize(sent, m, prev, m.last)

    @staticmethod
    def _resize(sent: _Sent, m: _Mention, first: int, last: int) -> None:
        sent.release(m)
        m.first, m.last = first, last
        sent.take(m)

    def _is_inflected(self, sent: _Sent, m: _Mention) -> bool:
        if m.entry is None:
            return False
        return sent.words[m.last] != m.entry.name.split(" ")[-1]

    # -- 2. LOC ------------------------------------------------------------
    def _loc_patterns(self, sent: _Sent) -> None:
        any_flags = sent.any_flags
        n = len(sent.words)
        owner, flags, joins = sent.owner, sent.flags, sent.joins
        if any_flags & (_B_CLASSIFIER | _B_SETTLEMENT):
            for k in range(1, n):  # both patterns need joined(k), so never k == 0
                f = flags[k]
                if not f & (_B_CLASSIFIER | _B_SETTLEMENT) or owner[k] is not None \
                        or not joins[k]:
                    continue
                if f & _B_CLASSIFIER:
                    prev = owner[k - 1]
                    if prev is not None and prev.label in (LOC, COUNTRY) and prev.last == k - 1:
                        # "নীল নদের", "ভেনেজুয়েলা উপসাগরের": a bare place or country name
                        # before a classifier names a place together with it
                        if not self._is_inflected(sent, prev) and (
                            prev.label == LOC or not f & _B_EXTEND_ONLY
                        ):
                            self._resize(sent, prev, prev.first, k)
                            prev.label, prev.code = LOC, ""
                            prev.kind += "+classifier"
                        continue
                    if f & _B_EXTEND_ONLY:
                        continue
                    first = k
                    width = 2 if f & _B_FACILITY else 1
                    while (
                        first - 1 >= 0 and k - first < width and owner[first - 1] is None
                        and joins[first]
                        and flags[first - 1] & _N_ORG and not flags[first - 1] & _STRONG
                    ):
                        first -= 1
                    if first < k:
                        sent.take(_Mention(LOC, first, k, kind="pattern:classifier"))
                else:  # a settlement word
                    before = flags[k - 1]
                    if owner[k - 1] is None and before & _N_ORG and not before & _STRONG \
                            and not self._after_genitive(sent, k - 1):
                        sent.take(_Mention(LOC, k - 1, k - 1, kind="pattern:settlement"))
        if any_flags & _E_SETTLEMENT_BEFORE:
            for k in range(n - 1):
                # "বন্দরনগরী খোররমশহর", "রাজধানী আরবিলে"
                if flags[k] & _E_SETTLEMENT_BEFORE and owner[k + 1] is None and \
                        joins[k + 1] and flags[k + 1] & _N_NAME:
                    sent.take(_Mention(LOC, k + 1, k + 1, kind="pattern:settlement"))
        if any_flags & _E_PLACE_VERB:
            for k in range(1, n):
                # "হামিনায় স্বাক্ষরিত": a locative word before a signing/meeting verb
                if flags[k] & _E_PLACE_VERB and joins[k] and owner[k - 1] is None:
                    before = flags[k - 1]
                    if before & _N_PLACE and before & _LOCATIVE \
                            and not self._after_genitive(sent, k - 1):
                        sent.take(_Mention(LOC, k - 1, k - 1, kind="pattern:place_verb"))
        if any_flags & _E_FROM and any_flags & _E_UNTIL:
            self._from_to(sent)
        if any_flags & _E_DIRECTION:
            # "উত্তর সিনাইয়ে": a compass word before a place begins its name
            for m in [m for m in sent.mentions if m.label == LOC]:
                prev = m.first - 1
                if sent.free(prev) and sent.joins[m.first] and flags[prev] & _E_DIRECTION:
                    self._resize(sent, m, prev, m.last)

    def _from_to(self, sent: _Sent) -> None:
        """"X থেকে Y পর্যন্ত" with one known place: the other one-word end is a place."""
        words = sent.words
        n = len(words)
        for k in range(1, n - 2):
            if words[k] != _FROM:
                continue
            for j in range(k + 2, min(n, k + 5)):
                if words[j] == _UNTIL:
                    break
            else:
                continue
            left, right = sent.owner[k - 1], sent.owner[j - 1]
            ends = [(k - 1, left), (j - 1, right)]
            if not any(m is not None and m.label == LOC for _, m in ends):
                continue
            for idx, m in ends:
                if m is None and sent.flags[idx] & _N_NAME and \
                        (idx != j - 1 or j - 1 == k + 1) and not self._after_genitive(sent, idx):
                    sent.take(_Mention(LOC, idx, idx, kind="pattern:from_to"))

    def _propagate_places(self, sents: list[_Sent]) -> None:
        """A name a pattern found to be a place is a place everywhere in the document;
        an unknown word listed with places ("বসরা, কারবালা, নাজাফ ও ...") is one too."""
        names: dict[str, Entry] = {}
        for sent in sents:
            if not sent.mentions:
                continue  # lists, acronyms and names all start from a mention
            self._place_lists(sent)
            self._acronyms(sent)
            for m in sent.mentions:
                if m.label == LOC and m.kind.startswith("pattern") and m.first == m.last:
                    base = self.bases(sent.words[m.first])[-1]
                    if base not in names:
                        names[base] = self._doc_entry(LOC, "", base)
                elif m.label == ORG and m.kind.startswith("pattern") and m.first == m.last:
                    # a one-word organisation name found by a pattern ("বিএসএফের")
                    base = self.bases(sent.words[m.first])[-1]
                    if base not in names:
                        names[base] = self._doc_entry(ORG, m.code, base)
        if not names:
            return
        self._match_local(Gazetteer(names.values()), sents)

    def _match_local(self, local: Gazetteer, sents: list[_Sent]) -> None:
        """Take the matches of a document's own names in the free words of every sentence."""
        # A match starts at a word one of whose base forms (each a prefix of the word) is
        # a name's first word: a sentence without any first word in its text has none
        # (most sentences), and within a sentence only a run of free words (not in a
        # mention) that holds a word starting with one can have a match.
        firsts = tuple(local.root)
        for sent in sents:
            if not sent.words or not any(map(sent.text.__contains__, firsts)):
                continue
            words, owner = sent.words, sent.owner
            n = len(words)
            done = 0  # the words before it are in runs already matched
            starting = map(str.startswith, words, itertools.repeat(firsts))
            for i in itertools.compress(range(n), starting):
                if i < done or owner[i] is not None:
                    continue
                # the free run around word i (takes so far were all in earlier runs)
                a, b = i, i + 1
                while a > 0 and owner[a - 1] is None:
                    a -= 1
                while b < n and owner[b] is None:
                    b += 1
                done = b
                for match in local.match(words[a:b]):
                    e = match.entry
                    sent.take(_Mention(e.label, a + match.first, a + match.last, code=e.code,
                                       entry=e, kind="propagated"))

    def _doc_entry(self, label: str, code: str, name: str) -> Entry:
        """Entry(label, code, name, "doc"), shared between documents: an Entry is
        immutable, and building a frozen dataclass is slow."""
        key = (label, code, name)
        got = self._doc_entries.get(key)
        if got is None:
            got = Entry(label, code, name, "doc")
            if len(self._doc_entries) < _FLAG_CACHE_MAX:
                self._doc_entries[key] = got
        return got

    def _place_lists(self, sent: _Sent) -> None:
        if not sent.any_flags & (_S_COMMA | _E_CONJ):
            return  # a list needs two items: a comma or a conjunction between them
        if not any(m.label == LOC and m.emitted and self._listed(sent, m)
                   for m in sent.mentions):
            return  # a list needs a known place in it, with an item before or after it
        n = len(sent.words)
        k = 0
        while k < n:
            items: list[tuple[int, int, _Mention | None]] = []
            j = k
            after_conj = False
            while j < n:
                item = self._list_item(sent, j, after_conj)
                if item is None:
                    break
                items.append(item)
                nxt = item[1] + 1
                after_conj = False
                if nxt < n and sent.gaps[nxt].strip() == ",":
                    j = nxt
                elif nxt + 1 < n and sent.flags[nxt] & _E_CONJ and sent.joins[nxt] \
                        and sent.joins[nxt + 1]:
                    j, after_conj = nxt + 1, True
                else:
                    break
            mentions = [m for _, _, m in items if m is not None]
            if len(items) >= 2 and mentions and all(m.label == LOC for m in mentions):
                for a, _, m in items:
                    if m is None:
                        sent.take(_Mention(LOC, a, a, kind="pattern:list"))
            k = items[-1][1] + 1 if items else k + 1

    @staticmethod
    def _listed(sent: _Sent, m: _Mention) -> bool:
        """A comma or a conjunction links mention m to a list item before or after it
        (as in _place_lists: a list with m in it has one of these)."""
        k = m.first
        if k > 0 and (sent.gaps[k].strip() == "," or sent.flags[k - 1] & _E_CONJ):
            return True
        k = m.last + 1
        return k < len(sent.words) and (
            sent.gaps[k].strip() == "," or bool(sent.flags[k] & _E_CONJ)
        )

    def _acronyms(self, sent: _Sent) -> None:
        """"বাংলাদেশ রাইফেলস (বিডিআর)": one word in brackets right after an ORG is its
        short name, an ORG too."""
        n = len(sent.words)
        for m in [m for m in sent.mentions if m.label == ORG]:
            k = m.last + 1
            if k < n and sent.free(k) and sent.gaps[k].strip() == "(" and (
                k + 1 >= n or sent.gaps[k + 1].strip().startswith(")")
            ) and sent.flags[k] & _N_NAME:
                acr = _Mention(ORG, k, k, code=m.code, kind="pattern:acronym")
                if m.attrs.get("multinational"):
                    acr.attrs["multinational"] = True
                sent.take(acr)

    @staticmethod
    def _list_item(
        sent: _Sent, j: int, last: bool = False
    ) -> tuple[int, int, _Mention | None] | None:
        """A list item starting at word j: a whole mention, or one free name word."""
        owner = sent.owner[j]
        if owner is not None:
            return (j, owner.last, owner) if owner.first == j and owner.emitted else None
        if not sent.flags[j] & _N_NAME:
            return None
        joins = sent.joins
        if (j > 0 and joins[j] and (sent.flags[j - 1] & _GENITIVE
                                    or sent.owner[j - 1] is not None)):
            return None  # after a genitive (_after_genitive) or glued to a mention
        nxt = j + 1
        if not last and nxt < len(sent.words) and joins[nxt] and sent.owner[nxt] is None and \
                not sent.flags[nxt] & _E_CONJ:
            return None  # a phrase, not a one-word name
        return (j, j, None)

    # -- 3. ORG ------------------------------------------------------------
    def _org_patterns(self, sent: _Sent) -> None:
        if not sent.any_flags & _B_ORG_CUE:
            return
        n = len(sent.words)
        owner, flags = sent.owner, sent.flags
        pos = 0  # the next word a pattern may start at (after the last one found)
        for k in [k for k, f in enumerate(flags) if f & _B_ORG_CUE]:
            if k < pos or owner[k] is not None:
                continue
            head = k
            nxt = owner[head + 1] if head + 1 < n else None
            # "জাপানের উন্নয়ন সংস্থা জাইকার": a descriptor before a known name is no name
            if nxt is not None and nxt.label == ORG and sent.joins[head + 1]:
                continue
            # "বিমান সংস্থা লাতাম": a descriptor directly followed by a name introduces it
            if flags[head] & _E_DESCRIPTOR and not (
                head + 1 < n and flags[head + 1] & _E_OF
            ):
                named = self._name_after_descriptor(sent, head)
                if named is not None:
                    sent.take(named)
                    pos = named.last + 1
                    continue
            if not flags[head] & _B_ORG_HEAD:
                continue
            m = self._name_before_head(sent, head)
            if m is None:
                continue
            pos = m.last + 1

    def _name_after_descriptor(self, sent: _Sent, head: int) -> _Mention | None:
        n = len(sent.words)
        flags = sent.flags
        words: list[int] = []
        j = head + 1
        while j < n and len(words) < 6 and sent.free(j) and sent.joins[j]:
            if not flags[j] & _N_ALL:
                break
            words.append(j)
            if flags[j] & _B_ORG_HEAD:
                # "কোম্পানি চায়না ননফেরাস মেটাল মাইনিং গ্রুপ": a name with its own head
                return _Mention(ORG, words[0], j, kind="pattern:descriptor")
            j += 1
        if not words:
            return None
        # without a head noun a name is one word, or two when the second ends it
        last = words[0]
        if len(words) > 1 and not flags[words[0]] & _STRONG \
                and not sent.words[words[0]].endswith(_NAME_FINAL_ENDINGS) \
                and self._ends_name(sent, words[1]):
            last = words[1]
        return _Mention(ORG, words[0], last, kind="pattern:descriptor")

    def _name_before_head(self, sent: _Sent, head: int) -> _Mention | None:
        n = len(sent.words)
        flags = sent.flags
        first, plain, parts, absorbed = head, 0, 0, None
        j = head - 1
        while j >= 0 and sent.joins[j + 1] and head - j <= 6:
            owner, f = sent.owner[j], flags[j]
            if owner is None:
                if f & _E_CONJ and plain and j - 1 >= 0 and sent.free(j - 1) \
                        and sent.joins[j] and flags[j - 1] & _N_ORG:
                    j -= 1
                    continue
                if not f & _N_ORG or f & _STRONG or f & _B_SETTLEMENT:
                    break
                first, plain = j, plain + 1
                j -= 1
                continue
            if owner.last != j:
                break
            national = flags[head] & _B_NATIONAL
            if owner.label == COUNTRY:
                if (plain or national) and self._is_genitive(sent, owner) and \
                        flags[head] & _B_GENITIVE_OR_NATIONAL:
                    first, absorbed = owner.first, owner
                elif plain and not self._is_inflected(sent, owner):
                    # "বাংলাদেশ বিদ্যুৎ উন্নয়ন বোর্ড": a bare country word opens the name
                    first, absorbed = owner.first, owner
                break
            if owner.label in (LOC, ORG, DEMONYM) and not self._is_genitive(sent, owner):
                # a name starts with a place, a known body or a demonym ("নাইজেরিয়ান ...")
                first, parts = owner.first, parts + 1
                if owner.label == DEMONYM and national:
                    parts += 1  # "ভারতীয় সেনাবাহিনী"
            break
        last = head
        # "ইউনিভার্সিটি অব ক্রিয়েটিভ টেকনোলোজি"
        if head + 1 < n and flags[head + 1] & _E_OF and sent.joins[head + 1]:
            j = head + 2
            while j < n and j - head <= 5 and sent.owner[j] is None and sent.joins[j] and \
                    flags[j] & _N_ORG:
                last = j
                j += 1
        # "সদর দপ্তর", "পুনরুদ্ধার তহবিল": one generic word before a head is no name,
        # unless a country word or an "অব ..." part makes it one
        national = flags[head] & _B_NATIONAL
        if plain + parts < 2 and not (
            (plain or national) and (absorbed is not None or last > head)
        ) and not (national and absorbed is not None):
            return None
        m = _Mention(ORG, first, last, kind="pattern:head")
        for j in range(first, last + 1):
            owner = sent.owner[j]
            if owner is not None and owner is not m:
                if owner.label == DEMONYM and not m.code:
                    m.code = owner.code
                if owner is absorbed:
                    m.code = owner.code
                    m.attrs["country_in_name"] = True
                sent.release(owner)
        sent.take(m)
        return m

    # -- 4. PERSON after titles -------------------------------------------------
    def _persons_after_titles(self, sent: _Sent) -> None:
        res = self.res
        n = len(sent.words)
        titles = [m for m in sent.mentions if m.label == TITLE]
        if not titles:
            return
        for title in sorted(titles, key=_BY_FIRST):
            if title not in sent.mentions:
                continue  # released: it was the first word of a name
            # an inflected office ("রাষ্ট্রপতির সফরে") is not followed by a name
            if title.entry is None or self._is_inflected(sent, title):
                continue
            k = title.last + 1
            if k >= n or sent.gaps[k].strip() not in ("", ","):
                continue
            owner = sent.owner[k]
            # "যুবরাজ সুলতান বিন আবদুল আজিজ": a title word that starts an Arabic name
            if owner is not None and owner.label == TITLE and owner.first == owner.last == k \
                    and k + 1 < n and sent.words[k + 1] in _ARABIC_LINKS:
                sent.release(owner)
                owner = None
            if owner is not None:
                if owner.label == PERSON:
                    owner.attrs["title"] = title
                continue
            words = self._name_words(sent, k)
            single_ok = title.entry.name in res["single_name_titles"]
            if len(words) == 1 and not single_ok:
                continue
            if words:
                m = _Mention(PERSON, words[0], words[-1], kind="pattern:title")
                m.attrs["title"] = title
                sent.take(m)

    def _name_words(self, sent: _Sent, k: int) -> list[int]:
        """Word indices of a person's name starting at word k (after a title)."""
        flags = sent.flags
        n = len(sent.words)
        words: list[int] = []
        j = k
        # "এ কে আব্দুল মোমেন": spelt Latin initials open a name (not counted as words)
        while j + 1 < n and sent.free(j) and flags[j] & _E_INITIAL and \
                sent.free(j + 1) and sent.joined(j + 1) and (j == k or sent.joined(j)):
            j += 1
        initials = list(range(k, j))
        arabic = False
        while j < n and sent.free(j) and len(words) < _MAX_ARABIC_NAME_WORDS:
            if (j > k and not sent.joined(j)) or (j > k and j - 1 not in initials
                                                   and j - 1 not in words):
                break
            word = sent.words[j]
            if not flags[j] & _N_NAME or flags[j] & _B_HEAD_OR_CLASSIFIER:
                break
            is_link = word in _ARABIC_LINKS or word.startswith(_ARABIC_PREFIXES)
            arabic = arabic or is_link
            if len(words) >= 2 and not arabic:
                # a third (fourth) word is part of the name only when it, or the word
                # after it, ends the name ("আবুল হাসান মাহমুদ আলী ও")
                if len(words) >= _MAX_NAME_WORDS:
                    break
                if not self._ends_name(sent, j):
                    nxt = j + 1
                    if not (len(words) + 2 <= _MAX_NAME_WORDS and nxt < n and sent.free(nxt)
                            and sent.joined(nxt)
                            and flags[nxt] & _N_NAME
                            and not flags[nxt] & _B_HEAD_OR_CLASSIFIER
                            and self._ends_name(sent, nxt)
                            and not flags[j] & _STRONG and not word.endswith("ে")):
                        break
            words.append(j)
            j += 1
            if len(words) >= 2 and word.endswith(_NAME_FINAL_ENDINGS):
                break
            if len(words) >= 3 and word.endswith(_WEAK_FINAL_ENDINGS):
                break
            if len(words) == 1 and word.endswith(_NAME_FINAL_ENDINGS_FIRST):
                break
        while words and sent.words[words[-1]] in _ARABIC_LINKS:
            words.pop()
        return initials + words if words else []

    # -- 5. repeated names ---------------------------------------------------
    def _propagate_persons(self, sents: list[_Sent]) -> None:
        names: dict[str, Entry] = {}
        for sent in sents:
            for m in sent.mentions:
                if m.label != PERSON:
                    continue
                words = sent.words[m.first : m.last + 1]
                last = words[-1]
                # strip the case ending from the name's last word
                if m.entry is not None:
                    words = m.entry.name.split(" ")
                else:
                    words[-1] = self.bases(last)[-1] if last.endswith(_NAME_FINAL_ENDINGS) \
                        else last
                code = m.entry.code if m.entry is not None else ""
                full = " ".join(words)
                if full not in names:
                    names[full] = self._doc_entry(PERSON, code, full)
                surname = words[-1]
                if len(words) > 1 and len(surname) >= 3 and surname not in self.res["name_stops"] \
                        and surname not in _ARABIC_LINKS:
                    if surname not in names:
                        names[surname] = self._doc_entry(PERSON, code, surname)
                    if surname.startswith(_ARABIC_PREFIXES):  # "আল-সিসি" -> "সিসি"
                        short = surname.split("-", 1)[1]
                        if len(short) >= 3:
                            if short not in names:
                                names[short] = self._doc_entry(PERSON, code, short)
        if not names:
            return
        self._match_local(Gazetteer(names.values()), sents)  # PERSON entries only

    # -- 6. affiliation -------------------------------------------------------
    def _affiliate(self, sents: list[_Sent]) -> None:
        last_country = ""  # code of the nearest preceding COUNTRY mention in the document
        by_name: dict[str, str] = {}
        for sent in sents:
            if not sent.mentions:
                continue
            for m in sorted(sent.mentions, key=_BY_FIRST):
                if m.label == COUNTRY and m.emitted:
                    last_country = m.code
                    continue
                if m.label == PERSON:
                    title = m.attrs.get("title")
                    code = ""
                    if title is not None:
                        code = self._country_before(sent, title.first, last_country)
                    if not code:
                        code = self._country_before(sent, m.first, last_country, direct=True)
                    if not code and title is not None and m.code == "":
                        # "রাষ্ট্রপতি কেনেথ কাউন্ডা": an office without a state is held
                        # in the state the text is about: the nearest preceding one
                        code = last_country
                    m.affiliation = code or m.code
                    key = sent.words[m.last]
                    if m.affiliation:
                        by_name.setdefault(key, m.affiliation)
                    elif m.kind == "propagated":
                        m.affiliation = by_name.get(m.entry.name if m.entry else key, "")
                elif m.label == ORG:
                    if m.attrs.get("multinational"):
                        continue
                    m.affiliation = m.code or self._country_before(
                        sent, m.first, last_country, direct=True
                    ) or self._lookback_country(sent, m.first)
                    if m.affiliation == "" and m.attrs.get("country_in_name"):
                        m.affiliation = m.code
        # a short name found before its full name was seen: second pass by name
        for sent in sents:
            for m in sent.mentions:
                if m.label == PERSON and not m.affiliation and m.entry is not None:
                    m.affiliation = by_name.get(m.entry.name.split(" ")[-1], "")

    def _lookback_country(self, sent: _Sent, k: int) -> str:
        """A genitive country or demonym a few words before an ORG that a descriptor
        introduces ("চিলির খুচরা বিক্রেতা প্রতিষ্ঠান ফালাবেলা", "চীনা প্রতিষ্ঠান X")."""
        j = k - 1
        while j >= 0 and k - j <= 5 and sent.joined(j + 1):
            owner = sent.owner[j]
            if owner is not None:
                if owner.label == DEMONYM or (owner.label == COUNTRY and
                                              self._is_genitive(sent, owner)):
                    return owner.code
                return ""
            j -= 1
        return ""

    def _country_before(self, sent: _Sent, k: int, last_country: str, direct: bool = False) -> str:
        """Code of the country or demonym right before word k (over office modifiers)."""
        j = k - 1
        while j >= 0 and sent.owner[j] is None and sent.flags[j] & _E_TITLE_MODIFIER:
            j -= 1
        if j < 0 or not sent.joined(j + 1):
            return ""
        owner = sent.owner[j]
        if owner is None:
            if sent.words[j] in _ANAPHORS:
                return last_country
            return ""
        if owner.label == COUNTRY and owner.last == j:
            if direct and not self._is_genitive(sent, owner):
                return ""
            return owner.code
        if owner.label == DEMONYM and owner.last == j and not direct:
            return owner.code
        return ""


def context_affiliation(analysis: Analysis, mentions: list[Span], span: Span) -> str:
    """Affiliation of a PERSON/ORG span from the words before it (for model spans).

    The same cues as the rule stage: a genitive COUNTRY or a demonym right before the
    span or before its office ("সৌদি পররাষ্ট্রমন্ত্রী X"), "দেশটির" -> the nearest
    preceding COUNTRY, and an office with no state -> the nearest preceding COUNTRY.
    """
    gaz = default_gazetteer()
    res = _resources()
    entry = gaz.lookup(span.text)
    if entry is not None and entry.label in (ORG, PERSON):
        return entry.code
    countries = [m for m in mentions if m.label == COUNTRY and m.end <= span.start]
    nearest = countries[-1].norm.split(":")[-1] if countries else ""
    sent_index = analysis.sentence_at(span.cstart)
    if sent_index < 0:
        return ""
    sent = analysis.sentences[sent_index]
    words = split_words(analysis.clean[sent.cstart : span.cstart], sent.cstart)
    titled = False
    k = len(words) - 1
    while k >= 0:
        a, b, word = words[k]
        if analysis.clean[b : (words[k + 1][0] if k + 1 < len(words) else span.cstart)].strip():
            break  # punctuation between: no longer the span's context
        found = gaz.lookup(word)
        if (found is not None and found.label == TITLE) or word.endswith(res["title_endings"]):
            titled = True
        elif word not in res["title_modifiers"]:
            break
        k -= 1
    if k < 0:
        return nearest if titled else ""
    a, b, word = words[k]
    start, end = analysis.raw_span(a, b)
    for m in countries:
        if m.start <= start and end <= m.end and m.end == end:
            return m.norm.split(":")[-1] if word.endswith(_GENITIVE_ENDINGS) or titled else ""
    found = gaz.lookup(word)
    if found is not None and found.label == DEMONYM and titled:
        return found.code
    if word in _ANAPHORS:
        return nearest
    return nearest if titled else ""


@register("entities.rule", requires=["sentences"], provides=["candidates"])
class EntityRuleStage:
    """COUNTRY, PERSON, ORG and LOC from gazetteers and patterns (source=rule)."""

    def __init__(self, context: BuildContext) -> None:
        self.rules = EntityRules()

    def __call__(self, analysis: Analysis) -> None:
        analysis.candidates.extend(self.rules.find(analysis))
