"""Train the cue-conditioned content/source tagger (stages/quote_model.py) on PolNeAR train.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/train_quote_model.py ../shared/datasets/polnear/train \
        --dev ../shared/datasets/polnear/dev --out src/storyscope/models/quotes --minutes 40

One example per gold attribution with a cue (first annotator file per text, as `eval quotes` reads
gold): the cue's paragraph, the cue's word pieces marked, O/B/I labels for its content and its source.
The top ``--top`` encoder layers and the two heads are trained (AdamW, linear decay); after each
epoch the dev exact-match rate of contents and sources given the gold cue is printed and the weights
are written (fp16, only the trained parameters) with ``tagger.json``. Only weights are written: no text.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path


def read_attributions(split: Path):
    """Yield (text, [(cue segs, content segs, source segs)]) per text of a PolNeAR split."""
    anns: dict[str, Path] = {}
    for p in sorted((split / "attributions").glob("*.ann")):
        anns.setdefault(re.sub(r"_[^_]+$", "", p.stem), p)
    for name in sorted(anns):
        tp = split / "text" / f"{name}.txt"
        if not tp.exists():
            continue
        ents, events = {}, []
        for line in anns[name].read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            if parts[0].startswith("T"):
                typ, _, rest = parts[1].partition(" ")
                try:
                    ents[parts[0]] = (typ, [tuple(int(x) for x in s.split()) for s in rest.split(";")])
                except ValueError:
                    continue
            elif parts[0].startswith("E"):
                events.append([a.split(":", 1) for a in parts[1].split() if ":" in a])
        atts = []
        for ev in events:
            roles: dict[str, list] = {}
            for role, tid in ev:
                if tid in ents and role in ("Cue", "Content", "Source"):
                    roles.setdefault(role, []).extend(ents[tid][1])
            if "Cue" in roles and "Content" in roles:
                atts.append((roles["Cue"], roles["Content"], roles.get("Source", [])))
        yield tp.read_text(encoding="utf-8"), atts


def examples(tok, split: Path) -> list[dict]:
    from storyscope.stages.quote_model import encode, tag_spans
    out = []
    for text, atts in read_attributions(split):
        for cue, content, source in atts:
            w = encode(tok, text, cue)
            w["content"] = tag_spans(content, w["offsets"])
            w["source"] = tag_spans(source, w["offsets"])
            w["gold"] = (tuple(content), tuple(source))
            out.append(w)
    return out


def batches(exs: list[dict], size: int, rng: random.Random) -> list[list[dict]]:
    order = sorted(exs, key=lambda w: (len(w["ids"]), rng.random()))
    bs = [order[k:k + size] for k in range(0, len(order), size)]
    rng.shuffle(bs)
    return bs


def tensors(chunk: list[dict], labels: bool = True):
    import torch
    n = max(len(w["ids"]) for w in chunk)
    pad = lambda key, v: torch.tensor([w[key] + [v] * (n - len(w[key])) for w in chunk])  # noqa: E731
    mask = torch.tensor([[1] * len(w["ids"]) + [0] * (n - len(w["ids"])) for w in chunk])
    out = [pad("ids", 0), mask, pad("types", 0)]
    if labels:
        out += [pad("content", -100), pad("source", -100)]
    return out


def dev_exact(net, exs: list[dict]) -> dict:
    """Share of dev attributions whose content (source) the tagger reproduces exactly, given the gold cue."""
    import torch
    from storyscope.stages.quote_model import decode
    net.eval()
    hit_c = hit_s = n_s = 0
    with torch.inference_mode():
        for k in range(0, len(exs), 32):
            chunk = exs[k:k + 32]
            ids, mask, types = tensors(chunk, labels=False)
            lc, ls = net(ids, mask, types)
            for j, w in enumerate(chunk):
                m = len(w["ids"])
                c = decode(lc[j, :m].argmax(-1).tolist(), w["offsets"])
                s = decode(ls[j, :m].argmax(-1).tolist(), w["offsets"])
                hit_c += tuple(sorted(c)) == tuple(sorted(w["gold"][0]))
                if w["gold"][1]:
                    n_s += 1
                    hit_s += tuple(sorted(s)) == tuple(sorted(w["gold"][1]))
    net.train()
    return {"content_exact": round(hit_c / max(len(exs), 1), 4), "source_exact": round(hit_s / max(n_s, 1), 4),
            "n": len(exs)}


def save(net, out: Path, meta: dict) -> None:
    import torch
    from safetensors.torch import save_file
    from storyscope.stages.quote_model import trainable_prefixes
    keep = trainable_prefixes(meta["top_layers"])
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in net.state_dict().items() if k.startswith(keep)}
    out.mkdir(parents=True, exist_ok=True)
    save_file(state, str(out / "tagger.safetensors"))
    (out / "tagger.json").write_text(json.dumps(meta, indent=1, sort_keys=True))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("--dev")
    ap.add_argument("--out", default="src/storyscope/models/quotes")
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--minutes", type=float, default=40.0)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--save-every", type=int, default=0, help="also write the weights every N steps")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    from storyscope.stages.quote_model import MAX_PIECES, build_tagger
    tok, net = build_tagger(args.top)
    train = examples(tok, Path(args.train))
    dev = examples(tok, Path(args.dev)) if args.dev else []
    print(f"examples: train {len(train)}, dev {len(dev)}", file=sys.stderr, flush=True)
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(train) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: max(0.0, 1 - k / steps) * min(1.0, (k + 1) / 100))
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    t0, step = time.time(), 0
    meta = {"top_layers": args.top, "max_pieces": MAX_PIECES, "tags": ["O", "B", "I"], "train_examples": len(train),
            "lr": args.lr, "batch": args.batch, "seed": args.seed, "epochs_done": 0, "dev": {}}
    net.train()
    for epoch in range(args.epochs):
        total = 0.0
        for k, chunk in enumerate(batches(train, args.batch, rng)):
            ids, mask, types, yc, ys = tensors(chunk)
            lc, ls = net(ids, mask, types)
            loss = loss_fn(lc.reshape(-1, 3), yc.reshape(-1)) + 0.5 * loss_fn(ls.reshape(-1, 3), ys.reshape(-1))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            total += loss.item()
            if step % 100 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {total / (k + 1):.4f} {time.time() - t0:.0f}s",
                      file=sys.stderr, flush=True)
            if args.save_every and step % args.save_every == 0:
                save(net, Path(args.out), dict(meta, steps_done=step, train_seconds=round(time.time() - t0)))
            if time.time() - t0 > args.minutes * 60:
                break
        meta["steps_done"] = step
        done = time.time() - t0 <= args.minutes * 60
        meta["epochs_done"] = epoch + 1 if done else round(epoch + k / steps * args.epochs, 2)
        meta["dev"] = dev_exact(net, dev) if dev else {}
        meta["train_seconds"] = round(time.time() - t0)
        print(json.dumps(meta), file=sys.stderr, flush=True)
        save(net, Path(args.out), meta)
        if time.time() - t0 > args.minutes * 60:
            break


if __name__ == "__main__":
    main()
