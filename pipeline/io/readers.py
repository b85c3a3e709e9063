"""Readers: one interface over a folder of .txt, a JSONL file and a MediaWiki XML dump.

`read_documents(path)` yields `Document`s, or `ReadFailure`s for input that
could not be read at all (bad encoding, an invalid JSONL line, a broken XML
stream). Content checks (empty, binary, not Bengali, too large) happen in
`check_document`, so that every reader gets them alike.
"""

from __future__ import annotations

import bz2
import functools
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.lang import LanguagePack, load_pack
from pipeline.model import Document

_DASHES = "-‐‑‒–—―−"  # any dash or hyphen may stand between the two names of a title
_BENGALI_LETTER_RE = re.compile(r"[\u0985-\u09B9\u09CE\u09DC-\u09DF]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# any well-formed bold '''X''': X starts and ends with a non-space, non-quote character, so
# the closing quotes of a clipped opener ("সম্পর্ক''', চীন ও ...") never open a bold
_ANY_BOLD_RE = re.compile(r"'''([^'\s,;:।][^'\n]{0,118}?(?<=[^'\s]))'''")
# the heading shape the normaliser reads (pipeline/stages/normalise.py), inline or on a line
_HEADING_RE = re.compile(r"(={2,6})[ \t]*([^=\n]{1,200}?)[ \t]*\1")


def as_text(value: str) -> str:
    """`value` with lone surrogates replaced by U+FFFD (one code point for one: offsets stay).

    They come from file names that are not UTF-8 (Python decodes them with surrogate
    escapes) and from JSON escapes like "\\ud800"; UTF-8 output cannot hold them, so
    one such name would otherwise stop the whole batch when its row is written.
    """
    return _SURROGATE_RE.sub("\ufffd", value) if _SURROGATE_RE.search(value) else value


@dataclass(frozen=True)
class DumpConventions:
    """What the readers need of a language pack (markup.yaml): titles and link namespaces."""

    relations_title: re.Pattern[str]  # "X–Y সম্পর্ক"
    bold_title: re.Pattern[str]  # the bold opening "'''X–Y সম্পর্ক'''" of a dump text
    category_namespaces: frozenset[str]
    file_namespaces: frozenset[str]

    @classmethod
    @functools.cache
    def from_pack(cls, pack: LanguagePack) -> DumpConventions:
        data = pack.yaml("markup.yaml")
        word = re.escape(data["relations_title_word"])
        return cls(
            relations_title=re.compile(rf"^\s*(\S.*?)\s*[{_DASHES}]\s*(\S.*?)\s+{word}\s*$"),
            bold_title=re.compile(rf"'''([^'\n]{{1,120}}?{word})'''"),
            category_namespaces=frozenset(data["category_namespaces"]),
            file_namespaces=frozenset(data["file_namespaces"]),
        )


def _conventions(pack: LanguagePack | None) -> DumpConventions:
    """The pack's conventions; readers run before any stage, so the default pack if None."""
    return DumpConventions.from_pack(pack or load_pack())


class InputError(Exception):
    """A document that cannot be processed; the message names the cause."""


@dataclass(frozen=True)
class ReadFailure:
    doc_id: str
    source: str
    error: str


ReadItem = Document | ReadFailure


def input_kind(path: Path) -> str:
    if path.is_dir():
        return "folder"
    name = path.name.lower()
    if name.endswith((".xml", ".xml.bz2")):
        return "xml"
    if name.endswith((".jsonl", ".jsonl.bz2", ".ndjson")):
        return "jsonl"
    if name.endswith(".txt"):
        return "txt"
    raise InputError(
        f"{path}: unknown input kind (expected a folder, .txt, .jsonl, .xml or .xml.bz2)"
    )


def read_documents(
    path: str | Path, *, relations_only: bool = True, pack: LanguagePack | None = None
) -> Iterator[ReadItem]:
    """The documents of a folder, .txt, .jsonl or MediaWiki XML file; `pack` gives the
    title and link conventions (the default pack's if None)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    kind = input_kind(path)
    # absolute (not resolved: a symlinked folder keeps its name), so documents.source and
    # the messages that cite it lead back to the input from any directory
    path = path.absolute()
    if kind == "folder":
        yield from read_folder(path, pack=pack)
    elif kind == "txt":
        yield _read_txt(path, _conventions(pack))
    elif kind == "jsonl":
        yield from read_jsonl(path, pack=pack)
    else:
        yield from read_mediawiki_xml(path, relations_only=relations_only, pack=pack)


def folder_txt_files(folder: Path) -> list[Path]:
    """Every *.txt under `folder`, subfolders included, sorted by relative path.

    Symlinked folders are not followed: a link loop must not hang the batch.
    """
    found: list[Path] = []
    for dirpath, _dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        found.extend(base / n for n in filenames if n.endswith(".txt") and (base / n).is_file())
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def folder_doc_id(folder: Path, path: Path) -> str:
    """The doc id of a .txt under `folder`: its relative path without .txt, with '/'."""
    return as_text(path.relative_to(folder).with_suffix("").as_posix())


def read_folder(folder: Path, *, pack: LanguagePack | None = None) -> Iterator[ReadItem]:
    """Every *.txt under the folder (recursive), sorted by relative path; doc id = that path
    without the suffix ("a.txt" -> "a", "2024/b.txt" -> "2024/b")."""
    conventions = _conventions(pack)
    for path in folder_txt_files(folder):
        yield _read_txt(path, conventions, folder_doc_id(folder, path))


def _read_txt(path: Path, conventions: DumpConventions, doc_id: str | None = None) -> ReadItem:
    doc_id = doc_id if doc_id is not None else as_text(path.stem)
    source = as_text(str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ReadFailure(doc_id, source, f"cannot read file: {exc.strerror or exc}")
    try:
        text = decode_utf8(data)
    except InputError as exc:
        return ReadFailure(doc_id, source, str(exc))
    title = document_title(text, as_text(path.stem), conventions)
    return Document(doc_id, text, title=title, source=source)


def decode_utf8(data: bytes) -> str:
    """Strict UTF-8. A BOM is kept as U+FEFF so offsets stay those of the stored text."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError("UTF-16 text (byte-order mark), expected UTF-8")
    if b"\x00" in data[:8192]:
        raise InputError("binary file (NUL bytes), not UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def read_jsonl(path: Path, *, pack: LanguagePack | None = None) -> Iterator[ReadItem]:
    """One JSON object per line with `id`, `text` and optional `title`."""
    conventions = _conventions(pack)
    opener = bz2.open if path.name.endswith(".bz2") else open
    stem = as_text(path.name.split(".")[0])
    try:
        fh = opener(path, "rb")
    except OSError as exc:
        yield ReadFailure(stem, as_text(str(path)), f"cannot open: {exc}")
        return
    seen: dict[str, int] = {}  # doc id -> the line it was first read on
    with fh:
        lineno = 0
        while True:
            lineno += 1
            source = as_text(f"{path}:{lineno}")
            try:
                raw = fh.readline()
            except (OSError, EOFError) as exc:
                yield ReadFailure(f"{stem}:{lineno}", source, f"truncated or corrupt stream: {exc}")
                return
            if not raw:
                return
            if not raw.strip():
                continue
            try:
                obj = json.loads(decode_utf8(raw))
            except InputError as exc:
                yield ReadFailure(f"{stem}:{lineno}", source, str(exc))
                continue
            except json.JSONDecodeError as exc:
                # json counts lines and columns within the one line it was given: report
                # the file's line, the column in it and the whole of the parser's reason
                yield ReadFailure(
                    f"{stem}:{lineno}",
                    source,
                    f"{as_text(path.name)} line {lineno}, column {exc.colno}: invalid JSON: "
                    f"{exc.msg}: line {lineno} column {exc.colno} (char {exc.pos}); "
                    "fix or remove that line",
                )
                continue
            if not isinstance(obj, dict):
                yield ReadFailure(f"{stem}:{lineno}", source, "JSON line is not an object")
                continue
            doc_id = obj.get("id")
            text = obj.get("text")
            if doc_id is None or not isinstance(text, str):
                yield ReadFailure(
                    as_text(str(doc_id if doc_id is not None else f"{stem}:{lineno}")),
                    source,
                    "JSON object needs an 'id' and a string 'text'",
                )
                continue
            doc_id = as_text(str(doc_id))
            if doc_id in seen:
                # a second document under one id would give duplicate (doc_id, event_id)
                # and sentence keys in every table: the first line wins, this one fails
                yield ReadFailure(
                    f"{stem}:{lineno}",
                    source,
                    f"{as_text(path.name)} line {lineno}: duplicate id {doc_id!r} (first on "
                    f"line {seen[doc_id]}); give each line of a JSONL file its own id",
                )
                continue
            seen[doc_id] = lineno
            title = obj.get("title")
            text = as_text(text)
            yield Document(
                doc_id,
                text,
                title=as_text(str(title)) if title is not None
                else document_title(text, doc_id, conventions),
                source=source,
            )


# MediaWiki titles are at most 255 bytes; the title pattern is quadratic in the length
# (each dash is tried as the split), so a longer "title" in a broken dump is no title
MAX_TITLE_CHARS = 255


def is_relations_title(title: str, conventions: DumpConventions | None = None) -> bool:
    """Whether `title` names a bilateral-relations article ("X–Y সম্পর্ক")."""
    pattern = (conventions or _conventions(None)).relations_title
    return len(title) <= MAX_TITLE_CHARS and bool(pattern.match(title))


def read_mediawiki_xml(
    path: Path, *, relations_only: bool = True, pack: LanguagePack | None = None
) -> Iterator[ReadItem]:
    """Stream <page>s of a MediaWiki export or dump (.xml or .xml.bz2), page by page.

    Only namespace-0 pages are read; with `relations_only`, only titles like
    "X–Y সম্পর্ক". Each page is cleared after use so memory stays flat.
    """
    conventions = _conventions(pack)
    opener = bz2.open if path.name.endswith(".bz2") else open
    try:
        fh = opener(path, "rb")
    except OSError as exc:
        yield ReadFailure(as_text(path.name), as_text(str(path)), f"cannot open: {exc}")
        return
    name, shown = as_text(path.name), as_text(str(path))
    with fh:
        context = ET.iterparse(fh, events=("end",))
        try:
            for _event, elem in context:
                if _local(elem.tag) != "page":
                    continue
                item = _page_document(elem, path, relations_only, conventions)
                elem.clear()
                if item is not None:
                    yield item
        except ET.ParseError as exc:
            yield ReadFailure(name, shown, f"malformed XML: {exc}")
        except (OSError, EOFError) as exc:
            yield ReadFailure(name, shown, f"truncated or corrupt stream: {exc}")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(elem: ET.Element, name: str) -> ET.Element | None:
    for child in elem:
        if _local(child.tag) == name:
            return child
    return None


def _page_document(
    page: ET.Element, path: Path, relations_only: bool, conventions: DumpConventions
) -> ReadItem | None:
    title_el, ns_el, id_el = _child(page, "title"), _child(page, "ns"), _child(page, "id")
    title = (title_el.text or "").strip() if title_el is not None else ""
    page_id = (id_el.text or "").strip() if id_el is not None else ""
    if ns_el is not None and (ns_el.text or "0").strip() != "0":
        return None
    if _child(page, "redirect") is not None:
        return None
    if relations_only and not is_relations_title(title, conventions):
        return None
    doc_id = title.replace(" ", "_") or f"page-{page_id}"
    source = as_text(f"{path}#page={page_id or title}")
    revision = _child(page, "revision")
    text_el = _child(revision, "text") if revision is not None else None
    if text_el is not None and len(text_el):
        # an unescaped "<ref>" in the wikitext parses as a child element: .text stops at
        # it, and reading on would give a document cut short without a word
        tags = ", ".join(sorted({f"<{_local(c.tag)}>" for c in text_el}))
        return ReadFailure(
            doc_id,
            source,
            f"page text holds unescaped markup ({tags}) that XML reads as elements, so "
            "the text would be cut; export the dump again with its wikitext escaped "
            "('<' as &lt;)",
        )
    if text_el is None or text_el.text is None:
        return ReadFailure(doc_id, source, "page has no revision text")
    try:
        text = wikitext_to_dump_text(text_el.text, conventions)
    except Exception as exc:  # a parser bug on one page must not stop the dump
        return ReadFailure(doc_id, source, f"cannot parse wikitext: {exc}")
    return Document(doc_id, text, title=title, source=source)


def wikitext_to_dump_text(wikitext: str, conventions: DumpConventions | None = None) -> str:
    """Wikitext -> plain text shaped like the seed dump text.

    Bold/italic quotes and `== headings ==` are kept inline (the normaliser
    treats them as residue and section boundaries), links become their label,
    templates, references, files and tables go, and category names are
    appended as a trailing run of words, as in the dump text we are given.
    """
    import mwparserfromhell  # only MediaWiki XML needs it: not imported with the package

    conventions = conventions or _conventions(None)
    code = mwparserfromhell.parse(wikitext)
    parts: list[str] = []
    categories: list[str] = []
    for node in code.nodes:
        parts.append(_node_text(node, categories, conventions))
    text = "".join(parts)
    text = re.sub(r"\s+", " ", text).strip()
    if categories:
        text = f"{text} {' '.join(categories)}"
    return text


def _node_text(node: object, categories: list[str], conventions: DumpConventions) -> str:
    from mwparserfromhell import nodes

    if isinstance(node, nodes.Text):
        return str(node.value)
    if isinstance(node, nodes.Heading):
        title = node.title.strip_code().strip()
        return f" == {title} == "
    if isinstance(node, nodes.Wikilink):
        target = str(node.title).strip()
        ns, _, name = target.partition(":")
        if name and ns.strip().lower() in conventions.category_namespaces:
            categories.append(name.strip())
            return ""
        if name and ns.strip().lower() in conventions.file_namespaces:
            return ""
        label = node.text if node.text is not None else node.title
        return label.strip_code()
    if isinstance(node, nodes.ExternalLink):
        return node.title.strip_code() if node.title is not None else ""
    if isinstance(node, nodes.Tag):
        tag = str(node.tag).lower()
        if tag in ("ref", "references", "table", "gallery", "math", "code", "pre"):
            return ""
        inner = (
            "".join(_node_text(n, categories, conventions) for n in node.contents.nodes)
            if node.contents
            else ""
        )
        if node.wiki_markup and tag in ("b", "i"):
            return f"{node.wiki_markup}{inner}{node.wiki_markup}"
        return inner
    if isinstance(node, nodes.Template | nodes.Comment | nodes.Argument):
        return ""
    if isinstance(node, nodes.HTMLEntity):
        return node.normalize()
    return str(node)


def title_from_text(text: str, conventions: DumpConventions | None = None) -> str:
    """The 'X–Y সম্পর্ক' title of a dump text, from its bold opening, if it has one."""
    m = (conventions or _conventions(None)).bold_title.search(text[:400])
    return m.group(1).strip() if m else ""


def document_title(text: str, fallback: str, conventions: DumpConventions | None = None) -> str:
    """The title a reader gives a document that came without one.

    The 'X–Y সম্পর্ক' bold opening; else the first bold '''…''' in the lead (before the
    first heading; a clipped opener such as "সম্পর্ক''', ..." has none); else a heading
    the text opens with; else `fallback` (the file stem or JSONL id). A later section
    heading ("== ইতিহাস ==") names a section, not the document, so it is never the title.
    """
    title = title_from_text(text, conventions)
    if title:
        return title
    first_heading = _HEADING_RE.search(text)
    lead = text[: first_heading.start()] if first_heading else text
    bold = _ANY_BOLD_RE.search(lead[:2000])
    if bold:
        return bold.group(1).strip()
    if first_heading and not lead.strip():
        return first_heading.group(2).strip() or fallback
    return fallback


def check_document(doc: Document, max_chars: int) -> None:
    """Raise InputError for content no stage can work on."""
    text = doc.text
    if len(text) > max_chars:
        raise InputError(
            f"document too large: {len(text):,} characters (limit {max_chars:,}); "
            "raise the limit with --max-doc-chars (Config.max_doc_chars from Python)"
        )
    if not text.strip():
        raise InputError("empty document")
    if "\x00" in text:
        raise InputError("binary content (NUL characters)")
    if _SURROGATE_RE.search(text):
        raise InputError("invalid Unicode: lone surrogate code points (not UTF-8 text)")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t")
    if controls > max(8, len(text[:20000]) // 100):
        raise InputError("binary content (control characters)")
    if not _BENGALI_LETTER_RE.search(text):
        raise InputError("no Bengali text")
