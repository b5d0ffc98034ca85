"""Every dispute the product finds on the BASIL events, against the blind labels, with blind packets for the rest.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/basil_disputes.py [--db /tmp/disp/all.db] \\
        [--out /work/packets/disp] [--events all|dev|test]

Runs the product on the events (``evaluate.events.run_events``: the ``Workspace.dossier`` path, one story per
gold event), lists each dispute (kind, confidence, the two sides' spans) on stdout as JSON with its labelled
verdict where the labels of ``benchmarks/labels/basil`` cover it (``evaluate.findings.judge``), and writes the
uncovered confirmed disputes' span pairs (weak ones too with ``--weak``) as blind sentence packets (``--out``, outside the repo: texts, context and the
question, no scores, kind or origin; the annotation rules are ``benchmarks/labels/basil/INSTRUCTIONS.md``),
with ``items.jsonl`` holding only ids, offsets and sha1 for merging verdicts (``benchmarks/merge_verdicts.py``).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from labels_packets import Units, item_id, pack  # noqa: E402

from storyscope.compare.disputes import DISPUTES  # noqa: E402
from storyscope.evaluate import labels as L  # noqa: E402
from storyscope.evaluate.events import choose_events, load_records, run_events  # noqa: E402
from storyscope.evaluate.findings import judge, shown_findings  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "datasets" / "basil" / "stories.jsonl"))
    ap.add_argument("--db", default=None)
    ap.add_argument("--out", default="/work/packets/disp")
    ap.add_argument("--labels", default=str(ROOT / "benchmarks" / "labels" / "basil"))
    ap.add_argument("--events", default="all", choices=("all", "dev", "test"))
    ap.add_argument("--weak", action="store_true", help="also write packets for weak disputes (confidence "
                    "<= DisputeSettings.weak_confidence)")
    args = ap.parse_args(argv)
    recs = load_records(args.data)
    split = choose_events(recs)
    events = sorted({str(r["story"]) for r in recs}) if args.events == "all" else \
        sorted(e for e, s in split.items() if s == args.events)
    ws, dossier, source_of = run_events(recs, events, db=args.db, progress=lambda m: print(m, file=sys.stderr))
    u = Units(ws, dossier, source_of)
    labelled = [it for it in L.load_items(args.labels) if it.get("final")]
    rows, packets = [], {}
    for story in dossier["stories"]:
        by_id = {d["id"]: d for d in story.get("disputes", [])}
        for f in shown_findings(story):
            if f["kind"] != "dispute":
                continue
            d, j = by_id[f["id"]], judge(f, labelled, source_of)
            rows.append({"event": story["id"], "split": split.get(story["id"], "unlabelled"), "id": f["id"],
                         "kind": d.get("basis"), "confidence": d["confidence"], "about": d["about"],
                         "covered": j["covered"], "correct": j["correct"], "labelled": j["labelled"],
                         "pairs": [[source_of[a[0]], a[1], a[2], source_of[b[0]], b[1], b[2]] for a, b in f["pairs"]]})
            for a, b in f["pairs"]:
                spans = [u.span(*a), u.span(*b)]
                iid = item_id("sentence", spans)
                if not j["covered"] and iid not in packets and (args.weak or d["confidence"] > DISPUTES.weak_confidence):
                    packets[iid] = ({"item_id": iid, "kind": "sentence", "event": story["id"],
                                     "split": split.get(story["id"], "unlabelled"), "spans": spans, "origin": ["product:dispute"]},
                                    pack(u, "sentence", [a, b]))
    ws.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "sentence.jsonl", "w", encoding="utf-8") as fh, open(out / "items.jsonl", "w", encoding="utf-8") as fi:
        for iid in sorted(packets):  # hash order: blind to event and kind
            item, body = packets[iid]
            fh.write(json.dumps({"item_id": iid, "kind": "sentence", "question": L.QUESTIONS["sentence"],
                                 "verdicts": list(L.VERDICTS["sentence"]), **body}, ensure_ascii=False) + "\n")
            fi.write(json.dumps(item) + "\n")
    covered = [r for r in rows if r["covered"]]
    print(json.dumps({"events": len(dossier["stories"]), "disputes": len(rows), "covered": len(covered),
                      "correct": sum(bool(r["correct"]) for r in covered), "packets": len(packets),
                      "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
