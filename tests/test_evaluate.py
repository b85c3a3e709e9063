"""Scores on tiny hand-made gold/prediction pairs; every expected number is worked out by hand.

Gold is written as real brat lines and parsed; predictions are run tables (the columns of
pipeline/tables.py), so the same path as `bnevents eval RUN_DIR GOLD_DIR` is exercised.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.brat import parse_ann
from pipeline.evaluation import (
    Mention,
    evaluate,
    gold_record,
    lookup,
    predicted_records,
    same_actor,
)
from pipeline.io.writers import TableSink, frame

TEXT = (
    "২০১৮ সালের ৫ মার্চ ভারতের প্রধানমন্ত্রী নরেন্দ্র মোদী ঢাকা সফর করেন। "
    "বাংলাদেশ ও ভারত চুক্তি স্বাক্ষর করে। "
    "২০১৯ সালে বাংলাদেশ ও ভারতের মধ্যে বাণিজ্য বাড়ে।"
)


def at(s: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the nth occurrence of s in TEXT."""
    pos = -1
    for _ in range(nth + 1):
        pos = TEXT.index(s, pos + 1)
    return pos, pos + len(s)


def t_line(tid: str, label: str, s: str, nth: int = 0) -> str:
    a, b = at(s, nth)
    return f"{tid}\t{label} {a} {b}\t{s}"


GOLD_ANN = "\n".join([
    t_line("T1", "DATE", "২০১৮ সালের ৫ মার্চ"),
    t_line("T2", "COUNTRY", "ভারতের"),
    t_line("T3", "PERSON", "নরেন্দ্র মোদী"),
    t_line("T4", "LOC", "ঢাকা"),
    t_line("T5", "VISIT", "সফর"),
    t_line("T6", "COUNTRY", "বাংলাদেশ"),
    t_line("T7", "COUNTRY", "ভারত", 2),  # the bare ভারত of the second sentence
    t_line("T8", "AGREEMENT", "চুক্তি"),
    t_line("T9", "DATE", "২০১৯ সালে"),
    t_line("T10", "COUNTRY", "বাংলাদেশ", 1),
    t_line("T11", "COUNTRY", "ভারতের", 1),
    t_line("T12", "TRADE", "বাণিজ্য"),
    "E1\tVISIT:T5 Actor1:T3 Place:T4 Time:T1",
    "E2\tAGREEMENT:T8 Actor1:T6 Actor2:T7",
    "E3\tTRADE:T12 Actor1:T10 Actor2:T11 Time:T9",
    "R1\tAffiliation Arg1:T3 Arg2:T2",
    "A1\tSector E2 OTHER",
    "N1\tReference T1 TIMEX3:2018-03-05\t২০১৮ সালের ৫ মার্চ",
    "N2\tReference T2 ISO3166:IND\tভারতের",
    "N3\tReference T6 ISO3166:BGD\tবাংলাদেশ",
    "N4\tReference T7 ISO3166:IND\tভারত",
    "N5\tReference T9 TIMEX3:2019\t২০১৯ সালে",
    "N6\tReference T10 ISO3166:BGD\tবাংলাদেশ",
    "N7\tReference T11 ISO3166:IND\tভারতের",
])


def ent(label: str, s: str, nth: int = 0, norm: str = "", aff: str = "") -> dict:
    a, b = at(s, nth)
    return {"doc_id": "d1", "type": label, "text": s, "start": a, "end": b, "norm": norm,
            "affiliation": aff, "source": "rule", "confidence": 1.0}


def actor(prefix: str, label: str, s: str, nth: int, country: str) -> dict:
    a, b = at(s, nth)
    return {f"{prefix}_text": s, f"{prefix}_type": label, f"{prefix}_country": country,
            f"{prefix}_start": a, f"{prefix}_end": b}


def event(etype: str, trigger: str, **cols) -> dict:
    a, b = at(trigger)
    return {"doc_id": "d1", "event_type": etype, "trigger_text": trigger, "trigger_start": a,
            "trigger_end": b, "negated": False, "speculated": False, "confidence": 1.0, **cols}


PRED_ENTITIES = [
    ent("DATE", "২০১৮ সালের", norm="TIMEX3:2018"),  # partial span, wrong value
    ent("COUNTRY", "ভারতের", norm="ISO3166:IND"),
    ent("COUNTRY", "ভারতের", norm="ISO3166:IND"),  # duplicate prediction
    ent("PERSON", "মোদী"),  # partial span
    ent("LOC", "ঢাকা"),
    ent("ORG", "বাংলাদেশ"),  # wrong type
    ent("COUNTRY", "ভারত", 2, norm="ISO3166:PAK"),  # right span, wrong code
]

