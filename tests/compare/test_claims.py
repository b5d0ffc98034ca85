"""Claims and their alignment, on a fictional three-outlet story plus an undated rewrite.

The mini-story (``mini_bundle``) is shared with test_disputes/test_timeline/test_omissions, which
load this file by path (pytest runs with --import-mode=importlib).
"""
from __future__ import annotations

import pathlib

import pytest

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.claim_align import align_claims
from storyscope.compare.claims import analyse_text, extract_claims
from storyscope.record import Article, check_evidence

# Fictional: a flood in the invented town of Eastport. Saturday 2031-05-10 is the dated report.
GAZETTE = (
    "Eastport flood kills 12 as council prepares relief vote\n\n"
    "Eastport mayor Lena Morrow said on Saturday that the flood had killed 12 people in the river district.\n\n"
    "Morrow said the city had asked the province for emergency funds to rebuild the Harlow bridge.\n\n"
    "The council will vote on Sunday on a relief package worth 40 million dollars.\n\n"
    "Rescue teams from three neighbouring towns searched the river banks through the night.\n\n"
    "The Harlow bridge collapsed on Thursday after two days of heavy rain, cutting the town in half.\n"
)
COURIER = (
    "Province says Eastport never asked for help\n\n"
    "Provincial spokesman Tom Reyes denied that the city had asked the province for emergency funds.\n\n"
    "Reyes said the flood had killed 9 people in the river district.\n\n"
    "His remarks came a day ahead of Sunday's council vote on the relief package.\n\n"
    "The Harlow bridge collapsed on Thursday after two days of heavy rain, residents said.\n\n"
    "Rescue teams from three neighbouring towns searched the river banks through the night.\n"
)
# an undated rewrite of the Gazette report by a third outlet
DIGEST = (
    "Flood toll in Eastport reaches 12\n\n"
    "Mayor Lena Morrow of Eastport said on Saturday that 12 people had been killed by the flood in the river district.\n\n"
    "The city asked the province for emergency money to rebuild the Harlow bridge, Morrow said.\n\n"
    "A relief package of 40 million dollars goes to a council vote on Sunday.\n"
)


def mini_bundle(with_layers: bool = True) -> StoryBundle:
    """The fictional story with real sentence/actor/quote/timex layers where the stages exist."""
    arts = [
        Article.create(GAZETTE, title=GAZETTE.split("\n")[0], meta={"title_span": [0, GAZETTE.index("\n")]},
                       outlet="Harbor Gazette", published="2031-05-10", published_source="explicit"),
        Article.create(COURIER, title=COURIER.split("\n")[0], meta={"title_span": [0, COURIER.index("\n")]},
                       outlet="Valley Courier"),
        Article.create(DIGEST, title=DIGEST.split("\n")[0], meta={"title_span": [0, DIGEST.index("\n")]},
                       outlet="Daily Digest"),
    ]
    layers = {a.id: {"debris": []} for a in arts}
    if with_layers:
        from storyscope.stages.registry import all_stages
        for st in all_stages():
            for a in arts:  # one article at a time: a stage failure stays with its article, as in the pipeline
                try:
                    out = st.run([(a, {r: layers[a.id].get(r, []) for r in st.requires})])[0]
                except Exception:
                    continue
                layers[a.id].update(out)
    edge = {"article_id": arts[2].id, "source_id": arts[0].id, "score": 0.6, "kind": "paraphrase"}
    return StoryBundle(arts, layers, [edge])


@pytest.fixture(scope="module")
def story():
    b = mini_bundle()
    claims = extract_claims(b)
    return b, claims, align_claims(b, claims)


def _texts(b):
    return {a.id: a.text for a in b.articles}


def test_claims_attribution_polarity_numbers(story):
    b, claims, _ = story
    gaz, cour, dig = b.articles
    assert all(check_evidence(e, _texts(b)) for c in claims for e in c["evidence"])
    toll = next(c for c in claims if c["article_id"] == gaz.id and "killed 12" in c["sentence"])
    assert "Morrow" in toll["attributed_to"]
    assert toll["text"].startswith("the flood had killed 12 people")  # attribution trimmed
    assert any(n["value"] == 12 and n["noun"] == "people" for n in toll["numbers"])
    denial = next(c for c in claims if c["article_id"] == cour.id and "denied" in c["sentence"])
    assert denial["stance"] == "denies" and "Reyes" in denial["attributed_to"]
    assert denial["denials"][0]["complement"].startswith("the city had asked")
    own = next(c for c in claims if "searched the river banks" in c["sentence"] and c["article_id"] == gaz.id)
    assert own["attributed_to"] == "Harbor Gazette" and own["own_voice"]
    assert not any(c["text"].startswith("Eastport flood kills") for c in claims)  # headline skipped by default


