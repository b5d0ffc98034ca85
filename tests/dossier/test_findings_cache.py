"""Stored findings are served only while everything they were computed from is unchanged."""
from __future__ import annotations

from storyscope.dossier.build import findings_key
from storyscope.record import Article, Layer, Span


def _art():
    return Article.create('Mayor quits\n\n"I am done," said Mayor Ivo Brenn of Tolven.', title="Mayor quits")


def test_key_covers_layer_content_not_only_span_counts():
    a = _art()
    one = {a.id: {"quotes": [Span(13, 25, "direct", {"speaker_text": "Ivo Brenn"})]}}
    other = {a.id: {"quotes": [Span(13, 25, "direct", {"speaker_text": "Tolven"})]}}
    moved = {a.id: {"quotes": [Span(14, 25, "direct", {"speaker_text": "Ivo Brenn"})]}}
    keys = {findings_key([a], one), findings_key([a], other), findings_key([a], moved)}
    assert len(keys) == 3
    assert findings_key([a], one) == findings_key([a], {a.id: {"quotes": [Span(13, 25, "direct", {"speaker_text": "Ivo Brenn"})]}})


def test_key_covers_dates_and_versions(monkeypatch):
    a = _art()
    layers = {a.id: {"quotes": []}}
    base = findings_key([a], layers)
    from dataclasses import replace
    assert findings_key([replace(a, published="2025-03-14", published_source="inferred")], layers) != base
    import storyscope.compare.registry as reg
    reg.ordered_steps()
    step = reg._STEPS["disputes"]
    monkeypatch.setitem(reg._STEPS, "disputes", replace(step, version="disputes.v999"))
    assert findings_key([a], layers) != base


def test_workspace_recomputes_findings_when_a_layer_changes_with_the_same_count(ws, monkeypatch):
    import storyscope.dossier.build as build
    a = _art()
    ws.store.add_articles([(a, [])])
    ws.store.put_layers(a.id, [Layer("quotes", "quotes.v2", [Span(13, 25, "direct", {"speaker_text": "Ivo Brenn"})])])
    ws.store.replace_stories([{"id": "s1", "title": "Mayor quits", "article_ids": [a.id]}])
    calls = []

    def fake_compare(story, arts, layers, reread=None):  # counts comparisons; the cache is under test
        calls.append([s.attrs.get("speaker_text") for s in layers[a.id]["quotes"]])
        return {"claims": [], "speakers": calls[-1]}
    monkeypatch.setattr(build, "compare_story", fake_compare)
    assert ws.findings("s1")["speakers"] == ["Ivo Brenn"]
    assert ws.findings("s1")["speakers"] == ["Ivo Brenn"] and len(calls) == 1  # cached
    ws.store.put_layers(a.id, [Layer("quotes", "quotes.v2", [Span(13, 25, "direct", {"speaker_text": "Tolven"})])])
    assert ws.findings("s1")["speakers"] == ["Tolven"] and len(calls) == 2
