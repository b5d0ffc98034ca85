"""An extractive, neutral summary in which every sentence is cited.

A ``Summarizer`` takes the story bundle, its merged claims and disputes and returns a list of
``{"text", "evidence"}`` sentences. The default picks whole sentences from the articles (the
best-corroborated claims, then the sides of the main dispute), so every word is the sources'
own and every sentence points at its span. An LLM backend can replace it by implementing the
same signature and keeping the evidence list.
"""
from __future__ import annotations

from typing import Callable, Protocol

from storyscope.compare.bundle import StoryBundle


class Summarizer(Protocol):
    def __call__(self, bundle: StoryBundle, claims: list[dict], disputes: list[dict]) -> list[dict]: ...


def _sentence_around(bundle: StoryBundle, ev: dict) -> dict:
    """Widen an evidence span to its whole sentence (from the sentences layer when present)."""
    a = bundle.article(ev["article_id"])
    for s in bundle.spans(a.id, "sentences"):
        if s.start <= ev["start"] < s.end:
            return a.evidence(s.start, s.end)
    return a.evidence(ev["start"], ev["end"])


def extractive_summary(bundle: StoryBundle, claims: list[dict], disputes: list[dict], max_sentences: int = 6) -> list[dict]:
    picked: list[dict] = []
    seen_spans: set[tuple] = set()

    def add(ev: dict, why: str) -> None:
        sent = _sentence_around(bundle, ev)
        key = (sent["article_id"], sent["start"])
        if key in seen_spans or len(sent["text"]) > 400:
            return
        seen_spans.add(key)
        picked.append({"text": sent["text"], "evidence": [sent], "why": why})

    ranked = sorted(claims, key=lambda c: (-(c.get("independent_sources") or 0), -len(c.get("evidence", []))))
    for c in ranked:
        if len(picked) >= max_sentences - 2 or (c.get("independent_sources") or 0) < 2:
            break
        if c.get("evidence"):
            add(c["evidence"][0], f"reported by {c['independent_sources']} independent sources")
    for d in disputes[:1]:
        for side in d.get("sides", [])[:2]:
            if side.get("evidence"):
                add(side["evidence"][0], f"one side of the dispute: {d.get('about', '')}")
    if not picked:
        for c in ranked[:3]:
            if c.get("evidence"):
                add(c["evidence"][0], "a claim of the story")
    # Read in story order: by article date, then position.
    order = {a.id: (a.published or "9999", i) for i, a in enumerate(bundle.articles)}
    picked.sort(key=lambda p: (order[p["evidence"][0]["article_id"]], p["evidence"][0]["start"]))
    return picked[:max_sentences]


summarize: Callable[..., list[dict]] = extractive_summary
