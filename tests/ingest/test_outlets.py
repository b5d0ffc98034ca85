"""Outlet names a researcher can cite: derived from what the input holds, mapped through the outlets
file the user registers once, and never a file name. Fictional outlets and people only."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storyscope.cli import app
from storyscope.ingest import read_bytes
from storyscope.outlets import Directory, display_name, read_outlets_file, readable_domain, resolve
from storyscope.workspace import Workspace

BODY = ("<p>The Orlen river ferry returned to service on Tuesday after a two-week strike, the harbour "
        "authority said in a statement that named no new timetable.</p>" * 3)


def page(head: str = "", url: str = "") -> bytes:
    canon = f'<link rel="canonical" href="{url}">' if url else ""
    return (f"<html><head><title>Ferry returns</title>{canon}{head}</head><body><article><h1>Ferry returns</h1>"
            f"{BODY}</article></body></html>").encode()


def one(data: bytes, name: str, **kw):
    (art, _), = list(read_bytes(data, name, path=f"/data/{name}", **kw))
    return art


def test_page_site_name_from_og_or_json_ld():
    og = one(page('<meta property="og:site_name" content="Orlen Courier">'), "a.html")
    assert (og.outlet, og.meta["outlet_basis"]) == ("Orlen Courier", "site name")
    ld = one(page('<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
                  '{"@type": "Organization", "name": "Tolven Ledger"}}</script>'), "b.html")
    assert (ld.outlet, ld.meta["outlet_basis"]) == ("Tolven Ledger", "site name")


def test_page_without_a_site_name_is_its_domain_not_its_file(tmp_path):
    f = tmp_path / "004_3395c1eea3ce5bd3.html"
    f.write_bytes(page(url="https://www.orlen-courier.co.uk/news/ferry"))
    with Workspace(str(tmp_path / "s.db")) as ws:
        ws.ingest([str(f)])
        rec, = ws.article_records(ws.articles())
    assert (rec["outlet"], rec["outlet_basis"]) == ("orlen-courier.co.uk", "domain")
    assert rec["path"].endswith(f.name)  # the file stays available, as its path
    # the readers give the domain themselves (batch reads without a Workspace); --outlet still wins over it
    read = one(f.read_bytes(), f.name)
    assert (read.outlet, read.meta["outlet_basis"]) == ("orlen-courier.co.uk", "domain")
    named = resolve(read, Directory([]), outlet="Ostmark Herald")
    assert (named.outlet, named.meta["outlet_basis"]) == ("Ostmark Herald", "--outlet")
    from storyscope.ingest.jsonl import record_to_article
    rec_art, _ = record_to_article({"id": "r1", "text": "The ferry returned.", "url": "https://news.tolven.com/a"}, "r", "p")
    assert rec_art.outlet == "tolven.com"
    assert readable_domain("https://ferries.orlen-courier.com/x") == "orlen-courier.com"
    assert readable_domain("http://127.0.0.1:8000/x") == "127.0.0.1" and readable_domain("") == ""


def test_feed_title_byline_for_and_credit_line():
    feed = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Radio Nordvale</title><item>'
            b"<title>Ferry back</title><link>https://example.org/ferry</link>"
            b"<description>The Orlen ferry returned to service on Tuesday, the harbour said.</description>"
            b"</item></channel></rss>")
    assert (one(feed, "f.xml").outlet, one(feed, "f.xml").meta["outlet_basis"]) == ("Radio Nordvale", "feed title")
    text = b"Ferry returns\n\nBy Ana Reyes for the Daily Planet\n\nThe Orlen ferry returned to service on Tuesday.\n"
    art = one(text, "c.txt")
    assert (art.outlet, art.byline, art.meta["outlet_basis"]) == ("The Daily Planet", "Ana Reyes", "byline")
    wire = one(b"Ferry returns\n\nBy NORTHWIRE\n\nThe Orlen ferry returned to service on Tuesday.\n", "d.txt")
    assert (wire.outlet, wire.credit, wire.meta["outlet_basis"]) == ("Northwire", "Northwire", "credit line")
    person = one(b"Ferry returns\n\nBy Ana Reyes for three weeks\n\nThe Orlen ferry returned.\n", "e.txt")
    assert person.outlet == ""  # "for three weeks" names no outlet


def test_unknown_outlet_is_one_per_article_and_never_the_file_name(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    for n, town in enumerate(("Orlen", "Tolven")):
        (d / f"00{n}_3395c1eea3ce5bd{n}.txt").write_text(f"{town} ferry returns\n\nThe {town} ferry returned on Tuesday.\n")
    with Workspace(str(tmp_path / "s.db")) as ws:
        ws.ingest([str(d)])
        recs = ws.article_records(ws.articles())
    assert sorted(r["outlet"] for r in recs) == sorted(f"unknown outlet ({r['id'][:8]})" for r in recs)
    assert {r["outlet_basis"] for r in recs} == {"unknown"} and len({r["outlet"] for r in recs}) == 2
    assert not any("3395c1ee" in r["outlet"] or "00" == r["outlet"][:2] for r in recs)


ENTRIES = [
    {"pattern": "radio-nordvale.example", "name": "Radio Nordvale", "country": "Nordvale",
     "owner": "Nordvale Broadcasting", "wires": ["Kestrel Press Agency", "Northwire"], "aliases": ["RN", "Nordvale Radio"]},
    {"pattern": "example.org/valdoria-today/*", "name": "Valdoria Today", "country": "Valdoria", "owner": "",
     "wires": [], "aliases": []},
    {"pattern": "example.org", "name": "Example Syndicate", "country": "", "owner": "", "wires": [], "aliases": []},
]


def test_outlets_file_in_csv_json_and_toml_reads_the_same(tmp_path):
    csv_file = tmp_path / "o.csv"
    csv_file.write_text("domain,name,country,owner,wires,aliases\n"
                        "https://www.radio-nordvale.example,Radio Nordvale,Nordvale,Nordvale Broadcasting,"
                        "Kestrel Press Agency; Northwire,RN; Nordvale Radio\n"
                        "example.org/valdoria-today/*,Valdoria Today,Valdoria,,,\n"
                        "example.org,Example Syndicate,,,,\n")
    json_file = tmp_path / "o.json"
    json_file.write_text(json.dumps({"outlets": [{k: v for k, v in e.items() if v} for e in ENTRIES]}))
    toml_file = tmp_path / "o.toml"
    toml_file.write_text('["radio-nordvale.example"]\nname = "Radio Nordvale"\ncountry = "Nordvale"\n'
                         'owner = "Nordvale Broadcasting"\nwires = ["Kestrel Press Agency", "Northwire"]\n'
                         'aliases = "RN; Nordvale Radio"\n\n["example.org/valdoria-today/*"]\nname = "Valdoria Today"\n'
                         'country = "Valdoria"\n\n["example.org"]\nname = "Example Syndicate"\n')
    for f in (csv_file, json_file, toml_file):
        assert read_outlets_file(f) == ENTRIES, f


@pytest.mark.parametrize("name,content,reason", [
    ("o.csv", "domain,name\nfoo.example,\n", "o.csv: line 2: an outlet entry needs a domain (or pattern) and a name"),
    ("o.json", '{"outlets": [', "o.json: could not be read as an outlets file"),
    ("o.toml", "", "o.toml: no outlet entries in this file"),
    ("o.yaml", "a: b", "o.yaml: an outlets file must be .csv, .json or .toml"),
])
def test_bad_outlets_file_is_one_line_and_registers_nothing(tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_text(content)
    db = str(tmp_path / "s.db")
    r = CliRunner().invoke(app, ["outlets", "import", str(f), "--db", db])
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1 and reason in r.stderr, r.stderr
    assert json.loads(CliRunner().invoke(app, ["outlets", "--db", db, "-f", "json"]).stdout) == []


def test_resolution_order():
    from storyscope.record import Article
    d = Directory(ENTRIES)

    def art(outlet="", url="", **meta):
        return Article.create("The Orlen ferry returned.", outlet=outlet, url=url, meta=meta)

    # a stated name that is an alias: the canonical name, the stated one kept in meta
    a = resolve(art("Nordvale Radio", "https://example.org/x", outlet_basis="feed title"), d)
    assert (a.outlet, a.meta["outlet_basis"], a.meta["outlet_stated"]) == ("Radio Nordvale", "outlets file", "Nordvale Radio")
    # a stated name the file does not know, on a registered domain: the domain's entry; the most specific pattern
    assert resolve(art("Valdoria Today Online", "https://example.org/valdoria-today/2025/a"), d).outlet == "Valdoria Today"
    assert resolve(art("", "https://news.example.org/b"), d).outlet == "Example Syndicate"
    assert resolve(art("", "https://www.example.org/valdoria-today/c"), d).outlet == "Valdoria Today"
    assert resolve(art("", "https://example.org/valdoria-today-extra/c"), d).outlet == "Example Syndicate"
    # nothing stated: --outlet wins over the domain; mapped through the aliases
    assert resolve(art("", "https://example.org/b"), d, outlet="  Ostmark   Herald ").outlet == "Ostmark Herald"
    assert resolve(art(""), d, outlet="RN").outlet == "Radio Nordvale"
    # a stated name as written when the file knows neither it nor the URL; else the domain; else unknown
    assert resolve(art("Ostmark Herald", "https://ostmark.example/a"), d).outlet == "Ostmark Herald"
    plain = resolve(art("", "https://www.ostmark.example/a"), d)
    assert (plain.outlet, plain.meta["outlet_basis"]) == ("ostmark.example", "domain")
    none = resolve(art(), d)
    assert none.outlet == "" and none.meta["outlet_basis"] == "unknown" and display_name(none).startswith("unknown outlet (")
    # the outlet is part of the id: a renamed article is another article
    assert resolve(art("RN"), d).id != art("RN").id and resolve(art("Ostmark Herald"), d).id == art("Ostmark Herald").id


def test_registered_once_used_by_every_later_ingest(tmp_path):
    outlets = tmp_path / "outlets.json"
    outlets.write_text(json.dumps(ENTRIES))
    feed = tmp_path / "rn.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>RN</title><item><title>Ferry back</title>'
                    "<link>https://example.org/valdoria-today/ferry</link><description>The Orlen ferry returned to "
                    "service on Tuesday, the harbour said.</description></item></channel></rss>")
    text = tmp_path / "plain.txt"
    text.write_text("Ferry returns\n\nThe Tolven ferry returned to service on Tuesday.\n")
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    r = runner.invoke(app, ["outlets", "import", str(outlets), "--db", db])
    assert r.exit_code == 0 and f"3 outlets registered in {db}" in r.stderr
    r = runner.invoke(app, ["ingest", str(feed), "--db", db])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["ingest", str(text), "--db", db, "--outlet", "nordvale radio"])
    assert r.exit_code == 0, r.output
    rows = json.loads(runner.invoke(app, ["articles", "--db", db, "-f", "json"]).stdout)
    assert sorted((a["outlet"], a["outlet_basis"]) for a in rows) == [("Radio Nordvale", "outlets file")] * 2
    listed = json.loads(runner.invoke(app, ["outlets", "--db", db, "-f", "json"]).stdout)
    assert [(o["name"], o["articles"]) for o in listed] == [
        ("Example Syndicate", 0), ("Radio Nordvale", 2), ("Valdoria Today", 0)]
    assert listed[1]["wires"] == ["Kestrel Press Agency", "Northwire"] and listed[1]["country"] == "Nordvale"
    csv_rows = runner.invoke(app, ["outlets", "--db", db, "--format", "csv"]).stdout.splitlines()
    assert csv_rows[0] == "pattern,name,country,owner,wires,aliases,articles"
    assert "Kestrel Press Agency; Northwire" in csv_rows[2]
    r = runner.invoke(app, ["outlets", "import", str(outlets), "--db", db])
    assert "2 articles already stored keep the outlet they were ingested with" in r.stderr
    r = runner.invoke(app, ["outlets", "--db", str(tmp_path / "typo.db")])
    assert r.exit_code == 1 and "no store at" in r.stderr
