"""Disputes on the fictional story, the pairwise ``contradicts`` rules, and the seed story's disputes."""
from __future__ import annotations

import importlib.util
import json
import pathlib
import subprocess
import sys

import pytest

from storyscope.compare.claim_align import align_claims, public
from storyscope.compare.claims import extract_claims
from storyscope.compare.disputes import DISPUTES, contradicts, find_disputes
from storyscope.record import check_evidence

HERE = pathlib.Path(__file__).resolve().parent


def _mini():
    spec = importlib.util.spec_from_file_location("_mini_story", HERE / "test_claims.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.mini_bundle()


@pytest.fixture(scope="module")
def story():
    b = _mini()
    sc = align_claims(b, extract_claims(b))
    return b, sc, find_disputes(b, sc)


def _side_texts(side, sc):
    by_id = {c["id"]: c for c in sc}
    return " ".join(e["text"] for e in side["evidence"]) + " ".join(
        e["text"] for i in side["claim_ids"] for e in by_id[i]["evidence"])


def test_denial_and_death_toll_disputes(story):
    b, sc, ds = story
    texts = {a.id: a.text for a in b.articles}
    assert all(check_evidence(e, texts) for d in ds for s in d["sides"] for e in s["evidence"])
    assert len(ds) <= 10
    kinds = {d["kind"] for d in ds}
    assert "denial" in kinds and "value" in kinds
    den = next(d for d in ds if d["kind"] == "denial")
    stances = {s["stance"]: s for s in den["sides"]}
    assert "Reyes" in " ".join(stances["denies"]["actors"]) and "denied" in _side_texts(stances["denies"], sc)
    assert "Morrow" in " ".join(stances["asserts"]["actors"]) and "asked the province" in _side_texts(stances["asserts"], sc)
    # a denial is shown as the denier's denial, never as the denier's assertion
    assert stances["denies"]["statement"].startswith(stances["denies"]["holder"] + " denies that")
    assert "Reyes" in den["about"] and "denies" in den["about"]
    assert all(0 < d["confidence"] <= 1 for d in ds)
    num = next(d for d in ds if d["kind"] == "value")
    sides = [_side_texts(s, sc) for s in num["sides"]]
    assert any("killed 12" in t or "12 people" in t for t in sides) and any("killed 9" in t for t in sides)
    # agreeing reports are not disputes
    assert not any("searched the river banks" in _side_texts(s, sc) for d in ds for s in d["sides"])


@pytest.mark.parametrize("a,b,kind", [
    ("The company hired 300 workers last year.", "The company hired 450 workers last year.", "value"),
    ("The minister said the army asked for bases.", "The army never asked for bases, the spokesman said.", "negation"),
    ("Police said the suspect was arrested in Denver.", "The police spokesman denied that the suspect was arrested in Denver.", "denial"),
    ("The bridge reopened in 2019.", "The bridge reopened in 2021.", "value"),
])
def test_contradicts_finds_conflicts(a, b, kind):
    found, k = contradicts(a, b)
    assert found and (kind is None or k == kind), (found, k)


@pytest.mark.parametrize("a,b", [
    ("The company hired 300 workers last year.", "Last year the firm took on 300 new workers."),
    ("The senator supports the bill.", "The senator said she backs the bill."),
    ("Police said the suspect was arrested in Denver.", "The suspect was arrested in Denver, police said."),
    # not a value conflict: a rounding, a hedged figure, an update of a running count
    ("The tax rate was 35.7 percent.", "The tax rate was 36 percent."),
    ("The storm killed 12 people.", "The storm killed about 13 people."),
    ("The storm killed 12 people.", "The death toll from the storm rose to 15 people."),
    # one holder is not two sides; a report of the same denial is not a dispute with it
    ("Reyes said the city never asked for funds.", "Reyes said the city asked for funds."),
    ("Reyes denied that the city asked for funds.", "Reyes rejected claims that the city asked for funds."),
])
def test_contradicts_leaves_paraphrases(a, b):
    assert contradicts(a, b) == (False, "")


def seed_story(seeds_dir: pathlib.Path):
    """The five seed articles with every available layer, run one article at a time like the pipeline."""
    from storyscope.compare.bundle import StoryBundle
    from storyscope.ingest.text import read_text_file
    from storyscope.stages.registry import all_stages
    pairs = [read_text_file(p.read_bytes(), str(p), str(p))[0] for p in sorted(seeds_dir.glob("0*.txt"))]
    arts = [a for a, _ in pairs]
    layers = {a.id: {layer.name: layer.spans} for a, layer in pairs}
    for st in all_stages():
        for a in arts:
            try:
                layers[a.id].update(st.run([(a, {r: layers[a.id].get(r, []) for r in st.requires})])[0])
            except Exception:
                continue
    b = StoryBundle(arts, layers)
    try:
        from storyscope.compare.provenance import find_provenance
        b.provenance = find_provenance(b)
    except ImportError:  # provenance not built: take the gold edge, keyed by file name
        gold = json.loads((seeds_dir / "expected.json").read_text())["provenance"]["edges"]
        key = {pathlib.Path(a.path).name[:3]: a.id for a in arts}
        b.provenance = [{"article_id": key[e["derived"]], "source_id": key[e["source"]]} for e in gold]
    return b


def run_checker(seeds_dir: pathlib.Path, b, story: dict, sections: list[str], tmp_path) -> str:
    dossier = {"schema": "storyscope.dossier/1",
               "articles": [{"id": a.id, "text": a.text, "path": a.path} for a in b.articles],
               "stories": [{"id": "s1", "article_ids": [a.id for a in b.articles], **story}]}
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(dossier))
    tool = seeds_dir.parent / "tools" / "check_seeds_dossier.py"
    res = subprocess.run([sys.executable, str(tool), str(path), str(seeds_dir / "expected.json"), *sections],
                         capture_output=True, text=True)
    return res.stdout


