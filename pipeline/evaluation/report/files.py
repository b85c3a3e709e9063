"""Writing a report folder: report.json (stable keys), report.md, report.html, errors.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from pipeline.evaluation.report.html import render_html
from pipeline.evaluation.report.markdown import render_markdown

REPORT_VERSION = 1


def write_report(report: dict[str, Any], errors: Any, out_dir: Path) -> dict[str, Path]:
    """report.json, report.md, report.html and errors.csv under out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {"version": REPORT_VERSION, **report}
    paths = {
        "json": out_dir / "report.json",
        "md": out_dir / "report.md",
        "html": out_dir / "report.html",
        "errors": out_dir / "errors.csv",
    }
    paths["json"].write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    paths["html"].write_text(render_html(report, errors), encoding="utf-8")
    write_errors_csv(errors, paths["errors"])
    return paths


def write_errors_csv(errors: Any, path: Path) -> None:
    """errors.csv with "\n" line ends, and every row holding a bare "\r" fully quoted.

    The csv module (under pandas) quotes only fields holding a character of the
    line terminator, so with "\n" a field with a lone "\r" went out unquoted and
    readers split the row there. Rows with one are written with QUOTE_ALL; the
    others keep minimal quoting, so ordinary files are byte-for-byte unchanged.
    """
    opts: dict[str, Any] = {"index": False, "lineterminator": "\n"}
    has_cr = [
        any(isinstance(v, str) and "\r" in v for v in row)
        for row in errors.itertuples(index=False, name=None)
    ]
    if not any(has_cr):
        errors.to_csv(path, encoding="utf-8", **opts)
        return
    with path.open("w", encoding="utf-8", newline="") as f:
        errors.iloc[:0].to_csv(f, **opts)  # the header
        start = 0
        for end in range(1, len(has_cr) + 1):  # consecutive rows alike go out together
            if end == len(has_cr) or has_cr[end] != has_cr[start]:
                quoting = csv.QUOTE_ALL if has_cr[start] else csv.QUOTE_MINIMAL
                errors.iloc[start:end].to_csv(f, header=False, quoting=quoting, **opts)
                start = end


