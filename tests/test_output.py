"""Table rendering: the csv-module writer matches pandas byte for byte, and stays one row per row.

The batch runner renders every document's rows with `render_csv`/`render_jsonl`
in the worker (output.py says why); these tests hold that text to what pandas
writes for the same rows typed by `frame()`, on the pipeline's real output.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import Pipeline
from pipeline.config import Config
from pipeline.io.readers import read_documents
from pipeline.io.tables import TABLE_COLUMNS, table_rows
from pipeline.io.writers import TableSink, csv_header, frame, read_table, render_csv, render_jsonl
from pipeline.model import Document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def corpus_rows() -> dict[str, list[dict]]:
    """Every table's rows for five shipped articles, one of them failed on purpose."""
    docs = sorted(CORPUS.glob("*.txt"))[:4]
    if not docs:
        pytest.skip("the shipped corpus/ is missing")
    pipeline = Pipeline(Config(stages="both"))
    rows: dict[str, list[dict]] = {t: [] for t in TABLE_COLUMNS}
    analyses = [pipeline.process(doc) for path in docs for doc in read_documents(path)]
    analyses.append(pipeline.process(Document("empty", "", source="empty.txt")))
    for analysis in analyses:
        for table, part in table_rows(analysis).items():
            rows[table].extend(part)
    assert rows["events"] and rows["dates"] and rows["documents"][-1]["status"] == "error"
    return rows


def pandas_csv(table: str, rows: list[dict]) -> str:
    buf = io.StringIO()
    frame(table, rows).to_csv(buf, header=False, index=False, lineterminator="\n")
    return buf.getvalue()


def pandas_jsonl(table: str, rows: list[dict]) -> str:
    df = frame(table, rows)
    records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


@pytest.mark.parametrize("table", list(TABLE_COLUMNS))
def test_render_matches_pandas_on_pipeline_rows(table: str, corpus_rows: dict) -> None:
    rows = corpus_rows[table]
    assert render_csv(table, rows) == pandas_csv(table, rows)
    assert render_jsonl(table, rows) == pandas_jsonl(table, rows)
    header = pd.read_csv(io.StringIO(csv_header(table)))
    assert list(header.columns) == TABLE_COLUMNS[table]


def test_carriage_return_cell_stays_in_its_row(tmp_path: Path) -> None:
    """A bare CR (old Mac line ends in a title) must not split the row for a CSV reader."""
    rows = [
        {"doc_id": "a", "title": "ভারত\rনেপাল", "source": "x.txt", "chars": 3, "status": "ok"},
        {"doc_id": "b", "title": 'কমা, "উদ্ধৃতি"\nআর লাইন', "source": "y.txt", "status": "ok"},
        {"doc_id": "c", "title": "সাধারণ", "source": "z.txt", "chars": None, "status": "ok"},
    ]
    text = render_csv("documents", rows)
    assert text.split("\n")[0].startswith('"a","ভারত\rনেপাল"')  # the CR row is quoted whole
    assert text.endswith("c,সাধারণ,z.txt,,,,,,,ok,\n")  # the others stay minimal
    sink = TableSink(tmp_path, "documents", "csv")
    sink.write(rows)
    back = read_table(sink.commit())
    assert back["doc_id"].tolist() == ["a", "b", "c"]
    assert back["title"].tolist() == [r["title"] for r in rows]
    assert back["chars"].tolist()[0] == 3 and pd.isna(back["chars"].tolist()[2])


def test_sink_writes_header_for_an_empty_table(tmp_path: Path) -> None:
    for fmt in ("csv", "jsonl", "parquet"):
        sink = TableSink(tmp_path, "events", fmt)
        sink.write([])
        back = read_table(sink.commit())
        assert len(back) == 0
        assert list(back.columns)[: len(TABLE_COLUMNS["events"])] == TABLE_COLUMNS["events"]


def test_sentences_clean_text_in_every_format(tmp_path: Path) -> None:
    # sentences.text is the raw slice, markup and all; clean_text is what the stages read
    article = ("'''ভারত–নেপাল সম্পর্ক''' বলতে দুই দেশের সম্পর্ককে বোঝায়। == ইতিহাস == "
               "১৯৫০ সালে দুই দেশ [[শান্তি ও মৈত্রী চুক্তি|শান্তি চুক্তি]] স্বাক্ষর করে।\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(article, encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", tmp_path / "in",
                          "--out", tmp_path / "out", "--format", "csv,jsonl,parquet", "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    frames = [read_table(tmp_path / "out" / f"sentences.{fmt}")
              for fmt in ("csv", "jsonl", "parquet")]
    for df in frames:
        assert list(df.columns) == TABLE_COLUMNS["sentences"]
        assert df.columns[-1] == "clean_text"  # added at the end: no column moved
        pd.testing.assert_frame_equal(df, frames[0])
    texts, clean = list(frames[0]["text"]), list(frames[0]["clean_text"])
    assert "'''" in texts[0] and "[[" in texts[1]
    assert clean == ["ভারত–নেপাল সম্পর্ক বলতে দুই দেশের সম্পর্ককে বোঝায়।",
                     "১৯৫০ সালে দুই দেশ শান্তি চুক্তি স্বাক্ষর করে।"]
