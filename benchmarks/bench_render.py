"""Render time of a 50-article story's dossier (HTML, Markdown, JSON), and what building it costs.

The story is 50 real BASIL articles (../shared/datasets/basil/stories.jsonl, read by path) forced
into one story, so every comparison has a realistic amount of material.

    python benchmarks/bench_render.py [--articles 50]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASIL = ROOT.parent / "shared" / "datasets" / "basil" / "stories.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=50)
    args = ap.parse_args()
    if not BASIL.exists():
        sys.exit(f"skipped: {BASIL} not found (../shared is needed for this benchmark)")
    sys.path.insert(0, str(ROOT / "src"))
    from storyscope.dossier.build import build_dossier, compare_story
    from storyscope.dossier.render import render
    from storyscope.workspace import Workspace
    tmp = tempfile.mkdtemp()
    src = Path(tmp) / "in.jsonl"
    src.write_text("".join(l for i, l in enumerate(open(BASIL)) if i < args.articles))
    ws = Workspace(str(Path(tmp) / "r.db"))
    ws.ingest([str(src)])
    t = time.perf_counter()
    ws.analyze()
    read_s = time.perf_counter() - t
    arts = ws.articles()
    story = {"id": "s-bench", "title": "bench", "article_ids": [a.id for a in arts]}
    layers = {a.id: ws.layers(a.id) for a in arts}
    t = time.perf_counter()
    findings = compare_story(story, arts, layers)
    compare_s = time.perf_counter() - t
    d = build_dossier([story], arts, {"s-bench": findings}, layers)
    out = {"articles": len(arts), "reading_s": round(read_s, 2), "compare_s": round(compare_s, 2),
           "compare_steps_s": findings["timings"],
           "findings": {k: len(findings[k]) for k in ("provenance", "claims", "disputes", "quotes", "timeline", "framing")}}
    for fmt in ("html", "md", "json"):
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            text = render(d, fmt)
            runs.append(time.perf_counter() - t)
        out[f"render_{fmt}_ms_median"] = round(sorted(runs)[2] * 1000, 1)
        out[f"render_{fmt}_bytes"] = len(text.encode())
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
