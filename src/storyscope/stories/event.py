"""Event identity: who did what, where, when, and how many, as keys and as pair features.

Two articles about the same kind of event (two earthquakes, two arrests) share vocabulary and
topic; what tells the events apart is who is involved, where it happened, the years the text
states and the figures it gives (a death toll, a sum). ``event_keys`` collects these keys from
an item (from the reading layers when given: ``people`` and ``places`` from the actors layer,
``years`` from resolved TIMEX3 values; else from regexes over the text), and ``pair_vector``
turns an article's keys and a story's summed keys, with the topic signals of the clusterer,
into the features of the "same event" pair model (``PairModel``, logistic regression trained
by ``storyscope.stories.train``; see ``models/stories/README.md``).
"""
from __future__ import annotations

import bisect
import heapq
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Mapping

import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "stories" / "pair.json"

FEATURES = ("bias", "emb", "tfidf", "names", "date_penalty", "date_gap", "people_share", "people_conflict",
            "places_share", "places_conflict", "years_share", "years_conflict", "numbers_shared",
            "numbers_conflict", "days_share", "days_conflict", "lead_share", "lead_conflict",
            "untitled", "top_cover", "story_cover", "story_size", "undated")
KINDS = ("people", "places", "years", "numbers", "days", "lead")

SAME_WEEK = 7.0          # days
CORE_SHARE = 0.5         # mentions per article for a story's key to count in pair features (``core``)
                          # when a model is trained with it (its ``core_share``; None: all keys)
LEAD_CHARS = 600          # title + about the first three sentences
LEAD_WEIGHT = 3
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_NUMBER = re.compile(r"(?<![\w.,])\$?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(million|billion|percent|%))?(?![\w])")


@dataclass
class EventKeys:
    """Counts of an article's (or a story's summed) event keys. Change them through ``add`` only: it
    drops the summaries ``pair_vector`` keeps on them."""
    people: dict[str, int]
    places: dict[str, int]
    years: dict[int, int]
    numbers: dict[str, int]
    days: dict[int, int] = field(default_factory=dict)     # stated calendar days (ordinals)
    lead: dict[str, int] = field(default_factory=dict)     # people and places the title or lead names

    def to_dict(self) -> dict:
        return {"people": self.people, "places": self.places,
                "years": {str(k): v for k, v in self.years.items()}, "numbers": self.numbers,
                "days": {str(k): v for k, v in self.days.items()}, "lead": self.lead}

    @classmethod
    def from_dict(cls, d: Mapping | None) -> "EventKeys":
        d = d or {}
        return cls(dict(d.get("people", {})), dict(d.get("places", {})),
                   {int(k): v for k, v in d.get("years", {}).items()}, dict(d.get("numbers", {})),
                   {int(k): v for k, v in d.get("days", {}).items()}, dict(d.get("lead", {})))

    def copy(self) -> "EventKeys":
        return EventKeys(*(dict(getattr(self, k)) for k in KINDS))

    def add(self, other: "EventKeys", cap: int = 40) -> None:
        """Sum ``other`` into these counts, keeping the ``cap`` most frequent keys of each kind."""
        self.__dict__.pop("_memo", None)        # the summaries ``pair_vector`` keeps of these counts
        for name in KINDS:
            c = dict(getattr(self, name))        # insertion order as Counter.update keeps it
            for k, v in getattr(other, name).items():
                c[k] = c.get(k, 0) + v
            setattr(self, name, dict(heapq.nlargest(cap, c.items(), key=itemgetter(1))) if len(c) > cap else c)


def _get(item: Any, key: str):
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def numbers(text: str) -> Counter:
    """Figures a text states (counts, sums, magnitudes), normalised: years and 0-10 left out."""
    out: Counter = Counter()
    for m in _NUMBER.finditer(text[:4000]):
        raw, unit = m.group(1).replace(",", ""), (m.group(2) or "").replace("%", "percent")
        try:
            v = float(raw)
        except ValueError:
            continue
        if not unit and "." not in raw and (v <= 10 or (1900 <= v <= 2099 and "," not in m.group(1))):
            continue
        out[(raw + " " + unit).strip()] += 1
    return out


