"""Temporal expressions tagged and normalised to TIMEX3 values, in pure Python.

Rules are regular expressions over the raw text plus a small resolver that anchors relative
expressions on the publication date (DCT) and on earlier expressions of the article.
Direction (past or future) for weekdays, bare months and "this ..." comes from a cheap tense
heuristic over the sentence's words, which is why "said on Friday" and "will vote on Sunday"
land on different sides of the publication date. HeidelTime gets these right but needs Java
and is slow; dateparser guesses without the tense and gets several wrong.

An expression that cannot be anchored (no publication date) keeps an underspecified value
(``XXXX-03-07``) or ``None`` with ``resolved=False`` and a ``reason``; an impossible date
("32 March") gets no value and the reason ``invalid calendar date``.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from storyscope.record import Span
from storyscope.stages.registry import register

INVALID = "invalid calendar date"
NO_DCT = "no publication date to anchor a relative expression"
BAD_DCT = "publication date {dct!r} is not a valid date"
NO_ANCHOR = "relative to an unspecified time"

# --------------------------------------------------------------------------- vocabulary

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
             "saturday": 6, "sunday": 7}
_SMALL = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
          "nineteen": 19, "a": 1, "an": 1, "single": 1, "another": 1}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
        "last": 4, "final": 4}
_UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
          "month": "M", "year": "Y", "decade": "DE", "century": "CE", "quarter": "Q",
          "weekend": "WE", "fortnight": "W"}
_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_ORDWORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
             "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
             "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
             "twenty-first": 21, "twenty first": 21}
_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}

MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
         r"Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)"
_NUMW = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|"
         r"five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
         r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)")
NUM = (r"(?:\d+(?:\.\d+)?|" + _NUMW + r"(?:\s+(?:and\s+)?a\s+half)?|a(?:n)?|single|another|"
       r"a\s+few|several|few|many|some|a\s+couple\s+of|couple\s+of|a\s+number\s+of|numerous|"
       r"half\s+an?|a\s+half)")
UNIT = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?|centur(?:y|ies)|quarters?|weekends?)"
DAYNUM = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
TZ = r"(?:\s*(?:[ECMP][SD]T|GMT|UTC|a\.m\.|p\.m\.))?"
CLOCK = r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:a\.?m\.?|p\.?m\.?))?|\d{1,2}\s*(?:a\.m\.|p\.m\.|am\b|pm\b))" + TZ
REL = r"(?:last|next|this|past|coming|previous|following|current|the\s+past|the\s+last|the\s+next|the\s+coming|the\s+previous|the\s+following|the\s+current|the\s+same|that|the\s+latest|the\s+most\s+recent|the\s+upcoming)"


@dataclass
class _Cand:
    start: int
    end: int
    kind: str
    m: re.Match
    prio: int = 0
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- patterns

_PATTERNS: list[tuple[str, re.Pattern, int]] = []


def _p(kind: str, rx: str, prio: int = 0, flags: int = re.I) -> None:
    _PATTERNS.append((kind, re.compile(rx, flags), prio))


_p("iso", r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?:[T ](?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})?)?(?![\d-])", 5)
_p("iso_ym", r"\b(?P<y>(?:19|20)\d{2})-(?P<mo>[01]\d)\b(?![-/]\d)", 1)
_p("slash", r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])", 5)
_p("mdy", r"\b(?P<mon>" + MONTH + r")\s+(?P<d>" + DAYNUM + r")(?:\s*(?:-|–|to|and|through)\s*(?P<d2>" + DAYNUM +
   r"))?(?:\s*,?\s*(?P<y>\d{4})(?!\d))?\b(?:,?\s+(?:at\s+)?(?P<clock>" + CLOCK + r"))?", 4)
_p("dmy", r"\b(?P<d>" + DAYNUM + r")(?:\s*(?:-|–|to|and)\s*(?P<d2>" + DAYNUM + r"))?\s+(?:of\s+)?(?P<mon>" + MONTH +
   r")(?:\s*,?\s*(?P<y>\d{4})(?!\d))?\b(?:,?\s+(?:at\s+)?(?P<clock>" + CLOCK + r"))?", 4)
_p("my", r"\b(?P<mon>" + MONTH + r")\s*,?\s*(?:of\s+)?(?P<y>\d{4})(?!\d)", 3)
_p("month", r"\b(?:(?P<rel>" + REL + r")\s+)?(?P<mon>" + MONTH + r")(?![\w.]*\s*\d)", 2)
_p("year", r"(?<![\w$.,/-])(?:(?P<fiscal>fiscal(?:\s+year)?)\s+)?(?P<y>1[6-9]\d\d|20\d\d)(?![\w%/-]|[.,]\d)", 1)
_p("year", r"(?<![\w$])(?P<fiscal>fiscal|FY)\s*'?(?P<yy>\d\d)\b", 1)
_p("year_words", r"\b(?:the\s+year\s+)?(?P<c>nineteen|two\s+thousand(?:\s+and)?)[\s-]+(?P<yy>(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|one|two|three|four|five|six|seven|eight|nine)\b", 2)
_p("year_words", r"\b(?:the\s+year\s+)(?P<c>two\s+thousand)\b", 2)
_p("decade", r"\b(?:the\s+)?(?:(?P<mod>early|late|mid)[\s-]+)?(?P<dec>(?:1[0-9]|20)\d)0'?s\b", 3)
_p("decade", r"(?:\bthe\s+)?(?:(?P<mod>early|late|mid)[\s-]+)?(?<![\w'])'(?P<yy>\d)0s\b", 3)
_p("decade", r"\bthe\s+(?:(?P<mod>early|late|mid)[\s-]+)?(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b", 3)
_p("century", r"\b(?:the\s+)?(?P<ord>\d{1,2}(?:st|nd|rd|th)|" + "|".join(_ORDWORDS) + r")[\s-]+century\b", 3)
_p("weekday", r"\b(?:(?P<rel>last|next|this|past|coming|previous|following)\s+)?(?P<wd>" + WEEKDAY +
   r")(?:\s+(?P<part>morning|afternoon|evening|night))?(?!\s*,?\s*" + MONTH + r"\s+\d)", 2)
_p("weekday_date", r"\b(?P<wd>" + WEEKDAY + r")\s*,?\s*(?=(?:" + MONTH + r"\s+\d|\d{1,2}\s+" + MONTH + r"))", 2)
_p("deictic", r"\b(?P<w>today|tonight|yesterday|tomorrow|overnight)(?:\s+(?P<part>morning|afternoon|evening|night))?\b", 2)
_p("deictic", r"\b(?P<w>this|last|tomorrow|yesterday)\s+(?P<part>morning|afternoon|evening|night)\b", 2)
_p("ref", r"\b(?P<w>now|currently|current|presently|at\s+present|nowadays|these\s+days|at\s+the\s+moment|"
   r"recently|the\s+past|the\s+future|in\s+future)\b", 0)
_p("recent_units", r"\b(?P<w>recent|coming|past)\s+(?P<unit>days|weeks|months|years|decades)\b", 3)
_p("unit_rel", r"\b(?:(?P<mod>early|late|mid|earlier|later)[\s-]+)?(?P<rel>" + REL + r"|the|a\s+full)\s+(?P<unit>day|week|weekend|month|year|quarter|decade|century|season|fiscal\s+year)\b", 2)
_p("season", r"\b(?:(?P<rel>" + REL + r"|the|this|early|late|mid|in)\s+)?(?P<s>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?P<y>\d{4}))?\b", 2)
_QPRE = (r"(?:latest|current|last|previous|past|year-ago|year-earlier|same|comparable|corresponding|prior|next|"
         r"coming|fiscal|recent|just-ended|just\s+ended|first|second|third|fourth|1st|2nd|3rd|4th|final|"
         r"\d{4}|(?:this|last|next)\s+year's|fiscal\s+\d{4}'s)")
_p("quarter", r"\b(?:the\s+)?(?P<pre>(?:" + _QPRE + r"[\s-]+){0,3})"
   r"(?P<unit>quarters?|half|period)\b"
   r"(?:\s+(?:of\s+)?(?:(?:fiscal\s+)?(?P<y>\d{4})|(?P<ry>this|last|next)\s+year)|\s+(?P<ago>a\s+year\s+(?:ago|earlier)))?", 2)
_p("agolater", r"\b(?P<n>" + NUM + r")[\s-]+(?:(?:more|full|long)\s+)?(?P<unit>" + UNIT + r")\s+(?P<dir>ago|earlier|later|from\s+now|hence|back|previously|(?:before|after|since|prior)\b(?!\s+(?:the|a|an|his|her|their|its|he|she|they|it|we|I)\b))\b", 3)
_p("yearago", r"\b(?P<w>year|month|week|day)[\s-]+(?P<dir>ago|earlier)\b", 1)
_p("duration", r"\b(?:(?P<det>the|a|an|another|the\s+past|past|the\s+last|the\s+next|next|the\s+first|first|the\s+final|the\s+previous|the\s+coming|the\s+remaining|the\s+following|the\s+same)\s+)?"
   r"(?P<n>" + NUM + r")(?:\s+more)?[\s-]+(?P<unit>" + UNIT + r")(?P<old>[\s-]+old)?\b", 2)
_p("duration", r"\b(?:(?P<det>the\s+past|past|the\s+last|the\s+next|the\s+first|the\s+coming|the\s+remaining)\s+)?"
   r"(?P<bare>(?:seconds|minutes|hours|days|weeks|months|years|decades|centuries))\b", 1)
_p("duration", r"\b(?P<n>half)\s+(?:an?\s+)?(?P<unit>hour|day|year|century|decade)\b", 2)
_p("duration", r"\b(?P<n>an?)\s+(?P<unit>hour|year|month|day|week)\s+and\s+a\s+half\b", 3)
_p("set", r"\b(?P<w>daily|weekly|monthly|yearly|hourly|nightly|biweekly|semiannually|annual|each\s+day|each\s+week|each\s+month|each\s+year|per\s+(?:day|week|month|year|hour)|a\s+(?:day|week|month|year)(?=\s*(?:[,.;)]|$|and|or|for|in|on|to)))\b", 1)
_p("every", r"\b(?:every|each)\s+(?:(?P<other>other)\s+)?(?:(?P<n>" + _NUMW + r"|\d+)\s+)?(?P<what>" + WEEKDAY + r"|day|week|month|year|morning|afternoon|evening|night|weekend|summer|winter|spring|fall|hour|minute|quarter|decade)s?\b", 3)
_p("clock", r"(?:\b(?:at|by|until|before|after|around|about|from)\s+)?(?<![\d:.])(?P<clock>" + CLOCK + r")", 2)
_p("clock", r"\b(?P<word>noon|midnight|midday)\b", 1)
_p("anchor_day", r"\b(?P<w>the\s+(?:day|night|week|month|year)\s+(?:before|after|earlier|later)|the\s+(?:previous|next|following|same|preceding)\s+(?:day|night|morning|evening|week|month|year)|that\s+(?:day|night|morning|evening|afternoon))\b", 3)
_p("holiday", r"\b(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<h>Christmas(?:\s+(?:Day|Eve))?|New\s+Year's(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|Independence\s+Day|Halloween|Valentine's\s+Day|Labor\s+Day|Memorial\s+Day|Easter)\b(?:\s+(?P<y>\d{4}))?", 2, 0)

# --------------------------------------------------------------------------- tense

_FUTURE = {"will", "'ll", "shall", "wo", "gonna", "upcoming", "scheduled", "plans", "plan",
           "expected", "expects", "due", "set", "faces", "face", "slated", "aims",
           "intends", "hopes", "next", "tomorrow", "begins", "starts", "opens", "ahead", "soon"}
_PAST = {"was", "were", "had", "did", "said", "told", "ago", "went", "came", "made", "took", "gave",
         "got", "met", "held", "left", "lost", "won", "began", "fell", "rose", "sold", "bought", "paid",
         "saw", "found", "thought", "became", "knew", "sent", "spent", "led", "brought", "struck",
         "wrote", "spoke", "ran", "hit", "put", "cut", "shot", "quit", "broke", "chose", "drove",
         "flew", "fought", "grew", "hung", "kept", "meant", "read", "rode", "sat", "stood", "swore",
         "taught", "threw", "wore", "yesterday", "last", "earlier", "been", "felt", "heard", "let",
         "set", "since"}
_FUTURE_WEAK = {"planning", "could", "would", "might"}
_PRESENT = {"is", "are", "am", "says", "say", "has", "have", "does", "do"}
_NOT_ED = {"need", "speed", "feed", "seed", "bed", "red", "hundred", "indeed", "proceed", "exceed",
           "succeed", "united", "based", "shed", "bred", "sped", "led", "wed", "breed", "greed",
           "weed", "reed", "deed", "embed", "naked", "sacred", "wicked", "beloved", "alleged",
           "supposed", "so-called", "related", "limited", "interested", "concerned", "expected",
           "scheduled", "planned"}
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|'ll")
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")


def _sentences(text: str) -> list[int]:
    return [0] + [m.end() for m in _SENT_END.finditer(text)]


_AUX = {"was", "were", "is", "are", "am", "be", "been", "has", "have", "had", "s"}


def _tense(text: str, bounds: list[int], start: int, end: int) -> int:
    """-1 past, +1 future, 2 present, 0 unknown: the nearest tense cue in the timex's sentence.

    Distance is counted in words, cues after the timex weigh a little less, and an auxiliary
    followed by a future cue ("were planning to", "is expected to") yields to that cue.
    """
    text = text.replace("\u2019", "'")  # curly apostrophes: "He\u2019ll" is future tense
    i = bisect.bisect_right(bounds, start) - 1
    s0 = bounds[i]
    s1 = bounds[i + 1] if i + 1 < len(bounds) else len(text)
    toks = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text, s0, s1)]
    before = [t for t in toks if t[1] <= start]
    after = [t for t in toks if t[0] >= end]
    best = (10 ** 9, 0)
    seq = [(len(before) - j, t) for j, t in enumerate(before)] + [(j + 1.5, t) for j, t in enumerate(after)]
    for dist, (ts, te, w) in seq:
        if w in ("set", "due") and not re.match(r"\s+(?:to|for)\b", text[te:te + 5]):
            continue
        if w in ("going", "plans", "plan") and text[te:te + 3] != " to":
            continue
        if w == "next" and text[te:te + 3] == " to":
            continue
        if w in _AUX:
            nxt = re.match(r"\s+(?:not\s+)?([A-Za-z]+)", text[te:te + 30])
            if nxt and (nxt.group(1).lower() in _FUTURE or nxt.group(1).lower() in _FUTURE_WEAK
                        or nxt.group(1).lower() == "going"):
                continue
        if w in _FUTURE or w in _FUTURE_WEAK or w.endswith("'ll") or w == "going":
            v = 1
        elif w in _PAST or (w.endswith("ed") and len(w) > 4 and w not in _NOT_ED) or w.endswith("'d"):
            v = -1
        elif w in _PRESENT:
            v = 2
        else:
            continue
        if dist < best[0]:
            best = (dist, v)
    return best[1]


# --------------------------------------------------------------------------- helpers


def _num(s: str) -> float | None:
    """Value of a number phrase; None for vague quantities ("several")."""
    s = " ".join(s.lower().replace("-", " ").split())
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        f = float(s)
        return int(f) if f.is_integer() else f
    half = 0.0
    if s.endswith(" and a half") or s.endswith(" a half"):
        half, s = 0.5, re.sub(r"\s+(?:and\s+)?a\s+half$", "", s)
    if s in ("a half", "half a", "half an", "half"):
        return 0.5
    if s in ("a couple of", "couple of"):
        return 2
    if s in _SMALL:
        return _SMALL[s] + half or None
    parts = s.split()
    if parts and parts[0] in _TENS:
        v = _TENS[parts[0]] + (_SMALL.get(parts[1], 0) if len(parts) > 1 else 0)
        return v + half
    return None


def _fmt_num(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def _month(tok: str) -> int | None:
    return _MONTHS.get(tok.lower().rstrip(".")[:3])


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def _shift(value: str, unit: str, k: int) -> str | None:
    """Shift a TIMEX3 value by k units at the value's own granularity (quarters, weeks...)."""
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", value)
    if m:
        y = int(m.group(1))
        if unit == "Y":
            if m.group(3):
                d = _date(y + k, int(m.group(2)), min(int(m.group(3)), 28 if m.group(2) == "02" else 31))
                return d.isoformat() if d else None
            return f"{y + k}" + (f"-{m.group(2)}" if m.group(2) else "")
        if unit == "M" and m.group(2):
            yy, mm = _add_months(y, int(m.group(2)), k)
            return f"{yy}-{mm:02d}" + (f"-{m.group(3)}" if m.group(3) else "")
        if unit in ("D", "W") and m.group(3):
            d = dt.date(y, int(m.group(2)), int(m.group(3))) + dt.timedelta(days=k * (7 if unit == "W" else 1))
            return d.isoformat()
        return None
    m = re.fullmatch(r"(\d{4})-Q(\d)", value)
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        if unit == "Y":
            return f"{y + k}-Q{q}"
        if unit == "Q":
            t = y * 4 + q - 1 + k
            return f"{t // 4}-Q{t % 4 + 1}"
    m = re.fullmatch(r"(\d{4})-(H\d|SP|SU|FA|WI)", value)
    if m and unit == "Y":
        return f"{int(m.group(1)) + k}-{m.group(2)}"
    return None


