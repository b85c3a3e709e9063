"""Step 2: LOC patterns, and lists of places.

A known place followed by a classifier that belongs to the name grows over it ("নীল
নদের"); an unknown name word before a classifier ("জাম্বেজি নদীর") or before শহর/নগরী
becomes a LOC (শহর stays outside); so does a name after a settlement word ("রাজধানী
আরবিলে"), a locative word before a signing verb ("হামিনায় স্বাক্ষরিত"), the other end of
"X থেকে Y পর্যন্ত", and an unknown word listed with known places ("বসরা, কারবালা, নাজাফ").
"""

from __future__ import annotations

from pipeline.stages.entities.features import (
    B_CLASSIFIER,
    B_EXTEND_ONLY,
    B_FACILITY,
    B_SETTLEMENT,
    E_CONJ,
    E_DIRECTION,
    E_FROM,
    E_PLACE_VERB,
    E_SETTLEMENT_BEFORE,
    E_UNTIL,
    GENITIVE,
    LOCATIVE,
    N_NAME,
    N_ORG,
    N_PLACE,
    S_COMMA,
    STRONG,
    Recogniser,
    RuleMention,
    Sentence,
)
from pipeline.stages.entities.gazetteer import COUNTRY, LOC


class PlacePatterns(Recogniser):
    """LOC from classifiers, settlement words, place verbs, routes and compass words."""

    def __call__(self, sent: Sentence) -> None:
        any_flags = sent.any_flags
        if any_flags & (B_CLASSIFIER | B_SETTLEMENT):
            self._classifiers_and_settlements(sent)
        if any_flags & E_SETTLEMENT_BEFORE:
            self._after_settlement_words(sent)
        if any_flags & E_PLACE_VERB:
            self._before_place_verbs(sent)
        if any_flags & E_FROM and any_flags & E_UNTIL:
            self._from_to(sent)
        if any_flags & E_DIRECTION:
            self._compass_words(sent)

    def _classifiers_and_settlements(self, sent: Sentence) -> None:
        n = len(sent.words)
        owner, flags, joins = sent.owner, sent.flags, sent.joins
        for k in range(1, n):  # both patterns need joined(k), so never k == 0
            f = flags[k]
            if not f & (B_CLASSIFIER | B_SETTLEMENT) or owner[k] is not None \
                    or not joins[k]:
                continue
            if f & B_CLASSIFIER:
                prev = owner[k - 1]
                if prev is not None and prev.label in (LOC, COUNTRY) and prev.last == k - 1:
                    # "নীল নদের", "ভেনেজুয়েলা উপসাগরের": a bare place or country name
                    # before a classifier names a place together with it
                    if not self._is_inflected(sent, prev) and (
                        prev.label == LOC or not f & B_EXTEND_ONLY
                    ):
                        self._resize(sent, prev, prev.first, k)
                        prev.label, prev.code = LOC, ""
                        prev.kind += "+classifier"
                    continue
                if f & B_EXTEND_ONLY:
                    continue
                first = k
                width = 2 if f & B_FACILITY else 1
                while (
                    first - 1 >= 0 and k - first < width and owner[first - 1] is None
                    and joins[first]
                    and flags[first - 1] & N_ORG and not flags[first - 1] & STRONG
                ):
                    first -= 1
                if first < k:
                    sent.take(RuleMention(LOC, first, k, kind="pattern:classifier"))
            else:  # a settlement word
                before = flags[k - 1]
                if owner[k - 1] is None and before & N_ORG and not before & STRONG \
                        and not self._after_genitive(sent, k - 1):
                    sent.take(RuleMention(LOC, k - 1, k - 1, kind="pattern:settlement"))

    @staticmethod
    def _after_settlement_words(sent: Sentence) -> None:
        """"বন্দরনগরী খোররমশহর", "রাজধানী আরবিলে": the name word after a settlement word."""
        owner, flags, joins = sent.owner, sent.flags, sent.joins
        for k in range(len(sent.words) - 1):
            if flags[k] & E_SETTLEMENT_BEFORE and owner[k + 1] is None and \
                    joins[k + 1] and flags[k + 1] & N_NAME:
                sent.take(RuleMention(LOC, k + 1, k + 1, kind="pattern:settlement"))

    def _before_place_verbs(self, sent: Sentence) -> None:
        """"হামিনায় স্বাক্ষরিত": a locative word before a signing/meeting verb."""
        owner, flags, joins = sent.owner, sent.flags, sent.joins
        for k in range(1, len(sent.words)):
            if flags[k] & E_PLACE_VERB and joins[k] and owner[k - 1] is None:
                before = flags[k - 1]
                if before & N_PLACE and before & LOCATIVE \
                        and not self._after_genitive(sent, k - 1):
                    sent.take(RuleMention(LOC, k - 1, k - 1, kind="pattern:place_verb"))

    def _compass_words(self, sent: Sentence) -> None:
        """"উত্তর সিনাইয়ে": a compass word before a place begins its name."""
        for m in [m for m in sent.mentions if m.label == LOC]:
            prev = m.first - 1
            if sent.free(prev) and sent.joins[m.first] and sent.flags[prev] & E_DIRECTION:
                self._resize(sent, m, prev, m.last)

    def _from_to(self, sent: Sentence) -> None:
        """"X থেকে Y পর্যন্ত" with one known place: the other one-word end is a place."""
        words = sent.words
        n = len(words)
        from_word, until_word = self.vocab.from_word, self.vocab.until_word
        for k in range(1, n - 2):
            if words[k] != from_word:
                continue
            for j in range(k + 2, min(n, k + 5)):
                if words[j] == until_word:
                    break
            else:
                continue
            left, right = sent.owner[k - 1], sent.owner[j - 1]
            ends = [(k - 1, left), (j - 1, right)]
            if not any(m is not None and m.label == LOC for _, m in ends):
                continue
            for idx, m in ends:
                if m is None and sent.flags[idx] & N_NAME and \
                        (idx != j - 1 or j - 1 == k + 1) and not self._after_genitive(sent, idx):
                    sent.take(RuleMention(LOC, idx, idx, kind="pattern:from_to"))

    def lists(self, sent: Sentence) -> None:
        if not sent.any_flags & (S_COMMA | E_CONJ):
            return  # a list needs two items: a comma or a conjunction between them
        if not any(m.label == LOC and m.emitted and self._listed(sent, m)
                   for m in sent.mentions):
            return  # a list needs a known place in it, with an item before or after it
        n = len(sent.words)
        k = 0
        while k < n:
            items: list[tuple[int, int, RuleMention | None]] = []
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
                elif nxt + 1 < n and sent.flags[nxt] & E_CONJ and sent.joins[nxt] \
                        and sent.joins[nxt + 1]:
                    j, after_conj = nxt + 1, True
                else:
                    break
            mentions = [m for _, _, m in items if m is not None]
            if len(items) >= 2 and mentions and all(m.label == LOC for m in mentions):
                for a, _, m in items:
                    if m is None:
                        sent.take(RuleMention(LOC, a, a, kind="pattern:list"))
            k = items[-1][1] + 1 if items else k + 1

    @staticmethod
    def _listed(sent: Sentence, m: RuleMention) -> bool:
        """A comma or a conjunction links mention m to a list item before or after it
        (as in `lists`: a list with m in it has one of these)."""
        k = m.first
        if k > 0 and (sent.gaps[k].strip() == "," or sent.flags[k - 1] & E_CONJ):
            return True
        k = m.last + 1
        return k < len(sent.words) and (
            sent.gaps[k].strip() == "," or bool(sent.flags[k] & E_CONJ)
        )

    @staticmethod
    def _list_item(
        sent: Sentence, j: int, last: bool = False
    ) -> tuple[int, int, RuleMention | None] | None:
        """A list item starting at word j: a whole mention, or one free name word."""
        owner = sent.owner[j]
        if owner is not None:
            return (j, owner.last, owner) if owner.first == j and owner.emitted else None
        if not sent.flags[j] & N_NAME:
            return None
        joins = sent.joins
        if (j > 0 and joins[j] and (sent.flags[j - 1] & GENITIVE
                                    or sent.owner[j - 1] is not None)):
            return None  # after a genitive (_after_genitive) or glued to a mention
        nxt = j + 1
        if not last and nxt < len(sent.words) and joins[nxt] and sent.owner[nxt] is None and \
                not sent.flags[nxt] & E_CONJ:
            return None  # a phrase, not a one-word name
        return (j, j, None)
