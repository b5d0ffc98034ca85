"""ONNX Runtime against the product's torch path, for MiniLM and the same-claim pair judge (issue 18, lever 1).

Exports the shipped MiniLM (mean-pooled) and the same-claim cross-encoder (``compare.pairs.PairModel``) to
ONNX in a temporary directory (``torch.onnx.export``, TorchScript exporter), makes a dynamic int8 copy of
each (``onnxruntime.quantization.quantize_dynamic``, per-channel weights), and runs on one thread:

- MiniLM on the first 400 distinct sentences of the MSRP dev fold (``evaluate.pairs.is_dev``): CPU seconds,
  cosine of each vector to torch fp32, and the error of every pair's cosine (what the tuned thresholds read);
- the same-claim judge on the first 300 MSRP dev pairs: CPU seconds, error of the positive log-odds against
  torch fp32, and how many shipped decisions flip (the stacked probability at ``threshold`` and at
  ``agree_threshold``, each with the fp32 cosines, so only the judge differs).

Variants: torch fp32, torch bf16 autocast (the product where the CPU has native bf16), ORT fp32, ORT int8.
Needs ``onnxruntime`` and ``onnx`` (not dependencies of the product: nothing here is shipped).

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_onnx.py
"""
from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MSRP = ROOT.parent / "shared" / "datasets" / "pairs" / "msrp-train.jsonl"
INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def export(net, path: str) -> None:
    """``net(input_ids, attention_mask, token_type_ids)`` to ONNX with dynamic batch and length."""
    import torch
    ids = torch.ones((2, 12), dtype=torch.long)
    axes = {k: {0: "batch", 1: "tokens"} for k in INPUTS} | {"out": {0: "batch"}}
    torch.onnx.export(net.eval(), (ids, ids, torch.zeros_like(ids)), path, dynamo=False, opset_version=17,
                      input_names=INPUTS, output_names=["out"], dynamic_axes=axes)


def quantised(path: str) -> str:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    out = path.replace(".onnx", ".int8.onnx")
    quantize_dynamic(path, out, weight_type=QuantType.QInt8, per_channel=True)
    return out


