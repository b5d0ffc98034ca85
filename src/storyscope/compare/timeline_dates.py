"""Reading the dates of a timeline: which verb carries a date, which dates name no event, which year a
month without its year is in (issue 14: "a holiday alone is not an event date"; issue 15 session 6: names,
periods, bounds, tense). Helpers of `timeline`; offsets are characters of the article text."""
from __future__ import annotations

import datetime as dt
import re

from storyscope.stages.timex.patterns import HOLIDAY

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


_CLAUSE_BREAK = re.compile(r"[,;:\u2014\u2013]|\s--\s|\b(?:but|and|while|whereas)\b")


def _governing_verb(text: str, start: int):
    """The finite verb whose clause holds the token at ``start`` (spaCy parse): up the heads to a verb,
    and on through non-finite ones ("attempted to explain Sunday", "other than lashing out ... Saturday")
    to the verb that carries the tense. None when the token is not parsed."""
    from storyscope.stages.nlp import parse
    doc = parse(text)
    at = doc.char_span(start, min(len(text), start + 1), alignment_mode="expand")
    tok = at[0] if at is not None and len(at) and at[0].idx >= start else next((t for t in doc if t.idx >= start), None)
    if tok is None:
        return None
    head = tok
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    while head.tag_ in ("VB", "VBG", "VBN") and head.dep_ in ("xcomp", "pcomp", "advcl", "conj", "prep", "pobj") \
            and not any(c.dep_ in ("aux", "auxpass") and c.tag_ != "TO" for c in head.children) and head.head.i != head.i:
        up = head.head
        while up.pos_ not in ("VERB", "AUX") and up.head.i != up.i:
            up = up.head
        if up.pos_ not in ("VERB", "AUX"):
            break
        head = up
    return head


_REL_WORD = re.compile(r"(?i)\b(?:last|next|this|coming|past|previous|following|earlier|later)\b")
_NAMES_DAY = re.compile(r"(?i)\b(?:" + "|".join(WEEKDAYS) + r"|today|tonight|yesterday|tomorrow|jan|feb|mar|apr|may|jun|jul|"
                        r"aug|sep|oct|nov|dec)[a-z]*\b|\d{4}-\d\d-\d\d|\d/\d")


def _bare_weekday(text: str) -> int | None:
    """The weekday a timex names when it is only a weekday ("on Friday"), which the timeline may
    re-read by the clause's tense; None for "last Friday", "next Friday", "Friday, March 14"."""
    return None if _REL_WORD.search(text) or re.search(r"\d", text) else _weekday_of(text)


