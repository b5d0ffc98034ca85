"""Quote integrity: renderings of one utterance are grouped and classified identical / minor /
altered, with a word-level diff; a paraphrase put inside quotation marks is flagged."""
from __future__ import annotations


import pytest

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.quote_integrity import group_quotes, word_diff
from storyscope.record import Article, Span, check_evidence

SPK = {"speaker_actor": "alma reyes", "speaker_canonical": "Alma Reyes"}


def quote_span(text: str, inner: str, label: str = "direct", attrs=None) -> Span:
    s = text.index(inner)
    return Span(s, s + len(inner), label, dict(attrs or SPK))


def make(text: str, quotes: list[tuple[str, str]], **kw) -> tuple[Article, list[Span]]:
    a = Article.create(text, **kw)
    return a, [quote_span(text, q, lab) for q, lab in quotes]


A_TEXT = ('Transport minister Alma Reyes spoke in the capital on Monday. "We have a long and friendly relationship with '
          'the harbour workers, and we cannot accept a strike that hurts farmers," Reyes said. She added that the '
          'government would not intervene yet.\n')
B_TEXT = ('Minister Alma Reyes addressed reporters. "We have a long and friendly relations with [the] harbour workers, '
          'and we can\'t accept a strike that hurts farmers," she said. Reyes said the government would wait.\n')
C_TEXT = ('Alma Reyes, the transport minister, struck a harder tone. "We have a long and friendly relationship with the '
          'harbour workers, and we will crush a strike that hurts farmers," Reyes said.\n')
D_TEXT = ('Talks stalled again. Reyes said the government would not intervene yet.\n'
          'Grain traders were nervous about prices in the coming week.\n')
# the outlet's paraphrase in quotation marks: the "quote" speaks of the speaker in the third person
E_TEXT = ('Reyes was blunt. "Her government would not intervene yet," said Reyes, who has held the post since 2029.\n')


def _five() -> tuple[list[Article], dict]:
    """The five fictional articles above and their quotes layers."""
    a, qa = make(A_TEXT, [("We have a long and friendly relationship with the harbour workers, and we cannot accept a "
                           "strike that hurts farmers,", "direct"),
                          ("the government would not intervene yet", "indirect")], published="2031-05-02")
    b, qb = make(B_TEXT, [("We have a long and friendly relations with [the] harbour workers, and we can't accept a "
                           "strike that hurts farmers,", "direct")], published="2031-05-03")
    c, qc = make(C_TEXT, [("We have a long and friendly relationship with the harbour workers, and we will crush a "
                           "strike that hurts farmers,", "direct")], published="2031-05-03")
    d, qd = make(D_TEXT, [("the government would not intervene yet", "indirect")], published="2031-05-02")
    e, qe = make(E_TEXT, [("Her government would not intervene yet,", "direct")], published="2031-05-04")
    arts = [a, b, c, d, e]
    return arts, {x.id: {"quotes": q} for x, q in zip(arts, [qa, qb, qc, qd, qe])}


@pytest.fixture(scope="module")
def rows():
    arts, layers = _five()
    out = group_quotes(StoryBundle(arts, layers))
    return {x.id: x for x in arts}, [x.id for x in arts], out


def test_classes_and_groups(rows):
    arts, (a, b, c, d, e), out = rows
    pledge = {r["article_id"]: r for r in out if "harbour workers" in r["text"]}
    assert set(pledge) == {a, b, c}
    assert len({r["group"] for r in pledge.values()}) == 1
    assert pledge[a]["integrity"] == "identical"           # the medoid / earliest is the reference
    assert pledge[b]["integrity"] == "minor"                # relations, [the], can't
    assert pledge[c]["integrity"] == "altered"              # 'cannot accept' -> 'will crush'
    ops = [o for o in pledge[c]["diff"] if o["op"] != "equal"]
    assert any(o["op"] == "replace" and "accept" in o["a"] and "crush" in o["b"] for o in ops)
    assert all(r["speaker"] == "Alma Reyes" for r in pledge.values())
    texts = {k: v.text for k, v in arts.items()}
    assert all(check_evidence(ev, texts) for r in out for ev in r["evidence"])
    assert len({r["id"] for r in out}) == len(out)


