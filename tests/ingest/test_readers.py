"""Each reader on fictional inputs written for these tests."""
from __future__ import annotations

import json
import pathlib

from storyscope.ingest import read_sources
from storyscope.workspace import Workspace

FIX = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def _read(paths):
    errs = []
    got = list(read_sources([str(p) for p in paths], on_error=errs.append))
    return got, errs


def test_plain_text_furniture_and_debris():
    (art, debris), = _read([FIX / "010_harbour_wire.txt"])[0]
    assert art.title == "Valdoria port deal stalls as minister denies kickbacks"
    assert art.credit == "Northwire" and art.published == "2025-03-14" and art.published_source == "explicit"
    labels = {art.text[s.start:s.end]: s.label for s in debris.spans}
    assert labels["World"] == "section_label"
    assert labels["By NORTHWIRE"] == "credit"
    assert labels["Published: MARCH 14, 2025 09:30"] == "dateline"
    assert labels["(photo credit: Ilse Marek/NORTHWIRE)"] == "credit"
    assert labels["› Subscribe"] == "nav" and labels["Discuss"] == "nav"
    assert labels["Please enter your comment!"] == "comment_form"
    assert "reCAPTCHA" in next(t for t, l in labels.items() if l == "captcha")
    # debris is marked, never deleted: the text is the file's text
    assert art.text == (FIX / "010_harbour_wire.txt").read_text()
    body = [t for t in labels if "good faith" in t]
    assert not body


def test_html_page():
    (art, _), = _read([FIX / "011_harbour_page.html"])[0]
    assert art.title.startswith("Harbour row deepens")
    assert art.outlet == "The Kessel Ledger"
    assert art.published == "2025-03-15"
    assert "Auditors from the Valdorian treasury" in art.text
    assert art.text.splitlines()[0] == art.title
    assert "Home" not in art.text.split("\n")[1:3]


def test_feed(tmp_path):
    feed = tmp_path / "f.xml"
    feed.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>Ostmark Daily</title>
<item><title>Ferry strike ends</title><link>https://example.org/news/020_ferry</link>
<pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The ferry crews of Ostmark returned to work on Tuesday.&lt;/p&gt;&lt;p&gt;"We won," said union leader Hal Brin.&lt;/p&gt;</description></item>
<item><title>Empty item</title><link>https://example.org/news/021</link><description></description></item>
</channel></rss>""")
    got, errs = _read([feed])
    assert len(got) == 1 and len(errs) == 1 and "item2" in str(errs[0])
    art = got[0][0]
    assert art.outlet == "Ostmark Daily" and art.published == "2025-03-04"
    assert art.url.endswith("020_ferry") and "\n\n" in art.text and art.title == "Ferry strike ends"


def test_jsonl_generic_format(tmp_path):
    p = tmp_path / "a.jsonl"
    recs = [{"id": "x1", "story": "s1", "outlet": "Brannock Post", "title": "Mill reopens",
             "published": "2025-01-02", "url": "https://example.org/x1", "text": "The Brannock mill reopened."},
            {"id": "x2", "story": "s1", "outlet": "Brannock Post", "title": "Mill hires",
             "published": None, "url": "", "text": "The mill hired forty people."}]
    p.write_text("\n".join(json.dumps(r) for r in recs) + "\n{not json\n")
    got, errs = _read([p])
    assert [a.title for a, _ in got] == ["Mill reopens", "Mill hires"]
    assert got[0][0].meta["gold_story"] == "s1" and got[0][0].published == "2025-01-02"
    assert got[1][0].published is None and got[1][0].published_source == "unknown"
    assert len(errs) == 1 and "line 3" in str(errs[0]) and str(p) in str(errs[0])


def test_directory_and_glob_mix(tmp_path):
    got, errs = _read([FIX])
    assert len(got) == 2 and not errs
    got, errs = _read([str(FIX / "*.txt")])
    assert len(got) == 1


def test_outlet_option_names_only_articles_without_one(tmp_path):
    """`--outlet` fills the outlet of inputs that lack one; an outlet the input states is kept."""
    import json as _json
    from typer.testing import CliRunner
    from storyscope.cli import app
    txt = tmp_path / "ferry.txt"
    txt.write_text("Ferry service to Orlen Isle resumes\n\nThe Orlen Isle ferry sailed again on Monday, "
                   "harbour master Ilse Varrow said.\n")
    jl = tmp_path / "named.jsonl"
    jl.write_text(_json.dumps({"id": "n1", "outlet": "Tidewater Courier", "title": "Ferry back",
                               "text": "The ferry is back, the Tidewater Courier reports."}) + "\n"
                  + _json.dumps({"id": "n2", "title": "No outlet given",
                                 "text": "Tickets went on sale at the Orlen pier on Tuesday."}) + "\n")
    db = str(tmp_path / "o.db")
    r = CliRunner().invoke(app, ["ingest", str(txt), str(jl), "--db", db, "--outlet", "  Orlen   Gazette "])
    assert r.exit_code == 0, r.output
    with Workspace(db) as ws:
        outlets = sorted(a.outlet for a in ws.articles())
        assert outlets == ["Orlen Gazette", "Orlen Gazette", "Tidewater Courier"]
        # the same file without --outlet is another outlet's article: a new id, nothing overwritten
        ws.ingest([str(txt)])
        assert sorted(a.outlet for a in ws.articles()) == ["", "Orlen Gazette", "Orlen Gazette", "Tidewater Courier"]
        named = next(a for a in ws.articles() if a.outlet == "Orlen Gazette" and a.path.endswith(".txt"))
        assert named.title == "Ferry service to Orlen Isle resumes" and named.path.endswith("ferry.txt")
