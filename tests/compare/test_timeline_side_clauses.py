"""Timeline: a date in a side clause dates that clause's event, not the sentence's (issue 15, session 8).

The blind BASIL labels found most confident wrong dates of one kind: the label states the sentence's main
event, the date belongs to a relative or adverbial clause ("Bloomberg, who won the mayoralty in 2001, said
..." dated 2001). Such a date now gets its own clause as the label when the clause's subject is the relative
pronoun, and no entry otherwise. A month without its year on a verb without tense of its own takes the tense
of its clause ("went on to pull out of the deal in May" is past). Fictional text.
"""
from __future__ import annotations

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.timeline import build_timeline
from storyscope.record import Article
from storyscope.stages.timex import extract_timexes


def _timeline(text: str, published: str) -> list[dict]:
    art = Article.create(text, title=text.split("\n")[0], published=published, published_source="explicit")
    return build_timeline(StoryBundle([art], {art.id: {"timex": extract_timexes(text, published)}}))


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
