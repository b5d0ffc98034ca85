"""Ingestion: turn files, directories, globs, feeds and URLs into Articles, streaming.

``read_sources`` yields ``(Article, debris Layer)`` pairs and reports every bad input through
``on_error`` as one InputError naming the input and the reason; the batch goes on.
"""
from __future__ import annotations

import glob
import os
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

from storyscope import errors
from storyscope.errors import InputError
from storyscope.record import Article, Layer

MAX_FILE_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
DOCUMENT_SUFFIXES = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".odt": "OpenDocument", ".rtf": "RTF"}
# Files a directory walk passes over silently: documentation and answer keys, not articles.
SKIP_NAMES = {"readme", "license", "licence", "changelog", "expected", "gold", "provenance"}

OnError = Callable[[InputError], None]


def _raise(err: InputError) -> None:
    raise err


def expand(paths: Iterable[str], on_error: OnError = _raise) -> Iterator[str]:
    """Files and URLs named by paths, directories (recursively, sorted) and globs.

    In a directory walk or a glob, a file that is not an article file is reported to on_error in
    one line naming it and why (documentation and answer keys, ``SKIP_NAMES``, and hidden files
    are passed over silently, and so are SQLite databases and their journals: a store kept beside its
    inputs); a file named directly is always read. A file reached twice (named and inside a named
    folder) is yielded once."""
    seen: set[str] = set()
    for p in _expand(paths, on_error):
        key = p if p.startswith(("http://", "https://")) else os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            yield p


def _expand(paths: Iterable[str], on_error: OnError) -> Iterator[str]:
    for p in paths:
        if p.startswith(("http://", "https://")):
            yield p
        elif os.path.isdir(p):
            found = seen_any = False
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                seen_any = seen_any or bool(files)
                for f in sorted(files):
                    for full in _walked(os.path.join(root, f), on_error):
                        found = True
                        yield full
            if not found:  # never a silent nothing: say why the folder gave no article
                on_error(InputError(p, errors.NOTHING_READABLE if seen_any else errors.EMPTY_FOLDER))
        elif os.path.isfile(p):
            yield p
        elif any(c in p for c in "*?["):
            hits = sorted(glob.glob(p, recursive=True))
            if not hits:
                on_error(InputError(p, errors.NO_MATCHING_FILES))
            for h in hits:
                yield from _expand([h], on_error) if os.path.isdir(h) else _walked(h, on_error)
        else:
            on_error(InputError(p, errors.NOT_FOUND))


def _is_sqlite(path: str) -> bool:
    """A SQLite database or one of its journals (``-wal``, ``-shm``, ``-journal``)."""
    if path.endswith(("-wal", "-shm", "-journal")):
        return os.path.exists(path.rsplit("-", 1)[0])
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _walked(path: str, on_error: OnError) -> Iterator[str]:
    name = Path(path).name
    if name.startswith(".") or Path(name).stem.lower() in SKIP_NAMES or _is_sqlite(path):
        return
    reason = skip_reason(path)
    if reason:
        on_error(InputError(path, reason))
    else:
        yield path


def skip_reason(path: str) -> str | None:
    """Why a file met in a directory walk is not read (one line), or None when it is an article file:
    a known suffix, or content sniffed as HTML, a feed or JSON (pages saved as .php, .shtml, ...)."""
    suffix = Path(path).suffix.lower()
    if suffix in TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES:
        return None
    if suffix in DOCUMENT_SUFFIXES:
        return errors.UNREAD_DOCUMENT.format(kind=DOCUMENT_SUFFIXES[suffix])
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as e:
        return f"could not be read ({e.__class__.__name__}: {e})"
    if head.startswith(b"%PDF"):
        return errors.UNREAD_DOCUMENT.format(kind="PDF")
    if sniff(head, "") in ("html", "feed", "jsonl"):
        return None
    return errors.UNSUPPORTED.format(suffix=suffix) if suffix else errors.NO_SUFFIX


