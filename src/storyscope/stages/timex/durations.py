"""Resolvers of amounts of time: durations ("three years"), sets ("weekly"), and durations turned
into dates by a direction word ("two years ago", "a year earlier", "three days later").
"""
from __future__ import annotations

import datetime as dt
import re

from storyscope.stages.timex.calendar import fmt_duration, fmt_num, number, shift
from storyscope.stages.timex.context import Candidate, Context, result, unresolved
from storyscope.stages.timex.relative import at_offset
from storyscope.stages.timex.vocab import UNITS

_SCALE = {"DE": ("Y", 10), "CE": ("Y", 100), "WE": ("D", 2)}


def _unit(word: str) -> str:
    w = word.lower()
    if w.endswith("ies"):
        w = w[:-3] + "y"
    elif w.endswith("s") and w[:-1] in UNITS:
        w = w[:-1]
    return UNITS[w]


def duration(c: Candidate | None, ctx: Context, g: dict) -> dict | None:
    """"three years" -> P3Y, "90 minutes" -> PT90M, "decades" -> PXDE-as-years, "a weekend" -> P2D."""
    if g.get("bare"):
        u = _unit(g["bare"])
        timed = u in ("H", "S") or g["bare"].lower().startswith("minute")
        return result("DURATION", f"PTX{u}" if timed else f"PX{u}", "duration")
    unit = g["unit"].lower()
    u = _unit(unit)
    n = number(g["n"])
    if n is not None and g.get("half"):
        n += 0.5  # "a minute and a half"
    if u in _SCALE:
        u, k = _SCALE[u]
        n = None if n is None else n * k
    timed = u in ("H", "S") or unit.startswith("minute")
    if n is None:
        return result("DURATION", f"PTX{u}" if timed else f"PX{u}", "duration")
    return result("DURATION", fmt_duration(n, u, timed), "duration")


_SET_UNITS = {"daily": "D", "weekly": "W", "monthly": "M", "annually": "Y", "yearly": "Y", "hourly": "TH",
              "nightly": "D", "quarterly": "Q", "biweekly": "W", "semiannually": "M"}


def set_(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"weekly" -> P1W, "per hour" -> PT1H, "a year" (after a rate) -> P1Y; "annual" is not a timex."""
    w = " ".join(g["w"].lower().split())
    if w == "annual":
        return None
    u = _SET_UNITS.get(w)
    if u is None:
        u = UNITS[w.split()[-1]]
        u = "TH" if u == "H" else u
    n = {"biweekly": 2, "semiannually": 6}.get(w, 1)
    return result("SET", f"PT{n}{u[1:]}" if u.startswith("T") else f"P{n}{u}", None)


def agolater(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"two years ago" (from the DCT); "a year earlier", "three days later" from the date they are
    relative to, at that date's granularity: one the sentence names ("a year earlier" than January 2012
    is 2011-01), else a quarter or day named shortly before, else the DCT. "two years after" is a duration."""
    if c.kind == "yearago":
        n, u, dirw = 1, UNITS[g["w"].lower()], g["dir"].lower()
    else:
        n = number(g["n"])
        u = _unit(g["unit"])
        dirw = " ".join(g["dir"].lower().split())
        if dirw in ("before", "after", "since", "prior", "previously"):
            return duration(c, ctx, g)
    sign = 1 if dirw in ("later", "after", "from now", "hence") else -1
    if n is None or n != int(n):
        return result("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", None)
    n = int(n)
    if ctx.dct is None:
        return unresolved(ctx, "DATE", None, None)
    if dirw in ("earlier", "later"):
        anchor = ctx.sentence_anchor(c)
        su, sn = _SCALE.get(u, (u, 1)) if u in ("DE", "CE") else (u, 1)  # "a decade later" than 2005: 2015
        moved = shift(anchor, su, sign * n * sn) if anchor and su in ("Y", "Q", "M", "W", "D") else None
        if moved:
            return result("DATE", moved, None, derived=True)
        if anchor and su in ("W", "D") and re.fullmatch(r"\d{4}(?:-\d\d)?", anchor):
            # "three weeks earlier" than March 2012: from the middle of that month (year), at its granularity
            mid = dt.date(int(anchor[:4]), int(anchor[5:7] or 7) if len(anchor) > 4 else 7, 15 if len(anchor) > 4 else 1)
            d = mid + dt.timedelta(days=sign * n * sn * (7 if su == "W" else 1))
            return result("DATE", d.isoformat()[:len(anchor)], None, derived=True)
        anchor = ctx.recent(r"\d{4}-Q\d", c.start) if u == "Y" else None
        if anchor:
            return result("DATE", shift(anchor, "Y", sign * n), "quarter", derived=True)
        if u == "D" and ctx.last_day:
            return result("DATE", (ctx.last_day + dt.timedelta(days=sign * n)).isoformat(), "day")
    if u == "Y" and dirw == "ago" and n == 1:
        anchor = ctx.recent(r"\d{4}-Q\d", c.start, 3000)
        if anchor:
            return result("DATE", shift(anchor, "Y", -1), "quarter", derived=True)
    return at_offset(u, ctx.dct, sign * n)


