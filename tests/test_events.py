"""Event stage (pipeline/events.py): CAMEO-aligned events from triggers and mentions.

Most tests give the stage hand-placed mentions on made-up Bengali sentences, so they test the
event rules alone; the seed test at the end runs the whole pipeline through `pipeline.extract`.
"""

from __future__ import annotations

import bisect

import pytest

from pipeline.io.readers import title_from_text
from pipeline.model import Analysis, Document, Event, Span
from pipeline.schema import load_schema
from pipeline.stages.events import extract_events
from pipeline.stages.segment import prepare

# (label, surface text, norm, affiliation) — the n-th occurrence when a 5th item is given
M = tuple


def analyse(text: str, mentions: list[tuple], title: str | None = None) -> Analysis:
    """An Analysis of `text` with the given mentions placed by their surface text."""
    doc = Document("t", text, title=title if title is not None else title_from_text(text))
    analysis = prepare(doc)
    spans = []
    seen: dict[str, int] = {}
    for item in mentions:
        label, surface, value, affiliation = item[:4]
        nth = item[4] if len(item) > 4 else seen.get(surface, 0)
        seen[surface] = nth + 1
        start = -1
        for _ in range(nth + 1):
            start = text.index(surface, start + 1)
        end = start + len(surface)
        cstart = bisect.bisect_left(analysis.offsets, start)
        cend = bisect.bisect_left(analysis.offsets, end)
        spans.append(Span(label, start, end, surface, cstart, cend, norm=value,
                          affiliation=affiliation, sentence_index=analysis.sentence_at(cstart)))
    analysis.mentions = sorted(spans, key=lambda s: s.start)
    return analysis


def C(surface: str, code: str, nth: int | None = None) -> tuple:
    return ("COUNTRY", surface, f"ISO3166:{code}", "") + (() if nth is None else (nth,))


def P(surface: str, code: str = "") -> tuple:
    return ("PERSON", surface, "", code)


def D(surface: str, value: str) -> tuple:
    return ("DATE", surface, f"TIMEX3:{value}", "")


def of_type(events: list[Event], etype: str) -> list[Event]:
    return [e for e in events if e.event_type == etype]


def code(span: Span | None) -> str:
    if span is None:
        return ""
    return span.norm.removeprefix("ISO3166:") if span.label == "COUNTRY" else span.affiliation


def actors(e: Event) -> set[str]:
    return {code(e.args.get(r)) for r in ("Actor1", "Actor2") if r in e.args}


# ---------------------------------------------------------------------------------------------
# types and role order
# ---------------------------------------------------------------------------------------------


def test_visit_visitor_is_the_person_and_host_the_visited_state() -> None:
    text = "২০১৮ সালের ৫ মার্চ ভারতের প্রধানমন্ত্রী নরেন্দ্র মোদী বাংলাদেশ সফর করেন।"
    a = analyse(text, [D("২০১৮ সালের ৫ মার্চ", "2018-03-05"), C("ভারতের", "IND"),
                       P("নরেন্দ্র মোদী", "IND"), C("বাংলাদেশ", "BGD")])
    [visit] = extract_events(a)
    assert visit.event_type == "VISIT" and visit.cameo_code == "042"
    assert visit.trigger.text == "সফর" and visit.trigger.label == "VISIT"
    assert text[visit.trigger.start:visit.trigger.end] == "সফর"
    # the PERSON is the actor, not its country; args are the analysis' own Span objects
    assert visit.args["Actor1"] is next(m for m in a.mentions if m.text == "নরেন্দ্র মোদী")
    assert visit.args["Actor2"].text == "বাংলাদেশ"
    assert visit.args["Time"].norm == "TIMEX3:2018-03-05"
    assert not visit.negated and not visit.speculated and visit.sector == ""
    assert visit.source == "rule" and 0 < visit.confidence <= 1


def test_visit_host_in_the_locative_after_the_trigger() -> None:
    text = "২০১৯ সালের মে মাসে নেপালের প্রধানমন্ত্রী কে পি শর্মা অলি এক রাষ্ট্রীয় সফরে ভুটানে যান।"
    a = analyse(text, [D("২০১৯ সালের মে মাসে", "2019-05"), C("নেপালের", "NPL"),
                       P("কে পি শর্মা অলি", "NPL"), C("ভুটানে", "BTN")])
    [visit] = of_type(extract_events(a), "VISIT")
    assert code(visit.args["Actor1"]) == "NPL" and visit.args["Actor1"].label == "PERSON"
    assert code(visit.args["Actor2"]) == "BTN"


