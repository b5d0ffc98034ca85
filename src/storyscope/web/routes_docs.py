"""The API's own page at /docs: Swagger UI served from the installed ``swagger-ui-bundle-v2`` package,
so it works offline (FastAPI's default loads it from a CDN), and the favicon."""
from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

router = APIRouter()
ASSETS = "/static/swagger-ui"
FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
           'fill="#10243e"/><circle cx="7" cy="7" r="3.5" fill="none" stroke="#f5c518" stroke-width="1.6"/>'
           '<path d="M9.6 9.6 13 13" stroke="#f5c518" stroke-width="1.8"/></svg>')


def mount_assets(app: FastAPI) -> None:
    """Serve the Swagger UI files that the package ships under ``ASSETS``."""
    from swagger_ui_bundle import swagger_ui_path
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs():
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Storyscope API",
                               swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                               swagger_css_url=f"{ASSETS}/swagger-ui.css", swagger_favicon_url="/favicon.ico")


@router.get("/favicon.ico", include_in_schema=False)
def favicon():
    return Response(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})