_PROLOGUE = re.compile(rb"^(?:\xef\xbb\xbf|\s+|<\?xml[^>]*\?>|<!--.*?-->)+", re.S)


def sniff(data: bytes, suffix: str) -> str:
    """Kind of a blob: "text", "html", "feed" or "jsonl", by suffix, else by content; a BOM, an XML
    prologue and leading comments are looked past. A known page suffix (.php, .shtml, .asp, ...) or
    none is decided by content."""
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in JSONL_SUFFIXES or suffix == ".json":
        return "jsonl"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        data = data.decode("utf-16", "replace").encode("utf-8")
    m = _PROLOGUE.match(data[:8192])
    head = data[m.end() if m else 0:][:2048].lower()
    if head.startswith((b"{", b"[")):
        return "jsonl"
    if head.startswith((b"<rss", b"<feed", b"<rdf:rdf", b"<?xml-stylesheet")) or b"<rss" in head[:300]:
        return "feed"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<title", b"<body")) or b"<body" in head \
            or b"<html" in head[:512]:
        return "html"
    return "text"


def read_bytes(data: bytes, source: str, path: str = "", url: str = "", kind: str | None = None,
               on_error: OnError = _raise, http_charset: str | None = None) -> Iterator[tuple[Article, Layer]]:
    """Articles in one blob of bytes (a file's or a URL's content); ``http_charset`` is the charset
    of a fetched page's Content-Type header. Raises InputError for a bad blob; bad items of a
    feed or a JSON Lines file go to on_error."""
    from storyscope.ingest import feeds, html, jsonl, text

    suffix = Path(path or urlsplit_path(url)).suffix.lower()
    if not data.strip():
        raise InputError(source, errors.EMPTY)
    if data.startswith(b"%PDF") or (suffix in DOCUMENT_SUFFIXES and not data.lstrip().startswith(b"<")):
        raise InputError(source, errors.UNREAD_DOCUMENT.format(kind=DOCUMENT_SUFFIXES.get(suffix, "PDF")))
    kind = kind or sniff(data, suffix)
    if kind == "feed":
        yield from feeds.read_feed(data, source, path=path, on_error=on_error)
    elif kind == "jsonl":
        yield from jsonl.read_jsonl(data, source, path, on_error=on_error)
    elif kind == "html":
        yield html.html_to_article(data, source, path=path, url=url, http_charset=http_charset)
    else:
        yield text.article_from_text(text.decode(data, source), source, path=path, url=url)


def urlsplit_path(url: str) -> str:
    from urllib.parse import urlsplit
    return urlsplit(url).path if url else ""


def read_sources(paths: Iterable[str], on_error: OnError = _raise, allow_private: bool = False,
                 max_bytes: int = MAX_FILE_BYTES) -> Iterator[tuple[Article, Layer]]:
    """Stream articles from every input; each failure goes to on_error and the rest goes on."""
    from storyscope.ingest.urls import fetch

    for item in expand(paths, on_error):
        try:
            if item.startswith(("http://", "https://")):
                got = fetch(item, allow_private=allow_private, max_bytes=max_bytes)
                kind = None
                if "html" in got.content_type:
                    kind = "html"
                elif "rss" in got.content_type or "atom" in got.content_type or got.content_type.endswith("xml"):
                    kind = "feed"
                elif "json" in got.content_type:
                    kind = "jsonl"
                yield from read_bytes(got.data, item, url=got.url, kind=kind, on_error=on_error,
                                      http_charset=got.charset)
                continue
            size = os.path.getsize(item)
            if size > max_bytes:
                raise InputError(item, errors.TOO_LARGE.format(limit=max_bytes))
            with open(item, "rb") as fh:
                data = fh.read()
            yield from read_bytes(data, item, path=os.path.abspath(item), on_error=on_error)
        except InputError as err:
            on_error(err)
        except RecursionError:
            on_error(InputError(item, errors.NESTED_TOO_DEEP))
        except (ValueError, UnicodeError, OSError) as e:
            on_error(InputError(item, errors.UNREADABLE.format(detail=f"{e.__class__.__name__}: {e}")))
