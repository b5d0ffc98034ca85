"""The dispute decision on each blind-labelled sentence pair, as rows for the dispute confidence (issue 15,
session 10).

For every labelled ``sentence`` item of the chosen splits, the two spans are analysed as claims of their
articles (``disputes.bundle_claims``: the claim analysis of a story, on the stored reading layers and
parses of a store that holds the articles) and every claim pair goes through ``disputes.decide_pairs`` with
the shipped floors, the function ``find_disputes`` uses; each question that stands is a row (the kind, unit,
claims, compared texts and same-claim probability ``dispute_confidence.features`` reads) with the item's
event, id and verdict. An item with no standing question is not a confirmed dispute and gives no row. The
dispute step groups a story's decided pairs and takes the weakest pair's confidence; a labelled dispute is
one pair in nearly every case, so its confidence is the most confident question of its pair (the rows'
``item_level`` in ``train_dispute_confidence.py``).

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dispute_label_rows.py --labels benchmarks/labels/ecbplus \
        --db /tmp/disp10/ecb-dev.db --split dev --out /tmp/disp10/L-ecb-dev.pkl
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys

SPLITS = {"dev": ("dev", "dev-extra"), "test": ("test", "test-extra")}


def label_rows(labels: str, db: str, split: str) -> list[dict]:
    """The standing questions of the labelled sentence pairs of ``split`` (see the module docstring)."""
    from storyscope.compare.bundle import StoryBundle
    from storyscope.compare.disputes import bundle_claims
    from storyscope.compare import dispute_confidence as dc, disputes as dp
    from storyscope.evaluate import labels as L
    from storyscope.workspace import Workspace
    items = [it for it in L.load_items(labels) if it["kind"] == "sentence" and it.get("final")
             and it["final"] != "unclear" and it.get("split") in SPLITS[split]]
    ws = Workspace(db)
    asked: list[dict] = []
    features0 = dc.features

    def features(kind, unit, a, b, texts, prob, aligned, *rest):
        asked.append(dict(kind=kind, unit=unit, a=a, b=b, texts=texts, prob=prob, aligned=aligned))
        return features0(kind, unit, a, b, texts, prob, aligned, *rest)

    dc.features = features
    try:
        art_of = {(a.meta.get("source_id") or a.path.rsplit("#", 1)[-1]): a for a in ws.articles()}
        for n, it in enumerate(items):
            sa, sb = it["spans"][0], it["spans"][1]
            arts = [art_of.get(sa["id"]), art_of.get(sb["id"])]
            if None in arts:
                print(f"{it['item_id']}: article not in {db}", file=sys.stderr)
                continue
            arts = list({a.id: a for a in arts}.values())
            bundle = StoryBundle(arts, {a.id: dict(ws.layers(a.id)) for a in arts})
            with ws.services.active():
                ws.services.restore_parses(arts)
                ca = bundle_claims(bundle, art_of[sa["id"]].id, sa["start"], sa["end"])
                cb = bundle_claims(bundle, art_of[sb["id"]].id, sb["start"], sb["end"])
                for k, c in enumerate(ca + cb):
                    c["id"] = f"{it['item_id']}:{k}"
                start = len(asked)
                dp.decide_pairs([(x, y) for x in ca for y in cb])
            for q in asked[start:]:
                q.update(event=it["event"], item=it["item_id"], verdict=it["final"], item_split=it["split"],
                         sampled=it.get("sampled"), origin=it.get("origin"))
            if n % 50 == 0:
                print(f"{n}/{len(items)} items, {len(asked)} questions", file=sys.stderr)
    finally:
        dc.features = features0
        ws.close()
    return asked


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", required=True)
    ap.add_argument("--db", required=True, help="a store holding the labelled events' articles, read")
    ap.add_argument("--split", default="dev", choices=sorted(SPLITS))
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    rows = label_rows(args.labels, args.db, args.split)
    with open(args.out, "wb") as fh:
        pickle.dump({"labels": args.labels, "split": args.split, "rows": rows}, fh)
    print(json.dumps({"questions": len(rows), "items": len({q["item"] for q in rows}),
                      "contradictions": len({q["item"] for q in rows if q["verdict"] == "contradiction"})}))


if __name__ == "__main__":
    main()