def test_visit_to_a_city_gives_place_and_no_host() -> None:
    text = "২০১৫ সালে জাপানের প্রধানমন্ত্রী শিনজো আবে ঢাকা সফর করেন।"
    a = analyse(text, [D("২০১৫ সালে", "2015"), C("জাপানের", "JPN"), P("শিনজো আবে", "JPN"),
                       ("LOC", "ঢাকা", "", "")])
    [visit] = of_type(extract_events(a), "VISIT")
    assert visit.args["Place"].text == "ঢাকা"
    assert "Actor2" not in visit.args


def test_embassy_sender_is_genitive_host_locative_and_absence_is_negated() -> None:
    text = "কেনিয়ায় উগান্ডার কোনো স্থায়ী দূতাবাস নেই।"
    a = analyse(text, [C("কেনিয়ায়", "KEN"), C("উগান্ডার", "UGA")])
    [emb] = extract_events(a)
    assert emb.event_type == "EMBASSY" and emb.negated
    assert code(emb.args["Actor1"]) == "UGA" and code(emb.args["Actor2"]) == "KEN"


def test_embassy_agreed_to_is_speculated_with_city_place() -> None:
    text = "২০২০ সালে চিলি সরকার কিটোতে নিজেদের দূতাবাস স্থাপন করতে রাজি হয়।"
    a = analyse(text, [D("২০২০ সালে", "2020"), C("চিলি", "CHL"), ("LOC", "কিটোতে", "", "")])
    [emb] = extract_events(a)
    assert emb.event_type == "EMBASSY" and emb.speculated and not emb.negated
    assert code(emb.args["Actor1"]) == "CHL" and emb.args["Place"].text == "কিটোতে"
    assert "Actor2" not in emb.args


def test_aid_donor_and_recipient_from_case() -> None:
    text = "২০২০ সালে জাপান শ্রীলঙ্কাকে ১০ কোটি মার্কিন ডলার অনুদান দেয়।"
    a = analyse(text, [D("২০২০ সালে", "2020"), C("জাপান", "JPN"), C("শ্রীলঙ্কাকে", "LKA"),
                       ("MONEY", "১০ কোটি মার্কিন ডলার", "MONEY:100000000:USD", "")])
    [aid] = extract_events(a)
    assert aid.event_type == "AID" and aid.cameo_code == "070"
    assert code(aid.args["Actor1"]) == "JPN" and code(aid.args["Actor2"]) == "LKA"
    assert aid.args["Value"].norm == "MONEY:100000000:USD"


def test_dispute_complainant_is_the_subject() -> None:
    text = "২০১০ সালে আর্জেন্টিনার নতুন শুল্কনীতির বিরুদ্ধে ব্রাজিল তীব্র প্রতিবাদ জানায়।"
    a = analyse(text, [D("২০১০ সালে", "2010"), C("আর্জেন্টিনার", "ARG"), C("ব্রাজিল", "BRA")])
    [dispute] = extract_events(a)
    assert dispute.event_type == "DISPUTE"
    assert code(dispute.args["Actor1"]) == "BRA" and code(dispute.args["Actor2"]) == "ARG"


def test_investment_project_with_quantity_speculated_energy() -> None:
    text = ("২০১৭ সালে চীন, পাকিস্তানের দক্ষিণাঞ্চলে একটি ১২০০ মেগাওয়াট ক্ষমতার বিদ্যুৎ কেন্দ্র "
            "নির্মাণে আগ্রহী ছিল।")
    a = analyse(text, [D("২০১৭ সালে", "2017"), C("চীন", "CHN"), C("পাকিস্তানের", "PAK"),
                       ("QUANTITY", "১২০০ মেগাওয়াট", "QTY:1200:MW", "")])
    [inv] = extract_events(a)
    assert inv.event_type == "INVESTMENT" and inv.speculated
    assert code(inv.args["Actor1"]) == "CHN" and code(inv.args["Actor2"]) == "PAK"
    assert inv.args["Value"].norm == "QTY:1200:MW" and inv.sector == "ENERGY"


