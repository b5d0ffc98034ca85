"""Assemble a story's findings and the ``storyscope.dossier/1`` document.

``compare_story`` runs every comparison on one story (provenance first, because corroboration
counts derived copies once, and date inference, because the timeline needs the dates).
``build_dossier`` lays stories, articles and findings out in the documented JSON contract.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import replace
from pathlib import Path

from storyscope import __version__
from storyscope.compare.bundle import StoryBundle
from storyscope.dossier.summary import summarize
from storyscope.record import Article, Span

SCHEMA = "storyscope.dossier/1"
COMPARE_VERSION = "compare.v1"


def findings_key(arts: list[Article], layers: dict[str, dict[str, list[Span]]]) -> str:
    """Cache key: the story's article ids, their dates and the versions of every input layer."""
    parts = [COMPARE_VERSION] + sorted(
        f"{a.id}:{a.published}:{a.published_source}:" + ",".join(sorted(f"{n}={len(s)}" for n, s in layers.get(a.id, {}).items()))
        for a in arts)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def outlet_name(a: Article) -> str:
    """What to call an article's outlet: its outlet, else its credit, else its file name."""
    if a.outlet:
        return a.outlet
    if a.credit:
        return a.credit
    if a.url:
        from urllib.parse import urlsplit
        host = urlsplit(a.url).hostname or ""
        if host:
            return host.removeprefix("www.")
    return Path(a.path.split("#")[0]).stem or a.id[:8]


def _reresolve_dates(bundle: StoryBundle, inferred: dict[str, dict]) -> None:
    """Give undated articles their inferred date and resolve their time expressions against it."""
    from storyscope.stages.timex import extract_timexes
    for i, a in enumerate(bundle.articles):
        inf = inferred.get(a.id)
        if inf and not a.published:
            new = replace(a, published=inf["published"], published_source="inferred")
            bundle.articles[i] = new
            bundle.layers.setdefault(a.id, {})["timex"] = extract_timexes(new.text, new.published)


def link_story_actors(bundle: StoryBundle) -> None:
    """One actor key per referent across the story ("Khan" in one article, "Imran Khan" in another),
    and the quotes' speakers re-pointed at those keys."""
    from storyscope.stages.actors import link_corpus_actors
    from storyscope.stages.quotes import relink_quotes
    old = {a.id: bundle.spans(a.id, "actors") for a in bundle.articles}
    new = link_corpus_actors(old)
    for aid, spans in new.items():
        layers = bundle.layers.setdefault(aid, {})
        if "quotes" in layers:
            layers["quotes"] = relink_quotes(layers["quotes"], old[aid], spans)
        layers["actors"] = spans


def compare_story(story: dict, arts: list[Article], layers: dict[str, dict[str, list[Span]]]) -> dict:
    from storyscope.compare import claims as claims_mod
    from storyscope.compare.disputes import find_disputes
    from storyscope.compare.framing import find_framing
    from storyscope.compare.omissions import find_omissions
    from storyscope.compare.provenance import external_credits, find_provenance
    from storyscope.compare.quote_integrity import group_quotes
    from storyscope.compare.timeline import build_timeline, infer_publication_dates

    t0 = time.perf_counter()
    bundle = StoryBundle(list(arts), {a: dict(l) for a, l in layers.items()})
    link_story_actors(bundle)
    timings = {}

    def step(name, fn, *args):
        t = time.perf_counter()
        out = fn(*args)
        timings[name] = round(time.perf_counter() - t, 3)
        return out

    bundle.provenance = step("provenance", find_provenance, bundle) if len(arts) > 1 else []
    inferred = step("dates", infer_publication_dates, bundle)
    inferred = {k: v for k, v in inferred.items() if v and v.get("published")}
    _reresolve_dates(bundle, inferred)
    claims = step("claims", claims_mod.extract_claims, bundle)
    story_claims = step("align", claims_mod.align_claims, bundle, claims)
    disputes = step("disputes", find_disputes, bundle, story_claims)
    timeline = step("timeline", build_timeline, bundle, story_claims)
    omissions = step("omissions", find_omissions, bundle, story_claims) if len(arts) > 1 else []
    quotes = step("quotes", group_quotes, bundle)
    framing = step("framing", find_framing, bundle)
    credits = {a.id: external_credits(a, bundle.spans(a.id, "debris")) for a in bundle.articles}
    public_claims = claims_mod.public(story_claims)
    summary = summarize(bundle, public_claims, disputes)
    timings["total"] = round(time.perf_counter() - t0, 3)
    return {
        "provenance": bundle.provenance,
        "inferred_dates": inferred,
        "claims": public_claims,
        "disputes": disputes,
        "timeline": timeline,
        "omissions": omissions,
        "quotes": quotes,
        "framing": framing,
        "external_credits": credits,
        "summary": summary,
        "timings": timings,
    }


def _article_json(a: Article, layers: dict[str, list[Span]], credits: list[dict]) -> dict:
    return {
        "id": a.id, "title": a.title, "outlet": outlet_name(a), "credit": a.credit, "byline": a.byline,
        "published": a.published, "published_source": a.published_source, "path": a.path, "url": a.url,
        "language": a.language, "text": a.text,
        "debris": [{"start": s.start, "end": s.end, "label": s.label} for s in layers.get("debris", [])],
        "external_credits": credits,
    }


def build_dossier(stories: list[dict], arts: list[Article], findings: dict[str, dict],
                  layers: dict[str, dict[str, list[Span]]]) -> dict:
    by_id = {a.id: a for a in arts}
    inferred = {aid: inf for f in findings.values() for aid, inf in f.get("inferred_dates", {}).items()}
    credits = {aid: c for f in findings.values() for aid, c in f.get("external_credits", {}).items()}
    articles = []
    for a in arts:
        if a.id in inferred and not a.published:
            a = replace(a, published=inferred[a.id]["published"], published_source="inferred")
        art = _article_json(a, layers.get(a.id, {}), credits.get(a.id, []))
        if a.id in inferred:
            art["published_inference"] = {k: v for k, v in inferred[a.id].items() if k != "published"}
        articles.append(art)
    out_stories = []
    for s in stories:
        f = findings[s["id"]]
        dates = sorted(d for d in (by_id[x].published or inferred.get(x, {}).get("published") for x in s["article_ids"]
                                   if x in by_id) if d)
        out_stories.append({
            "id": s["id"], "title": s.get("title", ""), "article_ids": s["article_ids"],
            "outlets": sorted({outlet_name(by_id[x]) for x in s["article_ids"] if x in by_id}),
            "start": dates[0] if dates else None, "end": dates[-1] if dates else None,
            "summary": f["summary"],
            "provenance": f["provenance"], "quotes": f["quotes"], "claims": f["claims"],
            "disputes": f["disputes"], "timeline": f["timeline"], "framing": f["framing"],
            "omissions": f["omissions"],
        })
    return {"schema": SCHEMA, "storyscope_version": __version__,
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "articles": articles, "stories": out_stories}


def dumps(d: dict) -> str:
    return json.dumps(d, ensure_ascii=False, indent=2)
