"""Precision-only label sets (ECB+ provenance edges and altered flags, issue 15 session 8): the packet script's
ranking and split, the label set's integrity, ``eval findings`` on a label set without listed events, and the
pooling of several dev reports in benchmarks/display_thresholds.py.

Fictional texts: the town of Marrowby and its bridge; the outlets Gazette and Courier are invented.
"""
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from storyscope.evaluate import labels as L
from storyscope.evaluate.events import product_text, span_sha1

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

GAZ = ("The Marrowby council approved the new river bridge on Tuesday after a long debate. "
       "Work on the bridge is to start in the spring and last three years, the council said. "
       "The bridge will link the old harbour district with the northern suburbs of the town. "
       "Opponents of the plan had argued that the cost of the bridge was far too high for Marrowby. "
       "The final vote in the council chamber was five to four in favour of the project.")
COURIER = GAZ.replace("on Tuesday after a long debate", "on Tuesday").replace("far too high", "too high")


def test_rank_stories_puts_reprints_first():
    from ecbplus_packets import rank_stories
    recs = [{"story": "1x", "text": GAZ}, {"story": "1x", "text": COURIER},
            {"story": "2x", "text": GAZ}, {"story": "2x", "text": "A different report on a fair held in Tolven."}]
    ranked = rank_stories(recs)
    assert [r[0] for r in ranked] == ["1x", "2x"] and ranked[0][1] == 1 and ranked[1][1] == 0


def test_topic_split_keeps_both_events_of_a_topic_together():
    from ecbplus_packets import ecb_topic, topic_split
    assert ecb_topic("12ecbplus") == "12" == ecb_topic("12ecb")
    assert all(topic_split(f"{t}ecb") == topic_split(f"{t}ecbplus") for t in range(1, 36))
    assert [t for t in range(1, 36) if topic_split(f"{t}ecb") == "test-extra"] == [5, 10, 15, 20, 25, 30, 35]


def _label_texts(name: str) -> dict[str, str]:
    """{jsonl id: product text} of the records a label set refers to (ECB+ dev, or FNC-1 train bodies)."""
    shared_path = sys.modules["tests.conftest"].shared_path
    if name == "ecbplus":
        data = shared_path("datasets", "ecbplus", "stories-dev.jsonl")
        return {r["id"]: product_text(r["text"]) for r in map(json.loads, open(data, encoding="utf-8"))}
    import csv
    with open(shared_path("datasets", "fnc1", "train_bodies.csv"), encoding="utf-8") as fh:
        return {"fnc-" + r["Body ID"]: product_text(r["articleBody"]) for r in csv.DictReader(fh)}


@pytest.mark.parametrize("name", ["ecbplus", "fnc1"])
def test_precision_label_sets_are_well_formed_and_match_the_data(name):
    labels = ROOT / "benchmarks" / "labels" / name
    if not (labels / "items.jsonl").exists():
        pytest.skip(f"benchmarks/labels/{name} not built")
    from ecbplus_packets import topic_split
    from storyscope.evaluate.findings import check_spans
    items = L.load_items(str(labels))
    from fresh_packets import LABEL_KIND
    assert items and {it["kind"] for it in items} <= {"article", "quote", "sentence", "framing", "omission", "timeline"}
    for it in items:
        assert it["split"] == topic_split(it["event"]) and "text" not in json.dumps(it["spans"])
        assert all(set(s) == {"id", "start", "end", "sha1"} for s in it["spans"])
        assert len(it["spans"]) == {"omission": 3, "framing": 1, "timeline": 1}.get(it["kind"], 2)
        if it["kind"] == "framing":       # what the term was claimed to be: values and hashes, never text
            assert set(it["finding"]) == {"concept_id", "family", "voice", "referent_sha1"}
        if it["kind"] == "timeline":      # the entry's date, precision and the hash of its label
            assert set(it["finding"]) == {"date", "precision", "label_sha1"}
        if "sampled" in it:               # sessions 9 and 10's stratified draw (fresh_packets.stratified)
            assert it["sampled"]["stratum"] in ("high", "rest") and it["sampled"]["of"] >= 1
            assert LABEL_KIND.get(it["sampled"].get("kind"), it["kind"]) == it["kind"]
    good, stale = check_spans(items, _label_texts(name))
    assert good and not stale


