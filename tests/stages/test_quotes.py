"""Quotes on fictional text: every mark style and reporting form, robustness, and the seeds."""
from __future__ import annotations

import json
import pathlib

import pytest
from hypothesis import given, settings, strategies as st

from storyscope.record import Article
from storyscope.stages.quotes import extract_quotes, find_direct
from storyscope.stages.registry import get_stage

SHARED = pathlib.Path(__file__).resolve().parents[2].parent / "shared"


def quotes(text: str) -> list[dict]:
    out = []
    for q in extract_quotes(text):
        a = q.attrs
        out.append({"label": q.label, "content": text[q.start:q.end],
                    "cue": text[a["cue"][0]:a["cue"][1]] if a["cue"] else None,
                    "speaker": a["speaker_text"], "who": a["speaker_canonical"]})
    return out


def one(text: str, needle: str) -> dict:
    hits = [q for q in quotes(text) if needle in q["content"]]
    assert hits, f"no quote containing {needle!r} in {quotes(text)}"
    return hits[0]


def test_straight_marks_with_cue_after():
    q = one('Senator Paolo Reyes spoke.\n\n"We will win this fight," Reyes said.', "win this fight")
    assert q["label"] == "direct" and q["content"] == "We will win this fight,"
    assert q["cue"] == "said" and q["who"] == "Paolo Reyes"


def test_curly_and_mixed_marks():
    q = one("Farmer Joan Ebbe was blunt. \u201cThe harvest is ruined this year,\u201d Ebbe told reporters.", "harvest")
    assert q["content"] == "The harvest is ruined this year," and q["cue"] == "told"
    m = one('Farmer Joan Ebbe was blunt. "The harvest is ruined this year,\u201d Ebbe told reporters.', "harvest")
    assert m["content"] == "The harvest is ruined this year," and "Ebbe" in m["who"]


def test_quote_split_around_a_cue_keeps_one_speaker():
    text = "Mayor Lena Hartwig spoke on Tuesday.\n\n\u201cOtherwise,\u201d she continued, \u201cI think the bridge will close.\u201d"
    a, b = one(text, "Otherwise"), one(text, "bridge will close")
    assert a["cue"] == b["cue"] == "continued"
    assert a["who"] == b["who"] == "Lena Hartwig"


def test_quote_across_paragraphs():
    text = ('Council leader Ivo Brandt spoke at length. "The first part of the plan is about roads.\n\n'
            '"The second part is about the schools in the valley," Brandt said.')
    a, b = one(text, "first part"), one(text, "second part")
    assert a["content"] == "The first part of the plan is about roads."
    assert a["who"] == b["who"] == "Ivo Brandt"


def test_unbalanced_mark_stays_in_its_paragraph():
    text = ("The sign read \u201cclosed for good and nobody cared.\n\n"
            'Later, Judge Amara Oduya said: "The court will reopen in spring."')
    q = one(text, "court will reopen")
    assert q["content"] == "The court will reopen in spring." and q["who"] == "Amara Oduya"
    assert not any("closed for good" in x["content"] for x in quotes(text))


def test_indirect_and_reported_speech():
    text = ("Minister Karl Vent said that the dam was safe. According to the ministry, repairs cost little. "
            "The rebels denied that they had attacked the dam. Vent claimed the rebels were lying. "
            'Vent told a conference in Lomar: "We are ready."')
    said = one(text, "the dam was safe")
    assert said["label"] == "indirect" and said["content"] == "that the dam was safe"
    assert said["cue"] == "said" and said["who"] == "Karl Vent"
    acc = one(text, "repairs cost little")
    assert acc["cue"] == "According to" and acc["speaker"] == "the ministry"
    den = one(text, "attacked the dam")
    assert den["cue"] == "denied" and den["speaker"] == "The rebels"
    cl = one(text, "rebels were lying")
    assert cl["cue"] == "claimed" and cl["who"] == "Karl Vent"
    conf = one(text, "We are ready")
    assert conf["label"] == "direct" and conf["cue"] == "told" and conf["who"] == "Karl Vent"


