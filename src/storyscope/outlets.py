"""Outlet names a researcher can cite: what an input says about its outlet, mapped through the user's
outlets file (registered once in the store) to one canonical name.

An outlet entry is ``{"pattern", "name", "country", "owner", "wires", "aliases"}``: ``pattern`` is a
domain ("nytimes.com": the host and its subdomains), a host pattern with ``*`` ("*.substack.com") or a
host-and-path pattern ("example.org/valdoria-today/*"); ``aliases`` are other names inputs give the
outlet ("NYT"); ``wires`` the agencies it carries. The outlet of an article is decided at ingest, in
this order (``resolve``): the name the input states (a JSON Lines ``outlet``, the page's site name, the
feed's title, a "By X for Y" byline, an agency credit line) mapped through the entries' names and
aliases, else the entry whose pattern matches the article's URL, else the stated name as written, else
the ``--outlet`` the user gave, else the URL's registrable domain ("www.bbc.co.uk" -> "bbc.co.uk").
When nothing is known the stored outlet stays empty and every display shows ``display_name``:
"unknown outlet (<article id prefix>)", one per article, never a file name.
"""
from __future__ import annotations

import csv
import fnmatch
import io
import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from storyscope import errors
from storyscope.errors import InputError
from storyscope.record import Article

FIELDS = ("pattern", "name", "country", "owner", "wires", "aliases")
UNKNOWN = "unknown outlet"
# How an article's outlet was decided (``Article.meta["outlet_basis"]``; shown as ``outlet_basis``).
BASES = ("outlets file", "stated", "site name", "feed title", "byline", "credit line", "--outlet", "domain", "unknown")


def display_name(a: Article) -> str:
    """What every shell shows as the article's outlet: the stored outlet, else its agency credit, else
    the readable domain of its URL, else "unknown outlet (<first 8 characters of its id>)" (each such
    article its own source; its file stays in ``path``, never shown as an outlet)."""
    return a.outlet or a.credit or readable_domain(a.url) or f"{UNKNOWN} ({a.id[:8]})"


def is_unknown(name: str | None) -> bool:
    """Whether a shown outlet name (``display_name``'s) names no outlet: empty, or "unknown outlet (<id>)"."""
    return not name or name.startswith(UNKNOWN)


def basis(a: Article) -> str:
    """One of ``BASES``: how ``display_name(a)`` was decided."""
    if a.outlet:
        return a.meta.get("outlet_basis") or "stated"
    if a.credit:
        return "credit line"
    return "domain" if readable_domain(a.url) else "unknown"


def readable_domain(url: str) -> str:
    """The registrable domain of a URL's host, by the public suffix list shipped with ``tld``
    ("https://www.bbc.co.uk/news" -> "bbc.co.uk", "foo.blogspot.com" stays whole); the bare host when
    it has none (an IP address, "localhost"); "" without a URL."""
    host = (urlsplit(url).hostname or "") if url and "://" in url else ""
    if not host:
        return ""
    from tld import get_fld
    return get_fld(f"http://{host}", fail_silently=True) or host.removeprefix("www.")


def _key(name: str) -> str:
    """Name comparison key: case, a leading "The", punctuation and spaces ignored."""
    return re.sub(r"[\W_]+", "", re.sub(r"^\s*the\s+", "", name.casefold()))


class Directory:
    """The registered outlet entries, looked up by name/alias and by URL."""

    def __init__(self, entries: list[dict]):
        self.entries = entries
        self._names = {}
        for e in entries:
            for n in [e["name"], *e.get("aliases", [])]:
                self._names.setdefault(_key(n), e)

    def by_name(self, name: str) -> dict | None:
        """The entry whose name or alias is ``name`` (see ``_key``); a name that is itself a domain
        ("nytimes.com") is looked up as a URL."""
        name = name.strip()
        hit = self._names.get(_key(name)) if _key(name) else None
        if hit is None and re.fullmatch(r"[\w-]+(\.[\w-]+)+", name):
            hit = self.by_url(f"http://{name}/")
        return hit

    def by_url(self, url: str) -> dict | None:
        """The entry whose pattern matches the URL; the most specific (longest pattern) wins."""
        parts = urlsplit(url) if url and "://" in url else None
        host = (parts.hostname or "") if parts else ""
        if not host:
            return None
        where = host.removeprefix("www.") + (parts.path or "/")
        hits = [e for e in self.entries if _matches(e["pattern"], host, where)]
        return max(hits, key=lambda e: len(e["pattern"].replace("*", ""))) if hits else None


def _matches(pattern: str, host: str, where: str) -> bool:
    """Whether an entry's pattern covers a URL: ``where`` is its host (no "www.") and path."""
    p = pattern.lower()
    if "/" in p:
        if "*" in p:
            return fnmatch.fnmatchcase(where.lower(), p)
        return where.lower() == p or where.lower().startswith(p.rstrip("/") + "/")
    if "*" in p:
        return fnmatch.fnmatchcase(host, p)
    return host == p or host.endswith("." + p)