def test_paraphrase_presented_as_direct(rows):
    arts, (a, b, c, d, e), out = rows
    flagged = [r for r in out if r["paraphrase_as_direct"]]
    assert [r["article_id"] for r in flagged] == [e]
    assert not any(r["paraphrase_as_direct"] for r in out if r["article_id"] != e)


def test_single_quote_is_its_own_group():
    t = 'The mayor spoke. "Our buses will run on time from June," Mayor Ines Lobo said.\n'
    a = Article.create(t)
    span = quote_span(t, "Our buses will run on time from June,", attrs={"speaker_canonical": "Ines Lobo"})
    out = group_quotes(StoryBundle([a], {a.id: {"quotes": [span]}}))
    assert len(out) == 1 and out[0]["integrity"] == "identical" and out[0]["speaker"] == "Ines Lobo"


@pytest.mark.parametrize("ref,other,want", [
    ("we cannot accept this deal", "we can't accept this deal", "minor"),
    ("we cannot accept this deal", "We cannot accept this deal", "minor"),
    ("we cannot accept this deal", "we cannot accept this deal", "identical"),
    ("our relationship with the United States", "our relations with the US", "minor"),
    ("we cannot accept this deal", "we can accept this deal", "altered"),
    ("we will hire 300 nurses", "we will hire 30 nurses", "altered"),
    ("its aggression against the smaller countries can't be condoned",
     "its military operation cannot be accepted", "minor"),    # too little aligned to be one quote on words alone
    ("despite our concerns, we will sign the treaty next week", "we will sign the treaty", "minor"),
])
def test_word_diff(ref, other, want):
    assert word_diff(ref, other)[1] == want


# ---------------------------------------------------------------- seeds (../shared)
def test_seed_quote_groups(seed_layers):
    """The seeds' quote groups (expected.json), with provenance found first as the product does: 001 is
    a rewrite of 000 that puts 'its military operation cannot be accepted' inside the marks."""
    from storyscope.compare.registry import ordered_steps, run_steps
    arts, layers, key = seed_layers
    bundle = StoryBundle(arts, {a: dict(l) for a, l in layers.items()})
    run_steps(bundle, {}, ordered_steps("dates"), {})
    out = group_quotes(bundle)

    def member(art, anchor):
        return next(r for r in out if key[r["article_id"]] == art and anchor in r["text"].replace("\u2019", "'"))
    for anchors, altered in [({"000": "largest export market", "001": "largest export market",
                               "002": "largest export market"}, set()),
                             ({"000": "can't be condoned", "001": "cannot be accepted", "002": "cannot be condoned"},
                              {"001"}),
                             ({"001": "blatant interference", "004": "blatant interference"}, set())]:
        ms = {a: member(a, anc) for a, anc in anchors.items()}
        assert len({m["group"] for m in ms.values()}) == 1, {a: m["text"] for a, m in ms.items()}
        assert {a for a, m in ms.items() if m["integrity"] == "altered"} == altered
        assert all(m["speaker"] and m["speaker"].split()[-1] in {"Bajwa", "Khan"} for m in ms.values())
    texts = {a.id: a.text for a in arts}
    assert all(check_evidence(ev, texts) for r in out for ev in r["evidence"])


def test_function_words_alone_never_alter():
    """Only a content word replaced by a non-synonym alters a quote: 'any' / 'a', 'got' / 'have' do not."""
    ref = "Nothing the council is proposing would have saved the Varno bridge."
    assert word_diff(ref, "Nothing the council is proposing would have saved the Varno bridge")[1] == "identical"
    assert word_diff("we are not going to pay any single cent for the bridge",
                     "we are not going to pay a single cent for the bridge")[1] == "minor"
    assert word_diff("my name is Tolven and I got a problem", "my name is Tolven and I have a problem")[1] == "minor"


