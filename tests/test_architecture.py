"""Checks anyone can run on the shape of the package (issue 13's "Done when").

- no module in pipeline/ over MAX_MODULE_LINES lines;
- no Bengali word list as a literal in Python: language data lives in pipeline/lang/;
- importing the package and its stages reads no language-pack or schema file (resources
  are read when a stage is built, so two variants can run in one process);
- every stage a shipped plan names is registered, and every plan is well formed.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.config import PACKAGE_DIR, PROJECT_DIR
from pipeline.stages.base import PLANS, REGISTRY, check_plan

MAX_MODULE_LINES = 500
# Bengali literals that are facts of the script, not of the language: they stay in code
SCRIPT_FACTS = {
    "pipeline/stages/normalise.py": "khanda-ta (ta + hasanta + ZWJ) composes to U+09CE",
}
_BENGALI = re.compile(r"[\u0980-\u09FF]")
_COLLECTIONS = (ast.List, ast.Tuple, ast.Set, ast.Dict)


def _modules() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_no_module_is_too_long(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(PROJECT_DIR)}: {lines} lines"


def _bengali_collections(tree: ast.AST) -> list[int]:
    """Lines of list/tuple/set/dict literals holding a Bengali string."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, _COLLECTIONS):
            elements = node.keys + node.values if isinstance(node, ast.Dict) else node.elts
            if any(isinstance(e, ast.Constant) and isinstance(e.value, str)
                   and _BENGALI.search(e.value) for e in elements if e is not None):
                lines.append(node.lineno)
    return lines


def test_no_bengali_word_list_in_python() -> None:
    found = {
        str(path.relative_to(PROJECT_DIR)): lines
        for path in _modules()
        if str(path.relative_to(PROJECT_DIR)) not in SCRIPT_FACTS
        and (lines := _bengali_collections(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert not found, f"Bengali word lists written in Python (move them to pipeline/lang/): {found}"


def test_the_check_sees_a_word_list() -> None:
    tree = ast.parse('ENDINGS = ("এর", "ের")\nTEXT = "একটি বাক্য"\n')
    assert _bengali_collections(tree) == [1]


def test_importing_the_stages_reads_no_data_file() -> None:
    script = textwrap.dedent(f"""
        import sys
        opened = []
        data = ({str(PACKAGE_DIR / "lang")!r}, {str(PACKAGE_DIR / "schema")!r})
        def hook(event, args):
            path = args[0] if isinstance(args[0], str) else ""
            if event == "open" and path.startswith(data) and not path.endswith((".py", ".pyc")):
                opened.append(args[0])
        sys.addaudithook(hook)
        import pipeline, pipeline.cli
        from pipeline.stages.base import STAGE_MODULES
        import importlib
        for name in STAGE_MODULES:
            importlib.import_module(name)
        print("\\n".join(opened))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=PROJECT_DIR, check=True)
    assert proc.stdout.strip() == "", f"read at import:\n{proc.stdout}"


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_every_plan_is_well_formed(plan: str) -> None:
    check_plan(PLANS[plan])  # raises PlanError: unknown stage or a requirement not met
    assert all(name in REGISTRY for name in PLANS[plan])
