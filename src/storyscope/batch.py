"""Batch runs over big inputs: the one ``orchestrate.Orchestrator`` path, driven locally or by Ray.

Inputs are JSON Lines (the generic stories format), Parquet (same columns) and WARC (HTML
responses). ``run_batch`` ingests them and runs the orchestrator; on Ray its reading hook
(``RayReading``) runs ``pipeline.pipe`` on Ray Data actors (``StageWorker``, models loaded once in the
constructor) and the driver writes their layers; grouping runs on the driver (one sequential pass,
~2 ms/article); the comparing hook (``RayComparing``) compares each stale story on ``StoryWorker``
actors, biggest stories first, and the driver stores the findings. Locally both run in this process.
Parquet output is optional.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable, Iterator

from storyscope import errors
from storyscope.errors import InputError
from storyscope.record import Article, Layer, Span


def read_batch_inputs(inputs: list[str], on_error: Callable[[InputError], None]) -> Iterator[tuple[Article, Layer]]:
    from storyscope.ingest import expand, read_sources
    from storyscope.ingest.jsonl import record_to_article
    for path in expand(inputs, on_error) if not any(i.endswith((".parquet", ".warc", ".warc.gz")) for i in inputs) else inputs:
        try:
            if path.endswith(".parquet"):
                import pyarrow.parquet as pq
                for n, rec in enumerate(pq.read_table(path).to_pylist(), 1):
                    try:
                        yield record_to_article(rec, f"{path}:{n}", path)
                    except InputError as e:
                        on_error(e)
            elif path.endswith((".warc", ".warc.gz")):
                yield from _read_warc(path, on_error)
            else:
                yield from read_sources([path], on_error=on_error)
        except InputError as e:
            on_error(e)
        except (OSError, ValueError) as e:
            on_error(InputError(path, errors.UNREADABLE.format(detail=f"{e.__class__.__name__}: {e}")))


def _read_warc(path: str, on_error) -> Iterator[tuple[Article, Layer]]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as e:
        raise errors.MissingDependency("WARC reading", "pip install warcio") from e
    from storyscope.ingest.html import html_to_article
    from storyscope.ingest.text import decode
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI") or ""
            ctype = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
            if "html" not in ctype:
                continue
            src = f"{path}#{url}"
            try:
                data = rec.content_stream().read()
                yield html_to_article(decode(data, src), src, path=path, url=url)
            except InputError as e:
                on_error(e)


def _layers_to_json(layers: dict[str, list[Span]]) -> str:
    return json.dumps({n: [s.to_dict() for s in sp] for n, sp in layers.items()})


class StageWorker:
    """A Ray actor (or a local object): models load once, in the constructor."""

    def __init__(self):
        from storyscope.pipeline import resolve_stages
        self.stages = resolve_stages()
        for st in self.stages:
            st.warm_up()

    def __call__(self, batch: dict) -> dict:
        from storyscope.pipeline import pipe
        arts = [Article.from_dict(json.loads(a)) for a in batch["article"]]
        debris = {a.id: [Span.from_dict(s) for s in json.loads(d)] for a, d in zip(arts, batch["debris"])}

        class _Mem:  # the pipeline's cache view: only the debris layer is known up front
            def __init__(self):
                self.put: dict[str, dict[str, Layer]] = {}

            def get_layers(self, aid):
                return {"debris": Layer("debris", "detect.v1", debris.get(aid, []))}

            def put_layers(self, aid, layers):
                self.put.setdefault(aid, {}).update({l.name: l for l in layers})
        from storyscope.stages import nlp
        mem = _Mem()
        ids, layer_json, parses, errs = [], [], [], []
        for art, layers in pipe(arts, mem, self.stages, batch_size=len(arts), on_error=lambda e: errs.append(str(e))):
            ids.append(art.id)
            # each layer with the lineage version the pipeline gave it, so the driver stores exactly that
            layer_json.append(json.dumps({n: l.to_dict() for n, l in mem.put.get(art.id, {}).items()}))
            doc = nlp.cached(art.text)  # shipped to the driver, stored, and reused by the comparison
            parses.append(nlp.doc_to_bytes(doc) if doc is not None else b"")
        return {"id": ids, "layers": layer_json, "parse": parses, "errors": [json.dumps(errs)] * len(ids),
                "rss_mb": [_peak_rss_mb()] * len(ids)}


def run_batch(inputs: list[str], *, ray_address: str | None = None, db: str | None = None, output: str | None = None,
              workers: int = 2, batch_size: int = 16, on_error: Callable[[InputError], None] = lambda e: None,
              compare: bool = True, processes: int = 1) -> dict:
    """Ingest ``inputs`` (JSON Lines, Parquet, WARC) into the store ``db``, read, group and (``compare``)
    compare every story through ``orchestrate.Orchestrator``: in this process (``processes`` > 1: reading and
    comparison in this process and ``processes - 1`` workers over the same store, ``processes.WorkerPool``; an in-memory
    store stays in this process), or with ``ray_address`` ("local" starts a local Ray) reading on
    ``workers`` Ray Data actors and comparing on Ray actors.
    ``output``: a folder for ``articles.parquet`` and ``stories.parquet``. Bad inputs and failed stories
    go to ``on_error``. Returns a summary: mode, articles, stories, findings, seconds (wall clock),
    articles_per_second, timing (seconds per phase and per stage); raises errors.MissingDependency
    without Ray or warcio when they are needed."""
    from storyscope.orchestrate import InProcessComparing, InProcessReading, Orchestrator
    from storyscope.workspace import Workspace
    t0 = time.perf_counter()
    worker_rss: dict[str, float] = {}  # peak RSS (MB) a Ray worker reported, per phase
    ws = Workspace(db)
    pool = None
    if ray_address:
        reading, comparing = RayReading(ray_address, workers, batch_size, worker_rss), RayComparing(workers, worker_rss)
    else:
        from storyscope.processes import ProcessComparing, ProcessReading, pool_for
        pool = pool_for(ws.store, processes)  # started now: the workers' models load during the ingest
        reading, comparing = ((ProcessReading(pool, batch_size), ProcessComparing(pool)) if pool
                              else (InProcessReading(batch_size), InProcessComparing()))
    try:
        res = Orchestrator(ws, on_error=on_error, reading=reading, comparing=comparing).run(
            inputs, read_inputs=read_batch_inputs, read="inputs", compare=compare)
    finally:
        if pool:
            pool.close()
            worker_rss.update(pool.peak_rss_mb)
    n_findings = sum(sum(len(f[k]) for k in ("provenance", "claims", "disputes", "quotes", "timeline", "framing"))
                     for f in res.findings.values() if f is not None)
    if output:
        _write_parquet(ws, output, res.stories)
    ws.close()
    total = time.perf_counter() - t0
    timing = {"read": res.timing.get("ingest", 0.0), "stages": res.timing.get("read", 0.0),
              **{k: v for k, v in res.timing.items() if k.startswith("stage.")},
              "group": res.timing.get("group", 0.0), "compare": res.timing.get("compare", 0.0),
              **({"workers_ready": pool.ready_s} if pool and pool.ready_s is not None else {})}
    n = len(res.input_ids)
    mode = f"ray ({workers} workers)" if ray_address else f"local ({pool.processes} processes)" if pool else "local"
    return {"mode": mode, "articles": n, "stories": len(res.stories),
            "findings": n_findings, "stories_compared_on_workers": getattr(comparing, "on_workers", 0),
            **({"worker_peak_rss_mb": worker_rss} if ray_address or pool else {}),
            "seconds": round(total, 2), "articles_per_second": round(n / total, 2) if total else None,
            "timing": {k: round(v, 3) for k, v in timing.items()}}


class RayReading:
    """``orchestrate`` reading hook: the reading stages on ``workers`` Ray Data actors (``StageWorker``);
    the driver stores their layers and parses. Every given article is read again."""

    def __init__(self, address: str, workers: int, batch_size: int, worker_rss: dict[str, float]):
        self.address, self.workers, self.batch_size, self.worker_rss = address, workers, batch_size, worker_rss

    def read(self, ws, ids, on_error, advance, timings) -> None:
        """Read the stored articles ``ids`` (None: all) on Ray and store the results."""
        from storyscope.stages.nlp import parse_key
        items = [(a, ws.store.get_layers(a.id).get("debris") or Layer("debris", "detect.v1", []))
                 for a in ws.store.iter_articles(ids)]
        results, parses = _run_on_ray(items, self.address, self.workers, self.batch_size, self.worker_rss)
        if parses:
            ws.store.put_parses(parse_key(), list(parses.items()))
        for aid, layers in results.items():
            ws.store.put_layers(aid, [Layer.from_dict(d) for n, d in layers.items() if n != "debris"])
        advance(len(items))


class RayComparing:
    """``orchestrate`` comparing hook: stale stories compared on Ray actors (``StoryWorker``, biggest
    first), their findings stored by the driver; ``on_workers`` counts them."""

    def __init__(self, workers: int, worker_rss: dict[str, float]):
        self.workers, self.worker_rss, self.on_workers = workers, worker_rss, 0

    def compare(self, ws, story_ids: list[str], on_error, advance) -> dict[str, dict | None]:
        """Findings per story id (None: failed, reported through ``on_error``)."""
        self.on_workers, failed = _compare_on_ray(ws, self.workers, on_error, self.worker_rss, story_ids)
        out = {}
        for sid in story_ids:  # now stored: read back (a story the workers could not compare is compared here)
            out[sid] = None if sid in failed else ws.findings_or_report(sid, on_error)
            advance(1)
        return out


def _run_on_ray(items, address: str, workers: int, batch_size: int,
                worker_rss: dict[str, float]) -> tuple[dict[str, dict], dict[str, bytes]]:
    """Layers and compressed parses per article id, from the Ray reading workers."""
    try:
        import ray
    except ImportError as e:
        raise errors.MissingDependency("Ray", "pip install 'ray[data]'") from e
    if not ray.is_initialized():
        src = str(Path(__file__).resolve().parents[1])
        env = {"env_vars": {"PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", ""),
                            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1"}}
        if address in ("local", "auto", ""):
            ray.init(num_cpus=max(workers, 1), include_dashboard=False, runtime_env=env, log_to_driver=False,
                     configure_logging=False)
        else:
            ray.init(address=address, runtime_env=env, log_to_driver=False)
    rows = [{"article": json.dumps(a.to_dict()), "debris": json.dumps([s.to_dict() for s in d.spans])} for a, d in items]
    ds = ray.data.from_items(rows, override_num_blocks=max(workers * 2, 1))
    out = ds.map_batches(StageWorker, batch_size=batch_size, concurrency=workers, num_cpus=1, batch_format="numpy")
    results: dict[str, dict] = {}
    parses: dict[str, bytes] = {}
    for row in out.iter_rows():
        results[str(row["id"])] = json.loads(str(row["layers"]))
        if row["parse"]:
            parses[str(row["id"])] = bytes(row["parse"])
        worker_rss["reading"] = max(worker_rss.get("reading", 0), float(row["rss_mb"]))
    return results, parses


class StoryWorker:
    """Compares whole stories on a Ray worker: both models load once, in the constructor."""

    def __init__(self):
        from storyscope.services import Services
        Services().warm_up()  # MiniLM and spaCy, once per worker process

    def compare(self, payload: str) -> str:
        """Findings of one story, plus the vectors it computed (the driver persists them)."""
        import base64
        from storyscope.dossier.build import compare_story
        from storyscope.services import Services
        from storyscope.stages import nlp
        p = json.loads(payload)
        arts = [Article.from_dict(a) for a in p["articles"]]
        layers = {aid: {n: [Span.from_dict(s) for s in sp] for n, sp in ls.items()} for aid, ls in p["layers"].items()}
        for a in arts:  # the reading workers' parses: no re-parse here
            if p.get("parses", {}).get(a.id):
                nlp.remember(a.text, nlp.doc_from_bytes(base64.b64decode(p["parses"][a.id])))
        new = _CollectVectors()
        try:
            with Services(new).active():
                from storyscope.pipeline import reread_without_store
                findings = compare_story(p["story"], arts, layers, reread=lambda changed: reread_without_store(changed, layers))
        except Exception as e:  # noqa: BLE001 - reported by the driver; the worker goes on
            return json.dumps({"story_id": p["story"]["id"], "error": f"{e.__class__.__name__}: {e}"})
        return json.dumps({"story_id": p["story"]["id"], "key": p["key"], "findings": findings, "rss_mb": _peak_rss_mb(),
                           "vectors": [(k, base64.b64encode(v).decode()) for k, v in new.items]})


def _peak_rss_mb() -> float:
    import resource
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class _CollectVectors:
    """A vector store for a worker without one: nothing stored yet; keeps what is computed."""

    def __init__(self):
        self.items: list[tuple[str, bytes]] = []

    def get_vectors(self, model, keys):
        return {}

    def put_vectors(self, model, items):
        self.items.extend(items)


def _compare_on_ray(ws, workers: int, on_error: Callable[[InputError], None],
                    worker_rss: dict[str, float], story_ids: list[str]) -> tuple[int, set[str]]:
    """The findings of every stale story among ``story_ids``, computed on ``workers`` Ray actors and
    stored by the driver.

    Returns how many stories the workers compared, and the ids of those whose comparison failed
    (each reported through ``on_error``)."""
    import base64
    import ray
    from ray.util import ActorPool
    from storyscope.services import Services
    from storyscope.stages.nlp import parse_key
    payloads, failed = [], set()
    for sid in story_ids:
        story, arts, layers, key = ws.comparison_inputs(sid)
        if ws.store.get_findings(story["id"], key) is not None:
            continue  # up to date
        stored = ws.store.get_parses(parse_key(), [a.id for a in arts])
        payloads.append((len(arts), json.dumps({
            "story": story, "key": key, "articles": [a.to_dict() for a in arts],
            "parses": {aid: base64.b64encode(b).decode() for aid, b in stored.items()},
            "layers": {a.id: {n: [s.to_dict() for s in sp] for n, sp in layers[a.id].items()} for a in arts}})))
    if not payloads:
        return 0, failed
    payloads.sort(key=lambda p: -p[0])  # biggest first, so no worker is left with a long tail
    actor = ray.remote(num_cpus=1)(StoryWorker)
    pool = ActorPool([actor.remote() for _ in range(max(1, min(workers, len(payloads))))])
    for out in pool.map_unordered(lambda a, p: a.compare.remote(p), [p for _, p in payloads]):
        r = json.loads(out)
        if "error" in r:
            failed.add(r["story_id"])
            on_error(errors.comparison_failed(r["story_id"], r["error"]))
            continue
        worker_rss["comparing"] = max(worker_rss.get("comparing", 0), r["rss_mb"])
        ws.save_findings(r["story_id"], r["findings"])
        ws.store.put_vectors(Services().embedder().model_name, [(k, base64.b64decode(v)) for k, v in r["vectors"]])
    return len(payloads), failed


def _write_parquet(ws, output: str, stories: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    os.makedirs(output, exist_ok=True)
    arts = ws.articles()
    pq.write_table(pa.Table.from_pylist([{**{k: v for k, v in a.to_dict().items() if k != "meta"},
                                          "meta": json.dumps(a.meta),
                                          "layers": _layers_to_json(ws.layers(a.id))} for a in arts]),
                   os.path.join(output, "articles.parquet"))
    pq.write_table(pa.Table.from_pylist([{"id": s["id"], "title": s.get("title", ""), "article_ids": s["article_ids"],
                                          # null for a story whose failure run_batch already reported
                                          "findings": json.dumps(ws.findings_or_report(s["id"], lambda e: None))}
                                         for s in stories]),
                   os.path.join(output, "stories.parquet"))
