"""Helpers of the story tests: two clusterers hold the same state."""
from __future__ import annotations

import json

import numpy as np
import pytest


def _same_state(a, b) -> bool:
    """Whether clusterers ``a`` and ``b`` hold the same stories, articles, counts and index (all their
    rows but the write token; the counts compared as values). Takes their rows (clears their journals)."""
    ra, rb = a.changed_rows(everything=True), b.changed_rows(everything=True)

    def meta(r):
        return {**json.loads(dict(r.globals)["meta"]), "token": None}
    return (meta(ra) == meta(rb) and dict(ra.globals).get("ivf") == dict(rb.globals).get("ivf")
            and ra.stories == rb.stories and sorted(ra.members) == sorted(rb.members) and ra.shown == rb.shown
            and np.array_equal(a.df, b.df) and dict(a.ent_df) == dict(b.ent_df))


@pytest.fixture
def same_state():
    return _same_state