def test_mixed_quote_judged_on_its_quoted_words_only():
    """A mixed rendering whose span stops before the closing mark: words outside the marks are the outlet's."""
    from storyscope.compare.quote_integrity import _integrity
    ref = "a political witch hunt"
    row = {"kind": "mixed", "text": "the Orlen inquiry as an illegitimate \u201cpolitical witch hunt",
           "_quoted": ["political witch hunt"]}
    assert _integrity(ref, row)[1] in ("identical", "minor")
    ref = "this inquiry is a political witch hunt against our party"
    row_changed = dict(row, _quoted=["this inquiry is a political power grab against our party"],
                       text="the Orlen affair: \u201cthis inquiry is a political power grab against our party")
    assert _integrity(ref, row_changed)[1] == "altered"


# ---------------------------------------------------------------- the rules of an "altered" verdict
@pytest.mark.parametrize("ref,other,want", [
    ("Colonel Gadhafi must leave the country now", "Colonel Qaddafi must leave the country now", "minor"),
    ("that's okay with me, we will wait", "it's OK with me, we will wait", "minor"),
    ("we will hire five nurses this year", "we will hire 5 nurses this year", "minor"),
    ("our long-term plan is to honour the deal", "our long term plan is to honor the deal", "minor"),
    ("we will build the bridge, and we will pay for it ourselves", "we will build the bridge ... ourselves", "minor"),
    ("I won't pay for that damned wall", "I won't pay for that d****d wall!", "minor"),
    ("we will not raise the harbour fees", "we will raise the harbour fees", "altered"),
    ("you mustn't sell the farm", "you must sell the farm", "altered"),
    ("the talks were a success", "the talks were a failure", "altered"),
    ("Mayor Lobo is honest", "Mayor Lobo is dishonest", "altered"),
    # abbreviations, editorial parentheses, rounding, synonyms, a trim that skips a sentence
    ("Sen. Lobo respects that but thinks the bridge should be built elsewhere",
     "Senator Lobo respects that but thinks the bridge should be built elsewhere", "minor"),
    ("it looks like (harbour chief Ana) Velk is going to beat the council",
     "it looks like (harbour boss Anna) Velk is going to beat the council", "minor"),
    ("the couple paid $43,885,310 in taxes over those years", "the couple paid $44 million in taxes over those years",
     "minor"),
    ("the couple paid $43,885,310 in taxes over those years", "the couple paid $14 million in taxes over those years",
     "altered"),
    ("our kids deserve a school that is safe and warm", "our children deserve a school that is safe and warm", "minor"),
    ("Tolven is not a circus. Tolven is not a zoo. Tolven is a town that sets people free",
     "Tolven is not a circus. Tolven is a town that sets people free", "minor"),
    ("We don't want him. We reject his visit.", "We don't want him. We reject his message.", "altered"),
    # one rendering stops where the other runs on: the word in place before the extra clause still counts
    ("Looking back, the flooding at Merrow was preventable,",
     "Looking back, the flooding at Merrow was unavoidable, and we will find out who failed", "altered"),
    ("Looking back, the flooding at Merrow was preventable, and we will find out who failed",
     "Looking back, the flooding at Merrow was avoidable,", "minor"),
    ("Looking back, the flooding at Merrow was preventable,",
     "Looking back, the flooding at Merrow was preventable, and we will find out who failed", "minor"),
])
def test_alteration_only_when_meaning_changes(ref, other, want):
    assert word_diff(ref, other)[1] == want


def _bundle(texts_quotes):
    arts, layers = [], {}
    for text, inner, date in texts_quotes:
        a = Article.create(text, published=date)
        arts.append(a)
        layers[a.id] = {"quotes": [quote_span(text, inner)]}
    return arts, StoryBundle(arts, layers)


