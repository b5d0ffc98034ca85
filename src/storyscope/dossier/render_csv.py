"""CSV exports for spreadsheets, built from the ``storyscope.dossier/1`` dict (never from the store).

Every row of a story table cites one evidence span: the article id, its outlet and the character
offsets ``start``/``end`` into that article's text (0-based, end exclusive, as everywhere in the
dossier), so a researcher can go from a spreadsheet cell back to the words. Cells that a spreadsheet
would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are
prefixed with ``'`` (OWASP "CSV injection"): article text is untrusted input.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from storyscope import errors

TABLES = ("claims", "disputes", "quotes", "omissions")
ARTICLE_COLUMNS = ("id", "outlet", "outlet_basis", "credit", "byline", "published", "published_source", "title", "url", "path")
_SPAN = ("article_id", "outlet", "start", "end", "evidence")
COLUMNS = {
    "claims": ("story_id", "claim_id", "claim", "attributed_to", "independent_sources", "confidence", *_SPAN),
    "disputes": ("story_id", "dispute_id", "about", "basis", "confidence", "side", "stance", "actors", "claim_ids",
                 *_SPAN),
    "quotes": ("story_id", "quote_id", "group", "speaker", "text", "form", "integrity", "confidence",
               "paraphrase_as_direct", *_SPAN),
    # one row per (article, claim it leaves out); the span is where another article reports the claim
    "omissions": ("story_id", "article_id", "outlet", "claim_id", "claim", "reported_in", "reported_outlet",
                  "start", "end", "evidence"),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(v) -> object:
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        v = "; ".join(str(x) for x in v)
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def to_csv(columns: Iterable[str], rows: Iterable[dict]) -> str:
    """CSV text (RFC 4180, CRLF line ends, a header row) of ``rows`` restricted to ``columns``."""
    columns = list(columns)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def _spans(evidence: list[dict], outlets: dict[str, str]) -> Iterator[dict]:
    for ev in evidence or [{}]:
        aid = ev.get("article_id")
        yield {"article_id": aid, "outlet": outlets.get(aid, ""), "start": ev.get("start"), "end": ev.get("end"),
               "evidence": ev.get("text")}


def story_rows(dossier: dict, story_id: str, table: str) -> list[dict]:
    """Rows of one story's ``table`` (one of TABLES), one per evidence span, keyed by ``COLUMNS[table]``.

    Raises KeyError when the dossier holds no story ``story_id`` and ValueError for an unknown table."""
    if table not in TABLES:
        raise ValueError(errors.UNKNOWN_TABLE.format(table=table, tables=", ".join(TABLES)))
    story = next((s for s in dossier["stories"] if s["id"] == story_id), None)
    if story is None:
        raise KeyError(story_id)
    outlets = {a["id"]: a.get("outlet") or "" for a in dossier["articles"]}
    base = {"story_id": story_id}
    rows: list[dict] = []
    if table == "claims":
        for c in story["claims"]:
            head = {**base, "claim_id": c["id"], "claim": c["text"], "attributed_to": c.get("attributed_to"),
                    "independent_sources": c.get("independent_sources"), "confidence": c.get("confidence")}
            rows += [{**head, **sp} for sp in _spans(c.get("evidence"), outlets)]
    elif table == "disputes":
        for d in story["disputes"]:
            for i, side in enumerate(d.get("sides", []), 1):
                head = {**base, "dispute_id": d["id"], "about": d.get("about"), "basis": d.get("basis"),
                        "confidence": d.get("confidence"), "side": i,
                        "stance": side.get("stance"), "actors": side.get("actors"), "claim_ids": side.get("claim_ids")}
                rows += [{**head, **sp} for sp in _spans(side.get("evidence"), outlets)]
    elif table == "quotes":
        for q in story["quotes"]:
            head = {**base, "quote_id": q["id"], "group": q.get("group"), "speaker": q.get("speaker"),
                    "text": q.get("text"), "form": q.get("form"), "integrity": q.get("integrity"),
                    "confidence": q.get("confidence"),
                    "paraphrase_as_direct": q.get("paraphrase_as_direct")}
            ev = q.get("evidence") or [{"article_id": q.get("article_id")}]
            rows += [{**head, **sp} for sp in _spans(ev, outlets)]
    else:
        claims = {c["id"]: c for c in story["claims"]}
        for o in story["omissions"]:
            for cid in o.get("claim_ids", []):
                c = claims.get(cid, {})
                where = next(iter(_spans(c.get("evidence", [])[:1], outlets)))
                rows.append({**base, "article_id": o["article_id"], "outlet": outlets.get(o["article_id"], ""),
                             "claim_id": cid, "claim": c.get("text"), "reported_in": where["article_id"],
                             "reported_outlet": where["outlet"], "start": where["start"], "end": where["end"],
                             "evidence": where["evidence"]})
    return rows


def render_story_csv(dossier: dict, story_id: str, table: str) -> str:
    """One story's ``table`` (claims, disputes, quotes or omissions) as CSV text; errors as ``story_rows``."""
    rows = story_rows(dossier, story_id, table)
    return to_csv(COLUMNS[table], rows)


def render_articles_csv(articles: list[dict], extra: tuple[str, ...] = ()) -> str:
    """Article records (dicts with ARTICLE_COLUMNS keys, e.g. the dossier's or the API's, plus the
    ``extra`` columns such as ``story_id``) as CSV text."""
    return to_csv((*ARTICLE_COLUMNS, *extra), articles)
