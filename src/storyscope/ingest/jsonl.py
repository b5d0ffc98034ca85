"""JSON Lines in the generic stories format: id, story, outlet, title, published, url, text.

``story`` is the gold label of an annotated set: kept in ``meta`` for evaluation, never used by
grouping.
"""
from __future__ import annotations

import json
import re

from storyscope import errors
from storyscope.errors import InputError
from storyscope.ingest.text import decode, pick_outlet
from storyscope.outlets import readable_domain
from storyscope.record import Article, Layer
from storyscope.ingest.detect import detect_furniture

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(rec: dict) -> dict:
    """JSON may escape lone surrogates (\\ud800) that UTF-8 cannot store: replace them with U+FFFD."""
    return {k: LONE_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in rec.items()}


def _loads(s: str):
    """json.loads whose every failure (bad syntax, deep nesting, huge numbers) is a ValueError."""
    try:
        return json.loads(s)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def record_to_article(rec: dict, source: str, path: str) -> tuple[Article, Layer]:
    rec = _clean(rec)
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(source, errors.NO_RECORD_TEXT)
    text = text.replace("\r\n", "\n")
    title = " ".join(str(rec.get("title") or "").split())
    pub = rec.get("published")
    pub = pub[:10] if isinstance(pub, str) and ISO_DATE.match(pub) else None
    f = detect_furniture(text, title_in_text=False)
    meta = {"format": "jsonl"}
    if rec.get("id") is not None:
        meta["source_id"] = str(rec["id"])
    if rec.get("story") is not None:
        meta["gold_story"] = str(rec["story"])
    if not pub and f.published:
        pub = f.published[:10]
    url = str(rec.get("url") or "")
    outlet = pick_outlet(meta, (str(rec.get("outlet") or ""), "stated"), (f.outlet, "byline"), (f.credit, "credit line"),
                         (readable_domain(url), "domain"))
    art = Article.create(text, title=title, outlet=outlet, credit=f.credit,
                         byline=str(rec.get("byline") or f.byline or ""), published=pub,
                         published_source="explicit" if pub else "unknown", url=url,
                         path=f"{path}#{rec['id']}" if rec.get("id") is not None else path,
                         language=str(rec.get("language") or "en"), meta=meta)
    return art, Layer("debris", "detect.v1", f.debris)


def read_jsonl(data: bytes, source: str, path: str, on_error=None):
    """Yield (article, debris) per valid line; report each bad line and go on."""
    text = decode(data, source)
    stripped = text.lstrip()
    if stripped.startswith("["):  # a JSON array of records is accepted too
        try:
            records = _loads(stripped)
            lines = [(i + 1, r) for i, r in enumerate(records)]
        except ValueError as e:
            raise InputError(source, errors.BAD_JSON.format(line=getattr(e, "lineno", 1), detail=getattr(e, "msg", str(e))))
    else:
        lines = []
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                lines.append((n, _loads(line)))
            except ValueError as e:
                if on_error:
                    on_error(InputError(source, errors.BAD_JSON.format(line=n, detail=getattr(e, "msg", str(e)))))
    for n, rec in lines:
        if not isinstance(rec, dict):
            if on_error:
                on_error(InputError(source, errors.BAD_JSON.format(line=n, detail="not an object")))
            continue
        try:
            yield record_to_article(rec, f"{source}:{n}", path)
        except InputError as err:
            if on_error:
                on_error(InputError(source, errors.ON_LINE.format(line=n, reason=err.reason)))