def _month_without_year(text: str) -> bool:
    """"22 November", "in March": a month named without its year, weekday or relative word."""
    return bool(re.search(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", text)) and \
        not re.search(r"\b\d{4}\b", text) and _weekday_of(text) is None and not _REL_WORD.search(text)


_HOLIDAY_ALONE = re.compile(r"(?i)(?:the\s+)?(?:" + HOLIDAY + r")")
_BOUND_BEFORE = re.compile(r"(?i)\b(?:before|after|since|until|till|through|throughout|by|ahead\s+of|prior\s+to|following|"
                           r"(?:dating|dates|date|going|goes)\s+back\s+to|as\s+far\s+back\s+as|as\s+far\s+as|"
                           r"(?:beginning|starting)(?:\s+in)?)\s+(?:the\s+)?(?:(?:late|early|mid)\s+)?$")
# "from 2007 to 2014", "between 1966 and 1978", "spanning from 1983": a period, not an event date
_RANGE_START = re.compile(r"(?i)\b(?:from|between)\s+(?:the\s+)?$")
_RANGE_END = re.compile(r"(?i)\b(?:from|between)\s+[^,.;()]{1,30}?\s+(?:to|until|till|through|and|-|\u2013)\s+(?:the\s+)?$")
_RANGE_NEXT = re.compile(r"(?i)^\s*(?:to|until|till|through|-|\u2013|and)\s+\S")
# "the 1996 Defense of Marriage Act", "the party's 2008 vice-presidential nominee", "the Sept. 11 attacks":
# a year (or a day without its year) in a name or title
_PREPOSITION_BEFORE = re.compile(r"(?i)\b(?:in|on|at|of|since|by|from|until|till|through|to|during|after|before|for|"
                                 r"between|around|about|early|late|mid|spring|summer|fall|autumn|winter)\s+$")
_DETERMINER_BEFORE = re.compile(r"(?i)(?:\bthe|['\u2019]s)\s+$")
_WORD_AFTER = re.compile(r"^\s+[A-Za-z]")
_NOUN_AFTER = re.compile(r"^\s+[a-z]")
# "the Harbor Safety Act of 1978", "the Class of 2020"; "$2 billion in fiscal 2019", "the 2018 tax year"
_NAME_OF_BEFORE = re.compile(r"\b(?:Act|Acts|Class|Treaty|Accord|Accords|Agreement|Convention|Law|Compact|Code|"
                             r"Amendments?|Resolution|Bill|Charter|Protocol|Pact|Declaration)\s+of\s+$")
_NAMED_DAY_NOUN = re.compile(r"(?i)\s*(?:-style\s+)?(?:terror(?:ist)?\s+)?(?:attacks?|hijack(?:er|ing)s?|survivors?|victims?|"
                             r"families|commission|memorial|museum|anniversary|responders?|first\s+responders?|"
                             r"era|plot|plotters?|widows?)\b")
_FISCAL_BEFORE = re.compile(r"(?i)\b(?:fiscal(?:\s+year)?|tax\s+year|budget\s+year|FY)\s*$")
_FISCAL_AFTER = re.compile(r"(?i)^\s*(?:fiscal|tax|budget)\s+year")


def _year_in_a_name(text: str, start: int, end: int) -> bool:
    """A bare year that modifies the noun after it, not the object of a preposition ("the 1996 Defense of
    Marriage Act", "his 2016 election opponent", "the former governor and 1988 nominee"), a year after a
    name's "of" ("the Harbor Safety Act of 1978") or of a fiscal or tax year ("in fiscal 2019"), or a day without
    its year right after "the" and before a noun ("the Sept. 11 attacks"): part of a name or title."""
    t, before = text[start:end], text[max(0, start - 14):start]
    if re.match(r"(?i)(?:fiscal(?:\s+year)?|tax\s+year|FY)\s*\d{4}$", t):
        return True  # the timex holds the period's word: "fiscal 2019"
    if re.fullmatch(r"(?:FY\s?)?\d{4}", t) and (_NAME_OF_BEFORE.search(text[max(0, start - 30):start])
                                              or _FISCAL_BEFORE.search(text[max(0, start - 16):start])
                                              or _FISCAL_AFTER.match(text[end:end + 16]) or t.startswith("FY")):
        return True  # a name's year, or a fiscal / tax year (an amount's period, not an event's date)
    if re.fullmatch(r"\d{4}", t):
        return not _PREPOSITION_BEFORE.search(before) and bool(_WORD_AFTER.match(text[end:end + 3]))
    if _month_without_year(t) and bool(re.search(r"\d", t)) and (_NAMED_DAY_NOUN.match(text[end:end + 20])
                                                             or re.search(r"(?i)\b(?:post|pre)-$", before)):
        return True  # "Sept. 11 survivors", "the post-Sept. 11 era": a day that names what happened on it
    return _month_without_year(t) and bool(re.search(r"\d", t)) and bool(_DETERMINER_BEFORE.search(before)) \
        and bool(_NOUN_AFTER.match(text[end:end + 3]))


_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_SHARED_YEAR = re.compile(r"(?i)^\s*(?:,\s*)?(?:and|or|to|through|-|\u2013)\s+(?:\d{1,2}\s+)?" + _MONTHS + r"(?:\s+\d{1,2},?)?\s+((?:19|20)\d\d)\b")
# "Ten minutes later", "hours earlier": a time counted from another event of the text, not from the publication
_MINUTES_AWAY = re.compile(r"(?i)\b(?:minutes?|hours?|seconds?)\s+(?:later|earlier|after|before|ago)\b")
_AMOUNT = re.compile(r"(?i)[$\u20ac\u00a3]\s?\d|\d\s?%|\bpercent(?:age points?)?\b|\b(?:b|m|tr)illion\b")


def _shared_year(text: str, end: int, value: str, prec: str) -> str:
    """A month without its year that shares the next one's ("in August and October 2017"): that year."""
    m = _SHARED_YEAR.match(text[end:end + 40])
    if m and prec in ("day", "month") and value[:4] != m.group(1):
        return m.group(1) + value[4:]
    return value


def _not_an_event_date(text: str, start: int, end: int) -> bool:
    """A date that bounds an event rather than dates it ("talks resume after Thanksgiving", "since 2019",
    "dating back to 2015", "by 2014"), either end of a period ("from 2007 to 2014", "beginning in 2009 and
    continuing through 2016"), a year that is part of a name or title ("the 1996 Defense of Marriage Act"),
    or a holiday named alone ("Christmas was quiet", "over Christmas"): only "on Christmas Eve", or a
    holiday with its year or a relative word ("last Thanksgiving"), dates an event."""
    if _BOUND_BEFORE.search(text, max(0, start - 25), start):
        return True
    if re.search(r"(?i)\b(?:since|until|by|before|after)\s+(?:\d{4}|" + _MONTHS + r")(?:\s+\d{4})?,?\s+(?:and|or)\s+$",
                 text[max(0, start - 30):start]):
        return True  # "since 2003 and 2007": the second bound of a pair
    if _MINUTES_AWAY.search(text[start:end + 20]):
        return True
    surface = text[start:end]
    if re.search(r"(?i)\d{4}|\byear\b", surface) and not re.search(r"(?i)\b" + _MONTHS, surface) \
            and _AMOUNT.search(text, max(0, start - 40), min(len(text), end + 40)):
        return True  # "$1.6 billion in fiscal 2010", "a tax rate for 2014 was 35.7 percent": an amount's period
    if re.search(r"Credit\s*[A-Z]", text[end:end + 80]) or re.search(r"\.Credit", text[max(0, start - 80):end + 80]):
        return True  # a photo caption run into its credit line
    if _RANGE_END.search(text[max(0, start - 45):start]) or \
            _RANGE_START.search(text[max(0, start - 14):start]) and _RANGE_NEXT.match(text[end:end + 12]):
        return True
    if _year_in_a_name(text, start, end) or _bounds_an_event(text, start, end):
        return True
    if re.fullmatch(r"\d{1,2}\s+[A-Za-z]+", text[start:end]) and re.match(r"\.?\s*\d{1,2}\b", text[end:end + 5]):
        return True  # "the 19 Sept. 11 hijackers": a count before a day-month, not "19 Sept."
    if _WEEKDAY.fullmatch(text, start, end) and (_TITLE_BEFORE_WEEKDAY.search(text, max(0, start - 12), start)
                                                 or _TITLE_AFTER_WEEKDAY.match(text, end)):
        return True  # a programme's or paper's name ("told Fox News Sunday", "the Sunday Times"), not a day
    if _HOLIDAY_ALONE.fullmatch(text, start, end):
        return not re.search(r"(?i)\bon\s+$", text[max(0, start - 4):start])
    return False


_WEEKDAY = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day")
_TITLE_BEFORE_WEEKDAY = re.compile(r"\bNews\s+$")
_TITLE_AFTER_WEEKDAY = re.compile(r"\s+(?:Morning\s+Futures|Times|Telegraph|Express|Mirror|Herald|Night\s+Football)\b")
_BOUND_WORDS = {"before", "after", "until", "till", "through", "since", "ahead", "advance", "prior", "following", "pending"}


def _bounds_an_event(text: str, start: int, end: int) -> bool:
    """Whether the date names the time of a thing that bounds the clause's event rather than the event:
    it hangs on a noun that is the object of "until", "through", "ahead of", "in advance of", "before",
    "after" ("until a special election in June", "in advance of his visit on Thursday", "ahead of
    Thursday's debate"): the date is that thing's, and the sentence's event has none of its own."""
    from storyscope.stages.nlp import parse
    doc = parse(text)
    span = doc.char_span(start, end, alignment_mode="expand")
    toks = list(span) if span is not None else []
    if not toks:
        return False
    inside = {t.i for t in toks}
    tok = next((t for t in toks if t.head.i not in inside or t.head.i == t.i), toks[0])
    seen_noun = False
    for _ in range(8):
        if tok.head.i == tok.i or tok.pos_ in ("VERB", "AUX"):
            return False
        if tok.pos_ in ("NOUN", "PROPN") and tok.i not in inside:
            seen_noun = True
        if tok.dep_ == "pobj" and (tok.head.lower_ in _BOUND_WORDS or tok.head.lower_ == "of"
                                   and tok.head.head.lower_ in ("ahead", "advance", "prior")):
            return seen_noun
        tok = tok.head
    return False


def _past_attached(text: str, start: int) -> bool:
    """Whether the date at ``start`` hangs on a past-tense verb ("stepped down in February", "he received
    in November"), not on a noun ("gains in November") nor a progressive ("was leaving in February")."""
    from storyscope.stages.nlp import parse
    doc = parse(text)
    tok = next((t for t in doc if t.idx >= start), None)
    if tok is None:
        return False
    while tok.dep_ in ("pobj", "prep", "nummod", "compound", "npadvmod", "appos") and tok.head.i != tok.i \
            and tok.pos_ not in ("VERB", "AUX"):
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    aux = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    if (tok.tag_ == "VBG" and not aux and tok.dep_ in ("xcomp", "advcl", "pcomp", "acl", "conj")
            or tok.tag_ == "VB" and all(c.tag_ == "TO" for c in aux) and tok.dep_ == "advcl"):
        # a verb without tense of its own takes its clause's: "went on to pull out of the deal in May",
        # "Yates telling McGahn in January" (under "was referring"); not the complement of a verb of
        # intent ("decided to retire in February": still to come when decided)
        up = _governing_verb(text, tok.idx)
        if up is None or up.i == tok.i:
            return False
        tok, aux = up, [c for c in up.children if c.dep_ in ("aux", "auxpass")]
        return tok.tag_ == "VBD" or any(c.tag_ == "VBD" or c.lemma_ == "have" and c.tag_ != "VBZ" for c in aux)
    if tok.tag_ == "VBG":
        return False
    return tok.tag_ == "VBD" or tok.tag_ == "VBN" and any(c.lemma_ == "have" or c.tag_ == "VBD" for c in aux)


def _nearest_year(value: str, dct: dt.date) -> str:
    """A day or month without its year ("November") read in the year that puts it nearest the
    publication date: the timex stage reads it as past, which a clause not in the past does not say."""
    best = value
    for y in (int(value[:4]), int(value[:4]) + 1):
        cand = f"{y}{value[4:]}"
        day = _date(cand if len(cand) == 10 else cand + "-15")
        old = _date(best if len(best) == 10 else best + "-15")
        if day and old and abs((day - dct).days) < abs((old - dct).days):
            best = cand
    return best


def _dated_label(label: str, text: str) -> bool:
    """A DATE, or a TIME that names its day ("9 a.m. Sunday"), not a clock time alone."""
    return label == "DATE" or label == "TIME" and bool(_NAMES_DAY.search(text))


def _weekday_of(text: str) -> int | None:
    low = text.lower()
    return next((i for i, w in enumerate(WEEKDAYS) if re.search(rf"\b{w}\b", low)), None)


def _nearest_weekday(anchor: dt.date, wd: int, future: bool) -> dt.date:
    """The weekday ``wd`` on or after (future) / on or before (past) ``anchor``."""
    delta = (wd - anchor.weekday()) % 7 if future else -((anchor.weekday() - wd) % 7)
    return anchor + dt.timedelta(days=delta)


def _date(v: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(v[:10]) if v and re.match(r"\d{4}-\d\d-\d\d", v) else None
    except ValueError:
        return None
