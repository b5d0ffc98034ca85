"""The words a reader sees for a claim (``claim_display``): reported speech without its attribution tail
or addressee, a leading pronoun shown with its antecedent; the text as found stays as it was.

Fictional sentences only (the invented town of Kettering, the Orvel ministry, people who do not exist).
"""
from __future__ import annotations

import pytest

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.claims import analyse_text, extract_claims
from storyscope.record import Article


@pytest.mark.parametrize("sentence, text, display", [
    # attribution tail: the text as found keeps it, the display drops it
    ("The ministry will cut fuel taxes next month, Valtane told a news conference.",
     "The ministry will cut fuel taxes next month, Valtane told a news conference",
     "The ministry will cut fuel taxes next month"),
    # the addressee before 'that'
    ("Valtane told a news conference that the ministry will cut fuel taxes next month.",
     "a news conference that the ministry will cut fuel taxes next month",
     "The ministry will cut fuel taxes next month"),
    # a leading pronoun of reported speech: its speaker, as the sentence names it
    ("The Orvel ministry said it will cut fuel taxes next month.",
     "it will cut fuel taxes next month", "It [the Orvel ministry] will cut fuel taxes next month"),
    ("Harbour officials said they had closed the northern pier after the storm.",
     "they had closed the northern pier after the storm",
     "They [Harbour officials] had closed the northern pier after the storm"),
    ("Mayor Ilse Varga said she had refused to sign the Kettering budget.",
     "she had refused to sign the Kettering budget",
     "She [Mayor Ilse Varga] had refused to sign the Kettering budget"),
    ("It will reopen the pier on Monday, the port authority said in a statement.",
     "It will reopen the pier on Monday", "It [the port authority] will reopen the pier on Monday"),
    # a leading possessive, singular and plural
    ("The Orvel ministry said its budget will fall next year.",
     "its budget will fall next year", "Its [the Orvel ministry's] budget will fall next year"),
    ("Harbour officials said their pier had closed after the storm.",
     "their pier had closed after the storm", "Their [Harbour officials'] pier had closed after the storm"),
    # a leading complementiser (here parsed as an adverb), never a demonstrative
    ("While the board voiced concern about the strike, it stressed at the same time that its pier also serves "
     "night ferries.", "that its pier also serves night ferries", "Its pier also serves night ferries"),
    ("That pier also serves night ferries, the board said.",
     "That pier also serves night ferries", "That pier also serves night ferries"),
    # a direct quote: the words inside the marks, without the tail
    ('"We warned them in June," Hruvik told reporters.',
     'We warned them in June," Hruvik told reporters', "We warned them in June"),
])
def test_display_is_a_whole_proposition(sentence, text, display):
    c = analyse_text(sentence)
    assert c["text"] == text          # the text as found: omissions and disputes compare it
    assert c["display"] == display


@pytest.mark.parametrize("sentence, display", [
    # an expletive 'it' has no antecedent
    ("The ministry said it is likely that fuel taxes will fall.", "It is likely that fuel taxes will fall"),
    ("Valtane said it was raining in Kettering when the pier closed.",
     "It was raining in Kettering when the pier closed"),
    # 'it' never stands for a person, 'they' never for one speaker
    ("Director Ilse Varga said they had closed the pier.", "They had closed the pier"),
])
def test_pronoun_without_a_fitting_antecedent_stays(sentence, display):
    assert analyse_text(sentence)["display"] == display


def _read(text: str):
    """One Kettering Ledger article and its layers from every registered reading stage, in order."""
    from storyscope.stages.registry import all_stages
    art = Article.create(text, outlet="Kettering Ledger")
    layers = {art.id: {"debris": []}}
    for st in all_stages():
        layers[art.id].update(st.run([(art, {r: layers[art.id].get(r, []) for r in st.requires})])[0])
    return art, layers


