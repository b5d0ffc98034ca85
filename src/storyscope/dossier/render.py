"""One entry point for every dossier format."""
from __future__ import annotations


def render(dossier: dict, fmt: str, story_id: str | None = None, include_uncertain: bool = False) -> str:
    """The dossier as ``fmt`` (json | md | html). JSON holds every finding with its confidence; HTML and
    Markdown show ``view.display_view``: findings below their display threshold only with
    ``include_uncertain``, then marked. Raises ``StoryscopeError`` for an unknown format."""
    if fmt in ("md", "markdown", "html"):
        from storyscope.dossier.view import display_view
        dossier = display_view(dossier, include_uncertain)
    if fmt == "json":
        from storyscope.dossier.build import dumps
        return dumps(dossier) + "\n"
    if fmt in ("md", "markdown"):
        from storyscope.dossier.render_md import render_markdown
        return render_markdown(dossier, story_id)
    if fmt == "html":
        from storyscope.dossier.render_html import render_html
        return render_html(dossier, story_id)
    from storyscope import errors
    from storyscope.errors import StoryscopeError
    raise StoryscopeError(errors.UNKNOWN_FORMAT.format(fmt=fmt))
