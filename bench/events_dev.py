"""Dev harness for the event stage: gold mentions in, rule events out, scored against gold events.

    .venv/bin/python bench/events_dev.py [--split dev|test|all] [--e2e] [--show] [DOC ...]

Without --e2e the analysis gets the GOLD entity/value mentions (T lines with N norms and R
Affiliations), so the event rules are measured on their own. With --e2e the whole pipeline
(`Pipeline.analyse`) runs on the raw text. Scoring follows guidelines section 6:

- a predicted event matches a gold one when the type is equal and the actor sets agree after
  normalisation (COUNTRY -> ISO code; PERSON/ORG -> Affiliation country, else its span, matched
  by overlap); matching is one-to-one, nearest trigger first;
- argument F1 over (event, role, value) triples; for unordered types Actor1/Actor2 are one
  "Actor" role (a set); Place is a country code or a LOC span (overlap); Time the TIMEX value;
  Value the MONEY/QTY norm;
- Negated/Speculated accuracy over matched events.

This is a quick scorer for tuning the rules; the project's `bnevents eval` is the real one.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import Pipeline  # noqa: E402
from pipeline.brat import read_split  # noqa: E402
from pipeline.io.readers import title_from_text  # noqa: E402
from pipeline.model import Analysis, Document, Event, Span  # noqa: E402
from pipeline.schema import load_schema  # noqa: E402
from pipeline.stages.events import extract_events  # noqa: E402
from pipeline.stages.segment import prepare  # noqa: E402

ANN_DIR = ROOT / "annotations"
EVENT_TYPES = load_schema().event_types


@dataclass
class GoldEvent:
    event_type: str
    trigger: tuple[int, int, str]
    args: dict[str, Span] = field(default_factory=dict)
    negated: bool = False
    speculated: bool = False
    sector: str = ""


def read_gold(doc_id: str) -> tuple[str, list[Span], list[GoldEvent]]:
    """Text, mentions (with norm and affiliation) and events of annotations/<doc_id>."""
    text = (ANN_DIR / f"{doc_id}.txt").read_text(encoding="utf-8")
    spans: dict[str, Span] = {}
    triggers: dict[str, tuple[str, int, int, str]] = {}
    events: dict[str, GoldEvent] = {}
    rels: list[tuple[str, str]] = []
    attrs: list[list[str]] = []
    norms: list[tuple[str, str]] = []
    for line in (ANN_DIR / f"{doc_id}.ann").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        parts = line.split("\t")
        tid = parts[0]
        if tid.startswith("T"):
            label, offs = parts[1].split(" ", 1)
            start, end = int(offs.split()[0]), int(offs.split()[-1])
            if label in load_schema().mention_types:
                spans[tid] = Span(label, start, end, text[start:end], span_id=tid, source="gold")
            else:
                triggers[tid] = (label, start, end, text[start:end])
        elif tid.startswith("E"):
            items = parts[1].split()
            etype, trig = items[0].split(":")
            ev = GoldEvent(etype, triggers[trig][1:])
            for item in items[1:]:
                role, ref = item.split(":")
                ev.args[role] = ref  # type: ignore[assignment]  # resolved to a Span below
            events[tid] = ev
        elif tid.startswith("R"):
            _, a1, a2 = parts[1].split()
            rels.append((a1.split(":")[1], a2.split(":")[1]))
        elif tid.startswith("A"):
            attrs.append(parts[1].split())
        elif tid.startswith("N"):
            _, ref, norm = parts[1].split()
            norms.append((ref, norm))
    for ref, norm in norms:
        if ref in spans:
            spans[ref].norm = norm
    for a1, a2 in rels:
        if a1 in spans and a2 in spans:
            spans[a1].affiliation = spans[a2].norm.removeprefix("ISO3166:")
    for ev in events.values():
        ev.args = {role: spans[ref] for role, ref in ev.args.items() if ref in spans}
    for a in attrs:
        ev = events.get(a[1])
        if ev is None:
            continue
        if a[0] == "Negated":
            ev.negated = True
        elif a[0] == "Speculated":
            ev.speculated = True
        elif a[0] == "Sector":
            ev.sector = a[2]
    return text, sorted(spans.values(), key=lambda s: s.start), list(events.values())


def gold_analysis(doc_id: str, text: str, mentions: list[Span]) -> Analysis:
    """An Analysis of `text` whose mentions are the gold ones (clean offsets filled in)."""
    doc = Document(doc_id, text, title=title_from_text(text))
    analysis = prepare(doc)
    for m in mentions:
        m.cstart = bisect.bisect_left(analysis.offsets, m.start)
        m.cend = bisect.bisect_left(analysis.offsets, m.end)
        m.sentence_index = analysis.sentence_at(m.cstart)
    analysis.mentions = list(mentions)
    return analysis


def _actor_key(m: Span) -> str:
    if m.label == "COUNTRY":
        return m.norm.removeprefix("ISO3166:")
    return m.affiliation or f"SPAN:{m.start}:{m.end}"


def _same_actor(a: str, b: str) -> bool:
    if a.startswith("SPAN:") and b.startswith("SPAN:"):
        _, s1, e1 = a.split(":")
        _, s2, e2 = b.split(":")
        return int(s1) < int(e2) and int(s2) < int(e1)
    return a == b


def _actor_sets_agree(p: list[str], g: list[str]) -> bool:
    if len(set(p)) != len(set(g)):
        return False
    used: set[int] = set()
    for a in set(p):
        gs = sorted(set(g))
        hit = next((i for i, b in enumerate(gs) if i not in used and _same_actor(a, b)), None)
        if hit is None:
            return False
        used.add(hit)
    return True


def _actors(args: dict[str, Span]) -> list[str]:
    return [_actor_key(args[r]) for r in ("Actor1", "Actor2") if r in args]


def _triples(event_type: str, args: dict[str, Span]) -> list[tuple[str, str]]:
    ordered = EVENT_TYPES[event_type].ordered
    out = []
    for role, m in args.items():
        if role.startswith("Actor"):
            out.append((role if ordered else "Actor", _actor_key(m)))
        elif role == "Place":
            key = f"SPAN:{m.start}:{m.end}"
            if m.label == "COUNTRY":
                key = m.norm.removeprefix("ISO3166:")
            out.append(("Place", key))
        else:
            out.append((role, m.norm))
    return out


def _triple_hits(pt: list[tuple[str, str]], gt: list[tuple[str, str]]) -> int:
    used: set[int] = set()
    hits = 0
    for role, val in pt:
        for i, (grole, gval) in enumerate(gt):
            if i not in used and grole == role and _same_actor(val, gval):
                used.add(i)
                hits += 1
                break
    return hits


@dataclass
class Score:
    tp: int = 0
    pred: int = 0
    gold: int = 0
    arg_tp: int = 0
    arg_pred: int = 0
    arg_gold: int = 0
    neg_ok: int = 0
    spec_ok: int = 0
    sector_ok: int = 0
    sector_n: int = 0

    def add(self, o: Score) -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(o, k))

    def report(self) -> dict[str, float]:
        def f1(tp: int, p: int, g: int) -> tuple[float, float, float]:
            pr = tp / p if p else 0.0
            rc = tp / g if g else 0.0
            return pr, rc, (2 * pr * rc / (pr + rc) if pr + rc else 0.0)

        ep, er, ef = f1(self.tp, self.pred, self.gold)
        ap, ar, af = f1(self.arg_tp, self.arg_pred, self.arg_gold)
        return {
            "event_p": round(ep, 3), "event_r": round(er, 3), "event_f1": round(ef, 3),
            "arg_p": round(ap, 3), "arg_r": round(ar, 3), "arg_f1": round(af, 3),
            "negated_acc": round(self.neg_ok / self.tp, 3) if self.tp else 0.0,
            "speculated_acc": round(self.spec_ok / self.tp, 3) if self.tp else 0.0,
            "sector_acc": round(self.sector_ok / self.sector_n, 3) if self.sector_n else 0.0,
            "matched": self.tp, "pred": self.pred, "gold": self.gold,
        }


def score(pred: list[Event], gold: list[GoldEvent], text: str, show: bool = False) -> Score:
    s = Score(pred=len(pred), gold=len(gold))
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if p.event_type == g.event_type and _actor_sets_agree(_actors(p.args), _actors(g.args)):
                pairs.append((abs(p.trigger.start - g.trigger[0]), gi, pi))
    pairs.sort()
    gmatch: dict[int, int] = {}
    pmatch: dict[int, int] = {}
    for _, gi, pi in pairs:
        if gi in gmatch or pi in pmatch:
            continue
        gmatch[gi] = pi
        pmatch[pi] = gi
    s.tp = len(gmatch)
    for p in pred:
        s.arg_pred += len(_triples(p.event_type, p.args))
    for g in gold:
        s.arg_gold += len(_triples(g.event_type, g.args))
    for gi, pi in gmatch.items():
        g, p = gold[gi], pred[pi]
        s.arg_tp += _triple_hits(_triples(p.event_type, p.args), _triples(g.event_type, g.args))
        s.neg_ok += g.negated == p.negated
        s.spec_ok += g.speculated == p.speculated
        if g.sector:
            s.sector_n += 1
            s.sector_ok += g.sector == p.sector
    if show:
        def fmt_args(args: dict[str, Span]) -> str:
            return " ".join(f"{r}={m.text}/{_actor_key(m) if r.startswith('Actor') else m.norm}"
                            for r, m in args.items())
        for gi, g in enumerate(gold):
            tag = "ok " if gi in gmatch else "FN "
            extra = ""
            if gi in gmatch:
                p = pred[gmatch[gi]]
                diffs = []
                if p.negated != g.negated:
                    diffs.append(f"neg {p.negated}!={g.negated}")
                if p.speculated != g.speculated:
                    diffs.append(f"spec {p.speculated}!={g.speculated}")
                if p.sector != g.sector:
                    diffs.append(f"sector {p.sector}!={g.sector}")
                pt, gt = _triples(p.event_type, p.args), _triples(g.event_type, g.args)
                if _triple_hits(pt, gt) != len(gt) or len(pt) != len(gt):
                    diffs.append(f"args pred[{fmt_args(p.args)}]")
                extra = ("   <" + "; ".join(diffs) + ">") if diffs else ""
            print(f"  {tag}{g.event_type:22s} '{g.trigger[2]}'@{g.trigger[0]} {fmt_args(g.args)}"
                  f"{' NEG' if g.negated else ''}{' SPEC' if g.speculated else ''}{extra}")
        for pi, p in enumerate(pred):
            if pi not in pmatch:
                ctx = text[max(0, p.trigger.start - 40):p.trigger.end + 25].replace("\n", " ")
                print(f"  FP {p.event_type:22s} '{p.trigger.text}'@{p.trigger.start} "
                      f"{fmt_args(p.args)}   …{ctx}…")
    return s


def doc_ids(split: str) -> list[str]:
    ids = sorted(p.stem for p in ANN_DIR.glob("*.ann"))
    if split == "all":
        return ids
    data = read_split(ANN_DIR)
    if data is not None:
        chosen = set(data.get(split, []))
        return [d for d in ids if d in chosen]
    # no split yet: the first two thirds (by name) stand in for dev
    cut = (2 * len(ids) + 2) // 3
    return ids[:cut] if split == "dev" else ids[cut:]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("docs", nargs="*")
    ap.add_argument("--split", default="dev", choices=["dev", "test", "all"])
    ap.add_argument("--e2e", action="store_true", help="run the whole pipeline, not gold mentions")
    ap.add_argument("--show", action="store_true", help="list matches, misses and false alarms")
    args = ap.parse_args()
    ids = args.docs or doc_ids(args.split)
    pipe = Pipeline() if args.e2e else None
    total = Score()
    for doc_id in ids:
        text, mentions, gold = read_gold(doc_id)
        if pipe is not None:
            analysis = pipe.analyse(Document(doc_id, text, title=title_from_text(text)))
            pred = analysis.events
        else:
            analysis = gold_analysis(doc_id, text, mentions)
            pred = extract_events(analysis)
        if args.show:
            print(f"== {doc_id}")
        s = score(pred, gold, text, show=args.show)
        total.add(s)
        r = s.report()
        print(f"{doc_id:32s} F1 {r['event_f1']:.3f} (P {r['event_p']:.2f} R {r['event_r']:.2f}) "
              f"argF1 {r['arg_f1']:.3f} neg {r['negated_acc']:.2f} spec {r['speculated_acc']:.2f}")
    print(json.dumps({"docs": len(ids), "mode": "e2e" if args.e2e else "gold-mentions",
                      **total.report()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
