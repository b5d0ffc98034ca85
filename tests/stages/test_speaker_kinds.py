"""Speakers of the kinds issue 14 found wrong on real news, on fictional text: a pronoun takes the most
salient person (the main clause's subject, not a person inside the report or a platform), a title the
person the article named, a cue's parse that gives no subject still gets the named speaker, a quote
marked only at its two ends over several paragraphs is found."""
from __future__ import annotations

import pytest

from storyscope.stages.actor_names import name_gender
from storyscope.stages.actor_pronouns import actor_genders
from storyscope.stages.actors import extract_actors
from storyscope.stages.quote_marks import find_direct
from storyscope.record import Span

from tests.stages.test_speakers import read


def who(text: str, words: str) -> str:
    """The shown speaker (canonical, else the speaker's words) of the quote holding ``words``."""
    q = [q for q in read(text) if words in q["content"]]
    assert q, read(text)
    return q[0]["who"] or q[0]["speaker"] or ""


# kind: (fictional text, words of its quote, the speaker's surname)
SPEAKER_KINDS = {
    "pronoun_takes_the_main_clause_subject_not_a_person_inside_the_report": (
        ("Bridge report welcomed\n\n"
         "Governor Piet Marsh said on Friday he appreciated inspector Tomas Vell releasing a report on the "
         "Orlen bridge.\n\n"
         '"I thought the report was fair and the repairs were overdue," he told reporters.'),
        "report was fair", "Marsh"),
    "a_subject_pronoun_is_not_the_topic_of_its_own_clause": (
        ("Venn on Ostrov\n\n"
         "Arlo Venn spoke in Lomar on Sunday. He said Dag Ostrov had no plan for the port.\n\n"
         'Of Ostrov, he said, "I want him to do well, but the port is sinking."'),
        "port is sinking", "Venn"),
    "a_name_in_the_quote_a_pronoun_attributes_is_not_its_speaker": (
        ("Levy row\n\n"
         "Councillor Peter Oster criticised the levy on Monday.\n\n"
         '"Nobody supports the deal Mayor David Tarn negotiated," he told the Lomar Herald.'),
        "Nobody supports", "Oster"),
    "a_lead_in_ending_in_a_colon_names_the_speaker": (
        ("Debate night in Lomar\n\n"
         "Councillor Maria Brin spoke after the vote. Brin was quick to retort: "
         '"With all due respect, that is a bunch of nonsense. Not a single thing he said is accurate."'),
        "bunch of nonsense", "Brin"),
    "a_quote_paragraph_continues_the_previous_speaker": (
        ("Harbour deal\n\n"
         '"The harbour deal is done and signed," Mayor David Tarn said on Monday.\n\n'
         '"The ships will come back in spring, and the jobs with them."\n\n'
         "The council meets again in May."),
        "ships will come back", "Tarn"),
    "a_cue_with_its_own_object_in_the_next_sentence_is_not_the_quote_s": (
        ("Trade vote\n\n"
         '"We have a chance to slow down," Leader Nancy Pell said. "Whatever the deal is, we want a better '
         'one for Lomar\'s workers." Following her speech, the council rejected the trade agenda.'),
        "better one", "Pell"),
    "the_statement_speaks_for_its_author": (
        ("Port closure\n\n"
         '"The port will close on Friday," Mayor David Tarn said in a statement released by his office.\n\n'
         '"We cannot keep the cranes running without the repairs," the statement continued.'),
        "cranes running", "Tarn"),
    "first_person_words_in_a_named_person_s_sentence_are_theirs": (
        ("Messages released\n\n"
         "In a series of posts, Laura Orme produced \u201cthe entire chain of messages with my three "
         "replies that the committee chose to leak.\u201d"),
        "entire chain", "Orme"),
}


@pytest.mark.parametrize("kind", sorted(SPEAKER_KINDS))
def test_speaker_kinds(kind):
    text, words, surname = SPEAKER_KINDS[kind]
    assert surname in who(text, words)


def test_gender_from_first_names_titles_and_honorifics():
    assert name_gender("Meredith Vale") is None and name_gender("Meredith Vale", lean=True) == "female"
    assert name_gender("Jan Osk", lean=True) is None  # male in Europe, mostly female in the USA
    text = "Mr. Orme met Ms. Dale and Congresswoman Ada Pell."
    persons = [Span(text.index(n), text.index(n) + len(n), "PERSON", {"actor": n.lower(), "canonical": n,
                                                                      "kind": "name"})
               for n in ("Orme", "Dale", "Ada Pell")]
    g = actor_genders(text, persons)
    assert g["orme"] == ("male", True) and g["dale"] == ("female", True) and g["ada pell"][0] == "female"


def test_mrs_with_a_surname_is_the_woman_of_that_name():
    text = ("Arlo Venn and Mara Venn toured the Lomar shelter on Monday. Arlo Venn spoke first. "
            "Mrs. Venn said the shelter needed new beds.")
    got = [s for s in extract_actors(text) if text[s.start:s.end] == "Venn" and s.start > text.index("Mrs.")]
    assert got and got[0].attrs["canonical"] == "Mara Venn"


def test_a_definite_title_takes_the_salient_person_and_a_predicate_its_subject():
    text = ("Rusk quits\n\n"
            "Representative Thomas Rusk met voters in Orlen on Monday. Rusk said the dam would be finished.\n\n"
            '"I will not run again," the congressman said.')
    assert "Rusk" in who(text, "not run again")
    text2 = "Marsh enters race\n\nGov. Piet Marsh is on the attack, and he's the candidate that can win the valley."
    cand = [s for s in extract_actors(text2) if text2[s.start:s.end].endswith("candidate")]
    assert cand and cand[0].attrs["canonical"] == "Piet Marsh"







def test_a_quote_marked_only_at_its_two_ends_over_paragraphs_is_found():
    text = ("Rusk responded in a statement on Friday:\n\n"
            "\u201cI had nothing to do with the leak and I did not know about it.\n\n"
            "The problem is the council's and the council's alone.\u201d\n\n"
            "The council did not reply. He said 24\" pipes were laid.")
    found = [text[a:b] for a, b, _g in find_direct(text)]
    assert found[:2] == ["I had nothing to do with the leak and I did not know about it.",
                         "The problem is the council's and the council's alone."]
    assert not any("pipes" in f for f in found)


def test_a_quote_left_open_after_an_attributed_one_ends_with_its_paragraph():
    text = ("\u201cThe plan has failed,\u201d Mayor David Tarn said. \u201cThe council wants to run the port like "
            "a shop? God help us.\n\nThe vote is on Monday.")
    assert [text[a:b] for a, b, _g in find_direct(text)][-1].endswith("God help us.")
    sign = "The sign read \u201cclosed for good and nobody cared.\n\nLater the mayor spoke."
    assert find_direct(sign) == []
