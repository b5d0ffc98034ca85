"""Write FNC-1 train bodies grouped into topics, in the generic stories format, for `eval stories`.

    python benchmarks/stories_fnc1_topics.py --out /tmp/fnc1/stories.jsonl

A topic is a connected component of the bipartite graph of headlines and bodies linked by a
related stance (agree, disagree, discuss): 1,683 bodies in 191 topics. Bodies have no title and
no date, so this is the undated, same-vocabulary kind of corpus. The file is written outside the
repository (the text belongs to its publishers).
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "fnc1"


def topics(base: Path = SHARED) -> dict[str, str]:
    """Body ID -> topic id (the smallest body id of its component)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with open(base / "train_stances.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["Stance"] != "unrelated":
                parent[find("h:" + r["Headline"])] = find("b:" + r["Body ID"])
    comps: dict[str, list[str]] = {}
    for x in list(parent):
        if x.startswith("b:"):
            comps.setdefault(find(x), []).append(x[2:])
    return {b: "fnc-topic-" + min(bs, key=int) for bs in comps.values() for b in bs}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    topic = topics()
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(SHARED / "train_bodies.csv", encoding="utf-8") as fh, open(out, "w", encoding="utf-8") as w:
        for r in csv.DictReader(fh):
            if r["Body ID"] in topic:
                w.write(json.dumps({"id": "fnc-" + r["Body ID"], "story": topic[r["Body ID"]], "title": "",
                                    "text": r["articleBody"], "outlet": None, "published": None}) + "\n")
                n += 1
    print(f"{n} bodies, {len(set(topic.values()))} topics -> {out}")


if __name__ == "__main__":
    main()
