"""The HTML dossier in a real browser (Debian's headless Chromium via Playwright): it loads offline
with no console errors or failed requests, an evidence click highlights exactly the cited text,
injected markup never runs, and the run leaves screenshots in test-artifacts/ for a human to look at."""
import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

from storyscope.dossier.render_html import render_html

sys.path.insert(0, str(Path(__file__).parent))
from test_render_html import payload_dossier  # noqa: E402  (shared attack fixture)

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
FIXTURE = ROOT / "tests" / "fixtures" / "dossier_small.json"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium not found: install it with `apt-get install -y chromium`",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright python package is not installed")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def open_page(browser, html: str, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    events = {"console": [], "failed": [], "requests": [], "dialogs": [], "errors": []}
    page.on("console", lambda m: events["console"].append((m.type, m.text)))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("requestfailed", lambda r: events["failed"].append(r.url))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    return page, events


def test_dossier_in_chromium(browser):
    d = json.loads(FIXTURE.read_text(encoding="utf-8"))
    page, events = open_page(browser, render_html(d), "dossier.html")
    try:
        page.screenshot(path=str(ARTIFACTS / "dossier.png"), full_page=True)
        assert (ARTIFACTS / "dossier.png").stat().st_size > 50_000

        ev = d["stories"][0]["disputes"][0]["sides"][1]["evidence"][0]
        key = f"ev-{ev['article_id']}-{ev['start']}-{ev['end']}"
        link = page.locator(f"#st-s1-disputes a[data-ev='{key}']").first
        assert page.locator("mark.hl").count() == 0
        link.click()
        mark = page.locator(f"mark#{key}")
        page.wait_for_function("k => document.getElementById(k).classList.contains('hl')", arg=key, timeout=3000)
        assert "hl" in mark.get_attribute("class").split()
        assert mark.text_content() == ev["text"]
        # only that span is highlighted, and it was scrolled into view
        assert {m.get_attribute("data-ev") for m in page.locator("mark.hl").all()} == {key}
        box = page.evaluate("k => { const r = document.getElementById(k).getBoundingClientRect();"
                            " return [r.top, r.bottom, window.innerHeight]; }", key)
        assert 0 <= box[0] and box[1] <= box[2]
        assert page.evaluate("location.hash") == "#" + key
        page.screenshot(path=str(ARTIFACTS / "dossier-highlight.png"))

        # "back to finding" returns to the clicked link
        back = page.locator("#back-to-finding")
        assert back.is_visible()
        back.click()
        assert link.is_visible() and not back.is_visible()
        top = link.evaluate("el => el.getBoundingClientRect().top")
        assert 0 <= top <= 900

        # a framing term highlights its own span
        term = page.locator("#st-s1-framing a.term").first
        tkey = term.get_attribute("data-ev")
        term.click()
        page.wait_for_function("k => document.getElementById(k).classList.contains('hl')", arg=tkey, timeout=3000)
        assert page.locator(f"mark#{tkey}").text_content() == term.text_content()
    finally:
        page.close()
    assert events["errors"] == []
    assert [c for c in events["console"] if c[0] in ("error", "warning")] == []
    assert events["failed"] == []
    assert all(u.startswith("file://") for u in events["requests"]), events["requests"]


def test_injected_markup_never_runs(browser):
    page, events = open_page(browser, render_html(payload_dossier()), "dossier-xss.html")
    try:
        page.wait_for_timeout(300)
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert page.evaluate("[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
                             ".some(a => a.name.startsWith('on'))).length") == 0
        assert page.evaluate("document.scripts.length") == 1
        assert "<script>alert(1)</script>" in page.locator("h1").text_content()
        # the page still works: a claim evidence link highlights its mark
        link = page.locator("a.ev[data-ev]").first
        key = link.get_attribute("data-ev")
        link.click()
        page.wait_for_function("k => document.getElementById(k).classList.contains('hl')", arg=key, timeout=3000)
    finally:
        page.close()
    assert events["dialogs"] == [] and events["errors"] == []
    assert [c for c in events["console"] if c[0] == "error"] == []
    assert events["failed"] == []