def test_seed_disputes_and_corroboration(seeds_dir, tmp_path):
    b = seed_story(seeds_dir)
    sc = align_claims(b, extract_claims(b))
    ds = find_disputes(b, sc)
    out = run_checker(seeds_dir, b, {"claims": public(sc), "disputes": ds, "provenance": b.provenance},
                      ["disputes", "corroborated", "independence"], tmp_path)
    assert "disputes 4/4" in out, out
    # confirmed disputes pass a structural test; the earlier rules' proposals stay at the weak confidence
    assert all(0 < d["confidence"] <= 1 for d in ds)
    assert all(d["kind"] in ("denial", "value", "negation") or d["confidence"] == DISPUTES.weak_confidence for d in ds)
    assert any(d["confidence"] > DISPUTES.weak_confidence for d in ds)
    assert "corroborated 3/3" in out, out
    assert "independence 1/1" in out and "guards 1/1" in out and "PASS " in out, out


@pytest.mark.parametrize("a,b", [
    # no denial: a refusal to confirm or deny, a rejected proposal, a modal refutation
    ("The city asked the province for emergency funds.", "Reyes would neither confirm nor deny that the city asked the province for emergency funds."),
    ("The council proposed a relief package for the river district.", "Reyes rejected the council's proposals for a relief package."),
    # a report of someone's claim that a sentence itself contradicts is no assertion of it
    ("Reyes denied that the bridge was closed for repairs.", "The e-mails belied the insistence that the bridge was closed for repairs."),
])
def test_no_confirmed_dispute_without_a_stated_denial(a, b):
    from storyscope.compare.disputes import contradiction_decisions
    _, conf, _ = contradiction_decisions([(a, b)])
    assert conf[0] <= DISPUTES.weak_confidence


