"""One test per crasher the fuzzer (benchmarks/reliability/fuzz_ingest.py) found, plus property tests
that run every registered reading stage on generated text.

Each crasher used to escape ``read_bytes`` as something other than an InputError, which made
``read_sources`` drop the whole file instead of the one bad record.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from storyscope import errors
from storyscope.errors import InputError
from storyscope.ingest import read_bytes
from storyscope.record import content_id

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "reliability"))
from fuzz_ingest import SEEDS, check_one  # noqa: E402

GOOD = json.dumps({"id": "ok", "outlet": "Northwire", "title": "Orlen ferry",
                   "text": "The Orlen ferry reopened on Monday, officials said."})


def read(data: bytes, kind: str):
    errs: list[InputError] = []
    arts = list(read_bytes(data, "bad-input", path=f"bad.{kind}", kind=kind, on_error=errs.append))
    return arts, errs


def test_lone_surrogate_in_jsonl_is_replaced_not_a_crash():
    # crash-jsonl: UnicodeEncodeError at record.py (content_id) for "\ud800" escapes
    data = b'{"text": "bad \\ud800 surrogate text", "title": "\\udfff", "outlet": "N\\udc00"}\n' + GOOD.encode()
    arts, errs = read(data, "jsonl")
    assert len(arts) == 2 and not errs
    art = arts[0][0]
    assert "\ufffd" in art.text and art.title == "\ufffd"
    art.text.encode("utf-8"), art.outlet.encode("utf-8")  # storable
    assert art.id == content_id(art.text, art.title, art.outlet)


def test_huge_integer_line_is_one_error_and_the_rest_goes_on():
    # crash-jsonl: ValueError (int max str digits) escaped read_jsonl
    data = ('{"text": "x y z", "id": ' + "9" * 5000 + "}\n" + GOOD + "\n").encode()
    arts, errs = read(data, "jsonl")
    assert len(arts) == 1 and len(errs) == 1
    assert str(errs[0]).startswith("bad-input: line 1: invalid JSON") and "\n" not in str(errs[0])


@pytest.mark.parametrize("line", ["[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000])
def test_deeply_nested_jsonl_line_is_one_error(line):
    # crash-jsonl: RecursionError escaped read_jsonl
    arts, errs = read((GOOD + "\n" + line + "\n").encode(), "jsonl")  # a file opening with "[" is one array
    assert len(arts) == 1 and len(errs) == 1 and "nested too deeply" in str(errs[0])


def test_deeply_nested_json_array_file_is_an_input_error():
    with pytest.raises(InputError, match="nested too deeply") as e:
        read(b"[" * 100_000, "jsonl")
    assert str(e.value).startswith("bad-input: ")


def test_utf16_text_with_bom_is_read_not_called_binary():
    text = "Selvane market reopens\n\nThe Selvane market reopened on Friday, traders said.\n"
    for enc in ("utf-16", "utf-16-be"):
        data = text.encode(enc) if enc == "utf-16" else b"\xfe\xff" + text.encode(enc)
        arts, _ = read(data, "text")
        assert arts[0][0].title == "Selvane market reopens"
    with pytest.raises(InputError, match="binary"):
        read(b"\xff\xfe\x00\xd8", "text")  # a lone surrogate in UTF-16: still refused, clearly


@pytest.mark.parametrize("depth", [260, 10_000, 100_000])
def test_deep_html_says_why_no_text(depth):
    doc = "<html><body>" + "<div>" * depth + "<p>The Orlen ferry reopened on Monday after a long winter, officials said.</p>" + "</div>" * depth
    with pytest.raises(InputError) as e:
        read(doc.encode(), "html")
    assert e.value.reason == errors.HTML_TOO_DEEP.format(depth=depth, limit=250)


def test_shallow_html_still_read():
    doc = "<html><body>" + "<div>" * 200 + "<article><p>" + "The Orlen ferry reopened on Monday after a long winter, officials said. " * 4 + "</p></article>" + "</div>" * 200
    arts, _ = read(doc.encode(), "html")
    assert "Orlen ferry" in arts[0][0].text


def test_whole_bad_file_in_a_batch_is_reported_and_the_rest_stored(tmp_path):
    from storyscope.workspace import Workspace
    (tmp_path / "a.jsonl").write_text(GOOD + "\n" + "[" * 5000 + '\n{"text": "u \\ud800 v w"}\n', encoding="utf-8")
    (tmp_path / "b.txt").write_text("Kessel dam inspected\n\nThe Kessel dam was inspected on Tuesday.\n")
    (tmp_path / "c.json").write_bytes(b"[" * 100_000)
    errs: list[str] = []
    with Workspace(str(tmp_path / "s.db")) as ws:
        rep = ws.ingest([str(tmp_path), str(tmp_path / "c.json")], on_error=lambda e: errs.append(str(e)))
        assert len(rep.added) == 3 and ws.store.count_articles() == 3
        again = ws.ingest([str(tmp_path)], on_error=lambda e: None)
        assert not again.added and ws.store.count_articles() == 3  # nothing duplicated on re-run
    assert len(errs) == 2 and all("\n" not in e for e in errs)
    assert any(e.startswith(str(tmp_path / "a.jsonl")) and "line 2" in e for e in errs)
    assert any(e.startswith(str(tmp_path / "c.json")) for e in errs)


def test_every_seed_is_handled():
    bad = {}
    for kind_dir in sorted(SEEDS.iterdir()):
        for f in sorted(kind_dir.iterdir()):
            sig = check_one(f.read_bytes(), kind_dir.name)
            if sig:
                bad[f.name] = sig
    assert not bad


# ------------------------------------------------------------------ every stage, generated text
STAGE_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
pieces = st.lists(st.one_of(
    st.text(max_size=60),
    st.sampled_from(['"We will rebuild," Mayor Petra Lund said.', "“Never,” said Aron Fel of Kessel Council.",
                     "'quoted' and “unbalanced", '"', "”", "On 3 March 2025 the dam closed.", "last Tuesday",
                     "By NORTHWIRE", "Published: MARCH 3, 2025 09:00", "", "\n", "Dr. Mina Oksa (AFP) -"])),
    max_size=20).map(lambda xs: "\n".join(xs))


@pytest.fixture(scope="module")
def stages():
    from storyscope.pipeline import resolve_stages
    return resolve_stages()


@STAGE_SETTINGS
@given(text=pieces)
def test_every_stage_spans_inside_text(stages, text):
    from storyscope.pipeline import pipe
    from storyscope.record import Article
    if not text.strip():
        return
    art = Article.create(text, title=text.strip().split("\n")[0][:80])
    failures: list[str] = []
    got = list(pipe([art], None, stages, on_error=lambda e: failures.append(str(e))))
    assert not failures, failures
    for name, spans in got[0][1].items():
        for s in spans:
            assert 0 <= s.start <= s.end <= len(text), (name, s)
