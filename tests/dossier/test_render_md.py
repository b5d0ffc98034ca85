"""The Markdown dossier: same findings as the HTML page, readable citations, and untrusted text
that can never become markup once a Markdown renderer (markdown-it, CommonMark + GFM tables) runs."""
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from storyscope.dossier.render_md import md_escape, render_markdown
from storyscope.errors import NotFound

sys.path.insert(0, str(Path(__file__).parent))
from test_render_html import PAYLOADS, payload_dossier  # noqa: E402  (shared attack fixture)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dossier_small.json"


def load() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def to_html(md: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(md)


class Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(html: str) -> Collect:
    c = Collect()
    c.feed(html)
    c.close()
    return c


@pytest.fixture(scope="module")
def md() -> str:
    return render_markdown(load())


def test_sections_and_title(md):
    assert md.startswith("# Port Alder approves desalination plant\n")
    for h in ("Coverage", "Provenance", "Summary", "Corroborated facts", "Disputes", "Quotes", "Framing",
              "Omissions", "Timeline", "Sources"):
        assert f"\n## {h}\n" in md, h


def test_coverage_and_framing_are_tables(md):
    html = to_html(md)
    c = parsed(html)
    assert [t for t, _ in c.tags].count("table") == 2
    cov = html.split("<table>")[1]
    for outlet in ("Northshore Wire", "Bayview Daily", "The Coastal Ledger", "Riverton Post"):
        assert outlet in cov
    assert cov.count("<tr>") == 5  # header + 4 articles
    assert "credit: Northshore Wire; credits Northshore Wire" in cov
    fr = html.split("<table>")[2]
    assert fr.count("<tr>") == 4 and "“trades one crisis for another” (quoted)" in fr


def test_citations_quote_the_evidence(md):
    facts = md.split("## Corroborated facts")[1].split("## Disputes")[0]
    lines = [l for l in facts.splitlines() if l.startswith("- ")]
    assert len(lines) == 5  # the fixture's 7 claims less the 2 single-source ones, which are not corroborated facts
    assert all("(2 independent sources" in l for l in lines)
    assert lines[0].startswith("- **The city council voted 7-2")
    assert "(2 independent sources)" in lines[0]
    assert "[Riverton Post, “The council vote was 7-2.”]" in lines[0]


def test_quote_diff_and_disputes(md):
    assert "“secure drinking water for ~~the next thirty years~~ **decades**” (direct, ⚠ altered)" in md
    assert "### Helena Voss — ⚠ altered" in md
    disputes = md.split("## Disputes")[1].split("## Quotes")[0]
    assert "- **Side 1: $40 million, fully funded** — Helena Voss" in disputes
    assert "- **Side 2: Closer to $55 million** — Harbour Keepers, independent engineering review" in disputes
    assert "<del>the next thirty years</del>" not in to_html(md)  # strikethrough renders as <s>
    assert "<s>the next thirty years</s>" in to_html(md)


def test_quotes_one_outlet_printed_sit_under_one_heading_per_speaker(md):
    """Multi-rendering utterances first; then each speaker's single-outlet quotes under one heading,
    not one heading per quote."""
    quotes = md.split("## Quotes")[1].split("## Framing")[0]
    multi, single = quotes.split("### Reported by one outlet only")
    assert "### Helena Voss" in multi and "### Tomas Reyes" in multi
    assert single.count("**Helena Voss**") == 1 and single.count("**Tomas Reyes**") == 1
    voss = single.split("**Helena Voss**")[1].split("\n\n**")[0]
    assert "fixed and fully funded" in voss and "the oysters will not notice a thing" in voss


def test_timeline_in_date_order(md):
    tl = md.split("## Timeline")[1].split("## Sources")[0]
    dates = [l.split("**")[1] for l in tl.splitlines() if l.startswith("- ")]
    assert dates == ["Jan 2022", "12 Mar 2024", "Jun 2024", "Sep 2024", "2026"]


def test_escape_function():
    assert md_escape("a*b_c [x](javascript:y) <b>|\n#") == r"a\*b\_c \[x\](javascript:y) \<b\>\| \#"
    assert md_escape(None) == ""


def test_untrusted_text_cannot_become_markup():
    d = payload_dossier()
    d["articles"][0]["title"] = "[click](javascript:alert(1)) | **bold** <b>x</b>"
    d["stories"][0]["claims"][0]["text"] = "![img](http://x/y.png) _x_ `code`"
    md = render_markdown(d)
    html = to_html(md)
    c = parsed(html)
    tags = [t for t, _ in c.tags]
    for bad in ("script", "img", "svg", "iframe", "b", "code"):
        assert bad not in tags, (bad, html[:2000])
    for _, attrs in c.tags:
        assert not any(k.startswith("on") for k in attrs)
        assert not (attrs.get("href") or "").startswith("javascript")
    text = "".join(c.text)
    for p in PAYLOADS + ["[click](javascript:alert(1))", "<b>x</b>", "![img](http://x/y.png)"]:
        assert p in text, p
    # the pipe in a title did not add a table column
    cov = html.split("<table>")[1].split("</table>")[0]
    rows = cov.split("<tr>")[1:]
    assert {r.count("<td") + r.count("<th") for r in rows} == {4}


def test_story_selection():
    d = load()
    with pytest.raises(NotFound):
        render_markdown(d, story_id="missing")
    assert render_markdown(d, story_id="s1") == render_markdown(d)


def test_sources_say_when_a_date_was_inferred():
    """The Sources list marks an inferred publication date as the coverage table does."""
    d = load()
    a = d["articles"][0]
    a["published_source"] = "inferred"
    from storyscope.dossier.view import display_view
    md = render_markdown(display_view(d))
    sources = md.split("## Sources")[1]
    line = next(l for l in sources.splitlines() if md_escape(a["title"]) in l)
    assert "(inferred)" in line
    stated = next(x for x in d["articles"] if x.get("published_source") == "explicit" and x.get("published"))
    assert "(inferred)" not in next(l for l in sources.splitlines() if md_escape(stated["title"]) in l)
