"""Evaluation reports: report.json (stable keys), report.md, a self-contained report.html
(charts inline as base64 PNG, no network), errors.csv, and the README "## Accuracy" section.

Modules: `markdown` (report.md), `html` (report.html), `charts`, `files` (writing the
report folder), `readme` (the README section; `python -m pipeline.evaluation.report
readme REPORT_DIR [README.md]`).
"""

from __future__ import annotations

from pipeline.evaluation.report.charts import charts
from pipeline.evaluation.report.files import REPORT_VERSION, write_errors_csv, write_report
from pipeline.evaluation.report.html import render_html
from pipeline.evaluation.report.markdown import (
    SUMMARY_END,
    SUMMARY_START,
    render_markdown,
    stage_columns,
    stage_rows,
    summary_rows,
)
from pipeline.evaluation.report.readme import (
    README_END,
    README_START,
    main,
    ner_external_note,
    readme_section,
    update_readme,
)

__all__ = [
    "README_END",
    "README_START",
    "REPORT_VERSION",
    "SUMMARY_END",
    "SUMMARY_START",
    "charts",
    "main",
    "ner_external_note",
    "readme_section",
    "render_html",
    "render_markdown",
    "stage_columns",
    "stage_rows",
    "summary_rows",
    "update_readme",
    "write_errors_csv",
    "write_report",
]
