"""Render a storyscope.dossier/1 document as Markdown for pasting into a story draft or a ticket.

Same view model as the HTML page (``viewmodel.build_view``), with citations written as
[Outlet, "quoted evidence"]. All dossier text is escaped so a headline or quote can never turn into
markup, a link or raw HTML.
"""
from __future__ import annotations

import re

from storyscope.dossier.viewmodel import Cite, DossierView, StoryView, build_view, cited, shorten

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!])")
PUB_LABEL = {"explicit": "stated", "inferred": "inferred", "unknown": "date unknown"}
INTEGRITY_LABEL = {"identical": "identical", "minor": "minor change", "altered": "\u26a0 altered"}


def md_escape(text) -> str:
    """One line of literal text: Markdown-significant characters escaped, line breaks folded."""
    text = " ".join(str(text if text is not None else "").split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def cite(c: Cite, quote: bool = True) -> str:
    """``[Outlet, “cited words”]`` (the words cut to 120 characters), or ``[Outlet]``."""
    out = md_escape(c.outlet.name)
    return f"[{out}, {md_escape(cited(c.text, 120, fold=True))}]" if quote else f"[{out}]"


def cites(evidence: list[Cite], limit: int = 3, more: int = 0) -> str:
    """The first ``limit`` citations, then ``(+N more)`` for the rest and ``more`` uncited ones."""
    parts = [cite(c) for c in evidence[:limit]]
    rest = max(len(evidence) - limit, 0) + more
    if rest:
        parts.append(f"(+{rest} more)")
    return " ".join(parts)


def _coverage(st: StoryView) -> list[str]:
    lines = ["## Coverage", "", "| Outlet | Published | Headline | Byline / credit |", "|---|---|---|---|"]
    for r in st.coverage:
        date = f"{r.date} ({PUB_LABEL.get(r.published_source, r.published_source)})" if r.date else "date unknown"
        credit = "; ".join(x for x in [r.byline, f"credit: {r.credit}" if r.credit else ""]
                           + [f"credits {x.name}" for x in r.credits] if x)
        cells = [r.outlet.name, date, r.title, credit or "\u2014"]
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    return lines + [""]


def _provenance(st: StoryView) -> list[str]:
    lines = ["## Provenance", ""]
    if not st.provenance:
        return lines + [md_escape(st.empty["provenance"]), ""]
    for e in st.provenance:
        al = f", {e.aligned} aligned passage{_s(e.aligned)}" if e.aligned else ""
        lines.append(f"- **{md_escape(e.outlet.name)}** copied from **{md_escape(e.source.name)}** "
                     f"({md_escape(e.reuse)}, score {e.score:.2f}{al}) {cites(e.evidence, 1)}".rstrip())
    return lines + [""]


def _summary(st: StoryView) -> list[str]:
    lines = ["## Summary", ""]
    if not st.summary:
        return lines + ["No summary.", ""]
    for i, s in enumerate(st.summary, 1):
        same = " ".join(s.text.split())
        line = " ".join(cite(c, quote=" ".join(c.text.split()) != same) for c in s.evidence)
        lines.append(f"{i}. {md_escape(s.text)} {line}".rstrip())
    return lines + [""]


def _uncertain(f) -> str:
    return f"*(uncertain, {f.confidence:.2f})*" if f.uncertain else ""


def _facts(st: StoryView) -> list[str]:
    lines = ["## Corroborated facts", ""]
    for c in st.facts:
        who = f"; according to {md_escape(c.attributed_to)}" if c.attributed_to else ""
        flag = _uncertain(c) + " " if c.uncertain else ""
        lines.append(f"- {flag}**{md_escape(c.text)}** ({c.sources} independent source{_s(c.sources)}{who}) "
                     f"{cites(c.evidence)}".rstrip())
    return lines + ([""] if st.facts else [md_escape(st.empty["claims"]), ""])


def _disputes(st: StoryView) -> list[str]:
    lines = ["## Disputes", ""]
    for d in st.disputes:
        kind = f" ({md_escape(d.basis)})" if d.basis else ""
        kind += " " + _uncertain(d) if d.uncertain else ""
        lines += [f"### {md_escape(d.about)}{kind}", ""]
        for i, s in enumerate(d.sides, 1):
            actors = ", ".join(md_escape(a) for a in s.actors)
            lines.append(f"- **Side {i}: {md_escape(s.label)}**" + (f" \u2014 {actors}" if actors else ""))
            lines += [f"  - {md_escape(t)}" for t in s.claims]
            lines += [f"  - {cite(c)}" for c in s.evidence]
        lines.append("")
    return lines + ([] if st.disputes else [md_escape(st.empty["disputes"]), ""])


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


def _quotes(st: StoryView) -> list[str]:
    """Utterances several renderings report, most altered first, as the HTML page orders them; then the
    quotes one outlet alone printed, under one heading per speaker (first-appearance order)."""
    lines = ["## Quotes", ""]
    if not st.quotes:
        return lines + ["No quotes.", ""]
    multi = st.quotes_by_severity()[0]
    if multi:
        lines += ["Differences from the first rendering: ~~removed~~ **added**.", ""]
    for g in multi:
        lines += [f"### {md_escape(g.speaker)} \u2014 {INTEGRITY_LABEL.get(g.worst, g.worst)}", ""]
        for q in g.renderings:
            text = _diff_md(q.diff) if q.diff else md_escape(q.text)
            lines.append(_rendering_md(q, text, [q.form, INTEGRITY_LABEL.get(q.integrity, q.integrity)]))
        lines.append("")
    quoted, reported = st.single_quotes()
    for title, groups in (("### Reported by one outlet only", quoted),
                          ("### Reported speech by one outlet (its paraphrase, no quotation marks)", reported)):
        if groups:
            lines += [title, ""] + _by_speaker(groups)
    return lines


def _by_speaker(groups) -> list[str]:
    """Single renderings under one bold heading per speaker, in first-appearance order."""
    lines = []
    by_speaker: dict[str, list] = {}
    for g in groups:
        by_speaker.setdefault(g.speaker, []).append(g.renderings[0])
    for speaker, qs in by_speaker.items():
        lines += [f"**{md_escape(speaker)}**", ""]
        lines += [_rendering_md(q, md_escape(q.text), [q.form]) for q in qs]
        lines.append("")
    return lines


def _rendering_md(q, text: str, tags: list[str]) -> str:
    """One rendering as a list item: outlet, the words (diff marks when given), tags, its citation."""
    tags = [t for t in tags if t] + (["paraphrase printed as direct quote"] if q.paraphrase_as_direct else [])
    link = f" {cite(q.cite, quote=False)}" if q.cite else ""
    words = f"*{text}*" if q.form == "indirect" else f"\u201c{text}\u201d"   # a paraphrase gets no marks
    return f"- **{md_escape(q.outlet.name)}**: {words} ({md_escape(', '.join(tags))}){link}"


def _framing(st: StoryView) -> list[str]:
    lines = ["## Framing", ""]
    if not st.framing:
        return lines + [md_escape(st.empty["framing"]), ""]
    lines.append("| Concept | " + " | ".join(md_escape(o.name) for o in st.framing_columns) + " |")
    lines.append("|---" * (len(st.framing_columns) + 1) + "|")
    for f in st.framing:
        cells = ["; ".join((f"\u201c{md_escape(t.term)}\u201d (quoted)" if t.quoted else md_escape(t.term))
                           for t in terms) or "\u2014" for terms in f.cells]
        lines.append(f"| **{md_escape(f.concept)}** | " + " | ".join(cells) + " |")
    return lines + ["", "Terms marked (quoted) appear inside a quote, not in the outlet's own voice.", ""]


def _omissions(st: StoryView) -> list[str]:
    lines = ["## Omissions", ""]
    for o in st.omissions:
        lines.append(f"- **{md_escape(o.outlet.name)}** does not mention:")
        for c in o.claims:
            lines.append(f"  - {md_escape(c.text)} ({c.sources} independent source{_s(c.sources)}) "
                         f"{cites([c.cite] if c.cite else [], 1, c.more)}".rstrip())
    return lines + ([""] if st.omissions else [md_escape(st.empty["omissions"]), ""])


def _timeline(st: StoryView) -> list[str]:
    lines = ["## Timeline", ""]
    for e in st.timeline:
        lines.append(f"- **{md_escape(e.date)}** ({md_escape(e.precision)}) \u2014 {md_escape(e.text)} "
                     f"{cites(e.evidence, 2)}".rstrip())
    return lines + ([""] if st.timeline else [md_escape(st.empty["timeline"]), ""])


SECTIONS = (_coverage, _provenance, _summary, _facts, _disputes, _quotes, _framing, _omissions, _timeline)


def render_view(view: DossierView) -> str:
    """The Markdown of a built view model."""
    out: list[str] = []
    for st in view.stories:
        out += [f"# {md_escape(st.title)}", "",
                f"*{md_escape(st.when)} \u00b7 {st.n_articles} article{_s(st.n_articles)} \u00b7 "
                f"{md_escape(', '.join(o.name for o in st.outlets))}*", ""]
        if st.hidden_note:
            out += [f"> {md_escape(st.hidden_note)}", ""]
        for section in SECTIONS:
            out += section(st)
    out += ["## Sources", ""]
    for a in view.articles:
        link = f" <{a.url}>" if a.url else ""
        when = (a.date + (" (inferred)" if a.published_source == "inferred" else "")) if a.date else "date unknown"
        out.append(f"- **{md_escape(a.outlet.name)}**, \u201c{md_escape(a.title)}\u201d, "
                   f"{md_escape(when)}{link}")
    meta = " \u00b7 ".join(x for x in (view.schema, view.version, view.generated_at) if x)
    out += ["", f"_Generated by Storyscope ({md_escape(meta)})._"]
    return "\n".join(out) + "\n"


def render_markdown(dossier: dict, story_id: str | None = None) -> str:
    """The dossier (or one story of it) as Markdown with the same sections as the HTML page.
    ``dossier``: a ``view.display_view`` output. Raises ``NotFound`` for an unknown ``story_id``."""
    return render_view(build_view(dossier, story_id))
