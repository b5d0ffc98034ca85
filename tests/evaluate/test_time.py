"""Quality floors of the timex stage on TimeBank + AQUAINT (TempEval-3 scoring), on the held-out dev
split (every 5th document by name; the rules were tuned on the rest) and on all documents."""
from __future__ import annotations

import pytest

from storyscope.errors import InputError
from storyscope.evaluate.time import DEV_EVERY, evaluate_time, read_tml, score_document, split_files

# Measured with timex.v5: dev (52 documents, 351 gold) strict .883 / relaxed .953 / value .825;
# all (256 documents, 1,822 gold) strict .874 / relaxed .942 / value .805.
FLOORS = {"dev": {"strict": 0.878, "relaxed": 0.945, "value": 0.82},
          "all": {"strict": 0.865, "relaxed": 0.935, "value": 0.80}}


@pytest.fixture(scope="module")
def data(timeml_dir) -> str:
    return str(timeml_dir)


@pytest.mark.parametrize("split", ["dev", "all"])
def test_quality_floor(data, split):
    scores = evaluate_time(data, split=split)
    assert scores["documents"] == {"dev": 52, "all": 256}[split]
    assert scores["gold"] > {"dev": 300, "all": 1800}[split]
    for key, floor in FLOORS[split].items():
        assert scores[key]["f1"] >= floor, (split, key, scores[key])


def test_splits_partition_the_documents(data):
    dev, tune, every = (split_files(data, s) for s in ("dev", "tune", "all"))
    assert len(dev) + len(tune) == len(every) and not set(dev) & set(tune)
    assert dev == every[::DEV_EVERY]
    with pytest.raises(InputError, match="unknown split"):
        split_files(data, "test")


def test_reader_offsets_match_gold_text(data):
    f = split_files(data)[0]
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


def test_a_folder_without_timeml_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="no TimeML"):
        evaluate_time(str(tmp_path))
