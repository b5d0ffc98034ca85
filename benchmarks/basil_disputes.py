"""Every dispute the product finds on the BASIL events, against the blind labels, with blind packets for the rest.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/basil_disputes.py [--db /tmp/disp/all.db] \\
        [--out /work/packets/disp] [--events all|dev|test]

Runs the product on the events (``evaluate.events.run_events``: the ``Workspace.dossier`` path, one story per
gold event), lists each dispute (kind, confidence, the two sides' spans) on stdout as JSON with its labelled
verdict where the labels of ``benchmarks/labels/basil`` cover it (``evaluate.findings.judge``), and writes the
uncovered confirmed disputes' span pairs (weak ones too with ``--weak``; pairs already in ``items.jsonl`` left out)
as blind sentence packets (``--out``, outside the repo: texts, context and the question, no scores, kind or origin;
``INSTRUCTIONS-sentence.md`` as ``labels_extra_packets.py`` writes it), with ``items.jsonl`` holding only ids,
offsets and sha1 (``final: null``; split ``dev``/``test`` on the 25 listed events, else ``labels.extra_split``) for
merging verdicts (``benchmarks/merge_verdicts.py``); ``--add-items`` appends them to the labels' ``items.jsonl``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from labels_extra_packets import instructions, known  # noqa: E402
from labels_packets import Units, item_id, pack  # noqa: E402

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
    ap.add_argument("--add-items", action="store_true", help="append the packets' items (final null) to "
                    "--labels/items.jsonl, as labels_extra_packets.py does")
    ap.add_argument("--weak", action="store_true", help="also write packets for weak disputes (the earlier "
                    "rules' proposals, 'unconfirmed' in their about line)")
    args = ap.parse_args(argv)
    recs = load_records(args.data)
    split = choose_events(recs)
    events = sorted({str(r["story"]) for r in recs}) if args.events == "all" else \
        sorted(e for e, s in split.items() if s == args.events)
    ws, dossier, source_of = run_events(recs, events, db=args.db, progress=lambda m: print(m, file=sys.stderr))
    u = Units(ws, dossier, source_of)
    existing = L.load_items(args.labels)
    labelled = [it for it in existing if it.get("final")]
    split_of = lambda e: split.get(e) or L.extra_split(e)  # noqa: E731  (the 25 listed events, else by event)
    rows, packets = [], {}
    for story in dossier["stories"]:
        by_id = {d["id"]: d for d in story.get("disputes", [])}
        for f in shown_findings(story):
            if f["kind"] != "dispute":
                continue
            d, j = by_id[f["id"]], judge(f, labelled, source_of)
            rows.append({"event": story["id"], "split": split_of(story["id"]), "id": f["id"],
                         "kind": d.get("basis"), "confidence": d["confidence"], "about": d["about"],
                         "covered": j["covered"], "correct": j["correct"], "labelled": j["labelled"],
                         "pairs": [[source_of[a[0]], a[1], a[2], source_of[b[0]], b[1], b[2]] for a, b in f["pairs"]]})
            for a, b in f["pairs"]:
                spans = [u.span(*a), u.span(*b)]
                iid = item_id("sentence", spans)
                if not j["covered"] and iid not in packets and not known(existing, "sentence", spans) \
                        and (args.weak or not d["about"].startswith("unconfirmed")):
                    packets[iid] = ({"item_id": iid, "kind": "sentence", "event": story["id"],
                                     "split": split_of(story["id"]), "spans": spans, "origin": ["product:dispute"],
                                     "verdicts": {}, "final": None}, pack(u, "sentence", [a, b]))
    ws.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "sentence.jsonl", "w", encoding="utf-8") as fh, open(out / "items.jsonl", "w", encoding="utf-8") as fi:
        for iid in sorted(packets):  # hash order: blind to event and kind
            item, body = packets[iid]
            fh.write(json.dumps({"item_id": iid, "kind": "sentence", "question": L.QUESTIONS["sentence"],
                                 "verdicts": list(L.VERDICTS["sentence"]), **body}, ensure_ascii=False) + "\n")
            fi.write(json.dumps(item) + "\n")
    if packets:
        (out / "INSTRUCTIONS-sentence.md").write_text(instructions("sentence"), encoding="utf-8")
    if args.add_items and packets:
        L.save_items(args.labels, existing + [item for item, _ in packets.values()])
    covered = [r for r in rows if r["covered"]]
    print(json.dumps({"events": len(dossier["stories"]), "disputes": len(rows), "covered": len(covered),
                      "correct": sum(bool(r["correct"]) for r in covered), "packets": len(packets),
                      "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
