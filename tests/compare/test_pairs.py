"""The pair judge's API: shapes, calibration range, thresholds, lazy thread-safe loading, and the
direction of its answers on fictional pairs (Eastport, Harlow bridge: invented places)."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from storyscope.compare import pairs

PARAPHRASE = ("The Harlow bridge in Eastport collapsed on Thursday after two days of heavy rain.",
              "After two days of heavy rain, Eastport's Harlow bridge collapsed on Thursday.")
UNRELATED = ("The Harlow bridge in Eastport collapsed on Thursday after two days of heavy rain.",
             "The council approved a new budget for the Eastport library.")
CONTRADICTION = ("The flood killed 12 people in the river district of Eastport.",
                 "Nobody was killed by the flood in Eastport.")
AGREEMENT = ("The flood killed 12 people in the river district of Eastport.",
             "Twelve people died in the Eastport flood.")


def test_shapes_and_probability_range():
    p = pairs.same_claim_prob([PARAPHRASE, UNRELATED, AGREEMENT])
    assert p.shape == (3,) and np.all((p > 0) & (p < 1))
    assert pairs.same_claim_prob([]).shape == (0,)
    with pytest.raises(ValueError, match="unknown pair task"):
        pairs.warm_up("contradiction")  # not shipped since disputes.v4


def test_batched_equals_one_by_one():
    model = pairs.warm_up("same-claim")
    model.cache.clear()  # else the single calls are cache hits
    batch = pairs.same_claim_prob([PARAPHRASE, UNRELATED, AGREEMENT])
    model.cache.clear()
    single = np.array([pairs.same_claim_prob([p])[0] for p in (PARAPHRASE, UNRELATED, AGREEMENT)])
    # one padded length per batch (``stages.embed.token_batches``): the same logits whatever else is scored;
    # before, bf16 padded batches to their longest pair and moved probabilities by up to 2e-3
    assert np.abs(batch - single).max() < 1e-6
    assert set(model.cache) == {PARAPHRASE, UNRELATED, AGREEMENT}
    again = pairs.same_claim_prob([AGREEMENT, PARAPHRASE, AGREEMENT])  # from the cache, in the asked order
    assert np.allclose(again, single[[2, 0, 2]])


def test_bf16_agrees_with_fp32(monkeypatch):
    """The bf16 fast path must not move decisions: the thresholds were set in fp32."""
    model = pairs.warm_up("same-claim")
    got = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("STORYSCOPE_EMBED_BF16", flag)
        model.cache.clear()
        got[flag] = model.logits([PARAPHRASE, UNRELATED, CONTRADICTION, AGREEMENT])
    model.cache.clear()
    assert np.abs(got["0"] - got["1"]).max() < 0.05


def test_answers_point_the_right_way():
    same = pairs.same_claim_prob([PARAPHRASE, UNRELATED])
    assert same[0] >= pairs.settings().same_claim_agree > same[1]
    assert pairs.same_claim_prob([CONTRADICTION])[0] < same[0]


def test_settings_are_probabilities_from_the_shipped_metadata():
    s = pairs.settings()
    assert 0 < s.same_claim_agree <= s.same_claim < 1
    for task in pairs.TASKS:
        meta = pairs._meta(task)
        assert meta["threshold_rule"] == "dev precision >= 0.90" and meta["n_dev"] > 100


def test_loading_is_once_per_process_and_thread_safe():
    got = []
    threads = [threading.Thread(target=lambda: got.append(pairs.warm_up("same-claim"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(m is got[0] for m in got)


def test_unknown_task_is_refused():
    import pytest
    with pytest.raises(ValueError, match="unknown pair task"):
        pairs.warm_up("sarcasm")


def test_logits_do_not_depend_on_the_batch():
    """A pair scored among pairs of other lengths, or in another order, gets the logits it gets alone."""
    model = pairs.warm_up("same-claim")
    longer = (PARAPHRASE[0] + " Officials said the river rose by three metres overnight.", UNRELATED[1])
    model.cache.clear()
    alone = model.logits([AGREEMENT])
    model.cache.clear()
    mixed = model.logits([PARAPHRASE, longer, AGREEMENT, UNRELATED])
    model.cache.clear()
    assert np.abs(mixed[2] - alone[0]).max() < 1e-6
