"""Render a storyscope.dossier/1 document as one self-contained HTML page for a journalist.

Everything from the dossier is untrusted (article text, titles, quotes come from the web), so
every fragment is built with ``markupsafe.Markup.format``, which escapes its arguments; raw
strings never reach the page unescaped. A Content-Security-Policy with a hash of the one
inline script blocks anything that slipped through anyway, and allows no network at all.
"""
from __future__ import annotations

import base64
import calendar
import datetime as dt
import difflib
import hashlib
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from storyscope.errors import NotFound

TEMPLATES = Path(__file__).with_name("templates")
PALETTE = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#dc2626", "#65a30d",
           "#9333ea", "#475569", "#ca8a04", "#0f766e"]
INTEGRITY_RANK = {"identical": 0, "minor": 1, "altered": 2}
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def M(fmt: str, *args, **kw) -> Markup:
    """Format trusted markup with escaped arguments."""
    return Markup(fmt).format(*args, **kw)


def join(parts) -> Markup:
    return Markup("").join(parts)


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- shared helpers (also used by Markdown)

def select_stories(dossier: dict, story_id: str | None) -> list[dict]:
    stories = dossier.get("stories", [])
    if story_id is None:
        return list(stories)
    found = [s for s in stories if s.get("id") == story_id]
    if not found:
        raise NotFound("story", story_id)
    return found


def parse_date(value: str | None) -> tuple[dt.date, dt.date, str] | None:
    """(first day, last day, precision) of a YYYY, YYYY-MM or YYYY-MM-DD[...] string."""
    if not value:
        return None
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d:
            day = dt.date(y, int(mo), int(d))
            return day, day, "day"
        if mo:
            last = calendar.monthrange(y, int(mo))[1]
            return dt.date(y, int(mo), 1), dt.date(y, int(mo), last), "month"
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    except ValueError:
        return None


def fmt_date(value: str | None) -> str:
    """Human date at the precision the value has: '12 Mar 2024', 'Mar 2024', '2024'."""
    p = parse_date(value)
    if p is None:
        return value or "date unknown"
    first, _, prec = p
    if prec == "day":
        s = f"{first.day} {first:%b %Y}"
        t = re.match(r"^\d{4}-\d{2}-\d{2}[T ](\d{2}:\d{2})", value or "")
        return f"{s}, {t.group(1)}" if t else s
    return f"{first:%b %Y}" if prec == "month" else str(first.year)


def quote_groups(quotes: list[dict]) -> list[tuple[object, list[dict]]]:
    """Quotes grouped by utterance, in first-appearance order, reference rendering first."""
    groups: dict = {}
    for q in quotes:
        groups.setdefault(q.get("group", q.get("id")), []).append(q)
    out = []
    for g, qs in groups.items():
        ref = next((q for q in qs if q.get("integrity") == "identical"), qs[0])
        out.append((g, [ref] + [q for q in qs if q is not ref]))
    return out


def word_diff(a: str, b: str) -> list[dict]:
    """Word-level diff ops from the reference text ``a`` to a rendering ``b``."""
    wa, wb = a.split(), b.split()
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        ops.append({"op": tag, "a": " ".join(wa[i1:i2]), "b": " ".join(wb[j1:j2])})
    return ops


def quote_diff(ref: dict, q: dict) -> list[dict] | None:
    """The builder's diff when given, else a word diff against the reference; None when equal."""
    if q is ref:
        return None
    ops = q.get("diff") or word_diff(ref.get("text", ""), q.get("text", ""))
    return ops if any(o.get("op") != "equal" for o in ops) else None


def worst_integrity(qs: list[dict]) -> str:
    return max((q.get("integrity", "identical") for q in qs), key=lambda v: INTEGRITY_RANK.get(v, 0))


def summary_sentences(story: dict) -> list[dict]:
    s = story.get("summary")
    if isinstance(s, str):
        return [{"text": s, "evidence": []}] if s.strip() else []
    return list(s or [])


def quote_article(q: dict) -> str | None:
    if q.get("article_id"):
        return q["article_id"]
    ev = q.get("evidence") or []
    return ev[0]["article_id"] if ev else None


# ---------------------------------------------------------------- renderer state

