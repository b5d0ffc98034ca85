"""Words per second of the reading stages next to spaCy's own ``nlp.pipe`` on the same texts.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_reading_speed.py [DIR]

DIR holds .txt articles (default: PolNeAR dev texts). spaCy parses every text once (``nlp.pipe``, the
pipeline the stages share); the stages then run on the cached parses, as in the product, so their
figure is their own cost on top of the parse. Prints JSON.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "polnear" / "dev" / "text"


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not root.exists():
        sys.exit(f"skipped: {root} not found")
    from storyscope.ingest.text import article_from_text
    from storyscope.stages import nlp
    from storyscope.stages.registry import get_stage
    arts = [article_from_text(p.read_text(encoding="utf-8"), str(p)) for p in sorted(root.glob("*.txt"))]
    words = sum(len(a.text.split()) for a, _ in arts)
    model = nlp.get_nlp()
    secs = {"spacy_nlp_pipe": 0.0, "sentences": 0.0, "actors": 0.0, "quotes": 0.0}
    stages = [get_stage(n) for n in ("sentences", "actors", "quotes")]
    for k in range(0, len(arts), 32):  # chunks that fit the parse cache (64 texts)
        chunk = arts[k:k + 32]
        t0 = time.perf_counter()
        for (a, _), doc in zip(chunk, model.pipe([a.text for a, _ in chunk], batch_size=16)):
            nlp.remember(a.text, doc)
        secs["spacy_nlp_pipe"] += time.perf_counter() - t0
        layers = [{"debris": list(d.spans)} for _, d in chunk]
        for st in stages:
            t0 = time.perf_counter()
            for (a, _), lay in zip(chunk, layers):
                lay.update(st.run([(a, lay)])[0])
            secs[st.name] += time.perf_counter() - t0
    res = {"documents": len(arts), "words": words, **{k: round(words / v) for k, v in secs.items()}}
    print(json.dumps({"words_per_second": res}, indent=1))


if __name__ == "__main__":
    main()
