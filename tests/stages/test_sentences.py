"""The sentences layer: line- and paragraph-aware, furniture left out, abbreviations (case 12)."""
from __future__ import annotations

import pathlib

from storyscope.ingest.text import article_from_text
from storyscope.stages.registry import get_stage
from storyscope.stages.sentences import sentence_spans, split_sentences

CASES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "cases"


def sentences_of_file(path: pathlib.Path) -> list[tuple[str, str]]:
    art, debris = article_from_text(path.read_text(encoding="utf-8"), str(path))
    spans = get_stage("sentences").run([(art, {"debris": list(debris.spans)})])[0]["sentences"]
    return [(s.attrs["role"], art.text[s.start:s.end]) for s in spans]


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, 0, len(text))]


def test_case_12_abbreviations():
    sents = sentences_of_file(CASES / "12-sentence-split-abbreviations" / "kell_island_times.txt")
    body = [t for role, t in sents if role == "body"]
    assert len(body) == 8, body
    assert [role for role, _ in sents].count("headline") == 1
    assert body[2].endswith("Varo Fisheries Inc.") and body[3].startswith("It was sold")
    assert body[4].endswith("7 p.m.") and body[5].startswith("A vigil")
    assert body[6].endswith("Plan B.") and body[7].startswith("Its spokeswoman")
    for kept in ("U.S. Coast Guard", "Gov. Hale Corrin", "No. 2 official", "Dr. Ansel Kroy", "St. Orrin",
                 "6 a.m. on Jan. 3"):
        assert any(kept in t for t in body), kept


def test_abbreviation_kinds_on_other_text():
    assert split("Sen. Ola Brandt met Prof. Ivo Lenz in the U.K. on Feb. 4 at 10 a.m. Talks went on.") == [
        "Sen. Ola Brandt met Prof. Ivo Lenz in the U.K. on Feb. 4 at 10 a.m.", "Talks went on."]
    assert split("The firm is Brandt Ltd. The E.U. Commission agreed. He said no. Then he left.") == [
        "The firm is Brandt Ltd.", "The E.U. Commission agreed.", "He said no.", "Then he left."]
    assert split("Mr. Lenz and Anna K. Brandt spoke. Rule No. 5 applies.") == [
        "Mr. Lenz and Anna K. Brandt spoke.", "Rule No. 5 applies."]
    assert split('"We are done." He left. Really? Yes!') == ['"We are done."', "He left.", "Really?", "Yes!"]


def test_furniture_lines_are_never_in_a_sentence():
    for path in sorted(CASES.glob("*/*.txt")):
        sents = sentences_of_file(path)
        assert sents[0][0] == "headline"
        for role, t in sents:
            assert "\n" not in t
            assert not t.startswith(("Published", "By ", "»")), (path.name, t)


def test_inline_dateline_left_out_of_the_first_sentence():
    text = "Quiet harbour reopens\n\nPORTLINE — The harbour reopened on Monday. Ferries ran again."
    spans = sentence_spans(text, title_span=(0, 21))
    assert [text[s.start:s.end] for s in spans] == ["Quiet harbour reopens", "The harbour reopened on Monday.",
                                                     "Ferries ran again."]
    assert [s.attrs["paragraph"] for s in spans] == [0, 1, 1]
