"""Typed findings: one small record per finding kind, the shape every shell and renderer reads.

Every finding has ``id``, ``kind`` (the finding kind, e.g. ``"dispute"``), ``confidence`` (0-1: how
likely the finding is right; the dossier shows by default only findings at or above the kind's
display threshold) and ``evidence`` (a list of ``{"article_id", "start", "end", "text"}`` character
spans into ``Article.text``), plus its own fields. A comparison module returns plain dicts; its
comparison step turns them into these records (``from_raw``), and the dossier stores ``to_dict()``.
``tests/dossier/test_schema.py`` checks that ``dossier/schema.json`` (``storyscope.dossier/1``)
describes exactly these fields.

Where a module gives no confidence of its own, ``from_raw`` takes its ``score`` when there is one;
otherwise the finding is marked ``UNCALIBRATED`` (0.5), which is below every display threshold.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Optional

UNCALIBRATED = 0.5


@dataclass(kw_only=True)
class Finding:
    KIND: ClassVar[str] = "finding"
    RENAMED: ClassVar[dict[str, str]] = {}  # module field -> record field (a module's own "kind")
    id: str
    confidence: float
    evidence: list[dict]

    @property
    def kind(self) -> str:
        return self.KIND

    @classmethod
    def from_raw(cls, raw: dict, **over: Any) -> "Finding":
        """The record from a comparison module's dict; keys the record does not declare are dropped,
        a module's ``kind`` is renamed per ``RENAMED``. Raises ``TypeError`` on a missing field."""
        names = {f.name for f in fields(cls)}
        data = {cls.RENAMED.get(k, k): v for k, v in raw.items()}
        data = {k: v for k, v in data.items() if k in names}
        data.update(over)
        if data.get("confidence") is None:
            score = raw.get("score")
            data["confidence"] = float(min(1.0, max(0.0, score))) if isinstance(score, (int, float)) else UNCALIBRATED
        data["confidence"] = round(float(data["confidence"]), 4)
        return cls(**data)

    def to_dict(self) -> dict:
        return {"kind": self.KIND, **asdict(self)}


@dataclass(kw_only=True)
class ProvenanceEdge(Finding):
    """``article_id`` reuses the narrative text of ``source_id``; ``aligned`` pairs the passages."""
    KIND: ClassVar[str] = "provenance"
    RENAMED: ClassVar[dict[str, str]] = {"kind": "reuse"}
    article_id: str
    source_id: str
    score: float
    reuse: str = ""                 # "copy" | "paraphrase" | ...
    direction: str = ""             # why this direction
    aligned: list[dict] = field(default_factory=list)


@dataclass(kw_only=True)
class Claim(Finding):
    """One proposition as stated across articles; ``independent_sources`` counts copies once."""
    KIND: ClassVar[str] = "claim"
    text: str
    display_text: Optional[str] = None     # the words pages show (compare.claim_display); ``text`` as found
    attributed_to: list[Optional[str]] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    independent_sources: int = 1
    groups: list[str] = field(default_factory=list)
    member_ids: list[str] = field(default_factory=list)
    stance: Optional[str] = None
    polarity: Optional[str] = None


@dataclass(kw_only=True)
class Dispute(Finding):
    """Two or more sides stating incompatible things about ``about``; ``basis`` says how."""
    KIND: ClassVar[str] = "dispute"
    RENAMED: ClassVar[dict[str, str]] = {"kind": "basis"}
    about: str
    basis: str = ""                 # "denial" | "negation" | "number" | "date" | ...
    score: float = 0.0
    sides: list[dict] = field(default_factory=list)


@dataclass(kw_only=True)
class QuoteRendering(Finding):
    """One outlet's rendering of a quote; renderings of one quote share ``group``."""
    KIND: ClassVar[str] = "quote"
    RENAMED: ClassVar[dict[str, str]] = {"kind": "form"}
    speaker: Optional[str]
    text: str
    form: str                       # "direct" | "indirect" | "mixed"
    group: str | int
    integrity: str                  # "identical" | "minor" | "altered"
    article_id: str = ""
    reference: Optional[str] = None
    diff: list[dict] = field(default_factory=list)
    paraphrase_as_direct: bool = False


@dataclass(kw_only=True)
class TimelineEvent(Finding):
    """A dated event of the story."""
    KIND: ClassVar[str] = "timeline_event"
    date: str
    precision: str
    event: str
    article_ids: list[str] = field(default_factory=list)
    independent_sources: int = 1
    inferred: bool = False


@dataclass(kw_only=True)
class Framing(Finding):
    """How each article names one referent (``terms``: article id -> the terms with their evidence)."""
    KIND: ClassVar[str] = "framing"
    concept: str
    concept_id: str = ""
    source: str = ""                # "lexicon" | "aligned"
    families: list[str] = field(default_factory=list)
    terms: dict[str, list[dict]] = field(default_factory=dict)


@dataclass(kw_only=True)
class Omission(Finding):
    """Story claims that ``article_id`` does not state; ``evidence`` cites them in other articles."""
    KIND: ClassVar[str] = "omission"
    article_id: str
    claim_ids: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class SummarySentence:
    """One sentence of the extractive summary, with why it was chosen and its evidence."""
    text: str
    why: str = ""
    evidence: list[dict] = field(default_factory=list)


FINDING_TYPES: dict[str, type[Finding]] = {t.KIND: t for t in
                                           (ProvenanceEdge, Claim, Dispute, QuoteRendering, TimelineEvent, Framing,
                                            Omission)}


def typed(cls: type[Finding], raws: list[dict], prefix: str | None = None) -> list[dict]:
    """``raws`` as records of ``cls`` and back to dicts; ids ``f"{prefix}-{n}"`` where a raw has none."""
    out = []
    for n, raw in enumerate(raws, 1):
        over = {} if raw.get("id") or prefix is None else {"id": f"{prefix}-{n}"}
        out.append(cls.from_raw(raw, **over).to_dict())
    return out


def schema_def(cls: type[Finding], existing: dict | None = None) -> dict:
    """A JSON Schema definition for one finding type: ``kind`` (const), every field, ``required`` = the
    fields without a default. A property ``existing`` already describes in more detail is kept as it is;
    the others are generated from the field's type (pydantic). Used to write and to check schema.json."""
    import typing

    from pydantic import TypeAdapter
    hints = typing.get_type_hints(cls)
    old = (existing or {}).get("properties", {})
    refs = {"id": {"$ref": "#/$defs/id"}, "evidence": {"$ref": "#/$defs/evidence"},
            "article_id": {"$ref": "#/$defs/id"}, "source_id": {"$ref": "#/$defs/id"},
            "article_ids": {"$ref": "#/$defs/ids"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1}}
    props: dict[str, dict] = {"kind": {"const": cls.KIND}}
    required = ["kind"]
    from dataclasses import MISSING
    for f in fields(cls):
        if f.name in refs:
            props[f.name] = refs[f.name]
        elif f.name in old:
            props[f.name] = old[f.name]
        else:
            props[f.name] = TypeAdapter(hints[f.name]).json_schema()
        if f.default is MISSING and f.default_factory is MISSING:
            required.append(f.name)
    out = {k: v for k, v in (existing or {}).items() if k not in ("properties", "required", "type")}
    return {**out, "type": "object", "required": required, "properties": props}


SCHEMA_DEFS = {"provenance": ProvenanceEdge, "claim": Claim, "dispute": Dispute, "quote": QuoteRendering,
               "timeline_event": TimelineEvent, "framing": Framing, "omission": Omission}
