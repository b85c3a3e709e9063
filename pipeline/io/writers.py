"""Writing tables: streamed in chunks, CSV/JSONL/Parquet, atomically.

Each table is written to a hidden temporary file in the output folder and
renamed into place only when the run finishes, so a crash, a full disk or a
Ctrl-C never leaves a half-written table under its real name.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.io.tables import TABLE_COLUMNS

FORMATS = ("csv", "jsonl", "parquet")

INT_COLUMNS = frozenset(
    {
        "chars",
        "sections",
        "sentences",
        "tokens",
        "entities",
        "events",
        "section_index",
        "sentence_index",
        "start",
        "end",
        "trigger_start",
        "trigger_end",
        "actor1_start",
        "actor1_end",
        "actor2_start",
        "actor2_end",
        "place_start",
        "place_end",
    }
)
BOOL_COLUMNS = frozenset({"negated", "speculated"})
FLOAT_COLUMNS = frozenset({"confidence"})


def frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows -> DataFrame with the table's columns in contract order and stable dtypes."""
    columns = TABLE_COLUMNS[table]
    df = pd.DataFrame.from_records(rows, columns=columns)
    for col in columns:
        if col in INT_COLUMNS:
            df[col] = pd.array(df[col], dtype="Int64")
        elif col in BOOL_COLUMNS:
            df[col] = pd.array(df[col], dtype="boolean")
        elif col in FLOAT_COLUMNS:
            df[col] = pd.array(df[col], dtype="Float64")
        else:
            # tolist() and an object Series built at once: iterating an arrow-backed string
            # column element by element, then converting it to object, took 2/3 of the time
            values = df[col].tolist()
            df[col] = pd.Series(
                ["" if v is None or v is pd.NA or v != v else str(v) for v in values],
                index=df.index,
                dtype=object,
            )
    return df


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or v != v  # v != v: NaN


def _text(v: Any) -> str:
    return "" if _missing(v) else str(v)


def _cell(col: str) -> Callable[[Any], str]:
    """The CSV text of one value of `col`, exactly as pandas' to_csv writes `frame()`'s dtypes."""
    if col in INT_COLUMNS:
        return lambda v: "" if _missing(v) else str(int(v))
    if col in BOOL_COLUMNS:
        return lambda v: "" if _missing(v) else str(bool(v))
    if col in FLOAT_COLUMNS:
        return lambda v: "" if _missing(v) else repr(float(v))
    return _text


def _json_value(col: str) -> Callable[[Any], Any]:
    """The JSON value of one value of `col`, as `frame()` types it (text columns never null)."""
    if col in INT_COLUMNS:
        return lambda v: None if _missing(v) else int(v)
    if col in BOOL_COLUMNS:
        return lambda v: None if _missing(v) else bool(v)
    if col in FLOAT_COLUMNS:
        return lambda v: None if _missing(v) else float(v)
    return _text


