"""`bnevents`: the command line, a thin shell over the Python API.

Exit codes: 0 success, 1 some documents (or checks) failed, 2 usage error.

Only click and the light configuration modules are imported here: each command imports
what it needs (spaCy, pandas, Dask, matplotlib) when it runs, so `bnevents --help`
starts fast and a command whose optional extra is missing says which one to install.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.config import STAGE_CHOICES, Config
from pipeline.extras import MissingExtra
from pipeline.io.readers import InputError
from pipeline.lang import available as available_packs
from pipeline.limits import CHUNK_SIZE


def _formats(value: str) -> list[str]:
    from pipeline.io.writers import FORMATS

    fmts = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise click.BadParameter(
            f"choose from {', '.join(FORMATS)} (comma-separated), got {value!r}"
        )
    return fmts


def _exit_unless_installed(module: str, extra: str, purpose: str) -> None:
    """One sentence naming the extra to install, instead of a traceback later on."""
    from pipeline.extras import ensure_installed

    try:
        ensure_installed(module, extra, purpose)
    except MissingExtra as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _lang(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """A shipped pack's name or a pack folder, checked by loading it (pack.yaml files only)."""
    from pipeline.lang import PackError, load_pack

    try:
        load_pack(value)
    except PackError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


# one definition for every command that builds a pipeline
LANG_OPTION = click.option(
    "--lang",
    default=Config.lang,
    show_default=True,
    metavar="|".join(available_packs()) + "|FOLDER",
    callback=_lang,
    help="Language pack: bn (Bengali as written in Bangladesh and on bnwiki: টাকা is the "
    "taka, BDT; the revised Bangladesh calendar) or bn_IN (India: টাকা is the Indian rupee, "
    "INR; the traditional Bengali calendar), or a pack folder (an overlay naming its base "
    "in pack.yaml).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bnevents")
