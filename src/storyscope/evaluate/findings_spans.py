"""Findings judged on one span (issue 15, section 2): framing terms and timeline entries.

Unlike a pair finding (a fact, a dispute), these claim something about one passage: a framing term
claims that the outlet names a referent with it (under a lexicon family, in a voice); a timeline entry
claims that its sentence states an event on a date, and labels it. A labelled item (``labels.py``,
kinds ``framing`` / ``timeline``) holds the span and, as ``finding``, what was claimed (values and
hashes); a shown finding matches an item when its span matches (``labels.span_match``) and the claim is
the same, so a verdict never carries over to a changed claim (another date, label, referent or voice).

Framing is scored per term, not per concept row: a row is shown by its ``confidence`` (the display
gate), so each term carries its row's confidence; a row's terms stand or fall one by one.
"""
from __future__ import annotations

from storyscope.evaluate import labels as L

ALIGNED_REFERENT = "what the other outlet's marked term names (see `other`)"


def _concept_label(cid: str) -> str:
    from storyscope.compare.framing import load_lexicon
    return load_lexicon().get(cid, {}).get("label", "")


def framing_terms(story: dict) -> list[dict]:
    """Every framing term one dossier story shows.

    Returns ``[{"kind": "framing", "id", "span": (article_id, start, end), "referent", "referent_sha1",
    "concept_id", "concept_label", "family", "voice" ("outlet" | "quoted"), "confidence" (the row's, which
    decides display), "term_confidence", "other": (article_id, start, end) | None}]``; ``other`` is the
    contrasted term of a data-driven (aligned) row, whose referent is what that term names."""
    out = []
    for n, row in enumerate(story.get("framing", [])):
        aligned = row.get("source") == "aligned"
        spans = [(aid, t) for aid, ts in (row.get("terms") or {}).items() for t in ts if t.get("evidence")]
        for aid, t in spans:
            ev = t["evidence"][0]
            span = (ev["article_id"], ev["start"], ev["end"])
            other = None
            if aligned:
                other = next(((o["evidence"][0]["article_id"], o["evidence"][0]["start"], o["evidence"][0]["end"])
                              for a2, o in spans if a2 != aid), None)
            referent = ALIGNED_REFERENT if aligned else row.get("concept", "")
            family = t.get("family") or t.get("term", "")
            out.append({"kind": "framing", "id": f"{row.get('id', n)}:{span[0]}:{span[1]}", "span": span,
                        "referent": referent, "referent_sha1": L.referent_key(row.get("concept", ""), family),
                        "concept_id": row.get("concept_id", ""),
                        "concept_label": "" if aligned else _concept_label(row.get("concept_id", "")),
                        "family": family, "voice": t.get("voice", "outlet"), "confidence": row.get("confidence"),
                        "term_confidence": t.get("confidence"), "other": other})
    return out


def timeline_entries(story: dict) -> list[dict]:
    """Every timeline entry of one dossier story: ``[{"kind": "timeline", "id", "span": (article_id,
    start, end) of its first evidence sentence (the one its label comes from), "date", "precision",
    "label", "label_sha1", "confidence"}]``."""
    out = []
    for n, ev in enumerate(story.get("timeline", [])):
        if not ev.get("evidence"):
            continue
        x = ev["evidence"][0]
        out.append({"kind": "timeline", "id": ev.get("id", str(n)), "span": (x["article_id"], x["start"], x["end"]),
                    "date": ev.get("date"), "precision": ev.get("precision"),
                    "label": ev.get("event", ""), "label_sha1": L.label_key(ev.get("event", "")),
                    "confidence": ev.get("confidence")})
    return out


def same_claim(finding: dict, item: dict) -> bool:
    """Whether a shown framing term / timeline entry claims what the labelled item judged."""
    want = item.get("finding") or {}
    if finding["kind"] == "framing":
        return all(want.get(k) == finding.get(k) for k in ("referent_sha1", "voice"))  # the hash holds the family
    return all(want.get(k) == finding.get(k) for k in ("date", "precision", "label_sha1"))


def judge_span(finding: dict, items: list[dict], source_of: dict, min_overlap: float = 0.8) -> dict:
    """The verdict of one framing term / timeline entry (``framing_terms`` / ``timeline_entries``).

    ``items``: labelled items with ``final``; ``source_of``: ``{article_id: jsonl id}``. Returns the
    shape of ``findings.judge``: ``{"covered", "correct", "labelled", "direction_ok": None}``."""
    aid, s, e = finding["span"]
    ev = (source_of.get(aid, aid), s, e)
    hits = [it for it in items if it["kind"] == finding["kind"] and it.get("final") and it["final"] != "unclear"
            and L.span_match(it["spans"][0], ev, min_overlap) and same_claim(finding, it)]
    if not hits:
        return {"covered": False, "correct": None, "labelled": [], "direction_ok": None}
    return {"covered": True, "correct": all(it["final"] in L.POSITIVE[finding["kind"]] for it in hits),
            "labelled": [it["item_id"] for it in hits], "direction_ok": None}


def span_findings(story: dict) -> list[dict]:
    """The framing terms and timeline entries of one story (see the two functions above)."""
    return framing_terms(story) + timeline_entries(story)
