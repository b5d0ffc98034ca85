"""Timeline: the dated events of a story, merged across articles, and publication dates inferred for undated ones.

Relative dates ("on Saturday", "9 April", "last June") mean nothing without the article's own date,
and many web copies carry none. An undated article often can be placed: a rewrite takes its
source's date; a weekday or a day-month it shares with a dated sibling's event pins it ("a day ahead
of Sunday's vote"); "last week" after its latest dated event places it the week after. Inferred dates
are marked as such, and the article's relative dates are then resolved against them.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.claims import sentence_spans
from storyscope.compare.timeline_dates import (
    _CLAUSE_BREAK, _bare_weekday, _date, _dated_label, _governing_verb, _month_without_year, _nearest_weekday,
    _nearest_year, _not_an_event_date, _past_attached, _shared_year, _weekday_of)
from storyscope.compare.timeline_confidence import confidence, mention_features
from storyscope.compare.timeline_events import event_label, relative_word, side_clause_label, side_clause_of
from storyscope.record import Span
from storyscope.stages.nlp import parse
from storyscope.stages.timex import extract_timexes

FUTURE_CUES = re.compile(r"\b(will|'ll|’ll|ahead of|faces?|facing|faced with|set for|scheduled|upcoming|could see|"
                         r"expected|due to|plans? to|going to|likely to|poised to|about to|ready to|preparing to|intends? to)\b", re.I)
PAST_WEEK = re.compile(r"\blast week\b|\ba week (?:after|later)\b|\bearlier this month\b", re.I)
_REPORTING = {"say", "report", "tell", "write", "announce", "confirm", "claim", "insist", "note", "add"}
_PREC_RANK = {"day": 0, "month": 1, "year": 2}


@dataclass(frozen=True)
class TimelineSettings:
    """Tuned values of the timeline and of publication-date inference (MiniLM cosines; hand-set on the
    seeds and BASIL events).

    anchor_cos: a weekday or month-day mention of an undated article matches a sibling's dated event
        only when the two sentences are at least this close;
    same_event_cos: two dated mentions of one date from different articles are one timeline entry when
        their event texts are at least this close.
    """
    anchor_cos: float = 0.4
    same_event_cos: float = 0.5
    # confidence of an entry (hand-set, then checked on the labelled BASIL dev events): by the date's
    # precision, times conf_part when its label is not a whole clause (`timeline_events.event_label`),
    # times conf_inferred when the article's publication date was inferred; plus conf_sources when two or
    # more independent sources state the event on that date. Used only when no learned weights ship: with
    # models/timeline/confidence.json an entry's confidence is `timeline_confidence.confidence` (session 6)
    conf_precision: tuple = (("day", 0.9), ("month", 0.8), ("year", 0.7))
    conf_part: float = 0.5
    conf_inferred: float = 0.85
    conf_sources: float = 0.1


SETTINGS = TimelineSettings()


def _extract(text: str, dct: str | None) -> list[Span]:
    """The timex stage's spans of ``text`` anchored on ``dct`` (the stage never raises on text)."""
    return extract_timexes(text, dct)


def _sentence_at(bundle: StoryBundle, aid: str, pos: int) -> tuple[int, int] | None:
    for s0, s1, _ in sentence_spans(bundle, aid):
        if s0 <= pos < s1:
            return s0, s1
    return None


def _future(text: str, s0: int, start: int, end: int, cues_only: bool = False) -> bool:
    """Whether a date is spoken of as coming: a future cue near it, else a clause with no past-tense verb."""
    before = text[max(s0, start - 45):start]
    cut = list(_CLAUSE_BREAK.finditer(before))
    window = before[cut[-1].end():] if cut else before  # a cue of another clause ("what he will do, but ...")
    window += " " + text[end:end + 25]
    if FUTURE_CUES.search(window) or cues_only:
        return bool(FUTURE_CUES.search(window))
    head = _governing_verb(text, start)
    if head is None:
        return False
    verbs = [head] + [c for c in head.children if c.dep_ in ("aux", "auxpass")]
    if head.tag_ in ("VBZ", "VBP") and head.lemma_.lower() in _REPORTING:
        return False  # "The Times reports Cheney on Friday ...": news present of a report, not a plan
    return not any(v.tag_ in ("VBD", "VBN") for v in verbs)


