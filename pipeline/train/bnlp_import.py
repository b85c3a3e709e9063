"""The one place bnlp is imported.

`import bnlp` imports `bnlp.tokenizer.nltk`, which looks up NLTK's punkt
tokenizer and, when it is missing, prints to stdout and calls
NLTK's downloader — a network call that fails on air-gapped machines and
pollutes our stdout. We never use that tokenizer, so before importing bnlp we
put a marker directory `tokenizers/punkt` on NLTK's search path: the lookup
succeeds, nothing is printed or downloaded. As a second guard, `nltk.download`
is replaced by a function that refuses for the duration of the import, and
stdout is captured and discarded.
"""

from __future__ import annotations

import contextlib
import io
import types
from pathlib import Path

NLTK_MARKER_DIR = Path(__file__).resolve().parent / "nltk_data"


def _refuse_download(*_args: object, **_kwargs: object) -> bool:
    return False


def import_bnlp() -> types.ModuleType:
    """Import bnlp without network access or output; returns the module."""
    import sys

    from pipeline.extras import require

    if "bnlp" in sys.modules:
        return sys.modules["bnlp"]
    nltk = require("nltk", "train", "the CRF candidate (bnlp-toolkit)")
    marker = str(NLTK_MARKER_DIR)
    if marker not in nltk.data.path:
        nltk.data.path.insert(0, marker)
    real_download = nltk.download
    nltk.download = _refuse_download
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            bnlp = require("bnlp", "train", "the CRF candidate")
    finally:
        nltk.download = real_download
    return bnlp
