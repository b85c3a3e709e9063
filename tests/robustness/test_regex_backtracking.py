"""Catastrophic backtracking: every regex the pipeline compiles, against adversarial strings.

collect_patterns.py (run in a fresh interpreter) lists each pattern with the module and
line that compiles it, including patterns built from resource files and compiled at run
time. Each is then searched (finditer, fullmatch) in long runs of digits, spaces,
Bengali letters, dashes, repeated suffixes and markup openers, each run followed by nothing
or by a character that makes the match fail at the very end (the classic trigger).

A linear or mildly quadratic pattern finishes such a string in milliseconds; an
exponential or cubic one does not finish in the time limit, which is the failure. The
limit is generous (this is a hang check, not a speed test) and is enforced with
pipeline.limits.time_budget (CPython's re checks for signals while it backtracks).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import bn_strategies as fz
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.limits import StageTimeout, can_interrupt, time_budget

HERE = Path(__file__).resolve().parent
LIMIT = 3.0  # seconds per pattern and string: a stuck pattern takes minutes or forever
RUN = 2000  # characters in each adversarial string (a quadratic pattern takes < 1 s)

ATOMS = [
    "১", "1", "১২,", "1,", " ", "  \t", "ক", "কা", "ক্ষ", "\u09cd", "\u09bc", "ের", "এর ", "-",
    "–", "- ", " -", "।", ".", "a", "A.", "a.", "J. ", "'", "''", "'''", "=", "== ", "[", "[[",
    "]]", "{", "{{", "|", "<", "<ref", "<ref>", "<a ", "\n", "\r\n", "\u200c", "\u200d", "১ ",
    "১.", "সালে ", "কোটি ", "ভারত ", "T1", "#page=", ":1", "(", "(ক", "<!-- summary:start -->",
    "সম্পর্ক", "ক - খ ", "x\t",
]
TAILS = ["", "!", "\x00", "সম্পর্ক!", "'''", "]]", "}}", "</ref", "=="]


@pytest.fixture(scope="module")
def patterns() -> list[tuple[str, int, str]]:
    out = subprocess.run(
        [sys.executable, str(HERE / "collect_patterns.py")],
        capture_output=True, text=True, timeout=600, check=True,
    ).stdout
    return [(p, f, where) for p, f, where in json.loads(out)]


def adversarial() -> list[str]:
    strings = [atom * (RUN // len(atom)) + tail for atom in ATOMS for tail in TAILS]
    # two alternating atoms defeat patterns that only look at one character class
    strings += [(a + b) * (RUN // (len(a) + len(b))) + "!" for a, b in
                [("১", " "), ("ক", " "), ("-", " "), ("a", "."), ("'", "ক"), ("[", "ক"),
                 ("=", "ক"), ("১", ","), ("<ref>", "ক"), ("ক", "\u200c")]]
    return strings


def test_collector_sees_the_pipeline_patterns(patterns: list[tuple[str, int, str]]) -> None:
    modules = {where.split(":")[0] for _, _, where in patterns}
    # the regex-heavy modules must be in the list, or the check below proves nothing
    needed = ("stages.normalise", "stages.segment", "stages.values", "io.readers", "brat")
    missing = [n for n in needed if not any(m == n or m.startswith(n + ".") for m in modules)]
    assert not missing, modules


@pytest.mark.skipif(not can_interrupt(), reason="needs SIGALRM in the main thread")
def test_no_pattern_backtracks_catastrophically(patterns: list[tuple[str, int, str]]) -> None:
    offenders = []
    strings = adversarial()
    for _ in strings:
        fz.count(f"regex: fixed adversarial strings (each x {len(patterns)} patterns)")
    for pattern, flags, where in patterns:
        compiled = re.compile(pattern, flags)
        for text in strings:
            try:
                with time_budget(LIMIT):  # finditer starts with what search() does
                    for _ in compiled.finditer(text):
                        pass
                    compiled.fullmatch(text)
            except StageTimeout:
                offenders.append(f"{where}: {pattern[:80]!r} on {text[:12]!r}... "
                                 f"({len(text)} chars)")
                break  # one string is enough to name the pattern
    assert not offenders, "catastrophic backtracking:\n" + "\n".join(offenders)


@st.composite
def adversarial_string(draw: st.DrawFn) -> str:
    """A long repetition of one to three pieces (atoms or random text) and a tail."""
    piece = st.one_of(st.sampled_from(ATOMS), st.text(min_size=1, max_size=3))
    unit = "".join(draw(st.lists(piece, min_size=1, max_size=3)))
    n = draw(st.integers(200, RUN)) // len(unit) + 1
    return unit * n + draw(st.one_of(st.sampled_from(TAILS), st.text(max_size=3)))


@pytest.mark.skipif(not can_interrupt(), reason="needs SIGALRM in the main thread")
@fz.fuzz_settings(robust=5, fuzz=500)
@given(data=st.data())
def test_random_repetitions_do_not_stall_any_pattern(
    patterns: list[tuple[str, int, str]], data: st.DataObject
) -> None:
    text = data.draw(adversarial_string())
    fz.count(f"regex: generated adversarial strings (each x {len(patterns)} patterns)")
    for pattern, flags, where in patterns:
        compiled = re.compile(pattern, flags)
        try:
            with time_budget(LIMIT):
                for _ in compiled.finditer(text):
                    pass
                compiled.fullmatch(text)
        except StageTimeout:
            pytest.fail(f"catastrophic backtracking in {where}: {pattern[:80]!r} "
                        f"on {text[:20]!r}... ({len(text)} chars)")