def _dated_events(bundle: StoryBundle) -> list[dict]:
    """Resolved day-precision DATE timexes of dated articles, with their sentence text."""
    out = []
    for a in bundle.articles:
        if not a.published:
            continue
        for t in bundle.spans(a.id, "timex") or _extract(a.text, a.published):
            v = (t.attrs or {}).get("value")
            if not _dated_label(t.label, a.text[t.start:t.end]) or not (t.attrs or {}).get("resolved") or not _date(v):
                continue
            se = _sentence_at(bundle, a.id, t.start)
            if se:
                d = _date(v)
                wd = _bare_weekday(a.text[t.start:t.end])
                if wd is not None and _date(a.published):  # re-read weekday names by tense
                    d = _nearest_weekday(_date(a.published), wd, _future(a.text, se[0], t.start, t.end))
                out.append({"article_id": a.id, "date": d, "text": a.text[t.start:t.end], "start": t.start,
                            "end": t.end, "sentence": a.text[se[0]:se[1]], "s0": se[0], "s1": se[1]})
    return out


def _sim(a: list[str], b: list[str]) -> np.ndarray:
    from storyscope.stages.embed import embed
    if not a or not b:
        return np.zeros((len(a), len(b)))
    return embed(a) @ embed(b).T


def infer_publication_dates(bundle: StoryBundle) -> dict[str, dict]:
    """Undated article id -> {"published", "precision", "reason", "evidence", "inferred": True}."""
    out: dict[str, dict] = {}
    dated = {a.id: a.published[:10] for a in bundle.articles if a.published and _date(a.published)}
    undated = [a for a in bundle.articles if a.id not in dated]
    if not undated:
        return out
    # 1. a derived copy takes its source's date
    for e in bundle.provenance:
        d, s = e.get("article_id"), e.get("source_id")
        if d in {a.id for a in undated} and s in dated and d not in out:
            src = bundle.article(s)
            out[d] = {"published": dated[s], "precision": "day", "inferred": True,
                      "reason": f"derived from {src.outlet or s}, dated {dated[s]} (provenance)",
                      "evidence": (e.get("evidence") or [])[:2]}
    events = _dated_events(bundle)
    for a in undated:
        if a.id in out:
            continue
        spans = bundle.spans(a.id, "timex") or _extract(a.text, None)
        mentions = []
        for t in spans:
            v = (t.attrs or {}).get("value") or ""
            if t.label != "DATE" or not v.startswith("XXXX"):
                continue
            se = _sentence_at(bundle, a.id, t.start)
            if se:
                mentions.append((t, v, se))
        if not mentions or not events:
            continue
        sim = _sim([a.text[se[0]:se[1]] for _, _, se in mentions], [e["sentence"] for e in events])
        best = None  # (score, mention index, event)
        for i, (t, v, se) in enumerate(mentions):
            wd = _weekday_of(a.text[t.start:t.end]) if "-W" in v else None
            md = re.fullmatch(r"XXXX-(\d\d)-(\d\d)", v)
            for j, ev in enumerate(events):
                ok = (wd is not None and ev["date"].weekday() == wd and _weekday_of(ev["text"]) is not None) or \
                     (md and (ev["date"].month, ev["date"].day) == (int(md.group(1)), int(md.group(2))))
                if ok and sim[i, j] >= SETTINGS.anchor_cos and (best is None or sim[i, j] > best[0]):
                    best = (float(sim[i, j]), i, ev)
        if best is None:
            continue
        score, i, ev = best
        t, v, se = mentions[i]
        ev_art = bundle.article(ev["article_id"])
        evidence = [a.evidence(se[0], se[1]), ev_art.evidence(ev["s0"], ev["s1"])]
        if "-W" in v:
            # weekday anchor: the earliest publication date consistent with the article is the matched
            # event's day (a past-tense "on Saturday" is most recent Saturday on the day of publication),
            # or the day before it when the article speaks of it as still to come.
            # Every weekday mention matched to a sibling's dated event implies such a date; the latest
            # implied date wins (an article is published after all the events it reports).
            implied = []
            for i2, (t2, v2, se2) in enumerate(mentions):
                wd2 = _weekday_of(a.text[t2.start:t2.end]) if "-W" in v2 else None
                if wd2 is None:
                    continue
                cands = [(float(sim[i2, j]), ev2) for j, ev2 in enumerate(events)
                         if ev2["date"].weekday() == wd2 and _weekday_of(ev2["text"]) is not None
                         and sim[i2, j] >= SETTINGS.anchor_cos]
                if cands:
                    sc, ev2 = max(cands, key=lambda x: x[0])
                    fut = _future(a.text, se2[0], t2.start, t2.end)
                    implied.append((ev2["date"] - dt.timedelta(days=1) if fut else ev2["date"], t2, se2, ev2))
            pub, t, se, ev = max(implied, key=lambda x: x[0]) if implied else (ev["date"], t, se, ev)
            D = ev["date"]
            ev_art = bundle.article(ev["article_id"])
            evidence = [a.evidence(se[0], se[1]), ev_art.evidence(ev["s0"], ev["s1"])]
            out[a.id] = {"published": pub.isoformat(), "precision": "day", "inferred": True,
                         "reason": f"'{a.text[t.start:t.end]}' matches an event dated {D.isoformat()} in "
                                   f"{ev_art.outlet or ev_art.id}", "evidence": evidence}
        else:
            year = ev["date"].year
            # latest day-month of the article in the past tense, with the year of the matched event
            past_days = []
            for t2, v2, se2 in mentions:
                m2 = re.fullmatch(r"XXXX-(\d\d)-(\d\d)", v2)
                if m2 and not _future(a.text, se2[0], t2.start, t2.end):
                    try:
                        past_days.append(dt.date(year, int(m2.group(1)), int(m2.group(2))))
                    except ValueError:
                        pass
            latest = max([d for d in past_days if d <= ev["date"] + dt.timedelta(days=60)] or [ev["date"]])
            pub, prec, how = latest, "day", "its latest dated event"
            if PAST_WEEK.search(a.text):
                monday = latest - dt.timedelta(days=latest.weekday()) + dt.timedelta(days=7)
                pub, prec, how = monday, "week", "'last week' after its latest dated event"
                wds = [_weekday_of(a.text[t2.start:t2.end]) for t2, v2, se2 in mentions if "-W" in v2
                       and not _future(a.text, se2[0], t2.start, t2.end)]
                wds = [w for w in wds if w is not None]
                if wds:
                    pub, prec = monday + dt.timedelta(days=max(wds)), "day"
            out[a.id] = {"published": pub.isoformat(), "precision": prec, "inferred": True,
                         "reason": f"'{a.text[t.start:t.end]}' matches {ev['date'].isoformat()} in "
                                   f"{ev_art.outlet or ev_art.id}; placed by {how}", "evidence": evidence}
    return out


