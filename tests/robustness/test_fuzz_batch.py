"""Property test of whole batches: any mix of hostile documents is processed to the end.

A folder of fuzzed .txt files and a fuzzed JSONL file go through `run_batch` (rule stages,
one process, small parts so several checkpoints are written). Property: the batch never
raises; every input document is a row of documents.csv exactly once (ok + failed ==
read); the failed ones carry a reason; no row of another table is duplicated or orphaned;
nothing is left in the output folder but the tables.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import bn_strategies as fz
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_readers import file_bytes, jsonl_line

from pipeline import Config
from pipeline.io.runner import run_batch

CONFIG = Config(stages="rule", doc_time_budget=20.0)


@fz.fuzz_settings(robust=8, fuzz=200)
@given(st.lists(file_bytes(), max_size=6), st.lists(jsonl_line(), max_size=6),
       st.integers(1, 4))
def test_batch_accounts_for_every_document(files: list[bytes], lines: list[bytes],
                                           chunk: int) -> None:
    fz.count("run_batch (folder + JSONL)")
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "in", Path(tmp) / "out"
        folder.mkdir()
        for i, data in enumerate(files):
            (folder / f"doc{i}.txt").write_bytes(data)
        jsonl = Path(tmp) / "more.jsonl"
        jsonl.write_bytes(b"\n".join(lines))
        expected = len(files) + sum(1 for piece in b"\n".join(lines).split(b"\n")
                                    if piece.strip())
        summary = run_batch([folder, jsonl], out, config=CONFIG, chunk_size=chunk,
                            progress=False)
        assert summary.documents == expected
        assert summary.ok + summary.failed == expected
        docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
        assert len(docs) == expected
        assert (docs["status"] != "ok").sum() == summary.failed
        assert (docs.loc[docs["status"] != "ok", "error"] != "").all()
        assert not docs["error"].str.startswith("internal error").any(), docs["error"].tolist()
        unique_ids = not docs["doc_id"].duplicated().any()  # JSONL ids may repeat as given
        for name, key in (("sentences", "sentence_index"), ("entities", "entity_id"),
                          ("events", "event_id")):
            rows = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
            assert set(rows["doc_id"]) <= set(docs["doc_id"]), f"orphan rows in {name}"
            if unique_ids:
                assert not rows.duplicated(["doc_id", key]).any(), f"duplicate rows in {name}"
        assert sorted(p.name for p in out.iterdir()) == sorted(
            f"{t}.csv" for t in ("documents", "sections", "sentences", "entities", "dates",
                                 "events"))
        fz.outcome("run_batch (folder + JSONL)", "documents ok", summary.ok)
        fz.outcome("run_batch (folder + JSONL)", "documents failed (recorded)", summary.failed)
        json.dumps(summary.failures, ensure_ascii=False).encode("utf-8")
