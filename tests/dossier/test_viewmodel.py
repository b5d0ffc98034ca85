"""The one view model both readable dossiers are rendered from: plain data, the HTML page links exactly
the spans it records as cited, and the Markdown shows what the HTML shows."""
import dataclasses
import json
from pathlib import Path

import lxml.html
import pytest
from markupsafe import Markup

from storyscope.dossier.render_html import environment, render_view as html_view
from storyscope.dossier.render_md import md_escape, render_view as md_view
from storyscope.dossier.view import display_view
from storyscope.dossier.viewmodel import build_view, slug

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dossier_small.json"


def load() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_view_is_plain_data_and_templates_autoescape():
    view = build_view(display_view(load()))
    flat = json.dumps(dataclasses.asdict(view), default=lambda o: sorted(o) if isinstance(o, set) else str(o))
    assert "Port Alder approves desalination plant" in flat

    def walk(x):
        if isinstance(x, dict):
            x = list(x.values())
        if isinstance(x, (list, tuple, set)):
            return [y for v in x for y in walk(v)]
        return [x]
    leaves = walk(dataclasses.asdict(view))
    # a whole dossier view (440 leaves at the session-7 display thresholds; fewer claims shown than before)
    assert len(leaves) > 300 and not any(isinstance(v, Markup) for v in leaves)
    assert environment().autoescape is True


def test_page_links_exactly_the_spans_the_view_cites():
    view = build_view(display_view(load(), include_uncertain=True))
    tree = lxml.html.document_fromstring(html_view(view))
    linked = {a.get("data-ev") for a in tree.xpath("//a[@data-ev]")}
    cited = {f"ev-{slug(aid)}-{s}-{e}" for aid, spans in view.cited.items() for s, e in spans}
    assert linked == cited and len(cited) > 20
    assert {m.get("id") for m in tree.xpath("//mark[@id]")} == cited


def test_markdown_shows_what_the_page_shows():
    view = build_view(display_view(load(), include_uncertain=True))
    page = lxml.html.document_fromstring(html_view(view)).text_content()
    md = md_view(view)
    st = view.stories[0]
    texts = ([f.text for f in st.facts] + [d.about for d in st.disputes] + [g.speaker for g in st.quotes]
             + [c.text for o in st.omissions for c in o.claims] + [e.text for e in st.timeline]
             + [f.concept for f in st.framing] + [r.title for r in st.coverage])
    assert len(texts) > 15
    for t in texts:
        assert t in page and md_escape(t) in md, t


def test_story_dates_from_its_articles_when_the_story_gives_none():
    d = load()
    d["stories"][0].pop("start")
    d["stories"][0].pop("end")
    view = build_view(display_view(d))
    dates = sorted(a["published"][:10] for a in d["articles"] if a.get("published"))
    assert view.stories[0].when.startswith(str(int(dates[0][8:10])))  # "12 Mar 2024 – ..."
    assert view.stories[0].when in lxml.html.document_fromstring(html_view(view)).xpath("//h1/..")[0].text_content()
    assert f"*{md_escape(view.stories[0].when)} \u00b7" in md_view(view)


def test_a_denial_side_reads_as_its_holders_statement():
    """A side that carries the step's ``statement`` ("X denies that P") shows it, never the denied claim
    as if the denier asserted it; a side without one shows its claims' texts."""
    from storyscope.dossier.viewmodel import ViewContext
    from storyscope.dossier.viewstory import _disputes
    story = {"claims": [{"id": "c1", "text": "The mill will close in May."}],
             "disputes": [{"id": "d1", "about": "the mill", "basis": "denial", "confidence": 0.8, "sides": [
                 {"stance": "asserts", "claim_ids": ["c1"], "evidence": []},
                 {"stance": "denies", "claim_ids": ["c1"], "evidence": [],
                  "statement": "Orla Venn denies that the mill will close in May"}]}]}
    (d,) = _disputes(ViewContext({"articles": []}), story)
    assert d.sides[0].claims == ["The mill will close in May."]
    assert d.sides[1].claims == ["Orla Venn denies that the mill will close in May"]


def test_quote_group_is_led_by_the_builders_reference_not_the_first_identical_rendering():
    """Two renderings read identically; the builder diffed the third against the second one, so the
    view must lead with that one (fictional quotes)."""
    from storyscope.dossier.viewstory import quote_groups
    ev = lambda a, s: [{"article_id": a, "start": s, "end": s + 20}]  # noqa: E731
    qs = [{"group": "g", "text": "We will open the dam.", "integrity": "identical", "evidence": ev("a1", 5),
           "reference": "a2:40"},
          {"group": "g", "text": "We will open the dam.", "integrity": "identical", "evidence": ev("a2", 40),
           "reference": "a2:40"},
          {"group": "g", "text": "We will not open the dam.", "integrity": "altered", "evidence": ev("a3", 9),
           "reference": "a2:40"}]
    (group,) = quote_groups(qs)
    assert group[0] is qs[1] and group[1:] == [qs[0], qs[2]]
    legacy = [dict(q, reference=None) for q in qs]       # no named reference: the first identical one
    assert quote_groups(legacy)[0][0] is legacy[0]


