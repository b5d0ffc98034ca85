"""The dossier contract: schema.json is a valid 2020-12 schema, the fixture meets it, and
validate_dossier catches shape errors, evidence that does not match its article, and dangling ids."""
import copy
import json
from pathlib import Path

import jsonschema
import pytest

from storyscope.dossier.validate import SCHEMA_PATH, iter_evidence, load_schema, validate_dossier
from storyscope.record import check_evidence

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dossier_small.json"
SECTIONS = ("provenance", "quotes", "claims", "disputes", "timeline", "framing", "omissions", "summary")


@pytest.fixture()
def dossier() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_schema_file_is_valid_draft_2020_12():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema"]["const"] == "storyscope.dossier/1"


def test_fixture_is_valid_and_every_section_is_filled(dossier):
    assert validate_dossier(dossier) == []
    jsonschema.validate(dossier, load_schema(), cls=jsonschema.Draft202012Validator)
    assert 3 <= len(dossier["articles"]) <= 4
    story = dossier["stories"][0]
    for key in SECTIONS:
        assert story[key], f"fixture section {key} is empty"
    assert any(a.get("debris") for a in dossier["articles"])
    assert {a["published_source"] for a in dossier["articles"]} == {"explicit", "inferred", "unknown"}
    assert {q["integrity"] for q in story["quotes"]} == {"identical", "minor", "altered"}


def test_fixture_evidence_matches_article_text_independently(dossier):
    texts = {a["id"]: a["text"] for a in dossier["articles"]}
    evs = list(iter_evidence(dossier))
    assert len(evs) > 40
    for where, ev in evs:
        assert check_evidence(ev, texts), where
    # evidence inside framing terms and summary sentences is found too
    wheres = [w for w, _ in evs]
    assert any("/framing/" in w for w in wheres) and any("/summary/" in w for w in wheres)


def test_evidence_text_mismatch_is_reported_with_its_path(dossier):
    dossier["stories"][0]["claims"][1]["evidence"][0]["text"] = "$41 million desalination plant"
    errs = validate_dossier(dossier)
    assert len(errs) == 1
    assert errs[0].startswith("/stories/0/claims/1/evidence/0:")
    assert "$41 million" in errs[0]


def test_evidence_offsets_outside_text_and_unknown_article(dossier):
    ev = dossier["stories"][0]["timeline"][0]["evidence"][0]
    ev["end"] = 10 ** 6
    dossier["stories"][0]["disputes"][0]["sides"][0]["evidence"][0]["article_id"] = "nope"
    errs = validate_dossier(dossier)
    assert any("/timeline/0/evidence/0" in e and "outside" in e for e in errs)
    assert any("/disputes/0/sides/0/evidence/0" in e and "unknown article id 'nope'" in e for e in errs)


def test_framing_term_evidence_is_checked(dossier):
    terms = dossier["stories"][0]["framing"][0]["terms"]
    first = next(iter(terms.values()))[0]["evidence"][0]
    first["start"] += 1
    errs = validate_dossier(dossier)
    assert len(errs) == 1 and "/framing/0/terms/" in errs[0]


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.update(schema="storyscope.dossier/2"), "/schema"),
    (lambda d: d["stories"][0]["quotes"][0].pop("integrity"), "'integrity' is a required property"),
    (lambda d: d["stories"][0]["quotes"][0].update(integrity="changed"), "/stories/0/quotes/0/integrity"),
    (lambda d: d["stories"][0]["timeline"][0].update(date="2024-13"), "/stories/0/timeline/0/date"),
    (lambda d: d["stories"][0]["timeline"][0].update(date="12 March 2024"), "/stories/0/timeline/0/date"),
    (lambda d: d["stories"][0]["claims"][0].update(evidence={"article_id": "x"}), "/stories/0/claims/0/evidence"),
    (lambda d: d["stories"][0]["claims"][0].update(independent_sources="2"),
     "/stories/0/claims/0/independent_sources"),
    (lambda d: d["articles"][0].update(published_source="guessed"), "/articles/0/published_source"),
    (lambda d: d["articles"][0].update(published="March 12"), "/articles/0/published"),
    (lambda d: d["articles"][0].pop("text"), "'text' is a required property"),
    (lambda d: d["stories"][0]["framing"][0]["terms"][next(iter(d["stories"][0]["framing"][0]["terms"]))][0]
     .update(voice="narrator"), "/voice"),
    (lambda d: d["stories"][0]["provenance"][0].update(kind="copied"), "/stories/0/provenance/0/kind"),
    (lambda d: d["stories"][0]["quotes"][1]["diff"][0].update(op="swap"), "/stories/0/quotes/1/diff/0/op"),
    (lambda d: d["stories"][0].pop("omissions"), "'omissions' is a required property"),
])
def test_schema_violations_are_reported(dossier, mutate, fragment):
    mutate(dossier)
    errs = validate_dossier(dossier)
    assert errs, "mutation was not caught"
    assert any(fragment in e for e in errs), errs


