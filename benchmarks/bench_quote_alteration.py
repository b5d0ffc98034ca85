"""Quote grouping and alteration on BASIL's labelled quote-rendering pairs (issue 15, section 2).

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_quote_alteration.py [--db /tmp/quotes.db] [--flags FILE]

Two measures, printed as JSON:

- ``judge``: ``quote_words.assess`` (the word-level verdict the quotes step uses) on every labelled quote pair
  of each split, both directions, as if both renderings were direct quotes (a stress test: the product never
  flags an indirect rendering and judges a mixed one on its quoted words): verdict counts per label.
- ``groups`` and ``flags``: the product's quotes step (``compare.steps``: the dates phase, then
  ``quote_integrity.group_quotes``) on every event of ``../shared/datasets/basil/stories.jsonl``, read into
  the store ``--db`` (kept between runs, so reading happens once): whether each labelled pair's two
  renderings share a group, and every "altered" flag with its reference, confidence and label verdict
  (``covered`` when a labelled pair matches, by ``evaluate.findings.judge``). ``--flags FILE`` writes the flags
  (record ids and offsets, no text) for blind packets.

The dossier's own figures are ``storyscope eval findings`` (dev / test); this adds the labelled pairs the
product does not flag and the events outside the labelled 25.
"""
from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASIL = ROOT.parent / "shared" / "datasets" / "basil" / "stories.jsonl"
LABELS = ROOT / "benchmarks" / "labels" / "basil"


def judge_pairs(items: list[dict], texts: dict[str, str]) -> dict:
    """Per split and label verdict, the counts of the most severe ``assess`` verdict of the two directions."""
    try:
        from storyscope.compare.quote_words import assess
    except ImportError:      # the code before session 5 (for the "before" figures): judge() only
        from storyscope.compare.quote_words import judge

        def assess(x, y):
            return {"integrity": judge(x, y)[1]}
    rank = ["identical", "minor", "altered"]
    out: dict = collections.defaultdict(collections.Counter)
    for it in items:
        a, b = (texts[s["id"]][s["start"]:s["end"]] for s in it["spans"][:2])
        got = max(assess(a, b)["integrity"], assess(b, a)["integrity"], key=rank.index)
        out[it["split"]][f"{it['final']} -> {got}"] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def product_quotes(recs: list[dict], db: str) -> tuple[dict, dict]:
    """``{event: quote rows}`` of the quotes step on every event, and ``{article id: record id}``."""
    from storyscope.compare.bundle import StoryBundle
    from storyscope.compare.quote_integrity import group_quotes
    from storyscope.compare.registry import ordered_steps, run_steps
    events = sorted({str(r["story"]) for r in recs})
    ws = _read(recs, events, db)
    source_of, out = {}, {}
    try:
        for ev in events:
            story, arts, layers, _ = ws.comparison_inputs(ev)
            source_of.update({a.id: a.meta.get("source_id") or a.path.rsplit("#", 1)[-1] for a in arts})
            ws.services.restore_parses(arts)
            with ws.services.active():
                bundle = StoryBundle(arts, {a: dict(x) for a, x in layers.items()})
                run_steps(bundle, {}, ordered_steps("dates"), {})
                out[ev] = group_quotes(bundle)
    finally:
        ws.close()
    return out, source_of


def _read(recs: list[dict], events: list[str], db: str):
    """A Workspace over ``db`` holding the events' articles, read, one story per event (``events.run_events``
    without the comparison)."""
    import os
    import tempfile

    from storyscope.workspace import Workspace
    src = os.path.join(tempfile.mkdtemp(prefix="storyscope-quotes-"), "events.jsonl")
    with open(src, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
    ws = Workspace(db)
    ws.ingest([src])
    ws.analyze()
    by_event = collections.defaultdict(list)
    for a in ws.articles():
        by_event[a.meta.get("gold_story")].append(a.id)
    ws.store.replace_stories([{"id": e, "article_ids": sorted(by_event[e]), "title": e} for e in events])
    return ws


def main(argv=None) -> None:
    from storyscope.evaluate import labels as L
    from storyscope.evaluate.events import load_records
    from storyscope.evaluate.findings import judge, shown_findings
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(BASIL))
    ap.add_argument("--db", default="/tmp/bench_quotes.db")
    ap.add_argument("--flags", help="write the altered flags (record ids, offsets, verdicts) here")
    args = ap.parse_args(argv)
    recs = load_records(args.data)
    texts = {r["id"]: r["text"] for r in recs}
    items = [it for it in L.load_items(str(LABELS)) if it["kind"] == "quote" and it.get("final")
             and it["final"] != "unclear"]
    report = {"labelled_pairs": dict(collections.Counter(it["split"] for it in items)),
              "judge": judge_pairs(items, texts)}
    quotes, source_of = product_quotes(recs, args.db)
    where = {}
    for ev, rows in quotes.items():
        for q in rows:
            where.setdefault(source_of[q["article_id"]], []).append((q["evidence"][0]["start"], q["evidence"][0]["end"], q["group"]))

    def group_of(span):
        return next((g for s, e, g in where.get(span["id"], ()) if L.overlap((span["start"], span["end"]), (s, e)) >= 0.8), None)
    groups = collections.defaultdict(collections.Counter)
    for it in items:
        a, b = group_of(it["spans"][0]), group_of(it["spans"][1])
        groups[it["split"]][f"{it['final']}: " + ("unmatched" if a is None or b is None else
                                                  "grouped" if a == b else "apart")] += 1
    split = {it["event"]: it["split"] for it in L.load_items(str(LABELS))}
    flags = []
    for ev, rows in quotes.items():
        for f in shown_findings({"quotes": rows}):
            j = judge(f, items, source_of)
            (x, y), = f["pairs"]
            flags.append({"event": ev, "split": split.get(ev, "unlabelled"), "confidence": f["confidence"],
                          "reference": [source_of[x[0]], x[1], x[2]], "flag": [source_of[y[0]], y[1], y[2]],
                          "covered": j["covered"], "correct": j["correct"], "labelled": j["labelled"]})
    report.update({"events": len(quotes), "renderings": sum(map(len, quotes.values())),
                   "groups_of_2_or_more": sum(sum(1 for c in collections.Counter(q["group"] for q in rows).values() if c > 1)
                                              for rows in quotes.values()),
                   "labelled_pairs_grouped": {k: dict(sorted(v.items())) for k, v in sorted(groups.items())},
                   "flags": len(flags),
                   "flags_by_split": dict(collections.Counter(f"{f['split']}: " + ("uncovered" if not f["covered"] else
                                                                                  "correct" if f["correct"] else "wrong")
                                                              for f in flags))})
    if args.flags:
        Path(args.flags).write_text("".join(json.dumps(f) + "\n" for f in flags), encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
