"""Stage 3a: rule-based entities (gazetteers and patterns) with affiliation.

Per sentence (mentions are only emitted inside sentences, so headings and the
category residue carry none), each step one recogniser of this package, all built
once from the language pack (`EntityVocabulary.from_pack`, `default_gazetteer(pack)`):

1. known_names.py: the gazetteer (gazetteer.py): COUNTRY with its ISO 3166 alpha-3
   code, known LOC, ORG and PERSON names, plus demonyms and titles used as cues; all
   matched on whole words with Bengali inflectional endings (inflection.py).
2. places.py: a known place followed by a classifier that belongs to the name grows
   over it ("নীল নদের"); an unknown name word before a classifier ("জাম্বেজি নদীর") or
   before শহর/নগরী becomes a LOC (শহর stays outside).
3. organisations.py: words before a head noun ("... মন্ত্রণালয়", "... বিশ্ববিদ্যালয়",
   "... ইউনিভার্সিটি অব ..."); a genitive country word before a state body's name is
   part of the ORG ("ভারতের পররাষ্ট্র মন্ত্রণালয়") and is then no COUNTRY.
4. persons.py: PERSON after a title or office ("তাজিকিস্তানের রাষ্ট্রপতি, ইমোমালি
   রাহমোন"), never including the title; the name ends at punctuation, a stop word, a
   postposition, a known name, or after a word with a case ending.
5. propagation.py: every PERSON name found is searched again in the whole document,
   in full and by its last word ("মের্কেল" after "আঙ্গেলা মের্কেল"); so are one-word
   places and organisations a pattern found (after the place lists and acronyms).
6. affiliation.py (ISO alpha-3 in `span.affiliation`): the country or demonym before
   the office ("সৌদি আরবের বাদশাহ X", "সৌদি পররাষ্ট্রমন্ত্রী X"), the anaphor "দেশটির" ->
   the nearest preceding country mention, the genitive country inside or right before
   an ORG, the demonym inside an ORG name, and the known-leader and organisation lists.

features.py splits a sentence into words (words.py) and gives each word one bit mask
of facts that the recognisers test; vocabulary.py reads the word lists from the pack.
"""

from __future__ import annotations

from pipeline.lang import LanguagePack
from pipeline.model import Analysis, Span
from pipeline.norms import make_norm
from pipeline.stages.base import BuildContext, register
from pipeline.stages.entities.affiliation import (
    Affiliation,
    ContextAffiliation,
    context_affiliation,
)
from pipeline.stages.entities.features import BY_FIRST, Sentence, WordFeatures
from pipeline.stages.entities.gazetteer import COUNTRY, ORG, PERSON, Gazetteer, default_gazetteer
from pipeline.stages.entities.known_names import KnownNames
from pipeline.stages.entities.organisations import OrganisationPatterns
from pipeline.stages.entities.persons import PersonPatterns
from pipeline.stages.entities.places import PlacePatterns
from pipeline.stages.entities.propagation import Propagation
from pipeline.stages.entities.vocabulary import EntityVocabulary

__all__ = [
    "ContextAffiliation", "EntityRuleStage", "EntityRules", "EntityVocabulary",
    "context_affiliation",
]


class EntityRules:
    """Finds COUNTRY, PERSON, ORG and LOC mentions with gazetteers and patterns.

    Built from a language pack (the default pack when none is given); `gazetteer`
    replaces the pack's gazetteer (tests build small ones).
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *,
                 pack: LanguagePack | None = None) -> None:
        self.vocab = EntityVocabulary.from_pack(pack)
        self.gaz = gazetteer or default_gazetteer(pack)
        self.features = WordFeatures(self.vocab, self.gaz)
        self.known_names = KnownNames(self.vocab, self.gaz)
        self.places = PlacePatterns(self.vocab, self.gaz)
        self.organisations = OrganisationPatterns(self.vocab, self.gaz)
        self.persons = PersonPatterns(self.vocab, self.gaz)
        self.propagation = Propagation(self.vocab, self.gaz)
        self.affiliation = Affiliation(self.vocab, self.gaz)

    def find(self, analysis: Analysis) -> list[Span]:
        sentence = self.features.sentence
        sents = [sentence(analysis, s.index, s.cstart, s.cend) for s in analysis.sentences]
        for sent in sents:
            if not sent.words:
                continue  # nothing to find (every step below would do nothing)
            self.known_names(sent)
            self.places(sent)
            self.organisations(sent)
            self.persons(sent)
        self.propagation.persons(sents)
        for sent in sents:
            if sent.mentions:  # lists and acronyms start from a mention
                self.places.lists(sent)
                self.organisations.acronyms(sent)
        self.propagation.pattern_names(sents)
        self.affiliation(sents)
        return _spans(analysis, sents)


def _spans(analysis: Analysis, sents: list[Sentence]) -> list[Span]:
    """The emitted mentions as spans, in document order."""
    spans: list[Span] = []
    # analysis.make_span spelt out (a word is never empty, so cend > cstart): this
    # runs for every mention
    offsets, raw = analysis.offsets, analysis.doc.text
    for sent in sents:
        if not sent.mentions:
            continue
        for m in sorted(sent.mentions, key=BY_FIRST):
            if not m.emitted:
                continue
            cstart, cend = sent.starts[m.first], sent.ends[m.last]
            start, end = offsets[cstart], offsets[cend - 1] + 1
            spans.append(Span(
                m.label, start, end, raw[start:end], cstart, cend,
                norm=make_norm("COUNTRY", m.code) if m.label == COUNTRY else "",
                source="rule",
                sentence_index=sent.index,
                affiliation=m.affiliation if m.label in (PERSON, ORG) else "",
                attrs={"rule": m.kind} if m.kind else {},
            ))
    return spans


@register("entities.rule", requires=["sentences"], provides=["candidates"])
class EntityRuleStage:
    """COUNTRY, PERSON, ORG and LOC from gazetteers and patterns (source=rule)."""

    def __init__(self, context: BuildContext) -> None:
        self.rules = EntityRules(pack=context.pack)

    def __call__(self, analysis: Analysis) -> None:
        analysis.candidates.extend(self.rules.find(analysis))