def test_claims_without_sentence_layer_use_fallback_splitter():
    b = mini_bundle(with_layers=False)
    claims = extract_claims(b)
    assert len([c for c in claims if c["article_id"] == b.articles[0].id]) == 5
    assert all(check_evidence(e, _texts(b)) for c in claims for e in c["evidence"])


def test_alignment_counts_independent_sources(story):
    b, _, sc = story
    gaz, cour, dig = b.articles
    assert all(check_evidence(e, _texts(b)) for c in sc for e in c["evidence"])
    rescue = next(c for c in sc if "searched the river banks" in c["text"])
    assert set(rescue["article_ids"]) == {gaz.id, cour.id} and rescue["independent_sources"] == 2
    bridge = next(c for c in sc if "Harlow bridge collapsed" in c["text"])
    assert bridge["independent_sources"] == 2
    # the rewrite repeats the Gazette: merged, but one independent source
    vote = next(c for c in sc if gaz.id in c["article_ids"] and "40 million" in c["text"])
    assert dig.id in vote["article_ids"] and vote["independent_sources"] == 1
    # a denial never merges with what it denies; conflicting tolls never merge
    asked = [c for c in sc if any("asked the province" in e["text"] for e in c["evidence"])]
    assert all(len({m["stance"] for m in c["_members"]}) == 1 for c in asked)
    tolls = [c for c in sc if any("killed" in e["text"] for e in c["evidence"])]
    assert all(not ({gaz.id, cour.id} <= set(c["article_ids"])) for c in tolls)


def test_a_denial_reads_as_a_denial_never_as_the_deniers_assertion(story):
    """The denied content alone ("the city had asked the province ...") under the denier's name would say
    the opposite of what he said: the story claim shows the denial's whole sentence."""
    _, _, sc = story
    denial = next(c for c in sc if any("denied that the city" in e["text"] for e in c["evidence"]))
    assert "denied that the city had asked" in denial["text"], denial["text"]
    assert not denial["text"].startswith("the city had asked")


def test_analyse_text_free_statement():
    c = analyse_text("Officials said the dam was not damaged.")
    assert c["polarity"] == "negative" and c["text"] == "the dam was not damaged"


def test_seed_claims_have_valid_evidence(seeds_dir: pathlib.Path):
    from storyscope.ingest.text import read_text_file
    arts = [read_text_file(p.read_bytes(), str(p), str(p))[0][0] for p in sorted(seeds_dir.glob("0*.txt"))[:2]]
    b = StoryBundle(arts, {})
    claims = extract_claims(b)
    assert len(claims) > 10
    assert all(check_evidence(e, _texts(b)) for c in claims for e in c["evidence"])


def test_alignment_merges_on_shared_specific_numbers():
    """Paraphrases sharing a specific count ('eleven people', '19 goals in 31 games', '38 million') merge;
    a second count of the same noun is not a conflict when the other count is shared; 14 vs 23 dead is."""
    t1 = ("Eastport counts the cost\n\nPolice cleared the square in Eastport on Tuesday. Eleven people were detained and later released.\n\n"
          "Ana Ruiz scored 19 goals in 31 league games last season.\n\n"
          "Eastport paid 38 million euros for the new pumps.\n\n"
          "The flood killed 14 people, and about 1,200 residents were evacuated.\n")
    t2 = ("A hard week in Eastport\n\nRiot officers moved in on Tuesday. Eleven people were arrested, among them two volunteer medics.\n\n"
          "Ruiz, 24, finished last season with 19 goals in 31 league games and a knee injury.\n\n"
          "The new pumps were bought in a 38 million euro deal, the council said.\n\n"
          "About 1,200 people were evacuated from the town.\n\n"
          "The flood killed 23 people, the mayor said.\n")
    a = Article.create(t1, outlet="Harbor Gazette")
    b = Article.create(t2, outlet="Valley Courier")
    bundle = StoryBundle([a, b], {a.id: {"debris": []}, b.id: {"debris": []}})
    sc = align_claims(bundle, extract_claims(bundle))

    def merged(anchor_a, anchor_b):
        return any(any(anchor_a in e["text"] and e["article_id"] == a.id for e in c["evidence"])
                   and any(anchor_b in e["text"] and e["article_id"] == b.id for e in c["evidence"])
                   and c["independent_sources"] == 2 for c in sc)
    assert merged("Eleven people were detained", "Eleven people were arrested")
    assert merged("19 goals", "19 goals")
    assert merged("38 million euros", "38 million euro deal")
    assert merged("1,200 residents", "1,200 people")
    assert not merged("killed 14", "killed 23")


