"""The resolver table: one function per candidate kind of `patterns.PATTERNS`.

A resolver takes (candidate, context, the match's named groups) and returns a resolution
(`context.result`: type, TIMEX3 value, precision, interval end, resolved, reason) or None when
the match is not a temporal expression after all.
"""
from __future__ import annotations

from typing import Callable

from storyscope.stages.timex import absolute, durations, quarter, relative
from storyscope.stages.timex.context import Candidate, Context, invalid

Resolver = Callable[[Candidate, Context, dict], "dict | None"]

RESOLVERS: dict[str, Resolver] = {
    "iso": absolute.iso,
    "iso_ym": absolute.iso_ym,
    "slash": absolute.slash,
    "mdy": absolute.month_day,
    "dmy": absolute.month_day,
    "my": absolute.month_year,
    "month": absolute.month,
    "month_rel_year": absolute.month_rel_year,
    "week_of": absolute.week_of,
    "year": absolute.year,
    "year_words": absolute.year_words,
    "decade": absolute.decade,
    "century": absolute.century,
    "clock": absolute.clock,
    "holiday": absolute.holiday,
    "weekday": relative.weekday,
    "deictic": relative.deictic,
    "ref": relative.ref,
    "year_end": relative.year_end,
    "recent_units": relative.recent_units,
    "unit_rel": relative.unit_rel,
    "season": relative.season,
    "anchor_day": relative.anchor_day,
    "every": relative.every,
    "quarter": quarter.quarter,
    "agolater": durations.agolater,
    "yearago": durations.agolater,
    "duration": durations.duration,
    "set": durations.set_,
}


def resolve(c: Candidate, ctx: Context) -> dict | None:
    """The candidate's resolution by its kind's resolver; arithmetic errors give an invalid date."""
    try:
        return RESOLVERS[c.kind](c, ctx, c.m.groupdict())
    except (ValueError, OverflowError, KeyError, TypeError):
        return invalid()
