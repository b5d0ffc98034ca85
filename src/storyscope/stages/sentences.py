"""Sentences and paragraphs that respect the text's own line breaks.

Each non-empty line is a paragraph (news text puts one paragraph per line or separates them with
blank lines); debris lines get no sentence; the headline is its own sentence. A closing quotation
mark or bracket stays with the sentence it ends. Pure regex: fast and predictable.
"""
from __future__ import annotations

import re

from storyscope.record import Span
from storyscope.stages.registry import register

# Abbreviations that never end a sentence: titles before a name ("Gov. Hale Corrin", "Dr.", "St. Orrin").
TITLES = {"mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "st", "sen", "rep", "gov",
          "pres", "adm", "brig", "cmdr", "hon", "rev", "mt", "ft", "messrs", "mme", "supt", "det", "insp", "cpl",
          "pvt", "gov", "atty", "amb", "sec", "treas", "vs", "v", "cf", "ca", "approx", "dept", "fig", "vol", "pp"}
# Abbreviations that end a sentence only before a word that starts one ("... Inc. It was ...", "7 p.m. A vigil").
ENDING = {"inc", "ltd", "co", "corp", "llc", "plc", "bros", "jr", "sr", "etc", "a.m", "p.m", "u.s", "u.k", "u.n",
          "e.u", "d.c", "u.s.a", "e.g", "i.e", "est", "al"}
# ... and before a number only: "No. 2", "Jan. 3", "Art. 5".
BEFORE_NUMBER = {"no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
                 "art", "sec", "ch", "op", "para"}
# Words that commonly open an English sentence: after an ENDING abbreviation or a lone capital
# ("Plan B. Its ...") they mark a new sentence, any other capitalised word continues a name ("U.S. Coast Guard").
OPENERS = {"a", "an", "the", "it", "its", "he", "she", "they", "we", "i", "you", "his", "her", "their", "our",
           "this", "that", "these", "those", "there", "but", "and", "or", "so", "yet", "in", "on", "at", "after",
           "before", "when", "while", "as", "if", "since", "then", "still", "however", "meanwhile", "also", "both",
           "some", "many", "most", "no", "not", "one", "two", "three", "all", "each", "other", "others", "what",
           "who", "why", "how", "where", "for", "from", "with", "by", "to", "of", "last", "next", "earlier",
           "later", "officials", "police", "residents", "my", "your", "instead", "yesterday", "today", "asked"}
CLOCK_FOLLOWERS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "local",
                   "january", "february", "march", "april", "may", "june", "july", "august", "september",
                   "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                   "sept", "oct", "nov", "dec", "eastern", "pacific", "central", "mountain", "today", "tomorrow"}
# A sentence ends at . ! ? (or …), plus any closing quotes/brackets, before whitespace.
END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+)")
NEXT_START = re.compile(r"\s+[\"'“‘«(\[]?([A-Z0-9])(\w*)")
LAST_WORD = re.compile(r"(?:^|[\s(\"“‘'])([A-Za-z][A-Za-z.]*)\.$")
# An inline dateline opening the first body paragraph: "WASHINGTON —", "NEW YORK, March 3 (Reuters) -".
INLINE_DATELINE = re.compile(
    r"[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]*){0,4}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\([A-Za-z .]{2,30}\))?\s*[—–-]{1,2}\s+(?=[\"“‘A-Z0-9])")


