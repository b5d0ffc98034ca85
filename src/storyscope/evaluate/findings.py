"""``storyscope eval findings``: precision and recall of the dossier's cross-outlet findings on
labelled real events (issue 15, sections 1 and 2).

The product runs on the labelled events (``events.run_events``: the ``Workspace.dossier`` path,
one story per gold event). Each shown finding is reduced to the decision units it rests on:

- corroborated fact (claim with >= 2 independent sources): every cross-article pair of its evidence
  spans; correct when every labelled pair among them is ``same-proposition``;
- dispute: every pair of one evidence span of one side and one of the other; correct when every
  labelled pair among them is ``contradiction``;
- altered quote (rendering with ``integrity == "altered"``): the pair (its reference rendering, it);
  correct when labelled ``same-quote-meaning-changed``;
- provenance edge: the article pair; correct when labelled as reuse (either direction); the share
  whose labelled direction agrees is reported apart;
- omission (an article, a corroborated claim it omits): the claim's cross-article evidence pairs with
  that article; correct when every labelled one is ``not-stated``;
- framing term and timeline entry: one span and what is claimed about it (``findings_spans``); correct
  when labelled ``correct``.

A finding is covered when at least one of its pairs is labelled (spans match when both ranges cover
>= ``min_overlap`` of each other, ``labels.span_match``). Precision = correct / covered. Recall is
over labelled positives (same-proposition, contradiction, meaning-changed, reuse, not-stated): the share the
product shows, also restricted to items drawn independently of the product (origin "candidate"),
the unbiased figure. Findings carrying ``confidence`` are also scored per threshold.

Splits: ``dev`` / ``test`` are the 25 fully listed events; precision also counts the labelled disputes,
altered flags, provenance edges, framing terms and timeline entries of other BASIL events (``dev-extra`` with dev,
``test-extra`` with test: ``labels.extra_split``), whose positives are not listed, so recall stays on the
listed events. A label set may hold extra events only (``benchmarks/labels/ecbplus``, ``fnc1``: findings of every
kind the product showed on ECB+ / FNC-1, split by topic): then the report gives precision only, and counts every
kind on them (corroborated facts and omissions too).
"""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from typing import Callable

from storyscope import errors
from storyscope.evaluate import labels as L
from storyscope.evaluate.events import load_records, run_events, span_sha1
from storyscope.evaluate.findings_spans import judge_span, span_findings

FINDING_KINDS = {"corroborated": ("sentence", {"same-proposition"}), "dispute": ("sentence", {"contradiction"}),
                 "altered": ("quote", {"same-quote-meaning-changed"}), "provenance": ("article", L.POSITIVE["article"]),
                 "omission": ("omission", {"not-stated"}), "framing": ("framing", {"correct"}),
                 "timeline": ("timeline", {"correct"})}
SPAN_KINDS = ("framing", "timeline")     # one span each: precision only (positives are never listed)
EXTRA = {"dev": ("dev", "dev-extra"), "test": ("test", "test-extra")}   # split -> item splits scored
EXTRA_FINDINGS = ("dispute", "altered", "provenance", "framing", "timeline")   # kinds labelled on the extra events
REUSE_DIRECTION = {"b-reuses-a": 1, "a-reuses-b": 0}


def _ev(e: dict) -> tuple[str, int, int]:
    return e["article_id"], e["start"], e["end"]


