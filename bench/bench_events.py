"""CPU cost of the event stage alone, and of the whole pipeline, per sentence on one core.

    .venv/bin/python bench/bench_events.py [--repeat N] [--stages rule|both] [--gen N]

Every document is analysed once by the pipeline (mentions found), then `extract_events` is
timed on those finished analyses, `--repeat` times, best run kept. CPU time
(`time.process_time`), not wall time: other processes share the machine. Documents: the shipped
corpus/ articles (plus the seed article when ../shared is there) and, with `--gen N`, N
generated articles (bench/build_corpus.py) so that the word caches do not flatter the result.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pipeline import Config, Pipeline  # noqa: E402
from pipeline.config import SHARED_DIR  # noqa: E402
from pipeline.io.readers import title_from_text  # noqa: E402
from pipeline.model import Document  # noqa: E402
from pipeline.stages.events import extract_events  # noqa: E402


def _documents(n_gen: int) -> list[Document]:
    paths = sorted((ROOT / "corpus").glob("*.txt"))
    seed = SHARED_DIR / "corpus" / "seed" / "tajikistan-malaysia.txt"
    if seed.exists():
        paths.append(seed)
    docs = [Document(p.stem, t, title=title_from_text(t))
            for p in paths for t in [p.read_text(encoding="utf-8")]]
    if n_gen:
        from build_corpus import DEFAULT_SEED, generate  # type: ignore[import-not-found]

        for d in generate(n_gen, DEFAULT_SEED):
            docs.append(Document(d["id"], d["text"], title=d.get("title") or title_from_text(
                d["text"])))
    return docs


def _best_cpu(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--stages", default="rule", choices=("rule", "model", "both"))
    ap.add_argument("--gen", type=int, default=0, help="also N generated articles")
    args = ap.parse_args()
    docs = _documents(args.gen)
    pipe = Pipeline(Config(stages=args.stages))
    analyses = [pipe.analyse(d) for d in docs]  # also the warm-up: lexicons, caches, model
    n_sent = sum(len(a.sentences) for a in analyses)
    n_events = sum(len(a.events) for a in analyses)

    def events_stage() -> None:
        for a in analyses:
            extract_events(a)

    def full() -> None:
        for d in docs:
            pipe.analyse(d)

    events_s = _best_cpu(events_stage, args.repeat)
    full_s = _best_cpu(full, max(1, args.repeat // 2))
    print(f"{len(docs)} documents, {n_sent} sentences, {n_events} events (stages={args.stages})")
    print(f"event stage alone: {events_s * 1000 / n_sent:.4f} ms CPU/sentence "
          f"({n_sent / events_s:,.0f} sentences/s)")
    print(f"full pipeline:     {full_s * 1000 / n_sent:.4f} ms CPU/sentence "
          f"({n_sent / full_s:,.0f} sentences/s)")


if __name__ == "__main__":
    main()
