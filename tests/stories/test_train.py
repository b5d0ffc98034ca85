"""The pair model's training folds: a topic's events stay on one side of every split."""
from __future__ import annotations

from storyscope.stories.train import folds_of, topic_of


def test_topic_of_joins_the_two_events_of_an_ecb_topic():
    assert topic_of("12ecb") == topic_of("12ecbplus") == "12"
    assert topic_of("fnc-topic-7") == "fnc-topic-7"


def test_folds_keep_a_topic_together_and_use_every_fold():
    gold = ["1ecb", "1ecbplus", "2ecb", "2ecbplus", "1ecb", "3ecb", "4ecbplus", "5ecb", "6ecb", "3ecbplus"]
    folds = folds_of(gold, 5)
    by_topic: dict[str, set[int]] = {}
    for g, f in zip(gold, folds):
        by_topic.setdefault(topic_of(g), set()).add(f)
    assert all(len(fs) == 1 for fs in by_topic.values())
    assert set(folds) == set(range(5))
