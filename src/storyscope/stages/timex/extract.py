"""From text to TIMEX3 spans: candidates, selection of the longest non-overlapping ones,
resolution in text order (so earlier dates anchor later ones), and the span adjustments that
TimeML makes ("nearly two years", "a day ahead of Sunday's vote", "the early 1990s").
"""
from __future__ import annotations

import datetime as dt
import re

from storyscope.record import Span
from storyscope.stages.timex.calendar import make_date, number, precision
from storyscope.stages.timex.context import BAD_DCT, NO_ANCHOR, Context, result
from storyscope.stages.timex.patterns import Candidate, candidates
from storyscope.stages.timex.resolvers import resolve
from storyscope.stages.timex.vocab import NUM

_APPROX_BEFORE = re.compile(r"\b(?:nearly|more\s+than|less\s+than|at\s+least|up\s+to|fewer\s+than)\s+$", re.I)
_HYPHEN_DET = re.compile(r"(?:the|a|an)\s+(?=[\w.]+-(?:[\w.]+-)?(?:quarter|half|year|month|week|day|hour|minute|"
                         r"second|decade|century|ago|earlier)\b)", re.I)
_MOD_BEFORE = re.compile(r"(?:\b(?:early|late|mid|earlier|later|the\s+(?:end|beginning|start|middle|rest|remainder)\s+of|"
                         r"the\s+(?:first|second|latter|last)\s+half\s+of|the\s+(?:early|late)\s+part\s+of)[\s-]*)$", re.I)
_AHEAD = re.compile(r"\b(?P<n>" + NUM + r")\s+(?P<unit>days?|weeks?|hours?|months?|years?)\s+(?P<dir>ahead\s+of|before|"
                    r"after|prior\s+to)\s+$", re.I)
_OR_SO = re.compile(r"\s+or\s+so\b")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def parse_dct(dct: str | None) -> tuple[dt.date | None, str | None]:
    """(date, None) for "YYYY-MM-DD..." or "YYYYMMDD..."; (None, reason) for a bad one; (None, None) if absent."""
    if dct is None or not str(dct).strip():
        return None, None
    m = re.match(r"\s*(\d{4})-?(\d{2})-?(\d{2})", str(dct))
    d = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    if d is None:
        return None, BAD_DCT.format(dct=dct)
    return d, None


def select(cands: list[Candidate], usable) -> list[Candidate]:
    """Longest non-overlapping usable candidates in text order, ties broken by pattern priority."""
    cands.sort(key=lambda c: (-(c.end - c.start), -c.prio, c.start))
    taken: list[Candidate] = []
    for c in cands:
        if any(c.start < t.end and t.start < c.end for t in taken) or not usable(c):
            continue
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken


def _ahead_of(text: str, start: int, res: dict) -> tuple[int, dict] | None:
    """"a day ahead of Sunday's vote": the day shifted, the span widened to the phrase."""
    pre = _AHEAD.search(text, max(0, start - 40), start)
    if not (pre and res["value"] and res.get("precision") == "day" and _DAY.match(res["value"])):
        return None
    n = number(pre.group("n"))
    u = pre.group("unit").lower().rstrip("s")
    if n is None or u not in ("day", "week"):
        return None
    sign = 1 if pre.group("dir").lower() == "after" else -1
    base = dt.date.fromisoformat(res["value"][:10])
    days = int(n) * (7 if u == "week" else 1) * sign
    return pre.start(), result("DATE", (base + dt.timedelta(days=days)).isoformat(), "day", resolved=res["resolved"])


def _widen(text: str, c: Candidate, start: int, end: int, spans: list[Span]) -> int:
    """The start after TimeML's extent rules: modifiers in, a leading article of an adjective out."""
    hd = _HYPHEN_DET.match(text, start)
    if hd and hd.end() < end and not re.search(r"\s", text[hd.end():end]):
        start = hd.end()  # "a third-quarter loss": the adjective only
    mod = _MOD_BEFORE.search(text, max(0, start - 30), start)
    if mod and mod.start() < start and not any(s.end > mod.start() for s in spans) \
            and not (c.kind == "weekday" and re.match(r"(?i)earl|lat", mod.group())):
        start = mod.start()
    mod = _APPROX_BEFORE.search(text, max(0, start - 15), start)
    if mod and not any(s.end > mod.start() for s in spans):
        start = mod.start()
    return start


