"""The README "## Accuracy" section, copied from a report.md's summary block.

`python -m pipeline.evaluation.report readme REPORT_DIR [README.md]` copies the summary of
REPORT_DIR/report.md into README.md between the accuracy markers.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from pipeline.evaluation.report.markdown import SUMMARY_END, SUMMARY_START

README_START = "<!-- accuracy:start -->"
README_END = "<!-- accuracy:end -->"


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

