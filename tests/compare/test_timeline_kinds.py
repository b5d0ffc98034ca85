"""Timeline: the kinds of wrong entries the blind BASIL labels found (issue 15, session 6), on fictional text.

A year in a name or title ("the 2028 Harbor Accord"), either end of a period ("from 2020 to 2024") and
a bound ("dating back to 2015", "by 2034") date no event; a weekday is read by the tense of the verb
that carries it ("attempted to explain Sunday" is past); a month without its year is the nearest one
unless a past-tense verb carries it ("was leaving in February"); a label is a whole clause, never a
relative-clause fragment ("which ..."), a dangling aside (", a development") or emptied quotes, and an
entry whose label is not whole has a lower confidence.
"""
from __future__ import annotations

import re

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.timeline import build_timeline
from storyscope.record import Article
from storyscope.stages.timex import extract_timexes


def _timeline(text: str, published: str) -> list[dict]:
    art = Article.create(text, title=text.split("\n")[0], published=published, published_source="explicit")
    return build_timeline(StoryBundle([art], {art.id: {"timex": extract_timexes(text, published)}}))


def test_names_periods_and_bounds_date_no_event():
    text = ("Harbor levy\n\nThe council said its plan would improve on the 2028 Harbor Accord, which had loopholes. "
            "Mayor Tilde Osk, the party's 2026 nominee, spoke to reporters. "
            "Osk and her husband earned $3 million from 2020 to 2024, the filing shows. "
            "The audit lists expenses beginning in 2019 and continuing through 2022. "
            "He repaid costs dating back to 2015. Osk promised to close the port by 2034. "
            "The council voted in 2027 to raise the levy.\n")
    dates = {t["date"] for t in _timeline(text, "2031-05-10")}
    assert "2027" in dates
    assert not {"2028", "2026", "2020", "2024", "2019", "2022", "2015", "2034"} & dates, dates


def test_weekdays_and_months_by_the_verb_that_carries_them():
    """Published Monday 4 Dec 2034: "attempted to explain Sunday" is 3 Dec, "lashing out ... early
    Saturday" 2 Dec; "what he will do, but the Lomar Post reported Tuesday" is past (28 Nov)."""
    text = ("Lomar council\n\nLawyer Pim Ardo attempted to explain Sunday that the post was about the mayor. "
            "Ardo has kept a low profile since leaving the council, other than lashing out at critics early Saturday morning. "
            "Ardo has not said what he will do, but the Lomar Post reported Tuesday that he was leaning toward a run.\n")
    dates = {t["date"]: t["event"] for t in _timeline(text, "2034-12-04")}
    assert {"2034-12-03", "2034-12-02", "2034-11-28"} <= set(dates), dates
    later = ("Lomar council\n\nThe mayor said Osk was leaving in February. "
             "Rivals push for gains in the council and the assembly in November, the mayor said.\n")
    assert {"2035-02"} <= {t["date"] for t in _timeline(later, "2034-12-23")}
    august = {t["date"] for t in _timeline(later, "2035-08-14")}
    assert "2035-11" in august and "2034-11" not in august, august


def test_labels_are_whole_clauses_with_a_confidence():
    text = ("Lomar port\n\nOfficials said Osk made a last attempt to change the mayor's decision about the port, "
            "which Mr. Ardo announced on Wednesday over the objections of his aides. "
            "Osk vowed Thursday that the port will close, a day after the plan emerged -- a development that "
            "angered the council. Ardo appeared on the show \u201cThe Harbor,\u201d in 2030, in part as a way to help it.\n")
    tl = _timeline(text, "2034-12-08")
    for t in tl:
        assert not re.match(r"(?i)(?:which|who|where|when)\b", t["event"]), t["event"]
        assert not re.search(r",\s+a\s+\w+\.?$", t["event"]) and "\u201c\u201d" not in t["event"], t["event"]
        assert 0 < t["confidence"] <= 1
    by = {t["date"]: t for t in tl}
    # the object relative's own event, its noun put back (session 8): "Mr. Ardo announced the mayor's decision ..."
    assert "Ardo announced the mayor's decision" in by["2034-12-06"]["event"], by
    assert "on Wednesday" in by["2034-12-06"]["event"] and "last attempt" not in by["2034-12-06"]["event"], by


def test_a_clause_that_needs_its_main_verb_is_less_certain():
    """"he doubted that the levy would hurt ... on 12 June": the clause alone misstates what was said."""
    text = ("Lomar vote\n\nCouncillor Pim Ardo said he doubted that the levy would hurt the party in the vote on 12 June. "
            "The council voted on 3 June to raise the levy.\n")
    by = {t["date"]: t for t in _timeline(text, "2034-06-05")}
    assert by["2034-06-12"]["confidence"] < by["2034-06-03"]["confidence"], by


