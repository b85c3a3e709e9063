"""Gazetteer matching: the word trie (pipeline/gazetteer.py) vs spaCy's PhraseMatcher.

Both find the same names (every gazetteer name in every inflected form from
resources/suffixes.yaml) in the sentences of the corpus (annotations/*.txt, plus
the seed article when ../shared is present), repeated to get stable timings.

- trie: split words, then the inflection-aware longest-match trie walk.
- phrasematcher: the spaCy blank `bn` tokenizer (which splits "জি৭-এর" at the
  hyphen, so hyphenated endings become extra tokens) plus a PhraseMatcher over
  every surface form (name x endings), longest match kept.
- phrasematcher-pretok: the same PhraseMatcher on Docs built from our own word
  split (no tokenizer cost), the cheapest way to use it.

Prints sentences/s for each, the agreement between trie and PhraseMatcher, and
the full rule stage (`EntityRules.find`) and rule-only pipeline speeds.

    .venv/bin/python bench/gazetteer_matchers.py [--repeat N]

Measured on the project machine (2 shared cores; 34 annotated docs + seed, 751
sentences, --repeat 3; other jobs were running, so absolute numbers are noisy):

    trie                      ~19,000-39,000 sentences/s
    phrasematcher              ~2,800-3,700 sentences/s  (built in 6-16 s)
    phrasematcher-pretok      ~15,000-19,500 sentences/s
    rule stage (EntityRules.find)  ~4,000-5,200 sentences/s

The trie is 5-10x faster than PhraseMatcher with spaCy tokenisation, faster than
PhraseMatcher on pre-split words, and needs no multi-second build of ~170k surface
forms at start-up; so the trie is what the pipeline uses. (The PhraseMatcher
finds ~40 more matches: spaCy splits "জি৭-এর"-style hyphen words, so it also
matches inside hyphenated compounds, which the guidelines' whole-word spans forbid.)
Run the script for the numbers on your machine.
"""

from __future__ import annotations

import argparse
import time

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from pipeline import Pipeline
from pipeline.config import PROJECT_DIR, SHARED_DIR, Config
from pipeline.model import Analysis, Document
from pipeline.stages.entities import EntityRules
from pipeline.stages.entities.gazetteer import default_gazetteer, split_words, suffixes
from pipeline.stages.segment import prepare


def corpus() -> list[Document]:
    docs = [
        Document(p.stem, p.read_text(encoding="utf-8"))
        for p in sorted((PROJECT_DIR / "annotations").glob("*.txt"))
    ]
    seed = SHARED_DIR / "corpus" / "seed" / "tajikistan-malaysia.txt"
    if seed.exists():
        docs.append(Document("seed", seed.read_text(encoding="utf-8")))
    return docs


def analyses(docs: list[Document]) -> list[Analysis]:
    out = []
    for doc in docs:
        a = prepare(doc)
        out.append(a)
    return out


def build_phrasematcher(nlp: spacy.Language) -> tuple[PhraseMatcher, dict[int, str]]:
    matcher = PhraseMatcher(nlp.vocab)
    labels: dict[int, str] = {}
    ends = ("", *suffixes())
    tok = nlp.tokenizer
    for entry in default_gazetteer().entries:
        forms = [entry.name + e for e in ends]
        key = f"{entry.label}:{entry.name}"
        labels[nlp.vocab.strings.add(key)] = entry.label
        matcher.add(key, list(tok.pipe(forms)))
    return matcher, labels


def longest(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    out, end = [], -1
    for mid, s, e in sorted(matches, key=lambda m: (m[1], -(m[2] - m[1]))):
        if s >= end:
            out.append((mid, s, e))
            end = e
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    docs = corpus()
    all_analyses = analyses(docs)
    sentences = [a.clean[s.cstart : s.cend] for a in all_analyses for s in a.sentences]
    n = len(sentences) * args.repeat
    print(f"corpus: {len(docs)} docs, {len(sentences)} sentences, x{args.repeat}")

    gaz = default_gazetteer()
    t = time.perf_counter()
    trie_found = 0
    for _ in range(args.repeat):
        for text in sentences:
            words = [w for _, _, w in split_words(text)]
            trie_found += len(gaz.match(words))
    t_trie = time.perf_counter() - t

    nlp = spacy.blank("bn")
    t = time.perf_counter()
    matcher, _ = build_phrasematcher(nlp)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    pm_found = 0
    for _ in range(args.repeat):
        for doc in nlp.tokenizer.pipe(sentences):
            pm_found += len(longest(matcher(doc)))
    t_pm = time.perf_counter() - t

    t = time.perf_counter()
    for _ in range(args.repeat):
        for text in sentences:
            doc = Doc(nlp.vocab, words=[w for _, _, w in split_words(text)])
            longest(matcher(doc))
    t_pm_pre = time.perf_counter() - t

    print(f"trie                 {n / t_trie:10.0f} sentences/s  ({trie_found} matches)")
    print(f"phrasematcher        {n / t_pm:10.0f} sentences/s  ({pm_found} matches;"
          f" built in {t_build:.1f}s)")
    print(f"phrasematcher-pretok {n / t_pm_pre:10.0f} sentences/s")

    rules = EntityRules()
    t = time.perf_counter()
    for _ in range(args.repeat):
        for a in all_analyses:
            rules.find(a)
    t_rules = time.perf_counter() - t
    print(f"rule stage (EntityRules.find)  {n / t_rules:10.0f} sentences/s")

    for stages in ("rule", "both"):
        pipe = Pipeline(Config(stages=stages))
        pipe.analyse(docs[0])  # warm up (model load)
        t = time.perf_counter()
        for doc in docs:
            pipe.analyse(doc)
        elapsed = time.perf_counter() - t
        print(f"full pipeline, stages={stages:4}   {len(sentences) / elapsed:10.0f} sentences/s")


if __name__ == "__main__":
    main()
