"""Kill -9 Storyscope repeatedly during a large ingest and during analysis; check the store after each.

After every kill: the store opens, SQLite's integrity check passes, no article is duplicated, the
article count never goes down, every stored article has its ingest layer (nothing half-written),
every stored layer parses. Finally a re-run finishes the job. Prints a JSON summary.

    python benchmarks/reliability/crash_safety.py --articles 3000 --trials 20
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def check(db: str) -> dict:
    conn = sqlite3.connect(db)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        distinct = conn.execute("SELECT COUNT(DISTINCT id) FROM articles").fetchone()[0]
        no_debris = conn.execute("SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
                                 "(SELECT 1 FROM layers l WHERE l.article_id=a.id AND l.name='debris')").fetchone()[0]
        bad_layers = 0
        for (spans,) in conn.execute("SELECT spans FROM layers"):
            try:
                json.loads(spans)
            except ValueError:
                bad_layers += 1
        layer_rows = conn.execute("SELECT COUNT(*) FROM layers").fetchone()[0]
        fts = conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
    finally:
        conn.close()
    return {"integrity_ok": ok, "articles": n, "duplicates": n - distinct, "half_written": no_debris,
            "bad_layers": bad_layers, "layers": layer_rows, "fts_rows": fts}


def cli(*args) -> list[str]:
    return [sys.executable, "-m", "storyscope.cli", *args]


def trial_loop(cmd, db, trials, rng, min_s, max_s, env):
    results, last = [], 0
    for _ in range(trials):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(min_s, max_s))
        killed = p.poll() is None
        if killed:
            os.kill(p.pid, signal.SIGKILL)
        p.wait()
        c = check(db)
        c["killed"] = killed
        c["lost"] = max(0, last - c["articles"])
        last = max(last, c["articles"])
        results.append(c)
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--analysis-articles", type=int, default=120)
    ap.add_argument("--analysis-trials", type=int, default=8)
    args = ap.parse_args()
    rng = random.Random(11)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, args.articles)
        db = str(Path(tmp) / "crash.db")
        ing = trial_loop(cli("ingest", str(corpus), "--db", db), db, args.trials, rng, 0.8, 6.0, env)
        subprocess.run(cli("ingest", str(corpus), "--db", db), env=env, capture_output=True)
        final = check(db)
        # analysis: a smaller corpus, killed while the models run
        small = Path(tmp) / "small"
        write_corpus(small, args.analysis_articles, seed=3)
        db2 = str(Path(tmp) / "crash2.db")
        subprocess.run(cli("ingest", str(small), "--db", db2), env=env, capture_output=True)
        ana = trial_loop(cli("analyze", "--db", db2, "--format", "json", "--output", str(Path(tmp) / "d.json")),
                         db2, args.analysis_trials, rng, 6.0, 25.0, env)
        done = subprocess.run(cli("analyze", "--db", db2, "--format", "json", "--output", str(Path(tmp) / "d.json")),
                              env=env, capture_output=True)
        final2 = check(db2)
        conn = sqlite3.connect(db2)
        complete = conn.execute("SELECT COUNT(DISTINCT article_id) FROM layers WHERE name='quotes'").fetchone()[0]
        conn.close()

    def summary(rows):
        return {"trials": len(rows), "killed_mid_run": sum(r["killed"] for r in rows),
                "integrity_failures": sum(not r["integrity_ok"] for r in rows),
                "duplicates": sum(r["duplicates"] for r in rows), "half_written": sum(r["half_written"] for r in rows),
                "bad_layers": sum(r["bad_layers"] for r in rows), "lost": sum(r["lost"] for r in rows)}
    print(json.dumps({
        "ingest": {**summary(ing), "articles": args.articles, "after_rerun": final["articles"],
                   "finished": final["articles"] == args.articles and final["duplicates"] == 0},
        "analysis": {**summary(ana), "articles": args.analysis_articles, "rerun_exit": done.returncode,
                     "articles_with_all_layers": complete, "finished": complete == args.analysis_articles
                     and final2["duplicates"] == 0},
    }, indent=2))


if __name__ == "__main__":
    main()