def test_mixed_quote_is_the_reported_clause_with_its_quoted_words():
    text = 'Minister Karl Vent spoke. He added that the plan was "clearly wrong" and unfair.'
    qs = extract_quotes(text)
    mixed = [q for q in qs if q.label == "mixed"]
    assert mixed and text[mixed[0].start:mixed[0].end] == 'that the plan was "clearly wrong" and unfair'
    a, b = mixed[0].attrs["quoted"][0]
    assert text[a:b] == "clearly wrong" and mixed[0].attrs["speaker_canonical"] == "Karl Vent"


def test_learned_cues_with_prepositional_and_interrupted_content():
    q = one("Senator Paolo Reyes called for an inquiry into the collapse of the dam.", "inquiry")
    assert q["cue"] == "called for" and q["content"] == "an inquiry into the collapse of the dam"
    assert q["who"] == "Paolo Reyes"
    text = "Mayor Lena Hartwig visited the site on Monday.\n\nThe new bridge, she said, will open in the spring."
    r = one(text, "will open")
    assert r["content"] == "The new bridge, she said, will open in the spring"
    assert r["cue"] == "said" and r["who"] == "Lena Hartwig"
    assert quotes("The package was debated for hours in the hall.") == []  # not every verb is a cue


def test_name_colon_lines_are_attributions():
    text = ("Bridge to open\n\nLena Hartwig: The bridge will open in the spring.\n\n"
            "Update: The road is closed for repairs today.")
    q = one(text, "bridge will open")
    assert q["cue"] == ":" and q["speaker"] == "Lena Hartwig" and q["content"] == "The bridge will open in the spring"
    assert not any("road is closed" in x["content"] for x in quotes(text))


def test_pronoun_and_role_noun_speakers_resolve_to_actors():
    q = one("Ruritanian Prime Minister Alden Vosk visited the port. \u201cTrade will double by spring,\u201d he said.",
            "Trade will double")
    assert q["speaker"] == "he" and q["who"] == "Alden Vosk"
    r = one("Army spokesperson Colonel Mira Tallis addressed the press. "
            "\u201cNo soldiers were hurt in the drill,\u201d the spokesperson said.", "No soldiers")
    assert r["speaker"] == "the spokesperson" and r["who"] == "Mira Tallis"


def test_scare_quotes_without_a_speaker_are_not_quotes():
    assert quotes("The so-called \u2018reform\u2019 package was debated for hours in the hall.") == []


@pytest.mark.parametrize("text", ["", "no sentences here", "\u201c\u201d\u201c", '"' * 10000,
                                  "\u201ca\u201d " * 2500, "\u201c" * 5000 + " word " + "\u201d" * 5000,
                                  ('He said "x" and \u2018y\u2019 \n') * 1000])
def test_bad_input_is_safe(text):
    # speed is measured in benchmarks, never asserted in tests (the machine is shared)
    out = extract_quotes(text)
    assert all(0 <= q.start <= q.end <= len(text) for q in out)


def test_direct_scan_finds_every_quote_of_a_long_run():
    text = ('"word" ' * 20000)
    assert len(find_direct(text)) == 20000


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["Vent", "said", "that", "the", "dam", "\u201c", "\u201d", '"', "'", "\u2018",
                                 "\u2019", ",", ".", "\n", "\n\n", "he", "according to", "Mara Lint", ":"]),
                max_size=60))
def test_never_crashes_and_spans_stay_in_text(words):
    text = " ".join(words)
    for q in extract_quotes(text):
        assert 0 <= q.start <= q.end <= len(text)
        for k in ("cue", "speaker"):
            if q.attrs[k]:
                assert 0 <= q.attrs[k][0] <= q.attrs[k][1] <= len(text)
        assert q.label in ("direct", "indirect", "mixed")


