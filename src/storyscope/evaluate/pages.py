"""`storyscope eval pages`: article text and publication dates of real saved web pages.

Data layout (the trafilatura and htmldate projects' evaluation sets, as in ``datasets/webpages``):
``body/body.json`` maps a file name to ``url``, ``with`` (snippets the article text must contain)
and ``without`` (snippets it must not contain); ``dates/dates.json`` maps a file name to ``url``
and ``date`` (the original publication date, YYYY-MM-DD).

Storyscope is measured through ``storyscope.ingest.read_bytes`` (the reader ``ingest`` uses for a
file's or a URL's bytes); its text is the article text minus the spans its debris layer marks, the
text later stages analyse. In the same run the plain libraries read the same bytes:
``trafilatura.extract`` with its defaults (text) and ``htmldate.find_date(original_date=True)``
and trafilatura's own metadata date (dates). Snippets match after whitespace is collapsed, as in
trafilatura's evaluation.
"""
from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Callable

from storyscope import errors
from storyscope.errors import InputError

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

Progress = Callable[[str, int, int], None]


def _stderr_progress(label: str, done: int, total: int) -> None:
    if done == total or done % 25 == 0:
        print(f"eval pages: {label} {done}/{total}", file=sys.stderr, flush=True)


def _norm(s: str) -> str:
    return " ".join(s.split())


def product_read(data: bytes, name: str, url: str = ""):
    """(Article, debris Layer) for one page through ingest's own byte reader, or the InputError."""
    from storyscope.ingest import read_bytes
    try:
        return next(iter(read_bytes(data, name, path=name, url=url)))
    except InputError as e:
        return e


def visible_text(art, debris) -> str:
    """The article text with its debris spans cut out (what the analysis stages read)."""
    out, pos = [], 0
    for s in sorted(debris.spans, key=lambda s: s.start):
        if s.start > pos:
            out.append(art.text[pos:s.start])
        pos = max(pos, s.end)
    out.append(art.text[pos:])
    return "\n".join(out)


def _snippet_counts(text: str | None, entry: dict) -> tuple[int, int]:
    t = _norm(text or "")
    found = sum(1 for s in entry.get("with", []) if _norm(s) in t) if t else 0
    present = sum(1 for s in entry.get("without", []) if _norm(s) in t) if t else 0
    return found, present


_SEPARATOR = re.compile(r"\s+[|\-–—:·•»]\s+")


def site_name_in_title(art) -> bool:
    """True when the title's first or last segment (split at " | ", " - ", ...) is the outlet's name
    or the URL's domain label."""
    from storyscope.ingest.credits import _key, domain_name
    parts = _SEPARATOR.split(art.title or "")
    if len(parts) < 2:
        return False
    outlet, domain = _key(art.outlet), domain_name(art.url).lower()

    def named(seg: str) -> bool:
        k = _key(seg)
        return bool(k) and (k == outlet or (bool(domain) and k.startswith(domain) and len(k) - len(domain) <= 3))
    return named(parts[0]) or named(parts[-1])


def _share(k: int, n: int) -> float:
    return round(k / n, 4) if n else 0.0