class _Page:
    """What the sections share: article lookup, outlet colours, and every span a link cites."""

    def __init__(self, dossier: dict):
        self.articles = {a["id"]: a for a in dossier.get("articles", [])}
        self.colour: dict[str, str] = {}
        for a in dossier.get("articles", []):
            self.colour.setdefault(a.get("outlet") or "?", PALETTE[len(self.colour) % len(PALETTE)])
        self.cited: dict[str, set[tuple[int, int]]] = defaultdict(set)
        self._slugs: dict[str, str] = {}

    def slug(self, aid: str) -> str:
        """A safe token for an article id inside element ids and fragment links."""
        if aid not in self._slugs:
            self._slugs[aid] = aid if _SAFE_ID.match(aid) else "a" + hashlib.sha1(aid.encode()).hexdigest()[:12]
        return self._slugs[aid]

    def outlet(self, aid: str) -> str:
        a = self.articles.get(aid)
        return (a.get("outlet") or "?") if a else "?"

    def tint(self, colour: str, amount: float = 0.86) -> str:
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
        return "#%02x%02x%02x" % tuple(mix)

    def style(self, outlet: str) -> str:
        c = self.colour.get(outlet, PALETTE[-3])
        return f"--c:{c};--t:{self.tint(c)}"

    def chip(self, outlet: str, small: bool = False) -> Markup:
        return M('<span class="chip{}" style="{}; background:var(--t)">{}</span>',
                 " sm" if small else "", self.style(outlet), outlet)

    def article_chip(self, aid: str, small: bool = False) -> Markup:
        return self.chip(self.outlet(aid), small)

    def ev_key(self, ev: dict) -> str:
        return f"ev-{self.slug(ev['article_id'])}-{int(ev['start'])}-{int(ev['end'])}"

    def _register(self, ev: dict) -> str | None:
        a = self.articles.get(ev.get("article_id"))
        if a is None or not (0 <= ev["start"] < ev["end"] <= len(a.get("text", ""))):
            return None
        self.cited[ev["article_id"]].add((int(ev["start"]), int(ev["end"])))
        return self.ev_key(ev)

    def evq(self, ev: dict, limit: int = 220) -> Markup:
        """Evidence as a linked quote block: outlet chip + the cited words."""
        key = self._register(ev)
        text = ev.get("text", "")
        short = text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " \u2026"
        outlet = self.outlet(ev["article_id"])
        body = M('{}\u201c{}\u201d<span class="go">in article \u2192</span>', self.chip(outlet, True), short)
        if key is None:
            return M('<span class="evq" style="{}">{}</span>', self.style(outlet), body)
        return M('<a class="ev evq" href="#{k}" data-ev="{k}" style="{}" title="Show in {}">{}</a>',
                 self.style(outlet), outlet, body, k=key)

    def cite(self, ev: dict, label: str | None = None) -> Markup:
        """Compact citation chip (used after summary sentences and inside tables)."""
        key = self._register(ev)
        outlet = self.outlet(ev["article_id"])
        label = label or outlet
        if key is None:
            return M('<span class="cite" style="{}">{}</span>', self.style(outlet), label)
        return M('<a class="ev cite" href="#{k}" data-ev="{k}" style="{}" title="\u201c{}\u201d \u2014 {}">{}</a>',
                 self.style(outlet), ev.get("text", "")[:200], outlet, label, k=key)

    def evlist(self, evidence: list[dict], show: int = 2) -> Markup:
        items = [self.evq(e) for e in evidence]
        if len(items) <= show:
            return join(items)
        more = len(items) - show
        return M('{}<details class="more"><summary>{} more source passage{}</summary>{}</details>',
                 join(items[:show]), more, "" if more == 1 else "s", join(items[show:]))


def _badge(text: str, kind: str = "") -> Markup:
    return M('<span class="badge {}">{}</span>', kind, text)


def _uncertain(f: dict) -> Markup:
    """A badge on a finding shown below its kind's display threshold (``view.display_view``)."""
    return M('{} ', _badge(f"uncertain \u00b7 {float(f.get('confidence', 0)):.2f}", "warn")) if f.get("uncertain") else Markup("")


PUB_BADGE = {"explicit": ("date stated", "ok"), "inferred": ("date inferred", "warn"),
             "unknown": ("date unknown", "")}
INTEGRITY_BADGE = {"identical": ("identical", "ok"), "minor": ("minor change", "warn"),
                   "altered": ("\u26a0 altered", "bad"),
                   "unchecked": ("wording differs (not judged)", "")}


# ---------------------------------------------------------------- sections

def _section(sid: str, title: str, body: Markup, count: int | None = None, note: str = "") -> Markup:
    c = M('<span class="count">{}</span>', count) if count is not None else Markup("")
    n = M('<p class="note">{}</p>', note) if note else Markup("")
    return M('<section class="block" id="{}"><h2>{}{}</h2>{}{}</section>', sid, title, c, n, body)


def _coverage(pg: _Page, story: dict, sid: str) -> Markup:
    rows = []
    arts = [pg.articles[a] for a in story.get("article_ids", []) if a in pg.articles]
    arts.sort(key=lambda a: (a.get("published") or "9999", a.get("outlet", "")))
    for a in arts:
        src = a.get("published_source", "unknown")
        label, kind = PUB_BADGE.get(src, (src, ""))
        how = a.get("published_inference")
        how = ", ".join(f"{k}: {v}" for k, v in how.items() if isinstance(v, (str, int, float))) \
            if isinstance(how, dict) else ""
        date = fmt_date(a.get("published")) if a.get("published") else "\u2014"
        credit = []
        if a.get("byline"):
            credit.append(M('<div>{}</div>', a["byline"]))
        if a.get("credit") and a.get("credit") != a.get("outlet"):
            credit.append(M('<div class="sub">credit: {}</div>', a["credit"]))
        for ext in a.get("external_credits") or []:
            name = ext if isinstance(ext, str) else (ext.get("source") or "")
            evs = [] if isinstance(ext, str) else (ext.get("evidence") or [])[:1]
            if name:
                credit.append(M('<div class="sub">credits {}{}</div>', name, join(pg.cite(e, "see \u2192") for e in evs)))
        rows.append(M(
            '<tr><td>{}</td><td><div class="date">{}</div><span title="{}">{}</span></td>'
            '<td class="headline"><a href="#art-{}">{}</a></td><td>{}</td></tr>',
            pg.chip(a.get("outlet") or "?"), date, how, _badge(label, kind), pg.slug(a["id"]),
            a.get("title") or "(untitled)", join(credit) or Markup('<span class="empty">\u2014</span>')))
    table = M('<div class="card"><table class="grid"><thead><tr><th>Outlet</th><th>Published</th>'
              '<th>Headline</th><th>Byline / credit</th></tr></thead><tbody>{}</tbody></table></div>', join(rows))
    return _section(f"{sid}-coverage", "Coverage overview", table, len(arts))


