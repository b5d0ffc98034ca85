"""Main web flows in headless Chromium (Debian's /usr/bin/chromium driven by Playwright):
ingest the example corpus through the ingest page, open a story (analysed on first view), click a dispute's
evidence, download its quotes as CSV, search and see matching articles with the matched words marked."""
from __future__ import annotations

import glob
import os
import socket
import threading
import time

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "corpus")
ART = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def _need_browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("STORYSCOPE_REQUIRE_BROWSER"):
            pytest.fail("STORYSCOPE_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="pip install playwright")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_browser()
    import uvicorn
    from storyscope.web.app import create_app
    db = str(tmp_path_factory.mktemp("wb") / "w.db")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    while not srv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(5)


def test_ingest_open_story_click_evidence_search(server):
    from playwright.sync_api import sync_playwright
    files = sorted(glob.glob(os.path.join(EXAMPLES, "*")))
    os.makedirs(ART, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        console_errors = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.goto(server + "/ingest")
        page.set_input_files("input[name=files]", files)
        page.click("button[type=submit]")
        page.wait_for_url("**/jobs/*")
        page.wait_for_selector("#done-link:not([hidden])", timeout=600_000)
        page.screenshot(path=os.path.join(ART, "web-job.png"))
        page.goto(server + "/")
        links = page.locator("a.story-link")
        assert links.count() >= 2
        page.screenshot(path=os.path.join(ART, "web-index.png"), full_page=True)
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        links.first.click()  # the story with the widest coverage: analysed by a job on its first view
        page.wait_for_url("**/stories/*", timeout=600_000)
        for h in hrefs:  # the first story that has a dispute: below the display threshold, behind the switch
            page.goto(server + h + "?uncertain=1")
            page.wait_for_url("**/stories/*", timeout=600_000)
            if page.locator("section[id$='-disputes'] a[href^='#ev-']").count():
                break
        ev = page.locator("section[id$='-disputes'] a[href^='#ev-']").first
        href = ev.get_attribute("href")
        ev.click()
        target = page.locator(href)
        page.wait_for_function("id => document.getElementById(id).className.length > 0", arg=href[1:])
        assert target.text_content()
        page.screenshot(path=os.path.join(ART, "web-story.png"))
        csv_links = page.locator("a.csv-link")
        assert csv_links.count() == 4
        with page.expect_download() as dl:
            page.locator("a.csv-link", has_text="quotes").click()
        body = open(dl.value.path(), encoding="utf-8").read()
        assert body.startswith("story_id,quote_id,group,speaker,text,form,integrity,confidence")
        assert len(body.splitlines()) > 1
        page.goto(server + "/?q=Brannvik")
        assert page.locator("a.story-link").count() == 1
        marks = page.locator("#article-hits .snippet mark")
        assert marks.count() >= 1 and marks.first.text_content().lower() == "brannvik"
        page.screenshot(path=os.path.join(ART, "web-search.png"), full_page=True)
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(server + "/docs")  # the API page renders from local files: no CDN
        page.wait_for_selector(".opblock")
        assert page.locator(".opblock").count() >= 10
        assert all(u.startswith(server) for u in requested), [u for u in requested if not u.startswith(server)]
        browser.close()
    assert not console_errors, console_errors
