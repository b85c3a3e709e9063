"""Per-word facts of a sentence for the entity patterns, and the shared helpers.

`WordFeatures` splits a sentence into words (`Sentence`) and gives each word one bit
mask of facts (its base forms in a word list, a case ending, a gazetteer name may start
there...); the recognisers (`Recogniser` subclasses) test bits and take words into
`RuleMention`s.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field

from pipeline.model import Analysis
from pipeline.stages.entities.gazetteer import COUNTRY, Entry, Gazetteer
from pipeline.stages.entities.vocabulary import EntityVocabulary
from pipeline.stages.entities.words import split_columns, split_words

# Per-word facts, computed once per distinct word (WordFeatures.flags) and kept
# as one bit mask per word of a sentence: the patterns below test a bit instead of
# re-deriving a word's base forms and set memberships for every rule that looks at it,
# and a stage whose cue words are absent from a sentence (the OR of its masks) skips it.
# Some base form of the word is in the word list (an EntityVocabulary field):
B_CLASSIFIER = 1 << 0  # classifiers
B_EXTEND_ONLY = 1 << 1  # extend_only
B_FACILITY = 1 << 2  # facility
B_SETTLEMENT = 1 << 3  # settlement
B_ORG_CUE = 1 << 4  # org_cues
B_ORG_HEAD = 1 << 5  # org_heads
B_STATE_WORD = 1 << 6  # state_words
B_NATIONAL = 1 << 7  # national_heads
B_GENITIVE_OR_NATIONAL = 1 << 8  # genitive_or_national
B_HEAD_OR_CLASSIFIER = 1 << 9  # heads_and_classifiers
# The word itself is in the word list:
E_SETTLEMENT_BEFORE = 1 << 10  # settlement_before_name
E_PLACE_VERB = 1 << 11  # place_verbs
E_DIRECTION = 1 << 12  # directions
E_CONJ = 1 << 13  # org_conj
E_POSTPOSITION = 1 << 14  # postpositions
E_OF = 1 << 15  # of_words
E_DESCRIPTOR = 1 << 16  # descriptors
E_INITIAL = 1 << 17  # initials
E_STATE_PREFIX = 1 << 18  # state_prefixes
E_TITLE_MODIFIER = 1 << 19  # title_modifiers
E_FROM = 1 << 20  # থেকে
E_UNTIL = 1 << 21  # পর্যন্ত
# A name word (no digit, two letters or more, no noun ending) not in these stop lists:
N_NAME = 1 << 22  # name_stops
N_ORG = 1 << 23  # org_stops
N_PLACE = 1 << 24  # place_stops
N_ALL = 1 << 25  # all_stops
STRONG = 1 << 26  # a case ending (strong_endings): no bare name word
TITLE_END = 1 << 27  # a compound office ("অর্থনীতিমন্ত্রী"): ends in a title ending
GENITIVE = 1 << 28  # ends in a genitive and is longer than 3 (see _after_genitive)
LOCATIVE = 1 << 29  # a locative ending that is no adverb ending (place-verb pattern)
S_COMMA = 1 << 30  # in `Sentence.any_flags` only: the sentence has a comma
G_START = 1 << 31  # a gazetteer name may start at the word (Gazetteer.may_start)

_BASE_BITS = (
    (B_CLASSIFIER, "classifiers"), (B_EXTEND_ONLY, "extend_only"), (B_FACILITY, "facility"),
    (B_SETTLEMENT, "settlement"), (B_ORG_CUE, "org_cues"), (B_ORG_HEAD, "org_heads"),
    (B_STATE_WORD, "state_words"), (B_NATIONAL, "national_heads"),
    (B_GENITIVE_OR_NATIONAL, "genitive_or_national"),
    (B_HEAD_OR_CLASSIFIER, "heads_and_classifiers"),
)
_EXACT_BITS = (
    (E_SETTLEMENT_BEFORE, "settlement_before_name"), (E_PLACE_VERB, "place_verbs"),
    (E_DIRECTION, "directions"), (E_CONJ, "org_conj"), (E_POSTPOSITION, "postpositions"),
    (E_OF, "of_words"), (E_DESCRIPTOR, "descriptors"), (E_INITIAL, "initials"),
    (E_STATE_PREFIX, "state_prefixes"), (E_TITLE_MODIFIER, "title_modifiers"),
)
_NAME_BITS = (
    (N_NAME, "name_stops"), (N_ORG, "org_stops"), (N_PLACE, "place_stops"),
    (N_ALL, "all_stops"),
)
NAME_ALL = N_NAME | N_ORG | N_PLACE | N_ALL
CACHE_MAX = 500_000  # bounded like the inflection cache


@dataclass(slots=True)
class RuleMention:
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
class Sentence:
    index: int
    text: str  # the clean text of the sentence
    starts: list[int]
    ends: list[int]
    words: list[str]
    gaps: list[str]  # clean text before each word (from the previous word's end)
    owner: list[RuleMention | None]
    flags: list[int]  # per word: the _B_/_E_/_N_... bits of the word
    joins: list[bool]  # joins[k] == joined(k) (joins[0] is False)
    any_flags: int  # OR of `flags`: which cue words occur in the sentence at all
    mentions: list[RuleMention] = field(default_factory=list)

    def take(self, m: RuleMention) -> None:
        for k in range(m.first, m.last + 1):
            self.owner[k] = m
        self.mentions.append(m)

    def release(self, m: RuleMention) -> None:
        for k in range(m.first, m.last + 1):
            if self.owner[k] is m:
                self.owner[k] = None
        self.mentions.remove(m)

    def free(self, k: int) -> bool:
        return 0 <= k < len(self.words) and self.owner[k] is None

    def joined(self, k: int) -> bool:
        """Word k follows word k-1 with only spaces between (no punctuation)."""
        return k > 0 and self.joins[k]


BY_FIRST = operator.attrgetter("first")


class WordFeatures:
    """Splits sentences into words with their bit masks (cached per distinct word)."""

    def __init__(self, vocab: EntityVocabulary, gazetteer: Gazetteer) -> None:
        self.vocab = vocab
        self.gaz = gazetteer
        self.bases = gazetteer.inflection.bases
        self._flag_cache: dict[str, int] = {}
        self._bit_tables = _bit_tables(vocab)
        self._pair_cache: dict[str, bool] = {}

    def sentence(self, analysis: Analysis, index: int, cstart: int, cend: int) -> Sentence:
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
            word_flags = self.flags
            flags = [word_flags(w) if f is None else f for w, f in zip(words, flags, strict=True)]
        any_flags = functools.reduce(operator.or_, flags, S_COMMA if "," in text else 0)
        return Sentence(index, text, starts, ends, words, gaps, [None] * len(words), flags,
                        joins, any_flags)

    def flags(self, word: str) -> int:
        """The bit mask of `word` (see the B_/E_/N_ constants); cached."""
        base_bits, exact_bits, stop_bits = self._bit_tables
        vocab = self.vocab
        f = exact_bits.get(word, 0)
        for b in self.bases(word):  # a base-form bit is set when any base is in the set
            f |= base_bits.get(b, 0)
        # a name word (N_ bits) for every stop list at once; classifier and plural
        # endings go on common nouns, not on names
        if not any(c.isdigit() for c in word) and len(word) >= 2 \
                and not word.endswith(vocab.noun_endings):
            f |= NAME_ALL & ~stop_bits.get(word, 0)
        if word == vocab.from_word:
            f |= E_FROM
        if word == vocab.until_word:
            f |= E_UNTIL
        if word.endswith(vocab.strong_endings):
            f |= STRONG
        ends = vocab.title_endings
        if word.endswith(ends) and word not in ends:
            f |= TITLE_END
        if word.endswith(vocab.genitive_endings) and len(word) > 3:
            f |= GENITIVE
        if word.endswith(vocab.locative_endings) and not word.endswith(vocab.adverb_endings):
            f |= LOCATIVE
        if self.gaz.may_start(word):
            f |= G_START
        if len(self._flag_cache) < CACHE_MAX:
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
            if len(self._pair_cache) < CACHE_MAX:
                self._pair_cache[word] = got
        return got


def _bit_tables(vocab: EntityVocabulary) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """word -> OR of the bits of the word lists holding it, for the base-form lists,
    the exact-word lists and the stop lists: one dict probe instead of one per list."""
    tables: list[dict[str, int]] = []
    for bits in (_BASE_BITS, _EXACT_BITS, _NAME_BITS):
        table: dict[str, int] = {}
        for bit, name in bits:
            for w in getattr(vocab, name):
                table[w] = table.get(w, 0) | bit
        tables.append(table)
    base_bits, exact_bits, stop_bits = tables
    return base_bits, exact_bits, stop_bits


class Recogniser:
    """A group of patterns over the words of a sentence, with the tests they share."""

    def __init__(self, vocab: EntityVocabulary, gazetteer: Gazetteer) -> None:
        self.vocab = vocab
        self.gaz = gazetteer
        self.bases = gazetteer.inflection.bases

    @staticmethod
    def _ending(word: str, entry_last: str) -> str:
        return word[len(entry_last):] if word.startswith(entry_last) else ""

    def _is_genitive(self, sent: Sentence, m: RuleMention) -> bool:
        if m.entry is None:
            return False
        last = m.entry.name.split(" ")[-1]
        return self._ending(sent.words[m.last], last) in self.vocab.genitive_endings

    def _is_inflected(self, sent: Sentence, m: RuleMention) -> bool:
        if m.entry is None:
            return False
        return sent.words[m.last] != m.entry.name.split(" ")[-1]

    @staticmethod
    def _after_genitive(sent: Sentence, k: int) -> bool:
        """Word k follows a genitive ("মেক্সিকোর দূতাবাস"): it heads a phrase, not a name."""
        return k > 0 and sent.joins[k] and bool(sent.flags[k - 1] & GENITIVE)

    def _ends_name(self, sent: Sentence, j: int) -> bool:
        """Word j can be the last word of a name: it has a case ending, or it is bare
        and a break follows (end, punctuation, postposition, conjunction, a mention)."""
        word = sent.words[j]
        if word.endswith(self.vocab.any_name_final_ending):
            return True
        if sent.flags[j] & STRONG or word.endswith(self.vocab.open_vowel_ending):
            return False
        nxt = j + 1
        return (
            nxt >= len(sent.words) or not sent.joins[nxt] or sent.owner[nxt] is not None
            or bool(sent.flags[nxt] & (E_POSTPOSITION | E_CONJ))
        )

    @staticmethod
    def _resize(sent: Sentence, m: RuleMention, first: int, last: int) -> None:
        sent.release(m)
        m.first, m.last = first, last
        sent.take(m)
