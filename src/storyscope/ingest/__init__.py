"""Ingestion: turn files, directories, globs, feeds and URLs into Articles, streaming.

``read_sources`` yields ``(Article, debris Layer)`` pairs and reports every bad input through
``on_error`` as one InputError naming the input and the reason; the batch goes on.
"""
from __future__ import annotations

import glob
import os
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
# Files a directory walk passes over silently: documentation and answer keys, not articles.
SKIP_NAMES = {"readme", "license", "licence", "changelog", "expected", "gold", "provenance"}

OnError = Callable[[InputError], None]


def _raise(err: InputError) -> None:
    raise err


def expand(paths: Iterable[str], on_error: OnError = _raise) -> Iterator[str]:
    """Files and URLs named by paths, directories (recursively, sorted) and globs."""
    for p in paths:
        if p.startswith(("http://", "https://")):
            yield p
        elif os.path.isdir(p):
            found = seen_any = False
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                seen_any = seen_any or bool(files)
                for f in sorted(files):
                    full = os.path.join(root, f)
                    if _is_article_file(full):
                        found = True
                        yield full
            if not found:  # never a silent nothing: say why the folder gave no article
                on_error(InputError(p, errors.NOTHING_READABLE if seen_any else errors.EMPTY_FOLDER))
        elif os.path.isfile(p):
            yield p
        elif any(c in p for c in "*?["):
            hits = sorted(glob.glob(p, recursive=True))
            if not hits:
                on_error(InputError(p, "the pattern matches no files"))
            for h in hits:
                yield from expand([h], on_error) if os.path.isdir(h) else ([h] if _is_article_file(h) else [])
        else:
            on_error(InputError(p, errors.NOT_FOUND))


def _is_article_file(path: str) -> bool:
    name = Path(path).name
    stem, suffix = Path(name).stem.lower(), Path(name).suffix.lower()
    if name.startswith(".") or stem in SKIP_NAMES:
        return False
    return suffix in TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES


def sniff(data: bytes, suffix: str) -> str:
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in JSONL_SUFFIXES or suffix == ".json":
        return "jsonl"
    head = data[:2048].lstrip().lower()
    if head.startswith(b"{") or head.startswith(b"["):
        return "jsonl"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    return "text"


def read_bytes(data: bytes, source: str, path: str = "", url: str = "", kind: str | None = None,
               on_error: OnError = _raise) -> Iterator[tuple[Article, Layer]]:
    """Articles in one blob of bytes (a file's or a URL's content)."""
    from storyscope.ingest import feeds, html, jsonl, text

    kind = kind or sniff(data, Path(path or urlsplit_path(url)).suffix.lower())
    if not data.strip():
        raise InputError(source, errors.EMPTY)
    if kind == "feed":
        yield from feeds.read_feed(data, source, path=path, on_error=on_error)
    elif kind == "jsonl":
        yield from jsonl.read_jsonl(data, source, path, on_error=on_error)
    elif kind == "html":
        art, layer = html.html_to_article(text.decode(data, source), source, path=path, url=url)
        yield art, layer
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
                yield from read_bytes(got.data, item, url=got.url, kind=kind, on_error=on_error)
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
            on_error(InputError(item, "structure nested too deeply to parse"))
        except (ValueError, UnicodeError, OSError) as e:
            on_error(InputError(item, f"could not be read ({e.__class__.__name__}: {e})"))