def shown_findings(story: dict) -> list[dict]:
    """The findings one dossier story shows, reduced to pairs of (article_id, start, end) spans.

    Returns ``[{"kind", "id", "confidence", "pairs": [(span, span), ...]}]``; a provenance pair is
    ``((derived_id, 0, 0), (source_id, 0, 0))``."""
    out = []
    for c in story.get("claims", []):
        if c.get("independent_sources", 0) >= 2:
            pairs = [(_ev(x), _ev(y)) for x, y in itertools.combinations(c["evidence"], 2)
                     if x["article_id"] != y["article_id"]]
            out.append({"kind": "corroborated", "id": c.get("id"), "confidence": c.get("confidence"), "pairs": pairs})
    for d in story.get("disputes", []):
        sides = d.get("sides", [])
        if len(sides) == 2:
            pairs = [(_ev(x), _ev(y)) for x in sides[0]["evidence"] for y in sides[1]["evidence"]]
            out.append({"kind": "dispute", "id": d.get("id"), "confidence": d.get("confidence"), "pairs": pairs})
    ref = {q["id"]: q for q in story.get("quotes", [])}
    for q in story.get("quotes", []):
        if q.get("integrity") == "altered" and q.get("reference") in ref:
            pair = (_ev(ref[q["reference"]]["evidence"][0]), _ev(q["evidence"][0]))
            out.append({"kind": "altered", "id": q["id"], "confidence": q.get("confidence"), "pairs": [pair],
                        "group": q.get("group")})
    claims = {c.get("id"): c for c in story.get("claims", [])}
    for o in story.get("omissions", []):
        for cid in o.get("claim_ids", []):
            c = claims.get(cid)
            if c is not None:
                pairs = [(_ev(x), _ev(y)) for x, y in itertools.combinations(c["evidence"], 2)
                         if x["article_id"] != y["article_id"]]
                out.append({"kind": "omission", "id": f"{o['article_id']}:{cid}", "article": o["article_id"],
                            "confidence": o.get("confidence", c.get("confidence")), "pairs": pairs})
    for p in story.get("provenance", []):
        out.append({"kind": "provenance", "id": f"{p['article_id']}<-{p['source_id']}",
                    "confidence": p.get("confidence"), "pairs": [((p["article_id"], 0, 0), (p["source_id"], 0, 0))]})
    return out


def _to_source(span: tuple[str, int, int], source_of: dict) -> tuple[str, int, int]:
    return (source_of.get(span[0], span[0]), span[1], span[2])


def judge(finding: dict, items: list[dict], source_of: dict, min_overlap: float = 0.8) -> dict:
    """Labelled pairs of one shown finding and its verdict.

    ``items``: labelled items (with ``final``); ``source_of``: ``{article_id: jsonl id}``.
    Returns ``{"covered": bool, "correct": bool | None, "labelled": [item_id, ...], "direction_ok": bool | None}``."""
    if finding["kind"] in SPAN_KINDS:
        return judge_span(finding, items, source_of, min_overlap)
    kind, positive = FINDING_KINDS[finding["kind"]]
    index = L.pair_index(items, kind)
    hits = []
    for a, b in finding["pairs"]:
        a, b = _to_source(a, source_of), _to_source(b, source_of)
        if kind == "article":
            its = [it for it in index.get(frozenset((a[0], b[0])), ())]
            hits += [(it, a[0]) for it in its]
        else:
            third = source_of.get(finding["article"], finding["article"]) if kind == "omission" else None
            it = L.find_pair(index, a, b, min_overlap, third)
            if it is not None:
                hits.append((it, a[0]))
    hits = list({it["item_id"]: (it, d) for it, d in hits}.values())
    if not hits:
        return {"covered": False, "correct": None, "labelled": [], "direction_ok": None}
    correct = all(it["final"] in positive for it, _ in hits)
    direction_ok = None
    if kind == "article" and correct:
        it, derived = hits[0]
        want = REUSE_DIRECTION.get(it["final"])
        direction_ok = None if want is None else it["spans"][want]["id"] == derived
    return {"covered": True, "correct": correct, "labelled": [it["item_id"] for it, _ in hits],
            "direction_ok": direction_ok}


def shown_units(findings: list[dict], source_of: dict) -> dict[str, list]:
    """Per label kind, what the product shows as positive: evidence-pair lists (for span matching)."""
    got = defaultdict(list)
    for f in findings:
        if f["kind"] in SPAN_KINDS:
            continue
        kind = FINDING_KINDS[f["kind"]][0]
        verdict = f["kind"]
        third = source_of.get(f["article"], f["article"]) if "article" in f else None
        got[(kind, verdict)] += [(_to_source(a, source_of), _to_source(b, source_of), third) for a, b in f["pairs"]]
    return got


