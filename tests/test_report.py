"""report.json/md/html, the README accuracy section, and report.html in headless Chromium."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.brat import parse_ann
from pipeline.evaluation import Mention, evaluate, gold_record
from pipeline.evaluation.report import README_END, README_START, update_readme, write_report

TEXT = "বাংলাদেশ ও ভারত চুক্তি স্বাক্ষর করে। পরে ভারতের প্রতিনিধি ঢাকা সফর করেন।"


def _span(tid: str, label: str, s: str, nth: int = 0) -> str:
    pos = -1
    for _ in range(nth + 1):
        pos = TEXT.index(s, pos + 1)
    return f"{tid}\t{label} {pos} {pos + len(s)}\t{s}"


GOLD = "\n".join([
    _span("T1", "COUNTRY", "বাংলাদেশ"),
    _span("T2", "COUNTRY", "ভারত"),
    _span("T3", "COUNTRY", "ভারতের"),
    _span("T4", "LOC", "ঢাকা"),
    "N1\tReference T1 ISO3166:BGD\tবাংলাদেশ",
    "N2\tReference T2 ISO3166:IND\tভারত",
    "N3\tReference T3 ISO3166:IND\tভারতের",
])


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    gold = {"d": gold_record(parse_ann(TEXT, GOLD, doc_id="d"))}
    pred = gold_record(parse_ann(TEXT, GOLD, doc_id="d"))
    pred.mentions = [m for m in pred.mentions if m.text != "ভারতের"]  # one COUNTRY missed
    pred.mentions.append(Mention("PERSON", TEXT.index("প্রতিনিধি"),
                                 TEXT.index("প্রতিনিধি") + len("প্রতিনিধি"), "প্রতিনিধি"))
    ev = evaluate(gold, {"d": pred})
    report = {"meta": {"run_dir": "run", "gold_dir": "gold", "split": "all"}, **ev.report}
    write_report(report, ev.errors, tmp_path / "rep")
    return tmp_path / "rep"


def test_report_files(report_dir: Path):
    rep = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    assert rep["version"] == 1
    # COUNTRY: 2 of 3 found, no false positive: F1 = 2*2/(2+3)
    assert rep["entities"]["per_type"]["COUNTRY"]["strict"]["f1"] == 0.8
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "| entities, strict (micro) |" in md
    assert "entities: COUNTRY → (missed)" in md and "entities: (spurious) → PERSON" in md
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= 1
    assert "প্রতিনিধি" in page  # the error table keeps Bengali text
    # self-contained: nothing fetched from anywhere
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_readme_section_regenerated(tmp_path: Path, report_dir: Path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n## Accuracy\n\n{README_START}\nold numbers\n{README_END}\n\n"
                      "## After\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "pipeline.evaluation.report", "readme",
                          str(report_dir), str(readme)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    text = readme.read_text(encoding="utf-8")
    assert "old numbers" not in text
    assert "| entities, strict (micro) |" in text
    assert text.endswith("## After\n") and text.count(README_START) == 1
    # idempotent, and the per-type detail of report.md stays out of the README
    assert not update_readme(readme, (report_dir / "report.md").read_text(encoding="utf-8"))
    assert "## Entities (per type)" not in text
    fresh = tmp_path / "NEW.md"
    fresh.write_text("# y\n", encoding="utf-8")
    assert update_readme(fresh, (report_dir / "report.md").read_text(encoding="utf-8"))
    assert "## Accuracy" in fresh.read_text(encoding="utf-8")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                    "(Debian: apt-get install -y chromium)")
def test_report_html_renders_in_chromium(tmp_path: Path, report_dir: Path):
    from PIL import Image

    page = (report_dir / "report.html").as_uri()
    dom = _chromium(tmp_path / "p1", "--dump-dom", page)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<table class="summary">' in dom.stdout and "entities, strict (micro)" in dom.stdout
    assert 'id="chart-entities"' in dom.stdout
    shot = tmp_path / "shot.png"
    res = _chromium(tmp_path / "p2", f"--screenshot={shot}", "--window-size=1000,1400", page)
    assert res.returncode == 0 and shot.is_file(), res.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    pixels = np.asarray(img, dtype=np.int16).reshape(-1, 3)  # getdata() is deprecated
    # the strict bars are drawn in #3b6fb6; only a rendered chart puts that colour on screen
    bar = int((np.abs(pixels - np.array([0x3B, 0x6F, 0xB6])) < 12).all(axis=1).sum())
    assert bar > 500, f"no chart bars in the screenshot ({bar} bar-coloured pixels)"
    non_white = int((pixels.min(axis=1) < 200).sum())
    assert non_white > 0.02 * img.width * img.height


def test_errors_csv_quotes_a_bare_carriage_return(tmp_path: Path):
    # a stray "\r" inside a sentence (old Mac line ends in a dump) reaches errors.csv in the
    # sentence and span text; unquoted, every CSV reader would split the row there
    text = "বাংলাদেশ ও ভারত চুক্তি\rস্বাক্ষর করে। পরে ঢাকা সফর করেন।"
    span = "চুক্তি\rস্বাক্ষর"
    gold_ann = f"T1\tCOUNTRY 0 {len('বাংলাদেশ')}\tবাংলাদেশ\nN1\tReference T1 ISO3166:BGD\tবাংলাদেশ"
    gold = {"d": gold_record(parse_ann(text, gold_ann, doc_id="d"))}
    pred = gold_record(parse_ann(text, gold_ann, doc_id="d"))
    pred.mentions.append(Mention("ORG", text.index(span), text.index(span) + len(span), span))
    ev = evaluate(gold, {"d": pred})
    assert len(ev.errors) >= 1
    paths = write_report({"meta": {}, **ev.report}, ev.errors, tmp_path / "rep")

    back = pd.read_csv(paths["errors"], dtype=str, keep_default_na=False)
    assert len(back) == len(ev.errors)
    assert list(back.columns) == list(ev.errors.columns)
    row = back[back["pred_text"] != ""].iloc[0]
    assert row["pred_text"] == span and row["pred_type"] == "ORG"
    # the sentence shown is the normalised one (clean_text), where the "\r" is a space
    assert row["sentence"] == "বাংলাদেশ ও ভারত চুক্তি স্বাক্ষর করে।"
    with paths["errors"].open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == len(ev.errors) + 1
    assert span in rows[1 + int(row.name)]


def test_error_rows_show_the_clean_sentence(tmp_path: Path):
    # the raw sentence holds wiki markup ('''bold''', [[link|text]]); the error list and the
    # report show the sentence as the stages read it (the sentences table's clean_text)
    text = ("'''ভারত–নেপাল সম্পর্ক''' বলতে দুই দেশের সম্পর্ককে বোঝায়। "
            "পরে [[নেপাল|নেপালের]] প্রতিনিধি ঢাকা সফর করেন।")
    gold_ann = f"T1\tLOC {text.index('ঢাকা')} {text.index('ঢাকা') + 4}\tঢাকা"
    gold = {"d": gold_record(parse_ann(text, gold_ann, doc_id="d"))}
    pred = gold_record(parse_ann(text, gold_ann, doc_id="d"))
    pred.mentions.append(Mention("ORG", text.index("বলতে"), text.index("বলতে") + 4, "বলতে"))
    pred.mentions = [m for m in pred.mentions if m.text != "ঢাকা"]
    ev = evaluate(gold, {"d": pred})
    sentences = dict(zip(ev.errors["error"], ev.errors["sentence"], strict=True))
    assert sentences["false_positive"] == "ভারত–নেপাল সম্পর্ক বলতে দুই দেশের সম্পর্ককে বোঝায়।"
    assert sentences["false_negative"] == "পরে নেপালের প্রতিনিধি ঢাকা সফর করেন।"
    paths = write_report({"meta": {}, **ev.report}, ev.errors, tmp_path / "rep")
    shown = "\n".join(p.read_text(encoding="utf-8") for p in paths.values()
                      if p.suffix in (".md", ".html", ".csv"))
    assert "পরে নেপালের প্রতিনিধি ঢাকা সফর করেন।" in shown
    assert "'''" not in shown and "[[" not in shown
