"""Recognise the furniture of a plain-text news page: headline, dateline, byline, credit, debris.

Works line by line on the stored text and returns standoff spans; nothing is deleted. Rules are
general (shapes of lines), not lists of particular articles.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from storyscope.record import Span

# Wire agencies and syndication sources commonly credited in a byline or a lone credit line.
AGENCIES = {
    "reuters": "Reuters", "afp": "AFP", "agence france-presse": "AFP", "ap": "AP", "associated press": "AP",
    "the associated press": "AP", "sputnik": "Sputnik", "tass": "TASS", "xinhua": "Xinhua", "pti": "PTI",
    "ani": "ANI", "ians": "IANS", "bloomberg": "Bloomberg", "upi": "UPI", "dpa": "dpa", "efe": "EFE",
    "ansa": "ANSA", "anadolu": "Anadolu", "anadolu agency": "Anadolu", "irna": "IRNA", "kyodo": "Kyodo",
    "yonhap": "Yonhap", "ria novosti": "RIA Novosti", "interfax": "Interfax", "cnn wire": "CNN Wire",
    "press trust of india": "PTI", "bernama": "Bernama", "aap": "AAP", "pa media": "PA Media",
    "kna": "KNA", "epd": "epd", "apa": "APA", "sda": "SDA", "keystone-sda": "Keystone-SDA", "anp": "ANP",
    "belga": "Belga", "ntb": "NTB", "ritzau": "Ritzau", "pap": "PAP", "ctk": "ČTK", "mti": "MTI", "lusa": "Lusa",
    "europa press": "Europa Press", "agi": "AGI", "adnkronos": "Adnkronos", "dpa-afx": "dpa-AFX",
    "notimex": "Notimex", "telam": "Télam", "agência brasil": "Agência Brasil", "ap news": "AP",
    "thomson reuters": "Reuters", "afp news": "AFP", "agence france presse": "AFP",
}

_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
DATE_LINE = re.compile(
    rf"^\s*(?:(?:published|updated|posted|last updated|date)\s*(?:on)?\s*:?\s*)?(?:{_WEEKDAY},?\s+)?"
    rf"(?:{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(?:,?\s*(?:at\s+)?\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?\s*(?:\|.*)?$",
    re.I,
)
PUBLISHED_PREFIX = re.compile(r"^\s*(published|updated|posted|last updated)\b", re.I)
BY_LINE = re.compile(r"^\s*(?:by|written by|reporting by)\s+(.{2,80}?)\s*$", re.I)
PHOTO_CREDIT = re.compile(r"\((?:photo|image|picture)\s*(?:credit)?\s*:[^)]*\)|^\s*(?:photo|image|picture|file photo)\s*(?:credit)?\s*:", re.I)
COMMENT_FORM = re.compile(
    r"please enter your (?:comment|name|email)|leave a (?:reply|comment)|you have entered an incorrect email|"
    r"save my name,? email|post comment|notify me of (?:follow-up|new posts)|^\s*\d*\s*comments?\s*$", re.I)
CAPTCHA = re.compile(r"recaptcha|verification (?:period )?has expired|i'?m not a robot|captcha", re.I)
NAV = re.compile(
    r"^\s*(?:[›»>|•·]\s*)?(?:subscribe|sign up|sign in|log in|login|register|share(?: this)?(?: article)?|tweet|"
    r"email|print|whatsapp|facebook|twitter|telegram|linkedin|discuss|comments?|more articles|read more|"
    r"related(?: articles| stories| news)?|advertisement|advertising|sponsored|follow us.*|"
    r"click here.*|also read.*|see also.*|recommended|trending|most read|newsletter.*|"
    r"copyright.*|©.*|all rights reserved.*|skip to (?:main )?content|menu|home|search|"
    r"inhaltsverzeichnis|table of contents|inhalt|sommaire|índice)\s*[:!.]?\s*$", re.I)
LEADING_GLYPH = re.compile(r"^\s*[›»]")
# Cross-links to other articles: a lead-in ("Read also:", "Lea también:", "Lesen Sie auch") and a headline.
RELATED = re.compile(
    r"^\s*(?:read (?:more|also)|see also|also read|related(?: stories| articles| content)?\s*:|more on this|"
    r"lea también|lee también|le puede interesar|te puede interesar|notas relacionadas|noticias relacionadas|"
    r"(?:à|a) lire aussi|lire aussi|voir aussi|auch lesen|lesen sie auch|mehr zum thema|mehr themen|weitere themen|"
    r"zum weiterlesen|das könnte sie auch interessieren|leggi anche|potrebbe interessarti|leia também|veja também|"
    r"lees ook|czytaj (?:także|też|więcej)|dowiedz się więcej|zobacz (?:też|także)|"
    r"weitere (?:infos?|informationen|themen|artikel|beiträge|\w*tipps)|more (?:stories|news) from)\b", re.I)
# Advertising labels, affiliate notes, subscription and follow prompts, file-download links.
PROMO = re.compile(
    r"^\s*(?:anzeige|werbung|advertisement|sponsored|publicidad|publicité|pubblicità)\b|affiliate[- ]?links?|"
    r"partner-?links?|^\s*(?:to (?:view|read|continue reading) the full|subscribe (?:now|today|here)|"
    r"if you(?:'|’)re (?:seeing this|already a subscriber)|already a subscriber|zum newsletter|"
    r"jetzt (?:abonnieren|anmelden)|newsletter abonnieren|síguenos|suivez-nous|folgen? (?:sie )?uns)|"
    r"sign up here|canal de (?:telegram|whatsapp)|(?:telegram|whatsapp) channel|\|\s*\d+(?:[.,]\d+)?\s*[KMG]B\b", re.I)
# A credit line: "© Name", "Crédits photos : Agency", "Foto: Name".
LINE_CREDIT = re.compile(r"^\s*(?:©|\(c\)\s|(?:crédits? photos?|photo credits?|fotos?|bild(?:quelle)?|imagen|"
                         r"credits?)\s*:)", re.I)
MAX_PROMO_LINE = 200
MAX_CREDIT_LINE = 100
# Debris rules judge short interface lines, never paragraphs: longer lines are body text.
MAX_UI_LINE = 120       # a captcha or comment-form prompt
MAX_GLYPH_LINE = 80     # a "» link" bullet
MAX_RELATED_LINE = 160  # a lead-in plus one headline

DEBRIS_LABELS = ("credit", "caption", "byline", "dateline", "comment_form", "captcha", "nav", "section_label")


@dataclass
class Furniture:
    """What the text's furniture says about the article, plus the spans it occupies."""
    title: str = ""
    title_span: tuple[int, int] | None = None
    credit: str = ""
    outlet: str = ""          # "By Ana Reyes for the Daily Planet": the outlet the byline names
    byline: str = ""
    published: str | None = None
    published_text: str = ""
    debris: list[Span] = field(default_factory=list)