def event_keys(item: Any) -> EventKeys:
    """The event keys of one item: people, places, stated years and figures (see module docstring)."""
    from storyscope.stories.features import names
    text = (_get(item, "title") or "") + "\n" + (_get(item, "text") or "")
    people, places, years = _get(item, "people"), _get(item, "places"), _get(item, "years")
    days = [d for d in (_ordinal(v) for v in _get(item, "days") or ()) if d is not None]
    if people is None:
        # regex names vary in their leading words ("Prime Minister Imran Khan"): surnames only
        people = [k.split()[-1] for k, c in names(text[:3000]).items() for _ in range(c) if " " in k]
    if years is None:
        years = [int(y) for y in _YEAR.findall(text[:4000])]
    pub = str(_get(item, "published") or "")[:4]
    years = [y for y in years if not pub.isdigit() or y <= int(pub)]
    pub_day = _ordinal(_get(item, "published"))
    days = [d for d in days if pub_day is None or d <= pub_day]
    head = text[:LEAD_CHARS].lower()
    people, places = _lead_weighted(people, head), _lead_weighted(places or [], head)
    lead = {k: v for k, v in {**people, **places}.items() if k.split()[-1] in head}
    return EventKeys(people, places, dict(Counter(years).most_common(40)), dict(numbers(text).most_common(40)),
                     dict(Counter(days).most_common(40)), dict(Counter(lead).most_common(40)))


def _ordinal(value: Any) -> int | None:
    """The day of an ISO date or TIMEX3 value with day precision ('2031-05-06...'), else None."""
    v = str(value or "")[:10]
    if len(v) < 10 or not v[:4].isdigit():
        return None
    try:
        return date.fromisoformat(v).toordinal()
    except ValueError:
        return None


def _lead_weighted(keys: list[str], head: str) -> dict[str, int]:
    """Mention counts, plus ``LEAD_WEIGHT`` for a key whose last word the title or lead names:
    the protagonists of the event rather than the background of the body."""
    c = Counter(keys)
    for k in c:
        if k.split()[-1] in head:
            c[k] += LEAD_WEIGHT
    return dict(c.most_common(40))


def _top(c: Mapping, n: int) -> set:
    return {k for k, _ in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n]}


def core(keys: Mapping, articles: int, share: float | None = CORE_SHARE) -> Mapping:
    """The keys of a story of ``articles`` articles mentioned at least ``share`` times per article
    (always its most mentioned key): what the story is about rather than what one stray article
    brought in. A story of one or two articles, or ``share`` None, keeps all its keys."""
    if share is None or articles <= 2 or not keys:
        return keys
    floor = share * articles
    kept = {k: v for k, v in keys.items() if v >= floor}
    return kept or dict([max(keys.items(), key=lambda kv: kv[1])])


TOP_N = (3, 3, 2, 5, 0, 3)      # per kind of ``KINDS``: the most mentioned keys a conflict looks at


def _summary(keys: EventKeys, articles: int, share: float | None) -> list:
    """The summaries of ``keys`` as a story of ``articles`` articles (``core`` at ``share``), per kind
    of ``KINDS``, filled by ``_kind`` when first read. Kept on ``keys`` until ``EventKeys.add``
    changes them (an article's keys are scored against up to ``k`` stories and a story's against
    every later candidate article: sorting them once, not per pair)."""
    cut = None if share is None or articles <= 2 else (articles, share)
    memo = keys.__dict__.get("_memo")
    if memo is not None and memo[0] == cut:
        return memo[1]
    out = [articles, share] + [None] * len(KINDS)
    keys.__dict__["_memo"] = (cut, out)
    return out


def _kind(side: tuple, i: int) -> tuple:
    """Kind ``i`` of one side, (keys, their ``_summary``): (the ``core`` counts, their sum, the ``TOP_N``
    most mentioned keys); for days (sorted days, counts)."""
    keys, sm = side
    k = sm[2 + i]
    if k is None:
        c = core(getattr(keys, KINDS[i]), sm[0], sm[1])
        k = sm[2 + i] = (sorted(c), c) if KINDS[i] == "days" else (c, sum(c.values()), tuple(_top(c, TOP_N[i])))
    return k


