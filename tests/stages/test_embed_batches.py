"""Transformer batches of one padded length (``stages.embed.token_batches``): every input padded to a
multiple of 8 tokens, so a MiniLM vector depends on its text only, not on the texts embedded with it."""
from __future__ import annotations

import numpy as np

from storyscope.stages import embed as E


def test_batches_group_inputs_by_padded_length():
    lengths = [5, 8, 9, 30, 7, 16, 17, 1]
    got = E.token_batches(lengths, batch_size=2)
    assert sorted(i for _, idx in got for i in idx) == list(range(len(lengths)))
    for length, idx in got:
        assert length % 8 == 0 and len(idx) <= 2
        assert all(length - 8 < lengths[i] <= length for i in idx)
    assert [length for length, _ in got] == sorted(length for length, _ in got)


def test_padded_rows_keep_their_tokens():
    enc = {"input_ids": [[101, 7, 102], [101, 102]], "attention_mask": [[1, 1, 1], [1, 1]],
           "token_type_ids": [[0, 0, 0], [0, 0]]}
    x = E.padded(enc, [1, 0], 8, pad_id=0)
    assert x["input_ids"].shape == (2, 8)
    assert x["input_ids"][1, :3].tolist() == [101, 7, 102] and x["attention_mask"][0].tolist() == [1, 1] + [0] * 6


def test_vector_does_not_depend_on_the_batch():
    """A text embedded alone and among texts of other lengths gets the same vector (under bf16, padding to
    another length moved a vector by up to 1e-3 before)."""
    model = E.warm_up()
    text = "The Varno council met on Tuesday to discuss the dam."
    others = ["Rain fell.", "Officials in Selvane denied that any warning had been given to the farmers downstream "
              "before the gates of the dam were opened at dawn on Monday.", "A short note."]
    alone = E._encode(model, [text], 32)
    mixed = E._encode(model, others[:2] + [text] + others[2:], 32)
    assert np.abs(mixed[2] - alone[0]).max() < 1e-6
    assert np.allclose(np.linalg.norm(mixed, axis=1), 1.0, atol=1e-5)