def test_stage_uses_the_actors_layer():
    st_ = get_stage("quotes")
    assert st_.version == "quotes.v12" and st_.requires == ("actors", "sentences", "debris")
    text = 'Judge Amara Oduya sat down. "The court will reopen in spring," she said.'
    art = Article.create(text)
    actors = get_stage("actors").run([(art, {})])[0]["actors"]
    out = st_.run([(art, {"actors": actors})])[0]["quotes"]
    assert out and out[0].attrs["speaker_actor"] == "amara oduya"


def _seed_checks():
    exp_path = SHARED / "seeds" / "expected.json"
    if not exp_path.exists():
        pytest.skip(f"../shared not found: {exp_path} is needed for this test")
    exp = json.loads(exp_path.read_text())
    checks = [(q["article"], q["anchor"], q["speaker"]) for q in exp.get("quotes", [])]
    for g in exp.get("quote_groups", []):
        for art, anchors in g["anchors"].items():
            checks += [(art, a, g["speaker"]) for a in anchors]
    return checks


def test_seed_quotes_have_their_speakers():
    checks = _seed_checks()
    files = {p.name[:3]: p for p in (SHARED / "seeds").glob("0*.txt")}
    cache: dict[str, list] = {}
    missing = []
    for art, anchor, speaker in checks:
        text = files[art].read_text(encoding="utf-8")
        qs = cache.setdefault(art, extract_quotes(text))
        ok = any(anchor.lower() in text[max(q.start - 1, 0):q.end + 1].lower()
                 and speaker.lower() in f"{q.attrs['speaker_canonical'] or ''} {q.attrs['speaker_text'] or ''}".lower()
                 for q in qs)
        if not ok:
            missing.append((art, anchor, speaker))
    assert not missing, missing  # measured: 18 of 18


def test_relink_quotes_carries_corpus_keys():
    from storyscope.stages.actor_links import link_corpus_actors
    from storyscope.stages.actors import extract_actors
    from storyscope.stages.quotes import relink_quotes
    a = "Defence minister Tomas Brell Okafor spoke in the capital."
    b = '"The drill is over," Mr. Okafor told reporters.'
    acts = {"a": extract_actors(a), "b": extract_actors(b)}
    qb = extract_quotes(b, acts["b"])
    assert qb and qb[0].attrs["speaker_actor"] == "okafor"
    linked = link_corpus_actors(acts)
    again = relink_quotes(qb, acts["b"], linked["b"])
    assert again[0].attrs["speaker_actor"] == "tomas brell okafor"
    assert again[0].attrs["speaker_canonical"] == "Tomas Brell Okafor"


def test_reader_lines_signed_after_a_horizontal_bar_are_each_their_signers():
    text = ("Readers of the Harbor Ledger wrote in about the new ferry.\n\n"
            "\u201cThe ferry is late every single morning and nobody answers the phone.\u201d\u00a0\u2015 Mara Tellen\u00a0\n"
            "\u201cI have taken it for ten years and it never looked this clean.\u201d\u2015 Odo Frisk.\n")
    assert one(text, "late every single morning")["speaker"] == "Mara Tellen"
    assert one(text, "ten years")["speaker"] == "Odo Frisk"


def test_content_ends_before_a_closing_relative_clause():
    text = "Mayor Ines Varga said the plan copies the one used in Portvale, which opened its harbor last year."
    q = one(text, "the plan copies")
    assert q["content"] == "the plan copies the one used in Portvale"
    assert q["speaker"] == "Mayor Ines Varga" or q["speaker"].endswith("Varga")


def test_a_spaced_hyphen_dateline_is_not_part_of_the_speaker():
    q = one("PORTVALE - Mayor Ines Varga said that the ferry fares would fall next spring.", "fares would fall")
    assert q["speaker"] == "Mayor Ines Varga"


