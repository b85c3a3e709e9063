"""Property tests over the brat reader/validator and the evaluator (`validate`, `eval`).

Inputs: .ann files with bad offsets (negative, reversed, past the end, not numbers,
discontinuous), unknown types, dangling and duplicate ids, malformed lines of every kind,
CRLF line ends and BOMs in the .ann and the .txt; run tables with missing, empty,
non-numeric and absurd cells. Properties: reading and validating never raise (problems
are reported with a line number); a document the validator passes has every span's text
at its offsets; scoring never raises and gives numbers in [0, 1]; the `eval` and
`validate` commands end with a message and an exit code, never a traceback.
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
from pathlib import Path

import bn_strategies as fz
import pandas as pd
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pipeline.brat import load_conf, parse_ann, read_document, validate_document
from pipeline.cli import main
from pipeline.evaluation import evaluate_run, gold_record
from pipeline.io.readers import InputError
from pipeline.io.tables import TABLE_COLUMNS
from pipeline.io.writers import BOOL_COLUMNS, INT_COLUMNS

TYPES = ["COUNTRY", "PERSON", "ORG", "LOC", "DATE", "MONEY", "QUANTITY", "AGREEMENT", "VISIT",
         "TRADE", "Country", "EVENT", "", "T1", "বাংলা"]
ROLES = ["Actor1", "Actor2", "Time", "Place", "Value", "Arg1", "Arg2", "Foo", ""]
REFS = ["ISO3166:MYS", "ISO3166:XXX", "ISO3166:", "TIMEX3:2014-06-22", "TIMEX3:2014-02-30",
        "TIMEX3:199X", "TIMEX3:2015/2010", "TIMEX3:2014/2014-06", "MONEY:5500000000:USD",
        "MONEY:১০:BDT", "MONEY:1e9:USD", "MONEY:5:XYZ", "QTY:300:MW", "QTY:3:kg", "Wikidata:Q1",
        "nocolon"]


@functools.cache
def conf():
    return load_conf()


def ident(draw: st.DrawFn, kinds: str = "T") -> str:
    kind = draw(st.sampled_from(list(kinds)))
    return kind + str(draw(st.integers(0, 12)))


@st.composite
def ann_line(draw: st.DrawFn, text_len: int) -> str:
    kind = draw(st.sampled_from("TTTTEERANM#*?"))
    offsets = st.one_of(st.integers(0, text_len + 2), st.integers(-5, 10**12))
    if kind == "T":
        a, b = draw(offsets), draw(offsets)
        if draw(st.booleans()):
            a, b = sorted((a, b))
        spans = f"{a} {b}"
        if draw(st.integers(0, 7)) == 0:
            spans += f";{draw(offsets)} {draw(offsets)}"
        if draw(st.integers(0, 9)) == 0:
            spans = draw(st.sampled_from(["", "1", "a b", "1 2 3", "1;2", " 1  2"]))
        return (f"{ident(draw)}\t{draw(st.sampled_from(TYPES))} {spans}\t"
                f"{draw(st.text(max_size=12))}")
    if kind == "E":
        args = " ".join(f"{draw(st.sampled_from(ROLES))}:{ident(draw, 'TE')}"
                        for _ in range(draw(st.integers(0, 4))))
        return f"{ident(draw, 'E')}\t{draw(st.sampled_from(TYPES))}:{ident(draw)} {args}"
    if kind == "R":
        return (f"{ident(draw, 'R')}\t{draw(st.sampled_from(['Affiliation', 'Other', '']))} "
                f"Arg1:{ident(draw)} Arg2:{ident(draw)}")
    if kind in "AM":
        name = draw(st.sampled_from(["Negated", "Speculated", "Sector", "Color"]))
        value = draw(st.sampled_from(["", " ECONOMY", " BANANAS", " true", " a b"]))
        return f"{ident(draw, 'AM')}\t{name} {ident(draw, 'ET')}{value}"
    if kind == "N":
        return (f"{ident(draw, 'N')}\tReference {ident(draw, 'TE')} "
                f"{draw(st.sampled_from(REFS))}\t{draw(st.text(max_size=8))}")
    if kind == "#":
        return f"#{draw(st.integers(0, 3))}\tAnnotatorNotes T1\t{draw(st.text(max_size=20))}"
    if kind == "*":
        return "*\tEquiv T1 T2"
    return draw(st.text(max_size=30))  # anything at all


@st.composite
def brat_pair(draw: st.DrawFn) -> tuple[str, str]:
    # as a UTF-8 file can hold it: lone surrogates become "?"
    text = draw(fz.any_text).encode("utf-8", "replace").decode("utf-8")
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    lines = draw(st.lists(ann_line(len(text)), max_size=15))
    # a few lines that are right, so the validator's deeper checks run too
    for _ in range(draw(st.integers(0, 3))):
        if len(text) > 2:
            a = draw(st.integers(0, len(text) - 2))
            b = draw(st.integers(a + 1, min(len(text), a + 20)))
            lines.append(f"T{draw(st.integers(20, 30))}\t{draw(st.sampled_from(TYPES[:8]))} "
                         f"{a} {b}\t{text[a:b]}")
    ann = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    if draw(st.integers(0, 4)) == 0:
        ann = "\ufeff" + ann
    return text, ann


def check_problems(problems: list) -> None:
    for p in problems:
        assert p.message and p.line >= 0
        str(p)


@fz.fuzz_settings(robust=100, fuzz=25000)
@given(brat_pair())
def test_brat_reader_and_validator(pair: tuple[str, str]) -> None:
    fz.count("brat: parse_ann + validate_document")
    text, ann = pair
    doc = parse_ann(text, ann, doc_id="fuzz", path="fuzz.ann")
    problems = validate_document(doc, conf())
    check_problems(problems)
    if not problems:
        fz.outcome("brat: parse_ann + validate_document", "valid")
        for t in doc.spans.values():
            assert text[t.start : t.end] == t.text
    gold_record(doc)  # what `eval` reads from it


@fz.fuzz_settings(robust=40, fuzz=1500)
@given(brat_pair(), st.integers(0, 4).map(lambda n: n == 0))
def test_brat_files_with_bom_and_crlf(pair: tuple[str, str], utf16: bool) -> None:
    """The same through files: bytes as stored, BOM and CRLF kept, unreadable text reported."""
    fz.count("brat: read_document (files)")
    text, ann = pair
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "d.txt").write_bytes(text.encode("utf-16" if utf16 else "utf-8", "replace"))
        (Path(tmp) / "d.ann").write_bytes(ann.encode("utf-8", "replace"))
        try:
            doc = read_document(Path(tmp) / "d.ann")
        except InputError as exc:  # UTF-16, NUL bytes: reported, not read
            fz.outcome("brat: read_document (files)", "InputError")
            assert str(exc)
            return
        assert not utf16 or not text.strip(), "UTF-16 text was read as UTF-8"
        check_problems(validate_document(doc, conf()))


# -- eval --------------------------------------------------------------------------
# text cells as a CSV file can hold them (no lone surrogates)
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=6)
CELL = st.one_of(st.none(), st.integers(-3, 60), st.integers(-(10**20), 10**20),
                 st.floats(allow_nan=True), _TEXT,
                 st.sampled_from(["", "ISO3166:MYS", "MYS", "TIMEX3:2014", "True", "nan",
                                  "AGREEMENT", "COUNTRY", "T1"]))


def good_cell(col: str) -> st.SearchStrategy[object]:
    """A value of the right kind for a column (offsets, types, codes), possibly absurd."""
    if col in INT_COLUMNS:
        optional = col.startswith(("actor", "place")) or col == "sentence_index"
        return st.integers(0, 9).flatmap(
            lambda k: st.none() if k < 3 and optional else st.integers(-5, 10**15) if k == 3
            else st.integers(0, 80))
    if col in BOOL_COLUMNS:
        return st.one_of(st.booleans(), st.none())
    if col == "confidence":
        return st.floats(0, 1)
    if col in ("type", "actor1_type", "actor2_type"):
        return st.sampled_from(["COUNTRY", "PERSON", "ORG", "LOC", "DATE", "MONEY", "QUANTITY",
                                "", "FOO"])
    if col == "event_type":
        return st.sampled_from(["AGREEMENT", "VISIT", "TRADE", "MEETING", "", "PARTY"])
    if col == "status":
        return st.sampled_from(["ok", "ok", "error", ""])
    if col.endswith("country") or col == "affiliation":
        return st.sampled_from(["MYS", "TJK", "BGD", "", "XXX", "mys"])
    if col == "norm":
        return st.sampled_from([*REFS, ""])
    if col == "value_unit":
        return st.sampled_from(["USD", "BDT", "MW", "km", "", "kg"])
    return _TEXT


@st.composite
def run_tables(draw: st.DrawFn, doc_ids: list[str]) -> dict[str, pd.DataFrame]:
    out = {}
    for name in ("documents", "entities", "events"):
        rows = []
        for _ in range(draw(st.integers(0, 6))):
            garbage = draw(st.integers(0, 19)) == 0  # one row in twenty has junk cells
            row = {col: draw(CELL if garbage and draw(st.booleans()) else good_cell(col))
                   for col in TABLE_COLUMNS[name]}
            row["doc_id"] = draw(st.sampled_from([*doc_ids, "other"]))
            rows.append(row)
        columns = list(TABLE_COLUMNS[name])
        if draw(st.integers(0, 9)) == 0:  # now and then a column is missing
            columns.remove(draw(st.sampled_from(columns)))
        # object dtype: an int column with gaps must not turn into floats ("3.0")
        out[name] = pd.DataFrame(rows, columns=columns, dtype=object)
    return out


@st.composite
def eval_case(draw: st.DrawFn) -> tuple[dict, dict[str, pd.DataFrame]]:
    pairs = draw(st.lists(brat_pair(), min_size=1, max_size=3))
    gold = {f"d{i}": parse_ann(t, a, doc_id=f"d{i}") for i, (t, a) in enumerate(pairs)}
    return gold, draw(run_tables(list(gold)))


def _scores(obj: object) -> list[float]:
    if isinstance(obj, dict):
        return [v for k, x in obj.items() for v in _scores(x)
                if k in ("precision", "recall", "f1", "accuracy")] + [
            x for k, x in obj.items() if k in ("precision", "recall", "f1", "accuracy")
            and isinstance(x, float)]
    if isinstance(obj, list):
        return [v for x in obj for v in _scores(x)]
    return []


@fz.fuzz_settings(robust=60, fuzz=1000)
@given(eval_case(), st.sampled_from(["csv", "jsonl"]))
def test_scoring_never_raises(case: tuple[dict, dict[str, pd.DataFrame]], fmt: str) -> None:
    """evaluate_run() over fuzzed gold and fuzzed run tables: scores in [0, 1], or an
    InputError that names the malformed table."""
    fz.count("eval: evaluate_run")
    gold_docs, tables = case
    with tempfile.TemporaryDirectory() as tmp:
        for name, df in tables.items():
            if fmt == "csv":
                df.to_csv(Path(tmp) / f"{name}.csv", index=False)
            else:
                df.to_json(Path(tmp) / f"{name}.jsonl", orient="records", lines=True)
        try:
            report = evaluate_run(Path(tmp), gold_docs).report
        except InputError as exc:
            fz.outcome("eval: evaluate_run", f"InputError ({_reason(str(exc))})")
            assert "malformed run table" in str(exc)
            return
    for score in _scores(report):
        assert 0.0 <= score <= 1.0 or math.isnan(score)


@fz.fuzz_settings(robust=25, fuzz=300)
@given(st.lists(brat_pair(), min_size=1, max_size=3), st.data())
def test_eval_and_validate_commands_exit_cleanly(pairs: list[tuple[str, str]],
                                                 data: st.DataObject) -> None:
    """`bnevents validate GOLD` and `bnevents eval RUN GOLD` on fuzzed folders."""
    fz.count("CLI: validate + eval")
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        gold, run = Path(tmp) / "gold", Path(tmp) / "run"
        gold.mkdir()
        run.mkdir()
        for i, (text, ann) in enumerate(pairs):
            (gold / f"d{i}.txt").write_bytes(text.encode("utf-8", "replace"))
            (gold / f"d{i}.ann").write_bytes(ann.encode("utf-8", "replace"))
        tables = data.draw(run_tables([f"d{i}" for i in range(len(pairs))]))
        for name, df in tables.items():
            if data.draw(st.integers(0, 19)):  # now and then a table is missing
                df.to_csv(run / f"{name}.csv", index=False)
        result = runner.invoke(main, ["validate", str(gold)])
        assert result.exit_code in (0, 1), result.output
        assert not _crashed(result), result.exception
        result = runner.invoke(main, ["eval", str(run), str(gold)])
        fz.outcome("CLI: validate + eval", f"eval exit {result.exit_code}"
                   + (f" ({_reason(result.output)})" if result.exit_code == 2 else ""))
        assert result.exit_code in (0, 1, 2), result.output
        assert not _crashed(result), repr(result.exception)


def _reason(output: str) -> str:
    """The kind of usage error, without the paths and numbers that make each one unique."""
    line = output.strip().splitlines()[-1] if output.strip() else ""
    line = line.split(": ", 2)[-1] if "Error:" in line else line
    return re.sub(r"\S*/\S*|\d+|\(.*", "", line).strip()[:60]


def _crashed(result) -> bool:
    return result.exception is not None and not isinstance(result.exception, SystemExit)
