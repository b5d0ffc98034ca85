"""One story of the dossier view model (``viewmodel.StoryView``): each section's rows, built once
for the HTML and the Markdown renderers."""
from __future__ import annotations

import difflib

from storyscope.dossier.layout import provenance_graph, timeline_graphic
from storyscope.dossier.view import empty_notes, hidden_note, shown_claim, shown_facts
from storyscope.dossier.viewmodel import (INTEGRITY_RANK, CoverageRow, Credit, Dispute, Edge, Event, Fact, Frame,
                                          Omission, Omitted, QuoteGroup, Rendering, Sentence, Side, StoryView, Term,
                                          ViewContext, fmt_date, parse_date, slug)


def quote_groups(quotes: list[dict]) -> list[list[dict]]:
    """Quotes grouped by utterance (``group``, else the quote's own id), in first-appearance order,
    the reference rendering leading each group: the one the builder named as ``reference``
    (``"<article_id>:<start>"``), else the first ``identical`` one, else the first. Several
    renderings can read identically; only the named one is what the others were diffed against."""
    groups: dict = {}
    for q in quotes:
        groups.setdefault(q.get("group", q.get("id")), []).append(q)
    out = []
    for qs in groups.values():
        named = {q.get("reference") for q in qs} - {None}
        ref = next((q for q in qs if _rendering_key(q) in named), None) \
            or next((q for q in qs if q.get("integrity") == "identical"), qs[0])
        out.append([ref] + [q for q in qs if q is not ref])
    return out


def without_wrappers(qs: list[dict]) -> list[dict]:
    """A group's renderings with each article's printing once: of renderings of one article whose spans
    nest (at least 0.8 of the shorter inside the longer; a mixed or indirect span around a direct quote: the same printed words, which the builder never
    compares with themselves), the reference (``qs[0]``) is kept when it is one of them, else the innermost."""
    def span(q):
        ev = (q.get("evidence") or [{}])[0]
        return quote_article(q), ev.get("start") or 0, ev.get("end") or 0

    def nested(p, q):              # one article; most of the shorter span inside the other (marks may differ)
        (a, s0, s1), (b, t0, t1) = span(p), span(q)
        return a == b and min(s1, t1) - max(s0, t0) >= 0.8 * min(s1 - s0, t1 - t0) > 0

    out = []
    for k, q in enumerate(qs):
        rivals = [o for o in qs if o is not q and nested(q, o)]
        if not rivals:
            out.append(q)
        elif k == 0:
            out.append(q)              # the reference stays; its nested twins go
        elif qs[0] not in rivals and all(span(q)[2] - span(q)[1] <= span(o)[2] - span(o)[1] for o in rivals):
            out.append(q)              # the innermost of its article's nested renderings
    return out


def _rendering_key(q: dict) -> str | None:
    """``"<article_id>:<start>"`` of a rendering's first evidence span, the form of ``reference``."""
    ev = q.get("evidence") or []
    return f"{ev[0].get('article_id')}:{ev[0].get('start')}" if ev else None


def word_diff(a: str, b: str) -> list[dict]:
    """Word-level diff ops ``{"op": equal|delete|insert|replace, "a", "b"}`` from ``a`` to ``b``
    (difflib's SequenceMatcher over whitespace-split words)."""
    wa, wb = a.split(), b.split()
    return [{"op": tag, "a": " ".join(wa[i1:i2]), "b": " ".join(wb[j1:j2])}
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes()]


def quote_diff(ref: dict, q: dict) -> list[dict] | None:
    """The builder's diff of ``q`` when given, else a word diff against ``ref``; None when ``q`` is
    the reference or reads the same."""
    if q is ref:
        return None
    ops = q.get("diff") or word_diff(ref.get("text", ""), q.get("text", ""))
    return ops if any(o.get("op") != "equal" for o in ops) else None


def worst_integrity(qs: list[dict]) -> str:
    """The most severe ``integrity`` among renderings (identical < minor < altered)."""
    return max((q.get("integrity", "identical") for q in qs), key=lambda v: INTEGRITY_RANK.get(v, 0))


def quote_article(q: dict) -> str | None:
    """The article a quote rendering appears in: its ``article_id``, else its first evidence's."""
    if q.get("article_id"):
        return q["article_id"]
    ev = q.get("evidence") or []
    return ev[0]["article_id"] if ev else None


