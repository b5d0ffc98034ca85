"""Provenance: a paraphrased rewrite is found and points at its dated wire source; an
independent report of the same event is not linked; external credits are read."""
from __future__ import annotations

import pathlib

import pytest

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.provenance import external_credits, find_provenance
from storyscope.record import Article, check_evidence

WIRE = """Harbour strike halts exports from Port Meridian

By REUTERS
PORT MERIDIAN, May 2 (Reuters) - Dock workers in Port Meridian walked off the job on Tuesday, halting nearly all grain exports from the country's largest harbour.
The union said the strike would continue until the harbour authority agreed to restore the night-shift bonus it cancelled in March.
About forty cargo ships were waiting at anchor outside the harbour on Tuesday evening, according to the port's shipping tracker.
The harbour authority said it had offered to reopen talks next week but would not reinstate the bonus.
Grain traders warned that prices could rise sharply if the ships remained stuck for more than a few days.
Transport minister Alma Reyes urged both sides to return to the negotiating table as soon as possible.
The last strike at the harbour, in 2029, lasted eleven days and cost exporters an estimated forty million dollars.
"""

REWRITE = """Dockers bring Port Meridian to a standstill

Port Meridian dock workers stopped work on Tuesday, bringing almost all grain shipments from the nation's biggest harbour to a halt.
According to the union, the walkout will go on until the harbour authority brings back the night-shift bonus that it scrapped in March.
Roughly forty cargo vessels were left waiting at anchor off the harbour on Tuesday night, the port's shipping tracker showed.
The harbour authority said it had proposed resuming talks next week, but it refused to bring back the bonus.
Grain traders cautioned that prices might climb steeply if the vessels stayed stuck for more than several days.
Meanwhile, local fishermen said the strike had not affected their small boats.
"""

INDEPENDENT = """Port Meridian strike: what it means for bread prices

Bakers in the capital are already worried. "If the grain does not move, flour gets expensive within a fortnight," said Tomas Keller, who runs three bakeries near the central market.
The dispute at Port Meridian began over a bonus for night work that managers withdrew this spring, a decision the union calls a broken promise.
Economists at the national bank estimate that each week of stoppage shaves a small fraction off quarterly growth.
Farmers inland have started storing their harvest in school gyms and empty warehouses while they wait for the harbour to reopen.
The minister for transport has not yet said whether the government would step in to mediate.
Previous stoppages have ended with compromise deals, and several union members said they expect the same this time.
"""


@pytest.fixture(scope="module")
def trio():
    wire = Article.create(WIRE, outlet="Wire", published="2031-05-02")
    rewrite = Article.create(REWRITE, outlet="Daily Echo")
    indep = Article.create(INDEPENDENT, outlet="Market Weekly", published="2031-05-03")
    return wire, rewrite, indep


def test_rewrite_found_independent_not(trio):
    wire, rewrite, indep = trio
    edges = find_provenance(StoryBundle([indep, rewrite, wire]))
    assert [(e["article_id"], e["source_id"]) for e in edges] == [(rewrite.id, wire.id)]
    e = edges[0]
    assert e["kind"] in {"paraphrase", "edited"}
    assert e["score"] >= 0.5 and len(e["aligned"]) >= 4
    texts = {a.id: a.text for a in trio}
    assert all(check_evidence(ev, texts) for ev in e["evidence"])
    # alignment is order-preserving: derived and source offsets both increase
    d = [p["derived"]["start"] for p in e["aligned"]]
    s = [p["source"]["start"] for p in e["aligned"]]
    assert d == sorted(d) and s == sorted(s)


def test_verbatim_copy_and_later_date_direction(trio):
    wire, _, indep = trio
    copy = Article.create(WIRE.replace("By REUTERS\n", ""), outlet="Copycat", published="2031-05-04")
    edges = find_provenance(StoryBundle([copy, wire, indep]))
    assert [(e["article_id"], e["source_id"], e["kind"]) for e in edges] == [(copy.id, wire.id, "verbatim")]


def test_independence_groups_use_edges(trio):
    wire, rewrite, indep = trio
    b = StoryBundle([wire, rewrite, indep])
    b.provenance = find_provenance(b)
    assert b.independent_count([wire.id, rewrite.id, indep.id]) == 2