# --------------------------------------------------------------------------- resolver


class _Ctx:
    def __init__(self, text: str, dct: dt.date | None, dct_reason: str | None):
        self.text = text
        self.dct = dct
        self.dct_reason = dct_reason
        self.bounds = _sentences(text)
        self.last_day: dt.date | None = None
        self.last: list[tuple[int, str]] = []  # (offset, value) of resolved dates, for anchoring

    def tense(self, c: _Cand) -> int:
        return _tense(self.text, self.bounds, c.start, c.end)

    def recent(self, pattern: str, before: int, window: int = 600) -> str | None:
        for off, v in reversed(self.last):
            if before - off > window:
                break
            if re.fullmatch(pattern, v):
                return v
        return None


def _r(typ: str, value: str | None, precision: str | None = None, end: str | None = None,
       resolved: bool = True, reason: str | None = None, derived: bool = False) -> dict:
    """A resolution; ``derived`` marks values shifted from an anchor (never anchors themselves)."""
    return {"type": typ, "value": value, "precision": precision, "end": end,
            "resolved": resolved if value is not None else False, "reason": reason, "derived": derived}


def _unresolved(ctx: _Ctx, typ: str, value: str | None, precision: str | None) -> dict:
    return _r(typ, value, precision, resolved=False, reason=ctx.dct_reason or NO_DCT)


