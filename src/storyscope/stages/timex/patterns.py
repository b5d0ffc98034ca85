"""Candidate temporal expressions: one regular expression (or a few) per kind, plus the filters
that drop the readings which are not times ("May" the modal, "1990 people", "a 6-year-old").

Each pattern names its *kind*; `storyscope.stages.timex.resolvers.RESOLVERS` holds one resolver
per kind. Among overlapping candidates the longest wins, ties broken by the pattern's priority.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from storyscope.stages.timex.vocab import (CLOCK, DAYNUM, MONTH, NUM, NUMW, ORDWORDS, QPRE, REL, UNIT,
                                           WEEKDAY)


@dataclass
class Candidate:
    """A regex match of one kind: ``start``/``end`` are character offsets into the text."""
    start: int
    end: int
    kind: str
    m: re.Match
    prio: int = 0
    extra: dict = field(default_factory=dict)


PATTERNS: list[tuple[str, re.Pattern, int]] = []


def _p(kind: str, rx: str, prio: int = 0, flags: int = re.I) -> None:
    PATTERNS.append((kind, re.compile(rx, flags), prio))


_DATE_CLOCK = r"(?:,?\s+(?:at\s+)?(?P<clock>" + CLOCK + r"))?"
_p("iso", r"\b(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?:[T ](?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})?)?(?![\d-])", 5)
_p("iso_ym", r"\b(?P<y>(?:19|20)\d{2})-(?P<mo>[01]\d)\b(?![-/]\d)", 1)
_p("slash", r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])", 5)
_WD_PREFIX = r"(?:(?P<wd>" + WEEKDAY + r"),?\s+)?"
_p("mdy", r"\b" + _WD_PREFIX + r"(?P<mon>" + MONTH + r")\s+(?P<d>" + DAYNUM + r")(?:\s*(?:-|–|to|and|through)\s*(?P<d2>" + DAYNUM +
   r"))?(?:\s*,?\s*(?P<y>\d{4})(?!\d))?\b" + _DATE_CLOCK, 4)
_p("dmy", r"\b" + _WD_PREFIX + r"(?P<d>" + DAYNUM + r")(?:\s*(?:-|–|to|and)\s*(?P<d2>" + DAYNUM + r"))?\s+(?:of\s+)?(?P<mon>" + MONTH +
   r")(?:\s*,?\s*(?P<y>\d{4})(?!\d))?\b" + _DATE_CLOCK, 4)
_p("my", r"\b(?P<mon>" + MONTH + r")\s*,?\s*(?:of\s+)?(?P<y>\d{4})(?!\d)", 3)
_p("month_rel_year", r"\b(?P<mon>" + MONTH + r")\s+(?:of\s+)?(?P<ry>this|last|next)\s+year\b", 3)
_p("week_of", r"\bthe\s+week\s+of\s+(?P<mon>" + MONTH + r")\s+(?P<d>" + DAYNUM + r")(?:\s*,?\s*(?P<y>\d{4})(?!\d))?\b", 4)
_p("month", r"\b(?:(?P<rel>" + REL + r")\s+)?(?P<mon>" + MONTH + r")(?![\w.]*\s*\d)", 2)
_p("year", r"(?<![\w$.,/-])(?:(?P<fiscal>fiscal(?:\s+year)?)\s+)?(?P<y>1[6-9]\d\d|20\d\d)(?![\w%/-]|[.,]\d)", 1)
_p("year", r"(?<![\w$])(?P<fiscal>fiscal|FY)\s*'?(?P<yy>\d\d)\b", 1)
_p("year_words", r"\b(?:the\s+year\s+)?(?P<c>nineteen|two\s+thousand(?:\s+and)?)[\s-]+(?P<yy>(?:twenty|thirty|forty|"
   r"fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|"
   r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|one|two|three|four|five|six|seven|eight|nine)\b", 2)
_p("year_words", r"\b(?:the\s+year\s+)(?P<c>two\s+thousand)\b", 2)
_p("decade", r"\b(?:the\s+)?(?:(?P<mod>early|late|mid)[\s-]+)?(?P<dec>(?:1[0-9]|20)\d)0'?s\b", 3)
_p("decade", r"(?:\bthe\s+)?(?:(?P<mod>early|late|mid)[\s-]+)?(?<![\w'])'(?P<yy>\d)0s\b", 3)
_p("decade", r"\bthe\s+(?:(?P<mod>early|late|mid)[\s-]+)?(?P<word>twenties|thirties|forties|fifties|sixties|"
   r"seventies|eighties|nineties)\b", 3)
_p("century", r"\b(?:the\s+)?(?P<ord>\d{1,2}(?:st|nd|rd|th)|" + "|".join(ORDWORDS) + r")[\s-]+century\b", 3)
_p("weekday", r"\b(?:(?P<rel>last|next|this(?:\s+(?:past|coming))?|past|coming|previous|following)\s+)?(?P<wd>" + WEEKDAY +
   r")(?:\s+(?P<part>morning|afternoon|evening|night))?(?:\s+(?P<wk>last|next|this)\s+week\b)?"
   r"(?!\s*,?\s*" + MONTH + r"\s+\d)", 2)
_p("deictic", r"\b(?P<w>today|tonight|yesterday|tomorrow|overnight)(?:\s+(?P<part>morning|afternoon|evening|night))?\b", 2)
_p("deictic", r"\b(?P<w>this|last|tomorrow|yesterday)\s+(?P<part>morning|afternoon|evening|night)\b", 2)
_p("ref", r"\b(?P<w>now|currently|current|presently|at\s+present|nowadays|these\s+days|"
   r"recently|the\s+past|the\s+future|in\s+future|the\s+near\s+(?:future|term))\b", 0)
_p("year", r"\bmid-(?P<y>1[6-9]\d\d|20\d\d)\b", 2)
_p("year_end", r"\b(?P<w>year[- ]end|the\s+full\s+year)\b", 2)
_p("recent_units", r"\b(?P<w>recent|coming|past)\s+(?P<unit>days|weeks|months|years|decades)\b", 3)
_p("unit_rel", r"\b(?:(?P<mod>early|late|mid|earlier|later)[\s-]+)?(?P<rel>" + REL + r"|the|a\s+full)\s+"
   r"(?P<unit>day|week|weekend|month|year|quarter|decade|century|season|fiscal\s+year)\b", 2)
_p("season", r"\b(?:(?P<rel>" + REL + r"|the|this|early|late|mid|in)\s+)?(?P<s>spring|summer|fall|autumn|winter)"
   r"(?:\s+(?:of\s+)?(?P<y>\d{4}))?\b", 2)
_p("quarter", r"\b(?:the\s+)?(?P<pre>(?:" + QPRE + r"[\s-]+){0,3})"
   r"(?P<unit>quarters?|half|period)\b"
   r"(?:\s+(?:of\s+)?(?:(?:fiscal\s+)?(?P<y>\d{4})|(?P<ry>this|last|next)\s+year)|\s+(?P<ago>a\s+year\s+(?:ago|earlier)))?", 2)
_p("agolater", r"\b(?P<n>" + NUM + r")[\s-]+(?:(?:more|full|long)\s+)?(?P<unit>" + UNIT + r")\s+(?P<dir>ago|earlier|"
   r"later|from\s+now|hence|back|previously|(?:before|after|since|prior)\b(?!\s+(?:the|a|an|his|her|their|its|he|"
   r"she|they|it|we|I)\b))\b", 3)
_p("yearago", r"\b(?P<w>year|month|week|day)[\s-]+(?P<dir>ago|earlier)\b", 1)
_p("duration", r"\b(?:(?P<det>the|a|an|another|the\s+past|past|the\s+last|the\s+next|next|the\s+first|first|the\s+final|"
   r"the\s+previous|the\s+coming|the\s+remaining|the\s+following|the\s+same)\s+)?"
   r"(?P<n>" + NUM + r")(?:\s+more)?[\s-]+(?P<unit>" + UNIT + r")(?P<old>[\s-]+old)?\b", 2)
_p("duration", r"\b(?:(?P<det>the\s+past|past|the\s+last|the\s+next|the\s+first|the\s+coming|the\s+remaining)\s+)?"
   r"(?P<bare>(?:seconds|minutes|hours|days|weeks|months|years|decades|centuries))\b", 1)
_p("duration", r"\b(?P<n>half)\s+(?:an?\s+)?(?P<unit>hour|day|year|century|decade)\b", 2)
_p("duration", r"\b(?P<n>an?)\s+(?P<unit>minute|hour|year|month|day|week)\s+(?P<half>and\s+a\s+half)\b", 3)
_p("set", r"\b(?P<w>daily|weekly|monthly|yearly|hourly|nightly|biweekly|semiannually|annual|each\s+day|each\s+week|"
   r"each\s+month|each\s+year|per\s+(?:day|week|month|year|hour)|a\s+(?:day|week|month|year)"
   r"(?=\s*(?:[,.;)]|$|and|or|for|in|on|to)))\b", 1)
_p("every", r"\b(?:every|each)\s+(?:(?P<other>other)\s+)?(?:(?P<n>" + NUMW + r"|\d+)\s+)?(?P<what>" + WEEKDAY +
   r"|(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)"
   r"|day|week|month|year|morning|afternoon|evening|night|weekend|summer|winter|spring|fall|hour|minute|quarter|"
   r"decade)s?\b", 3)
_p("clock", r"(?:\b(?:at|by|until|before|after|around|about|from)\s+)?(?<![\d:.])(?P<clock>" + CLOCK + r")", 2)
_p("clock", r"\b(?P<word>noon|midnight|midday)\b", 1)
_p("anchor_day", r"\b(?P<w>the\s+(?:day|night|week|month|year)\s+(?:before|after|earlier|later)|the\s+(?:previous|"
   r"next|following|same|preceding)\s+(?:day|night|morning|evening|week|month|year)|that\s+(?:day|night|morning|"
   r"evening|afternoon))\b", 3)
HOLIDAY = (r"Christmas(?:\s+(?:Day|Eve))?|New\s+Year's(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?|Independence\s+Day|"
           r"Halloween|Valentine's\s+Day|Labou?r\s+Day|Memorial\s+Day|Veterans\s+Day|Columbus\s+Day|"
           r"Martin\s+Luther\s+King(?:\s+Jr\.)?\s+Day|Presidents'?\s+Day|Juneteenth|Election\s+Day|Good\s+Friday|Easter(?:\s+Sunday)?|"
           r"Boxing\s+Day")
_p("holiday", r"\b(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<h>" + HOLIDAY + r")(?:\s+(?P<week>week(?:end)?)\b)?"
   r"(?:\s+(?P<y>\d{4}))?\b", 2, 0)

# --------------------------------------------------------------------------- filters

_CAPITAL = re.compile(r"[A-Z]")


def candidates(text: str) -> list[Candidate]:
    """Every pattern match in ``text`` that passes its kind's filter (overlaps included)."""
    out: list[Candidate] = []
    for kind, rx, prio in PATTERNS:
        for m in rx.finditer(text):
            if m.end() <= m.start() or not _keep(kind, text, m):
                continue
            start = m.start()
            if kind == "clock" and m.group(0)[:1].lower() in "abuf":  # leading preposition
                start = m.start("clock")
            out.append(Candidate(start, m.end(), kind, m, prio))
    return out