def evaluate_body(folder: Path, limit: int | None = None, progress: Progress = _stderr_progress) -> dict:
    """Must-include found share and must-exclude present share, Storyscope and trafilatura alone.

    Returns {"pages", "must_include", "must_exclude" (snippet counts), "storyscope": {...},
    "trafilatura": {...}}; each side gives ``must_include_found``/``must_exclude_present`` (shares),
    ``rejected`` (pages with no text) and, for Storyscope, ``passes`` (extraction pass counts) and
    ``titles_with_site_name`` (pages whose stored title still carries the outlet's name)."""
    import trafilatura
    gold = json.loads((folder / "body.json").read_text(encoding="utf-8"))
    items = [(f, e) for f, e in sorted(gold.items()) if (folder / f).is_file()][:limit]
    n_with = sum(len(e.get("with", [])) for _, e in items)
    n_without = sum(len(e.get("without", [])) for _, e in items)
    ours = {"found": 0, "present": 0, "rejected": [], "passes": {}, "site_titles": []}
    lib = {"found": 0, "present": 0, "rejected": []}
    for i, (name, entry) in enumerate(items, 1):
        data = (folder / name).read_bytes()
        url = entry.get("url") or ""
        got = product_read(data, name, url)
        if isinstance(got, InputError):
            ours["rejected"].append(f"{name}: {got.reason}")
            text = None
        else:
            art, debris = got
            text = visible_text(art, debris)
            p = art.meta.get("extraction", "default")
            ours["passes"][p] = ours["passes"].get(p, 0) + 1
            if site_name_in_title(art):
                ours["site_titles"].append(f"{name}: {art.title}")
        f, pr = _snippet_counts(text, entry)
        ours["found"] += f
        ours["present"] += pr
        try:
            ltext = trafilatura.extract(data, url=url or None)
        except Exception:
            ltext = None
        if not ltext:
            lib["rejected"].append(name)
        f, pr = _snippet_counts(ltext, entry)
        lib["found"] += f
        lib["present"] += pr
        progress("body", i, len(items))

    def side(d: dict) -> dict:
        out = {"must_include_found": _share(d["found"], n_with), "must_exclude_present": _share(d["present"], n_without),
               "rejected": len(d["rejected"]), "rejected_pages": d["rejected"]}
        if "passes" in d:
            out["passes"] = d["passes"]
            out["titles_with_site_name"] = d["site_titles"]
        return out
    return {"pages": len(items), "must_include": n_with, "must_exclude": n_without,
            "storyscope": side(ours), "trafilatura": side(lib)}


def evaluate_dates(folder: Path, limit: int | None = None, progress: Progress = _stderr_progress) -> dict:
    """Publication dates right, Storyscope (with the page's URL, and as a saved file without it)
    beside htmldate ``find_date(original_date=True)`` and trafilatura's metadata date.

    Each side gives ``right``, ``wrong``, ``undated`` (page counts) and ``share`` (right / pages);
    Storyscope also ``wrong_stated`` (a wrong date stored with published_source "explicit")."""
    from htmldate import find_date
    from trafilatura.metadata import extract_metadata
    gold = json.loads((folder / "dates.json").read_text(encoding="utf-8"))
    items = [(f, e) for f, e in sorted(gold.items()) if (folder / f).is_file() and e.get("date")][:limit]
    sides = {k: {"right": 0, "wrong": 0, "undated": 0} for k in
             ("storyscope", "storyscope_without_url", "htmldate", "trafilatura")}
    wrong_stated, wrong_pages = 0, []

    def tally(key: str, value: str | None, want: str) -> None:
        value = (value or "")[:10]
        sides[key]["undated" if not value else "right" if value == want else "wrong"] += 1

    for i, (name, entry) in enumerate(items, 1):
        data = (folder / name).read_bytes()
        url, want = entry.get("url") or "", entry["date"][:10]
        for key, u in (("storyscope", url), ("storyscope_without_url", "")):
            got = product_read(data, name, u)
            pub = None if isinstance(got, InputError) else got[0].published
            tally(key, pub, want)
            if key == "storyscope" and pub and pub[:10] != want:
                wrong_pages.append(f"{name}: {pub[:10]} (gold {want})")
                wrong_stated += got[0].published_source == "explicit"
        for key, fn in (("htmldate", lambda: find_date(data, url=url or None, original_date=True)),
                        ("trafilatura", lambda: extract_metadata(data, default_url=url or None).date)):
            try:
                tally(key, fn(), want)
            except Exception:
                tally(key, None, want)
        progress("dates", i, len(items))
    for v in sides.values():
        v["share"] = _share(v["right"], len(items))
    sides["storyscope"]["wrong_stated"] = wrong_stated
    sides["storyscope"]["wrong_pages"] = wrong_pages
    return {"pages": len(items), **sides}


def evaluate_pages(data_dir: str, limit: int | None = None, progress: Progress = _stderr_progress) -> dict:
    """Both measures over DIR/body and DIR/dates (each skipped when absent); ``limit`` pages per set.

    Raises FileNotFoundError when DIR holds neither set."""
    root = Path(data_dir)
    out: dict = {"data": str(root)}
    if (root / "body" / "body.json").is_file():
        out["body"] = evaluate_body(root / "body", limit, progress)
    if (root / "dates" / "dates.json").is_file():
        out["dates"] = evaluate_dates(root / "dates", limit, progress)
    if len(out) == 1:
        raise FileNotFoundError(f"{root}: {errors.NO_PAGES_LAYOUT}")
    return out