def test_external_credits():
    text = ("By REUTERS\nLONDON (AFP) - The minister told Reuters on Monday that the plan, according to a draft "
            "obtained by The Intercept, was delayed.\nSputnik\n")
    art = Article.create(text)
    got = {c["source"]: c for c in external_credits(art)}
    assert {"Reuters", "AFP", "The Intercept", "Sputnik"} <= set(got)
    assert "byline" in got["Reuters"]["kinds"] and "attribution" in got["Reuters"]["kinds"]
    assert "dateline" in got["AFP"]["kinds"]
    for c in got.values():
        assert all(check_evidence(ev, {art.id: text}) for ev in c["evidence"])
    assert external_credits(Article.create("A plain story with no credit at all.\n")) == []


# ---------------------------------------------------------------- seeds (../shared)
def _seed_bundle(seeds_dir: pathlib.Path):
    from storyscope.ingest.text import read_text_file
    from storyscope.stages import get_stage
    pairs = [read_text_file(p.read_bytes(), str(p), str(p))[0] for p in sorted(seeds_dir.glob("0*.txt"))]
    arts = [a for a, _ in pairs]
    layers = {a.id: {"debris": layer.spans} for a, layer in pairs}
    for name in ("sentences",):
        st = get_stage(name)
        for a, out in zip(arts, st.run([(a, {r: layers[a.id].get(r, []) for r in st.requires}) for a in arts])):
            layers[a.id].update(out)
    return arts, layers


def test_seed_edges(seeds_dir):
    arts, layers = _seed_bundle(seeds_dir)
    key = {a.id: pathlib.Path(a.path).name[:3] for a in arts}
    edges = find_provenance(StoryBundle(arts, layers))
    assert {(key[e["article_id"]], key[e["source_id"]]) for e in edges} == {("001", "000")}
    texts = {a.id: a.text for a in arts}
    assert all(check_evidence(ev, texts) for e in edges for ev in e["evidence"])
    credits = {key[a.id]: {c["source"] for c in external_credits(a, layers[a.id]["debris"])} for a in arts}
    assert "Reuters" in credits["000"] and "Sputnik" in credits["003"] and "The Intercept" in credits["004"]


# ---------------------------------------------------------------- what an edge means
STATEMENT = ('"The harbour authority has acted in bad faith from the first day of these talks, and the union will '
             'not return to work until the night-shift bonus is restored in full," the union said in a statement.')
QUOTER_A = f"""Strike at Port Meridian enters second day

Grain exports remained frozen on Wednesday as the dock strike at Port Meridian dragged on.
{STATEMENT}
Ship owners said they were losing money every hour their vessels sat idle in the bay.
Officials at the farm ministry met traders in the capital to discuss storage for the harvest.
"""
QUOTER_B = f"""Union hardens stance as ships queue off Meridian

Dockers showed no sign of ending their walkout, now in its second day, according to pickets at the main gate.
{STATEMENT}
A spokesman for the harbour authority declined to comment on the statement when reached by telephone.
Bakers in the north of the country warned that flour could soon become scarce.
"""


def test_two_outlets_quoting_one_statement_is_not_copying():
    a = Article.create(QUOTER_A, outlet="Gazette", published="2031-05-03")
    b = Article.create(QUOTER_B, outlet="Courier", published="2031-05-03")
    assert find_provenance(StoryBundle([a, b])) == []


def test_copies_point_to_their_one_source_and_aligned_passages_correspond(trio):
    wire, _, indep = trio
    body = WIRE.replace("By REUTERS\n", "")
    c1 = Article.create(body, outlet="Copycat", published="2031-05-04")
    c2 = Article.create(body + "Port officials in the capital said more talks were planned for Friday.\n",
                        outlet="Echo", published="2031-05-05")
    edges = find_provenance(StoryBundle([c2, c1, wire, indep]))
    assert {e["article_id"] for e in edges} == {c1.id, c2.id}          # one edge per derived article
    assert all(e["source_id"] == wire.id for e in edges)                # never copy -> copy of one source
    texts = {a.id: a.text for a in (wire, c1, c2)}
    for e in edges:
        assert 0 < e["confidence"] <= 1
        for p in e["aligned"]:    # a verbatim copy: each shown pair is the same sentence
            d, s = p["derived"], p["source"]
            assert texts[d["article_id"]][d["start"]:d["end"]] == texts[s["article_id"]][s["start"]:s["end"]]


def test_case_14_wire_copy_with_new_lede_and_no_credit(seeds_dir):
    from storyscope.ingest.text import read_text_file
    d = seeds_dir.parent / "cases" / "14-wire-copy-new-lede-no-credit"      # ../shared (skipped when absent)
    arts = {p.stem: read_text_file(p.read_bytes(), str(p), str(p))[0][0] for p in sorted(d.glob("*.txt"))}
    edges = find_provenance(StoryBundle(list(arts.values())))
    assert [(e["article_id"], e["source_id"]) for e in edges] == \
        [(arts["capital_daily"].id, arts["norland_press_agency"].id)]


