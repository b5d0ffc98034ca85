"""Timeline and publication-date inference on the fictional story and the seed story."""
from __future__ import annotations

import importlib.util
import pathlib
import re

import pytest

from storyscope.compare.timeline import build_timeline, infer_publication_dates
from storyscope.record import check_evidence
from storyscope.stages.timex import extract_timexes

HERE = pathlib.Path(__file__).resolve().parent


def _load(name):
    spec = importlib.util.spec_from_file_location(f"_{name}", HERE / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def mini():
    return _load("test_claims").mini_bundle()


def test_undated_rewrite_takes_source_date(mini):
    gaz, cour, dig = mini.articles
    inf = infer_publication_dates(mini)
    assert inf[dig.id]["published"] == "2031-05-10" and inf[dig.id]["inferred"]
    assert "provenance" in inf[dig.id]["reason"]
    assert gaz.id not in inf  # dated articles keep their own date


def test_relative_expression_matches_sibling_event(mini):
    gaz, cour, dig = mini.articles
    inf = infer_publication_dates(mini)
    # "a day ahead of Sunday's council vote" + the Gazette's vote "on Sunday" (2031-05-11)
    assert inf[cour.id]["published"] == "2031-05-10", inf.get(cour.id)
    assert all(check_evidence(e, {a.id: a.text for a in mini.articles}) for e in inf[cour.id]["evidence"])


def test_timeline_merges_and_orders(mini):
    gaz, cour, dig = mini.articles
    tl = build_timeline(mini)
    texts = {a.id: a.text for a in mini.articles}
    assert all(check_evidence(e, texts) for t in tl for e in t["evidence"])
    assert [t["date"] for t in tl] == sorted(t["date"] for t in tl)
    by_date = {t["date"]: t for t in tl}
    # weekday names resolved by tense around the Gazette's Saturday: Thursday past, Sunday coming
    assert by_date["2031-05-08"]["precision"] == "day" and "collapsed" in by_date["2031-05-08"]["event"]
    vote = by_date["2031-05-11"]
    assert "vote" in vote["event"] and {gaz.id, dig.id} <= set(vote["article_ids"]) and vote["inferred"]
    assert vote["independent_sources"] == 1  # the rewrite is not a second source
    assert len(tl) <= 30


def test_seed_timeline(seeds_dir, tmp_path):
    disp = _load("test_disputes")
    b = disp.seed_story(seeds_dir)
    tl = build_timeline(b)
    inf = infer_publication_dates(b)
    key = {a.id: pathlib.Path(a.path).name[:3] for a in b.articles}
    by_key = {key[k]: v for k, v in inf.items()}
    assert by_key["001"]["published"] == "2022-04-02"           # rewrite of the dated Reuters story
    assert by_key["003"]["published"].startswith("2022-04-1")   # the week after the 9 April ouster
    out = disp.run_checker(seeds_dir, b, {"timeline": tl}, ["timeline"], tmp_path)
    assert "timeline 9/9" in out and "guards 1/1" in out, out


def test_dates_in_verbless_sentences_do_not_hang():
    """A sentence whose root is not a verb ("Elections: 3 March.") once looped forever in the timeline."""
    import signal

    from storyscope.compare.bundle import StoryBundle
    from storyscope.record import Article

    text = "Orlen vote timetable\n\nElections: 3 March.\n\nResults on Sunday, officials in the Orlen council said.\n"
    art = Article.create(text, title="Orlen vote timetable", published="2031-02-20", published_source="explicit")
    b = StoryBundle([art], {art.id: {"timex": extract_timexes(text, art.published)}})
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("timeline hung")))
    signal.alarm(60)
    try:
        tl = build_timeline(b)
    finally:
        signal.alarm(0)
    assert all(e["text"] == text[e["start"]:e["end"]] for t in tl for e in t["evidence"])


CASES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "cases"


def _case_bundle(folder: str):
    """The case's articles read like the product reads them (debris, sentences, actors, quotes, timex)."""
    from storyscope.compare.bundle import StoryBundle
    from storyscope.ingest.text import read_text_file
    from storyscope.stages import get_stage
    pairs = [read_text_file(p.read_bytes(), str(p), str(p))[0] for p in sorted((CASES / folder).glob("*.txt"))]
    arts = [a for a, _ in pairs]
    layers = {a.id: {"debris": layer.spans} for a, layer in pairs}
    for name in ("sentences", "actors", "quotes", "timex"):
        st = get_stage(name)
        for a, out in zip(arts, st.run([(a, {r: layers[a.id].get(r, []) for r in st.requires}) for a in arts])):
            layers[a.id].update(out)
    return StoryBundle(arts, layers, [])


