"""Start-up time of `bnevents --help` against a bare interpreter (`python -c pass`).

Both commands run N times, interleaved in the same run so that a busy machine slows
both alike; the medians and their ratio are printed. The CLI imports only click and
the light configuration modules at start (pipeline/cli.py); a ratio that grows means
a heavy import (spaCy, pandas, Dask) crept back into `bnevents --help`.

    .venv/bin/python bench/cli_startup.py          # 15 runs of each
    .venv/bin/python bench/cli_startup.py -n 30
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
# the CLI as the `bnevents` entry point runs it, from this checkout
HELP = [sys.executable, "-c", "import sys; from pipeline.cli import main; sys.exit(main())",
        "--help"]
BARE = [sys.executable, "-c", "pass"]


def seconds(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=PROJECT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="runs of each command (default 15)")
    args = parser.parse_args()
    seconds(HELP)  # warm the file cache (and .pyc files) before timing
    help_times, bare_times = [], []
    for _ in range(args.n):
        help_times.append(seconds(HELP))
        bare_times.append(seconds(BARE))
    help_s, bare_s = statistics.median(help_times), statistics.median(bare_times)
    print(f"bnevents --help: median {help_s:.3f} s over {args.n} runs")
    print(f"python -c pass:  median {bare_s:.3f} s over {args.n} runs")
    print(f"ratio: {help_s / bare_s:.1f}x a bare interpreter; "
          f"the CLI's own start-up {help_s - bare_s:.3f} s (target: --help under 0.5 s)")


if __name__ == "__main__":
    main()
