"""The HTML dossier: self-contained, every evidence link lands on a mark holding exactly the cited
text, overlapping spans stay well formed, untrusted text is always escaped, stories selectable."""
import base64
import copy
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings, strategies as st

from storyscope.dossier.render_html import mark_text, render_html
from storyscope.dossier.validate import iter_evidence, validate_dossier
from storyscope.errors import NotFound

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dossier_small.json"
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']
OUR_SVG_TAGS = {"svg", "defs", "marker", "path", "rect", "text", "g", "title", "circle", "line", "a"}


def load() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(load())


@pytest.fixture(scope="module")
def tree(page):
    return lxml.html.document_fromstring(page)


class Tags(HTMLParser):
    """Every start tag with its attributes, and all text data, as the browser's tokenizer sees it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.data, self.scripts = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.data).append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    p.close()
    return p


def test_page_is_self_contained(page):
    p = parse(page)
    for tag, attrs in p.tags:
        assert "src" not in attrs, (tag, attrs)
        if tag == "link":
            assert attrs.get("href", "").startswith("data:"), attrs
        href = attrs.get("href")
        if href and tag == "a" and not href.startswith("#"):
            assert href.startswith("https://") and attrs.get("target") == "_blank", attrs
    assert "@import" not in page and "url(http" not in page
    csp = next(a["content"] for t, a in p.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    scripts = [t for t, _ in p.tags if t == "script"]
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(p.scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp, "CSP hash must match the inline script or the browser blocks it"


def test_all_sections_present(tree):
    for sec in ("coverage", "provenance", "summary", "facts", "disputes", "quotes", "framing", "omissions",
                "timeline"):
        assert tree.get_element_by_id(f"st-s1-{sec}") is not None
    assert tree.get_element_by_id("articles") is not None
    assert tree.xpath("//h1")[0].text_content() == "Port Alder approves desalination plant"
    assert len(tree.xpath("//section[@id='st-s1-provenance']//svg//rect")) >= 4


def test_every_evidence_link_targets_a_mark_with_the_cited_text(tree):
    d = load()
    texts = {(e["article_id"], e["start"], e["end"]): e["text"] for _, e in iter_evidence(d)}
    links = tree.xpath("//a[@data-ev]")
    assert len(links) > 40  # single-source claims are not shown as corroborated facts
    keys = set()
    for a in links:
        key = a.get("data-ev")
        assert a.get("href") == "#" + key
        keys.add(key)
    for key in keys:
        mark = tree.get_element_by_id(key)
        assert mark.tag == "mark"
        aid, s, e = re.match(r"ev-(.+)-(\d+)-(\d+)$", key).groups()
        pieces = tree.xpath(f"//mark[@data-ev='{key}']")
        assert "".join(m.text_content() for m in pieces) == texts[(aid, int(s), int(e))]
        assert mark.xpath("ancestor::div[starts-with(@id,'art-')]")[0].get("id") == f"art-{aid}"
    # every evidence item in the fixture is reachable from some link
    assert {f"ev-{a}-{s}-{e}" for a, s, e in texts} <= keys


def test_article_text_is_intact_and_debris_marked(tree):
    d = load()
    for a in d["articles"]:
        body = tree.get_element_by_id(f"art-{a['id']}").find_class("article-text")[0]
        assert body.text_content() == a["text"]
        for deb in a.get("debris", []):
            spans = [s for s in body.find_class("debris") if s.text_content() == a["text"][deb["start"]:deb["end"]]]
            assert spans and spans[0].get("data-label") == deb["label"]


def test_coverage_rows_with_dates_and_credits(tree):
    rows = tree.xpath("//section[@id='st-s1-coverage']//tbody/tr")
    assert [r[0].text_content() for r in rows] == ["Northshore Wire", "The Coastal Ledger", "Riverton Post",
                                                   "Bayview Daily"]  # by date, undated last
    assert [r[1].xpath(".//span[contains(@class,'badge')]")[0].text_content() for r in rows] == [
        "date stated", "date stated", "date inferred", "date unknown"]
    credits = rows[3][3]
    assert "credits Northshore Wire" in credits.text_content()
    key = credits.xpath(".//a[@data-ev]")[0].get("data-ev")
    assert tree.get_element_by_id(key).text_content() == "Source: Northshore Wire"


def test_facts_are_corroborated_claims_sorted_by_independent_sources(tree):
    counts = [int(b.text_content()) for b in tree.xpath("//section[@id='st-s1-facts']//div[contains(@class,'srcbox')]/b")]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2 and counts[-1] == 2  # single-source: not facts


def test_findings_below_the_display_threshold_are_hidden_then_marked(monkeypatch):
    from storyscope.dossier import view
    from storyscope.dossier.render import render
    d = load()
    monkeypatch.setattr(view, "display_thresholds", lambda: {"dispute": 0.99})
    low = min(d["stories"][0]["disputes"], key=lambda x: x["confidence"])
    low["confidence"] = 0.2
    page = lxml.html.fromstring(render(d, "html"))
    ids = [c.get("id") for c in page.xpath("//section[@id='st-s1-disputes']//div[contains(@class,'dispute')]")]
    assert f"st-s1-dispute-{low['id']}" not in ids
    assert "below the confidence threshold hidden" in page.text_content()
    page = lxml.html.fromstring(render(d, "html", include_uncertain=True))
    card = page.get_element_by_id(f"st-s1-dispute-{low['id']}")
    assert "uncertain" in card.text_content()


def test_disputes_side_by_side(tree):
    cards = tree.xpath("//section[@id='st-s1-disputes']//div[contains(@class,'dispute')]")
    assert len(cards) == 2
    sides = cards[0].find_class("side")
    assert len(sides) == 2
    assert "grid-template-columns" in cards[0].find_class("sides")[0].get("style")
    assert "Helena Voss" in sides[0].text_content() and "Harbour Keepers" in sides[1].text_content()


def test_quote_diff_and_altered_badge(tree):
    sec = tree.get_element_by_id("st-s1-quotes")
    assert [d.text_content() for d in sec.xpath(".//del")] == ["the next thirty years"]
    assert [i.text_content() for i in sec.xpath(".//ins")] == ["decades", "for every household"]
    assert "altered" in sec.xpath(".//div[contains(@class,'qgroup')]")[0].find_class("head")[0].text_content()


def test_word_diff_computed_when_builder_gives_none():
    d = load()
    for q in d["stories"][0]["quotes"]:
        q.pop("diff", None)
    sec = lxml.html.document_fromstring(render_html(d)).get_element_by_id("st-s1-quotes")
    assert [x.text_content() for x in sec.xpath(".//del")] == ["the next thirty years"]
    assert "decades" in [x.text_content() for x in sec.xpath(".//ins")]


def test_framing_table_and_voice(tree):
    table = tree.xpath("//section[@id='st-s1-framing']//table")[0]
    rows = table.xpath("./tbody/tr")
    assert [r[0].text_content() for r in rows] == ["Opponents of the plant", "The council vote", "Cost"]
    assert len(rows[0]) == 1 + 4
    quoted = [t.text_content() for t in table.xpath(".//*[contains(@class,'term quoted')]")]
    assert quoted == ["trades one crisis for another", "a gamble with the harbour"]


def test_timeline_is_proportional(tree):
    svg = tree.xpath("//section[@id='st-s1-timeline']//svg")[0]
    xs = [float(c.get("cx")) for c in svg.xpath(".//circle[@r='11']")]
    assert len(xs) == 5 and xs == sorted(xs)
    # Jan 2022 -> 12 Mar 2024 is ~8x longer than 12 Mar 2024 -> Jun 2024
    assert (xs[1] - xs[0]) / (xs[2] - xs[1]) > 5
    assert len(svg.xpath(".//rect")) >= 3, "month/year precision drawn as spans"


def test_summary_sentences_cited(tree):
    items = tree.xpath("//ol[@class='summary']/li")
    assert len(items) == 4 and all(li.xpath(".//a[@data-ev]") for li in items)


def test_string_summary_and_minimal_story_render():
    d = load()
    s = d["stories"][0]
    s["summary"] = "Plain summary <b>text</b>."
    for k in ("provenance", "quotes", "claims", "disputes", "timeline", "framing", "omissions"):
        s[k] = []
    html = render_html(d)
    tree = lxml.html.document_fromstring(html)
    assert "Plain summary <b>text</b>." in tree.get_element_by_id("st-s1-summary").text_content()
    assert not tree.xpath("//section[@id='st-s1-summary']//b")


def test_multiple_stories_and_selection():
    d = load()
    s2 = copy.deepcopy(d["stories"][0])
    keep = set(d["stories"][0]["article_ids"][2:])
    s2.update(id="s2", title="Oyster cooperative objects", article_ids=sorted(keep), provenance=[])
    s2["framing"] = []
    for k in ("quotes", "claims", "timeline"):
        s2[k] = [x for x in s2[k] if all(e["article_id"] in keep for e in x.get("evidence", []))
                 and x.get("article_id", next(iter(keep))) in keep]
    kept = {c["id"] for c in s2["claims"]}
    s2["omissions"] = [{**o, "claim_ids": [c for c in o["claim_ids"] if c in kept],
                        "evidence": [e for e in o["evidence"] if e["article_id"] in keep]}
                       for o in s2["omissions"] if o["article_id"] in keep]
    s2["disputes"] = []
    s2["summary"] = [x for x in s2["summary"] if x["evidence"][0]["article_id"] in keep]
    d["stories"].append(s2)
    assert validate_dossier(d) == []
    both = lxml.html.document_fromstring(render_html(d))
    assert [h.text_content() for h in both.xpath("//h1")] == ["Port Alder approves desalination plant",
                                                               "Oyster cooperative objects"]
    assert len(both.xpath("//div[contains(@class,'card article')]")) == 4
    one = lxml.html.document_fromstring(render_html(d, story_id="s2"))
    assert [h.text_content() for h in one.xpath("//h1")] == ["Oyster cooperative objects"]
    assert {a.get("id") for a in one.xpath("//div[contains(@class,'card article')]")} == {f"art-{a}" for a in keep}
    with pytest.raises(NotFound):
        render_html(d, story_id="nope")


# ------------------------------------------------------------------ overlapping spans

def _segments_ok(text: str, spans: list[tuple[int, int]]):
    html = str(mark_text(text, set(spans), [], lambda s, e: f"ev-x-{s}-{e}"))
    root = lxml.html.fragment_fromstring(f"<div>[{html}]</div>")  # brackets keep blank text from being dropped
    assert root.text_content() == f"[{text}]"
    for s, e in spans:
        if s >= e:
            continue
        key = f"ev-x-{s}-{e}"
        pieces = root.xpath(f".//mark[@data-ev='{key}']")
        assert "".join(p.text_content() for p in pieces) == text[s:e]
        assert len(root.xpath(f".//mark[@id='{key}']")) == 1
    return root


def test_overlapping_and_nested_spans():
    text = "abcdefghijklmnop"
    root = _segments_ok(text, [(0, 6), (3, 9), (3, 5), (8, 16), (10, 12)])
    # nested span stays one element inside its parent
    assert root.xpath(".//mark[@id='ev-x-0-6']//mark[@id='ev-x-3-5']")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab <>&\"'\n", min_size=1, max_size=40).flatmap(
    lambda t: st.tuples(st.just(t), st.lists(st.tuples(st.integers(0, len(t)), st.integers(0, len(t))),
                                             max_size=6))))
def test_any_spans_give_well_formed_marks(case):
    text, pairs = case
    spans = [(min(a, b), max(a, b)) for a, b in pairs]
    _segments_ok(text, spans)


# ------------------------------------------------------------------ escaping

def payload_dossier() -> dict:
    """The fixture with attack strings in every free-text field, still a valid dossier."""
    d = load()
    p0, p1, p2 = PAYLOADS
    evil_id = 'a1"><svg onload=alert(1)>'
    raw = json.dumps(d).replace(d["articles"][0]["id"], json.dumps(evil_id)[1:-1])
    d = json.loads(raw)
    for i, a in enumerate(d["articles"]):
        a["title"] = PAYLOADS[i % 3] + a["title"]
        a["outlet"] = a["outlet"] + PAYLOADS[(i + 1) % 3]
        a["text"] = a["text"] + "\n\n" + " ".join(PAYLOADS)
        a["byline"] = p1
        a["credit"] = p2
        a["url"] = "javascript:alert(1)"
    s = d["stories"][0]
    s["title"] = p0 + s["title"]
    s["outlets"] = [o + p1 for o in s["outlets"]]
    s["id"] = 's1"><script>alert(1)</script>'
    for q in s["quotes"]:
        q["speaker"] = p2
        q["text"] = p0 + q["text"]
        q["group"] = p1
        for op in q.get("diff", []):
            op["a"], op["b"] = op["a"] + p1, op["b"] + p0
    for c in s["claims"]:
        c["text"] = p1 + c["text"]
        c["attributed_to"] = p2
    for dis in s["disputes"]:
        dis["about"], dis["basis"] = p0, p1
        for side in dis["sides"]:
            side["actors"] = PAYLOADS
            side["stance"] = p2
    for t in s["timeline"]:
        t["event"] = p1 + t["event"]
        t["precision"] = p0
    for f in s["framing"]:
        f["concept"] = p2
        for terms in f["terms"].values():
            for t in terms:
                t["term"] = p0
    for x in s["summary"]:
        x["text"] = p1
    # a cited span over the injected text itself
    art = d["articles"][2]
    start = art["text"].index(p1)
    s["claims"][0]["evidence"].append({"article_id": art["id"], "start": start, "end": start + len(p1), "text": p1})
    return d


def assert_no_injection(html: str):
    p = parse(html)
    for tag, attrs in p.tags:
        assert tag not in {"img", "iframe", "object", "embed"}, (tag, attrs)
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript"), attrs
        if tag in OUR_SVG_TAGS - {"a", "title"}:
            continue
    assert [t for t, _ in p.tags].count("script") == 1
    assert [t for t, _ in p.tags].count("svg") == 2, "only the provenance graph and the timeline"
    text = "".join(p.data)
    for pl in PAYLOADS:
        assert pl in text, f"payload should be shown as text: {pl}"


def test_untrusted_text_is_escaped():
    d = payload_dossier()
    assert validate_dossier(d) == []
    html = render_html(d)
    assert_no_injection(html)
    tree = lxml.html.document_fromstring(html)
    # the evil article id never reaches an id/href unslugged, and links still resolve
    for a in tree.xpath("//a[@data-ev]"):
        assert re.fullmatch(r"ev-[A-Za-z0-9_-]+-\d+-\d+", a.get("data-ev"))
        assert tree.get_element_by_id(a.get("data-ev")).tag == "mark"
