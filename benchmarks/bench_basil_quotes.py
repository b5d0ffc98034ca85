"""Quotes and speakers on BASIL: the share of quotes by named persons that the reading stages find and
credit to the right person, and the count of speakers that are no speaker (see
``storyscope.evaluate.quotes.evaluate_basil_speakers``). Prints JSON; misses (article@offset) on stderr.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_basil_quotes.py [--limit N]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BASIL = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "basil"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    if not BASIL.exists():
        sys.exit(f"skipped: {BASIL} not found (BASIL is needed for this benchmark)")
    from storyscope.evaluate.quotes import evaluate_basil_speakers
    misses: list[str] = []
    print(json.dumps(evaluate_basil_speakers(str(BASIL), args.limit, misses), indent=1))
    print("\n".join(misses), file=sys.stderr)


if __name__ == "__main__":
    main()
