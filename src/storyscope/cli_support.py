"""The plumbing every command shares: opening the store, one-line errors, progress, tables, output."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table

from storyscope import errors
from storyscope.errors import StoryscopeError

DbOpt = typer.Option(None, "--db", help="SQLite file or postgresql:// URL (default: ./storyscope.db or $STORYSCOPE_DB)")
LIST_FORMATS = ("table", "json", "csv")
ListFormatOpt = typer.Option("table", "--format", "-f", help="table|json|csv")

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


def _store_url(db: Optional[str]) -> str:
    from storyscope.workspace import DEFAULT_DB
    return db or os.environ.get("STORYSCOPE_DB") or DEFAULT_DB


def _is_missing(url: str) -> bool:
    """A SQLite path with no file behind it (a PostgreSQL URL is checked by connecting)."""
    return not url.startswith(("postgresql://", "postgres://")) and url != ":memory:" and not os.path.exists(url)


@contextmanager
def _ws(db: Optional[str], *, create: bool = False):
    """The workspace of ``--db``; a command that only reads refuses a store that does not exist
    (a mistyped path must not print an empty result). Any StoryscopeError becomes one line and exit 1."""
    from storyscope.workspace import Workspace
    url = _store_url(db)
    try:
        if not create and _is_missing(url):
            raise errors.NoStore(url)
        with Workspace(url) as ws:
            yield ws
    except StoryscopeError as e:
        _fail(e)


def _report_error(e) -> None:
    print(f"error: {e}", file=sys.stderr)


def _progress():
    """Rich progress on stderr: what, bar, done/total, time spent, time left."""
    return Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("left"), TimeRemainingColumn(), console=err, transient=True)


class _PhaseBars:
    """``orchestrate.Progress`` as rich bars: one per phase after ingest (reading, grouping, comparing)."""
    LABELS = {"reading": "reading articles", "grouping": "grouping into stories", "comparing": "comparing stories"}

    def __init__(self, prog):
        self.prog, self.task = prog, None

    def start(self, phase: str, total) -> None:
        self.task = self.prog.add_task(self.LABELS[phase], total=total) if phase in self.LABELS else None

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.prog.advance(self.task, n)

    def end(self, phase: str) -> None:
        if self.task is not None and self.prog.tasks[self.task].total is None:
            self.prog.update(self.task, total=1, completed=1)


def _fail(e: Exception) -> None:
    print(f"error: {e}", file=sys.stderr)
    raise typer.Exit(1)


def _ingest_summary(report, paths: List[str]) -> None:
    """One count line; exit 1 when an input failed or nothing at all could be read."""
    print(f"{len(report.added)} added, {len(report.existing)} already stored, {len(report.errors)} errors",
          file=sys.stderr)
    if not report.added and not report.existing:
        print(f"error: {errors.NOTHING_ADDED.format(inputs=', '.join(paths))}", file=sys.stderr)
    if report.errors or (not report.added and not report.existing):
        raise typer.Exit(1)


def _story_id(ws, key: str) -> str:
    """A story named by its id, a unique id prefix, or words of its title (case-insensitive)."""
    try:
        return ws.story(key)["id"]
    except errors.NotFound:
        hits = [s for s in ws.stories() if key.lower() in (s.get("title") or "").lower()]
        if len(hits) == 1:
            return hits[0]["id"]
        if hits:
            raise StoryscopeError(errors.AMBIGUOUS_STORY.format(key=key, n=len(hits),
                                                                ids=", ".join(s["id"] for s in hits[:5])))
        raise


def _check_format(value: str, allowed: tuple[str, ...], what: str = "format") -> str:
    if value not in allowed:
        _fail(errors.StoryscopeError(errors.BAD_CHOICE.format(what=what, value=value, allowed="|".join(allowed))))
    return value


def _write(text: str, output: Optional[Path], what: str = "output") -> None:
    """Data to ``output`` (saying where on stderr) or to stdout."""
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8", newline="")
        print(f"{what} written to {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _table(*columns: str) -> Table:
    """A terminal table that wraps long cells instead of cutting them (ids and dates never wrap)."""
    t = Table(box=None, pad_edge=False)
    for c in columns:
        t.add_column(c, overflow="fold", no_wrap=c in ("id", "published", "pattern"), min_width=NO_WRAP_WIDTH.get(c))
    return t


NO_WRAP_WIDTH = {"id": 18, "published": 21}  # an article or story id; "2025-03-14 (inferred)"
