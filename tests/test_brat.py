"""brat reading, validation (`bnevents validate`) and writing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.brat import (
    norm_problem,
    parse_ann,
    read_document,
    timex_problem,
    validate_directory,
    validate_document,
)
from pipeline.config import PROJECT_DIR
from pipeline.schema.conf import PACKAGED_CONF, load_conf

ANNOTATIONS = PROJECT_DIR / "annotations"
TEXT = "২০১৮ সালের ৫ মার্চ ভারতের প্রধানমন্ত্রী নরেন্দ্র মোদী ঢাকা সফর করেন।"
GOOD = """T1\tDATE 0 18\t২০১৮ সালের ৫ মার্চ
T2\tCOUNTRY 19 25\tভারতের
T3\tPERSON 40 53\tনরেন্দ্র মোদী
T4\tLOC 54 58\tঢাকা
T5\tVISIT 59 62\tসফর
E1\tVISIT:T5 Actor1:T3 Place:T4 Time:T1
R1\tAffiliation Arg1:T3 Arg2:T2
N1\tReference T1 TIMEX3:2018-03-05\t২০১৮ সালের ৫ মার্চ
N2\tReference T2 ISO3166:IND\tভারতের
"""


def bnevents(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_guidelines_example_is_valid():
    doc = parse_ann(TEXT, GOOD, doc_id="x", path="x.ann")
    assert validate_document(doc, load_conf()) == []
    assert doc.affiliation_of("T3") == "IND"
    assert doc.norm_of("T1") == "TIMEX3:2018-03-05"


def test_packaged_conf_is_the_shipped_one():
    assert PACKAGED_CONF.read_text(encoding="utf-8") == (
        ANNOTATIONS / "annotation.conf").read_text(encoding="utf-8")
    conf = load_conf()
    assert "Value" in conf.events["AGREEMENT"] and "Value" not in conf.events["VISIT"]
    assert "EDUCATION" in conf.attributes["Sector"][1]


def test_every_problem_gets_one_line_with_its_line_number():
    bad = "\n".join([
        "T1\tDATE 0 17\t২০১৮ সালের ৫ মার্",          # 1: ends inside a word (and text ok)
        "T2\tCOUNTRY 19 25\tভারতের",                 # 2: no N line -> reported here
        "T3\tPERSON 40 53\tনরেন্দ্র মোদি",             # 3: text differs from the .txt
        "T4\tCITY 54 58\tঢাকা",                      # 4: type not in the conf
        "T5\tVISIT 59 62\tসফর",
        "E1\tVISIT:T5 Actor1:T3 Value:T1 Time:T9",  # 6: role not allowed, dangling T9
        "R1\tAffiliation Arg1:T2 Arg2:T2",          # 7: Arg1 must be PERSON|ORG
        "A1\tSector E1 DEFENCE",                    # 8: Sector not allowed on VISIT
        "A2\tNegated E1 yes",                       # 9: binary attribute with a value
        "N1\tReference T1 TIMEX3:2018-02-30\tx",    # 10: no such day
        "T6\tLOC 55 58\tাকা",                        # 11: overlaps T4, starts inside a word
        "garbage line",                             # 12: malformed
        "T7\tMONEY 0 4\t২০১৮",                       # 13: overlaps T1, no MONEY: norm
        "N2\tReference T7 MONEY:12:XYZ\t২০১৮",       # 14: unknown currency
    ])
    doc = parse_ann(TEXT, bad, doc_id="bad", path="bad.ann")
    problems = validate_document(doc, load_conf())
    by_line: dict[int, list[str]] = {}
    for p in problems:
        assert str(p).startswith(f"bad.ann:{p.line}: ")
        by_line.setdefault(p.line, []).append(p.message)
    text = "\n".join(str(p) for p in problems)
    assert any("ends inside a word" in m for m in by_line[1])
    assert any("no ISO3166: normalisation" in m for m in by_line[2])
    assert any("the line says" in m for m in by_line[3])
    assert any("CITY is not in annotation.conf" in m for m in by_line[4])
    assert any("role Value is not allowed for VISIT" in m for m in by_line[6])
    assert any("T9, which does not exist" in m for m in by_line[6])
    assert any("Arg1:T2 is a COUNTRY" in m for m in by_line[7])
    assert any("Sector cannot be set on a VISIT" in m for m in by_line[8])
    assert any("takes no value" in m for m in by_line[9])
    assert any("2018-02-30" in m for m in by_line[10])
    assert any("overlaps T4" in m for m in by_line[11])
    assert any("malformed" in m for m in by_line[12])
    assert any("overlaps T1" in m for m in by_line[13])
    assert any("unknown ISO 4217 currency code 'XYZ'" in m for m in by_line[14])
    assert "bad.ann:5:" not in text  # the trigger line itself is fine


@pytest.mark.parametrize(("span", "ok"), [
    ("পি. ডব্লিউ.", True),   # Bengali initials: the dot is part of the word (guidelines §1)
    ("মাইকেল ডি.", True),
    ("ডা.", True),
    ("D.C.", True),         # Latin initials
    ("Washington.", False),  # a Latin word's final dot is a full stop
    ("২০১৪.", False),        # so is one after a number
    ("ঢাকা।", False),
    ("ঢাকা,", False),
])
def test_a_final_abbreviation_dot_is_not_trailing_punctuation(span: str, ok: bool):
    before = "সফরে "
    text = f"{before}{span} এলেন"
    ann = f"T1\tPERSON {len(before)} {len(before) + len(span)}\t{span}\n"
    problems = validate_document(parse_ann(text, ann, doc_id="x", path="x.ann"), load_conf())
    assert any("ends with punctuation" in p.message for p in problems) is not ok


@pytest.mark.parametrize("value", [
    "1992", "1992-03", "2014-06-22", "2014-06-22/2014-06-25", "2010/2015", "199X", "19XX",
    "18XX", "2015/2016",
])
def test_timex_values_accepted(value):
    assert timex_problem(value) == ""


@pytest.mark.parametrize("value", [
    "2014-13", "2014-02-30", "2015/2014", "1990/199X", "14-06-22", "199x", "2014-6-22",
    "2014-06-22/2014-06-25/2014-06-26", "", "২০১৪",
])
def test_timex_values_rejected(value):
    assert timex_problem(value) != ""


@pytest.mark.parametrize(("etype", "ref", "ok"), [
    ("COUNTRY", "ISO3166:MYS", True),
    ("COUNTRY", "ISO3166:SUN", True),  # ISO 3166-3 former state
    ("COUNTRY", "ISO3166:YUG", True),
    ("COUNTRY", "ISO3166:XXX", False),
    ("COUNTRY", "ISO3166:MY", False),
    ("COUNTRY", "TIMEX3:1992", False),
    ("MONEY", "MONEY:5500000000:USD", True),
    ("MONEY", "MONEY:1.5:EUR", True),
    ("MONEY", "MONEY:5000000000:FRF", True),  # withdrawn ISO 4217 code
    ("MONEY", "MONEY:5:ABC", False),
    ("MONEY", "MONEY:৫:USD", False),  # amounts are ASCII digits
    ("QUANTITY", "QTY:300:MW", True),
    ("QUANTITY", "QTY:33000000:t", True),
    ("QUANTITY", "QTY:500:GW", True),  # guidelines v1.2 units, from the schema
    ("QUANTITY", "QTY:20:TEU", True),
    ("QUANTITY", "QTY:3:parsec", False),
    ("PERSON", "ISO3166:IND", False),
])
def test_normalisations(etype, ref, ok):
    assert (norm_problem(etype, ref) == "") is ok


def test_validator_units_are_the_schema_units():
    from pipeline.schema import load_schema

    for unit in load_schema().quantity_units:
        assert norm_problem("QUANTITY", f"QTY:1:{unit}") == "", unit


def test_crlf_and_bom_offsets(tmp_path: Path):
    # offsets are str indices into the text as stored: the BOM and each \r count
    text = "\ufeff" + TEXT.replace("। ", "।") + "\r\nদ্বিতীয় লাইনে ঢাকা।\r\n"
    dhaka = text.index("ঢাকা", text.index("\r\n"))
    ann = GOOD.replace("\n", "\r\n")
    # shift the guidelines' offsets by the BOM
    lines = []
    for line in ann.split("\r\n"):
        if line.startswith("T"):
            tid, head, span = line.split("\t")
            label, a, b = head.split()
            line = f"{tid}\t{label} {int(a) + 1} {int(b) + 1}\t{span}"
        lines.append(line)
    lines.append(f"T6\tLOC {dhaka} {dhaka + 4}\tঢাকা")
    (tmp_path / "doc.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "doc.ann").write_bytes("\r\n".join(lines).encode("utf-8"))
    doc = read_document(tmp_path / "doc.ann")
    assert doc.text == text  # nothing normalised away
    assert validate_document(doc, load_conf()) == []
    # text-mode reading would turn \r\n into \n and shift the second line's offsets
    assert (tmp_path / "doc.txt").read_text(encoding="utf-8")[dhaka:dhaka + 4] != "ঢাকা"


def test_shipped_annotations_have_no_problems():
    problems, checked = validate_directory(ANNOTATIONS)
    assert checked > 0
    assert [str(p) for p in problems] == []


def test_validate_command(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.ann").write_text(GOOD, encoding="utf-8")
    res = bnevents("validate", tmp_path)
    assert res.returncode == 0, res.stdout
    assert "1 documents checked, 0 problems" in res.stderr
    (tmp_path / "a.ann").write_text(GOOD.replace("ISO3166:IND", "ISO3166:INX"), encoding="utf-8")
    (tmp_path / "orphan.txt").write_text(TEXT, encoding="utf-8")
    res = bnevents("validate", tmp_path)
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(
        "a.ann:9: N2 (T2 COUNTRY 'ভারতের'): unknown ISO 3166 alpha-3 code 'INX'")
    assert "orphan.txt:0: no annotation file orphan.ann" in lines[1]
    assert bnevents("validate", tmp_path / "missing").returncode == 2


def _analysis():
    from pipeline.model import Analysis, Document, Event, Span
    from pipeline.stages.ids import assign_ids

    def span(label: str, s: str, **kw) -> Span:
        a = TEXT.index(s)
        return Span(label, a, a + len(s), s, **kw)

    doc = Document("x", TEXT)
    date = span("DATE", "২০১৮ সালের ৫ মার্চ", norm="TIMEX3:2018-03-05")
    india = span("COUNTRY", "ভারতের", norm="ISO3166:IND")
    modi = span("PERSON", "নরেন্দ্র মোদী", affiliation="IND")
    dhaka = span("LOC", "ঢাকা")
    visit = Event("VISIT", "042", span("VISIT", "সফর"),
                  {"Actor1": modi, "Place": dhaka, "Time": date}, speculated=True)
    analysis = Analysis(doc, mentions=[date, india, modi, dhaka], events=[visit])
    assign_ids(analysis)
    return analysis


def test_writer_round_trip_from_analysis_and_from_tables():
    from pipeline.brat import analysis_to_ann, tables_to_ann
    from pipeline.io.tables import table_rows

    analysis = _analysis()
    rows = table_rows(analysis)
    for ann in (analysis_to_ann(analysis), tables_to_ann(TEXT, rows["entities"], rows["events"])):
        doc = parse_ann(TEXT, ann, doc_id="x", path="x.ann")
        assert validate_document(doc, load_conf()) == [], ann
        gold = parse_ann(TEXT, GOOD, doc_id="x", path="x.ann")
        # same spans, values, affiliation and event as the guidelines' example
        assert sorted((t.type, t.start, t.end) for t in doc.spans.values()) == sorted(
            (t.type, t.start, t.end) for t in gold.spans.values())
        (event,) = doc.events.values()
        roles = {r: (doc.spans[t].type, doc.spans[t].text) for r, t in event.args}
        assert roles == {"Actor1": ("PERSON", "নরেন্দ্র মোদী"), "Place": ("LOC", "ঢাকা"),
                         "Time": ("DATE", "২০১৮ সালের ৫ মার্চ")}
        person = next(t.id for t in doc.spans.values() if t.type == "PERSON")
        assert doc.affiliation_of(person) == "IND"
        assert doc.attributes_of(event.id) == {"Speculated": "true"}


def test_writer_notes_an_affiliation_without_a_country_mention():
    from pipeline.brat import format_ann
    from pipeline.model import Span

    ann = format_ann([Span("PERSON", 40, 53, "নরেন্দ্র মোদী", affiliation="IND")], [])
    assert ann.splitlines()[-1] == "#1\tAnnotatorNotes T1\taffiliation: IND"


# -- gold statistics (`bnevents stats`) ----------------------------------------------
TEXT_B = ("১৪১৫ বঙ্গাব্দের ১ বৈশাখ ভারত ও নেপাল চুক্তি স্বাক্ষর করেনি। পরের বছর দুই দেশ "
          "বাণিজ্য শুরু করে। ২০১৫-১৬ অর্থবছরে ও ১৯৯০-এর দশকে কিছু হয়নি।")


def _ann_for(text: str, spans: list[tuple[str, str, str]], tail: list[str]) -> str:
    """T and N lines for (label, surface, norm) found in order in `text`, then `tail` lines."""
    lines, norms, pos = [], [], 0
    for i, (label, surface, norm) in enumerate(spans, 1):
        start = text.index(surface, pos)
        pos = start + len(surface)
        lines.append(f"T{i}\t{label} {start} {pos}\t{surface}")
        if norm:
            norms.append(f"N{len(norms) + 1}\tReference T{i} {norm}\t{surface}")
    return "\n".join(lines + tail + norms) + "\n"


def test_gold_statistics_counts_a_hand_made_gold_folder(tmp_path):
    import json

    from pipeline.brat import format_statistics, gold_statistics

    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.ann").write_text(GOOD + "A1\tSpeculated E1\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT_B, encoding="utf-8")
    (tmp_path / "b.ann").write_text(_ann_for(TEXT_B, [
        ("DATE", "১৪১৫ বঙ্গাব্দের ১ বৈশাখ", "TIMEX3:2008-04-14"),
        ("COUNTRY", "ভারত", "ISO3166:IND"),
        ("COUNTRY", "নেপাল", "ISO3166:NPL"),
        ("AGREEMENT", "স্বাক্ষর", ""),
        ("DATE", "পরের বছর", "TIMEX3:2009"),
        ("TRADE", "বাণিজ্য", ""),
        ("DATE", "২০১৫-১৬ অর্থবছরে", "TIMEX3:2015/2016"),
        ("DATE", "১৯৯০-এর দশকে", "TIMEX3:199X"),
    ], ["E1\tAGREEMENT:T4 Actor1:T2 Actor2:T3 Time:T1",
        "E2\tTRADE:T6 Actor1:T2 Actor2:T3 Time:T5",
        "A1\tNegated E1", "A2\tSector E1 OTHER"]), encoding="utf-8")
    (tmp_path / "split.json").write_text(json.dumps({"dev": ["a"], "test": ["b"]}))
    problems, checked = validate_directory(tmp_path)
    assert (problems, checked) == ([], 2)

    stats = gold_statistics(tmp_path)
    assert stats["documents"] == 2
    assert stats["characters"] == len(TEXT) + len(TEXT_B)
    assert stats["entities"] == {"COUNTRY": 3, "PERSON": 1, "ORG": 0, "LOC": 1, "DATE": 5,
                                 "MONEY": 0, "QUANTITY": 0}
    assert {k: v for k, v in stats["events"].items() if v} == {
        "VISIT": 1, "AGREEMENT": 1, "TRADE": 1}
    assert stats["affiliations"] == 1
    assert stats["attributes"] == {"Negated": 1, "Speculated": 1, "Sector": 1}
    assert stats["sectors"]["OTHER"] == 1
    assert stats["date_forms"] == {
        "year": 1, "month": 0, "day": 2, "range": 1, "decade": 1, "century": 0,
        "relative": 1, "bengali_calendar": 1, "hijri": 0, "fiscal_year": 1}
    assert stats["split"]["dev"]["documents"] == 1
    assert stats["split"]["dev"]["events_total"] == 1
    assert stats["split"]["test"]["events"]["TRADE"] == 1
    assert stats["split"]["test"]["mentions"] == 6

    text = format_statistics(stats, markdown=True)
    assert "| DATE | 5 |" in text and "| documents | 1 | 1 |" in text
    result = bnevents("stats", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == format_statistics(stats)


def test_shipped_gold_has_enough_of_every_type():
    from pipeline.brat import gold_statistics

    stats = gold_statistics(ANNOTATIONS)
    thin_entities = {t: n for t, n in stats["entities"].items() if n < 40}
    thin_events = {t: n for t, n in stats["events"].items() if n < 8}
    assert not thin_entities and not thin_events, (thin_entities, thin_events)
    assert len(stats["entities"]) == 7 and len(stats["events"]) == 12
