"""Plain-text articles: decode robustly, then read the page furniture with ``detect``."""
from __future__ import annotations

from storyscope import errors
from storyscope.errors import InputError
from storyscope.ingest.charset import decode_bytes
from storyscope.ingest.detect import detect_furniture
from storyscope.outlets import readable_domain
from storyscope.record import Article, Layer

DETECT_VERSION = "detect.v1"


def decode(data: bytes, source: str, markup: bool = False, http_charset: str | None = None) -> str:
    """Text of a file's bytes with newlines normalised; refuses binary content (InputError).

    The encoding: a BOM, valid UTF-8, a charset the HTTP header or (``markup``) the page declares,
    else charset-normalizer's detection (see ``ingest.charset``)."""
    if not data.strip():
        raise InputError(source, errors.EMPTY)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a BOM is text, though full of NULs
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise InputError(source, errors.BINARY) from None
    sample = data[:8192]
    if b"\x00" in sample or _control_ratio(sample) > 0.05:
        raise InputError(source, errors.BINARY)
    text, _ = decode_bytes(data, http_charset=http_charset, markup=markup)
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _control_ratio(b: bytes) -> float:
    bad = sum(1 for c in b if c < 32 and c not in (9, 10, 12, 13))
    return bad / max(1, len(b))


def pick_outlet(meta: dict, *candidates: tuple[str, str]) -> str:
    """The first non-empty name of ``(name, basis)`` candidates, its basis put in ``meta["outlet_basis"]``; ""."""
    for name, how in candidates:
        if name and name.strip():
            meta["outlet_basis"] = how
            return " ".join(name.split())
    return ""


def article_from_text(text: str, source: str, *, path: str = "", url: str = "", outlet: str = "",
                      title: str = "", published: str | None = None, meta: dict | None = None,
                      outlet_basis: str = "stated") -> tuple[Article, Layer]:
    """Build an Article (and its debris layer) from text whose furniture is still inline.

    Its outlet: ``outlet`` (how the caller got it: ``outlet_basis``, see ``storyscope.outlets.BASES``),
    else the outlet a "By X for Y" byline names, else an agency credit line ("By NORTHWIRE", "(AFP) -"),
    else the registrable domain of ``url``; ``meta["outlet_basis"]`` records which."""
    if not text.strip():
        raise InputError(source, errors.EMPTY)
    f = detect_furniture(text)
    meta = dict(meta or {})
    pub, pub_src = published, "explicit" if published else "unknown"
    if not pub and f.published:
        pub, pub_src = f.published[:10], "explicit"
        meta["published_text"] = f.published_text
        if "T" in f.published:
            meta["published_time"] = f.published
    if f.title_span:
        meta["title_span"] = list(f.title_span)
    outlet = pick_outlet(meta, (outlet, outlet_basis), (f.outlet, "byline"), (f.credit, "credit line"),
                         (readable_domain(url), "domain"))
    art = Article.create(
        text, title=title or f.title, outlet=outlet, credit=f.credit, byline=f.byline,
        published=pub, published_source=pub_src, url=url, path=path, meta=meta)
    return art, Layer("debris", DETECT_VERSION, f.debris)


def read_text_file(data: bytes, source: str, path: str) -> list[tuple[Article, Layer]]:
    return [article_from_text(decode(data, source), source, path=path)]