PRED_EVENTS = [
    # matches E1: the actor is the country where gold has a person affiliated with it;
    # Time is missing (a missing role)
    event("VISIT", "সফর", **actor("actor1", "COUNTRY", "ভারতের", 0, "IND"),
          **{"place_text": "ঢাকা", "place_start": at("ঢাকা")[0], "place_end": at("ঢাকা")[1]}),
    # matches E2 with the actors swapped (AGREEMENT actors are unordered); wrong sector
    event("AGREEMENT", "চুক্তি", **actor("actor1", "COUNTRY", "ভারত", 2, "IND"),
          **actor("actor2", "COUNTRY", "বাংলাদেশ", 0, "BGD"), sector="ECONOMY"),
    # does not match E3 (one actor where gold has two) but shares its trigger
    event("TRADE", "বাণিজ্য", **actor("actor1", "COUNTRY", "বাংলাদেশ", 1, "BGD"),
          time_text="২০১৯ সালে", time_value="2019"),
    # a duplicate of the first prediction
    event("VISIT", "সফর", **actor("actor1", "COUNTRY", "ভারতের", 0, "IND"),
          **{"place_text": "ঢাকা", "place_start": at("ঢাকা")[0], "place_end": at("ঢাকা")[1]}),
]


def tables(docs=None, entities=None, events=None) -> dict[str, pd.DataFrame]:
    return {
        "documents": frame("documents", docs or [{"doc_id": "d1", "status": "ok"}]),
        "entities": frame("entities", PRED_ENTITIES if entities is None else entities),
        "events": frame("events", PRED_EVENTS if events is None else events),
    }


@pytest.fixture
def gold():
    doc = parse_ann(TEXT, GOLD_ANN, doc_id="d1", path="d1.ann")
    assert doc.problems == []
    return {"d1": gold_record(doc)}


@pytest.fixture
def report(gold):
    return evaluate(gold, predicted_records(tables())).report


def test_entities_strict_and_partial(report):
    per = report["entities"]["per_type"]
    # COUNTRY: 5 gold (ভারতের, বাংলাদেশ, ভারত, and বাংলাদেশ, ভারতের of the third sentence);
    # predicted ভারতের twice and ভারত -> 2 TP, the duplicate is a FP, 3 FN
    # (বাংলাদেশ predicted as ORG, the third sentence not predicted): P 2/3, R 2/5, F1 1/2
    assert per["COUNTRY"]["strict"] == {"tp": 2, "fp": 1, "fn": 3, "precision": 0.6667,
                                        "recall": 0.4, "f1": 0.5}
    # DATE and PERSON only overlap: 0 strict, 1 partial
    assert per["DATE"]["strict"]["tp"] == 0 and per["DATE"]["partial"]["tp"] == 1
    assert per["PERSON"]["strict"]["f1"] == 0.0 and per["PERSON"]["partial"]["f1"] == 1.0
    assert per["ORG"]["strict"] == {"tp": 0, "fp": 1, "fn": 0, "precision": 0.0, "recall": 0.0,
                                    "f1": 0.0}
    # micro strict: TP 3 (2 COUNTRY + LOC), 7 predicted, 9 gold -> P 3/7, R 1/3, F1 6/16
    micro = report["entities"]["micro"]
    assert micro["strict"]["tp"] == 3
    assert micro["strict"]["precision"] == round(3 / 7, 4)
    assert micro["strict"]["recall"] == round(1 / 3, 4)
    assert micro["strict"]["f1"] == 0.375
    # micro partial: DATE and PERSON count too -> TP 5, R 5/9, F1 = 2*5/(7+9)
    assert micro["partial"]["tp"] == 5
    assert micro["partial"]["recall"] == round(5 / 9, 4)
    assert micro["partial"]["f1"] == 0.625


def test_value_accuracy_and_country_linking(report):
    # the one DATE match has value 2018 against gold 2018-03-05: accuracy 0/1
    assert report["dates"]["value_matched"] == 1
    assert report["dates"]["value_accuracy"] == 0.0
    # TempEval-3 value F1: 0 correct of 1 predicted and 2 gold DATE spans
    assert report["dates"]["value"]["fn"] == 2
    # two matched COUNTRY mentions: IND right, PAK for ভারত wrong -> 1/2
    assert report["countries"] == {"linking_accuracy": 0.5, "matched": 2, "correct": 1}


