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


# -- issue 14: no silent wrong results -----------------------------------------------


def test_jsonl_duplicate_id_is_a_recorded_failure_and_the_batch_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    rows = [{"id": "seed", "text": ARTICLE}, {"id": "seed", "text": "অন্য লেখা।"},
            {"id": "other", "text": "তৃতীয় লেখা।"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    items = list(read_documents(path))
    assert [type(i).__name__ for i in items] == ["Document", "ReadFailure", "Document"]
    assert items[0].doc_id == "seed" and items[0].text == ARTICLE  # the first line wins
    failure = items[1]
    assert isinstance(failure, ReadFailure)
    assert failure.doc_id == "batch:2"  # not "seed": the tables keep one row per doc id
    assert failure.source.endswith("batch.jsonl:2")
    assert "batch.jsonl line 2" in failure.error and "duplicate id 'seed'" in failure.error
    assert "first on line 1" in failure.error and "\n" not in failure.error
    assert items[2].doc_id == "other"


def test_clipped_opener_gets_a_title_from_bold_or_heading_else_the_stem(tmp_path: Path) -> None:
    clipped = "সম্পর্ক''', চীন ও পাকিস্তানের মধ্যকার সম্পর্ক। == ইতিহাস == ১৯৫১ সালে।"
    (tmp_path / "china-pakistan.txt").write_text(clipped, encoding="utf-8")
    (tmp_path / "bold.txt").write_text(
        "সম্পর্ক''' বলতে '''চীন–পাকিস্তান মৈত্রী''' বোঝায়। == ইতিহাস == লেখা।", encoding="utf-8")
    (tmp_path / "heading.txt").write_text("== পাকিস্তান ও চীন ==\nদুই দেশের কথা।",
                                          encoding="utf-8")
    titles = {d.doc_id: d.title for d in read_documents(tmp_path)}
    # a section heading later in the text ("ইতিহাস") is no document title: the stem is
    assert titles == {"bold": "চীন–পাকিস্তান মৈত্রী", "china-pakistan": "china-pakistan",
                      "heading": "পাকিস্তান ও চীন"}
    batch = tmp_path / "b.jsonl"
    batch.write_text(json.dumps({"id": "n9", "text": clipped}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    (doc,) = read_documents(batch)
    assert doc.title == "n9"


def test_corpus_documents_all_have_titles() -> None:
    """8 of the 33 corpus texts open clipped ("সম্পর্ক''', ..."): none is left untitled."""
    docs = [d for d in read_documents(Path(__file__).parent.parent / "corpus")]
    assert len(docs) == 33 and all(isinstance(d, Document) and d.title for d in docs)
    clipped = [d.doc_id for d in docs if not d.text.startswith("'''")]
    assert len(clipped) == 8
    assert all(d.title == d.doc_id for d in docs if d.doc_id in clipped)


def test_folder_reader_recurses_into_subfolders(tmp_path: Path) -> None:
    (tmp_path / "top.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "2024" / "mar").mkdir(parents=True)
    (tmp_path / "2024" / "b.txt").write_text("দ্বিতীয় লেখা।", encoding="utf-8")
    (tmp_path / "2024" / "mar" / "c.txt").write_text("তৃতীয় লেখা।", encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "z.txt").write_text("চতুর্থ লেখা।", encoding="utf-8")
    (tmp_path / "a" / "notes.md").write_text("ignored", encoding="utf-8")
    docs = list(read_documents(tmp_path))
    assert [d.doc_id for d in docs] == ["2024/b", "2024/mar/c", "a/z", "top"]
    assert docs[1].source == str(tmp_path / "2024" / "mar" / "c.txt")
    assert docs[1].title == "c"  # untitled: the file stem


def test_run_help_states_recursion_and_titles() -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["run", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "read recursively" in text and "sub/a.txt -> sub/a" in text
    assert "else the file stem" in text


def test_broken_jsonl_line_names_line_column_and_the_whole_json_error(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    good = json.dumps({"id": "a", "text": ARTICLE}, ensure_ascii=False)
    path.write_text(good + "\n" + '{"id": "b", "text": "ক\tখ"}\n', encoding="utf-8")
    items = list(read_documents(path))
    failure = items[1]
    assert isinstance(failure, ReadFailure) and failure.doc_id == "batch:2"
    column = '{"id": "b", "text": "ক'.__len__() + 1  # the tab
    assert f"batch.jsonl line 2, column {column}: invalid JSON" in failure.error
    # the whole reason, not json's "Invalid control character at" cut at its colon
    assert f"Invalid control character at: line 2 column {column}" in failure.error
    assert "fix or remove that line" in failure.error and "\n" not in failure.error


def test_size_limit_error_names_the_option() -> None:
    doc = Document("big", "বাংলা " * 1000)
    with pytest.raises(InputError, match="too large") as info:
        check_document(doc, max_chars=100)
    assert "--max-doc-chars" in str(info.value) and "limit 100" in str(info.value)


def test_xml_unescaped_ref_is_a_recorded_failure_not_a_cut_text() -> None:
    """An unescaped <ref> in <text> parses as a child element and used to cut the text
    to its first sentence without a word; the page is now a ReadFailure (a failure, not a
    warning: its text cannot be trusted) and the pages after it are read."""
    items = list(read_documents(FIXTURES / "bnwiki-unescaped-ref.xml"))
    assert [type(i).__name__ for i in items] == ["ReadFailure", "Document"]
    failure = items[0]
    assert failure.doc_id == "ভারত–চীন_সম্পর্ক" and failure.source.endswith("#page=301")
    assert "unescaped markup (<ref>)" in failure.error and "&lt;" in failure.error
    assert "\n" not in failure.error
    assert items[1].text.endswith("১৯৫২ সালে চুক্তি হয়।")  # escaped <ref>: read whole
