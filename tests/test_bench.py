"""The benchmark corpus generator (bench/build_corpus.py): deterministic, well-formed, new."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from pipeline.config import PROJECT_DIR
from pipeline.io.readers import read_documents

N = 300


def _load_build_corpus():
    path = PROJECT_DIR / "bench" / "build_corpus.py"
    spec = importlib.util.spec_from_file_location("build_corpus", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_corpus", module)
    spec.loader.exec_module(module)
    return module


bc = _load_build_corpus()


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return list(bc.generate(N, seed=7))


def test_right_count_and_unique_ids(docs: list[dict]) -> None:
    assert len(docs) == N
    assert len({d["id"] for d in docs}) == N
    assert len(list(bc.generate(1, seed=7))) == 1


def test_deterministic_for_a_seed(docs: list[dict]) -> None:
    assert list(bc.generate(N, seed=7)) == docs
    other = list(bc.generate(N, seed=8))
    assert [d["text"] for d in other] != [d["text"] for d in docs]


def test_prefix_of_a_larger_corpus_is_the_smaller_corpus(docs: list[dict]) -> None:
    # the bench's 1k/5k/20k inputs are prefixes of one stream
    assert list(bc.generate(N // 3, seed=7)) == docs[: N // 3]


def test_no_document_is_a_shipped_article(docs: list[dict]) -> None:
    originals = set()
    for path in sorted((PROJECT_DIR / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        originals.update({text, text.strip(), " ".join(text.split())})
    assert not any(d["text"] in originals for d in docs)
    assert len({d["text"] for d in docs}) == N  # and no two generated documents alike


def test_documents_keep_the_wiki_shape(docs: list[dict]) -> None:
    with_title = sum("সম্পর্ক'''" in d["text"][:400] for d in docs)
    assert with_title == N  # every opening comes from an article's first (bold title) sentence
    for d in docs:
        text = d["text"]
        headings = re.findall(r"== ([^=]+?) ==", text)
        assert "তথ্যসূত্র" in headings  # the references heading and the category tail after it
        assert text.rstrip().endswith("সম্পর্ক")  # the tail's category words
        assert "।" in text


def test_sentences_are_recombined_across_articles(docs: list[dict]) -> None:
    # a document's sentences come from several source articles, not one
    source_of = {}
    for art in bc.load_articles():
        for _, sents in art.sections:
            for s in sents:
                source_of.setdefault(re.sub("[০-৯]", "#", s), art.name)
    mixed = 0
    for d in docs[:50]:
        sources = {source_of.get(re.sub("[০-৯]", "#", s)) for s in bc.split_sentences(d["text"])}
        mixed += len(sources - {None}) > 1
    assert mixed >= 45


def test_numbers_are_redrawn_as_plausible_years() -> None:
    import random

    rng = random.Random(1)
    out = [bc._redraw_numbers("১৯৭১ সালের ২৬ মার্চ", rng) for _ in range(50)]
    assert len(set(out)) > 10
    for s in out:
        year, day = re.findall("[০-৯]+", s)
        assert 1850 <= int(year) <= 2024 and 1 <= int(day) <= 28


def test_written_corpus_reads_as_documents(tmp_path: Path, docs: list[dict]) -> None:
    path = tmp_path / "bench.jsonl"
    assert bc.write_jsonl(path, iter(docs[:20])) == 20
    assert [json.loads(line)["id"] for line in path.open(encoding="utf-8")] == [
        d["id"] for d in docs[:20]
    ]
    read = list(read_documents(path))
    assert [r.doc_id for r in read] == [d["id"] for d in docs[:20]]
    assert all(r.text == d["text"] for r, d in zip(read, docs, strict=False))