def _shared(sa: tuple, sb: tuple, i: int) -> tuple[float, float]:
    """Kind ``i`` of two sides (keys, ``_summary``): the mention-weighted share of ``a``'s keys found in ``b``;
    conflict 1 when neither side's ``TOP_N`` most mentioned keys appear on the other side at all (both non-empty)."""
    (a, tot, ta), (b, _, tb) = _kind(sa, i), _kind(sb, i)
    if not a or not b:
        return 0.0, 0.0
    share = sum(v for k, v in a.items() if k in b) / tot if tot else 0.0
    return share, float(b.keys().isdisjoint(ta) and a.keys().isdisjoint(tb))


def _days_shared(a: tuple, b: tuple, slack: int = 1) -> tuple[float, float]:
    """Like ``_shared`` for stated days (``_summary`` day entries: sorted days, counts), a day matching within
    ``slack`` days: share of ``a``'s day mentions near one of ``b``'s; conflict 1 when no day of either is near the other's."""
    (_, ac), (bs, bc) = a, b
    if not ac or not bc:
        return 0.0, 0.0
    near = {d: (i := bisect.bisect_left(bs, d - slack)) < len(bs) and bs[i] <= d + slack for d in ac}
    return sum(v for d, v in ac.items() if near[d]) / sum(ac.values()), float(not any(near.values()))


def pair_vector(a: EventKeys, b: EventKeys, emb: float, tfidf: float, names: float, penalty: float,
                gap_days: float = 0.0, b_articles: int = 1, core_share: float | None = CORE_SHARE,
                untitled: bool = False, top_cover: float = 0.0, story_cover: float = 0.0,
                undated: bool = False, kinds: tuple[bool, ...] | None = None) -> np.ndarray:
    """Features (in ``FEATURES`` order) of article keys ``a`` against story keys ``b``.

    ``emb``, ``tfidf`` and ``names`` are cosines in [0, 1] computed by the caller; ``penalty`` is
    the date penalty in [0, 1] and ``gap_days`` the days between the two (both 0 when either side
    is undated); the gap enters as log(1 + days beyond ``SAME_WEEK``) / log(61), so follow-ups
    within a week are not told apart by their dates (the dev sets' events last a few days, real
    stories longer: the model learns only how fast the chance falls after that). ``b_articles``:
    the story's size; with ``core_share`` its keys are cut to their ``core`` so that one stray
    article does not make the story match every later article of that other event.
    ``untitled``: the article has no headline (its embedding sees only the body's lead): the
    ``untitled`` feature is 1 and ``PairModel`` uses its untitled weights, if it has them.
    ``top_cover``, ``story_cover``: see ``scoring._covers``. ``undated``: neither the article nor
    the story has a publication date (``undated`` is 1; ``PairModel`` uses its undated weights).
    ``kinds``: per kind of ``KINDS``, whether to compute its features (``PairModel.kinds``); the others
    are 0, which leaves the logit of weights that do not read them exactly as it was. None: all.
    """
    sa, sb = (a, _summary(a, 1, None)), (b, _summary(b, b_articles, core_share))
    on = kinds or ALL_KINDS
    ps, pc = _shared(sa, sb, 0) if on[0] else (0.0, 0.0)
    ls, lc = _shared(sa, sb, 1) if on[1] else (0.0, 0.0)
    ys, yc = _shared(sa, sb, 2) if on[2] else (0.0, 0.0)
    shared = len(_kind(sa, 3)[0].keys() & _kind(sb, 3)[0].keys()) if on[3] else 0
    _, nc = _shared(sa, sb, 3) if on[3] else (0.0, 0.0)
    ds, dc = _days_shared(_kind(sa, 4), _kind(sb, 4)) if on[4] else (0.0, 0.0)
    hs, hc = _shared(sa, sb, 5) if on[5] else (0.0, 0.0)
    return np.array([1.0, emb, tfidf, names, penalty, math.log1p(max(0.0, gap_days - SAME_WEEK)) / math.log(61.0),
                     ps, pc, ls, lc, ys, yc, math.log1p(shared), nc, ds, dc, hs, hc, float(untitled),
                     top_cover, story_cover, math.log1p(max(b_articles - 1, 0)) / math.log(50.0), float(undated)])