def test_a_dateline_is_never_the_speaker_and_an_office_of_a_portfolio_is_its_holder():
    text = ("Valtane rejects calls\n\n"
            "TARSEN, March 14 (KPA) - Valdoria's water minister Oskar Valtane has rejected calls to resign "
            "over the flooding of Selvane.\n\n"
            "Minister of Water Oskar Valtane on Thursday stood by the order, explaining that engineers had "
            "performed a controlled release so that the reservoir would not spill over.\n\n"
            "A lawyer for Valtane said the minister had done nothing wrong.\n")
    assert one(text, "calls to resign")["who"] == "Oskar Valtane"
    assert one(text, "controlled release")["who"] == "Oskar Valtane"
    assert one(text, "done nothing wrong")["who"] != "Oskar Valtane"     # a lawyer for him is someone else


def test_the_headline_holds_no_quote():
    # a headline line is no attribution ('counts' is no cue, 'Calls For' a headline's shorthand); the body's are
    text = ("In Brindle Falls, a flooded town counts its dead as the mayor calls for inquiry\n\n"
            "Mayor Ines Varga said on Friday that 23 people had died in Brindle Falls.\n")
    assert [q["content"] for q in quotes(text)] == ["that 23 people had died in Brindle Falls"]
    # one line of text is no headline: its quote stays
    assert one("Mayor Ines Varga said on Friday that 23 people had died.", "23 people")["speaker"] == "Mayor Ines Varga"


def test_stage_blocks_a_records_title_repeated_as_the_texts_first_line():
    # a JSON Lines record keeps its title apart, and its text opens with the same line: the quotes stage blocks it
    title = "Harbor Board Chief Slams Ferry Plan, Calls For Jailing Of Contractor"
    text = f"{title}\n\nHarbor Board chief Odo Frisk said the ferry plan would cost twice its budget.\n"
    art = Article.create(text, title=title)
    layers = {"debris": []}
    for name in ("sentences", "actors", "quotes"):
        layers.update(get_stage(name).run([(art, layers)])[0])
    assert all(q.start > len(title) for q in layers["quotes"]), [text[q.start:q.end] for q in layers["quotes"]]
    assert any("twice its budget" in text[q.start:q.end] for q in layers["quotes"])
    # without the title, the same first line is body text and may hold a quote
    art = Article.create(text)
    layers = {"debris": []}
    for name in ("sentences", "actors", "quotes"):
        layers.update(get_stage(name).run([(art, layers)])[0])
    assert any(q.start < len(title) for q in layers["quotes"])


def test_content_tidy_drops_a_dangling_conjunction_and_never_overlaps_its_cue():
    from storyscope.stages.nlp import parse
    from storyscope.stages.quote_bounds import tidy_content
    from storyscope.stages.quote_direct import _Article
    from storyscope.stages.speakers import SpeakerResolver
    text = 'The minister stressed that the repairs were not complete, and Mayor Varga needs to tell the truth about "the dam".'
    art = _Article(text, parse(text), find_direct(text), [(0, len(text))], [], SpeakerResolver(text, []))
    cs, ce = text.index("that the"), text.index(" Mayor")
    assert text[slice(*tidy_content(art, cs, ce, (13, 21)))] == "that the repairs were not complete"
    cue = (text.index("needs"), text.index(" the truth"))  # a cue the tagger drew longer than the rules' content start
    assert text[slice(*tidy_content(art, text.index("tell the"), len(text) - 1, cue))] == 'the truth about "the dam"'
    # quoted words keep their conjunction
    text2 = 'The minister stressed that the repairs were "not complete, and"'
    art2 = _Article(text2, parse(text2), find_direct(text2), [(0, len(text2))], [], SpeakerResolver(text2, []))
    assert tidy_content(art2, text2.index("that"), len(text2) - 1, (13, 21))[1] == len(text2) - 1