def _precision(value: str) -> str | None:
    if re.fullmatch(r"[\dX]{4}-[\dX]{2}-[\dX]{2}", value):
        return "day"
    if "T" in value and not value.startswith("P"):
        return "time"
    if re.match(r"P[\dXT]", value):
        return "duration"
    if re.fullmatch(r"[\dX]{4}-[\dX]{2}", value):
        return "month"
    if re.fullmatch(r"[\dX]{4}", value):
        return "year"
    if "-W" in value:
        return "week"
    if re.fullmatch(r"\d{3}X?", value):
        return "decade"
    if "-Q" in value or "-H" in value:
        return "quarter"
    if re.search(r"-(SP|SU|FA|WI)$", value):
        return "season"
    return None


def _clock_value(s: str) -> str | None:
    s = s.lower()
    m = re.match(r"(\d{1,2})(?::(\d{2}))?", s)
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    pm = re.search(r"p\.?\s*m\b|p\.m\.", s)
    am = re.search(r"a\.?\s*m\b|a\.m\.", s)
    if pm and h < 12:
        h += 12
    if am and h == 12:
        h = 0
    if h > 24 or mi > 59:
        return None
    return f"T{h:02d}:{mi:02d}"


def _pick_year(ctx: _Ctx, c: _Cand, mo: int, day: int | None, rel: str | None) -> int | None:
    """Year of a month (or month-day) without one: by the relative word, else the tense."""
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
    # the nearest such date, unless the tense points the other way
    t = ctx.tense(c)
    t = 1 if t == 2 else t
    best = None
    for y in (d0.year - 1, d0.year, d0.year + 1):
        if day is None:
            delta = (y - d0.year) * 12 + mo - d0.month
            pen = PENALTY_MONTHS
        else:
            dd = _date(y, mo, day)
            if dd is None:
                continue
            delta = (dd - d0).days
            pen = PENALTY_DAYS
        score = abs(delta) + (pen if t == -1 and delta > 0 else 0) + (pen if t == 1 and delta < 0 else 0) \
            + (pen / 4 if t == 0 and delta > 0 else 0)
        if best is None or score < best[0]:
            best = (score, y)
    return best[1] if best else d0.year