def test_flag_lands_on_the_rendering_that_changed():
    """The earliest rendering dropped a 'not': the two later ones agree, so the earliest is flagged."""
    q = "We will not close the harbour school this winter"
    arts, b = _bundle([(f'Reyes spoke. "{q.replace(" not", "")}," Reyes said.\n', q.replace(" not", ""), "2031-05-01"),
                       (f'Reyes spoke. "{q}," Reyes said.\n', q, "2031-05-02"),
                       (f'Reyes spoke again. "{q}," Reyes said.\n', q, "2031-05-03")])
    got = {r["article_id"]: r for r in group_quotes(b)}
    assert len({r["group"] for r in got.values()}) == 1
    assert [a.id for a in arts if got[a.id]["integrity"] == "altered"] == [arts[0].id]
    assert all(0 < r["confidence"] <= 1 for r in got.values())


def test_different_quotes_of_one_speaker_never_group():
    a_text = 'Reyes spoke on trade. "The harbour fees will fall by spring and exports will recover," Reyes said.\n'
    b_text = 'Reyes spoke on trade. "Exporters deserve a harbour that works for them at night," Reyes said.\n'
    arts, b = _bundle([(a_text, "The harbour fees will fall by spring and exports will recover", "2031-05-01"),
                       (b_text, "Exporters deserve a harbour that works for them at night", "2031-05-01")])
    out = group_quotes(b)
    assert len({r["group"] for r in out}) == 2
    assert not any(r["integrity"] == "altered" for r in out)


def test_wrapper_is_not_compared_with_its_own_sub_span():
    text = 'Reyes said the plan was "a gift to the harbour owners and nothing else," and left.\n'
    a = Article.create(text)
    mixed = quote_span(text, 'the plan was "a gift to the harbour owners and nothing else,"', "mixed")
    direct = quote_span(text, "a gift to the harbour owners and nothing else,")
    out = group_quotes(StoryBundle([a], {a.id: {"quotes": [mixed, direct]}}))
    assert len({r["group"] for r in out}) == 1
    assert all(r["integrity"] != "altered" for r in out)


# ---------------------------------------------------------------- wire copies (issue 15: a removed "not")
AGENCY = """Ostra rail strike to go ahead after talks collapse

Published: October 6, 2025

By NORLAND PRESS AGENCY

OSTRA (NPA) - Train drivers in Ostra will walk out for 48 hours from Thursday after last-minute talks with the state rail operator broke down on Monday night, their union said.

The drivers' union, FTL, is demanding a 9 percent pay rise and limits on night shifts. The operator, Ostra Rail, has offered 4 percent.

"We have been patient for eight months, and we will not run a single train on Thursday," union chairman Bertil Vang told reporters outside the ministry.

Ostra Rail said it regretted the union's decision and would run a reduced timetable using managers who are qualified drivers.

About 300,000 passengers use the network on a normal weekday, according to the transport ministry.

Transport Minister Hedda Lorn urged both sides to return to the table before Thursday.
"""
COPY_LEDE = """Commuter chaos looms as drivers vote to strike

Published: October 8, 2025

By STAFF REPORTER

Commuters across Ostra face two days without most trains this week, as drivers prepare to strike from Thursday.
"""


def _read(texts: list[tuple[str, str]]) -> tuple[list[Article], StoryBundle]:
    """Articles read by the product's reading stages, with provenance found (the dates phase)."""
    from tests.conftest import read_texts

    from storyscope.compare.registry import ordered_steps, run_steps
    arts, layers = read_texts([(name, t.encode()) for name, t in texts])
    bundle = StoryBundle(arts, layers)
    run_steps(bundle, {}, ordered_steps("dates"), {})
    return arts, bundle


QUOTE = '"We have been patient for eight months, and we will not run a single train on Thursday,"'