_CLOCK_DAY_GAP = re.compile(r"\s*,?\s*(?P<on>on\s+|of\s+)?")


def _clock_day(text: str, c: Candidate, res: dict, nxt: Candidate, ctx: Context) -> tuple[dict, bool] | None:
    """A clock time followed by its day: "9 a.m. Tuesday" (one TIME), "at 9 a.m. on Sunday" (the time
    takes Sunday's date, the day keeps its own span). Returns (resolution, merged) or None."""
    gap = _CLOCK_DAY_GAP.fullmatch(text, c.end, nxt.start)
    if not gap or not res.get("value") or res["type"] != "TIME":
        return None
    day = resolve(nxt, ctx)
    v = ((day or {}).get("value") or "")[:10]  # "9 o'clock on Sunday morning": the day without its part
    if not re.fullmatch(r"(?:\d{4}|XXXX)-\d\d-\d\d", v):
        return None
    clock = res["value"][res["value"].index("T"):]
    joined = result("TIME", v + clock, "time", resolved=day["resolved"], reason=day["reason"])
    return joined, gap.group("on") is None


def extract_timexes(text: str, dct: str | None) -> list[Span]:
    """TIMEX3 spans of ``text``, relative ones anchored on ``dct`` ("YYYY-MM-DD[...]" or None).

    Each span: label DATE / TIME / DURATION / SET, character offsets into ``text``, and attrs
    ``value`` (TIMEX3 value or None), ``precision`` (day, month, year, week, quarter, season,
    decade, time, duration, interval or None), ``end`` (last day of an interval), ``resolved``
    and ``reason`` (why a value is missing or underspecified). Never raises on any text.
    """
    if not text or not text.strip():
        return []
    d0, bad = parse_dct(dct)
    ctx = Context(text, d0, bad)
    probe = Context(text, d0, bad)
    first: dict[int, dict | None] = {}  # resolutions without the article's earlier dates, by id

    def usable(c: Candidate) -> bool:
        """Whether the candidate resolves to a timex at all (remembering how, for look-ahead)."""
        first[id(c)] = resolve(c, probe)
        return first[id(c)] is not None

    chosen = select(candidates(text), usable)
    spans: list[Span] = []
    skip = -1
    for i, c in enumerate(chosen):
        if i == skip:
            continue
        ctx.later = [(c2, first[id(c2)]) for c2 in chosen[i + 1:i + 8]]
        res = resolve(c, ctx)
        if res is None:
            continue
        start, end = c.start, c.end
        if c.kind == "clock" and i + 1 < len(chosen):
            joined = _clock_day(text, c, res, chosen[i + 1], ctx)
            if joined:
                res, merged = joined
                if merged:
                    end, skip = chosen[i + 1].end, i + 1
        ahead = _ahead_of(text, start, res)
        if ahead:
            start, res = ahead
            spans = [s for s in spans if s.end <= start]
        start = _widen(text, c, start, end, spans)
        approx = _OR_SO.match(text, end)
        if approx:
            end = approx.end()  # "the next year or so"
        v = res["value"]
        if v and res["resolved"] and not res.get("derived"):
            ctx.last.append((c.start, v))
            if re.fullmatch(r"\d{4}-\d\d-\d\d(?:T.*)?", v):
                ctx.last_day = dt.date.fromisoformat(v[:10])
        if res["precision"] is None and v and res["type"] != "SET":
            res["precision"] = precision(v)
        attrs = {"value": v, "precision": res["precision"], "end": res["end"],
                 "resolved": bool(res["resolved"] and v is not None), "reason": res["reason"]}
        if v is None and attrs["reason"] is None:
            attrs["reason"] = NO_ANCHOR
        spans.append(Span(start, end, res["type"], attrs))
    return spans
