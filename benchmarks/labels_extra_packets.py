"""Blind packets for the findings the BASIL labels did not cover (issue 15, session 6).

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/labels_extra_packets.py [--db /tmp/lab15/all.db] \\
        [--out /work/packets/lab15] [--sample 120] [--weak 40] [--kinds framing,timeline,sentence,quote,article] \\
        [--min-confidence 0.6] [--timeline-events listed|all]

Runs the product once on all 100 BASIL events (``evaluate.events.run_events``: the ``Workspace.dossier``
path, one story per gold event) and writes, in the format of ``benchmarks/labels/basil/`` (see
``evaluate/labels.py``):

- ``framing``: the framing terms the product shows on the 25 labelled events (``choose_events``), a uniform
  random sample of ``--sample`` when there are more, else filled up to ``--sample`` with a uniform sample of
  the terms of the other 75 events (split by ``labels.extra_split``); one item per term: the term's span,
  and as ``finding`` the referent (hash), family, concept and voice it is claimed under;
- ``timeline``: the timeline entries on the 25 events (``--timeline-events all``: on all 100, the others
  split by event) at confidence ``--min-confidence`` or more (``--sample`` at most, uniform; 0: all): the
  sentence the entry rests on (its first evidence span), and as ``finding`` its date, precision and label (hash);
- disputes (``sentence``), altered quote flags (``quote``) and provenance edges (``article``) on the other
  75 events, at any confidence: every confirmed dispute, flag and edge; of the weak disputes (all at one
  confidence, ``DisputeSettings.weak_confidence``) a uniform sample of ``--weak``. Pairs already in
  ``items.jsonl`` are left out. These events get a split by event (``labels.extra_split``: 1 in 5
  ``test-extra``, the rest ``dev-extra``); items already labelled on them (split ``unlabelled``) get it too.

Packets (texts, context, the question; never code, scores, confidence, kind of finding or origin) go OUTSIDE
the repo to ``--out`` with an ``INSTRUCTIONS-<kind>.md`` each; the items (ids, offsets, sha1, values,
``final: null``) are added to ``benchmarks/labels/basil/items.jsonl``. Prints a JSON summary.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from labels_packets import BASIL, Units, item_id, pack, whole  # noqa: E402

from storyscope.compare.disputes import DISPUTES  # noqa: E402
from storyscope.evaluate import labels as L  # noqa: E402
from storyscope.evaluate.events import choose_events, load_records, run_events  # noqa: E402
from storyscope.evaluate.findings import shown_findings  # noqa: E402
from storyscope.evaluate.findings_spans import framing_terms, timeline_entries  # noqa: E402

VOICE = {"outlet": "the outlet's own words", "quoted": "inside quotation marks"}
EXTRA_KINDS = {"dispute": "sentence", "altered": "quote", "provenance": "article"}


def framing_items(u: Units, story: dict, split: str) -> list[tuple[dict, dict]]:
    """(item, packet body) per framing term the story shows (``findings_spans.framing_terms``)."""
    out = []
    for t in framing_terms(story):
        aid, s, e = t["span"]
        span = u.span(aid, s, e)
        item = {"item_id": item_id("framing", [span]) + "-" + t["referent_sha1"][:6], "kind": "framing",
                "event": story["id"], "split": split, "spans": [span], "origin": ["product:framing"],
                # a lexicon family is the lexicon's word; an aligned row's "family" is article text: hash only
                "finding": {"concept_id": t["concept_id"], "family": t["family"] if t["concept_id"] else None,
                            "voice": t["voice"], "referent_sha1": t["referent_sha1"]}}
        body = {"passage": u.context(aid, s, e), "term": u.text(aid, s, e), "referent": t["referent"],
                "concept": t["concept_label"], "family": t["family"], "voice": VOICE.get(t["voice"], t["voice"])}
        if t.get("other"):
            body["other"] = u.context(*t["other"])
        out.append((item, body))
    return out


def timeline_items(u: Units, story: dict, split: str, min_confidence: float = 0.0) -> list[tuple[dict, dict]]:
    """(item, packet body) per timeline entry of the story (``findings_spans.timeline_entries``) whose
    confidence is at least ``min_confidence``."""
    out = []
    for t in timeline_entries(story):
        if (t.get("confidence") or 0.0) < min_confidence:
            continue
        aid, s, e = t["span"]
        span = u.span(aid, s, e)
        item = {"item_id": item_id("timeline", [span]) + "-" + t["label_sha1"][:6], "kind": "timeline",
                "event": story["id"], "split": split, "spans": [span], "origin": ["product:timeline"],
                "finding": {"date": t["date"], "precision": t["precision"], "label_sha1": t["label_sha1"]}}
        ctx = u.context(aid, s, e)
        body = {"label": t["label"], "date": t["date"], "precision": t["precision"],
                "published": (u.arts[aid].get("published") or "not given")[:10],
                "passage": {k: v for k, v in ctx.items() if k != "sentence"}}
        out.append((item, body))
    return out


def known(existing: list[dict], kind: str, spans: list[dict]) -> bool:
    """Whether ``existing`` items already hold this pair (same records; sentence/quote spans overlapping >= 0.8)."""
    for it in existing:
        if it["kind"] != kind or len(it["spans"]) < 2:
            continue
        ids = {s["id"] for s in it["spans"][:2]}
        if ids != {s["id"] for s in spans[:2]}:
            continue
        if kind == "article":
            return True
        a, b = ((s["id"], s["start"], s["end"]) for s in spans[:2])
        if L.pair_matches(it, a, b, 0.8):
            return True
    return False


def extra_items(u: Units, story: dict, existing: list[dict], weak_pool: list) -> list[tuple[dict, dict]]:
    """(item, packet body) per dispute, altered flag and provenance edge of a story outside the 25 events
    (its first pair, as ``labels_packets.CAP``); weak disputes go to ``weak_pool`` for sampling."""
    split = L.extra_split(story["id"])
    out = []
    for f in shown_findings(story):
        kind = EXTRA_KINDS.get(f["kind"])
        if kind is None or not f["pairs"]:
            continue
        a, b = f["pairs"][0]
        if kind == "article":
            sides = (a[0], b[0])          # (derived, source): A = derived
            spans = [whole(u, x) for x in sides]
        else:
            sides = (a, b)
            spans = [u.span(*a), u.span(*b)]
        if known(existing, kind, spans):
            continue
        item = {"item_id": item_id(kind, spans), "kind": kind, "event": story["id"], "split": split,
                "spans": spans, "origin": [f"product:{f['kind']}"]}
        row = (item, pack(u, kind, list(sides)))
        weak = f["kind"] == "dispute" and (f.get("confidence") or 0) <= DISPUTES.weak_confidence
        (weak_pool if weak else out).append(row)
    return out


BASIL_CORPUS = "real news articles (Fox News, The New York Times, HuffPost) on one news event\neach"


def instructions(kind: str, corpus: str = BASIL_CORPUS, layout: str | None = None,
                 folder: str = "/work/annot/verdicts-lab15", note: str = "") -> str:
    """The annotators' rules for one packet kind (no code, scores or origin): ``corpus`` names the texts judged,
    ``layout`` overrides the description of a line, ``folder`` the default verdicts folder, ``note`` is added
    after the file section."""
    layout = layout or {
        "framing": "Each line: `passage` (`outlet`, `headline`, `before`, `sentence` when the term is part of it, "
                   "`text` = THE TERM, `after`), `term`, `referent`, `concept`, `family`, `voice`, and for some "
                   "items `other` (another outlet's passage, same layout; its `text` is the term it is compared with).",
        "timeline": "Each line: `label`, `date`, `precision`, `published` (the article's publication date) and "
                    "`passage` (`outlet`, `headline`, `before`, `text` = THE SENTENCE, `after`).",
        "sentence": "Each line: two passages `A`, `B` (`outlet`, `headline`, `before`, `text` = THE PASSAGE TO "
                    "JUDGE, `after`). Context is for understanding only; judge `A.text` against `B.text`.",
        "quote": "Each line: two renderings `A`, `B` (layout as sentence items; `sentence` gives the whole "
                 "sentence when the judged text is only part of one).",
        "article": "Each line: two full articles `A`, `B` (`outlet`, `headline`, `published`, `text`).",
    }[kind]
    return f"""# Annotation instructions: {kind} items

