"""Every limit answers with one clear line naming the input, and the rest of the batch goes on.

Worst-case seconds and memory are measured by benchmarks/reliability/limits.py; these tests check
behaviour only (no timing assertions).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from storyscope import errors
from storyscope.ingest import MAX_FILE_BYTES, feeds, read_sources

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "reliability"))
import limits  # noqa: E402

SMALL = "Kessel dam inspected\n\nThe Kessel dam was inspected on Tuesday, engineers said.\n"


def _read(paths):
    errs: list[str] = []
    arts = list(read_sources([str(p) for p in paths], on_error=lambda e: errs.append(str(e))))
    return arts, errs


def test_file_over_the_size_limit_is_refused_by_name(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: the size check must come before any read
    (tmp_path / "small.txt").write_text(SMALL)
    arts, errs = _read([big, tmp_path / "small.txt"])
    assert len(arts) == 1 and arts[0][0].title == "Kessel dam inspected"
    assert errs == [f"{big}: " + errors.TOO_LARGE.format(limit=MAX_FILE_BYTES)]


@pytest.mark.parametrize("marks", [10_000, 100_000])
@pytest.mark.parametrize("one_line", [False, True])
def test_many_quotation_marks_through_sentences_and_quote_finder(marks, one_line):
    from storyscope.pipeline import pipe, resolve_stages
    from storyscope.record import Article
    art = Article.create(limits.quote_text(marks, one_line), title="Orlen council meeting")
    assert art.text.count('"') == marks
    (got,) = list(pipe([art], None, resolve_stages(["sentences"])))
    sents = got[1]["sentences"]
    assert len(sents) == marks // 2 + 1 and all(0 <= s.start < s.end <= len(art.text) for s in sents)
    from storyscope.stages.quotes import find_direct
    found = find_direct(art.text)
    assert len(found) == marks // 2
    assert all(art.text[a:b].startswith("Point ") for a, b, _ in found[:50])


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_html_nesting_gives_a_clear_error_in_a_batch(tmp_path, depth):
    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<div>" * depth + f"<p>{limits.PARA}</p>" + "</div>" * depth + "</body></html>")
    (tmp_path / "small.txt").write_text(SMALL)
    arts, errs = _read([deep, tmp_path / "small.txt"])
    assert len(arts) == 1
    assert errs == [f"{deep}: " + errors.HTML_TOO_DEEP.format(depth=depth, limit=250)]


def test_feed_over_the_item_limit_reads_the_first_items_and_says_so(tmp_path):
    path = Path(limits.feed_file(feeds.MAX_ITEMS + 3))
    try:
        arts, errs = _read([path])
    finally:
        path.unlink()
    assert len(arts) == feeds.MAX_ITEMS
    assert errs == [f"{path}: " + errors.TOO_MANY_ITEMS.format(limit=feeds.MAX_ITEMS)]
    assert arts[-1][0].title == f"Ferry report {feeds.MAX_ITEMS - 1}"


def test_limits_benchmark_case_runs_in_a_subprocess():
    row = limits.run_case("html_depth_10000", timeout=120)
    assert row["outcome"] == "ok" and row["peak_rss_mb"] > 0
    assert "nested 10000 elements deep" in row["result"]["error"]


def test_article_page_highlighting_with_many_quotes_is_exact():
    # was quadratic (segments x spans): 35 s for 10,000 quotation marks, about an hour for 100,000
    from storyscope.record import Span
    from storyscope.stages.quotes import find_direct
    from storyscope.web.highlight import highlight_layers
    text = limits.quote_text(20_000, one_line=False)
    quotes = [Span(a, b, "direct") for a, b, _ in find_direct(text)]
    segs = highlight_layers(text, {"quotes": quotes, "debris": [Span(0, 5, "nav")]})
    assert "".join(s["text"] for s in segs) == text
    quoted = [s["text"] for s in segs if "hl-quotes" in s["classes"]]
    assert len(quoted) == 10_000 and quoted[7] == "Point 7,"
    assert segs[0]["classes"] == ["hl-debris"] and segs[0]["text"] == text[:5]


def test_feed_item_with_one_text_run_past_the_parser_limit_says_so(tmp_path):
    from storyscope.ingest.html import MAX_TEXT_RUN
    path = Path(limits.feed_file(1, MAX_TEXT_RUN + 200_000))
    try:
        arts, errs = _read([path])
    finally:
        path.unlink()
    assert arts == [] and errs == [f"{path}#item1: " + errors.TEXT_RUN_TOO_LARGE.format(limit=MAX_TEXT_RUN)]
