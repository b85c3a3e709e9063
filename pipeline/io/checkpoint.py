"""The state of a batch run on disk: parts, manifest, resume, and the final assembly.

How a run is laid out (all under the output folder):

    .run/manifest.jsonl    one line per finished part: the documents it holds, their counts
    .run/parts/part-N      those documents' rows for every table, as the CSV/JSONL bytes
                           the workers rendered (plus the rows as JSON, for Parquet)
    documents.csv ...      the tables, assembled from the parts at the end

A part is written to a temporary name and renamed, and only then recorded in the
manifest: after a crash, SIGKILL or Ctrl-C, a resumed run skips every document the
manifest lists and processes the rest, so no row is lost or duplicated.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.io import tables
from pipeline.io.engines import COUNT_KEYS, TEXT_FORMATS, DocOutput, Numbered
from pipeline.io.readers import InputError, ReadItem
from pipeline.io.writers import FORMATS, TableSink

Entry = dict[str, Any]  # one manifest line


class RunState:
    """The `.run/` folder of an output directory."""

    def __init__(self, out: Path) -> None:
        self.dir = out / ".run"
        self.parts = self.dir / "parts"
        self.manifest = self.dir / "manifest.jsonl"

    def reset(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self.parts.mkdir(parents=True)

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def load(self) -> list[Entry]:
        """Entries of finished parts; a torn last line (killed mid-write) is ignored."""
        if not self.manifest.exists():
            self.parts.mkdir(parents=True, exist_ok=True)
            return []
        entries = []
        for line in self.manifest.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break
            if (self.parts / entry["file"]).exists():
                entries.append(entry)
        return entries

    def write_part(
        self, index: int, chunk: list[tuple[int, DocOutput]], formats: tuple[str, ...]
    ) -> Entry:
        """One part file: a JSON line naming its blobs and their sizes, then the blobs."""
        name = f"part-{index:06d}"
        outputs = [out for _, out in chunk]
        _write_synced(self.parts / f".{name}.tmp", _part_bytes(outputs, formats))
        os.replace(self.parts / f".{name}.tmp", self.parts / name)
        entry = {
            "file": name,
            "formats": list(formats),
            "docs": [[seq, out.document["doc_id"]] for seq, out in chunk],
            "counts": {key: sum(o.counts[key] for o in outputs) for key in COUNT_KEYS},
            "failures": [
                [o.document["doc_id"], o.document["error"]]
                for o in outputs
                if o.document["status"] != "ok"
            ],
        }
        with open(self.manifest, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return entry

    def read_part(self, entry: Entry) -> dict[tuple[str, str], bytes]:
        """(format, table) -> that table's bytes; ("rows", "") -> the rows as JSON."""
        with open(self.parts / entry["file"], "rb") as fh:
            header = json.loads(fh.readline())
            return {(fmt, table): fh.read(size) for fmt, table, size in header["blobs"]}


def _part_bytes(outputs: list[DocOutput], formats: tuple[str, ...]) -> list[bytes]:
    """A part file's pieces: its header line, then each blob."""
    blobs: list[tuple[str, str, bytes]] = [
        (fmt, table, b"".join(o.data[fmt][table] for o in outputs))
        for fmt in formats
        if fmt in TEXT_FORMATS
        for table in tables.TABLE_COLUMNS
    ]
    if any(fmt not in TEXT_FORMATS for fmt in formats):
        rows = {
            t: [row for o in outputs if o.rows for row in o.rows[t]]
            for t in tables.TABLE_COLUMNS
        }
        blobs.append(("rows", "", json.dumps(rows, ensure_ascii=False).encode("utf-8")))
    header = json.dumps({"blobs": [[fmt, table, len(data)] for fmt, table, data in blobs]})
    return [header.encode("ascii") + b"\n", *(data for _, _, data in blobs)]


def _write_synced(path: Path, pieces: list[bytes]) -> None:
    with open(path, "wb") as fh:
        for data in pieces:
            fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


# -- resume ---------------------------------------------------------------------
def resumable_entries(state: RunState, out: Path, formats: tuple[str, ...]) -> list[Entry]:
    """The finished parts of an interrupted run, checked to hold every requested format."""
    entries = state.load()
    for entry in entries:
        missing = [fmt for fmt in formats if fmt not in entry.get("formats", ())]
        if missing:
            raise InputError(
                f"cannot resume: the interrupted run in {out} wrote "
                f"{','.join(entry.get('formats', ())) or 'another format'}, not {missing[0]}; "
                "resume with its --format, or start again without --resume"
            )
    return entries


def done_documents(entries: list[Entry]) -> dict[int, str]:
    """seq -> doc id of every document the finished parts hold."""
    return {seq: doc_id for e in entries for seq, doc_id in e["docs"]}


def skip_done(items: Iterator[ReadItem], done: dict[int, str]) -> Iterator[Numbered]:
    """Number the input documents and leave out those already done (same ids, or fail)."""
    for seq, item in enumerate(items):
        if seq in done:
            if done[seq] != item.doc_id:
                raise InputError(
                    f"cannot resume: input document {seq} is {item.doc_id!r}, the "
                    f"interrupted run had {done[seq]!r} (inputs changed?)"
                )
            continue
        yield seq, item


# -- assembly -----------------------------------------------------------------------
def assemble(
    state: RunState,
    entries: list[Entry],
    out: Path,
    formats: tuple[str, ...],
    excel: bool,
) -> list[Path]:
    """Stream every part, in input order, into the final tables; publish them together."""
    entries = sorted(entries, key=lambda e: e["docs"][0][0] if e["docs"] else -1)
    sinks = [TableSink(out, t, fmt, excel=excel) for t in tables.TABLE_COLUMNS for fmt in formats]
    try:
        for entry in entries:
            part = state.read_part(entry)
            rows = json.loads(part["rows", ""]) if ("rows", "") in part else {}
            for sink in sinks:
                if sink.fmt in TEXT_FORMATS:
                    sink.write_encoded(part[sink.fmt, sink.table])
                else:
                    sink.write(rows[sink.table])
        # two phases: every table is finished before any is renamed into place, so a
        # failure (full disk) leaves the previous run's tables or none, never a mix
        for sink in sinks:
            sink.finish()
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    published = [sink.publish() for sink in sinks]
    remove_other_tables(out, formats)
    return published


def remove_other_tables(out: Path, formats: tuple[str, ...]) -> list[Path]:
    """Delete an earlier run's tables in the formats this run did not write.

    A run owns its tables: `--format csv,parquet` then `--format csv` must not leave
    the old documents.parquet beside the new documents.csv. Only the exact table
    names a run writes are touched (never other files in the folder), and only after
    the new tables are in place, so a failed run still leaves the previous complete set.
    """
    removed = []
    for table in tables.TABLE_COLUMNS:
        for fmt in FORMATS:
            path = out / f"{table}.{fmt}"
            if fmt not in formats and path.is_file():
                path.unlink()
                removed.append(path)
    return removed
