"""Framing terms and timeline entries of the product, matched to the blind labels (issue 15, session 6).

Until ``storyscope eval findings`` scores framing and timeline (branch lab15), this runs the product's own
``dossier.build.compare_story`` (dates phase: linked actors, provenance, date inference and re-reading;
then the ``timeline`` and ``framing`` steps) on the labelled BASIL events, with the reading layers kept
in a store between runs, and
matches each shown framing term / timeline entry to the labelled items by record id and offsets
(``span`` overlap >= 0.8 of both) and by the claim judged (framing: referent name, family, voice;
timeline: date, precision, label). It prints JSON: per kind and split the labelled findings still
claimed (correct / wrong by verdict kind), the labelled items whose finding is gone or changed, the
findings no label covers, and precision per display threshold.

    python benchmarks/framing_timeline_eval.py --items ITEMS.jsonl --verdicts DIR [--verdicts DIR2]
        [--data ../shared/datasets/basil/stories.jsonl] [--db /tmp/frame/eval.db] [--out FILE.json]

Verdicts: one folder per annotator, each with ``framing.jsonl`` / ``timeline.jsonl`` lines
``{"item_id", "verdict"}``; the first folder decides, a second one is reported as agreement.
Only article ids, offsets and hashes are read from the items; no article text is written.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import replace


def _sha1(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def _overlap(a, b) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return min(inter / max(1, a[1] - a[0]), inter / max(1, b[1] - b[0]))


def framing_terms(story: dict) -> list[dict]:
    """Every framing term of one story with its row's confidence (as lab15's ``findings_spans``)."""
    out = []
    for row in story.get("framing", []):
        aligned = row.get("source") == "aligned"
        for ts in (row.get("terms") or {}).values():
            for t in ts:
                ev = t["evidence"][0]
                family = t.get("family") or t.get("term", "")
                ref = "what the other outlet's marked term names (see `other`)" if aligned else row.get("concept", "")
                out.append({"kind": "framing", "span": (ev["article_id"], ev["start"], ev["end"]),
                            "claim": {"referent_sha1": _sha1(f"{row.get('concept', '')}|{family}"), "family": family,
                                      "voice": t.get("voice", "outlet")},
                            "referent": ref, "confidence": row.get("confidence"), "term_confidence": t.get("confidence")})
    return out


def timeline_entries(story: dict) -> list[dict]:
    out = []
    for ev in story.get("timeline", []):
        if not ev.get("evidence"):
            continue
        x = ev["evidence"][0]
        out.append({"kind": "timeline", "span": (x["article_id"], x["start"], x["end"]),
                    "claim": {"date": ev.get("date"), "precision": ev.get("precision"), "label_sha1": _sha1(ev.get("event", ""))},
                    "confidence": ev.get("confidence")})
    return out


def run(records_path: str, events: list[str], db: str) -> tuple[dict, dict]:
    """``({event: {"timeline": [...], "framing": [...]}}, {article_id: record id})``: the product's own
    ``dossier.build.compare_story`` on the stored reading layers (read once), with its main phase cut
    to the ``timeline`` and ``framing`` steps (timeline reads no claims)."""
    from storyscope.compare import registry
    from storyscope.dossier.build import compare_story
    from storyscope.evaluate.events import load_records, run_events
    from storyscope.workspace import Workspace
    if not os.path.exists(db):
        ws, _, _ = run_events(load_records(records_path), events, db=db, progress=lambda m: print(m, file=sys.stderr))
        ws.close()
    ws = Workspace(db)
    source_of = {a.id: (a.meta.get("source_id") or a.path.rsplit("#", 1)[-1]) for a in ws.articles()}
    by_event = defaultdict(list)
    for a in ws.articles():
        by_event[a.meta.get("gold_story")].append(a.id)
    stories = [{"id": e, "article_ids": sorted(by_event[e]), "title": e} for e in events if by_event.get(e)]
    ws.store.replace_stories(stories)
    full = registry.ordered_steps

    def cut(phase=None):
        if phase != "main":
            return full(phase)
        steps = {s.name: s for s in full("main")}
        tl = steps["timeline"]
        return [replace(tl, reads=(), run=lambda b, r: tl.run(b, {**r, "_story_claims": []})), steps["framing"]]
    registry.ordered_steps = cut
    out = {}
    try:
        for st in stories:
            story, arts, layers, _ = ws.comparison_inputs(st["id"])
            with ws.services.active():
                res = compare_story(story, arts, layers, reread=ws.reread)
            out[st["id"]] = {"timeline": res.get("timeline", []), "framing": res.get("framing", [])}
            print(f"compared {st['id']}", file=sys.stderr)
    finally:
        registry.ordered_steps = full
    ws.close()
    return out, source_of


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", required=True)
    ap.add_argument("--verdicts", action="append", required=True)
    ap.add_argument("--data", default="../shared/datasets/basil/stories.jsonl")
    ap.add_argument("--db", default="/tmp/frame/eval.db")
    ap.add_argument("--out")
    ap.add_argument("--findings", help="read the findings from this JSON (an earlier --out) instead of running")
    args = ap.parse_args()
    items = [json.loads(l) for l in open(args.items, encoding="utf-8")]
    items = [i for i in items if i["kind"] in ("framing", "timeline")]
    verdicts = []
    for folder in args.verdicts:
        v = {}
        for kind in ("framing", "timeline"):
            path = os.path.join(folder, f"{kind}.jsonl")
            if os.path.exists(path):
                for l in open(path, encoding="utf-8"):
                    if l.strip():
                        d = json.loads(l)
                        v[d["item_id"]] = d["verdict"]
        verdicts.append(v)
    events = sorted({i["event"] for i in items})
    if args.findings:
        saved = json.load(open(args.findings))
        found, source_of = saved["found"], saved["source_of"]
    else:
        found, source_of = run(args.data, events, args.db)
    split_of = {i["event"]: i["split"] for i in items}
    report = {}
    for kind in ("framing", "timeline"):
        kitems = [i for i in items if i["kind"] == kind and i["item_id"] in verdicts[0]]
        findings = []
        for ev, res in found.items():
            story = {"framing": res.get("framing", []), "timeline": res.get("timeline", [])}
            for f in (framing_terms(story) if kind == "framing" else timeline_entries(story)):
                f["event"] = ev
                findings.append(f)
        used = set()
        rows = []
        for f in findings:
            aid, s, e = f["span"]
            rid = source_of.get(aid, aid)
            at_span = [i for i in kitems if i["spans"][0]["id"] == rid and
                       _overlap((i["spans"][0]["start"], i["spans"][0]["end"]), (s, e)) >= 0.8]
            same = [i for i in at_span if all(i["finding"].get(k) == v for k, v in f["claim"].items())]
            used.update(i["item_id"] for i in same)
            verdict = None
            if same:
                vs = [verdicts[0][i["item_id"]] for i in same]
                verdict = "correct" if all(v == "correct" for v in vs) else next(v for v in vs if v != "correct")
            rows.append({"split": split_of.get(f["event"], "?"), "verdict": verdict, "confidence": f["confidence"],
                         "changed": bool(at_span) and not same})
        per = {}
        for split in ("dev", "dev-extra", "test", "test-extra"):
            r = [x for x in rows if x["split"] == split]
            lab = [x for x in r if x["verdict"] and x["verdict"] != "unclear"]
            gone = [i for i in kitems if i["split"] == split and i["item_id"] not in used]
            gone_v = Counter(verdicts[0][i["item_id"]] for i in gone)
            ok = sum(x["verdict"] == "correct" for x in lab)
            per[split] = {"findings": len(r), "labelled": len(lab), "correct": ok,
                          "precision": round(ok / len(lab), 3) if lab else None,
                          "wrong_by_kind": dict(Counter(x["verdict"] for x in lab if x["verdict"] != "correct")),
                          "items_gone_or_changed": len(gone), "gone_items_verdicts": dict(gone_v),
                          "changed_claim_at_labelled_span": sum(x["changed"] for x in r),
                          "unlabelled": sum(1 for x in r if not x["verdict"]),
                          "by_threshold": {str(t): _at(lab, t) for t in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)}}
        report[kind] = per
        agree = [(verdicts[0][i["item_id"]], v2[i["item_id"]]) for v2 in verdicts[1:] for i in kitems if i["item_id"] in v2]
        report[kind]["second_annotator_agreement"] = {"n": len(agree), "same": sum(a == b for a, b in agree)}
    if args.out:
        json.dump({"found": found, "source_of": source_of}, open(args.out, "w"))
    print(json.dumps(report, indent=1))


def _at(lab: list[dict], t: float) -> str:
    shown = [x for x in lab if (x["confidence"] if x["confidence"] is not None else 1.0) >= t]
    ok = sum(x["verdict"] == "correct" for x in shown)
    return f"{ok}/{len(shown)}"


if __name__ == "__main__":
    main()
