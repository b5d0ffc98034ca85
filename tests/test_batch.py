"""Batch mode: the same input gives the same findings locally and on a real local Ray."""
from __future__ import annotations

import json
import os

import pytest

pytestmark = pytest.mark.slow

from storyscope.workspace import Workspace

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples", "corpus")


@pytest.fixture(scope="module")
def jsonl_input(tmp_path_factory):
    """The example corpus as one JSON Lines file in the generic format."""
    d = tmp_path_factory.mktemp("batch")
    ws = Workspace(str(d / "src.db"))
    ws.ingest([EXAMPLES])
    path = d / "corpus.jsonl"
    with open(path, "w") as fh:
        for a in ws.articles():
            fh.write(json.dumps({"id": a.id, "outlet": a.outlet, "title": a.title, "published": a.published,
                                 "url": a.url, "text": a.text}) + "\n")
    ws.close()
    return str(path), d


def _snapshot(db: str) -> dict:
    with Workspace(db) as ws:
        layers = {a.id: {n: [(s.start, s.end, s.label) for s in sp] for n, sp in ws.layers(a.id).items()}
                  for a in ws.articles()}
        stories = sorted(sorted(s["article_ids"]) for s in ws.stories())
        findings = {}
        for s in ws.stories():
            f = ws.findings(s["id"])
            findings[tuple(sorted(s["article_ids"]))] = {
                "provenance": sorted((p["article_id"], p["source_id"]) for p in f["provenance"]),
                "claims": sorted(c["text"] for c in f["claims"]),
                "quotes": sorted((q["article_id"], q["text"], q["integrity"]) for q in f["quotes"]),
                "disputes": len(f["disputes"]), "timeline": sorted(t["date"] for t in f["timeline"])}
    return {"layers": layers, "stories": stories, "findings": findings}


def test_local_and_ray_agree(jsonl_input):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'ray[data]')")
    from storyscope.batch import run_batch
    path, d = jsonl_input
    local = run_batch([path], db=str(d / "local.db"))
    on_ray = run_batch([path], db=str(d / "ray.db"), ray_address="local", workers=2, batch_size=4)
    assert local["articles"] == on_ray["articles"] == 9
    assert on_ray["mode"].startswith("ray")
    assert on_ray["stories_compared_on_workers"] == on_ray["stories"] >= 2  # compared on the workers, not the driver
    assert _snapshot(str(d / "local.db")) == _snapshot(str(d / "ray.db"))
    import ray
    ray.shutdown()


def test_parquet_output_and_bad_lines(tmp_path, jsonl_input):
    from storyscope.batch import run_batch
    path, _ = jsonl_input
    bad = tmp_path / "bad.jsonl"
    bad.write_text(open(path).read() + "{broken\n")
    errs = []
    out = run_batch([str(bad)], db=str(tmp_path / "b.db"), output=str(tmp_path / "pq"), on_error=errs.append,
                    compare=False)
    assert out["articles"] == 9 and len(errs) == 1 and "line 10" in str(errs[0])
    import pyarrow.parquet as pq
    assert pq.read_table(tmp_path / "pq" / "articles.parquet").num_rows == 9


def test_one_failing_story_is_reported_and_the_rest_compared(tmp_path, jsonl_input, monkeypatch):
    """A bug in one story's comparison: one line naming the story, every other story still compared."""
    import storyscope.dossier.build as build
    from storyscope.batch import run_batch
    path, _ = jsonl_input
    real, calls = build.compare_story, []

    def flaky(story, arts, layers, **kw):  # a deterministic bug in the first story compared
        calls.append(story["id"])
        if story["id"] == calls[0]:
            raise RuntimeError("simulated bug")
        return real(story, arts, layers, **kw)
    monkeypatch.setattr(build, "compare_story", flaky)
    errs = []
    out = run_batch([path], db=str(tmp_path / "f.db"), on_error=errs.append, output=str(tmp_path / "pq"))
    import pyarrow.parquet as pq
    rows = pq.read_table(tmp_path / "pq" / "stories.parquet").to_pylist()
    assert len(rows) == out["stories"] and sum(r["findings"] == "null" for r in rows) == 1
    assert len(errs) == 1 and str(errs[0]).startswith(f"story {calls[0]}: comparison failed (RuntimeError: simulated bug)")
    assert out["stories"] >= 2 and len(set(calls)) == out["stories"] and out["findings"] > 0


