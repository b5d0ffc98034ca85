"""Blind packets for provenance edges and altered quote flags on ECB+ (issue 15, session 8, helper prov8).

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/ecbplus_packets.py [--top 12] [--db /tmp/prov8/ecb.db] \\
        [--out /work/packets/prov8/ecbplus] [--sample 60] [--found /tmp/prov8/found.json]
    # FNC-1 bodies grouped by topic (benchmarks/stories_fnc1_topics.py --out /tmp/prov8/fnc1.jsonl):
    ... --data /tmp/prov8/fnc1.jsonl --corpus fnc1 --labels benchmarks/labels/fnc1 --out /work/packets/prov8/fnc1

BASIL holds few copies, so the display rule (>= 5 labelled dev findings at >= 0.90 precision) cannot be met
for provenance edges and "altered" quote flags on it. ECB+ dev (``../shared/datasets/ecbplus/stories-dev.jsonl``,
723 real news documents, 70 gold stories, no outlets, no dates) holds many reprints of one wire story.

1. Ranks the gold stories by how much near-duplicate text their documents share (``rank_stories``: word
   5-gram shingles; a document pair counts when the shared shingles cover >= 0.2 of the smaller
   document's), and runs the product on the ``--top`` ones (``evaluate.events.run_events``: the
   ``Workspace.dossier`` path, one story per gold story; the store ``--db`` keeps reading layers and
   findings, so reruns are cheap).
2. Collects every provenance edge and every quote rendering flagged ``altered``, at any confidence
   (``evaluate.findings.shown_findings``), and writes their list with confidences to ``--found``
   (outside the repo; never article text).
3. Writes blind packets OUTSIDE the repo to ``--out``: ``article.jsonl`` (the two documents in full, in a
   seeded random order, and the passage pairs the edge aligned, as a reading aid), ``quote.jsonl`` (the two
   renderings with context, in a seeded random order), each with ``INSTRUCTIONS-<kind>.md``, and ``READY``.
   No code, score, confidence or origin. At most ``--sample`` items per packet: a uniform random sample
   (``random.Random(--seed).sample``) of the findings when there are more.
4. Adds the packet items (ids, offsets, sha1, ``final: null``, ``verdicts: {}``; never text) to
   ``--labels`` (``benchmarks/labels/ecbplus/items.jsonl``). Split by gold topic (the number of the story
   id, ``ecb_topic``): every fifth topic (5, 10, ..., 35) ``test-extra``, the rest
   ``dev-extra`` (precision only: only the product's findings are labelled, so no recall).

Prints a JSON summary (findings per kind, packet sizes, splits).
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from labels_extra_packets import instructions as extra_instructions, known  # noqa: E402
from labels_packets import Units, item_id, log, whole  # noqa: E402

from storyscope.evaluate import labels as L  # noqa: E402
from storyscope.evaluate.events import load_records, run_events  # noqa: E402
from storyscope.evaluate.findings import shown_findings  # noqa: E402

ECB = ROOT.parent / "shared" / "datasets" / "ecbplus" / "stories-dev.jsonl"
KINDS = {"provenance": "article", "altered": "quote"}


def ecb_topic(story: str) -> str:
    """The topic of a gold story id: its first number ("12ecbplus" -> "12", "fnc-topic-7" -> "7"), else the id."""
    m = re.search(r"\d+", story)
    return m.group() if m else story


def topic_split(story: str) -> str:
    """``dev-extra`` / ``test-extra`` of a gold story by its topic: every fifth topic (5, 10, ..., 35) is test,
    so both events of a topic land in one split (a hash of the topic ids gave only 2 of 35 to test)."""
    topic = ecb_topic(story)
    return "test-extra" if topic.isdigit() and int(topic) % 5 == 0 else "dev-extra"


def _shingles(text: str, k: int = 5) -> set[tuple]:
    w = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(w[i:i + k]) for i in range(len(w) - k + 1)}


def rank_stories(records: list[dict], min_share: float = 0.2) -> list[tuple[str, int, int]]:
    """Gold stories by near-duplicate text: ``[(story, near-duplicate document pairs, pairs sharing >= 10
    shingles)]``, most first. A pair is a near duplicate when the word 5-grams both documents hold are
    >= ``min_share`` of the smaller document's (a containment measure, Broder 1997)."""
    by = defaultdict(list)
    for r in records:
        by[str(r["story"])].append(_shingles(r.get("text") or ""))
    rows = []
    for story, sh in by.items():
        near = shared = 0
        for a, b in itertools.combinations(sh, 2):
            if a and b:
                both = len(a & b)
                near += both / min(len(a), len(b)) >= min_share
                shared += both >= 10
        rows.append((story, near, shared))
    return sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))


