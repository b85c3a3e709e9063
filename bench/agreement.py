"""Inter-annotator agreement between the gold annotations and an independent second annotation.

Annotator 1 = annotations/<doc>.ann, annotator 2 = annotations/iaa/annotator2/<doc>.ann (same
.txt). Scored with the project's own scorer (pipeline.evaluation.evaluate), annotator 1 in the gold
slot and annotator 2 in the prediction slot, so the figures mean exactly what the guidelines'
section 6 defines: entity strict F1 (same span and type) per type and micro, and event F1 (same
type, actor sets agreeing after normalisation: COUNTRY by ISO code, PERSON/ORG by overlapping span
or Affiliation country). F1 is symmetric in the two annotators; P and R just swap.

    .venv/bin/python bench/agreement.py [--first DIR] [--second DIR] [--rev REV] [--diff] [--json]

--first defaults to annotations/ restricted to the docs present in --second.
--rev reads annotator 1's files as they were at git revision REV (e.g. the gold before
adjudication, see annotations/iaa/AGREEMENT.md) instead of the working tree.
--diff prints every disagreement (entity spans and events) for adjudication.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.brat import read_directory
from pipeline.config import PROJECT_DIR
from pipeline.evaluation import evaluate, gold_record

ANN = PROJECT_DIR / "annotations"


def _f(block: dict) -> str:
    return f"P {block['precision']:.3f}  R {block['recall']:.3f}  F1 {block['f1']:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--first", type=Path, default=ANN)
    ap.add_argument("--second", type=Path, default=ANN / "iaa" / "annotator2")
    ap.add_argument("--rev", help="take annotator 1's .ann files from this git revision")
    ap.add_argument("--diff", action="store_true", help="list the disagreements")
    ap.add_argument("--json", action="store_true", help="print the full report as JSON")
    args = ap.parse_args()

    second = read_directory(args.second)
    if args.rev:
        tmp = Path(tempfile.mkdtemp(prefix="agreement-"))
        rel = args.first.resolve().relative_to(PROJECT_DIR)
        for doc in second:
            for ext in ("txt", "ann"):
                blob = subprocess.run(
                    ["git", "show", f"{args.rev}:{rel.as_posix()}/{doc}.{ext}"],
                    cwd=PROJECT_DIR,
                    capture_output=True,
                    check=True,
                ).stdout
                (tmp / f"{doc}.{ext}").write_bytes(blob)
        first = read_directory(tmp, second.keys())
        shutil.rmtree(tmp)
        shown_first = f"{args.first} at git revision {args.rev}"
    else:
        first = read_directory(args.first, second.keys())
        shown_first = str(args.first)
    missing = sorted(set(second) - set(first))
    if missing:
        raise SystemExit(f"not annotated by annotator 1: {', '.join(missing)}")
    g = {k: gold_record(v) for k, v in first.items()}
    p = {k: gold_record(v) for k, v in second.items()}
    ev = evaluate(g, p)
    rep = ev.report
    if args.json:
        print(json.dumps(rep, ensure_ascii=False, indent=1))
        return

    print(f"documents ({len(g)}): {', '.join(sorted(g))}")
    print(f"annotator 1: {shown_first}\nannotator 2: {args.second}")
    n1 = sum(len(d.mentions) for d in g.values())
    n2 = sum(len(d.mentions) for d in p.values())
    e1 = sum(len(d.events) for d in g.values())
    e2 = sum(len(d.events) for d in p.values())
    print(f"mentions: {n1} vs {n2}; events: {e1} vs {e2}")
    print("\nEntities, strict (same span and type)")
    for t, block in rep["entities"]["per_type"].items():
        s = block["strict"]
        print(f"  {t:<9} {_f(s)}   (support {s['tp'] + s['fn']} / {s['tp'] + s['fp']})")
    print(f"  {'micro':<9} {_f(rep['entities']['micro']['strict'])}")
    print(f"  {'partial':<9} {_f(rep['entities']['micro']['partial'])}  (overlap, same type)")
    print(
        f"  DATE value agreement over matched spans: {rep['dates']['value_accuracy']:.3f} "
        f"({rep['dates']['value_correct']}/{rep['dates']['value_matched']});"
        f" COUNTRY code agreement: {rep['countries']['linking_accuracy']:.3f}"
    )
    print("\nEvents (same type, actor sets agree)")
    for t, block in rep["events"]["per_type"].items():
        print(
            f"  {t:<22} {_f(block)}   ({block['tp']} matched, {block['fn']} / {block['fp']} only)"
        )
    print(f"  {'all':<22} {_f(rep['events'])}")
    print(f"  arguments (ACE triples): {_f(rep['arguments'])}")
    attrs = rep["events"]["attributes"]
    print(
        "  attribute agreement over matched events: "
        + ", ".join(
            f"{k} {v['accuracy']:.3f} ({v['correct']}/{v['total']})" for k, v in attrs.items()
        )
    )
    print("\nPer document: entity strict F1 / event F1")
    for doc in sorted(g):
        r = evaluate({doc: g[doc]}, {doc: p[doc]}).report
        print(f"  {doc:<22} {r['entities']['micro']['strict']['f1']:.3f} / {r['events']['f1']:.3f}")
    if args.diff:
        err = ev.errors
        cols = [
            "doc_id",
            "task",
            "error",
            "gold_type",
            "gold_text",
            "gold_start",
            "pred_type",
            "pred_text",
            "pred_start",
            "detail",
        ]
        with_cols = [c for c in cols if c in err.columns]
        print("\nDisagreements (gold = annotator 1, pred = annotator 2)")
        for row in err[with_cols].itertuples(index=False):
            print("  " + " | ".join("" if v is None else str(v) for v in row))


if __name__ == "__main__":
    main()
