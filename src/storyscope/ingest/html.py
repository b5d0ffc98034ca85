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


# Extraction passes, most precise first (trafilatura's own fallbacks, readability and jusText, run in
# each). The precise pass delimits the article (see _filled_in) unless it is short (MIN_TEXT_CHARS) or
# keeps less than MIN_PRECISION_SHARE of what the default pass finds (it dropped the article itself).
PASSES = (("precision", {"favor_precision": True}), ("default", {}), ("recall", {"favor_recall": True}))
MIN_TEXT_CHARS = 250
MIN_PRECISION_SHARE = 0.2


def _run_pass(html: str, url: str | None, opts: dict):
    import trafilatura
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True, **opts)
    except Exception:  # a library failure on odd markup is one pass failing, not the page
        return None, ""
    return doc, ((getattr(doc, "text", None) or "").strip() if doc is not None else "")


def _filled_in(precise, default):
    """(Document, pass name): the default pass's text up to the last line the precise pass kept.

    The precise pass finds where the article ends (it trims comments, related links and footers),
    but it also drops headings, list items, tables and a lead inside the article; the default
    pass's lines up to that end restore them, in order. The precise text alone when the two passes
    share under half its lines (they disagree on where the article is)."""
    doc, text = precise
    kept = {x.strip() for x in text.split("\n") if x.strip()}
    lines = default[1].split("\n")
    at = [i for i, x in enumerate(lines) if x.strip() in kept]
    if len(at) < max(2, len(kept) / 2):
        return doc, "precision"
    filled = "\n".join(lines[:at[-1] + 1]).strip()
    if len(filled) <= len(text):
        return doc, "precision"
    doc.text = filled
    return doc, "precision+default"


def extract_text(html: str, url: str | None):
    """(trafilatura Document, pass name): the precise pass filled in by the default one (``_filled_in``),
    unless short or far shorter than the default pass; then the first pass reaching MIN_TEXT_CHARS, else the longest non-empty one;
    (None, "") when no pass finds text."""
    got = {}
    for name, opts in PASSES:
        got[name] = _run_pass(html, url, opts)
        if name == "default":
            precise, default = len(got["precision"][1]), len(got["default"][1])
            if precise >= MIN_TEXT_CHARS and precise >= MIN_PRECISION_SHARE * default:
                return _filled_in(got["precision"], got["default"])
            if default >= MIN_TEXT_CHARS:
                return got["default"][0], "default"
    name = max(got, key=lambda n: len(got[n][1]))
    return (got[name][0], name) if got[name][1] else (None, "")


def publication_date(html: str, tree, url: str | None, library_date: str | None) -> tuple[str | None, str, str]:
    """(YYYY-MM-DD, published_source, evidence) of a page's first publication; ``library_date``
    is the date trafilatura computed for the page.

    htmldate (original_date, extensive search, the URL only after header and JSON-LD metadata), else
    trafilatura's own date. A UTC date-time one day after the URL's date gives way to the URL's
    day (the outlet's local day). "explicit" when the page's structured metadata states that day,
    or, with no such metadata, when trafilatura does not disagree and htmldate's fast search (URL,
    header, date elements) finds it too;
    "inferred" when the evidence disagrees or only free text gave it."""
    from datetime import date
    from htmldate import find_date
    from storyscope.ingest.pagemeta import iso_day, structured_published, url_day, utc_stamped

    def htmldate(extensive: bool) -> str | None:
        try:
            return iso_day(find_date(html, url=url, original_date=True, extensive_search=extensive,
                                     deferred_url_extractor=True))
        except Exception:  # htmldate raises on odd markup; a missing date is fine
            return None
    day = htmldate(True) or iso_day(library_date)
    if not day:
        return None, "unknown", ""
    stated, evidence, raw = structured_published(tree) if tree is not None else (None, "", "")
    in_url = url_day(url)
    if stated == day and in_url and utc_stamped(raw) and (date.fromisoformat(day) - date.fromisoformat(in_url)).days == 1:
        return in_url, "explicit", "url (local day of a UTC time stamp)"
    if stated:
        return day, ("explicit" if stated == day else "inferred"), evidence
    if iso_day(library_date) not in (None, day):  # trafilatura read the page's evidence otherwise
        return day, "inferred", "htmldate (trafilatura disagrees)"
    return day, ("explicit" if htmldate(False) == day else "inferred"), "htmldate"


