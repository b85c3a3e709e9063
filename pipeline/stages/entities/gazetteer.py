"""Gazetteers for the rule stage: lexicons, Bengali inflection, and a word trie.

Where the names come from:

- COUNTRY: CLDR's territory names in the pack's language as shipped by `babel`
  (`babel.Locale(locale).territories`, the locale named in the pack's `pack.yaml`),
  joined to ISO 3166 alpha-3 codes with `pycountry`; non-states (organisations,
  pseudo-locales, world regions) are dropped or turned into LOC by the pack's
  `countries.yaml`; the spellings bn.wikipedia uses that CLDR lacks, and former
  states, are in the pack's `countries_aliases.tsv`.
- LOC: CLDR world regions (babel), CLDR exemplar cities (babel
  `get_timezone_location`), and the pack's `locations.tsv`.
- ORG, PERSON, demonyms and titles: the pack's `organisations.tsv`, `persons.tsv`,
  `demonyms.tsv`, `person_titles.yaml`.

Every list is read from the language pack when a gazetteer is built
(`default_gazetteer(pack)`), never at import.

Matching works on words (whitespace/punctuation separated, words.py). A name matches
a run of words when every word but the last is equal to the name's word and the last
word is the name's last word plus an inflectional ending from the pack's
`suffixes.yaml` (or nothing; inflection.py). So "মালয়েশিয়াতে" is Malaysia and
"ভারতীয়" is not India, and a match never starts or ends inside a word.

The matcher is a dict-of-dicts trie over words, walked left to right taking the
longest match. `bench/gazetteer_matchers.py` compares it with spaCy's
PhraseMatcher over all inflected surface forms; the trie was faster on the corpus
(numbers in that script's docstring), so it is the one used.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import babel
import babel.dates
import pycountry

from pipeline.lang import LanguagePack, load_pack
from pipeline.stages.entities.inflection import Inflection, shared_inflection, suffixes
from pipeline.stages.entities.words import WORD_RE, split_columns, split_words
from pipeline.stages.normalise import normalise_text_plain

__all__ = [
    "COUNTRY", "DEMONYM", "LOC", "ORG", "PERSON", "TITLE", "WORD_RE", "Entry", "Gazetteer",
    "Inflection", "Match", "all_entries", "default_gazetteer",
    "shared_inflection", "split_columns", "split_words", "suffixes",
]

COUNTRY, PERSON, ORG, LOC = "COUNTRY", "PERSON", "ORG", "LOC"
DEMONYM, TITLE = "DEMONYM", "TITLE"
# When one spelling is listed under several labels the first label here wins:
# a country name beats an exemplar city of the same spelling (কাতার, কুয়েত).
_LABEL_PRIORITY = {COUNTRY: 0, ORG: 1, PERSON: 2, LOC: 3, DEMONYM: 4, TITLE: 5}
# Source rank within one label: project-written files beat CLDR-derived names.
_SOURCE_PRIORITY = {"alias": 0, "lexicon": 1, "cldr": 2, "exemplar": 3}

_TRIE_END = "\x00"  # key of a node's entry in the trie (never a word)
_NO_STEP = (None, None)  # Gazetteer._step for a word that neither ends nor starts a name


@dataclass(frozen=True)
class Entry:
    """One gazetteer name: its label, code (alpha-3 or ""), and where it came from."""

    label: str
    code: str
    name: str  # normalised
    source: str = "lexicon"
    kind: str = ""


class Match(NamedTuple):
    """Words [first, last] (inclusive word indices) matched by `entry`.

    (A NamedTuple, not a frozen dataclass: one is built per match, and a frozen
    dataclass is several times slower to build.)"""

    first: int
    last: int
    entry: Entry


# -- lexicons ---------------------------------------------------------------


def _norm(name: str) -> str:
    return " ".join(normalise_text_plain(name).split())


def _strip_parenthetical(name: str) -> str:
    return " ".join(re.sub(r"\([^)]*\)", " ", name).split())


def _rows(pack: LanguagePack, name: str) -> Iterable[list[str]]:
    for row in pack.tsv(name):
        yield [c.strip() for c in row]


def country_entries(pack: LanguagePack) -> list[Entry]:
    """CLDR territory names (via babel) -> COUNTRY/LOC entries, plus project aliases."""
    conf = pack.yaml("countries.yaml")
    loc_codes = set(conf["loc_codes"])
    drop = {str(c) for c in conf["drop_codes"]}
    extra = dict(conf["extra_codes"])
    out: list[Entry] = []
    for code, name in babel.Locale(pack.locale).territories.items():
        if code in drop:
            continue
        name = _norm(_strip_parenthetical(name))
        if code.isdigit():  # UN M49 world regions ("পশ্চিম আফ্রিকা") are places
            out.append(Entry(LOC, "", name, "cldr", "region"))
            continue
        if code in loc_codes:
            out.append(Entry(LOC, "", name, "cldr", "territory"))
            continue
        country = pycountry.countries.get(alpha_2=code)
        alpha3 = country.alpha_3 if country else extra.get(code)
        if alpha3:
            out.append(Entry(COUNTRY, alpha3, name, "cldr"))
    for row in _rows(pack, "countries_aliases.tsv"):
        out.append(Entry(COUNTRY, row[1], _norm(row[0]), "alias"))
    return out


def exemplar_city_entries(pack: LanguagePack) -> list[Entry]:
    """CLDR exemplar cities in the pack's language, one per time zone (babel)."""
    exclude = {_norm(n) for n in pack.yaml("loc_patterns.yaml")["exemplar_exclude"]}
    locale = pack.locale
    areas = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
    out = []
    for tz in sorted(zoneinfo.available_timezones()):
        if tz.split("/")[0] not in areas:
            continue
        try:
            city = babel.dates.get_timezone_location(tz, locale=locale, return_city=True)
        except (LookupError, ValueError):
            continue
        city = _norm(city)
        if "," in city or city in exclude or not city:
            continue
        out.append(Entry(LOC, "", city, "exemplar", "city"))
    return out


