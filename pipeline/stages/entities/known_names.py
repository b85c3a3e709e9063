"""Step 1: the names the gazetteer knows, in each sentence.

COUNTRY with its ISO 3166 alpha-3 code, known LOC, ORG and PERSON names, and the cue
words (demonyms, titles and offices) the later patterns and the affiliation read; a
country grows over a state word or prefix ("জাম্বিয়া প্রজাতন্ত্রের", "গণপ্রজাতন্ত্রী চীন").
"""

from __future__ import annotations

import itertools
import operator

from pipeline.stages.entities.features import (
    B_STATE_WORD,
    E_STATE_PREFIX,
    G_START,
    TITLE_END,
    Recogniser,
    RuleMention,
    Sentence,
)
from pipeline.stages.entities.gazetteer import COUNTRY, DEMONYM, ORG, TITLE, Entry

_KINDS = {s: f"gazetteer:{s}" for s in ("alias", "lexicon", "cldr", "exemplar")}


class KnownNames(Recogniser):
    """Gazetteer matches and compound offices, then countries grown over state words."""

    def __call__(self, sent: Sentence) -> None:
        self._gazetteer(sent)
        self._country_names(sent)

    def _gazetteer(self, sent: Sentence) -> None:
        if not sent.any_flags & G_START:
            found = []  # no word may start a name
        else:
            starting = map(operator.and_, sent.flags, itertools.repeat(G_START))
            found = self.gaz.match(sent.words, itertools.compress(itertools.count(), starting))
        for first, last, e in found:
            m = RuleMention(e.label, first, last, code=e.code, entry=e,
                            kind=_KINDS.get(e.source) or f"gazetteer:{e.source}")
            if e.label in (DEMONYM, TITLE):
                m.emitted = False
            if e.label == ORG and not e.code:
                m.attrs["multinational"] = True
            sent.take(m)
        if not sent.any_flags & TITLE_END:
            return
        owner = sent.owner
        for k, f in enumerate(sent.flags):
            # "অর্থনীতিমন্ত্রী": any compound ending in -মন্ত্রী is an office
            if f & TITLE_END and owner[k] is None:
                entry = Entry(TITLE, "", sent.words[k], "pattern")
                sent.take(RuleMention(TITLE, k, k, entry=entry, emitted=False,
                                      kind="pattern:title"))

    def _country_names(self, sent: Sentence) -> None:
        """Grow a country over a state word or prefix ("জাম্বিয়া প্রজাতন্ত্রের")."""
        if not sent.any_flags & (B_STATE_WORD | E_STATE_PREFIX):
            return
        flags = sent.flags
        for m in [m for m in sent.mentions if m.label == COUNTRY]:
            nxt = m.last + 1
            if sent.free(nxt) and sent.joins[nxt] and not self._is_inflected(sent, m) and \
                    flags[nxt] & B_STATE_WORD:
                self._resize(sent, m, m.first, nxt)
            prev = m.first - 1
            if sent.free(prev) and sent.joins[m.first] and flags[prev] & E_STATE_PREFIX:
                self._resize(sent, m, prev, m.last)
