"""The one record: an immutable article whose id is a hash of its content, and evidence cut from its text."""
from __future__ import annotations

import dataclasses

import pytest

from storyscope.record import Article, Span, check_evidence, content_id


def test_id_is_a_content_hash_of_text_title_and_outlet():
    a = Article.create("The Orlen dam held.\n", title="Dam holds", outlet="Northwire")
    assert a.id == Article.create("The  Orlen dam held.", title="Dam holds", outlet="northwire").id  # spacing, case
    assert a.id != Article.create("The Orlen dam broke.", title="Dam holds", outlet="Northwire").id
    assert a.id != Article.create("The Orlen dam held.", title="Dam holds", outlet="Ilvar Courier").id
    assert len(a.id) == 16 and a.id == content_id("The Orlen dam held.", "Dam holds", "Northwire")


def test_article_is_immutable_and_round_trips():
    a = Article.create("Text.", title="T", published="2025-03-14", published_source="explicit", meta={"k": 1})
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.text = "other"  # type: ignore[misc]
    assert Article.from_dict({**a.to_dict(), "unknown_field": 1}) == a


def test_evidence_is_the_cited_text_and_is_checked():
    a = Article.create("Mayor Ivo Brenn quit on Friday.", title="Quits")
    ev = a.evidence(6, 15)
    assert ev == {"article_id": a.id, "start": 6, "end": 15, "text": "Ivo Brenn"}
    assert check_evidence(ev, {a.id: a.text})
    assert not check_evidence({**ev, "text": "Ivo Bren"}, {a.id: a.text})
    assert Span(6, 15, "PERSON").text(a.text) == "Ivo Brenn"
