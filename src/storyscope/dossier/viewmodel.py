"""The one view model of a dossier that both the HTML page and the Markdown file are rendered from.

``build_view(dossier, story_id)`` turns a ``view.display_view`` dossier (what a reader is shown) into
plain dataclasses: per story its coverage rows, provenance edges and graph, summary sentences,
corroborated facts, disputes, quote groups with their word diffs, framing table, omissions and
timeline (with the graphic's geometry), and the articles with every span a finding cites. Each
citation is a ``Cite`` carrying its evidence span, the outlet (name and colours) and ``key``, the id
of the mark over the span in the article text (None when the span is not inside the text).
Renderers (``render_html``, ``render_md``) only format what is here; they decide nothing.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storyscope.errors import NotFound

if TYPE_CHECKING:
    from storyscope.dossier.layout import Graph, TimelineGraphic

PALETTE = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#dc2626", "#65a30d",
           "#9333ea", "#475569", "#ca8a04", "#0f766e"]
INTEGRITY_RANK = {"identical": 0, "minor": 1, "altered": 2}
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$")


# ---------------------------------------------------------------- small helpers

def select_stories(dossier: dict, story_id: str | None) -> list[dict]:
    """The stories to show: all, or the one with ``story_id`` (raises ``NotFound`` when absent)."""
    stories = dossier.get("stories", [])
    if story_id is None:
        return list(stories)
    found = [s for s in stories if s.get("id") == story_id]
    if not found:
        raise NotFound("story", story_id)
    return found


def parse_date(value: str | None) -> tuple[dt.date, dt.date, str] | None:
    """(first day, last day, precision "day"|"month"|"year") of a YYYY, YYYY-MM or YYYY-MM-DD[...]
    string; None when it is none of these."""
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
    """Human date at the precision the value has: '12 Mar 2024' (', 14:05' when a time is given),
    'Mar 2024', '2024'; the value itself when unparseable, 'date unknown' when empty."""
    p = parse_date(value)
    if p is None:
        return value or "date unknown"
    first, _, prec = p
    if prec == "day":
        s = f"{first.day} {first:%b %Y}"
        t = re.match(r"^\d{4}-\d{2}-\d{2}[T ](\d{2}:\d{2})", value or "")
        return f"{s}, {t.group(1)}" if t else s
    return f"{first:%b %Y}" if prec == "month" else str(first.year)


def shorten(text: str, limit: int, fold: bool = False) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters plus ' …'; ``fold`` first
    folds runs of whitespace into one space."""
    if fold:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " \u2026"


_OPENING_MARKS = "\"\u201c\u201e\u00ab"
_CLOSING_MARK = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb"}


def cited(text: str, limit: int, fold: bool = False) -> str:
    """Cited words as a page shows them: ``shorten(text, limit, fold)`` between curly double quotation
    marks, unless the words begin with a double mark of their own (a direct quote cited whole): then only
    its closing mark is added where the cited words stop before it, never a second opening one
    ('“"The move ...' read as a stray mark)."""
    words = shorten(text, limit, fold)
    if words[:1] not in _OPENING_MARKS:
        return f"\u201c{words}\u201d"
    close = _CLOSING_MARK[words[0]]
    if close == '"':      # straight marks open and close alike: an even count means one is left open
        closed = words.count('"') % 2 == 0
    else:
        closed = words.count(close) >= words.count(words[0])
    return words if closed else words + close


