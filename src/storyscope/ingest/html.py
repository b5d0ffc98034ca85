"""HTML pages: trafilatura for the main text and metadata, htmldate for the publication date."""
from __future__ import annotations

import logging

from storyscope import errors
from storyscope.errors import InputError
from storyscope.ingest.text import article_from_text, decode
from storyscope.record import Article, Layer

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def html_to_article(html: str, source: str, *, path: str = "", url: str = "",
                    outlet: str = "", published: str | None = None) -> tuple[Article, Layer]:
    import trafilatura
    from htmldate import find_date

    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        raise InputError(source, errors.NO_TEXT)
    title = (getattr(doc, "title", None) or "").strip()
    sitename = (getattr(doc, "sitename", None) or "").strip()
    author = (getattr(doc, "author", None) or "").strip()
    if not published:
        try:
            published = find_date(html, url=url or None, original_date=True, outputformat="%Y-%m-%d",
                                  extensive_search=False)
        except Exception:  # htmldate raises on odd markup; a missing date is fine
            published = None
    # The headline goes on the first line, as in plain-text articles, so offsets are comparable.
    text = f"{title}\n\n{body.strip()}\n" if title and not body.lstrip().startswith(title) else body.strip() + "\n"
    art, debris = article_from_text(text, source, path=path, url=url, outlet=outlet or sitename,
                                    title=title, published=published,
                                    meta={"format": "html"})
    if author and not art.byline:
        art = Article(**{**art.__dict__, "byline": author})
    return art, debris


def read_html_file(data: bytes, source: str, path: str) -> list[tuple[Article, Layer]]:
    return [html_to_article(decode(data, source), source, path=path)]
