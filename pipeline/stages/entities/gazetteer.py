"""Gazetteers for the rule stage: lexicons, Bengali inflection, and a word trie.

Where the names come from:

- COUNTRY: CLDR's Bengali territory names as shipped by `babel`
  (`babel.Locale("bn").territories`), joined to ISO 3166 alpha-3 codes with
  `pycountry`; non-states (organisations, pseudo-locales, world regions) are
  dropped or turned into LOC by `resources/countries.yaml`; the spellings
  bn.wikipedia uses that CLDR lacks, and former states, are in
  `resources/countries_aliases.tsv`.
- LOC: CLDR world regions (babel), CLDR exemplar cities (babel
  `get_timezone_location`), and `resources/locations.tsv`.
- ORG, PERSON, demonyms and titles: `resources/organisations.tsv`,
  `persons.tsv`, `demonyms.tsv`, `person_titles.yaml`.

Matching works on words (whitespace/punctuation separated). A name matches a run
of words when every word but the last is equal to the name's word and the last
word is the name's last word plus an inflectional ending from
`resources/suffixes.yaml` (or nothing). So "মালয়েশিয়াতে" is Malaysia and
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
import unicodedata
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import babel
import babel.dates
import pycountry

from pipeline.config import load_tsv, load_yaml
from pipeline.stages.normalise import normalise_text_plain

COUNTRY, PERSON, ORG, LOC = "COUNTRY", "PERSON", "ORG", "LOC"
DEMONYM, TITLE = "DEMONYM", "TITLE"
# When one spelling is listed under several labels the first label here wins:
# a country name beats an exemplar city of the same spelling (কাতার, কুয়েত).
_LABEL_PRIORITY = {COUNTRY: 0, ORG: 1, PERSON: 2, LOC: 3, DEMONYM: 4, TITLE: 5}
# Source rank within one label: project-written files beat CLDR-derived names.
_SOURCE_PRIORITY = {"alias": 0, "lexicon": 1, "cldr": 2, "exemplar": 3}

# A word: a run of characters that are neither whitespace nor punctuation that
# ends a word. The ASCII hyphen stays inside words ("আল-ফয়সাল", "জি৭-এর"): the
# guidelines make spans cover whole whitespace-separated words. En and em dashes
# separate words ("সৌদি আরব–কাতার").
_SEPARATORS = r"\s,;:!?।॥()\[\]{}\"'“”‘’«»<>|/–—=*#&+"
WORD_RE = re.compile(f"[^{_SEPARATORS}]+")
_SEP_RE = re.compile(f"([{_SEPARATORS}]+)")  # the runs between words, kept by split()
_EDGE_PUNCT = ".-_~`^"  # (split_columns tests for each of them)
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


def split_words(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """(start, end, word) for each word of `text`; offsets shifted by `offset`.

    Dots, hyphens and similar at a word's edges are trimmed (span rules: never
    trailing punctuation), except a final dot after a Latin letter or an initial.
    """
    out = []
    edge = _EDGE_PUNCT
    for m in WORD_RE.finditer(text):
        a, b = m.span()
        if text[a] not in edge and text[b - 1] not in edge:
            # the common case: nothing to trim (the loops below would leave it as is)
            out.append((a + offset, b + offset, m.group()))
            continue
        while a < b and text[a] in _EDGE_PUNCT:
            a += 1
        while b > a and text[b - 1] in _EDGE_PUNCT and not _keeps_final_dot(text, a, b):
            b -= 1
        if b > a:
            out.append((a + offset, b + offset, text[a:b]))
    return out


def split_columns(
    text: str, offset: int = 0
) -> tuple[list[int], list[int], list[str], list[str]] | None:
    """`split_words` as columns: starts, ends, words, and the text before each word (from
    the previous word's end, or from the start of `text`); None when a word begins or
    ends with a character that split_words may trim (then use `split_words`).

    Without such characters every word is a whole WORD_RE match, so one `re.split` and
    running sums of the piece lengths give everything without a Python loop over the
    words (the rule stage splits every sentence: this is its hottest path).
    """
    parts = _SEP_RE.split(text)  # word, separator, word, ..., word ("" at the edges)
    # one substring search per character (fast) rather than one set probe per character
    if "." in text or "-" in text or "_" in text or "~" in text or "`" in text or "^" in text:
        # split_words trims these only at a word's edges
        for w in parts[0::2]:
            if w and (w[0] in _EDGE_PUNCT or w[-1] in _EDGE_PUNCT):
                return None
    pos = list(itertools.accumulate(map(len, parts), initial=offset))
    if parts[0]:
        words, starts, ends, gaps = parts[0::2], pos[0::2], pos[1::2], ["", *parts[1::2]]
    else:  # the text starts with a separator
        words, starts, ends, gaps = parts[2::2], pos[2::2], pos[3::2], parts[1::2]
    if words and not words[-1]:  # the text ends with a separator
        words.pop()
        starts.pop()
        ends.pop()
        gaps.pop()
    return starts, ends, words, gaps


def _keeps_final_dot(text: str, a: int, b: int) -> bool:
    # "পি. ডব্লিউ. বোথা", "ডি.সি.": after a Bengali word a dot marks an abbreviation
    # or initial (the segmenter never ends a sentence there), so it stays in the word
    return text[b - 1] == "." and any("\u0980" <= c <= "\u09ff" for c in text[a : b - 1])


# -- inflection --------------------------------------------------------------


@functools.cache
def suffixes() -> tuple[str, ...]:
    """All endings a name may carry, longest first (see resources/suffixes.yaml)."""
    data = load_yaml("suffixes.yaml")
    case = [normalise_text_plain(s) for s in data["case"]]
    particles = [normalise_text_plain(s) for s in data["particles"]]
    forms = set(case) | set(particles) | {c + p for c in case for p in particles}
    # hyphenated endings only for those that start with a full letter ("-এর", not "-ের")
    forms |= {"-" + f for f in forms if unicodedata.category(f[0]) == "Lo"}
    return tuple(sorted(forms, key=len, reverse=True))


@functools.cache
def shared_inflection() -> Inflection:
    """One Inflection (and its word cache) for every gazetteer in the process."""
    return Inflection()


@functools.cache
def _bare_only() -> frozenset[str]:
    return frozenset(normalise_text_plain(n) for n in load_yaml("countries.yaml")["bare_only"])


class Inflection:
    """Base forms of a word: the word itself, then the word minus each ending."""

    def __init__(self) -> None:
        self._suffixes = frozenset(suffixes())
        self._lengths = sorted({len(x) for x in self._suffixes}, reverse=True)
        self._bare_only = _bare_only()
        self._cache: dict[str, tuple[str, ...]] = {}

    def bases(self, word: str) -> tuple[str, ...]:
        got = self._cache.get(word)
        if got is None:
            got = self._compute(word)
            if len(self._cache) < 500_000:  # bounded: a batch never grows it without limit
                self._cache[word] = got
        return got

    def _compute(self, word: str) -> tuple[str, ...]:
        out = [word]
        # longest ending first; a set lookup per possible ending length keeps this cheap
        for n in self._lengths:
            if len(word) - n < 2:
                continue
            suf = word[-n:]
            if suf not in self._suffixes:
                continue
            base = word[:-n]
            # a base must end in a letter or vowel sign, never a bare virama or nukta
            if unicodedata.category(base[-1]) in ("Lo", "Mc", "Mn", "Nd") and base not in out:
                if base in self._bare_only and not suf.startswith("-"):
                    continue
                out.append(base)
        return tuple(out)


# -- lexicons ---------------------------------------------------------------


def _norm(name: str) -> str:
    return " ".join(normalise_text_plain(name).split())


def _strip_parenthetical(name: str) -> str:
    return " ".join(re.sub(r"\([^)]*\)", " ", name).split())


def _rows(name: str) -> Iterable[list[str]]:
    for row in load_tsv(name):
        yield [c.strip() for c in row]


def country_entries() -> list[Entry]:
    """CLDR territory names (via babel) -> COUNTRY/LOC entries, plus project aliases."""
    conf = load_yaml("countries.yaml")
    loc_codes = set(conf["loc_codes"])
    drop = {str(c) for c in conf["drop_codes"]}
    extra = dict(conf["extra_codes"])
    out: list[Entry] = []
    for code, name in babel.Locale("bn").territories.items():
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
    for row in _rows("countries_aliases.tsv"):
        out.append(Entry(COUNTRY, row[1], _norm(row[0]), "alias"))
    return out


def exemplar_city_entries() -> list[Entry]:
    """CLDR exemplar cities in Bengali, one per time zone (babel)."""
    exclude = {_norm(n) for n in load_yaml("loc_patterns.yaml")["exemplar_exclude"]}
    areas = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
    out = []
    for tz in sorted(zoneinfo.available_timezones()):
        if tz.split("/")[0] not in areas:
            continue
        try:
            city = babel.dates.get_timezone_location(tz, locale="bn", return_city=True)
        except (LookupError, ValueError):
            continue
        city = _norm(city)
        if "," in city or city in exclude or not city:
            continue
        out.append(Entry(LOC, "", city, "exemplar", "city"))
    return out


def lexicon_entries() -> list[Entry]:
    """Project-written lexicons: places, organisations, persons, demonyms, titles."""
    out = []
    for row in _rows("locations.tsv"):
        out.append(Entry(LOC, "", _norm(row[0]), "lexicon", row[1] if len(row) > 1 else ""))
    for row in _rows("organisations.tsv"):
        code = row[1] if len(row) > 1 and row[1] != "-" else ""
        out.append(Entry(ORG, code, _norm(row[0]), "lexicon"))
    for row in _rows("persons.tsv"):
        out.append(Entry(PERSON, row[1] if len(row) > 1 else "", _norm(row[0]), "lexicon"))
    for row in _rows("demonyms.tsv"):
        out.append(Entry(DEMONYM, row[1], _norm(row[0]), "lexicon"))
    for title in load_yaml("person_titles.yaml")["titles"]:
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


@functools.cache
def all_entries() -> tuple[Entry, ...]:
    """Every gazetteer entry, one per distinct name (the highest-priority label wins)."""
    endings = [(_norm(a), _norm(b)) for a, b in load_yaml("countries.yaml")["variant_endings"]]
    best: dict[str, Entry] = {}
    raw = country_entries() + lexicon_entries() + exemplar_city_entries()
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
    """A word trie over gazetteer names; `match` finds longest inflected matches."""

    def __init__(self, entries: Iterable[Entry] | None = None) -> None:
        self.inflection = shared_inflection()
        self.root: dict = {}
        # word -> what it does at the root: (entry of the first base that ends a name
        # there, or None; the child node of the word itself, or None). Most words of a
        # sentence start no name, so `match` answers them with one dict lookup.
        self._first: dict[str, tuple[Entry | None, dict | None]] = {}
        self.entries = tuple(all_entries() if entries is None else entries)
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


@functools.cache
def default_gazetteer() -> Gazetteer:
    return Gazetteer()
