"""brat standoff documents: the data types of one `.ann` and their reading.

Offsets in a `.ann` are Python `str` indices into the `.txt` decoded with strict UTF-8
exactly as stored: a BOM stays as U+FEFF and CRLF stays two characters (guidelines:
"never normalise the text before computing offsets"). The reader therefore decodes bytes
itself instead of opening the file in text mode, which would translate newlines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.io.readers import InputError, decode_utf8
from pipeline.norms import country_code
from pipeline.schema import load_schema

SPLIT_NAME = "split.json"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class TextBound:
    id: str
    type: str
    start: int
    end: int
    text: str
    line: int = 0
    fragments: tuple[tuple[int, int], ...] = ()


@dataclass
class BratEvent:
    id: str
    type: str
    trigger: str
    args: list[tuple[str, str]] = field(default_factory=list)  # (role, target id)
    line: int = 0


@dataclass
class BratRelation:
    id: str
    type: str
    args: list[tuple[str, str]] = field(default_factory=list)  # (Arg1, T..), (Arg2, T..)
    line: int = 0

    def arg(self, name: str) -> str:
        return next((t for r, t in self.args if r == name), "")


@dataclass
class BratAttribute:
    id: str
    name: str
    target: str
    value: str = ""
    line: int = 0


@dataclass
class BratNorm:
    id: str
    target: str
    ref: str  # e.g. ISO3166:MYS, TIMEX3:2014-06-22, MONEY:5500000000:USD
    text: str = ""
    line: int = 0


@dataclass
class BratDocument:
    doc_id: str
    text: str
    ann_path: str = ""
    spans: dict[str, TextBound] = field(default_factory=dict)
    events: dict[str, BratEvent] = field(default_factory=dict)
    relations: dict[str, BratRelation] = field(default_factory=dict)
    attributes: list[BratAttribute] = field(default_factory=list)
    norms: list[BratNorm] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def norm_of(self, tid: str) -> str:
        """The first normalisation reference of a text-bound annotation, or ''."""
        return next((n.ref for n in self.norms if n.target == tid), "")

    def affiliation_of(self, tid: str) -> str:
        """ISO alpha-3 of the country a PERSON/ORG is affiliated with (first R line), or ''."""
        for rel in self.relations.values():
            if rel.type == "Affiliation" and rel.arg("Arg1") == tid:
                return country_code(self.norm_of(rel.arg("Arg2")))
        return ""

    def attributes_of(self, target: str) -> dict[str, str]:
        """name -> value ('' for binary attributes) of one event or span."""
        return {a.name: a.value or "true" for a in self.attributes if a.target == target}

    def mentions(self) -> list[TextBound]:
        """Entity and value mentions (not event triggers), in text order."""
        mention_types = load_schema().mention_types
        return sorted(
            (t for t in self.spans.values() if t.type in mention_types),
            key=lambda t: (t.start, t.end),
        )


# -- reading -------------------------------------------------------------------
def read_text(path: Path) -> str:
    """A .txt as brat offsets see it: strict UTF-8, BOM and CRLF kept."""
    return decode_utf8(path.read_bytes())


_ID_RE = re.compile(r"[TERANM#*]\d*|\*")


def parse_ann(text: str, ann: str, *, doc_id: str = "", path: str = "") -> BratDocument:
    """Parse .ann content; malformed lines become `problems` (the rest is still read)."""
    doc = BratDocument(doc_id, text, path)
    seen: dict[str, int] = {}
    # a BOM at the start of the .ann (Windows editors) is not part of the first id;
    # offsets count in the .txt, so dropping it here changes no offset
    ann = ann.removeprefix("\ufeff")

    def bad(lineno: int, msg: str) -> None:
        doc.problems.append(Problem(path, lineno, msg))

    for lineno, line in enumerate(ann.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        ident = fields[0]
        if not ident or not _ID_RE.fullmatch(ident):
            bad(lineno, f"malformed line (bad id {ident!r}): {line[:60]!r}")
            continue
        if ident != "*" and not ident.startswith("#"):
            if ident in seen:
                bad(lineno, f"duplicate id {ident} (first on line {seen[ident]})")
                continue
            seen[ident] = lineno
        kind = ident[0]
        if kind == "*":
            bad(lineno, "equivalence ('*') lines are not part of this schema")
            continue
        parser = _PARSERS.get(kind)  # '#' lines are annotator notes: nothing to check
        try:
            if parser is not None:
                parser(doc, ident, fields, lineno)
        except (IndexError, ValueError) as exc:
            bad(lineno, f"malformed {kind} line ({exc}): {line[:60]!r}")
    return doc


def _pairs(parts: list[str]) -> list[tuple[str, ...]]:
    return [tuple(p.split(":", 1)) for p in parts]


def _parse_e(doc: BratDocument, ident: str, fields: list[str], lineno: int) -> None:
    parts = fields[1].split()
    etype, _, trig = parts[0].partition(":")
    args = _pairs(parts[1:])
    if not trig or any(len(a) != 2 or not a[0] or not a[1] for a in args):
        raise ValueError("expected 'TYPE:Tn Role:Tn ...'")
    doc.events[ident] = BratEvent(ident, etype, trig, [(a[0], a[1]) for a in args], lineno)


def _parse_r(doc: BratDocument, ident: str, fields: list[str], lineno: int) -> None:
    parts = fields[1].split()
    args = _pairs(parts[1:])
    if len(parts) < 3 or any(len(a) != 2 or not a[1] for a in args):
        raise ValueError("expected 'Type Arg1:Tn Arg2:Tn'")
    doc.relations[ident] = BratRelation(ident, parts[0], [(a[0], a[1]) for a in args], lineno)


def _parse_attribute(doc: BratDocument, ident: str, fields: list[str], lineno: int) -> None:
    parts = fields[1].split()
    if len(parts) not in (2, 3):
        raise ValueError("expected 'Name Target [Value]'")
    value = parts[2] if len(parts) == 3 else ""
    doc.attributes.append(BratAttribute(ident, parts[0], parts[1], value, lineno))


def _parse_n(doc: BratDocument, ident: str, fields: list[str], lineno: int) -> None:
    parts = fields[1].split()
    if len(parts) != 3 or ":" not in parts[2]:
        raise ValueError("expected 'Reference Tn DB:ID'")
    text = fields[2] if len(fields) > 2 else ""
    doc.norms.append(BratNorm(ident, parts[1], parts[2], text, lineno))


def _parse_t(doc: BratDocument, ident: str, fields: list[str], lineno: int) -> None:
    if len(fields) < 3:
        raise ValueError("expected 'Tn<TAB>TYPE START END<TAB>text'")
    head = fields[1].split(" ", 1)
    if len(head) != 2:
        raise ValueError("missing offsets")
    frags = []
    for piece in head[1].split(";"):
        a, b = piece.split()
        frags.append((int(a), int(b)))
    doc.spans[ident] = TextBound(
        ident, head[0], frags[0][0], frags[-1][1], "\t".join(fields[2:]), lineno, tuple(frags)
    )


_PARSERS: dict[str, Callable[[BratDocument, str, list[str], int], None]] = {
    "T": _parse_t, "E": _parse_e, "R": _parse_r, "A": _parse_attribute, "M": _parse_attribute,
    "N": _parse_n,
}


def read_document(ann_path: Path, *, display: str | None = None) -> BratDocument:
    """Read one .ann with the .txt beside it. Raises InputError when the text is unreadable."""
    txt_path = ann_path.with_suffix(".txt")
    shown = display or str(ann_path)
    if not txt_path.is_file():
        raise InputError(f"{shown}: no text file {txt_path.name} beside it")
    text = read_text(txt_path)
    ann = decode_utf8(ann_path.read_bytes())
    return parse_ann(text, ann, doc_id=ann_path.stem, path=shown)


def read_directory(
    directory: Path, doc_ids: Iterable[str] | None = None
) -> dict[str, BratDocument]:
    """All brat documents in a folder (doc id = file stem), optionally only `doc_ids`."""
    wanted = set(doc_ids) if doc_ids is not None else None
    docs = {}
    for ann in sorted(directory.glob("*.ann")):
        if wanted is None or ann.stem in wanted:
            docs[ann.stem] = read_document(ann)
    return docs



def read_split(gold_dir: Path) -> dict[str, list[str]] | None:
    """GOLD_DIR/split.json ({"dev": [doc ids], "test": [doc ids]}) as read, or None if absent.

    The one reader of split.json: the scorer's `--split`, the gold statistics and
    (through `split_ids`) everything that selects gold documents by split."""
    path = gold_dir / SPLIT_NAME
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
