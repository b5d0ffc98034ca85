"""Learned attribution spans (stages/quote_spans.py): grouping tagged spans, and the shipped tagger, on fictional text."""
from __future__ import annotations

from storyscope.stages.quote_spans import group


def _span(text: str, words: str, label: str, nth: int = 0) -> tuple[int, int, str]:
    s = -1
    for _ in range(nth + 1):
        s = text.index(words, s + 1)
    return s, s + len(words), label


def test_group_joins_each_span_to_the_nearest_cue_of_its_sentence():
    text = "Mayor Ilse Varn said the bridge would open. Engineers warned that the river was rising.\nOther news."
    spans = [_span(text, "Mayor Ilse Varn", "SOURCE"), _span(text, "said", "CUE"),
             _span(text, "the bridge would open", "CONTENT"), _span(text, "Engineers", "SOURCE"),
             _span(text, "warned", "CUE"), _span(text, "that the river was rising", "CONTENT"),
             _span(text, "Other news", "CONTENT")]
    got = {text[slice(*a.cue)]: (text[slice(*a.source)], [text[slice(*c)] for c in a.content]) for a in group(text, spans)}
    assert got == {"said": ("Mayor Ilse Varn", ["the bridge would open"]),
                   "warned": ("Engineers", ["that the river was rising"])}  # another paragraph's span has no cue


def test_group_keeps_a_content_split_by_its_cue():
    text = "The dam, the minister said, is safe."
    spans = [_span(text, "The dam", "CONTENT"), _span(text, "the minister", "SOURCE"), _span(text, "said", "CUE"),
             _span(text, "is safe", "CONTENT")]
    (a,) = group(text, spans)
    assert [text[slice(*c)] for c in a.content] == ["The dam", "is safe"]


def test_the_shipped_tagger_adds_attributions_the_rules_miss():
    from storyscope.stages.quotes import QuoteExtractor
    text = "Mayor Ilse Varn has made clear she will not rebuild the Brask bridge."
    assert QuoteExtractor(learned=False)(text) == []
    (q,) = QuoteExtractor()(text)
    assert text[q.start:q.end] == "she will not rebuild the Brask bridge"
    assert text[slice(*q.attrs["cue"])] == "has made clear" and q.attrs["speaker_text"] == "Mayor Ilse Varn"


def test_the_tagger_reads_a_copy_of_the_parse():
    from storyscope.stages.nlp import parse
    from storyscope.stages.quote_spans import tag
    doc = parse("Mayor Ilse Varn said on Monday that the Brask bridge was safe.")
    before = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    labels = {label for _s, _e, label in tag(doc)}
    assert labels == {"SOURCE", "CUE", "CONTENT"}
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == before  # the product's entities stay
