"""Actors on fictional sentences: alias merging, role titles, NER repairs, corpus-wide keys."""
from __future__ import annotations

from storyscope.record import Article
from storyscope.stages.actor_links import link_corpus_actors
from storyscope.stages.actor_names import actor_key, normalise_role
from storyscope.stages.actors import extract_actors
from storyscope.stages.registry import get_stage

STORY = ("Ruritanian Prime Minister Alden Vosk visited the port on Monday. "
         "Vosk said trade would double. The prime minister later met Lomaria's army chief Tomas Brell Okafor. "
         "The army chief praised the former PM, and Okafor left for the capital.")


def mentions(text: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for s in extract_actors(text):
        out.setdefault(text[s.start:s.end], []).append({"label": s.label, **s.attrs})
    return out


def test_surname_title_and_full_name_are_one_actor():
    got = mentions(STORY)
    assert got["Alden Vosk"][0]["actor"] == "alden vosk"
    assert got["Alden Vosk"][0]["role"] == "prime minister"
    assert got["Vosk"][0]["actor"] == "alden vosk" and got["Vosk"][0]["kind"] == "alias"
    assert got["The prime minister"][0]["actor"] == "alden vosk"
    assert got["The prime minister"][0]["kind"] == "title"
    assert got["the former PM"][0]["actor"] == "alden vosk"


def test_role_from_premodifier_resolves_the_army_chief():
    got = mentions(STORY)
    assert got["Tomas Brell Okafor"][0]["role"] == "army chief"
    assert got["The army chief"][0]["actor"] == "tomas brell okafor"
    assert all(m["actor"] == "tomas brell okafor" and m["label"] == "PERSON" for m in got["Okafor"])


def test_surname_tagged_as_a_place_becomes_the_person():
    text = "Senator Maria Fresno visited Lomar on Monday. Fresno said the roads were bad. Critics said Fresno was late."
    got = mentions(text)
    assert len(got["Fresno"]) == 2
    assert all(m["label"] == "PERSON" and m["actor"] == "maria fresno" for m in got["Fresno"])


def test_subscribe_debris_is_not_a_person():
    text = "Alden Vosk left the port.\n\n› Subscribe\n\nPlease enter your comment!"
    spans = extract_actors(text)
    assert not any("Subscribe" in text[s.start:s.end] for s in spans)
    assert any(s.attrs["actor"] == "alden vosk" for s in spans)


def test_pronoun_points_to_the_person():
    text = "Mayor Lena Hartwig opened the bridge. She said it was safe."
    pron = [s for s in extract_actors(text) if s.attrs["kind"] == "pronoun"]
    assert pron and pron[0].attrs["actor"] == "lena hartwig"


def test_acronym_in_parentheses_is_an_alias():
    text = "The Valley Water Authority (VWA) raised prices. The VWA said costs rose."
    spans = [s for s in extract_actors(text) if text[s.start:s.end] == "VWA"]
    assert spans and all(s.attrs["actor"] == "valley water authority" for s in spans)


def test_keys_and_roles_normalise():
    assert actor_key("Dr. Lena  Hartwig's") == "lena hartwig"
    assert actor_key("The Valley Water Authority") == "valley water authority"
    assert normalise_role("the former PM") == "prime minister"
    assert normalise_role("Chief of the Army Staff") == "army chief"
    assert normalise_role("a local baker") is None


def test_corpus_linking_maps_surnames_to_the_one_full_name():
    a = "Defence minister Tomas Brell Okafor spoke in the capital."
    b = "Mr. Okafor said the drill was over. The drill is over, Okafor told reporters."
    linked = link_corpus_actors({"a": extract_actors(a), "b": extract_actors(b)})
    ok = [s for s in linked["b"] if b[s.start:s.end] == "Okafor"]
    assert ok and all(s.attrs["actor"] == "tomas brell okafor" and s.attrs["canonical"] == "Tomas Brell Okafor"
                      for s in ok)


def test_corpus_linking_leaves_ambiguous_surnames():
    a = "Judge Amara Oduya ruled on Monday."
    b = "Professor Ken Oduya wrote a book."
    c = "Oduya said nothing."
    linked = link_corpus_actors({k: extract_actors(t) for k, t in {"a": a, "b": b, "c": c}.items()})
    assert all(s.attrs["actor"] == "oduya" for s in linked["c"] if c[s.start:s.end] == "Oduya")


def test_stage_is_registered_and_runs():
    st = get_stage("actors")
    assert st.version == "actors.v4" and st.adds == ("actors",)
    art = Article.create(STORY)
    out = st.run([(art, {})])
    assert out[0]["actors"] and all(0 <= s.start < s.end <= len(STORY) for s in out[0]["actors"])


def test_bad_input_does_not_crash():
    assert extract_actors("") == []
    assert extract_actors('"' * 10000) == []
    assert isinstance(extract_actors("no capital letters here at all."), list)


def test_portfolio_and_place_heads_are_not_part_of_a_person():
    # fictional: the parser takes "Water" into the name, and tags a dam as a person in a headline
    text = ("Minister: controlled release saved Korvath Dam\n\n"
            "Minister of Water Oskar Valtane on Thursday stood by the order to open the Korvath Dam's gates.\n\n"
            "The minister also said the government would pay for temporary housing.")
    spans = extract_actors(text)
    persons = {text[s.start:s.end]: s.attrs for s in spans if s.label == "PERSON"}
    assert "Korvath Dam" not in persons
    assert persons["Oskar Valtane"]["canonical"] == "Oskar Valtane"
    assert persons["The minister"]["canonical"] == "Oskar Valtane"
