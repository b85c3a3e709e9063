"""Stage 3a: rule-based entities (gazetteers and patterns) with affiliation.

Per sentence (mentions are only emitted inside sentences, so headings and the
category residue carry none):

1. Gazetteer (pipeline/gazetteer.py): COUNTRY with its ISO 3166 alpha-3 code,
   known LOC, ORG and PERSON names, plus demonyms and titles used as cues; all
   matched on whole words with Bengali inflectional endings.
2. LOC patterns: a known place followed by a classifier that belongs to the name
   grows over it ("নীল নদের"); an unknown name word before a classifier
   ("জাম্বেজি নদীর") or before শহর/নগরী becomes a LOC (শহর stays outside).
3. ORG patterns: words before a head noun ("... মন্ত্রণালয়", "... বিশ্ববিদ্যালয়",
   "... ইউনিভার্সিটি অব ..."); a genitive country word before a state body's name
   is part of the ORG ("ভারতের পররাষ্ট্র মন্ত্রণালয়") and is then no COUNTRY.
4. PERSON after a title or office ("তাজিকিস্তানের রাষ্ট্রপতি, ইমোমালি রাহমোন"),
   never including the title; the name ends at punctuation, a stop word, a
   postposition, a known name, or after a word with a case ending.
5. Every PERSON name found is searched again in the whole document, in full and
   by its last word ("মের্কেল" after "আঙ্গেলা মের্কেল").
6. Affiliation (ISO alpha-3 in `span.affiliation`): the country or demonym before
   the office ("সৌদি আরবের বাদশাহ X", "সৌদি পররাষ্ট্রমন্ত্রী X"), the anaphor
   "দেশটির" -> the nearest preceding country mention, the genitive country inside
   or right before an ORG, the demonym inside an ORG name, and the known-leader
   and organisation lists.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from spacy.lang.bn.stop_words import STOP_WORDS

from .config import load_yaml
from .gazetteer import (
    COUNTRY,
    DEMONYM,
    LOC,
    ORG,
    PERSON,
    TITLE,
    Entry,
    Gazetteer,
    default_gazetteer,
    split_words,
)
from .model import Analysis, Span
from .normalise import normalise_text_plain

_GENITIVE_ENDINGS = ("এর", "ের", "র", "-এর", "-র", "েরও", "এরও", "রও", "েরই", "রই")
# case endings after which a person's name is over ("মোবারকের মধ্যস্থতায়")
_NAME_FINAL_ENDINGS = ("ের", "এর", "কে", "দের", "-এর", "-কে", "েরও", "কেও")
_MAX_NAME_WORDS = 4
_MAX_ARABIC_NAME_WORDS = 7  # "মনসুর বিন খালিদ বিন ফারহান"
_ARABIC_LINKS = frozenset(normalise_text_plain(w) for w in ("বিন", "ইবনে", "আল", "বিনতে"))
_ANAPHORS = frozenset(normalise_text_plain(w) for w in ("দেশটির", "দেশটি", "দেশটিতে"))


def _norm_set(words: list[str]) -> frozenset[str]:
    return frozenset(" ".join(normalise_text_plain(w).split()) for w in words)


@functools.cache
def _resources() -> dict:
    titles = load_yaml("person_titles.yaml")
    org = load_yaml("org_heads.yaml")
    loc = load_yaml("loc_patterns.yaml")
    stop = _norm_set(list(STOP_WORDS))
    return {
        "stop": stop,
        "title_modifiers": _norm_set(titles["title_modifiers"]),
        "name_stops": stop | _norm_set(titles["name_stops"]) | _norm_set(titles["postpositions"]),
        "postpositions": _norm_set(titles["postpositions"]),
        "org_heads": _norm_set(org["heads"]),
        "country_genitive_heads": _norm_set(org["country_genitive_heads"]),
        "of_words": _norm_set(org["of_words"]),
        "org_stops": stop | _norm_set(org["name_stops"]),
        "org_conj": _norm_set(org["inner_conjunctions"]),
        "classifiers": _norm_set(loc["classifiers"]),
        "extend_only": _norm_set(loc["extend_only"]),
        "settlement": _norm_set(loc["settlement_words"]),
    }


@dataclass
class _Mention:
    label: str
    first: int  # word indices, inclusive
    last: int
    code: str = ""  # ISO code (COUNTRY) or the entry's affiliation (PERSON/ORG)
    affiliation: str = ""
    kind: str = ""
    entry: Entry | None = None
    emitted: bool = True  # False for cue words (demonyms, titles) and absorbed mentions
    attrs: dict = field(default_factory=dict)


@dataclass
class _Sent:
    index: int
    starts: list[int]
    ends: list[int]
    words: list[str]
    gaps: list[str]  # clean text before each word (from the previous word's end)
    owner: list[_Mention | None]
    mentions: list[_Mention] = field(default_factory=list)

    def take(self, m: _Mention) -> None:
        for k in range(m.first, m.last + 1):
            self.owner[k] = m
        self.mentions.append(m)

    def release(self, m: _Mention) -> None:
        for k in range(m.first, m.last + 1):
            if self.owner[k] is m:
                self.owner[k] = None
        self.mentions.remove(m)

    def free(self, k: int) -> bool:
        return 0 <= k < len(self.words) and self.owner[k] is None

    def joined(self, k: int) -> bool:
        """Word k follows word k-1 with only spaces between (no punctuation)."""
        return k > 0 and not self.gaps[k].strip()


class EntityRules:
    """Finds COUNTRY, PERSON, ORG and LOC mentions with gazetteers and patterns."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gaz = gazetteer or default_gazetteer()
        self.res = _resources()
        self.bases = self.gaz.inflection.bases

    # -- public ---------------------------------------------------------
    def find(self, analysis: Analysis) -> list[Span]:
        sents = [self._words(analysis, s.index, s.cstart, s.cend) for s in analysis.sentences]
        for sent in sents:
            self._gazetteer(sent)
            self._loc_patterns(sent)
            self._org_patterns(sent)
            self._persons_after_titles(sent)
        self._propagate_persons(sents)
        self._affiliate(sents)
        spans: list[Span] = []
        for sent in sents:
            for m in sorted(sent.mentions, key=lambda m: m.first):
                if not m.emitted:
                    continue
                spans.append(
                    analysis.make_span(
                        m.label,
                        sent.starts[m.first],
                        sent.ends[m.last],
                        norm=f"ISO3166:{m.code}" if m.label == COUNTRY else "",
                        source="rule",
                        sentence_index=sent.index,
                        affiliation=m.affiliation if m.label in (PERSON, ORG) else "",
                        attrs={"rule": m.kind} if m.kind else {},
                    )
                )
        return spans

    # -- helpers -----------------------------------------------------------
    @staticmethod
    def _words(analysis: Analysis, index: int, cstart: int, cend: int) -> _Sent:
        text = analysis.clean[cstart:cend]
        found = split_words(text, cstart)
        starts = [a for a, _, _ in found]
        ends = [b for _, b, _ in found]
        words = [w for _, _, w in found]
        gaps, prev = [], cstart
        for a, b, _ in found:
            gaps.append(analysis.clean[prev:a])
            prev = b
        return _Sent(index, starts, ends, words, gaps, [None] * len(words))

    def _has_base(self, word: str, vocab: frozenset[str]) -> bool:
        return any(b in vocab for b in self.bases(word))

    @staticmethod
    def _ending(word: str, entry_last: str) -> str:
        return word[len(entry_last):] if word.startswith(entry_last) else ""

    def _is_genitive(self, sent: _Sent, m: _Mention) -> bool:
        if m.entry is None:
            return False
        last = m.entry.name.split(" ")[-1]
        return self._ending(sent.words[m.last], last) in _GENITIVE_ENDINGS

    def _is_name_word(self, word: str, stops: frozenset[str]) -> bool:
        return (
            word not in stops
            and not any(c.isdigit() for c in word)
            and len(word) >= 2
        )

    # -- 1. gazetteer -------------------------------------------------------
    def _gazetteer(self, sent: _Sent) -> None:
        for match in self.gaz.match(sent.words):
            e = match.entry
            m = _Mention(e.label, match.first, match.last, code=e.code, entry=e,
                         kind=f"gazetteer:{e.source}")
            if e.label in (DEMONYM, TITLE):
                m.emitted = False
            if e.label == ORG and not e.code:
                m.attrs["multinational"] = True
            sent.take(m)

    # -- 2. LOC ------------------------------------------------------------
    def _loc_patterns(self, sent: _Sent) -> None:
        res = self.res
        n = len(sent.words)
        for k in range(n):
            if not sent.free(k) or not sent.joined(k):
                continue
            word = sent.words[k]
            prev = sent.owner[k - 1]
            if self._has_base(word, res["classifiers"]):
                if prev is not None and prev.label == LOC and prev.last == k - 1:
                    # the place name ended uninflected before its classifier
                    if sent.words[k - 1] == (prev.entry.name.split(" ")[-1] if prev.entry
                                             else sent.words[k - 1]):
                        sent.release(prev)
                        prev.last = k
                        prev.kind += "+classifier"
                        sent.take(prev)
                    continue
                if self._has_base(word, res["extend_only"]):
                    continue
                first = k
                # one or two unknown name words before the classifier
                while (
                    first - 1 >= 0 and k - first < 2 and sent.free(first - 1)
                    and sent.joined(first)
                    and self._is_name_word(sent.words[first - 1], res["org_stops"])
                    and self.bases(sent.words[first - 1]) == (sent.words[first - 1],)
                ):
                    first -= 1
                if first < k:
                    sent.take(_Mention(LOC, first, k, kind="pattern:classifier"))
            elif word in res["settlement"] or self._has_base(word, res["settlement"]):
                if sent.free(k - 1) and self._is_name_word(sent.words[k - 1], res["org_stops"]):
                    sent.take(_Mention(LOC, k - 1, k - 1, kind="pattern:settlement"))

    # -- 3. ORG ------------------------------------------------------------
    def _org_patterns(self, sent: _Sent) -> None:
        res = self.res
        n = len(sent.words)
        k = 0
        while k < n:
            if not sent.free(k) or not self._has_base(sent.words[k], res["org_heads"]):
                k += 1
                continue
            head = k
            # "জাপানের উন্নয়ন সংস্থা জাইকার": a descriptor before a known name is no name
            nxt = sent.owner[head + 1] if head + 1 < n else None
            if nxt is not None and nxt.label == ORG and sent.joined(head + 1):
                k += 1
                continue
            first, modifiers, absorbed = head, 0, None
            j = head - 1
            while j >= 0 and sent.joined(j + 1) and head - j <= 6:
                owner, word = sent.owner[j], sent.words[j]
                if owner is None:
                    if word in res["org_conj"] and modifiers and j - 1 >= 0 \
                            and sent.free(j - 1) and sent.joined(j) \
                            and self._is_name_word(sent.words[j - 1], res["org_stops"]):
                        j -= 1
                        continue
                    if not self._is_name_word(word, res["org_stops"]):
                        break
                    if word.endswith(("ের", "-এর")) or sent.words[j] in res["postpositions"]:
                        break
                    first, modifiers = j, modifiers + 1
                    j -= 1
                    continue
                if owner.label == COUNTRY:
                    if modifiers and self._is_genitive(sent, owner) and owner.last == j and \
                            self._has_base(sent.words[head], res["country_genitive_heads"]):
                        first, absorbed = owner.first, owner
                    break
                if owner.label in (LOC, ORG, DEMONYM) and owner.last == j and \
                        not self._is_genitive(sent, owner):
                    first, modifiers = owner.first, modifiers + 1
                    if owner.label == DEMONYM:
                        j = owner.first - 1
                        continue
                break
            if not modifiers:
                k += 1
                continue
            last = head
            # "ইউনিভার্সিটি অব ক্রিয়েটিভ টেকনোলোজি"
            if head + 1 < n and sent.words[head + 1] in res["of_words"] and sent.joined(head + 1):
                j = head + 2
                while j < n and j - head <= 5 and sent.free(j) and sent.joined(j) and \
                        self._is_name_word(sent.words[j], res["org_stops"]):
                    last = j
                    j += 1
            m = _Mention(ORG, first, last, kind="pattern:head")
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
            k = last + 1

    # -- 4. PERSON after titles -------------------------------------------------
    def _persons_after_titles(self, sent: _Sent) -> None:
        res = self.res
        n = len(sent.words)
        for title in [m for m in sent.mentions if m.label == TITLE]:
            # an inflected office ("রাষ্ট্রপতির সফরে") is not followed by a name
            if title.entry is None or sent.words[title.last] != title.entry.name.split(" ")[-1]:
                continue
            k = title.last + 1
            if k >= n or sent.gaps[k].strip() not in ("", ","):
                continue
            owner = sent.owner[k]
            if owner is not None:
                if owner.label == PERSON:
                    owner.attrs["title"] = title
                continue
            words: list[int] = []
            j = k
            limit = _MAX_NAME_WORDS
            while j < n and len(words) < limit and sent.free(j):
                if j > k and not sent.joined(j):
                    break
                word = sent.words[j]
                if not self._is_name_word(word, res["name_stops"]):
                    break
                if self._has_base(word, res["org_heads"]) or \
                        self._has_base(word, res["classifiers"]):
                    break
                if word in _ARABIC_LINKS:
                    limit = _MAX_ARABIC_NAME_WORDS
                words.append(j)
                j += 1
                if word.endswith(_NAME_FINAL_ENDINGS):
                    break
            while words and sent.words[words[-1]] in _ARABIC_LINKS:
                words.pop()
            if words:
                m = _Mention(PERSON, words[0], words[-1], kind="pattern:title")
                m.attrs["title"] = title
                sent.take(m)

    # -- 5. repeated names ---------------------------------------------------
    def _propagate_persons(self, sents: list[_Sent]) -> None:
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
                    words[-1] = self.bases(last)[-1] if last.endswith(_NAME_FINAL_ENDINGS) \
                        else last
                code = m.entry.code if m.entry is not None else ""
                names.setdefault(" ".join(words), Entry(PERSON, code, " ".join(words), "doc"))
                surname = words[-1]
                if len(words) > 1 and len(surname) >= 3 and surname not in self.res["name_stops"] \
                        and surname not in _ARABIC_LINKS:
                    names.setdefault(surname, Entry(PERSON, code, surname, "doc"))
        if not names:
            return
        local = Gazetteer(names.values())
        for sent in sents:
            free_runs = self._free_runs(sent)
            for a, b in free_runs:
                for match in local.match(sent.words[a:b]):
                    m = _Mention(PERSON, a + match.first, a + match.last, code=match.entry.code,
                                 entry=match.entry, kind="propagated")
                    sent.take(m)

    @staticmethod
    def _free_runs(sent: _Sent) -> list[tuple[int, int]]:
        runs, start = [], None
        for k in range(len(sent.words) + 1):
            if k < len(sent.words) and sent.owner[k] is None:
                if start is None:
                    start = k
            elif start is not None:
                runs.append((start, k))
                start = None
        return runs

    # -- 6. affiliation -------------------------------------------------------
    def _affiliate(self, sents: list[_Sent]) -> None:
        last_country = ""  # code of the nearest preceding COUNTRY mention in the document
        by_name: dict[str, str] = {}
        for sent in sents:
            for m in sorted(sent.mentions, key=lambda m: m.first):
                if m.label == COUNTRY and m.emitted:
                    last_country = m.code
                    continue
                if m.label == PERSON:
                    title = m.attrs.get("title")
                    code = ""
                    if title is not None:
                        code = self._country_before(sent, title.first, last_country)
                    if not code:
                        code = self._country_before(sent, m.first, last_country, direct=True)
                    m.affiliation = code or m.code
                    key = sent.words[m.last]
                    if m.affiliation:
                        by_name.setdefault(key, m.affiliation)
                    elif m.kind == "propagated":
                        m.affiliation = by_name.get(m.entry.name if m.entry else key, "")
                elif m.label == ORG:
                    if m.attrs.get("multinational"):
                        continue
                    m.affiliation = m.code or self._country_before(
                        sent, m.first, last_country, direct=True
                    )
                    if m.affiliation == "" and m.attrs.get("country_in_name"):
                        m.affiliation = m.code
        # a short name found before its full name was seen: second pass by name
        for sent in sents:
            for m in sent.mentions:
                if m.label == PERSON and not m.affiliation and m.entry is not None:
                    m.affiliation = by_name.get(m.entry.name.split(" ")[-1], "")

    def _country_before(self, sent: _Sent, k: int, last_country: str, direct: bool = False) -> str:
        """Code of the country or demonym right before word k (over office modifiers)."""
        j = k - 1
        while j >= 0 and sent.owner[j] is None and sent.words[j] in self.res["title_modifiers"]:
            j -= 1
        if j < 0 or not sent.joined(j + 1):
            return ""
        owner = sent.owner[j]
        if owner is None:
            if sent.words[j] in _ANAPHORS:
                return last_country
            return ""
        if owner.label == COUNTRY and owner.last == j:
            if direct and not self._is_genitive(sent, owner):
                return ""
            return owner.code
        if owner.label == DEMONYM and owner.last == j and not direct:
            return owner.code
        return ""