MIN_DESCRIPTION_CHARS = 100


def _described(tree):
    """(metadata Document, description) when the page states a description of at least
    MIN_DESCRIPTION_CHARS (og:description or meta description), else (None, "")."""
    if tree is None:
        return None, ""
    from trafilatura.metadata import extract_metadata
    try:
        doc = extract_metadata(tree)
    except Exception:
        return None, ""
    desc = " ".join((getattr(doc, "description", None) or "").split())
    return (doc, desc) if len(desc) >= MIN_DESCRIPTION_CHARS else (None, "")


def html_to_article(html: str | bytes, source: str, *, path: str = "", url: str = "", outlet: str = "",
                    published: str | None = None, http_charset: str | None = None) -> tuple[Article, Layer]:
    """(Article, debris Layer) of one HTML page (bytes are decoded by ``text.decode``, markup aware).

    Text: trafilatura, most precise pass first (``meta["extraction"]`` names the pass); title without
    the site name; byline and wire credit from the author field; URL: the given one, else the page's
    canonical link or og:url; date: ``publication_date``. Raises InputError when no pass finds text."""
    from trafilatura.utils import load_html
    from storyscope.ingest.credits import clean_title, split_author_field
    from storyscope.ingest.pagemeta import page_url, site_names

    if isinstance(html, bytes):
        html = decode(html, source, markup=True, http_charset=http_charset)
    doc, pass_name = extract_text(html, url or None)
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    try:
        tree = load_html(html)
    except Exception:
        tree = None
    if not body:  # a page whose text is not in its markup (rendered by scripts) may still summarise it
        doc, body = _described(tree)
        pass_name = "description"
    if not body:
        raise InputError(source, no_text_reason(html))  # say why, rather than a bare "no text"
    url = url or (page_url(tree) if tree is not None else "") or (getattr(doc, "url", None) or "")
    given = site_names(tree) if tree is not None else []
    sitename = (getattr(doc, "sitename", None) or "").strip()
    if re.fullmatch(r"[\w.-]+\.[a-z]{2,}", sitename, re.I):  # trafilatura's fallback is the host: a domain, not a name
        sitename = ""
    sitename = sitename or (given[0] if given else "")
    names = given + [n for n in (sitename, outlet) if n]
    title = clean_title(getattr(doc, "title", None) or "", names, url)
    byline, credit = split_author_field(getattr(doc, "author", None) or "", names, url)
    meta = {"format": "html", "extraction": pass_name}
    source_kind = "explicit"
    if not published:
        published, source_kind, evidence = publication_date(html, tree, url or None, getattr(doc, "date", None))
        if evidence:
            meta["published_evidence"] = evidence
    # The headline goes on the first line, as in plain-text articles, so offsets are comparable.
    text = f"{title}\n\n{body}\n" if title and not body.startswith(title) else body + "\n"
    art, debris = article_from_text(text, source, path=path, url=url, outlet=outlet or sitename,
                                    title=title, published=published, meta=meta,
                                    outlet_basis="stated" if outlet else "site name")
    fields = {}
    if byline and not art.byline:
        fields["byline"] = byline
    if credit and not art.credit:
        fields["credit"] = credit
    if published and art.published == published and art.published_source != source_kind:
        fields["published_source"] = source_kind
    if fields:
        art = Article(**{**art.__dict__, **fields})
    return art, debris


def read_html_file(data: bytes, source: str, path: str) -> list[tuple[Article, Layer]]:
    return [html_to_article(data, source, path=path)]
