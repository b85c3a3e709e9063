"""Property tests over the three readers: folders of .txt, JSONL (.bz2) and MediaWiki XML (.bz2).

Inputs: text with hostile Unicode, invalid and truncated UTF-8, UTF-16, NUL bytes, file
names that are not UTF-8, invalid JSON lines, malformed and truncated XML, broken bz2,
unclosed wiki markup. Properties: the reader never raises; it yields only Documents and
ReadFailures whose ids, sources and texts can be written to UTF-8; and every input
document is accounted for exactly once (one item per .txt file, per non-blank JSONL line,
per selected wiki page).
"""

from __future__ import annotations

import bz2
import json
import os
import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

import bn_strategies as fz
from hypothesis import given
from hypothesis import strategies as st

from pipeline.io.readers import ReadFailure, is_relations_title, read_documents
from pipeline.model import Document

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def check_items(items: list) -> None:
    for item in items:
        assert isinstance(item, Document | ReadFailure)
        fields = [item.doc_id, item.source]
        if isinstance(item, Document):
            fields += [item.text, item.title]
        else:
            fields.append(item.error)
            assert item.error
        for value in fields:
            assert isinstance(value, str)
            value.encode("utf-8")  # writable to a UTF-8 table


def utf8(text: str) -> bytes:
    return text.encode("utf-8", "replace")


@st.composite
def file_bytes(draw: st.DrawFn) -> bytes:
    """The content of one input file: good, subtly broken or not text at all."""
    data = utf8(draw(fz.any_text))
    kind = draw(st.integers(0, 9))
    if kind == 1 and data:  # cut in the middle of a multi-byte character
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == 2:
        data = b"\xef\xbb\xbf" + data  # UTF-8 BOM
    elif kind == 3:
        data = draw(fz.any_text).encode("utf-16", "replace")
    elif kind == 4:
        data = draw(st.binary(max_size=300))
    elif kind == 5:
        pos = draw(st.integers(0, len(data)))
        data = data[:pos] + draw(st.binary(min_size=1, max_size=4)) + data[pos:]
    elif kind == 6:
        data = data.replace(b"\n", b"\r\n")
    return data


def file_name(i: int, raw: bytes) -> bytes:
    # a name that is not UTF-8 now and then: Python reads it with surrogate escapes
    return b"doc%d%s.txt" % (i, raw)


@fz.fuzz_settings(robust=40, fuzz=2000)
@given(st.lists(st.tuples(file_bytes(), st.sampled_from([b"", b"", b"-\xff", b"\xe0\xa6",
                                                          "-বাংলা".encode()])),
                max_size=8))
def test_folder_reader_accounts_for_every_file(files: list[tuple[bytes, bytes]]) -> None:
    fz.count("readers: folder of .txt")
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.fsencode(tmp)
        for i, (data, suffix) in enumerate(files):
            with open(os.path.join(folder, file_name(i, suffix)), "wb") as fh:
                fh.write(data)
        with open(os.path.join(folder, b"notes.md"), "wb") as fh:
            fh.write(b"not an input")
        items = list(read_documents(Path(tmp)))
    check_items(items)
    assert len(items) == len(files)
    assert len({i.doc_id for i in items}) == len(files)


@st.composite
def jsonl_line(draw: st.DrawFn) -> bytes:
    text = draw(fz.any_text)
    kind = draw(st.integers(0, 11))
    obj: object = {"id": draw(st.one_of(st.integers(), st.text(max_size=10))), "text": text}
    if draw(st.booleans()):
        obj["title"] = draw(st.one_of(st.none(), st.text(max_size=20), st.integers()))
    if kind == 1:
        obj = {"text": text}  # no id
    elif kind == 2:
        obj = {"id": "x", "text": draw(st.one_of(st.none(), st.integers(), st.lists(st.text())))}
    elif kind == 3:
        obj = draw(st.one_of(st.lists(st.integers()), st.text(), st.integers(), st.none()))
    line = json.dumps(obj, ensure_ascii=draw(st.booleans()))
    if kind == 4:
        line = line[: draw(st.integers(0, len(line)))]  # truncated JSON
    elif kind == 5:
        line = line.replace('"text"', '"text" "')  # invalid JSON
    elif kind == 6:
        line = line.replace(json.dumps(text), '"\\ud800' + "x" * 3 + '"')  # lone surrogate
    data = utf8(line)
    if kind == 7:
        data += b"\r"  # CRLF line ending
    elif kind == 8:
        data = data[:5] + b"\xff\xfe" + data[5:]  # invalid UTF-8
    elif kind == 9:
        data = b"\xef\xbb\xbf" + data
    elif kind == 10:
        data = draw(st.sampled_from([b"", b"   ", b"\t", b"\x00"]))
    return data


