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


_TEXTS = ["Mayor Ilse Varn has made clear she will not rebuild the Brask bridge.\n"
          "Engineers warned the river was rising.",
          "The council, its chair Oren Platt said, would meet on Friday. Residents doubted it.",
          "Nobody spoke.", "Brask officials insisted that the dam was safe, according to a statement."]


def test_batched_parse_and_tagging_give_what_one_text_at_a_time_gives():
    """``ParseCache.parse_many`` and ``quote_spans.tag_many`` (the quote stage's batch preparation): the same
    parse bytes as ``nlp(text)`` and the same tagged spans as tagging each doc alone, and each later
    ``parse`` / ``tag`` call answers from what the batch left."""
    from storyscope.stages.nlp import ParseCache
    from storyscope.stages.quote_spans import _TAGGED_KEY, tag, tag_many
    cache = ParseCache()
    alone = [cache.nlp()(t) for t in _TEXTS]
    cache.parse_many(_TEXTS)
    docs = [cache.cached(t) for t in _TEXTS]
    assert all(d is not None for d in docs) and all(cache.parse(t) is d for t, d in zip(_TEXTS, docs))
    exclude = ["user_data", "tensor"]
    assert [d.to_bytes(exclude=exclude) for d in docs] == [d.to_bytes(exclude=exclude) for d in alone]
    tag_many(docs)
    assert all(any(k.startswith(_TAGGED_KEY) for k in d.user_data) for d in docs)
    assert [tag(d) for d in docs] == [tag(d) for d in alone] and any(tag(d) for d in alone)


def test_the_quote_stage_gives_the_same_quotes_batched_and_alone():
    """The actors and quotes stages prepare their batch (one ``nlp.pipe``, one tagger ``pipe``): the layers
    are those of one article at a time, parsed and tagged alone."""
    from storyscope.record import Article
    from storyscope.services import parse_cache
    from storyscope.stages import actors, quotes
    parse_cache().clear()
    alone = [(actors.extract_actors(t), quotes.extract_quotes(t)) for t in _TEXTS]
    parse_cache().clear()
    arts = [Article(id=str(k), text=t) for k, t in enumerate(_TEXTS)]
    found = [r["actors"] for r in actors.run([(a, {}) for a in arts])]
    got = [r["quotes"] for r in quotes.run([(a, {"actors": f}) for a, f in zip(arts, found)])]
    assert list(zip(found, got)) == alone and any(q for _, q in alone)
    from storyscope.stages.quote_spans import _TAGGED_KEY
    assert all(any(k.startswith(_TAGGED_KEY) for k in parse_cache().cached(t).user_data) for t in _TEXTS)  # the batch was tagged at once


def test_an_unconfirmed_mixed_quote_stays_when_its_quoted_words_share_its_cue():
    # a rules' mixed quote whose cue the tagger does not tag stays when the direct quotes inside it were attributed
    # to the same cue; an indirect quote whose cue the tagger does not tag goes (cues put on words no tagger tags)
    from storyscope.record import Span
    from storyscope.stages.nlp import parse
    from storyscope.stages.quote_direct import _Article
    from storyscope.stages.quote_spans import combine
    from storyscope.stages.quotes import EXTRACTOR, find_direct
    from storyscope.stages.speakers import SpeakerResolver
    text = ("Mayor Ilse Varn said the Brask bridge was safe. Odo Frisk raged that the contractor was "
            "\u201cdisgusting\u201d and \u201ca con\u201d. Frisk raged the toll was too high.")
    art = _Article(text, parse(text), find_direct(text), [(0, len(text))], [], SpeakerResolver(text, []))
    cue = [text.index("Odo"), text.index("Odo") + 3]
    cue2 = [text.rindex("Frisk"), text.rindex("Frisk") + 5]
    s, e = text.index("that the contractor"), text.index("\u201d.") + 1
    d0 = text.index("a con")
    out = [Span(s, e, "mixed", {"cue": cue}), Span(d0, d0 + 5, "direct", {"cue": cue}),
           Span(text.index("the toll"), len(text) - 1, "indirect", {"cue": cue2})]
    kept = {(q.label, text[q.start:q.end], tuple(q.attrs["cue"])) for q in combine(EXTRACTOR, art, out)}
    assert ("mixed", text[s:e], tuple(cue)) in kept and ("direct", "a con", tuple(cue)) in kept
    assert ("indirect", "the toll was too high", tuple(cue2)) not in kept
