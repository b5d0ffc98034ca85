"""Geometry of the dossier's two graphics, as plain numbers for a template to draw in SVG.

``provenance_graph``: articles as boxes in columns (sources at 0, a derived copy one column right of its
deepest source), arrows from a derived article to its source. ``timeline_graphic``: events on a time
axis, x proportional to time (1000 user units wide), a day as a dot, a vaguer date as a bar over its
month or year, labels stacked in levels so numbers do not overlap.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from storyscope.dossier.viewmodel import Event, ViewContext, fmt_date, slug, tint

NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 240, 66, 140, 20, 14
AXIS_W, PAD_L, PAD_R, AXIS_Y, LEVEL = 1000, 40, 40, 92, 26


@dataclass
class GraphNode:
    slug: str
    title: str          # full title (tooltip)
    label: str          # title cut to 34 characters
    outlet: str         # outlet name cut to 28 characters
    date: str
    x: int
    y: int
    fill: str
    stroke: str


@dataclass
class GraphEdge:
    path: str           # SVG path data from the derived article to its source
    label: str          # "reuse · score"
    mx: float           # label centre
    my: float


@dataclass
class Graph:
    width: int
    height: int
    node_w: int
    node_h: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]


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


def provenance_graph(ctx: ViewContext, ids: list[str], provenance: list[dict]) -> Graph:
    """Boxes for the articles ``ids`` and arrows for the ``provenance`` edges between two of them."""
    edges = [e for e in provenance if e["article_id"] in ids and e["source_id"] in ids
             and e["article_id"] != e["source_id"]]
    depth = _depths(ids, edges)
    W, H = NODE_W, NODE_H
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
    pos = {a: (PAD + depth[a] * (W + GAP_X), PAD + row[a] * (H + GAP_Y)) for a in ids}
    out_edges = []
    for e in edges:
        (x1, y1), (x2, y2) = pos[e["article_id"]], pos[e["source_id"]]
        if x1 == x2:  # derived below/above its source in the same column: arc on the right
            sx, sy, tx, ty = x1 + W, y1 + H / 2, x2 + W, y2 + H / 2
            path = f"M{sx},{sy} C{sx + 60},{sy} {tx + 60},{ty} {tx + 2},{ty}"
            mx, my = sx + 45, (sy + ty) / 2
        else:
            sx, sy = (x1, y1 + H / 2) if x1 > x2 else (x1 + W, y1 + H / 2)
            tx, ty = (x2 + W, y2 + H / 2) if x1 > x2 else (x2, y2 + H / 2)
            cx = (sx + tx) / 2
            path = f"M{sx},{sy} C{cx},{sy} {cx},{ty} {tx + (2 if x1 > x2 else -2)},{ty}"
            mx, my = cx, (sy + ty) / 2
        out_edges.append(GraphEdge(path, f"{e.get('reuse') or 'derived'} \u00b7 {float(e.get('score', 0)):.2f}", mx, my))
    nodes = []
    for a in ids:
        art = ctx.articles[a]
        outlet = ctx.outlet(art.get("outlet") or "?")
        title = art.get("title") or ""
        nodes.append(GraphNode(
            slug=slug(a), title=art.get("title") or outlet.name,
            label=title if len(title) <= 34 else title[:33].rstrip() + "\u2026", outlet=outlet.name[:28],
            date=fmt_date(art.get("published")) if art.get("published") else "date unknown",
            x=pos[a][0], y=pos[a][1], fill=tint(outlet.colour, 0.9), stroke=outlet.colour))
    return Graph(width=PAD * 2 + ncols * W + (ncols - 1) * GAP_X, height=PAD * 2 + nrows * H + (nrows - 1) * GAP_Y,
                 node_w=W, node_h=H, nodes=nodes, edges=out_edges)


@dataclass
class TimelineMark:
    n: int
    title: str          # "date: event" (tooltip)
    cx: float           # centre of the mark and its number
    ly: int             # y of the number's circle (stacked levels)
    dot: bool           # a day (or too short to draw as a bar)
    x0: float           # bar start and width when not a dot
    width: float


@dataclass
class TimelineGraphic:
    width: int
    axis_y: int
    top: int            # viewBox top (negative room above the axis for stacked labels)
    height: int
    axis_x1: int
    axis_x2: int
    years: list[tuple[float, int]]   # (x, year) ticks
    months: list[float]              # month ticks, only when the axis spans at most 800 days
    marks: list[TimelineMark]


def timeline_graphic(events: list[Event]) -> TimelineGraphic:
    """The axis and marks of dated ``events`` (non-empty, in time order)."""
    first = min(e.first for e in events)
    last = max(e.last for e in events)
    span = max((last - first).days + 1, 1)

    def x(d: dt.date) -> float:
        return PAD_L + (d - first).days / span * (AXIS_W - PAD_L - PAD_R)

    years = [(round(x(max(dt.date(y, 1, 1), first)), 1), y) for y in range(first.year, last.year + 2)
             if first <= dt.date(y, 1, 1) <= last + dt.timedelta(days=1) or y == first.year]
    months = []
    if span <= 800:
        m = dt.date(first.year, first.month, 1)
        while m <= last:
            if m.month != 1 and m >= first:
                months.append(round(x(m), 1))
            m = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    levels: list[float] = []
    marks = []
    for ev in events:
        x0, x1 = x(ev.first), x(ev.last + dt.timedelta(days=1))
        cx = (x0 + x1) / 2
        lvl = 0
        while lvl < len(levels) and cx - levels[lvl] < LEVEL:
            lvl += 1
        if lvl == len(levels):
            levels.append(cx)
        levels[lvl] = cx
        marks.append(TimelineMark(n=ev.n, title=f"{ev.date}: {ev.text}", cx=round(cx, 1),
                                  ly=AXIS_Y - 30 - lvl * LEVEL, dot=ev.exact or x1 - x0 < 10,
                                  x0=round(x0, 1), width=round(x1 - x0, 1)))
    top = AXIS_Y - 30 - (len(levels) - 1) * LEVEL - 16
    return TimelineGraphic(width=AXIS_W, axis_y=AXIS_Y, top=top, height=AXIS_Y + 34 - top, axis_x1=PAD_L - 10,
                           axis_x2=AXIS_W - PAD_R + 10, years=years, months=months, marks=marks)
