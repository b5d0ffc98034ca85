"""`eval stories`: the metrics on hand-made labelings, and the product's floors on BASIL and ECB+ against both peers."""
from __future__ import annotations

import json
import pathlib

import pytest

pytestmark = pytest.mark.slow

from storyscope.evaluate.stories import evaluate_stories, scores, tfidf_agglomerative

DATASETS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
# B-cubed F1 floors, slightly below the figures measured on these dev sets: BASIL 0.985 online
# (0.995 batch), ECB+ 0.899 with relink, FNC-1 topics 0.939 with lexical candidates and the untitled
# second look (storyscope eval stories, both peers oracle-tuned on the same file; BENCHMARKS.md session 9)
FLOORS = {"basil": 0.98, "basil_batch": 0.99, "ecbplus": 0.895, "fnc1": 0.935}


def test_scores_on_known_labelings():
    gold = [0, 0, 0, 1, 1]
    perfect = scores([5, 5, 5, 7, 7], gold)
    assert perfect["bcubed"] == {"p": 1.0, "r": 1.0, "f1": 1.0} and perfect["ari"] == 1.0
    assert perfect["clusters"] == perfect["gold_clusters"] == 2
    one = scores([0, 0, 0, 0, 0], gold)
    # B-cubed precision: 3 items see 3/5 correct, 2 items see 2/5 -> (3*0.6 + 2*0.4) / 5
    assert one["bcubed"]["p"] == pytest.approx(0.52) and one["bcubed"]["r"] == 1.0
    # pairwise: 4 true pairs of 10 predicted
    assert one["pairwise"]["p"] == pytest.approx(0.4) and one["pairwise"]["r"] == 1.0
    single = scores([0, 1, 2, 3, 4], gold)
    assert single["bcubed"]["p"] == 1.0 and single["pairwise"]["r"] == 0.0


def test_peer_groups_fictional_texts():
    items = [{"id": str(i), "title": t, "text": x} for i, (t, x) in enumerate([
        ("Harbour bridge shut", "Cracks closed the Norvale harbour bridge span."),
        ("Bridge cracks", "The Norvale harbour bridge span has cracks, engineers said."),
        ("Budget vote", "Delmere council votes on the teachers budget."),
        ("Teachers budget", "Delmere teachers back the council budget vote."),
        ("", ""),
    ])]
    groups = sorted(sorted(g) for g in tfidf_agglomerative(items))
    assert groups == [["0", "1"], ["2", "3"], ["4"]]


def test_bad_file_is_reported(tmp_path):
    from storyscope.errors import InputError
    p = tmp_path / "x.jsonl"
    p.write_text('{"id": "a", "text": "t"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="no 'story' field"):
        evaluate_stories(str(p))


def _dataset(*parts: str) -> dict:
    path = DATASETS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared not found: {path} is needed for this test")
    return evaluate_stories(str(path))


@pytest.fixture(scope="module")
def basil() -> dict:
    return _dataset("basil", "stories.jsonl")


@pytest.fixture(scope="module")
def ecbplus() -> dict:
    return _dataset("ecbplus", "stories-dev.jsonl")


@pytest.fixture(scope="module")
def fnc1(tmp_path_factory) -> dict:
    """FNC-1 train bodies grouped into topics (``benchmarks/stories_fnc1_topics.py``), written outside the repo."""
    import sys
    if not (DATASETS / "fnc1" / "train_stances.csv").exists():
        pytest.skip(f"../shared not found: {DATASETS / 'fnc1'} is needed for this test")
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "benchmarks"))
    from stories_fnc1_topics import main
    out = tmp_path_factory.mktemp("fnc1") / "stories.jsonl"
    main(["--out", str(out)])
    return evaluate_stories(str(out))


def _ahead_of_peers(r: dict) -> None:
    json.dumps(r)
    assert r["path"] == "Workspace.group (online)"
    for name in ("tfidf-agglomerative", "minilm-agglomerative"):
        b = r["peers"][name]
        assert set(b) >= {"bcubed", "pairwise", "ari", "clusters", "gold_clusters", "seconds", "threshold"}
        assert r["bcubed"]["f1"] > b["bcubed"]["f1"], name


def test_basil_floor_through_workspace_and_ahead_of_peers(basil):
    """The product's online grouping (Workspace.group) on BASIL (300 articles, 100 events)."""
    assert basil["gold_clusters"] == 100 and basil["articles"] == 300
    assert basil["bcubed"]["f1"] >= FLOORS["basil"]
    assert basil["batch"]["bcubed"]["f1"] >= FLOORS["basil_batch"]
    _ahead_of_peers(basil)


def test_ecbplus_floor_through_workspace_and_ahead_of_peers(ecbplus):
    """ECB+ topics 1-35 (723 documents, two events of one kind per topic, no dates)."""
    assert ecbplus["articles"] == 723
    assert ecbplus["bcubed"]["f1"] >= FLOORS["ecbplus"]
    _ahead_of_peers(ecbplus)


def test_fnc1_topics_floor_through_workspace_and_ahead_of_peers(fnc1):
    """FNC-1 bodies in 191 topics (1,683 bodies, no headline, no date): the untitled path."""
    assert fnc1["articles"] == 1683 and fnc1["gold_clusters"] == 191
    assert fnc1["bcubed"]["f1"] >= FLOORS["fnc1"]
    _ahead_of_peers(fnc1)