def test_claims_stating_different_years_never_merge():
    """A stated year that differs ("since 2002" / "since 2003") makes two propositions, whatever the
    pair model says; the same year on both sides does not block the merge guard."""
    from storyscope.compare.claim_align import _compatible
    base = {"stance": "assert", "polarity": "positive", "numbers": []}
    y2002 = {**base, "dates": [{"value": "2002", "precision": "year"}]}
    y2003 = {**base, "dates": [{"value": "2003", "precision": "year"}]}
    both = {**base, "dates": [{"value": "2003", "precision": "year"}, {"value": "2002", "precision": "year"}]}
    none = {**base, "dates": []}
    assert not _compatible(y2002, y2003)
    assert _compatible(y2002, both) and _compatible(y2002, none) and _compatible(y2003, y2003)


def _gazette_claims(text: str) -> list[dict]:
    """Claims of one Harbor Gazette article, its layers from every registered stage (as in ``mini_bundle``)."""
    art = Article.create(text, title=text.split("\n")[0], meta={"title_span": [0, text.index("\n")]},
                         outlet="Harbor Gazette")
    layers = {art.id: {"debris": []}}
    from storyscope.stages.registry import all_stages
    for st in all_stages():
        layers[art.id].update(st.run([(art, {r: layers[art.id].get(r, []) for r in st.requires})])[0])
    return extract_claims(StoryBundle([art], layers))


def test_a_sentence_of_a_quote_is_its_speakers_not_the_outlets():
    """A quote runs over two sentences and its attribution sits in the first: the second sentence is
    the speaker's claim, never the outlet's own voice."""
    text = ("Eastport counts the cost of the flood\n\n"
            "\"We rebuilt the bridge in a week,\" Eastport mayor Lena Morrow told reporters. "
            "\"The river district will be dry by the end of the month.\"\n")
    claims = _gazette_claims(text)
    second = next(c for c in claims if "dry by the end" in c["text"])
    assert second["attributed_to"] == "Lena Morrow" and not second["own_voice"]


def test_a_quote_with_its_speaker_named_after_it_is_the_speakers():
    text = ("Eastport counts the cost of the flood\n\n"
            "Eastport mayor Lena Morrow visited the river district on Saturday.\n\n"
            "\"We warned the province in writing last June, and nobody answered,\" Morrow told the Gazette.\n")
    claims = _gazette_claims(text)
    warned = next(c for c in claims if "nobody answered" in c["text"])
    assert warned["attributed_to"] == "Lena Morrow", warned["attributed_to"]


def test_numbers_spelled_with_a_hyphen_are_one_number():
    assert [n["value"] for n in analyse_text("Thirty-two people were rescued from the Harlow bridge.")["numbers"]] == [32.0]
    assert [n["value"] for n in analyse_text("Rescuers found sixty-five people on the river banks.")["numbers"]] == [65.0]


def test_opposite_words_keep_two_claims_apart():
    from storyscope.compare.claim_align import _compatible
    a = analyse_text("With hindsight, the damage at the Harlow bridge was preventable, the mayor said.")
    b = analyse_text("With hindsight, the damage at the Harlow bridge was unavoidable, the mayor said.")
    c = analyse_text("In hindsight, the damage at the Harlow bridge was avoidable, the mayor said.")
    assert not _compatible(a, b)
    assert _compatible(a, c)
