"""Run `storyscope eval findings` (the product path) and keep every decided dispute question it asked, as
training / analysis rows for the dispute confidence (issue 15, session 10).

`evaluate.findings.evaluate_findings` runs unchanged; `dispute_confidence.features` (called by
`disputes.decide_pairs` for every question that stands at its floor) is wrapped to record its arguments, and
`evaluate.events.run_events` to keep the article -> JSON Lines id map. Each recorded question is matched to
the labelled `sentence` items of the run's split by its two claims' sentence spans (`labels.find_pair`, overlap
0.8, as `eval findings` matches a dispute); a row keeps the question's arguments, its event, the item id and
the verdict (None when no label covers it). Each story's analysed claims and their story claims (the
`disputes._members` the dispute step reads) are kept too, so `benchmarks/dispute_replay.py` can re-run the
dispute step alone on them. Cached findings are recomputed only if stale: run on a store
whose `findings` table is emptied, or nothing is recorded.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dispute_rows.py --labels benchmarks/labels/ecbplus \
        --data ../shared/datasets/ecbplus/stories-dev.jsonl --db /tmp/disp10/ecb-dev.db --split dev \
        --report /tmp/disp10/ecb-dev.json --rows /tmp/disp10/ecb-dev.pkl
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--report", required=True, help="the eval findings report (JSON)")
    ap.add_argument("--rows", required=True, help="pickle of the recorded questions")
    args = ap.parse_args(argv)
    from storyscope.compare import dispute_confidence as dc
    from storyscope.compare import disputes as dp
    from storyscope.evaluate import events as ev
    from storyscope.evaluate import findings as fi
    from storyscope.evaluate import labels as L
    asked, source = [], {}
    features0, run0, members0 = dc.features, ev.run_events, dp._members
    stories = []

    def members(bundle, story_claims):
        got = members0(bundle, story_claims)
        stories.append(got)
        return got

    def features(kind, unit, a, b, texts, prob, aligned, *rest):
        asked.append(dict(kind=kind, unit=unit, a=a, b=b, texts=texts, prob=prob, aligned=aligned))
        return features0(kind, unit, a, b, texts, prob, aligned, *rest)

    def run_events(*a, **k):
        ws, dossier, source_of = run0(*a, **k)
        source.update(source_of)
        return ws, dossier, source_of

    dc.features, fi.run_events, dp._members = features, run_events, members
    report = fi.evaluate_findings(args.labels, args.data, split=args.split, db=args.db,
                                  progress=lambda m: print(m, file=sys.stderr))
    with open(args.report, "w") as fh:
        json.dump(report, fh, indent=1)
    story = {r["id"]: str(r["story"]) for r in ev.load_records(args.data)}
    wanted = fi.EXTRA.get(args.split)
    items = [it for it in L.load_items(args.labels) if it.get("split") in wanted]
    index = L.pair_index(items, "sentence")
    for q in asked:
        ea, eb = q["a"]["evidence"][0], q["b"]["evidence"][0]
        sa = (source.get(ea["article_id"], ea["article_id"]), ea["start"], ea["end"])
        sb = (source.get(eb["article_id"], eb["article_id"]), eb["start"], eb["end"])
        it = L.find_pair(index, sa, sb, 0.8)
        q.update(event=story.get(sa[0], sa[0]), item=it["item_id"] if it else None,
                 verdict=it["final"] if it else None, item_split=it.get("split") if it else None)
    try:
        pickle.dumps(stories)
    except Exception:  # noqa: BLE001 - a field that does not pickle: keep its JSON form
        stories = json.loads(json.dumps(stories, default=str))
    with open(args.rows, "wb") as fh:
        pickle.dump({"labels": args.labels, "data": args.data, "split": args.split, "rows": asked,
                     "stories": stories, "source_of": source}, fh)
    d = report["findings"]["dispute"]
    print(json.dumps({"questions": len(asked), "labelled": sum(q["item"] is not None for q in asked),
                      "contradictions": sum(q["verdict"] == "contradiction" for q in asked),
                      "dispute": {k: d[k] for k in ("shown", "covered", "correct")}}))


if __name__ == "__main__":
    main()
