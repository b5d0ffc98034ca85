"""Assemble a story's findings and the ``storyscope.dossier/1`` document.

``compare_story`` runs the registered comparison steps (``compare.registry``) on one story.
``build_dossier`` lays stories, articles and findings out in the documented JSON contract.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import replace
from typing import Callable

from storyscope import __version__
from storyscope.compare.bundle import StoryBundle
from storyscope.outlets import basis as outlet_basis
from storyscope.record import Article, Span

SCHEMA = "storyscope.dossier/1"

# Re-reads articles whose publication date the story inferred: gets the articles with their new
# dates, returns their re-computed reading layers (article id -> layer name -> spans).
Reread = Callable[[list[Article]], dict[str, dict[str, list[Span]]]]


def findings_key(arts: list[Article], layers: dict[str, dict[str, list[Span]]]) -> str:
    """Cache key of a story's findings (20 hex chars).

    Covers the story's article ids with their dates, the version of every registered reading stage and
    comparison step, and a digest of every input layer's content (span offsets, labels and attributes),
    so two layers with the same number of spans but other content give different keys."""
    from storyscope.compare.registry import step_versions
    from storyscope.pipeline import stage_versions
    h = hashlib.sha256(json.dumps([stage_versions(), step_versions()], sort_keys=True).encode())
    for a in sorted(arts, key=lambda x: x.id):
        h.update(f"|{a.id}:{a.published}:{a.published_source}".encode())
        for name in sorted(layers.get(a.id, {})):
            h.update(f"|{name}:".encode())
            for sp in layers[a.id][name]:
                h.update(json.dumps(sp.to_dict(), sort_keys=True, default=str).encode())
    return h.hexdigest()[:20]


def outlet_name(a: Article) -> str:
    """What to call an article's outlet (``outlets.display_name``): never its file name."""
    from storyscope.outlets import display_name
    return display_name(a)


def _undated_if_inferred(a: Article) -> Article:
    # A stored inferred date came from an earlier state of the story: infer it again from stated dates.
    return replace(a, published=None, published_source="unknown") if a.published_source == "inferred" else a


def compare_story(story: dict, arts: list[Article], layers: dict[str, dict[str, list[Span]]],
                  reread: Reread | None = None) -> dict:
    """Every comparison finding of one story: the registered comparison steps, in dependency order.

    Phase ``dates`` (actor links, provenance, date inference) runs first; articles whose inferred
    publication date differs from the stored one are then given it and re-read through ``reread``
    (the one reading pipeline: their date-dependent layers, such as ``timex``, are recomputed), and
    the other steps run on the result. Returns the findings dict stored in the store: one entry per
    step result plus ``"dates"`` (article id -> [published, published_source] for every article whose
    stored date must change), ``"reread"`` (article id -> layer name -> span dicts, the re-read
    layers) and ``"timings"`` (seconds per step). Exceptions of a step propagate."""
    from storyscope.compare.registry import Prefetch, ordered_steps, run_steps
    t0 = time.perf_counter()
    bundle = StoryBundle([_undated_if_inferred(a) for a in arts], {a: dict(l) for a, l in layers.items()})
    timings: dict[str, float] = {}
    prefetch = Prefetch(ordered_steps())
    results = run_steps(bundle, {}, ordered_steps("dates"), timings, prefetch)
    stored = {a.id: a for a in arts}
    dated, changed = [], []
    for a in bundle.articles:
        inf = results["inferred_dates"].get(a.id)
        new = replace(a, published=inf["published"], published_source="inferred") if inf else a
        dated.append(new)
        if (new.published, new.published_source) != (stored[a.id].published, stored[a.id].published_source):
            changed.append(new)
    bundle.articles = dated
    reread_layers = reread(changed) if (reread and changed) else {}
    for aid, ls in reread_layers.items():
        bundle.layers.setdefault(aid, {}).update(ls)
    run_steps(bundle, results, ordered_steps("main"), timings, prefetch)
    timings["total"] = round(time.perf_counter() - t0, 3)
    out = {k: v for k, v in results.items() if not k.startswith("_")}
    out["dates"] = {a.id: [a.published, a.published_source] for a in changed}
    out["reread"] = {aid: {n: [sp.to_dict() for sp in spans] for n, spans in ls.items()}
                     for aid, ls in reread_layers.items()}
    out["timings"] = timings
    return out


# Credit kinds that make an article an agency's copy ("By REUTERS", "LONDON (AFP) -"); the other kinds
# ("told Reuters", "according to AP", "obtained by The Intercept", a photo credit) cite the source.
COPY_CREDIT_KINDS = {"byline", "dateline"}


def _article_json(a: Article, layers: dict[str, list[Span]], credits: list[dict]) -> dict:
    copy = [c for c in credits if isinstance(c, str) or COPY_CREDIT_KINDS & set(c.get("kinds", []))]
    return {
        "id": a.id, "title": a.title, "outlet": outlet_name(a), "outlet_basis": outlet_basis(a),
        "credit": a.credit, "byline": a.byline,
        "published": a.published, "published_source": a.published_source, "path": a.path, "url": a.url,
        "language": a.language, "text": a.text,
        "debris": [{"start": s.start, "end": s.end, "label": s.label} for s in layers.get("debris", [])],
        "external_credits": copy,
        "sources_cited": [c for c in credits if not isinstance(c, str) and c not in copy],
    }


def build_dossier(stories: list[dict], arts: list[Article], findings: dict[str, dict],
                  layers: dict[str, dict[str, list[Span]]]) -> dict:
    """The ``storyscope.dossier/1`` document. ``arts`` are the stored articles (inferred publication
    dates already stored on them by the comparison, ``published_source == "inferred"``); ``findings``
    maps story id -> ``compare_story`` output; ``layers`` article id -> layer name -> spans."""
    by_id = {a.id: a for a in arts}
    inferred = {aid: inf for f in findings.values() for aid, inf in f.get("inferred_dates", {}).items()}
    credits = {aid: c for f in findings.values() for aid, c in f.get("external_credits", {}).items()}
    articles = []
    for a in arts:
        art = _article_json(a, layers.get(a.id, {}), credits.get(a.id, []))
        if a.id in inferred and a.published_source == "inferred":
            art["published_inference"] = {k: v for k, v in inferred[a.id].items() if k != "published"}
        articles.append(art)
    out_stories = []
    for s in stories:
        f = findings[s["id"]]
        dates = sorted(d for d in (by_id[x].published for x in s["article_ids"] if x in by_id) if d)
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