def agency_of(name: str) -> str | None:
    key = re.sub(r"[^a-z .-]", "", name.lower()).strip(" .")
    return AGENCIES.get(key)


OUTLET_WORDS = {"news", "press", "agency", "wire", "watch", "times", "post", "daily", "herald", "tribune", "radio",
                "tv", "media", "network", "journal", "gazette", "courier", "service", "monitor", "report", "staff"}


def _looks_like_outlet(who: str) -> bool:
    """'By NORTHWIRE' or 'By SELVANE WATCH' credit an outlet; 'By SOFIA RENN' is a person's byline."""
    words = who.split()
    if not who.isupper() or not 1 <= len(words) <= 3:
        return False
    return len(words) == 1 or words[-1].lower() in OUTLET_WORDS


# "Ana Reyes for The Daily Planet": a person writing for a named outlet (capitalised, at most six words).
FOR_OUTLET = re.compile(r"^(?P<who>.+?)\s+for\s+(?P<outlet>(?:the\s+)?[A-Z0-9][\w&'’.-]*(?:\s+[A-Z0-9&][\w&'’.-]*){0,5})\s*$")


def split_for_outlet(who: str) -> tuple[str, str]:
    """(person, outlet) of a byline "X for Y" naming the outlet Y; (who, "") otherwise."""
    m = FOR_OUTLET.match(who.strip())
    if not m:
        return who, ""
    outlet = m.group("outlet").strip(" .")
    return m.group("who").strip(" ,"), outlet[0].upper() + outlet[1:]


def _lines(text: str):
    pos = 0
    for raw in text.split("\n"):
        yield pos, pos + len(raw), raw
        pos += len(raw) + 1


def _strip_span(start: int, raw: str) -> tuple[int, int]:
    lead = len(raw) - len(raw.lstrip())
    return start + lead, start + len(raw.rstrip())


def _is_section_label(s: str) -> bool:
    """A lone, short, capitalised line without sentence punctuation ("Russia", "World News")."""
    words = s.split()
    return (0 < len(words) <= 3 and len(s) <= 30 and not re.search(r"[.!?:;,\"“”]", s)
            and all(w[:1].isupper() for w in words if w[:1].isalpha()))