def main() -> None:
    """Extract dated, source-linked bilateral-relations events from Bengali articles.

    \b
    Typical use:
      bnevents run corpus/ --out out/          # tables under out/
      bnevents eval out/ annotations/          # score against brat gold
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Output folder for the tables (created if missing). A run replaces the tables "
    "an earlier run left there, in every format; other files are left alone.",
)
@click.option(
    "--format",
    "fmt",
    default="csv",
    show_default=True,
    help="Comma-separated output formats: csv, jsonl, parquet.",
)
@click.option(
    "--excel", is_flag=True, help="Write CSV with a UTF-8 BOM so spreadsheets show Bengali."
)
@click.option(
    "--stages",
    type=click.Choice(STAGE_CHOICES),
    default="both",
    show_default=True,
    help="Entity/date stages: rule only, model only, or both merged.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores). Models load once per worker.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: this machine's processes; dask: a Dask cluster (see --scheduler).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Finish an interrupted run in --out: skip the documents it already finished.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=CHUNK_SIZE,
    show_default=True,
    help="Documents per checkpointed part (memory and resume granularity).",
)
@click.option(
    "--all-pages",
    is_flag=True,
    help="MediaWiki dumps: read every article page, not only 'X–Y সম্পর্ক' titles.",
)
@click.option(
    "--max-doc-chars",
    type=click.IntRange(min=1),
    default=Config.max_doc_chars,
    show_default=True,
    help="Reject documents larger than this many characters.",
)
@click.option(
    "--time-budget",
    type=click.FloatRange(min=0.1),
    default=Config.doc_time_budget,
    show_default=True,
    help="Seconds one document may take before it is failed.",
)
@LANG_OPTION
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def run(
    inputs: tuple[Path, ...],
    out_dir: Path,
    fmt: str,
    excel: bool,
    stages: str,
    workers: int | None,
    engine: str,
    scheduler: str | None,
    resume: bool,
    chunk_size: int,
    all_pages: bool,
    max_doc_chars: int,
    time_budget: float,
    lang: str,
    quiet: bool,
) -> None:
    """Run the pipeline on INPUTS (folders of .txt, .jsonl files, .xml/.xml.bz2 dumps).

    A folder is read recursively: every .txt below it, sorted by path; the doc id is
    its path inside the folder without .txt (sub/a.txt -> sub/a). A document without
    a title gets its bold X–Y সম্পর্ক opening, else the first bold of its lead, else
    a heading it opens with, else the file stem (JSONL: the id).

    Writes documents, sections, sentences, entities, dates and events tables to
    --out. Documents that cannot be processed are listed with status=error in
    documents.csv and the batch goes on; the exit code is then 1. After a crash
    or Ctrl-C, run the same command with --resume to finish the rest.
    """
    from pipeline.io.runner import RunFailed, RunInterrupted, default_workers, run_batch

    formats = _formats(fmt)
    config = Config(
        stages=stages,
        relations_only=not all_pages,
        max_doc_chars=max_doc_chars,
        doc_time_budget=time_budget,
        lang=lang,
    )
    try:
        summary = run_batch(
            list(inputs),
            out_dir,
            config=config,
            formats=formats,
            excel=excel,
            workers=workers or default_workers(),
            engine=engine,
            scheduler=scheduler,
            resume=resume,
            chunk_size=chunk_size,
            progress=not quiet and sys.stderr.isatty(),
        )
    except RunInterrupted as exc:
        click.echo(
            f"interrupted by {exc}: finished documents are kept in {out_dir}/.run; "
            "no table was written. Run the same command with --resume to finish.",
            err=True,
        )
        sys.exit(130)
    except RunFailed as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except (InputError, MissingExtra) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"error: cannot write output to {out_dir}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(summary.line(), err=True)
    if summary.documents == 0:
        click.echo("warning: no documents were read", err=True)
    sys.exit(1 if summary.failed else 0)


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def validate(directory: Path) -> None:
    """Check brat annotations in DIRECTORY against the guidelines and annotation.conf.

    Offsets against the text, types and roles against DIRECTORY/annotation.conf (else the
    packaged copy), required normalisations (ISO 3166, TIMEX3, MONEY, QTY), attribute
    values, overlapping mentions and dangling ids. One `file:line: message` per problem;
    exit code 1 when there is any.
    """
    from pipeline.brat import validate_directory

    problems, checked = validate_directory(directory)
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{checked} documents checked, {len(problems)} problems", err=True)
    sys.exit(1 if problems else 0)


@main.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--markdown", is_flag=True, help="Markdown tables (as in annotations/README.md).")
def stats(gold_dir: Path, markdown: bool) -> None:
    """Print statistics of a brat gold folder: mentions and events per type, attributes,
    Affiliations, DATE forms and the dev/test sizes of GOLD_DIR/split.json."""
    from pipeline.brat import format_statistics, gold_statistics

    if not any(gold_dir.glob("*.ann")):  # all zeros with exit 0 would look like a result
        raise click.UsageError(
            f"{gold_dir}: no .ann files; stats reads a brat gold folder of .txt/.ann pairs "
            "(e.g. annotations/), not a run's tables"
        )
    click.echo(format_statistics(gold_statistics(gold_dir), markdown=markdown), nl=False)


def _thresholds(values: tuple[str, ...]) -> list[tuple[str, float]]:
    out = []
    for item in values:
        key, sep, num = item.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            out.append((key.strip(), float(num)))
        except ValueError:
            raise click.BadParameter(f"expected KEY=VALUE, e.g. events.f1=0.5, got {item!r}",
                                     param_hint="--min-f1") from None
    return out


@main.command("eval")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--split", type=click.Choice(["test", "dev", "all"]), default="all",
              show_default=True, help="Documents of GOLD_DIR/split.json to score (all if absent).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write report.json, report.md, report.html and errors.csv here.")
@click.option("--stages", "stages", is_flag=False, flag_value="all", default=None,
              metavar="[LIST]",
              help="Also run the pipeline on the gold texts per stage (rule, model, both, "
                   "baseline-dates, baseline-gazetteer; default all) and compare them.")
@click.option("--min-f1", "min_f1", multiple=True, metavar="KEY=VALUE",
              help="Fail (exit 1) when a report value is below VALUE, e.g. events.f1=0.4 or "
                   "entities.micro.strict=0.6 (repeatable).")
@click.option("--readme", type=click.Path(dir_okay=False, path_type=Path),
              help="Also rewrite this README's '## Accuracy' section from the report.")
@LANG_OPTION
def eval_cmd(
    paths: tuple[Path, ...],
    split: str,
    out_dir: Path | None,
    stages: str | None,
    min_f1: tuple[str, ...],
    readme: Path | None,
    lang: str,
) -> None:
    """Score a run against brat gold: bnevents eval [RUN_DIR] GOLD_DIR.

    RUN_DIR is the --out folder of `bnevents run`; GOLD_DIR holds .txt/.ann pairs
    (doc id = file stem). RUN_DIR may be left out with --stages: the pipeline then runs
    on the gold texts itself and the merged stage is the main result. Documents that
    failed in the run count as all missed. Exit code 1 when a --min-f1 floor is missed.
    """
    from pipeline.evaluation import STAGE_NAMES, evaluate_run, load_gold, lookup, run_stages
    from pipeline.evaluation.report import (
        ner_external_note,
        render_markdown,
        update_readme,
        write_report,
    )
    from pipeline.io.readers import InputError

    if len(paths) > 2 or (len(paths) == 1 and stages is None):
        raise click.UsageError("give RUN_DIR GOLD_DIR, or GOLD_DIR alone with --stages")
    if out_dir is not None:
        _exit_unless_installed("matplotlib", "report", "the report's charts (eval --out)")
    run_dir, gold_dir = (paths[0], paths[1]) if len(paths) == 2 else (None, paths[0])
    floors = _thresholds(min_f1)
    stage_list: tuple[str, ...] = ()
    if stages is not None:
        stage_list = STAGE_NAMES if stages == "all" else tuple(
            s.strip() for s in stages.split(",") if s.strip())
        bad = [s for s in stage_list if s not in STAGE_NAMES]
        if bad or not stage_list:
            raise click.BadParameter(f"choose from {', '.join(STAGE_NAMES)}, got {stages!r}",
                                     param_hint="--stages")
        if run_dir is None and "both" not in stage_list:
            stage_list = ("both", *stage_list)
    try:
        gold_docs = load_gold(gold_dir, split)
    except (ValueError, InputError) as exc:
        raise click.UsageError(str(exc)) from None
    if not gold_docs:
        raise click.UsageError(f"{gold_dir}: no .ann files for split {split!r}")
    stage_results = run_stages(gold_docs, stage_list, lang=lang) if stage_list else {}
    if run_dir is not None:
        try:
            evaluation = evaluate_run(run_dir, gold_docs)
        except (FileNotFoundError, InputError) as exc:
            raise click.UsageError(str(exc)) from None
        report, errors = evaluation.report, evaluation.errors
        counted = report["documents"]
        if counted["missing"] == counted["gold"]:  # F1 0.000 would look like a result
            raise click.UsageError(
                f"{run_dir}: the run has none of the {counted['gold']} documents of "
                f"{gold_dir} (doc ids are the gold's file stems); run `bnevents run` on "
                "the gold's .txt files, or check the two folders"
            )
    else:
        report, errors = stage_results["both"]["report"], stage_results["both"]["errors"]
    report = {
        "meta": {"run_dir": str(run_dir) if run_dir else "(pipeline run on the gold texts)",
                 "gold_dir": str(gold_dir), "split": split, "documents": sorted(gold_docs)},
        **report,
    }
    if stage_results:
        report["stages"] = {"results": {
            name: {"description": r["description"], "headline": r["headline"]}
            for name, r in stage_results.items()
        }}
    for floor_key, _ in floors:
        try:
            lookup(report, floor_key)
        except KeyError:
            raise click.BadParameter(f"no number at {floor_key!r} in the report",
                                     param_hint="--min-f1") from None
    if out_dir is not None:
        paths_written = write_report(report, errors, out_dir)
        click.echo(f"report: {paths_written['html']} (+ report.json, report.md, errors.csv)",
                   err=True)
    md = render_markdown(report)
    if readme is not None:
        note = (
            f"Generated by `bnevents eval` on the `{split}` split; "
            "regenerate with `make accuracy`."
        )
        update_readme(readme, md, note="\n\n".join(filter(None, [ner_external_note(), note])))
    docs = report["documents"]
    ents = report["entities"]["micro"]
    click.echo(
        f"documents: {docs['gold']} gold, {docs['failed']} failed, {docs['missing']} missing; "
        f"entities strict F1 {ents['strict']['f1']:.3f}, partial {ents['partial']['f1']:.3f}; "
        f"date value acc. {report['dates']['value_accuracy']:.3f}; "
        f"events F1 {report['events']['f1']:.3f}; arguments F1 {report['arguments']['f1']:.3f}"
    )
    for name, r in stage_results.items():
        head = r["headline"]
        keys = ("entities.micro.strict", "dates.value_accuracy", "events.f1", "arguments.f1")
        shown = ", ".join(f"{k} {head[k]:.3f}" for k in keys if head.get(k) is not None)
        click.echo(f"  stage {name}: {shown or 'n/a'}")
    missed = [(k, v, lookup(report, k)) for k, v in floors if lookup(report, k) < v]
    for key, want, got in missed:
        click.echo(f"threshold missed: {key} = {got:.4f} < {want:g}", err=True)
    sys.exit(1 if missed else 0)


@main.command()
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", default="csv", show_default=True,
              help="Comma-separated: csv, jsonl, parquet, brat.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: RUN_DIR itself; brat goes to OUT/brat/).")
@click.option("--excel", is_flag=True,
              help="Write CSV with a UTF-8 BOM so spreadsheets show Bengali.")
@click.option("--texts", "texts_dir",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="brat: read document texts from DIR/<doc_id>.txt instead of the run's sources.")
def export(run_dir: Path, fmt: str, out_dir: Path | None, excel: bool,
           texts_dir: Path | None) -> None:
    """Convert a run's tables to other formats, or write one brat .ann (+ .txt) per document.

    brat needs each document's text: it is read again from the input named in the run's
    documents table (`source`), or from --texts DIR. Exit code 1 when a document had to be
    skipped.
    """
    from pipeline.io.export import EXPORT_FORMATS, export_run
    from pipeline.io.readers import InputError

    formats = [f.strip().lower() for f in fmt.split(",") if f.strip()]
    bad = [f for f in formats if f not in EXPORT_FORMATS]
    if bad or not formats:
        raise click.BadParameter(f"choose from {', '.join(EXPORT_FORMATS)}, got {fmt!r}",
                                 param_hint="--format")
    try:
        summary = export_run(run_dir, out_dir or run_dir, formats, excel=excel,
                             texts_dir=texts_dir)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    for doc_id, reason in summary.skipped:
        click.echo(f"skipped {doc_id}: {reason}", err=True)
    brat = f", {summary.brat_documents} brat documents" if "brat" in formats else ""
    click.echo(f"exported {len(summary.files)} files{brat} to {out_dir or run_dir}", err=True)
    sys.exit(1 if summary.skipped else 0)


@main.command()
@click.option("--eval-only", is_flag=True,
              help="Do not train: score the shipped model (and a CRF left in --work-dir).")
@click.option("--candidates", default="spacy,crf", show_default=True,
              help="Comma-separated: spacy (the shipped model), crf (bnlp's CRF, for comparison).")
@click.option("--shared", "shared_dir", type=click.Path(path_type=Path), default=None,
              help="The read-only shared folder with data/ (default: ../shared).")
@click.option("--work-dir", type=click.Path(path_type=Path), default=None,
              help="Scratch folder for corpora and training runs (default: build/ner).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Where the spaCy model is installed (default: models/ner).")
def train(
    eval_only: bool, candidates: str, shared_dir: Path | None, work_dir: Path | None,
    out_dir: Path | None,
) -> None:
    """Train the NER model from ../shared/data + the project's dev gold, and score it.

    Prints entity-level strict P/R/F1 per type on the ner-rifat1493 test split
    and on the project's test gold, for each candidate.
    """
    from pipeline import train as training
    from pipeline.config import MODELS_DIR, PROJECT_DIR, SHARED_DIR

    chosen = tuple(c.strip() for c in candidates.split(",") if c.strip())
    bad = [c for c in chosen if c not in ("spacy", "crf")]
    if bad or not chosen:
        raise click.BadParameter(f"choose from spacy, crf; got {candidates!r}")
    _exit_unless_installed("seqeval", "train", "bnevents train (scoring)")
    if "crf" in chosen:
        _exit_unless_installed("bnlp", "train", "the CRF candidate of bnevents train")
        _exit_unless_installed("sklearn_crfsuite", "train", "the CRF candidate of bnevents train")
    try:
        training.run_training(
            shared_dir=shared_dir or SHARED_DIR,
            work_dir=work_dir or PROJECT_DIR / "build" / "ner",
            out_dir=out_dir or MODELS_DIR / "ner",
            candidates=chosen, eval_only=eval_only, echo=click.echo,
        )
    except FileNotFoundError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
