"""The word lists of the rule entity stage, read from the language pack when it is built.

Every list is normalised as the clean text is (`normalise_text_plain`), so a word of a
sentence can be looked up as it stands. The files: person_titles.yaml, org_heads.yaml,
loc_patterns.yaml, countries.yaml and entity_words.yaml (endings and closed lists);
stop words come from spaCy's list for the language plus the CLDR month names.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

import babel

from pipeline.lang import LanguagePack, load_pack
from pipeline.stages.normalise import normalise_text_plain


def _norm(word: str) -> str:
    return " ".join(normalise_text_plain(word).split())


def _norm_set(words: list[str]) -> frozenset[str]:
    return frozenset(_norm(w) for w in words)


def _norm_tuple(words: list[str]) -> tuple[str, ...]:
    return tuple(_norm(w) for w in words)


@dataclass(frozen=True, eq=False)
class EntityVocabulary:
    """The pack's entity word lists (see the files named in each field's group)."""

    # person_titles.yaml
    initials: frozenset[str]
    single_name_titles: frozenset[str]
    title_endings: tuple[str, ...]
    title_modifiers: frozenset[str]
    postpositions: frozenset[str]
    # org_heads.yaml
    national_heads: frozenset[str]
    descriptors: frozenset[str]
    org_heads: frozenset[str]
    country_genitive_heads: frozenset[str]
    of_words: frozenset[str]
    org_conj: frozenset[str]
    # loc_patterns.yaml
    facility: frozenset[str]
    settlement_before_name: frozenset[str]
    place_verbs: frozenset[str]
    not_places: frozenset[str]
    directions: frozenset[str]
    classifiers: frozenset[str]
    extend_only: frozenset[str]
    settlement: frozenset[str]
    # countries.yaml
    state_words: frozenset[str]
    state_prefixes: frozenset[str]
    # stop words: spaCy's list + CLDR months, and the stop sets of each pattern
    stop: frozenset[str]
    name_stops: frozenset[str]
    org_stops: frozenset[str]
    # entity_words.yaml
    genitive_endings: tuple[str, ...]
    name_final_endings: tuple[str, ...]
    weak_final_endings: tuple[str, ...]
    name_final_endings_first: tuple[str, ...]
    open_vowel_ending: str
    strong_endings: tuple[str, ...]
    locative_endings: tuple[str, ...]
    adverb_endings: tuple[str, ...]
    noun_endings: tuple[str, ...]
    from_word: str
    until_word: str
    arabic_prefixes: tuple[str, ...]
    arabic_links: frozenset[str]
    anaphors: frozenset[str]

    # unions tested on every word, built once
    @functools.cached_property
    def org_cues(self) -> frozenset[str]:
        return self.org_heads | self.descriptors

    @functools.cached_property
    def heads_and_classifiers(self) -> frozenset[str]:
        return self.org_heads | self.classifiers

    @functools.cached_property
    def place_stops(self) -> frozenset[str]:
        return self.name_stops | self.not_places

    @functools.cached_property
    def all_stops(self) -> frozenset[str]:
        return self.org_stops | self.name_stops

    @functools.cached_property
    def genitive_or_national(self) -> frozenset[str]:
        return self.country_genitive_heads | self.national_heads

    @functools.cached_property
    def any_name_final_ending(self) -> tuple[str, ...]:
        return self.name_final_endings + self.weak_final_endings

    @classmethod
    def from_pack(cls, pack: LanguagePack | None = None) -> EntityVocabulary:
        """The vocabulary of `pack` (the default pack when None), built once per pack."""
        return _vocabulary(pack or load_pack())


def _stop_words(pack: LanguagePack, words: dict) -> frozenset[str]:
    """spaCy's stop words for the language, plus the month names (CLDR via babel) and
    the spellings bn.wikipedia also uses, which never begin or continue a name."""
    spacy_stops = importlib.import_module(words["stop_words_module"]).STOP_WORDS
    months = list(babel.Locale(pack.locale).months["format"]["wide"].values())
    for old, new in words["month_spelling_variants"]:
        months += [m.replace(old, new) for m in months]
    return _norm_set(list(spacy_stops)) | _norm_set(months)


@functools.cache
def _vocabulary(pack: LanguagePack) -> EntityVocabulary:
    titles = pack.yaml("person_titles.yaml")
    org = pack.yaml("org_heads.yaml")
    loc = pack.yaml("loc_patterns.yaml")
    countries = pack.yaml("countries.yaml")
    words = pack.yaml("entity_words.yaml")
    stop = _stop_words(pack, words)
    return EntityVocabulary(
        initials=_norm_set(titles["initials"]),
        single_name_titles=_norm_set(titles["single_name_titles"]),
        title_endings=tuple(_norm_set(titles["title_endings"])),
        title_modifiers=_norm_set(titles["title_modifiers"]),
        postpositions=_norm_set(titles["postpositions"]),
        national_heads=_norm_set(org["national_heads"]),
        descriptors=_norm_set(org["descriptors"]),
        org_heads=_norm_set(org["heads"]),
        country_genitive_heads=_norm_set(org["country_genitive_heads"]),
        of_words=_norm_set(org["of_words"]),
        org_conj=_norm_set(org["inner_conjunctions"]),
        facility=_norm_set(loc["facility_classifiers"]),
        settlement_before_name=_norm_set(loc["settlement_before_name"]),
        place_verbs=_norm_set(loc["place_verbs"]),
        not_places=_norm_set(loc["not_places"]),
        directions=_norm_set(loc["direction_words"]),
        classifiers=_norm_set(loc["classifiers"]),
        extend_only=_norm_set(loc["extend_only"]),
        settlement=_norm_set(loc["settlement_words"]),
        state_words=_norm_set(countries["state_words"]),
        state_prefixes=_norm_set(countries["state_prefixes"]),
        stop=stop,
        name_stops=(stop - _norm_set(titles["name_parts_not_stops"]))
        | _norm_set(titles["name_stops"]) | _norm_set(titles["postpositions"]),
        org_stops=stop | _norm_set(org["name_stops"]),
        genitive_endings=_norm_tuple(words["genitive_endings"]),
        name_final_endings=_norm_tuple(words["name_final_endings"]),
        weak_final_endings=_norm_tuple(words["weak_final_endings"]),
        name_final_endings_first=_norm_tuple(words["name_final_endings_first"]),
        open_vowel_ending=_norm(words["open_vowel_ending"]),
        strong_endings=_norm_tuple(words["strong_endings"]),
        locative_endings=_norm_tuple(words["locative_endings"]),
        adverb_endings=_norm_tuple(words["adverb_endings"]),
        noun_endings=_norm_tuple(words["noun_endings"]),
        from_word=_norm(words["from_word"]),
        until_word=_norm(words["until_word"]),
        arabic_prefixes=_norm_tuple(words["arabic_prefixes"]),
        arabic_links=_norm_set(words["arabic_links"]),
        anaphors=_norm_set(words["anaphors"]),
    )
