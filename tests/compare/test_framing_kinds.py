"""Framing: the kinds of wrong terms the blind BASIL labels found (issue 15, session 6), on fictional text.

A term names its referent only when the text states the event (not "grounds for impeachment", "vowed
to impeach", "would have been a massacre"), in the lexicon's sense ("resigned in protest", "riot
helmets", "war on religion", "terrorist attacks" are not crowd action, war, or an armed group), with a
family that fits ("died" only beside its cause; a lone "gunman" is no armed group); a war's referent
is the place beside it, not any place of the sentence; a one-slot contrast is never one wording
spelled two ways ("can't" / "can\u2019t", "state funded" / "state-funded").
"""
from __future__ import annotations

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.framing import find_framing
from storyscope.record import Article, Span
from storyscope.stages import get_stage

PLACES = ("Northland", "Southland", "Eastvale", "Lomar")


def _bundle(*texts: str) -> tuple[list[Article], StoryBundle]:
    arts = [Article.create(t) for t in texts]
    layers = {}
    for a in arts:
        spans = []
        for n in PLACES:
            i = a.text.find(n)
            while i >= 0:
                spans.append(Span(i, i + len(n), "GPE", {"actor": n.lower(), "canonical": n}))
                i = a.text.find(n, i + 1)
        layers[a.id] = {"actors": spans, "quotes": []}
    st = get_stage("sentences")  # the product's own sentences
    for a, out in zip(arts, st.run([(a, {r: [] for r in st.requires}) for a in arts])):
        layers[a.id].update(out)
    return arts, StoryBundle(arts, layers)


def _terms(rows: list[dict]) -> list[tuple[str, str, str]]:
    """(article text of the term's sentence start, family, term) of every lexicon term shown."""
    return [(aid, t["family"], t["term"]) for r in rows if r["source"] == "lexicon" for aid, ts in r["terms"].items()
            for t in ts]


def test_spoken_of_events_are_not_named():
    """Hypothetical, prospective, negated and alternative mentions name no event; stated ones do."""
    spoken = ("Senators said the leaks could be grounds for impeachment of Governor Orm of Lomar. "
              "Representative Vell vowed to impeach Governor Orm. Others hinted at impeachment proceedings. "
              "It would have been a massacre without the guards of Lomar, he said. "
              "Either it was the work of a mob in Lomar or it was a planned assault. "
              "He said the best way to oust Orm is the next election in Lomar. "
              "Was it because of a protest in Lomar, or was it planned?\n")
    stated = ("Governor Orm of Lomar was impeached on Tuesday. The massacre at the Lomar club shocked the town. "
              "A mob in Lomar burned two cars. The assembly ousted Orm on Friday.\n")
    arts, bundle = _bundle(spoken, stated)
    got = _terms(find_framing(bundle, aligned=False))
    assert not [g for g in got if g[0] == arts[0].id], got


def test_other_senses_and_unfit_families_are_not_terms():
    """Another sense of the word, or a family that does not fit the referent, gives no term."""
    text = ("Minister Vell resigned in protest over the Lomar treaty. Police officers in riot helmets stood by in Lomar. "
            "Orm vowed to end the war on religion in Lomar. The terrorist attacks of 2030 shook Lomar. "
            "The Lomar gunman acted alone. Orm will fund border security operations in Lomar. "
            "Vell's father died in Lomar in 2001.\n")
    arts, bundle = _bundle(text, text.replace("Minister", "Former minister"))
    assert _terms(find_framing(bundle, aligned=False)) == []


def test_a_war_is_the_war_of_the_place_beside_it():
    """"Marines in Northland and in the invasion of Southland": the invasion is Southland's, never filed
    with "the war in Northland"."""
    a = "General Osk commanded Marines in Northland and in the 2003 invasion of Southland.\n"
    b = "He said the war in Northland was not a war of choice, and the invasion of Southland was.\n"
    arts, bundle = _bundle(a, b)
    rows = [r for r in find_framing(bundle, aligned=False) if r.get("concept_id") == "military-action"]
    for r in rows:
        fams = {t["family"] for ts in r["terms"].values() for t in ts}
        assert not {"war", "invasion"} <= fams, r
    assert any("Southland" in r["concept"] and "Northland" not in r["concept"] for r in rows), rows


