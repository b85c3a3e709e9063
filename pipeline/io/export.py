"""`bnevents export`: convert an existing run's tables to other formats, or to brat.

Table formats (csv, jsonl, parquet) are rewritten with the run's own TableSink, so
columns, dtypes and the Excel BOM option are the same as `bnevents run` writes.

brat needs each document's raw text beside its `.ann` (offsets index into it). The text
comes from `--texts DIR` (DIR/<doc_id>.txt) when given, otherwise from the input the run
read, found through documents.<fmt> `source` (an absolute .txt path, `file.jsonl:LINE` or
`dump.xml#page=...`, so a copied run folder exports from any directory; a relative source
of an older run is taken from the current directory): that input is read again with the
run's own readers, so the text is exactly what the run saw. A document whose text cannot
be found, or whose length differs from the run's `chars`, is skipped and reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.brat import tables_to_ann
from pipeline.io.readers import InputError, decode_utf8, read_documents
from pipeline.io.tables import TABLE_COLUMNS
from pipeline.io.writers import FORMATS, TableSink, read_table

EXPORT_FORMATS = (*FORMATS, "brat")
RUN_FORMATS = ("parquet", "jsonl", "csv")  # the order a run folder is searched in
_SOURCE_SUFFIX = re.compile(r"(?::\d+|#page=.*)$")


@dataclass
class ExportSummary:
    files: list[Path] = field(default_factory=list)
    brat_documents: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, reason)


def load_run(
    run_dir: Path,
    names: Iterable[str] = tuple(TABLE_COLUMNS),
    *,
    required: Iterable[str] = ("documents",),
    missing: type[Exception] = InputError,
) -> dict[str, pd.DataFrame]:
    """Tables `names` of a run folder, each from parquet, jsonl or csv (first found, in that
    order); a missing table of `required` raises `missing`, another is left out.

    The one reader of a run folder: `bnevents export` reads every table, the scorer
    (`evaluation.read_run`) documents, entities and events."""
    out: dict[str, pd.DataFrame] = {}
    must = set(required)
    for name in names:
        path = next(
            (p for fmt in RUN_FORMATS if (p := run_dir / f"{name}.{fmt}").is_file()), None
        )
        if path is not None:
            out[name] = read_table(path)
        elif name in must:
            raise missing(
                f"{run_dir}: no {name}.csv/.jsonl/.parquet (not a `bnevents run` folder?)"
            )
    return out


def _records(df: pd.DataFrame) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict(orient="records")


# what file systems refuse in a name: path separators, Windows' reserved characters and
# control characters (C0, DEL, C1); everything else (Bengali letters, vowel signs, virama,
# digits, spaces, dashes) is kept, so the brat file is named like the document
_REFUSED = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f-\x9f]+')
_MAX_NAME_BYTES = 200  # file systems allow 255 bytes; room for ".ann" and a "_2" suffix


def safe_name(doc_id: str) -> str:
    """A file name for a doc id: the id itself, with only what a file system refuses
    replaced by '_' (ids from JSONL or dumps may hold '/' or ':'); no leading dot (a
    hidden file) and no trailing dot or space (Windows drops them)."""
    name = _REFUSED.sub("_", doc_id).lstrip(".").rstrip(". ")
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        name = name.encode("utf-8")[:_MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(". ")
    return name or "doc"


def find_texts(documents: pd.DataFrame, texts_dir: Path | None) -> dict[str, str]:
    """doc_id -> raw text, from --texts or by re-reading each document's source."""
    wanted = [str(d) for d in documents["doc_id"]]
    texts: dict[str, str] = {}
    if texts_dir is not None:
        for doc_id in wanted:
            for name in (doc_id, safe_name(doc_id)):
                path = texts_dir / f"{name}.txt"
                if path.is_file():
                    texts[doc_id] = decode_utf8(path.read_bytes())
                    break
        return texts
    by_source: dict[Path, set[str]] = defaultdict(set)
    for doc_id, source in zip(documents["doc_id"], documents["source"], strict=True):
        path = Path(_SOURCE_SUFFIX.sub("", str(source)))
        if str(source) and path.exists():
            by_source[path].add(str(doc_id))
    for path, ids in by_source.items():
        try:
            for item in read_documents(path, relations_only=False):
                text = getattr(item, "text", None)
                if item.doc_id in ids and text is not None:
                    texts[item.doc_id] = text
        except InputError:
            continue
    return texts


def export_run(
    run_dir: Path,
    out_dir: Path,
    formats: list[str],
    *,
    excel: bool = False,
    texts_dir: Path | None = None,
) -> ExportSummary:
    tables = load_run(run_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = ExportSummary()
    for fmt in formats:
        if fmt == "brat":
            continue
        for name, df in tables.items():
            sink = TableSink(out_dir, name, fmt, excel=excel)
            try:
                sink.write(_records(df))
                summary.files.append(sink.commit())
            except BaseException:
                sink.abort()
                raise
    if "brat" in formats:
        _export_brat(tables, out_dir / "brat", texts_dir, summary)
    return summary


def _export_brat(
    tables: dict[str, pd.DataFrame], out: Path, texts_dir: Path | None, summary: ExportSummary
) -> None:
    docs = tables["documents"]
    texts = find_texts(docs, texts_dir)
    ents = tables.get("entities", pd.DataFrame(columns=TABLE_COLUMNS["entities"]))
    evs = tables.get("events", pd.DataFrame(columns=TABLE_COLUMNS["events"]))
    ent_by_doc = {k: _records(g) for k, g in ents.groupby("doc_id", sort=False)}
    ev_by_doc = {k: _records(g) for k, g in evs.groupby("doc_id", sort=False)}
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for row in _records(docs):
        doc_id = str(row["doc_id"])
        if row.get("status") not in (None, "", "ok"):
            summary.skipped.append((doc_id, f"status {row['status']} in the run"))
            continue
        text = texts.get(doc_id)
        if text is None:
            summary.skipped.append((doc_id, f"text not found (source {row.get('source')!r}; "
                                            "give --texts DIR)"))
            continue
        if row.get("chars") is not None and int(row["chars"]) != len(text):
            summary.skipped.append((doc_id, f"text has {len(text)} characters, the run saw "
                                            f"{row['chars']}"))
            continue
        ann = tables_to_ann(text, ent_by_doc.get(doc_id, []), ev_by_doc.get(doc_id, []))
        name = _unique_name(safe_name(doc_id), used)
        # raw bytes: keep CRLF and a BOM exactly, so the offsets stay valid in brat
        (out / f"{name}.txt").write_bytes(text.encode("utf-8"))
        (out / f"{name}.ann").write_bytes(ann.encode("utf-8"))
        summary.files.append(out / f"{name}.ann")
        summary.brat_documents += 1


def _unique_name(name: str, used: set[str]) -> str:
    """`name`, or `name_2`, `name_3`...: two ids with the same safe name ("a/b", "a:b") must
    not overwrite each other's files (compared case-folded, as on Windows and macOS)."""
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{name}_{n}"
    used.add(candidate.casefold())
    return candidate