def test_events_with_affiliated_person_missing_roles_and_duplicates(report):
    ev = report["events"]
    # E1 matched (country IND agrees with the person affiliated with IND), E2 matched
    # (swapped actors), E3 not (actor sets differ); the duplicate VISIT is a FP:
    # TP 2, FP 2, FN 1
    assert (ev["tp"], ev["fp"], ev["fn"]) == (2, 2, 1)
    assert ev["precision"] == 0.5
    assert ev["recall"] == round(2 / 3, 4)
    assert ev["f1"] == round(4 / 7, 4)
    assert ev["per_type"]["VISIT"]["f1"] == round(2 / 3, 4)
    assert ev["per_type"]["AGREEMENT"]["f1"] == 1.0
    assert ev["per_type"]["TRADE"] == {"tp": 0, "fp": 1, "fn": 1, "precision": 0.0,
                                       "recall": 0.0, "f1": 0.0}
    assert ev["attributes"]["negated"] == {"correct": 2, "total": 2, "accuracy": 1.0}
    # only AGREEMENT among the matches takes a Sector: OTHER vs ECONOMY
    assert ev["attributes"]["sector"] == {"correct": 0, "total": 1, "accuracy": 0.0}


def test_argument_triples(report):
    args = report["arguments"]
    # E1/P1: Actor1 and Place right, Time missing            -> TP 2, FN 1
    # E2/P2: both actors right (unordered)                    -> TP 2
    # E3/P3 aligned by trigger: BGD and Time right, IND missing -> TP 2, FN 1
    # duplicate VISIT: Actor1 and Place spurious              -> FP 2
    assert (args["tp"], args["fp"], args["fn"]) == (6, 2, 2)
    assert args["f1"] == 0.75
    assert args["per_role"]["Time"] == {"tp": 1, "fp": 0, "fn": 1, "precision": 1.0,
                                        "recall": 0.5, "f1": round(2 / 3, 4)}


def test_error_rows_cover_every_mistake(gold):
    ev = evaluate(gold, predicted_records(tables()))
    errors = ev.errors
    ents = errors[errors.task == "entities"]
    # DATE and PERSON boundaries; the third sentence's DATE and two COUNTRYs missed; the
    # duplicate ভারতের; বাংলাদেশ tagged ORG
    assert sorted(ents.error) == ["boundary", "boundary", "false_negative", "false_negative",
                                  "false_negative", "false_positive", "wrong_type"]
    wrong_type = ents[ents.error == "wrong_type"].iloc[0]
    assert (wrong_type.gold_type, wrong_type.pred_type, wrong_type.gold_text) == (
        "COUNTRY", "ORG", "বাংলাদেশ")
    assert wrong_type.sentence == "বাংলাদেশ ও ভারত চুক্তি স্বাক্ষর করে।"
    link = errors[errors.task == "country_linking"].iloc[0]
    assert (link.gold_value, link.pred_value) == ("IND", "PAK")
    events = errors[errors.task == "events"]
    assert set(events.error) == {"wrong_actors", "false_positive", "wrong_value"}
    assert (errors.task == "arguments").sum() == 4  # 2 FN + 2 FP triples
    whats = {c["what"] for c in ev.report["confusions"]}
    assert "entities: COUNTRY → ORG" in whats


def test_failed_and_missing_documents_count_as_all_missed(gold):
    docs = [{"doc_id": "d1", "status": "error", "error": "boom"}]
    rep = evaluate(gold, predicted_records(tables(docs=docs))).report
    assert rep["documents"]["failed"] == 1 and rep["documents"]["failed_ids"] == ["d1"]
    assert rep["entities"]["micro"]["strict"] == {"tp": 0, "fp": 0, "fn": 9, "precision": 0.0,
                                                  "recall": 0.0, "f1": 0.0}
    assert rep["events"]["fn"] == 3
    rep = evaluate(gold, {}).report
    assert rep["documents"]["missing_ids"] == ["d1"]


def test_actor_agreement_rules():
    ind = Mention("COUNTRY", 0, 4, "ভারত", "ISO3166:IND", "IND")
    pak = Mention("COUNTRY", 0, 4, "ভারত", "ISO3166:PAK", "PAK")
    modi = Mention("PERSON", 10, 20, "মোদী", "", "IND")
    other_person = Mention("PERSON", 30, 40, "শাহ", "", "")
    assert same_actor(ind, modi) and same_actor(modi, ind)
    assert not same_actor(ind, pak)  # two COUNTRYs agree by code only, not by overlap
    assert same_actor(modi, Mention("PERSON", 15, 20, "মোদী", "", ""))  # overlapping span
    assert not same_actor(other_person, modi)


@pytest.mark.parametrize(("unit", "kind", "norm"), [
    ("GW", "QUANTITY", "QTY:500:GW"),  # a v1.2 unit: typed MONEY while the scorer had 5 units
    ("MW", "QUANTITY", "QTY:500:MW"),
    ("USD", "MONEY", "MONEY:500:USD"),
])
def test_event_value_typed_by_the_schema_units(unit, kind, norm):
    row = event("TRADE", "বাণিজ্য", value_text="৫০০", value_amount="500", value_unit=unit)
    value = predicted_records(tables(entities=[], events=[row]))["d1"].events[0].args["Value"]
    assert (value.type, value.norm) == (kind, norm)


