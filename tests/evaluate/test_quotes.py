"""`eval quotes`: brat parsing and span matching on a fictional file, and a PolNeAR dev floor."""
from __future__ import annotations

import json
import pathlib

import pytest

from storyscope.evaluate.quotes import _match, evaluate_quotes, read_ann, system_spans
from storyscope.record import Span

SHARED = pathlib.Path(__file__).resolve().parents[2].parent / "shared"

REPAIRS = '"Repairs are done."'
TEXT = '"The dam is safe," Minister Karl Vent said. "Repairs are done."\nThe rebels denied that they attacked it.\n'


def _write_split(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc-one.txt").write_text(TEXT, encoding="utf-8")
    s = TEXT.index("Minister")
    c = TEXT.index("said")
    c2 = TEXT.index('"Repairs')
    r = TEXT.index("The rebels")
    d = TEXT.index("denied")
    t = TEXT.index("that they")
    ann = "\n".join([
        f"T1\tSource {s} {s + len('Minister Karl Vent')}\tMinister Karl Vent",
        f"T2\tCue {c} {c + 4}\tsaid",
        f"T3\tContent 0 18;{c2} {c2 + len(REPAIRS)}\t{TEXT[:18]} {REPAIRS}",
        f"T4\tAttribution {c} {c + 4}\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tSource {r} {r + 10}\tThe rebels",
        f"T6\tCue {d} {d + 6}\tdenied",
        f"T7\tContent {t} {t + len('that they attacked it')}\tthat they attacked it",
        "#1\tAnnotatorNotes T7\ta note",
    ])
    (tmp_path / "attributions" / "doc-one_ab12.ann").write_text(ann + "\n", encoding="utf-8")
    # a second annotator of the same text is ignored (first file in sorted order is gold)
    (tmp_path / "attributions" / "doc-one_zz99.ann").write_text("", encoding="utf-8")
    return tmp_path


def test_read_ann_keeps_discontinuous_spans(tmp_path):
    gold = read_ann(_write_split(tmp_path) / "attributions" / "doc-one_ab12.ann")
    assert len(gold["source"]) == 2 and len(gold["cue"]) == 2
    assert any(len(span) == 2 for span in gold["content"])


def test_matching_is_one_to_one():
    gold = {((0, 10),)}
    assert _match(gold, {((0, 10),), ((2, 5),)}, exact=True) == 1
    assert _match(gold, {((2, 5),), ((3, 9),)}, exact=False) == 1
    assert _match(gold, {((20, 30),)}, exact=False) == 0


def test_system_spans_follow_polnear_conventions():
    text = 'Vent said: "Go now." Later, the chair, Ann Roe, said so.'
    q = Span(text.index("Go"), text.index("now.") + 4, "direct",
             {"cue": [5, 9], "speaker": [0, 4], "speaker_text": "Vent", "speaker_actor": None, "speaker_canonical": None})
    out = system_spans(text, [q])
    assert out["cue"] == {((5, 10),)}                   # 'said:' keeps its colon
    assert text[slice(*next(iter(out["content"]))[0])] == '"Go now."'  # content keeps its marks


def test_system_spans_widen_sources_and_split_content_around_the_cue():
    from storyscope.stages.nlp import parse
    from storyscope.stages.quotes import extract_quotes
    text = "Senator Paolo Reyes (D-Lomar) said that the dam was safe. The bridge, he said, will open soon."
    out = system_spans(text, extract_quotes(text), parse(text))
    srcs = {text[s[0][0]:s[0][1]] for s in out["source"]}
    assert "Senator Paolo Reyes (D-Lomar)" in srcs and "he" in srcs
    contents = {tuple(text[a:b] for a, b in segs) for segs in out["content"]}
    assert ("that the dam was safe",) in contents
    assert ("The bridge", "will open soon") in contents


def test_evaluate_on_a_fictional_split(tmp_path):
    res = evaluate_quotes(str(_write_split(tmp_path)))
    json.dumps(res)
    assert res["documents"] == 1
    assert res["cue"]["exact"]["r"] == 1.0 and res["cue"]["exact"]["p"] == 1.0  # fractions, like every eval
    assert res["content"]["exact"]["r"] == 1.0
    assert res["source"]["exact"]["f1"] == 1.0


def test_polnear_dev_floor():
    dev = SHARED / "datasets" / "polnear" / "dev"
    if not dev.exists():
        pytest.skip(f"../shared not found: {dev} is needed for this test")
    res = evaluate_quotes(str(dev), limit=30)
    # measured on these 30 documents (quotes.v10): exact .732/.701/.533, overlap .762/.768/.788, with 19 gold cues in
    # headlines, which the product no longer reads (quotes.v7: exact .738/.702/.520, overlap .767/.774/.777; quotes.v6,
    # rules + the trained span tagger: exact .710/.681/.513, overlap .745/.754/.777; quotes.v5, rules only:
    # exact .683/.647/.499, overlap .719/.722/.753); eval quotes prints fractions
    assert res["source"]["exact"]["f1"] >= .73 and res["source"]["overlap"]["f1"] >= .76
    assert res["cue"]["exact"]["f1"] >= .69 and res["cue"]["overlap"]["f1"] >= .765
    assert res["content"]["exact"]["f1"] >= .53 and res["content"]["overlap"]["f1"] >= .785


def test_basil_speakers_floor():
    basil = SHARED / "datasets" / "basil"
    if not basil.exists():
        pytest.skip(f"../shared not found: {basil} is needed for this test")
    from storyscope.evaluate.quotes import evaluate_basil_speakers
    res = evaluate_basil_speakers(str(basil), limit=60)
    # measured on these 60 articles (actors.v3, salience pronouns and speaker fills): 28 quotes by named
    # persons, found 0.821, speaker right 0.786 (quotes.v3: 0.821 / 0.607), no pronoun, relative-pronoun,
    # quantifier, date or line-label speaker among 1,343 quotes
    assert res["named_person_quotes"] >= 25
    assert res["bad_speakers_total"] == 0, res["bad_speakers"]
    assert res["found"] >= 0.80 and res["speaker_right"] >= 0.75


def test_system_spans_leave_out_according_comma_and_a_names_participle_clause():
    from storyscope.stages.nlp import parse
    from storyscope.stages.quotes import extract_quotes
    text = ("Ferry fares rose by a third, according to the Harbor Board. "
            "Mayor Ines Varga, speaking to reporters, said that the fares would fall.")
    out = system_spans(text, extract_quotes(text), parse(text))
    contents = {tuple(text[a:b] for a, b in segs) for segs in out["content"]}
    assert ("Ferry fares rose by a third",) in contents
    assert "Mayor Ines Varga" in {text[s[0][0]:s[0][1]] for s in out["source"]}


def test_system_spans_keep_the_opening_mark_of_a_clause_that_opens_with_quoted_words():
    from storyscope.stages.nlp import parse
    from storyscope.stages.quotes import extract_quotes
    text = "Mayor Ines Varga said \u201ctwo hundred late sailings\u201d had angered the town this spring."
    out = system_spans(text, extract_quotes(text), parse(text))
    contents = {tuple(text[a:b] for a, b in segs) for segs in out["content"]}
    assert ("\u201ctwo hundred late sailings\u201d had angered the town this spring",) in contents, contents


def test_system_spans_keep_a_mixed_quotes_quoted_words_inside_its_content():
    # the product also gives the quoted words of a mixed quote as a direct quote of the same cue; PolNeAR's content
    # is the reported clause alone (dev content exact F1 53.2 -> 54.1, train 0-150 53.7 -> 55.2)
    from storyscope.stages.nlp import parse
    from storyscope.stages.quotes import extract_quotes
    text = "The ferry plan was \u201ca disgrace to the town and to every family in it,\u201d Mayor Ines Varga said."
    qs = extract_quotes(text)
    assert {q.label for q in qs} == {"mixed", "direct"}
    contents = {tuple(text[a:b] for a, b in segs) for segs in system_spans(text, qs, parse(text))["content"]}
    assert contents == {("The ferry plan was \u201ca disgrace to the town and to every family in it,\u201d",)}, contents
    # a direct quote after the cue, in the same paragraph, continues the mixed quote's content (one attribution)
    text += " \u201cWe will fight it in every court of the land.\u201d"
    contents = {tuple(text[a:b] for a, b in segs) for segs in system_spans(text, extract_quotes(text), parse(text))["content"]}
    assert contents == {("The ferry plan was \u201ca disgrace to the town and to every family in it,\u201d",
                         "\u201cWe will fight it in every court of the land.\u201d")}, contents
