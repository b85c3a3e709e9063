"""Print what the last robustness run tried: generated cases per entry point, outcomes, time.

    python tests/robustness/report.py [REPORT.json]

The report is written by tests/robustness/conftest.py at the end of every pytest session
that ran the robustness tests ($BNEVENTS_FUZZ_REPORT, default build/fuzz-report.json).
Exit code 1 when the report is missing or a test of that run failed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "build" / "fuzz-report.json"


def render(report: dict) -> str:
    cases: dict[str, int] = report["cases"]
    width = max([len(k) for k in cases] + [20])
    lines = [
        f"robustness report: profile {report['profile']} (scale {report['scale']:g}), "
        f"{report['total_cases']:,} generated cases in {report['elapsed_seconds']:,.1f} s, "
        f"{report['tests_failed']} failed tests",
        "",
        f"  {'entry point':<{width}}  {'cases':>9}",
    ]
    lines += [f"  {name:<{width}}  {n:>9,}" for name, n in cases.items()]
    lines.append(f"  {'total':<{width}}  {report['total_cases']:>9,}")
    if report.get("outcomes"):
        lines += ["", "  outcomes (how the cases ended; errors here are recorded, not crashes):"]
        lines += [f"    {name}: {n:,}" for name, n in report["outcomes"].items()]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else Path(os.environ.get("BNEVENTS_FUZZ_REPORT", DEFAULT))
    if not path.is_file():
        print(f"no robustness report at {path}: run `make fuzz` (or pytest tests/robustness)",
              file=sys.stderr)
        return 1
    report = json.loads(path.read_text(encoding="utf-8"))
    print(render(report))
    return 1 if report["tests_failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