def test_perfect_prediction_scores_one(gold):
    rep = evaluate(gold, {"d1": gold["d1"]}).report
    assert rep["entities"]["micro"]["strict"]["f1"] == 1.0
    assert rep["events"]["f1"] == 1.0 and rep["arguments"]["f1"] == 1.0
    assert lookup(rep, "entities.micro.strict") == 1.0
    assert lookup(rep, "dates.value_accuracy") == 1.0


def test_strict_scores_agree_with_nervaluate(gold):
    nervaluate = pytest.importorskip("nervaluate")
    # nervaluate has no notion of duplicates, so compare on predictions without them
    preds = [e for i, e in enumerate(PRED_ENTITIES) if i != 2]
    rep = evaluate(gold, predicted_records(tables(entities=preds))).report
    labels = ["COUNTRY", "PERSON", "ORG", "LOC", "DATE", "MONEY", "QUANTITY"]
    true = [[{"label": m.type, "start": m.start, "end": m.end - 1} for m in gold["d1"].mentions]]
    pred = [[{"label": e["type"], "start": e["start"], "end": e["end"] - 1} for e in preds]]
    results = nervaluate.Evaluator(true, pred, tags=labels, loader="dict").evaluate()
    overall = results["overall"]["strict"] if "overall" in results else results[0]["strict"]
    strict = rep["entities"]["micro"]["strict"]
    assert strict["tp"] == overall.correct
    assert strict["precision"] == round(overall.precision, 4)
    assert strict["recall"] == round(overall.recall, 4)


# -- the command ------------------------------------------------------------------
def write_case(tmp_path: Path) -> tuple[Path, Path]:
    gold_dir, run_dir = tmp_path / "gold", tmp_path / "run"
    gold_dir.mkdir()
    run_dir.mkdir()
    (gold_dir / "d1.txt").write_text(TEXT, encoding="utf-8")
    (gold_dir / "d1.ann").write_text(GOLD_ANN + "\n", encoding="utf-8")
    (gold_dir / "split.json").write_text(json.dumps({"dev": [], "test": ["d1"]}), encoding="utf-8")
    for name, df in tables().items():
        sink = TableSink(run_dir, name, "csv")
        sink.write(df.astype(object).where(df.notna(), None).to_dict(orient="records"))
        sink.commit()
    return run_dir, gold_dir


def bnevents(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_eval_command_reports_and_thresholds(tmp_path: Path):
    run_dir, gold_dir = write_case(tmp_path)
    out = tmp_path / "report"
    res = bnevents("eval", run_dir, gold_dir, "--split", "test", "--out", out,
                   "--min-f1", "events.f1=0.5", "--min-f1", "entities.micro.partial=0.6")
    assert res.returncode == 0, res.stderr
    assert "events F1 0.571" in res.stdout
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert rep["meta"]["documents"] == ["d1"]
    assert rep["events"]["f1"] == round(4 / 7, 4)
    errors = pd.read_csv(out / "errors.csv", dtype=str, keep_default_na=False)
    assert "বাংলাদেশ" in set(errors.gold_text)  # Bengali intact
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Evaluation report")

    res = bnevents("eval", run_dir, gold_dir, "--min-f1", "arguments.f1=0.8")
    assert res.returncode == 1
    assert "threshold missed: arguments.f1 = 0.7500 < 0.8" in res.stderr
    res = bnevents("eval", run_dir, gold_dir, "--min-f1", "no.such.key=0.1")
    assert res.returncode == 2
    res = bnevents("eval", run_dir, gold_dir, "--split", "dev")
    assert res.returncode == 2 and "no .ann files" in res.stderr


def test_stage_ablation_in_one_command(tmp_path: Path):
    from pipeline.evaluation import STAGE_NAMES, headline

    _, gold_dir = write_case(tmp_path)
    run = tmp_path / "fresh-run"
    res = bnevents("run", gold_dir, "--out", run, "--quiet")
    assert res.returncode == 0, res.stderr
    out = tmp_path / "stages"
    res = bnevents("eval", run, gold_dir, "--stages", "--out", out)
    assert res.returncode == 0, res.stderr
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    stages = rep["stages"]["results"]
    assert tuple(stages) == STAGE_NAMES
    # the merged stage run inside eval scores exactly like `bnevents run` + eval
    assert stages["both"]["headline"] == headline(rep)
    # baselines only fill their own columns
    dates_only = {k for k, v in stages["baseline-dates"]["headline"].items() if v is not None}
    assert dates_only <= {"entities.DATE.strict", "dates.value_accuracy"}
    assert stages["baseline-gazetteer"]["headline"]["events.f1"] is None
    assert "| baseline-dates |" in (out / "report.md").read_text(encoding="utf-8")
    assert 'id="chart-stages"' in (out / "report.html").read_text(encoding="utf-8")
