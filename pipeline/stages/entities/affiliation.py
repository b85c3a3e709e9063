"""Step 6: affiliation, the ISO alpha-3 code of the state a PERSON or ORG belongs to.

The country or demonym before the office ("সৌদি আরবের বাদশাহ X", "সৌদি পররাষ্ট্রমন্ত্রী X"),
the anaphor "দেশটির" -> the nearest preceding country mention, the genitive country
inside or right before an ORG, the demonym inside an ORG name, and the known-leader and
organisation lists. `ContextAffiliation` applies the same cues to spans the model found
(the merge stage calls it); `country_of` (pipeline.norms) is the code a mention stands for.
"""

from __future__ import annotations

import functools

from pipeline.lang import LanguagePack, load_pack
from pipeline.model import Analysis, Span
from pipeline.norms import country_of
from pipeline.stages.entities.features import (
    BY_FIRST,
    E_TITLE_MODIFIER,
    Recogniser,
    RuleMention,
    Sentence,
)
from pipeline.stages.entities.gazetteer import (
    COUNTRY,
    DEMONYM,
    ORG,
    PERSON,
    TITLE,
    Gazetteer,
    default_gazetteer,
)
from pipeline.stages.entities.vocabulary import EntityVocabulary
from pipeline.stages.entities.words import split_words


class Affiliation(Recogniser):
    """Affiliation of the rule stage's PERSON and ORG mentions, in document order."""

    def __call__(self, sents: list[Sentence]) -> None:
        last_country = ""  # code of the nearest preceding COUNTRY mention in the document
        by_name: dict[str, str] = {}  # a person's last word -> the first affiliation found
        for sent in sents:
            if not sent.mentions:
                continue
            for m in sorted(sent.mentions, key=BY_FIRST):
                if m.label == COUNTRY and m.emitted:
                    last_country = m.code
                elif m.label == PERSON:
                    self._person(sent, m, last_country, by_name)
                elif m.label == ORG and not m.attrs.get("multinational"):
                    self._organisation(sent, m, last_country)
        # a short name found before its full name was seen: second pass by name
        for sent in sents:
            for m in sent.mentions:
                if m.label == PERSON and not m.affiliation and m.entry is not None:
                    m.affiliation = by_name.get(m.entry.name.split(" ")[-1], "")

    def _person(self, sent: Sentence, m: RuleMention, last_country: str,
                by_name: dict[str, str]) -> None:
        title = m.attrs.get("title")
        code = ""
        if title is not None:
            code = self._country_before(sent, title.first, last_country)
        if not code:
            code = self._country_before(sent, m.first, last_country, direct=True)
        if not code and title is not None and m.code == "":
            # "রাষ্ট্রপতি কেনেথ কাউন্ডা": an office without a state is held in the state
            # the text is about: the nearest preceding one
            code = last_country
        m.affiliation = code or m.code
        key = sent.words[m.last]
        if m.affiliation:
            by_name.setdefault(key, m.affiliation)
        elif m.kind == "propagated":
            m.affiliation = by_name.get(m.entry.name if m.entry else key, "")

    def _organisation(self, sent: Sentence, m: RuleMention, last_country: str) -> None:
        m.affiliation = m.code or self._country_before(
            sent, m.first, last_country, direct=True
        ) or self._lookback_country(sent, m.first)
        if m.affiliation == "" and m.attrs.get("country_in_name"):
            m.affiliation = m.code

    def _lookback_country(self, sent: Sentence, k: int) -> str:
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

    def _country_before(self, sent: Sentence, k: int, last_country: str,
                        direct: bool = False) -> str:
        """Code of the country or demonym right before word k (over office modifiers)."""
        j = k - 1
        while j >= 0 and sent.owner[j] is None and sent.flags[j] & E_TITLE_MODIFIER:
            j -= 1
        if j < 0 or not sent.joined(j + 1):
            return ""
        owner = sent.owner[j]
        if owner is None:
            if sent.words[j] in self.vocab.anaphors:
                return last_country
            return ""
        if owner.label == COUNTRY and owner.last == j:
            if direct and not self._is_genitive(sent, owner):
                return ""
            return owner.code
        if owner.label == DEMONYM and owner.last == j and not direct:
            return owner.code
        return ""



class ContextAffiliation:
    """Affiliation of a PERSON/ORG span from the words before it (for model spans).

    The same cues as the rule stage: a genitive COUNTRY or a demonym right before the
    span or before its office ("সৌদি পররাষ্ট্রমন্ত্রী X"), "দেশটির" -> the nearest
    preceding COUNTRY, and an office with no state -> the nearest preceding COUNTRY.
    """

    def __init__(self, vocab: EntityVocabulary, gazetteer: Gazetteer) -> None:
        self.vocab = vocab
        self.gaz = gazetteer

    @classmethod
    def from_pack(cls, pack: LanguagePack | None = None) -> ContextAffiliation:
        """Built once per pack (the default pack when None)."""
        return _context_affiliation(pack or load_pack())

    def __call__(self, analysis: Analysis, mentions: list[Span], span: Span) -> str:
        entry = self.gaz.lookup(span.text)
        if entry is not None and entry.label in (ORG, PERSON):
            return entry.code
        countries = [m for m in mentions if m.label == COUNTRY and m.end <= span.start]
        nearest = country_of(countries[-1]) if countries else ""
        sent_index = analysis.sentence_at(span.cstart)
        if sent_index < 0:
            return ""
        sent = analysis.sentences[sent_index]
        words = split_words(analysis.clean[sent.cstart : span.cstart], sent.cstart)
        k, titled = self._office_before(analysis, words, span)
        if k < 0:
            return nearest if titled else ""
        a, b, word = words[k]
        start, end = analysis.raw_span(a, b)
        for m in countries:
            if m.start <= start and end <= m.end and m.end == end:
                genitive = word.endswith(self.vocab.genitive_endings)
                return country_of(m) if genitive or titled else ""
        found = self.gaz.lookup(word)
        if found is not None and found.label == DEMONYM and titled:
            return found.code
        if word in self.vocab.anaphors:
            return nearest
        return nearest if titled else ""

    def _office_before(self, analysis: Analysis, words: list[tuple[int, int, str]],
                       span: Span) -> tuple[int, bool]:
        """Skip the office words and their modifiers right before the span: the index of
        the word before them (-1: none) and whether there was an office."""
        titled = False
        k = len(words) - 1
        while k >= 0:
            _, b, word = words[k]
            after = words[k + 1][0] if k + 1 < len(words) else span.cstart
            if analysis.clean[b:after].strip():
                break  # punctuation between: no longer the span's context
            found = self.gaz.lookup(word)
            if (found is not None and found.label == TITLE) or \
                    word.endswith(self.vocab.title_endings):
                titled = True
            elif word not in self.vocab.title_modifiers:
                break
            k -= 1
        return k, titled


@functools.cache
def _context_affiliation(pack: LanguagePack) -> ContextAffiliation:
    return ContextAffiliation(EntityVocabulary.from_pack(pack), default_gazetteer(pack))


def context_affiliation(analysis: Analysis, mentions: list[Span], span: Span,
                        pack: LanguagePack | None = None) -> str:
    """`ContextAffiliation` of the pack (the default pack when None) on one span."""
    return ContextAffiliation.from_pack(pack)(analysis, mentions, span)
