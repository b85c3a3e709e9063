"""Print, as JSON, every regular expression the pipeline compiles, with where it is compiled.

Run as a script in a fresh interpreter (tests/robustness/test_regex_backtracking.py does):
`re._compile` is wrapped BEFORE any pipeline module is imported, so module-level patterns,
patterns built from the YAML/TSV resources and patterns compiled at run time (re.search
with a string pattern, inside functions) are all seen. The pipeline is then run on the
shipped corpus and the gold folder is validated and scored, to reach the run-time ones.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PACKAGE = PROJECT / "pipeline"
_original = re._compile  # type: ignore[attr-defined]
FOUND: dict[tuple[str, int], str] = {}


def _recording(pattern, flags):
    compiled = _original(pattern, flags)
    frame = sys._getframe(1)
    while frame is not None and Path(frame.f_code.co_filename).parent.name == "re":
        frame = frame.f_back
    if frame is not None and isinstance(compiled.pattern, str):
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(PACKAGE):
            module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            FOUND.setdefault((compiled.pattern, compiled.flags), f"{module}:{frame.f_lineno}")
    return compiled


def main() -> None:
    re._compile = _recording  # type: ignore[attr-defined]
    sys.path.insert(0, str(PROJECT))
    import importlib
    import pkgutil

    import pipeline
    from pipeline import Config, Document, Pipeline

    for info in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if not info.name.startswith("pipeline.train"):  # spaCy training machinery only
            importlib.import_module(info.name)
    texts = sorted((PROJECT / "corpus").glob("*.txt"))[:4]
    pipe = Pipeline(Config(stages="rule"))
    for path in texts:
        pipe.process(Document(path.stem, path.read_text(encoding="utf-8")))
    # run-time patterns on paths the corpus may not take
    from pipeline.evaluation import report
    from pipeline.io import export, readers

    pipe.process(Document("latin", "J. Smith বলেন। ভারত ও বাংলাদেশ।"))
    readers.wikitext_to_dump_text("'''ক–খ সম্পর্ক''' [[ক|খ]] {{x}} == ইতিহাস ==")
    export.safe_name("a/b:c")
    report.readme_section("x")
    gold = PROJECT / "annotations"
    if gold.is_dir():
        from pipeline.brat import validate_directory
        from pipeline.evaluation import load_gold, run_stages

        validate_directory(gold)
        docs = dict(list(load_gold(gold).items())[:2])
        run_stages(docs, ("rule",))
    # module-level patterns that were compiled before the wrapper (none expected)
    for name, module in list(sys.modules.items()):
        if name.startswith("pipeline"):
            for value in vars(module).values():
                if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                    FOUND.setdefault((value.pattern, value.flags), name.split(".")[-1])
    json.dump([[p, f, where] for (p, f), where in sorted(FOUND.items(), key=lambda x: x[1])],
              sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
