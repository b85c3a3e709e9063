"""The crashes the fuzz campaigns found, pinned as plain examples (each one failed before its fix).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline import Config, Document, Pipeline
from pipeline.brat import parse_ann
from pipeline.cli import main
from pipeline.io.runner import run_batch
from pipeline.io.tables import TABLE_COLUMNS
from pipeline.stages.values import bangla_to_gregorian

GOOD = "ভারত ও বাংলাদেশ ২০১৪ সালে একটি চুক্তি স্বাক্ষর করে।"


def test_lone_surrogates_from_json_and_file_names_do_not_stop_the_batch(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "more.jsonl").write_text(
        '{"id": "a\\ud800", "title": "t\\udc00", "text": "ভারত \\ud800 ও বাংলাদেশ।"}\n',
        encoding="utf-8",
    )
    with open(os.path.join(os.fsencode(src), b"bad\xff.txt"), "wb") as fh:
        fh.write(GOOD.encode())
    summary = run_batch([src, src / "more.jsonl"], tmp_path / "out",
                        config=Config(stages="rule"), progress=False)
    assert summary.documents == 2 and summary.ok == 2
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", dtype=str, keep_default_na=False)
    assert sorted(docs["doc_id"]) == ["a\ufffd", "bad\ufffd"]


def test_missing_input_with_a_non_utf8_name_is_a_recorded_failure(tmp_path: Path) -> None:
    """An input path that cannot be read and is not UTF-8 (surrogate escapes) is one
    failed document with a readable name, not a crash of the batch when its row is written."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    missing = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"gone\xff.jsonl"))
    summary = run_batch([src, missing], tmp_path / "out", config=Config(stages="rule"),
                        progress=False)
    assert (summary.documents, summary.ok, summary.failed) == (2, 1, 1)
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", dtype=str, keep_default_na=False)
    failed = docs[docs["status"] == "error"].iloc[0]
    assert failed["doc_id"] == "gone\ufffd" and "no such file" in failed["error"]


def test_bare_carriage_return_in_a_text_cell_keeps_the_csv_row_whole(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "cr.txt").write_bytes("ভারত ও বাংলাদেশ\rচুক্তি করে। সালের\rসালের".encode())
    run_batch(src, tmp_path / "out", config=Config(stages="rule"), progress=False)
    sentences = pd.read_csv(tmp_path / "out" / "sentences.csv", dtype=str,
                            keep_default_na=False)
    assert set(sentences["doc_id"]) == {"cr"}
    assert any("\r" in t for t in sentences["text"])


def test_bom_at_the_start_of_an_ann_file() -> None:
    doc = parse_ann("ভারত", "\ufeffT1\tCOUNTRY 0 4\tভারত\n")
    assert not doc.problems and doc.spans["T1"].text == "ভারত"


def test_eval_of_a_malformed_run_table_is_a_usage_error(tmp_path: Path) -> None:
    gold, run = tmp_path / "gold", tmp_path / "run"
    gold.mkdir()
    run.mkdir()
    (gold / "d.txt").write_text("ভারত", encoding="utf-8")
    (gold / "d.ann").write_text("T1\tCOUNTRY 0 4\tভারত\nN1\tReference T1 ISO3166:IND\n",
                                encoding="utf-8")
    for name in ("documents", "entities", "events"):
        rows = [{"doc_id": "d", "status": "ok"}] if name == "documents" else []
        if name == "entities":
            rows = [{"doc_id": "d", "type": "COUNTRY", "start": "zero", "end": 4}]
        pd.DataFrame(rows, columns=TABLE_COLUMNS[name]).to_csv(run / f"{name}.csv", index=False)
    result = CliRunner().invoke(main, ["eval", str(run), str(gold)])
    assert result.exit_code == 2 and "malformed run table" in result.output


def test_bengali_calendar_year_beyond_datetime() -> None:
    assert bangla_to_gregorian(9407, 10, 1) is None
    analysis = Pipeline(Config(stages="rule")).analyse(Document("d", "১ মাঘ ৯৪০৭ সালে ভারত।"))
    assert analysis.status == "ok"