def _depths(ids: list[str], edges: list[dict]) -> dict[str, int]:
    """Column of each article: sources at 0, a derived copy one right of its deepest source."""
    src = defaultdict(list)
    for e in edges:
        src[e["article_id"]].append(e["source_id"])
    depth: dict[str, int] = {}

    def d(a: str, seen: frozenset) -> int:
        if a in depth:
            return depth[a]
        parents = [s for s in src.get(a, []) if s not in seen and s in ids]
        depth[a] = 0 if not parents else 1 + max(d(s, seen | {a}) for s in parents)
        return depth[a]

    for a in ids:
        d(a, frozenset())
    return depth


def _provenance_svg(pg: _Page, story: dict) -> Markup:
    ids = [a for a in story.get("article_ids", []) if a in pg.articles]
    edges = [e for e in story.get("provenance", []) if e["article_id"] in ids and e["source_id"] in ids
             and e["article_id"] != e["source_id"]]
    depth = _depths(ids, edges)
    W, H, GX, GY, PAD = 240, 66, 140, 20, 14
    cols: dict[int, list[str]] = defaultdict(list)
    row: dict[str, int] = {}
    for a in sorted(ids, key=lambda a: depth[a]):
        c = depth[a]
        want = next((row[e["source_id"]] for e in edges if e["article_id"] == a and e["source_id"] in row), 0)
        taken = {row[x] for x in cols[c]}
        r = want
        while r in taken:
            r += 1
        if c == 0:
            r = len(cols[0])
        row[a] = r
        cols[c].append(a)
    ncols = max(cols) + 1 if cols else 1
    nrows = max(row.values()) + 1 if row else 1
    width = PAD * 2 + ncols * W + (ncols - 1) * GX
    height = PAD * 2 + nrows * H + (nrows - 1) * GY
    pos = {a: (PAD + depth[a] * (W + GX), PAD + row[a] * (H + GY)) for a in ids}
    parts = [M('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
               'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5f6670"/></marker></defs>')]
    for e in edges:
        (x1, y1), (x2, y2) = pos[e["article_id"]], pos[e["source_id"]]
        same_col = x1 == x2
        if same_col:  # derived below/above its source in the same column: arc on the right
            sx, sy, tx, ty = x1 + W, y1 + H / 2, x2 + W, y2 + H / 2
            path = f"M{sx},{sy} C{sx + 60},{sy} {tx + 60},{ty} {tx + 2},{ty}"
            mx, my = sx + 45, (sy + ty) / 2
        else:
            sx, sy = (x1, y1 + H / 2) if x1 > x2 else (x1 + W, y1 + H / 2)
            tx, ty = (x2 + W, y2 + H / 2) if x1 > x2 else (x2, y2 + H / 2)
            cx = (sx + tx) / 2
            path = f"M{sx},{sy} C{cx},{sy} {cx},{ty} {tx + (2 if x1 > x2 else -2)},{ty}"
            mx, my = cx, (sy + ty) / 2
        label = f"{e.get('reuse') or 'derived'} \u00b7 {float(e.get('score', 0)):.2f}"
        parts.append(M('<path d="{}" fill="none" stroke="#5f6670" stroke-width="1.6" marker-end="url(#arrow)"/>'
                       '<rect x="{}" y="{}" width="{}" height="20" rx="10" fill="#fff" stroke="#d6d4cc"/>'
                       '<text x="{}" y="{}" text-anchor="middle" font-size="11.5" fill="#1c1f24">{}</text>',
                       path, mx - 44, my - 10, 88, mx, my + 4, label))
    for a in ids:
        x, y = pos[a]
        art = pg.articles[a]
        outlet = art.get("outlet") or "?"
        c = pg.colour.get(outlet, PALETTE[-3])
        title = art.get("title") or ""
        title = title if len(title) <= 34 else title[:33].rstrip() + "\u2026"
        date = fmt_date(art.get("published")) if art.get("published") else "date unknown"
        parts.append(M(
            '<a href="#art-{}"><g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="10" fill="{}" '
            'stroke="{}" stroke-width="1.5"/><circle cx="{}" cy="{}" r="4.5" fill="{}"/>'
            '<text x="{}" y="{}" font-size="13" font-weight="700" fill="#1c1f24">{}</text>'
            '<text x="{}" y="{}" font-size="11.5" fill="#1c1f24">{}</text>'
            '<text x="{}" y="{}" font-size="11" fill="#5f6670">{}</text></g></a>',
            pg.slug(a), art.get("title") or outlet, x, y, W, H, pg.tint(c, 0.9), c, x + 14, y + 18, c,
            x + 25, y + 22, outlet[:28], x + 12, y + 40, title, x + 12, y + 56, date))
    return M('<svg viewBox="0 0 {w} {h}" width="{w}" role="img" aria-label="Provenance graph">{}</svg>',
             join(parts), w=width, h=height)