def safe_url(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) URL without quotes, spaces or angle brackets, else None."""
    return url if _SAFE_URL.match(url or "") else None


def slug(aid: str) -> str:
    """A safe token for an article id inside element ids and fragment links."""
    return aid if _SAFE_ID.match(aid) else "a" + hashlib.sha1(aid.encode()).hexdigest()[:12]


def tint(colour: str, amount: float = 0.86) -> str:
    """``colour`` (#rrggbb) mixed with white by ``amount`` (0-1)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#%02x%02x%02x" % tuple(round(c + (255 - c) * amount) for c in (r, g, b))


# ---------------------------------------------------------------- the view model

@dataclass(frozen=True)
class Outlet:
    name: str
    colour: str   # #rrggbb, one per outlet in the order the dossier lists articles
    tint: str     # the colour mixed with white, for backgrounds


@dataclass(frozen=True)
class Cite:
    """One evidence span as a citation. ``key``: id of the mark over it in the article text, or None."""
    article_id: str
    start: int
    end: int
    text: str
    outlet: Outlet
    key: str | None


@dataclass
class Credit:
    name: str
    cites: list[Cite]


@dataclass
class CoverageRow:
    outlet: Outlet
    slug: str
    title: str
    date: str | None               # formatted; None when the article states no date
    published_source: str          # explicit | inferred | unknown
    how: str                       # how an inferred date was found, "key: value, ..."
    byline: str
    credit: str                    # the credit when it is not the outlet itself, else ""
    credits: list[Credit]          # external sources the article credits


@dataclass
class Edge:
    outlet: Outlet                 # the derived article's
    source: Outlet                 # the article it copies from
    reuse: str
    score: float
    aligned: int                   # aligned passages
    evidence: list[Cite]


@dataclass
class Sentence:
    text: str
    why: str
    evidence: list[Cite]


@dataclass
class Fact:
    id: str
    text: str
    sources: int                   # independent sources
    attributed_to: str
    outlets: list[Outlet]
    evidence: list[Cite]
    uncertain: bool
    confidence: float


@dataclass
class Side:
    label: str
    actors: list[str]
    claims: list[str]
    evidence: list[Cite]


@dataclass
class Dispute:
    id: str
    about: str
    basis: str
    sides: list[Side]
    uncertain: bool
    confidence: float


@dataclass
class Rendering:
    outlet: Outlet
    text: str
    diff: list[dict] | None        # word ops from the group's reference rendering; None when the same
    form: str
    integrity: str
    paraphrase_as_direct: bool
    cite: Cite | None


@dataclass
class QuoteGroup:
    speaker: str
    worst: str                     # worst integrity among the renderings
    outlets: int
    renderings: list[Rendering]    # the reference first


@dataclass
class Term:
    term: str
    quoted: bool                   # inside a quote, not the outlet's own voice
    cite: Cite | None


@dataclass
class Frame:
    concept: str
    cells: list[list[Term]]        # one cell per framing column


@dataclass
class Omitted:
    text: str
    sources: int
    cite: Cite | None              # the claim's first evidence
    more: int                      # further evidence spans not cited


@dataclass
class Omission:
    outlet: Outlet
    claims: list[Omitted]


@dataclass
class Event:
    n: int
    date: str                      # formatted
    precision: str
    text: str
    outlets: list[Outlet]
    evidence: list[Cite]
    first: dt.date                 # the first and last day the date can mean
    last: dt.date
    exact: bool                    # the date names a day


@dataclass
class ArticleView:
    id: str
    slug: str
    outlet: Outlet
    title: str
    date: str | None
    published_source: str
    byline: str
    credit: str
    language: str
    url: str | None                # only a safe http(s) URL
    path: str
    text: str
    debris: list[dict]


@dataclass
class StoryView:
    id: str
    sid: str                       # element id prefix, "st-<slug>"
    index: int
    title: str
    when: str
    n_articles: int
    outlets: list[Outlet]
    hidden_note: str
    coverage: list[CoverageRow]
    provenance: list[Edge]
    graph: Graph
    summary: list[Sentence]
    summary_method: str
    facts: list[Fact]
    disputes: list[Dispute]
    quotes: list[QuoteGroup]
    framing_columns: list[Outlet]
    framing: list[Frame]
    omissions: list[Omission]
    timeline: list[Event]
    timeline_graphic: TimelineGraphic | None
    empty: dict[str, str] = field(default_factory=dict)  # section -> what to say when it shows nothing

    def quotes_by_severity(self) -> tuple[list[QuoteGroup], list[QuoteGroup]]:
        """(groups reported by several outlets, most altered first; single renderings)."""
        multi = sorted((g for g in self.quotes if len(g.renderings) > 1),
                       key=lambda g: -INTEGRITY_RANK.get(g.worst, 0))
        return multi, [g for g in self.quotes if len(g.renderings) == 1]

    def single_quotes(self) -> tuple[list[QuoteGroup], list[QuoteGroup]]:
        """Quotes one outlet alone printed: (words in quotation marks, direct or mixed; reported speech,
        the outlet's paraphrase without marks). Reported speech is listed apart: it is not a quote as
        printed, and its spans are what the reading layer is least sure of."""
        single = self.quotes_by_severity()[1]
        return ([g for g in single if g.renderings[0].form != "indirect"],
                [g for g in single if g.renderings[0].form == "indirect"])


@dataclass
class DossierView:
    title: str
    schema: str
    version: str
    generated_at: str
    stories: list[StoryView]
    articles: list[ArticleView]    # every article of the shown stories, in story order
    cited: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # article id -> cited spans


def build_view(dossier: dict, story_id: str | None = None) -> DossierView:
    """The view model of ``dossier`` (a ``view.display_view`` output), of every story or only
    ``story_id``. Raises ``NotFound`` for an unknown story id."""
    from storyscope.dossier.viewstory import story_view
    stories = select_stories(dossier, story_id)
    ctx = ViewContext(dossier)
    views = [story_view(ctx, s, i) for i, s in enumerate(stories)]
    ids: list[str] = []
    for s in stories:
        ids += [a for a in s.get("article_ids", []) if a in ctx.articles and a not in ids]
    title = stories[0].get("title") if len(stories) == 1 else "Storyscope dossier"
    return DossierView(title=title or "", schema=dossier.get("schema", ""),
                       version=dossier.get("storyscope_version", ""), generated_at=dossier.get("generated_at", ""),
                       stories=views, articles=[ctx.article_view(a) for a in ids], cited=dict(ctx.cited))


class ViewContext:
    """What the story views share: article lookup, outlet colours, and every span a citation cites."""

    def __init__(self, dossier: dict):
        self.articles = {a["id"]: a for a in dossier.get("articles", [])}
        self.colour: dict[str, str] = {}
        for a in dossier.get("articles", []):
            self.colour.setdefault(a.get("outlet") or "?", PALETTE[len(self.colour) % len(PALETTE)])
        self.cited: dict[str, set[tuple[int, int]]] = defaultdict(set)

    def outlet(self, name: str) -> Outlet:
        c = self.colour.get(name, PALETTE[-3])
        return Outlet(name, c, tint(c))

    def outlet_name(self, aid: str | None) -> str:
        a = self.articles.get(aid or "")
        return (a.get("outlet") or "?") if a else "?"

    def outlet_of(self, aid: str | None) -> Outlet:
        return self.outlet(self.outlet_name(aid))

    def cite(self, ev: dict) -> Cite:
        """``ev`` as a citation; a span inside its article's text is recorded as cited."""
        aid = ev["article_id"]
        a = self.articles.get(aid)
        key = None
        if a is not None and 0 <= ev["start"] < ev["end"] <= len(a.get("text", "")):
            self.cited[aid].add((int(ev["start"]), int(ev["end"])))
            key = f"ev-{slug(aid)}-{int(ev['start'])}-{int(ev['end'])}"
        return Cite(aid, int(ev["start"]), int(ev["end"]), ev.get("text", ""), self.outlet_of(aid), key)

    def cites(self, evidence: list[dict] | None) -> list[Cite]:
        return [self.cite(e) for e in evidence or []]

    def article_view(self, aid: str) -> ArticleView:
        a = self.articles[aid]
        return ArticleView(
            id=aid, slug=slug(aid), outlet=self.outlet_of(aid), title=a.get("title") or "(untitled)",
            date=fmt_date(a["published"]) if a.get("published") else None,
            published_source=a.get("published_source", "unknown"), byline=a.get("byline") or "",
            credit=a.get("credit") or "", language=a.get("language") or "", url=safe_url(a.get("url", "")),
            path=a.get("path") or "", text=a.get("text", ""), debris=a.get("debris") or [])

