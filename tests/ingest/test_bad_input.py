"""Bad input: one clear line naming the input and the reason; the batch goes on; nothing lost."""
from __future__ import annotations

import pathlib

import pytest

from storyscope.ingest import read_sources

FIX = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "articles"
GOOD = FIX / "010_harbour_wire.txt"


def _run(ws, paths):
    errs = []
    rep = ws.ingest([str(p) for p in paths], on_error=errs.append)
    return rep, [str(e) for e in errs]


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"   \n\n ", "empty file"),
    ("bin.txt", bytes(range(256)) * 20, "binary"),
    ("notfeed.xml", b"this is not xml at all <<<", "not an RSS/Atom feed"),
    ("trunc.html", b"<html><body><div><p", "no article text"),
    ("bad.jsonl", b"{\"text\": 1}\n", "record has no text"),
])
def test_bad_file_reported_and_batch_goes_on(ws, tmp_path, name, data, reason):
    bad = tmp_path / name
    bad.write_bytes(data)
    rep, errs = _run(ws, [bad, GOOD])
    assert len(rep.added) == 1, errs
    assert len(errs) == 1 and str(bad) in errs[0] and reason in errs[0]
    assert "\n" not in errs[0]


@pytest.mark.parametrize("enc", ["latin-1", "cp1252", "utf-8-sig"])
def test_encodings(ws, tmp_path, enc):
    text = "Café owner “Renée” says prices rose — again\n\nThe café in Orlen raised prices on Monday, said Renée Dubois.\n"
    if enc == "latin-1":
        text = text.replace("“", '"').replace("”", '"').replace("—", "-")
    p = tmp_path / "enc.txt"
    p.write_bytes(text.encode(enc))
    rep, errs = _run(ws, [p])
    assert not errs and len(rep.added) == 1
    art = ws.article(rep.added[0])
    assert "Renée" in art.text and not art.text.startswith("\ufeff")


def test_truncated_html_with_some_text(ws, tmp_path):
    p = tmp_path / "cut.html"
    p.write_text("<html><head><title>Dam report</title></head><body><article><h1>Dam report</h1>"
                 "<p>The Orlen dam inspectors found three cracks in the northern wall on Monday, the regional water "
                 "board said in a statement that was published late in the evening.</p><p>Repairs will")
    rep, errs = _run(ws, [p])
    assert len(rep.added) == 1 and not errs


def test_oversized_file(ws, tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.write(b"Headline\n\n")
        fh.write(b"word " * (10 * 1024 * 1024))  # 50 MB
    rep, errs = _run(ws, [p, GOOD])
    assert len(rep.added) == 1 and len(errs) == 1 and "limit" in errs[0] and str(p) in errs[0]


def test_missing_path(ws, tmp_path):
    rep, errs = _run(ws, [tmp_path / "nope.txt", GOOD])
    assert len(rep.added) == 1 and "no such file" in errs[0]


def test_idempotent_and_distinct(ws, tmp_path):
    rep1, _ = _run(ws, [FIX])
    rep2, _ = _run(ws, [FIX])
    assert len(rep1.added) == 2 and not rep2.added and len(rep2.existing) == 2
    assert ws.store.count_articles() == 2
    # a one-word change is a different article
    changed = tmp_path / "changed.txt"
    changed.write_text(GOOD.read_text().replace("single coin", "single penny"))
    rep3, _ = _run(ws, [changed])
    assert len(rep3.added) == 1 and ws.store.count_articles() == 3


def test_failure_midway_keeps_stored_articles(ws, tmp_path):
    _run(ws, [GOOD])
    before = ws.store.count_articles()
    bad = tmp_path / "bin.txt"
    bad.write_bytes(b"\x00\x01" * 100)
    _run(ws, [bad])
    assert ws.store.count_articles() == before
