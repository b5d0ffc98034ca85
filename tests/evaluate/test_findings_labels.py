"""Scoring of cross-outlet findings against labelled decision units, on a fictional mini-dossier.

The fictional event: the town of Marrowby votes on a bridge; three fictional outlets (Gazette,
Courier, Ledger) report it. Offsets below index these texts.
"""
import json
import sys
from pathlib import Path

import pytest

from storyscope.evaluate import labels as L
from storyscope.evaluate.events import span_sha1
from storyscope.evaluate.findings import check_spans, judge, score, shown_findings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

G = "The Marrowby council approved the river bridge on Tuesday. Mayor Ilse Varn said \"the bridge will open in 2031.\""
C = "Marrowby's council voted for the river bridge on Tuesday. Varn said \"the bridge will not open in 2031.\""
LG = "Councillors in Marrowby rejected the bridge plan. The vote was 5 to 4."
TEXT = {"g": G, "c": C, "l": LG}
SRC = {"A1": "g", "A2": "c", "A3": "l"}  # product article id -> jsonl id


def ev(aid, sub):
    s = TEXT[SRC[aid]].index(sub)
    return {"article_id": aid, "start": s, "end": s + len(sub), "text": sub}


def lab(kind, final, spans, origin=("candidate",)):
    sp = [{"id": SRC[a], "start": TEXT[SRC[a]].index(t), "end": TEXT[SRC[a]].index(t) + len(t),
           "sha1": span_sha1(t)} for a, t in spans]
    return {"item_id": f"{kind[0]}-{spans[0][0]}-{spans[1][0]}", "kind": kind, "event": "e1",
            "split": "dev", "spans": sp, "origin": list(origin), "final": final}


APPROVED_G = "The Marrowby council approved the river bridge on Tuesday."
APPROVED_C = "Marrowby's council voted for the river bridge on Tuesday."
REJECTED_L = "Councillors in Marrowby rejected the bridge plan."
Q_G = "the bridge will open in 2031."
Q_C = "the bridge will not open in 2031."

STORY = {
    "claims": [
        {"id": "claim-1", "independent_sources": 2, "confidence": 0.9,
         "evidence": [ev("A1", APPROVED_G), ev("A2", APPROVED_C)]},
        {"id": "claim-2", "independent_sources": 2, "confidence": 0.4,   # wrong: approve vs reject
         "evidence": [ev("A1", APPROVED_G), ev("A3", REJECTED_L)]},
        {"id": "claim-3", "independent_sources": 1, "evidence": [ev("A3", "The vote was 5 to 4.")]},
    ],
    "disputes": [{"id": "dispute-1", "sides": [{"evidence": [ev("A3", REJECTED_L)]},
                                               {"evidence": [ev("A2", APPROVED_C)]}]}],
    "quotes": [
        {"id": "A1:1", "group": "q1", "integrity": "identical", "reference": "A1:1", "evidence": [ev("A1", Q_G)]},
        {"id": "A2:1", "group": "q1", "integrity": "altered", "reference": "A1:1", "evidence": [ev("A2", Q_C)]},
    ],
    "provenance": [{"article_id": "A2", "source_id": "A1", "evidence": []}],
    "omissions": [{"article_id": "A3", "claim_ids": ["claim-1"], "evidence": []}],
}

LABELS = [
    lab("sentence", "same-proposition", [("A1", APPROVED_G), ("A2", APPROVED_C)]),
    lab("sentence", "contradiction", [("A1", APPROVED_G), ("A3", REJECTED_L)]),
    lab("sentence", "contradiction", [("A3", REJECTED_L), ("A2", APPROVED_C)]),
    lab("quote", "same-quote-meaning-changed", [("A2", Q_C), ("A1", Q_G)]),
    {"item_id": "a-1", "kind": "article", "event": "e1", "split": "dev", "origin": ["candidate"],
     "final": "independent", "spans": [{"id": "g", "start": 0, "end": len(G), "sha1": span_sha1(G)},
                                       {"id": "c", "start": 0, "end": len(C), "sha1": span_sha1(C)}]},
]
OMITTED = {**lab("omission", "not-stated", [("A2", APPROVED_C), ("A1", APPROVED_G)]), "item_id": "o-1"}
OMITTED["spans"].append({"id": "l", "start": 0, "end": len(LG), "sha1": span_sha1(LG)})