@pytest.mark.slow
def test_eval_findings_reads_a_label_set_of_extra_events_only(tmp_path):
    """A label set whose items are all dev-extra (as ECB+'s) is scored for precision; the product runs."""
    from storyscope.evaluate.findings import evaluate_findings
    data = tmp_path / "stories.jsonl"
    data.write_text("".join(json.dumps({"id": i, "story": "7x", "outlet": o, "title": "Bridge approved", "text": t}) + "\n"
                            for i, o, t in (("g1", "Gazette", GAZ), ("c1", "Courier", COURIER))))
    spans = [{"id": i, "start": 0, "end": len(product_text(t)), "sha1": span_sha1(product_text(t))}
             for i, t in (("g1", GAZ), ("c1", COURIER))]
    L.save_items(str(tmp_path), [{"item_id": "a-1", "kind": "article", "event": "7x", "split": "dev-extra",
                                  "spans": spans, "origin": ["product:provenance"], "final": "b-reuses-a"}])
    r = evaluate_findings(str(tmp_path), str(data), split="dev", db=str(tmp_path / "eval.db"))
    assert r["events"] == 0 and r["extra_events"] == 1 and r["items_with_final"] == 1 and not r["stale_items"]
    prov = r["findings"]["provenance"]
    assert prov["shown"] == 1 and prov["covered"] == 1 and prov["correct"] == 1, prov
    assert prov["recall"] is None                        # nothing listed: precision only
    with pytest.raises(Exception, match="no labelled events of split 'test'"):
        evaluate_findings(str(tmp_path), str(data), split="test", db=str(tmp_path / "eval.db"))


def test_display_thresholds_pool_every_kind_and_hold_it_to_the_fresh_labels():
    from display_thresholds import combine, derive, pool_rows
    a = [{"threshold": 0.5, "covered": 3, "correct": 3, "precision": 1.0},
         {"threshold": 0.8, "covered": 1, "correct": 1, "precision": 1.0}]
    b = [{"threshold": 0.3, "covered": 6, "correct": 4, "precision": 0.667},
         {"threshold": 0.6, "covered": 4, "correct": 4, "precision": 1.0}]
    rows = pool_rows([a, b])
    assert [(r["threshold"], r["covered"], r["correct"]) for r in rows] == \
        [(0.3, 9, 7), (0.5, 7, 7), (0.6, 5, 5), (0.8, 1, 1)]
    basil = {"split": "dev", "labels": "basil", "events": 20, "findings": {
        "provenance": {"covered": 4, "correct": 4, "by_confidence": a},
        "corroborated": {"covered": 4, "correct": 4, "by_confidence": a}}}
    ecb = {"split": "dev", "labels": "ecbplus", "events": 0, "extra_events": 9, "findings": {
        "provenance": {"covered": 6, "correct": 4, "by_confidence": b},
        "corroborated": {"covered": 6, "correct": 4, "by_confidence": b}}}
    pooled = combine([basil, ecb])
    assert pooled["findings"]["provenance"]["covered"] == 10 and pooled["findings"]["corroborated"]["covered"] == 10
    new, _ = derive(pooled, {"provenance": 1.01, "claim": 0.0})
    assert new["provenance"] == 0.5 and new["claim"] == 0.5        # the pooled rule alone: 7/7 from 0.5 on
    new, _ = derive(pooled, {"provenance": 1.01, "claim": 0.0}, [basil, ecb])
    assert new == {"provenance": 1.01, "claim": 1.01}   # the fresh labels alone hold 4 < 5 above 0.9 precision
    with pytest.raises(SystemExit):
        combine([basil, {**ecb, "split": "test"}])