def test_relations_severed_versus_border_closure_dispute() -> None:
    text = ("২০১৭ সালের ৫ জুন বাহরাইন কাতারের সঙ্গে কূটনৈতিক সম্পর্ক ছিন্ন করে। "
            "বাহরাইন কাতারের সঙ্গে সীমান্ত বন্ধ করে দেয়।")
    a = analyse(text, [D("২০১৭ সালের ৫ জুন", "2017-06-05"), C("বাহরাইন", "BHR", 0),
                       C("কাতারের", "QAT", 0), C("বাহরাইন", "BHR", 1), C("কাতারের", "QAT", 1)])
    events = extract_events(a)
    assert [e.event_type for e in events] == ["RELATIONS_SEVERED", "DISPUTE"]
    assert code(events[1].args["Actor1"]) == "BHR"  # the acting state (§7)


def test_meeting_called_off_is_negated() -> None:
    text = "২০২২ সালের অক্টোবরে স্পেন ও পর্তুগালের মন্ত্রীদের নির্ধারিত বৈঠক স্থগিত করা হয়।"
    a = analyse(text, [D("২০২২ সালের অক্টোবরে", "2022-10"), C("স্পেন", "ESP"),
                       C("পর্তুগালের", "PRT")])
    [meeting] = extract_events(a)
    assert meeting.event_type == "MEETING" and meeting.negated
    assert actors(meeting) == {"ESP", "PRT"}


# ---------------------------------------------------------------------------------------------
# implicit actors, the article pair, three parties
# ---------------------------------------------------------------------------------------------


def test_implicit_pair_points_at_the_title_mentions() -> None:
    text = ("'''ঘানা–টোগো সম্পর্ক''' বলতে ঘানা ও টোগোর মধ্যকার সম্পর্ককে বোঝায়। "
            "১৯৬০ সালে দুই দেশের মধ্যে কূটনৈতিক সম্পর্ক স্থাপিত হয়।")
    a = analyse(text, [C("ঘানা", "GHA", 0), C("টোগো", "TGO", 0), C("ঘানা", "GHA", 1),
                       C("টোগোর", "TGO"), D("১৯৬০ সালে", "1960")])
    [rel] = extract_events(a)
    assert rel.event_type == "RELATIONS_ESTABLISHED" and rel.cameo_code == "054"
    title_mentions = a.mentions[:2]
    assert rel.args["Actor1"] is title_mentions[0] and rel.args["Actor2"] is title_mentions[1]
    assert rel.args["Time"].norm == "TIMEX3:1960"


def test_without_a_title_the_pair_is_the_leads_first_two_states() -> None:
    text = ("কেনিয়া এবং তানজানিয়ার মাঝে বিদ্যমান দ্বিপাক্ষিক সম্পর্ক বেশ পুরনো। "
            "১৯৭০ সালে দেশ দুটির মধ্যে একটি বাণিজ্য চুক্তি স্বাক্ষরিত হয়।")
    a = analyse(text, [C("কেনিয়া", "KEN"), C("তানজানিয়ার", "TZA"), D("১৯৭০ সালে", "1970")])
    [agr] = extract_events(a)  # "বাণিজ্য" names the agreement: no TRADE event (§7)
    assert agr.event_type == "AGREEMENT" and agr.sector == "ECONOMY"
    assert agr.args["Actor1"] is a.mentions[0] and agr.args["Actor2"] is a.mentions[1]


def test_three_party_agreement_keeps_the_article_states() -> None:
    text = ("'''মিশর–ইসরায়েল সম্পর্ক''' দুই দেশের সম্পর্ক। ২০০৪ সালে মিশর, ইসরায়েল ও "
            "মার্কিন যুক্তরাষ্ট্র একটি ত্রিপক্ষীয় প্রটোকল স্বাক্ষর করে।")
    a = analyse(text, [C("মিশর", "EGY", 0), C("ইসরায়েল", "ISR", 0), D("২০০৪ সালে", "2004"),
                       C("মিশর", "EGY", 1), C("ইসরায়েল", "ISR", 1),
                       C("মার্কিন যুক্তরাষ্ট্র", "USA")])
    [agr] = extract_events(a)
    assert agr.event_type == "AGREEMENT" and actors(agr) == {"EGY", "ISR"}


