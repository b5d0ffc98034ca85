"""How much the dossier says at its display thresholds, and how much of it is right (issue 15, "not by
saying nothing").

    OMP_NUM_THREADS=1 storyscope eval findings --labels benchmarks/labels/basil \\
        --data ../shared/datasets/basil/stories.jsonl --split dev > /tmp/findings-dev.json
    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/labels_shown_counts.py /tmp/findings-dev.json \\
        [--db /tmp/lab15/all.db] [--events all|extra]

Runs the product on the BASIL events (``evaluate.events.run_events``: the ``Workspace.dossier`` path, one
story per gold event) and counts, per finding kind as ``eval findings`` reduces them (a corroborated fact,
a dispute, an altered flag, a provenance edge, an omitted claim of an article, a framing term, a timeline
entry), the findings listed at any confidence and those at or above the kind's display threshold
(``dossier/display_thresholds.json``, the gate of ``dossier.view.display_view``). The estimate of correct
ones = shown x the dev precision at that threshold (the report's ``by_confidence`` row of the lowest
threshold >= the display one), with the number of labelled dev findings it rests on. Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from display_thresholds import KIND  # noqa: E402

from storyscope.dossier.view import display_thresholds  # noqa: E402
from storyscope.evaluate.events import choose_events, load_records, run_events  # noqa: E402
from storyscope.evaluate.findings import shown_findings  # noqa: E402
from storyscope.evaluate.findings_spans import span_findings  # noqa: E402


def precision_at(res: dict, t: float) -> dict | None:
    """The ``by_confidence`` row of the lowest threshold >= ``t`` (its precision holds for every finding
    shown at ``t``, the confidences between being unlabelled), or None."""
    rows = sorted((r for r in res.get("by_confidence", []) if r["threshold"] >= t), key=lambda r: r["threshold"])
    return rows[0] if rows else None


def counts(stories: list[dict], report: dict, thresholds: dict[str, float]) -> dict:
    """Per eval kind: threshold, listed, shown at the threshold, dev precision there and the estimate."""
    listed, shown = Counter(), Counter()
    for story in stories:
        for f in shown_findings(story) + span_findings(story):
            listed[f["kind"]] += 1
            c = f.get("confidence")
            if (1.0 if c is None else c) >= thresholds.get(KIND[f["kind"]], 0.0):
                shown[f["kind"]] += 1
    out = {}
    for fk, dk in KIND.items():
        t = thresholds.get(dk, 0.0)
        row = precision_at(report["findings"].get(fk, {}), t) if shown[fk] else None
        prec = row["precision"] if row else None
        out[fk] = {"threshold": t, "listed": listed[fk], "shown": shown[fk], "dev_precision": prec,
                   "dev_labelled": row["covered"] if row else 0,
                   "estimated_correct": round(shown[fk] * prec, 1) if prec is not None else None}
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report", help="an `eval findings --split dev` JSON report")
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "datasets" / "basil" / "stories.jsonl"))
    ap.add_argument("--db", default=None)
    ap.add_argument("--events", default="all", choices=("all", "extra"),
                    help="all 100 events, or only the 75 outside the labelled 25")
    args = ap.parse_args(argv)
    report = json.loads(Path(args.report).read_text())
    if report.get("split") != "dev":
        raise SystemExit(f"{args.report}: the estimate uses dev precision, not split {report.get('split')!r}")
    recs = load_records(args.data)
    labelled = choose_events(recs)
    events = sorted(e for e in {str(r["story"]) for r in recs} if args.events == "all" or e not in labelled)
    ws, dossier, _ = run_events(recs, events, db=args.db, progress=lambda m: print(m, file=sys.stderr))
    ws.close()
    print(json.dumps({"events": len(dossier["stories"]), "articles": len(dossier["articles"]),
                      "kinds": counts(dossier["stories"], report, display_thresholds())}, indent=1))


if __name__ == "__main__":
    main()
