"""HTML pages: trafilatura for the main text and metadata, htmldate for the publication date."""
from __future__ import annotations

import logging
import re

from storyscope import errors
from storyscope.errors import InputError
from storyscope.ingest.text import article_from_text, decode
from storyscope.record import Article, Layer

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

MAX_TEXT_RUN = 10_000_000  # libxml2 drops a text node longer than this (XML_MAX_TEXT_LENGTH)
MAX_HTML_DEPTH = 250  # libxml2's HTML parser drops everything below about 255 levels
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*?(/?)>")  # [^<>]: linear even without any '>'
_NO_NESTING = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
               "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
               "tfoot", "colgroup", "caption", "rt", "rp", "html", "head", "body"}


def no_text_reason(html: str) -> str:
    """Why the parser found no text: a parser limit when one was hit, else plain NO_TEXT (linear time)."""
    depth = nesting_depth(html)
    if depth > MAX_HTML_DEPTH:
        return errors.HTML_TOO_DEEP.format(depth=depth, limit=MAX_HTML_DEPTH)
    if len(html) > MAX_TEXT_RUN and max(map(len, html.split("<"))) > MAX_TEXT_RUN:
        return errors.TEXT_RUN_TOO_LARGE.format(limit=MAX_TEXT_RUN)
    return errors.NO_TEXT


def nesting_depth(html: str) -> int:
    """Approximate element depth from tags alone (void and optional-end tags ignored), in linear time."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        if m.group(3) or m.group(2).lower() in _NO_NESTING:
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def html_to_article(html: str, source: str, *, path: str = "", url: str = "",
                    outlet: str = "", published: str | None = None) -> tuple[Article, Layer]:
    import trafilatura
    from htmldate import find_date

    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        raise InputError(source, no_text_reason(html))  # say why, rather than a bare "no text"
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
