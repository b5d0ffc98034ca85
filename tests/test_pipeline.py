"""The runner: stage order, caching by version, per-article error isolation."""
from __future__ import annotations

from storyscope.pipeline import pipe
from storyscope.record import Article, Span
from storyscope.stages.registry import Stage


def _arts(n):
    return [Article.create(f"Title {i}\n\nBody of article {i}. It has two sentences.", title=f"Title {i}")
            for i in range(n)]


def test_cache_and_isolation(ws):
    arts = _arts(5)
    ws.store.add_articles([(a, []) for a in arts])
    calls = []

    def run(batch):
        calls.append(len(batch))
        out = []
        for art, _ in batch:
            if "article 3" in art.text:
                raise ValueError("boom")
            out.append({"lengths": [Span(0, len(art.text), "len")]})
        return out

    def run2(batch):
        return [{"double": [Span(0, l["lengths"][0].end // 2, "half")]} for _, l in batch]

    st = Stage("lengths", "lengths.v1", (), ("lengths",), run)
    st2 = Stage("double", "double.v1", ("lengths",), ("double",), run2)
    errs = []
    done = list(pipe(ws.store.iter_articles(), ws.store, [st, st2], batch_size=5, on_error=errs.append))
    assert len(done) == 4 and len(errs) == 1 and "lengths.v1" in str(errs[0]) and "boom" in str(errs[0])
    assert all("double" in l for _, l in done)
    calls.clear()
    again = list(pipe(ws.store.iter_articles(), ws.store, [st, st2], batch_size=5, on_error=errs.append))
    assert calls == [1] and len(again) == 4  # only the failed article is retried
    st_v2 = Stage("lengths", "lengths.v2", (), ("lengths",), lambda b: [{"lengths": []} for _ in b])
    list(pipe(ws.store.iter_articles(), ws.store, [st_v2], batch_size=5))
    assert {ws.store.get_layers(a.id)["lengths"].version for a in arts} == {"lengths.v2"}


def test_builtin_sentences_stage(ws, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text('Dam holds after storm\n\nBy NORTHWIRE\nEngineers said the Orlen dam held. "It is safe," '
                 'said Dr. Ines Kallo.\n"We checked it twice."\n')
    ws.ingest([str(p)])
    ws.analyze(stages=["sentences"])
    a = ws.articles()[0]
    sents = ws.layers(a.id)["sentences"]
    texts = [a.text[s.start:s.end] for s in sents]
    assert texts[0] == "Dam holds after storm" and sents[0].attrs["role"] == "headline"
    assert "By NORTHWIRE" not in texts
    assert texts[1:] == ["Engineers said the Orlen dam held.", '"It is safe," said Dr. Ines Kallo.',
                         '"We checked it twice."']
