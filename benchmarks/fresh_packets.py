"""Blind packets for disputes, framing terms and altered quote flags on ECB+ and FNC-1 (issue 15, session 9,
helper lab9): fresh labels from corpora these kinds were never tuned on.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/fresh_packets.py --stories 12ecbplus,18ecb,... \\
        --db /tmp/lab9/ecb.db --out /work/packets/lab9/ecbplus [--found /tmp/lab9/found-ecbplus.json]
    ... --data /tmp/lab9/fnc1.jsonl --corpus fnc1 --labels benchmarks/labels/fnc1 --out /work/packets/lab9/fnc1

1. Runs the product on the given gold stories (``evaluate.events.run_events``: the ``Workspace.dossier`` path,
   one story per gold story; the store ``--db`` keeps reading layers and findings).
2. Collects every dispute (its first cross-side evidence pair, as ``eval findings`` reduces it: a ``sentence``
   item), every framing term (``findings_spans.framing_terms``: a ``framing`` item with the claimed referent,
   family and voice as hashes and values) and every quote rendering flagged ``altered`` (a ``quote`` item), at
   any confidence; items a label set already holds are left out. Their list with confidences goes to ``--found``
   (outside the repo; never article text).
3. Samples at most ``--cap`` items per kind, stratified by confidence so the high end (where a display
   threshold can fall) is covered (``stratified``): every item at confidence >= ``--high KIND=VALUE`` (uniformly
   sampled only when they exceed the cap less the rest's places), plus a uniform sample of at most a quarter of
   the cap of the lower items (``random.Random(--seed)``). Each item records in the
   label set only (never in the packet) its ``sampled`` confidence and stratum.
4. Writes blind packets OUTSIDE the repo to ``--out``: ``sentence.jsonl`` (the two passages with context),
   ``framing.jsonl`` (the term in its passage, the referent, family, concept and voice claimed),
   ``quote.jsonl`` (two renderings), each with ``INSTRUCTIONS-<kind>.md`` and a ``READY`` file; hash order, A/B
   order seeded at random; no code, score, confidence, origin or outlet (these corpora give none).
5. Adds the items (ids, offsets, sha1, ``final: null``) to ``--labels``; split by gold topic
   (``ecbplus_packets.topic_split``: every fifth topic ``test-extra``, the rest ``dev-extra``; precision only).

Prints a JSON summary (findings per kind and stratum, packet sizes, splits).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from ecbplus_packets import ECB, story_items, topic_split, write_packets  # noqa: E402
from labels_extra_packets import framing_items, known  # noqa: E402
from labels_packets import Units, item_id, log  # noqa: E402

from storyscope.evaluate import labels as L  # noqa: E402
from storyscope.evaluate.events import load_records, run_events  # noqa: E402
from storyscope.evaluate.findings import shown_findings  # noqa: E402
from storyscope.evaluate.findings_spans import framing_terms  # noqa: E402

LABEL_KIND = {"dispute": "sentence", "framing": "framing", "altered": "quote"}
# the high stratum's lowest confidence: disputes above the weak ones' fixed 0.05 (the confirmed shapes; BASIL dev
# threshold 0.537 on 3); framing rows from 0.95 (BASIL dev threshold 0.914: the few rows below 0.95 are the rest)
HIGH = {"dispute": 0.06, "framing": 0.95, "altered": 0.0}


def _blind(ctx: dict) -> dict:
    """A passage's context without the outlet (these corpora name none) and without an empty headline."""
    return {k: v for k, v in ctx.items() if k != "outlet" and not (k == "headline" and not v)}


def dispute_items(u: Units, story: dict, rng: random.Random) -> list[tuple[dict, dict, float | None]]:
    """(label item, packet body, confidence) per dispute of one story: its first cross-side evidence pair."""
    out = []
    split = topic_split(story["id"])
    for f in shown_findings(story):
        if f["kind"] != "dispute" or not f["pairs"]:
            continue
        a, b = f["pairs"][0]
        order = (a, b) if rng.random() < 0.5 else (b, a)
        spans = [u.span(*x) for x in order]
        item = {"item_id": item_id("sentence", spans), "kind": "sentence", "event": story["id"], "split": split,
                "spans": spans, "origin": ["product:dispute"]}
        out.append((item, {k: _blind(u.context(*x)) for k, x in zip(("A", "B"), order)}, f.get("confidence")))
    return out


def framing_rows(u: Units, story: dict) -> list[tuple[dict, dict, float | None]]:
    """(label item, packet body, row confidence) per framing term of one story (``framing_items``)."""
    out = []   # framing_items holds one row per framing_terms term, in its order
    for (item, body), t in zip(framing_items(u, story, topic_split(story["id"])), framing_terms(story)):
        body = {**body, "passage": _blind(body["passage"])}
        if "other" in body:
            body["other"] = _blind(body["other"])
        out.append((item, body, t.get("confidence")))
    return out


