"""One entry point for every dossier format."""
from __future__ import annotations


def render(dossier: dict, fmt: str, story_id: str | None = None) -> str:
    if fmt == "json":
        from storyscope.dossier.build import dumps
        return dumps(dossier) + "\n"
    if fmt in ("md", "markdown"):
        from storyscope.dossier.render_md import render_markdown
        return render_markdown(dossier, story_id)
    if fmt == "html":
        from storyscope.dossier.render_html import render_html
        return render_html(dossier, story_id)
    from storyscope.errors import StoryscopeError
    raise StoryscopeError(f"unknown format {fmt!r} (use html, md or json)")
