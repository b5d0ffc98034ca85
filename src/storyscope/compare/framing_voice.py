"""Whose voice uses a framing term: the outlet's, a quoted speaker's, or indirect speech (issue 15, section 2).

The quotes layer decides first; quotation marks in the text decide when the layer missed a quote, including a
quote that runs over a paragraph break without reopening ("He said, \u201cIt was fast.\\n\\nThey shot him.\u201d").
"""
from __future__ import annotations

import re

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.provenance import quoted_intervals
from storyscope.record import Article

_DOUBLE = re.compile("[\"\u201c\u201d]")


def continued_quote(text: str, start: int, end: int) -> bool:
    """Whether [start, end) lies in a paragraph that closes a quote opened in the paragraph before it: no
    double quotation mark before the term in its paragraph, an odd number after it, and an odd number in the
    previous non-empty paragraph (a quote left open across the paragraph break)."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    if _DOUBLE.search(text, para_start, start) or len(_DOUBLE.findall(text, end, para_end)) % 2 == 0:
        return False
    prev = [p for p in text[:para_start].split("\n") if p.strip()]
    return bool(prev) and len(_DOUBLE.findall(prev[-1])) % 2 == 1


def term_voice(bundle: StoryBundle, art: Article, s: int, e: int) -> tuple[str, str | None]:
    """("quoted", speaker) inside a direct quote or the marked words of a mixed one; ("reported",
    speaker) elsewhere inside indirect or mixed speech; else ("outlet", None). Quotation marks the quotes
    layer missed (:func:`continued_quote` included) make a term "quoted" too, its speaker unknown."""
    reported = None
    for q in bundle.spans(art.id, "quotes"):
        if q.start <= s and e <= q.end:
            if q.label == "direct":
                return "quoted", q.attrs.get("speaker_canonical")
            if q.label == "mixed" and any(a <= s and e <= b for a, b in quoted_intervals(art.text)):
                return "quoted", q.attrs.get("speaker_canonical")
            reported = reported or ("reported", q.attrs.get("speaker_canonical"))
    if any(a <= s and e <= b for a, b in quoted_intervals(art.text)) or continued_quote(art.text, s, e):
        return "quoted", (reported or (None, None))[1]    # marked as quoted in the text (a quote the layer missed)
    return reported or ("outlet", None)