def test_dangling_ids_are_reported(dossier):
    story = dossier["stories"][0]
    story["disputes"][0]["sides"][1]["claim_ids"].append("c99")
    story["omissions"][0]["claim_ids"].append("c42")
    story["article_ids"].append("ghost")
    story["provenance"][0]["source_id"] = "ghost-source"
    story["framing"][0]["terms"]["ghost-term"] = []
    story["timeline"][1]["article_ids"].append("ghost-tl")
    errs = validate_dossier(dossier)
    for frag in ("unknown claim id 'c99'", "unknown claim id 'c42'", "/stories/0/article_ids/4",
                 "'ghost-source'", "/framing/0/terms: unknown article id 'ghost-term'", "'ghost-tl'"):
        assert any(frag in e for e in errs), (frag, errs)


def test_duplicate_ids_are_reported(dossier):
    dossier["articles"].append(copy.deepcopy(dossier["articles"][0]))
    dossier["stories"][0]["claims"].append(copy.deepcopy(dossier["stories"][0]["claims"][0]))
    errs = validate_dossier(dossier)
    assert any("duplicate article id" in e for e in errs)
    assert any("/stories/0/claims: duplicate ids ['c1']" in e for e in errs)


def test_optional_forms_are_accepted(dossier):
    story = dossier["stories"][0]
    story["summary"] = "A plain-text summary from a backend that does not cite."
    for k in ("start", "end", "outlets", "summary_method"):
        story.pop(k)
    for q in story["quotes"]:
        for k in ("diff", "article_id", "paraphrase_as_direct"):
            q.pop(k, None)
    story["claims"][0]["attributed_to"] = ["Helena Voss", "council"]
    dossier["articles"][1]["published"] = None
    dossier["articles"][0]["published"] = "2024-03-12T09:30"
    dossier.pop("generated_at")
    dossier["extra_field"] = {"anything": True}
    assert validate_dossier(dossier) == []


def test_schema_describes_exactly_the_typed_findings():
    """Each finding definition in schema.json has the fields of its type in ``storyscope.findings``."""
    from storyscope.findings import SCHEMA_DEFS, schema_def
    defs = load_schema()["$defs"]
    for name, cls in SCHEMA_DEFS.items():
        assert defs[name] == schema_def(cls, defs[name]), name
        assert {"id", "kind", "confidence", "evidence"} <= set(defs[name]["required"])


def test_typed_findings_reject_a_missing_field():
    from storyscope.findings import Dispute
    with pytest.raises(TypeError):
        Dispute.from_raw({"id": "d1", "sides": []})  # no "about", no evidence
    d = Dispute.from_raw({"id": "d1", "about": "the toll", "kind": "number", "score": 0.7, "sides": [], "evidence": []})
    assert d.to_dict()["kind"] == "dispute" and d.basis == "number" and d.confidence == 0.7
