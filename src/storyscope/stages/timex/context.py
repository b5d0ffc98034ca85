"""What a resolver sees besides its match: the text, the publication date (DCT), the dates
resolved so far, and the sentence bounds for tense cues and same-sentence anchors.
"""
from __future__ import annotations

import datetime as dt
import re

from storyscope.stages.timex.patterns import Candidate
from storyscope.stages.timex.tense import FUTURE, PAST, PRESENT, UNKNOWN, sentence_of, sentence_starts, tense

INVALID = "invalid calendar date"
NO_DCT = "no publication date to anchor a relative expression"
BAD_DCT = "publication date {dct!r} is not a valid date"
NO_ANCHOR = "relative to an unspecified time"

_ANCHOR = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?|-Q\d|-H\d)?")

_DEADLINE = re.compile(r"(?i)\b(?:by|until|till|through)\s+$")

PENALTY_DAYS = 120     # a date on the wrong side of the DCT for the tense counts as this many days further
PENALTY_MONTHS = 8


class Context:
    """Per-article state of the resolvers; ``last`` lists (offset, value) of resolved anchors."""

    def __init__(self, text: str, dct: dt.date | None, dct_reason: str | None):
        self.text = text
        self.dct = dct
        self.dct_reason = dct_reason
        self.bounds = sentence_starts(text)
        self.last_day: dt.date | None = None
        self.last: list[tuple[int, str]] = []
        self.later: list[tuple[Candidate, dict]] = []  # the resolutions of the candidates still to come

    def sentence_anchor(self, c: Candidate) -> str | None:
        """The absolute date that "a year earlier", "later that year" and the like are relative to:
        the latest one its sentence names before it, else the first one after it in the sentence
        ("a year earlier than January 2012"), else the latest one of the previous sentence."""
        s0, s1 = self.sentence(c.start)
        p0 = self.sentence(s0 - 1)[0] if s0 > 0 else s0
        before = [(off, v) for off, v in reversed(self.last) if off >= p0 and _ANCHOR.fullmatch(v)]
        if before and before[0][0] >= s0:
            return before[0][1]
        for c2, res in self.later:
            if c2.start >= s1:
                break
            v = res.get("value") if res else None
            if c2.start >= c.end and v and res.get("resolved") and not res.get("derived") and _ANCHOR.fullmatch(v):
                return v
        return before[0][1] if before else None

    def tense(self, c: Candidate) -> int:
        """Tense cue of the candidate's sentence (see `tense.tense`)."""
        return tense(self.text, self.bounds, c.start, c.end)

    def sentence(self, pos: int) -> tuple[int, int]:
        """(start, end) offsets of the sentence holding ``pos``."""
        return sentence_of(self.bounds, len(self.text), pos)

    def recent(self, pattern: str, before: int, window: int = 600) -> str | None:
        """The latest resolved value matching ``pattern`` within ``window`` characters before ``before``."""
        for off, v in reversed(self.last):
            if before - off > window:
                break
            if re.fullmatch(pattern, v):
                return v
        return None


def result(typ: str, value: str | None, precision: str | None = None, end: str | None = None,
           resolved: bool = True, reason: str | None = None, derived: bool = False) -> dict:
    """A resolution; ``derived`` marks values shifted from an anchor (never anchors themselves)."""
    return {"type": typ, "value": value, "precision": precision, "end": end,
            "resolved": resolved if value is not None else False, "reason": reason, "derived": derived}


def unresolved(ctx: Context, typ: str, value: str | None, precision: str | None) -> dict:
    """A relative expression with no usable DCT: an underspecified value, ``resolved=False``."""
    return result(typ, value, precision, resolved=False, reason=ctx.dct_reason or NO_DCT)


def invalid(typ: str = "DATE") -> dict:
    """An impossible calendar date ("32 March"): no value, reason `INVALID`."""
    return result(typ, None, None, reason=INVALID)


def pick_year(ctx: Context, c: Candidate, mo: int, day: int | None, rel: str | None) -> int | None:
    """Year of a month (or month-day) without one: by the relative word, else the nearest such date
    on the side of the DCT the tense points to."""
    d0 = ctx.dct
    if d0 is None:
        return None
    key = (mo, day or 0)
    now = (d0.month, d0.day if day else 0)
    if rel in ("last", "past", "previous"):
        return d0.year if key < now and (mo < d0.month) else d0.year - 1
    if rel in ("next", "coming", "following"):
        return d0.year if key > now and mo > d0.month else d0.year + 1
    if rel in ("this", "current"):
        return d0.year
    t = ctx.tense(c)
    t = UNKNOWN if t == PRESENT else t
    if _DEADLINE.search(ctx.text, max(0, c.start - 12), c.start):
        # "talks are to conclude by May": a deadline still to come; after a past verb
        # ("were supposed to conclude by May") the nearest such month, either side
        t = FUTURE if t == UNKNOWN else UNKNOWN
    best = None
    for y in (d0.year - 1, d0.year, d0.year + 1):
        if day is None:
            delta, pen = (y - d0.year) * 12 + mo - d0.month, PENALTY_MONTHS
        else:
            try:
                delta, pen = (dt.date(y, mo, day) - d0).days, PENALTY_DAYS
            except ValueError:
                continue
        score = abs(delta) + (pen if t == PAST and delta > 0 else 0) + (pen if t == FUTURE and delta < 0 else 0) \
            + (pen / 4 if t == UNKNOWN and delta > 0 else 0)
        if best is None or score < best[0]:
            best = (score, y)
    return best[1] if best else d0.year
