"""Articles: the article page (text with its layers highlighted), the article API, CSV and search."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from storyscope.web.context import WebContext, ctx, safe_href
from storyscope.web.search import article_hits

router = APIRouter()


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(article_id: str, c: WebContext = Depends(ctx)):
    from storyscope.web.highlight import highlight_layers
    a = c.article(article_id)
    layers = c.ws.layers(a.id)
    c.stories()  # an article ingested but not grouped gets its story now
    row = c.ws.article_records([a])[0]
    story = c.ws.story(row["story_id"]) if row["story_id"] else None
    return c.page("article.html", a={**row, "url": safe_href(row["url"] or "")}, story=story,
                  segments=highlight_layers(a.text, layers), counts={n: len(s) for n, s in layers.items()})


@router.get("/api/articles")
def api_articles(limit: int = Query(100, le=1000), offset: int = 0, c: WebContext = Depends(ctx)):
    """Article records (``id, title, outlet, credit, byline, published, published_source, url, path,
    story_id``), in store order."""
    c.stories()
    return c.ws.article_records(c.ws.articles()[offset:offset + limit])


@router.get("/api/articles.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def api_articles_csv(c: WebContext = Depends(ctx)):
    """Every article record as CSV."""
    from storyscope.dossier.render_csv import render_articles_csv
    c.stories()
    return Response(render_articles_csv(c.ws.article_records(c.ws.articles()), extra=("story_id",)),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="articles.csv"'})


@router.get("/api/articles/{article_id}")
def api_article(article_id: str, c: WebContext = Depends(ctx)):
    """One article record with its text and every layer's spans."""
    a = c.article(article_id)
    c.stories()
    return {**c.ws.article_records([a])[0], "text": a.text,
            "layers": {n: [s.to_dict() for s in sp] for n, sp in c.ws.layers(a.id).items()}}


@router.get("/api/search")
def api_search(q: str = Query(..., min_length=1), limit: int = Query(20, le=200), c: WebContext = Depends(ctx)):
    """Matching articles, best first: ``id, title, outlet, snippet`` (matched words in [brackets]),
    ``story_id``, ``story_title``."""
    return [{k: v for k, v in h.items() if k != "segments"} for h in article_hits(c, q, limit)]
