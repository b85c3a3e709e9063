"""`python -m pipeline.evaluation.report readme REPORT_DIR [README.md]`."""

import sys

from pipeline.evaluation.report.readme import main

if __name__ == "__main__":  # not when a tool imports every module (tests/robustness)
    sys.exit(main())