def _provenance(pg: _Page, story: dict, sid: str) -> Markup:
    edges = story.get("provenance", [])
    items = []
    for e in edges:
        n_al = len(e.get("aligned") or [])
        al = M(" \u00b7 {} aligned passage{}", n_al, "" if n_al == 1 else "s") if n_al else Markup("")
        items.append(M('<li>{} <span class="sub">copied from</span> {}<div class="sub">{} \u00b7 score {}{}</div>{}</li>',
                       pg.article_chip(e["article_id"], True), pg.article_chip(e["source_id"], True),
                       e.get("reuse") or "derived", f"{float(e.get('score', 0)):.2f}", al,
                       pg.evlist(e.get("evidence", []), show=1)))
    side = M("<ul>{}</ul>", join(items)) if items else Markup(
        '<p class="empty">No copying detected: every article reads as independently written.</p>')
    body = M('<div class="card prov"><div>{}</div><div>{}</div></div>', _provenance_svg(pg, story), side)
    return _section(f"{sid}-provenance", "Provenance", body, len(edges),
                    "Arrows point from a derived article to its source.")


def _summary(pg: _Page, story: dict, sid: str) -> Markup:
    sents = summary_sentences(story)
    method = story.get("summary_method") or ("extractive" if not isinstance(story.get("summary"), str) else "")
    note = ("Extractive neutral summary: every sentence is taken from an article and cited."
            if method == "extractive" else (f"Summary by {method}; citations show supporting passages."
                                            if method else "Summary with citations to supporting passages."))
    if not sents:
        return _section(f"{sid}-summary", "Summary", Markup('<p class="empty">No summary.</p>'))
    lis = [M('<li title="{}">{}{}</li>', s.get("why", ""), s.get("text", ""),
             join(pg.cite(e) for e in s.get("evidence", []))) for s in sents]
    return _section(f"{sid}-summary", "Summary", M('<div class="card"><ol class="summary">{}</ol></div>', join(lis)),
                    note=note)


def _claims_by_id(story: dict) -> dict[str, dict]:
    return {c["id"]: c for c in story.get("claims", [])}


def _attrib(c: dict) -> str:
    a = c.get("attributed_to")
    if isinstance(a, list):
        a = ", ".join(a)
    return a or ""


def _facts(pg: _Page, story: dict, sid: str) -> Markup:
    from storyscope.dossier.view import shown_facts
    claims = sorted(shown_facts(story), key=lambda c: (-int(c.get("independent_sources", 0)), str(c["id"])))
    cards = []
    for c in claims:
        n = int(c.get("independent_sources", 0))
        cls = "s3" if n >= 3 else ("s2" if n == 2 else "s1")
        outlets = sorted({pg.outlet(a) for a in c.get("article_ids") or [e["article_id"] for e in c["evidence"]]})
        attr = M('<span class="sub">according to <strong>{}</strong></span>', _attrib(c)) if _attrib(c) else Markup("")
        cards.append(M(
            '<div class="card fact" id="{}-claim-{}"><div class="srcbox {}"><b>{}</b><span>independent<br>source{}'
            '</span></div><div><div class="text">{}</div><div class="meta-row">{}<span class="chips">{}</span></div>'
            '{}</div></div>',
            sid, c["id"], cls, n, "" if n == 1 else "s", M("{}{}", _uncertain(c), c.get("text", "")), attr,
            join(pg.chip(o, True) for o in outlets), pg.evlist(c.get("evidence", []))))
    body = M('<div class="facts">{}</div>', join(cards)) if cards else Markup(
        '<p class="empty">No fact is stated by two or more independent sources.</p>')
    return _section(f"{sid}-facts", "Corroborated facts", body, len(claims),
                    "Independent sources count an article and the copies derived from it once.")


def _disputes(pg: _Page, story: dict, sid: str) -> Markup:
    claims = _claims_by_id(story)
    cards = []
    for d in story.get("disputes", []):
        sides = []
        for i, s in enumerate(d.get("sides", [])):
            if i:
                sides.append(Markup('<div class="vs">VS</div>'))
            cl = [M("<li>{}</li>", claims[c]["text"]) for c in s.get("claim_ids", []) if c in claims]
            sides.append(M(
                '<div class="side"><div class="stance">{}</div><div class="chips">{}</div>{}{}</div>',
                s.get("stance") or f"Side {i + 1}", join(M('<span class="actor">{}</span>', a) for a in s.get("actors", [])),
                M('<ul class="claims">{}</ul>', join(cl)) if cl else Markup(""),
                join(pg.evq(e) for e in s.get("evidence", []))))
        n = len(d.get("sides", []))
        cols = " auto ".join(["minmax(0,1fr)"] * max(n, 1))
        kind = M("{}{}", _badge(d["basis"], "info") if d.get("basis") else Markup(""), _uncertain(d))
        cards.append(M('<div class="card dispute" id="{}-dispute-{}"><h3>{}{}</h3>'
                       '<div class="sides" style="grid-template-columns:{}">{}</div></div>',
                       sid, d["id"], d.get("about", ""), kind, cols, join(sides)))
    body = M('<div class="facts">{}</div>', join(cards)) if cards else Markup('<p class="empty">No disputes.</p>')
    return _section(f"{sid}-disputes", "Disputes", body, len(cards))