def story_view(ctx: ViewContext, story: dict, idx: int) -> StoryView:
    """The view of one story (a ``display_view`` story dict); ``idx`` is its place on the page."""
    start, end = story.get("start"), story.get("end")
    if not (start or end):
        dates = sorted(ctx.articles[a]["published"][:10] for a in story.get("article_ids", [])
                       if a in ctx.articles and ctx.articles[a].get("published"))
        start, end = (dates[0], dates[-1]) if dates else (None, None)
    when = fmt_date(start) if start == end or not end else f"{fmt_date(start)} \u2013 {fmt_date(end)}"
    outlets = story.get("outlets") or sorted({ctx.outlet_name(a) for a in story.get("article_ids", [])})
    ids = [a for a in story.get("article_ids", []) if a in ctx.articles]
    summary = story.get("summary")
    timeline = _timeline(ctx, story)
    return StoryView(
        id=str(story.get("id", idx)), sid=f"st-{slug(str(story.get('id', idx)))}", index=idx,
        title=story.get("title") or "(untitled story)", when=when if start else "dates unknown",
        n_articles=len(story.get("article_ids", [])), outlets=[ctx.outlet(o) for o in outlets],
        hidden_note=hidden_note(story), coverage=_coverage(ctx, story),
        provenance=[_edge(ctx, e) for e in story.get("provenance", [])],
        graph=provenance_graph(ctx, ids, story.get("provenance", [])),
        summary=_summary(ctx, summary),
        summary_method=story.get("summary_method") or ("extractive" if not isinstance(summary, str) else ""),
        facts=_facts(ctx, story), disputes=_disputes(ctx, story), quotes=_quotes(ctx, story),
        framing_columns=[ctx.outlet_of(a) for a in ids], framing=_framing(ctx, story, ids),
        omissions=_omissions(ctx, story), timeline=timeline, empty=empty_notes(story),
        timeline_graphic=timeline_graphic(timeline) if timeline else None)


def _coverage(ctx: ViewContext, story: dict) -> list[CoverageRow]:
    """The story's articles by publication date (undated last), then outlet."""
    arts = [ctx.articles[a] for a in story.get("article_ids", []) if a in ctx.articles]
    arts.sort(key=lambda a: (a.get("published") or "9999", a.get("outlet", "")))
    rows = []
    for a in arts:
        how = a.get("published_inference")
        how = ", ".join(f"{k}: {v}" for k, v in how.items() if isinstance(v, (str, int, float))) \
            if isinstance(how, dict) else ""
        credits = []
        for ext in a.get("external_credits") or []:
            name = ext if isinstance(ext, str) else (ext.get("source") or "")
            if name:
                evs = [] if isinstance(ext, str) else (ext.get("evidence") or [])[:1]
                credits.append(Credit(name, ctx.cites(evs)))
        rows.append(CoverageRow(
            outlet=ctx.outlet(a.get("outlet") or "?"), slug=slug(a["id"]), title=a.get("title") or "(untitled)",
            date=fmt_date(a["published"]) if a.get("published") else None,
            published_source=a.get("published_source", "unknown"), how=how, byline=a.get("byline") or "",
            credit=a["credit"] if a.get("credit") and a.get("credit") != a.get("outlet") else "", credits=credits))
    return rows


def _edge(ctx: ViewContext, e: dict) -> Edge:
    return Edge(outlet=ctx.outlet_of(e["article_id"]), source=ctx.outlet_of(e["source_id"]),
                reuse=e.get("reuse") or "derived", score=float(e.get("score", 0)),
                aligned=len(e.get("aligned") or []), evidence=ctx.cites(e.get("evidence")))


def _summary(ctx: ViewContext, summary) -> list[Sentence]:
    """Summary sentences; a plain-string summary (older dossiers) is one uncited sentence."""
    if isinstance(summary, str):
        sents = [{"text": summary, "evidence": []}] if summary.strip() else []
    else:
        sents = list(summary or [])
    return [Sentence(s.get("text", ""), s.get("why", ""), ctx.cites(s.get("evidence"))) for s in sents]


def _attrib(c: dict) -> str:
    a = c.get("attributed_to")
    return ", ".join(a) if isinstance(a, list) else (a or "")