def _aligned(u: Units, edge: dict, order: tuple[str, str]) -> list[dict]:
    """The passage pairs a provenance edge aligned, as {A, B} texts in the packet's article order."""
    out = []
    for row in edge.get("aligned", []):
        sides = {row["derived"]["article_id"]: row["derived"], row["source"]["article_id"]: row["source"]}
        if set(sides) == set(order):
            out.append({k: u.text(sides[a]["article_id"], sides[a]["start"], sides[a]["end"])
                        for k, a in zip(("A", "B"), order)})
    return out


def document(u: Units, aid: str) -> dict:
    """One packet document: its title line (ECB+ titles are sometimes a URL) and full text."""
    return {"title": u.arts[aid]["title"], "text": u.arts[aid]["text"]}


def story_items(u: Units, story: dict, rng: random.Random) -> list[tuple[dict, dict, dict]]:
    """(label item, packet body, found row) per provenance edge and altered flag of one story."""
    edges = {(p["article_id"], p["source_id"]): p for p in story.get("provenance", [])}
    out = []
    for f in shown_findings(story):
        kind = KINDS.get(f["kind"])
        if kind is None or not f["pairs"]:
            continue
        a, b = f["pairs"][0]
        if kind == "article":
            order = (a[0], b[0]) if rng.random() < 0.5 else (b[0], a[0])
            spans = [whole(u, x) for x in order]
            body = {"A": document(u, order[0]), "B": document(u, order[1]),
                    "aligned": _aligned(u, edges.get((a[0], b[0]), {}), order)}
        else:
            order = (a, b) if rng.random() < 0.5 else (b, a)
            spans = [u.span(*x) for x in order]
            body = {k: {kk: v for kk, v in u.context(*x).items() if kk != "outlet"} for k, x in zip(("A", "B"), order)}
        split = topic_split(story["id"])
        item = {"item_id": item_id(kind, spans), "kind": kind, "event": story["id"], "split": split,
                "spans": spans, "origin": [f"product:{f['kind']}"]}
        found = {"item_id": item["item_id"], "kind": f["kind"], "story": story["id"], "split": split,
                 "confidence": f.get("confidence"),
                 "derived": u.src[a[0]] if kind == "article" else u.src[b[0]],
                 "other": u.src[b[0]] if kind == "article" else u.src[a[0]]}
        out.append((item, body, found))
    return out


CORPUS = {"ecbplus": "real news documents (the ECB+ corpus: news and blog texts on one real event each; no outlet\n"
                      "names or dates are given)",
          "fnc1": "real news documents (article bodies of the FNC-1 corpus, grouped by topic: news and blog texts on\n"
                  "one story each; no titles, outlet names or dates are given)"}
LAYOUT = {
    "article": "Each line: two documents `A`, `B` (`title`, `text`) and `aligned`: passage pairs (`A`, `B`) "
               "that look alike, given only to help you find them; they may or may not correspond. Judge "
               "from the full texts.",
    "quote": "Each line: two renderings `A`, `B` (`headline`, `before`, `text` = THE RENDERING TO JUDGE, "
             "`after`; `sentence` gives the whole sentence when the judged text is only part of one).",
    "sentence": "Each line: two passages `A`, `B` (`headline` when the document has one, `before`, `text` = THE "
                "PASSAGE TO JUDGE, `after`; `sentence` gives the whole sentence when the judged text is only part "
                "of one). Context is for understanding only; judge `A.text` against `B.text`.",
    "framing": "Each line: `passage` (`headline` when the document has one, `before`, `sentence` when the term is "
               "part of it, `text` = THE TERM, `after`), `term`, `referent`, `concept`, `family`, `voice`, and for "
               "some items `other` (another document's passage, same layout; its `text` is the term it is "
               "compared with).",
    "timeline": "Each line: `label`, `date`, `precision`, `published` (the document's publication date; 'not given' "
                "when unknown: a relative date such as 'Tuesday' cannot then be read, and a date the text states in "
                "full is judged as written) and `passage` (`headline` when the document has one, `before`, `text` = "
                "THE SENTENCE, `after`).",
    "omission": "Each line: two passages `A`, `B` from two documents (`headline` when the document has one, "
                "`before`, `text` = THE PASSAGE TO JUDGE, `after`; `sentence` gives the whole sentence when the judged "
                "text is only part of one) and a third document `C` in full (`title`, `text`).",
}
OUTLET_NOTE = ('\n"Outlet" in the question means the document\'s publisher; two documents may come from the same '
               "site or from\ndifferent sites.")


