"""No view shows a file name as an outlet, and articles of unknown outlets are never one source.

Two plain-text articles whose text names no outlet, built into a dossier and rendered in every format
(the comparison's findings left empty: only the outlet display is under test here)."""
from __future__ import annotations

import csv
import io
import json
import re

from storyscope.compare.bundle import StoryBundle
from storyscope.dossier.build import build_dossier
from storyscope.dossier.render import render
from storyscope.dossier.render_csv import render_articles_csv
from storyscope.ingest import read_bytes
from storyscope.outlets import UNKNOWN

STEMS = ("001_3395c1eea3ce5bd3", "002_77aa01b2c3d4e5f6")
EMPTY = {k: [] for k in ("summary", "provenance", "quotes", "claims", "disputes", "timeline", "framing", "omissions")}


def _articles():
    out = []
    for stem, town in zip(STEMS, ("Orlen", "Tolven")):
        (art, debris), = read_bytes(f"{town} ferry returns\n\nThe {town} ferry returned to service on Tuesday, "
                                    f"the harbour said.\n".encode(), stem, path=f"/corpus/{stem}.txt")
        out.append((art, debris))
    return out


def test_unknown_outlets_are_distinct_and_never_file_names():
    pairs = _articles()
    arts = [a for a, _ in pairs]
    story = {"id": "s-ferry", "title": "Ferry returns", "article_ids": [a.id for a in arts]}
    d = build_dossier([story], arts, {"s-ferry": EMPTY}, {a.id: {"debris": dl.spans} for a, dl in pairs})
    want = {f"{UNKNOWN} ({a.id[:8]})" for a in arts}
    assert {a["outlet"] for a in d["articles"]} == want and set(d["stories"][0]["outlets"]) == want
    assert {a["outlet_basis"] for a in d["articles"]} == {"unknown"}
    assert [a["path"] for a in d["articles"]] == [f"/corpus/{s}.txt" for s in STEMS]  # the file: its own field
    html = render(d, "html")
    chips = re.findall(r'<span class="chip[^"]*"[^>]*>([^<]*)</span>', html)
    assert set(chips) >= want and not any(s in c for c in chips for s in STEMS)
    md = render(d, "md")
    assert all(w in md for w in want) and not any(s in md for s in STEMS)
    assert {a["outlet"] for a in json.loads(render(d, "json"))["articles"]} == want
    rows = list(csv.DictReader(io.StringIO(render_articles_csv(d["articles"]))))
    assert {r["outlet"] for r in rows} == want and {r["outlet_basis"] for r in rows} == {"unknown"}


def test_each_unknown_outlet_article_is_its_own_independent_source():
    arts = [a for a, _ in _articles()]
    assert all(a.outlet == "" for a in arts)  # stored empty: compare never sees a shared placeholder name
    bundle = StoryBundle(arts)
    assert bundle.independent_count([a.id for a in arts]) == 2
    bundle.provenance = [{"article_id": arts[1].id, "source_id": arts[0].id}]  # a copy joins its source
    assert bundle.independent_count([a.id for a in arts]) == 1


def test_told_an_agency_is_a_cited_source_not_a_credit():
    """"The minister told Reuters" makes Reuters a source the article cites; only a byline or dateline
    credit ("By AFP", "(AFP) -") makes the article the agency's copy, shown as "credits AFP"."""
    from storyscope.compare.credits import external_credits
    (told, td), = read_bytes(b"Ferry plan delayed\n\nThe Orlen harbour minister told Reuters on Monday that the ferry "
                             b"plan was delayed.\n", "told", path="/corpus/told.txt")
    (copy, cd), = read_bytes(b"Ferry plan delayed\n\nORLEN (AFP) - The harbour minister said on Monday that the ferry "
                             b"plan was delayed.\n", "copy", path="/corpus/copy.txt")
    arts = [told, copy]
    found = {"s": {**EMPTY, "external_credits": {a.id: external_credits(a, dl.spans) for a, dl in ((told, td), (copy, cd))}}}
    d = build_dossier([{"id": "s", "title": "Ferry", "article_ids": [a.id for a in arts]}], arts, found,
                      {told.id: {"debris": td.spans}, copy.id: {"debris": cd.spans}})
    by_id = {a["id"]: a for a in d["articles"]}
    assert by_id[told.id]["external_credits"] == [] and [c["source"] for c in by_id[told.id]["sources_cited"]] == ["Reuters"]
    assert [c["source"] for c in by_id[copy.id]["external_credits"]] == ["AFP"] and by_id[copy.id]["sources_cited"] == []
    for fmt in ("html", "md"):
        shown = render(d, fmt)
        assert "credits AFP" in shown and "credits Reuters" not in shown, fmt
    from storyscope.dossier.validate import validate_dossier
    assert validate_dossier(d) == []
