"""Derive the dossier's display thresholds (``src/storyscope/dossier/display_thresholds.json``) from a
``storyscope eval findings --split dev`` report.

    OMP_NUM_THREADS=1 storyscope eval findings --labels benchmarks/labels/basil \\
        --data ../shared/datasets/basil/stories.jsonl --split dev > /tmp/findings-dev.json
    PYTHONPATH=src python benchmarks/display_thresholds.py /tmp/findings-dev.json [MORE-REPORTS.json ...] \
        [--write] [--hold KIND=REASON ...] [--note TEXT ...]

Rule (issue 15, section 2): per finding kind, the lowest confidence t from which every higher threshold
keeps precision >= 0.90 on the labelled dev findings, with at least ``MIN_COVERED`` labelled findings at
t (so a kind is not shown on one lucky finding). A kind whose labelled findings never reach it gets 1.01
(hidden by default, shown marked uncertain behind ``--uncertain``). A kind with no labelled finding on dev
keeps its current value (nothing to tune). Never run on the test split. ``--hold KIND=REASON`` hides a kind
whatever dev says, with the reason written beside it: for a kind whose dev labels were used to build it (so
dev precision is in-sample) and whose held-out test precision does not carry the threshold. The dev report's precision of
disputes, altered flags, provenance edges, framing terms and timeline entries includes the ``dev-extra`` events' labels.

Further dev reports (e.g. ``storyscope eval findings --labels benchmarks/labels/ecbplus --data
../shared/datasets/ecbplus/stories-dev.jsonl --split dev``) are fresh labels: findings of ECB+ and FNC-1 stories
never used for tuning, judged blind after the code was fixed. For every kind (``POOLED`` = ``FRESH``; until
session 10 only disputes, framing terms, provenance edges and altered flags) their labelled findings add up per
confidence threshold with the first report's (``combine``), and the threshold is the strictest of three
(``fresh_threshold``): the rule on the pooled labels, the rule on the further reports' labels alone (>=
``MIN_COVERED`` of them), and the precision part of the rule on the first report alone (no count: BASIL holds only
3 labelled confirmed disputes). ``--note TEXT`` adds a sentence to the
``_how`` text (e.g. why a kind held hidden before is shown now).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "src" / "storyscope" / "dossier" / "display_thresholds.json"
KIND = {"corroborated": "claim", "dispute": "dispute", "altered": "quote_altered", "provenance": "provenance",
        "omission": "omission", "framing": "framing", "timeline": "timeline_event"}  # eval findings kind -> display kind
# Every kind is pooled and held to the fresh check since session 10, when corroborated facts, omissions and
# timeline entries were judged blind on ECB+ and FNC-1 stories never used for tuning: BASIL dev alone had
# set their thresholds, and the fresh stories gave 41/54 facts, 25/30 omissions and 16/21 entries at them.
POOLED = ("corroborated", "provenance", "altered", "dispute", "omission", "framing", "timeline")
FRESH = POOLED   # kinds whose further label sets are the fresh check (fresh_threshold)
TARGET = 0.90
MIN_COVERED = 5
HIDDEN = 1.01


def threshold(rows: list[dict], target: float = TARGET, min_covered: int = MIN_COVERED) -> dict | None:
    """The ``by_confidence`` row (ascending thresholds, each {threshold, covered, correct, precision}) of the
    lowest threshold from which every higher one has precision >= ``target``, if it covers >= ``min_covered``
    findings; None when there is none."""
    best = None
    for row in sorted(rows, key=lambda r: -r["threshold"]):
        if row["precision"] is None or row["precision"] < target:
            break
        best = row
    return best if best is not None and best["covered"] >= min_covered else None


def _at(rows: list[dict], t: float) -> dict:
    """The cumulative ``by_confidence`` counts at threshold ``t``: those of the lowest row >= t (zero if none)."""
    for row in sorted(rows, key=lambda r: r["threshold"]):
        if row["threshold"] >= t:
            return row
    return {"covered": 0, "correct": 0}


def pool_rows(tables: list[list[dict]]) -> list[dict]:
    """Pooled ``by_confidence`` rows of several reports (each ascending, cumulative: findings with confidence
    >= threshold): one row per threshold of any table, counts summed over the tables."""
    rows = []
    for t in sorted({r["threshold"] for rows_ in tables for r in rows_}):
        cov = sum(_at(rows_, t)["covered"] for rows_ in tables)
        ok = sum(_at(rows_, t)["correct"] for rows_ in tables)
        rows.append({"threshold": t, "covered": cov, "correct": ok, "precision": round(ok / cov, 3) if cov else None})
    return rows


def combine(reports: list[dict], kinds: tuple[str, ...] = POOLED) -> dict:
    """The first report with, for each finding kind of ``kinds``, the labelled findings of all ``reports``
    pooled (``covered``, ``correct``, ``by_confidence``); raises SystemExit when a report is not of split dev."""
    for r in reports:
        if r.get("split") != "dev":
            raise SystemExit(f"display thresholds are tuned on the dev split only, not {r.get('split')!r}")
    out = {**reports[0], "findings": dict(reports[0]["findings"]), "pooled": len(reports)}
    for fk in kinds:
        res = [r["findings"].get(fk, {}) for r in reports]
        cov, ok = sum(x.get("covered", 0) for x in res), sum(x.get("correct", 0) for x in res)
        out["findings"][fk] = {**res[0], "covered": cov, "correct": ok,
                               "by_confidence": pool_rows([x.get("by_confidence", []) for x in res]),
                               "per_report": [f"{x.get('correct', 0)}/{x.get('covered', 0)}" for x in res]}
    return out


def fresh_threshold(reports: list[dict], kind: str) -> tuple[float | None, str]:
    """The threshold of a ``FRESH`` kind and its note: the strictest (highest) of the rule on all reports'
    labelled findings pooled, the rule on those of ``reports[1:]`` (the fresh label sets) pooled, and the
    lowest threshold from which every higher one keeps precision >= ``TARGET`` on ``reports[0]`` alone (any
    count; ignored when it labels none). None (hidden) when the pooled or the fresh rule finds none, or the
    first report's labelled findings fall below ``TARGET`` at its highest confidence."""
    tables = [r["findings"].get(kind, {}).get("by_confidence", []) for r in reports]
    pooled, fresh = threshold(pool_rows(tables)), threshold(pool_rows(tables[1:]))
    first = threshold(tables[0], min_covered=1)

    def say(row):
        return "none" if row is None else f"{row['threshold']} ({row['correct']}/{row['covered']})"
    note = f"pooled {say(pooled)}, fresh alone {say(fresh)}, first report alone (any count) {say(first)}"
    if pooled is None or fresh is None or (tables[0] and first is None):
        return None, note
    return max(pooled["threshold"], fresh["threshold"], first["threshold"] if first else 0.0), note


