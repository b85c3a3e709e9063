"""Words of a sentence for the entity stage: whitespace/punctuation-separated runs.

The guidelines make every span cover whole whitespace-separated words, so the rule
stage and the gazetteer split text the same way, here.
"""

from __future__ import annotations

import itertools
import re

# A word: a run of characters that are neither whitespace nor punctuation that
# ends a word. The ASCII hyphen stays inside words ("আল-ফয়সাল", "জি৭-এর"): the
# guidelines make spans cover whole whitespace-separated words. En and em dashes
# separate words ("সৌদি আরব–কাতার").
_SEPARATORS = r"\s,;:!?।॥()\[\]{}\"'“”‘’«»<>|/–—=*#&+"
WORD_RE = re.compile(f"[^{_SEPARATORS}]+")
_SEP_RE = re.compile(f"([{_SEPARATORS}]+)")  # the runs between words, kept by split()
_EDGE_PUNCT = ".-_~`^"  # (split_columns tests for each of them)


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
