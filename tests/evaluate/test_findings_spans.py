"""Framing terms and timeline entries scored against labelled items; the extra events' split.

Fictional event: the harbour of Quillport is closed after a storm; two fictional outlets (Gazette,
Courier) report it. Offsets below index these texts.
"""
import json
import sys
from pathlib import Path

import pytest

from storyscope import errors
from storyscope.evaluate import labels as L
from storyscope.evaluate.events import span_sha1
from storyscope.evaluate.findings import judge, score
from storyscope.evaluate.findings_spans import framing_terms, judge_span, span_findings, timeline_entries

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

G = "Officials closed the Quillport harbour on Monday after the storm. Critics called it a lockout of fishers."
C = "The port authority shut Quillport's harbour on Monday. Fishers said \"this is a lockout\" of their boats."
TEXT = {"g": G, "c": C}
SRC = {"A1": "g", "A2": "c"}


def ev(aid, sub):
    s = TEXT[SRC[aid]].index(sub)
    return {"article_id": aid, "start": s, "end": s + len(sub), "text": sub}


ROW = {"id": "framing-closure", "concept": "closure of a port (Quillport)", "concept_id": "closure",
       "source": "lexicon", "confidence": 0.9,
       "terms": {"A1": [{"term": "lockout", "family": "lockout", "voice": "outlet", "confidence": 0.9,
                         "evidence": [ev("A1", "lockout")]}],
                 "A2": [{"term": "lockout", "family": "lockout", "voice": "quoted", "confidence": 0.95,
                         "evidence": [ev("A2", "lockout")]}]}}
ALIGNED = {"id": "framing-2", "concept": "closed / shut", "source": "aligned", "confidence": 0.6,
           "terms": {"A1": [{"term": "closed", "family": "closed", "voice": "outlet",
                             "evidence": [ev("A1", "closed")]}],
                     "A2": [{"term": "shut", "family": "shut", "voice": "outlet", "evidence": [ev("A2", "shut")]}]}}
LABEL = "Officials closed the Quillport harbour on Monday"
ENTRY = {"id": "event-1", "confidence": 0.5, "date": "2030-03-04", "precision": "day", "event": LABEL,
         "evidence": [ev("A1", "Officials closed the Quillport harbour on Monday after the storm.")]}
STORY = {"id": "e1", "framing": [ROW, ALIGNED], "timeline": [ENTRY]}


def item(kind, aid, sub, final, finding, split="dev", iid=None):
    s = TEXT[SRC[aid]].index(sub)
    return {"item_id": iid or f"{kind[0]}-{aid}-{s}", "kind": kind, "event": "e1", "split": split, "final": final,
            "spans": [{"id": SRC[aid], "start": s, "end": s + len(sub), "sha1": span_sha1(sub)}],
            "origin": [f"product:{kind}"], "finding": finding}


def fr(t, final, **over):
    f = {"concept_id": "closure", "family": "lockout", "voice": t["voice"],
         "referent_sha1": L.referent_key(ROW["concept"], "lockout"), **over}
    aid = "A1" if t["voice"] == "outlet" else "A2"
    return item("framing", aid, "lockout", final, f)


def test_framing_terms_one_per_term_with_the_rows_confidence():
    terms = framing_terms(STORY)
    assert [(t["span"][0], t["voice"], t["confidence"]) for t in terms[:2]] == [("A1", "outlet", 0.9),
                                                                                 ("A2", "quoted", 0.9)]
    assert terms[0]["term_confidence"] == 0.9 and terms[1]["term_confidence"] == 0.95
    assert terms[0]["referent"] == "closure of a port (Quillport)" and terms[0]["other"] is None
    closed, shut = terms[2:]
    assert closed["other"] == ("A2", C.index("shut"), C.index("shut") + 4) and shut["other"][0] == "A1"
    assert closed["referent_sha1"] != shut["referent_sha1"]      # one item per family


def test_framing_verdicts_apply_only_to_the_same_claim():
    t_outlet, t_quoted = framing_terms(STORY)[:2]
    labelled = [fr(t_outlet, "correct"), fr(t_quoted, "not-naming")]
    assert judge_span(t_outlet, labelled, SRC) == {"covered": True, "correct": True,
                                                    "labelled": [labelled[0]["item_id"]], "direction_ok": None}
    assert judge_span(t_quoted, labelled, SRC)["correct"] is False
    # the same span claimed under another referent, family or voice is not covered by the verdict
    for over in ({"referent_sha1": L.referent_key("closure of a port (Elsewhere)", "lockout")},
                 {"referent_sha1": L.referent_key(ROW["concept"], "closure")}, {"voice": "quoted"}):
        assert not judge_span(t_outlet, [fr(t_outlet, "correct", **over)], SRC)["covered"], over
    assert not judge_span(t_outlet, [fr(t_outlet, "unclear")], SRC)["covered"]


def test_timeline_verdict_needs_the_same_date_and_label():
    (entry,) = timeline_entries(STORY)
    base = {"date": "2030-03-04", "precision": "day", "label_sha1": L.label_key(LABEL)}
    sent = "Officials closed the Quillport harbour on Monday after the storm."
    assert judge_span(entry, [item("timeline", "A1", sent, "correct", base)], SRC)["correct"] is True
    assert judge_span(entry, [item("timeline", "A1", sent, "wrong-date", base)], SRC)["correct"] is False
    for over in ({"date": "2030-03-05"}, {"precision": "month"}, {"label_sha1": L.label_key("Officials closed")}):
        assert not judge_span(entry, [item("timeline", "A1", sent, "correct", {**base, **over})], SRC)["covered"]
    # a label that moved to another sentence of the article is another claim
    other = item("timeline", "A1", "Critics called it a lockout of fishers.", "correct", base)
    assert not judge_span(entry, [other], SRC)["covered"]