def test_merge_verdicts_writes_into_another_label_dir(tmp_path):
    import merge_verdicts as M
    labels, verdicts = tmp_path / "ecbplus", tmp_path / "verdicts"
    spans = [{"id": "x", "start": 0, "end": 3, "sha1": span_sha1("abc")}]
    L.save_items(str(labels), [{"item_id": "a-1", "kind": "article", "event": "7x", "split": "dev-extra",
                                "spans": spans * 2}])
    for ann in ("p", "q"):
        (verdicts / ann).mkdir(parents=True)
        (verdicts / ann / "article.jsonl").write_text(json.dumps({"item_id": "a-1", "verdict": "a-reuses-b"}) + "\n")
    M.main(["--labels", str(labels), "--verdicts", str(verdicts)])
    assert L.load_items(str(labels))[0]["final"] == "a-reuses-b"


def _rows(*triples):
    return [{"threshold": t, "covered": c, "correct": k, "precision": round(k / c, 3)} for t, c, k in triples]


def test_fresh_kinds_take_the_strictest_of_pooled_fresh_and_first_report():
    """Disputes and framing terms (session 9): shown only from a threshold where the pooled labels, the fresh
    label sets alone (>= 5) and the first report alone (precision only) all keep >= 0.90."""
    from display_thresholds import combine, derive, fresh_threshold
    basil = {"split": "dev", "labels": "basil", "events": 20, "findings": {
        "dispute": {"covered": 9, "correct": 3, "by_confidence": _rows((0.05, 9, 3), (0.5, 3, 3))},
        "framing": {"covered": 10, "correct": 10, "by_confidence": _rows((0.9, 10, 10))}}}
    ecb = {"split": "dev", "labels": "ecbplus", "events": 0, "extra_events": 5, "findings": {
        "dispute": {"covered": 8, "correct": 6, "by_confidence": _rows((0.2, 8, 6), (0.4, 6, 6), (0.7, 2, 2))},
        "framing": {"covered": 6, "correct": 3, "by_confidence": _rows((0.5, 6, 3), (0.95, 2, 2))}}}
    t, note = fresh_threshold([basil, ecb], "dispute")
    assert t == 0.5 and "fresh alone 0.4 (6/6)" in note      # pooled 0.4 (9/9), fresh 0.4, BASIL alone 0.5
    assert fresh_threshold([basil, ecb], "framing")[0] is None   # fresh: only 2 at >= 0.9
    new, notes = derive(combine([basil, ecb]), {"dispute": 1.01, "framing": 1.01}, [basil, ecb])
    assert new == {"dispute": 0.5, "framing": 1.01} and any("fresh rule" in n for n in notes)
    new, _ = derive(basil, {"dispute": 1.01, "framing": 0.0})   # one report: the plain rule
    assert new == {"dispute": 1.01, "framing": 0.9}


def test_stratified_sample_covers_the_high_confidence_end():
    import random
    from fresh_packets import stratified
    rows = [({"item_id": f"i{n}"}, {}, n / 100) for n in range(100)]
    got = stratified(rows, 0.9, 20, random.Random(1))
    high = [it for it, _, _ in got if it["sampled"]["stratum"] == "high"]
    assert len(got) == 15 and len(high) == 10 and all(it["sampled"]["confidence"] >= 0.9 for it in high)
    got = stratified(rows, 0.5, 20, random.Random(1))          # 50 high: 15 of them, 5 of the rest
    assert Counter(it["sampled"]["stratum"] for it, _, _ in got) == {"high": 15, "rest": 5}
    assert all(it["sampled"]["of"] == 50 for it, _, _ in got)
    assert len(stratified(rows[:7], 0.05, 20, random.Random(1))) == 7


def test_choose_writes_a_pair_drawn_for_two_kinds_once_with_both_origins():
    """Session 10: corroborated facts and disputes share the sentence packet; a pair both show is judged once."""
    import random
    from fresh_packets import choose

    def row(iid, origin, c):
        return ({"item_id": iid, "kind": "sentence", "spans": [], "origin": [origin]}, {"A": iid}, c)
    pools = {"claim": [row("s-1", "product:corroborated", 0.7), row("s-2", "product:corroborated", 0.3)],
             "dispute": [row("s-1", "product:dispute", 0.4)]}
    rows, summary = choose(pools, [], {"claim": 0.584, "dispute": 0.06}, {"claim": 8, "dispute": 8}, random.Random(1))
    got = {it["item_id"]: it for it, _ in rows["sentence"]}
    assert sorted(got) == ["s-1", "s-2"] and got["s-1"]["origin"] == ["product:corroborated", "product:dispute"]
    assert got["s-1"]["sampled"]["kind"] == "claim" and got["s-2"]["sampled"]["stratum"] == "rest"
    assert summary["claim"]["of"] == {"high": 1, "rest": 1} and summary["dispute"]["packet"] == {"high": 1}


