"""Ingest: the upload page and API (files or http(s) URLs), and the background jobs' progress.

Uploads are size-limited and saved under generated names; URL ingestion refuses private targets;
every write goes through the one token check ``require_token``."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel

from storyscope import errors
from storyscope.web.context import WebContext, ctx, require_token

router = APIRouter()
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_FILES = 200
UPLOAD_SUFFIXES = {".txt", ".html", ".htm", ".xml", ".rss", ".atom", ".jsonl", ".ndjson", ".json"}


class IngestRequest(BaseModel):
    urls: list[str] = []
    outlet: str | None = None  # for inputs that do not name their outlet


async def start_job(c: WebContext, urls: list[str], files: list, outlet: str | None = None):
    """Save the uploads under generated names and queue one ingest job; HTTP errors for bad input."""
    if len(files) > MAX_UPLOAD_FILES:
        raise HTTPException(413, errors.TOO_MANY_FILES.format(limit=MAX_UPLOAD_FILES))
    for u in urls:  # a bare path here would make the server read its own files (/etc/passwd)
        if not u.lower().startswith(("http://", "https://")):
            raise HTTPException(422, f"{u[:200]}: {errors.WEB_URLS_ONLY}")
    inputs = list(urls)
    tmp = None
    for f in files:
        if not f.filename:
            continue
        tmp = tmp or tempfile.mkdtemp(prefix="storyscope-upload-")
        name = os.path.basename(f.filename.replace("\\", "/"))
        suffix = Path(name).suffix.lower()  # never trust the client's file name: keep only a safe suffix
        if suffix not in UPLOAD_SUFFIXES:
            raise HTTPException(415, f"{name}: {errors.UNSUPPORTED.format(suffix=suffix)}")
        data = await f.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"{name}: {errors.TOO_LARGE.format(limit=MAX_UPLOAD_BYTES)}")
        dest = Path(tmp) / f"{len(inputs):04d}{suffix}"
        dest.write_bytes(data)
        inputs.append(str(dest))
    if not inputs:
        raise HTTPException(422, errors.NOTHING_TO_INGEST)
    return c.jobs.submit(inputs, allow_private=False, cleanup=tmp, outlet=(outlet or "").strip()[:200] or None)


def _job(c: WebContext, job_id: str):
    job = c.jobs.get(job_id)
    if not job:
        raise HTTPException(404, errors.NO_JOB)
    return job


@router.get("/ingest", response_class=HTMLResponse)
def ingest_page(c: WebContext = Depends(ctx)):
    return c.page("ingest.html")


@router.post("/ingest", dependencies=[Depends(require_token)])
async def ingest_form(urls: str = Form(""), files: list[UploadFile] = File(default=[]), outlet: str = Form(""),
                      c: WebContext = Depends(ctx)):
    job = await start_job(c, [u.strip() for u in urls.split() if u.strip()], files, outlet)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: str, c: WebContext = Depends(ctx)):
    return c.page("job.html", job=_job(c, job_id).to_dict())


@router.post("/api/ingest", dependencies=[Depends(require_token)], status_code=202)
async def api_ingest(request: Request, c: WebContext = Depends(ctx)):
    """Queue an ingest job: JSON ``{"urls": [...], "outlet": ...}`` or a multipart form with ``files``."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        urls = [u for u in str(form.get("urls") or "").split() if u]
        files = [v for k, v in form.multi_items() if k == "files" and hasattr(v, "read")]
        outlet = str(form.get("outlet") or "")
    else:
        try:
            body = IngestRequest(**(await request.json()))
        except Exception:
            raise HTTPException(422, errors.BAD_INGEST_BODY)
        urls, files, outlet = body.urls, [], body.outlet
    job = await start_job(c, urls, files, outlet)
    return JSONResponse(job.to_dict(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})


@router.get("/api/jobs/{job_id}")
def api_job(job_id: str, c: WebContext = Depends(ctx)):
    return _job(c, job_id).to_dict()