# ---------------------------------------------------------------- crediting another outlet of the story
def test_credits_outlet_reads_reporting_cues_not_interviews():
    from storyscope.compare.provenance import credits_outlet, names_outlet
    times = Article.create("The council met on Monday.\n", outlet="nyt", url="https://www.nytimes.com/2031/05/02/x.html")
    post = Article.create("The council met.\n", outlet="Harbour Post", url="https://harbourpost.example/a")
    assert names_outlet("The New York Times", {"nyt"}) and names_outlet("New York Times", {"nytimes"})
    assert names_outlet("Harbour Post", {"harbourpost"}) and not names_outlet("Harbour Council", {"harbourpost"})
    rewrite = Article.create("The council approved the plan, the New York Times reports.\n", outlet="Echo")
    told = Article.create('"We approved it," the mayor told The New York Times on Monday.\n', outlet="Echo")
    according = Article.create("According to Harbour Post, the council approved the plan.\n", outlet="Echo")
    assert credits_outlet(rewrite, times) and not credits_outlet(rewrite, post)
    assert not credits_outlet(told, times)          # a quote given to a reporter is not the article's text
    assert credits_outlet(according, post) and not credits_outlet(times, rewrite)


LEDGER = """Lind sisters split over harbour tax

Ada Lind, the younger sister of council candidate Bea Lind, sharply criticised her sister's stance on the harbour tax and urged her followers to share the message.
Posting online on Friday evening, Ada Lind, who runs a bakery in the old town, wrote: "I love my sister, but she is dead wrong on the tax."
Earlier on Friday, Bea Lind revealed her position on the harbour tax, a subject she had avoided since declaring her candidacy in May.
"I am not in favour of the tax, and I never have been," Bea Lind said in a statement.
The family quarrel mirrors a wider split among the town's merchants over the harbour tax.
Mayor Otto Brandt, who faces no challenger this year, supports the tax.
"""
POST = """Candidate's sister calls her 'dead wrong'

Ada Lind, the younger sister of council candidate Bea Lind, criticised her sister's opposition to the harbour tax in a Friday post, the Tolven Ledger reports.
According to the Ledger, Ada Lind, who owns a bakery in the old town, took to the internet to rebuke her sister.
"I love my sister, but she is dead wrong on the tax," she wrote.
On Friday, Bea Lind issued a statement voicing her opposition to the harbour tax.
"I am not in favour of the tax, and I never have been," she said.
"""


def test_rewrite_crediting_its_source_outlet_points_to_it():
    ledger = Article.create(LEDGER, outlet="Tolven Ledger", url="https://tolvenledger.example/lind", published="2031-06-01")
    post = Article.create(POST, outlet="Harbour Post", published="2031-06-02")
    edges = find_provenance(StoryBundle([post, ledger]))
    assert [(e["article_id"], e["source_id"]) for e in edges] == [(post.id, ledger.id)]
    e = edges[0]
    assert e["credit"] and e["kind"] == "paraphrase" and 0.5 <= e["confidence"] <= 1
    texts = {a.id: a.text for a in (ledger, post)}
    for p in e["aligned"]:        # narrative sentences, never the shared quotes
        assert '"' not in texts[p["derived"]["article_id"]][p["derived"]["start"]:p["derived"]["end"]][:1]
    d = [p["derived"]["start"] for p in e["aligned"]]
    assert d == sorted(d) and len(d) >= 2


FOOTER = """Sign up for our newsletter to get the latest news from the valley every morning.
Follow us on social media for updates throughout the day and the weekend.
Copyright 2031 Northwind Media Group. All rights reserved.
This story has been updated to add details from the regional council meeting.
"""


def test_shared_footer_is_not_reuse():
    a = Article.create("Orchard growers expect a record apple harvest\n\nGrowers in the Tamsin valley expect the largest "
                       "apple harvest in a decade after a mild spring and a wet summer.\nPickers from three "
                       "neighbouring towns have been hired for the season, which starts next week.\n" + FOOTER,
                       outlet="Valley News", published="2031-09-01")
    b = Article.create("Ferry fares to rise in October\n\nThe ferry company serving Oster island will raise fares by "
                       "eight percent from October, citing fuel costs.\nIslanders said the rise would hit commuters "
                       "who cross to the mainland every day.\n" + FOOTER, outlet="Valley News Online", published="2031-09-01")
    assert find_provenance(StoryBundle([a, b])) == []
