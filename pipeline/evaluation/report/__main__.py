"""`python -m pipeline.evaluation.report readme REPORT_DIR [README.md]`."""

import sys

from pipeline.evaluation.report.readme import main

sys.exit(main())
