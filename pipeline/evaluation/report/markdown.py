"""report.md: the evaluation report as Markdown tables (its summary block goes to README)."""

from __future__ import annotations

from typing import Any

SUMMARY_START = "<!-- summary:start -->"
SUMMARY_END = "<!-- summary:end -->"


def stage_columns(report: dict[str, Any]) -> list[tuple[str, str]]:
    """Stage table columns: (report headline key, column title); one column per mention
    type the scorer scored (the report's own per-type keys, in the schema's order)."""
    return [
        ("entities.micro.strict", "entities strict F1"),
        ("entities.micro.partial", "entities partial F1"),
        *[(f"entities.{t}.strict", t) for t in report["entities"]["per_type"]],
        ("dates.value_accuracy", "date value acc."),
        ("countries.linking_accuracy", "country linking acc."),
        ("events.f1", "events F1"),
        ("arguments.f1", "arguments F1"),
    ]


def fmt_cell(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def md_table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append(
            "| " + " | ".join(fmt_cell(c).replace("|", "\\|").replace("\n", " ") for c in r) + " |"
        )
    return "\n".join(out)


def prf_row(name: str, block: dict[str, Any]) -> list[Any]:
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


def stage_header(report: dict[str, Any]) -> list[str]:
    return ["stage"] + [t for _, t in stage_columns(report)]


def stage_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for name, block in report.get("stages", {}).get("results", {}).items():
        head = block["headline"]
        rows.append([name] + [head.get(k) for k, _ in stage_columns(report)])
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
    lines += _md_summary(report)
    lines += _md_entities_and_values(report)
    lines += _md_events_and_arguments(report)
    lines += _md_stages_and_confusions(report)
    return "\n".join(lines)


def _md_summary(report: dict[str, Any]) -> list[str]:
    """The block between the summary markers (what the README shows)."""
    docs = report["documents"]
    meta = report.get("meta", {})
    lines: list[str] = []
    lines.append(SUMMARY_START)
    lines.append(
        f"Scored on {docs['gold']} gold documents (split `{meta.get('split', 'all')}`); "
        f"{docs['failed']} failed in the run and {docs['missing']} were missing from it "
        "(both count as all missed). Scoring follows section 6 of the annotation guidelines."
    )
    lines.append("")
    lines.append(md_table(["", "P", "R", "F1"], summary_rows(report)))
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
        lines.append(md_table(stage_header(report), stage_rows(report)))
    lines.append(SUMMARY_END)
    return lines


def _md_entities_and_values(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    lines += ["", "## Entities (per type)", ""]
    rows = []
    for t, block in report["entities"]["per_type"].items():
        rows.append(prf_row(f"{t} strict", block["strict"]))
        rows.append(prf_row(f"{t} partial", block["partial"]))
    lines.append(md_table(PRF_HEADER, rows))
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
        md_table(
            ["", "span F1 strict", "span F1 partial", "value acc.", "value F1", "matched"], rows
        )
    )
    return lines


def _md_events_and_arguments(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    lines += ["", "## Events (per type)", ""]
    lines.append(
        md_table(
            PRF_HEADER,
            [prf_row(t, b) for t, b in report["events"]["per_type"].items()]
            + [prf_row("all", report["events"])],
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
        md_table(
            PRF_HEADER,
            [prf_row(r, b) for r, b in report["arguments"]["per_role"].items()]
            + [prf_row("all", report["arguments"])],
        )
    )
    lines += ["", "Per event type:", ""]
    lines.append(
        md_table(PRF_HEADER, [prf_row(t, b) for t, b in report["arguments"]["per_type"].items()])
    )
    return lines


def _md_stages_and_confusions(report: dict[str, Any]) -> list[str]:
    docs = report["documents"]
    lines: list[str] = []
    if report.get("stages"):
        lines += ["", "## Stages", ""]
        for name, block in report["stages"]["results"].items():
            lines.append(f"- `{name}`: {block['description']}")
    lines += ["", "## Top confusions", ""]
    lines.append(
        md_table(["what", "count"], [[c["what"], c["count"]] for c in report["confusions"]])
    )
    if docs["failed_ids"] or docs["missing_ids"]:
        lines += [
            "",
            f"Failed documents: {', '.join(docs['failed_ids']) or '–'}; "
            f"missing: {', '.join(docs['missing_ids']) or '–'}.",
        ]
    lines += ["", "Every false positive and false negative is listed in `errors.csv`.", ""]
    return lines