def test_one_named_side_of_a_bilateral_event_gets_the_article_partner() -> None:
    text = ("'''লাওস–ভিয়েতনাম সম্পর্ক''' দুই দেশের সম্পর্ক। ২০০১ সালে ভিয়েতনাম "
            "কূটনৈতিক সম্পর্ক পুনঃস্থাপন করে।")
    a = analyse(text, [C("লাওস", "LAO", 0), C("ভিয়েতনাম", "VNM", 0), D("২০০১ সালে", "2001"),
                       C("ভিয়েতনাম", "VNM", 1)])
    [rel] = extract_events(a)
    assert rel.event_type == "RELATIONS_ESTABLISHED" and actors(rel) == {"VNM", "LAO"}


# ---------------------------------------------------------------------------------------------
# not events, time rules, sector
# ---------------------------------------------------------------------------------------------


def test_anaphoric_back_reference_is_not_a_new_event() -> None:
    text = ("১৯৯৯ সালে ভারত ও পাকিস্তানের মধ্যে যুদ্ধ শুরু হয়। "
            "এই যুদ্ধে দুই পক্ষের বহু সৈন্য নিহত হয়।")
    a = analyse(text, [D("১৯৯৯ সালে", "1999"), C("ভারত", "IND"), C("পাকিস্তানের", "PAK")])
    events = extract_events(a)
    assert [e.event_type for e in events] == ["CONFLICT"]
    assert events[0].cameo_code == "190"


def test_mood_of_relations_and_founding_a_body_are_not_events() -> None:
    text = ("দুই দেশের মধ্যে আন্তরিক সম্পর্ক বিদ্যমান। "
            "উভয় দেশ একটি আঞ্চলিক সংস্থার প্রতিষ্ঠাতা সদস্য।")
    a = analyse(text, [])
    assert extract_events(a) == []


def test_event_after_erpor_gets_no_time_but_a_continued_event_does() -> None:
    text = ("'''ভারত–নেপাল সম্পর্ক''' দুই দেশের সম্পর্ক। "
            "২০১৪ সালের আগস্টে ভারতের প্রধানমন্ত্রী নরেন্দ্র মোদী নেপাল সফর করেন। "
            "সফরকালে তিনি নেপালের প্রধানমন্ত্রী সুশীল কৈরালার সঙ্গে বৈঠক করেন। "
            "এরপর দুই দেশ একটি জলবিদ্যুৎ চুক্তি স্বাক্ষর করে।")
    a = analyse(text, [C("ভারত", "IND", 0), C("নেপাল", "NPL", 0),
                       D("২০১৪ সালের আগস্টে", "2014-08"), C("ভারতের", "IND"),
                       P("নরেন্দ্র মোদী", "IND"), C("নেপাল", "NPL", 1), C("নেপালের", "NPL"),
                       P("সুশীল কৈরালার", "NPL")])
    events = extract_events(a)
    assert [e.event_type for e in events] == ["VISIT", "MEETING", "AGREEMENT"]
    visit, meeting, agreement = events
    assert meeting.args["Time"] is visit.args["Time"]
    assert actors(meeting) == {"IND", "NPL"}
    assert "Time" not in agreement.args
    assert agreement.sector == "ENERGY"


@pytest.mark.parametrize(
    ("phrase", "sector"),
    [
        ("একটি শান্তি চুক্তি", "OTHER"),
        ("একটি যুদ্ধবিরতি চুক্তি", "DEFENCE"),
        ("উচ্চশিক্ষা বিষয়ে একটি সমঝোতা স্মারক", "EDUCATION"),
        ("একটি রেল ট্রানজিট চুক্তি", "TRANSPORT"),
        ("পর্যটন খাতে একটি সমঝোতা স্মারক", "TOURISM"),
    ],
)
def test_agreement_sector(phrase: str, sector: str) -> None:
    text = f"২০১৬ সালে ভিয়েতনাম ও লাওসের মধ্যে {phrase} স্বাক্ষরিত হয়।"
    a = analyse(text, [D("২০১৬ সালে", "2016"), C("ভিয়েতনাম", "VNM"), C("লাওসের", "LAO")])
    [agr] = extract_events(a)  # the agreement noun and the signing verb are one event
    assert agr.event_type == "AGREEMENT" and agr.sector == sector
    assert actors(agr) == {"VNM", "LAO"}