# ----------------------------------------------------------------------------- timeline

def _norm_value(v: str | None) -> tuple[str, str] | None:
    if not v:
        return None
    m = re.match(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?:T.*)?$", v)
    if not m:
        return None
    if m.group(3):
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}", "day"
    if m.group(2):
        return f"{m.group(1)}-{m.group(2)}", "month"
    return m.group(1), "year"


def _event_text(text: str, s0: int, s1: int, start: int, end: int) -> tuple[str, bool] | None:
    """The clause around a date and whether it is whole (see `timeline_events.event_label`); for a date
    in a side clause, that clause's own label or None (`_side_event`)."""
    side = _side_event(text, s0, s1, start, end)
    if side is False:
        return None
    if side:
        return side, True
    return event_label(parse(text), s0, s1, start, end, text)


def _side_event(text: str, s0: int, s1: int, start: int, end: int) -> str | bool | None:
    """When the date belongs to a side clause of the sentence (`timeline_events.side_clause_of`: a finite
    relative or adverbial clause, or a preposition's clause) the label's clause does not state the dated
    event ("Bloomberg, who won the mayoralty in 2001, said ..." is not dated 2001): the side clause's own
    label when it is a subject relative clause (`side_clause_label`), else False (no entry). None when the
    date is the label's own, or in a contact clause ("the bill the president signed in February")."""
    doc = parse(text)
    verb = side_clause_of(doc, s0, s1, start, end)
    if verb is None or verb.dep_ == "relcl" and not relative_word(verb):
        return None
    return side_clause_label(doc, s0, s1, start, end, text) or False


def _raw_confidence(prec: str, whole: bool, inferred: bool) -> float:
    """Confidence of one dated mention (see `TimelineSettings`)."""
    c = dict(SETTINGS.conf_precision).get(prec, 0.5)
    return c * (1.0 if whole else SETTINGS.conf_part) * (SETTINGS.conf_inferred if inferred else 1.0)


