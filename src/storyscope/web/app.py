"""Web app and JSON API: a thin FastAPI shell over ``Workspace``, one router per area.

Every page has a JSON twin under /api built from the same library call. Untrusted text is only
ever rendered through autoescaping templates; write endpoints need a token whenever the server
listens beyond localhost (``context.require_token``); URL ingestion refuses private targets;
uploads are size-limited and saved under generated names (``routes_ingest``).
"""
from __future__ import annotations

import ipaddress
import os

from fastapi import FastAPI

from storyscope import __version__, errors
from storyscope.web import routes_articles, routes_docs, routes_ingest, routes_outlets, routes_stories
from storyscope.web.context import WebContext
from storyscope.web.routes_ingest import MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES  # noqa: F401  (part of this module's API)

ROUTERS = (routes_stories.router, routes_articles.router, routes_outlets.router, routes_ingest.router,
           routes_docs.router)


def _is_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def create_app(db: str | None = None, token: str | None = None, host: str = "127.0.0.1") -> FastAPI:
    """The app over the store ``db`` (default $STORYSCOPE_DB or ./storyscope.db).

    Raises StoryscopeError when ``host`` is not a loopback address and no ``token`` is given."""
    db = db or os.environ.get("STORYSCOPE_DB") or "storyscope.db"
    if not _is_local(host) and not token:
        raise errors.StoryscopeError(errors.SERVE_NEEDS_TOKEN.format(host=host))
    app = FastAPI(title="Storyscope", version=__version__, docs_url=None, redoc_url=None,
                  description="Stories, articles, dossiers, CSV exports and search over a Storyscope store.")
    app.state.ctx = WebContext(db, token)
    app.state.ws = app.state.ctx.ws
    routes_docs.mount_assets(app)
    for r in ROUTERS:
        app.include_router(r)
    return app


def run_server(db: str | None = None, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
               on_ready=None) -> None:
    """Serve until interrupted; ``on_ready(url)`` is called once the app is built."""
    import uvicorn
    app = create_app(db, token=token, host=host)
    if on_ready:
        on_ready(f"http://{'[' + host + ']' if ':' in host else host}:{port}/")
    uvicorn.run(app, host=host, port=port, log_level="warning")
