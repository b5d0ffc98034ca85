"""Two ingest processes and the web server (uvicorn, loopback) on one SQLite file at once."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "reliability"))
from concurrency import run_concurrency  # noqa: E402


def test_two_ingests_and_the_server_lose_nothing(tmp_path):
    r = run_concurrency(articles=240, overlap=80, workdir=str(tmp_path), max_seconds=240, max_requests=3000)
    assert r["ingest_exit_codes"] == [0, 0]
    assert r["web_requests"] > 0 and r["web_ok"] == r["web_requests"]
    assert r["database_locked"] == 0 and r["errors"] == 0, r["error_samples"]
    assert r["stored"] == 240 and r["lost"] == 0 and r["duplicates"] == 0 and r["fts_rows"] == 240
    assert r["integrity_ok"]
    added = [int(s.split()[0]) for s in r["ingest_summaries"]]
    assert sum(added) == 240  # each article added by exactly one of the two processes
