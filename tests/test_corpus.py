"""The shipped corpus and its gold: the shape issue 8 asks for, checked on the files."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.brat import read_directory

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT / "corpus"
GOLD = PROJECT / "annotations"
# pairs reserved for independent evaluation (ISO alpha-3, unordered): never in the corpus
RESERVED = {
    frozenset(p)
    for p in [
        ("TJK", "MYS"), ("BGD", "JPN"), ("IND", "PAK"), ("CHN", "NPL"), ("TUR", "AZE"),
        ("BRA", "ARG"), ("EGY", "ETH"), ("SAU", "IRN"), ("RUS", "UKR"), ("VNM", "KHM"),
        ("MAR", "DZA"), ("LKA", "MDV"), ("KEN", "UGA"),
    ]
}


def title_pairs() -> dict[str, frozenset[str]]:
    """doc id -> the two states of its title, from the gold COUNTRY mentions in the opening."""
    pairs = {}
    for doc_id, doc in read_directory(GOLD).items():
        opening = doc.text.index("সম্পর্ক")
        codes = [
            doc.norm_of(t.id).removeprefix("ISO3166:")
            for t in doc.mentions()
            if t.type == "COUNTRY" and (t.start < opening or t.start < 160)
        ]
        pairs[doc_id] = frozenset(dict.fromkeys(codes[:2]))
    return pairs


def test_gold_texts_are_the_corpus_texts() -> None:
    corpus = {p.stem: p.read_bytes() for p in CORPUS.glob("*.txt")}
    gold = {p.stem: p.read_bytes() for p in GOLD.glob("*.txt")}
    assert len(corpus) >= 30
    assert corpus == gold
    assert {p.stem for p in GOLD.glob("*.ann")} == set(corpus)


def test_pairs_countries_and_reserved_pairs() -> None:
    pairs = title_pairs()
    assert all(len(p) == 2 for p in pairs.values()), {d: p for d, p in pairs.items() if len(p) != 2}
    assert len(set(pairs.values())) >= 30
    assert len(set().union(*pairs.values())) >= 45
    assert not RESERVED.intersection(pairs.values())


def test_lengths_vary_between_one_and_six_thousand_characters() -> None:
    lengths = [len(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.txt")]
    assert min(lengths) >= 1000 and max(lengths) <= 6000
    assert max(lengths) - min(lengths) > 3000


def test_split_is_frozen_two_thirds_dev_and_covers_every_document() -> None:
    split = json.loads((GOLD / "split.json").read_text(encoding="utf-8"))
    dev, test = set(split["dev"]), set(split["test"])
    assert not dev & test
    assert dev | test == {p.stem for p in GOLD.glob("*.ann")}
    assert 0.25 <= len(test) / (len(dev) + len(test)) <= 0.4
    # stratified: every region has documents in both parts
    for region, docs in split["regions"].items():
        assert set(docs) & test and set(docs) & dev, region