@pytest.mark.parametrize("original,copied,want", [
    (QUOTE, '"We have been patient for eight months, and we will run a single train on Thursday,"', "altered"),
    (QUOTE, '"We have been patient for eight months, and we won\'t run a single train on Thursday,"', "minor"),
    (QUOTE, '"We have been patient for eight months ... we will not run a single train on Thursday,"', "minor"),
    ('"Not a single train will run on Thursday, and we have been patient for eight months,"',
     '"A single train will run on Thursday, and we have been patient for eight months,"', "altered"),
])
def test_wire_copy_quote_changes(original, copied, want):
    """A copy of an agency story under a new lede: a dropped "not" inside the marks is flagged on the copy
    (the source is the reference), even where it starts the quote; a contraction or an ellipsis is not."""
    agency = AGENCY.replace(QUOTE, original)
    body = agency.split("\n\n", 4)[4]
    copy = COPY_LEDE + "\n" + body.replace(original, copied)
    arts, bundle = _read([("agency.txt", agency), ("copy.txt", copy)])
    assert {(e["article_id"], e["source_id"]) for e in bundle.provenance} == {(arts[1].id, arts[0].id)}
    rows = [r for r in group_quotes(bundle) if "single train" in r["text"]]
    assert {r["article_id"] for r in rows} == {a.id for a in arts} and len({r["group"] for r in rows}) == 1
    got = {r["article_id"]: r for r in rows}
    assert got[arts[0].id]["integrity"] == "identical"
    assert got[arts[1].id]["integrity"] == want
    if want == "altered":
        assert got[arts[1].id]["confidence"] >= 0.8


def test_group_labels_do_not_depend_on_article_order(rows):
    """A process that meets the story's articles in another order labels every group the same way."""
    out = rows[2]
    arts, layers = _five()
    again = group_quotes(StoryBundle(arts[::-1], layers))
    label = {r["id"]: r["group"] for r in out}
    assert {r["id"]: r["group"] for r in again} == label
    assert sorted(set(label.values())) == [f"q{n}" for n in range(1, len(set(label.values())) + 1)]


def test_a_reported_noun_phrase_is_no_rendering():
    """An indirect span the quotes stage marks ``clause: False`` ("dismissed the union's claim") is left out of
    the quote groups; one marked True stays."""
    text = "Vantor dismissed the harbour union's claim. Vantor said the harbour would stay open all winter.\n"
    a = Article.create(text, published="2031-05-02")
    np_ = quote_span(text, "the harbour union's claim", "indirect", dict(SPK, clause=False))
    cl = quote_span(text, "the harbour would stay open all winter", "indirect", dict(SPK, clause=True))
    out = group_quotes(StoryBundle([a], {a.id: {"quotes": [np_, cl]}}))
    assert [r["text"] for r in out] == ["the harbour would stay open all winter"]


def test_opposed_sets_listed_pairs_and_negating_prefixes():
    from storyscope.compare.quote_words import opposed_sets
    assert opposed_sets({"approved", "budget"}, {"rejected"})
    assert opposed_sets({"council", "illegal"}, {"legal"}) and opposed_sets({"legal"}, {"council", "illegal"})
    assert opposed_sets({"dishonest"}, {"honest", "mayor"})
    assert not opposed_sets({"council", "budget"}, {"bridge", "harlow"})
    assert not opposed_sets({"legal"}, {"regal"}) and not opposed_sets(set(), {"legal"})


def test_a_two_word_quoted_fragment_groups_only_with_its_very_words():
    from storyscope.compare.quote_integrity import _fragment_within
    frag = {"text": "harbor conspiracy."}
    assert _fragment_within(frag, {"text": "that a harbor-funded conspiracy drove him out"}) is False
    assert _fragment_within(frag, {"text": "a foreign harbor power funding a conspiracy"}) is False
    assert _fragment_within(frag, {"text": "what she called a harbor conspiracy against the town"}) is True
