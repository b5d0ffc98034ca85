"""Event identity on fictional articles (written for this test): who, where, which year, which figures."""
from __future__ import annotations

from datetime import date

from storyscope.record import Article, Span
from storyscope.stories.event import FEATURES, EventKeys, PairModel, core, event_keys, load_model, numbers, pair_vector
from storyscope.stories.features import article_item, featurize
from storyscope.stories.online import OnlineClusterer

QUAKES = [
    ("q1", "Earthquake of magnitude 6.1 strikes Norvale, killing 14",
     "An earthquake of magnitude 6.1 struck the coastal town of Norvale in 2031, killing 14 people and "
     "destroying 230 homes, mayor Ilse Brandvik said. Rescue teams searched collapsed buildings overnight."),
    ("q2", "Norvale quake toll stays at 14 as rescuers end search",
     "Rescuers in Norvale ended their search on Thursday. The magnitude 6.1 earthquake of 2031 killed 14 "
     "people and left 230 homes in ruins, according to mayor Ilse Brandvik."),
    ("q3", "Earthquake of magnitude 5.4 strikes Delmere, killing 3",
     "An earthquake of magnitude 5.4 struck the mountain town of Delmere in 2033, killing 3 people and "
     "destroying 41 homes, governor Tomas Okafor said. Rescue teams searched collapsed buildings overnight."),
    ("q4", "Delmere quake: rescuers end search, toll at 3",
     "Rescuers in Delmere ended their search on Friday. The magnitude 5.4 earthquake of 2033 killed 3 "
     "people and left 41 homes in ruins, according to governor Tomas Okafor."),
]


def _items():
    people = {"q1": ["ilse brandvik"], "q2": ["ilse brandvik"], "q3": ["tomas okafor"], "q4": ["tomas okafor"]}
    places = {"q1": ["norvale"], "q2": ["norvale"], "q3": ["delmere"], "q4": ["delmere"]}
    return [{"id": i, "title": t, "text": x, "outlet": "", "published": None, "people": people[i] * 2,
             "places": places[i] * 2} for i, t, x in QUAKES]


def test_numbers_keep_figures_and_drop_years_and_small_counts():
    got = numbers("In 2031 the quake killed 14 people, cost $2.5 million, damaged 1,200 homes and 3 bridges.")
    assert set(got) == {"14", "2.5 million", "1200"}


def test_event_keys_from_layers_and_from_text():
    keys = event_keys(_items()[0])
    # two mentions each, plus LEAD_WEIGHT (3) because the title or lead names them
    assert keys.people == {"ilse brandvik": 5} and keys.places == {"norvale": 5}
    assert keys.years == {2031: 1} and {"14", "230", "6.1"} <= set(keys.numbers)
    bare = event_keys({"title": "", "text": "Mayor Ilse Brandvik spoke in 2031. Later, in 2035, nothing."
                                            "", "published": "2032-01-02"})
    assert bare.years == {2031: 1}      # a year after publication is not a stated event year
    assert "brandvik" in bare.people      # without the actors layer: surnames of regex names


def test_article_item_reads_the_actor_and_timex_layers():
    art = Article(id="x", text="Ilse Brandvik in Norvale.", title="T")
    layers = {"actors": [Span(0, 13, "PERSON", {"actor": "ilse brandvik"}), Span(17, 24, "GPE", {"actor": "norvale"})],
              "timex": [Span(0, 4, "DATE", {"value": "2031-05-06"}), Span(0, 4, "DATE", {"value": None})]}
    item = article_item(art, layers)
    assert item["people"] == ["ilse brandvik"] and item["places"] == ["norvale"] and item["years"] == [2031]
    assert item["actors"] == ["ilse brandvik", "norvale"]


def test_conflicting_people_places_years_lower_the_probability():
    a = event_keys(_items()[0])
    same, other = event_keys(_items()[1]), event_keys(_items()[2])
    x_same, x_other = pair_vector(a, same, 0.8, 0.5, 0.5, 0.0), pair_vector(a, other, 0.8, 0.5, 0.5, 0.0)
    f = dict(zip(FEATURES, x_other))
    assert f["people_conflict"] == f["places_conflict"] == f["years_conflict"] == 1.0
    assert dict(zip(FEATURES, x_same))["people_share"] == 1.0
    m = load_model()
    assert m.prob(x_other) < m.prob(x_same)
    assert EventKeys.from_dict(a.to_dict()) == a


