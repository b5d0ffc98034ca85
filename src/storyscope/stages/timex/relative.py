"""Resolvers of the kinds anchored on the publication date (DCT) or on an earlier date of the
article: weekdays, "yesterday", "last week", seasons, "two years ago", "the day before".
"""
from __future__ import annotations

import datetime as dt
import re

from storyscope.stages.timex.calendar import iso_week, number, offset
from storyscope.stages.timex.context import Candidate, Context, result, unresolved
from storyscope.stages.timex.vocab import MONTHS, PARTS, REL_SIGN, SEASONS, UNITS, WEEKDAYS

_DEADLINE = re.compile(r"\b(?:until|till|by|before)\s+(?:(?:noon|midnight|\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\.?)?)"
                       r"\s*(?:[ECMP][SD]T|GMT)?\s*,?\s*(?:on\s+)?)?$", re.I)
_ENDED = re.compile(r"\s+(?:ended|ending|to\s+date)\b")
_EVENT_NOUN = re.compile(r"'s\s+(?:vote|election|meeting|talks|game|match|deadline|summit|poll|referendum|race)\b")


def at_offset(u: str, d0: dt.date, k: int, derived: bool = False) -> dict:
    """The unit ``u`` ``k`` steps from ``d0`` as a resolution (hours and seconds give the day)."""
    v, prec = offset(d0, u, k)
    return result("TIME" if u in ("H", "S") else "DATE", v, prec, derived=derived)


