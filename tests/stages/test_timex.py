"""The timex stage on fictional sentences: values, precision, unresolved and invalid dates."""
from __future__ import annotations

import pathlib

import pytest
from hypothesis import given, settings, strategies as st

from storyscope.record import Article
from storyscope.stages.registry import get_stage
from storyscope.stages.timex import INVALID, NO_DCT, extract_timexes

DCT = "2022-04-02"  # a Saturday
CASES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "cases"

STORY = ("Officials in Valdoria said on Saturday that Premier Osk faces a confidence vote on Sunday. "
         "The motion was first tabled last February, and again on 7 March. "
         "Talks with the Hollin party collapsed last June. Envoys had met on 23-24 February.")


def by_text(text: str, dct: str | None) -> dict[str, dict]:
    return {text[s.start:s.end]: {"label": s.label, **s.attrs} for s in extract_timexes(text, dct)}


def test_issue_examples_resolve_on_the_publication_date():
    got = by_text(STORY, DCT)
    assert got["Saturday"]["value"] == "2022-04-02" and got["Saturday"]["precision"] == "day"
    assert got["Sunday"]["value"] == "2022-04-03"          # the coming vote
    assert got["last February"]["value"] == "2022-02" and got["last February"]["precision"] == "month"
    assert got["7 March"]["value"] == "2022-03-07"
    assert got["last June"]["value"] == "2021-06"
    iv = got["23-24 February"]
    assert (iv["value"], iv["end"], iv["precision"]) == ("2022-02-23", "2022-02-24", "interval")
    assert all(a["resolved"] and a["reason"] is None for a in got.values())
    assert len(got) == 6


def test_tense_decides_the_side_of_the_publication_date():
    past = by_text("The minister resigned on Tuesday.", DCT)["Tuesday"]
    future = by_text("The minister will resign on Tuesday.", DCT)["Tuesday"]
    assert past["value"] == "2022-03-29" and future["value"] == "2022-04-05"


def test_common_formats_and_relative_expressions():
    text = ("APRIL 2, 2022 16:04 -- Ministers of Valdoria met between March 8 and 10 and again on "
            "2022-03-28 and 03/30/2022. Two weeks ago the lira fell; the slump lasted three years. "
            "Every Monday the cabinet meets. Earlier this month prices rose, and last week, and this year. "
            "Yesterday the council met a day ahead of Sunday's vote. In the 1990s and in the third quarter "
            "of 2021 exports grew. The mayor will speak tomorrow at 4 p.m.")
    got = by_text(text, DCT)
    assert got["APRIL 2, 2022 16:04"]["value"] == "2022-04-02T16:04"
    assert (got["March 8 and 10"]["value"], got["March 8 and 10"]["end"]) == ("2022-03-08", "2022-03-10")
    assert got["2022-03-28"]["value"] == "2022-03-28"
    assert got["03/30/2022"]["value"] == "2022-03-30"
    assert got["Two weeks ago"]["value"] == "2022-W11"
    assert got["three years"]["value"] == "P3Y" and got["three years"]["label"] == "DURATION"
    assert got["Every Monday"]["label"] == "SET" and got["Every Monday"]["value"] == "XXXX-WXX-1"
    assert got["Earlier this month"]["value"] == "2022-04"
    assert got["last week"]["value"] == "2022-W12" and got["last week"]["precision"] == "week"
    assert got["this year"]["value"] == "2022"
    assert got["Yesterday"]["value"] == "2022-04-01"
    assert got["a day ahead of Sunday"]["value"] == "2022-04-02"
    assert got["the 1990s"]["value"] == "199" and got["the 1990s"]["precision"] == "decade"
    assert got["the third quarter of 2021"]["value"] == "2021-Q3"
    assert got["tomorrow"]["value"] == "2022-04-03"
    assert got["4 p.m."]["value"] == "2022-04-03T16:00"


def test_without_publication_date_relative_expressions_stay_unresolved():
    got = by_text("Officials said on Saturday that the vote is on 7 March, two years after 3 May 2019.", None)
    sat = got["Saturday"]
    assert sat["resolved"] is False and sat["reason"] == NO_DCT and sat["value"] == "XXXX-WXX-6"
    assert got["7 March"]["resolved"] is False and got["7 March"]["value"] == "XXXX-03-07"
    assert got["3 May 2019"]["resolved"] is True and got["3 May 2019"]["value"] == "2019-05-03"


