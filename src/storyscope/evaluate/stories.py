"""`storyscope eval stories`: score story grouping against gold labels in the generic stories format.

The product's path is measured: the file's articles go into a temporary store, the reading
stages grouping reads (``stories.features.READS``) run, and ``Workspace.group`` assigns them
online in file order. Grouping sees id, title, text, outlet and published only; the ``story``
field is read here and nowhere else. Scores: B-cubed (Bagga & Baldwin 1998) and pairwise
precision/recall/F1, and the adjusted Rand index.

Two peers run on the same data in the same call, each with its own wall time: TF-IDF
(title + text) and MiniLM (the product's title + lead embedding) average-link agglomerative
clustering on cosine distance. Each peer's distance threshold is **oracle-tuned**: the best
B-cubed F1 on the very file being scored (a grid, see ``PEER_GRID``), which flatters the peers
on purpose. The order-free ``cluster_batch`` re-clustering is reported beside the product.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from math import comb
from pathlib import Path
from typing import Callable, Sequence

PEER_GRID = [x / 100 for x in range(5, 100)]     # cosine-distance thresholds tried per peer
PEERS = ("tfidf-agglomerative", "minilm-agglomerative")
def read_jsonl(path: str) -> list[dict]:
    from storyscope import errors
    rows = []
    try:
        fh = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise errors.InputError(path, errors.NOT_FOUND) from None
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise errors.InputError(path, errors.BAD_JSON.format(line=n, detail=e.msg)) from None
            for f in ("id", "story", "text"):
                if f not in d:
                    raise errors.InputError(path, errors.MISSING_FIELD.format(line=n, field=f))
            rows.append(d)
    return rows


def _labels(groups: Sequence[Sequence[str]], ids: Sequence[str]) -> list[int]:
    lab = {a: i for i, g in enumerate(groups) for a in g}
    nxt = len(groups)
    out = []
    for a in ids:               # an id the system dropped counts as a singleton
        if a not in lab:
            lab[a] = nxt
            nxt += 1
        out.append(lab[a])
    return out


def _prf(p: float, r: float) -> dict:
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def scores(pred: Sequence[int], gold: Sequence[int]) -> dict:
    """B-cubed, pairwise P/R/F1 and ARI for two labelings of the same items."""
    from sklearn.metrics import adjusted_rand_score
    n = len(gold)
    joint = Counter(zip(pred, gold))
    cp, cg = Counter(pred), Counter(gold)
    bp = sum(c * c / cp[p] for (p, _), c in joint.items()) / n if n else 0.0
    br = sum(c * c / cg[g] for (_, g), c in joint.items()) / n if n else 0.0
    tp = sum(comb(c, 2) for c in joint.values())
    pp = sum(comb(c, 2) for c in cp.values())
    gp = sum(comb(c, 2) for c in cg.values())
    return {"bcubed": _prf(bp, br),
            "pairwise": _prf(tp / pp if pp else 1.0, tp / gp if gp else 1.0),
            "ari": round(float(adjusted_rand_score(gold, pred)), 4),
            "clusters": len(cp), "gold_clusters": len(cg)}


def _items(rows: list[dict]) -> list[dict]:
    # the gold label is deliberately not copied
    return [{"id": str(r["id"]), "title": r.get("title") or "", "text": r.get("text") or "",
             "outlet": r.get("outlet") or "", "published": r.get("published")} for r in rows]


def _agglomerate(D, ids: list[str], thresholds: Sequence[float]) -> dict[float, list[list[str]]]:
    """Average-link clusterings of a dense distance matrix at each threshold (one linkage)."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    if len(ids) < 2:
        return {t: [[i] for i in ids] for t in thresholds}
    np.clip(D, 0.0, 2.0, out=D)
    np.fill_diagonal(D, 0.0)
    Z = linkage(squareform(D, checks=False), method="average")
    out = {}
    for t in thresholds:
        groups: dict[int, list[str]] = {}
        for i, lab in zip(ids, fcluster(Z, t, criterion="distance")):
            groups.setdefault(int(lab), []).append(i)
        out[t] = list(groups.values())
    return out


def tfidf_distances(items: list[dict]):
    """Cosine distances of TF-IDF (title + text, sublinear tf, English stopwords); dense n x n."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    X = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [it["title"] + "\n" + it["text"] for it in items])      # rows are L2-normalised
    return 1.0 - (X @ X.T).toarray()


def minilm_distances(items: list[dict]):
    """Cosine distances of the product's embedding of title + lead (``stories.features.lead``)."""
    from storyscope.stages.embed import embed
    from storyscope.stories.features import lead
    E = embed([lead(it["title"], it["text"]) for it in items], batch_size=64)
    return 1.0 - E @ E.T