def test_value_question_is_symmetric():
    """The value test is asked once per pair, with the longer claim first or second: its word-overlap gate
    reads the shorter side, so a claim that adds a clause still meets the other's differing year."""
    from storyscope.compare.dispute_rules import questions
    from storyscope.compare.disputes import _sentence_claims
    (short,) = _sentence_claims("Lena Morrow has led the Eastport council since 2002.", "a")
    (long_,) = _sentence_claims("Lena Morrow has led the Eastport council since 2003, and that is what her "
                                "rivals in the harbour party call the problem.", "b")
    for x, y in ((short, long_), (long_, short)):
        assert [q[0] for q in questions(x, y, values=True)] == ["value"], (x["text"], y["text"])


def test_a_day_and_its_year_are_one_date():
    """"on Aug. 24, 2009" and "in 2009" (as the timex layer resolves them) state one date at two
    granularities, never two values; another year does."""
    from storyscope.compare.dispute_rules import value_conflict

    def claim(text, date, value, precision):
        return {"sentence": text, "text": text, "numbers": [],
                "dates": [{"value": value, "precision": precision, "text": date}]}
    day = claim("Lena Morrow sent the plans on Aug. 24, 2009.", "Aug. 24, 2009", "2009-08-24", "day")
    year = claim("Lena Morrow sent the plans in 2009.", "2009", "2009", "year")
    other = claim("Lena Morrow sent the plans in 2011.", "2011", "2011", "year")
    assert value_conflict(day, year) is None and value_conflict(year, day) is None
    assert value_conflict(day, other) == "date" and value_conflict(year, other) == "date"


def test_learned_confidence_ranks_values_over_denials_of_other_things():
    """The shipped dispute confidence (``models/disputes/confidence.json``) puts a value conflict about the same
    named things above a denial of a related proposition naming other things, as the BASIL dev labels showed
    (value disputes 3 of 3 right, such denials 0 of 5); every confirmed dispute's confidence is that model's."""
    from storyscope.compare.dispute_confidence import confidence
    from storyscope.compare.disputes import _sentence_claims, decide_pairs
    (va,) = _sentence_claims("Lena Morrow has led the Eastport council since 2002.", "a")
    (vb,) = _sentence_claims("Lena Morrow has led the Eastport council since 2003.", "b")
    (da,) = _sentence_claims("Harbour Freight denied colluding with the Eastport council.", "a")
    (db,) = _sentence_claims("Reports said the council met Harbour Freight agents in June.", "b")
    value, denial = decide_pairs([(va, vb), (da, db)], aligned=[False, False])
    assert value is not None and value.kind == "value"
    assert value.confidence == float(confidence([value.features])[0])
    if denial is not None:  # the structural test may not even ask: then there is nothing to rank
        assert denial.kind == "denial" and denial.confidence < value.confidence
    lo = dict(value.features, value=0.0, denial=1.0, entity_overlap=0.0)
    assert confidence([lo])[0] < value.confidence


def test_legacy_rules_embed_causes_and_undated_sentences_only_when_asked(story):
    """The legacy rules embed ahead only the texts they compare whenever they reach their rule; a cause's text
    is embedded on demand and a sentence without dates is never stripped of them: the same findings on every
    pair of claims as with every text embedded ahead."""
    from storyscope.compare.dispute_legacy import _date_keys, _strip_dates, _texts_of, _Vec, judge
    b, _, _ = story
    claims = extract_claims(b)
    assert all(len(_texts_of(c)) == 2 + len(c["denials"]) + bool(_date_keys(c)) for c in claims)
    every = [t for c in claims for t in _texts_of(c) + [_strip_dates(c)] + [x["text"] for x in c["causes"]]]
    ahead, full = _Vec([t for c in claims for t in _texts_of(c)]), _Vec(every)
    found = lambda vec: [(f.kind, round(f.score, 6)) for a in claims for c in claims if a is not c  # noqa: E731
                         for f in judge(a, c, vec)]
    assert found(ahead) == found(full) and found(full)
