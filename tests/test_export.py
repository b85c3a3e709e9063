"""`bnevents export`: a real run's tables converted to csv/jsonl/parquet/brat and read back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.brat import read_document, validate_directory
from pipeline.config import PROJECT_DIR
from pipeline.io.export import safe_name
from pipeline.io.tables import TABLE_COLUMNS
from pipeline.io.writers import read_table

ARTICLE = (
    "'''ভারত–নেপাল সম্পর্ক''' বলতে ভারত ও নেপালের মধ্যকার দ্বিপাক্ষিক সম্পর্ককে বোঝায়।\n"
    "== ইতিহাস ==\n"
    "১৯৫০ সালের ৩১ জুলাই দুই দেশ শান্তি ও মৈত্রী চুক্তি স্বাক্ষর করে। "
    "২০১৪ সালে ভারত নেপালকে ১০০ কোটি মার্কিন ডলার ঋণ দেয়।\n"
)


def bnevents(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("export")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "india-nepal.txt").write_text(ARTICLE, encoding="utf-8")
    # a BOM and CRLF line ends: brat offsets must still fit the exported .txt
    (corpus / "crlf.txt").write_bytes(("\ufeff" + ARTICLE.replace("\n", "\r\n")).encode("utf-8"))
    jsonl = base / "more.jsonl"
    jsonl.write_text(json.dumps({"id": "j1", "text": ARTICLE}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    out = base / "run"
    res = bnevents("run", corpus, jsonl, "--out", out, "--quiet")
    assert res.returncode == 0, res.stderr
    return out


def test_three_formats_read_back_equal(run_dir: Path, tmp_path: Path):
    out = tmp_path / "exp"
    res = bnevents("export", run_dir, "--format", "csv,jsonl,parquet", "--out", out)
    assert res.returncode == 0, res.stderr
    for table in TABLE_COLUMNS:
        original = read_table(run_dir / f"{table}.csv")
        frames = {fmt: read_table(out / f"{table}.{fmt}") for fmt in ("csv", "jsonl", "parquet")}
        for fmt, df in frames.items():
            pd.testing.assert_frame_equal(df, original, obj=f"{table}.{fmt}")
    # and with plain pandas readers, the Bengali text is intact in every format
    plain = [
        pd.read_csv(out / "sentences.csv", dtype=str, keep_default_na=False),
        pd.read_json(out / "sentences.jsonl", lines=True, dtype=False),
        pd.read_parquet(out / "sentences.parquet"),
    ]
    for df in plain:
        texts = list(df.sort_values(["doc_id", "sentence_index"])["text"])
        assert texts == list(plain[0].sort_values(["doc_id", "sentence_index"])["text"])
        assert any("শান্তি ও মৈত্রী চুক্তি" in t for t in texts)
    assert len(read_table(out / "entities.parquet")) > 0


def test_excel_csv_has_bom(run_dir: Path, tmp_path: Path):
    res = bnevents("export", run_dir, "--format", "csv", "--excel", "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "entities.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(read_table(tmp_path / "entities.csv"),
                                  read_table(run_dir / "entities.csv"))


def test_brat_export_from_sources(run_dir: Path, tmp_path: Path):
    res = bnevents("export", run_dir, "--format", "brat", "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    brat = tmp_path / "brat"
    assert sorted(p.name for p in brat.glob("*.ann")) == ["crlf.ann", "india-nepal.ann", "j1.ann"]
    # the exported text is byte-identical to the input, BOM and CRLF included
    assert (brat / "crlf.txt").read_bytes() == (
        "\ufeff" + ARTICLE.replace("\n", "\r\n")).encode("utf-8")
    entities = read_table(run_dir / "entities.csv")
    for name in ("crlf", "india-nepal", "j1"):
        doc = read_document(brat / f"{name}.ann")
        assert doc.problems == []
        mentions = doc.mentions()
        assert len(mentions) == (entities.doc_id == name).sum()
        for t in doc.spans.values():
            assert doc.text[t.start:t.end] == t.text
        dates = {doc.norm_of(t.id) for t in mentions if t.type == "DATE"}
        want = {f"TIMEX3:{v}" for v in read_table(run_dir / "dates.csv").query(
            "doc_id == @name")["value"]}
        assert dates == want


def test_brat_export_needs_texts_when_sources_moved(run_dir: Path, tmp_path: Path):
    moved = tmp_path / "run"
    shutil.copytree(run_dir, moved)
    docs = read_table(moved / "documents.csv")
    docs["source"] = "/nonexistent/" + docs["doc_id"] + ".txt"
    docs.to_csv(moved / "documents.csv", index=False)
    res = bnevents("export", moved, "--format", "brat", "--out", tmp_path / "a")
    assert res.returncode == 1
    assert "skipped india-nepal: text not found" in res.stderr
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "india-nepal.txt").write_text(ARTICLE, encoding="utf-8")
    (texts / "crlf.txt").write_text(ARTICLE, encoding="utf-8")  # not the text the run saw
    res = bnevents("export", moved, "--format", "brat", "--texts", texts, "--out", tmp_path / "b")
    assert res.returncode == 1
    assert "skipped crlf: text has" in res.stderr
    assert (tmp_path / "b" / "brat" / "india-nepal.ann").is_file()


def test_export_usage_errors(run_dir: Path, tmp_path: Path):
    assert bnevents("export", run_dir, "--format", "xlsx").returncode == 2
    assert bnevents("export", tmp_path, "--format", "csv").returncode == 2


def test_brat_export_of_the_corpus_validates(tmp_path: Path):
    # the run writes "পি. ডব্লিউ." and "মাইকেল ডি." (abbreviation dots), which the
    # validator used to reject as trailing punctuation
    res = bnevents("run", PROJECT_DIR / "corpus", "--out", tmp_path / "run", "--quiet")
    assert res.returncode == 0, res.stderr
    res = bnevents("export", tmp_path / "run", "--format", "brat", "--out", tmp_path / "exp")
    assert res.returncode == 0, res.stderr
    problems, checked = validate_directory(tmp_path / "exp" / "brat")
    assert checked == len(list((PROJECT_DIR / "corpus").glob("*.txt")))
    assert problems == []
    res = bnevents("validate", tmp_path / "exp" / "brat")
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize(("doc_id", "name"), [
    ("ভারত–নেপাল সম্পর্ক", "ভারত–নেপাল সম্পর্ক"),  # vowel signs, virama and dash kept
    ("জি৭-এর ২০১৪", "জি৭-এর ২০১৪"),                # Bengali digits kept
    ("wiki/উইকি:পাতা?", "wiki_উইকি_পাতা_"),         # only what a file system refuses
    ('a\\b*c"d<e>f|g', "a_b_c_d_e_f_g"),
    ("tab\there\x01", "tab_here_"),
    ("..hidden.", "hidden"),
    ("...", "doc"),
])
def test_safe_name_keeps_bengali(doc_id: str, name: str):
    assert safe_name(doc_id) == name


def test_brat_file_names_keep_bengali_and_never_collide(tmp_path: Path):
    jsonl = tmp_path / "in.jsonl"
    ids = ["ভারত–নেপাল সম্পর্ক", "a/b", "a:b"]  # the last two have one safe name
    jsonl.write_text("".join(json.dumps({"id": i, "text": ARTICLE}, ensure_ascii=False) + "\n"
                             for i in ids), encoding="utf-8")
    res = bnevents("run", jsonl, "--out", tmp_path / "run", "--quiet")
    assert res.returncode == 0, res.stderr
    res = bnevents("export", tmp_path / "run", "--format", "brat", "--out", tmp_path / "exp")
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in (tmp_path / "exp" / "brat").glob("*.ann"))
    assert names == sorted(["ভারত–নেপাল সম্পর্ক.ann", "a_b.ann", "a_b_2.ann"])


def _bnevents_in(cwd: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_DIR)})


def test_a_copied_run_exports_from_another_directory(tmp_path: Path):
    # a run given relative inputs used to record relative sources, so the run folder,
    # copied elsewhere and exported from another directory, exported 0 brat files
    work = tmp_path / "work"
    (work / "in").mkdir(parents=True)
    (work / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (work / "b.jsonl").write_text(json.dumps({"id": "b", "text": ARTICLE}) + "\n",
                                  encoding="utf-8")
    res = _bnevents_in(work, "run", "in", "b.jsonl", "--out", "out", "--quiet")
    assert res.returncode == 0, res.stderr
    docs = read_table(work / "out" / "documents.csv").set_index("doc_id")
    assert docs.loc["a", "source"] == str(work / "in" / "a.txt")
    assert docs.loc["b", "source"] == f"{work / 'b.jsonl'}:1"
    copied = tmp_path / "elsewhere" / "run"
    shutil.copytree(work / "out", copied)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    res = _bnevents_in(cwd, "export", copied, "--format", "brat", "--out", "exp")
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in (cwd / "exp" / "brat").glob("*.ann")) == ["a.ann", "b.ann"]
