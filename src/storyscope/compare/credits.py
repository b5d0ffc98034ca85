"""Credits to sources outside the corpus ("By REUTERS", "(AFP)", "told Reuters", "obtained by The
Intercept"), which provenance and the independence count use; and one article's credit of another
article's outlet as the source of what it reports ("the New York Times reports"), which provenance
takes as evidence of reuse."""
from __future__ import annotations

import re

from storyscope.record import Article, Span

# Outlets and agencies recognised by name in credit lines; anything else needs an explicit
# "obtained by / reported by / told" attribution with a capitalised name.
AGENCIES = {
    "reuters": "Reuters", "afp": "AFP", "agence france-presse": "AFP", "ap": "AP", "associated press": "AP",
    "the associated press": "AP", "bloomberg": "Bloomberg", "pti": "PTI", "press trust of india": "PTI",
    "ani": "ANI", "ians": "IANS", "xinhua": "Xinhua", "tass": "TASS", "sputnik": "Sputnik",
    "ria novosti": "RIA Novosti", "anadolu": "Anadolu", "anadolu agency": "Anadolu", "dpa": "dpa", "efe": "EFE",
    "kyodo": "Kyodo", "yonhap": "Yonhap", "upi": "UPI", "the intercept": "The Intercept", "bbc": "BBC",
    "cnn": "CNN", "al jazeera": "Al Jazeera", "the new york times": "The New York Times",
    "the washington post": "The Washington Post", "the guardian": "The Guardian", "axios": "Axios",
}
_AG = "|".join(sorted((re.escape(k) for k in AGENCIES), key=len, reverse=True))
_TOK = r"[A-Z][\w&\-]*(?:\.[A-Z][\w&\-]*)*"
_NAME = rf"((?:The[ \t]+)?{_TOK}(?:[ \t]+(?:of[ \t]+)?{_TOK}){{0,3}})"
_CREDIT_LINE = [
    ("byline", re.compile(rf"^\s*(?:By|Source|Courtesy(?:\s+of)?|With inputs from)[:\s]+({_AG})\s*$", re.I)),
    ("byline", re.compile(rf"^\s*({_AG})\s*$", re.I)),
]
_IN_TEXT = [
    ("dateline", re.compile(rf"\(({_AG})\)\s*[-\u2013\u2014]", re.I)),
    ("photo", re.compile(rf"(?:photo\s+)?credit:\s*(?:[^()/]*/)?(?:via\s+)?({_AG})\)", re.I)),
    ("attribution", re.compile(rf"\b(?:obtained|reported|first reported|published|seen)\s+by\s+{_NAME}")),
    ("attribution", re.compile(rf"\b(?:told|according to)\s+({_AG})\b", re.I)),
    ("attribution", re.compile(rf"\b({_AG})\s+(?:reported|said it had seen|has reported|reports)\b", re.I)),
]


def _canon(name: str) -> str | None:
    key = " ".join(name.lower().split()).rstrip(".")
    if key in AGENCIES:
        return AGENCIES[key]
    if name[:1].isupper() and key not in {"the", "it", "he", "she", "they"}:
        return " ".join(name.split())
    return None


def external_credits(article: Article, debris_spans: list[Span] | None = None) -> list[dict]:
    """Credits to sources outside the corpus, one row per source: {"source", "kinds", "evidence"}.

    Credit lines are looked for in debris spans (byline/credit/dateline) and, when no debris
    layer was given, in short stand-alone lines; in-text attributions anywhere in the text.
    """
    text = article.text
    found: dict[str, dict] = {}

    def add(src: str | None, kind: str, s: int, e: int):
        if not src:
            return
        row = found.setdefault(src, {"source": src, "kinds": [], "evidence": []})
        if kind not in row["kinds"]:
            row["kinds"].append(kind)
        if not any(ev["start"] == s and ev["end"] == e for ev in row["evidence"]):
            row["evidence"].append(article.evidence(s, e))

    lines = [(d.start, d.end) for d in (debris_spans or [])]
    lines += [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if len(m.group(0).split()) <= 4]
    for s, e in lines:
        for kind, rx in _CREDIT_LINE:
            m = rx.match(text[s:e])
            if m:
                add(_canon(m.group(1)), kind, s + m.start(), s + m.end())
                break
    for kind, rx in _IN_TEXT:
        for m in rx.finditer(text):
            add(_canon(m.group(1)), kind, m.start(), m.end())
    return list(found.values())


# "told the Times" credits a quote to a reporter, not the article's text to an outlet: not a cue
_CUE = r"(?i:according to|(?:first |originally )?reported by|in a report (?:by|from|in))"
_REPORTS = r"(?:reports|reported|is reporting|was reporting|has reported|first reported|originally reported)"
_CAP = r"(?:[Tt]he\s+)?([A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,3})"
_CREDIT_RE = [re.compile(rf"\b{_CUE}\s+{_CAP}"), re.compile(rf"{_CAP}\s+{_REPORTS}\b")]


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"(?i)^the\s+", "", name).lower())


def outlet_keys(a: Article) -> set[str]:
    """Lower-case keys an outlet is named by: its outlet and credit names squashed, and its URL's domain label
    ("nytimes" of nytimes.com)."""
    from storyscope.outlets import readable_domain
    keys = {_squash(x) for x in (a.outlet, a.credit) if x}
    dom = readable_domain(a.url or "")
    if dom:
        keys.add(dom.split(".")[0].lower())
    return {k for k in keys if len(k) >= 2}


def names_outlet(name: str, keys: set[str]) -> bool:
    """Whether a credited name ("The New York Times", "Fox News") names an outlet with these keys: squashed
    equal to a key or to its prefix ("foxnews" ~ "fox"), or its initials are one ("nyt"), or its initials but
    the last word followed by that word are ("nytimes")."""
    sq, ws = _squash(name), re.sub(r"(?i)^the\s+", "", name).split()
    if len(sq) < 3:
        return False
    inits = "".join(w[0] for w in ws).lower()
    mixed = "".join(w[0] for w in ws[:-1]).lower() + ws[-1].lower() if len(ws) > 1 else sq
    return any(k == sq or (len(k) >= 3 and sq.startswith(k)) or (len(ws) > 1 and k in (inits, mixed))
               for k in keys)


def credits_outlet(x: Article, y: Article) -> bool:
    """Whether ``x`` names ``y``'s outlet as the source of what it reports ("the New York Times reports",
    "according to the Times"; a short form counts once the full name was credited)."""
    keys = outlet_keys(y) - outlet_keys(x)
    if not keys:
        return False
    names = [m.group(1) for rx in _CREDIT_RE for m in rx.finditer(x.text)]
    full = [n for n in names if names_outlet(n, keys)]
    return bool(full)
