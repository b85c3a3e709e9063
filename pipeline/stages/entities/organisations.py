"""Step 3: ORG patterns.

The words before a head noun ("... মন্ত্রণালয়", "... বিশ্ববিদ্যালয়", "... ইউনিভার্সিটি অব
..."), a name right after a descriptor ("বিমান সংস্থা লাতাম"), and a short name in
brackets after an ORG ("বাংলাদেশ রাইফেলস (বিডিআর)"). A genitive country word before a
state body's name is part of the ORG ("ভারতের পররাষ্ট্র মন্ত্রণালয়") and is then no COUNTRY.
"""

from __future__ import annotations

from pipeline.stages.entities.features import (
    B_GENITIVE_OR_NATIONAL,
    B_NATIONAL,
    B_ORG_CUE,
    B_ORG_HEAD,
    B_SETTLEMENT,
    E_CONJ,
    E_DESCRIPTOR,
    E_OF,
    N_ALL,
    N_NAME,
    N_ORG,
    STRONG,
    Recogniser,
    RuleMention,
    Sentence,
)
from pipeline.stages.entities.gazetteer import COUNTRY, DEMONYM, LOC, ORG


class OrganisationPatterns(Recogniser):
    """ORG from head nouns and descriptors; acronyms of the ORGs found."""

    def __call__(self, sent: Sentence) -> None:
        if not sent.any_flags & B_ORG_CUE:
            return
        n = len(sent.words)
        owner, flags = sent.owner, sent.flags
        pos = 0  # the next word a pattern may start at (after the last one found)
        for k in [k for k, f in enumerate(flags) if f & B_ORG_CUE]:
            if k < pos or owner[k] is not None:
                continue
            head = k
            nxt = owner[head + 1] if head + 1 < n else None
            # "জাপানের উন্নয়ন সংস্থা জাইকার": a descriptor before a known name is no name
            if nxt is not None and nxt.label == ORG and sent.joins[head + 1]:
                continue
            # "বিমান সংস্থা লাতাম": a descriptor directly followed by a name introduces it
            if flags[head] & E_DESCRIPTOR and not (
                head + 1 < n and flags[head + 1] & E_OF
            ):
                named = self._name_after_descriptor(sent, head)
                if named is not None:
                    sent.take(named)
                    pos = named.last + 1
                    continue
            if not flags[head] & B_ORG_HEAD:
                continue
            m = self._name_before_head(sent, head)
            if m is None:
                continue
            pos = m.last + 1

    def _name_after_descriptor(self, sent: Sentence, head: int) -> RuleMention | None:
        n = len(sent.words)
        flags = sent.flags
        words: list[int] = []
        j = head + 1
        while j < n and len(words) < 6 and sent.free(j) and sent.joins[j]:
            if not flags[j] & N_ALL:
                break
            words.append(j)
            if flags[j] & B_ORG_HEAD:
                # "কোম্পানি চায়না ননফেরাস মেটাল মাইনিং গ্রুপ": a name with its own head
                return RuleMention(ORG, words[0], j, kind="pattern:descriptor")
            j += 1
        if not words:
            return None
        # without a head noun a name is one word, or two when the second ends it
        last = words[0]
        if len(words) > 1 and not flags[words[0]] & STRONG \
                and not sent.words[words[0]].endswith(self.vocab.name_final_endings) \
                and self._ends_name(sent, words[1]):
            last = words[1]
        return RuleMention(ORG, words[0], last, kind="pattern:descriptor")

    def _name_before_head(self, sent: Sentence, head: int) -> RuleMention | None:
        n = len(sent.words)
        flags = sent.flags
        first, plain, parts, absorbed = head, 0, 0, None
        j = head - 1
        while j >= 0 and sent.joins[j + 1] and head - j <= 6:
            owner, f = sent.owner[j], flags[j]
            if owner is None:
                if f & E_CONJ and plain and j - 1 >= 0 and sent.free(j - 1) \
                        and sent.joins[j] and flags[j - 1] & N_ORG:
                    j -= 1
                    continue
                if not f & N_ORG or f & STRONG or f & B_SETTLEMENT:
                    break
                first, plain = j, plain + 1
                j -= 1
                continue
            if owner.last != j:
                break
            national = flags[head] & B_NATIONAL
            if owner.label == COUNTRY:
                if (plain or national) and self._is_genitive(sent, owner) and \
                        flags[head] & B_GENITIVE_OR_NATIONAL:
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
        if head + 1 < n and flags[head + 1] & E_OF and sent.joins[head + 1]:
            j = head + 2
            while j < n and j - head <= 5 and sent.owner[j] is None and sent.joins[j] and \
                    flags[j] & N_ORG:
                last = j
                j += 1
        # "সদর দপ্তর", "পুনরুদ্ধার তহবিল": one generic word before a head is no name,
        # unless a country word or an "অব ..." part makes it one
        national = flags[head] & B_NATIONAL
        if plain + parts < 2 and not (
            (plain or national) and (absorbed is not None or last > head)
        ) and not (national and absorbed is not None):
            return None
        m = RuleMention(ORG, first, last, kind="pattern:head")
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

    def acronyms(self, sent: Sentence) -> None:
        """"বাংলাদেশ রাইফেলস (বিডিআর)": one word in brackets right after an ORG is its
        short name, an ORG too."""
        n = len(sent.words)
        for m in [m for m in sent.mentions if m.label == ORG]:
            k = m.last + 1
            if k < n and sent.free(k) and sent.gaps[k].strip() == "(" and (
                k + 1 >= n or sent.gaps[k + 1].strip().startswith(")")
            ) and sent.flags[k] & N_NAME:
                acr = RuleMention(ORG, k, k, code=m.code, kind="pattern:acronym")
                if m.attrs.get("multinational"):
                    acr.attrs["multinational"] = True
                sent.take(acr)
