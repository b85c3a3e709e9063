"""brat standoff: reading, validating and writing `.ann` files, and gold statistics.

Gold annotations and predictions meet here.

- `document`: the data types of one `.ann` as written (`BratDocument` with its
  `TextBound`, `BratEvent`, `BratRelation`, `BratAttribute`, `BratNorm` lines) and their
  reading; the `split.json` reader.
- `validate`: `bnevents validate` (spans, events, relations, attributes, norms).
- `write`: brat standoff from predictions (an `Analysis` or the run tables).
- `stats`: `bnevents stats` over a gold folder.

Which span/event types remain, and why:
- `model.Span`/`model.Event`: the pipeline's own; the writer writes from them (the run
  tables are read back into them), so there is no writer-only type.
- `evaluation.Mention`/`EventRec`/`DocRecord`: what gold and predictions are both
  turned into to be scored. They differ from `model.Span` in what scoring needs: a
  `country` that is the ISO code of a COUNTRY and the Affiliation of a PERSON/ORG, and
  offsets of -1 for a predicted Time/Value the events table gives by text only.
- `TextBound`/`BratEvent`: a `.ann` as written, with the brat ids (events point at
  their arguments by id), discontinuous fragments and the line number of each line,
  which every validation message names. Scoring never sees them (`gold_record`).

Written by hand because no maintained PyPI package reads brat standoff *and*
annotation.conf with line numbers for error messages (the few brat readers on
PyPI drop the line numbers and the normalisation `N` lines this schema needs).
"""

from __future__ import annotations

from pipeline.brat.document import (
    BratAttribute,
    BratDocument,
    BratEvent,
    BratNorm,
    BratRelation,
    Problem,
    TextBound,
    parse_ann,
    read_directory,
    read_document,
    read_split,
    read_text,
)
from pipeline.brat.stats import date_forms, format_statistics, gold_statistics
from pipeline.brat.validate import (
    country_code_ok,
    currency_code_ok,
    norm_problem,
    timex_problem,
    validate_directory,
    validate_document,
)
from pipeline.brat.write import analysis_to_ann, format_ann, tables_to_ann
from pipeline.schema.conf import AnnotationConf, load_conf

__all__ = [
    "AnnotationConf",
    "BratAttribute",
    "BratDocument",
    "BratEvent",
    "BratNorm",
    "BratRelation",
    "Problem",
    "TextBound",
    "analysis_to_ann",
    "country_code_ok",
    "currency_code_ok",
    "date_forms",
    "format_ann",
    "format_statistics",
    "gold_statistics",
    "load_conf",
    "norm_problem",
    "parse_ann",
    "read_directory",
    "read_document",
    "read_split",
    "read_text",
    "tables_to_ann",
    "timex_problem",
    "validate_directory",
    "validate_document",
]