def build_timeline(bundle: StoryBundle, story_claims: list[dict] | None = None, limit: int = 30) -> list[dict]:
    """Dated events: {"date", "precision", "event", "article_ids", "independent_sources", "inferred", "evidence",
    "confidence"}; ``event`` is the label of the most certain mention (``evidence[0]`` is its sentence);
    ``confidence`` in [0, 1] (see `TimelineSettings`)."""
    inferred = infer_publication_dates(bundle)
    raw = []
    for a in bundle.articles:
        dct = a.published[:10] if a.published else None
        # an article dated by the story was re-read with that date (dossier.build.compare_story)
        inf = a.id in inferred or a.published_source == "inferred"
        spans = bundle.spans(a.id, "timex")
        if a.id in inferred:
            spans = _extract(a.text, inferred[a.id]["published"])
            dct = inferred[a.id]["published"]
        elif not spans:
            spans = _extract(a.text, dct)
        for t in spans:
            at = t.attrs or {}
            if not _dated_label(t.label, a.text[t.start:t.end]) or not at.get("resolved") \
                    or _not_an_event_date(a.text, t.start, t.end):
                continue
            nv = _norm_value(at.get("value"))
            if nv is None:
                continue
            se = _sentence_at(bundle, a.id, t.start)
            if se is None:  # datelines, captions, debris
                continue
            value, prec = nv
            wd = _bare_weekday(a.text[t.start:t.end])
            if wd is not None and prec == "day" and _date(dct):
                fut = _future(a.text, se[0], t.start, t.end)
                day = _date(dct)
                near = _nearest_weekday(day, wd, fut)
                if abs((near - day).days) <= 6 and not re.search(r"(?i)ahead|before|after", a.text[t.start:t.end]):
                    value = near.isoformat()
            value = _shared_year(a.text, t.end, value, prec)  # "in August and October 2017"
            bare_month = prec in ("day", "month") and _date(dct) and _month_without_year(a.text[t.start:t.end])
            past = bare_month and _past_attached(a.text, t.start)
            if bare_month and not past and _future(a.text, se[0], t.start, t.end, cues_only=True) \
                    and value < dct[:len(value)]:
                value = f"{int(value[:4]) + 1}{value[4:]}"  # "he'll retire on 22 November": the coming one
            if bare_month and value < dct[:len(value)] and not past:
                value = _nearest_year(value, _date(dct))  # "gains in November", "the administration coming in January"
            if past and value > dct[:len(value)]:
                value = f"{int(value[:4]) - 1}{value[4:]}"  # "had notified the embassy on Sept. 10": the last one
            if dct and value == dct[:len(value)] and prec != "day" and value == dct[:4]:
                continue  # "this year": not an event date
            got = _event_text(a.text, se[0], se[1], t.start, t.end)
            if got is None:
                continue  # the date is another event's, one the sentence does not state whole
            label, whole = got
            n_dates = sum(1 for u in spans if se[0] <= u.start < se[1] and u.label == "DATE")
            feats = mention_features(parse(a.text), a.text, se[0], se[1], t.start, t.end, prec, whole, inf, label,
                                     n_dates, value, dct)
            raw.append({"date": value, "precision": prec, "article_id": a.id, "inferred": inf, "event": label,
                        "confidence": _raw_confidence(prec, whole, inf), "features": feats,
                        "evidence": a.evidence(se[0], se[1])})
    if not raw:
        return []
    from storyscope.stages.embed import embed
    # labels are compared only across articles on one date (a mention joins an entry of its own article on the
    # date alone), so only the labels of a date that two articles state are embedded
    arts_of: dict[str, set[str]] = {}
    for r in raw:
        arts_of.setdefault(r["date"], set()).add(r["article_id"])
    shared = [i for i, r in enumerate(raw) if len(arts_of[r["date"]]) > 1]
    vecs = dict(zip(shared, embed([raw[i]["event"] for i in shared]))) if shared else {}
    entries: list[dict] = []
    for i, r in enumerate(raw):
        hit = None
        for e in entries:
            if e["date"] == r["date"] and (r["article_id"] in e["article_ids"] or
                                           max(float(vecs[i] @ vecs[k]) for k in e["_idx"]) >= SETTINGS.same_event_cos):
                hit = e
                break
        if hit is None:
            hit = {"date": r["date"], "precision": r["precision"], "event": r["event"], "_idx": [],
                   "article_ids": [], "inferred": False, "evidence": []}
            entries.append(hit)
        hit["_idx"].append(i)
        if r["article_id"] not in hit["article_ids"]:
            hit["article_ids"].append(r["article_id"])
        hit["inferred"] |= r["inferred"]
        if r["evidence"] not in hit["evidence"]:
            hit["evidence"].append(r["evidence"])
    for e in entries:
        e["independent_sources"] = bundle.independent_count(e["article_ids"])
        # the label: the most certain mention's (the first on a tie), its sentence first in the evidence
        best = raw[max(e["_idx"], key=lambda k: (raw[k]["confidence"], -k))]
        e["event"] = best["event"]
        e["evidence"].remove(best["evidence"])
        e["evidence"].insert(0, best["evidence"])
        bonus = SETTINGS.conf_sources if e["independent_sources"] >= 2 else 0.0
        # the label stays the hand-set rule's choice; its confidence is the learned score when weights ship
        e["confidence"] = round(confidence(best["features"], e["independent_sources"],
                                           min(1.0, best["confidence"] + bonus)), 3)
        del e["_idx"]
    # keep the most newsworthy: more sources, finer dates
    entries.sort(key=lambda e: (-e["independent_sources"], -len(e["article_ids"]), _PREC_RANK[e["precision"]]))
    entries = entries[:limit]
    entries.sort(key=lambda e: (e["date"], _PREC_RANK[e["precision"]]))
    return entries