def _ends_here(text: str, s: int, dot: int, nxt) -> bool:
    """Does the full stop at ``dot`` end a sentence, given the next word's match ``nxt``?"""
    m = LAST_WORD.search(text, max(s - 1, 0), dot + 1)
    if not m or text[dot] != ".":
        return True
    word = m.group(1)
    low = word.lower().rstrip(".")
    opener = (nxt.group(1) + nxt.group(2)).lower() in OPENERS
    if low in TITLES:
        return False
    if low in BEFORE_NUMBER:
        return not nxt.group(1).isdigit()
    if low in ("a.m", "p.m"):  # '7 p.m. A vigil', '10 a.m. Talks' end; '9 a.m. EST', '9 a.m. Sunday' do not
        nword = nxt.group(1) + nxt.group(2)
        return not (nword.isupper() and 2 <= len(nword) <= 4 or nword.lower() in CLOCK_FOLLOWERS)
    if low in ENDING or "." in low or re.fullmatch(r"[A-Z]", word):
        # 'U.S. Coast Guard', 'John F. Kennedy' continue; '... Inc. It was', '... Plan B. Its' end
        return opener
    return True


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of one paragraph ``text[start:end]`` as absolute (start, end) offsets.

    Ends at . ! ? … (with closing marks) before a capital or digit, except after a title
    ("Gov.", "Dr.", "St."), a number abbreviation before its number ("No. 2", "Jan. 3"), and an
    ending abbreviation or initial ("U.S.", "Inc.", "p.m.", "B.") unless a common sentence opener
    follows ("Inc. It", "7 p.m. A", "Plan B. Its")."""
    out, s = [], start
    for m in END.finditer(text, start, end):
        cut = m.end()
        nxt = NEXT_START.match(text, cut, end)
        if not nxt or not _ends_here(text, s, m.start(), nxt):
            continue
        out.append((s, cut))
        s = cut
        while s < end and text[s].isspace():
            s += 1
    if s < end and text[s:end].strip():
        out.append((s, end))
    return out


def sentence_spans(text: str, debris: list[Span] = (), title_span: tuple[int, int] | None = None) -> list[Span]:
    """The ``sentences`` layer: one span per sentence, attrs ``{"paragraph": int, "role": "headline"|"body"}``.

    Each non-empty line is a paragraph; a line inside a debris span (dateline, byline, credit,
    caption, navigation) gets no sentence; the headline line (``title_span``) is one sentence; an
    inline dateline opening the first body paragraph ("WASHINGTON —") is left out."""
    blocked = [(d.start, d.end) for d in debris]
    spans: list[Span] = []
    pos, para, first_body = 0, 0, True
    for line in text.split("\n"):
        a = pos + len(line) - len(line.lstrip())
        b = pos + len(line.rstrip())
        pos += len(line) + 1
        if a >= b or any(ds <= a and b <= de for ds, de in blocked):
            continue
        if title_span and a == title_span[0]:
            spans.append(Span(a, b, "sentence", {"paragraph": para, "role": "headline"}))
        else:
            if first_body:
                m = INLINE_DATELINE.match(text, a, b)
                if m and m.end() - a <= 60:
                    a = m.end()
                first_body = False
            for s, e in split_sentences(text, a, b):
                spans.append(Span(s, e, "sentence", {"paragraph": para, "role": "body"}))
        para += 1
    return spans


def headline_span(text: str, title: str | None, debris: list[Span] = ()) -> tuple[int, int] | None:
    """(start, end) of the line of ``text`` that repeats the record's ``title`` (a JSON Lines record or a feed item
    whose text opens with its headline), or None: the first non-empty line outside ``debris``, when its words equal
    the title's (case and spacing aside). Ingest marks a headline found in the text itself (``meta["title_span"]``)."""
    want = " ".join((title or "").split()).lower()
    if not want:
        return None
    pos = 0
    for line in text.split("\n"):
        a, b = pos + len(line) - len(line.lstrip()), pos + len(line.rstrip())
        pos += len(line) + 1
        if a >= b or any(d.start <= a and b <= d.end for d in debris):
            continue
        return (a, b) if " ".join(line.split()).lower() == want else None
    return None


def headlines(text: str, heads: list) -> list[Span]:
    """The ``heads`` ((start, end) offsets of headline lines in ``text``) that hold no quote (``stages.quotes``), as
    Spans labelled 'headline': those that read as one (one sentence of at most 30 words) and that a body follows; a
    text that opens with a paragraph of several sentences, or is one line, has no headline."""
    return [Span(a, b, "headline") for a, b in heads if text[b:].strip() and len(text[a:b].split()) <= 30
            and len(split_sentences(text, a, b)) == 1]


def sentences_of(text: str, layers: dict | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence: the stored ``sentences`` layer when ``layers`` has it, else
    the layer computed from the text's own furniture (what ingest would find)."""
    if layers and layers.get("sentences") is not None:
        return [(s.start, s.end) for s in layers["sentences"]]
    from storyscope.ingest.detect import detect_furniture
    f = detect_furniture(text)
    return [(s.start, s.end) for s in sentence_spans(text, f.debris, f.title_span)]


@register("sentences", "sentences.v2", requires=("debris",), adds=("sentences",))
def run(batch):
    out = []
    for art, layers in batch:
        ts = art.meta.get("title_span")
        out.append({"sentences": sentence_spans(art.text, layers.get("debris", []), tuple(ts) if ts else None)})
    return out
