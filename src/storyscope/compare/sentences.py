"""An article's sentences as provenance and framing read them: offsets, the share inside quotation
marks, and the narrative (the outlet's own words, quotations removed)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from storyscope.compare.bundle import StoryBundle
from storyscope.record import Article, Span

_WORD = re.compile(r"\w+(?:['\u2019]\w+)?")


@dataclass
class Sent:
    """One sentence of an article: character offsets into its text, the text, and what of it is quoted."""
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


def sentence_spans(bundle: StoryBundle, article: Article) -> list[Sent]:
    """The article's sentences (``StoryBundle.sentences``: the ``sentences`` layer) with their quoted share
    and narrative, in text order. Sentences overlapping a debris span (captions, credits, forms) are dropped.
    """
    pairs = [(s.start, s.end) for s in bundle.sentences(article.id)]
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
    """Lower-cased word tokens (apostrophe contractions kept whole)."""
    return [w.lower() for w in _WORD.findall(text)]