def test_a_framing_object_noun_joins_the_cue():
    # PolNeAR: 'have expressed deep concern about' is the cue, the matter alone the content
    q = one("Harbor board members have expressed deep concern about the ferry contract.", "ferry contract")
    assert q["cue"] == "have expressed deep concern about" and q["content"] == "the ferry contract"
    q = one("Mayor Ines Varga offered insights into the town's budget talks.", "budget talks")
    assert q["cue"] == "offered insights into" and q["content"] == "the town's budget talks"
    # a noun whose 'of' phrase is the matter stays the content ('questioned the wisdom of X')
    q = one("Council leader Odo Frisk questioned the wisdom of the ferry contract.", "wisdom")
    assert q["content"].startswith("the wisdom of")


def test_according_to_a_second_conjunct_takes_the_whole_coordination():
    text = "Ferry fares stood at two crowns in 1990 and have since risen to nine crowns, according to the Harbor Board."
    q = one(text, "have since risen")
    assert q["content"] == "Ferry fares stood at two crowns in 1990 and have since risen to nine crowns"
    assert q["speaker"] == "the Harbor Board"


def test_called_on_someone_to_act_keeps_the_addressee_in_the_content():
    q = one("Mayor Ines Varga called on the harbor board to release the ferry contract.", "release the ferry")
    assert q["cue"] == "called on" and q["content"] == "the harbor board to release the ferry contract"


def test_a_reported_noun_phrase_is_marked_no_clause():
    """'dismissed the union's claim', 'sentenced Morrow to two years': the quotes layer keeps such contents
    (PolNeAR annotates them) but marks them ``clause: False``; reported propositions are ``clause: True``."""
    from storyscope.stages.quotes import extract_quotes
    t = ("Orlen ferry back in service\n\nThe Orlen ferry will run again on Friday, Mayor Ilsa Vantor said on Tuesday. "
         "Vantor dismissed the harbour union's claim. A district court sentenced Piet Morrow to two years in jail. "
         "Morrow said that the ferry crews had been treated unfairly.\n")
    got = {t[q.start:q.end]: q.attrs.get("clause") for q in extract_quotes(t) if q.label == "indirect"}
    assert got.get("The Orlen ferry will run again on Friday") is True
    assert got.get("that the ferry crews had been treated unfairly") is True
    assert got.get("the harbour union's claim") is False
    assert all(v is False for k, v in got.items() if k.startswith("Piet Morrow") or k.startswith("Morrow to"))


def test_content_never_ends_inside_a_word_or_an_open_bracket():
    # the parser split 'de-classify' across clauses and the content read 'that the board would de'
    q = one("“Nobody asked for the harbor,” Mayor Ines Varga remarked, adding that the board would de-classify "
            "the minutes of the 31 March meeting if the council decided to do so.", "the board")
    assert q["content"].startswith("that the board would de-classify")
    from storyscope.stages.quote_bounds import whole_content
    t = "an apparent reference to the Harbor Master (HM) Odo Frisk."
    assert t[slice(*whole_content(t, 0, t.index("HM") + 2))].endswith("(HM)")
    assert t[slice(*whole_content(t, 0, t.index(" Master")))] == "an apparent reference to the Harbor"


def test_a_transcript_quoted_paragraph_by_paragraph_is_attributed_to_each_label():
    text = ("Mayor Tessa Varn spoke with host Piet Aske on Sunday. A partial transcript follows:\n\n"
            "\"ASKE: Will the bridge reopen before winter, or will the town wait another year?\n\n"
            "\"VARN: The bridge opens in October. The council voted for it and the money is there.\n\n"
            "\"ASKE: And the ferry?\n\n"
            "\"VARN: The ferry keeps running until the last car crosses the bridge.\"\n")
    got = quotes(text)
    labelled = [q for q in got if q["cue"] == ":"]
    assert [q["speaker"] for q in labelled] == ["ASKE", "VARN", "ASKE", "VARN"], got
    assert labelled[1]["content"].startswith("The bridge opens in October") and "VARN" not in labelled[1]["content"]
    assert labelled[3]["content"].endswith("crosses the bridge"), labelled[3]
    assert not any(q["content"].startswith(("ASKE:", "VARN:")) for q in got), got
