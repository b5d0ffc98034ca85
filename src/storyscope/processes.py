"""Every core of one machine: the reading stages and each story's comparison in this process and in
worker processes at once.

``WorkerPool(store_url, processes)`` is this process (the driver) plus ``processes - 1`` spawned workers
(``multiprocessing`` "spawn", so a worker never inherits the OpenMP threads of a process that already
ran torch; a fork could hang), each with its own ``Workspace`` over the same store (by URL: an SQLite
file in WAL mode or PostgreSQL) and its models loaded once when it starts (spaCy, MiniLM, the
same-claim pair judge), torch on ``cores // processes`` threads. Items come from one queue: the driver
starts on them at once and each worker joins when its models are loaded, so a worker's start (several
seconds of imports and model loading) is never on the critical path. Its two ``orchestrate`` hooks do
exactly what the in-process ones do, each item wherever it lands:

* ``ProcessReading``: ``Workspace.analyze`` over chunks of article ids (layers and parses stored by the
  process that read them), and the title + lead vectors the driver's serial grouping will read;
* ``ProcessComparing``: ``Workspace.findings`` of each story (findings, re-read layers, inferred dates
  and vectors stored by the process that compared it), biggest story first.

Every vector, pair-judge score and parse is a function of its own text (``stages.embed.token_batches``),
so the findings are those of one process (``tests/test_batch.py`` compares them on the example corpus).
Grouping stays in the driver (``orchestrate.Orchestrator``). A store without a URL (``:memory:``)
cannot be shared: ``pool_for`` then returns None and the run stays in-process.
"""
from __future__ import annotations

import multiprocessing
import os
import time
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


def lead_vectors(ws, ids: list[str]) -> None:
    """Embed (and store) the title + lead of the articles ``ids`` as the grouping will
    (``stories.features.lead``), so the driver's serial grouping finds them computed while reading ran
    on every core."""
    from storyscope.stages.embed import embed
    from storyscope.stories.features import lead
    from storyscope.stories.online import Params
    with ws.services.active():
        embed([lead(a.title or "", a.text or "", Params().lead_sentences) for a in ws.articles(ids)], batch_size=64)


def _read(ids: list[str]) -> tuple[int, dict[str, float], list[tuple[str, str]], float]:
    """Read ``ids`` in this worker, and their ``lead_vectors``: (articles read, stage seconds, errors as
    (source, reason), peak RSS MB of this worker)."""
    errs: list[tuple[str, str]] = []
    timings: dict[str, float] = {}
    n = _WS.analyze(ids, batch_size=max(1, len(ids)), on_error=lambda e: errs.append((e.source, e.reason)),
                    timings=timings)
    lead_vectors(_WS, ids)
    return n, timings, errs, _peak_rss_mb()


def _compare(story_id: str) -> tuple[str, dict | None, str | None, float]:
    """One story's findings in this worker: (story id, findings, None, peak RSS MB) or, when it fails,
    (story id, None, error detail, peak RSS MB)."""
    try:
        return story_id, _WS.findings(story_id), None, _peak_rss_mb()
    except Exception as e:  # noqa: BLE001 - reported by the driver; the worker goes on
        return story_id, None, f"{e.__class__.__name__}: {e}", _peak_rss_mb()


