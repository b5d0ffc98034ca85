"""Calendar arithmetic for TIMEX3 values: number words, ISO weeks, shifting values by units,
holiday dates. Month and year arithmetic is ``dateutil.relativedelta``; Easter is
``dateutil.easter``; public holidays with a rule ("fourth Thursday of November") come from the
``holidays`` package (US calendar, the news the tagger is measured on).
"""
from __future__ import annotations

import datetime as dt
import functools
import re

import holidays as _holidays
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from storyscope.stages.timex.vocab import SMALL, TENS


def number(s: str) -> float | None:
    """Value of a number phrase ("three", "twenty-one", "2.5", "a half"); None for vague ones ("several")."""
    s = " ".join(s.lower().replace("-", " ").split())
    m = re.fullmatch(r"(\d+)(?: 1/2|½)", s)  # "2 1/2 years"
    if m:
        return int(m.group(1)) + 0.5
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
    if s in SMALL:
        return SMALL[s] + half or None
    parts = s.split()
    if parts and parts[0] in TENS:
        return TENS[parts[0]] + (SMALL.get(parts[1], 0) if len(parts) > 1 else 0) + half
    return None


_SMALLER = {"Y": (12, "M", False), "M": (30, "D", False), "W": (7, "D", False), "D": (24, "H", True),
            "H": (60, "M", True), "TM": (60, "S", True)}


def fmt_duration(n: float, u: str, timed: bool) -> str:
    """TIMEX3 value of ``n`` units ``u`` (Y, M, W, D, H, M, S; ``timed`` for the clock units):
    a fraction carries into the next smaller unit as TimeML writes it ("2 1/2 years" -> P2Y6M,
    "a minute and a half" -> PT1M30S); one that does not divide evenly stays a decimal."""
    whole = int(n)
    rest = n - whole
    key = "TM" if timed and u == "M" else u
    if rest and key in _SMALLER:
        k, u2, t2 = _SMALLER[key]
        sub = rest * k
        if float(sub).is_integer():
            head = f"{whole}{u}" if whole else ""
            if timed or not t2:
                return ("PT" if timed else "P") + head + f"{int(sub)}{u2}"
            return "P" + head + f"T{int(sub)}{u2}"
    return ("PT" if timed else "P") + fmt_num(n) + u


def fmt_num(n: float) -> str:
    """``3`` for 3.0, ``1.5`` for 1.5: the number part of a TIMEX3 duration."""
    return str(int(n)) if float(n).is_integer() else str(n)


def make_date(y: int, m: int, d: int) -> dt.date | None:
    """The date, or None when it does not exist ("30 February")."""
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def iso_week(d: dt.date) -> str:
    """TIMEX3 week value of a day: ``2022-W13``."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def quarter_of(d: dt.date) -> str:
    """TIMEX3 quarter value of a day: ``2022-Q2``."""
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def shift(value: str, unit: str, k: int) -> str | None:
    """``value`` moved by ``k`` units ("Y", "Q", "M", "W", "D") at its own granularity; None if unsupported.

    ``shift("2022-Q1", "Q", -1) == "2021-Q4"``; ``shift("2022-02", "Y", 1) == "2023-02"``.
    """
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", value)
    if m:
        y = int(m.group(1))
        if unit == "Y" and not m.group(2):
            return f"{y + k}"
        if m.group(3):
            step = {"Y": relativedelta(years=k), "M": relativedelta(months=k), "W": relativedelta(weeks=k),
                    "D": relativedelta(days=k)}.get(unit)
            return (dt.date.fromisoformat(value) + step).isoformat() if step else None
        if m.group(2) and unit in ("Y", "M"):
            d = dt.date(y, int(m.group(2)), 1) + relativedelta(**{"years" if unit == "Y" else "months": k})
            return f"{d.year}-{d.month:02d}"
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


def offset(d0: dt.date, u: str, k: int) -> tuple[str, str | None]:
    """(value, precision) of the unit ``u`` that lies ``k`` units from day ``d0`` ("last month" = M, -1)."""
    if u == "D":
        return (d0 + relativedelta(days=k)).isoformat(), "day"
    if u in ("W", "WE"):
        return iso_week(d0 + relativedelta(weeks=k)) + ("-WE" if u == "WE" else ""), "week"
    if u == "M":
        d = d0 + relativedelta(months=k)
        return f"{d.year}-{d.month:02d}", "month"
    if u == "Y":
        return f"{d0.year + k}", "year"
    if u == "DE":
        return f"{(d0.year + 10 * k) // 10}", "decade"
    if u == "Q":
        return shift(quarter_of(d0), "Q", k), "quarter"
    if u == "CE":
        return f"{(d0.year + 100 * k) // 100:02d}", None
    return d0.isoformat(), "day"


def precision(value: str) -> str | None:
    """Granularity of a TIMEX3 value: day, time, duration, month, year, week, decade, quarter, season."""
    if value.endswith("_REF"):
        return None
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


def clock_value(s: str) -> str | None:
    """TIMEX3 time part of a clock reading: ``"4 p.m." -> "T16:00"``; None when impossible ("25:70")."""
    s = s.lower()
    m = re.match(r"(\d{1,2})(?::(\d{2}))?", s)
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    if re.search(r"p\.?\s*m\b|p\.m\.", s) and h < 12:
        h += 12
    if re.search(r"a\.?\s*m\b|a\.m\.", s) and h == 12:
        h = 0
    if h > 24 or mi > 59:
        return None
    return f"T{h:02d}:{mi:02d}"


# --------------------------------------------------------------------------- holidays

_FIXED = {"christmas eve": (12, 24), "new year's eve": (12, 31), "halloween": (10, 31),
          "valentine's day": (2, 14), "boxing day": (12, 26)}
#: our holiday names -> the name the ``holidays`` package gives the US holiday
_US_NAMES = {"christmas": "Christmas Day", "christmas day": "Christmas Day", "new year's": "New Year's Day",
             "new year's day": "New Year's Day", "independence day": "Independence Day",
             "thanksgiving": "Thanksgiving Day", "thanksgiving day": "Thanksgiving Day",
             "labor day": "Labor Day", "labour day": "Labor Day", "memorial day": "Memorial Day",
             "veterans day": "Veterans Day", "columbus day": "Columbus Day",
             "martin luther king day": "Martin Luther King Jr. Day", "presidents day": "Washington's Birthday",
             "juneteenth": "Juneteenth National Independence Day"}


@functools.lru_cache(maxsize=256)
def _us_holidays(year: int) -> dict[str, dt.date]:
    cal = _holidays.country_holidays("US", years=year, observed=False)
    return {name: day for day, name in cal.items()}


def holiday_name(text: str) -> str:
    """The key `holiday_date` knows for a holiday as written ("Martin Luther King Jr. Day" -> ...)."""
    s = " ".join(text.lower().replace("jr.", "").replace("presidents'", "presidents").split())
    return s


def holiday_date(name: str, year: int) -> dt.date | None:
    """Date of a holiday (a `holiday_name` key: "thanksgiving", "easter", "christmas eve") in ``year``;
    None if unknown or not kept that year (Juneteenth before 2021)."""
    if name in _FIXED:
        return dt.date(year, *_FIXED[name])
    if name in ("easter", "easter sunday"):
        return easter(year)
    if name == "election day":  # US: the Tuesday after the first Monday of November
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(7 - first.weekday()) % 7 + 1)
    if name == "good friday":
        return easter(year) - dt.timedelta(days=2)
    return _us_holidays(year).get(_US_NAMES.get(name, ""))
