"""Outlets: the stories an outlet covers, who it copies and who copies it, the words it uses."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from storyscope.web.context import WebContext, ctx

router = APIRouter()


def outlet_data(c: WebContext, name: str) -> dict:
    """``{"name", "registered", "stories", "copies_others", "copied_by_others", "framing", "articles"}`` of one
    outlet; ``registered`` is its entry in the outlets file (pattern, country, owner, wires, aliases) or None."""
    stories = [s for s in c.stories() if name in s.get("outlets", [])]
    copies_from, copied_by, framing = 0, 0, {}
    arts = {}
    for s in stories:
        d = c.ws.dossier([s["id"]])
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
    registered = next((o for o in c.ws.store.outlets() if o["name"] == name), None)
    return {"name": name, "registered": registered, "stories": stories, "copies_others": copies_from, "copied_by_others": copied_by,
            "framing": {k: sorted(v) for k, v in framing.items()},
            "articles": [a for a in arts.values() if a["outlet"] == name]}


@router.get("/outlets/{name:path}", response_class=HTMLResponse)
def outlet_page(name: str, c: WebContext = Depends(ctx)):
    return c.page("outlet.html", **outlet_data(c, name))


@router.get("/api/outlets/{name:path}")
def api_outlet(name: str, c: WebContext = Depends(ctx)):
    return outlet_data(c, name)
