"""Does a clusterer loaded from the store mid-stream assign the rest as the one that never stopped?

The stream of ``bench_stories.py`` (its pool cache must exist: run that first). Clusterer A adds the
first ``cut`` articles, writing its changed rows to a SQLite store every 256 (as ``Workspace.group``
does); B is loaded from the store (``OnlineClusterer.from_rows``); both add the remaining articles.

Usage: OMP_NUM_THREADS=1 python benchmarks/check_stories_reload.py [total] [cut]  (default 20000 10000)
Prints one line: how many of the remaining articles B assigned differently, and whether the groups agree.
"""
from __future__ import annotations

import pickle
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    from bench_stories import stream
    from storyscope.stories.cluster import OnlineClusterer
    from storyscope.store.sqlite import SQLiteStore
    n, cut = (int(x) for x in (sys.argv[1:3] if len(sys.argv) > 2 else (20000, 10000)))
    data = pickle.loads(Path("/tmp/storyscope_bench_pool.pkl").read_bytes())
    items, fs = stream(data["pool"], data["feats"], n)
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(str(Path(tmp) / "reload.db"))
        a = OnlineClusterer()
        for k, (it, f) in enumerate(zip(items[:cut], fs[:cut])):
            a.add(it, f)
            if (k + 1) % 256 == 0:
                store.put_grouping(a.changed_rows(everything=k < 256))
        store.put_grouping(a.changed_rows())
        b = OnlineClusterer.from_rows(store.get_grouping())
        store.close()
    ra = [a.add(it, f) for it, f in zip(items[cut:], fs[cut:])]
    rb = [b.add(it, f) for it, f in zip(items[cut:], fs[cut:])]
    diff = sum(x != y for x, y in zip(ra, rb))
    print(f"{n - cut} articles after a reload at {cut}: {diff} assigned differently; "
          f"groups equal: {a.groups() == b.groups()}")


if __name__ == "__main__":
    main()