def _diff_markup(ops: list[dict]) -> Markup:
    out = []
    for o in ops:
        op = o.get("op")
        if op == "equal":
            out.append(escape(o.get("b", "")))
        elif op == "delete":
            out.append(M("<del>{}</del>", o.get("a", "")))
        elif op == "insert":
            out.append(M("<ins>{}</ins>", o.get("b", "")))
        else:
            out.append(M("<del>{}</del> <ins>{}</ins>", o.get("a", ""), o.get("b", "")))
    return Markup(" ").join(out)


def _quote_rows(pg: _Page, qs: list[dict]) -> Markup:
    ref = qs[0]
    rows = []
    for q in qs:
        ops = quote_diff(ref, q)
        text = _diff_markup(ops) if ops else escape(q.get("text", ""))
        label, kind = INTEGRITY_BADGE.get(q.get("integrity", ""), (q.get("integrity", ""), ""))
        badges = [_badge(q.get("form", ""))] if q.get("form") else []
        if len(qs) > 1:
            badges.append(_badge(label, kind))
        if q.get("paraphrase_as_direct"):
            badges.append(_badge("paraphrase printed as direct quote", "bad"))
        link = join(pg.cite(e, "in article \u2192") for e in (q.get("evidence") or [])[:1])
        rows.append(M('<div class="rendering"><div>{}</div><div><span class="qt">{}</span> {}</div>'
                      '<div class="badges">{}</div></div>',
                      pg.article_chip(quote_article(q) or "", True), text, link, join(badges)))
    return join(rows)


def _quotes(pg: _Page, story: dict, sid: str) -> Markup:
    """Utterances reported by several outlets first (most altered on top), then single-source quotes."""
    groups = quote_groups(story.get("quotes", []))
    multi = sorted((g for g in groups if len(g[1]) > 1), key=lambda g: -INTEGRITY_RANK.get(worst_integrity(g[1]), 0))
    single = [g for g in groups if len(g[1]) == 1]
    cards = []
    for _, qs in multi:
        worst = worst_integrity(qs)
        outlets = {pg.outlet(quote_article(q) or "") for q in qs}
        label, kind = INTEGRITY_BADGE.get(worst, (worst, ""))
        cards.append(M('<div class="card qgroup"><div class="head"><span class="speaker">{}</span>{}'
                       '<span class="sub">{} renderings in {} outlet{}</span></div>{}</div>',
                       qs[0].get("speaker") or "Unattributed speaker", _badge(label, kind), len(qs), len(outlets),
                       "" if len(outlets) == 1 else "s", _quote_rows(pg, qs)))
    if single:
        items = []
        for _, (q,) in single:
            badges = [_badge(q["form"])] if q.get("form") else []
            if q.get("paraphrase_as_direct"):
                badges.append(_badge("paraphrase printed as direct quote", "bad"))
            link = join(pg.cite(e, "in article \u2192") for e in (q.get("evidence") or [])[:1])
            items.append(M('<div class="card qsingle"><div class="head"><span class="speaker">{}</span>{}{}</div>'
                           '<div><span class="qt">{}</span> {}</div></div>',
                           q.get("speaker") or "Unattributed speaker", pg.article_chip(quote_article(q) or "", True),
                           join(badges), q.get("text", ""), link))
        cards.append(M('<h3 class="subhead">Reported by one outlet only</h3><div class="qsingles">{}</div>',
                       join(items)))
    body = join(cards) if cards else Markup('<p class="empty">No quotes.</p>')
    return _section(f"{sid}-quotes", "Quotes", body, len(groups),
                    "Each utterance with every outlet's rendering; differences from the first rendering are "
                    "marked word by word.")