def run_score():
    findings = shown_findings(STORY)
    judged = [judge(f, LABELS, SRC) for f in findings]
    return findings, judged, score(findings, judged, LABELS, SRC)


def test_single_source_claims_are_not_corroborated_findings():
    kinds = [f["kind"] for f in shown_findings(STORY)]
    assert kinds.count("corroborated") == 2 and kinds.count("dispute") == 1
    assert kinds.count("altered") == 1 and kinds.count("provenance") == 1 and kinds.count("omission") == 1


def test_omission_is_judged_for_its_article_only():
    f = [x for x in shown_findings(STORY) if x["kind"] == "omission"][0]
    assert judge(f, [OMITTED], SRC)["correct"] is True
    other = {**OMITTED, "spans": OMITTED["spans"][:2] + [{**OMITTED["spans"][2], "id": "g"}]}
    assert judge(f, [other], SRC)["covered"] is False
    stated = {**OMITTED, "final": "facts-differ"}
    assert judge(f, [stated], SRC)["correct"] is False
    res = score([f], [judge(f, [OMITTED], SRC)], [OMITTED], SRC)
    assert res["omission"]["recall"] == 1.0 and res["omission"]["precision"] == 1.0


def test_precision_per_kind():
    _, judged, res = run_score()
    assert res["corroborated"]["covered"] == 2 and res["corroborated"]["correct"] == 1
    assert res["corroborated"]["precision"] == 0.5
    assert res["dispute"]["precision"] == 1.0
    assert res["altered"]["precision"] == 1.0           # the pair order in the label does not matter
    assert res["provenance"]["precision"] == 0.0         # labelled independent


def test_recall_counts_labelled_positives_the_product_shows():
    _, _, res = run_score()
    # contradiction (approved G, rejected L) is shown as a corroborated fact, not as a dispute
    assert res["dispute"]["labelled_positives"] == 2 and res["dispute"]["recall"] == 0.5
    assert res["corroborated"]["recall"] == 1.0


def test_threshold_table_when_findings_carry_confidence():
    _, _, res = run_score()
    rows = {r["threshold"]: r for r in res["corroborated"]["by_confidence"]}
    assert rows[0.4]["precision"] == 0.5 and rows[0.9]["precision"] == 1.0
    assert res["corroborated"]["threshold_for_0.90"] == 0.9
    assert "by_confidence" not in res["dispute"]


def test_span_match_tolerates_small_shifts_not_other_passages():
    s = {"id": "g", "start": 0, "end": 58}
    assert L.span_match(s, ("g", 0, 57), 0.8)           # trailing period dropped
    assert not L.span_match(s, ("g", 0, 20), 0.8)       # a fragment of it
    assert not L.span_match(s, ("c", 0, 58), 0.8)       # another article


def test_unlabelled_findings_are_not_covered():
    f = {"kind": "corroborated", "pairs": [(("A2", 0, 10), ("A3", 0, 10))]}
    assert judge(f, LABELS, SRC) == {"covered": False, "correct": None, "labelled": [], "direction_ok": None}


def test_stale_spans_are_detected_by_hash():
    good, stale = check_spans(LABELS, {"g": G, "c": C.replace("voted", "VOTED"), "l": LG})
    assert len(stale) == 3 and len(good) == 2


def test_provenance_direction():
    item = {**LABELS[-1], "final": "b-reuses-a"}          # A = g (A1), B = c (A2): A2 derives from A1
    f = shown_findings(STORY)[-1]
    assert judge(f, [item], SRC)["direction_ok"] is True
    assert judge(f, [{**item, "final": "a-reuses-b"}], SRC)["direction_ok"] is False