@fz.fuzz_settings(robust=40, fuzz=2000)
@given(st.lists(jsonl_line(), max_size=12), st.booleans(), st.booleans())
def test_jsonl_reader_one_item_per_line(lines: list[bytes], newline_at_end: bool,
                                        compressed: bool) -> None:
    fz.count("readers: JSONL")
    data = b"\n".join(lines) + (b"\n" if newline_at_end else b"")
    expected = sum(1 for piece in data.split(b"\n") if piece.strip())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("in.jsonl.bz2" if compressed else "in.jsonl")
        path.write_bytes(bz2.compress(data) if compressed else data)
        items = list(read_documents(path))
    check_items(items)
    assert len(items) == expected


@st.composite
def wiki_page(draw: st.DrawFn) -> tuple[str, bool]:
    """(page XML, whether the reader should yield it with relations_only=True)."""
    title = draw(st.one_of(
        st.sampled_from(["ভারত–বাংলাদেশ সম্পর্ক", "চীন-পাকিস্তান সম্পর্ক", "ঢাকা", "",
                         "  মালয়েশিয়া — তাজিকিস্তান   সম্পর্ক "]),
        st.text(max_size=20),
    ))
    title = _XML_INVALID.sub("", title)
    ns = draw(st.sampled_from(["0", "0", "1", "14", "", " 0 "]))
    redirect = draw(st.booleans()) and draw(st.booleans())
    wikitext = _XML_INVALID.sub("", draw(fz.any_text))
    has_text = draw(st.integers(0, 9)) > 0
    page = (
        f"<page><title>{escape(title)}</title><ns>{ns}</ns><id>{draw(st.integers(0, 10**6))}</id>"
        + ('<redirect title="x" />' if redirect else "")
        + "<revision><id>1</id>"
        + (f'<text xml:space="preserve">{escape(wikitext)}</text>' if has_text else "")
        + "</revision></page>"
    )
    selected = (
        (ns.strip() or "0") == "0" and not redirect and is_relations_title(title.strip())
    )
    return page, selected


HEADER = ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" '
          'xml:lang="bn"><siteinfo><sitename>উইকিপিডিয়া</sitename></siteinfo>')


@fz.fuzz_settings(robust=40, fuzz=2000)
@given(st.lists(wiki_page(), max_size=6), st.integers(0, 4), st.booleans(), st.data())
def test_mediawiki_reader_survives_malformed_and_truncated_dumps(
    pages: list[tuple[str, bool]], damage: int, compressed: bool, data: st.DataObject
) -> None:
    fz.count("readers: MediaWiki XML")
    xml = (HEADER + "".join(p for p, _ in pages) + "</mediawiki>").encode("utf-8")
    if damage == 1:  # truncated file
        xml = xml[: data.draw(st.integers(0, len(xml)))]
    elif damage == 2:  # garbage bytes somewhere
        pos = data.draw(st.integers(0, len(xml)))
        xml = xml[:pos] + data.draw(st.binary(min_size=1, max_size=8)) + xml[pos:]
    elif damage == 3:  # unclosed page
        xml = xml.replace(b"</page>", b"", 1)
    payload = bz2.compress(xml) if compressed else xml
    if compressed and damage == 4:  # truncated bz2 stream
        payload = payload[: data.draw(st.integers(0, len(payload)))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("dump.xml.bz2" if compressed else "dump.xml")
        path.write_bytes(payload)
        items = list(read_documents(path))
        everything = list(read_documents(path, relations_only=False))
    check_items(items)
    check_items(everything)
    if damage == 0 or (damage == 4 and not compressed):
        assert len(items) == sum(selected for _, selected in pages)
        assert all(isinstance(i, Document) or "no revision text" in i.error for i in items)
    else:  # a broken stream ends with one failure that says so, never an exception
        assert len(items) <= sum(selected for _, selected in pages) + 1