def _facts(ctx: ViewContext, story: dict) -> list[Fact]:
    """Corroborated facts (``view.shown_facts``), most independent sources first."""
    out = []
    for c in sorted(shown_facts(story), key=lambda c: (-int(c.get("independent_sources", 0)), str(c["id"]))):
        arts = c.get("article_ids") or [e["article_id"] for e in c["evidence"]]
        out.append(Fact(id=c["id"], text=shown_claim(c), sources=int(c.get("independent_sources", 0)),
                        attributed_to=_attrib(c), outlets=[ctx.outlet(o) for o in sorted({ctx.outlet_name(a) for a in arts})],
                        evidence=ctx.cites(c.get("evidence")), uncertain=bool(c.get("uncertain")),
                        confidence=float(c.get("confidence", 0))))
    return out


def _disputes(ctx: ViewContext, story: dict) -> list[Dispute]:
    claims = {c["id"]: c for c in story.get("claims", [])}
    out = []
    for d in story.get("disputes", []):
        sides = [Side(label=s.get("stance") or f"Side {i + 1}", actors=list(s.get("actors", [])),
                      # a side's own statement ("X denies that P") where the step gives one: a denial
                      # is never shown as the denier's assertion
                      claims=[s["statement"]] if s.get("statement") else
                      [shown_claim(claims[c]) for c in s.get("claim_ids", []) if c in claims],
                      evidence=ctx.cites(s.get("evidence"))) for i, s in enumerate(d.get("sides", []))]
        out.append(Dispute(id=d["id"], about=d.get("about", ""), basis=d.get("basis") or "", sides=sides,
                           uncertain=bool(d.get("uncertain")), confidence=float(d.get("confidence", 0))))
    return out


def _quotes(ctx: ViewContext, story: dict) -> list[QuoteGroup]:
    """Utterances in first-appearance order, each with every outlet's rendering, reference first."""
    out = []
    for qs in quote_groups(story.get("quotes", [])):
        qs = without_wrappers(qs)
        ref = qs[0]
        rens = [Rendering(outlet=ctx.outlet_of(quote_article(q) or ""), text=q.get("text", ""),
                          diff=quote_diff(ref, q), form=q.get("form") or "", integrity=q.get("integrity", ""),
                          paraphrase_as_direct=bool(q.get("paraphrase_as_direct")),
                          cite=next(iter(ctx.cites((q.get("evidence") or [])[:1])), None)) for q in qs]
        out.append(QuoteGroup(speaker=ref.get("speaker") or "Unattributed speaker", worst=worst_integrity(qs),
                              outlets=len({ctx.outlet_name(quote_article(q) or "") for q in qs}), renderings=rens))
    return out


def _framing(ctx: ViewContext, story: dict, ids: list[str]) -> list[Frame]:
    """One row per concept, one cell per article of the story: the terms it uses."""
    out = []
    for f in story.get("framing", []):
        cells = []
        for a in ids:
            terms = (f.get("terms") or {}).get(a) or []
            cells.append([Term(t.get("term", ""), t.get("voice") == "quoted",
                               next(iter(ctx.cites((t.get("evidence") or [])[:1])), None)) for t in terms])
        out.append(Frame(f.get("concept", ""), cells))
    return out


def _omissions(ctx: ViewContext, story: dict) -> list[Omission]:
    """Per article, the claims of other outlets it leaves out; articles with none listed are dropped."""
    claims = {c["id"]: c for c in story.get("claims", [])}
    out = []
    for o in story.get("omissions", []):
        items = []
        for cid in o.get("claim_ids", []):
            c = claims.get(cid)
            if not c:
                continue
            evs = c.get("evidence") or []
            items.append(Omitted(shown_claim(c), int(c.get("independent_sources", 0)),
                                 ctx.cite(evs[0]) if evs else None, max(len(evs) - 1, 0)))
        if items:
            out.append(Omission(ctx.outlet_of(o["article_id"]), items))
    return out


def _timeline(ctx: ViewContext, story: dict) -> list[Event]:
    """Dated events in time order (events without a readable date are left out), numbered from 1."""
    dated = [(ev, p) for ev in story.get("timeline", []) for p in [parse_date(ev.get("date"))] if p]
    dated.sort(key=lambda t: (t[1][0], t[1][1]))
    return [Event(n=i + 1, date=fmt_date(ev.get("date")), precision=ev.get("precision") or p[2],
                  text=ev.get("event", ""), first=p[0], last=p[1], exact=p[2] == "day",
                  outlets=[ctx.outlet(o) for o in sorted({ctx.outlet_name(a) for a in ev.get("article_ids", [])})],
                  evidence=ctx.cites(ev.get("evidence"))) for i, (ev, p) in enumerate(dated)]
