"""The MiniLM attribution tagger's windows and BIO decoding (stages/quote_tagger.py), on fictional text."""
from __future__ import annotations

from storyscope.stages.quote_tagger import sentence_spans, spans_from_bio, window_spans


class _Pieces:
    """A stand-in tokenizer for window packing: one wordpiece per whitespace-separated word, with offsets."""

    def __call__(self, texts, add_special_tokens=False, return_offsets_mapping=True):
        import re
        return {"offset_mapping": [[(m.start(), m.end()) for m in re.finditer(r"\S+", t)] for t in texts]}


def test_sentence_spans_cut_lines_and_sentence_ends():
    text = "Brask Dam Holds\n\nMayor Ilse Varn said it was safe. \"We are ready,\" she said. Engineers agreed.\n"
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["Brask Dam Holds", "Mayor Ilse Varn said it was safe.", "\"We are ready,\" she said.",
                   "Engineers agreed."]


def test_windows_pack_adjacent_sentences_and_cut_long_ones():
    text = "One two three. Four five. Six seven eight nine ten eleven.\nTwelve."
    sents = sentence_spans(text)
    got = [text[s:e] for s, e in window_spans(text, _Pieces(), sents, max_pieces=5)]
    assert got == ["One two three. Four five.", "Six seven eight nine ten", "eleven.\nTwelve."]
    # a sentence left out (not adjacent) is never inside a window
    got = [text[s:e] for s, e in window_spans(text, _Pieces(), [sents[0], sents[3]], max_pieces=50)]
    assert got == ["One two three.", "Twelve."]


def test_bio_decoding_opens_a_span_at_b_or_a_stray_i():
    tags = ["O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CONTENT", "I-CONTENT", "B-CONTENT", "O", "I-CUE"]
    assert spans_from_bio(tags) == [("SOURCE", 1, 2), ("CUE", 3, 3), ("CONTENT", 4, 5), ("CONTENT", 6, 6),
                                    ("CUE", 8, 8)]