def test_trade_value_and_cooperation_sector() -> None:
    text = ("২০১৯ সালে ব্রাজিল ও চিলির দ্বিপাক্ষিক বাণিজ্যের পরিমাণ ছিল ১০ বিলিয়ন মার্কিন ডলার। "
            "দুই দেশ প্রতিরক্ষা খাতে সহযোগিতা বাড়ানোর অঙ্গীকার করে।")
    a = analyse(text, [D("২০১৯ সালে", "2019"), C("ব্রাজিল", "BRA"), C("চিলির", "CHL"),
                       ("MONEY", "১০ বিলিয়ন মার্কিন ডলার", "MONEY:10000000000:USD", "")])
    trade, coop = extract_events(a)
    assert trade.event_type == "TRADE" and trade.cameo_code == "061"
    assert trade.args["Value"].norm == "MONEY:10000000000:USD"
    assert coop.event_type == "COOPERATION" and coop.sector == "DEFENCE" and coop.speculated


def test_event_codes_come_from_the_schema() -> None:
    text = "২০১৮ সালে জর্ডান সিরিয়ার সঙ্গে সীমান্ত বন্ধ করে দেয়।"
    a = analyse(text, [D("২০১৮ সালে", "2018"), C("জর্ডান", "JOR"), C("সিরিয়ার", "SYR")])
    schema = load_schema()
    for e in extract_events(a):
        assert e.cameo_code == schema.event(e.event_type).cameo
        assert e.sentence_index == 0 and e.trigger.sentence_index == 0


def test_no_sentences_no_events() -> None:
    assert extract_events(Analysis(Document("t", ""))) == []


# ---------------------------------------------------------------------------------------------
# the seed article, end to end
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_events(seed_text: str):
    from pipeline import extract

    result = extract(seed_text)
    if not any(m.label == "COUNTRY" for m in result.analysis.mentions):
        pytest.skip("the entity stage found no COUNTRY mention: events need entity mentions")
    if not any(m.label == "DATE" for m in result.analysis.mentions):
        pytest.skip("the date stage found no DATE mention: event times need DATE mentions")
    return result.events


def _rows(events, etype: str):
    return events[events.event_type == etype]


def test_seed_relations_established(seed_events) -> None:
    rows = _rows(seed_events, "RELATIONS_ESTABLISHED")
    assert any({r.actor1_country, r.actor2_country} == {"TJK", "MYS"} and r.time_value == "1992-03"
               for r in rows.itertuples())


def test_seed_state_visit(seed_events) -> None:
    rows = _rows(seed_events, "VISIT")
    assert any(
        r.actor1_country == "TJK" and "ইমোমালি" in r.actor1_text and r.actor2_country == "MYS"
        and r.time_value == "2014-06-22/2014-06-25"
        for r in rows.itertuples()
    )


def test_seed_trade_volume(seed_events) -> None:
    rows = _rows(seed_events, "TRADE")
    assert any(
        {r.actor1_country, r.actor2_country} == {"TJK", "MYS"} and r.time_value == "2013"
        and r.value_unit == "USD" and float(r.value_amount) == 5.5e9
        for r in rows.itertuples()
    )


def test_seed_memoranda(seed_events) -> None:
    rows = _rows(seed_events, "AGREEMENT")
    assert any({r.actor1_country, r.actor2_country} == {"TJK", "MYS"} for r in rows.itertuples())
    # the 2014 education MoU of the ministry
    assert any(r.sector == "EDUCATION" and r.time_value == "2014" for r in rows.itertuples())


def test_seed_embassies(seed_events) -> None:
    rows = _rows(seed_events, "EMBASSY")
    assert any(
        "পুত্রজয়া" in r.place_text and r.speculated and not r.negated for r in rows.itertuples()
    )
    assert any(
        r.actor1_country == "MYS" and r.actor2_country == "TJK" and r.negated
        for r in rows.itertuples()
    )