class PairModel:
    """P(same event | pair features): logistic regression weights over ``FEATURES``.

    ``weights_untitled``, if given, replace ``weights`` for a pair whose ``untitled`` feature is 1
    (an article without a headline, such as a bare body of text: its embedding sees the body's
    lead only, so its cosines mean something else; ``models/stories/README.md``).
    ``weights_undated``, if given, replace ``weights`` for a titled pair whose ``undated`` feature
    is 1 (no publication date on either side: what tells two events apart is then only who, where,
    which stated days and figures, so those weigh more than where the dates already speak).
    """

    def __init__(self, weights: Mapping[str, float], meta: Mapping | None = None,
                 weights_untitled: Mapping[str, float] | None = None,
                 weights_undated: Mapping[str, float] | None = None):
        self.w = np.array([float(weights.get(f, 0.0)) for f in FEATURES])
        self.w_untitled = None if weights_untitled is None else \
            np.array([float(weights_untitled.get(f, 0.0)) for f in FEATURES])
        self.w_undated = None if weights_undated is None else \
            np.array([float(weights_undated.get(f, 0.0)) for f in FEATURES])
        self.meta = dict(meta or {})
        self._uses: dict[tuple, Any] = {}       # ``uses`` and ``kinds`` per pair kind: asked once per pair
        self.core_share: float | None = self.meta.get("core_share")     # see ``core``; None: all keys

    def weights_for(self, untitled: bool, undated: bool) -> np.ndarray:
        """The weight vector that scores a pair: untitled first, then undated, else the headline weights."""
        if untitled and self.w_untitled is not None:
            return self.w_untitled
        return self.w_undated if undated and self.w_undated is not None else self.w

    def uses(self, feature: str, untitled: bool, undated: bool) -> bool:
        """Whether the weights for such a pair read ``feature`` (a model without weights, as
        training builds pairs with, reads every feature): callers skip computing the others."""
        key = (feature, untitled, undated)
        out = self._uses.get(key)
        if out is None:
            w = self.weights_for(untitled, undated)
            out = self._uses[key] = not self.w.any() or bool(w[FEATURES.index(feature)])
        return out

    def reads_covers(self, untitled: bool, undated: bool) -> bool:
        """Whether the weights for such a pair read ``top_cover`` or ``story_cover`` (``uses``)."""
        key = ("covers", untitled, undated)
        out = self._uses.get(key)
        if out is None:
            out = self._uses[key] = self.uses("top_cover", untitled, undated) or self.uses("story_cover", untitled, undated)
        return out

    def kinds(self, untitled: bool, undated: bool) -> tuple[bool, ...]:
        """Per kind of ``KINDS``, whether the weights for such a pair read any of its features (``uses``)."""
        key = ("kinds", untitled, undated)
        out = self._uses.get(key)
        if out is None:
            out = self._uses[key] = tuple(any(self.uses(f"{k}_{x}", untitled, undated) for x in _KIND_FEATURES[k])
                                          for k in KINDS)
        return out

    def logit(self, x: np.ndarray) -> float:
        return float(self.weights_for(bool(x[_UNTITLED]), bool(x[_UNDATED])) @ x)

    def prob(self, x: np.ndarray) -> float:
        z = self.logit(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def to_dict(self) -> dict:
        out = {"features": list(FEATURES), "weights": dict(zip(FEATURES, self.w.tolist()))}
        if self.w_untitled is not None:
            out["weights_untitled"] = dict(zip(FEATURES, self.w_untitled.tolist()))
        if self.w_undated is not None:
            out["weights_undated"] = dict(zip(FEATURES, self.w_undated.tolist()))
        return {**out, **self.meta}


_KIND_FEATURES = {k: ("shared", "conflict") if k == "numbers" else ("share", "conflict") for k in KINDS}
ALL_KINDS = (True,) * len(KINDS)
_UNTITLED = FEATURES.index("untitled")
_UNDATED = FEATURES.index("undated")
WEIGHT_SETS = ("weights", "weights_untitled", "weights_undated")


@lru_cache(maxsize=4)
def load_model(path: str = str(MODEL_PATH)) -> PairModel:
    """The shipped pair model (``models/stories/pair.json``)."""
    d = json.loads(Path(path).read_text(encoding="utf-8"))
    return PairModel(d["weights"], {k: v for k, v in d.items() if k not in WEIGHT_SETS + ("features",)},
                     d.get("weights_untitled"), d.get("weights_undated"))