def test_two_quakes_with_the_same_wording_are_two_stories():
    items = _items()
    oc = OnlineClusterer()
    for it, f in zip(items, featurize(items)):
        oc.add(it, f)
    assert sorted(sorted(g) for g in oc.groups()) == [["q1", "q2"], ["q3", "q4"]]


def test_stated_days_and_lead_keys():
    art = Article(id="x", text="Ilse Brandvik spoke in Norvale on May 6, 2031.", title="Brandvik in Norvale")
    layers = {"actors": [Span(0, 13, "PERSON", {"actor": "ilse brandvik"}), Span(23, 30, "GPE", {"actor": "norvale"})],
              "timex": [Span(34, 45, "DATE", {"value": "2031-05-06"}), Span(0, 4, "DATE", {"value": "2031"})]}
    item = article_item(art, layers)
    assert item["days"] == ["2031-05-06"] and item["years"] == [2031, 2031]
    keys = event_keys(item)
    assert list(keys.days) == [date(2031, 5, 6).toordinal()]
    assert set(keys.lead) == {"ilse brandvik", "norvale"}
    # a day after publication is not a stated event day
    assert not event_keys(dict(item, published="2031-05-01")).days


def test_days_within_a_day_match_and_far_days_conflict():
    d = date(2031, 5, 6).toordinal()
    a = EventKeys({}, {}, {}, {}, {d: 1})
    near, far = EventKeys({}, {}, {}, {}, {d + 1: 2}), EventKeys({}, {}, {}, {}, {d + 30: 2})
    f_near, f_far = (dict(zip(FEATURES, pair_vector(a, b, 0.8, 0.5, 0.5, 0.0))) for b in (near, far))
    assert (f_near["days_share"], f_near["days_conflict"]) == (1.0, 0.0)
    assert (f_far["days_share"], f_far["days_conflict"]) == (0.0, 1.0)


def test_a_stray_article_does_not_make_its_people_part_of_the_story():
    # a story of ten articles about Brandvik, one of which also named Okafor once
    story = EventKeys({"ilse brandvik": 40, "tomas okafor": 1}, {}, {}, {})
    assert core(story.people, 10) == {"ilse brandvik": 40}
    assert core(story.people, 2) == story.people          # small stories keep every key
    okafor = EventKeys({"tomas okafor": 5}, {}, {}, {})
    f = dict(zip(FEATURES, pair_vector(okafor, story, 0.8, 0.5, 0.5, 0.0, b_articles=10)))
    assert f["people_conflict"] == 1.0 and f["people_share"] == 0.0
    f = dict(zip(FEATURES, pair_vector(okafor, story, 0.8, 0.5, 0.5, 0.0, b_articles=1)))
    assert f["people_conflict"] == 0.0 and f["people_share"] == 1.0


def test_untitled_articles_are_scored_with_their_own_weights():
    a, same = event_keys(_items()[0]), event_keys(_items()[1])
    titled, untitled = pair_vector(a, same, 0.6, 0.3, 0.5, 0.0), pair_vector(a, same, 0.6, 0.3, 0.5, 0.0, untitled=True)
    assert dict(zip(FEATURES, titled))["untitled"] == 0.0 and dict(zip(FEATURES, untitled))["untitled"] == 1.0
    m = load_model()
    assert m.w_untitled is not None
    assert m.logit(titled) == float(m.w @ titled)
    assert m.logit(untitled) == float(m.w_untitled @ untitled) != float(m.w @ untitled)
    # without headlines, the other quake's people, place and year still lower the probability
    other = event_keys(_items()[2])
    assert m.prob(pair_vector(a, other, 0.6, 0.3, 0.5, 0.0, untitled=True)) < m.prob(untitled)
    assert not any(f.titled for f in featurize([dict(it, title="") for it in _items()]))