def test_labels_round_trip_and_reject_bad_verdicts(tmp_path):
    L.save_items(str(tmp_path), LABELS)
    assert [it["item_id"] for it in L.load_items(str(tmp_path))] == sorted(it["item_id"] for it in LABELS)
    (tmp_path / "items.jsonl").write_text(json.dumps({**LABELS[0], "final": "maybe"}) + "\n")
    from storyscope.errors import InputError
    with pytest.raises(InputError, match="'maybe' is not one of"):
        L.load_items(str(tmp_path))


def test_merge_verdicts_majority_and_disagreements(tmp_path):
    import merge_verdicts as M
    items = [{"item_id": "s-1", "kind": "sentence"}, {"item_id": "s-2", "kind": "sentence"},
             {"item_id": "s-3", "kind": "sentence"}]
    for name, verdicts in (("ann1", ["same-proposition", "unrelated", "contradiction"]),
                           ("ann2", ["same-proposition", "related-not-same", "bogus"])):
        d = tmp_path / name
        d.mkdir()
        (d / "sentence.jsonl").write_text("".join(json.dumps({"item_id": f"s-{i}", "verdict": v}) + "\n"
                                                  for i, v in enumerate(verdicts, 1)))
    got = M.read_verdicts(tmp_path, {it["item_id"]: it for it in items})
    assert got["s-3"] == {"ann1": "contradiction"}     # the bogus verdict is ignored
    summary = M.merge(items, got)
    assert [it["final"] for it in items] == ["same-proposition", None, None]
    assert summary["disagreements"] == ["s-2"]
    assert M.decide({"a": "x", "b": "y", "c": "x"}) == "x"
    assert M.decide({"a": "x"}, allow_single=True) == "x"


LABELS_DIR = ROOT / "benchmarks" / "labels" / "basil"


@pytest.fixture(scope="module")
def dev_report():
    shared_path = sys.modules["tests.conftest"].shared_path  # tests/conftest.py (importlib import mode)
    data = shared_path("datasets", "basil", "stories.jsonl")
    items = L.load_items(str(LABELS_DIR)) if (LABELS_DIR / "items.jsonl").exists() else []
    if not any(it.get("final") and it.get("split") == "dev" for it in items):
        pytest.skip("no final verdicts in benchmarks/labels/basil yet: run benchmarks/merge_verdicts.py "
                    "once the blind annotators' verdicts are in /work/annot/verdicts")
    from storyscope.evaluate.findings import evaluate_findings
    return evaluate_findings(str(LABELS_DIR), str(data), split="dev")


@pytest.mark.slow
def test_eval_findings_on_dev_labels(dev_report):
    r = dev_report
    json.dumps(r)
    assert r["split"] == "dev" and r["events"] == 20 and r["articles"] == 60
    assert r["extra_events"] >= 1 and r["findings"]["provenance"]["extra"]["covered"] >= 1
    assert not r["stale_items"], "label spans no longer match the product's article text"
    for kind, res in r["findings"].items():
        assert res["covered"] <= res["shown"], kind
        if res["labelled_positives"] is not None:      # framing, timeline: precision only
            assert res["labelled_positives"] >= res["candidate_positives"], kind
    assert r["items_with_final"] >= 400
    # floors: the product's corroborated facts on dev, all shown 0.725 on 120 (session 7; 0.732 on 112 in session 4, 0.68 on 90
    # at f7085f4); at the display threshold 66 / 73 (0.904 at 0.584, session 7, with the shown facts no label had covered now
    # judged; session 4: 70 / 77); session 10 raised the threshold to 0.679 by the fresh labels of ECB+ and FNC-1 (41/54
    # there at 0.584): 55 / 58 at it. Measured only where labels cover them.
    corr = r["findings"]["corroborated"]
    if corr["covered"] >= 20:
        assert corr["precision"] >= 0.7, corr
    from storyscope.dossier.view import display_thresholds
    shown = [row for row in corr.get("by_confidence", []) if row["threshold"] >= display_thresholds()["claim"]]
    if shown and shown[0]["covered"] >= 20:
        assert shown[0]["precision"] >= 0.92 and shown[0]["correct"] >= 52, shown[0]