def instructions(kind: str, corpus: str = "ecbplus", folder: str | None = None) -> str:
    """The annotators' rules for one packet kind (``labels_extra_packets.instructions`` with the wording of
    ``corpus``: ecbplus | fnc1; ``folder``: the default verdicts folder)."""
    return extra_instructions(kind, CORPUS[corpus], LAYOUT[kind], folder or f"/work/annot/verdicts-prov8-{corpus}",
                              OUTLET_NOTE)


def write_packets(out: Path, rows: dict[str, list], have: set[str], corpus: str = "ecbplus",
                  folder: str | None = None) -> dict[str, int]:
    """Write ``<kind>.jsonl`` (hash order: blind to story, origin and confidence) and its instructions
    (``folder``: the verdicts folder they name)."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind, kr in rows.items():
        uniq = {it["item_id"]: body for it, body in kr if it["item_id"] not in have}
        counts[kind] = len(uniq)
        if not uniq:
            continue
        with open(out / f"{kind}.jsonl", "w", encoding="utf-8") as fh:
            for iid in sorted(uniq):
                fh.write(json.dumps({"item_id": iid, "kind": kind, "question": L.QUESTIONS[kind],
                                     "verdicts": list(L.VERDICTS[kind]), **uniq[iid]}, ensure_ascii=False) + "\n")
        (out / f"INSTRUCTIONS-{kind}.md").write_text(instructions(kind, corpus, folder), encoding="utf-8")
    return counts


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ECB))
    ap.add_argument("--db", default="/tmp/prov8/ecb.db")
    ap.add_argument("--out", default="/work/packets/prov8/ecbplus")
    ap.add_argument("--labels", default=str(ROOT / "benchmarks" / "labels" / "ecbplus"))
    ap.add_argument("--found", default="/tmp/prov8/found.json", help="every finding with its confidence (no text)")
    ap.add_argument("--top", type=int, default=12, help="stories with the most near-duplicate text to run")
    ap.add_argument("--stories", help="comma-separated gold stories to run instead of --top")
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--corpus", choices=sorted(CORPUS), default="ecbplus", help="how the instructions name the texts")
    args = ap.parse_args(argv)
    recs = load_records(args.data)
    ranked = rank_stories(recs)
    events = args.stories.split(",") if args.stories else [s for s, _, _ in ranked[:args.top]]
    ws, dossier, source_of = run_events(recs, events, db=args.db, progress=log)
    u = Units(ws, dossier, source_of)
    ws.close()
    existing = L.load_items(args.labels) if Path(L.items_path(args.labels)).exists() else []
    rng = random.Random(args.seed)
    rows: dict[str, list] = {"article": [], "quote": []}
    found = []
    for story in dossier["stories"]:
        for item, body, row in story_items(u, story, rng):
            found.append(row)
            if not known(existing, item["kind"], item["spans"]):
                rows[item["kind"]].append((item, body))
    total = {k: len(v) for k, v in rows.items()}
    for k in rows:
        if len(rows[k]) > args.sample:
            rows[k] = rng.sample(rows[k], args.sample)
    Path(args.found).parent.mkdir(parents=True, exist_ok=True)
    Path(args.found).write_text(json.dumps(found, indent=1))
    have = {it["item_id"] for it in existing}
    counts = write_packets(Path(args.out), rows, have, args.corpus)
    new = list({it["item_id"]: it for kr in rows.values() for it, _ in kr if it["item_id"] not in have}.values())
    L.save_items(args.labels, existing + new)
    (Path(args.out) / "READY").write_text(json.dumps(counts) + "\n")
    print(json.dumps({"stories": len(dossier["stories"]), "articles": len(dossier["articles"]),
                      "ranked": [r for r in ranked if r[0] in set(events)],
                      "found": {k: sum(r["kind"] == k for r in found) for k in KINDS}, "new_unlabelled": total,
                      "packets": counts, "splits": {s: sum(it["split"] == s for it in new)
                                                    for s in ("dev-extra", "test-extra")}}, indent=1))


if __name__ == "__main__":
    main()