def test_one_wording_spelled_two_ways_is_no_contrast():
    """Aligned sentences that differ only in a contraction's apostrophe or a hyphen frame nothing."""
    a = ("\u201cI can\u2019t help but think that those remarks by the Lomar council were well over the line,\u201d "
         "Vell said on Monday. The mayor will ban state funded travel to Eastvale after the vote.\n")
    b = ("\"I can't help but think that those remarks by the Lomar council were well over the line,\" "
         "Vell said on Monday. The mayor will ban state-funded travel to Eastvale after the vote.\n")
    arts, bundle = _bundle(a, b)
    assert [r for r in find_framing(bundle) if r["source"] == "aligned"] == []


def test_a_placeless_term_of_another_referent_stays_out():
    """Session 8 kinds: an "invasion" at a border, in an article naming other places, is not the invasion
    another article recalls in passing; "one country invades another" and "an invasion of drugs" name no
    war; "the war on terrorism from Lomar to Eastvale" is no war of either; "the hands of terrorists"
    names no group."""
    a = ("In 1990 Northland's invasion of Southland led to a national emergency. "
         "The war in Southland ended in 1991. The gunmen who attacked the Lomar club fled.\n")
    b = ("\u201cIt\u2019s an invasion,\u201d Orm said of the crossings at the Eastvale border. Orm spoke of an "
         "invasion of drugs and criminals, and of the disruption caused when one country invades another. "
         "Orm shifted the focus of the war on terrorism from Lomar to Eastvale. Orm said Lomar must keep "
         "guns out of the hands of terrorists.\n")
    arts, bundle = _bundle(a, b)
    rows = find_framing(bundle, aligned=False)
    assert not [g for g in _terms(rows) if g[0] == arts[1].id], _terms(rows)


def _wrong_out_right_in(wrong: str, right: str, families: set[str]) -> None:
    """Article ``wrong`` gives no term; article ``right`` gives (at least) the term families ``families``."""
    arts, bundle = _bundle(wrong, right)
    got = _terms(find_framing(bundle, aligned=False))
    assert not [g for g in got if g[0] == arts[0].id], got
    assert {f for a, f, _ in got if a == arts[1].id} >= families, got


def test_a_term_modifying_another_noun_names_no_referent():
    """Session 9 kind 1: a group word that only modifies another noun ("militant websites") names that noun's kind,
    and "mob families" are the Mafia's; the group itself ("militants attacked", "the terrorist group") and an
    event word before a noun ("the mob scene") are named."""
    _wrong_out_right_in("Militant websites in Lomar posted the video. Rebel radio in Lomar denied it. "
                        "The four other mob families of Lomar met.\n",
                        "Two militants attacked the Lomar garrison. The terrorist group in Lomar claimed it. "
                        "A mob in Lomar burned two cars. The mob scene in Lomar lasted hours; the protest grew.\n",
                        {"militants", "terrorists", "mob", "protest"})


def test_an_act_that_did_not_happen_or_is_general_names_no_event():
    """Session 9 kind 2: an attempted, almost or fictional act, or the kind in general ("the dangers of
    military aggression", "military aggression is dangerous"), names no event of the story."""
    _wrong_out_right_in("Orm was charged with attempted murder in Lomar. A guard was almost killed in Lomar. "
                        "Vell spoke in Lomar on the dangers of military aggression. "
                        "Military aggression is dangerous, Vell said.\n",
                        "Northland's aggression against Lomar continued; the invasion of Lomar began in May. "
                        "Gunmen killed two guards in Lomar. The murder of Orm in Lomar shocked the town.\n",
                        {"aggression", "invasion", "killed", "murdered"})


