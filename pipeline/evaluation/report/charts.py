"""The report's charts (matplotlib, inline base64 PNG; matplotlib is the `report` extra)."""

from __future__ import annotations

import base64
import io
from typing import Any


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
            *[(f"entities.{t}.strict", t) for t in report["entities"]["per_type"]],
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
