"""Readers: folder of .txt, JSONL, MediaWiki XML (plain and bz2), and bad input."""

from __future__ import annotations

import bz2
import json
from pathlib import Path

import pytest

from pipeline import Pipeline
from pipeline.io.readers import (
    InputError,
    ReadFailure,
    check_document,
    is_relations_title,
    read_documents,
)
from pipeline.model import Document

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = "'''ভারত–নেপাল সম্পর্ক''' বলতে দুই দেশের সম্পর্ক বোঝায়। ১৯৫০ সালে চুক্তি হয়।"


def test_folder_reader_uses_file_stems_sorted(tmp_path: Path) -> None:
    (tmp_path / "b-doc.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a-doc.txt").write_text("দ্বিতীয় লেখা।", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    docs = list(read_documents(tmp_path))
    assert [d.doc_id for d in docs] == ["a-doc", "b-doc"]
    assert docs[1].title == "ভারত–নেপাল সম্পর্ক"
    assert docs[1].text == ARTICLE


def test_jsonl_reader_reads_objects_and_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "n1", "title": "ভারত–নেপাল সম্পর্ক", "text": ARTICLE}, ensure_ascii=False),
        "{not json",
        json.dumps({"title": "no id"}),
        "",
        json.dumps({"id": 7, "text": "সাত নম্বর লেখা।"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_documents(path))
    assert [type(i).__name__ for i in items] == [
        "Document",
        "ReadFailure",
        "ReadFailure",
        "Document",
    ]
    assert items[0].title == "ভারত–নেপাল সম্পর্ক"
    assert items[1].doc_id == "batch:2" and "invalid JSON" in items[1].error
    assert "needs an 'id'" in items[2].error
    assert items[3].doc_id == "7"


def test_xml_reader_keeps_only_relations_articles() -> None:
    docs = list(read_documents(FIXTURES / "bnwiki-sample.xml"))
    assert [d.title for d in docs] == ["ভারত–নেপাল সম্পর্ক", "ভারত-ভুটান সম্পর্ক"]
    text = docs[0].text
    # same shape as the seed dump text: bold and headings inline, links as labels,
    # templates/refs/files gone, category names as trailing words
    assert text.startswith("'''ভারত–নেপাল সম্পর্ক''' বলতে ভারত ও নেপালের মধ্যকার")
    assert "== ইতিহাস ==" in text and "== তথ্যসূত্র ==" in text
    assert "{{" not in text and "<ref" not in text and "একটি সূত্র" not in text
    assert "thumb" not in text and "পতাকা" not in text
    assert text.endswith("ভারতের দ্বিপাক্ষিক সম্পর্ক নেপালের দ্বিপাক্ষিক সম্পর্ক")
    assert docs[0].doc_id == "ভারত–নেপাল_সম্পর্ক"
    assert docs[0].source.endswith("#page=101")


def test_xml_reader_all_pages_and_bz2(tmp_path: Path) -> None:
    compressed = tmp_path / "dump.xml.bz2"
    compressed.write_bytes(bz2.compress((FIXTURES / "bnwiki-sample.xml").read_bytes()))
    titles = [d.title for d in read_documents(compressed, relations_only=False)]
    assert titles == ["ভারত–নেপাল সম্পর্ক", "ঢাকা", "ভারত-ভুটান সম্পর্ক"]


def test_xml_reader_reports_malformed_xml_after_good_pages() -> None:
    items = list(read_documents(FIXTURES / "bnwiki-broken.xml"))
    assert isinstance(items[0], Document) and items[0].title == "জাপান–চীন সম্পর্ক"
    assert isinstance(items[-1], ReadFailure) and "malformed XML" in items[-1].error


def test_truncated_bz2_is_a_recorded_failure(tmp_path: Path) -> None:
    data = bz2.compress((FIXTURES / "bnwiki-sample.xml").read_bytes())
    path = tmp_path / "cut.xml.bz2"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_documents(path))
    assert isinstance(items[-1], ReadFailure)
    assert "truncated" in items[-1].error or "malformed" in items[-1].error


@pytest.mark.parametrize(
    "title, expected",
    [
        ("ভারত–নেপাল সম্পর্ক", True),
        ("ভারত-নেপাল সম্পর্ক", True),
        ("মার্কিন যুক্তরাষ্ট্র — কিউবা সম্পর্ক", True),
        ("ভারতের বৈদেশিক সম্পর্ক", False),
        ("ঢাকা", False),
    ],
)
def test_relations_titles(title: str, expected: bool) -> None:
    assert is_relations_title(title) is expected


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty document"),
        (b"\x00\x01\x02binary\x00", "binary"),
        ("বাংলা".encode("utf-16"), "UTF-16"),
        ("ভারত ও নেপাল".encode() + b"\xff\xfe abc", "not valid UTF-8"),
        (b"This article is in English only.", "no Bengali text"),
        (b"   \n\t  ", "empty document"),
    ],
)
def test_bad_files_become_one_line_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    (item,) = list(read_documents(tmp_path))
    if isinstance(item, ReadFailure):
        error = item.error
    else:
        analysis = Pipeline().process(item)
        assert analysis.status == "error"
        error = analysis.error
    assert message in error
    assert "\n" not in error


def test_size_cap_is_enforced() -> None:
    doc = Document("big", "বাংলা " * 1000)
    with pytest.raises(InputError, match="too large"):
        check_document(doc, max_chars=100)


def test_relations_title_word_comes_from_the_pack(tmp_path: Path) -> None:
    """The readers' title rule is pack data (markup.yaml), read when a reader is called."""
    from pipeline.io.readers import DumpConventions, title_from_text
    from pipeline.lang import load_pack

    pack_dir = tmp_path / "pack"
    pack_dir.mkdir()
    (pack_dir / "pack.yaml").write_text("base: bn\nname: test\n", encoding="utf-8")
    (pack_dir / "markup.yaml").write_text("relations_title_word: সম্পর্কসমূহ\n", encoding="utf-8")
    conventions = DumpConventions.from_pack(load_pack(str(pack_dir)))
    assert is_relations_title("ভারত–নেপাল সম্পর্কসমূহ", conventions)
    assert not is_relations_title("ভারত–নেপাল সম্পর্ক", conventions)
    assert is_relations_title("ভারত–নেপাল সম্পর্ক")  # the default pack
    text = "'''ভারত–নেপাল সম্পর্কসমূহ''' বলতে দুই দেশের সম্পর্ক বোঝায়।"
    assert title_from_text(text, conventions) == "ভারত–নেপাল সম্পর্কসমূহ"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text, encoding="utf-8")
    (doc,) = read_documents(tmp_path / "in", pack=load_pack(str(pack_dir)))
    assert doc.title == "ভারত–নেপাল সম্পর্কসমূহ"