def test_undated_pairs_are_scored_with_their_own_weights_when_a_model_has_them():
    a, same = event_keys(_items()[0]), event_keys(_items()[1])
    dated, undated = pair_vector(a, same, 0.6, 0.3, 0.5, 0.0), pair_vector(a, same, 0.6, 0.3, 0.5, 0.0, undated=True)
    assert dict(zip(FEATURES, dated))["undated"] == 0.0 and dict(zip(FEATURES, undated))["undated"] == 1.0
    shipped = load_model()
    assert shipped.logit(undated) == float(shipped.w @ undated)        # no undated weights shipped
    w = dict(zip(FEATURES, shipped.w.tolist()))
    m = PairModel(w, {}, dict(zip(FEATURES, shipped.w_untitled.tolist())), dict(w, people_share=5.0, top_cover=1.0))
    assert m.logit(dated) == float(m.w @ dated)
    assert m.logit(undated) == float(m.w_undated @ undated) > float(m.w @ undated)
    # an article without a headline keeps the untitled weights, dated or not
    both = pair_vector(a, same, 0.6, 0.3, 0.5, 0.0, untitled=True, undated=True)
    assert m.logit(both) == float(m.w_untitled @ both)
    # the covers are computed only for weights that read them (or a model without weights)
    assert m.uses("top_cover", False, True) and not m.uses("top_cover", False, False)
    assert PairModel({}).uses("top_cover", False, False)


def test_a_pair_is_undated_only_when_neither_side_has_a_publication_date():
    items = _items()[:2]
    for pub, flag in ((None, 1.0), ("2031-05-06", 0.0)):
        its = [dict(it, published=pub) for it in items]
        oc = OnlineClusterer()
        f1, f2 = featurize(its)
        oc.add(its[0], f1)
        oc._count(f2)
        assert dict(zip(FEATURES, oc.pair_features(f2, 0)))["undated"] == flag


def test_covers_weigh_the_heaviest_terms_on_each_side():
    from storyscope.stories.scoring import TOP_TERMS, _covers
    import numpy as np
    ak = np.arange(20, dtype=np.int64)
    av = np.ones(20)
    av[:TOP_TERMS] = 5.0                         # the article's heaviest terms: keys 0-9
    sk = np.array([0, 1, 2, 3, 4, 30, 31], dtype=np.int64)
    sv = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 5.0, 5.0])
    hit = np.isin(ak, sk)
    top, cover = _covers(ak, av, hit, sk, sv)
    assert top == 0.5                             # keys 0-4 of its ten heaviest are in the story
    assert cover == 5.0 / 15.0                    # of the story's weight, keys 0-4 are in the article


def test_kinds_the_weights_do_not_read_are_skipped_without_changing_the_logit():
    a, other = event_keys(_items()[0]), event_keys(_items()[2])
    a.days, other.days = {date(2031, 5, 6).toordinal(): 1}, {date(2033, 1, 2).toordinal(): 1}
    m = load_model()
    for untitled in (False, True):
        kinds = m.kinds(untitled, False)
        full = pair_vector(a, other, 0.7, 0.4, 0.3, 0.0, untitled=untitled)
        cut = pair_vector(a, other, 0.7, 0.4, 0.3, 0.0, untitled=untitled, kinds=kinds)
        assert m.logit(cut) == m.logit(full)            # to the bit
        f = dict(zip(FEATURES, cut))
        assert (f["days_conflict"] == 0.0) == (not kinds[4]) and dict(zip(FEATURES, full))["days_conflict"] == 1.0
    assert m.kinds(True, False) == (True,) * 6 and not m.kinds(False, False)[4]     # untitled weights read days


def test_a_story_summary_follows_its_keys_when_they_change():
    story = EventKeys({"ilse brandvik": 2}, {"norvale": 2}, {}, {})
    okafor = EventKeys({"tomas okafor": 5}, {"delmere": 5}, {}, {})
    before = dict(zip(FEATURES, pair_vector(okafor, story, 0.8, 0.5, 0.5, 0.0, b_articles=1)))
    assert before["people_conflict"] == 1.0
    story.add(EventKeys({"tomas okafor": 4}, {"delmere": 4}, {}, {}))      # the story now names Okafor too
    after = dict(zip(FEATURES, pair_vector(okafor, story, 0.8, 0.5, 0.5, 0.0, b_articles=2)))
    assert after["people_conflict"] == 0.0 and after["people_share"] == 1.0 and after["places_share"] == 1.0