def lexicon_entries(pack: LanguagePack) -> list[Entry]:
    """Project-written lexicons: places, organisations, persons, demonyms, titles."""
    out = []
    for row in _rows(pack, "locations.tsv"):
        out.append(Entry(LOC, "", _norm(row[0]), "lexicon", row[1] if len(row) > 1 else ""))
    for row in _rows(pack, "organisations.tsv"):
        code = row[1] if len(row) > 1 and row[1] != "-" else ""
        out.append(Entry(ORG, code, _norm(row[0]), "lexicon"))
    for row in _rows(pack, "persons.tsv"):
        out.append(Entry(PERSON, row[1] if len(row) > 1 else "", _norm(row[0]), "lexicon"))
    for row in _rows(pack, "demonyms.tsv"):
        out.append(Entry(DEMONYM, row[1], _norm(row[0]), "lexicon"))
    for title in pack.yaml("person_titles.yaml")["titles"]:
        out.append(Entry(TITLE, "", _norm(title), "lexicon"))
    return out


def _variants(name: str, endings: list[tuple[str, str]]) -> set[str]:
    """Spelling variants from the word-ending rules in countries.yaml."""
    out = {name}
    for old, new in endings:
        for cur in list(out):
            words = cur.split(" ")
            for i, w in enumerate(words):
                if w.endswith(old):
                    alt = [*words[:i], w[: -len(old)] + new, *words[i + 1 :]]
                    out.add(" ".join(alt))
    return out


def all_entries(pack: LanguagePack | None = None) -> tuple[Entry, ...]:
    """Every gazetteer entry, one per distinct name (the highest-priority label wins)."""
    return _all_entries(pack or load_pack())


@functools.cache
def _all_entries(pack: LanguagePack) -> tuple[Entry, ...]:
    variant_endings = pack.yaml("countries.yaml")["variant_endings"]
    endings = [(_norm(a), _norm(b)) for a, b in variant_endings]
    best: dict[str, Entry] = {}
    raw = country_entries(pack) + lexicon_entries(pack) + exemplar_city_entries(pack)
    for entry in raw:
        for name in _variants(entry.name, endings):
            e = entry if name == entry.name else Entry(entry.label, entry.code, name,
                                                      entry.source, entry.kind)
            prev = best.get(name)
            if prev is None or _rank(e) < _rank(prev):
                # a variant never overrides a listed name of another label
                if prev is not None and name != entry.name and prev.label != e.label:
                    continue
                best[name] = e
    return tuple(best.values())


def _rank(e: Entry) -> tuple[int, int]:
    return (_LABEL_PRIORITY[e.label], _SOURCE_PRIORITY.get(e.source, 9))


# -- the matcher --------------------------------------------------------------


