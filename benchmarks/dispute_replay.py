"""Re-run the dispute step alone on the analysed claims a `benchmarks/dispute_rows.py` run kept, and score its
disputes as `storyscope eval findings` does (issue 15, session 10).

`disputes.find_disputes` runs unchanged on each story's recorded claims and story claims (`disputes._members`
returns the recorded ones); the disputes are reduced and judged by `evaluate.findings` (`shown_findings`,
`judge`, `score`) against the run's labelled items (minus the items the run's report found stale). The claims
come from the recorded run, so what changes between two replays is the dispute step only; a replay with the
recorded run's code gives that run's dispute figures (checked in BENCHMARKS.md, session 10).

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dispute_replay.py /tmp/disp10/ecb-dev-before.pkl \
        --report /tmp/disp10/ecb-dev-before.json > /tmp/disp10/ecb-dev-after.json
"""
from __future__ import annotations

import argparse
import json
import pickle


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rows", help="pickle of a benchmarks/dispute_rows.py run")
    ap.add_argument("--report", required=True, help="that run's eval findings report (for its stale items)")
    args = ap.parse_args(argv)
    from storyscope.compare import disputes as dp
    from storyscope.evaluate import findings as fi
    from storyscope.evaluate import labels as L
    from storyscope.evaluate.events import load_records
    with open(args.rows, "rb") as fh:
        got = pickle.load(fh)
    report = json.load(open(args.report))
    source_of = got["source_of"]
    story_of = {r["id"]: str(r["story"]) for r in load_records(got["data"])}
    wanted = fi.EXTRA.get(got["split"])
    items = [it for it in L.load_items(got["labels"]) if it.get("split") in wanted]
    stale = set(report.get("stale_items", []))
    listed = {it["event"] for it in items if it.get("split") in ("dev", "test")}
    findings, judged, run = [], [], set()
    for members, owner in got["stories"]:
        if not members:
            continue
        event = story_of.get(source_of.get(members[0]["article_id"]), "")
        run.add(event)
        dp._members = lambda bundle, story_claims, m=members, o=owner: (m, o)
        story = {"disputes": dp.find_disputes(None, [])}
        for f in fi.shown_findings(story):
            f["extra"] = event not in listed
            findings.append(f)
    labelled = [it for it in items if it.get("final") and it["event"] in run and it["item_id"] not in stale]
    judged = [fi.judge(f, labelled, source_of) for f in findings]
    res = fi.score(findings, judged, labelled, source_of)["dispute"]
    print(json.dumps({"rows": args.rows, "split": got["split"], "stories": len(got["stories"]), "dispute": res},
                     indent=1))


if __name__ == "__main__":
    main()
