"""Timeline confidence (issue 15, session 6, helper tl): a learned score over features of the dated mention,
on fictional text. The kinds the blind BASIL labels found wrong get a lower confidence than a plain dated
event: a date in a side clause, a year inside a name, an amount for a fiscal year."""
from __future__ import annotations

from storyscope.compare import timeline_confidence as tc
from storyscope.compare.bundle import StoryBundle
from storyscope.compare.timeline import build_timeline
from storyscope.record import Article
from storyscope.stages.nlp import parse
from storyscope.stages.timex import extract_timexes


def _features(text: str, date: str, prec: str = "year") -> dict:
    start = text.index(date)
    return tc.mention_features(parse(text), text, 0, len(text), start, start + len(date), prec, True, False,
                               text.rstrip("."), 1)


def _timeline(text: str, published: str) -> list[dict]:
    art = Article.create(text, title=text.split("\n")[0], published=published, published_source="explicit")
    return build_timeline(StoryBundle([art], {art.id: {"timex": extract_timexes(text, published)}}))


def test_features_read_names_amounts_and_side_clauses():
    named = _features("Senator Vela Marr defended the Harbor Safety Act of 1978 at the hearing.", "1978")
    assert named["date_in_name"] == 1.0
    plain = _features("The council of Lomar approved the harbor levy in 2027.", "2027")
    assert plain["date_in_name"] == 0.0 and plain["amount_near"] == 0.0 and plain["head_is_root"] == 1.0
    fiscal = _features("The port of Lomar earned $4 million in fiscal 2027.", "2027")
    assert fiscal["amount_near"] == 1.0
    side = _features("Pim Ardo gave a lecture about the levy that the council had passed in 2027.", "2027")
    assert side["head_is_root"] == 0.0 and side["side_clause"] == 1.0


def test_shipped_weights_are_loaded_once_and_rank_the_wrong_kinds_lower():
    """Session 7 (tl7b) weights: a date in a side clause, beside an amount, or far from the article's
    publication scores lower than a plain dated event; a second independent source scores higher."""
    w = tc._weights()
    assert w is not None and list(w["features"]) == [n for n in w["features"] if n in tc.FEATURES]
    assert tc._weights() is w  # loaded once
    plain_f = _features("The council of Lomar approved the harbor levy in 2027.", "2027")
    plain = tc.confidence(plain_f, 1, 0.0)
    side = tc.confidence(_features("Pim Ardo gave a lecture about the levy that the council had passed in 2027.",
                                   "2027"), 1, 0.0)
    fiscal = tc.confidence(_features("The port of Lomar earned $4 million in fiscal 2027.", "2027"), 1, 0.0)
    far = tc.confidence(dict(plain_f, days_from_publication=tc._days("2027", "2035-06-01")), 1, 0.0)
    assert 0.0 < max(side, fiscal, far) < plain < tc.confidence(plain_f, 2, 0.0) < 1.0


def test_timeline_entry_confidence_is_the_learned_score():
    text = ("Lomar levy\n\nThe council of Lomar approved the harbor levy on March 3, 2031. "
            "Senator Vela Marr defended the Harbor Safety Act of 1978 at the hearing. "
            "The port earned $4 million in fiscal 2029, the filing shows.\n")
    tl = _timeline(text, "2031-03-05")
    by_date = {e["date"]: e for e in tl}
    assert "2031-03-03" in by_date
    e = by_date["2031-03-03"]
    assert e["confidence"] != 0.9  # not the hand-set day confidence any more
    assert "1978" not in by_date and "2029" not in by_date, by_date  # a name's year, a fiscal year
