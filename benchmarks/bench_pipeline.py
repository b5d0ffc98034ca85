"""Throughput of the whole pipeline and of each stage: one process vs Ray with 2 workers.

Input: BASIL's 300 articles (../shared/datasets/basil/stories.jsonl), read by path. Reports
articles/s end to end (read, stages, grouping, every story's comparison), per stage words/s next to
spaCy's own speed (nlp.pipe over the same texts), peak RSS per process, the top of a profile, and
the effect of persisted vectors and parses (every story compared again by a process whose in-memory
caches are empty, reading both from the store). With --ray the same input then runs on a local Ray
with 2 workers: reading stages and each story's comparison on the workers, grouping on the driver.

    python benchmarks/bench_pipeline.py [--limit 300] [--ray] [--processes 2]

``--processes 2`` runs the local pipeline with reading and comparison in 2 worker processes
(``processes.WorkerPool``; their start, model loading included, is counted in end to end); the CPU
seconds then include the workers' (``RUSAGE_CHILDREN``, collected when the pool closes).

``ratio_to_spacy_pipe`` is end-to-end articles/s over nlp.pipe's articles/s in the same run (wall clock);
``ratio_to_spacy_pipe_cpu`` the same in CPU seconds of this process, which neighbours on a shared machine
move less.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASIL = ROOT.parent / "shared" / "datasets" / "basil" / "stories.jsonl"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process and its ended children so far, all threads (a rate robust to a machine
    shared with other jobs)."""
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF,
                                                                          resource.RUSAGE_CHILDREN)))


def subset(limit: int, tmp: str) -> str:
    out = os.path.join(tmp, "in.jsonl")
    with open(BASIL) as fh, open(out, "w") as o:
        for i, line in enumerate(fh):
            if i >= limit:
                break
            o.write(line)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--ray", action="store_true", help="also run on a local Ray with 2 workers")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--processes", type=int, default=1, help="worker processes of the local run (1: none)")
    ap.add_argument("--no-again", action="store_true", help="skip comparing every story again from the store")
    args = ap.parse_args()
    if not BASIL.exists():
        sys.exit(f"skipped: {BASIL} not found (../shared is needed for this benchmark)")
    sys.path.insert(0, str(ROOT / "src"))
    from storyscope.batch import run_batch
    from storyscope.stages.nlp import get_nlp
    tmp = tempfile.mkdtemp()
    path = subset(args.limit, tmp)
    texts = [json.loads(l)["text"] for l in open(path)]
    words = sum(len(t.split()) for t in texts)
    # spaCy's own speed on the same texts, as the yardstick for the reading stages
    nlp = get_nlp()
    t, c = time.perf_counter(), cpu_s()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    spacy_s, spacy_cpu = time.perf_counter() - t, cpu_s() - c

    prof = cProfile.Profile() if args.profile else None
    if prof:
        prof.enable()
    t, c = time.perf_counter(), cpu_s()
    local = run_batch([path], db=os.path.join(tmp, "local.db"), processes=args.processes)
    local_s, local_cpu = time.perf_counter() - t, cpu_s() - c
    if prof:
        prof.disable()
    # Re-compare every story as a new process would: in-memory caches cleared, vectors and parses in the store.
    from storyscope.dossier.build import compare_story
    from storyscope.services import Services
    from storyscope.workspace import Workspace
    E = Services().embedder()
    E.cache.clear()
    Services().parse_cache.clear()  # and no parse in memory: they come from the store too
    from storyscope.compare import pairs as P
    for model in P._MODELS.values():
        model.cache.clear()  # nor pair-judge scores (they are not stored)
    before = dict(E.stats)
    t = time.perf_counter()
    with Workspace(os.path.join(tmp, "local.db")) as ws, ws.services.active():
        for s in [] if args.no_again else ws.stories():
            _, arts, layers, _ = ws.comparison_inputs(s["id"])
            ws.services.restore_parses(arts)
            compare_story(s, arts, layers)
    recompare = time.perf_counter() - t
    result = {"store": os.path.join(tmp, "local.db"), "articles": local["articles"], "words": words, "local": local, "local_peak_rss_mb": round(rss_mb()),
              "spacy_pipe_seconds": round(spacy_s, 2), "spacy_words_per_s": round(words / spacy_s),
              "end_to_end_articles_per_s": round(local["articles"] / local_s, 3),
              "spacy_pipe_articles_per_s": round(len(texts) / spacy_s, 3),
              "ratio_to_spacy_pipe": round(spacy_s / local_s, 3),
              "cpu_s_per_article": {"end_to_end": round(local_cpu / len(texts), 3),
                                    "spacy_pipe": round(spacy_cpu / len(texts), 3)},
              "ratio_to_spacy_pipe_cpu": round(spacy_cpu / local_cpu, 3),
              "stage_words_per_s": {k.split(".", 1)[1]: round(words / v) for k, v in local["timing"].items()
                                    if k.startswith("stage.") and v > 0},
              "compare_first_s": local["timing"]["compare"], "compare_again_vectors_from_store_s": round(recompare, 2),
              "recompare_vectors": {"computed": E.stats["computed"] - before["computed"],
                                    "from_store": E.stats["from_store"] - before["from_store"]}}
    E.cache.clear()  # the Ray run starts as cold as the local one
    if args.ray:
        on_ray = run_batch([path], db=os.path.join(tmp, "ray.db"), ray_address="local", workers=2)
        result["ray"] = on_ray
        import ray
        mem = [n.get("memory") for n in ray.nodes()]
        result["ray_nodes_memory"] = mem
        ray.shutdown()
    if prof:
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(25)
        result["profile_top"] = s.getvalue().splitlines()[:60]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
