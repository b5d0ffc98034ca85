"""Headlines and bylines as pages state them, cleaned: site names off titles, agencies out of bylines.

Page titles commonly carry the site name ("Headline | The Japan Times", "Tolven Ledger - Headline");
author fields of extractors hold several names, wire credits and non-names ("JORDAN ROBERTSON;
RACHEL METZ; AP", "No Author", "Account You're logged"). The rules are shapes, not lists of sites.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from storyscope.ingest.detect import _MONTHS, agency_of

_TITLE_SEP = re.compile(r"\s+[|\-–—:·•»/]{1,2}\s+|\s*[|·•»]\s*")
_AUTHOR_SEP = re.compile(r"\s*(?:;|\||/|,|\band\b|\bund\b|\bet\b|\by\b|&)\s*", re.I)
_STAFF = re.compile(r"\s+(?:staff|reporters?|wire service|news service|newsroom)$", re.I)
_NOT_A_NAME = re.compile(
    rf"\d|@|https?:|\b(?:no|not|author|authors|account|logged|log|login|sign|admin|administrator|staff|editor|"
    rf"editors|editorial|team|redaktion|autor|autorin|profil|profile|said|stand|foto|photo|bild|image|фото|"
    rf"unknown|anonymous|guest|user|you|your|you're|newsroom|desk|"
    rf"{_MONTHS})\b", re.I)


def _key(s: str) -> str:
    s = re.sub(r"^(?:the|www)\b\.?\s*", "", s.strip().lower())
    return re.sub(r"[\W_]+", "", s)


def domain_name(url: str) -> str:
    """The registrable label of a URL's host ("www.japantimes.co.jp" -> "japantimes"), or ""."""
    host = (urlsplit(url).hostname or "") if url else ""
    parts = [p for p in host.split(".") if p and p != "www"]
    if len(parts) >= 3 and len(parts[-2]) <= 3:  # co.uk, com.au, or.jp
        parts = parts[:-1]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")


def _is_site(segment: str, names: list[str], domain: str) -> bool:
    """True when a title segment or a byline names the site: a given site name, or the domain's
    label (with at most a short suffix such as a TLD: "rp.pl" for rp.pl)."""
    k, d = _key(segment), domain.lower()
    if not k:
        return False
    if d and (k == d or (k.startswith(d) and len(k) - len(d) <= 3)):
        return True
    return any(k == _key(n) for n in names if n)


def clean_title(title: str, site_names: list[str], url: str = "") -> str:
    """The headline without a leading or trailing site name; the title unchanged when no segment
    matches a given site name (og:site_name, outlet) or the URL's domain."""
    title = " ".join((title or "").split())
    domain = domain_name(url)
    for _ in range(2):  # "Headline | Section | Site" loses only the site
        seps = list(_TITLE_SEP.finditer(title))
        if not seps:
            break
        first, last = seps[0], seps[-1]
        if _is_site(title[last.end():], site_names, domain) and last.start() > 0:
            title = title[:last.start()].strip()
        elif _is_site(title[:first.start()], site_names, domain) and first.end() < len(title):
            title = title[first.end():].strip()
        else:
            break
    return title


def split_author_field(author: str, site_names: list[str] = (), url: str = "") -> tuple[str, str]:
    """(byline, credit) of an author field: people's names joined by ", "; agencies (AP, AFP,
    Reuters, CNN Wire, ...) as the credit; the outlet's own name and non-names dropped."""
    names, credit = [], ""
    domain = domain_name(url)
    for part in _AUTHOR_SEP.split(" ".join((author or "").split())):
        part = part.strip(" .-–—()[]:")
        if not part:
            continue
        if part.lower().startswith("by "):
            part = part[3:].strip()
        ag = agency_of(part) or agency_of(_STAFF.sub("", part))
        if ag:
            credit = credit or ag
            continue
        words = part.split()
        if (not 2 <= len(words) <= 5 or len({w.lower() for w in words}) < len(words) or _NOT_A_NAME.search(part) or _is_site(part, list(site_names), domain)
                or any(_key(n) and _key(n) in _key(part) for n in site_names)):
            continue
        if part.isupper():
            part = part.title()
        if part not in names:
            names.append(part)
    return ", ".join(names), credit
