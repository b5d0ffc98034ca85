"""Train the quotes stage's cue classifier on PolNeAR train (brat standoff).

For every main verb (not an auxiliary) of every train text, the label is whether an
annotator put it inside a Cue span; features are `stages.quotes.cue_features` (lemma, tag,
complements, subject kind). A logistic regression over these sparse features is written as
plain JSON weights (no corpus text) to src/storyscope/models/quotes/cue_model.json.
One core, about 10 minutes (mostly parsing):

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/train_quotes.py ../shared/datasets/polnear/train
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from storyscope.evaluate.quotes import read_ann
from storyscope.stages.nlp import get_nlp
from storyscope.stages.quotes import MODEL_DIR, cue_features, find_direct


def candidates(doc):
    """Main verbs: the tokens the stage asks the classifier about."""
    return [t for t in doc if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]


def examples(data_dir: Path, docbin: str | None = None):
    """(features, label) for every candidate verb of every annotated text."""
    anns: dict[str, Path] = {}
    for p in sorted((data_dir / "attributions").glob("*.ann")):
        anns.setdefault(re.sub(r"_[^_]+$", "", p.stem), p)
    names = [n for n in sorted(anns) if (data_dir / "text" / f"{n}.txt").exists()]
    texts = [(data_dir / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names]
    nlp = get_nlp()
    if docbin:  # parses cached earlier with the same model, matched by text
        from spacy.tokens import DocBin
        cached = {d.text: d for d in DocBin().from_disk(docbin).get_docs(nlp.vocab)}
        docs = (cached.get(t) or nlp(t) for t in texts)
    else:
        docs = nlp.pipe(texts, batch_size=8)
    X, y = [], []
    t0 = time.perf_counter()
    for k, (name, text, doc) in enumerate(zip(names, texts, docs)):
        inside = bytearray(len(text) + 1)
        for segs in read_ann(anns[name])["cue"]:
            for a, b in segs:
                inside[a:b] = b"\x01" * (b - a)
        quoted = bytearray(len(text) + 1)
        for a, b, _ in find_direct(text):
            quoted[a:b] = b"\x01" * (b - a)
        for tok in candidates(doc):
            X.append(cue_features(tok, bool(quoted[tok.idx])))
            y.append(int(inside[tok.idx]))
        if (k + 1) % 100 == 0:
            print(f"train quotes: {k + 1}/{len(names)} texts, {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return X, y, len(names)


def train(data_dir: str, out_path: str | None = None, C: float = 0.5, docbin: str | None = None) -> dict:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y, n_docs = examples(Path(data_dir), docbin)
    vec = DictVectorizer()
    M = vec.fit_transform([{f: 1 for f in x} for x in X]).tocsr()
    M.indices, M.indptr = M.indices.astype("int32"), M.indptr.astype("int32")  # liblinear needs 32-bit
    clf = LogisticRegression(C=C, max_iter=2000, solver="liblinear")
    clf.fit(M, y)
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 4) for n, w in zip(names, clf.coef_[0]) if abs(w) >= 0.01}
    model = {"bias": round(float(clf.intercept_[0]), 4), "weights": weights, "C": C,
             "documents": n_docs, "examples": len(y), "positives": int(sum(y))}
    out = Path(out_path) if out_path else MODEL_DIR / "cue_model.json"
    out.write_text(json.dumps(model, sort_keys=True, indent=0))
    return {k: v for k, v in model.items() if k != "weights"} | {"features": len(weights), "path": str(out)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir")
    ap.add_argument("--out", default=None)
    ap.add_argument("--C", type=float, default=0.5)
    ap.add_argument("--docbin", default=None, help="optional cached spaCy DocBin of the same texts")
    a = ap.parse_args()
    print(json.dumps(train(a.data_dir, a.out, a.C, a.docbin)))
