"""An article's sentences as provenance and framing read them: offsets, the share inside quotation
marks, and the narrative (the outlet's own words, quotations removed)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from storyscope.compare.bundle import StoryBundle
from storyscope.record import Article, Span

_SENT_SPLIT = re.compile(r'(?<=[.!?])(["\'\u201d\u2019)\]]*)\s+(?=["\'\u201c\u2018(\[]?[A-Z0-9])')
_WORD = re.compile(r"\w+(?:['\u2019]\w+)?")


@dataclass
class Sent:
    start: int
    end: int
    text: str
    quoted: float = 0.0     # fraction of the sentence inside quotation marks
    narrative: str = ""     # the sentence with its quoted words removed: the outlet's own text


_QMARK = re.compile(r'["\u201c\u201d]')


def quoted_intervals(text: str, quotes: list[Span] = ()) -> list[tuple[int, int]]:
    """Direct-quote intervals: the quotes layer's direct spans plus paired marks per paragraph (a mixed
    span is mostly the outlet's words: only its marked part, found by the marks, is quoted)."""
    out = [(q.start, q.end) for q in quotes if q.label == "direct"]
    for m in re.finditer(r"[^\n]+", text):
        pos = [m.start() + x.start() for x in _QMARK.finditer(m.group(0))]
        out += [(pos[k], pos[k + 1] + 1) for k in range(0, len(pos) - 1, 2)]
    return out


def _quoted_fraction(s: int, e: int, iv: list[tuple[int, int]]) -> float:
    cover = sum(max(0, min(e, b) - max(s, a)) for a, b in iv)
    return min(1.0, cover / max(1, e - s))


# --------------------------------------------------------------------------- sentences
def split_sentences(text: str) -> list[tuple[int, int]]:
    """Fallback splitter: paragraphs (lines), then a punctuation+capital regex. Trims spaces."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        para, base = m.group(0), m.start()
        pos = 0
        for b in _SENT_SPLIT.finditer(para):
            out.append((base + pos, base + b.start() + len(b.group(1))))
            pos = b.end()
        out.append((base + pos, base + len(para)))
    spans = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def sentence_spans(bundle: StoryBundle, article: Article) -> list[Sent]:
    """The article's sentences: the `sentences` layer when present, else the fallback splitter.

    Sentences overlapping a debris span (captions, credits, forms) are dropped.
    """
    layer = bundle.spans(article.id, "sentences")
    pairs = [(s.start, s.end) for s in layer] if layer else split_sentences(article.text)
    debris = [(d.start, d.end) for d in bundle.spans(article.id, "debris")]
    iv = quoted_intervals(article.text, bundle.spans(article.id, "quotes"))
    out = []
    for s, e in sorted(pairs):
        if any(s < de and ds < e for ds, de in debris):
            continue
        out.append(Sent(s, e, article.text[s:e], _quoted_fraction(s, e, iv), _narrative(article.text, s, e, iv)))
    return out


def _narrative(text: str, s: int, e: int, iv: list[tuple[int, int]]) -> str:
    """The words of text[s:e] outside the quoted intervals."""
    keep = [True] * (e - s)
    for a, b in iv:
        for k in range(max(s, a), min(e, b)):
            keep[k - s] = False
    return " ".join("".join(c if k else " " for c, k in zip(text[s:e], keep)).split())


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]
