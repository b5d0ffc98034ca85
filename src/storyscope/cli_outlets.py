"""`storyscope outlets`: register an outlets file once (domain or pattern -> name, country, owner, wire
affiliations) and list it; every later ingest maps outlets through it (``storyscope.outlets``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from storyscope import errors
from storyscope.cli_support import LIST_FORMATS, DbOpt, ListFormatOpt, _check_format, _table, _ws, out

outlets_app = typer.Typer(help="The outlets file: domain or pattern -> outlet name, country, owner, wire affiliations.")
OUTLET_COLUMNS = ("pattern", "name", "country", "owner", "wires", "aliases", "articles")


@outlets_app.callback(invoke_without_command=True)
def outlets(ctx: typer.Context, db: Optional[str] = DbOpt, format: str = ListFormatOpt):
    """List the registered outlets, with the number of stored articles under each name."""
    if ctx.invoked_subcommand is not None:
        return
    from collections import Counter

    from storyscope.dossier.render_csv import to_csv
    _check_format(format, LIST_FORMATS)
    with _ws(db) as ws:
        counts = Counter(a["outlet"] for a in ws.article_records(ws.articles()))
        rows = [{**o, "articles": counts.get(o["name"], 0)} for o in ws.store.outlets()]
    if format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif format == "csv":
        sys.stdout.write(to_csv(OUTLET_COLUMNS, rows))
    else:
        t = _table(*OUTLET_COLUMNS)
        for o in rows:
            t.add_row(*(", ".join(v) if isinstance(v, list) else str(v) for v in (o[c] for c in OUTLET_COLUMNS)))
        out.print(t)


@outlets_app.command("import")
def outlets_import(file: Path = typer.Argument(..., help="CSV (header: domain or pattern, name, country, owner, "
                                                         "wires, aliases), JSON or TOML"),
                   db: Optional[str] = DbOpt,
                   replace: bool = typer.Option(False, "--replace", help="drop the outlets registered before")):
    """Register an outlets file once; every later ingest maps domains and names through it."""
    with _ws(db, create=True) as ws:
        entries = ws.register_outlets(str(file), replace=replace)
        total, stored = len(ws.store.outlets()), ws.store.count_articles()
        url = ws.store.url
    print(errors.OUTLETS_IMPORTED.format(n=len(entries), url=url, total=total), file=sys.stderr)
    if stored:
        print(errors.OUTLETS_LATER_ONLY.format(n=stored), file=sys.stderr)
