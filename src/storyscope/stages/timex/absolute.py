"""Resolvers of the kinds that name their date (or most of it): ISO and numeric dates, month-day,
month-year, years, decades, centuries, clock times and holidays. Each takes (candidate, context,
groups) and returns a resolution (`context.result`) or None when the match is not a timex.
"""
from __future__ import annotations

import datetime as dt
import re

from storyscope.stages.timex.calendar import clock_value, holiday_date, holiday_name, iso_week, make_date, number
from storyscope.stages.timex.context import (PENALTY_DAYS, Context, invalid, pick_year, result,
                                             unresolved)
from storyscope.stages.timex.patterns import Candidate
from storyscope.stages.timex.vocab import DECADE_WORDS, MONTHS, ORDWORDS


def month_number(tok: str) -> int | None:
    """1-12 for a month name or abbreviation ("Sept.", "march")."""
    return MONTHS.get(tok.lower().rstrip(".")[:3])


def iso(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"2022-03-28" (a DATE), "2022-03-28T16:04" (a TIME); an impossible one is `invalid`."""
    y, mo, d = int(g["y"]), int(g["mo"]), int(g["d"])
    if not make_date(y, mo, d):
        return invalid()
    v = f"{y:04d}-{mo:02d}-{d:02d}"
    if g["h"]:
        if int(g["h"]) > 24 or int(g["mi"]) > 59:
            return invalid("TIME")
        return result("TIME", f"{v}T{int(g['h']):02d}:{g['mi']}", "time")
    return result("DATE", v, "day")


def iso_ym(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"2022-03": a month; None when the second number is not a month."""
    mo = int(g["mo"])
    return result("DATE", f"{g['y']}-{mo:02d}", "month") if 1 <= mo <= 12 else None


def slash(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"03/30/2022", "30/3/22": month first unless the first number cannot be a month."""
    a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
    if len(g["y"]) == 2:
        y += 1900 if y >= 50 else 2000
    mo, d = (a, b) if a <= 12 else (b, a)
    if not make_date(y, mo, d):
        return invalid()
    return result("DATE", f"{y:04d}-{mo:02d}-{d:02d}", "day")


def month_day(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"March 7", "7 March 2022", "23-24 February" (an interval), "April 2, 2022 16:04" (a time)."""
    mo = month_number(g["mon"])
    d = int(re.match(r"\d+", g["d"]).group())
    d2 = int(re.match(r"\d+", g["d2"]).group()) if g.get("d2") else None
    y = int(g["y"]) if g["y"] else pick_year(ctx, c, mo, d, None)
    if y is None:
        if not make_date(2000, mo, d) or (d2 and not make_date(2000, mo, d2)):
            return invalid()
        return unresolved(ctx, "DATE", f"XXXX-{mo:02d}-{d:02d}", "day")
    if not make_date(y, mo, d) or (d2 is not None and not make_date(y, mo, d2)):
        return invalid()
    v = f"{y:04d}-{mo:02d}-{d:02d}"
    if d2 is not None and d2 > d:
        return result("DATE", v, "interval", end=f"{y:04d}-{mo:02d}-{d2:02d}")
    cv = clock_value(g["clock"]) if g.get("clock") else None
    return result("TIME", v + cv, "time") if cv else result("DATE", v, "day")


def week_of(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"the week of March 6": the ISO week holding that day."""
    res = month_day(c, ctx, {**g, "d2": None, "clock": None})
    v = res.get("value") or ""
    if not re.fullmatch(r"\d{4}-\d\d-\d\d", v):
        return res
    return result("DATE", iso_week(dt.date.fromisoformat(v)), "week")


def month_year(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"March 2022", "March of 2022": the month."""
    return result("DATE", f"{int(g['y']):04d}-{month_number(g['mon']):02d}", "month")


def month_rel_year(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"January this year", "June last year": the month of the year relative to the DCT."""
    mo = month_number(g["mon"])
    if ctx.dct is None:
        return unresolved(ctx, "DATE", f"XXXX-{mo:02d}", "month")
    y = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[g["ry"].lower()]
    return result("DATE", f"{y}-{mo:02d}", "month")


def month(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """A month without a year ("last June", "in March"): the year by the relative word or the tense."""
    mo = month_number(g["mon"])
    rel = g["rel"].lower().split()[-1] if g["rel"] else None
    y = pick_year(ctx, c, mo, None, rel)
    if y is None:
        return unresolved(ctx, "DATE", f"XXXX-{mo:02d}", "month")
    return result("DATE", f"{y}-{mo:02d}", "month")


def year(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"1998", "mid-1996", "fiscal 1989", "FY'99" (two digits: 50-99 -> 19xx, else 20xx)."""
    if g.get("yy"):
        y = int(g["yy"])
        y += 1900 if y >= 50 else 2000
    else:
        y = int(g["y"])
    return result("DATE", f"{y}", "year")


def year_words(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"nineteen ninety-four" -> 1994, "two thousand and two" -> 2002 (transcribed broadcasts)."""
    base = 1900 if g["c"].lower() == "nineteen" else 2000
    n = number(g["yy"]) if g.get("yy") else 0
    return result("DATE", f"{base + int(n or 0)}", "year")


def decade(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"the 1990s" -> 199; "the '60s" -> the latest 60s not after the DCT; "the nineties" -> 199."""
    d0 = ctx.dct
    if g.get("dec"):
        v = g["dec"]
    elif g.get("yy"):
        base = (d0.year // 100) if d0 else 19
        v = f"{base if int(g['yy']) * 10 <= (d0.year % 100 if d0 else 99) + 5 else base - 1}{g['yy']}"
    else:
        v = f"19{DECADE_WORDS[g['word'].lower()]}"
    return result("DATE", v, "decade")


def century(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"the 19th century" -> 18 (TIMEX3 gives the century by its first two digits)."""
    o = g["ord"].lower()
    n = ORDWORDS.get(o) or int(re.match(r"\d+", o).group())
    return result("DATE", f"{n - 1:02d}", None)


def clock(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"at 4 p.m.", "noon": on the day last named, else the DCT (the day named right after it is
    applied later, see `extract.attach_days`)."""
    if g.get("word"):
        cv = {"noon": "T12:00", "midday": "T12:00", "midnight": "T24:00"}[g["word"].lower()]
    else:
        cv = clock_value(g["clock"])
        if cv is None:
            return invalid("TIME")
        if re.fullmatch(r"\d{1,2}:\d{2}", g["clock"].strip()) and \
                not re.match(r"(?i)at|by|until|before|after|around|about|from", c.m.group(0)):
            return None  # a bare "3:2" is more often a score or ratio
    day = ctx.last_day or ctx.dct
    if day is None:
        return unresolved(ctx, "TIME", "XXXX-XX-XX" + cv, "time")
    return result("TIME", day.isoformat() + cv, "time")


_NOT_A_DATE_AFTER = re.compile(r"\s*(?:[A-Z][a-z]|(?!(?:and|or|but|to|in|on|at|by|for|of|with|from|was|is|were|will|"
                               r"would|when|while|as|the|a|this|that|he|she|they|we|it|after|before|until|since|"
                               r"day|eve|week|weekend|morning|night|evening|afternoon|last|next|this|holidays?|"
                               r"approaches|approached|falls|fell|comes|came)\b)[a-z]{2,})")


def holiday(c: Candidate, ctx: Context, g: dict) -> dict | None:
    """"Christmas 2021", "last Thanksgiving", "on Easter", "Easter week": the nearest one on the side
    of the tense. A name alone that modifies a noun or starts a longer name ("Christmas shopping",
    "Easter Island", "Merry Christmas") is not a date and gives None."""
    name = holiday_name(g["h"])
    rel = (g.get("rel") or "").lower()
    after = _NOT_A_DATE_AFTER.match(ctx.text, c.end)
    if not (g["y"] or rel or g.get("week")) and (
            after and (after.group().strip()[:1].isupper() or not re.search(r"(?:Day|Eve|Friday|Sunday)$", g["h"])) or
            re.search(r"(?i)\b(?:merry|happy)\s+$", ctx.text[max(0, c.start - 8):c.start])):
        return None
    d0 = ctx.dct
    if g["y"]:
        d = holiday_date(name, int(g["y"]))
    elif d0 is None:
        return unresolved(ctx, "DATE", None, "day")
    else:
        d = _nearest_holiday(name, d0, rel, {"last": -1, "next": 1}.get(rel) or ctx.tense(c))
    if d is None:
        return None
    if g.get("week"):
        return result("DATE", iso_week(d) + ("-WE" if g["week"].lower() == "weekend" else ""), "week")
    return result("DATE", d.isoformat(), "day")


def _nearest_holiday(name: str, d0: dt.date, rel: str, t: int) -> dt.date | None:
    best = None
    for yy in (d0.year - 1, d0.year, d0.year + 1):
        d = holiday_date(name, yy)
        if d is None:
            continue
        delta = (d - d0).days
        if rel == "last" and delta >= 0 or rel == "next" and delta <= 0:
            continue
        score = abs(delta) + (PENALTY_DAYS if t == -1 and delta > 0 else 0) + \
            (PENALTY_DAYS if t == 1 and delta < 0 else 0)
        if best is None or score < best[0]:
            best = (score, d)
    return best[1] if best else None
