"""Two ``storyscope ingest`` processes and the web server on one SQLite file, all at once.

The two corpora overlap (the same fictional articles in both), the server is polled on /, /api/stories,
/api/search and /api/articles while the ingests run. Counted: non-2xx answers, request exceptions,
"database is locked" anywhere, ingest exit codes and error lines, and lost or duplicated articles
(the final count must equal the union of both corpora). Loopback only; bounded in time and requests.

    python benchmarks/reliability/concurrency.py --articles 1500 --overlap 500
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from synth import write_corpus  # noqa: E402

PATHS = ["/", "/api/stories", "/api/search?q=ferry", "/api/articles?limit=50", "/api/search?q=harbour+Orlen"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _split(folder: Path, total: int, overlap: int) -> tuple[Path, Path]:
    """Corpus A gets the first half plus the overlap, corpus B the second half plus the overlap."""
    files = write_corpus(folder / "all", total)
    half = (total - overlap) // 2
    a, b = folder / "a", folder / "b"
    for dest, chosen in ((a, files[:half + overlap]), (b, files[half:])):
        dest.mkdir()
        for f in chosen:
            shutil.copy(f, dest / f.name)
    return a, b


def _poll(base: str, stop: threading.Event, stats: dict, max_requests: int) -> None:
    i = 0
    while not stop.is_set() and stats["requests"] < max_requests:
        path = PATHS[i % len(PATHS)]
        i += 1
        stats["requests"] += 1
        try:
            with urllib.request.urlopen(base + path, timeout=30) as r:
                body = r.read()
                stats["ok"] += 1
                if b"database is locked" in body:
                    stats["locked"] += 1
        except urllib.error.HTTPError as e:
            stats["non_2xx"] += 1
            body = e.read()
            stats["samples"].append(f"{path}: HTTP {e.code} {body[:120]!r}")
            if b"database is locked" in body:
                stats["locked"] += 1
        except Exception as e:  # noqa: BLE001 - counted, the loop goes on
            stats["exceptions"] += 1
            stats["samples"].append(f"{path}: {e.__class__.__name__}: {e}"[:200])


def run_concurrency(articles: int = 1500, overlap: int = 500, workdir: str | None = None,
                    max_seconds: float = 600, max_requests: int = 20000) -> dict:
    """Run the scenario once; returns the counts (JSON-serialisable)."""
    tmp = Path(workdir or tempfile.mkdtemp(prefix="storyscope-conc-"))
    a, b = _split(tmp, articles, overlap)
    db = str(tmp / "shared.db")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    port = _free_port()
    server_log = open(tmp / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-c", "import sys; from storyscope.web.app import run_server; "
                               "run_server(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]))", db, str(port)],
                              env=env, stdout=server_log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60:
        try:
            urllib.request.urlopen(base + "/api/stories", timeout=5).read()
            break
        except Exception:  # noqa: BLE001 - not up yet
            if server.poll() is not None:
                raise RuntimeError(f"server exited: {(tmp / 'server.log').read_text()[-500:]}")
            time.sleep(0.2)
    stats = {"requests": 0, "ok": 0, "non_2xx": 0, "exceptions": 0, "locked": 0, "samples": []}
    stop = threading.Event()
    poller = threading.Thread(target=_poll, args=(base, stop, stats, max_requests), daemon=True)
    poller.start()
    t1 = time.monotonic()
    cmds = [[sys.executable, "-m", "storyscope.cli", "ingest", str(c), "--db", db] for c in (a, b)]
    procs = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in cmds]
    outs = []
    for p in procs:
        try:
            outs.append(p.communicate(timeout=max(1.0, max_seconds - (time.monotonic() - t1))))
        except subprocess.TimeoutExpired:
            p.kill()
            outs.append(p.communicate())
    ingest_s = time.monotonic() - t1
    time.sleep(0.5)
    stop.set()
    poller.join(timeout=60)
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    server_log.close()
    conn = sqlite3.connect(db)
    n, distinct = conn.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM articles").fetchone()
    fts = conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    stderr_all = "".join(e for _, e in outs) + (tmp / "server.log").read_text()
    error_lines = [ln for _, e in outs for ln in e.splitlines() if ln.startswith("error:")]
    result = {
        "articles_union": articles, "corpus_a": articles - (articles - overlap) // 2,
        "corpus_b": articles - (articles - overlap) // 2, "overlap": overlap,
        "ingest_exit_codes": [p.returncode for p in procs], "ingest_error_lines": len(error_lines),
        "ingest_summaries": [e.strip().splitlines()[-1] if e.strip() else "" for _, e in outs],
        "ingest_seconds": round(ingest_s, 1),
        "stored": n, "lost": max(0, articles - distinct), "duplicates": n - distinct, "fts_rows": fts,
        "integrity_ok": integrity == "ok",
        "web_requests": stats["requests"], "web_ok": stats["ok"], "web_non_2xx": stats["non_2xx"],
        "web_exceptions": stats["exceptions"],
        "database_locked": stats["locked"] + stderr_all.count("database is locked"),
        "error_samples": (stats["samples"] + error_lines)[:5],
    }
    result["errors"] = (result["web_non_2xx"] + result["web_exceptions"] + result["database_locked"]
                        + result["ingest_error_lines"] + sum(c != 0 for c in result["ingest_exit_codes"]))
    if not workdir:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1500)
    ap.add_argument("--overlap", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    rounds = [run_concurrency(args.articles, args.overlap) for _ in range(args.rounds)]
    print(json.dumps(rounds[0] if len(rounds) == 1 else rounds, indent=2))


if __name__ == "__main__":
    main()
