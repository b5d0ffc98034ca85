"""Framing: lexicon terms for one referent across outlets, with the voice that uses them."""
from __future__ import annotations

import json

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.framing import find_framing, load_lexicon
from storyscope.record import Article, Span, check_evidence

T1 = "Northland troops invaded Southland on Monday, and the invasion drew swift condemnation.\n"
T2 = ('Officials in Northland described the special military operation in Southland as limited. '
      '"This is aggression against Southland," said opposition leader Mara Quist.\n')
T3 = "Farmers in Eastvale reported a good harvest this year, with prices stable.\n"


def _places(text: str, names=("Northland", "Southland", "Eastvale")) -> list[Span]:
    out = []
    for n in names:
        i = text.find(n)
        while i >= 0:
            out.append(Span(i, i + len(n), "GPE", {"actor": n.lower(), "canonical": n}))
            i = text.find(n, i + 1)
    return out


def test_terms_voice_and_evidence():
    a, b, c = (Article.create(t) for t in (T1, T2, T3))
    q = T2.index("This is aggression")
    quotes = [Span(q, q + len("This is aggression against Southland,"), "direct",
                   {"speaker_canonical": "Mara Quist", "speaker_actor": "mara quist"})]
    layers = {a.id: {"actors": _places(T1), "quotes": []}, b.id: {"actors": _places(T2), "quotes": quotes},
              c.id: {"actors": _places(T3), "quotes": []}}
    rows = [r for r in find_framing(StoryBundle([a, b, c], layers)) if r["source"] == "lexicon"]
    war = [r for r in rows if set(r["terms"]) == {a.id, b.id}]
    assert len(war) == 1 and war[0]["concept"] == "Northland's military action in Southland"
    got = {aid: {(t["term"], t["voice"]) for t in ts} for aid, ts in war[0]["terms"].items()}
    assert got[a.id] == {("invaded", "outlet"), ("invasion", "outlet")}
    assert got[b.id] == {("special military operation", "outlet"), ("aggression", "quoted")}
    quoted = next(t for t in war[0]["terms"][b.id] if t["voice"] == "quoted")
    assert quoted["speaker"] == "Mara Quist"
    texts = {x.id: x.text for x in (a, b, c)}
    assert all(check_evidence(ev, texts) for r in rows for ts in r["terms"].values() for t in ts for ev in t["evidence"])
    assert c.id not in {aid for r in rows for aid in r["terms"]}


def test_lexicon_is_extensible(tmp_path):
    lex = {"version": 1, "concepts": {"weather": {"label": "severe weather", "terms": [
        {"term": "storm", "patterns": ["\\bstorms?\\b"]}, {"term": "weather bomb", "patterns": ["\\bweather bomb\\b"]}]}}}
    p = tmp_path / "lex.json"
    p.write_text(json.dumps(lex))
    assert set(load_lexicon(str(p))) == {"weather"}
    t1, t2 = "A storm hit Eastvale overnight.\n", "A weather bomb hit Eastvale overnight.\n"
    a, b = Article.create(t1), Article.create(t2)
    rows = find_framing(StoryBundle([a, b], {a.id: {"actors": _places(t1)}, b.id: {"actors": _places(t2)}}),
                        lexicon_path=str(p), aligned=False)
    assert len(rows) == 1 and {t["term"] for ts in rows[0]["terms"].values() for t in ts} == {"storm", "weather bomb"}


def test_default_lexicon_families():
    lex = load_lexicon()
    assert {"military-action", "removal-from-power", "protest", "killing", "migration"} <= set(lex)


def test_seed_war_framing(seed_layers):
    arts, layers, key = seed_layers
    rows = find_framing(StoryBundle(arts, layers))
    want = {"000": ["invaded"], "001": ["special operation", "military operation"], "002": ["invasion"],
            "003": ["special military operation"], "004": ["invasion", "proxy war"]}
    war = [r for r in rows if r.get("concept_id") == "military-action" and len(r["terms"]) == 5]
    assert len(war) == 1 and war[0]["concept"] == "Russia's military action in Ukraine"
    terms = {key[aid]: {t["term"] for t in ts} for aid, ts in war[0]["terms"].items()}
    for art, ws in want.items():
        assert set(ws) <= terms[art], (art, terms[art])
    texts = {a.id: a.text for a in arts}
    assert all(check_evidence(ev, texts) for r in rows for ts in r["terms"].values() for t in ts for ev in t["evidence"])