def test_bad_inputs_get_no_invented_dates():
    text = "It was signed on 32 March. Sales peaked in the 1990s. The file says 2022-13-45. Then 30 February."
    got = by_text(text, DCT)
    for bad in ("32 March", "2022-13-45", "30 February"):
        assert got[bad]["value"] is None and got[bad]["resolved"] is False and got[bad]["reason"] == INVALID
    assert got["the 1990s"]["value"] == "199"
    assert extract_timexes("", DCT) == [] and extract_timexes("   \n", None) == []
    assert extract_timexes("no dates here at all", DCT) == []
    spans = extract_timexes("He left last week.", "not-a-date")
    assert spans and spans[0].attrs["resolved"] is False and "not a valid date" in spans[0].attrs["reason"]


def test_registered_stage_runs_on_articles():
    stage = get_stage("timex")
    assert stage.version == "timex.v5" and stage.adds == ("timex",)
    a = Article.create(STORY, published=DCT)
    out = stage.run([(a, {})])
    assert {a.text[s.start:s.end] for s in out[0]["timex"]} >= {"Saturday", "Sunday", "last June"}


_PIECES = st.one_of(st.sampled_from(list("0123456789 -/.,:'aAdeMmnorstuy\n")),
                    st.sampled_from(["March ", "Sunday ", "last ", "week ", "years ", "ago ", "the ", "1990s ",
                                     "2022-", "p.m. ", "every ", "quarter ", "third ", "32 ", "a day ahead of ",
                                     "9 a.m. ", "on ", "Christmas ", "Easter week ", "earlier ", "later that year ",
                                     "the week of ", "Friday, ", "this year ", "year-end ", "mid-"]),
                    st.text(max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join),
       st.sampled_from([None, DCT, "1999-12-31T23:00", "bogus", "2022-02-30"]))
def test_random_text_never_crashes_and_offsets_are_sane(text, dct):
    for s in extract_timexes(text, dct):
        assert 0 <= s.start < s.end <= len(text)
        assert s.label in ("DATE", "TIME", "DURATION", "SET")
        assert set(s.attrs) == {"value", "precision", "end", "resolved", "reason"}
        assert s.attrs["resolved"] or s.attrs["reason"]


def test_last_and_next_weekday_on_that_weekday():
    """Case 01 kind: on a Friday, "last Friday" is a week back and "next Friday" a week ahead."""
    got = by_text("The board voted last Friday and will meet again next Friday. It met on Friday.", "2025-03-14")
    assert got["last Friday"]["value"] == "2025-03-07"
    assert got["next Friday"]["value"] == "2025-03-21"
    assert got["Friday"]["value"] == "2025-03-14"


def test_a_clock_time_takes_the_day_that_follows_it():
    # published Monday 30 December 2024: the coming Sunday is in the next year
    got = by_text("Polls in Valdoria will open at 9 a.m. on Sunday, officials said.", "2024-12-30")
    assert got["9 a.m."]["value"] == "2025-01-05T09:00" and got["Sunday"]["value"] == "2025-01-05"
    got = by_text("On Sunday, officials in Valdoria said polls would open at 9 a.m.", "2024-12-30")
    assert got["Sunday"]["value"] == "2024-12-29"   # the speech verb is the sentence's tense here
    got = by_text("The Hollin deadline runs until 9 a.m. EST Tuesday.", "2000-04-03")
    assert got["9 a.m. EST Tuesday"]["value"] == "2000-04-04T09:00"
    got = by_text("The fire at the Orlen depot started at 11 p.m. on Dec. 31, police said.", "2025-01-02")
    assert got["11 p.m."]["value"] == "2024-12-31T23:00"


def test_a_holiday_name_alone_is_not_a_date():
    text = ("Christmas shopping in Valdoria fell, and Easter Island tours sold out. Merry Christmas, said Osk, "
            "who left on Christmas Eve. Talks resume after Thanksgiving. Ferries stop for Easter week.")
    got = by_text(text, "2024-12-30")
    assert set(got) == {"Christmas Eve", "Thanksgiving", "Easter week"}
    assert got["Christmas Eve"]["value"] == "2024-12-24"
    assert got["Thanksgiving"]["value"] == "2024-11-28"
    assert got["Easter week"]["value"] == "2025-W16"


