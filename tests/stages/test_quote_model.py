"""The learned attribution tagger's label coding and decoding (stages/quote_model.py), on fictional text."""
from __future__ import annotations

import numpy as np

from storyscope.stages.quote_model import best_segment, decode, paragraph, tag_spans

# pieces of 'Mayor Ana Lisk said the bridge is safe .' as character offsets; (0, 0) is [CLS]/[SEP]
TEXT = "Mayor Ana Lisk said the bridge is safe."
OFFSETS = [(0, 0), (0, 5), (6, 9), (10, 14), (15, 19), (20, 23), (24, 30), (31, 33), (34, 38), (38, 39), (0, 0)]


def test_tags_round_trip_to_character_spans():
    content = [(20, 38)]
    tags = tag_spans(content, OFFSETS)
    assert tags == [0, 0, 0, 0, 0, 1, 2, 2, 2, 0, 0]
    assert decode(tags, OFFSETS) == content
    assert decode([0, 2, 2, 0, 0, 1, 2, 0, 1, 0, 0], OFFSETS) == [(0, 9), (20, 30), (34, 38)]


def test_best_segment_spans_the_cue_and_respects_near():
    logp = np.log(np.full((len(OFFSETS), 3), [0.8, 0.1, 0.1]))
    for k in (5, 6, 7, 8):  # the tagger favours 'the bridge is safe'
        logp[k] = np.log([0.1, 0.6 if k == 5 else 0.1, 0.3 if k == 5 else 0.8])
    neutral = [0] * len(OFFSETS)
    s, e, gain = best_segment(logp, OFFSETS, neutral)
    assert TEXT[s:e] == "the bridge is safe" and gain > 0
    assert best_segment(logp, OFFSETS, neutral, near=(0, 9)) is None or best_segment(
        logp, OFFSETS, neutral, near=(0, 9))[2] < gain


def test_paragraph_is_the_line():
    text = "Title\nAna said so.\nNext line."
    a, b = paragraph(text, text.index("said"), text.index("said") + 4)
    assert text[a:b] == "Ana said so."