def _is_link_bullet(line: str) -> bool:
    """'» Read more' / '› Subscribe': a short link line behind a glyph; not a »quotation« (German
    and French quotation marks open with the same glyph) and not a sentence."""
    if not LEADING_GLYPH.match(line) or len(line) > MAX_GLYPH_LINE or "«" in line or "‹" in line:
        return False
    return not re.search(r"[.!?]\W*$", line) or len(line.split()) <= 4


def parse_date_line(s: str) -> str | None:
    """ISO date (with time when given) of a dateline such as 'Published: APRIL 2, 2022 16:04'."""
    import dateparser  # local: heavy import, only when a dateline exists
    body = PUBLISHED_PREFIX.sub("", s).strip(" :|")
    body = body.split("|")[0].strip()
    dt = dateparser.parse(body, settings={"STRICT_PARSING": True, "RETURN_AS_TIMEZONE_AWARE": False,
                                          "PREFER_DATES_FROM": "past"}, languages=["en"])
    if dt is None:
        return None
    has_time = bool(re.search(r"\d{1,2}[:.]\d{2}", body))
    return dt.strftime("%Y-%m-%dT%H:%M") if has_time else dt.strftime("%Y-%m-%d")


def detect_furniture(text: str, title_in_text: bool = True) -> Furniture:
    """Find headline, credit, byline, dateline and debris lines in a plain-text article."""
    f = Furniture()
    lines = list(_lines(text))
    nonempty = [(s, e, raw) for s, e, raw in lines if raw.strip()]
    head_zone = {id(x) for x in nonempty[:8]}          # furniture sits near the top...
    tail_zone = {id(x) for x in nonempty[-8:]}         # ...or at the bottom of a page
    title_found = not title_in_text
    for item in nonempty:
        s, e, raw = item
        line = raw.strip()
        a, b = _strip_span(s, raw)
        label = None
        low = line.lower()
        if COMMENT_FORM.search(line) and len(line) <= MAX_UI_LINE:
            label = "comment_form"
        elif CAPTCHA.search(line) and len(line) <= MAX_UI_LINE:
            label = "captcha"
        elif LINE_CREDIT.match(line) and len(line) <= MAX_CREDIT_LINE:
            label = "credit"
        elif PHOTO_CREDIT.search(line):
            label = "caption" if len(PHOTO_CREDIT.sub("", line).strip()) > 3 else "credit"
        elif (_is_link_bullet(line) or (NAV.match(line) and (id(item) in tail_zone or id(item) in head_zone))
              or (RELATED.match(line) and len(line) <= MAX_RELATED_LINE)
              or (PROMO.search(line) and len(line) <= MAX_PROMO_LINE)):
            label = "nav"
        elif id(item) in head_zone and BY_LINE.match(line) and len(line.split()) <= 10:
            who = BY_LINE.match(line).group(1)
            ag = agency_of(who) or (_looks_like_outlet(who) and who.strip().title())
            if ag:
                f.credit = f.credit or ag
                label = "credit"
            else:
                who, named = split_for_outlet(who)
                f.outlet = f.outlet or named
                f.byline = f.byline or (who.title() if who.isupper() else who)
                label = "byline"
        elif id(item) in head_zone and agency_of(line.strip("()— -")):
            f.credit = f.credit or agency_of(line.strip("()— -"))
            label = "credit"
        elif id(item) in head_zone and DATE_LINE.match(line):
            iso = parse_date_line(line)
            if iso and not f.published:
                f.published, f.published_text = iso, line
            label = "dateline"
        elif not title_found and _is_section_label(line) and len(nonempty) > 3 and item is nonempty[0]:
            label = "section_label"
        elif id(item) in tail_zone and _is_section_label(line) and item is nonempty[-1] and len(line.split()) <= 2:
            label = "nav"
        if label:
            f.debris.append(Span(a, b, label))
            continue
        if not title_found:
            f.title, f.title_span, title_found = line, (a, b), True
    # "(AFP) -" / "(Reuters) -" inline credits at the start of the body
    if not f.credit:
        m = re.search(r"\((Reuters|AFP|AP|Xinhua|Sputnik|TASS|PTI|ANI|IANS|Bloomberg|UPI)\)\s*[-–—]", text[:1500])
        if m:
            f.credit = agency_of(m.group(1)) or m.group(1)
    return f