def test_cli_names_bad_inputs_in_one_line(tmp_path):
    from typer.testing import CliRunner
    from storyscope.cli import app
    data = tmp_path / "stories.jsonl"
    data.write_text(json.dumps({"id": "x1", "story": "e9", "outlet": "Gazette", "text": G}) + "\n")
    r = CliRunner().invoke(app, ["eval", "findings", "--labels", str(tmp_path), "--data", str(data), "--split", "odd"])
    assert r.exit_code == 1 and "--split odd: expected dev, test or all" in r.output
    r = CliRunner().invoke(app, ["eval", "findings", "--labels", str(tmp_path), "--data", str(data)])
    assert r.exit_code == 1 and "items.jsonl: no such file or directory" in r.output
    L.save_items(str(tmp_path), LABELS)                   # labels of event e1, data of event e9 only
    r = CliRunner().invoke(app, ["eval", "findings", "--labels", str(tmp_path), "--data", str(data)])
    assert r.exit_code == 1 and "no labelled events of split 'dev' are in the data file" in r.output


def test_rule_checks_catch_a_dispute_citing_one_passage_on_both_sides():
    from storyscope.evaluate.findings import rule_checks
    bad = {"disputes": [{"id": "d", "sides": [{"evidence": [ev("A1", APPROVED_G)]},
                                              {"evidence": [ev("A1", "council approved the river bridge")]}]}]}
    assert rule_checks(shown_findings(bad))["dispute_sides_share_passage"] == 1
    assert rule_checks(shown_findings(STORY)) == {"dispute_sides_share_passage": 0, "altered_within_one_passage": 0}


def test_kappa_is_zero_at_chance_and_one_when_all_agree():
    import merge_verdicts as M
    agree = [{"verdicts": {"a": v, "b": v}} for v in ("x", "y", "x", "y")]
    assert M.kappa(agree) == {"n": 4, "kappa": 1.0}
    chance = [{"verdicts": {"a": x, "b": y}} for x, y in (("x", "x"), ("x", "y"), ("y", "x"), ("y", "y"))]
    assert M.kappa(chance) == {"n": 4, "kappa": 0.0}


def test_display_threshold_rule():
    """benchmarks/display_thresholds.py: the lowest threshold from which every higher one keeps precision
    >= 0.90, on at least 5 labelled findings; otherwise none (the kind is hidden)."""
    from display_thresholds import derive, threshold
    rows = [{"threshold": 0.2, "covered": 12, "correct": 9, "precision": 0.75},
            {"threshold": 0.5, "covered": 10, "correct": 9, "precision": 0.9},
            {"threshold": 0.6, "covered": 8, "correct": 7, "precision": 0.875},   # a dip: 0.5 does not qualify
            {"threshold": 0.7, "covered": 6, "correct": 6, "precision": 1.0},
            {"threshold": 0.9, "covered": 2, "correct": 2, "precision": 1.0}]
    assert threshold(rows)["threshold"] == 0.7
    assert threshold(rows[:3] + [{"threshold": 0.7, "covered": 4, "correct": 4, "precision": 1.0}]) is None
    report = {"split": "dev", "findings": {"corroborated": {"covered": 12, "correct": 9, "by_confidence": rows},
                                           "dispute": {"covered": 3, "correct": 0, "by_confidence": rows[:1]},
                                           "provenance": {"covered": 0}}}
    new, _ = derive(report, {"claim": 0.1, "dispute": 0.2, "provenance": 0.0, "framing": 0.0})
    assert new == {"claim": 0.7, "dispute": 1.01, "provenance": 0.0, "framing": 0.0}
    with pytest.raises(SystemExit):
        derive({**report, "split": "test"}, {})