def resolve(a: Article, directory: Directory, outlet: str | None = None) -> Article:
    """The article with its outlet decided (module docstring order) and ``meta["outlet_basis"]`` set;
    its id changes with its outlet (``Article.create``). ``outlet`` is the user's ``--outlet``."""
    how = a.meta.get("outlet_basis") or "stated"
    stated = a.outlet.strip() if how != "domain" else ""  # a reader's domain fallback is no stated name
    entry = (directory.by_name(stated) if stated else None) or directory.by_url(a.url)
    cli = " ".join((outlet or "").split())
    if entry and (stated or not cli):
        name, how = entry["name"], "outlets file"
    elif stated:
        name = stated
    elif cli:
        entry = directory.by_name(cli)
        name, how = (entry["name"], "outlets file") if entry else (cli, "--outlet")
    else:
        name = readable_domain(a.url)
        how = "domain" if name else "unknown"
    meta = {**a.meta, "outlet_basis": how}
    if stated and stated != name:
        meta["outlet_stated"] = stated
    if name == a.outlet:
        return replace(a, meta=meta)
    fields = {k: v for k, v in a.to_dict().items() if k not in ("id", "text", "outlet", "meta")}
    return Article.create(a.text, outlet=name, meta=meta, **fields)


# Reading an outlets file ----------------------------------------------------------------------------

def _list(v) -> list[str]:
    if v is None:
        return []
    items = v if isinstance(v, list) else re.split(r"\s*[;|]\s*", str(v))
    return [" ".join(str(x).split()) for x in items if str(x).strip()]


def _entry(row: dict, where: str) -> dict:
    """One checked entry from a file row; InputError naming the row when it lacks a pattern or name."""
    if not isinstance(row, dict):
        raise InputError(where, errors.OUTLET_ROW_NOT_TABLE)
    row = {str(k).strip().lower(): v for k, v in row.items()}
    pattern = str(row.get("pattern") or row.get("domain") or "").strip().lower()
    pattern = re.sub(r"^https?://", "", pattern).removeprefix("www.")
    pattern = pattern.rstrip("/") if pattern.count("/") == 1 else pattern  # "nytimes.com/" is a domain
    name = " ".join(str(row.get("name") or "").split())
    if not pattern or not name:
        raise InputError(where, errors.OUTLET_ROW_INCOMPLETE)
    return {"pattern": pattern, "name": name, "country": " ".join(str(row.get("country") or "").split()),
            "owner": " ".join(str(row.get("owner") or "").split()), "wires": _list(row.get("wires")),
            "aliases": _list(row.get("aliases"))}


def _rows(path: Path, text: str) -> list[tuple[str, object]]:
    """(where, raw row) pairs of a CSV, JSON or TOML outlets file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        return [(f"{path}: line {reader.line_num}", r) for r in reader]
    if suffix == ".json":
        data = json.loads(text)
    elif suffix == ".toml":
        import tomllib
        data = tomllib.loads(text)
    else:
        raise InputError(str(path), errors.OUTLETS_FILE_KIND)
    if isinstance(data, dict):  # {"outlets": [...]}, [[outlet]] tables, or {pattern: name | {...}}
        listed = data.get("outlets", data.get("outlet"))
        if isinstance(listed, list):
            data = listed
        else:
            data = [{"pattern": k, **(v if isinstance(v, dict) else {"name": v})} for k, v in data.items()]
    if not isinstance(data, list):
        raise InputError(str(path), errors.OUTLET_ROW_NOT_TABLE)
    return [(f"{path}: entry {i}", r) for i, r in enumerate(data, 1)]


def read_outlets_file(path: str | Path) -> list[dict]:
    """Entries (``FIELDS``) of a CSV (header row: domain or pattern, name, country, owner, wires,
    aliases; lists separated by ";"), JSON (a list of objects, ``{"outlets": [...]}`` or
    ``{pattern: name}``) or TOML (``[[outlet]]`` tables or ``[pattern]`` tables) file. A pattern given
    twice keeps its last row. Raises InputError (one line per file; the first bad row named)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(str(path), errors.NOT_FOUND if isinstance(e, FileNotFoundError) else str(e)) from None
    try:
        rows = _rows(path, text)
    except (ValueError, csv.Error) as e:  # JSON and TOML decode errors are ValueErrors
        raise InputError(str(path), errors.OUTLETS_FILE_UNREADABLE.format(detail=str(e).splitlines()[0])) from None
    entries = {}
    for where, row in rows:
        e = _entry(row, where)
        entries[e["pattern"]] = e
    if not entries:
        raise InputError(str(path), errors.OUTLETS_FILE_EMPTY)
    return list(entries.values())
