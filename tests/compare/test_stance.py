"""The shipped stance model loads offline and labels fictional claim/article pairs sensibly."""
from __future__ import annotations

import json

import numpy as np
import pytest

from storyscope.compare.stance import DEFAULT_PATH, LABELS, VERSION, get_model, split_sentences, stance

ARTICLE = (
    "The town of Westbrook officially opened its new public library on Main Street on Saturday, "
    "Mayor Olivia Hartfield confirmed.\n"
    "Hundreds of residents queued outside the three-storey building before the doors opened at nine. "
    "The library, which cost 4 million dollars, holds 60,000 books and a children's reading room. "
    "Hartfield said the opening of the Main Street library was the town's proudest day in years. "
    "Librarian Tomas Reyes said more than 800 library cards were issued on the first day."
)
AGREE_CLAIM = "Westbrook opens new public library on Main Street"
UNRELATED_CLAIM = "Harbor City Sharks sign veteran goalkeeper on two-year football contract"


@pytest.fixture(scope="module")
def model():
    return get_model()


def test_artifact_is_small_versioned_and_described():
    assert DEFAULT_PATH.is_file() and DEFAULT_PATH.stat().st_size < 30e6
    meta = json.loads(DEFAULT_PATH.with_suffix(".json").read_text())
    assert meta["version"] == VERSION and "FNC-1" in meta["data"]
    assert (DEFAULT_PATH.parent / "README.md").is_file()


def test_predicts_agree_and_unrelated_on_fictional_pairs(model):
    assert get_model() is model  # loaded once per process
    labels = model.predict([(AGREE_CLAIM, ARTICLE), (UNRELATED_CLAIM, ARTICLE)])
    assert labels == ["agree", "unrelated"]
    proba = model.predict_proba([(AGREE_CLAIM, ARTICLE), (UNRELATED_CLAIM, ARTICLE)])
    assert proba.shape == (2, 4)
    assert np.allclose(proba.sum(1), 1.0, atol=1e-6)
    assert proba[0, LABELS.index("unrelated")] < 0.2 < proba[1, LABELS.index("unrelated")]


def test_convenience_function_and_edge_cases(model):
    out = stance(AGREE_CLAIM, ARTICLE)
    assert out["label"] == "agree"
    assert set(out["scores"]) == set(LABELS)
    assert model.predict([]) == []
    assert model.predict([("", "")])[0] in LABELS  # empty input degrades, never crashes


def test_sentence_split_keeps_lead_first():
    sents = split_sentences("First line here.\nSecond one! Third? \"Fourth\" said he.")
    assert sents[0] == "First line here." and len(sents) == 4
