"""Provenance on real articles: every BASIL event (100 events x 3 outlets: nyt, fox, hpo) through the product's
``find_provenance`` (the code the ``provenance`` comparison step runs), scored on the blind-labelled article
pairs of ``benchmarks/labels/basil`` (issue 15).

1. Labelled pairs (dev: tune; test: report only): per split, the edges shown on labelled pairs, how many are
   labelled reuse (precision), the labelled reuse pairs linked by an edge in either direction (recall), the
   direction agreement, and the same per confidence threshold. Under "one source per derived article", two
   copies of one source are never linked to each other, so a labelled reuse pair between two such copies
   can only be found through their common source: ``recall_reachable`` leaves those pairs out.
2. Every edge shown on all 100 events, with the labelled verdict of its pair when there is one; edges on
   unlabelled pairs are "unjudged" until blind annotators judge them.
3. ``--packets DIR``: blind packets (outside the repo: they hold article text) for the unjudged edges plus the
   unlabelled pairs just below the edge floor (confidence in [``--near``, floor)), shuffled by hash, without
   scores or origin, in the format of ``benchmarks/labels_packets.py`` (``article.jsonl``; the rules of
   ``benchmarks/labels/basil/INSTRUCTIONS.md``).

The articles are read once into ``--db`` (a Workspace store: ingest, reading stages, one story per event)
and reused by later runs.

Usage: OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_provenance.py --db /tmp/prov/basil.db \
           [--packets /work/packets/prov] > report.json
Prints progress to stderr and the JSON report to stdout.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyscope.compare import provenance as P  # noqa: E402
from storyscope.compare.bundle import StoryBundle  # noqa: E402
from storyscope.evaluate import labels as L  # noqa: E402
from storyscope.evaluate.events import span_sha1  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "basil" / "stories.jsonl"
LABELS = ROOT / "benchmarks" / "labels" / "basil"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def open_workspace(db: str, data: str):
    """A Workspace over ``db`` holding every article of ``data`` read, one story per gold event."""
    from storyscope.workspace import Workspace
    ws = Workspace(db)
    if not ws.stories():
        ws.ingest([data], on_error=lambda e: log("error:", e))
        ws.analyze(on_error=lambda e: log("error:", e))
        by_event = defaultdict(list)
        for a in ws.articles():
            by_event[a.meta.get("gold_story")].append(a.id)
        ws.store.replace_stories([{"id": e, "article_ids": sorted(v), "title": e} for e, v in by_event.items()])
    return ws


def source_id(a) -> str:
    return a.meta.get("source_id") or a.path.rsplit("#", 1)[-1]


def run_events(ws) -> tuple[list[dict], list[dict], dict]:
    """(edges, near misses, articles by jsonl id): the product's edges on every event, and every other pair's
    strongest evidence (``keep_all`` at confidence 0) for the near-miss packets."""
    edges, others, arts = [], [], {}
    for n, st in enumerate(ws.stories(), 1):
        _, alist, layers, _ = ws.comparison_inputs(st["id"])
        src = {a.id: source_id(a) for a in alist}
        arts.update({src[a.id]: a for a in alist})
        bundle = StoryBundle(alist, {a: dict(l) for a, l in layers.items()})
        with ws.services.active():
            every = P.find_provenance(bundle, min_conf=0.0, keep_all=True)
            shown = P.one_source_each([e for e in every if e["confidence"] >= P.SETTINGS.min_conf
                                       and len(e["aligned"]) >= P.SETTINGS.min_aligned])
        keys = {(e["article_id"], e["source_id"]) for e in shown}
        for e in every:
            row = {"event": st["id"], "derived": src[e["article_id"]], "source": src[e["source_id"]],
                   "confidence": e["confidence"], "score": e["score"], "credit": e["credit"], "kind": e["kind"],
                   "direction": e["direction"], "aligned": len(e["aligned"])}
            (edges if (e["article_id"], e["source_id"]) in keys else others).append(row)
        log(f"{n} events, {len(edges)} edges")
    return edges, others, arts


def score_split(edges: list[dict], items: list[dict], split: str, thresholds=(0.5, 0.6, 0.7, 0.8, 0.9)) -> dict:
    """Precision / recall of the edges on the labelled article pairs of one split."""
    lab = {frozenset(s["id"] for s in it["spans"]): it for it in items
           if it["kind"] == "article" and it.get("split") == split and it.get("final")}
    events = {it["event"] for it in lab.values()}
    pos = {k for k, it in lab.items() if it["final"] in L.POSITIVE["article"]}
    mine = [e for e in edges if e["event"] in events]
    # a reuse pair of two labelled copies of one labelled source is never an edge (one source each)
    derived_from = {}
    for k in pos:
        it = lab[k]
        if it["final"] in ("b-reuses-a", "a-reuses-b"):
            d = {"b-reuses-a": 1, "a-reuses-b": 0}[it["final"]]
            derived_from[it["spans"][d]["id"]] = it["spans"][1 - d]["id"]
    reachable = {k for k in pos if len({derived_from.get(x) for x in k}) > 1 or None in {derived_from.get(x) for x in k}}

    def at(t):
        got = [e for e in mine if e["confidence"] >= t]
        cov = [(e, lab[frozenset((e["derived"], e["source"]))]) for e in got if frozenset((e["derived"], e["source"])) in lab]
        ok = [(e, it) for e, it in cov if it["final"] in L.POSITIVE["article"]]
        linked = {frozenset((e["derived"], e["source"])) for e in got}
        dirs = [it["spans"][{"b-reuses-a": 1, "a-reuses-b": 0}[it["final"]]]["id"] == e["derived"]
                for e, it in ok if it["final"] in ("b-reuses-a", "a-reuses-b")]
        return {"threshold": t, "shown": len(got), "covered": len(cov), "correct": len(ok),
                "precision": round(len(ok) / len(cov), 3) if cov else None,
                "recall": f"{len(pos & linked)} of {len(pos)}",
                "recall_reachable": f"{len(reachable & linked)} of {len(reachable)}",
                "direction_agrees": f"{sum(dirs)} of {len(dirs)}"}
    return {"events": len(events), "labelled_pairs": len(lab), "reuse_pairs": len(pos),
            "at_edge_floor": at(P.SETTINGS.min_conf), "by_threshold": [at(t) for t in thresholds]}


def packets(out: Path, rows: list[dict], arts: dict) -> int:
    """Blind article-pair packets (no scores, no origin), hash-ordered; returns how many were written."""
    out.mkdir(parents=True, exist_ok=True)

    def full(a):
        return {"outlet": a.outlet, "headline": a.title, "published": a.published, "text": a.text}
    items = {}
    for r in rows:
        a, b = sorted((r["derived"], r["source"]))
        spans = [{"id": x, "start": 0, "end": len(arts[x].text), "sha1": span_sha1(arts[x].text)} for x in (a, b)]
        key = "article|" + "|".join(f"{s['id']}:0:{s['end']}" for s in spans)
        iid = "a-" + hashlib.sha1(key.encode()).hexdigest()[:10]
        items[iid] = {"item_id": iid, "kind": "article", "question": L.QUESTIONS["article"],
                      "verdicts": list(L.VERDICTS["article"]), "A": full(arts[a]), "B": full(arts[b]),
                      "_spans": spans, "_event": r["event"]}
    with open(out / "article.jsonl", "w", encoding="utf-8") as fh, open(out / "keys.jsonl", "w") as kh:
        for iid in sorted(items):
            it = items[iid]
            fh.write(json.dumps({k: v for k, v in it.items() if not k.startswith("_")}, ensure_ascii=False) + "\n")
            kh.write(json.dumps({"item_id": iid, "event": it["_event"], "spans": it["_spans"]}) + "\n")
    return len(items)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="Workspace store (read once, reused)")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--labels", default=str(LABELS))
    ap.add_argument("--packets", help="write blind packets for unjudged edges and near misses here (outside the repo)")
    ap.add_argument("--near", type=float, default=0.3, help="near misses: unlabelled pairs with confidence >= this")
    args = ap.parse_args(argv)
    ws = open_workspace(args.db, args.data)
    try:
        edges, others, arts = run_events(ws)
    finally:
        ws.close()
    items = [it for it in L.load_items(args.labels) if it["kind"] == "article"]
    lab = {frozenset(s["id"] for s in it["spans"]): it.get("final") for it in items}
    for e in edges:
        e["label"] = lab.get(frozenset((e["derived"], e["source"])), "unjudged")
    near = [o for o in others if o["confidence"] >= args.near and frozenset((o["derived"], o["source"])) not in lab]
    report = {"settings": P.SETTINGS.__dict__, "events": len({e["event"] for e in edges + others}) or None,
              "dev": score_split(edges, items, "dev"), "test": score_split(edges, items, "test"),
              "all_events": {"edges": len(edges), "judged": sum(e["label"] != "unjudged" for e in edges),
                             "correct": sum(e["label"] in L.POSITIVE["article"] for e in edges), "list": edges},
              "near_misses_unlabelled": near}
    if args.packets:
        report["packets"] = {"dir": args.packets, "items": packets(Path(args.packets),
                             [e for e in edges if e["label"] == "unjudged"] + near, arts)}
    print(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