def is_shown(item: dict, shown: dict, min_overlap: float) -> bool:
    """Whether the product shows a labelled positive item (same-proposition as a corroborated pair,
    contradiction across dispute sides, meaning-changed as an altered flag, reuse as an edge)."""
    fkind = {"same-proposition": "corroborated", "contradiction": "dispute", "same-quote-meaning-changed": "altered",
             "not-stated": "omission"}.get(item["final"], "provenance")
    s, t = item["spans"][:2]
    for a, b, third in shown.get((item["kind"], fkind), ()):
        if item["kind"] == "article":
            if {a[0], b[0]} == {s["id"], t["id"]}:
                return True
        elif (third is None or item["spans"][2]["id"] == third) and L.pair_matches(item, a, b, min_overlap):
            return True
    return False


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def score(findings: list[dict], judged: list[dict], items: list[dict], source_of: dict,
          min_overlap: float = 0.8) -> dict:
    """Per finding kind: shown, covered, correct, precision, recall (all and candidate-only), and the
    same per confidence threshold when findings carry ``confidence``. A finding marked ``"extra": True``
    (an event outside the fully listed ones) counts for precision only; ``listed`` / ``extra`` split the
    covered and correct counts by that. Recall is over items of the listed splits (``dev`` / ``test``)."""
    shown = shown_units([f for f in findings if not f.get("extra")], source_of)
    out = {}
    for fk, (kind, positive) in FINDING_KINDS.items():
        rows = [(f, j) for f, j in zip(findings, judged) if f["kind"] == fk]
        cov = [(f, j) for f, j in rows if j["covered"]]
        ok = sum(j["correct"] for _, j in cov)
        parts = {name: [j for f, j in rows if bool(f.get("extra")) == flag] for name, flag in (("listed", False),
                                                                                               ("extra", True))}
        pos = [it for it in items if it["kind"] == kind and it.get("final") in positive
               and it.get("split") in ("dev", "test") and fk not in SPAN_KINDS]
        got = [it for it in pos if is_shown(it, shown, min_overlap)]
        cand = [it for it in pos if "candidate" in it.get("origin", [])]
        got_c = [it for it in cand if is_shown(it, shown, min_overlap)]
        res = {"shown": len(rows), "covered": len(cov), "correct": ok, "precision": _ratio(ok, len(cov)),
               "coverage": _ratio(len(cov), len(rows)), "labelled_positives": len(pos), "recall": _ratio(len(got), len(pos)),
               "candidate_positives": len(cand), "recall_candidates": _ratio(len(got_c), len(cand)),
               "wrong": sorted(i for _, j in cov if not j["correct"] for i in j["labelled"]),
               **{name: {"shown": len(js), "covered": sum(j["covered"] for j in js),
                         "correct": sum(bool(j["correct"]) for j in js)} for name, js in parts.items()}}
        if fk in SPAN_KINDS:
            res.update({"recall": None, "recall_candidates": None, "labelled_positives": None,
                        "candidate_positives": None})
        if fk == "provenance":
            dirs = [j["direction_ok"] for _, j in cov if j["direction_ok"] is not None]
            res["direction_agrees"] = _ratio(sum(dirs), len(dirs))
        confs = sorted({f["confidence"] for f, _ in cov if isinstance(f.get("confidence"), (int, float))})
        if confs:
            res["by_confidence"] = by_threshold(cov, confs)
            res["threshold_for_0.90"] = next((t["threshold"] for t in res["by_confidence"]
                                              if t["precision"] is not None and t["precision"] >= 0.9), None)
        out[fk] = res
    return out


def by_threshold(cov: list[tuple[dict, dict]], confs: list[float]) -> list[dict]:
    """Precision of covered findings with confidence >= t, for each distinct confidence t."""
    rows = []
    for t in confs:
        keep = [j for f, j in cov if isinstance(f.get("confidence"), (int, float)) and f["confidence"] >= t]
        ok = sum(j["correct"] for j in keep)
        rows.append({"threshold": t, "covered": len(keep), "correct": ok, "precision": _ratio(ok, len(keep))})
    return rows