You judge items built from {corpus}. Judge only from the texts in the packet and these rules. Do not look at any source code, scores,
other annotators' answers, or other files of the project; you are not told how an item was chosen.

## File

`{kind}.jsonl`, one JSON object per line. {layout}

Each item carries its `question` (the full rule, the same for every item of the file) and the allowed
`verdicts`. Read the question of the first item carefully.{note}

## Rule

{L.QUESTIONS[kind]}

Verdicts: {", ".join(f"`{v}`" for v in L.VERDICTS[kind])}.

## Output

One JSON object per line, one line per item, to `<verdicts folder>/<your-annotator-name>/{kind}.jsonl`
(the folder you are given; default `{folder}`):

    {{"item_id": "...", "verdict": "{L.VERDICTS[kind][0]}", "note": "optional short reason"}}

- `verdict` must be exactly one of the item's `verdicts`.
- `note` is optional and short; do not copy article text into it beyond a few words.
- Judge every item; if you stop early, what you wrote is kept (lines are independent).
"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(BASIL))
    ap.add_argument("--db", default="/tmp/lab15/all.db")
    ap.add_argument("--out", default="/work/packets/lab15")
    ap.add_argument("--labels", default=str(ROOT / "benchmarks" / "labels" / "basil"))
    ap.add_argument("--sample", type=int, default=120)
    ap.add_argument("--weak", type=int, default=40)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--kinds", default="framing,timeline,sentence,quote,article",
                    help="comma-separated kinds to write packets for (others are left out)")
    ap.add_argument("--min-confidence", type=float, default=0.0,
                    help="timeline: only entries at or above this confidence (the range the dossier shows)")
    ap.add_argument("--timeline-events", choices=("listed", "all"), default="listed",
                    help="timeline: entries of the 25 listed events, or of all 100 (others split by event)")
    args = ap.parse_args(argv)
    recs = load_records(args.data)
    split = choose_events(recs)
    events = sorted({str(r["story"]) for r in recs})
    ws, dossier, source_of = run_events(recs, events, db=args.db, progress=lambda m: print(m, file=sys.stderr))
    u = Units(ws, dossier, source_of)
    ws.close()
    existing = L.load_items(args.labels)
    have = {it["item_id"] for it in existing}
    by_id = {it["item_id"]: it for it in existing}
    rng = random.Random(args.seed)
    rows: dict[str, list] = {"framing": [], "timeline": [], "sentence": [], "quote": [], "article": []}
    weak_pool: list = []
    framing_extra: list = []
    for story in dossier["stories"]:
        if story["id"] in split:
            rows["framing"] += framing_items(u, story, split[story["id"]])
            rows["timeline"] += timeline_items(u, story, split[story["id"]], args.min_confidence)
        else:
            framing_extra += framing_items(u, story, L.extra_split(story["id"]))
            if args.timeline_events == "all":
                rows["timeline"] += timeline_items(u, story, L.extra_split(story["id"]), args.min_confidence)
            for item, body in extra_items(u, story, existing, weak_pool):
                rows[item["kind"]].append((item, body))
    total = {k: len(v) for k, v in rows.items()}
    total.update(weak_disputes=len(weak_pool), framing_extra=len(framing_extra))
    for k in ("framing", "timeline"):
        if 0 < args.sample < len(rows[k]):
            rows[k] = rng.sample(rows[k], args.sample)
    # few framing terms on the 25 events: the other events' terms fill the sample (precision only)
    rows["framing"] += rng.sample(framing_extra, min(len(framing_extra), max(0, args.sample - len(rows["framing"]))))
    rows["sentence"] += rng.sample(weak_pool, min(args.weak, len(weak_pool)))
    resplit = 0
    for it in existing:                  # items judged earlier on these events join their split
        if it.get("split") == "unlabelled" and it["event"] not in split:
            it["split"] = L.extra_split(it["event"])
            resplit += 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    new, counts = [], {}
    for kind, kr in rows.items():
        if kind not in args.kinds.split(","):
            continue
        if kind == "timeline":  # an entry whose date changed at a judged span and label is a new claim
            for it, _ in kr:
                old = by_id.get(it["item_id"])
                if old is not None and old.get("finding") != it["finding"]:
                    it["item_id"] += "-" + item_id("timeline", [{"id": it["finding"]["date"],
                                                                  "start": 0, "end": 0, "sha1": ""}])[-4:]
        uniq = {it["item_id"]: (it, body) for it, body in kr if it["item_id"] not in have}
        counts[kind] = len(uniq)
        if not uniq:
            continue
        with open(out / f"{kind}.jsonl", "w", encoding="utf-8") as fh:
            for iid in sorted(uniq):      # hash order: blind to event, origin and confidence
                it, body = uniq[iid]
                fh.write(json.dumps({"item_id": iid, "kind": kind, "question": L.QUESTIONS[kind],
                                     "verdicts": list(L.VERDICTS[kind]), **body}, ensure_ascii=False) + "\n")
                new.append(it)
        (out / f"INSTRUCTIONS-{kind}.md").write_text(instructions(kind), encoding="utf-8")
    L.save_items(args.labels, existing + new)
    print(json.dumps({"found": total, "packets": counts, "resplit_unlabelled": resplit,
                      "extra_events": {s: sum(L.extra_split(e) == s for e in events if e not in split)
                                       for s in ("dev-extra", "test-extra")}}, indent=1))


if __name__ == "__main__":
    main()
