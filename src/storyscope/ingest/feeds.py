"""RSS/Atom feeds: one article per item, its HTML content reduced to text."""
from __future__ import annotations

import time

from storyscope import errors
from storyscope.errors import InputError
from storyscope.ingest.text import article_from_text
from storyscope.record import Article, Layer

MAX_ITEMS = 5000


def html_fragment_to_text(fragment: str) -> str:
    """Paragraph-preserving text of an HTML fragment (feed content is rarely a full page)."""
    import lxml.html
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:
        return fragment
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for br in root.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    blocks = root.xpath("//p|//li|//h1|//h2|//h3|//h4|//blockquote")
    if blocks:
        parts = [" ".join(b.text_content().split()) for b in blocks]
        return "\n\n".join(p for p in parts if p)
    return "\n\n".join(" ".join(x.split()) for x in root.text_content().split("\n\n") if x.strip())


def read_feed(data: bytes, source: str, path: str = "", on_error=None) -> list[tuple[Article, Layer]]:
    import feedparser
    parsed = feedparser.parse(data)
    if not parsed.entries:
        raise InputError(source, errors.NOT_XML_FEED if parsed.bozo else errors.NO_TEXT)
    outlet = (parsed.feed.get("title") or "").strip()
    out = []
    entries = parsed.entries
    if len(entries) > MAX_ITEMS and on_error:
        on_error(InputError(source, errors.TOO_MANY_ITEMS.format(limit=MAX_ITEMS)))
    for i, e in enumerate(entries[:MAX_ITEMS]):
        item_src = f"{source}#item{i + 1}"
        html = ""
        if e.get("content"):
            html = max((c.get("value", "") for c in e.content), key=len)
        html = html if len(html) >= len(e.get("summary", "") or "") else e.get("summary", "")
        body = html_fragment_to_text(html or "")
        title = " ".join((e.get("title") or "").split())
        if not body.strip():
            if on_error:
                from storyscope.ingest.html import no_text_reason
                on_error(InputError(item_src, no_text_reason(html) if html else errors.NO_TEXT))
            continue
        published = None
        stamp = e.get("published_parsed") or e.get("updated_parsed")
        if stamp:
            published = time.strftime("%Y-%m-%d", stamp)
        text = f"{title}\n\n{body}\n" if title else body + "\n"
        try:
            out.append(article_from_text(text, item_src, path=path, url=e.get("link", ""), outlet=outlet,
                                         title=title, published=published, meta={"format": "feed"}))
        except InputError as err:
            if on_error:
                on_error(err)
    return out
