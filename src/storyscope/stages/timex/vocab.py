"""Word lists and regular-expression fragments of the timex tagger (English news)."""
from __future__ import annotations

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
          "sep": 9, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
            "saturday": 6, "sunday": 7}
SMALL = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
         "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
         "nineteen": 19, "a": 1, "an": 1, "single": 1, "another": 1}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
       "last": 4, "final": 4}
#: TIMEX3 duration letters; DE/CE/WE/Q are rewritten by the resolvers (decade = 10 years, ...)
UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
         "month": "M", "year": "Y", "decade": "DE", "century": "CE", "quarter": "Q",
         "weekend": "WE", "fortnight": "W"}
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
ORDWORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
            "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
            "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
            "twenty-first": 21, "twenty first": 21}
DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                "seventies": 7, "eighties": 8, "nineties": 9}
#: relative words -> direction (-1 before, +1 after, 0 the current one)
REL_SIGN = {"last": -1, "past": -1, "previous": -1, "latest": -1, "recent": -1, "next": 1, "coming": 1,
            "following": 1, "upcoming": 1, "this": 0, "current": 0}

MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
         r"Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)"
NUMW = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|"
        r"five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
        r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)")
NUM = (r"(?:\d+(?:\s+1/2|½)?(?:\.\d+)?|" + NUMW + r"(?:\s+(?:and\s+)?a\s+half)?|a(?:n)?|single|another|"
       r"a\s+few|several|few|many|some|a\s+couple\s+of|couple\s+of|a\s+number\s+of|numerous|"
       r"half\s+an?|a\s+half)")
UNIT = (r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?|"
        r"centur(?:y|ies)|quarters?|weekends?)")
DAYNUM = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
TZ = r"(?:\s*(?:[ECMP][SD]T|GMT|UTC|a\.m\.|p\.m\.))?"
CLOCK = (r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:a\.?m\.?|p\.?m\.?))?|\d{1,2}\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock\b))"
         + TZ)
REL = (r"(?:last|next|this|past|coming|previous|following|current|the\s+past|the\s+last|the\s+next|"
       r"the\s+coming|the\s+previous|the\s+following|the\s+current|the\s+same|that|the\s+latest|"
       r"the\s+most\s+recent|the\s+upcoming)")
QPRE = (r"(?:latest|current|last|previous|past|year-ago|year-earlier|same|comparable|corresponding|prior|next|"
        r"coming|fiscal|recent|just-ended|just\s+ended|first|second|third|fourth|1st|2nd|3rd|4th|final|"
        r"\d{4}|(?:this|last|next)\s+year's|fiscal\s+\d{4}'s)")
