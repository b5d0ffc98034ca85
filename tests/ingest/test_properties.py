"""Property-based tests: every reader survives arbitrary input with an InputError or articles
whose spans lie inside their text."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from storyscope.errors import InputError
from storyscope.ingest import read_bytes
from storyscope.ingest.detect import detect_furniture

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
lines = st.lists(st.one_of(
    st.text(max_size=80),
    st.sampled_from(["By NORTHWIRE", "Published: MARCH 3, 2025 10:00", "› Subscribe", "Please enter your comment!",
                     "(photo credit: A/B)", "Discuss", "World", "Friday, June 6, 2025", '"Quote," he said.', ""])),
    max_size=25)


def _check(data: bytes, kind: str) -> None:
    errs = []
    try:
        got = list(read_bytes(data, "fuzz-input", path=f"x.{kind}", kind=kind, on_error=errs.append))
    except InputError as e:
        assert str(e).startswith("fuzz-input")
        return
    for art, debris in got:
        assert art.text and art.id
        for s in debris.spans:
            assert 0 <= s.start < s.end <= len(art.text)
    for e in errs:
        assert "fuzz-input" in str(e)


@SETTINGS
@given(lines)
def test_detect_furniture_spans_inside(ls):
    text = "\n".join(ls)
    f = detect_furniture(text)
    for s in f.debris:
        assert 0 <= s.start < s.end <= len(text) and text[s.start:s.end].strip() == text[s.start:s.end]


@SETTINGS
@given(st.binary(max_size=600))
def test_text_reader_any_bytes(data):
    _check(data, "text")


@SETTINGS
@given(lines)
def test_text_reader_any_lines(ls):
    _check("\n".join(ls).encode("utf-8"), "text")


@SETTINGS
@given(st.lists(st.sampled_from(["<html>", "<body>", "<p>", "</p>", "<div>", "</div>", "<article>", "<h1>", "</h1>",
                                 "<title>", "</title>", "<script>", "</script>", "<!--", "-->", "&amp;", "&#x0;"])
                | st.text(max_size=40), max_size=60).map(lambda xs: "".join(x if isinstance(x, str) else "".join(x) for x in xs)))
def test_html_reader(doc):
    _check(doc.encode("utf-8"), "html")


@SETTINGS
@given(st.lists(st.sampled_from(["<?xml version='1.0'?>", "<rss>", "<channel>", "<item>", "<title>t</title>",
                                 "<description>", "</description>", "</item>", "</channel>", "</rss>", "<feed>",
                                 "<entry>", "</entry>", "x &lt;p&gt; y", "<pubDate>nonsense</pubDate>"]), max_size=40))
def test_feed_reader(parts):
    _check("".join(parts).encode("utf-8"), "feed")


@SETTINGS
@given(st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["id", "text", "title", "published", "outlet", "story", "url"]),
                    st.one_of(st.none(), st.integers(), st.text(max_size=30), st.lists(st.integers(), max_size=2))),
    st.text(max_size=30)), max_size=8))
def test_jsonl_reader(recs):
    data = "\n".join(json.dumps(r) if isinstance(r, dict) else r for r in recs).encode("utf-8")
    _check(data, "jsonl")
