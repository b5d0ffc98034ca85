"""kill -9 during ingest: the store opens, nothing committed is lost or duplicated, a re-run finishes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "reliability"))
from crash_safety import check  # noqa: E402
from synth import write_corpus  # noqa: E402


def test_kill_during_ingest(tmp_path):
    corpus = tmp_path / "c"
    write_corpus(corpus, 800)
    db = str(tmp_path / "k.db")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "storyscope.cli", "ingest", str(corpus), "--db", db]
    last, kills = 0, 0
    for delay in (1.5, 2.5, 3.5):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
            kills += 1
        p.wait()
        if not os.path.exists(db):
            continue
        c = check(db)
        assert c["integrity_ok"] and c["duplicates"] == 0 and c["half_written"] == 0 and c["bad_layers"] == 0
        assert c["articles"] >= last and c["fts_rows"] == c["articles"]
        last = c["articles"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    c = check(db)
    assert c["articles"] == 800 and c["duplicates"] == 0 and c["half_written"] == 0