def _framing(pg: _Page, story: dict, sid: str) -> Markup:
    frames = story.get("framing", [])
    if not frames:
        return _section(f"{sid}-framing", "Framing", Markup('<p class="empty">No framing differences.</p>'))
    ids = [a for a in story.get("article_ids", []) if a in pg.articles]
    head = join(M("<th>{}</th>", pg.article_chip(a, True)) for a in ids)
    rows = []
    for f in frames:
        cells = []
        for a in ids:
            terms = (f.get("terms") or {}).get(a) or []
            pills = []
            for t in terms:
                ev = (t.get("evidence") or [None])[0]
                cls = "term quoted" if t.get("voice") == "quoted" else "term"
                title = "in a quote" if t.get("voice") == "quoted" else "in the outlet's own voice"
                style = pg.style(pg.outlet(a))
                key = pg._register(ev) if ev else None
                if key:
                    pills.append(M('<a class="ev {}" href="#{k}" data-ev="{k}" style="{}" title="{}">{}</a>',
                                   cls, style, title, t.get("term", ""), k=key))
                else:
                    pills.append(M('<span class="{}" style="{}" title="{}">{}</span>', cls, style, title,
                                   t.get("term", "")))
            cells.append(M("<td>{}</td>", join(pills) or Markup('<span class="empty">\u2014</span>')))
        rows.append(M('<tr><td class="concept">{}</td>{}</tr>', f.get("concept", ""), join(cells)))
    body = M('<div class="card" style="overflow-x:auto"><table class="grid framing"><thead><tr><th>Concept</th>{}'
             '</tr></thead><tbody>{}</tbody></table><div class="legend"><span><span class="term" '
             'style="--c:#8a9099;--t:#f1f0eb">term</span> outlet\'s own words</span><span><span class="term quoted" '
             'style="--c:#8a9099">term</span> inside a quote</span></div></div>', head, join(rows))
    return _section(f"{sid}-framing", "Framing", body, len(frames), "How each outlet names the same thing.")


def _omissions(pg: _Page, story: dict, sid: str) -> Markup:
    claims = _claims_by_id(story)
    cards = []
    for o in story.get("omissions", []):
        items = []
        for cid in o.get("claim_ids", []):
            c = claims.get(cid)
            if not c:
                continue
            ev = (c.get("evidence") or [None])[0]
            n = int(c.get("independent_sources", 0))
            items.append(M('<li>{} <span class="sub">({} independent source{})</span>{}</li>', c["text"], n,
                           "" if n == 1 else "s", pg.cite(ev, "reported by " + pg.outlet(ev["article_id"]))
                           if ev else Markup("")))
        if items:
            cards.append(M('<div class="card omit"><div>{}</div><div class="sub" style="margin-top:6px">does not '
                           'mention</div><ul>{}</ul></div>', pg.article_chip(o["article_id"]), join(items)))
    body = M('<div class="omits">{}</div>', join(cards)) if cards else Markup('<p class="empty">No omissions.</p>')
    return _section(f"{sid}-omissions", "Omissions", body, len(cards),
                    "Facts other outlets report that this article leaves out.")


def _timeline_svg(events: list[tuple[int, dict, tuple]]) -> Markup:
    W, PADL, PADR, AXIS = 1000, 40, 40, 92
    first = min(p[0] for _, _, p in events)
    last = max(p[1] for _, _, p in events)
    span = max((last - first).days + 1, 1)

    def x(d: dt.date) -> float:
        return PADL + (d - first).days / span * (W - PADL - PADR)

    parts = [M('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1c1f24" stroke-width="2"/>', PADL - 10, AXIS,
               W - PADR + 10, AXIS)]
    years = range(first.year, last.year + 2)
    for y in years:
        d = dt.date(y, 1, 1)
        if first <= d <= last + dt.timedelta(days=1) or y == first.year:
            xx = x(max(d, first))
            parts.append(M('<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#8a9099"/>'
                           '<text x="{0}" y="{3}" font-size="12" fill="#5f6670" text-anchor="middle">{4}</text>',
                           round(xx, 1), AXIS, AXIS + 8, AXIS + 24, y))
    if span <= 800:
        m = dt.date(first.year, first.month, 1)
        while m <= last:
            if m.month != 1 and m >= first:
                xx = round(x(m), 1)
                parts.append(M('<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#c8cbd0"/>', xx, AXIS, AXIS + 4))
            m = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    levels: list[float] = []
    for n, ev, (d0, d1, prec) in events:
        x0, x1 = x(d0), x(d1 + dt.timedelta(days=1))
        cx = (x0 + x1) / 2
        lvl = 0
        while lvl < len(levels) and cx - levels[lvl] < 26:
            lvl += 1
        if lvl == len(levels):
            levels.append(cx)
        levels[lvl] = cx
        ly = AXIS - 30 - lvl * 26
        title = f"{fmt_date(ev.get('date'))}: {ev.get('event', '')}"
        if prec == "day" or x1 - x0 < 10:
            mark = M('<circle cx="{}" cy="{}" r="7" fill="#ffd43b" stroke="#1c1f24" stroke-width="2"/>', round(cx, 1), AXIS)
        else:
            mark = M('<rect x="{}" y="{}" width="{}" height="12" rx="6" fill="#ffd43b" fill-opacity=".55" '
                     'stroke="#b98900" stroke-width="1.5"/>', round(x0, 1), AXIS - 6, round(x1 - x0, 1))
        parts.append(M('<g><title>{}</title><line x1="{cx}" y1="{}" x2="{cx}" y2="{}" stroke="#8a9099" '
                       'stroke-dasharray="2 2"/>{}<circle cx="{cx}" cy="{}" r="11" fill="#15181d"/>'
                       '<text x="{cx}" y="{}" font-size="11" font-weight="700" fill="#fff" text-anchor="middle">{}'
                       '</text></g>', title, ly + 11, AXIS - 7, mark, ly, ly + 4, n, cx=round(cx, 1)))
    top = AXIS - 30 - (len(levels) - 1) * 26 - 16
    return M('<svg viewBox="0 {} {} {}" role="img" aria-label="Timeline">{}</svg>', top, W, AXIS + 34 - top,
             join(parts))