def altered_rows(u: Units, story: dict, rng: random.Random) -> list[tuple[dict, dict, float | None]]:
    """(label item, packet body, confidence) per quote rendering flagged ``altered`` (``story_items``)."""
    return [(it, {k: _blind(v) for k, v in body.items()}, found["confidence"])
            for it, body, found in story_items(u, story, rng) if it["kind"] == "quote"]


def stratified(rows: list, high: float, cap: int, rng: random.Random) -> list:
    """At most ``cap`` rows (item, body, confidence): those at confidence >= ``high`` (a uniform sample of them
    only when they exceed ``cap`` less the places of the rest), and a uniform sample of at most a quarter of
    ``cap`` of the others (the low end only has to show where precision falls). Each chosen item gets
    ``sampled = {"confidence", "stratum": "high" | "rest", "of": stratum size, "high_from": high}``."""
    top = [r for r in rows if (r[2] or 0.0) >= high]
    rest = [r for r in rows if (r[2] or 0.0) < high]
    n_rest = min(len(rest), cap // 4)
    take_top = rng.sample(top, cap - n_rest) if len(top) > cap - n_rest else top
    take_rest = rng.sample(rest, n_rest)
    out = []
    for stratum, taken, pool in (("high", take_top, top), ("rest", take_rest, rest)):
        for it, body, c in taken:
            it["sampled"] = {"confidence": None if c is None else round(float(c), 4), "stratum": stratum,
                             "of": len(pool), "high_from": high}
            out.append((it, body, c))
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ECB))
    ap.add_argument("--db", default="/tmp/lab9/ecb.db")
    ap.add_argument("--out", default="/work/packets/lab9/ecbplus")
    ap.add_argument("--labels", default=str(ROOT / "benchmarks" / "labels" / "ecbplus"))
    ap.add_argument("--found", default="/tmp/lab9/found.json", help="every finding with its confidence (no text)")
    ap.add_argument("--stories", required=True, help="comma-separated gold stories to run")
    ap.add_argument("--cap", type=int, default=60, help="items per kind at most")
    ap.add_argument("--high", action="append", default=[], help="KIND=VALUE: the high stratum's lowest confidence")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--corpus", choices=("ecbplus", "fnc1"), default="ecbplus", help="how the instructions name the texts")
    args = ap.parse_args(argv)
    high = {**HIGH, **{k: float(v) for k, _, v in (h.partition("=") for h in args.high)}}
    recs = load_records(args.data)
    ws, dossier, source_of = run_events(recs, args.stories.split(","), db=args.db, progress=log)
    u = Units(ws, dossier, source_of)
    ws.close()
    existing = L.load_items(args.labels) if Path(L.items_path(args.labels)).exists() else []
    have = {it["item_id"] for it in existing}
    rng = random.Random(args.seed)
    pools: dict[str, list] = {k: [] for k in LABEL_KIND}
    for story in dossier["stories"]:
        pools["dispute"] += dispute_items(u, story, rng)
        pools["framing"] += framing_rows(u, story)
        pools["altered"] += altered_rows(u, story, rng)
    found = [{"item_id": it["item_id"], "kind": k, "story": it["event"], "split": it["split"], "confidence": c}
             for k, rows in pools.items() for it, _, c in rows]
    rows, summary = {}, {}
    for k, kr in pools.items():
        fresh = list({it["item_id"]: (it, b, c) for it, b, c in kr if it["item_id"] not in have
                      and (k == "framing" or not known(existing, it["kind"], it["spans"]))}.values())
        chosen = stratified(fresh, high[k], args.cap, rng)
        rows[LABEL_KIND[k]] = [(it, b) for it, b, _ in chosen]
        summary[k] = {"found": len(kr), "unlabelled": len(fresh), "high_from": high[k],
                      "packet": dict(Counter(it["sampled"]["stratum"] for it, _, _ in chosen)),
                      "of": dict(Counter("high" if (c or 0.0) >= high[k] else "rest" for _, _, c in fresh))}
    Path(args.found).parent.mkdir(parents=True, exist_ok=True)
    Path(args.found).write_text(json.dumps(found, indent=1))
    out = Path(args.out)
    counts = write_packets(out, rows, have, args.corpus, folder=f"/work/annot/verdicts-lab9-{args.corpus}")
    new = list({it["item_id"]: it for kr in rows.values() for it, _ in kr if it["item_id"] not in have}.values())
    L.save_items(args.labels, existing + new)
    (out / "READY").write_text(json.dumps(counts) + "\n")
    print(json.dumps({"stories": len(dossier["stories"]), "articles": len(dossier["articles"]), "kinds": summary,
                      "packets": counts, "splits": dict(Counter(f"{it['kind']}:{it['split']}" for it in new))},
                     indent=1))


if __name__ == "__main__":
    main()