def test_each_outlet_prints_a_quote_once_in_its_group():
    """A mixed quote wraps a direct quote of the same article (the same printed words): the group shows
    one rendering per printing, so two outlets read as two renderings, not four (fictional quotes)."""
    from storyscope.dossier.viewstory import without_wrappers
    ev = lambda a, s, e: [{"article_id": a, "start": s, "end": e}]  # noqa: E731
    ref = {"text": "We will open the dam.", "evidence": ev("a1", 40, 61)}
    wrap1 = {"text": 'the mayor vowed "We will open the dam.', "evidence": ev("a1", 22, 61)}
    wrap2 = {"text": 'she promised "We will open the dam.', "evidence": ev("a2", 10, 44)}  # closing mark out
    inner2 = {"text": "We will open the dam.", "evidence": ev("a2", 24, 45)}
    other = {"text": "We will open the dam.", "evidence": ev("a3", 0, 21)}
    assert without_wrappers([ref, wrap1, wrap2, inner2, other]) == [ref, inner2, other]
    assert without_wrappers([wrap2, inner2, ref]) == [wrap2, ref]   # a wrapping reference stays, its twin goes


def test_an_empty_section_says_hidden_findings_exist_rather_than_none():
    """A section whose findings all fell below the confidence threshold must not read as "none found"
    (fictional dossier fixture: its provenance edge and timeline forced below their thresholds)."""
    d = load()
    story = d["stories"][0]
    for e in story.get("provenance", []):
        e["confidence"] = 0.0
    for e in story.get("timeline", []):
        e["confidence"] = 0.0
    assert story.get("provenance") and story.get("timeline")
    view = build_view(display_view(d))
    st = view.stories[0]
    assert not st.provenance and not st.timeline
    for section in ("provenance", "timeline"):
        assert st.empty[section].startswith("None above the confidence threshold;")
    md = md_view(view)
    assert "No copying detected" not in md and "No dated events" not in md
    assert md.count("hidden as uncertain") >= 2
    assert "hidden as uncertain" in html_view(view)
    shown = build_view(display_view(d, include_uncertain=True)).stories[0]
    assert shown.provenance and shown.timeline


def test_hidden_note_counts_framing_as_terms():
    from storyscope.dossier.view import hidden_note
    note = hidden_note({"hidden": {"framing": 4, "dispute": 1}})
    assert "4 framing terms" in note and "1 dispute," in note and "framings" not in note


def test_reported_speech_is_listed_apart_from_quotes_as_printed():
    """An outlet's paraphrase without quotation marks is not a quote as printed: both dossiers list it
    under its own heading (collapsed on the page), never among the quoted words."""
    d = load()
    para = next(q for q in d["stories"][0]["quotes"] if q["text"].startswith("the oysters"))
    para["form"] = "indirect"
    view = build_view(display_view(d))
    quoted, reported = view.stories[0].single_quotes()
    assert [g.renderings[0].text for g in reported] == [para["text"]]
    assert para["text"] not in [g.renderings[0].text for g in quoted] and quoted
    md = md_view(view).split("## Quotes")[1].split("## Framing")[0]
    assert md.index("### Reported by one outlet only") < md.index("### Reported speech by one outlet") \
        < md.index(para["text"])
    assert f"*{md_escape(para['text'])}*" in md and f"\u201c{md_escape(para['text'])}" not in md   # no marks
    tree = lxml.html.document_fromstring(html_view(view))
    (box,) = tree.xpath("//details[@class='reported']")
    assert para["text"] in box.text_content() and "fixed and fully funded" not in box.text_content()


@pytest.mark.parametrize("text, shown", [
    ('We warned them in writing last June and nobody answered," Hruvik told reporters.',
     "We warned them in writing last June and nobody answered."),
    ("Is the dam safe?\u201d Eskeland asked the minister on Monday.", "Is the dam safe?"),
    ("This was not an act of nature.", "This was not an act of nature."),
    ('The minister said the gates were opened "to save the dam," and left.',
     'The minister said the gates were opened "to save the dam," and left.'),
    ('The gates held," Valtane said, adding that "nobody" was hurt.',
     'The gates held," Valtane said, adding that "nobody" was hurt.'),
])
def test_shown_claim_text_drops_the_attribution_after_a_quote(text, shown):
    from storyscope.dossier.view import shown_claim_text
    assert shown_claim_text(text) == shown


def test_cited_words_are_never_doubly_quoted():
    from storyscope.dossier.viewmodel import cited
    assert cited("the ferry will run again", 120) == "\u201cthe ferry will run again\u201d"
    # a direct quote cited whole brings its own mark: no second one in front of it
    own = '"The ferry will run," Varga said at the pier.'
    assert cited(own, 120) == own
    assert cited("\u201cThe ferry will run,\u201d Varga said.", 120).count("\u201c") == 1
    # cited words that stop before their quote's closing mark get it, so the mark is never left open
    assert cited("\u201cThis was not an act of nature.", 120) == "\u201cThis was not an act of nature.\u201d"
    assert cited('"This was not an act of nature.', 120) == '"This was not an act of nature."'
    assert cited("a " * 100, 20).endswith("\u2026\u201d")
