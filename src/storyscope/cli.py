"""Command line: a thin Typer shell over ``Workspace``. Data on stdout, messages on stderr."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyscope import __version__
from storyscope.errors import StoryscopeError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Group news articles into stories and compare how outlets cover each one.")
eval_app = typer.Typer(no_args_is_help=True, help="Evaluation commands: each prints JSON scores to stdout.")
app.add_typer(eval_app, name="eval")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)

DbOpt = typer.Option(None, "--db", help="SQLite file or postgresql:// URL (default: ./storyscope.db or $STORYSCOPE_DB)")
OutletOpt = typer.Option(None, "--outlet", help="outlet of inputs that do not name one (e.g. a folder of .txt files from one site)")


def _ws(db):
    from storyscope.workspace import Workspace
    return Workspace(db)


def _report_error(e) -> None:
    print(f"error: {e}", file=sys.stderr)


def _progress():
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True)


def _fail(e: Exception) -> None:
    print(f"error: {e}", file=sys.stderr)
    raise typer.Exit(1)


@app.command()
def version():
    """Print the version."""
    print(__version__)


@app.command()
def ingest(paths: List[str] = typer.Argument(..., help="files, directories, globs, feeds or URLs"),
           db: Optional[str] = DbOpt,
           allow_private: bool = typer.Option(False, "--allow-private", help="allow URLs on private/loopback addresses"),
           outlet: Optional[str] = OutletOpt):
    """Read articles into the store. Re-ingesting the same article changes nothing."""
    with _ws(db) as ws:
        report = ws.ingest(paths, allow_private=allow_private, on_error=_report_error, outlet=outlet)
    print(f"{len(report.added)} added, {len(report.existing)} already stored, {len(report.errors)} errors",
          file=sys.stderr)
    if report.errors and not report.added and not report.existing:
        raise typer.Exit(1)


def _article_row(a) -> dict:
    return {"id": a.id, "title": a.title, "outlet": a.outlet, "credit": a.credit, "byline": a.byline,
            "published": a.published, "published_source": a.published_source, "path": a.path, "url": a.url}


@app.command()
def articles(db: Optional[str] = DbOpt, format: str = typer.Option("table", "--format", "-f", help="table|json")):
    """List stored articles: id, outlet/credit, published date, title."""
    with _ws(db) as ws:
        arts = ws.articles()
    if format == "json":
        print(json.dumps([_article_row(a) for a in arts], ensure_ascii=False, indent=2))
        return
    t = Table("id", "outlet / credit", "published", "title", box=None, pad_edge=False)
    for a in arts:
        src = {"explicit": "", "inferred": " (inferred)", "unknown": ""}.get(a.published_source, "")
        who = " / ".join(x for x in dict.fromkeys([a.outlet, a.credit]) if x) or "-"
        t.add_row(a.id[:12], who, (a.published or "-") + src, a.title or "(untitled)")
    out.print(t)


@app.command()
def show(article_id: str, db: Optional[str] = DbOpt,
         format: str = typer.Option("text", "--format", "-f", help="text|json")):
    """Show one article: metadata, then the text with debris marked."""
    try:
        with _ws(db) as ws:
            a = ws.article(article_id)
            layers = ws.layers(a.id)
    except StoryscopeError as e:
        _fail(e)
    if format == "json":
        print(json.dumps({**_article_row(a), "text": a.text,
                          "layers": {n: [s.to_dict() for s in sp] for n, sp in layers.items()}}, ensure_ascii=False))
        return
    for k, v in _article_row(a).items():
        if v:
            print(f"{k:>16}: {v}")
    print()
    debris = sorted(layers.get("debris", []), key=lambda s: s.start)
    pos = 0
    buf = []
    for d in debris:
        buf.append(a.text[pos:d.start])
        buf.append(f"[debris:{d.label}]{a.text[d.start:d.end]}[/debris]")
        pos = d.end
    buf.append(a.text[pos:])
    print("".join(buf))


@app.command()
def analyze(paths: List[str] = typer.Argument(None, help="inputs to ingest first (optional)"),
            db: Optional[str] = DbOpt,
            format: str = typer.Option("html", "--format", "-f", help="html|md|json"),
            output: Optional[Path] = typer.Option(None, "--output", "-o", help="write the dossier here (default stdout)"),
            story: Optional[List[str]] = typer.Option(None, "--story", help="only these story ids"),
            open_: bool = typer.Option(False, "--open", help="open the HTML dossier in a browser"),
            allow_private: bool = typer.Option(False, "--allow-private"),
            outlet: Optional[str] = OutletOpt):
    """Ingest, read, group into stories, compare and render the dossier in one go."""
    from storyscope.dossier.render import render
    try:
        with _ws(db) as ws:
            if paths:
                rep = ws.ingest(paths, allow_private=allow_private, on_error=_report_error, outlet=outlet)
                print(f"{len(rep.added)} added, {len(rep.existing)} already stored, {len(rep.errors)} errors",
                      file=sys.stderr)
            total = ws.store.count_articles()
            with _progress() as prog:
                task = prog.add_task("reading", total=total)
                ws.analyze(on_error=_report_error, progress=lambda n: prog.advance(task, n))
            stories = ws.group()
            print(f"{total} articles in {len(stories)} stories", file=sys.stderr)
            dossier = ws.dossier(story or None, on_error=_report_error)
    except StoryscopeError as e:
        _fail(e)
    text = render(dossier, format)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        print(f"dossier written to {output}", file=sys.stderr)
        if open_ and format == "html":
            import webbrowser
            webbrowser.open(output.resolve().as_uri())
    else:
        sys.stdout.write(text)


@app.command()
def stories(db: Optional[str] = DbOpt, format: str = typer.Option("table", "--format", "-f", help="table|json"),
            rebuild: bool = typer.Option(False, "--rebuild", help="re-cluster all articles from scratch")):
    """List stories (grouping any articles not yet assigned)."""
    with _ws(db) as ws:
        ss = ws.group(rebuild=rebuild)
    if format == "json":
        print(json.dumps(ss, ensure_ascii=False, indent=2))
        return
    t = Table("id", "articles", "outlets", "dates", "title", box=None, pad_edge=False)
    for s in ss:
        t.add_row(s["id"][:12], str(len(s["article_ids"])), ", ".join(s.get("outlets", []))[:40],
                  f"{s.get('start') or '?'} – {s.get('end') or '?'}", s.get("title", ""))
    out.print(t)


@app.command()
def dossier(story_ids: List[str] = typer.Argument(None), db: Optional[str] = DbOpt,
            format: str = typer.Option("json", "--format", "-f", help="html|md|json"),
            output: Optional[Path] = typer.Option(None, "--output", "-o")):
    """Render the dossier of stored stories (run `analyze` first)."""
    from storyscope.dossier.render import render
    try:
        with _ws(db) as ws:
            text = render(ws.dossier(story_ids or None, on_error=_report_error), format)
    except StoryscopeError as e:
        _fail(e)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command()
def search(query: str, db: Optional[str] = DbOpt, limit: int = 20):
    """Full-text search over stored articles (JSON lines)."""
    with _ws(db) as ws:
        for hit in ws.search(query, limit):
            print(json.dumps(hit, ensure_ascii=False))


@app.command()
def serve(db: Optional[str] = DbOpt, host: str = "127.0.0.1", port: int = 8000,
          token: Optional[str] = typer.Option(None, "--token", envvar="STORYSCOPE_TOKEN",
                                              help="token for write endpoints (required beyond localhost)")):
    """Run the web app and JSON API."""
    from storyscope.web.app import run_server
    try:
        run_server(db=db, host=host, port=port, token=token)
    except StoryscopeError as e:
        _fail(e)


@app.command()
def batch(inputs: List[str] = typer.Argument(...), ray: Optional[str] = typer.Option(
              None, "--ray", flag_value="local", help="run on Ray (no address: start a local Ray)"),
          db: Optional[str] = DbOpt, output: Optional[Path] = typer.Option(None, "--output", help="Parquet output dir"),
          workers: int = typer.Option(2, "--workers")):
    """Run the whole pipeline over JSON Lines / Parquet / WARC inputs, locally or on Ray."""
    from storyscope.batch import run_batch
    try:
        summary = run_batch(inputs, ray_address=ray, db=db, output=str(output) if output else None, workers=workers,
                            on_error=_report_error)
    except StoryscopeError as e:
        _fail(e)
    print(json.dumps(summary, indent=2))


def _emit(result: dict) -> None:
    print(json.dumps(result, indent=2))


@eval_app.command("quotes")
def eval_quotes(data: Path = typer.Option(..., "--data", help="PolNeAR-layout dir (text/, attributions/)"),
                limit: Optional[int] = typer.Option(None, "--limit")):
    """Quote attribution: source, cue and content P/R/F1 (exact and overlap)."""
    from storyscope.evaluate.quotes import evaluate_quotes
    _emit(evaluate_quotes(str(data), limit=limit))


@eval_app.command("time")
def eval_time(data: Path = typer.Option(..., "--data", help="folder of TimeML .tml files")):
    """Temporal expressions: TempEval-3 strict, relaxed and value P/R/F1."""
    from storyscope.evaluate.time import evaluate_time
    _emit(evaluate_time(str(data)))


@eval_app.command("stance")
def eval_stance(data: Path = typer.Option(..., "--data"), split: str = typer.Option("test", "--split")):
    """Stance (FNC-1 layout): official relative score, macro F1, per class, confusion."""
    from storyscope.evaluate.stance import evaluate_stance
    _emit(evaluate_stance(str(data), split))


@eval_app.command("stories")
def eval_stories(data: Path = typer.Option(..., "--data", help="JSON Lines in the generic stories format"),
                 peers: bool = typer.Option(True, "--peers/--no-peers", help="run the two oracle-tuned peers"),
                 batch: bool = typer.Option(True, "--batch/--no-batch", help="also score cluster_batch")):
    """Story grouping as Workspace.group does it: B-cubed, pairwise, ARI, beside the TF-IDF and MiniLM peers."""
    from storyscope.evaluate.stories import evaluate_stories
    _emit(evaluate_stories(str(data), peers=peers, batch=batch))


@eval_app.command("seeds")
def eval_seeds(dossier_json: Path = typer.Argument(...), gold: Path = typer.Option(..., "--gold")):
    """Check a dossier JSON against a gold file in the seeds' expected.json format."""
    from storyscope.evaluate.gold import check_dossier
    _emit(check_dossier(json.loads(dossier_json.read_text()), str(gold)))


def main():  # console script entry point
    try:
        app()
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
