"""Measure a MiniLM attribution checkpoint through the product's quote component on PolNeAR (dev or train 0-N).

Same scoring as ``storyscope eval quotes`` (``evaluate.quotes``: ``read_ann``, ``system_spans``, exact and overlap
P/R/F1), reported on all texts and on the two halves of the split (even texts: the checkpoint-choice half;
odd: the other). Parses are kept in a pickle between runs (``--parses``); every variant of ``VARIANTS`` is one
setting of ``quote_spans``' switches, run on the same tags.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/quote_tagger_dev.py ../shared/datasets/polnear/dev \
        --ckpt /tmp/qner3/minilm/step_N.pt --parses /tmp/qner3/parses_dev.pkl --variants spacy,minilm
"""
from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
import time
from pathlib import Path

from storyscope.evaluate.quotes import ROLES, _match, _prf, read_ann, system_spans
from storyscope.stages import quote_spans, quote_tagger
from storyscope.stages.nlp import doc_from_bytes, parse, remember
from storyscope.stages.quotes import extract_quotes

HALF = None  # 0: the even texts only (checkpoint choice), 1: the odd ones
VARIANTS = {
    "rules": {"learned": False},
    "spacy": {"LEARNED_TAGGER": "spacy"},
    "minilm": {"LEARNED_TAGGER": "minilm"},
    "union": {"LEARNED_TAGGER": "union"},
    "minilm_add80": {"LEARNED_TAGGER": "minilm", "ADD_MIN_SCORE": 0.8},
    "minilm_add90": {"LEARNED_TAGGER": "minilm", "ADD_MIN_SCORE": 0.9},
    "minilm_noadd": {"LEARNED_TAGGER": "minilm", "ADD_MISSED": False},
    "minilm_nodrop": {"LEARNED_TAGGER": "minilm", "DROP_UNCONFIRMED": False},
    **{f"minilm_add{int(t * 100)}": {"LEARNED_TAGGER": "minilm", "ADD_MIN_SCORE": t} for t in (0.5, 0.6, 0.7)},
    **{f"union_add{int(t * 100)}": {"LEARNED_TAGGER": "union", "ADD_MIN_SCORE": t} for t in (0.6, 0.8)},
    **{f"spacyunion_add{int(t * 100)}": {"LEARNED_TAGGER": "union_spacy", "ADD_MIN_SCORE": t}
       for t in (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)},
    "minilm_content": {"LEARNED_TAGGER": "minilm", "CONTENT_FROM_TAGGER": True},
    "union_content": {"LEARNED_TAGGER": "union", "CONTENT_FROM_TAGGER": True},
}


def load_checkpoint(path: str) -> None:
    """Put a training checkpoint (.pt state of the trainable layers) in place of the shipped weights."""
    import torch
    model, tok = quote_tagger.load_base()
    model.load_state_dict(torch.load(path, map_location="cpu"), strict=False)
    model.eval()
    quote_tagger._state.update(model=model, tok=tok)
    quote_spans._has_minilm = lambda: True


def run(data: str, limit: int | None, variant: dict) -> dict:
    from storyscope.stages import quotes as q
    root = Path(data)
    anns: dict[str, Path] = {}
    for p in sorted((root / "attributions").glob("*.ann")):
        anns.setdefault(re.sub(r"_[^_]+$", "", p.stem), p)
    names = [n for n in sorted(anns) if (root / "text" / f"{n}.txt").exists()][:limit]
    if HALF is not None:
        names = names[HALF::2]
    saved = {k: getattr(quote_spans, k) for k in variant if hasattr(quote_spans, k)}
    q.EXTRACTOR.learned = variant.get("learned", True)
    for k, v in variant.items():
        if hasattr(quote_spans, k):
            setattr(quote_spans, k, v)
    parts = {"all": {}, "even": {}, "odd": {}}
    t0 = time.perf_counter()
    for i, name in enumerate(names):
        text = (root / "text" / f"{name}.txt").read_text(encoding="utf-8")
        gold = read_ann(anns[name])
        pred = system_spans(text, extract_quotes(text), parse(text))
        for part in ("all", "even" if i % 2 == 0 else "odd"):
            for r in ROLES:
                for mode in ("exact", "overlap"):
                    c = parts[part].setdefault(r, {}).setdefault(mode, [0, 0, 0])
                    c[0] += _match(gold[r], pred[r], mode == "exact")
                    c[1] += len(pred[r])
                    c[2] += len(gold[r])
    for k, v in saved.items():
        setattr(quote_spans, k, v)
    q.EXTRACTOR.learned = True
    res = {part: {r: {m: _prf(*c[r][m])["f1"] for m in ("exact", "overlap")} for r in ROLES}
           for part, c in parts.items()}
    res["all_exact_prf"] = {r: _prf(*parts["all"][r]["exact"]) for r in ROLES}
    res["seconds"] = round(time.perf_counter() - t0, 1)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--ckpt")
    ap.add_argument("--parses")
    ap.add_argument("--variants", default="minilm")
    ap.add_argument("--half", type=int, choices=(0, 1))
    args = ap.parse_args()
    global HALF
    HALF = args.half
    if args.parses and Path(args.parses).exists():
        for text, data in pickle.load(open(args.parses, "rb")).items():
            remember(text, doc_from_bytes(data))
    if args.ckpt:
        load_checkpoint(args.ckpt)
    for name in args.variants.split(","):
        res = run(args.data, args.limit, VARIANTS[name])
        print(json.dumps({"variant": name, "ckpt": args.ckpt, **res}), flush=True)
        print(name, {p: [res[p][r]["exact"] for r in ROLES] for p in ("all", "even", "odd")}, file=sys.stderr)


if __name__ == "__main__":
    main()