def test_one_process_and_two_processes_agree(jsonl_input):
    """``processes=2``: reading and comparison shared by this process and a worker process over the same
    store give the layers, stories and findings of one process; so do they all on the worker."""
    from storyscope.batch import read_batch_inputs, run_batch
    from storyscope.orchestrate import Orchestrator
    from storyscope.processes import ProcessComparing, ProcessReading, WorkerPool
    path, d = jsonl_input
    errs: list = []     # a failure on a worker is reported, never silently left uncompared
    one = run_batch([path], db=str(d / "one.db"), on_error=errs.append)
    two = run_batch([path], db=str(d / "two.db"), processes=2, on_error=errs.append)
    assert not errs, [str(e) for e in errs]
    assert two["mode"] == "local (2 processes)" and one["mode"] == "local"
    assert one["articles"] == two["articles"] == 9 and one["findings"] == two["findings"] > 0
    with Workspace(str(d / "worker.db")) as ws, WorkerPool(ws.store.url, 2, driver=False) as pool:
        res = Orchestrator(ws, reading=ProcessReading(pool, batch_size=4), comparing=ProcessComparing(pool)).run(
            [path], read_inputs=read_batch_inputs, read="inputs", compare=True)
        assert pool.on_workers == {"reading": 3, "comparing": len(res.stories)} and len(res.stories) >= 2
        assert set(pool.peak_rss_mb) == {"reading", "comparing"} and not res.failed
    for db in ("two.db", "worker.db"):
        with Workspace(str(d / db)) as ws:  # the findings are stored, not recomputed by the snapshot
            assert not ws.unread([a.id for a in ws.articles()]) and all(ws.compared(s["id"]) for s in ws.stories())
    assert _snapshot(str(d / "one.db")) == _snapshot(str(d / "two.db")) == _snapshot(str(d / "worker.db"))


def test_a_phase_the_driver_finished_does_not_wait_for_a_worker_still_starting(tmp_path):
    """The driver emptied the queue while the worker was still loading its models (seconds of imports): the
    phase ends then, and no item goes to the worker (before, the driver sat idle until the worker was up)."""
    from storyscope.processes import WorkerPool
    with Workspace(str(tmp_path / "w.db")) as ws, WorkerPool(ws.store.url, 2) as pool:
        done = []
        assert pool._share("reading", [1, 2, 3], lambda x: 2 * x, str, done.append) == [2, 4, 6]
        assert done == [1, 1, 1] and pool.on_workers == {} and pool.ready_s is None


def test_a_worker_that_cannot_start_leaves_its_share_to_the_driver(tmp_path, jsonl_input):
    """Workers that fail in their initialiser (their store cannot be opened): every chunk is read here."""
    from storyscope.batch import read_batch_inputs
    from storyscope.orchestrate import Orchestrator
    from storyscope.processes import ProcessComparing, ProcessReading, WorkerPool
    path, _ = jsonl_input
    with Workspace(str(tmp_path / "w.db")) as ws, WorkerPool("/proc/no-such-dir/w.db", 2, driver=False) as pool:
        res = Orchestrator(ws, reading=ProcessReading(pool, batch_size=4), comparing=ProcessComparing(pool)).run(
            [path], read_inputs=read_batch_inputs, read="inputs")
        assert len(res.input_ids) == 9 and not ws.unread(res.input_ids) and pool.on_workers == {}