def derive(report: dict, current: dict, reports: list[dict] | None = None) -> tuple[dict, list[str]]:
    """New thresholds (display kind -> value) and one note per tuned kind, from a dev report (``combine``'s
    when several; then ``reports`` are the reports it pooled, for the ``FRESH`` kinds' rule)."""
    if report.get("split") != "dev":
        raise SystemExit(f"display thresholds are tuned on the dev split only, not {report.get('split')!r}")
    out = {k: v for k, v in current.items() if not k.startswith("_")}
    notes = []
    for fk, dk in KIND.items():
        res = report["findings"].get(fk, {})
        if not res.get("covered"):
            notes.append(f"{dk}: no labelled finding on dev, kept {out.get(dk, 0.0)}")
            continue
        if reports and len(reports) > 1 and fk in FRESH:
            t, why = fresh_threshold(reports, fk)
            out[dk] = HIDDEN if t is None else t
            notes.append(f"{dk} {'hidden (' + str(HIDDEN) + ')' if t is None else t} by the fresh rule: {why}"
                         f" (all: {res['correct']}/{res['covered']}, per report {', '.join(res['per_report'])})")
            continue
        row = threshold(res.get("by_confidence", []))
        if row is None:
            out[dk] = HIDDEN
            notes.append(f"{dk}: no threshold reached {TARGET} on >= {MIN_COVERED} (all: {res['correct']}/"
                         f"{res['covered']}), hidden ({HIDDEN})")
        else:
            out[dk] = row["threshold"]
            notes.append(f"{dk} {row['threshold']}: {row['correct']}/{row['covered']} correct "
                         f"(all: {res['correct']}/{res['covered']})")
    return out, notes


def hold(new: dict, notes: list[str], holds: list[str]) -> None:
    """Hide each display kind of ``holds`` ("KIND=REASON") by default; its note gives the reason."""
    for h in holds:
        kind, _, why = h.partition("=")
        if kind not in new or not why.strip():
            raise SystemExit(f"--hold {h!r}: expected KIND=REASON with KIND one of {sorted(new)}")
        new[kind] = HIDDEN
        notes.append(f"{kind} held hidden ({HIDDEN}): {why.strip()}")


def main(argv: list[str]) -> None:
    holds = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--hold"]
    extra = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--note"]
    paths = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] not in ("--hold", "--note"))]
    reports = [json.loads(Path(p).read_text()) for p in paths]
    report = combine(reports) if len(reports) > 1 else reports[0]
    current = json.loads(PATH.read_text())
    new, notes = derive(report, current, reports)
    hold(new, notes, holds)
    pooled = (f" Every kind pools the labelled dev findings of {len(reports) - 1} further label set(s) "
              f"({', '.join(str(r.get('labels', '?')) for r in reports[1:])}; "
              f"{sum(r.get('extra_events', 0) for r in reports[1:])} dev events, judged blind on stories never used "
              f"for tuning) and is shown only from the strictest of the rule on the pooled labels, the rule on the "
              f"further (fresh) labels alone and BASIL's precision alone."
              if len(reports) > 1 else "")
    how = (f"Per finding kind, the lowest confidence shown by default (HTML, Markdown, web). Derived by "
           f"benchmarks/display_thresholds.py from `storyscope eval findings --split dev` on the "
           f"{report['events']} labelled BASIL dev events (benchmarks/labels/basil): the lowest threshold from "
           f"which every higher one keeps precision >= {TARGET}, with >= {MIN_COVERED} labelled findings; "
           f"{HIDDEN} = hidden by default. Dev precision of disputes, altered flags, provenance edges, framing "
           f"terms and timeline entries also counts the labelled ones of other BASIL events (split dev-extra)." + pooled +
           " " + "; ".join(notes) + ". " + "".join(n.rstrip(".") + ". " for n in extra) +
           "quote (a rendering itself): not labelled (0).")
    print(json.dumps({"thresholds": new, "notes": notes}, indent=1))
    if "--write" in argv:
        PATH.write_text(json.dumps({"_how": how, **new}, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
