"""Step 5: a name found once is found everywhere in the document.

Every PERSON name found is searched again in the whole document, in full and by its
last word ("মের্কেল" after "আঙ্গেলা মের্কেল"); a one-word place or organisation a pattern
found is searched again too.
"""

from __future__ import annotations

import itertools

from pipeline.stages.entities.features import (
    CACHE_MAX,
    Recogniser,
    RuleMention,
    Sentence,
)
from pipeline.stages.entities.gazetteer import LOC, ORG, PERSON, Entry, Gazetteer
from pipeline.stages.entities.vocabulary import EntityVocabulary


class Propagation(Recogniser):
    """The document's own names, matched in the free words of every sentence."""

    def __init__(self, vocab: EntityVocabulary, gazetteer: Gazetteer) -> None:
        super().__init__(vocab, gazetteer)
        self._doc_entries: dict[tuple[str, str, str], Entry] = {}

    def persons(self, sents: list[Sentence]) -> None:
        vocab = self.vocab
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
                    words[-1] = self.bases(last)[-1] if last.endswith(vocab.name_final_endings) \
                        else last
                code = m.entry.code if m.entry is not None else ""
                full = " ".join(words)
                if full not in names:
                    names[full] = self._doc_entry(PERSON, code, full)
                surname = words[-1]
                if len(words) > 1 and len(surname) >= 3 and surname not in vocab.name_stops \
                        and surname not in vocab.arabic_links:
                    if surname not in names:
                        names[surname] = self._doc_entry(PERSON, code, surname)
                    if surname.startswith(vocab.arabic_prefixes):  # "আল-সিসি" -> "সিসি"
                        short = surname.split("-", 1)[1]
                        if len(short) >= 3:
                            if short not in names:
                                names[short] = self._doc_entry(PERSON, code, short)
        self._match_local(names, sents)  # PERSON entries only

    def pattern_names(self, sents: list[Sentence]) -> None:
        """A one-word name a pattern found to be a place (or an organisation) is one
        everywhere in the document (run after the place lists and acronyms)."""
        names: dict[str, Entry] = {}
        for sent in sents:
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
        self._match_local(names, sents)

    def _match_local(self, names: dict[str, Entry], sents: list[Sentence]) -> None:
        """Take the matches of a document's own names in the free words of every sentence."""
        if not names:
            return
        # (with the main gazetteer's inflection and its cache of base forms)
        local = Gazetteer(names.values(), inflection=self.gaz.inflection)
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
                    sent.take(RuleMention(e.label, a + match.first, a + match.last,
                                          code=e.code, entry=e, kind="propagated"))

    def _doc_entry(self, label: str, code: str, name: str) -> Entry:
        """Entry(label, code, name, "doc"), shared between documents: an Entry is
        immutable, and building a frozen dataclass is slow."""
        key = (label, code, name)
        got = self._doc_entries.get(key)
        if got is None:
            got = Entry(label, code, name, "doc")
            if len(self._doc_entries) < CACHE_MAX:
                self._doc_entries[key] = got
        return got