def test_seed_power_plant_investment(seed_events) -> None:
    rows = _rows(seed_events, "INVESTMENT")
    assert any(
        r.actor1_country == "MYS" and r.actor2_country == "TJK" and r.time_value == "2013"
        and r.value_unit == "MW" and float(r.value_amount) == 300 and r.speculated
        for r in rows.itertuples()
    )


# ---------------------------------------------------------------------------------------------
# the stage's speed-ups must not change what it finds (bench/bench_events.py measures the speed)
# ---------------------------------------------------------------------------------------------


def _event_fields(events: list[Event]) -> list[tuple]:
    return [
        (e.event_type, e.cameo_code, e.trigger.start, e.trigger.end, e.negated, e.speculated,
         e.sector, e.confidence, tuple((r, id(s)) for r, s in e.args.items()))
        for e in events
    ]


def test_extract_events_is_repeatable_and_leaves_the_analysis_alone() -> None:
    import pickle

    text = ("২০১৮ সালের ৫ মার্চ ভারতের প্রধানমন্ত্রী নরেন্দ্র মোদী বাংলাদেশ সফর করেন। "
            "এই সফরে দুই দেশ তিনটি চুক্তি স্বাক্ষর করে এবং বাণিজ্য বাড়ানোর পরিকল্পনা ঘোষণা করে।")
    a = analyse(text, [D("২০১৮ সালের ৫ মার্চ", "2018-03-05"), C("ভারতের", "IND"),
                       P("নরেন্দ্র মোদী", "IND"), C("বাংলাদেশ", "BGD")], title="ভারত–বাংলাদেশ সম্পর্ক")
    before = pickle.dumps(a)
    first = extract_events(a)
    second = extract_events(a)
    assert {e.event_type for e in first} >= {"VISIT", "AGREEMENT"}
    # the same events with the same argument objects, and the analysis as it was
    assert _event_fields(first) == _event_fields(second)
    assert pickle.dumps(a) == before


def test_clause_ids_break_after_a_finite_verb_before_a_conjunction_and_after_a_converb() -> None:
    from pipeline.stages.events import clause_ids
    from pipeline.stages.normalise import normalise_text_plain

    def ids(sentence: str) -> list[int]:
        return clause_ids(normalise_text_plain(sentence).split())

    # "করে এবং": the conjunction opens the second clause
    assert ids("ভারত চুক্তি সই করে এবং চীন সফর করে ।") == [0, 0, 0, 0, 1, 1, 1, 1, 1]
    # a conditional converb closes its clause whatever follows
    assert ids("তিনি সফর করলে চুক্তি হবে") == [0, 0, 0, 1, 1]
    # a finite verb without a conjunction after it closes nothing
    assert ids("দুই দেশ চুক্তি করে নতুন সম্পর্ক গড়ে") == [0] * 7


def test_word_form_cache_answers_like_the_function_after_it_is_emptied() -> None:
    from pipeline.stages.events.forms import FormCache
    from pipeline.stages.events.lexicon import default_lexicon
    from pipeline.stages.normalise import normalise_text_plain

    negation_class = default_lexicon().attributes.negation_class.fn
    cache = FormCache(negation_class, limit=2)
    words = [normalise_text_plain(w) for w in ("হয়নি", "চুক্তি", "না", "হয়নি", "বাহিনী", "না")]
    assert [cache[w] for w in words] == [negation_class(w) for w in words]
    assert cache[words[0]] != 0 and cache[words[1]] == 0  # "হয়নি" negates, "চুক্তি" does not
    assert len(cache) <= 2


# -- the event types come from the schema, their triggers from one file per type ------------


def test_every_trigger_file_names_an_event_type_of_the_schema() -> None:
    from pipeline.lang import load_pack
    from pipeline.stages.events.triggers import trigger_types

    schema = load_schema()
    for lang in ("bn", "bn_IN"):
        assert trigger_types(load_pack(lang)) <= set(schema.event_types), lang
    # and every type the shipped schema declares has triggers
    assert trigger_types(load_pack("bn")) == set(schema.event_types)