def rule_checks(findings: list[dict]) -> dict:
    """Violations of issue 15's rules visible without labels: a dispute whose two sides cite one
    passage (overlapping spans of one article); an altered flag comparing a span with a span of the
    same article that overlaps it (a span and its own sub-span)."""
    def same_passage(a, b):
        return a[0] == b[0] and L.overlap(a[1:], b[1:]) > 0
    out = {"dispute_sides_share_passage": [], "altered_within_one_passage": []}
    for f in findings:
        if f["kind"] == "dispute" and any(same_passage(a, b) for a, b in f["pairs"]):
            out["dispute_sides_share_passage"].append(f["id"])
        if f["kind"] == "altered" and any(same_passage(a, b) for a, b in f["pairs"]):
            out["altered_within_one_passage"].append(f["id"])
    return {k: len(v) for k, v in out.items()}


def check_spans(items: list[dict], texts: dict[str, str]) -> tuple[list[dict], list[str]]:
    """Items whose every span's text still has its sha1 (``texts``: {jsonl id: product text}), and the
    ids of the stale ones (text changed or record missing), which are left out."""
    good, stale = [], []
    for it in items:
        ok = all(s["id"] in texts and span_sha1(texts[s["id"]][s["start"]:s["end"]]) == s["sha1"] for s in it["spans"])
        (good if ok else stale).append(it if ok else it["item_id"])
    return good, stale


def evaluate_findings(labels_dir: str, data: str, split: str = "dev", min_overlap: float = 0.8,
                      progress: Callable[[str], None] = lambda m: None, db: str | None = None) -> dict:
    """Run the product on the labelled events of ``split`` (dev | test | all; dev and test include the
    labelled other events of ``dev-extra`` / ``test-extra``) and score its findings.

    Returns the JSON-able report (see the module docstring). Raises ``errors.InputError`` when the
    labels or data cannot be read or no labelled event of the split is in the data."""
    wanted = EXTRA.get(split)
    items = [it for it in L.load_items(labels_dir) if (split == "all" and it.get("split") != "unlabelled")
             or (wanted and it.get("split") in wanted)]
    recs = load_records(data)
    present = {str(r["story"]) for r in recs}
    listed = sorted({it["event"] for it in items if it.get("split") in ("dev", "test")} & present)
    extra = sorted({it["event"] for it in items if it.get("split", "").endswith("-extra") and it.get("final")}
                   & present)
    if not listed and not extra:     # a precision-only label set (ECB+) has extra events only
        raise errors.InputError(labels_dir, errors.NO_LABELLED_EVENTS.format(split=split))
    ws, dossier, source_of = run_events(recs, listed + extra, db=db, progress=progress)
    try:
        texts = {source_of[a["id"]]: a["text"] for a in dossier["articles"]}
    finally:
        ws.close()
    run = set(listed) | set(extra)
    items, stale = check_spans([it for it in items if it["event"] in run], texts)
    labelled = [it for it in items if it.get("final")]
    findings, judged = [], []
    extra_set = set(extra)
    for story in dossier["stories"]:
        on_extra = story["id"] in extra_set
        for f in shown_findings(story) + span_findings(story):
            if on_extra and listed and f["kind"] not in EXTRA_FINDINGS:   # precision-only sets: every kind
                continue
            f["extra"] = on_extra
            findings.append(f)
            judged.append(judge(f, labelled, source_of, min_overlap))
    return {"labels": str(labels_dir), "split": split, "events": len(listed), "extra_events": len(extra),
            "extra_note": (f"precision of {', '.join(EXTRA_FINDINGS)} also counts the labelled findings of "
                           f"{len(extra)} other events (item splits {'/'.join(wanted or ('all',))}); recall "
                           f"is over the {len(listed)} fully listed events only; framing and timeline: precision only"),
            "articles": sum(len(st["article_ids"]) for st in dossier["stories"] if st["id"] not in extra_set),
            "extra_articles": sum(len(st["article_ids"]) for st in dossier["stories"] if st["id"] in extra_set),
            "items": len(items),
            "items_with_final": len(labelled), "stale_items": stale,
            "finals": {k: dict(Counter(it["final"] for it in labelled if it["kind"] == k)) for k in L.KINDS},
            "min_overlap": min_overlap, "findings": score(findings, judged, labelled, source_of, min_overlap),
            "rule_checks": rule_checks(findings)}
