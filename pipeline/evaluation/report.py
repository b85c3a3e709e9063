"""Evaluation reports: report.json (stable keys), report.md, a self-contained report.html
(charts inline as base64 PNG, no network), errors.csv, and the README "## Accuracy" section.

`python -m pipeline.evaluation.report readme REPORT_DIR [README.md]` copies the summary of
REPORT_DIR/report.md into README.md between the accuracy markers.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

from pipeline.model import MENTION_TYPES

README_START = "<!-- accuracy:start -->"
README_END = "<!-- accuracy:end -->"
SUMMARY_START = "<!-- summary:start -->"
SUMMARY_END = "<!-- summary:end -->"
REPORT_VERSION = 1

# stage table columns: (report headline key, column title)
STAGE_COLUMNS = [
    ("entities.micro.strict", "entities strict F1"),
    ("entities.micro.partial", "entities partial F1"),
    *[(f"entities.{t}.strict", t) for t in MENTION_TYPES],
    ("dates.value_accuracy", "date value acc."),
    ("countries.linking_accuracy", "country linking acc."),
    ("events.f1", "events F1"),
    ("arguments.f1", "arguments F1"),
]


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _md_table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append(
            "| " + " | ".join(_fmt(c).replace("|", "\\|").replace("\n", " ") for c in r) + " |"
        )
    return "\n".join(out)


def _prf_row(name: str, block: dict[str, Any]) -> list[Any]:
    return [
        name,
        block["precision"],
        block["recall"],
        block["f1"],
        block["tp"],
        block["fp"],
        block["fn"],
    ]


PRF_HEADER = ["", "P", "R", "F1", "TP", "FP", "FN"]


def summary_rows(report: dict[str, Any]) -> list[list[Any]]:
    ents, ev, args = report["entities"]["micro"], report["events"], report["arguments"]
    return [
        [
            "entities, strict (micro)",
            ents["strict"]["precision"],
            ents["strict"]["recall"],
            ents["strict"]["f1"],
        ],
        [
            "entities, partial (micro)",
            ents["partial"]["precision"],
            ents["partial"]["recall"],
            ents["partial"]["f1"],
        ],
        ["events", ev["precision"], ev["recall"], ev["f1"]],
        ["event arguments", args["precision"], args["recall"], args["f1"]],
    ]


def stage_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for name, block in report.get("stages", {}).get("results", {}).items():
        head = block["headline"]
        rows.append([name] + [head.get(k) for k, _ in STAGE_COLUMNS])
    return rows


def render_markdown(report: dict[str, Any]) -> str:
    docs = report["documents"]
    meta = report.get("meta", {})
    lines = ["# Evaluation report", ""]
    lines.append(
        f"Gold: `{meta.get('gold_dir', '')}`, split `{meta.get('split', 'all')}` "
        f"({docs['gold']} documents); predictions: `{meta.get('run_dir', '')}`."
    )
    lines.append("")
    lines.append(SUMMARY_START)
    lines.append(
        f"Scored on {docs['gold']} gold documents (split `{meta.get('split', 'all')}`); "
        f"{docs['failed']} failed in the run and {docs['missing']} were missing from it "
        "(both count as all missed). Scoring follows section 6 of the annotation guidelines."
    )
    lines.append("")
    lines.append(_md_table(["", "P", "R", "F1"], summary_rows(report)))
    lines.append("")
    d = report["dates"]
    lines.append(
        f"DATE value accuracy {d['value_accuracy']:.3f} over {d['value_matched']} matched spans; "
        f"MONEY {report['money']['value_accuracy']:.3f} ({report['money']['value_matched']}); "
        f"QUANTITY {report['quantities']['value_accuracy']:.3f} "
        f"({report['quantities']['value_matched']}); "
        f"COUNTRY linking accuracy {report['countries']['linking_accuracy']:.3f} "
        f"({report['countries']['matched']})."
    )
    if report.get("stages"):
        lines += ["", "Per stage (F1 unless marked acc.):", ""]
        lines.append(_md_table(["stage"] + [t for _, t in STAGE_COLUMNS], stage_rows(report)))
    lines.append(SUMMARY_END)
    lines += ["", "## Entities (per type)", ""]
    rows = []
    for t, block in report["entities"]["per_type"].items():
        rows.append(_prf_row(f"{t} strict", block["strict"]))
        rows.append(_prf_row(f"{t} partial", block["partial"]))
    lines.append(_md_table(PRF_HEADER, rows))
    lines += ["", "## Values", ""]
    rows = [
        [
            group,
            report[group]["span"]["strict"]["f1"],
            report[group]["span"]["partial"]["f1"],
            report[group]["value_accuracy"],
            report[group]["value"]["f1"],
            report[group]["value_matched"],
        ]
        for group in ("dates", "money", "quantities")
    ]
    lines.append(
        _md_table(
            ["", "span F1 strict", "span F1 partial", "value acc.", "value F1", "matched"], rows
        )
    )
    lines += ["", "## Events (per type)", ""]
    lines.append(
        _md_table(
            PRF_HEADER,
            [_prf_row(t, b) for t, b in report["events"]["per_type"].items()]
            + [_prf_row("all", report["events"])],
        )
    )
    attrs = report["events"]["attributes"]
    lines += [
        "",
        "Attribute accuracy over matched events: "
        + "; ".join(
            f"{k} {v['accuracy']:.3f} ({v['correct']}/{v['total']})" for k, v in attrs.items()
        ),
    ]
    lines += ["", "## Arguments", ""]
    lines.append(
        _md_table(
            PRF_HEADER,
            [_prf_row(r, b) for r, b in report["arguments"]["per_role"].items()]
            + [_prf_row("all", report["arguments"])],
        )
    )
    lines += ["", "Per event type:", ""]
    lines.append(
        _md_table(PRF_HEADER, [_prf_row(t, b) for t, b in report["arguments"]["per_type"].items()])
    )
    if report.get("stages"):
        lines += ["", "## Stages", ""]
        for name, block in report["stages"]["results"].items():
            lines.append(f"- `{name}`: {block['description']}")
    lines += ["", "## Top confusions", ""]
    lines.append(
        _md_table(["what", "count"], [[c["what"], c["count"]] for c in report["confusions"]])
    )
    if docs["failed_ids"] or docs["missing_ids"]:
        lines += [
            "",
            f"Failed documents: {', '.join(docs['failed_ids']) or '–'}; "
            f"missing: {', '.join(docs['missing_ids']) or '–'}.",
        ]
    lines += ["", "Every false positive and false negative is listed in `errors.csv`.", ""]
    return "\n".join(lines)


# -- charts ------------------------------------------------------------------------
def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def charts(report: dict[str, Any]) -> dict[str, str]:
    """name -> base64 PNG. Labels are Latin only: the chart font may lack Bengali glyphs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: dict[str, str] = {}
    types = list(report["entities"]["per_type"])
    strict = [report["entities"]["per_type"][t]["strict"]["f1"] for t in types]
    partial = [report["entities"]["per_type"][t]["partial"]["f1"] for t in types]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    xs = range(len(types))
    ax.bar([x - 0.2 for x in xs], strict, 0.4, label="strict", color="#3b6fb6")
    ax.bar([x + 0.2 for x in xs], partial, 0.4, label="partial", color="#9cc3e6")
    ax.set_xticks(list(xs), types, fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("F1")
    ax.set_title("Entity F1 per type")
    ax.legend(fontsize=8)
    out["entities"] = _png(fig)
    plt.close(fig)

    ev = report["events"]["per_type"]
    if ev:
        fig, ax = plt.subplots(figsize=(7, 3.2))
        names = list(ev)
        ax.bar(range(len(names)), [ev[n]["f1"] for n in names], color="#d98b2b", label="event F1")
        argt = report["arguments"]["per_type"]
        ax.plot(
            range(len(names)),
            [argt.get(n, {}).get("f1", 0.0) for n in names],
            "o",
            color="#333333",
            label="argument F1",
        )
        ax.set_xticks(range(len(names)), names, rotation=35, ha="right", fontsize=7)
        ax.set_ylim(0, 1)
        ax.set_title("Event and argument F1 per event type")
        ax.legend(fontsize=8)
        out["events"] = _png(fig)
        plt.close(fig)

    stages = report.get("stages", {}).get("results", {})
    if stages:
        keys = [
            ("entities.micro.strict", "entities"),
            *[(f"entities.{t}.strict", t) for t in MENTION_TYPES],
            ("dates.value_accuracy", "date value"),
            ("events.f1", "events"),
            ("arguments.f1", "arguments"),
        ]
        fig, ax = plt.subplots(figsize=(9, 3.6))
        width = 0.8 / len(stages)
        for i, (name, block) in enumerate(stages.items()):
            vals = [block["headline"].get(k) for k, _ in keys]
            ax.bar(
                [x + (i - (len(stages) - 1) / 2) * width for x in range(len(keys))],
                [v if v is not None else 0.0 for v in vals],
                width,
                label=name,
            )
        ax.set_xticks(range(len(keys)), [t for _, t in keys], rotation=30, ha="right", fontsize=7)
        ax.set_ylim(0, 1)
        ax.set_title("F1 per type and stage")
        ax.legend(fontsize=7, ncols=min(3, len(stages)))
        out["stages"] = _png(fig)
        plt.close(fig)
    return out


def _html_table(header: list[str], rows: list[list[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in r) + "</tr>" for r in rows
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
    docs = report["documents"]
    meta = report.get("meta", {})
    imgs = charts(report)
    parts = [
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
        _html_table(["", "P", "R", "F1"], summary_rows(report), "summary"),
        '<h2 id="entities">Entities</h2>',
        f'<img id="chart-entities" alt="Entity F1 per type" '
        f'src="data:image/png;base64,{imgs["entities"]}">',
    ]
    rows = []
    for t, block in report["entities"]["per_type"].items():
        rows.append(_prf_row(f"{t} strict", block["strict"]))
        rows.append(_prf_row(f"{t} partial", block["partial"]))
    parts.append(_html_table(PRF_HEADER, rows, "entities"))
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
    parts.append(_html_table(["", "span F1 strict", "value acc.", "matched"], vrows, "values"))
    parts.append('<h2 id="events">Events</h2>')
    if "events" in imgs:
        parts.append(
            f'<img id="chart-events" alt="Event F1 per type" '
            f'src="data:image/png;base64,{imgs["events"]}">'
        )
    parts.append(
        _html_table(
            PRF_HEADER,
            [_prf_row(t, b) for t, b in report["events"]["per_type"].items()]
            + [
                _prf_row("all events", report["events"]),
                _prf_row("all arguments", report["arguments"]),
            ],
            "events",
        )
    )
    parts.append(
        _html_table(
            ["attribute", "correct", "total", "accuracy"],
            [
                [k, v["correct"], v["total"], v["accuracy"]]
                for k, v in report["events"]["attributes"].items()
            ],
            "attributes",
        )
    )
    if "stages" in imgs:
        parts.append('<h2 id="stages">Stages</h2>')
        parts.append(
            f'<img id="chart-stages" alt="F1 per type and stage" '
            f'src="data:image/png;base64,{imgs["stages"]}">'
        )
        parts.append(
            _html_table(["stage"] + [t for _, t in STAGE_COLUMNS], stage_rows(report), "stages")
        )
        parts.append(
            "<ul>"
            + "".join(
                f"<li><code>{html.escape(n)}</code>: {html.escape(b['description'])}</li>"
                for n, b in report["stages"]["results"].items()
            )
            + "</ul>"
        )
    parts.append('<h2 id="confusions">Top confusions</h2>')
    parts.append(
        _html_table(
            ["what", "count"], [[c["what"], c["count"]] for c in report["confusions"]], "confusions"
        )
    )
    if errors is not None and len(errors):
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
        # a few of each task, so event and argument errors are not hidden below entity ones
        per_task = max(1, max_error_rows // max(1, errors["task"].nunique()))
        rows = errors.groupby("task", sort=False).head(per_task)[cols].astype(str).values.tolist()
        parts.append(_html_table(cols, rows, "errors"))
    parts.append("</body></html>")
    return "\n".join(parts)


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


# -- README ---------------------------------------------------------------------
def readme_section(report_md: str) -> str:
    """The summary block of a report.md (the whole text if it has no markers)."""
    m = re.search(
        re.escape(SUMMARY_START) + r"\n?(.*?)\n?" + re.escape(SUMMARY_END), report_md, re.S
    )
    return (m.group(1) if m else report_md).strip()


def ner_external_note(model_dir: Path | None = None) -> str:
    """One line with the shipped NER model's external figure, from its scores.json."""
    from pipeline.config import MODELS_DIR

    path = (model_dir or MODELS_DIR / "ner") / "scores.json"
    try:
        scores = json.loads(path.read_text(encoding="utf-8"))
        micro = scores["spacy"]["rifat1493_test"]["micro"]
        per_type = scores["spacy"]["rifat1493_test"]
    except (OSError, KeyError, ValueError):
        return ""
    types = ", ".join(
        f"{t} {per_type[t]['f1']:.2f}" for t in ("PERSON", "ORG", "GPE", "DATE") if t in per_type
    )
    return (
        f"External test of the NER model alone (`ner-rifat1493` test split, entity-level strict "
        f"F1, PER→PERSON, ORG→ORG, LOC→GPE, TIM→DATE): micro {micro['f1']:.2f} "
        f"(P {micro['p']:.2f}, R {micro['r']:.2f}; {types}), against the 72.66 the data set's "
        "authors report with pretrained word vectors; from `models/ner/scores.json`, "
        "reproduced by `bnevents train --eval-only`."
    )


def update_readme(readme: Path, report_md: str, note: str = "") -> bool:
    """Replace the README text between the accuracy markers; add the section if missing.

    Returns True when the file changed.
    """
    old = readme.read_text(encoding="utf-8") if readme.exists() else ""
    body = readme_section(report_md)
    if note:
        body = f"{body}\n\n{note}"
    block = f"{README_START}\n{body}\n{README_END}"
    if README_START in old and README_END in old:
        a = old.index(README_START)
        b = old.index(README_END) + len(README_END)
        new = old[:a] + block + old[b:]
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + "## Accuracy\n\n" + block + "\n"
    if new != old:
        readme.write_text(new, encoding="utf-8")
    return new != old


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (2, 3) or args[0] != "readme":
        print("usage: python -m pipeline.evaluation.report readme REPORT_DIR [README.md]",
              file=sys.stderr)
        return 2
    report_md = Path(args[1]) / "report.md"
    if not report_md.is_file():
        print(
            f"error: {report_md} does not exist (run `bnevents eval ... --out DIR` first)",
            file=sys.stderr,
        )
        return 2
    readme = Path(args[2]) if len(args) == 3 else Path("README.md")
    changed = update_readme(readme, report_md.read_text(encoding="utf-8"))
    print(f"{readme}: {'updated' if changed else 'already up to date'}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