def test_session7_reports_bounds_and_plans_date_the_right_day():
    """Published Sunday 3 Dec 2034: "The Lomar Post reports Osk on Friday first announced ..." is the Friday
    before (a report in the news present is no plan). Published Thursday 7 Dec 2034: "likely to leave
    Friday" is the coming Friday; "By late Thursday" bounds, it dates no event."""
    text = ("Lomar port\n\nThe Lomar Post reports Tilde Osk on Friday first announced her plan for the port, "
            "saying it should be up to the voters.\n")
    assert "2034-12-01" in {t["date"] for t in _timeline(text, "2034-12-03")}
    text = ("Lomar port\n\nBy late Thursday, the mayor appeared increasingly likely to leave Friday for a nine-day "
            "trip without naming a new harbor chief, according to two aides.\n")
    dates = {t["date"] for t in _timeline(text, "2034-12-07")}
    assert "2034-12-08" in dates and "2034-12-01" not in dates and "2034-12-07" not in dates, dates


def test_session7_a_day_that_names_what_happened_on_it_dates_no_event():
    text = ("Lomar port\n\nTwelve of the 19 Oct. 3 hijackers were sailors. Councillors spoke to Oct. 3 survivors "
            "at the harbor. The post-Oct. 3 era began quietly. The council met on Oct. 9 to discuss the port.\n")
    dates = {t["date"] for t in _timeline(text, "2034-10-20")}
    assert dates == {"2034-10-09"}, dates


def test_session8_a_programmes_name_is_no_day():
    """"Fox News Sunday" names a programme, not the Sunday of the interview (blind annotators, session 8)."""
    text = ("Lomar port\n\nSenator Ivo Brenn told Fox News Sunday that the port would reopen. "
            "Councillors spoke to the Sunday Times about the levy. The council met on Sunday to discuss the port.\n")
    entries = _timeline(text, "2034-10-20")
    assert [t["date"] for t in entries] == ["2034-10-15"], entries   # the Sunday before publication
    assert "council met" in entries[0]["event"]


def test_session7_side_clause_dates_and_cut_lists_lower_the_confidence():
    """A date of a relative or adverbial clause is the side clause's event's ("Osk, who won the race in 2030,
    resigned on Friday"); a label that cut a list apart ("met with X official Z") or left a clause marker on
    a noun is not whole."""
    from storyscope.compare.timeline_events import date_in_side_clause, event_label
    from storyscope.stages.nlp import parse
    text = "Mayor Tilde Osk, who won the race in 2030, resigned on Friday after the vote."
    doc = parse(text)
    at = {d: (text.index(d), text.index(d) + len(d)) for d in ("2030", "Friday")}
    assert date_in_side_clause(doc, 0, len(text), *at["2030"])
    assert not date_in_side_clause(doc, 0, len(text), *at["Friday"])
    text = ("Osk also met Wednesday with current acting Harbor Chief Pim Ardo, former Lomar Gov. Vela Marr "
            "and port official Jon Tesk.")
    s = text.index("Wednesday")
    label, whole = event_label(parse(text), 0, len(text), s, s + 9, text)
    assert not whole or ("Marr" in label and "Tesk" in label), label

# Session 8: a date in a side clause dates that clause's event, not the sentence's.
# The blind BASIL labels found most confident wrong dates of one kind: the label states the sentence's main
# event, the date belongs to a relative or adverbial clause ("Bloomberg, who won the mayoralty in 2001, said
# ..." dated 2001). Such a date now gets its own clause as the label when the clause's subject is the relative
# pronoun, and no entry otherwise. A month without its year on a verb without tense of its own takes the tense
# of its clause ("went on to pull out of the deal in May" is past). Fictional text.


def test_a_subject_relative_clause_dates_its_own_event():
    text = ("Lomar vote\n\nThe vote matters too much to skip, said Tilde Osk, a former councillor who won the "
            "mayoralty of Lomar in 2029 as an independent. "
            "The council also read the harbor charter, which created the port authority in 1931 and is still in force.\n")
    by_date = {t["date"]: t["event"] for t in _timeline(text, "2034-07-27")}
    assert "won the mayoralty" in by_date.get("2029", ""), by_date
    assert "said" not in by_date["2029"] and "skip" not in by_date["2029"], by_date
    assert "created the port authority" in by_date.get("1931", ""), by_date
    assert "read the harbor charter" not in by_date["1931"], by_date


def test_a_date_of_another_event_gives_no_entry_under_the_main_clause():
    text = ("Lomar vote\n\nMayor Osk said Monday she felt badly for Pim Ardo, whom she fired in 2031 for lying "
            "to the council. "
            "The port plan is almost certain to fail when the assembly meets in 2036.\n")
    tl = _timeline(text, "2034-07-27")
    assert not [t for t in tl if t["date"] == "2031" and "felt badly" in t["event"]], tl
    assert not [t for t in tl if t["date"] == "2036" and "almost certain to fail" in t["event"]], tl


def test_a_month_on_an_untensed_verb_takes_its_clause_tense():
    text = ("Lomar pact\n\nMayor Osk went on to pull the city out of the harbor pact in May, saying it had been "
            "poorly drafted.\n")
    dates = {t["date"] for t in _timeline(text, "2034-12-20")}
    assert "2034-05" in dates and "2035-05" not in dates, dates