class WorkerPool:
    """The driver plus ``processes - 1`` spawned worker processes over the store at ``url``. The workers
    start at once (their models load while the driver goes on); every phase takes its items from one
    queue, which the driver works through in this process while a feeder thread per worker hands the
    worker the next item as soon as it is ready and free, so no core waits for a worker's start (and a
    phase whose queue the driver emptied ends without waiting for a worker still starting).
    Torch runs on ``cores // processes`` threads in every process (the driver's count is restored
    after each phase). ``close()`` ends the workers; also a context manager. ``peak_rss_mb``: the
    highest peak RSS (MB) a worker reported, per phase ("reading", "comparing"); ``ready_s``: seconds
    from the start until the first worker had its models loaded; ``on_workers``: items each phase
    handed to workers. ``driver=False``: the driver only hands items out (every item on a worker, unless
    no worker is alive). An item whose worker died is done by the driver."""

    def __init__(self, url: str, processes: int = 2, driver: bool = True):
        self.url, self.processes, self.workers, self.driver = url, processes, processes - 1, driver
        self.peak_rss_mb: dict[str, float] = {}
        self.on_workers: dict[str, int] = {}
        self.ready_s: float | None = None
        self._t0 = time.perf_counter()
        self._threads = max(1, cores() // processes)
        ctx = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_start,
                                         initargs=(url, self._threads))
        self._warming = [self._pool.submit(_ready) for _ in range(self.workers)]  # spawns every worker now

    def _share(self, phase: str, items: list, local: Callable, remote: Callable, advance: Callable[[int], None],
               size: Callable = lambda item: 1) -> list:
        """``local(item)`` in this process and ``remote`` on the workers over one queue of ``items``;
        results in the order of ``items``. ``advance`` is called from this thread only."""
        import queue
        import threading

        import torch
        todo: "queue.Queue[tuple[int, object]]" = queue.Queue()
        for k, item in enumerate(items):
            todo.put((k, item))
        results: list = [None] * len(items)
        finished: list[int] = []  # sizes of items the workers finished, not yet told to ``advance``
        lock = threading.Lock()

        drained = threading.Event()  # the driver found the queue empty: a worker still starting is not waited for

        def feed(warming) -> None:
            while True:
                try:
                    warming.result(timeout=0.05)  # a worker is ready
                    break
                except TimeoutError:
                    if drained.is_set():
                        return
                except Exception:  # noqa: BLE001 - a worker that cannot start: the driver does its share
                    return
            with lock:
                if self.ready_s is None:
                    self.ready_s = round(time.perf_counter() - self._t0, 2)
            while True:
                try:
                    k, item = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    results[k] = self._pool.submit(remote, item).result()
                except Exception:  # noqa: BLE001 - the worker died: the item goes back to the driver
                    todo.put((k, item))
                    return
                with lock:
                    finished.append(size(item))
                    self.on_workers[phase] = self.on_workers.get(phase, 0) + 1

        def told() -> int:
            with lock:
                n = sum(finished)
                finished.clear()
            return n
        feeders = [threading.Thread(target=feed, args=(w,), daemon=True) for w in self._warming]
        before = torch.get_num_threads()
        torch.set_num_threads(self._threads)
        def drain() -> None:
            while True:
                try:
                    k, item = todo.get_nowait()
                except queue.Empty:
                    return
                results[k] = local(item)
                advance(size(item) + told())
        try:
            for t in feeders:
                t.start()
            if self.driver:
                drain()
                drained.set()
            for t in feeders:
                t.join()
            drain()  # what a worker that died or never started left
        finally:
            torch.set_num_threads(before)
        if (n := told()):
            advance(n)
        return results

    def read(self, ws, ids: list[str], on_error: Callable[[InputError], None], advance: Callable[[int], None],
             timings: dict[str, float], batch_size: int = 16) -> int:
        """``Workspace.analyze`` of ``ids`` in chunks of at most ``batch_size`` (smaller when that keeps
        every process busy), here and on the workers; stage seconds (summed over processes) are added to
        ``timings``. Returns the number of articles read."""
        per = max(1, min(batch_size, -(-len(ids) // (2 * self.processes))))
        chunks = [ids[i:i + per] for i in range(0, len(ids), per)]

        def local(chunk):
            n = ws.analyze(chunk, batch_size=len(chunk), on_error=on_error, timings=timings)
            lead_vectors(ws, chunk)
            return n, {}, [], None
        done = 0
        for n, t, errs, rss in self._share("reading", chunks, local, _read, advance, size=len):
            if rss is not None:
                self._rss("reading", rss)
            for source, reason in errs:
                on_error(InputError(source, reason))
            for k, v in t.items():
                timings[k] = timings.get(k, 0.0) + v
            done += n
        return done

    def compare(self, ws, story_ids: list[str], on_error: Callable[[InputError], None],
                advance: Callable[[int], None]) -> dict[str, dict | None]:
        """Findings per story id (None: failed, reported through ``on_error``), biggest story first,
        here and on the workers."""
        size = {sid: len(ws.story(sid)["article_ids"]) for sid in story_ids}
        order = sorted(story_ids, key=lambda s: -size[s])  # stable: stories of one size keep their order

        def local(sid):
            return sid, ws.findings_or_report(sid, on_error), None, None
        out: dict[str, dict | None] = {}
        for sid, found, err, rss in self._share("comparing", order, local, _compare, advance):
            if rss is not None:
                self._rss("comparing", rss)
            if err is not None:
                on_error(errors.comparison_failed(sid, err))
            out[sid] = found
        return {sid: out[sid] for sid in story_ids}

    def _rss(self, phase: str, mb: float) -> None:
        self.peak_rss_mb[phase] = round(max(self.peak_rss_mb.get(phase, 0.0), mb), 1)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def pool_for(store, processes: int) -> WorkerPool | None:
    """A ``WorkerPool`` of ``processes`` processes (this one included) over ``store``, or None when one
    process is asked for or the store cannot be opened by another process (an in-memory SQLite)."""
    url = getattr(store, "url", None)
    if processes < 2 or not url or url == ":memory:":
        return None
    return WorkerPool(url, processes)


class ProcessReading:
    """``orchestrate`` reading hook: ``Workspace.analyze`` here and on the pool's workers."""

    def __init__(self, pool: WorkerPool, batch_size: int = 16):
        self.pool, self.batch_size = pool, batch_size

    def read(self, ws, ids: list[str] | None, on_error, advance, timings: dict[str, float]) -> None:
        """Read the stored articles ``ids`` (None: all) here and on the workers."""
        ids = ws.store.find_articles("") if ids is None else ids
        self.pool.read(ws, ids, on_error, advance, timings, self.batch_size)


class ProcessComparing:
    """``orchestrate`` comparing hook: each story's ``Workspace.findings`` here and on the pool's workers
    (``on_workers``: how many stories the workers compared)."""

    def __init__(self, pool: WorkerPool):
        self.pool = pool

    @property
    def on_workers(self) -> int:
        return self.pool.on_workers.get("comparing", 0)

    def compare(self, ws, story_ids: list[str], on_error, advance) -> dict[str, dict | None]:
        """Findings per story id (None: failed, reported through ``on_error``)."""
        return self.pool.compare(ws, story_ids, on_error, advance)
