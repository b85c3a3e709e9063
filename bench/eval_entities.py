"""Quick entity scorer for the rule stage (until `bnevents eval` exists).

Strict span+type P/R/F1 per entity type (COUNTRY, PERSON, ORG, LOC) and micro
over the four, ISO-code accuracy over matched COUNTRY spans, and affiliation
accuracy over matched PERSON/ORG spans that have a gold Affiliation.

    .venv/bin/python bench/eval_entities.py [--split dev|test|all] [--stages rule|both]
                                            [--errors] [--doc DOC_ID]

Docs: annotations/split.json when present; otherwise "dev" = the first two thirds of
the annotated docs by name (the project's tuning rule until the split exists).
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from pipeline import Pipeline
from pipeline.brat import read_split
from pipeline.config import PROJECT_DIR, Config
from pipeline.model import Document
from pipeline.schema import load_schema

ANN_DIR = PROJECT_DIR / "annotations"


def read_ann(path: Path) -> tuple[dict, dict, list]:
    """(spans by T-id, norms by T-id, affiliation pairs)."""
    spans, norms, rels = {}, {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, info, text = line.split("\t")[:3]
            parts = info.split(" ")
            if ";" in info:
                continue
            spans[tid] = (parts[0], int(parts[1]), int(parts[2]), text)
        elif line.startswith("N"):
            _, info, *_ = line.split("\t")
            _, tid, value = info.split(" ")
            norms[tid] = value
        elif line.startswith("R"):
            _, info = line.split("\t")[:2]
            parts = info.split(" ")
            if parts[0] == "Affiliation":
                rels.append((parts[1].split(":")[1], parts[2].split(":")[1]))
    return spans, norms, rels


def docs_for(split: str) -> list[str]:
    ids = sorted(p.stem for p in ANN_DIR.glob("*.ann") if (ANN_DIR / f"{p.stem}.txt").exists())
    data = read_split(ANN_DIR)
    if data is not None:
        if split == "all":
            return ids
        return [d for d in data.get(split, []) if d in ids]
    cut = (2 * len(ids) + 2) // 3
    return {"dev": ids[:cut], "test": ids[cut:], "all": ids}[split]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=["dev", "test", "all"])
    ap.add_argument("--stages", default="rule")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--doc", default=None)
    args = ap.parse_args()
    pipe = Pipeline(Config(stages=args.stages))
    ids = [args.doc] if args.doc else docs_for(args.split)
    tp, fp, fn = Counter(), Counter(), Counter()
    iso_ok = iso_n = aff_ok = aff_n = 0
    errors: dict[str, list[str]] = defaultdict(list)
    for doc_id in ids:
        text = (ANN_DIR / f"{doc_id}.txt").read_text(encoding="utf-8")
        spans, norms, rels = read_ann(ANN_DIR / f"{doc_id}.ann")
        entity_types = load_schema().entity_types
        gold = {(s, e, lab): tid for tid, (lab, s, e, _) in spans.items() if lab in entity_types}
        gold_aff = {}
        for a, b in rels:
            if a in spans and b in norms:
                gold_aff[a] = norms[b].split(":")[-1]
        analysis = pipe.analyse(Document(doc_id, text))
        pred = {(m.start, m.end, m.label): m for m in analysis.entities}
        for key, m in pred.items():
            if key in gold:
                tp[key[2]] += 1
                tid = gold[key]
                if key[2] == "COUNTRY":
                    iso_n += 1
                    want = norms.get(tid, "")
                    if m.norm == want:
                        iso_ok += 1
                    else:
                        errors[doc_id].append(f"  ISO  {m.text} {m.norm} != {want}")
                if tid in gold_aff:
                    aff_n += 1
                    if m.affiliation == gold_aff[tid]:
                        aff_ok += 1
                    else:
                        errors[doc_id].append(
                            f"  AFF  {m.label} {m.text} {m.affiliation or '-'} != {gold_aff[tid]}"
                        )
            else:
                fp[key[2]] += 1
                errors[doc_id].append(
                    f"  FP   {key[2]:8} {m.text}  [{m.start}] ({m.source}) ctx: "
                    f"{text[max(0, key[0] - 25):key[0]]}<<>>{text[key[1]:key[1] + 25]}"
                )
        for key in gold:
            if key not in pred:
                fn[key[2]] += 1
                errors[doc_id].append(
                    f"  FN   {key[2]:8} {text[key[0]:key[1]]}  [{key[0]}] ctx: "
                    f"{text[max(0, key[0] - 25):key[0]]}<<>>{text[key[1]:key[1] + 25]}"
                )
    print(f"docs ({args.split}, {len(ids)}): {' '.join(ids)}")
    print(f"{'type':8} {'P':>6} {'R':>6} {'F1':>6}  tp  fp  fn")
    for lab in [*load_schema().entity_types, "micro"]:
        t = sum(tp.values()) if lab == "micro" else tp[lab]
        f_p = sum(fp.values()) if lab == "micro" else fp[lab]
        f_n = sum(fn.values()) if lab == "micro" else fn[lab]
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{lab:8} {p:6.3f} {r:6.3f} {f:6.3f} {t:3} {f_p:3} {f_n:3}")
    print(f"ISO code accuracy on matched COUNTRY: {iso_ok}/{iso_n}")
    print(f"affiliation accuracy on matched PERSON/ORG with gold affiliation: {aff_ok}/{aff_n}")
    if args.errors:
        for doc_id, errs in errors.items():
            print(f"== {doc_id}")
            print("\n".join(errs))


if __name__ == "__main__":
    main()