def test_failure_and_force_families_join_one_referent():
    """Dam 'collapse'/'breach' vs 'controlled release', 'crackdown' vs 'security operation': place-less
    occurrences join the story's only group of their concept; an outlet's name is never a place."""
    t1 = ("The Harlow Dam in Eastvale gave way on Friday. The collapse flooded two villages. "
          "Riot police ended a sit-in near the dam; the crackdown lasted an hour.\n")
    t2 = "Officials at the Harlow Dam said engineers had carried out a controlled release on Friday.\n"
    t3 = ("Records seen by Northwire show the reservoir was full the day before the breach. "
          "Police described the security operation as necessary.\n")
    a, b, c = (Article.create(t, outlet=o) for t, o in ((t1, "Eastvale Post"), (t2, "State Radio"), (t3, "Northwire")))
    def dam(t):
        i = t.find("Harlow Dam")
        return [Span(i, i + 10, "LOC", {"actor": "harlow dam", "canonical": "Harlow Dam"})] if i >= 0 else []
    nw = t3.index("Northwire")
    layers = {a.id: {"actors": _places(t1) + dam(t1)}, b.id: {"actors": dam(t2)},
              c.id: {"actors": [Span(nw, nw + 9, "GPE", {"actor": "northwire", "canonical": "Northwire"})]}}
    rows = {r["concept_id"]: r for r in find_framing(StoryBundle([a, b, c], layers), aligned=False)}
    fail = rows["structural-failure"]
    terms = {aid: {t["term"] for t in ts} for aid, ts in fail["terms"].items()}
    assert terms == {a.id: {"gave way", "the collapse"}, b.id: {"controlled release"}, c.id: {"the breach"}}
    force = {aid: {t["term"] for t in ts} for aid, ts in rows["force-against-crowd"]["terms"].items()}
    assert force == {a.id: {"crackdown"}, c.id: {"security operation"}}
    # 'riot police' is not a riot
    assert "protest" not in rows or all("riot" not in t["term"] for ts in rows["protest"]["terms"].values() for t in ts)


def test_a_term_counts_only_where_it_names_the_referent():
    """'coup-prone country' does not frame the ouster as a coup; 'died after a long illness' is not
    'a death caused by others'; every term and finding carries a confidence."""
    t1 = "The army ousted President Vela of Southland on Monday in what rivals called a coup.\n"
    t2 = "Southland, a coup-prone country, saw President Vela removed from power by the army on Monday.\n"
    t3 = "Southland's former defence minister died after a long illness, his family said on Monday.\n"
    t4 = "Two protesters were killed in Southland on Monday when soldiers fired on a crowd.\n"
    arts = [Article.create(t) for t in (t1, t2, t3, t4)]
    layers = {a.id: {"actors": _places(a.text), "quotes": []} for a in arts}
    rows = {r["concept_id"]: r for r in find_framing(StoryBundle(arts, layers), aligned=False)}
    removal = {aid: {t["term"] for t in ts} for aid, ts in rows["removal-from-power"]["terms"].items()}
    assert "coup" not in removal.get(arts[1].id, set()) and "coup" in removal[arts[0].id]
    killing = rows.get("killing", {"terms": {}})["terms"]
    assert arts[2].id not in killing
    for r in rows.values():
        assert 0 < r["confidence"] <= 1
        assert all(0 < t["confidence"] <= 1 for ts in r["terms"].values() for t in ts)


def test_learned_confidence_of_each_term():
    """Each term says how it was tied to its referent and carries the learned P(correct) of its features
    (models/framing); the row's confidence is the second most certain article's best term; without the
    model (learned=False) the hand-set values stand."""
    from storyscope.compare.framing import _entry_confidence
    from storyscope.compare.framing_confidence import term_confidence, term_features
    a, b = Article.create(T1), Article.create(T2)
    layers = {a.id: {"actors": _places(T1), "quotes": []}, b.id: {"actors": _places(T2), "quotes": []}}
    bundle = StoryBundle([a, b], layers)
    rows = [r for r in find_framing(bundle, aligned=False) if set(r["terms"]) == {a.id, b.id}]
    assert rows
    for r in rows:
        for t in (t for ts in r["terms"].values() for t in ts):
            assert t["tie"] in ("place", "article", "story") and t["confidence"] == term_confidence(term_features(r, t))
        assert r["confidence"] == _entry_confidence(r["terms"])
    placed = {"tie_place": 1.0}
    assert term_confidence({**placed, "tie_story": 0.0}) > term_confidence({"tie_story": 1.0})
    hand = [r for r in find_framing(bundle, aligned=False, learned=False) if set(r["terms"]) == {a.id, b.id}]
    assert {t["confidence"] for r in hand for ts in r["terms"].values() for t in ts} <= {0.95, 0.475, 0.807, 0.713}
