"""What every router shares: the workspace, the job runner, the page renderer, the one token check
and a cache of rendered story pages. Routers reach it through the ``ctx`` dependency."""
from __future__ import annotations

import json
import secrets
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Optional

from fastapi import Header, HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyscope import __version__, errors
from storyscope.web.jobs import JobRunner

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"], default=True))


class RenderCache:
    """Story pages and dossiers as bytes, keyed by everything they are built from.

    Assembling a dossier and rendering it costs ~40 ms of CPU a request; under 100 clients that held
    the story page to ~18 req/s with a p95 of 7 s (benchmarks/bench_web_load.py). Bounded LRU; one
    thread builds a missing entry while the others for the same key wait for it (no stampede).
    """

    def __init__(self, size: int = 32):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict = {}

    def get(self, key, build):
        """The value for ``key``, calling ``build()`` at most once per key at a time."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            flight = self._building.setdefault(key, threading.Lock())
        with flight:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            try:
                value = build()
                with self._lock:
                    self._items[key] = value
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
                return value
            finally:
                with self._lock:
                    self._building.pop(key, None)


def safe_href(url: str) -> str:
    """Only http(s) URLs become links: autoescaping does not stop javascript: or data: targets."""
    from urllib.parse import urlsplit
    try:
        return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") and url == url.strip() else ""
    except ValueError:
        return ""


class WebContext:
    """The state behind one app: a Workspace over ``db``, background jobs, the write token."""

    def __init__(self, db: str, token: str | None):
        from storyscope.workspace import Workspace
        self.ws = Workspace(db)
        self.jobs = JobRunner(lambda: Workspace(db))
        self.token = token
        self.rendered = RenderCache()
        self._group_lock = threading.Lock()

    def page(self, template: str, /, **ctx) -> HTMLResponse:  # positional-only: a context key may be "name"
        return HTMLResponse(TEMPLATES.get_template(template).render(version=__version__,
                                                                    write_token=self.token is not None, **ctx))

    def stories(self) -> list[dict]:
        """Stored stories; articles ingested but not yet grouped are grouped first (ingest, then serve)."""
        with self._group_lock:
            return self.ws.ensure_grouped()

    def story(self, story_id: str) -> dict:
        try:
            return self.ws.story(story_id)
        except errors.NotFound as e:
            raise HTTPException(404, str(e))

    def article(self, article_id: str):
        try:
            return self.ws.article(article_id)
        except errors.StoryscopeError as e:
            raise HTTPException(404, str(e))

    def cached(self, story: dict, kind: str, build) -> bytes:
        """``build(dossier)`` once per state of the story: its row (article ids, title), each article's
        date and every layer's stage version. New articles or re-read layers change the key."""
        ids = story["article_ids"]
        key = (kind, json.dumps(story, sort_keys=True),
               tuple((a.id, a.published, a.published_source) for a in self.ws.articles(ids)),
               json.dumps(self.ws.store.layer_versions(ids), sort_keys=True))
        return self.rendered.get(key, lambda: build(self.ws.dossier([story["id"]])))


def ctx(request: Request) -> WebContext:
    """FastAPI dependency: the app's WebContext."""
    return request.app.state.ctx


async def require_token(request: Request, authorization: Optional[str] = Header(None),
                        x_storyscope_token: Optional[str] = Header(None)) -> None:
    """The one write check: a token in ``X-Storyscope-Token``, ``Authorization: Bearer`` or, from the
    ingest form, a ``token`` field. Open when the app has no token (it then listens on localhost only)."""
    token = request.app.state.ctx.token
    if token is None:
        return
    given = x_storyscope_token or (authorization or "").removeprefix("Bearer ").strip()
    ctype = request.headers.get("content-type", "")
    if not given and ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        given = str((await request.form()).get("token") or "")
    if not given or not secrets.compare_digest(given, token):
        raise HTTPException(401, errors.TOKEN_REQUIRED)