def tfidf_agglomerative(items: list[dict], threshold: float = 0.79) -> list[list[str]]:
    """The TF-IDF peer at one distance threshold: average link on cosine distance.

    An empty document is at distance 1 from everything.
    """
    return _agglomerate(tfidf_distances(items), [it["id"] for it in items], [threshold])[threshold]


def oracle_peer(distances: Callable, items: list[dict], gold: list) -> dict:
    """A peer at its best threshold on this file (oracle-tuned): scores, threshold, seconds."""
    t0 = time.perf_counter()
    ids = [it["id"] for it in items]
    runs = _agglomerate(distances(items), ids, PEER_GRID)
    best = max(PEER_GRID, key=lambda t: (scores(_labels(runs[t], ids), gold)["bcubed"]["f1"], -t))
    out = scores(_labels(runs[best], ids), gold)
    out.update(threshold=best, tuned="oracle: best B-cubed F1 on this file over distance thresholds 0.05-0.99",
               seconds=round(time.perf_counter() - t0, 2))
    return out


def product_groups(items: list[dict], workdir: str) -> tuple[list[list[str]], list[dict]]:
    """Group ``items`` as the product does: store them, run the reading stages grouping reads,
    ``Workspace.group`` (online, in the given order). Returns groups of item ids and the items
    ``cluster_batch`` would see (``article_item`` of each stored article)."""
    from storyscope.record import Article
    from storyscope.stories.features import READS, article_item
    from storyscope.workspace import Workspace
    arts = [Article.create(it["text"], title=it["title"], outlet=it["outlet"], published=it["published"])
            for it in items]
    with Workspace(str(Path(workdir) / "eval.db")) as ws:
        ws.store.add_articles([(a, []) for a in {a.id: a for a in arts}.values()])
        done, total = [0], len(arts)

        def progress(n: int) -> None:  # a line per tenth of the articles read
            before, done[0] = done[0], done[0] + n
            if done[0] * 10 // total > before * 10 // total or done[0] == total:
                print(f"eval stories: read {done[0]}/{total} articles", file=sys.stderr, flush=True)
        ws.analyze(stages=list(READS), progress=progress)
        story_of = {a: s["id"] for s in ws.group(rebuild=True) for a in s["article_ids"]}
        stored = [article_item(a, ws.layers(a.id)) for a in ws.articles()]
    groups: dict[str, list[str]] = {}
    for it, a in zip(items, arts):
        groups.setdefault(story_of.get(a.id, "missing-" + it["id"]), []).append(it["id"])
    by_art = {a.id: it["id"] for it, a in zip(items, arts)}
    return list(groups.values()), [dict(x, id=by_art[x["id"]]) for x in stored]


def evaluate_stories(path: str, peers: bool = True, batch: bool = True) -> dict:
    """Score the product's grouping of the file (and the batch mode and both peers).

    Returns the scores of ``Workspace.group`` at top level (``bcubed``, ``pairwise``, ``ari``,
    ``clusters``, ``gold_clusters``, ``seconds``, ``articles``), ``batch`` for
    ``cluster_batch`` and ``peers`` by name. Raises ``InputError`` for an unreadable file.
    """
    rows = read_jsonl(path)
    items, gold = _items(rows), [r["story"] for r in rows]
    ids = [it["id"] for it in items]
    print(f"grouping {len(items)} articles as Workspace.group does", file=sys.stderr)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="storyscope-eval-") as tmp:
        groups, stored = product_groups(items, tmp)
        out = scores(_labels(groups, ids), gold)
        out.update(seconds=round(time.perf_counter() - t0, 2), articles=len(items),
                   path="Workspace.group (online)")
        if batch:
            from storyscope.stories.batch import cluster_batch
            t0 = time.perf_counter()
            out["batch"] = scores(_labels(cluster_batch(stored), ids), gold)
            out["batch"]["seconds"] = round(time.perf_counter() - t0, 2)
        if peers:
            print("running the peers", file=sys.stderr)
            out["peers"] = {"tfidf-agglomerative": oracle_peer(tfidf_distances, items, gold),
                            "minilm-agglomerative": oracle_peer(minilm_distances, items, gold)}
    return out
