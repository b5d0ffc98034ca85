"""The one record everything refers to: an immutable Article plus standoff span layers.

Every analysis is a Layer of Spans (character offsets into ``Article.text``); the text is
never edited. Evidence is a span with its text copied out, so a finding can be checked
against the article it cites.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field, asdict
from typing import Any, Iterable

PUBLISHED_SOURCES = ("explicit", "inferred", "unknown")


def content_id(text: str, title: str = "", outlet: str = "") -> str:
    """Content hash: identical article text from the same outlet is one article.

    Whitespace and Unicode normalisation are applied only to the hash input, so the same
    article ingested from .txt and .jsonl collapses, while two different texts never do.
    """
    norm = unicodedata.normalize("NFC", " ".join(text.split()))
    key = "\x1f".join([norm, " ".join(title.split()), " ".join(outlet.lower().split())])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str = ""
    outlet: str = ""
    credit: str = ""
    byline: str = ""
    published: str | None = None          # YYYY-MM-DD (or YYYY-MM-DDTHH:MM)
    published_source: str = "unknown"      # explicit | inferred | unknown
    url: str = ""
    path: str = ""
    language: str = "en"
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def create(cls, text: str, **kw: Any) -> "Article":
        aid = content_id(text, kw.get("title", ""), kw.get("outlet", ""))
        return cls(id=aid, text=text, **kw)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in names})

    def evidence(self, start: int, end: int) -> dict:
        return {"article_id": self.id, "start": start, "end": end, "text": self.text[start:end]}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str = ""
    attrs: dict = field(default_factory=dict, compare=False, hash=False)

    def text(self, article_text: str) -> str:
        return article_text[self.start:self.end]

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label, "attrs": self.attrs}

    @classmethod
    def from_dict(cls, d: dict) -> "Span":
        return cls(d["start"], d["end"], d.get("label", ""), d.get("attrs") or {})


@dataclass
class Layer:
    """A named, versioned list of spans over one article (e.g. ``quotes`` by ``quotes.v1``)."""
    name: str
    version: str
    spans: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "spans": [s.to_dict() for s in self.spans]}

    @classmethod
    def from_dict(cls, d: dict) -> "Layer":
        return cls(d["name"], d["version"], [Span.from_dict(s) for s in d["spans"]])


def check_evidence(ev: dict, texts: dict[str, str]) -> bool:
    """True when an evidence dict's text equals the cited article text at its offsets."""
    t = texts.get(ev["article_id"])
    return t is not None and 0 <= ev["start"] <= ev["end"] <= len(t) and t[ev["start"]:ev["end"]] == ev["text"]


def spans_in(spans: Iterable[Span], start: int, end: int) -> list[Span]:
    return [s for s in spans if s.start >= start and s.end <= end]