PENALTY_DAYS = 120
PENALTY_MONTHS = 12


def _resolve(c: _Cand, ctx: _Ctx) -> dict | None:
    g = c.m.groupdict()
    k = c.kind
    d0 = ctx.dct
    text = c.m.group(0)

    if k == "iso":
        y, mo, d = int(g["y"]), int(g["mo"]), int(g["d"])
        if not _date(y, mo, d):
            return _r("DATE", None, None, reason=INVALID)
        v = f"{y:04d}-{mo:02d}-{d:02d}"
        if g["h"]:
            if int(g["h"]) > 24 or int(g["mi"]) > 59:
                return _r("TIME", None, None, reason=INVALID)
            return _r("TIME", f"{v}T{int(g['h']):02d}:{g['mi']}", "time")
        return _r("DATE", v, "day")
    if k == "iso_ym":
        mo = int(g["mo"])
        if not 1 <= mo <= 12:
            return None
        return _r("DATE", f"{g['y']}-{mo:02d}", "month")
    if k == "slash":
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        if len(g["y"]) == 2:
            y += 1900 if y >= 50 else 2000
        mo, d = (a, b) if a <= 12 else (b, a)
        if not _date(y, mo, d):
            return _r("DATE", None, None, reason=INVALID)
        return _r("DATE", f"{y:04d}-{mo:02d}-{d:02d}", "day")
    if k in ("mdy", "dmy"):
        mo = _month(g["mon"])
        d = int(re.match(r"\d+", g["d"]).group())
        d2 = int(re.match(r"\d+", g["d2"]).group()) if g.get("d2") else None
        if g["y"]:
            y = int(g["y"])
        else:
            y = _pick_year(ctx, c, mo, d, None)
        if y is None:
            if not _date(2000, mo, d) or (d2 and not _date(2000, mo, d2)):
                return _r("DATE", None, None, reason=INVALID)
            v = f"XXXX-{mo:02d}-{d:02d}"
            return _unresolved(ctx, "DATE", v, "day")
        if not _date(y, mo, d) or (d2 is not None and not _date(y, mo, d2)):
            return _r("DATE", None, None, reason=INVALID)
        v = f"{y:04d}-{mo:02d}-{d:02d}"
        if d2 is not None and d2 > d:
            return _r("DATE", v, "interval", end=f"{y:04d}-{mo:02d}-{d2:02d}")
        if g.get("clock"):
            cv = _clock_value(g["clock"])
            if cv:
                return _r("TIME", v + cv, "time")
        return _r("DATE", v, "day")
    if k == "my":
        return _r("DATE", f"{int(g['y']):04d}-{_month(g['mon']):02d}", "month")
    if k == "month":
        mo = _month(g["mon"])
        rel = (g["rel"] or "").lower().split()[-1] if g["rel"] else None
        y = _pick_year(ctx, c, mo, None, rel)
        if y is None:
            return _unresolved(ctx, "DATE", f"XXXX-{mo:02d}", "month")
        return _r("DATE", f"{y}-{mo:02d}", "month")
    if k == "year":
        if g.get("yy"):
            y = int(g["yy"])
            y += 1900 if y >= 50 else 2000
        else:
            y = int(g["y"])
        return _r("DATE", f"{y}", "year")
    if k == "year_words":
        base = 1900 if g["c"].lower() == "nineteen" else 2000
        n = _num(g["yy"]) if g.get("yy") else 0
        return _r("DATE", f"{base + int(n or 0)}", "year")
    if k == "decade":
        if g.get("dec"):
            v = g["dec"]
        elif g.get("yy"):
            base = (d0.year // 100) if d0 else 19
            v = f"{base if int(g['yy']) * 10 <= (d0.year % 100 if d0 else 99) + 5 else base - 1}{g['yy']}"
        else:
            v = f"19{_DECADE_WORDS[g['word'].lower()]}"
        return _r("DATE", v, "decade")
    if k == "century":
        o = g["ord"].lower()
        n = _ORDWORDS.get(o) or int(re.match(r"\d+", o).group())
        return _r("DATE", f"{n - 1:02d}", None)
    if k in ("weekday", "weekday_date"):
        wd = _WEEKDAYS[g["wd"].lower()]
        rel = (g.get("rel") or "").lower() or None
        part = g.get("part")
        suffix = f"T{_PARTS[part.lower()]}" if part else ""
        if d0 is None:
            return _unresolved(ctx, "DATE", f"XXXX-WXX-{wd}{suffix}", "day")
        if k == "weekday_date":
            return None
        w0 = d0.isoweekday()
        if rel in ("last", "past", "previous"):
            delta = -((w0 - wd) % 7 or 7)
        elif rel in ("next", "coming", "following"):
            delta = (wd - w0) % 7 or 7
        else:
            t = ctx.tense(c)
            if text.endswith("'s") or re.match(r"'s\b", ctx.text[c.end:c.end + 3]):
                t = -1 if t != 1 or not re.match(r"'s\s+(?:vote|election|meeting|talks|game|match|deadline|summit|poll|referendum|race)\b", ctx.text[c.end:c.end + 20]) else 1
            if t == 1 or rel == "this" and t == 0:
                delta = (wd - w0) % 7
            else:
                delta = -((w0 - wd) % 7)
        v = (d0 + dt.timedelta(days=delta)).isoformat()
        return _r("DATE", v + suffix, "time" if part else "day")
    if k == "deictic":
        w = g["w"].lower()
        part = (g.get("part") or "").lower()
        off = {"today": 0, "tonight": 0, "this": 0, "overnight": 0, "yesterday": -1, "tomorrow": 1,
               "last": -1 if part in ("night", "evening") else 0}[w]
        suffix = ""
        if part:
            suffix = "T" + _PARTS[part]
        elif w in ("tonight", "overnight"):
            suffix = "TNI"
        typ = "TIME" if suffix else "DATE"
        if d0 is None:
            return _unresolved(ctx, typ, None, "time" if suffix else "day")
        return _r(typ, (d0 + dt.timedelta(days=off)).isoformat() + suffix, "time" if suffix else "day")
    if k == "ref":
        w = " ".join(g["w"].lower().split())
        if w in ("now", "currently", "current", "presently", "at present", "nowadays", "these days",
                 "at the moment", "the present", "present-day", "modern"):
            return _r("DATE", "PRESENT_REF", None)
        if w in ("the future", "future", "soon", "shortly", "eventually", "someday"):
            return _r("DATE", "FUTURE_REF", None)
        return _r("DATE", "PAST_REF", None)
    if k == "recent_units":
        w = g["w"].lower()
        u = _UNITS[g["unit"].lower().rstrip("s")]
        if w == "recent":
            return _r("DATE", "PAST_REF", None)
        return _r("DURATION", f"P{'T' if u in 'HS' else ''}X{u}", "duration")
    if k == "unit_rel":
        return _unit_rel(c, ctx, g)
    if k == "season":
        s = _SEASONS[g["s"].lower()]
        rel = (g["rel"] or "").lower()
        if rel in ("", "in") and not g["y"] and g["s"].lower() in ("fall", "spring"):
            return None
        if g["y"]:
            return _r("DATE", f"{g['y']}-{s}", "season")
        if d0 is None:
            return _unresolved(ctx, "DATE", f"XXXX-{s}", "season")
        y = d0.year
        cur = {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(d0.month, "FA")
        order = ["WI", "SP", "SU", "FA"]
        rl = rel.split()[-1] if rel else ""
        if rl in ("last", "past", "previous"):
            if order.index(s) >= order.index(cur):
                y -= 1
        elif rl in ("next", "coming", "following"):
            if order.index(s) <= order.index(cur):
                y += 1
        elif rl not in ("this", "current"):
            t = ctx.tense(c)
            if t == -1 and order.index(s) > order.index(cur):
                y -= 1
            elif t == 1 and order.index(s) < order.index(cur):
                y += 1
        return _r("DATE", f"{y}-{s}", "season")
    if k == "quarter":
        return _quarter(c, ctx, g)
    if k in ("agolater", "yearago"):
        if k == "yearago":
            n, u, dirw = 1, _UNITS[g["w"].lower()], g["dir"].lower()
        else:
            n = _num(g["n"])
            u = _UNITS[g["unit"].lower().rstrip("s").replace("centurie", "century").replace("centuries", "century")]
            dirw = " ".join(g["dir"].lower().split())
        sign = 1 if dirw in ("later", "after", "from now", "hence") else -1
        if dirw in ("before", "after", "since", "prior", "previously") and k == "agolater":
            # "two years after the war": a duration, not a date
            return _duration(ctx, g)
        if n is None or n != int(n):
            return _r("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", None)
        n = int(n)
        if d0 is None:
            return _unresolved(ctx, "DATE", None, None)
        if dirw in ("earlier", "later"):
            anchor = ctx.recent(r"\d{4}-Q\d", c.start) if u == "Y" else None
            if anchor:
                return _r("DATE", _shift(anchor, "Y", sign * n), "quarter", derived=True)
            if u in ("D",) and ctx.last_day:
                return _r("DATE", (ctx.last_day + dt.timedelta(days=sign * n)).isoformat(), "day")
        if u == "Y" and dirw == "ago":
            anchor = ctx.recent(r"\d{4}-Q\d", c.start, 300)
            if anchor and n == 1:
                return _r("DATE", _shift(anchor, "Y", -1), "quarter", derived=True)
        return _offset(d0, u, sign * n)
    if k == "duration":
        return _duration(ctx, g)
    if k == "set":
        w = " ".join(g["w"].lower().split())
        u = {"daily": "D", "weekly": "W", "monthly": "M", "annually": "Y", "yearly": "Y", "annual": "Y",
             "hourly": "TH", "nightly": "D", "quarterly": "Q", "biweekly": "W", "semiannually": "M"}.get(w)
        if u is None:
            u = _UNITS[w.split()[-1]]
            u = "TH" if u == "H" else u
        n = {"biweekly": 2, "semiannually": 6}.get(w, 1)
        if w == "annual":
            return None
        return _r("SET", f"P{n}{u}" if not u.startswith("T") else f"PT{n}{u[1:]}", None)
    if k == "every":
        what = g["what"].lower().rstrip("s")
        n = _num(g["n"]) if g["n"] else 1
        n = int(n or 1) * (2 if g["other"] else 1)
        if what in _WEEKDAYS or what + "s" in _WEEKDAYS or what.endswith("day") and what != "day":
            wd = _WEEKDAYS.get(what, _WEEKDAYS.get(what + "s", 1))
            return _r("SET", f"XXXX-WXX-{wd}", None)
        if what in _PARTS:
            return _r("SET", f"XXXX-XX-XXT{_PARTS[what]}", None)
        if what in _SEASONS:
            return _r("SET", f"XXXX-{_SEASONS[what]}", None)
        u = _UNITS.get(what, "D")
        return _r("SET", f"PT{n}{u}" if u in ("H", "S") or what == "minute" else f"P{n}{u}", None)
    if k == "clock":
        if g.get("word"):
            cv = {"noon": "T12:00", "midday": "T12:00", "midnight": "T24:00"}[g["word"].lower()]
        else:
            cv = _clock_value(g["clock"])
            raw = g["clock"]
            if cv is None:
                return _r("TIME", None, None, reason=INVALID)
            if re.fullmatch(r"\d{1,2}:\d{2}", raw.strip()) and not re.match(r"(?i)at|by|until|before|after|around|about|from", text):
                return None  # a bare "3:2" is more often a score or ratio
        day = ctx.last_day if ctx.last_day else d0
        if day is None:
            return _unresolved(ctx, "TIME", "XXXX-XX-XX" + cv, "time")
        return _r("TIME", day.isoformat() + cv, "time")
    if k == "anchor_day":
        w = " ".join(g["w"].lower().split())
        unit = re.search(r"day|night|morning|evening|afternoon|week|month|year", w).group()
        sign = 0
        if re.search(r"before|earlier|previous|preceding", w):
            sign = -1
        elif re.search(r"after|later|next|following", w):
            sign = 1
        base = ctx.last_day or d0
        if base is None:
            return _unresolved(ctx, "DATE", None, None)
        u = {"week": "W", "month": "M", "year": "Y"}.get(unit, "D")
        if u == "D":
            v = (base + dt.timedelta(days=sign)).isoformat()
            if unit in _PARTS:
                return _r("TIME", v + "T" + _PARTS[unit], "time")
            return _r("DATE", v, "day")
        return _offset(base, u, sign)
    if k == "holiday":
        h = " ".join(g["h"].split()).lower()
        y = int(g["y"]) if g["y"] else None
        if y is None and d0 is None:
            return _unresolved(ctx, "DATE", None, "day")
        if y is not None:
            d = _holiday(h, y)
            return _r("DATE", d.isoformat(), "day")
        rel = (g.get("rel") or "").lower()
        t = {"last": -1, "next": 1}.get(rel, ctx.tense(c))
        best = None
        for yy in (d0.year - 1, d0.year, d0.year + 1):
            d = _holiday(h, yy)
            delta = (d - d0).days
            if rel == "last" and delta >= 0 or rel == "next" and delta <= 0:
                continue
            score = abs(delta) + (PENALTY_DAYS if t == -1 and delta > 0 else 0) + (PENALTY_DAYS if t == 1 and delta < 0 else 0)
            if best is None or score < best[0]:
                best = (score, d)
        return _r("DATE", best[1].isoformat(), "day")
    return None


def _holiday(h: str, y: int) -> dt.date:
    md = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
          "new year's": (1, 1), "new year's day": (1, 1), "new year's eve": (12, 31),
          "independence day": (7, 4), "halloween": (10, 31), "valentine's day": (2, 14)}.get(h)
    if md:
        return dt.date(y, *md)
    if h.startswith("thanksgiving"):  # fourth Thursday of November
        d = dt.date(y, 11, 1)
        return d + dt.timedelta(days=(3 - d.weekday()) % 7 + 21)
    if h == "labor day":  # first Monday of September
        d = dt.date(y, 9, 1)
        return d + dt.timedelta(days=(0 - d.weekday()) % 7)
    if h == "memorial day":  # last Monday of May
        d = dt.date(y, 5, 31)
        return d - dt.timedelta(days=d.weekday())
    # Easter Sunday (anonymous Gregorian algorithm)
    a, b, cc = y % 19, y // 100, y % 100
    dd, e = b // 4, b % 4
    f = (b + 8) // 25
    gg = (b - f + 1) // 3
    h2 = (19 * a + b - dd - gg + 15) % 30
    i, kk = cc // 4, cc % 4
    ll = (32 + 2 * e + 2 * i - h2 - kk) % 7
    m = (a + 11 * h2 + 22 * ll) // 451
    return dt.date(y, (h2 + ll - 7 * m + 114) // 31, (h2 + ll - 7 * m + 114) % 31 + 1)


def _offset(d0: dt.date, u: str, k: int) -> dict:
    if u == "D":
        return _r("DATE", (d0 + dt.timedelta(days=k)).isoformat(), "day")
    if u == "W":
        return _r("DATE", _week(d0 + dt.timedelta(weeks=k)), "week")
    if u == "M":
        y, m = _add_months(d0.year, d0.month, k)
        return _r("DATE", f"{y}-{m:02d}", "month")
    if u == "Y":
        return _r("DATE", f"{d0.year + k}", "year")
    if u == "DE":
        return _r("DATE", f"{(d0.year + 10 * k) // 10}", "decade")
    if u == "Q":
        q = (d0.month - 1) // 3 + 1
        return _r("DATE", _shift(f"{d0.year}-Q{q}", "Q", k), "quarter")
    if u == "WE":
        return _r("DATE", _week(d0 + dt.timedelta(weeks=k)) + "-WE", "week")
    if u == "CE":
        return _r("DATE", f"{(d0.year + 100 * k) // 100:02d}", None)
    if u in ("H", "S"):
        return _r("TIME", d0.isoformat(), "day")
    return _r("DATE", d0.isoformat(), "day")


def _duration(ctx: _Ctx, g: dict) -> dict | None:
    if g.get("bare"):
        u = _UNITS[g["bare"].lower().rstrip("s").replace("centurie", "century")]
        return _r("DURATION", f"PT X{u}".replace(" ", "") if u in ("H", "S") or g["bare"].startswith("minute") else f"PX{u}", "duration")
    unit = g["unit"].lower()
    u = _UNITS[unit[:-1] if unit.endswith("s") and unit[:-1] in _UNITS else unit.replace("centuries", "century")]
    n = _num(g["n"])
    time_unit = u in ("H", "S") or unit.startswith("minute")
    nstr = "X" if n is None else _fmt_num(n)
    if u == "DE":
        u, nstr = "Y", ("X" if n is None else _fmt_num(n * 10))
    if u == "CE":
        u, nstr = "Y", ("X" if n is None else _fmt_num(n * 100))
    if u == "WE":
        u, nstr = "D", ("X" if n is None else _fmt_num(n * 2))
    return _r("DURATION", f"PT{nstr}{u}" if time_unit else f"P{nstr}{u}", "duration")


def _unit_rel(c: _Cand, ctx: _Ctx, g: dict) -> dict | None:
    rel = " ".join(g["rel"].lower().split())
    unit = " ".join(g["unit"].lower().split())
    d0 = ctx.dct
    if unit == "season":
        return None
    if unit == "fiscal year":
        unit = "year"
    u = _UNITS[unit]
    if rel in ("the", "a full", "the same", "that"):
        if rel == "a full":
            return _r("DURATION", f"P1{u}" if u != "WE" else "P2D", "duration")
        if unit == "year":
            if d0 is None:
                return _unresolved(ctx, "DATE", None, "year")
            return _r("DATE", f"{d0.year}", "year")
        if unit in ("week", "month", "weekend"):
            if d0 is None:
                return _unresolved(ctx, "DATE", None, None)
            if unit == "month":
                return _r("DATE", f"{d0.year}-{d0.month:02d}", "month")
            if unit == "weekend":
                back = d0.isoweekday() < 6 and ctx.tense(c) != 1
                return _r("DATE", _week(d0 - dt.timedelta(days=7 * back)) + "-WE", "week")
            return _r("DATE", _week(d0), "week")
        return None
    last = rel.split()[-1]
    k = {"last": -1, "past": -1, "previous": -1, "latest": -1, "recent": -1, "next": 1, "coming": 1,
         "following": 1, "upcoming": 1, "this": 0, "current": 0}.get(last, 0)
    if rel.startswith("the ") and last in ("past", "last", "next", "coming", "previous", "following") \
            and unit not in ("weekend", "quarter"):
        if unit in ("year", "month", "week", "day", "decade", "century") and rel != "the previous" \
                and rel != "the following":
            return _r("DURATION", {"DE": "P10Y", "CE": "P100Y"}.get(u, f"P1{u}"), "duration")
    if d0 is None:
        return _unresolved(ctx, "DATE", None, None)
    if unit == "quarter":
        if last in ("latest", "recent", "previous") or (last == "last" and rel == "the last"):
            k = -1
        return _offset(d0, "Q", k)
    return _offset(d0, u, k)


def _quarter(c: _Cand, ctx: _Ctx, g: dict) -> dict | None:
    """Fiscal quarters and halves: "the third quarter", "the year-ago period", "this year's first half"."""
    unit = g["unit"].lower()
    pre = " ".join((g["pre"] or "").lower().replace("-", " ").split())
    words = pre.split()
    d0 = ctx.dct
    ordw = next((w for w in words if w in _ORD and w not in ("last", "final")), None)
    if ordw is None and words and words[-1] in ("last", "final") and unit != "period" \
            and (c.m.group(0).lower().startswith("the") and len(words) == 1 and False):
        ordw = "last"
    year = next((int(w) for w in re.findall(r"\b\d{4}\b", pre)), None) or (int(g["y"]) if g["y"] else None)
    shift = 0
    if "year ago" in pre or "year earlier" in pre or "last year's" in pre or g.get("ago") \
            or (g.get("ry") or "").lower() == "last":
        shift = -1
    elif "next year's" in pre or (g.get("ry") or "").lower() == "next":
        shift = 1
    if unit == "quarters":
        return None
    if unit == "half":
        if ordw not in ("first", "second", "1st", "2nd"):
            return None
        h = 1 if ordw in ("first", "1st") else 2
        if year is None and d0 is None:
            return _unresolved(ctx, "DATE", f"XXXX-H{h}", "quarter")
        y = year or d0.year
        if year is None and shift == 0 and h == 2 and d0.month <= 6 and ctx.tense(c) == -1:
            y -= 1
        return _r("DATE", f"{y + shift}-H{h}", "quarter")
    if unit == "period" and not (year or shift or set(words) & {"latest", "recent", "comparable", "corresponding",
                                                                "same", "just", "ended"}):
        return None
    if not words and not c.m.group(0).lower().startswith("the") and not year:
        return None
    if ordw:
        q = _ORD[ordw]
        if year is None and d0 is None:
            return _unresolved(ctx, "DATE", f"XXXX-Q{q}", "quarter")
        if year is None:
            year = d0.year
            cq = (d0.month - 1) // 3 + 1
            if shift == 0 and q > cq and ctx.tense(c) == -1:
                year -= 1
            if shift == 0 and set(words) & {"last", "previous", "prior"}:
                shift = -1
        return _r("DATE", f"{year + shift}-Q{q}", "quarter", derived=shift != 0)
    if d0 is None and year is None:
        return _unresolved(ctx, "DATE", None, "quarter")
    anchor = ctx.recent(r"\d{4}-Q\d", c.start, 2500)
    if d0 is not None:
        cq = (d0.month - 1) // 3 + 1
        current = f"{d0.year}-Q{cq}"
    else:
        current = f"{year}-Q4"
    if set(words) & {"current", "this"}:
        base = current
    elif set(words) & {"next", "coming"}:
        base = _shift(current, "Q", 1)
    elif set(words) & {"last", "previous", "prior"} and not shift and unit == "quarter":
        base = _shift(anchor or current, "Q", -1)
    else:
        base = anchor or _shift(current, "Q", -1)
    if year is not None:
        base = f"{year}-Q{base[-1]}"
    return _r("DATE", _shift(base, "Y", shift), "quarter", derived=shift != 0)


# --------------------------------------------------------------------------- main


def _parse_dct(dct: str | None) -> tuple[dt.date | None, str | None]:
    if dct is None or not str(dct).strip():
        return None, None
    m = re.match(r"\s*(\d{4})-?(\d{2})-?(\d{2})", str(dct))
    d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    if d is None:
        return None, BAD_DCT.format(dct=dct)
    return d, None


_MONTH_OK = re.compile(r"[A-Z]")
_APPROX_BEFORE = re.compile(r"\b(?:nearly|more\s+than|less\s+than|at\s+least|up\s+to|fewer\s+than)\s+$", re.I)
_HYPHEN_DET = re.compile(r"(?:the|a|an)\s+(?=[\w.]+-(?:[\w.]+-)?(?:quarter|half|year|month|week|day|hour|minute|second|decade|century|ago|earlier)\b)", re.I)
_MOD_BEFORE = re.compile(r"(?:\b(?:early|late|mid|earlier|later|the\s+(?:end|beginning|start|middle|rest|remainder)\s+of|"
                         r"the\s+(?:first|second|latter|last)\s+half\s+of|the\s+(?:early|late)\s+part\s+of)[\s-]*)$", re.I)
_AHEAD = re.compile(r"\b(?P<n>" + NUM + r")\s+(?P<unit>days?|weeks?|hours?|months?|years?)\s+(?P<dir>ahead\s+of|before|after|prior\s+to)\s+$", re.I)


def _candidates(text: str) -> list[_Cand]:
    out: list[_Cand] = []
    for kind, rx, prio in _PATTERNS:
        for m in rx.finditer(text):
            if m.end() <= m.start():
                continue
            g = m.groupdict()
            if g.get("mon"):
                tok = g["mon"]
                if not _MONTH_OK.match(tok):
                    continue
                if kind == "month":
                    bare = tok.rstrip(".")
                    if len(bare) <= 3 and bare.lower() != "may" and not g.get("rel"):
                        continue  # "Jan" alone is more often a name
                    if bare in ("May",) and not g.get("rel") and _may_is_modal(text, m):
                        continue
                    if bare.lower() == "march" and not g.get("rel") and _march_is_noun(text, m):
                        continue
            if g.get("wd") and not _MONTH_OK.match(g["wd"]):
                continue
            if kind == "year" and not _year_ok(text, m):
                continue
            if kind == "ref" and not _ref_ok(text, m):
                continue
            if kind == "duration" and not _duration_ok(text, m):
                continue
            start = m.start()
            if kind == "clock" and m.group(0)[:1].lower() in "abuf":  # leading preposition
                start = m.start("clock")
            out.append(_Cand(start, m.end(), kind, m, prio))
    return out


def _may_is_modal(text: str, m: re.Match) -> bool:
    nxt = text[m.end():m.end() + 20]
    prv = text[max(0, m.start() - 12):m.start()].lower()
    return not re.match(r"\s*(?:\d|,\s*\d|of\b|and\b|or\b|[.,;])", nxt) or not re.search(r"\b(?:in|of|since|until|by|from|to|early|late|mid|during|through)\s*-?$", prv) and not re.match(r"\s*\d", nxt)


def _march_is_noun(text: str, m: re.Match) -> bool:
    prv = text[max(0, m.start() - 12):m.start()].lower()
    return not re.search(r"\b(?:in|of|since|until|by|from|to|early|late|mid|during|through|and|or|last|next|this)\s*-?$", prv)


def _year_ok(text: str, m: re.Match) -> bool:
    if m.group("fiscal") or m.groupdict().get("yy"):
        return True
    after = text[m.end():m.end() + 25]
    before = text[max(0, m.start() - 25):m.start()].lower()
    if re.match(r"\s*(?:percent|per\s+cent|people|troops|men|women|workers|soldiers|shares|units|"
                r"feet|meters|metres|miles|km|kilometers|tons|tonnes|acres|dollars|points|cars|jobs|"
                r"employees|homes|houses|members|residents|students|hours|minutes|yards|pounds)\b", after, re.I):
        return False
    if re.search(r"(?:\$|£|€|number|no\.|page|flight|route|room|about|nearly|some|over|than|of|to)\s*$", before) and \
            not re.search(r"\b(?:of|to|since|in|from|until|by)\s*$", before):
        return False
    if re.search(r"\b(?:about|nearly|some|over|than|around|approximately)\s*$", before):
        return False
    return True


def _ref_ok(text: str, m: re.Match) -> bool:
    """Drop the readings that are not times: "current account", "the present system"."""
    w = " ".join(m.group("w").lower().split())
    after = text[m.end():m.end() + 30]
    if w in ("the present", "lately", "at the moment"):
        return False
    if w == "current" and re.match(r"\s+(?:account|accounts|affairs|events|assets|liabilities|rate|"
                                    r"and|of|flowing|flows|strength|crisis)\b", after, re.I):
        return False
    return True


def _duration_ok(text: str, m: re.Match) -> bool:
    g = m.groupdict()
    if g.get("old") or re.match(r"[\s-]*(?:old|-old)\b", text[m.end():m.end() + 6]):
        return False  # an age ("a 6-year-old"), not a time
    if (g.get("unit") or "").lower() == "second" and (g.get("n") or "").lower() in ("a", "an", "another") \
            and not re.match(r"\s*(?:[.,;:)]|later|ago|earlier|before|after|or|and|to)", text[m.end():m.end() + 8]):
        return False  # "a second one": an ordinal, not a unit
    if (g.get("unit") or "").lower().startswith("quarter") and re.match(r"\s+of\b", text[m.end():m.end() + 4]):
        return False  # "three-quarters of": a fraction
    if g.get("bare"):
        before = text[max(0, m.start() - 20):m.start()].lower()
        if re.search(r"\b(?:light|man|dog|calendar|school|golden)[\s-]*$", before):
            return False
        return True
    n = (g.get("n") or "").lower()
    if n in ("a", "an", "another", "some", "many") and not g.get("det"):
        after = text[m.end():m.end() + 12].lower()
        if n in ("some", "many") or re.match(r"\s*(?:ago|earlier|later)", after):
            return n not in ("some", "many")
    return True


def _safe_resolve(c: _Cand, ctx: _Ctx) -> dict | None:
    try:
        return _resolve(c, ctx)
    except (ValueError, OverflowError, KeyError, TypeError):
        return _r("DATE", None, None, reason=INVALID)


def _select(cands: list[_Cand], usable) -> list[_Cand]:
    """Longest non-overlapping usable candidates, ties broken by pattern priority."""
    cands.sort(key=lambda c: (-(c.end - c.start), -c.prio, c.start))
    taken: list[_Cand] = []
    for c in cands:
        if any(c.start < t.end and t.start < c.end for t in taken):
            continue
        if not usable(c):
            continue
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken


def extract_timexes(text: str, dct: str | None) -> list[Span]:
    """TIMEX3 spans of ``text``; relative ones anchored on ``dct`` ("YYYY-MM-DD[...]" or None)."""
    if not text or not text.strip():
        return []
    d0, bad = _parse_dct(dct)
    ctx = _Ctx(text, d0, bad)
    spans: list[Span] = []
    probe = _Ctx(text, d0, bad)
    for c in _select(_candidates(text), lambda c: _safe_resolve(c, probe) is not None):
        res = _safe_resolve(c, ctx)
        if res is None:
            continue
        start, end = c.start, c.end
        # "a day ahead of Sunday's vote": shift the anchor and widen the span
        pre = _AHEAD.search(text, max(0, start - 40), start)
        if pre and res["value"] and res.get("precision") == "day" and re.match(r"\d{4}-\d\d-\d\d", res["value"]):
            n = _num(pre.group("n"))
            u = pre.group("unit").lower().rstrip("s")
            if n is not None and u in ("day", "week"):
                sign = 1 if pre.group("dir").lower() == "after" else -1
                base = dt.date.fromisoformat(res["value"][:10])
                days = int(n) * (7 if u == "week" else 1) * sign
                res = _r("DATE", (base + dt.timedelta(days=days)).isoformat(), "day",
                         resolved=res["resolved"])
                spans = [s for s in spans if s.end <= pre.start()]
                start = pre.start()
        hd = _HYPHEN_DET.match(text, start)
        if hd and hd.end() < end:
            start = hd.end()  # "a third-quarter loss": the adjective only
        mod = _MOD_BEFORE.search(text, max(0, start - 30), start)
        if mod and mod.start() < start and not any(s.end > mod.start() for s in spans) \
                and not (c.kind == "weekday" and re.match(r"(?i)earl|lat", mod.group())):
            start = mod.start()
        mod = _APPROX_BEFORE.search(text, max(0, start - 15), start)
        if mod and not any(s.end > mod.start() for s in spans):
            start = mod.start()
        v = res["value"]
        if v and res["resolved"] and not res.get("derived"):
            ctx.last.append((c.start, v))
            if re.fullmatch(r"\d{4}-\d\d-\d\d(?:T.*)?", v):
                ctx.last_day = dt.date.fromisoformat(v[:10])
        if res["precision"] is None and v and res["type"] != "SET":
            res["precision"] = _precision(v)
        attrs = {"value": v, "precision": res["precision"], "end": res["end"],
                 "resolved": bool(res["resolved"] and v is not None), "reason": res["reason"]}
        if v is None and attrs["reason"] is None:
            attrs["reason"] = NO_ANCHOR
        spans.append(Span(start, end, res["type"], attrs))
    return spans


@register("timex", "timex.v2", requires=(), adds=("timex",), reads_article=("published",))
def run(batch):
    """Pipeline stage: one ``timex`` layer per article, anchored on its publication date."""
    return [{"timex": extract_timexes(a.text, a.published)} for a, _ in batch]
