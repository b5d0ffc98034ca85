"""Sentences and paragraphs that respect the text's own line breaks.

Each non-empty line is a paragraph (news text puts one paragraph per line or separates them with
blank lines); debris lines get no sentence; the headline is its own sentence. A closing quotation
mark or bracket stays with the sentence it ends. Pure regex: fast and predictable.
"""
from __future__ import annotations

import re

from storyscope.record import Span
from storyscope.stages.registry import register

ABBREV = {"mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "st", "sen", "rep", "gov",
          "pres", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "etc", "no", "vol", "jan", "feb", "mar", "apr",
          "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "adm",
          "brig", "cmdr", "gov", "hon", "rev", "fig", "approx", "dept", "est", "mt", "ft", "pp", "a.m", "p.m"}
# A sentence ends at . ! ? (or …), plus any closing quotes/brackets, before whitespace.
END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+)")
NEXT_START = re.compile(r"\s+[\"'“‘«(\[]?[A-Z0-9]")


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, s = [], start
    para = text[start:end]
    for m in END.finditer(para):
        cut = start + m.end()
        if not NEXT_START.match(text, cut, end):
            continue
        word = re.search(r"([A-Za-z.]+)\.$", text[s:start + m.start() + 1])
        if word and text[start + m.start()] == "." and (
                word.group(1).lower().rstrip(".") in ABBREV or re.fullmatch(r"[A-Z]", word.group(1).rstrip("."))):
            continue
        out.append((s, cut))
        s = cut
        while s < end and text[s].isspace():
            s += 1
    if s < end and text[s:end].strip():
        out.append((s, end))
    return out


def sentence_spans(text: str, debris: list[Span] = (), title_span: tuple[int, int] | None = None) -> list[Span]:
    blocked = [(d.start, d.end) for d in debris]
    spans: list[Span] = []
    pos, para = 0, 0
    for line in text.split("\n"):
        a = pos + len(line) - len(line.lstrip())
        b = pos + len(line.rstrip())
        pos += len(line) + 1
        if a >= b or any(ds <= a and b <= de for ds, de in blocked):
            continue
        if title_span and a == title_span[0]:
            spans.append(Span(a, b, "sentence", {"paragraph": para, "role": "headline"}))
        else:
            for s, e in split_sentences(text, a, b):
                spans.append(Span(s, e, "sentence", {"paragraph": para, "role": "body"}))
        para += 1
    return spans


@register("sentences", "sentences.v1", requires=("debris",), adds=("sentences",))
def run(batch):
    out = []
    for art, layers in batch:
        ts = art.meta.get("title_span")
        out.append({"sentences": sentence_spans(art.text, layers.get("debris", []), tuple(ts) if ts else None)})
    return out