def test_last_and_next_weekday_on_that_weekday_case_01():
    """Case 01: published Friday 14 March 2025, "voted last Friday" is 7 March, "meet again next Friday"
    21 March; the timeline keeps the modifier and never puts either on the publication day."""
    b = _case_bundle("01-last-weekday-on-same-weekday")
    by_date = {t["date"]: t for t in build_timeline(b)}
    assert "voted last Friday" in by_date["2025-03-07"]["event"]
    assert "meet again next Friday" in by_date["2025-03-21"]["event"]
    assert "2025-03-14" not in by_date and "2025-03-15" not in by_date


def test_event_labels_are_whole_clauses():
    """A relative clause and a second conjoined clause go, with their commas and conjunction."""
    from storyscope.compare.bundle import StoryBundle
    from storyscope.record import Article
    text = ("Harbor council vote\n\nMayor Tilde Osk, who had opposed the levy for weeks, changed course on Saturday "
            "and said she would sign it. The council will vote again on 12 June, officials in Harbor said.\n")
    art = Article.create(text, title="Harbor council vote", published="2031-05-10", published_source="explicit")
    tl = build_timeline(StoryBundle([art], {art.id: {"timex": extract_timexes(text, art.published)}}))
    events = {t["date"]: t["event"] for t in tl}
    assert events["2031-05-10"].rstrip(".") == "Mayor Tilde Osk changed course on Saturday"
    assert events["2031-06-12"].rstrip(".") == "The council will vote again on 12 June"
    for e in events.values():
        assert not re.search(r"\s[,.;]|,\s*,|\b(?:and|or|but)\s*[.,]?$", e), e


def _timeline_of(text: str, published: str) -> dict[str, str]:
    from storyscope.compare.bundle import StoryBundle
    from storyscope.record import Article
    art = Article.create(text, title=text.split("\n")[0], published=published, published_source="explicit")
    return {t["date"]: t["event"] for t in build_timeline(StoryBundle([art], {art.id: {"timex": extract_timexes(text, published)}}))}


def test_a_holiday_named_alone_or_a_bound_is_not_an_event_date():
    """"Christmas was quiet", "talks resume after Thanksgiving", "since 2019": no event on those days;
    "on Christmas Eve" dates one."""
    text = ("Lomar ferry strike\n\nChristmas was quiet in Lomar this year. Talks resume after Thanksgiving, "
            "the Lomar ferry union said. Fares have risen since 2019. The ferries stopped on Christmas Eve.\n")
    events = _timeline_of(text, "2024-12-30")
    assert "2024-12-24" in events and "stopped" in events["2024-12-24"]
    assert not {"2024-12-25", "2024-11-28", "2019"} & set(events), events


def test_event_labels_keep_what_the_clause_needs():
    """A comma after a cut restrictive clause stays; a dash-set aside goes; the noun a date modifies
    and an infinitive completing a noun stay."""
    text = ("Orlen vote\n\nFaced with a confidence vote on Sunday that could unseat her, Premier Vela Osk "
            "has been campaigning in Orlen to keep her seat. Osk accused a rival party \u2013 in a clear "
            "reference to the Hollin bloc \u2013 of funding a smear campaign on 3 May. The Hollin bloc met "
            "Lomar envoys in a March 7, 2031, meeting to discuss the vote.\n")
    events = _timeline_of(text, "2031-05-10")
    assert events["2031-05-11"].startswith("Faced with a confidence vote on Sunday, Premier Vela Osk"), events
    assert "to keep her seat" in events["2031-05-11"]
    assert "\u2013" not in events["2031-05-03"] and "of funding a smear campaign on 3 May" in events["2031-05-03"]
    assert "March 7, 2031, meeting" in events["2031-03-07"]
    for e in events.values():
        assert not re.search(r"\s[,.;]|,\s*,|\b(?:and|or|but)\s*[.,]?$", e), e
