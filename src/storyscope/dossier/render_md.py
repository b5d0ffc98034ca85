"""Render a storyscope.dossier/1 document as Markdown for pasting into a story draft or a ticket.

Same findings as the HTML page, with citations written as [Outlet, "quoted evidence"]. All
dossier text is escaped so a headline or quote can never turn into markup, a link or raw HTML.
"""
from __future__ import annotations

import re

from storyscope.dossier.render_html import (fmt_date, parse_date, quote_article, quote_diff, quote_groups, select_stories,
                                            summary_sentences, worst_integrity)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!])")
PUB_LABEL = {"explicit": "stated", "inferred": "inferred", "unknown": "date unknown"}
INTEGRITY_LABEL = {"identical": "identical", "minor": "minor change", "altered": "\u26a0 altered"}


def md_escape(text) -> str:
    """One line of literal text: Markdown-significant characters escaped, line breaks folded."""
    text = " ".join(str(text if text is not None else "").split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " \u2026"


class _Ctx:
    def __init__(self, dossier: dict):
        self.articles = {a["id"]: a for a in dossier.get("articles", [])}

    def outlet(self, aid: str | None) -> str:
        a = self.articles.get(aid or "")
        return (a.get("outlet") or "?") if a else "?"

    def cite(self, ev: dict, quote: bool = True) -> str:
        out = md_escape(self.outlet(ev.get("article_id")))
        if not quote:
            return f"[{out}]"
        return f"[{out}, \u201c{md_escape(_short(ev.get('text', '')))}\u201d]"

    def cites(self, evidence: list[dict], limit: int = 3) -> str:
        parts = [self.cite(e) for e in evidence[:limit]]
        if len(evidence) > limit:
            parts.append(f"(+{len(evidence) - limit} more)")
        return " ".join(parts)


def _coverage(cx: _Ctx, story: dict) -> list[str]:
    lines = ["## Coverage", "", "| Outlet | Published | Headline | Byline / credit |", "|---|---|---|---|"]
    arts = [cx.articles[a] for a in story.get("article_ids", []) if a in cx.articles]
    arts.sort(key=lambda a: (a.get("published") or "9999", a.get("outlet", "")))
    for a in arts:
        src = a.get("published_source", "unknown")
        date = f"{fmt_date(a['published'])} ({PUB_LABEL.get(src, src)})" if a.get("published") else "date unknown"
        ext = [e if isinstance(e, str) else e.get("source", "") for e in a.get("external_credits") or []]
        credit = "; ".join(x for x in [a.get("byline", ""), f"credit: {a['credit']}"
                                       if a.get("credit") and a.get("credit") != a.get("outlet") else ""]
                           + [f"credits {e}" for e in ext if e] if x)
        cells = [a.get("outlet") or "?", date, a.get("title") or "(untitled)", credit or "\u2014"]
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    return lines + [""]


def _provenance(cx: _Ctx, story: dict) -> list[str]:
    edges = story.get("provenance", [])
    lines = ["## Provenance", ""]
    if not edges:
        return lines + ["No copying detected: every article reads as independently written.", ""]
    for e in edges:
        n_al = len(e.get("aligned") or [])
        al = f", {n_al} aligned passage{'s' if n_al != 1 else ''}" if n_al else ""
        lines.append(f"- **{md_escape(cx.outlet(e['article_id']))}** copied from **{md_escape(cx.outlet(e['source_id']))}** "
                     f"({md_escape(e.get('reuse') or 'derived')}, score {float(e.get('score', 0)):.2f}{al}) "
                     f"{cx.cites(e.get('evidence', []), 1)}".rstrip())
    return lines + [""]


def _summary(cx: _Ctx, story: dict) -> list[str]:
    lines = ["## Summary", ""]
    sents = summary_sentences(story)
    if not sents:
        return lines + ["No summary.", ""]
    for i, s in enumerate(sents, 1):
        text = s.get("text", "")
        cites = " ".join(cx.cite(e, quote=" ".join(e.get("text", "").split()) != " ".join(text.split()))
                         for e in s.get("evidence", []))
        lines.append(f"{i}. {md_escape(text)} {cites}".rstrip())
    return lines + [""]


def _attrib(c: dict) -> str:
    a = c.get("attributed_to")
    return ", ".join(a) if isinstance(a, list) else (a or "")


def _facts(cx: _Ctx, story: dict) -> list[str]:
    from storyscope.dossier.view import shown_facts
    lines = ["## Corroborated facts", ""]
    claims = sorted(shown_facts(story), key=lambda c: (-int(c.get("independent_sources", 0)), str(c["id"])))
    for c in claims:
        n = int(c.get("independent_sources", 0))
        who = f"; according to {md_escape(_attrib(c))}" if _attrib(c) else ""
        flag = f"*(uncertain, {float(c.get('confidence', 0)):.2f})* " if c.get("uncertain") else ""
        lines.append(f"- {flag}**{md_escape(c.get('text', ''))}** ({n} independent source{'s' if n != 1 else ''}{who}) "
                     f"{cx.cites(c.get('evidence', []))}".rstrip())
    return lines + ([""] if claims else ["No fact is stated by two or more independent sources.", ""])


def _disputes(cx: _Ctx, story: dict) -> list[str]:
    claims = {c["id"]: c for c in story.get("claims", [])}
    lines = ["## Disputes", ""]
    for d in story.get("disputes", []):
        kind = f" ({md_escape(d['basis'])})" if d.get("basis") else ""
        kind += f" *(uncertain, {float(d.get('confidence', 0)):.2f})*" if d.get("uncertain") else ""
        lines += [f"### {md_escape(d.get('about', ''))}{kind}", ""]
        for i, s in enumerate(d.get("sides", []), 1):
            actors = ", ".join(md_escape(a) for a in s.get("actors", []))
            stance = md_escape(s.get("stance") or f"Side {i}")
            lines.append(f"- **Side {i}: {stance}**" + (f" \u2014 {actors}" if actors else ""))
            for cid in s.get("claim_ids", []):
                if cid in claims:
                    lines.append(f"  - {md_escape(claims[cid]['text'])}")
            for e in s.get("evidence", []):
                lines.append(f"  - {cx.cite(e)}")
        lines.append("")
    if not story.get("disputes"):
        lines += ["No disputes.", ""]
    return lines


def _diff_md(ops: list[dict]) -> str:
    out = []
    for o in ops:
        a, b = md_escape(o.get("a", "")), md_escape(o.get("b", ""))
        op = o.get("op")
        if op == "equal":
            out.append(b)
        elif op == "delete":
            out.append(f"~~{a}~~")
        elif op == "insert":
            out.append(f"**{b}**")
        else:
            out.append(f"~~{a}~~ **{b}**")
    return " ".join(x for x in out if x)


def _quotes(cx: _Ctx, story: dict) -> list[str]:
    lines = ["## Quotes", ""]
    groups = quote_groups(story.get("quotes", []))
    if not groups:
        return lines + ["No quotes.", ""]
    lines += ["Differences from the first rendering: ~~removed~~ **added**.", ""]
    for _, qs in groups:
        ref = qs[0]
        worst = INTEGRITY_LABEL.get(worst_integrity(qs), worst_integrity(qs))
        head = md_escape(ref.get("speaker") or "Unattributed speaker")
        lines += [f"### {head}" + (f" \u2014 {worst}" if len(qs) > 1 else ""), ""]
        for q in qs:
            ops = quote_diff(ref, q)
            text = _diff_md(ops) if ops else md_escape(q.get("text", ""))
            tags = [q.get("form", "")] if q.get("form") else []
            if len(qs) > 1:
                tags.append(INTEGRITY_LABEL.get(q.get("integrity", ""), q.get("integrity", "")))
            if q.get("paraphrase_as_direct"):
                tags.append("paraphrase printed as direct quote")
            ev = (q.get("evidence") or [None])[0]
            cite = f" {cx.cite(ev, quote=False)}" if ev else ""
            lines.append(f"- **{md_escape(cx.outlet(quote_article(q)))}**: \u201c{text}\u201d "
                         f"({md_escape(', '.join(tags))}){cite}")
        lines.append("")
    return lines


def _framing(cx: _Ctx, story: dict) -> list[str]:
    frames = story.get("framing", [])
    lines = ["## Framing", ""]
    if not frames:
        return lines + ["No framing differences.", ""]
    ids = [a for a in story.get("article_ids", []) if a in cx.articles]
    lines.append("| Concept | " + " | ".join(md_escape(cx.outlet(a)) for a in ids) + " |")
    lines.append("|---" * (len(ids) + 1) + "|")
    for f in frames:
        cells = []
        for a in ids:
            terms = (f.get("terms") or {}).get(a) or []
            cells.append("; ".join(
                (f"\u201c{md_escape(t.get('term', ''))}\u201d (quoted)" if t.get("voice") == "quoted"
                 else md_escape(t.get("term", ""))) for t in terms) or "\u2014")
        lines.append(f"| **{md_escape(f.get('concept', ''))}** | " + " | ".join(cells) + " |")
    return lines + ["", "Terms marked (quoted) appear inside a quote, not in the outlet's own voice.", ""]


def _omissions(cx: _Ctx, story: dict) -> list[str]:
    claims = {c["id"]: c for c in story.get("claims", [])}
    lines = ["## Omissions", ""]
    n = 0
    for o in story.get("omissions", []):
        missing = [claims[c] for c in o.get("claim_ids", []) if c in claims]
        if not missing:
            continue
        n += 1
        lines.append(f"- **{md_escape(cx.outlet(o['article_id']))}** does not mention:")
        for c in missing:
            k = int(c.get("independent_sources", 0))
            lines.append(f"  - {md_escape(c['text'])} ({k} independent source{'s' if k != 1 else ''}) "
                         f"{cx.cites(c.get('evidence', []), 1)}".rstrip())
    return lines + ([""] if n else ["No omissions.", ""])


def _timeline(cx: _Ctx, story: dict) -> list[str]:
    events = [e for e in story.get("timeline", []) if parse_date(e.get("date"))]
    events.sort(key=lambda e: parse_date(e["date"])[:2])
    lines = ["## Timeline", ""]
    for e in events:
        prec = e.get("precision") or parse_date(e["date"])[2]
        lines.append(f"- **{md_escape(fmt_date(e['date']))}** ({md_escape(prec)}) \u2014 {md_escape(e.get('event', ''))} "
                     f"{cx.cites(e.get('evidence', []), 2)}".rstrip())
    return lines + ([""] if events else ["No dated events.", ""])


def _sources(cx: _Ctx, ids: list[str]) -> list[str]:
    lines = ["## Sources", ""]
    for aid in ids:
        a = cx.articles[aid]
        date = fmt_date(a["published"]) if a.get("published") else "date unknown"
        url = a.get("url", "")
        link = f" <{url}>" if re.match(r"^https?://[^\s<>]+$", url or "") else ""
        lines.append(f"- **{md_escape(a.get('outlet') or '?')}**, \u201c{md_escape(a.get('title') or '(untitled)')}\u201d, "
                     f"{md_escape(date)}{link}")
    return lines + [""]


def render_markdown(dossier: dict, story_id: str | None = None) -> str:
    """The dossier (or one story of it) as Markdown with the same sections as the HTML page."""
    stories = select_stories(dossier, story_id)
    cx = _Ctx(dossier)
    out: list[str] = []
    ids: list[str] = []
    for s in stories:
        start, end = s.get("start"), s.get("end")
        when = (fmt_date(start) if start == end or not end else f"{fmt_date(start)} \u2013 {fmt_date(end)}") \
            if start else "dates unknown"
        outlets = s.get("outlets") or sorted({cx.outlet(a) for a in s.get("article_ids", [])})
        n = len(s.get("article_ids", []))
        out += [f"# {md_escape(s.get('title') or '(untitled story)')}", "",
                f"*{md_escape(when)} \u00b7 {n} article{'s' if n != 1 else ''} \u00b7 "
                f"{md_escape(', '.join(outlets))}*", ""]
        from storyscope.dossier.view import hidden_note
        if hidden_note(s):
            out += [f"> {md_escape(hidden_note(s))}", ""]
        for section in (_coverage, _provenance, _summary, _facts, _disputes, _quotes, _framing, _omissions,
                        _timeline):
            out += section(cx, s)
        ids += [a for a in s.get("article_ids", []) if a in cx.articles and a not in ids]
    out += _sources(cx, ids)
    meta = " \u00b7 ".join(x for x in (dossier.get("schema", ""), dossier.get("storyscope_version", ""),
                                       dossier.get("generated_at", "")) if x)
    out.append(f"_Generated by Storyscope ({md_escape(meta)})._")
    return "\n".join(out) + "\n"
