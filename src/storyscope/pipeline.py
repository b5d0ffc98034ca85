"""The one streaming runner: ``pipe(articles, store, batch_size)`` drives every stage.

Per batch, each stage runs only on articles whose stored layer was made by another version of the
stage *or from other inputs*: a layer is stored under its stage's lineage version (``lineage_version``:
the stage version plus a digest of the versions of the layers it read), so when a stage it depends on
changes, its layer is recomputed too. Re-running computes only what changed. A failing batch is retried article
by article, so one bad article is reported and skipped while the rest go on. Local runs, the web
app and Ray workers all call this.
"""
from __future__ import annotations

import hashlib
import sys
import time
from typing import Callable, Iterable, Iterator

from storyscope import errors
from storyscope.errors import InputError
from storyscope.record import Article, Layer, Span
from storyscope.stages.registry import Stage, all_stages, get_stage


def resolve_stages(names: Iterable[str] | None = None) -> list[Stage]:
    if names is None:
        return all_stages()
    wanted = set(names)
    return [s for s in all_stages() if s.name in wanted]


def lineage_version(stage: Stage, input_versions: dict[str, str], article: Article | None = None) -> str:
    """The version a stage's layers are stored under: ``stage.version`` alone for a stage that reads no
    layer and no article field, else ``"<stage.version>@<8 hex>"`` where the digest covers the (lineage)
    version of every layer it requires, as given by ``input_versions`` (layer name -> version; a missing
    layer counts as "-"), and the value of every ``stage.reads_article`` field of ``article``.
    Two layers with the same lineage version were computed by the same code from the same inputs."""
    if not stage.requires and not stage.reads_article:
        return stage.version
    key = ",".join([f"{r}={input_versions.get(r, '-')}" for r in stage.requires]
                   + [f"{f}={getattr(article, f, None)}" for f in stage.reads_article])
    return f"{stage.version}@{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for it in items:
        batch.append(it)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_stage_isolated(stage: Stage, batch, on_error) -> list[dict | None]:
    """Run a stage on a batch; on failure, retry per article so only the culprit is lost."""
    try:
        return stage.run(batch)
    except Exception:
        if len(batch) == 1:
            art = batch[0][0]
            import traceback
            detail = traceback.format_exc(limit=1).strip().splitlines()[-1]
            on_error(InputError(art.path or art.id, errors.STAGE_FAILED.format(stage=stage.version, detail=detail)))
            return [None]
        out = []
        for item in batch:
            out.extend(run_stage_isolated(stage, [item], on_error))
        return out


def pipe(articles: Iterable[Article], store=None, stages: list[Stage] | None = None, batch_size: int = 32,
         on_error: Callable[[InputError], None] = lambda e: None, force: bool = False,
         progress: Callable[[int], None] | None = None,
         timings: dict[str, float] | None = None) -> Iterator[tuple[Article, dict[str, list[Span]]]]:
    """Yield each article with all its layers (spans by layer name) after every stage has run."""
    stages = stages if stages is not None else all_stages()
    for st in stages:
        st.warm_up()
    for batch in _batches(articles, batch_size):
        ids = [a.id for a in batch]
        stored = {a.id: store.get_layers(a.id) if store else {} for a in batch}
        layers = {aid: {n: l.spans for n, l in stored[aid].items()} for aid in ids}
        versions = {aid: {n: l.version for n, l in stored[aid].items()} for aid in ids}
        failed: set[str] = set()
        new_layers: dict[str, list[Layer]] = {aid: [] for aid in ids}
        for st in stages:
            want = {a.id: lineage_version(st, versions[a.id], a) for a in batch}
            todo = [a for a in batch if a.id not in failed and (force or any(
                versions[a.id].get(n) != want[a.id] for n in st.adds))]
            if not todo:
                continue
            t0 = time.perf_counter()
            results = run_stage_isolated(st, [(a, {r: layers[a.id].get(r, []) for r in st.requires}) for a in todo],
                                         on_error)
            if timings is not None:
                timings[st.name] = timings.get(st.name, 0.0) + time.perf_counter() - t0
            for art, res in zip(todo, results):
                if res is None:
                    failed.add(art.id)
                    continue
                for name, spans in res.items():
                    layers[art.id][name] = spans
                    versions[art.id][name] = want[art.id]
                    new_layers[art.id].append(Layer(name, want[art.id], spans))
        if store is not None:
            for aid in ids:
                if new_layers[aid]:  # keep what succeeded, even when a later stage failed
                    store.put_layers(aid, new_layers[aid])
            nlp = sys.modules.get("storyscope.stages.nlp")  # only when a stage parsed something
            if nlp is not None and hasattr(store, "put_parses"):
                nlp.save_parses(store, [a for a in batch if new_layers[a.id]])
        for art in batch:
            if art.id not in failed:
                yield art, layers[art.id]
        if progress:
            progress(len(batch))


def stale_stages(article: Article, stored_versions: dict[str, str], stages: list[Stage] | None = None) -> list[Stage]:
    """The stages ``pipe`` would run on ``article`` given its stored layer versions (layer name -> version)."""
    versions = dict(stored_versions)
    stale = []
    for st in stages if stages is not None else all_stages():
        want = lineage_version(st, versions, article)
        if any(versions.get(n) != want for n in st.adds):
            stale.append(st)
        versions.update({n: want for n in st.adds})
    return stale


def reread_without_store(arts: list[Article], layers: dict[str, dict[str, list[Span]]]) -> dict[str, dict[str, list[Span]]]:
    """For a worker without a store: recompute the layers of ``arts`` that depend on an article field
    (``Stage.reads_article``, e.g. the publication date) and of every stage downstream of them, the other
    layers taken from ``layers`` (article id -> layer name -> spans). Returns only the recomputed layers."""
    dirty: list[Stage] = []
    dirty_layers: set[str] = set()
    for st in all_stages():
        if st.reads_article or dirty_layers & set(st.requires):
            dirty.append(st)
            dirty_layers |= set(st.adds)

    class _Given:  # the other layers, as if stored
        def get_layers(self, aid):
            return {n: Layer(n, "given", sp) for n, sp in layers.get(aid, {}).items() if n not in dirty_layers}

        def put_layers(self, aid, new):
            pass
    return {a.id: {n: ls[n] for n in dirty_layers if n in ls} for a, ls in pipe(arts, _Given(), dirty)}


def stage_versions(stages: list[Stage] | None = None) -> dict[str, str]:
    return {s.name: s.version for s in (stages if stages is not None else all_stages())}


__all__ = ["pipe", "lineage_version", "resolve_stages", "stage_versions", "get_stage"]