def test_score_gives_precision_per_span_kind_and_no_recall():
    findings = span_findings(STORY)
    t_outlet, t_quoted = findings[:2]
    sent = "Officials closed the Quillport harbour on Monday after the storm."
    labelled = [fr(t_outlet, "correct"), fr(t_quoted, "wrong-voice"),
                item("timeline", "A1", sent, "unreadable-label",
                     {"date": "2030-03-04", "precision": "day", "label_sha1": L.label_key(LABEL)})]
    judged = [judge(f, labelled, SRC) for f in findings]
    out = score(findings, judged, labelled, SRC)
    assert (out["framing"]["shown"], out["framing"]["covered"], out["framing"]["correct"]) == (4, 2, 1)
    assert out["framing"]["precision"] == 0.5 and out["framing"]["recall"] is None
    assert out["timeline"]["precision"] == 0.0 and out["timeline"]["labelled_positives"] is None
    assert out["framing"]["by_confidence"] == [{"threshold": 0.9, "covered": 2, "correct": 1, "precision": 0.5}]


def test_extra_events_count_for_precision_not_recall():
    t_outlet, t_quoted = framing_terms(STORY)[:2]
    t_quoted = {**t_quoted, "extra": True}
    labelled = [fr(t_outlet, "correct"), {**fr(t_quoted, "correct"), "split": "dev-extra"}]
    findings = [t_outlet, t_quoted]
    out = score(findings, [judge(f, labelled, SRC) for f in findings], labelled, SRC)["framing"]
    assert out["precision"] == 1.0 and out["listed"] == {"shown": 1, "covered": 1, "correct": 1}
    assert out["extra"] == {"shown": 1, "covered": 1, "correct": 1}


def test_extra_split_is_deterministic_and_one_in_five():
    ids = [f"event-{i}" for i in range(2000)]
    share = sum(L.extra_split(e) == "test-extra" for e in ids) / len(ids)
    assert 0.17 <= share <= 0.23
    assert [L.extra_split(e) for e in ids[:50]] == [L.extra_split(e) for e in ids[:50]]
    assert {L.extra_split(e) for e in ids} == {"dev-extra", "test-extra"}


def test_framing_and_timeline_items_load_and_bad_verdicts_are_refused(tmp_path):
    t = framing_terms(STORY)[0]
    good = fr(t, "family-wrong")
    (tmp_path / "items.jsonl").write_text(json.dumps(good) + "\n")
    assert L.load_items(str(tmp_path))[0]["finding"]["family"] == "lockout"
    (tmp_path / "items.jsonl").write_text(json.dumps({**good, "final": "same-proposition"}) + "\n")
    with pytest.raises(errors.InputError, match="items.jsonl"):
        L.load_items(str(tmp_path))


def test_display_thresholds_derive_framing_and_timeline():
    from display_thresholds import derive
    rows = [{"threshold": 0.6, "covered": 12, "correct": 9, "precision": 0.75},
            {"threshold": 0.9, "covered": 8, "correct": 8, "precision": 1.0}]
    report = {"split": "dev", "findings": {
        "framing": {"covered": 12, "correct": 9, "by_confidence": rows},
        "timeline": {"covered": 10, "correct": 8, "by_confidence": [
            {"threshold": 0.5, "covered": 10, "correct": 8, "precision": 0.8}]}}}
    new, notes = derive(report, {"framing": 0.0, "timeline_event": 0.0})
    assert new["framing"] == 0.9 and new["timeline_event"] == 1.01


def test_display_thresholds_hold_hides_a_kind_with_its_reason():
    from display_thresholds import hold
    new, notes = {"framing": 0.375, "claim": 0.4}, []
    hold(new, notes, ["framing=in-sample on dev; test 7/11"])
    assert new == {"framing": 1.01, "claim": 0.4} and notes == ["framing held hidden (1.01): in-sample on dev; test 7/11"]
    with pytest.raises(SystemExit):
        hold(new, notes, ["framing"])          # no reason given
    with pytest.raises(SystemExit):
        hold(new, notes, ["frame=typo"])       # no such kind


def test_shown_counts_use_the_display_threshold_and_dev_precision():
    from labels_shown_counts import counts
    report = {"findings": {"framing": {"by_confidence": [
        {"threshold": 0.6, "covered": 10, "correct": 6, "precision": 0.6},
        {"threshold": 0.9, "covered": 5, "correct": 5, "precision": 1.0}]}}}
    out = counts([STORY], report, {"framing": 0.7, "timeline_event": 0.0})
    # the row and the aligned row: 2 terms at 0.9 shown at 0.7, the 2 aligned ones (0.6) not
    assert out["framing"] == {"threshold": 0.7, "listed": 4, "shown": 2, "dev_precision": 1.0, "dev_labelled": 5,
                              "estimated_correct": 2.0}
    assert out["timeline"]["shown"] == 1 and out["timeline"]["estimated_correct"] is None
