"""What a page's markup states about the article: publication date, canonical URL, site names.

Structured metadata is the best evidence a page gives (schema.org JSON-LD ``datePublished``, Open
Graph / ``article:published_time``, Dublin Core, ``<time itemprop="datePublished">``); htmldate
(Barbaresi 2020) ranks the same kinds of evidence, then the URL, then visible text. A ``published``
date of structured metadata beats ``dateModified``; a date-time keeps the day written in its own
offset (the outlet's local day), not the UTC day.
"""
from __future__ import annotations

import json
import re
from datetime import date

_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_ARTICLE_TYPES = re.compile(r"article|posting|report|newsarticle|blog|review|story", re.I)
# meta names / properties / itemprops that state the first publication (lower case)
PUBLISHED_META = ("article:published_time", "og:published_time", "og:article:published_time",
                  "datepublished", "article.published", "published_time", "publishdate", "publish-date",
                  "publish_date", "pubdate", "dc.date.issued", "dcterms.issued", "dc.date.created",
                  "dcterms.created", "parsely-pub-date", "sailthru.date", "citation_publication_date",
                  "citation_date", "article_date_original", "original-publish-date", "date.available")
MIN_YEAR = 1995


def iso_day(value: str | None, today: date | None = None) -> str | None:
    """YYYY-MM-DD of an ISO-like date or date-time as written (its own offset's day), or None when
    the value is not one or lies outside 1995..today."""
    if not value:
        return None
    m = _ISO_DAY.match(str(value))
    if not m:
        return None
    try:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return d.isoformat() if MIN_YEAR <= d.year and d <= (today or date.today()) else None


def _json_ld_objects(tree):
    for node in tree.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        try:
            data = json.loads(node.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            x = stack.pop()
            if isinstance(x, list):
                stack.extend(x)
            elif isinstance(x, dict):
                yield x
                stack.extend(v for k, v in x.items() if k in ("@graph", "mainEntity", "mainEntityOfPage"))


def structured_published(tree) -> tuple[str | None, str, str]:
    """(YYYY-MM-DD, evidence, raw value) of the first publication as the markup states it, or
    (None, "", "").

    Evidence order: JSON-LD ``datePublished`` of an article-type object (then of any object), then
    publication meta tags, then ``<time itemprop=datePublished>`` / ``<time pubdate>``."""
    article, other = None, None
    for obj in _json_ld_objects(tree):
        raw = obj.get("datePublished") if isinstance(obj.get("datePublished"), str) else None
        if not iso_day(raw):
            continue
        kind = obj.get("@type")
        kind = " ".join(kind) if isinstance(kind, list) else str(kind or "")
        if _ARTICLE_TYPES.search(kind):
            article = article or raw
        else:
            other = other or raw
    if article or other:
        return iso_day(article or other), "json-ld datePublished", article or other
    for m in tree.xpath("//meta[@content]"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if key in PUBLISHED_META and iso_day(m.get("content")):
            return iso_day(m.get("content")), f"meta {key}", m.get("content")
    for t in tree.xpath('//*[@itemprop="datePublished"][@datetime or @content]|//time[@pubdate][@datetime]'):
        raw = t.get("datetime") or t.get("content")
        if iso_day(raw):
            return iso_day(raw), "itemprop datePublished", raw
    return None, "", ""


_UTC = re.compile(r"(?:Z|[+-]00:?00)\s*$")
_URL_DAY = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$)")


def utc_stamped(raw: str) -> bool:
    """True for a date-time written in UTC ("...T03:28:35Z", "+00:00"): its day may be the next
    day of the outlet's local time."""
    return "T" in raw and bool(_UTC.search(raw))


def url_day(url: str | None) -> str | None:
    """YYYY-MM-DD of a /YYYY/MM/DD/ date in a URL's path, or None."""
    m = _URL_DAY.search(url or "")
    return iso_day(f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}") if m else None


def page_url(tree) -> str:
    """The page's own absolute URL: ``<link rel=canonical>``, else ``og:url``; "" when neither."""
    for v in tree.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href'
                        '|//meta[@property="og:url" or @name="og:url"]/@content'):
        v = v.strip()
        if v.startswith(("http://", "https://")):
            return v
    return ""


def site_names(tree) -> list[str]:
    """Names the page gives its site: ``og:site_name``, ``application-name``, JSON-LD publisher name."""
    names = [v.strip() for v in tree.xpath('//meta[@property="og:site_name" or @name="og:site_name" or '
                                           '@name="application-name" or @name="apple-mobile-web-app-title"]/@content')]
    for obj in _json_ld_objects(tree):
        pub = obj.get("publisher")
        if isinstance(pub, dict) and isinstance(pub.get("name"), str):
            names.append(pub["name"].strip())
    return [n for n in dict.fromkeys(names) if n]
