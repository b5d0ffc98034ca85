"""Batch runs over big inputs: the same stages, driven locally or by Ray Data.

Inputs are JSON Lines (the generic stories format), Parquet (same columns) and WARC (HTML
responses). Workers load models once (Ray actors call ``warm_up`` in their constructor) and run
``pipeline.pipe`` on their batches; the driver writes articles and layers to the store, groups
stories and computes every story's findings, then optionally writes Parquet.
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
            on_error(InputError(path, f"could not be read ({e.__class__.__name__}: {e})"))


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
            def get_layers(self, aid):
                return {"debris": Layer("debris", "detect.v1", debris.get(aid, []))}

            def put_layers(self, aid, layers):
                pass
        ids, layer_json, errs = [], [], []
        for art, layers in pipe(arts, _Mem(), self.stages, batch_size=len(arts), on_error=lambda e: errs.append(str(e))):
            ids.append(art.id)
            layer_json.append(_layers_to_json(layers))
        return {"id": ids, "layers": layer_json, "errors": [json.dumps(errs)] * len(ids)}


def run_batch(inputs: list[str], *, ray_address: str | None = None, db: str | None = None, output: str | None = None,
              workers: int = 2, batch_size: int = 16, on_error: Callable[[InputError], None] = lambda e: None,
              compare: bool = True) -> dict:
    from storyscope.workspace import Workspace
    t0 = time.perf_counter()
    timing: dict[str, float] = {}
    items = list(read_batch_inputs(inputs, on_error))
    seen: set[str] = set()
    items = [(a, d) for a, d in items if not (a.id in seen or seen.add(a.id))]
    timing["read"] = time.perf_counter() - t0
    ws = Workspace(db)
    ws.store.add_articles([(a, [d]) for a, d in items])
    t1 = time.perf_counter()
    if ray_address:
        results = _run_on_ray(items, ray_address, workers, batch_size)
        for aid, layers in results.items():
            ws.store.put_layers(aid, [Layer(n, _version_of(n), [Span.from_dict(s) for s in sp]) for n, sp in layers.items()
                                      if n != "debris"])
        mode = f"ray ({workers} workers)"
    else:
        stage_t: dict[str, float] = {}
        from storyscope.pipeline import pipe
        for _ in pipe((a for a, _ in items), ws.store, batch_size=batch_size, on_error=on_error, timings=stage_t):
            pass
        timing.update({f"stage.{k}": round(v, 3) for k, v in stage_t.items()})
        mode = "local"
    timing["stages"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    stories = ws.group()
    timing["group"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    n_findings = 0
    if compare:
        for s in stories:
            f = ws.findings(s["id"])
            n_findings += sum(len(f[k]) for k in ("provenance", "claims", "disputes", "quotes", "timeline", "framing"))
    timing["compare"] = time.perf_counter() - t3
    if output:
        _write_parquet(ws, output, stories)
    ws.close()
    total = time.perf_counter() - t0
    return {"mode": mode, "articles": len(items), "stories": len(stories), "findings": n_findings,
            "seconds": round(total, 2), "articles_per_second": round(len(items) / total, 2) if total else None,
            "timing": {k: round(v, 3) for k, v in timing.items()}}


def _version_of(layer: str) -> str:
    from storyscope.stages.registry import all_stages
    for st in all_stages():
        if layer in st.adds:
            return st.version
    return "unknown"


def _run_on_ray(items, address: str, workers: int, batch_size: int) -> dict[str, dict]:
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
    for row in out.iter_rows():
        results[str(row["id"])] = json.loads(str(row["layers"]))
    return results


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
                                          "findings": json.dumps(ws.findings(s["id"]))} for s in stories]),
                   os.path.join(output, "stories.parquet"))
