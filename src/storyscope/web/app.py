"""Web app and JSON API: a thin FastAPI shell over ``Workspace``.

Every page has a JSON twin under /api built from the same library call. Untrusted text is only
ever rendered through autoescaping templates; write endpoints need a token whenever the server
listens beyond localhost; URL ingestion refuses private targets; uploads are size-limited and
saved under generated names.
"""
from __future__ import annotations

import ipaddress
import json
import os
import secrets
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Optional

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel

from storyscope import __version__, errors
from storyscope.web.jobs import JobRunner

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 200
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"], default=True))


class IngestRequest(BaseModel):
    urls: list[str] = []
    outlet: str | None = None  # for inputs that do not name their outlet


class _Rendered:
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


def _safe_href(url: str) -> str:
    """Only http(s) URLs become links: autoescaping does not stop javascript: or data: targets."""
    from urllib.parse import urlsplit
    try:
        return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") and url == url.strip() else ""
    except ValueError:
        return ""


def _is_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def create_app(db: str | None = None, token: str | None = None, host: str = "127.0.0.1") -> FastAPI:
    from storyscope.workspace import Workspace

    db = db or os.environ.get("STORYSCOPE_DB") or "storyscope.db"
    if not _is_local(host) and not token:
        raise errors.StoryscopeError(f"serving on {host} needs a token for write endpoints: pass --token or set STORYSCOPE_TOKEN")
    app = FastAPI(title="Storyscope", version=__version__,
                  description="Stories, articles, dossiers and search over a Storyscope store.")
    ws = Workspace(db)
    app.state.ws = ws
    jobs = JobRunner(lambda: Workspace(db))

    def require_token(authorization: Optional[str] = Header(None), x_storyscope_token: Optional[str] = Header(None)):
        if token is None:
            return
        given = x_storyscope_token or (authorization or "").removeprefix("Bearer ").strip()
        if not given or not secrets.compare_digest(given, token):
            raise HTTPException(401, "a valid token is required for this endpoint")

    def page(template: str, /, **ctx) -> HTMLResponse:  # positional-only: a context key may be called "name"
        return HTMLResponse(TEMPLATES.get_template(template).render(version=__version__, write_token=bool(token), **ctx))

    # ---------------------------------------------------------------- data (shared by pages and API)
    def story_rows(q: str = "", outlet: str = "", date_from: str = "", date_to: str = "", sort: str = "coverage"):
        rows = ws.stories()
        if q:
            hit_ids = {h["id"] for h in ws.search(q, limit=500)}
            ql = q.lower()
            rows = [s for s in rows if ql in (s.get("title") or "").lower() or hit_ids & set(s["article_ids"])]
        if outlet:
            rows = [s for s in rows if outlet in s.get("outlets", [])]
        if date_from:
            rows = [s for s in rows if (s.get("end") or "9999") >= date_from]
        if date_to:
            rows = [s for s in rows if (s.get("start") or "0000") <= date_to]
        key = {"coverage": lambda s: (-len(s.get("outlets", [])), -len(s["article_ids"])),
               "recent": lambda s: [-ord(c) for c in (s.get("end") or "")],
               "title": lambda s: (s.get("title") or "").lower()}.get(sort)
        return sorted(rows, key=key) if key else rows

    def article_row(a) -> dict:
        from storyscope.dossier.build import outlet_name
        return {"id": a.id, "title": a.title, "outlet": outlet_name(a), "credit": a.credit, "byline": a.byline,
                "published": a.published, "published_source": a.published_source, "url": a.url, "path": a.path}

    rendered = _Rendered()

    def story_cached(story_id: str, kind: str, build) -> bytes:
        """``build(dossier)`` once per state of the story: its row (article ids, title), each article's
        date and every layer's stage version. New articles or re-read layers change the key."""
        try:
            story = ws.story(story_id)
        except errors.NotFound:
            raise HTTPException(404, f"no story {story_id!r}")
        ids = story["article_ids"]
        key = (kind, json.dumps(story, sort_keys=True),
               tuple((a.id, a.published, a.published_source) for a in ws.articles(ids)),
               json.dumps(ws.store.layer_versions(ids), sort_keys=True))
        return rendered.get(key, lambda: build(ws.dossier([story["id"]])))

    def get_article(article_id: str):
        try:
            return ws.article(article_id)
        except errors.StoryscopeError as e:
            raise HTTPException(404, str(e))

    # ---------------------------------------------------------------- pages
    @app.get("/", response_class=HTMLResponse)
    def index(q: str = "", outlet: str = "", date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to"),
              sort: str = "coverage"):
        rows = story_rows(q, outlet, date_from, date_to, sort)
        outlets = sorted({o for s in ws.stories() for o in s.get("outlets", [])})
        return page("index.html", stories=rows, outlets=outlets, q=q, outlet=outlet, date_from=date_from,
                    date_to=date_to, sort=sort, n_articles=ws.store.count_articles())

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story_page(story_id: str):
        from storyscope.dossier.render_html import render_html

        def build(d: dict) -> bytes:
            html = render_html(d, d["stories"][0]["id"])
            nav = ('<nav class="ss-site-nav" style="font:14px system-ui;padding:8px 16px;background:#10243e">'
                   '<a href="/" style="color:#fff;text-decoration:none">&larr; All stories</a></nav>')
            return (html.replace("<body>", "<body>" + nav, 1) if "<body>" in html else nav + html).encode()
        return HTMLResponse(story_cached(story_id, "html", build))

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(article_id: str):
        from storyscope.web.highlight import highlight_layers
        a = get_article(article_id)
        layers = ws.layers(a.id)
        row = article_row(a)
        return page("article.html", a={**row, "url": _safe_href(row["url"] or "")}, segments=highlight_layers(a.text, layers),
                    counts={n: len(s) for n, s in layers.items()})

    @app.get("/outlets/{name:path}", response_class=HTMLResponse)
    def outlet_page(name: str):
        return page("outlet.html", **outlet_data(name))

    def outlet_data(name: str) -> dict:
        stories = [s for s in ws.stories() if name in s.get("outlets", [])]
        copies_from, copied_by, framing = 0, 0, {}
        arts = {}
        for s in stories:
            d = ws.dossier([s["id"]])
            arts.update({a["id"]: a for a in d["articles"]})
            st = d["stories"][0]
            for p in st["provenance"]:
                if arts[p["article_id"]]["outlet"] == name:
                    copies_from += 1
                if arts[p["source_id"]]["outlet"] == name:
                    copied_by += 1
            for f in st["framing"]:
                for aid, terms in f["terms"].items():
                    if arts.get(aid, {}).get("outlet") == name:
                        framing.setdefault(f["concept"], set()).update(
                            f"{t['term']}" + (" (quoted)" if t.get("voice") == "quoted" else "") for t in terms)
        return {"name": name, "stories": stories, "copies_others": copies_from, "copied_by_others": copied_by,
                "framing": {k: sorted(v) for k, v in framing.items()},
                "articles": [a for a in arts.values() if a["outlet"] == name]}

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        from fastapi.responses import Response
        svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
               'fill="#10243e"/><circle cx="7" cy="7" r="3.5" fill="none" stroke="#f5c518" stroke-width="1.6"/>'
               '<path d="M9.6 9.6 13 13" stroke="#f5c518" stroke-width="1.8"/></svg>')
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    @app.get("/ingest", response_class=HTMLResponse)
    def ingest_page():
        return page("ingest.html")

    @app.post("/ingest")
    async def ingest_form(urls: str = Form(""), files: list[UploadFile] = File(default=[]),
                          token_field: str = Form("", alias="token"), outlet: str = Form("")):
        if token is not None and not secrets.compare_digest(token_field or "", token):
            raise HTTPException(401, "a valid token is required for this endpoint")
        job = await _start_job([u.strip() for u in urls.split() if u.strip()], files, outlet)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(job_id: str):
        job = jobs.get(job_id)
        if not job:
            raise HTTPException(404, "no such job")
        return page("job.html", job=job.to_dict())

    # ---------------------------------------------------------------- API
    @app.get("/api/stories")
    def api_stories(q: str = "", outlet: str = "", date_from: str = Query("", alias="from"),
                    date_to: str = Query("", alias="to"), sort: str = "coverage"):
        return story_rows(q, outlet, date_from, date_to, sort)

    @app.get("/api/stories/{story_id}")
    def api_story(story_id: str):
        # JSONResponse's own bytes: FastAPI's generic encoder took ~20 ms on a 110 KiB dossier
        return Response(story_cached(story_id, "json", lambda d: JSONResponse(d).body), media_type="application/json")

    @app.get("/api/articles")
    def api_articles(limit: int = Query(100, le=1000), offset: int = 0):
        arts = ws.articles()
        return [article_row(a) for a in arts[offset:offset + limit]]

    @app.get("/api/articles/{article_id}")
    def api_article(article_id: str):
        a = get_article(article_id)
        return {**article_row(a), "text": a.text,
                "layers": {n: [s.to_dict() for s in sp] for n, sp in ws.layers(a.id).items()}}

    @app.get("/api/outlets/{name:path}")
    def api_outlet(name: str):
        d = outlet_data(name)
        return d

    @app.get("/api/search")
    def api_search(q: str = Query(..., min_length=1), limit: int = Query(20, le=200)):
        return ws.search(q, limit)

    async def _start_job(urls: list[str], files: list[UploadFile], outlet: str | None = None):
        if len(files) > MAX_UPLOAD_FILES:
            raise HTTPException(413, f"at most {MAX_UPLOAD_FILES} files per upload")
        for u in urls:  # a bare path here would make the server read its own files (/etc/passwd)
            if not u.lower().startswith(("http://", "https://")):
                raise HTTPException(422, f"{u[:200]}: only http and https URLs can be ingested through the web app")
        inputs = list(urls)
        tmp = None
        for f in files:
            if not f.filename:
                continue
            tmp = tmp or tempfile.mkdtemp(prefix="storyscope-upload-")
            # Never trust the client's file name: keep only a safe suffix.
            suffix = Path(os.path.basename(f.filename.replace("\\", "/"))).suffix.lower()
            if suffix not in {".txt", ".html", ".htm", ".xml", ".rss", ".atom", ".jsonl", ".ndjson", ".json"}:
                raise HTTPException(415, f"{os.path.basename(f.filename)}: unsupported file type {suffix!r}")
            data = await f.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                raise HTTPException(413, f"{os.path.basename(f.filename)}: larger than the {MAX_UPLOAD_BYTES} byte limit")
            dest = Path(tmp) / f"{len(inputs):04d}{suffix}"
            dest.write_bytes(data)
            inputs.append(str(dest))
        if not inputs:
            raise HTTPException(422, "nothing to ingest: give URLs or files")
        return jobs.submit(inputs, allow_private=False, cleanup=tmp, outlet=(outlet or "").strip()[:200] or None)

    @app.post("/api/ingest", dependencies=[Depends(require_token)], status_code=202)
    async def api_ingest(request: Request):
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("multipart/form-data"):
            form = await request.form()
            urls = [u for u in str(form.get("urls") or "").split() if u]
            files = [v for k, v in form.multi_items() if k == "files" and hasattr(v, "read")]
            outlet = str(form.get("outlet") or "")
        else:
            try:
                body = IngestRequest(**(await request.json()))
            except Exception:
                raise HTTPException(422, "send JSON {\"urls\": [...]} or a multipart form with files")
            urls, files, outlet = body.urls, [], body.outlet
        job = await _start_job(urls, files, outlet)
        return JSONResponse(job.to_dict(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})

    @app.get("/api/jobs/{job_id}")
    def api_job(job_id: str):
        job = jobs.get(job_id)
        if not job:
            raise HTTPException(404, "no such job")
        return job.to_dict()

    return app


def run_server(db: str | None = None, host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    import uvicorn
    app = create_app(db, token=token, host=host)
    uvicorn.run(app, host=host, port=port, log_level="warning")