def _toy_schema_and_pack(tmp_path):  # type: ignore[no-untyped-def]
    """A copy of the shipped schema plus PROTEST, and a `bn` overlay with its trigger file."""
    import shutil

    from pipeline.schema import SCHEMA_DIR

    schema_dir = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, schema_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    conf = schema_dir / "annotation.conf"
    conf.write_text(conf.read_text(encoding="utf-8").replace(
        "\n[attributes]",
        "PROTEST\tActor1?:COUNTRY|PERSON|ORG, Actor2?:COUNTRY|PERSON|ORG, Time?:DATE, "
        "Place?:LOC|COUNTRY\n\n[attributes]"), encoding="utf-8")
    policy = schema_dir / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8")
                      + '  PROTEST: {cameo: "140", ordered: true, actors: [protester, target]}\n',
                      encoding="utf-8")
    overlay = tmp_path / "bn_protest"
    (overlay / "triggers").mkdir(parents=True)
    (overlay / "pack.yaml").write_text("base: bn\nname: bn_protest\n", encoding="utf-8")
    (overlay / "triggers" / "PROTEST.yaml").write_text(
        "# a toy event type for the test\n"
        "- words: [বিক্ষোভ]\n  after: [করে, করেন, করেছে]\n  confidence: 0.8\n", encoding="utf-8")
    return schema_dir, overlay


def test_a_new_event_type_is_one_schema_entry_and_one_trigger_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pipeline import Config, Pipeline

    schema_dir, overlay = _toy_schema_and_pack(tmp_path)
    pipe = Pipeline(Config(stages="rule", lang=str(overlay), schema_dir=schema_dir))
    doc = Document("toy", "ভারত বাংলাদেশের বিরুদ্ধে বিক্ষোভ করে।\n", title="ভারত–বাংলাদেশ সম্পর্ক")
    events = pipe.analyse(doc).events
    protests = of_type(events, "PROTEST")
    assert len(protests) == 1, events
    assert protests[0].cameo_code == "140"
    assert protests[0].trigger.text == "বিক্ষোভ"
    # the shipped schema and pack know no PROTEST
    assert not of_type(Pipeline(Config(stages="rule")).analyse(doc).events, "PROTEST")


def test_a_trigger_file_for_a_type_the_schema_lacks_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pipeline import Config, Pipeline
    from pipeline.lang import PackError

    _, overlay = _toy_schema_and_pack(tmp_path)
    with pytest.raises(PackError, match="PROTEST"):
        Pipeline(Config(stages="rule", lang=str(overlay)))


def test_event_policy_is_derived_from_the_schema() -> None:
    from pipeline.stages.events.policy import ACTOR_RULES, EventPolicy
    from pipeline.stages.events.roles import RULES

    schema = load_schema()
    policy = EventPolicy.from_schema(schema)
    assert tuple(RULES) == ACTOR_RULES  # every rule a policy may name is implemented
    assert policy.value_types == {"AGREEMENT", "TRADE", "INVESTMENT", "AID", "COOPERATION"}
    assert policy.no_place_types == {"TRADE"}
    assert policy.sector_types == {"AGREEMENT", "COOPERATION", "INVESTMENT"}
    assert policy.split_on_actor == {"EMBASSY"}
    assert policy.pair_fill < policy.partner_fill
    assert policy.cameo["VISIT"] == schema.event("VISIT").cameo


def test_an_unknown_event_policy_value_is_a_schema_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pipeline.schema import SchemaError
    from pipeline.stages.events.policy import EventPolicy

    schema_dir, _ = _toy_schema_and_pack(tmp_path)
    policy = schema_dir / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "actors: [protester, target]}", "actors: [protester, target], actor_rule: crowd}"),
        encoding="utf-8")
    with pytest.raises(SchemaError, match="actor_rule 'crowd'"):
        EventPolicy.from_schema(load_schema(schema_dir))


def test_the_sector_lists_name_only_the_schemas_sectors_and_types() -> None:
    from pipeline.lang import load_pack

    schema = load_schema()
    sectors = load_pack().yaml("events_sectors.yaml")
    assert set(sectors["keywords"]) <= set(schema.sectors)
    assert set(sectors["default"]) <= schema.sector_types
    assert set(sectors["default"].values()) <= set(schema.sectors)
