"""The built-in comparison steps, registered in dependency order of what they read and add.

Phase ``dates`` (before inferred publication dates are applied): story-wide actor links,
provenance, date inference. Phase ``main``: claims, their alignment, disputes, timeline, omissions,
quote groups, framing, external credits, summary. Each step wraps one comparison module and turns
its output into typed findings (``storyscope.findings``). No step writes a reading layer: linked
actors live in the bundle's story overlay, and inferred dates are applied by ``dossier.build``.
"""
from __future__ import annotations

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.registry import comparison_step
from storyscope.findings import (Claim, Dispute, Framing, Omission, ProvenanceEdge, QuoteRendering, SummarySentence,
                                 TimelineEvent, typed)


# Texts each step will embed with MiniLM (``registry.Prefetch`` embeds them in one call ahead of the steps;
# exact whatever they list: a missed or extra text costs CPU, never a different finding).
def _narrative_texts(bundle: StoryBundle, results: dict) -> list[str]:
    from storyscope.compare.provenance import narrative_sentences
    return [s.narrative for a in bundle.articles for s in narrative_sentences(bundle, a)]


def _quote_texts(bundle: StoryBundle, results: dict) -> list[str]:
    from storyscope.compare.quote_integrity import _renderings
    rows = _renderings(bundle)
    if len({r["article_id"] for r in rows}) < 2:
        return []       # group_quotes embeds nothing for the renderings of one article
    return [r["text"] for r in rows] + [r["_ctx"] for r in rows]


def _sentence_texts(bundle: StoryBundle, results: dict) -> list[str]:
    from storyscope.compare.claims import sentence_spans
    return [a.text[s0:s1] for a in bundle.articles for s0, s1, _ in sentence_spans(bundle, a.id)]


def _claim_texts(bundle: StoryBundle, results: dict) -> list[str]:
    """What claim alignment (sentences, texts) and the dispute rules (texts, denied contents, negations
    neutralised, the legacy rules' texts) embed of the claims."""
    from storyscope.compare.dispute_legacy import _texts_of
    from storyscope.compare.dispute_rules import denied_contents, negated, neutralised
    out = []
    for c in results["_claims"]:
        out += [c["sentence"], c["text"], *denied_contents(c), *_texts_of(c)]
        if negated(c):
            out.append(neutralised(c["text"]))
    return out


@comparison_step("link_actors", "link_actors.v1", adds=("linked_actors",), phase="dates")
def link_actors(bundle: StoryBundle, results: dict) -> dict:
    """One actor key per referent across the story ("Khan" here, "Imran Khan" there), quotes' speakers
    re-pointed at those keys: written to the bundle's story overlay, never to the stored layers."""
    from storyscope.stages.actor_links import link_corpus_actors
    from storyscope.stages.quotes import relink_quotes
    old = {a.id: bundle.layer(a.id, "actors") for a in bundle.articles}
    new = link_corpus_actors(old)
    for aid, spans in new.items():
        bundle.overlay(aid, "quotes", relink_quotes(bundle.layer(aid, "quotes"), old[aid], spans))
        bundle.overlay(aid, "actors", spans)
    return {"linked_actors": len(new)}


@comparison_step("provenance", "provenance.v3", reads=("linked_actors",), min_articles=2, phase="dates",
                 embeds=_narrative_texts)
def provenance(bundle: StoryBundle, results: dict) -> dict:
    from storyscope.compare.provenance import find_provenance
    bundle.provenance = find_provenance(bundle)
    return {"provenance": typed(ProvenanceEdge, bundle.provenance, "provenance")}


@comparison_step("dates", "dates.v1", reads=("provenance",), adds=("inferred_dates",), phase="dates")
def dates(bundle: StoryBundle, results: dict) -> dict:
    """Publication dates of undated articles, inferred from their story (applied by the runner)."""
    from storyscope.compare.timeline import infer_publication_dates
    inferred = infer_publication_dates(bundle)
    return {"inferred_dates": {k: v for k, v in inferred.items() if v and v.get("published")}}


