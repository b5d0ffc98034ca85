"""RSS/Atom feeds: one article per item, its HTML content reduced to text."""
from __future__ import annotations

import re
from email.utils import parsedate_tz

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


_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def feed_date(raw: str | None) -> str | None:
    """YYYY-MM-DD of a feed item's date string as written: the outlet's local day (the day in the
    string's own time zone, never converted to UTC); RFC 822 dates, ISO 8601, else dateparser (any
    language: "Seg, 24 Set 2018 19:42:40 -0300"). None when unparsable, or when the parsed day does
    not agree with the digits of the string (a misread such as "2025/3/14" as 1 November)."""
    raw = " ".join((raw or "").split())
    if not raw:
        return None
    day = None
    m = _ISO.match(raw)
    if m:
        day = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    else:
        t = parsedate_tz(raw)
        if t and t[0] > 1900:
            day = f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
        else:
            import dateparser  # local: heavy import
            dt = dateparser.parse(raw, settings={"PREFER_DATES_FROM": "past"})
            day = dt.strftime("%Y-%m-%d") if dt else None
    return day if day and agrees_with(day, raw) else None


def agrees_with(day: str, raw: str) -> bool:
    """True when the year and the day of month of YYYY-MM-DD both appear as numbers in raw."""
    numbers = {int(n) for n in re.findall(r"\d+", raw)}
    year, _, dom = (int(x) for x in day.split("-"))
    return (year in numbers or year % 100 in numbers) and dom in numbers


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
                reason = no_text_reason(html) if html else errors.HEADLINE_ONLY if title else errors.NO_TEXT
                on_error(InputError(item_src, reason))
            continue
        published = feed_date(e.get("published") or e.get("updated") or e.get("created"))
        text = f"{title}\n\n{body}\n" if title else body + "\n"
        try:
            out.append(article_from_text(text, item_src, path=path, url=e.get("link", ""), outlet=outlet,
                                         title=title, published=published, meta={"format": "feed"},
                                         outlet_basis="feed title"))
        except InputError as err:
            if on_error:
                on_error(err)
    return out
