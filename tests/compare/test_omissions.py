"""Omissions: what the other independent articles report and an article leaves out."""
from __future__ import annotations

import importlib.util
import pathlib

from storyscope.compare.claim_align import align_claims
from storyscope.compare.claims import extract_claims
from storyscope.compare.omissions import find_omissions
from storyscope.record import check_evidence

HERE = pathlib.Path(__file__).resolve().parent


def _mini_bundle():
    spec = importlib.util.spec_from_file_location("_mini_story", HERE / "test_claims.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.mini_bundle()


def test_omissions_on_mini_story():
    b = _mini_bundle()
    gaz, cour, dig = b.articles
    sc = align_claims(b, extract_claims(b))
    om = {o["article_id"]: o for o in find_omissions(b, sc)}
    by_id = {c["id"]: c for c in sc}
    texts = {a.id: a.text for a in b.articles}
    assert all(check_evidence(e, texts) for o in om.values() for e in o["evidence"])
    # the rewrite drops the rescue teams and the bridge collapse, which both independent outlets report
    missing = " ".join(by_id[i]["text"] for i in om[dig.id]["claim_ids"])
    assert "searched the river banks" in missing and "Harlow bridge collapsed" in missing
    # the Gazette and the Courier report both: nothing to charge them with from that pair
    for aid in (gaz.id, cour.id):
        assert not any("searched the river banks" in by_id[i]["text"] for i in om.get(aid, {}).get("claim_ids", []))
    # only facts of at least two independent sources count
    assert all(by_id[i]["independent_sources"] >= 2 for o in om.values() for i in o["claim_ids"])


def test_sentence_pairs_are_embedded_only_for_a_claim_no_single_sentence_states(monkeypatch):
    """Stating a claim only grows with more windows, so the two-sentence windows of an article are embedded
    only once a claim passes the topic test and no single sentence states it (same omissions, fewer texts)."""
    from storyscope.compare import omissions as O
    b = _mini_bundle()
    sc = align_claims(b, extract_claims(b))
    asked = []
    mentioned = O._mentioned

    def spy(text, cvec, windows, wvec):
        res = mentioned(text, cvec, windows, wvec)
        asked.append((len(windows), res[0]))
        return res
    monkeypatch.setattr(O, "_mentioned", spy)
    om = {o["article_id"]: o for o in find_omissions(b, sc)}
    n_sents = len(O.sentence_spans(b, b.articles[2].id))
    assert om and asked and asked[0] == (n_sents, False)      # sentences alone first, then the windows
    assert (2 * n_sents - 1, False) in asked[1:]