def weekday(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"on Friday", "last Friday", "next Friday morning".

    With "last" / "next" the day is strictly before / after the DCT, so "last Friday" in an article
    published on a Friday is seven days earlier; bare weekdays go by the tense.
    """
    wd = WEEKDAYS[g["wd"].lower()]
    rel = (g.get("rel") or "").lower() or None
    part = g.get("part")
    suffix = f"T{PARTS[part.lower()]}" if part else ""
    d0 = ctx.dct
    if d0 is None:
        return unresolved(ctx, "DATE", f"XXXX-WXX-{wd}{suffix}", "day")
    w0 = d0.isoweekday()
    rel = rel.split()[-1] if rel else None  # "this past Friday", "this coming Friday"
    if g.get("wk"):  # "Friday last week": that weekday of the week before / after / of the DCT
        delta = wd - w0 + 7 * {"last": -1, "next": 1}.get(g["wk"].lower(), 0)
        return result("DATE", (d0 + dt.timedelta(days=delta)).isoformat() + suffix, "time" if part else "day")
    if rel in ("last", "past", "previous"):
        delta = -((w0 - wd) % 7 or 7)
    elif rel in ("next", "coming", "following"):
        delta = (wd - w0) % 7 or 7
    else:
        t = ctx.tense(c)
        if re.match(r"'s\b", ctx.text[c.end:c.end + 3]):
            t = 1 if t == 1 and _EVENT_NOUN.match(ctx.text[c.end:c.end + 20]) else -1
        if _DEADLINE.search(ctx.text, max(0, c.start - 40), c.start):
            # "until 9 a.m. Tuesday": a deadline still to come; after a past verb ("extended
            # its deadline until Tuesday") the nearest such day, either side
            t = 1 if t in (0, 2) or (wd - w0) % 7 <= (w0 - wd) % 7 else -1
        if t == 1 or rel == "this" and t == 0:
            delta = (wd - w0) % 7
        else:
            delta = -((w0 - wd) % 7)
    v = (d0 + dt.timedelta(days=delta)).isoformat()
    return result("DATE", v + suffix, "time" if part else "day")


def deictic(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"today", "yesterday morning", "tonight", "last night"."""
    w = g["w"].lower()
    part = (g.get("part") or "").lower()
    off = {"today": 0, "tonight": 0, "this": 0, "overnight": 0, "yesterday": -1, "tomorrow": 1,
           "last": -1 if part in ("night", "evening") else 0}[w]
    suffix = "T" + PARTS[part] if part else ("TNI" if w in ("tonight", "overnight") else "")
    typ = "TIME" if suffix else "DATE"
    if ctx.dct is None:
        return unresolved(ctx, typ, None, "time" if suffix else "day")
    return result(typ, (ctx.dct + dt.timedelta(days=off)).isoformat() + suffix, "time" if suffix else "day")


def ref(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"now", "currently" -> PRESENT_REF; "the future" -> FUTURE_REF; "recently", "the past" -> PAST_REF."""
    w = " ".join(g["w"].lower().split())
    if w in ("the future", "in future") or w.startswith("the near"):
        return result("DATE", "FUTURE_REF", None)
    if w in ("recently", "the past"):
        return result("DATE", "PAST_REF", None)
    return result("DATE", "PRESENT_REF", None)


def year_end(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"by year-end" -> the DCT year's 31 December ("since year-end": the previous one); "the full year"
    -> the DCT year."""
    if ctx.dct is None:
        return unresolved(ctx, "DATE", None, None)
    if g["w"].lower().startswith("the"):
        return result("DATE", f"{ctx.dct.year}", "year")
    back = bool(re.search(r"(?i)\bsince\s+$", ctx.text[max(0, c.start - 7):c.start]))
    return result("DATE", f"{ctx.dct.year - back}-12-31", "day")


def recent_units(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"recent years", "coming weeks": an unspecified number of years / weeks (PXY, PXW), as TimeBank mostly has it."""
    u = UNITS[g["unit"].lower().rstrip("s")]
    return result("DURATION", f"P{'T' if u in 'HS' else ''}X{u}", "duration")


def unit_rel(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"last week", "this year", "the coming month", "a full year", "the past year" (a duration)."""
    rel = " ".join(g["rel"].lower().split())
    unit = " ".join(g["unit"].lower().split())
    d0 = ctx.dct
    if unit == "season":
        return None
    unit = "year" if unit == "fiscal year" else unit
    u = UNITS[unit]
    if rel == "a full":
        return result("DURATION", f"P1{u}" if u != "WE" else "P2D", "duration")
    if rel in ("the", "the same", "that"):
        if unit not in ("year", "week", "month", "weekend"):
            return None
        if rel == "the" and _ENDED.match(ctx.text, c.end):
            return result("DURATION", f"P1{u}", "duration")  # "for the year ended Aug. 31": a span of a year
        anchor = ctx.sentence_anchor(c) if rel != "the" else None
        cut = {"year": 4, "month": 7}.get(unit)
        if anchor and cut and len(anchor) >= cut and anchor[4:5] in ("", "-") and "Q" not in anchor[:cut]:
            return result("DATE", anchor[:cut], unit, derived=True)  # "later that year" than June 1998: 1998
        if d0 is None:
            return unresolved(ctx, "DATE", None, "year" if unit == "year" else None)
        if unit == "weekend":
            back = d0.isoweekday() < 6 and ctx.tense(c) != 1
            return result("DATE", iso_week(d0 - dt.timedelta(days=7 * back)) + "-WE", "week")
        return at_offset(u, d0, 0)
    last = rel.split()[-1]
    k = REL_SIGN.get(last, 0)
    if rel.startswith("the ") and last in ("past", "last", "next", "coming") \
            and unit in ("year", "month", "week", "day", "decade", "century"):
        return result("DURATION", {"DE": "P10Y", "CE": "P100Y"}.get(u, f"P1{u}"), "duration")
    if d0 is None:
        return unresolved(ctx, "DATE", None, None)
    if unit == "quarter" and (last in ("latest", "recent", "previous") or rel == "the last"):
        k = -1
    return at_offset(u, d0, k)


_SEASON_ORDER = ["WI", "SP", "SU", "FA"]


def season(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"last summer", "winter 2021", "in the spring" (bare "fall"/"spring" are too often verbs)."""
    s = SEASONS[g["s"].lower()]
    rel = (g["rel"] or "").lower()
    d0 = ctx.dct
    if rel in ("", "in") and not g["y"] and g["s"].lower() in ("fall", "spring"):
        return None
    if g["y"]:
        return result("DATE", f"{g['y']}-{s}", "season")
    if d0 is None:
        return unresolved(ctx, "DATE", f"XXXX-{s}", "season")
    y = d0.year
    cur = {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(d0.month, "FA")
    i, i0 = _SEASON_ORDER.index(s), _SEASON_ORDER.index(cur)
    rl = rel.split()[-1] if rel else ""
    if rl in ("last", "past", "previous"):
        y -= i >= i0
    elif rl in ("next", "coming", "following"):
        y += i <= i0
    elif rl not in ("this", "current"):
        t = ctx.tense(c)
        y += (t == 1 and i < i0) - (t == -1 and i > i0)
    return result("DATE", f"{y}-{s}", "season")


def anchor_day(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"the day before", "the following week", "that night": from the day last named, else the DCT."""
    w = " ".join(g["w"].lower().split())
    unit = re.search(r"day|night|morning|evening|afternoon|week|month|year", w).group()
    sign = -1 if re.search(r"before|earlier|previous|preceding", w) else \
        1 if re.search(r"after|later|next|following", w) else 0
    base = ctx.last_day or ctx.dct
    if base is None:
        return unresolved(ctx, "DATE", None, None)
    u = {"week": "W", "month": "M", "year": "Y"}.get(unit, "D")
    if u != "D":
        return at_offset(u, base, sign)
    v = (base + dt.timedelta(days=sign)).isoformat()
    if unit in PARTS:
        return result("TIME", v + "T" + PARTS[unit], "time")
    return result("DATE", v, "day")


def every(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"every Monday" -> XXXX-WXX-1; "every two weeks" -> P2W (a SET)."""
    if g.get("mon"):
        return result("SET", f"XXXX-{MONTHS[g['mon'].lower()[:3]]:02d}", None)
    what = g["what"].lower().rstrip("s")
    n = int(number_or_one(g["n"])) * (2 if g["other"] else 1)
    wd = WEEKDAYS.get(what) or WEEKDAYS.get(what + "s")
    if wd or what.endswith("day") and what != "day":
        return result("SET", f"XXXX-WXX-{wd or 1}", None)
    if what in PARTS:
        return result("SET", f"XXXX-XX-XXT{PARTS[what]}", None)
    if what in SEASONS:
        return result("SET", f"XXXX-{SEASONS[what]}", None)
    u = UNITS.get(what, "D")
    return result("SET", f"PT{n}{u}" if u in ("H", "S") or what == "minute" else f"P{n}{u}", None)


def number_or_one(s: str | None) -> float:
    """The number of a phrase, 1 when absent or vague ("every other week")."""
    return (number(s) if s else 1) or 1
