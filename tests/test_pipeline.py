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


def test_a_stage_reruns_when_a_layer_it_reads_was_recomputed(ws):
    """A dependent layer computed from an older input layer is stale: it is recomputed too."""
    arts = _arts(2)
    ws.store.add_articles([(a, []) for a in arts])
    seen = []

    def lengths(k):
        return lambda b: [{"lengths": [Span(0, k, "len")]} for _ in b]

    def double(batch):
        seen.append(len(batch))
        return [{"double": [Span(0, 2 * l["lengths"][0].end, "double")]} for _, l in batch]

    dbl = Stage("double", "double.v1", ("lengths",), ("double",), double)
    list(pipe(ws.store.iter_articles(), ws.store, [Stage("lengths", "lengths.v1", (), ("lengths",), lengths(3)), dbl]))
    list(pipe(ws.store.iter_articles(), ws.store, [Stage("lengths", "lengths.v1", (), ("lengths",), lengths(3)), dbl]))
    assert seen == [2]  # unchanged inputs: cached
    list(pipe(ws.store.iter_articles(), ws.store, [Stage("lengths", "lengths.v2", (), ("lengths",), lengths(5)), dbl]))
    assert seen == [2, 2]
    assert {ws.store.get_layers(a.id)["double"].spans[0].end for a in arts} == {10}
    # a run of the dependent stage alone sees the new input version too, and caches
    list(pipe(ws.store.iter_articles(), ws.store, [dbl]))
    assert seen == [2, 2]


def test_a_stage_reruns_when_an_article_field_it_reads_changes(ws):
    """A stage that reads the publication date (like ``timex``) recomputes when the stored date changes."""
    arts = _arts(1)
    ws.store.add_articles([(a, []) for a in arts])
    calls = []

    def dated(batch):
        calls.append(1)
        return [{"dated": [Span(0, 1, str(a.published))]} for a, _ in batch]
    st = Stage("dated", "dated.v1", (), ("dated",), dated, reads_article=("published",))
    list(pipe(ws.store.iter_articles(), ws.store, [st]))
    list(pipe(ws.store.iter_articles(), ws.store, [st]))
    assert len(calls) == 1
    ws.store.update_published(arts[0].id, "2025-03-14", "inferred")
    list(pipe(ws.store.iter_articles(), ws.store, [st]))
    assert len(calls) == 2 and ws.store.get_layers(arts[0].id)["dated"].spans[0].label == "2025-03-14"
