"""bnlp is imported in one place, silently and without any network attempt."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import socket, sys
def refuse(*a, **k):
    raise AssertionError("network access attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from pipeline.train.bnlp_import import import_bnlp
bnlp = import_bnlp()
assert hasattr(bnlp, "CRFTaggerTrainer")
import nltk
assert nltk.download.__name__ == "download", "nltk.download must be restored"
"""


def test_bnlp_import_is_silent_and_offline() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "NLTK_DATA": "/nonexistent", "HOME": "/nonexistent"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "punkt" not in proc.stderr and "nltk_data" not in proc.stderr