def _timeline(pg: _Page, story: dict, sid: str) -> Markup:
    dated = []
    for ev in story.get("timeline", []):
        p = parse_date(ev.get("date"))
        if p:
            dated.append((ev, p))
    dated.sort(key=lambda t: (t[1][0], t[1][1]))
    if not dated:
        return _section(f"{sid}-timeline", "Timeline", Markup('<p class="empty">No dated events.</p>'))
    numbered = [(i + 1, ev, p) for i, (ev, p) in enumerate(dated)]
    lis = []
    for n, ev, (_, _, prec) in numbered:
        outlets = sorted({pg.outlet(a) for a in ev.get("article_ids", [])})
        lis.append(M('<li><span class="num">{}</span><div><div class="date"><strong>{}</strong></div>{}</div>'
                     '<div><div class="ev-text">{}</div><div class="chips">{}</div>{}</div></li>',
                     n, fmt_date(ev.get("date")), _badge(ev.get("precision") or prec),
                     ev.get("event", ""), join(pg.chip(o, True) for o in outlets),
                     pg.evlist(ev.get("evidence", []), show=1)))
    body = M('<div class="card timeline">{}<ol class="events">{}</ol></div>', _timeline_svg(numbered), join(lis))
    return _section(f"{sid}-timeline", "Timeline", body, len(numbered),
                    "Spacing is proportional to time; bars span a month or year when the date is that vague.")


def _story(pg: _Page, story: dict, idx: int, multi: bool) -> Markup:
    sid = f"st-{pg.slug(str(story.get('id', idx)))}"
    start, end = story.get("start"), story.get("end")
    if not (start or end):
        dates = sorted(pg.articles[a]["published"][:10] for a in story.get("article_ids", [])
                       if a in pg.articles and pg.articles[a].get("published"))
        start, end = (dates[0], dates[-1]) if dates else (None, None)
    when = fmt_date(start) if start == end or not end else f"{fmt_date(start)} \u2013 {fmt_date(end)}"
    outlets = story.get("outlets") or sorted({pg.outlet(a) for a in story.get("article_ids", [])})
    n_art = len(story.get("article_ids", []))
    head = M('<header class="story-head" id="{}"><div class="eyebrow">{}</div><h1>{}</h1>'
             '<div class="meta-row"><span class="date"><strong>{}</strong></span><span>{} article{} \u00b7 {} outlet{}'
             '</span><span class="chips">{}</span></div></header>',
             sid, f"Story {idx + 1}" if multi else "Story dossier", story.get("title") or "(untitled story)",
             when if start else "dates unknown", n_art, "" if n_art == 1 else "s", len(outlets),
             "" if len(outlets) == 1 else "s", join(pg.chip(o) for o in outlets))
    from storyscope.dossier.view import hidden_note
    note = hidden_note(story)
    if note:
        head = M('{}<p class="sub hidden-note">{}</p>', head, note)
    return M('<article class="story">{}{}{}{}{}{}{}{}{}{}</article>', head, _coverage(pg, story, sid),
             _provenance(pg, story, sid), _summary(pg, story, sid), _facts(pg, story, sid),
             _disputes(pg, story, sid), _quotes(pg, story, sid), _framing(pg, story, sid),
             _omissions(pg, story, sid), _timeline(pg, story, sid))


# ---------------------------------------------------------------- article text with marks

def mark_text(text: str, cited: set[tuple[int, int]], debris: list[dict], key) -> Markup:
    """Escape ``text`` and wrap every cited span in <mark> and every debris span in a dimmed <span>.

    Spans may nest or overlap: the text is cut at every boundary and tags are closed and reopened
    where spans cross, so the markup stays well formed. A span's first piece carries its id; every
    piece carries ``data-ev`` so the highlight covers all of it.
    """
    n = len(text)
    spans = [(s, e, "ev", key(s, e)) for s, e in cited if 0 <= s < e <= n]
    spans += [(d["start"], d["end"], "debris", d.get("label", "")) for d in debris if 0 <= d["start"] < d["end"] <= n]
    spans.sort(key=lambda t: (t[0], -t[1], t[2]))
    starts = defaultdict(list)
    for sp in spans:
        starts[sp[0]].append(sp)
    bounds = sorted({0, n} | {s for s, *_ in spans} | {e for _, e, *_ in spans})
    out: list = []
    stack: list = []
    opened: set = set()

    def open_tag(sp):
        s, e, kind, val = sp
        if kind == "debris":
            return M('<span class="debris" data-label="{}" title="boilerplate: {}">', val, val)
        if sp in opened:
            return M('<mark class="ev-mark" data-ev="{}">', val)
        opened.add(sp)
        return M('<mark class="ev-mark" id="{0}" data-ev="{0}">', val)

    def close_tag(sp):
        return Markup("</span>" if sp[2] == "debris" else "</mark>")

    for i, pos in enumerate(bounds):
        ending = [j for j, sp in enumerate(stack) if sp[1] == pos]
        if ending:
            popped = stack[ending[0]:]
            del stack[ending[0]:]
            out.extend(close_tag(sp) for sp in reversed(popped))
            for sp in popped:
                if sp[1] != pos:
                    out.append(open_tag(sp))
                    stack.append(sp)
        for sp in starts.get(pos, []):
            out.append(open_tag(sp))
            stack.append(sp)
        if i + 1 < len(bounds):
            out.append(escape(text[pos:bounds[i + 1]]))
    return join(out)


