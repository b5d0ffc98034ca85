"""Annotation packets for the labelled BASIL findings set (issue 15, section 1).

Draws 25 BASIL events with a fixed seed (20 dev / 5 test), runs the product on them
(``storyscope.evaluate.events.run_events``: Workspace ingest, reading stages, one story per event,
``Workspace.dossier``), and writes, per decision unit:

- ``sentence``: cross-outlet sentence pairs of one event: per event the top ``--top`` pairs by
  MiniLM cosine (``stages.embed.embed``; a sentence in at most 2 of them) plus ``--random`` pairs
  with cosine in [0.4, 0.6]; plus every cross-article evidence pair (the first 2 per finding) of the
  product's corroborated facts (>= 2 independent sources) and the first cross-side pair of each dispute;
- ``quote``: cross-outlet quote-rendering pairs (``quotes`` layer) sharing >= 3 content words or of
  cosine >= 0.7 (<= ``--quotes`` per event), plus every rendering the product flags altered with
  its reference rendering;
- ``article``: all cross-outlet article pairs of each event (provenance edges are among them);
- ``omission``: (a fact's passages in two outlets, the third outlet's article): the ``--omissions``
  closest candidate sentence pairs per event, plus every omission the product shows (its first
  cross-article evidence pair).

Blind packets (texts, context, question; no scores or origin) go OUTSIDE the repo to
``--out`` (default /work/annot/packets); the label items (ids, offsets, sha1 of span text, origin,
never text) go to ``benchmarks/labels/basil/items.jsonl``.

Usage: python benchmarks/labels_packets.py [--db /tmp/labels_eval.db] [--out /work/annot/packets]
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyscope.evaluate import labels as L  # noqa: E402
from storyscope.evaluate.events import choose_events, load_records, run_events, span_sha1  # noqa: E402
from storyscope.evaluate.findings import FINDING_KINDS, shown_findings  # noqa: E402

BASIL = ROOT.parent / "shared" / "datasets" / "basil" / "stories.jsonl"
OUTLETS = {"nyt": "The New York Times", "fox": "Fox News", "hpo": "HuffPost"}
STOP = set("""a an the and or but if of in on at to for from by with about as into than then that this these those
is are was were be been being have has had do does did will would can could should may might must shall it its
he she they them his her their we our you your i me my not no so such there here who whom which what when where
why how all any some more most other also just only very said says say told""".split())


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 2}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Units:
    """Sentences and quote renderings of the events' articles, from the product's layers."""

    def __init__(self, ws, dossier, source_of):
        self.arts = {a["id"]: a for a in dossier["articles"]}
        self.src = source_of
        self.sents, self.layer_sents, self.quotes = {}, {}, {}
        for aid in self.arts:
            lay = ws.layers(aid)
            text = self.arts[aid]["text"]
            self.layer_sents[aid] = sorted((s.start, s.end) for s in lay.get("sentences", []))
            self.sents[aid] = [(s, e) for s, e in self.layer_sents[aid] if 6 <= len(text[s:e].split()) <= 90]
            self.quotes[aid] = [(q.start, q.end, q.label) for q in lay.get("quotes", [])
                                if len(text[q.start:q.end].split()) >= 4]

    def text(self, aid, s, e):
        return self.arts[aid]["text"][s:e]

    def outlet(self, aid):
        o = self.arts[aid]["outlet"]
        return OUTLETS.get(o, o)

    def span(self, aid, s, e) -> dict:
        return {"id": self.src[aid], "start": s, "end": e, "sha1": span_sha1(self.text(aid, s, e))}

    def context(self, aid, s, e) -> dict:
        """Outlet, headline, the sentence before and after a span, and the sentence holding it when the
        span is only part of one (by the product's sentence layer)."""
        text = self.arts[aid]["text"]
        allsent = self.layer_sents[aid]
        before = [x for x in allsent if x[1] <= s]
        after = [x for x in allsent if x[0] >= e]
        inside = [x for x in allsent if x[0] < e and x[1] > s]
        ctx = {"outlet": self.outlet(aid), "headline": self.arts[aid]["title"],
               "before": text[before[-1][0]:before[-1][1]] if before else ""}
        if inside and (inside[0][0] < s or inside[-1][1] > e):   # a span within a sentence: show the sentence
            ctx["sentence"] = text[min(inside[0][0], s):max(inside[-1][1], e)]
        return {**ctx, "text": text[s:e], "after": text[after[0][0]:after[0][1]] if after else ""}

def item_id(kind: str, spans: list[dict]) -> str:
    key = kind + "|" + "|".join(f"{s['id']}:{s['start']}:{s['end']}" for s in sorted(spans, key=lambda s: (s["id"], s["start"])))
    return kind[0] + "-" + hashlib.sha1(key.encode()).hexdigest()[:10]


def sentence_candidates(u: Units, aids: list[str], rng, top: int, n_random: int) -> list[tuple]:
    from storyscope.stages.embed import embed
    pairs = []
    for a, b in itertools.combinations(aids, 2):
        if u.arts[a]["outlet"] == u.arts[b]["outlet"] or not u.sents[a] or not u.sents[b]:
            continue
        va = embed([u.text(a, s, e) for s, e in u.sents[a]])
        vb = embed([u.text(b, s, e) for s, e in u.sents[b]])
        sim = va @ vb.T
        for i, j in itertools.product(range(len(u.sents[a])), range(len(u.sents[b]))):
            pairs.append((float(sim[i, j]), (a, *u.sents[a][i]), (b, *u.sents[b][j])))
    pairs.sort(key=lambda p: -p[0])
    used, out = defaultdict(int), []
    for c, x, y in pairs:
        if len(out) >= top:
            break
        if used[x] < 2 and used[y] < 2:
            used[x] += 1
            used[y] += 1
            out.append((x, y))
    mid = [(x, y) for c, x, y in pairs if 0.4 <= c <= 0.6]
    out += rng.sample(mid, min(n_random, len(mid)))
    return out


def quote_candidates(u: Units, aids: list[str], limit: int) -> list[tuple]:
    from storyscope.stages.embed import embed
    rows = [(a, s, e) for a in aids for s, e, _ in u.quotes[a]]
    if len(rows) < 2:
        return []
    vec = embed([u.text(*r) for r in rows])
    cw = [content_words(u.text(*r)) for r in rows]
    cand = []
    for i, j in itertools.combinations(range(len(rows)), 2):
        if u.arts[rows[i][0]]["outlet"] == u.arts[rows[j][0]]["outlet"]:
            continue
        shared, cos = len(cw[i] & cw[j]), float(vec[i] @ vec[j])
        if shared >= 3 or cos >= 0.7:
            cand.append((shared + 5 * cos, rows[i], rows[j]))
    cand.sort(key=lambda c: -c[0])
    return [(x, y) for _, x, y in cand[:limit]]


CAP = {"corroborated": 2, "dispute": 1, "altered": 1, "provenance": 1, "omission": 1}


def product_units(story: dict) -> dict[str, list[tuple]]:
    """The pairs the current product shows for one story, per label kind, with the finding kind
    (the first ``CAP`` pairs of each finding, as ``eval findings`` reduces them)."""
    got = defaultdict(list)
    for f in shown_findings(story):
        extra = (f["article"],) if f["kind"] == "omission" else ()
        got[FINDING_KINDS[f["kind"]][0]] += [((*p, *extra), f["kind"]) for p in f["pairs"][:CAP[f["kind"]]]]
    return got


def whole(u: Units, aid: str) -> dict:
    text = u.arts[aid]["text"]
    return {"id": u.src[aid], "start": 0, "end": len(text), "sha1": span_sha1(text)}


def full_article(u: Units, aid: str) -> dict:
    return {"outlet": u.outlet(aid), "headline": u.arts[aid]["title"], "published": u.arts[aid]["published"],
            "text": u.arts[aid]["text"]}


def pack(u: Units, kind: str, sides: list[tuple]) -> dict:
    if kind == "omission":
        return {"A": u.context(*sides[0]), "B": u.context(*sides[1]), "C": full_article(u, sides[2])}
    if kind == "article":
        a, b = sides
        return {"A": full_article(u, a), "B": full_article(u, b)}
    return {k: u.context(*x) for k, x in zip(("A", "B"), sides)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(BASIL))
    ap.add_argument("--db", default="/tmp/labels_eval.db")
    ap.add_argument("--out", default="/work/annot/packets")
    ap.add_argument("--labels", default=str(ROOT / "benchmarks" / "labels" / "basil"))
    ap.add_argument("--events", type=int, default=25)
    ap.add_argument("--test", type=int, default=5)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--random", type=int, default=4)
    ap.add_argument("--quotes", type=int, default=6)
    ap.add_argument("--omissions", type=int, default=2)
    args = ap.parse_args(argv)
    recs = load_records(args.data)
    split = choose_events(recs, args.events, args.test, args.seed)
    ws, dossier, source_of = run_events(recs, list(split), db=args.db, progress=log)
    u = Units(ws, dossier, source_of)
    rng = random.Random(args.seed)
    items: dict[str, dict] = {}
    shown = defaultdict(int)

    def add(kind, event, sides, origin):
        if kind == "article":
            spans = [whole(u, a) for a in sides]
        elif kind == "omission":
            spans = [u.span(*sides[0]), u.span(*sides[1]), whole(u, sides[2])]
        else:
            spans = [u.span(*x) for x in sides]
        iid = item_id(kind, spans)
        if iid not in items:
            items[iid] = {"item_id": iid, "kind": kind, "event": event, "split": split[event], "spans": spans,
                          "origin": [], "_sides": sides}
        if origin not in items[iid]["origin"]:
            items[iid]["origin"].append(origin)

    for story in dossier["stories"]:
        ev, aids = story["id"], story["article_ids"]
        sent = sentence_candidates(u, aids, rng, args.top, args.random)
        for x, y in sent:
            add("sentence", ev, (x, y), "candidate")
        for x, y in sent[:args.omissions]:   # the closest pairs, asked of the event's third article
            for c in aids:
                if c not in (x[0], y[0]) and u.arts[c]["outlet"] not in (u.arts[x[0]]["outlet"], u.arts[y[0]]["outlet"]):
                    add("omission", ev, (x, y, c), "candidate")
        for x, y in quote_candidates(u, aids, args.quotes):
            add("quote", ev, (x, y), "candidate")
        for a, b in itertools.combinations(aids, 2):
            add("article", ev, (a, b), "candidate")
        for kind, rows in product_units(story).items():
            for sides, origin in rows:
                shown[origin] += 1
                add(kind, ev, tuple(x[0] for x in sides) if kind == "article" else tuple(sides),
                    f"product:{origin}")
    ws.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    counts = defaultdict(int)
    order = sorted(items.values(), key=lambda it: it["item_id"])  # hash order: blind to origin and event
    for kind in L.KINDS:
        with open(out / f"{kind}.jsonl", "w", encoding="utf-8") as fh:
            for it in order:
                if it["kind"] == kind:
                    counts[kind] += 1
                    fh.write(json.dumps({"item_id": it["item_id"], "kind": kind, "question": L.QUESTIONS[kind],
                                         "verdicts": list(L.VERDICTS[kind]),
                                         **pack(u, kind, it["_sides"])}, ensure_ascii=False) + "\n")
    L.save_items(args.labels, [{k: v for k, v in it.items() if k != "_sides"} for it in order])
    log(f"items: {dict(counts)}; product findings paired: {dict(shown)}")
    print(json.dumps({"items": dict(counts), "product_pairs": dict(shown),
                      "events": {"dev": sum(v == "dev" for v in split.values()),
                                 "test": sum(v == "test" for v in split.values())}}))


if __name__ == "__main__":
    main()