def csv_header(table: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(TABLE_COLUMNS[table])
    return buf.getvalue()


def render_csv(table: str, rows: list[dict[str, Any]]) -> str:
    """Rows -> CSV body text (no header), byte for byte what `frame(...).to_csv` writes.

    Written with the csv module instead of pandas because this runs once per document
    in every batch: building a typed DataFrame only to print it cost more than all the
    pipeline's date stage (tests/test_output.py holds it equal to pandas' output).
    A row with a bare CR in any cell is quoted whole: the csv module quotes a field only
    for the characters of its line terminator ("\n" here), and a reader takes an unquoted
    CR for a line break, so one such cell (old Mac line ends) would split its row.
    """
    cells = [(col, _cell(col)) for col in TABLE_COLUMNS[table]]
    records = [[fmt(row.get(col)) for col, fmt in cells] for row in rows]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(records)
    text = buf.getvalue()
    if "\r" not in text:
        return text
    buf = io.StringIO()
    minimal = csv.writer(buf, lineterminator="\n")
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for record in records:
        (quoted if any("\r" in cell for cell in record) else minimal).writerow(record)
    return buf.getvalue()


def render_jsonl(table: str, rows: list[dict[str, Any]]) -> str:
    """Rows -> JSON Lines text, one object per row in contract column order."""
    values = [(col, _json_value(col)) for col in TABLE_COLUMNS[table]]
    return "".join(
        json.dumps({col: fmt(row.get(col)) for col, fmt in values}, ensure_ascii=False) + "\n"
        for row in rows
    )


RENDERERS: dict[str, Callable[[str, list[dict[str, Any]]], str]] = {
    "csv": render_csv,
    "jsonl": render_jsonl,
}


def arrow_schema(table: str) -> pa.Schema:
    fields = []
    for col in TABLE_COLUMNS[table]:
        if col in INT_COLUMNS:
            typ = pa.int64()
        elif col in BOOL_COLUMNS:
            typ = pa.bool_()
        elif col in FLOAT_COLUMNS:
            typ = pa.float64()
        else:
            typ = pa.string()
        fields.append(pa.field(col, typ))
    return pa.schema(fields)


class TableSink:
    """Appends row chunks to one table in one format; `commit()` puts it in place."""

    def __init__(self, out_dir: Path, table: str, fmt: str, *, excel: bool = False) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        self.table, self.fmt, self.excel = table, fmt, excel
        self.final = out_dir / f"{table}.{fmt}"
        self.tmp = out_dir / f".{table}.{fmt}.tmp-{os.getpid()}"
        self._fh: IO[Any] | None = None
        self._pq: pq.ParquetWriter | None = None
        self._header_written = False
        self._open()

    def _open(self) -> None:
        if self.fmt == "parquet":
            self._pq = pq.ParquetWriter(self.tmp, arrow_schema(self.table))
        else:
            self._fh = open(self.tmp, "wb")
            if self.excel and self.fmt == "csv":
                self._fh.write(codecs.BOM_UTF8)  # spreadsheets read the file as UTF-8

    def write(self, rows: list[dict[str, Any]]) -> None:
        if self.fmt in RENDERERS:
            self.write_encoded(RENDERERS[self.fmt](self.table, rows).encode("utf-8"))
            return
        assert self._pq is not None
        if rows or not self._header_written:
            df = frame(self.table, rows)
            self._pq.write_table(
                pa.Table.from_pandas(df, schema=arrow_schema(self.table), preserve_index=False)
            )
        self._header_written = True

    def write_encoded(self, data: bytes) -> None:
        """Append rendered rows already encoded as UTF-8 (batch workers send these)."""
        assert self._fh is not None, f"{self.fmt} tables take rows, not rendered text"
        if not self._header_written and self.fmt == "csv":
            self._fh.write(csv_header(self.table).encode("utf-8"))
        self._header_written = True
        self._fh.write(data)

    def finish(self) -> None:
        """Flush and close the temporary file (may fail, e.g. on a full disk)."""
        if not self._header_written:
            self.write([])
        self._close()
        with open(self.tmp, "rb") as fh:
            os.fsync(fh.fileno())

    def publish(self) -> Path:
        """Rename the finished temporary file into place (atomic on POSIX)."""
        os.replace(self.tmp, self.final)
        return self.final

    def commit(self) -> Path:
        self.finish()
        return self.publish()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()

    def _close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            self._fh.close()
            self._fh = None
        if self._pq is not None:
            self._pq.close()
            self._pq = None


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Delete temporary tables left by runs that were killed (SIGKILL, power loss).

    TableSink names its temporary file after the writing process; files of processes that
    no longer exist are leftovers, never a run in progress, and would otherwise stay in
    the output folder for good.
    """
    removed = []
    for path in out_dir.glob(".*.tmp-*"):
        pid = path.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_table(path: Path) -> pd.DataFrame:
    """Read back a table written by TableSink, with the same dtypes."""
    table = path.name.split(".")[0]
    if path.suffix == ".parquet":
        df = pd.read_parquet(path)
    elif path.suffix == ".jsonl":
        df = pd.read_json(path, lines=True, dtype=False) if path.stat().st_size else pd.DataFrame()
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if table in TABLE_COLUMNS:
        for col in TABLE_COLUMNS[table]:
            if col not in df.columns:
                df[col] = None
        rows = df.to_dict(orient="records")
        for row in rows:
            for col in INT_COLUMNS.intersection(row):
                if row[col] in ("", None) or (isinstance(row[col], float) and pd.isna(row[col])):
                    row[col] = None
                else:
                    row[col] = int(row[col])
            for col in FLOAT_COLUMNS.intersection(row):
                v = row[col]
                row[col] = (
                    None if v in ("", None) or (isinstance(v, float) and pd.isna(v)) else float(v)
                )
            for col in BOOL_COLUMNS.intersection(row):
                v = row[col]
                row[col] = (
                    None if v in ("", None) else (v if isinstance(v, bool) else str(v) == "True")
                )
        return frame(table, rows)
    return df
