"""Stories: the index with its filters and search, the story page, the story API and CSV exports."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from storyscope.web.context import WebContext, ctx
from storyscope.web.search import article_hits

router = APIRouter()


def story_rows(c: WebContext, q: str = "", outlet: str = "", date_from: str = "", date_to: str = "",
               sort: str = "coverage") -> list[dict]:
    """Stories matching the filters: ``q`` in a title or any article's text, an outlet, a date range."""
    rows = c.stories()
    if q:
        hit_ids = {h["id"] for h in c.ws.search(q, limit=500)}
        ql = q.lower()
        rows = [s for s in rows if ql in (s.get("title") or "").lower() or hit_ids & set(s["article_ids"])]
    if outlet:
        rows = [s for s in rows if outlet in s.get("outlets", [])]
    if date_from:
        rows = [s for s in rows if (s.get("end") or "9999") >= date_from]
    if date_to:
        rows = [s for s in rows if (s.get("start") or "0000") <= date_to]
    key = {"coverage": lambda s: (-len(s.get("outlets", [])), -len(s["article_ids"])),
           "recent": lambda s: [-ord(ch) for ch in (s.get("end") or "")],
           "title": lambda s: (s.get("title") or "").lower()}.get(sort)
    return sorted(rows, key=key) if key else rows


def _ready(c: WebContext, story: dict) -> dict:
    """The story with its articles read (stages run now for any unread article); for the API."""
    unread = c.ws.unread(story["article_ids"])
    if unread:
        c.ws.analyze(unread)
    return story


@router.get("/", response_class=HTMLResponse)
def index(q: str = "", outlet: str = "", date_from: str = Query("", alias="from"),
          date_to: str = Query("", alias="to"), sort: str = "coverage", c: WebContext = Depends(ctx)):
    rows = story_rows(c, q, outlet, date_from, date_to, sort)
    from storyscope.outlets import is_unknown
    # the filter offers named outlets; each "unknown outlet (id)" is one article, reached from its story
    outlets = sorted({o for s in c.stories() for o in s.get("outlets", []) if not is_unknown(o)})
    return c.page("index.html", stories=rows, outlets=outlets, q=q, outlet=outlet, date_from=date_from,
                  date_to=date_to, sort=sort, n_articles=c.ws.store.count_articles(),
                  hits=article_hits(c, q) if q.strip() else [])


CSV_TABLES = ("claims", "disputes", "quotes", "omissions")


def _nav(story_id: str) -> str:
    links = " · ".join(f'<a class="csv-link" href="/api/stories/{story_id}/{t}.csv" download '
                       f'style="color:#dbe6ff">{t}</a>' for t in CSV_TABLES)
    return ('<nav class="ss-site-nav" style="font:14px system-ui;padding:8px 16px;background:#10243e;color:#fff">'
            '<a href="/" style="color:#fff;text-decoration:none">&larr; All stories</a>'
            f'<span style="float:right">Download CSV: {links}</span></nav>')


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(story_id: str, uncertain: int = 0, c: WebContext = Depends(ctx)):
    """The story's dossier; a story not yet read or compared is analysed first by a job with progress.
    ``?uncertain=1`` also shows the findings below their confidence threshold, marked uncertain."""
    from storyscope.dossier.render import render
    story = c.story(story_id)
    job = c.jobs.for_story(story["id"])
    if (job is None or job.finished is None) and (c.ws.unread(story["article_ids"]) or not c.ws.compared(story["id"])):
        job = job or c.jobs.submit_story(story["id"], story["article_ids"])
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    def build(d: dict) -> bytes:
        html = render(d, "html", d["stories"][0]["id"], include_uncertain=bool(uncertain))
        nav = _nav(d["stories"][0]["id"])
        return (html.replace("<body>", "<body>" + nav, 1) if "<body>" in html else nav + html).encode()
    return HTMLResponse(c.cached(story, "html-uncertain" if uncertain else "html", build))


@router.get("/api/stories")
def api_stories(q: str = "", outlet: str = "", date_from: str = Query("", alias="from"),
                date_to: str = Query("", alias="to"), sort: str = "coverage", c: WebContext = Depends(ctx)):
    return story_rows(c, q, outlet, date_from, date_to, sort)


@router.get("/api/stories/{story_id}")
def api_story(story_id: str, c: WebContext = Depends(ctx)):
    """The story's ``storyscope.dossier/1`` document (read and compared now if it was not yet)."""
    story = _ready(c, c.story(story_id))
    # JSONResponse's own bytes: FastAPI's generic encoder took ~20 ms on a 110 KiB dossier
    return Response(c.cached(story, "json", lambda d: JSONResponse(d).body), media_type="application/json")


@router.get("/api/stories/{story_id}/{table}.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def api_story_csv(story_id: str, table: str, c: WebContext = Depends(ctx)):
    """One story's claims, disputes, quotes or omissions as CSV: a row per cited span, with the
    article id, its outlet and the character offsets."""
    from storyscope.dossier.render_csv import render_story_csv
    if table not in CSV_TABLES:
        raise HTTPException(404, f"no table {table!r}: choose one of {', '.join(CSV_TABLES)}")
    story = _ready(c, c.story(story_id))
    body = c.cached(story, f"csv:{table}", lambda d: render_story_csv(d, story["id"], table).encode())
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="story-{story["id"]}-{table}.csv"'})