@comparison_step("claims", "claims.v6", reads=("linked_actors",), adds=("_claims",))
def claims(bundle: StoryBundle, results: dict) -> dict:
    from storyscope.compare.claims import extract_claims
    return {"_claims": extract_claims(bundle)}


@comparison_step("align", "align.v6", reads=("_claims", "provenance"), adds=("_story_claims", "claims"),
                 embeds=_claim_texts, embeds_reads=("_claims",))
def align(bundle: StoryBundle, results: dict) -> dict:
    from storyscope.compare.claim_align import align_claims, public
    story_claims = align_claims(bundle, results["_claims"])
    return {"_story_claims": story_claims, "claims": typed(Claim, public(story_claims))}


@comparison_step("disputes", "disputes.v7", reads=("_story_claims",))
def disputes(bundle: StoryBundle, results: dict) -> dict:
    from storyscope.compare.disputes import find_disputes
    found = find_disputes(bundle, results["_story_claims"])
    for d in found:
        d.setdefault("evidence", [e for side in d.get("sides", []) for e in side.get("evidence", [])])
    return {"disputes": typed(Dispute, found, "dispute")}


@comparison_step("timeline", "timeline.v8", reads=("_story_claims", "inferred_dates"))
def timeline(bundle: StoryBundle, results: dict) -> dict:
    from storyscope.compare.timeline import build_timeline
    return {"timeline": typed(TimelineEvent, build_timeline(bundle, results["_story_claims"]), "event")}


@comparison_step("omissions", "omissions.v2", reads=("_story_claims",), min_articles=2, embeds=_sentence_texts,
                 embeds_reads=("linked_actors",))
def omissions(bundle: StoryBundle, results: dict) -> dict:
    from storyscope.compare.omissions import find_omissions
    claims = {c["id"]: c for c in results["_story_claims"]}
    found = []  # one finding per (article, omitted claim), with that claim's own confidence
    for o in find_omissions(bundle, results["_story_claims"]):
        for item in o.get("omitted") or [{"claim_id": cid, "confidence": o.get("confidence")} for cid in o["claim_ids"]]:
            cid = item["claim_id"]
            found.append({"article_id": o["article_id"], "claim_ids": [cid], "confidence": item.get("confidence"),
                          "evidence": claims[cid]["evidence"][:2] if cid in claims else o.get("evidence", [])})
    return {"omissions": typed(Omission, found, "omission")}


@comparison_step("quotes", "quotes.v7", reads=("linked_actors", "provenance"), embeds=_quote_texts,
                 embeds_reads=("linked_actors",))
def quotes(bundle: StoryBundle, results: dict) -> dict:
    from storyscope.compare.quote_integrity import group_quotes
    return {"quotes": typed(QuoteRendering, group_quotes(bundle), "quote")}


@comparison_step("framing", "framing.v8", reads=("linked_actors",))
def framing(bundle: StoryBundle, results: dict) -> dict:
    from storyscope.compare.framing import find_framing
    found = find_framing(bundle)
    for f in found:
        f.setdefault("evidence", [e for terms in f.get("terms", {}).values() for t in terms
                                  for e in t.get("evidence", [])])
        f.setdefault("id", f"framing-{f.get('concept_id') or f.get('concept')}")
    return {"framing": typed(Framing, found)}


@comparison_step("credits", "credits.v2", adds=("external_credits",))
def credits(bundle: StoryBundle, results: dict) -> dict:
    from storyscope.compare.provenance import external_credits
    return {"external_credits": {a.id: external_credits(a, bundle.layer(a.id, "debris")) for a in bundle.articles}}


@comparison_step("summary", "summary.v1", reads=("claims", "disputes"))
def summary(bundle: StoryBundle, results: dict) -> dict:
    from dataclasses import asdict

    from storyscope.dossier.summary import summarize
    out = summarize(bundle, results["claims"], results["disputes"])
    return {"summary": [asdict(SummarySentence(**{k: v for k, v in s.items() if k in ("text", "why", "evidence")}))
                        for s in out]}
