"""`bnevents run` end to end, through the real console script."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

BNEVENTS = [sys.executable, "-m", "pipeline.cli"]
GOOD = (
    "'''ভারত–নেপাল সম্পর্ক''' বলতে ভারত ও নেপালের মধ্যকার সম্পর্ককে বোঝায়। "
    "== ইতিহাস == ১৯৫০ সালের জুলাই মাসে দুই দেশ শান্তি ও মৈত্রী চুক্তি স্বাক্ষর করে। "
    "== তথ্যসূত্র == সম্পর্ক দ্বিপাক্ষিক সম্পর্ক"
)


def bnevents(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BNEVENTS, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "india-nepal.txt").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("ভারত".encode() + b"\xe9t\xe9")
    (folder / "english.txt").write_text("Only English here.", encoding="utf-8")
    return folder


def test_run_writes_tables_and_records_bad_documents(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = bnevents("run", batch, "--out", out, "--quiet")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    docs = read_csv(out / "documents.csv").set_index("doc_id")
    assert list(docs.index) == ["empty", "english", "india-nepal", "latin1"]
    assert docs.loc["india-nepal", "status"] == "ok"
    assert docs.loc["india-nepal", "title"] == "ভারত–নেপাল সম্পর্ক"
    assert docs.loc["empty", "error"] == "empty document"
    assert docs.loc["english", "error"] == "no Bengali text"
    assert "not valid UTF-8" in docs.loc["latin1", "error"]
    for doc_id in ("empty", "english", "latin1"):
        assert f"error: {doc_id}" in proc.stderr
    assert "documents: 4 read, 1 ok, 3 failed" in proc.stderr

    sentences = read_csv(out / "sentences.csv")
    assert list(sentences.columns[:6]) == [
        "doc_id",
        "sentence_index",
        "section",
        "start",
        "end",
        "text",
    ]
    assert sentences["section"].tolist() == ["", "ইতিহাস"]
    for row in sentences.itertuples():
        assert GOOD[int(row.start) : int(row.end)] == row.text
    # nothing half-written or temporary is left behind
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_all_good_input_exits_zero_and_writes_every_format(tmp_path: Path) -> None:
    src = tmp_path / "one.jsonl"
    record = {"id": "india-nepal", "title": "ভারত–নেপাল সম্পর্ক", "text": GOOD}
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = bnevents("run", src, "--out", out, "--format", "csv,jsonl,parquet", "--quiet")
    assert proc.returncode == 0, proc.stderr
    csv = read_csv(out / "sentences.csv")
    jsonl = pd.read_json(out / "sentences.jsonl", lines=True, dtype=False)
    parquet = pd.read_parquet(out / "sentences.parquet")
    assert csv["text"].tolist() == jsonl["text"].tolist() == parquet["text"].tolist()
    assert parquet["start"].tolist() == [int(x) for x in csv["start"]]


def test_excel_flag_writes_a_bom(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert bnevents("run", src, "--out", out, "--excel", "--quiet").returncode == 0
    assert (out / "sentences.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert bnevents("run", tmp_path / "missing", "--out", tmp_path / "o").returncode == 2
    assert bnevents("run", tmp_path, "--out", tmp_path / "o", "--format", "xlsx").returncode == 2
    assert bnevents("frobnicate").returncode == 2
    help_text = bnevents("run", "--help").stdout
    assert "--out" in help_text and "--format" in help_text


def _limit_file_size() -> None:
    # a full disk, simulated: writes past 4 kB fail with EFBIG instead of killing the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_full_disk_leaves_no_table_behind(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(40):
        (src / f"doc{i}.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [*BNEVENTS, "run", str(src), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_file_size,
    )
    assert proc.returncode == 1
    assert "cannot write output" in proc.stderr and "Traceback" not in proc.stderr
    # no table, whole or partial, and no temporary table file
    assert [p.name for p in out.iterdir()] == [".run"]
    # with space again, --resume finishes the run and accounts for every document once
    proc = bnevents("run", src, "--out", out, "--quiet", "--resume", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    docs = read_csv(out / "documents.csv")
    assert sorted(docs["doc_id"]) == sorted(f"doc{i}" for i in range(40))
    assert not (out / ".run").exists()


def test_seed_run_reports_sections_and_sentences(shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = bnevents("run", shared_dir / "corpus" / "seed", "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    sections = read_csv(out / "sections.csv")
    assert sections["title"].tolist() == ["", "ইতিহাস", "অর্থনৈতিক সম্পর্ক", "শিক্ষা সম্পর্ক", "তথ্যসূত্র"]
    assert sections["kind"].tolist() == ["lead", "body", "body", "body", "references"]
    raw = (shared_dir / "corpus" / "seed" / "tajikistan-malaysia.txt").read_text(encoding="utf-8")
    sentences = read_csv(out / "sentences.csv")
    for row in sentences.itertuples():
        assert raw[int(row.start) : int(row.end)] == row.text
    assert sum("৫.৫" in t for t in sentences["text"]) == 1


# -- --lang, lazy imports, optional extras --------------------------------------------
MONEY_TEXT = GOOD.replace("স্বাক্ষর করে।", "স্বাক্ষর করে। ভারত নেপালকে ৫০০ কোটি টাকা ঋণ দেয়।")


def test_lang_rejects_an_unknown_pack(tmp_path: Path) -> None:
    proc = bnevents("run", tmp_path, "--out", tmp_path / "o", "--lang", "xx")
    assert proc.returncode == 2
    assert "unknown language pack 'xx'" in proc.stderr
    assert "bn_IN" in bnevents("run", "--help").stdout


def test_lang_bn_in_makes_taka_the_indian_rupee(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(MONEY_TEXT, encoding="utf-8")
    norms = {}
    for lang in ("bn", "bn_IN"):
        out = tmp_path / lang
        proc = bnevents("run", src, "--out", out, "--quiet", "--stages", "rule", "--lang", lang)
        assert proc.returncode == 0, proc.stderr
        entities = read_csv(out / "entities.csv")
        norms[lang] = entities.loc[entities["type"] == "MONEY", "norm"].tolist()
    assert norms["bn"] == ["MONEY:5000000000:BDT"]
    assert norms["bn_IN"] == ["MONEY:5000000000:INR"]


def test_help_imports_no_heavy_module() -> None:
    """`bnevents --help` imports click and the configuration only (each command imports
    spaCy, pandas, Dask or matplotlib when it runs)."""
    code = ("import sys; import pipeline.cli; "
            "print(sorted(m for m in ('spacy', 'pandas', 'pyarrow', 'dask', 'matplotlib', "
            "'mwparserfromhell', 'dateparser') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


# Runs the CLI with the named top-level packages made unimportable, as in a core install.
WITHOUT = """
import sys
from importlib.abc import MetaPathFinder

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

