"""Step 4: PERSON after a title or an office.

"তাজিকিস্তানের রাষ্ট্রপতি, ইমোমালি রাহমোন": the name never includes the title; it ends at
punctuation, a stop word, a postposition, a known name, or after a word with a case
ending.
"""

from __future__ import annotations

from pipeline.stages.entities.features import (
    B_HEAD_OR_CLASSIFIER,
    BY_FIRST,
    E_INITIAL,
    N_NAME,
    STRONG,
    Recogniser,
    RuleMention,
    Sentence,
)
from pipeline.stages.entities.gazetteer import PERSON, TITLE

_MAX_NAME_WORDS = 4
_MAX_ARABIC_NAME_WORDS = 7  # "মনসুর বিন খালিদ বিন ফারহান"


class PersonPatterns(Recogniser):
    """PERSON names after the titles and offices of a sentence."""

    def __call__(self, sent: Sentence) -> None:
        vocab = self.vocab
        n = len(sent.words)
        titles = [m for m in sent.mentions if m.label == TITLE]
        if not titles:
            return
        for title in sorted(titles, key=BY_FIRST):
            if title not in sent.mentions:
                continue  # released: it was the first word of a name
            # an inflected office ("রাষ্ট্রপতির সফরে") is not followed by a name
            if title.entry is None or self._is_inflected(sent, title):
                continue
            k = title.last + 1
            if k >= n or sent.gaps[k].strip() not in ("", ","):
                continue
            owner = sent.owner[k]
            # "যুবরাজ সুলতান বিন আবদুল আজিজ": a title word that starts an Arabic name
            if owner is not None and owner.label == TITLE and owner.first == owner.last == k \
                    and k + 1 < n and sent.words[k + 1] in self.vocab.arabic_links:
                sent.release(owner)
                owner = None
            if owner is not None:
                if owner.label == PERSON:
                    owner.attrs["title"] = title
                continue
            words = self._name_words(sent, k)
            single_ok = title.entry.name in vocab.single_name_titles
            if len(words) == 1 and not single_ok:
                continue
            if words:
                m = RuleMention(PERSON, words[0], words[-1], kind="pattern:title")
                m.attrs["title"] = title
                sent.take(m)

    def _name_words(self, sent: Sentence, k: int) -> list[int]:
        """Word indices of a person's name starting at word k (after a title)."""
        vocab = self.vocab
        flags = sent.flags
        n = len(sent.words)
        words: list[int] = []
        j = k
        # "এ কে আব্দুল মোমেন": spelt Latin initials open a name (not counted as words)
        while j + 1 < n and sent.free(j) and flags[j] & E_INITIAL and \
                sent.free(j + 1) and sent.joined(j + 1) and (j == k or sent.joined(j)):
            j += 1
        initials = list(range(k, j))
        arabic = False
        while j < n and sent.free(j) and len(words) < _MAX_ARABIC_NAME_WORDS:
            if (j > k and not sent.joined(j)) or (j > k and j - 1 not in initials
                                                   and j - 1 not in words):
                break
            word = sent.words[j]
            if not flags[j] & N_NAME or flags[j] & B_HEAD_OR_CLASSIFIER:
                break
            is_link = word in vocab.arabic_links or word.startswith(vocab.arabic_prefixes)
            arabic = arabic or is_link
            if len(words) >= 2 and not arabic:
                # a third (fourth) word is part of the name only when it, or the word
                # after it, ends the name ("আবুল হাসান মাহমুদ আলী ও")
                if len(words) >= _MAX_NAME_WORDS:
                    break
                if not self._ends_name(sent, j):
                    nxt = j + 1
                    if not (len(words) + 2 <= _MAX_NAME_WORDS and nxt < n and sent.free(nxt)
                            and sent.joined(nxt)
                            and flags[nxt] & N_NAME
                            and not flags[nxt] & B_HEAD_OR_CLASSIFIER
                            and self._ends_name(sent, nxt)
                            and not flags[j] & STRONG
                            and not word.endswith(vocab.open_vowel_ending)):
                        break
            words.append(j)
            j += 1
            if len(words) >= 2 and word.endswith(vocab.name_final_endings):
                break
            if len(words) >= 3 and word.endswith(vocab.weak_final_endings):
                break
            if len(words) == 1 and word.endswith(vocab.name_final_endings_first):
                break
        while words and sent.words[words[-1]] in vocab.arabic_links:
            words.pop()
        return initials + words if words else []
