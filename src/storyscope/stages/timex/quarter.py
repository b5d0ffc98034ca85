"""Resolver of fiscal quarters and halves: "the third quarter", "the year-ago period",
"this year's first half", "the latest quarter" (financial news names them constantly).
"""
from __future__ import annotations

import re

from storyscope.stages.timex.calendar import quarter_of, shift
from storyscope.stages.timex.context import Candidate, Context, result, unresolved
from storyscope.stages.timex.vocab import ORD

_RECENT = {"latest", "recent", "comparable", "corresponding", "same", "just", "ended"}


def _year_shift(pre: str, g: dict) -> int:
    ry = (g.get("ry") or "").lower()
    if "year ago" in pre or "year earlier" in pre or "last year's" in pre or g.get("ago") or ry == "last":
        return -1
    return 1 if "next year's" in pre or ry == "next" else 0


def quarter(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """A quarter or half: ordinal ones by number, the others from the quarter last named or the DCT."""
    unit = g["unit"].lower()
    if unit == "quarters":
        return None
    pre = " ".join((g["pre"] or "").lower().replace("-", " ").split())
    words = pre.split()
    d0 = ctx.dct
    ordw = next((w for w in words if w in ORD and w not in ("last", "final")), None)
    year = next((int(w) for w in re.findall(r"\b\d{4}\b", pre)), None) or (int(g["y"]) if g["y"] else None)
    yshift = _year_shift(pre, g)
    if unit == "half":
        return _half(c, ctx, ordw, year, yshift)
    if unit == "period" and not (year or yshift or set(words) & _RECENT):
        return None
    if not words and not c.m.group(0).lower().startswith("the") and not year:
        return None
    if ordw:
        q = ORD[ordw]
        if year is None and d0 is None:
            return unresolved(ctx, "DATE", f"XXXX-Q{q}", "quarter")
        if year is None:
            year = d0.year
            if yshift == 0 and q > (d0.month - 1) // 3 + 1 and ctx.tense(c) == -1:
                year -= 1
            if yshift == 0 and set(words) & {"last", "previous", "prior"}:
                yshift = -1
        return result("DATE", f"{year + yshift}-Q{q}", "quarter", derived=yshift != 0)
    if d0 is None and year is None:
        return unresolved(ctx, "DATE", None, "quarter")
    anchor = ctx.recent(r"\d{4}-Q\d", c.start, 2500)
    current = quarter_of(d0) if d0 is not None else f"{year}-Q4"
    if set(words) & {"current", "this"}:
        base = current
    elif set(words) & {"next", "coming"}:
        base = shift(current, "Q", 1)
    elif set(words) & {"last", "previous", "prior"} and not yshift and unit == "quarter":
        base = shift(anchor or current, "Q", -1)
    else:
        base = anchor or shift(current, "Q", -1)
    if year is not None:
        base = f"{year}-Q{base[-1]}"
    return result("DATE", shift(base, "Y", yshift), "quarter", derived=yshift != 0)


def _half(c: Candidate, ctx: Context, ordw: str | None, year: int | None, yshift: int) -> dict | None:
    if ordw not in ("first", "second", "1st", "2nd"):
        return None
    h = 1 if ordw in ("first", "1st") else 2
    if year is None and ctx.dct is None:
        return unresolved(ctx, "DATE", f"XXXX-H{h}", "quarter")
    y = year or ctx.dct.year
    if year is None and yshift == 0 and h == 2 and ctx.dct.month <= 6 and ctx.tense(c) == -1:
        y -= 1
    return result("DATE", f"{y + yshift}-H{h}", "quarter")