BLOCKED = set(sys.argv[1].split(","))
sys.meta_path.insert(0, Missing())
sys.argv = ["bnevents", *sys.argv[2:]]
from pipeline.cli import main
main()
"""


def without(blocked: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", WITHOUT, blocked, *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_missing_dask_extra_is_one_sentence(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    proc = without("dask,distributed", "run", src, "--out", tmp_path / "o", "--quiet",
                   "--engine", "dask")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: --engine dask needs dask, which is not installed: pip install 'bnevents[dask]'"
    ]


def test_missing_report_and_train_extras_are_one_sentence(tmp_path: Path) -> None:
    proc = without("matplotlib", "eval", "annotations", "annotations", "--out", tmp_path / "r")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "pip install 'bnevents[report]'" in proc.stderr
    proc = without("seqeval,bnlp,sklearn_crfsuite", "train", "--eval-only")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "pip install 'bnevents[train]'" in proc.stderr


def test_core_install_runs_without_any_extra(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    extras = "bnlp,nltk,sklearn_crfsuite,seqeval,matplotlib,dask,distributed,psutil"
    proc = without(extras, "run", src, "--out", tmp_path / "o", "--quiet", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert read_csv(tmp_path / "o" / "documents.csv")["status"].tolist() == ["ok"]


def test_stats_on_a_folder_without_ann_files_is_a_usage_error(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "documents.csv").write_text("doc_id\n", encoding="utf-8")
    proc = bnevents("stats", run_dir)
    assert proc.returncode == 2, proc.stdout
    assert "no .ann files" in proc.stderr and "brat gold folder" in proc.stderr


def test_eval_of_a_run_sharing_no_gold_document_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "not-in-the-gold.txt").write_text(GOOD, encoding="utf-8")
    assert bnevents("run", folder, "--out", tmp_path / "out", "--quiet",
                    "--workers", "1").returncode == 0
    proc = bnevents("eval", tmp_path / "out", Path(__file__).parent.parent / "annotations")
    assert proc.returncode == 2, proc.stdout
    assert "the run has none of the" in proc.stderr and "F1" not in proc.stdout


def test_cli_startup_bench_prints_the_ratio() -> None:
    bench = Path(__file__).resolve().parent.parent / "bench" / "cli_startup.py"
    proc = subprocess.run([sys.executable, str(bench), "-n", "1"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "bnevents --help: median" in proc.stdout and "ratio:" in proc.stdout


def test_license_metadata_is_an_spdx_string() -> None:
    """A `license = {text = ...}` table makes setuptools print a deprecation warning on
    every install; the SPDX string needs setuptools >= 77 (PEP 639)."""
    import tomllib

    meta = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    assert meta["project"]["license"] == "MIT"
    assert "setuptools>=77" in meta["build-system"]["requires"]
