"""The ingest cases of ../shared/cases (copied into tests/fixtures/cases), each as its README says."""
from __future__ import annotations

import pathlib

from storyscope.ingest import read_sources

CASES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "cases"


def _read(path):
    errs: list = []
    got = list(read_sources([str(path)], on_error=errs.append))
    return [a for a, _ in got], errs


def test_04_feed_date_misread_by_the_library_is_the_written_day_or_none():
    arts, errs = _read(CASES / "04-feed-slash-pubdate" / "kerrow_radio.xml")
    assert not errs
    first = next(a for a in arts if a.title.startswith("Kerrow bridge closed"))
    assert first.published in ("2025-03-14", None)
    assert first.published != "2025-11-01"
    assert next(a for a in arts if a.title.startswith("Ferl Bridge")).published == "2025-03-15"


def test_05_feed_date_is_the_outlets_local_day():
    arts, _ = _read(CASES / "05-feed-pubdate-timezone-local-day" / "brinmoor_tribune.xml")
    night = next(a for a in arts if a.title == "Brinmoor council scraps night bus cuts")
    assert night.published == "2025-03-14" and night.published_source == "explicit"


def test_05_yesterday_resolves_against_the_local_day():
    from storyscope.stages.timex import extract_timexes
    arts, _ = _read(CASES / "05-feed-pubdate-timezone-local-day" / "brinmoor_tribune.xml")
    night = next(a for a in arts if a.title == "Brinmoor council scraps night bus cuts")
    values = [t.attrs.get("value") for t in extract_timexes(night.text, night.published)]
    assert "2025-03-13" in values


def test_06_metadata_date_beats_the_url_date():
    (art,), errs = _read(CASES / "06-html-url-date-vs-meta-date" / "kessel_weekly.html")
    assert not errs
    assert art.published == "2025-03-14" and art.published_source == "explicit"
    assert art.url == "https://kessel-weekly.example/2025/03/21/harbour-strike-ends.html"
    assert art.byline == "Runa Falk"


def test_07_reader_comments_stay_out_of_the_article():
    (art,), _ = _read(CASES / "07-html-reader-comments-in-body" / "marsh_courier.html")
    assert "Greta Lunn" in art.text
    for comment in ("harbourwatcher", "did nothing", "perfectly safe", "The county is lying"):
        assert comment not in art.text


def test_08_site_name_is_not_part_of_the_headline():
    for page in (CASES / "08-html-title-site-suffix" / "tolven_ledger.html",
                 CASES / "08-html-title-site-suffix" / "minimal" / "minimal_og_title.html"):
        (art,), _ = _read(page)
        assert art.title == "Tolven mayor quits over budget row"
        assert art.text.splitlines()[0] == art.title
        assert art.outlet == "Tolven Ledger"
