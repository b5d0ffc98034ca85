"""Render a storyscope.dossier/1 document as one self-contained HTML page for a journalist.

The page is the Jinja2 template ``templates/dossier.html`` (sections in ``findings.html``, the SVG
graphics in ``graphics.html``) over the view model of ``viewmodel.build_view``. Everything from the
dossier is untrusted (article text, titles, quotes come from the web): autoescaping is on, and only
our own CSS, script and the marked article texts (built here with every piece escaped) enter as
``Markup``. A Content-Security-Policy with a hash of the one inline script blocks anything that
slipped through anyway, and allows no network at all.
"""
from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup, escape

from storyscope.dossier.viewmodel import ArticleView, DossierView, build_view, cited, shorten, slug

TEMPLATES = Path(__file__).with_name("templates")
PUB_BADGE = {"explicit": ("date stated", "ok"), "inferred": ("date inferred", "warn"),
             "unknown": ("date unknown", "")}
INTEGRITY_BADGE = {"identical": ("identical", "ok"), "minor": ("minor change", "warn"),
                   "altered": ("\u26a0 altered", "bad"),
                   "unchecked": ("wording differs (not judged)", "")}
SECTIONS = (("coverage", "Coverage"), ("provenance", "Provenance"), ("summary", "Summary"), ("facts", "Facts"),
            ("disputes", "Disputes"), ("quotes", "Quotes"), ("framing", "Framing"), ("omissions", "Omissions"),
            ("timeline", "Timeline"))


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def load_template(name: str) -> str:
    """A template's source with every line break and the indentation after it removed, so templates
    can be laid out readably without adding whitespace to the page (a space that matters is written
    inside a line)."""
    return re.sub(r"\n[ \t]*", "", _asset(name))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The dossier's Jinja2 environment: autoescaping on for every template."""
    env = Environment(loader=FunctionLoader(lambda name: (load_template(name), None, lambda: True)),
                      autoescape=True, undefined=StrictUndefined)
    env.filters["shorten"] = shorten
    env.filters["cited"] = cited
    env.globals.update(PUB_BADGE=PUB_BADGE, INTEGRITY_BADGE=INTEGRITY_BADGE, SECTIONS=SECTIONS)
    return env


def mark_text(text: str, cited: set[tuple[int, int]], debris: list[dict], key) -> Markup:
    """Escape ``text`` and wrap every cited span in <mark> and every debris span in a dimmed <span>.

    ``cited``: (start, end) character offsets; ``debris``: ``{"start", "end", "label"}`` dicts;
    ``key(start, end)``: the element id of a cited span. Spans may nest or overlap: the text is cut at
    every boundary and tags are closed and reopened where spans cross, so the markup stays well
    formed. A span's first piece carries its id; every piece carries ``data-ev`` so the highlight
    covers all of it. Spans outside the text are ignored.
    """
    n = len(text)
    spans = [(s, e, "ev", key(s, e)) for s, e in cited if 0 <= s < e <= n]
    spans += [(d["start"], d["end"], "debris", d.get("label", "")) for d in debris if 0 <= d["start"] < d["end"] <= n]
    spans.sort(key=lambda t: (t[0], -t[1], t[2]))
    starts = defaultdict(list)
    for sp in spans:
        starts[sp[0]].append(sp)
    bounds = sorted({0, n} | {s for s, *_ in spans} | {e for _, e, *_ in spans})
    out: list = []
    stack: list = []
    opened: set = set()

    def open_tag(sp):
        s, e, kind, val = sp
        if kind == "debris":
            return Markup('<span class="debris" data-label="{}" title="boilerplate: {}">').format(val, val)
        if sp in opened:
            return Markup('<mark class="ev-mark" data-ev="{}">').format(val)
        opened.add(sp)
        return Markup('<mark class="ev-mark" id="{0}" data-ev="{0}">').format(val)

    def close_tag(sp):
        return Markup("</span>" if sp[2] == "debris" else "</mark>")

    for i, pos in enumerate(bounds):
        ending = [j for j, sp in enumerate(stack) if sp[1] == pos]
        if ending:
            popped = stack[ending[0]:]
            del stack[ending[0]:]
            out.extend(close_tag(sp) for sp in reversed(popped))
            for sp in popped:
                if sp[1] != pos:
                    out.append(open_tag(sp))
                    stack.append(sp)
        for sp in starts.get(pos, []):
            out.append(open_tag(sp))
            stack.append(sp)
        if i + 1 < len(bounds):
            out.append(escape(text[pos:bounds[i + 1]]))
    return Markup("").join(out)


def render_view(view: DossierView) -> str:
    """The page of a built view model."""
    def marked_text(a: ArticleView) -> Markup:
        return mark_text(a.text, view.cited.get(a.id, set()), a.debris,
                         lambda s, e: f"ev-{slug(a.id)}-{s}-{e}")

    gen = " \u00b7 ".join(x for x in (
        f"generated {view.generated_at[:16].replace('T', ' ')}" if view.generated_at else "",
        f"storyscope {view.version}" if view.version else "") if x)
    js = _asset("dossier.js")
    js_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode()
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{js_hash}'; "
           "base-uri 'none'; form-action 'none'")
    page = environment().get_template("dossier.html").render(
        v=view, nl="\n", csp=csp, css=Markup(_asset("dossier.css")), js=Markup(js), gen=gen, marked_text=marked_text)
    return page + "\n"


def render_html(dossier: dict, story_id: str | None = None) -> str:
    """The dossier (or one story of it) as a self-contained HTML page; needs no network to view.
    ``dossier``: a ``view.display_view`` output (``render.render`` applies it). Raises ``NotFound``
    for an unknown ``story_id``."""
    return render_view(build_view(dossier, story_id))