# Final verdicts per label kind on the precision-only sets (none may be lost), and the product's floors on them
# (eval findings --split dev). Session 9 (lab9): disputes, framing, altered flags on 41 ECB+ stories and 19 FNC-1
# topics (framing since framing.v7). Session 10 (lab10): every kind on 14 ECB+ stories and 16 FNC-1 topics never
# labelled before, judged blind (two annotators, a third on 18 disagreements); the floors of the kinds it added
# (corroborated facts, omissions, timeline) and the lowered framing floor at 0.973 on FNC-1 (fresh dev topics 38/47
# there) are its measurements on main at be79db5, less a margin.
JUDGED = {"ecbplus": {"article": 73, "quote": 3, "sentence": 95, "framing": 84, "omission": 20, "timeline": 20},
          "fnc1": {"article": 70, "quote": 3, "sentence": 76, "framing": 84, "omission": 20, "timeline": 11}}
# kind: (covered at least, precision at any confidence at least, (threshold, precision from it at least) or None)
FLOORS = {"ecbplus": {"provenance": (55, 0.8, None), "framing": (65, 0.9, (0.973, 0.9)), "dispute": (40, 0.05, None),
                      "corroborated": (30, 0.5, None), "omission": (17, 0.75, None), "timeline": (14, 0.75, None)},
          "fnc1": {"provenance": (44, 0.8, None), "framing": (50, 0.75, (0.973, 0.75)), "dispute": (30, 0.08, None),
                   "corroborated": (28, 0.5, None), "omission": (18, 0.7, None), "timeline": (8, 0.5, None)}}


@pytest.mark.parametrize("name", ["ecbplus", "fnc1"])
def test_precision_label_sets_keep_their_judged_items(name):
    labels = ROOT / "benchmarks" / "labels" / name
    items = L.load_items(str(labels))
    got = Counter(it["kind"] for it in items if it.get("final"))
    assert all(got[k] >= n for k, n in JUDGED[name].items()), got
    fresh = [it for it in items if "sampled" in it]      # sessions 9 and 10: a drawn item is judged twice or more,
    assert fresh and all(it["sampled"]["stratum"] in ("high", "rest") for it in fresh)   # or still waits for its
    assert all(len(it["verdicts"]) >= 2 or (not it["verdicts"] and it["final"] is None) for it in fresh)  # annotators


def check_floors(name: str, report: dict) -> None:
    """The floors of ``FLOORS[name]`` on an ``eval findings --split dev`` report of that label set."""
    assert report["split"] == "dev" and not report["stale_items"]
    for kind, (covered, precision, at) in FLOORS[name].items():
        res = report["findings"][kind]
        assert res["covered"] >= covered and res["precision"] >= precision, (kind, res["covered"], res["precision"])
        if at:
            row = next(r for r in res["by_confidence"] if r["threshold"] >= at[0])
            assert row["precision"] >= at[1], (kind, row)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ecbplus", "fnc1"])
def test_precision_label_sets_floors(name, tmp_path):
    """The product on the label sets' stories (55 ECB+ dev stories, 35 FNC-1 topics): the findings they label."""
    import subprocess
    from storyscope.evaluate.findings import evaluate_findings
    shared_path = sys.modules["tests.conftest"].shared_path
    if name == "ecbplus":
        data = shared_path("datasets", "ecbplus", "stories-dev.jsonl")
    else:
        shared_path("datasets", "fnc1", "train_bodies.csv")
        data = tmp_path / "fnc1.jsonl"
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "stories_fnc1_topics.py"), "--out", str(data)],
                       check=True, capture_output=True)
    report = evaluate_findings(str(ROOT / "benchmarks" / "labels" / name), str(data), split="dev",
                               db=str(tmp_path / "eval.db"))
    check_floors(name, report)