def ort_variants(path: str, enc: dict, batch_size: int) -> dict[str, tuple[float, np.ndarray]]:
    """CPU seconds and outputs (in input order) of the ONNX model at ``path`` and of its int8 copy, on
    the unpadded tokenizer output ``enc`` in the product's batches (``stages.embed.token_batches``)."""
    import onnxruntime as ort

    from storyscope.stages.embed import padded, token_batches
    batches = token_batches([len(x) for x in enc["input_ids"]], batch_size)
    feeds = [{k: v.numpy() for k, v in padded(enc, idx, length).items()} for length, idx in batches]
    order = [i for _, idx in batches for i in idx]
    res = {}
    for name, p in (("ORT fp32", path), ("ORT int8", quantised(path))):
        so = ort.SessionOptions()
        so.intra_op_num_threads = so.inter_op_num_threads = 1
        s = ort.InferenceSession(p, so, providers=["CPUExecutionProvider"])
        s.run(None, feeds[0])
        c = cpu_s()
        got = np.vstack([s.run(None, f)[0] for f in feeds])
        out = np.zeros_like(got)
        out[order] = got
        res[name] = (cpu_s() - c, out)
    return res


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def minilm(texts: list[str], tmp: str) -> dict:
    import torch

    from storyscope.stages.embed import load_minilm
    st = load_minilm()
    kw = dict(batch_size=16, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
    c = cpu_s()
    ref = st.encode(texts, **kw)
    res = {"torch fp32": (cpu_s() - c, ref)}
    with torch.autocast("cpu", dtype=torch.bfloat16):
        c = cpu_s()
        v = st.encode(texts, **kw).astype(np.float32)
        res["torch bf16"] = (cpu_s() - c, unit(v))

    class Pooled(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            return (h * m).sum(1) / m.sum(1).clamp(min=1.0)

    path = os.path.join(tmp, "minilm.onnx")
    export(Pooled(st[0].auto_model), path)
    enc = st.tokenizer(texts, truncation=True, max_length=st.max_seq_length)
    for name, (t, v) in ort_variants(path, enc, 32).items():
        res[name] = (t, unit(v))
    iu = np.triu_indices(len(texts), 1)
    sim = (ref @ ref.T)[iu]
    rows = {}
    for name, (t, v) in res.items():
        cos = (v * ref).sum(1)
        err = np.abs((v @ v.T)[iu] - sim)
        rows[name] = {"cpu_s": round(t, 2), "texts_per_cpu_s": round(len(texts) / t),
                      "cosine_to_fp32_min": round(float(cos.min()), 5), "cosine_to_fp32_mean": round(float(cos.mean()), 5),
                      "pair_cosine_error_mean": round(float(err.mean()), 4), "pair_cosine_error_max": round(float(err.max()), 4)}
    return {"texts": len(texts), "variants": rows}


def same_claim(pairs: list[tuple[str, str]], tmp: str) -> dict:
    from storyscope.compare import pairs as P
    m = P.PairModel("same-claim")
    os.environ["STORYSCOPE_EMBED_BF16"] = "0"
    c = cpu_s()
    ref = m.logits(pairs)
    res = {"torch fp32": (cpu_s() - c, ref)}
    m.cache.clear()
    os.environ["STORYSCOPE_EMBED_BF16"] = "1"
    c = cpu_s()
    bf = m.logits(pairs)
    res["torch bf16"] = (cpu_s() - c, bf)
    os.environ.pop("STORYSCOPE_EMBED_BF16")
    path = os.path.join(tmp, "same-claim.onnx")
    export(m.net, path)
    enc = m.tok([a for a, _ in pairs], [b for _, b in pairs], truncation=True, max_length=m.meta["max_len"])
    res.update(ort_variants(path, enc, 32))
    cos = P.cosines(pairs)
    w = m.meta["stack"]
    s = P.settings()

    def prob(logits):
        return 1.0 / (1.0 + np.exp(-(w[0] * P.score_of(logits, m.positive) + w[1] * cos + w[2])))

    ref_p = prob(ref)
    rows = {}
    for name, (t, v) in res.items():
        err = np.abs(P.score_of(v, m.positive) - P.score_of(ref, m.positive))
        p = prob(v)
        rows[name] = {"cpu_s": round(t, 2), "pairs_per_cpu_s": round(len(pairs) / t),
                      "log_odds_error_mean": round(float(err.mean()), 4), "log_odds_error_max": round(float(err.max()), 4),
                      "flips_at_threshold": int(((p >= s.same_claim) != (ref_p >= s.same_claim)).sum()),
                      "flips_at_agree_threshold": int(((p >= s.same_claim_agree) != (ref_p >= s.same_claim_agree)).sum())}
    return {"pairs": len(pairs), "variants": rows}


def main() -> None:
    if not MSRP.exists():
        sys.exit(f"skipped: {MSRP} not found (../shared is needed for this benchmark)")
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        sys.exit("skipped: pip install onnxruntime onnx (measurement only; the product does not use them)")
    sys.path.insert(0, str(ROOT / "src"))
    import torch
    torch.set_num_threads(1)
    from storyscope.evaluate.pairs import is_dev
    rows = [json.loads(line) for line in open(MSRP)]
    dev = [r for r in rows if is_dev(r["id"])]
    texts = list(dict.fromkeys(t for r in dev for t in (r["a"], r["b"])))[:400]
    pairs = [(r["a"], r["b"]) for r in dev[:300]]
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps({"minilm": minilm(texts, tmp), "same_claim_judge": same_claim(pairs, tmp)}, indent=2))


if __name__ == "__main__":
    main()