def test_actor_layer_resolves_a_pronoun_of_the_outlets_voice():
    """'He' opening an unattributed sentence takes the person the actors layer resolved it to."""
    text = ("Kettering pier budget stalls\n\n"
            "Mayor Anna Kovacs met the Kettering harbour board on Monday.\n\n"
            "She refused to sign the budget for the northern pier.\n")
    art, layers = _read(text)
    claims = extract_claims(StoryBundle([art], layers))
    second = next(c for c in claims if c["sentence"].startswith("She refused"))
    assert second["text"].startswith("She refused")
    assert second["display"] == "She [Anna Kovacs] refused to sign the budget for the northern pier."
    for c in claims:   # evidence stays exact
        e = c["evidence"][0]
        assert art.text[e["start"]:e["end"]] == e["text"]


def test_story_claim_and_view_use_the_display_text():
    from storyscope.compare.claim_align import statement
    from storyscope.dossier.view import shown_claim
    c = {**analyse_text("The Orvel ministry said it will cut fuel taxes next month."), "stance": "asserts"}
    assert statement(c) == "it will cut fuel taxes next month"
    assert statement(c, display=True) == "It [the Orvel ministry] will cut fuel taxes next month"
    assert shown_claim({"text": statement(c), "display_text": statement(c, display=True)}) == \
        "It [the Orvel ministry] will cut fuel taxes next month"
    # an old dossier without display_text: the text as found, through the quote-tail rule
    assert shown_claim({"text": 'We warned them in June," Hruvik told reporters.'}) == "We warned them in June."


# ----------------------------------------------------------------------------- unsure merges (claim_align)

def test_a_shared_noun_phrase_is_not_a_shared_proposition():
    """'there is a foreign plot against Kettering' and 'called the meeting to present evidence of a foreign
    plot against her' share a long noun phrase, not what they predicate."""
    from storyscope.compare.claim_align import shares_predicate
    a = analyse_text("In a speech, Varga had said she refused to resign and that there is a foreign plot against "
                     "Kettering, pointing at a letter from Orvel because she refused to host Orvel troops.")
    b = analyse_text("Varga, then the mayor, has claimed that she had called the meeting to present evidence of a "
                     "foreign plot against her.")
    assert not shares_predicate(a, b)
    # a paraphrase shares its verb; a copula's complement is a predicate too
    assert shares_predicate(analyse_text("The harbour board approved the new pier budget on Monday."),
                            analyse_text("On Monday the harbour board approved the budget for the new pier."))
    assert shares_predicate(analyse_text("The Kettering pier plan is a disaster in the making."),
                            analyse_text("Rivas called the Kettering pier plan a disaster in the making."))
    # claims of an older analysis (no predicates) are never vetoed
    assert shares_predicate({"lemmas": ["pier"]}, {"lemmas": ["budget"]})


def test_unsure_model_alone_merge_needs_a_shared_predicate():
    import numpy as np

    from storyscope.compare.claim_align import ALIGN, decide_merge
    from storyscope.compare.pairs import settings
    lo = (settings().same_claim + ALIGN.unsure_below) / 2       # the model alone, unsure
    hi = ALIGN.unsure_below + 0.01                               # the model alone, sure enough
    prob = np.array([lo, lo, hi, lo, settings().same_claim_agree])
    ruled = [False, False, False, True, True]
    shared = [False, True, False, False, False]
    # only the unsure, unproposed pair without a shared predicate is refused; rule proposals are as before
    assert decide_merge(prob, ruled, shared).tolist() == [False, True, True, True, True]
    assert decide_merge(prob, ruled).tolist() == [True, True, True, True, True]


def test_a_he_the_actors_layer_left_unresolved_is_not_the_speaker():
    """'Mayor Anna Kovacs said he should leave the board': the actors layer finds no person for 'he', so the
    display does not guess the speaker."""
    text = ("Kettering pier budget stalls\n\n"
            "Mayor Anna Kovacs said on Monday that he should leave the Kettering harbour board at once.\n")
    art, layers = _read(text)
    assert layers[art.id].get("actors")
    (claim,) = [c for c in extract_claims(StoryBundle([art], layers)) if "leave" in c["text"]]
    assert claim["display"] == "He should leave the Kettering harbour board at once"