def _safe_url(url: str) -> str | None:
    return url if re.match(r"^https?://[^\s\"'<>]+$", url or "") else None


def _articles(pg: _Page, ids: list[str]) -> Markup:
    cards = []
    for aid in ids:
        a = pg.articles[aid]
        slug = pg.slug(aid)
        src = a.get("published_source", "unknown")
        label, kind = PUB_BADGE.get(src, (src, ""))
        meta = [M('<span class="date">{}</span>{}', fmt_date(a["published"]) if a.get("published") else "",
                  _badge(label, kind))]
        if a.get("byline"):
            meta.append(M("<span>by {}</span>", a["byline"]))
        if a.get("credit"):
            meta.append(M("<span>credit: {}</span>", a["credit"]))
        if a.get("language"):
            meta.append(_badge(a["language"]))
        url = _safe_url(a.get("url", ""))
        if url:
            meta.append(M('<a href="{}" rel="noopener noreferrer" target="_blank">original \u2197</a>', url))
        elif a.get("path"):
            meta.append(M('<span class="sub">{}</span>', a["path"]))
        body = mark_text(a.get("text", ""), pg.cited.get(aid, set()), a.get("debris") or [],
                         lambda s, e, aid=aid: pg.ev_key({"article_id": aid, "start": s, "end": e}))
        cards.append(M('<div class="card article" id="art-{}">{}<h3>{}</h3><div class="meta-row">{}</div>'
                       '<div class="article-text">{}</div></div>', slug, pg.article_chip(aid),
                       a.get("title") or "(untitled)", join(meta), body))
    return M('<section class="block" id="articles"><h2>Articles<span class="count">{}</span></h2>'
             '<p class="note">Full text as ingested. Underlined passages are cited by a finding; struck-through '
             'grey text is page furniture removed from analysis.</p><div class="articles">{}</div></section>',
             len(ids), join(cards))


# ---------------------------------------------------------------- page

def render_html(dossier: dict, story_id: str | None = None) -> str:
    """The dossier (or one story of it) as a self-contained HTML page; needs no network to view."""
    stories = select_stories(dossier, story_id)
    pg = _Page(dossier)
    multi = len(stories) > 1
    body = [_story(pg, s, i, multi) for i, s in enumerate(stories)]
    ids: list[str] = []
    for s in stories:
        ids += [a for a in s.get("article_ids", []) if a in pg.articles and a not in ids]
    body.append(_articles(pg, ids))  # last: it needs every span the sections cited
    if multi:
        nav = join(M('<a href="#st-{}">{}</a>', pg.slug(str(s.get("id", i))), (s.get("title") or "")[:40])
                   for i, s in enumerate(stories))
    else:
        sid = f"st-{pg.slug(str(stories[0].get('id', 0)))}" if stories else "st"
        nav = join(M('<a href="#{}-{}">{}</a>', sid, k, label) for k, label in (
            ("coverage", "Coverage"), ("provenance", "Provenance"), ("summary", "Summary"), ("facts", "Facts"),
            ("disputes", "Disputes"), ("quotes", "Quotes"), ("framing", "Framing"), ("omissions", "Omissions"),
            ("timeline", "Timeline")))
    nav += Markup('<a href="#articles">Articles</a>')
    gen = " \u00b7 ".join(x for x in (
        f"generated {dossier['generated_at'][:16].replace('T', ' ')}" if dossier.get("generated_at") else "",
        f"storyscope {dossier['storyscope_version']}" if dossier.get("storyscope_version") else "") if x)
    js = _asset("dossier.js")
    js_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode()
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{js_hash}'; "
           "base-uri 'none'; form-action 'none'")
    title = stories[0].get("title") if len(stories) == 1 else "Storyscope dossier"
    page = M(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="storyscope">'
        '<link rel="icon" href="data:,"><title>{title}</title><style>{css}</style></head>'
        '<body><div class="topbar"><span class="brand">Story<span>scope</span></span><nav>{nav}</nav>'
        '<span class="gen">{gen}</span></div><main>{body}'
        '<footer>Every finding links to the passage it rests on. Format {schema}.</footer></main><button id="back-to-finding" type="button" hidden>\u2191 Back to finding</button>'
        '<script>{js}</script></body></html>\n',
        csp=csp, title=f"{title or 'Story'} \u2014 Storyscope", css=Markup(_asset("dossier.css")), nav=nav,
        gen=gen, body=join(body), js=Markup(js), schema=dossier.get("schema", ""))
    return str(page)
