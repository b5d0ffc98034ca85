"""Merge blind annotators' verdicts into the labels (issue 15, section 1).

Reads ``<verdicts>/<annotator>/<kind>.jsonl`` (lines ``{"item_id", "verdict", "note"?}``) and writes
each item's ``verdicts`` ({annotator: verdict}) and ``final`` into ``<labels>/items.jsonl``:
``final`` is the majority verdict when at least two annotators judged the item and a strict
majority agrees (a single annotator's verdict is final only with ``--allow-single``); otherwise the
item is listed as a disagreement for a third judge and ``final`` stays null. Notes are not copied
(they may quote article text). Unknown item ids and verdicts outside the item kind's vocabulary are
reported on stderr and ignored.

Usage: python benchmarks/merge_verdicts.py [--verdicts /work/annot/verdicts]
       [--labels benchmarks/labels/basil] [--allow-single] [--disagreements FILE]
       [--third /work/annot/packets-third]   (the disagreeing items' packets, for a third judge)
Prints a JSON summary on stdout (counts, agreement, disagreements' item ids).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyscope.evaluate import labels as L  # noqa: E402


def read_verdicts(root: Path, items: dict[str, dict]) -> dict[str, dict[str, str]]:
    """{item_id: {annotator: verdict}} from every annotator folder under ``root``."""
    got: dict[str, dict[str, str]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []:
        for f in sorted(folder.glob("*.jsonl")):
            for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    iid, verdict = row["item_id"], row["verdict"]
                except (ValueError, KeyError, TypeError):
                    print(f"{f}:{n}: not a verdict line, ignored", file=sys.stderr)
                    continue
                it = items.get(iid)
                if it is None or verdict not in L.VERDICTS[it["kind"]]:
                    print(f"{f}:{n}: unknown item {iid!r} or verdict {verdict!r}, ignored", file=sys.stderr)
                    continue
                got.setdefault(iid, {})[folder.name] = verdict
    return got


def decide(verdicts: dict[str, str], allow_single: bool = False) -> str | None:
    """Strict-majority verdict of >= 2 annotators (or the only one with ``allow_single``), else None."""
    if not verdicts or (len(verdicts) < 2 and not allow_single):
        return None
    (top, n), *rest = Counter(verdicts.values()).most_common() + [(None, 0)]
    return top if n * 2 > len(verdicts) else None


def merge(items: list[dict], got: dict[str, dict[str, str]], allow_single: bool = False) -> dict:
    """Set ``verdicts`` and ``final`` on ``items`` in place; returns the summary."""
    disagree, pairs, agree = [], 0, 0
    for it in items:
        v = {**it.get("verdicts", {}), **got.get(it["item_id"], {})}
        it["verdicts"] = v
        it["final"] = decide(v, allow_single)
        if len(v) >= 2:
            pairs += 1
            agree += len(set(v.values())) == 1
            if it["final"] is None:
                disagree.append(it["item_id"])
    return {"items": len(items), "with_verdicts": sum(bool(it["verdicts"]) for it in items),
            "kappa": {k: kappa([it for it in items if it["kind"] == k]) for k in L.KINDS},
            "two_or_more": pairs, "all_agree": agree, "agreement": round(agree / pairs, 3) if pairs else None,
            "final": dict(Counter(f"{it['kind']}:{it['final']}" for it in items if it["final"])),
            "disagreements": disagree}


def kappa(items: list[dict]) -> dict | None:
    """Cohen's kappa (Cohen 1960) between the first two annotators (by name) of each doubly judged item,
    pooled over annotator pairs: {"n", "kappa"}; None below 2 such items."""
    pairs = [(v[a], v[b]) for it in items if len(v := it.get("verdicts", {})) >= 2 for a, b in [sorted(v)[:2]]]
    if len(pairs) < 2:
        return None
    n = len(pairs)
    po = sum(x == y for x, y in pairs) / n
    ca, cb = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    return {"n": n, "kappa": round((po - pe) / (1 - pe), 3) if pe < 1 else 1.0}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verdicts", default="/work/annot/verdicts")
    ap.add_argument("--labels", default=str(ROOT / "benchmarks" / "labels" / "basil"))
    ap.add_argument("--allow-single", action="store_true")
    ap.add_argument("--disagreements", help="also write the disagreeing item ids here, one per line")
    ap.add_argument("--packets", default="/work/annot/packets", help="the annotators' packets (for --third)")
    ap.add_argument("--third", help="write the disagreeing items' packets here (<kind>.jsonl) for a third judge")
    args = ap.parse_args(argv)
    items = L.load_items(args.labels)
    got = read_verdicts(Path(args.verdicts), {it["item_id"]: it for it in items})
    summary = merge(items, got, args.allow_single)
    L.save_items(args.labels, items)
    if args.disagreements:
        Path(args.disagreements).write_text("".join(i + "\n" for i in summary["disagreements"]))
    if args.third:
        write_third(Path(args.packets), Path(args.third), set(summary["disagreements"]))
    print(json.dumps(summary, indent=2))


def write_third(packets: Path, out: Path, ids: set[str]) -> None:
    """Copy the packet lines of ``ids`` from ``packets/<kind>.jsonl`` to ``out/<kind>.jsonl`` (outside the repo)."""
    out.mkdir(parents=True, exist_ok=True)
    for kind in L.KINDS:
        src = packets / f"{kind}.jsonl"
        if src.exists():
            lines = [ln for ln in src.read_text(encoding="utf-8").splitlines() if json.loads(ln)["item_id"] in ids]
            (out / f"{kind}.jsonl").write_text("".join(ln + "\n" for ln in lines), encoding="utf-8")


if __name__ == "__main__":
    main()
