"""Speed of the event stage and of the whole pipeline, in sentences per second on one core.

    .venv/bin/python bench/bench_events.py [--repeat N]

Runs on the shipped corpus/ articles (and the seed article when ../shared is there). The
event stage is timed alone on finished analyses (mentions already found), then the full
`Pipeline.analyse` is timed; the target for the full pipeline is > 1,000 sentences/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import Pipeline  # noqa: E402
from pipeline.config import SHARED_DIR  # noqa: E402
from pipeline.events import extract_events  # noqa: E402
from pipeline.model import Document  # noqa: E402
from pipeline.readers import title_from_text  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    paths = sorted((ROOT / "corpus").glob("*.txt"))
    seed = SHARED_DIR / "corpus" / "seed" / "tajikistan-malaysia.txt"
    if seed.exists():
        paths.append(seed)
    docs = [Document(p.stem, t, title=title_from_text(t))
            for p in paths for t in [p.read_text(encoding="utf-8")]]
    pipe = Pipeline()
    analyses = [pipe.analyse(d) for d in docs]  # warm-up: loads lexicons and the model
    n_sent = sum(len(a.sentences) for a in analyses)

    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for a in analyses:
            extract_events(a)
    events_s = (time.perf_counter() - t0) / args.repeat

    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for d in docs:
            pipe.analyse(d)
    full_s = (time.perf_counter() - t0) / args.repeat
    n_events = sum(len(a.events) for a in analyses)
    print(f"{len(docs)} documents, {n_sent} sentences, {n_events} events")
    print(f"event stage alone: {n_sent / events_s:,.0f} sentences/s ({events_s * 1000:.1f} ms)")
    print(f"full pipeline:     {n_sent / full_s:,.0f} sentences/s ({full_s * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
