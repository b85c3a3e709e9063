"""Bengali inflection for the gazetteer: the base forms of a word.

A name matches a word when the word is the name followed by one of the endings in
the pack's `suffixes.yaml` (or nothing): "মালয়েশিয়াতে" is Malaysia and "ভারতীয়" is not
India. One `Inflection` (and its word cache) serves every gazetteer of a pack.
"""

from __future__ import annotations

import functools
import unicodedata

from pipeline.lang import LanguagePack, load_pack
from pipeline.stages.normalise import normalise_text_plain

_CACHE_MAX = 500_000  # bounded: a batch never grows a word cache without limit


def suffixes(pack: LanguagePack | None = None) -> tuple[str, ...]:
    """All endings a name may carry, longest first (see the pack's suffixes.yaml)."""
    return _suffixes(pack or load_pack())


@functools.cache
def _suffixes(pack: LanguagePack) -> tuple[str, ...]:
    data = pack.yaml("suffixes.yaml")
    case = [normalise_text_plain(s) for s in data["case"]]
    particles = [normalise_text_plain(s) for s in data["particles"]]
    forms = set(case) | set(particles) | {c + p for c in case for p in particles}
    # hyphenated endings only for those that start with a full letter ("-এর", not "-ের")
    forms |= {"-" + f for f in forms if unicodedata.category(f[0]) == "Lo"}
    return tuple(sorted(forms, key=len, reverse=True))


def shared_inflection(pack: LanguagePack | None = None) -> Inflection:
    """One Inflection (and its word cache) for every gazetteer of the pack."""
    return _shared_inflection(pack or load_pack())


@functools.cache
def _shared_inflection(pack: LanguagePack) -> Inflection:
    return Inflection(pack)


class Inflection:
    """Base forms of a word: the word itself, then the word minus each ending."""

    def __init__(self, pack: LanguagePack) -> None:
        self._suffixes = frozenset(_suffixes(pack))
        self._lengths = sorted({len(x) for x in self._suffixes}, reverse=True)
        # names too close to common words to take an ending without a hyphen ("চাদর")
        bare_only = pack.yaml("countries.yaml")["bare_only"]
        self._bare_only = frozenset(normalise_text_plain(n) for n in bare_only)
        self._cache: dict[str, tuple[str, ...]] = {}

    def bases(self, word: str) -> tuple[str, ...]:
        got = self._cache.get(word)
        if got is None:
            got = self._compute(word)
            if len(self._cache) < _CACHE_MAX:
                self._cache[word] = got
        return got

    def _compute(self, word: str) -> tuple[str, ...]:
        out = [word]
        # longest ending first; a set lookup per possible ending length keeps this cheap
        for n in self._lengths:
            if len(word) - n < 2:
                continue
            suf = word[-n:]
            if suf not in self._suffixes:
                continue
            base = word[:-n]
            # a base must end in a letter or vowel sign, never a bare virama or nukta
            if unicodedata.category(base[-1]) in ("Lo", "Mc", "Mn", "Nd") and base not in out:
                if base in self._bare_only and not suf.startswith("-"):
                    continue
                out.append(base)
        return tuple(out)
