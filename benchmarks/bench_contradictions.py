"""Contradiction detection and cross-outlet corroboration on BASIL (../shared/datasets/basil).

1. Contradictions: real BASIL sentences are perturbed by rule (negated, antonym-swapped, number
   changed, date changed, wrapped in a denial); each source sentence also yields a meaning-preserving
   rewrite (attribution wrapper, verb synonym) as a negative, and a similar sentence of another outlet
   on the same event is a further, realistic negative. ``contradicts`` is scored per kind (P/R/F1 over
   that kind's positives and the rewrites of the same source sentences) and overall.
2. Corroboration: per event (Fox, NYT, HuffPost), claims are extracted and aligned; the number of
   story claims backed by 2 and by 3 independent outlets is reported, and 20 corroborated claims are
   sampled to /tmp/basil_corroborated_sample.md for hand-checking.

Usage: python benchmarks/bench_contradictions.py [--per-kind 60] [--events 20] [--seed 13]
Prints Markdown to stdout, progress to stderr.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import random
import re
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
BASIL = ROOT.parent / "shared" / "datasets" / "basil" / "stories.jsonl"

ANT = {"increase": "decrease", "rise": "fall", "win": "lose", "accept": "reject", "support": "oppose",
       "approve": "reject", "allow": "ban", "open": "close", "legal": "illegal", "agree": "disagree",
       "strengthen": "weaken", "include": "exclude", "more": "less", "higher": "lower", "large": "small",
       "strong": "weak", "likely": "unlikely", "possible": "impossible", "positive": "negative",
       "better": "worse", "first": "last", "praise": "criticize", "early": "late", "buy": "sell",
       "join": "leave", "gain": "lose", "public": "private", "success": "failure", "before": "after"}
ANT.update({v: k for k, v in list(ANT.items())})
SYN = {"said": "stated", "says": "states", "told": "informed", "big": "large", "began": "started",
       "start": "begin", "help": "assist", "buy": "purchase", "show": "indicate", "need": "require"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DENIERS = ["A spokesman denied that", "Officials have denied that", "The company denied that",
           "Her office denied that", "The campaign denied that"]
WRAPPERS = ["According to reports,", "Reports said", "It was reported that", "Sources said"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def load():
    if not BASIL.exists():
        sys.exit(f"../shared not found: {BASIL} is needed for this benchmark")
    return [json.loads(line) for line in BASIL.open(encoding="utf-8")]


def sentences(text: str) -> list[str]:
    from storyscope.stages.sentences import split_sentences
    out = []
    pos = 0
    for line in text.split("\n"):
        for s, e in split_sentences(text, pos, pos + len(line)):
            out.append(text[s:e].strip())
        pos += len(line) + 1
    return [s for s in out if 8 <= len(s.split()) <= 40 and s[:1].isupper() and s.endswith(".")
            and not re.search(r"[\"“”]", s)]


def _lower_first(s: str) -> str:
    return s[0].lower() + s[1:] if s[:2] != s[:2].upper() else s


def negate(s: str, nlp) -> str | None:
    doc = nlp(s)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX") or any(t.dep_ == "neg" for t in doc):
        return None
    aux = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    if aux:
        a = aux[0]
        return s[:a.idx + len(a)] + " not" + s[a.idx + len(a):]
    if root.lemma_ == "be":
        return s[:root.idx + len(root)] + " not" + s[root.idx + len(root):]
    do = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(root.tag_)
    if not do:
        return None
    return s[:root.idx] + f"{do} not {root.lemma_}" + s[root.idx + len(root):]


def antonym(s: str) -> str | None:
    for m in re.finditer(r"[A-Za-z]+", s):
        w = m.group().lower()
        if w in ANT:
            rep = ANT[w]
            rep = rep.capitalize() if m.group()[0].isupper() else rep
            return s[:m.start()] + rep + s[m.end():]
    return None


def number(s: str, rng) -> str | None:
    m = [x for x in re.finditer(r"(?<![\d,.])(\d{1,3}(?:,\d{3})*|\d+)(?![\d,.]?\d)", s)
         if not re.fullmatch(r"(19|20)\d\d", x.group())]
    if not m:
        return None
    x = m[0]
    v = int(x.group().replace(",", ""))
    nv = v + rng.choice([3, 7, 12]) if v < 20 else int(v * rng.choice([1.5, 2, 0.5]))
    return s[:x.start()] + f"{nv:,}" + s[x.end():]


def date(s: str, rng) -> str | None:
    for names in (DAYS, MONTHS):
        for n in names:
            m = re.search(rf"\b{n}\b", s)
            if m:
                other = rng.choice([x for x in names if x != n])
                return s[:m.start()] + other + s[m.end():]
    m = re.search(r"\b(19|20)\d\d\b", s)
    if m:
        return s[:m.start()] + str(int(m.group()) + rng.choice([-2, -1, 1, 3])) + s[m.end():]
    return None


def denial(s: str, rng) -> str:
    return f"{rng.choice(DENIERS)} {_lower_first(s)}"


def paraphrase(s: str, rng) -> str:
    for w, r in SYN.items():
        m = re.search(rf"\b{w}\b", s)
        if m:
            return s[:m.start()] + r + s[m.end():]
    return f"{rng.choice(WRAPPERS)} {_lower_first(s)}"


def build_set(recs, per_kind: int, seed: int):
    from storyscope.stages.nlp import get_nlp
    nlp = get_nlp()
    rng = random.Random(seed)
    pool = [(r["story"], r["outlet"], s) for r in recs for s in sentences(r["text"])]
    rng.shuffle(pool)
    kinds = {"negation": [], "antonym": [], "number": [], "date": [], "denial": []}
    for story, outlet, s in pool:
        if all(len(v) >= per_kind for v in kinds.values()):
            break
        for k in kinds:  # each source sentence serves the first kind it fits that still needs items
            if len(kinds[k]) >= per_kind:
                continue
            p = {"negation": lambda: negate(s, nlp), "antonym": lambda: antonym(s),
                 "number": lambda: number(s, rng), "date": lambda: date(s, rng),
                 "denial": lambda: denial(s, rng)}[k]()
            if p and p != s:
                kinds[k].append({"a": s, "b": p, "label": True, "kind": k, "story": story, "outlet": outlet,
                                 "neg": {"a": s, "b": paraphrase(s, rng), "label": False, "kind": "paraphrase"}})
                break
    return kinds, pool


def related_negatives(pool, n: int, seed: int):
    """Similar sentences of two outlets on the same event (cos 0.55-0.85): realistic non-contradictions mostly."""
    from storyscope.stages.embed import embed
    rng = random.Random(seed + 1)
    by_story = {}
    for story, outlet, s in pool:
        by_story.setdefault(story, []).append((outlet, s))
    stories = sorted(by_story)
    rng.shuffle(stories)
    out = []
    for st in stories:
        items = by_story[st][:40]
        if len(items) < 4:
            continue
        E = embed([s for _, s in items])
        S = E @ E.T
        best = None
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                if items[i][0] != items[j][0] and 0.55 <= S[i, j] <= 0.85 and (best is None or S[i, j] > best[0]):
                    best = (S[i, j], items[i][1], items[j][1])
        if best:
            out.append({"a": best[1], "b": best[2], "label": False, "kind": "related"})
        if len(out) >= n:
            break
    return out


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bench_contradictions(recs, per_kind: int, seed: int) -> dict:
    from storyscope.compare.disputes import contradicts
    kinds, pool = build_set(recs, per_kind, seed)
    related = related_negatives(pool, per_kind, seed)
    log("contradiction set:", {k: len(v) for k, v in kinds.items()}, "related", len(related))
    t0 = time.time()
    rows, tot = {}, [0, 0, 0]
    for k, items in kinds.items():
        tp = fp = fn = kind_ok = 0
        for it in items:
            hit, got = contradicts(it["a"], it["b"])
            tp += hit
            fn += not hit
            kind_ok += hit and got == k
            nhit, _ = contradicts(it["neg"]["a"], it["neg"]["b"])
            fp += nhit
        rows[k] = {"n": len(items), "tp": tp, "fp": fp, "fn": fn, "kind_correct": kind_ok}
        tot[0] += tp
        tot[1] += fp
        tot[2] += fn
        log(k, rows[k], f"{time.time() - t0:.0f}s")
    rel_fp = sum(contradicts(r["a"], r["b"])[0] for r in related)
    rows["related (other outlet)"] = {"n": len(related), "tp": 0, "fp": rel_fp, "fn": 0, "kind_correct": 0}
    return {"rows": rows, "overall": prf(tot[0], tot[1] + rel_fp, tot[2]),
            "pairs": sum(len(v) * 2 for v in kinds.values()) + len(related), "seconds": time.time() - t0}


def bench_corroboration(recs, events: int, seed: int) -> dict:
    from storyscope.compare.bundle import StoryBundle
    from storyscope.compare.claim_align import align_claims
    from storyscope.compare.claims import extract_claims
    from storyscope.record import Article
    from storyscope.stages.sentences import sentence_spans
    by_story = {}
    for r in recs:
        by_story.setdefault(r["story"], []).append(r)
    stories = sorted(by_story)
    random.Random(seed).shuffle(stories)
    stories = stories[:events]
    c2 = c3 = n_claims = 0
    sample_pool = []
    t0 = time.time()
    for k, st in enumerate(stories):
        arts, layers = [], {}
        for r in by_story[st]:
            a = Article.create(r["text"], title=r.get("title") or "", outlet=r["outlet"], published=r.get("published"))
            arts.append(a)
            layers[a.id] = {"sentences": sentence_spans(a.text)}
        b = StoryBundle(arts, layers)
        sc = align_claims(b, extract_claims(b))
        n_claims += len(sc)
        for c in sc:
            if c["independent_sources"] == 2:
                c2 += 1
            elif c["independent_sources"] >= 3:
                c3 += 1
            if c["independent_sources"] >= 2:
                outlets = {a.id: a.outlet for a in arts}
                sample_pool.append({"event": st, "sources": c["independent_sources"],
                                    "evidence": [(outlets[e["article_id"]], e["text"]) for e in c["evidence"]]})
        log(f"event {k + 1}/{len(stories)}: {len(sc)} claims, {time.time() - t0:.0f}s")
    rng = random.Random(seed)
    sample = rng.sample(sample_pool, min(20, len(sample_pool)))
    path = pathlib.Path("/tmp/basil_corroborated_sample.md")
    lines = ["# 20 BASIL claims corroborated by >= 2 outlets (hand-check: same fact?)", ""]
    for i, s in enumerate(sample, 1):
        lines.append(f"## {i}. event {s['event']} — {s['sources']} outlets")
        lines += [f"- **{o}**: {t}" for o, t in s["evidence"]]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return {"events": len(stories), "story_claims": n_claims, "by_2": c2, "by_3": c3,
            "per_event_2": c2 / max(1, len(stories)), "per_event_3": c3 / max(1, len(stories)),
            "sample_file": str(path), "sample": sample, "seconds": time.time() - t0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-kind", type=int, default=60)
    ap.add_argument("--events", type=int, default=20)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--skip-corroboration", action="store_true")
    args = ap.parse_args()
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        pass
    recs = load()
    res = bench_contradictions(recs, args.per_kind, args.seed)
    print(f"## Contradiction detection (BASIL sentences, seed {args.seed}, {res['pairs']} pairs)\n")
    print("| kind | positives | negatives | TP | FP | P | R | F1 | kind named right |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, r in res["rows"].items():
        p, rc, f = prf(r["tp"], r["fp"], r["fn"])
        if k.startswith("related"):
            print(f"| {k} | 0 | {r['n']} | 0 | {r['fp']} | - | - | - | - |")
        else:
            print(f"| {k} | {r['n']} | {r['n']} | {r['tp']} | {r['fp']} | {p:.2f} | {rc:.2f} | {f:.2f} | "
                  f"{r['kind_correct']}/{r['tp']} |")
    p, rc, f = res["overall"]
    print(f"| **all** | | | | | **{p:.2f}** | **{rc:.2f}** | **{f:.2f}** | |")
    print(f"\n{res['seconds']:.0f} s for {res['pairs']} pairs.\n")
    if not args.skip_corroboration:
        c = bench_corroboration(recs, args.events, args.seed)
        print(f"## Corroboration ({c['events']} BASIL events, 3 outlets each, no provenance edges)\n")
        print("| story claims | by 2 outlets | by 3 outlets | per event (2) | per event (3) |")
        print("|---|---|---|---|---|")
        print(f"| {c['story_claims']} | {c['by_2']} | {c['by_3']} | {c['per_event_2']:.1f} | {c['per_event_3']:.1f} |")
        print(f"\n{c['seconds']:.0f} s. Sample of 20 corroborated claims: {c['sample_file']}\n")
        for i, s in enumerate(c["sample"], 1):
            print(f"{i}. ({s['sources']} outlets) " + " || ".join(f"{o}: {t[:110]}" for o, t in s["evidence"][:3]))


if __name__ == "__main__":
    main()
