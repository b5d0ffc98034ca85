"""Quality floor of the timex stage on TimeBank + AQUAINT (TempEval-3 scoring)."""
from __future__ import annotations

import pathlib

import pytest

from storyscope.evaluate.time import evaluate_time, read_tml, score_document

DATA = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "timeml"


@pytest.fixture(scope="module")
def scores() -> dict:
    if not DATA.is_dir():
        pytest.skip(f"../shared not found: {DATA}")
    return evaluate_time(str(DATA))


def test_quality_floor(scores):
    assert scores["documents"] == 256 and scores["gold"] > 1800
    assert scores["value"]["f1"] >= 0.76
    assert scores["relaxed"]["f1"] >= 0.91
    assert scores["strict"]["f1"] >= 0.82


def test_reader_offsets_match_gold_text():
    if not DATA.is_dir():
        pytest.skip(f"../shared not found: {DATA}")
    f = sorted(DATA.rglob("*.tml"))[0]
    text, dct, gold = read_tml(f)
    assert dct and len(dct) >= 10 and gold
    raw = f.read_text(encoding="utf-8")
    assert all(text[g["start"]:g["end"]] in raw for g in gold)


def test_scoring_definitions():
    gold = [{"start": 0, "end": 10, "type": "DATE", "value": "2022-04-02"},
            {"start": 20, "end": 25, "type": "DURATION", "value": "P3D"}]
    system = [{"start": 0, "end": 10, "type": "DATE", "value": "2022-04-02"},
              {"start": 21, "end": 25, "type": "DURATION", "value": "P2D"},
              {"start": 40, "end": 45, "type": "DATE", "value": "2022"}]
    assert score_document(gold, system) == {"strict": 1, "relaxed": 2, "value": 1, "type": 2}