class Gazetteer:
    """A word trie over gazetteer names; `match` finds longest inflected matches.

    `entries` default to the pack's (`all_entries`); `inflection` to the pack's shared
    one (a document's own names are matched with the inflection of the main gazetteer).
    """

    def __init__(self, entries: Iterable[Entry] | None = None, *,
                 pack: LanguagePack | None = None, inflection: Inflection | None = None
                 ) -> None:
        self.inflection = inflection or shared_inflection(pack)
        self.root: dict = {}
        # word -> what it does at the root: (entry of the first base that ends a name
        # there, or None; the child node of the word itself, or None). Most words of a
        # sentence start no name, so `match` answers them with one dict lookup.
        self._first: dict[str, tuple[Entry | None, dict | None]] = {}
        self.entries = tuple(all_entries(pack) if entries is None else entries)
        for e in self.entries:
            cols = split_columns(e.name)
            words = cols[2] if cols is not None else [w for _, _, w in split_words(e.name)]
            if not words:
                continue
            node = self.root
            for w in words:
                node = node.setdefault(w, {})
            node[_TRIE_END] = e

    def match(self, words: list[str], candidates: Iterable[int] | None = None) -> list[Match]:
        """Non-overlapping longest matches over `words`, left to right.

        `candidates`: when the caller knows them, the increasing indices of the words
        for which `may_start` is true (no name starts anywhere else).
        """
        first = self._first
        if candidates is None:
            got = list(map(first.get, words))
            if None in got:
                root = self.root
                for i, g in enumerate(got):
                    if g is None:
                        g = got[i] = self._step(root, words[i])
                        if len(first) < 500_000:  # bounded like the inflection cache
                            first[words[i]] = g
            # only the words that begin a name (or may) are looked at; most words do not
            candidates = itertools.compress(range(len(words)), map(
                operator.is_not, got, itertools.repeat(_NO_STEP)))
        else:
            got = None
        out: list[Match] = []
        bases = self.inflection.bases
        known = self.inflection._cache  # (bases() without the call, for cached words)
        n = len(words)
        nxt = 0  # the first word not inside a match already found
        for i in candidates:
            if i < nxt:
                continue
            if got is not None:
                entry, node = got[i]
            else:
                entry, node = first.get(words[i]) or self._first_step(words[i])
            if node is None:  # entry is not None: a one-word name
                out.append(Match(i, i, entry))
                nxt = i + 1
                continue
            best, last = entry, i  # the longest name so far (best None: none yet)
            j = i + 1
            while j < n:
                w = words[j]
                for b in known.get(w) or bases(w):
                    child = node.get(b)
                    if child is not None:
                        entry = child.get(_TRIE_END)
                        if entry is not None:
                            best, last = entry, j
                            break
                node = node.get(w)
                if node is None:
                    break
                j += 1
            if best is not None:
                out.append(Match(i, last, best))
                nxt = last + 1
        return out

    def may_start(self, word: str) -> bool:
        """A name may start at `word` (a base of it is a one-word name, or the word is a
        longer name's first word)."""
        return self._first_step(word) is not _NO_STEP

    def _first_step(self, word: str) -> tuple[Entry | None, dict | None]:
        """`_step` at the root, cached."""
        got = self._first.get(word)
        if got is None:
            got = self._step(self.root, word)
            if len(self._first) < 500_000:  # bounded like the inflection cache
                self._first[word] = got
        return got

    def _step(self, node: dict, word: str) -> tuple[Entry | None, dict | None]:
        """At trie `node`: the entry the word (a base of it) ends, and the word's child
        (`_NO_STEP` when it has neither)."""
        for b in self.inflection.bases(word):
            child = node.get(b)
            if child is not None:
                entry = child.get(_TRIE_END)
                if entry is not None:
                    return entry, node.get(word)
        child = node.get(word)
        return _NO_STEP if child is None else (None, child)

    def lookup(self, name: str) -> Entry | None:
        """The entry for a whole (possibly inflected) name, if any."""
        words = [w for _, _, w in split_words(_norm(name))]
        found = self.match(words)
        if len(found) == 1 and found[0].first == 0 and found[0].last == len(words) - 1:
            return found[0].entry
        return None


def default_gazetteer(pack: LanguagePack | None = None) -> Gazetteer:
    """The gazetteer of every name in the pack (the default pack when none is given),
    built once per pack."""
    return _default_gazetteer(pack or load_pack())


@functools.cache
def _default_gazetteer(pack: LanguagePack) -> Gazetteer:
    return Gazetteer(pack=pack)
