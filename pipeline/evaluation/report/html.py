"""report.html: one self-contained page (charts inline as base64 PNG, no network)."""

from __future__ import annotations

import html
from typing import Any

from pipeline.evaluation.report.charts import charts
from pipeline.evaluation.report.markdown import (
    PRF_HEADER,
    fmt_cell,
    prf_row,
    stage_header,
    stage_rows,
    summary_rows,
)


def html_table(header: list[str], rows: list[list[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt_cell(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


_CSS = """
body{font-family:"Noto Sans Bengali","Lohit Bengali","Noto Sans",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}
td,th{border:1px solid #bbb;padding:2px 8px;text-align:right;font-size:13px}
td:first-child,th:first-child{text-align:left}
table.errors td{text-align:left;max-width:28em}
img{display:block;margin:0.5em 0 1.5em;border:1px solid #eee}
"""


def render_html(report: dict[str, Any], errors: Any = None, max_error_rows: int = 60) -> str:
    imgs = charts(report)
    parts = _html_head(report, imgs)
    parts += _html_entities_and_values(report)
    parts += _html_events(report, imgs)
    if "stages" in imgs:
        parts += _html_stages(report, imgs)
    parts += _html_confusions(report)
    if errors is not None and len(errors):
        parts += _html_errors(errors, max_error_rows)
    parts.append("</body></html>")
    return "\n".join(parts)


def _html_head(report: dict[str, Any], imgs: dict[str, str]) -> list[str]:
    docs = report["documents"]
    meta = report.get("meta", {})
    return [
        "<!DOCTYPE html>",
        '<html lang="bn"><head><meta charset="utf-8">',
        "<title>bnevents evaluation report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Evaluation report</h1>",
        f"<p>Gold <code>{html.escape(str(meta.get('gold_dir', '')))}</code>, split "
        f"<code>{html.escape(str(meta.get('split', 'all')))}</code>: {docs['gold']} documents "
        f"({docs['failed']} failed in the run, {docs['missing']} missing; both count as all "
        f"missed). Predictions <code>{html.escape(str(meta.get('run_dir', '')))}</code>.</p>",
        '<h2 id="summary">Summary</h2>',
        html_table(["", "P", "R", "F1"], summary_rows(report), "summary"),
        '<h2 id="entities">Entities</h2>',
        f'<img id="chart-entities" alt="Entity F1 per type" '
        f'src="data:image/png;base64,{imgs["entities"]}">',
    ]


def _html_entities_and_values(report: dict[str, Any]) -> list[str]:
    parts: list[str] = []
    rows = []
    for t, block in report["entities"]["per_type"].items():
        rows.append(prf_row(f"{t} strict", block["strict"]))
        rows.append(prf_row(f"{t} partial", block["partial"]))
    parts.append(html_table(PRF_HEADER, rows, "entities"))
    vrows = [
        [
            group,
            report[group]["span"]["strict"]["f1"],
            report[group]["value_accuracy"],
            report[group]["value_matched"],
        ]
        for group in ("dates", "money", "quantities")
    ] + [
        [
            "country linking",
            None,
            report["countries"]["linking_accuracy"],
            report["countries"]["matched"],
        ]
    ]
    parts.append(html_table(["", "span F1 strict", "value acc.", "matched"], vrows, "values"))
    return parts


def _html_events(report: dict[str, Any], imgs: dict[str, str]) -> list[str]:
    parts: list[str] = []
    parts.append('<h2 id="events">Events</h2>')
    if "events" in imgs:
        parts.append(
            f'<img id="chart-events" alt="Event F1 per type" '
            f'src="data:image/png;base64,{imgs["events"]}">'
        )
    parts.append(
        html_table(
            PRF_HEADER,
            [prf_row(t, b) for t, b in report["events"]["per_type"].items()]
            + [
                prf_row("all events", report["events"]),
                prf_row("all arguments", report["arguments"]),
            ],
            "events",
        )
    )
    parts.append(
        html_table(
            ["attribute", "correct", "total", "accuracy"],
            [
                [k, v["correct"], v["total"], v["accuracy"]]
                for k, v in report["events"]["attributes"].items()
            ],
            "attributes",
        )
    )
    return parts


def _html_stages(report: dict[str, Any], imgs: dict[str, str]) -> list[str]:
    parts: list[str] = []
    parts.append('<h2 id="stages">Stages</h2>')
    parts.append(
        f'<img id="chart-stages" alt="F1 per type and stage" '
        f'src="data:image/png;base64,{imgs["stages"]}">'
    )
    parts.append(html_table(stage_header(report), stage_rows(report), "stages"))
    parts.append(
        "<ul>"
        + "".join(
            f"<li><code>{html.escape(n)}</code>: {html.escape(b['description'])}</li>"
            for n, b in report["stages"]["results"].items()
        )
        + "</ul>"
    )
    return parts


def _html_confusions(report: dict[str, Any]) -> list[str]:
    parts: list[str] = []
    parts.append('<h2 id="confusions">Top confusions</h2>')
    parts.append(
        html_table(
            ["what", "count"], [[c["what"], c["count"]] for c in report["confusions"]], "confusions"
        )
    )
    return parts


def _html_errors(errors: Any, max_error_rows: int) -> list[str]:
    """A few rows of each task, so event and argument errors are not hidden below entity ones."""
    parts: list[str] = []
    parts.append(
        f'<h2 id="errors">Errors: a sample of each task ({len(errors)} in all, every one '
        "in errors.csv)</h2>"
    )
    cols = [
        "task",
        "error",
        "doc_id",
        "gold_type",
        "gold_text",
        "pred_type",
        "pred_text",
        "detail",
        "sentence",
    ]
    per_task = max(1, max_error_rows // max(1, errors["task"].nunique()))
    rows = errors.groupby("task", sort=False).head(per_task)[cols].astype(str).values.tolist()
    parts.append(html_table(cols, rows, "errors"))
    return parts
