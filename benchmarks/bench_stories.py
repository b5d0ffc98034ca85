"""Scale benchmark for online story assignment: time per article and peak memory at 1k-100k articles.

What is measured, exactly:

1. A pool of real articles is read from ../shared/datasets (BASIL stories, FNC-1 bodies,
   PolNeAR texts, TimeML texts; capped per source by ``--pool``) and featurised once
   (title + lead embedding, hashed terms, names, dates). The embedding rate of this step
   (leads per second on this machine) is reported, and the embedding time for N articles is
   extrapolated from it: embedding 100k leads on one CPU core would take hours, and it is a
   per-article constant cost that does not depend on how many stories exist.
2. N articles are made by cycling through the pool: copy ``c`` of a real article gets a
   unique id, its date shifted by ``c * 53`` days (undated articles get a deterministic date
   in their collection's span first) and a small random perturbation of its embedding, so
   copies are new stories in a stream that runs over years, as a real archive would.
3. In a fresh subprocess (so peak RSS is the clustering's, not the embedding model's),
   ``OnlineClusterer.add`` is called for the N articles in stream order with their
   precomputed features, and after every 256 articles (as ``Workspace.group`` does) the rows
   they changed are written to a SQLite store (``Store.put_grouping``); the write's time is
   counted in the last article of its chunk (the rows include each new article's compact features, which
   the split check of ``stories.split`` reads, and any story split in two). We report mean time per article (assignment plus
   store writes), the mean over the first and the last 10% of the stream (how the cost grows
   as stories accumulate), the 99th percentile, number of stories, peak RSS, the size of the
   store file holding the state, and the time to load the clusterer back from it; the CPU time of the
   process per article (assignment and writes; on a shared machine the wall time moves with the load,
   the CPU time much less); and a SHA-1 of the stories (article ids per story), so two versions can be
   checked to assign alike.

Usage: python benchmarks/bench_stories.py [--sizes 1000,10000,100000] [--pool 1500]
Prints a Markdown table on stdout (progress on stderr). Skips if ../shared is absent.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import pickle
import re
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
sys.path.insert(0, str(ROOT / "src"))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def read_pool(cap: int) -> list[dict]:
    """Real articles from four sources, roughly cap/4 each (all BASIL and TimeML that fit)."""
    per = cap // 4
    pool: list[dict] = []
    for line in open(SHARED / "basil" / "stories.jsonl", encoding="utf-8"):
        d = json.loads(line)
        pool.append({"id": "basil-" + d["id"], "title": d["title"], "text": d["text"], "outlet": d["outlet"],
                     "published": d["published"], "src": "basil"})
        if sum(p["src"] == "basil" for p in pool) >= per:
            break
    csv.field_size_limit(10 ** 8)
    with open(SHARED / "fnc1" / "train_bodies.csv", encoding="utf-8") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            if i >= per:
                break
            pool.append({"id": "fnc-" + r["Body ID"], "title": "", "text": r["articleBody"], "outlet": "",
                         "published": None, "src": "fnc"})
    meta = {}
    with open(SHARED / "polnear" / "metadata.tsv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            meta[r["filename"]] = r
    files = sorted((SHARED / "polnear").glob("*/text/*.txt"))[:per]
    for f in files:
        m = meta.get(f.stem, {})
        pool.append({"id": "polnear-" + f.stem, "title": m.get("title", ""), "text": f.read_text(encoding="utf-8"),
                     "outlet": m.get("publisher", ""), "published": m.get("publication_date") or None,
                     "src": "polnear"})
    for f in sorted((SHARED / "timeml").glob("*/*.tml"))[:per]:
        raw = f.read_text(encoding="utf-8", errors="replace")
        dct = re.search(r'value="(\d{4}-\d\d-\d\d)"[^>]*functionInDocument="CREATION_TIME"', raw)
        body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
        text = re.sub(r"<[^>]+>", "", body.group(1) if body else raw).strip()
        pub = dct.group(1) if dct else None
        pool.append({"id": "timeml-" + f.stem, "title": "", "text": text, "outlet": "", "published": pub,
                     "src": "timeml"})
    return pool


def build_pool(cap: int, cache: Path) -> dict:
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    import torch
    torch.set_num_threads(1)
    from storyscope.stories.cluster import featurize
    from storyscope.stages.embed import warm_up
    pool = read_pool(cap)
    log(f"pool: {len(pool)} real articles; featurising (embedding title + lead)")
    warm_up()
    t0 = time.perf_counter()
    feats = featurize(pool)
    secs = time.perf_counter() - t0
    out = {"pool": pool, "feats": feats, "featurize_seconds": secs}
    cache.write_bytes(pickle.dumps(out))
    return out


def stream(pool: list[dict], feats, n: int, seed: int = 0):
    """n articles cycling over the pool with unique ids, shifted dates and perturbed vectors."""
    import numpy as np
    from dataclasses import replace
    rng = np.random.default_rng(seed)
    base_days = {"basil": date(2012, 1, 1), "fnc": date(2014, 9, 1), "polnear": date(2016, 1, 1),
                 "timeml": date(1998, 1, 1)}
    items, fs = [], []
    P = len(pool)
    for k in range(n):
        c, i = divmod(k, P)
        a, f = pool[i], feats[i]
        pub = a["published"]
        d0 = date.fromisoformat(pub[:10]) if pub else base_days[a["src"]] + timedelta(days=(i * 7) % 300)
        d = d0 + timedelta(days=53 * c)
        v = f.emb + rng.normal(0, 0.01, f.emb.shape).astype("float32")
        v /= np.linalg.norm(v)
        items.append({"id": f"{a['id']}#{c}", "title": a["title"], "outlet": a["outlet"],
                      "published": d.isoformat(), "text": ""})
        fs.append(replace(f, emb=v, pub=d.toordinal(), mentions=tuple(m + 53 * c for m in f.mentions)))
    return items, fs


def _hwm_mb() -> float:
    """Peak resident memory of this process image (VmHWM; unlike ru_maxrss it is reset by exec,
    so the parent's embedding model is not counted)."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(n: int, cache: Path) -> dict:
    """Child process: assign n articles and measure."""
    import tempfile

    import numpy as np
    from storyscope.stories.cluster import OnlineClusterer
    from storyscope.store.sqlite import SQLiteStore
    data = pickle.loads(cache.read_bytes())
    items, fs = stream(data["pool"], data["feats"], n)
    tmp = tempfile.mkdtemp(prefix="bench_stories_")
    store = SQLiteStore(os.path.join(tmp, "state.db"))
    rss0 = _hwm_mb()
    oc = OnlineClusterer()
    times = np.zeros(n)
    write_s = 0.0
    cpu0 = time.process_time()
    for k, (it, f) in enumerate(zip(items, fs)):
        t = time.perf_counter()
        oc.add(it, f)
        if (k + 1) % 256 == 0 or k == n - 1:
            w = time.perf_counter()
            store.put_grouping(oc.changed_rows(everything=k < 256))
            write_s += time.perf_counter() - w
        times[k] = time.perf_counter() - t
        if k and k % 10000 == 0:
            log(f"  {k}/{n}: {times[:k].mean() * 1e3:.2f} ms/article so far, "
                f"{times[k - 10000:k].mean() * 1e3:.2f} over the last 10k, {len(oc.groups()):,} stories")
    cpu_s = time.process_time() - cpu0
    t, c = time.perf_counter(), time.process_time()   # the run ends: its lone articles get a second look, as in Workspace.group
    relinked = oc.relink()
    store.put_grouping(oc.changed_rows())
    relink_s, relink_cpu_s = time.perf_counter() - t, time.process_time() - c
    rss1 = _hwm_mb()
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(os.path.getsize(os.path.join(tmp, x)) for x in os.listdir(tmp))
    groups = oc.groups()
    del oc
    t = time.perf_counter()
    back = OnlineClusterer.from_rows(store.get_grouping())
    load_s = time.perf_counter() - t
    assert back.groups() == groups
    store.close()
    for x in os.listdir(tmp):
        os.remove(os.path.join(tmp, x))
    os.rmdir(tmp)
    tenth = max(1, n // 10)
    return {"n": n, "groups_sha1": hashlib.sha1(json.dumps(groups).encode()).hexdigest(), "ms_mean": times.mean() * 1e3, "ms_first10": times[:tenth].mean() * 1e3,
            "ms_last10": times[-tenth:].mean() * 1e3, "ms_p99": float(np.percentile(times, 99)) * 1e3,
            "total_s": float(times.sum()), "write_s": write_s,
            "cpu_ms": cpu_s / n * 1e3, "cpu_ms_with_relink": (cpu_s + relink_cpu_s) / n * 1e3,
            "relink_s": relink_s, "relinked": relinked, "ms_with_relink": (times.sum() + relink_s) / n * 1e3, "stories": len(groups), "ivf": back._ivf is not None,
            "peak_rss_mb": rss1, "rss_before_mb": rss0, "state_mb": size / 2 ** 20, "load_s": load_s}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--pool", type=int, default=1500)
    ap.add_argument("--cache", default="/tmp/storyscope_bench_pool.pkl")
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    cache = Path(a.cache)
    if a.child:
        print(json.dumps(run_one(a.child, cache)))
        return
    if not SHARED.exists():
        print(f"skipped: ../shared not found: {SHARED}")
        return
    data = build_pool(a.pool, cache)
    P = len(data["pool"])
    rate = P / data["featurize_seconds"]
    log(f"featurised {P} real articles at {rate:.1f} articles/s (title + lead embedding, 1 thread)")
    rows = []
    for n in [int(x) for x in a.sizes.split(",")]:
        log(f"assigning {n} articles")
        out = subprocess.run([sys.executable, __file__, "--child", str(n), "--cache", str(cache)],
                             check=True, stdout=subprocess.PIPE, text=True)      # progress passes through
        r = json.loads(out.stdout.strip().splitlines()[-1])
        log(f"  done: {r}")
        rows.append(r)
    print(f"Real pool: {P} articles (BASIL, FNC-1, PolNeAR, TimeML), featurised at {rate:.1f} articles/s "
          f"on one core (embedding dominates); streams cycle the pool with unique ids, dates shifted by "
          f"53 days per copy and perturbed vectors.\n")
    print("| articles | stories | index | assign ms/article (mean, with writes) | first 10% | last 10% | p99 ms | "
          "assign total s | of which store writes s | embed s (extrapolated) | peak RSS MB (before adds) | "
          "state in store MB | load s |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['n']:,} | {r['stories']:,} | {'IVF' if r['ivf'] else 'brute'} | {r['ms_mean']:.2f} | "
              f"{r['ms_first10']:.2f} | {r['ms_last10']:.2f} | {r['ms_p99']:.2f} | {r['total_s']:.1f} | "
              f"{r['write_s']:.1f} | {r['n'] / rate:,.0f} | {r['peak_rss_mb']:.0f} ({r['rss_before_mb']:.0f}) | "
              f"{r['state_mb']:.1f} | {r['load_s']:.1f} |")
    print("\nThe run's end (``OnlineClusterer.relink``, as ``Workspace.group`` ends; not in the columns above): "
          + ", ".join(f"{r['n']:,}: {r['relinked']:,} lone articles joined in {r['relink_s']:.1f} s, "
                      f"{r['ms_with_relink']:.2f} ms/article with it" for r in rows))
    print("\nCPU time of this process (assignment, store writes, the bench's loop; wall time above moves with the "
          "machine's load): " + ", ".join(f"{r['n']:,}: {r['cpu_ms']:.2f} ms/article, {r['cpu_ms_with_relink']:.2f} "
                                          f"with the run's end" for r in rows))
    print("\nSHA-1 of the stories (article ids per story, in order) per size, to compare two versions' assignments: "
          + ", ".join(f"{r['n']:,}: {r['groups_sha1'][:12]}" for r in rows))


if __name__ == "__main__":
    main()
