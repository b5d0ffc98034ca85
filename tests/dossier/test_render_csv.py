"""CSV exports from a dossier dict: one row per cited span, offsets that point at the cited words."""
from __future__ import annotations

import csv
import io
import json
import pathlib

import pytest

from storyscope.dossier.render_csv import COLUMNS, TABLES, render_articles_csv, render_story_csv, to_csv

DOSSIER = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "dossier_small.json").read_text())


def _read(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("table", TABLES)
def test_every_row_cites_an_article_span(table):
    story = DOSSIER["stories"][0]
    texts = {a["id"]: a["text"] for a in DOSSIER["articles"]}
    outlets = {a["id"]: a["outlet"] for a in DOSSIER["articles"]}
    rows = _read(render_story_csv(DOSSIER, story["id"], table))
    assert rows and list(rows[0]) == list(COLUMNS[table])
    for r in rows:
        aid = r["reported_in"] if table == "omissions" else r["article_id"]
        start, end = int(r["start"]), int(r["end"])
        assert texts[aid][start:end] == r["evidence"].removeprefix("'")
        assert r["outlet"] == outlets[r["article_id"]]


def test_counts_match_the_dossier():
    story = DOSSIER["stories"][0]
    quotes = _read(render_story_csv(DOSSIER, story["id"], "quotes"))
    assert len(quotes) == sum(len(q["evidence"]) for q in story["quotes"])
    assert {r["integrity"] for r in quotes} <= {"identical", "minor", "altered"}
    omissions = _read(render_story_csv(DOSSIER, story["id"], "omissions"))
    assert len(omissions) == sum(len(o["claim_ids"]) for o in story["omissions"])
    disputes = _read(render_story_csv(DOSSIER, story["id"], "disputes"))
    assert {(r["dispute_id"], r["side"]) for r in disputes} == {
        (d["id"], str(i)) for d in story["disputes"] for i, _ in enumerate(d["sides"], 1)}


def test_formula_cells_are_defused_and_lists_joined():
    text = to_csv(["a", "b", "n"], [{"a": "=HYPERLINK(\"http://x\")", "b": ["x", "y"], "n": -3}])
    assert _read(text) == [{"a": "'=HYPERLINK(\"http://x\")", "b": "x; y", "n": "-3"}]


def test_articles_and_errors():
    rows = _read(render_articles_csv(DOSSIER["articles"]))
    assert [r["id"] for r in rows] == [a["id"] for a in DOSSIER["articles"]]
    with pytest.raises(ValueError, match="unknown table"):
        render_story_csv(DOSSIER, DOSSIER["stories"][0]["id"], "tweets")
    with pytest.raises(KeyError):
        render_story_csv(DOSSIER, "no-such-story", "claims")
