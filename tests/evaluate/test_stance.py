"""Official FNC-1 scorer, the grouped validation split, and the shipped model's quality floor on it."""
from __future__ import annotations

import pathlib

import pytest

pytestmark = pytest.mark.slow

from storyscope.evaluate.stance import (LABELS, evaluate_stance, fnc_score, grouped_split, read_fnc,
                                        report)

DATA = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "fnc1"
# Measured on this subsample with stance-v1: relative 0.870, macro F1 0.638 (full validation 0.870 / 0.669).
FLOOR_RELATIVE = 0.84
FLOOR_MACRO_F1 = 0.58


def test_official_score_on_hand_built_example():
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated", "agree"]
    pred = ["agree", "discuss", "unrelated", "unrelated", "agree", "unrelated"]
    # 1.0 exact related + 0.25 related-but-wrong + 0 + 0.25 unrelated right + 0 + 0
    assert fnc_score(gold, pred) == (1.5, 4 * 1.0 + 2 * 0.25)
    r = report(gold, pred)
    assert r["relative_score"] == round(1.5 / 4.5, 4)
    assert r["confusion"]["labels"] == list(LABELS)
    assert r["confusion"]["matrix"][0] == [1, 0, 0, 1]       # gold agree
    assert r["confusion"]["matrix"][3] == [1, 0, 0, 1]       # gold unrelated
    assert r["per_class"]["agree"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "support": 2}
    assert r["per_class"]["disagree"]["f1"] == 0.0
    assert r["per_class"]["unrelated"]["p"] == 0.3333   # 3 predicted, 1 right
    perfect = report(gold, gold)
    assert perfect["relative_score"] == 1.0 and perfect["macro_f1"] == 1.0


def test_split_is_grouped_by_claim_and_deterministic():
    rows = [(f"claim {c}", f"{c}{k}", "agree" if k % 2 else "discuss") for c in "abcdefghij" for k in range(4)]
    rows += [("claim a", "b0", "unrelated"), ("claim b", "c1", "unrelated")]
    tr, va = grouped_split(rows, seed=7, val_fraction=0.2)
    assert (tr, va) == grouped_split(rows, seed=7, val_fraction=0.2)
    assert sorted(tr + va) == list(range(len(rows))) and va
    # every claim's bodies land on one side, whatever unrelated pairs cross them
    val_claims = {rows[i][1][0] for i in va}
    assert not val_claims & {rows[i][1][0] for i in tr}
    assert len(val_claims) == 2


def test_reader_rejects_missing_split(tmp_path):
    with pytest.raises(FileNotFoundError, match="test_bodies.csv"):
        read_fnc(tmp_path, "test")


@pytest.fixture(scope="module")
def val_subset(tmp_path_factory):
    """A deterministic subsample of the grouped validation bodies, written in FNC-1 layout under tmp."""
    import csv
    if not DATA.is_dir():
        pytest.skip(f"../shared not found: {DATA}")
    bodies, rows = read_fnc(DATA, "train")
    _, va = grouped_split(rows)
    val_bodies = sorted({rows[i][1] for i in va}, key=int)
    keep = set(val_bodies[::3])                       # every third held-out body, ~3,000 pairs
    out = tmp_path_factory.mktemp("fnc1val")
    with (out / "val_bodies.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Body ID", "articleBody"])
        w.writerows([b, bodies[b]] for b in sorted(keep, key=int))
    with (out / "val_stances.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerows([rows[i][0], rows[i][1], rows[i][2]] for i in va if rows[i][1] in keep)
    return out


def test_quality_floor_on_grouped_validation(val_subset):
    r = evaluate_stance(str(val_subset), "val")
    assert set(r) == {"relative_score", "score", "max_score", "macro_f1", "per_class", "confusion",
                      "pairs", "seconds"}
    assert r["pairs"] > 2000
    assert r["relative_score"] >= FLOOR_RELATIVE
    assert r["macro_f1"] >= FLOOR_MACRO_F1
    assert r["per_class"]["unrelated"]["f1"] >= 0.95
    assert r["per_class"]["disagree"]["support"] > 0
