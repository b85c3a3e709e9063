"""Word-form primitives the event stage's vocabularies are made of.

Every vocabulary is read from the language pack when the stage is built and normalised
with `norm` (the text the stage sees is normalised the same way), so a word list in a
YAML file compares equal to the tokens whatever Unicode form the file was typed in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.stages.normalise import normalise_text_plain

Phrase = tuple[str, ...]


@functools.lru_cache(maxsize=1 << 14)
def norm(s: str) -> str:
    # cached: the document context normalises the surface of every country mention, mostly
    # repeated names
    return normalise_text_plain(s).strip()


def word_set(forms: Iterable[Any]) -> frozenset[str]:
    """Normalised single words."""
    return frozenset(norm(str(w)) for w in forms)


def word_tuple(forms: Iterable[Any]) -> tuple[str, ...]:
    """Normalised words (endings) in file order, for str.endswith."""
    return tuple(norm(str(w)) for w in forms)


def phrase_tuple(phrases: Iterable[Any]) -> tuple[Phrase, ...]:
    """Normalised multi-word phrases, each split into its tokens."""
    return tuple(tuple(norm(str(p)).split()) for p in phrases)


def starts_with(words: list[str], phrases: tuple[Phrase, ...]) -> bool:
    """Do `words` begin with one of `phrases`?"""
    first = words[0] if words else None
    return any(p[0] == first and tuple(words[: len(p)]) == p if p else True for p in phrases)


@dataclass(frozen=True)
class Cue:
    """A set of word forms: exact forms plus prefixes (a form written "stem*")."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, forms: Iterable[str] | None) -> Cue:
        exact, prefixes = set(), []
        for f in forms or ():
            f = norm(str(f))
            if f.endswith("*"):
                prefixes.append(f[:-1])
            elif f:
                exact.add(f)
        return cls(frozenset(exact), tuple(prefixes))

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes)

    def hit(self, word: str) -> bool:
        # str.startswith(()) is False, so no test for an empty prefix tuple is needed
        return word in self.exact or word.startswith(self.prefixes)


def optional_cue(forms: Iterable[str] | None) -> Cue | None:
    """A Cue, or None for no forms (a None is cheaper to test per candidate than a Cue)."""
    cue = Cue.of(forms)
    return cue if cue else None


class FormCache(dict):  # type: ignore[type-arg]
    """word form -> fn(form), computed on first use; emptied when it holds `limit` forms.

    Every token of every sentence is looked up, and the answers depend on the word form
    alone; word forms repeat heavily (Zipf), so a bounded cache answers most of them.
    A dict subclass rather than functools.lru_cache: a hit is a plain C dict lookup
    (`map(cache.__getitem__, words)`), several times cheaper than an LRU's bookkeeping, and
    the whole-sentence lookups are the stage's hottest loop."""

    def __init__(self, fn: Callable[[str], Any], limit: int = 1 << 17) -> None:
        super().__init__()
        self.fn = fn
        self.limit = limit

    def __missing__(self, word: str) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.fn(word)
        return value
