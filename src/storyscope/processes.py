"""Every core of one machine: the reading stages and each story's comparison in worker processes.

``WorkerPool(store_url, workers)`` starts ``workers`` processes (``multiprocessing`` "spawn", so a worker
never inherits the OpenMP threads of a process that already ran torch; a fork would hang), each with its own
``Workspace`` over the same store (by URL: an SQLite file in WAL mode or PostgreSQL) and its models
loaded once when it starts (spaCy, MiniLM, the same-claim pair judge), torch on ``cores // workers``
threads. Its two ``orchestrate`` hooks do exactly what the in-process ones do, only in the workers:

* ``ProcessReading``: ``Workspace.analyze`` over chunks of article ids (layers and parses stored by the
  worker that read them);
* ``ProcessComparing``: ``Workspace.findings`` of each story (findings, re-read layers, inferred dates
  and vectors stored by the worker), biggest story first.

Every vector, pair-judge score and parse is a function of its own text (``stages.embed.token_batches``),
so the findings are those of one process (``tests/test_processes.py`` compares them on the example
corpus). Grouping stays in the driver (``orchestrate.Orchestrator``). A store without a URL (``:memory:``)
cannot be shared: ``pool_for`` then returns None and the run stays in-process.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

from storyscope import errors
from storyscope.errors import InputError

_WS = None  # the worker's Workspace (set by ``_start`` in each worker process)


def cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _start(url: str, threads: int) -> None:
    """Worker initialiser: thread counts before any numeric library loads, then the models, once."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    import torch
    torch.set_num_threads(threads)
    global _WS
    from storyscope.compare.pairs import warm_up as warm_pairs
    from storyscope.pipeline import resolve_stages
    from storyscope.workspace import Workspace
    _WS = Workspace(url)
    _WS.services.warm_up()
    warm_pairs("same-claim")
    for st in resolve_stages():
        st.warm_up()


def _ready() -> int:
    return os.getpid()


def _peak_rss_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read(ids: list[str]) -> tuple[int, dict[str, float], list[tuple[str, str]], float]:
    """Read ``ids`` in this worker: (articles read, stage seconds, errors as (source, reason), peak RSS MB
    of this worker). Also stores
    the MiniLM vectors of their title + lead, which the driver's grouping embeds (``stories.features.lead``):
    the driver then reads them from the store instead of loading MiniLM itself."""
    from storyscope.stages.embed import embed
    from storyscope.stories.features import lead
    from storyscope.stories.online import Params
    errs: list[tuple[str, str]] = []
    timings: dict[str, float] = {}
    n = _WS.analyze(ids, batch_size=max(1, len(ids)), on_error=lambda e: errs.append((e.source, e.reason)),
                    timings=timings)
    with _WS.services.active():
        embed([lead(a.title or "", a.text or "", Params().lead_sentences) for a in _WS.articles(ids)], batch_size=64)
    return n, timings, errs, _peak_rss_mb()


def _compare(story_id: str) -> tuple[str, dict | None, str | None, float]:
    """One story's findings in this worker: (story id, findings, None, peak RSS MB) or, when it fails,
    (story id, None, error detail, peak RSS MB)."""
    try:
        return story_id, _WS.findings(story_id), None, _peak_rss_mb()
    except Exception as e:  # noqa: BLE001 - reported by the driver; the worker goes on
        return story_id, None, f"{e.__class__.__name__}: {e}", _peak_rss_mb()


class WorkerPool:
    """``workers`` worker processes over the store at ``url``, started at once (their models load while
    the driver goes on). ``close()`` ends them; also a context manager. ``peak_rss_mb``: the highest peak
    RSS (MB) a worker reported, per phase ("reading", "comparing")."""

    def __init__(self, url: str, workers: int = 2):
        self.url, self.workers = url, workers
        self.peak_rss_mb: dict[str, float] = {}
        threads = max(1, cores() // workers)
        ctx = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start, initargs=(url, threads))
        self._warming = [self._pool.submit(_ready) for _ in range(workers)]  # spawns every worker now

    def read(self, ids: list[str], on_error: Callable[[InputError], None], advance: Callable[[int], None],
             timings: dict[str, float], batch_size: int = 16) -> int:
        """``Workspace.analyze`` of ``ids`` on the workers, in chunks of at most ``batch_size`` (smaller
        when that keeps every worker busy); stage seconds (summed over workers) are added to ``timings``."""
        per = max(1, min(batch_size, -(-len(ids) // (2 * self.workers))))
        chunks = [ids[i:i + per] for i in range(0, len(ids), per)]
        done = 0
        for chunk, (n, t, errs, rss) in zip(chunks, self._pool.map(_read, chunks)):
            self._rss("reading", rss)
            for source, reason in errs:
                on_error(InputError(source, reason))
            for k, v in t.items():
                timings[k] = timings.get(k, 0.0) + v
            done += n
            advance(len(chunk))
        return done

    def compare(self, ws, story_ids: list[str], on_error: Callable[[InputError], None],
                advance: Callable[[int], None]) -> dict[str, dict | None]:
        """Findings per story id (None: failed, reported through ``on_error``), biggest story first on
        the workers; a story already compared is read from the store here."""
        size = {sid: len(ws.story(sid)["article_ids"]) for sid in story_ids}
        order = sorted(story_ids, key=lambda s: -size[s])  # stable: stories of one size keep their order
        out: dict[str, dict | None] = {}
        for sid, found, err, rss in self._pool.map(_compare, order):
            self._rss("comparing", rss)
            if err is not None:
                on_error(errors.comparison_failed(sid, err))
            out[sid] = found
            advance(1)
        return {sid: out[sid] for sid in story_ids}

    def _rss(self, phase: str, mb: float) -> None:
        self.peak_rss_mb[phase] = round(max(self.peak_rss_mb.get(phase, 0.0), mb), 1)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def pool_for(store, workers: int) -> WorkerPool | None:
    """A ``WorkerPool`` over ``store`` with ``workers`` processes, or None when one process is asked
    for or the store cannot be opened by another process (an in-memory SQLite)."""
    url = getattr(store, "url", None)
    if workers < 2 or not url or url == ":memory:":
        return None
    return WorkerPool(url, workers)


class ProcessReading:
    """``orchestrate`` reading hook: ``Workspace.analyze`` on the pool's workers."""

    def __init__(self, pool: WorkerPool, batch_size: int = 16):
        self.pool, self.batch_size = pool, batch_size

    def read(self, ws, ids: list[str] | None, on_error, advance, timings: dict[str, float]) -> None:
        """Read the stored articles ``ids`` (None: all) on the workers."""
        ids = ws.store.find_articles("") if ids is None else ids
        self.pool.read(ids, on_error, advance, timings, self.batch_size)


class ProcessComparing:
    """``orchestrate`` comparing hook: each story's ``Workspace.findings`` on the pool's workers."""

    def __init__(self, pool: WorkerPool):
        self.pool, self.on_workers = pool, 0

    def compare(self, ws, story_ids: list[str], on_error, advance) -> dict[str, dict | None]:
        """Findings per story id (None: failed, reported through ``on_error``); ``on_workers`` counts them."""
        self.on_workers = len(story_ids)
        return self.pool.compare(ws, story_ids, on_error, advance)