def test_a_family_that_does_not_fit_the_actors_is_no_term():
    """Session 9 kind 3: a crackdown on organised crime or clashes of an army with militants are no security
    forces acting against a crowd; deaths in an earthquake are no death caused by others."""
    _wrong_out_right_in("A federal crackdown on the Lomar mafia indicted twelve hoodlums. Army clashes with "
                        "militants in Lomar left ten dead. Ten people were killed by the earthquake in Lomar.\n",
                        "Police cracked down on protesters in Lomar. Clashes between police and protesters in "
                        "Lomar lasted all night. Gunmen killed ten people in Lomar; the massacre in Lomar ended.\n",
                        {"crackdown", "clashes", "killed", "massacre"})


def test_a_quote_running_over_a_paragraph_break_is_quoted():
    """Session 9 kind 4: a quote opened in one paragraph and closed in the next (no reopening mark) is the
    speaker's words, not the outlet's; the outlet's own sentence after it stays the outlet's."""
    arts, bundle = _bundle('His sister Ama Vell said, "He was calm...\n\nThey killed my brother in Lomar for nothing. "'
                           "\n\nPolice said officers killed him in Lomar.\n",
                           "Police killed a teenager in Lomar on Friday.\n")
    rows = [r for r in find_framing(bundle, aligned=False) if r["source"] == "lexicon"]
    voices = [t["voice"] for r in rows for t in r["terms"].get(arts[0].id, [])]
    assert voices == ["quoted", "outlet"], voices


def test_a_word_in_another_sense_is_no_term():
    """Session 9 kind 5: "regime change" in a club's front office, a "signing coup", an "economic catastrophe",
    a spider that "invaded" a body or an "insect invasion" are not the lexicon's sense."""
    _wrong_out_right_in("The Lomar club's regime change in the front office came after the playoffs. "
                        "Signing Vell was a coup for the Lomar club. Vell spoke of the economic catastrophe in "
                        "Lomar. A spider invaded his flesh in Lomar. Lomar faces an insect invasion.\n",
                        "The generals staged a coup in Lomar and toppled Orm. The dam collapse in Lomar was a "
                        "catastrophe. Northland invaded Lomar; the occupation of Lomar began.\n",
                        {"coup", "catastrophe", "invasion"})


def test_negated_hypothetical_and_general_mentions_name_no_act():
    """A negated mention, a to-infinitive of intent or purpose, the complement of a power or procedure, a
    non-specific noun phrase ("any", or indefinite under a modal) and a "how do you" question name no act
    (the kinds of the blind BASIL labels of session 10); stated acts, a vow in the "going to" future and an
    article of impeachment introduced do."""
    spoken = ("The Lomar assembly met about the budget, not impeachment. "
              "Speaker Dall said, \u201cWe are not looking to impeach Governor Orm.\u201d "
              "The charter grants the assembly the power to impeach the governor of Lomar. "
              "A vote to impeach takes a simple majority in Lomar, and two thirds are needed to convict and remove "
              "an official from office. "
              "Any impeachment inquiry in Lomar must begin in committee. "
              "Aides believe that an impeachment fight would help Orm in Lomar. "
              "His voters would see impeachment as an overreaction, aides said. "
              "Orm asked, \u201cHow do you impeach a governor who won Lomar by twenty points?\u201d\n")
    stated = ("Governor Orm of Lomar was impeached on Tuesday. "
              "Vell told the crowd, \u201cWe are going to impeach him.\u201d "
              "Two members introduced an article of impeachment on Thursday.\n")
    other = "The impeachment of Governor Orm of Lomar passed the assembly.\n"
    arts, bundle = _bundle(spoken, stated, other)
    got = _terms(find_framing(bundle, aligned=False))
    assert not [g for g in got if g[0] == arts[0].id], got
    assert sorted(t for a, _, t in got if a == arts[1].id) == ["impeach", "impeached", "impeachment"], got
