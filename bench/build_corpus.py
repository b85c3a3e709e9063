"""A large benchmark corpus, built deterministically from the shipped articles in corpus/.

Repeating the 33 articles would flatter every cache in the pipeline (spaCy's
tokenizer cache, the gazetteer's word cache, the date parser's lru caches) and
the measure would say little about a real dump. So each generated document is
a new article in the wiki shape of the dumps:

    '''X–Y সম্পর্ক''' opening ... == heading == body ... == heading == body ...
    == তথ্যসূত্র == trailing category words

Its skeleton (how many opening sentences, how many sections and how many
sentences in each) is copied from a randomly chosen shipped article; every slot
is then filled with a sentence drawn from *any* article (the opening's first
sentence, which carries the bold title, from any article's first sentence),
headings come from any article, and every number written in Bengali digits is
re-drawn (years stay four-digit years, day numbers stay 1..28), so most
sentences are new strings. All randomness comes from one `random.Random(seed)`
and the articles are read in sorted order: the same seed and corpus/ give the
same bytes.

    .venv/bin/python bench/build_corpus.py --docs 20000 --out bench/data/bench.jsonl

Output: JSONL, one {"id", "text"} object per line (`bnevents run` reads it).
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.lang import load_pack

PROJECT_DIR = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_DIR / "corpus"
DEFAULT_SEED = 20240601

# "== heading ==" as it stands inline in the one-line dump texts
_HEADING_RE = re.compile(r"==+\s*([^=]+?)\s*==+")
# a sentence ends after a danda-like terminator (or ?/!) followed by space; the
# generator needs no more than that (the pipeline's own splitter is not reused so
# that the corpus does not change when the segmenter is tuned)
_SENTENCE_END_RE = re.compile(r"(?<=[।॥?!])\s+")
_BN_DIGITS = "০১২৩৪৫৬৭৮৯"
_BN_NUMBER_RE = re.compile(f"[{_BN_DIGITS}]+")


@functools.cache
def reference_headings() -> frozenset[str]:
    """Headings whose body is references and category residue (the default pack's list)."""
    return frozenset(load_pack().yaml("markup.yaml")["reference_sections"])


@dataclass(frozen=True)
class Article:
    name: str
    opening: list[str]  # sentences before the first heading
    sections: list[tuple[str, list[str]]]  # (heading, sentences), reference sections excluded
    tail: str  # "== তথ্যসূত্র == category words ..." (may be empty)


def split_sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE_END_RE.split(text)) if s]


def parse_article(name: str, text: str) -> Article:
    """Opening, sections and reference tail of one dump-style article."""
    text = " ".join(text.split())  # one line, single spaces, as in the dumps
    matches = list(_HEADING_RE.finditer(text))
    opening = split_sentences(text[: matches[0].start()] if matches else text)
    sections: list[tuple[str, list[str]]] = []
    tail = ""
    for i, m in enumerate(matches):
        title = m.group(1)
        body_end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        if title in reference_headings():
            tail = text[m.start() :].strip()  # the references heading and all after it
            break
        sentences = split_sentences(text[m.end() : body_end])
        if sentences:
            sections.append((title, sentences))
    return Article(name, opening, sections, tail)


def load_articles(corpus_dir: Path = CORPUS_DIR) -> list[Article]:
    paths = sorted(p for p in corpus_dir.glob("*.txt") if p.is_file())
    if not paths:
        raise SystemExit(f"no articles (*.txt) in {corpus_dir}")
    return [parse_article(p.stem, p.read_text(encoding="utf-8")) for p in paths]


def _redraw_numbers(sentence: str, rng: random.Random) -> str:
    """Every Bengali-digit number re-drawn with the same number of digits.

    Four digits stay a plausible year and one or two digits a day of any month, so
    dates stay dates (the date stage does the same work as on real text).
    """

    def draw(m: re.Match[str]) -> str:
        n = len(m.group())
        if n == 4:
            value = rng.randint(1850, 2024)
        elif n <= 2:
            value = rng.randint(1, 28) if n == 2 or rng.random() < 0.5 else rng.randint(1, 9)
        else:
            value = rng.randint(10 ** (n - 1), 10**n - 1)
        return str(value).translate(str.maketrans("0123456789", _BN_DIGITS))

    return _BN_NUMBER_RE.sub(draw, sentence)


class Generator:
    """Draws documents one after another from one seeded RNG."""

    def __init__(self, articles: list[Article], seed: int = DEFAULT_SEED) -> None:
        self.articles = articles
        self.rng = random.Random(seed)
        self.firsts = [a.opening[0] for a in articles if a.opening]
        self.opening_rest = [s for a in articles for s in a.opening[1:]]
        self.body = [s for a in articles for _, sents in a.sections for s in sents]
        self.headings = [h for a in articles for h, _ in a.sections]
        self.tails = [a.tail for a in articles if a.tail]
        self.originals = {" ".join(a_text.split()) for a_text in self._original_texts()}

    def _original_texts(self) -> Iterator[str]:
        for a in self.articles:
            parts = list(a.opening)
            for h, sents in a.sections:
                parts.append(f"== {h} ==")
                parts.extend(sents)
            if a.tail:
                parts.append(a.tail)
            yield " ".join(parts)

    def document(self) -> str:
        rng = self.rng
        while True:
            shape = rng.choice(self.articles)  # the skeleton of a real article
            parts = [rng.choice(self.firsts)]
            parts += [
                _redraw_numbers(rng.choice(self.opening_rest or self.body), rng)
                for _ in range(max(0, len(shape.opening) - 1))
            ]
            for _, sents in shape.sections:
                parts.append(f"== {rng.choice(self.headings)} ==")
                parts += [_redraw_numbers(rng.choice(self.body), rng) for _ in sents]
            if self.tails:
                parts.append(rng.choice(self.tails))
            text = " ".join(parts)
            if text not in self.originals:  # a copy of a shipped article is no new document
                return text


def generate(n: int, seed: int = DEFAULT_SEED, corpus_dir: Path = CORPUS_DIR) -> Iterator[dict]:
    """`n` documents as {"id", "text"}; ids gen-000000, gen-000001, ..."""
    gen = Generator(load_articles(corpus_dir), seed)
    for i in range(n):
        yield {"id": f"gen-{i:06d}", "text": gen.document()}


def write_jsonl(path: Path, docs: Iterator[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            count += 1
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=20000, help="number of documents (20000)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of source articles")
    ap.add_argument("--out", type=Path, default=PROJECT_DIR / "bench" / "data" / "bench.jsonl")
    args = ap.parse_args()
    n = write_jsonl(args.out, generate(args.docs, args.seed, args.corpus))
    print(f"wrote {n} documents to {args.out}")


if __name__ == "__main__":
    main()
