"""`bnevents`: the command line, a thin shell over the Python API.

Exit codes: 0 success, 1 some documents (or checks) failed, 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .config import STAGE_CHOICES, Config
from .output import FORMATS


def _formats(value: str) -> list[str]:
    fmts = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise click.BadParameter(
            f"choose from {', '.join(FORMATS)} (comma-separated), got {value!r}"
        )
    return fmts


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
    help="Output folder for the tables (created if missing).",
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
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes."
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
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def run(
    inputs: tuple[Path, ...],
    out_dir: Path,
    fmt: str,
    excel: bool,
    stages: str,
    workers: int,
    all_pages: bool,
    max_doc_chars: int,
    quiet: bool,
) -> None:
    """Run the pipeline on INPUTS (folders of .txt, .jsonl files, .xml/.xml.bz2 dumps).

    Writes documents, sections, sentences, entities, dates and events tables to
    --out. Documents that cannot be processed are listed with status=error in
    documents.csv and the batch goes on; the exit code is then 1.
    """
    from .runner import run_batch

    formats = _formats(fmt)
    config = Config(stages=stages, relations_only=not all_pages, max_doc_chars=max_doc_chars)
    try:
        summary = run_batch(
            list(inputs),
            out_dir,
            config=config,
            formats=formats,
            excel=excel,
            workers=workers,
            progress=not quiet and sys.stderr.isatty(),
        )
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
    from .brat import validate_directory

    problems, checked = validate_directory(directory)
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{checked} documents checked, {len(problems)} problems", err=True)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
