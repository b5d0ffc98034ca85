"""Train the shipped stance model (storyscope/models/stance/) on the FNC-1 train split.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/train_stance.py [--data ../shared/datasets/fnc1]

Holds out 20% of the bodies, grouped by claim (seed 1337, see evaluate.stance.grouped_split),
trains only on the rest, prints the validation figures and writes the artifact plus its
metadata json. Sentence embeddings are cached under /tmp so reruns take a minute or two.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyscope.compare import stance as st  # noqa: E402
from storyscope.evaluate.stance import (LABELS, SPLIT_SEED, VAL_FRACTION, claim_groups,  # noqa: E402
                                        grouped_split, read_fnc, report)

CACHE = Path("/tmp/storyscope_stance_emb.npz")


def cached_embed():
    """embed() backed by an on-disk cache keyed by text hash (training only)."""
    from storyscope.stages.embed import embed
    store: dict[str, np.ndarray] = {}
    if CACHE.is_file():
        z = np.load(CACHE)
        store = dict(zip(z["keys"].tolist(), z["vecs"]))

    def fn(texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        todo = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in store))
        if todo:
            print(f"embedding {len(todo)} texts", file=sys.stderr)
            for i in range(0, len(todo), 2048):
                chunk = todo[i:i + 2048]
                for t, v in zip(chunk, embed(chunk)):
                    store[hashlib.sha1(t.encode()).hexdigest()] = v
                print(f"  {min(i + 2048, len(todo))}/{len(todo)}", file=sys.stderr)
            np.savez(CACHE, keys=np.array(list(store)), vecs=np.stack(list(store.values())))
        return np.stack([store[k] for k in keys])
    return fn


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "datasets" / "fnc1"))
    ap.add_argument("--out", default=str(st.DEFAULT_PATH))
    args = ap.parse_args()
    import torch
    torch.set_num_threads(1)
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    t0 = time.perf_counter()
    bodies, rows = read_fnc(args.data, "train")
    tr, va = grouped_split(rows)
    groups = claim_groups(rows)
    print(f"train pairs {len(tr)}, validation pairs {len(va)} "
          f"({len({rows[i][1] for i in va})} held-out bodies)", file=sys.stderr)
    pairs = [(h, bodies[b]) for h, b, _ in rows]
    y = np.array([LABELS.index(s) for _, _, s in rows])

    tr_texts = list(dict.fromkeys([rows[i][0] for i in tr] + [bodies[rows[i][1]] for i in tr]))
    vec = TfidfVectorizer(tokenizer=st.stem_tokens, lowercase=False, token_pattern=None, ngram_range=(1, 2),
                          min_df=3, max_df=0.5, max_features=30000, sublinear_tf=True, dtype=np.float32)
    vec.fit(tr_texts)
    X, P, (hv, tv, bv) = st.featurize(pairs, vec, cached_embed())
    S = st.stack_sparse(hv, tv, bv)
    t_feat = time.perf_counter() - t0
    print(f"features {X.shape} in {t_feat:.0f}s", file=sys.stderr)

    tr, va = np.array(tr), np.array(va)
    rel_tr = tr[y[tr] < 3]
    # Stacked LRs: out-of-fold over training claims so stage 2 sees honest probabilities.
    g = np.array([groups[rows[i][1]] for i in rel_tr])

    def stacked(M, C):
        kw = dict(C=C, max_iter=3000, class_weight="balanced")
        oof = np.zeros((len(y), 3), np.float32)
        for a, b in GroupKFold(n_splits=5).split(rel_tr, groups=g):
            oof[rel_tr[b]] = LogisticRegression(**kw).fit(M[rel_tr[a]], y[rel_tr[a]]).predict_proba(M[rel_tr[b]])
        return LogisticRegression(**kw).fit(M[rel_tr], y[rel_tr]), oof

    lr, lr_oof = stacked(S, 0.5)
    lr_emb, emb_oof = stacked(P, 1.0)

    clf1 = HistGradientBoostingClassifier(max_iter=400, learning_rate=0.05, max_leaf_nodes=31,
                                          l2_regularization=1.0, random_state=0)
    clf1.fit(X[tr], (y[tr] < 3).astype(int))
    w = {0: 1.0, 1: 3.0, 2: 1.0}
    clf2 = HistGradientBoostingClassifier(max_iter=500, learning_rate=0.03, max_leaf_nodes=15,
                                          l2_regularization=1.0, class_weight=w, random_state=0)
    clf2.fit(np.hstack([X[rel_tr], lr_oof[rel_tr], emb_oof[rel_tr]]), y[rel_tr])
    t_train = time.perf_counter() - t0

    model = st.StanceModel(vec, lr, lr_emb, clf1, clf2, {})
    t1 = time.perf_counter()
    proba = model.predict_proba([pairs[i] for i in va], embed_fn=cached_embed())
    pred = st.decide(proba)
    val = report([rows[i][2] for i in va], pred)
    val.update(pairs=len(va))
    print(json.dumps(val, indent=1))
    model.meta = {
        "version": st.VERSION,
        "trained": datetime.date.today().isoformat(),
        "data": "FNC-1 train split (train_bodies.csv, train_stances.csv)",
        "split": {"method": "bodies grouped by claim (evaluate.stance.grouped_split)", "seed": SPLIT_SEED,
                  "val_fraction": VAL_FRACTION, "train_pairs": int(len(tr)), "val_pairs": int(len(va))},
        "validation": {k: val[k] for k in ("relative_score", "macro_f1", "per_class", "confusion")},
        "train_seconds": round(t_train, 1),
        "sklearn": __import__("sklearn").__version__,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    out.with_suffix(".json").write_text(json.dumps(model.meta, indent=1) + "\n")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB); features {t_feat:.0f}s, total train {t_train:.0f}s, "
          f"val predict {time.perf_counter() - t1:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