def test_relative_expression_anchored_on_the_date_its_sentence_gives():
    got = by_text("The Orlen plant closed in January 2012; it had been sold about a year earlier.", "2019-06-01")
    assert got["a year earlier"]["value"] == "2011-01"
    got = by_text("The plant was sold a year earlier than the flood of March 2012.", "2019-06-01")
    assert got["a year earlier"]["value"] == "2011-03"
    got = by_text("Osk fled Valdoria in June 1998 and returned later that year.", "2000-01-28")
    assert got["later that year"]["value"] == "1998"
    got = by_text("Sales fell two years ago.", "2019-06-01")   # no date in the sentence: the DCT
    assert got["two years ago"]["value"] == "2017"


def test_decades_and_centuries_case_03():
    """Case 03 (passes, must stay so)."""
    text = (CASES / "03-decade-and-century-values" / "orla_review.txt").read_text(encoding="utf-8")
    got = by_text(text, "2024-06-03")
    assert got["the 1930s"]["value"] == "193"
    assert got["the late 1980s"]["value"] == "198"
    assert got["the '60s"]["value"] == "196"
    assert got["the 19th century"]["value"] == "18"



V4_KINDS = [  # (text, publication date, timex, value): kinds of timex.v4
    ("The Orlen vote takes place at 9 o'clock on Sunday morning.", "2024-12-30", "9 o'clock", "2024-12-29T09:00"),
    ("Osk was hired by the Hollin mill in 2005 and fired a decade later.", "2019-06-01", "a decade later", "2015"),
    ("Hollin Corp. earned $4 million for the year ended Aug. 31.", "2019-10-02", "the year", "P1Y"),
    ("The Hollin offer had been due to expire Friday evening.", "1989-10-30", "Friday evening", "1989-10-27TEV"),
    ("The Orlen shares are to resume trading Tuesday.", "1989-10-27", "Tuesday", "1989-10-31"),
    ("Talks between the Orlen parties are supposed to conclude by May.", "1998-03-22", "May", "1998-05"),
    ("The Orlen strike ends at midnight on Sunday.", "2024-12-30", "midnight", "2025-01-05T24:00"),
    ("The Lomar board voted this past Friday.", "2025-03-14", "this past Friday", "2025-03-07"),
    ("The Lomar board meets this coming Friday.", "2025-03-14", "this coming Friday", "2025-03-21"),
    ("The Lomar board voted on Friday last week.", "2025-03-14", "Friday last week", "2025-03-07"),
    ("The Lomar board meets on Friday next week.", "2025-03-14", "Friday next week", "2025-03-21"),
    ("In March 2012, three weeks earlier than planned, the Orlen plant closed.", "2019-06-01",
     "three weeks earlier", "2012-02"),
]


@pytest.mark.parametrize("text,dct,timex,value", V4_KINDS)
def test_kinds_seen_on_news_v4(text, dct, timex, value):
    """"o'clock" with a day and its part, a decade shifted from the sentence's year, "the year ended ..."
    as a span of a year, a plan of the past ("had been due to"), "are to", a deadline month, a schedule."""
    assert by_text(text, dct)[timex]["value"] == value


V5_KINDS = [  # (text, publication date, timex, value): kinds of timex.v5
    ("The Orlen refugees lived in the camps for 2 1/2 years.", "1998-02-27", "2 1/2 years", "P2Y6M"),
    ("A minute and a half later, the Lomar pilot landed.", "1998-01-14", "A minute and a half", "PT1M30S"),
    ("The Hollin talks lasted an hour and a half.", "1998-01-14", "an hour and a half", "PT1H30M"),
    ("The Hollin strike lasted three and a half decades.", "1998-01-14", "three and a half decades", "P35Y"),
    ("The Orlen talks, which were supposed to conclude by May, stalled.", "1998-03-22", "May", "1998-05"),
    ("The Lomar agency extended its deadline until 9 a.m. Tuesday.", "2000-04-03", "9 a.m. Tuesday",
     "2000-04-04T09:00"),
]


@pytest.mark.parametrize("text,dct,timex,value", V5_KINDS)
def test_kinds_seen_on_news_v5(text, dct, timex, value):
    """Fractions carry into the next unit as TimeML writes them; a deadline ("by May", "until Tuesday")
    after a past verb takes the nearest such date, not the one before the publication date."""
    assert by_text(text, dct)[timex]["value"] == value