def _keep(kind: str, text: str, m: re.Match) -> bool:
    g = m.groupdict()
    if g.get("mon"):
        tok = g["mon"]
        if not _CAPITAL.match(tok):
            return False
        if kind == "month" and not g.get("rel"):
            bare = tok.rstrip(".")
            if len(bare) <= 3 and bare.lower() != "may":
                return False  # "Jan" alone is more often a name
            if bare == "May" and _may_is_modal(text, m):
                return False
            if bare.lower() == "march" and _march_is_noun(text, m):
                return False
    if g.get("wd") and not _CAPITAL.match(g["wd"]):
        return False
    check = {"year": _year_ok, "ref": _ref_ok, "duration": _duration_ok}.get(kind)
    return check is None or check(text, m)


_DATE_PREP = r"\b(?:in|of|since|until|by|from|to|early|late|mid|during|through)\s*-?$"


def _may_is_modal(text: str, m: re.Match) -> bool:
    nxt = text[m.end():m.end() + 20]
    prv = text[max(0, m.start() - 12):m.start()].lower()
    return not re.match(r"\s*(?:\d|,\s*\d|of\b|and\b|or\b|[.,;])", nxt) or \
        not re.search(_DATE_PREP, prv) and not re.match(r"\s*\d", nxt)


def _march_is_noun(text: str, m: re.Match) -> bool:
    prv = text[max(0, m.start() - 12):m.start()].lower()
    return not re.search(r"\b(?:in|of|since|until|by|from|to|early|late|mid|during|through|and|or|last|next|this)\s*-?$",
                         prv)


def _year_ok(text: str, m: re.Match) -> bool:
    """A four-digit number is a year unless a unit follows or a quantity word precedes it."""
    if m.groupdict().get("fiscal") or m.groupdict().get("yy") or m.group(0).lower().startswith("mid"):
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
    return not re.search(r"\b(?:about|nearly|some|over|than|around|approximately)\s*$", before)


def _ref_ok(text: str, m: re.Match) -> bool:
    """Drop the readings that are not times: "current account", "the present system"."""
    w = " ".join(m.group("w").lower().split())
    after = text[m.end():m.end() + 30]
    return not (w == "current" and re.match(r"\s+(?:account|accounts|affairs|events|assets|liabilities|rate|"
                                            r"and|of|flowing|flows|strength|crisis)\b", after, re.I))


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
        return not re.search(r"\b(?:light|man|dog|calendar|school|golden)[\s-]*$", before)
    n = (g.get("n") or "").lower()
    return not (n in ("some", "many") and not g.get("det"))
