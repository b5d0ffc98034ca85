"""API and pages through an in-process client over a real SQLite store."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from storyscope.web.app import create_app


@pytest.fixture(scope="module")
def client(analysed_db):
    return TestClient(create_app(analysed_db))


def test_stories_api_and_page(client):
    stories = client.get("/api/stories").json()
    assert len(stories) >= 2
    main = stories[0]
    assert len(main["outlets"]) >= len(stories[-1]["outlets"])  # sorted by coverage
    d = client.get(f"/api/stories/{main['id']}").json()
    assert d["schema"] == "storyscope.dossier/1" and d["stories"][0]["id"] == main["id"]
    page = client.get("/")
    assert page.status_code == 200 and main["id"] in page.text
    html = client.get(f"/stories/{main['id']}")
    assert html.status_code == 200 and "All stories" in html.text
    assert client.get("/api/stories/nope").status_code == 404


def test_filters(client):
    stories = client.get("/api/stories").json()
    outlet = stories[0]["outlets"][0]
    got = client.get("/api/stories", params={"outlet": outlet}).json()
    assert got and all(outlet in s["outlets"] for s in got)
    assert client.get("/api/stories", params={"from": "2099-01-01"}).json() == []
    q = client.get("/api/stories", params={"q": "Brannvik"}).json()
    assert len(q) == 1


def test_articles_and_search(client):
    arts = client.get("/api/articles").json()
    assert len(arts) == 9
    one = client.get(f"/api/articles/{arts[0]['id']}").json()
    assert one["text"] and "sentences" in one["layers"]
    page = client.get(f"/articles/{arts[0]['id']}")
    assert page.status_code == 200 and "hl-" in page.text
    hits = client.get("/api/search", params={"q": "Korvath"}).json()
    assert hits and all("id" in h for h in hits)
    assert client.get("/api/search", params={"q": ""}).status_code == 422


def test_outlet_page(client):
    stories = client.get("/api/stories").json()
    name = stories[0]["outlets"][0]
    r = client.get(f"/outlets/{name}")
    assert r.status_code == 200 and name in r.text
    data = client.get(f"/api/outlets/{name}").json()
    assert data["stories"] and "copies_others" in data


def _wait(client, job_id, timeout=300):
    t0 = time.time()
    while time.time() - t0 < timeout:
        j = client.get(f"/api/jobs/{job_id}").json()
        if j["state"] in ("done", "failed"):
            return j
        time.sleep(0.3)
    raise AssertionError("job did not finish")


def test_ingest_upload_and_ssrf(tmp_path):
    c = TestClient(create_app(str(tmp_path / "i.db")))
    r = c.post("/api/ingest", files=[("files", ("../../evil.txt", b"Ferry crews return\n\nThe Ostmark ferry crews "
                                                 b"returned to work on Tuesday, the union said.\n", "text/plain"))])
    assert r.status_code == 202
    j = _wait(c, r.json()["id"])
    assert j["state"] == "done" and j["added"] == 1, j
    assert not (tmp_path.parent / "evil.txt").exists()
    r = c.post("/api/ingest", json={"urls": ["http://127.0.0.1:9/x", "http://169.254.169.254/latest"]})
    j = _wait(c, r.json()["id"])
    assert len(j["errors"]) == 2 and all("refused" in e for e in j["errors"])
    assert c.post("/api/ingest", json={"urls": []}).status_code == 422
    big = b"x" * (21 * 1024 * 1024)
    assert c.post("/api/ingest", files=[("files", ("big.txt", big, "text/plain"))]).status_code == 413


def test_upload_with_outlet(tmp_path):
    """A plain-text upload takes the outlet the user names; the API and the article page show it."""
    c = TestClient(create_app(str(tmp_path / "o.db")))
    r = c.post("/api/ingest", data={"outlet": "Ostmark Herald"},
               files=[("files", ("crews.txt", b"Ferry crews return\n\nThe Ostmark ferry crews returned to work on "
                                              b"Tuesday, the union said.\n", "text/plain"))])
    assert _wait(c, r.json()["id"])["state"] == "done"
    arts = c.get("/api/articles").json()
    arts = arts.get("articles", arts) if isinstance(arts, dict) else arts
    assert [a["outlet"] for a in arts] == ["Ostmark Herald"]
    assert "Ostmark Herald" in c.get(f"/articles/{arts[0]['id']}").text


def test_token_required_beyond_localhost(tmp_path):
    from storyscope.errors import StoryscopeError
    with pytest.raises(StoryscopeError, match="token"):
        create_app(str(tmp_path / "t.db"), host="0.0.0.0")
    c = TestClient(create_app(str(tmp_path / "t.db"), host="0.0.0.0", token="s3cret"))
    assert c.post("/api/ingest", json={"urls": ["https://example.org/a"]}).status_code == 401
    assert c.post("/api/ingest", json={"urls": ["http://10.0.0.1/a"]},
                  headers={"Authorization": "Bearer s3cret"}).status_code == 202
    assert c.get("/api/stories").status_code == 200  # reads stay open


def test_openapi(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/articles/{article_id}",
                 "/api/ingest", "/api/search"):
        assert path in spec["paths"]


def _csv(text: str) -> list[dict]:
    import csv
    import io
    return list(csv.DictReader(io.StringIO(text)))


def test_story_csv_exports_and_download_links(client):
    main = client.get("/api/stories").json()[0]
    html = client.get(f"/stories/{main['id']}").text
    texts = {}
    for table in ("claims", "disputes", "quotes", "omissions"):
        assert f'href="/api/stories/{main["id"]}/{table}.csv"' in html
        r = client.get(f"/api/stories/{main['id']}/{table}.csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        for row in _csv(r.text):
            aid = row["reported_in"] if table == "omissions" else row["article_id"]
            texts.setdefault(aid, client.get(f"/api/articles/{aid}").json()["text"])
            assert texts[aid][int(row["start"]):int(row["end"])] == row["evidence"].removeprefix("'")
    quotes = _csv(client.get(f"/api/stories/{main['id']}/quotes.csv").text)
    assert quotes and {"speaker", "text", "outlet", "integrity"} <= set(quotes[0])
    assert client.get(f"/api/stories/{main['id']}/tweets.csv").status_code == 404
    arts = _csv(client.get("/api/articles.csv").text)
    assert len(arts) == 9 and all(a["story_id"] for a in arts)


def test_docs_work_offline(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert client.get(f"/static/swagger-ui/{asset}").status_code == 200
    assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN


def test_search_returns_articles_with_marked_snippets(client):
    hits = client.get("/api/search", params={"q": "spillway"}).json()
    assert hits and all(h["story_id"] and "[" in h["snippet"] for h in hits)
    page = client.get("/", params={"q": "spillway"}).text
    assert 'id="article-hits"' in page and "<mark>" in page.lower() and f'href="/articles/{hits[0]["id"]}"' in page


def test_article_links_its_story_and_inferred_date_is_the_same_everywhere(client):
    main = client.get("/api/stories").json()[0]
    d = client.get(f"/api/stories/{main['id']}").json()
    inferred = [a for a in d["articles"] if a["published_source"] == "inferred"]
    assert inferred, "the example corpus has an undated article (001) whose date the story infers"
    a = inferred[0]
    rec = client.get(f"/api/articles/{a['id']}").json()
    assert (rec["published"], rec["published_source"], rec["story_id"]) == (a["published"], "inferred", main["id"])
    assert [x for x in client.get("/api/articles").json() if x["id"] == a["id"]][0]["published"] == a["published"]
    page = client.get(f"/articles/{a['id']}").text
    assert f"{a['published']} (inferred)" in page and f'id="story-link" href="/stories/{main["id"]}"' in page


def test_ingest_then_serve_groups_and_analyses_on_first_view(tmp_path):
    """`storyscope ingest` alone, then the web app: stories show at once; a story is read and compared
    by a job on its first view, then shown."""
    from storyscope.workspace import Workspace
    db = str(tmp_path / "fresh.db")
    body = ("The Ostmark ferry crews returned to work on Tuesday after a two-day strike, the Harbour Union said. "
            "\"We have a deal,\" union leader Mara Quist said.\n")
    with Workspace(db) as ws:
        ws.ingest([str(_write(tmp_path / "a.txt", "Ferry crews end strike\n\n" + body)),
                   str(_write(tmp_path / "b.txt", "Ostmark ferry strike ends\n\n" + body.replace("Tuesday", "Tuesday morning")))],
                  outlet="Ostmark Herald")
    c = TestClient(create_app(db))
    stories = c.get("/api/stories").json()
    assert stories and sum(len(s["article_ids"]) for s in stories) == 2
    r = c.get(f"/stories/{stories[0]['id']}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    job = _wait(c, r.headers["location"].rsplit("/", 1)[1])
    assert job["state"] == "done" and job["story_id"] == stories[0]["id"], job
    page = c.get(f"/stories/{stories[0]['id']}", follow_redirects=False)
    assert page.status_code == 200 and "Download CSV" in page.text


def _write(path, text):
    path.write_text(text)
    return path


def test_form_token(tmp_path):
    c = TestClient(create_app(str(tmp_path / "f.db"), host="0.0.0.0", token="s3cret"))
    files = [("files", ("a.txt", b"Ferry crews return\n\nThe crews returned, the union said.\n", "text/plain"))]
    assert c.post("/ingest", data={"token": "wrong"}, files=files, follow_redirects=False).status_code == 401
    r = c.post("/ingest", data={"token": "s3cret"}, files=files, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")


def test_no_page_or_record_shows_a_file_name_as_an_outlet(client):
    """The example corpus's 001 and 008 name no outlet in their text: every view calls each
    "unknown outlet (<id prefix>)", its own source, with the file in ``path``; search hits too."""
    import pathlib
    arts = client.get("/api/articles").json()
    stems = {pathlib.Path(a["path"].split("#")[0]).stem for a in arts}
    assert not {a["outlet"] for a in arts} & stems
    unknown = [a for a in arts if a["outlet_basis"] == "unknown"]
    assert len(unknown) == 2 and {a["outlet"] for a in unknown} == {f"unknown outlet ({a['id'][:8]})" for a in unknown}
    a = next(x for x in unknown if "001_" in x["path"])
    page = client.get(f"/articles/{a['id']}").text
    assert a["outlet"] in page and "001_valdoria_today_rewrite</a>" not in page
    listed = next(s for s in client.get("/api/stories").json() if s["id"] == a["story_id"])
    shown = client.get(f"/api/stories/{a['story_id']}").json()["stories"][0]
    for outlets in (listed["outlets"], shown["outlets"]):
        assert a["outlet"] in outlets and not set(outlets) & stems
    hits = client.get("/api/search", params={"q": "controlled release"}).json()
    assert a["outlet"] in {h["outlet"] for h in hits if h["id"] == a["id"]}
    index = client.get("/").text  # the outlet filter offers named outlets only
    assert "Ilvar Courier</option>" in index and "unknown outlet (" not in index.split("</select>")[0]


def test_outlet_page_shows_its_outlets_file_entry(tmp_path):
    """An outlet registered in the outlets file: its page and API record say its country, owner and wires."""
    from storyscope.workspace import Workspace
    db = str(tmp_path / "reg.db")
    reg = tmp_path / "outlets.csv"
    reg.write_text("domain,name,country,owner,wires\nostmark-herald.example,Ostmark Herald,Ostmark,"
                   "Harbour Media Group,Kestrel Press Agency\n")
    with Workspace(db) as ws:
        ws.register_outlets(str(reg))
        ws.ingest([str(_write(tmp_path / "a.txt", "Ferry crews end strike\n\nThe Ostmark ferry crews returned "
                                                   "to work on Tuesday, the union said.\n"))], outlet="ostmark herald")
        ws.group()
    c = TestClient(create_app(db))
    data = c.get("/api/outlets/Ostmark Herald").json()
    assert data["registered"]["owner"] == "Harbour Media Group" and len(data["articles"]) == 1
    page = c.get("/outlets/Ostmark Herald").text
    assert "owned by Harbour Media Group" in page and "carries Kestrel Press Agency" in page
    assert c.get("/api/outlets/Nobody").json()["registered"] is None
