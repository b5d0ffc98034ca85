"""Command line: a thin Typer shell over ``Workspace``. Data on stdout, messages on stderr."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer

from storyscope import __version__, errors
from storyscope.cli_outlets import outlets_app
from storyscope.cli_support import (LIST_FORMATS, DbOpt, ListFormatOpt, _check_format, _fail, _ingest_summary,
                                    _is_missing, _PhaseBars, _progress, _report_error, _store_url, _story_id, _table,
                                    _write, _ws, out)
from storyscope.errors import StoryscopeError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Group news articles into stories and compare how outlets cover each one.")
eval_app = typer.Typer(no_args_is_help=True, help="Evaluation commands: each prints JSON scores to stdout.")
app.add_typer(eval_app, name="eval")
app.add_typer(outlets_app, name="outlets")

OutletOpt = typer.Option(None, "--outlet", help="outlet of inputs that do not name one (e.g. a folder of .txt files from one site)")


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
    with _ws(db, create=True) as ws:
        report = ws.ingest(paths, allow_private=allow_private, on_error=_report_error, outlet=outlet)
    _ingest_summary(report, paths)


@app.command()
def articles(db: Optional[str] = DbOpt, format: str = ListFormatOpt):
    """List stored articles: id, outlet/credit, published date, title."""
    from storyscope.dossier.render_csv import render_articles_csv
    _check_format(format, LIST_FORMATS)
    with _ws(db) as ws:
        rows = ws.article_records(ws.articles())  # the records the web app and its API show
    if format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if format == "csv":
        sys.stdout.write(render_articles_csv(rows, extra=("story_id",)))
        return
    t = _table("id", "outlet / credit", "published", "title")
    for a in rows:
        src = {"explicit": "", "inferred": " (inferred)", "unknown": ""}.get(a["published_source"], "")
        who = " / ".join(x for x in dict.fromkeys([a["outlet"], a["credit"]]) if x) or "-"
        t.add_row(a["id"], who, (a["published"] or "-") + src, a["title"] or "(untitled)")
    out.print(t)


@app.command()
def show(article_id: str, db: Optional[str] = DbOpt,
         format: str = typer.Option("text", "--format", "-f", help="text|json")):
    """Show one article: metadata, then the text with debris marked."""
    with _ws(db) as ws:
        a = ws.article(article_id)
        layers = ws.layers(a.id)
        row = ws.article_records([a])[0]
    if format == "json":
        print(json.dumps({**row, "text": a.text,
                          "layers": {n: [s.to_dict() for s in sp] for n, sp in layers.items()}}, ensure_ascii=False))
        return
    for k, v in row.items():
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


DOSSIER_FORMATS = ("html", "md", "json")
DOSSIER_ALIASES = {"markdown": "md", "htm": "html"}  # the names people type for the same formats
DossierFormatOpt = typer.Option("html", "--format", "-f", help="html|md|json (markdown = md)")


def _dossier_format(value: str) -> str:
    """The dossier format named by ``value`` (an alias such as ``markdown`` taken as ``md``); exits 1 otherwise."""
    return _check_format(DOSSIER_ALIASES.get(value.lower(), value.lower()), DOSSIER_FORMATS)


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
StoryOpt = typer.Option(None, "--story", "-s", help="only this story: an id (or unique prefix) from `storyscope stories` "
                                                    "or words of its title; repeat for more; default: every story")
OutputOpt = typer.Option(None, "--output", "-o", help="write the dossier here (default: stdout)")
UncertainOpt = typer.Option(False, "--uncertain", help="also show findings below their confidence threshold, "
                                                      "marked uncertain (HTML and Markdown; JSON always has all)")


@app.command()
def analyze(paths: List[str] = typer.Argument(None, help="inputs to ingest first (optional)"),
            db: Optional[str] = DbOpt, format: str = DossierFormatOpt, output: Optional[Path] = OutputOpt,
            story: Optional[List[str]] = StoryOpt,
            open_: bool = typer.Option(False, "--open", help="open the HTML dossier in a browser (written to "
                                                             "./dossier.html unless --output says where)"),
            allow_private: bool = typer.Option(False, "--allow-private"),
            outlet: Optional[str] = OutletOpt, uncertain: bool = UncertainOpt):
    """Ingest, read, group into stories, compare and render the dossier in one go."""
    format = _dossier_format(format)
    if open_ and output is None:
        output = Path("dossier.html" if format == "html" else f"dossier.{format}")
    from storyscope.orchestrate import Orchestrator

    def ingested(rep) -> None:
        try:
            _ingest_summary(rep, paths)
        except typer.Exit:
            if not rep.added and not rep.existing:
                raise  # nothing to analyse; a failed input among good ones is reported and the rest goes on
    with _ws(db, create=bool(paths)) as ws:
        with _progress() as prog:  # findings are stored, so the dossier below only assembles them
            res = Orchestrator(ws, on_error=_report_error, progress=_PhaseBars(prog)).run(
                paths or (), allow_private=allow_private, outlet=outlet, on_ingested=ingested,
                compare=(lambda _: [_story_id(ws, s) for s in story]) if story else True)
        print(f"{_counted(ws.store.count_articles(), 'article', 'articles')} in "
              f"{_counted(len(res.stories), 'story', 'stories')}", file=sys.stderr)
        dossier = ws.dossier([s for s in res.findings if s not in res.failed], on_error=_report_error)
    _write_dossier(dossier, format, output, open_, uncertain)


def _write_dossier(dossier: dict, format: str, output: Optional[Path], open_: bool = False,
                   uncertain: bool = False) -> None:
    from storyscope.dossier.render import render
    _write(render(dossier, format, include_uncertain=uncertain), output, "dossier")
    if open_ and output is not None:
        import webbrowser
        where = output.resolve()
        if format != "html":
            print(errors.OPEN_HTML_ONLY.format(path=where), file=sys.stderr)
        elif not webbrowser.open(where.as_uri()):
            print(errors.NO_BROWSER.format(path=where), file=sys.stderr)


STORY_COLUMNS = ("id", "title", "articles", "outlets", "start", "end")


@app.command()
def stories(db: Optional[str] = DbOpt, format: str = ListFormatOpt,
            rebuild: bool = typer.Option(False, "--rebuild", help="re-cluster all articles from scratch")):
    """List stories (grouping any articles not yet assigned)."""
    from storyscope.dossier.render_csv import to_csv
    _check_format(format, LIST_FORMATS)
    with _ws(db) as ws:
        ss = ws.group(rebuild=rebuild)
    if format == "json":
        print(json.dumps(ss, ensure_ascii=False, indent=2))
        return
    if format == "csv":
        sys.stdout.write(to_csv(STORY_COLUMNS, ({**s, "articles": len(s["article_ids"])} for s in ss)))
        return
    t = _table("id", "articles", "outlets", "dates", "title")
    for s in ss:
        t.add_row(s["id"], str(len(s["article_ids"])), ", ".join(s.get("outlets", [])),
                  f"{s.get('start') or '?'} – {s.get('end') or '?'}", s.get("title", ""))
    out.print(t)


@app.command()
def export(story_id: str = typer.Argument(..., help="a story id (or unique prefix) from `storyscope stories`, or words of its title"),
           table: str = typer.Argument(..., help="claims|disputes|quotes|omissions"),
           db: Optional[str] = DbOpt, output: Optional[Path] = typer.Option(None, "--output", "-o")):
    """One story's claims, disputes, quotes or omissions as CSV: one row per cited span, with the
    article id, its outlet and the character offsets of the words."""
    from storyscope.dossier.render_csv import TABLES, render_story_csv
    _check_format(table, TABLES, "table")
    with _ws(db) as ws:
        sid = _story_id(ws, story_id)
        d = ws.dossier([sid], on_error=_report_error)
    if not d["stories"]:
        raise typer.Exit(1)  # the comparison failed and was reported
    _write(render_story_csv(d, sid, table), output, f"{table} of story {sid}")


@app.command()
def dossier(story_ids: List[str] = typer.Argument(None, hidden=True), db: Optional[str] = DbOpt,
            story: Optional[List[str]] = StoryOpt, format: str = DossierFormatOpt,
            output: Optional[Path] = OutputOpt, uncertain: bool = UncertainOpt):
    """Render the dossier of stored stories (after `analyze`; a story not yet compared is compared now)."""
    format = _dossier_format(format)
    keys = [*(story or []), *(story_ids or [])]  # positional ids: the old spelling, still accepted
    with _ws(db) as ws:
        d = ws.dossier([_story_id(ws, k) for k in keys] or None, on_error=_report_error)
    _write_dossier(d, format, output, uncertain=uncertain)


SEARCH_COLUMNS = ("id", "outlet", "title", "snippet")


@app.command()
def search(query: str, db: Optional[str] = DbOpt, limit: int = 20,
           format: str = typer.Option("jsonl", "--format", "-f", help="jsonl|csv")):
    """Full-text search over stored articles; the snippet marks matched words \\[like this]."""
    from storyscope.dossier.render_csv import to_csv
    _check_format(format, ("jsonl", "csv"))
    with _ws(db) as ws:
        hits = ws.search(query, limit)
    if format == "csv":
        sys.stdout.write(to_csv(SEARCH_COLUMNS, hits))
        return
    for hit in hits:
        print(json.dumps(hit, ensure_ascii=False))


@app.command()
def serve(db: Optional[str] = DbOpt, host: str = "127.0.0.1", port: int = 8000,
          token: Optional[str] = typer.Option(None, "--token", envvar="STORYSCOPE_TOKEN",
                                              help="token for write endpoints (required beyond localhost)")):
    """Run the web app and JSON API; prints the address to open."""
    from storyscope.web.app import run_server
    url = _store_url(db)
    if _is_missing(url):  # the web app can start empty (its Ingest page adds articles), but never silently
        print(errors.NEW_STORE.format(url=url), file=sys.stderr)
    try:
        run_server(db=url, host=host, port=port, token=token,
                   on_ready=lambda address: print(errors.SERVING.format(url=address), file=sys.stderr, flush=True))
    except StoryscopeError as e:
        _fail(e)


@app.command()
def batch(inputs: List[str] = typer.Argument(..., help="JSON Lines, Parquet or WARC files"),
          ray: bool = typer.Option(False, "--ray", help="run on Ray (a local Ray unless --ray-address is given)"),
          ray_address: Optional[str] = typer.Option(None, "--ray-address", metavar="ADDR",
                                                    help="address of a running Ray cluster (implies --ray)"),
          db: Optional[str] = DbOpt, output: Optional[Path] = typer.Option(None, "--output", help="Parquet output dir"),
          workers: int = typer.Option(2, "--workers"),
          processes: int = typer.Option(1, "--processes", help="without Ray: read and compare in N processes (this one and N-1 workers)")):
    """Run the whole pipeline over JSON Lines / Parquet / WARC inputs, locally or on Ray."""
    from storyscope.batch import run_batch
    address = ray_address or ("local" if ray else None)
    try:
        summary = run_batch(inputs, ray_address=address, db=db, output=str(output) if output else None,
                            workers=workers, on_error=_report_error, processes=processes)
    except StoryscopeError as e:
        _fail(e)
    print(json.dumps(summary, indent=2))


def _emit(result: dict) -> None:
    print(json.dumps(result, indent=2))


@contextmanager
def _eval_data():
    """Missing or malformed evaluation data: one line naming the file and the reason, exit 1."""
    try:
        yield
    except (OSError, ValueError, KeyError, StoryscopeError) as e:
        _fail(e if not isinstance(e, KeyError) else f"missing column or field {e}")


@eval_app.command("quotes")
def eval_quotes(data: Path = typer.Option(..., "--data", help="PolNeAR-layout dir (text/, attributions/)"),
                limit: Optional[int] = typer.Option(None, "--limit")):
    """Quote attribution: source, cue and content P/R/F1 (exact and overlap)."""
    from storyscope.evaluate.quotes import evaluate_quotes
    with _eval_data():
        _emit(evaluate_quotes(str(data), limit=limit))


@eval_app.command("time")
def eval_time(data: Path = typer.Option(..., "--data", help="folder of TimeML .tml files"),
              split: str = typer.Option("all", "--split", help="dev (every 5th file, held out), tune (the rest) or all")):
    """Temporal expressions: TempEval-3 strict, relaxed and value P/R/F1, and documents/s."""
    from storyscope.evaluate.time import evaluate_time
    with _eval_data():
        _emit(evaluate_time(str(data), split=split))


@eval_app.command("stance")
def eval_stance(data: Path = typer.Option(..., "--data"), split: str = typer.Option("test", "--split")):
    """Stance (FNC-1 layout): official relative score, macro F1, per class, confusion."""
    from storyscope.evaluate.stance import evaluate_stance
    with _eval_data():
        _emit(evaluate_stance(str(data), split))


@eval_app.command("stories")
def eval_stories(data: Path = typer.Option(..., "--data", help="JSON Lines in the generic stories format"),
                 peers: bool = typer.Option(True, "--peers/--no-peers", help="run the two oracle-tuned peers"),
                 batch: bool = typer.Option(True, "--batch/--no-batch", help="also score cluster_batch")):
    """Story grouping as Workspace.group does it: B-cubed, pairwise, ARI, beside the TF-IDF and MiniLM peers."""
    from storyscope.evaluate.stories import evaluate_stories
    with _eval_data():
        _emit(evaluate_stories(str(data), peers=peers, batch=batch))


@eval_app.command("seeds")
def eval_seeds(dossier_json: Path = typer.Argument(...), gold: Path = typer.Option(..., "--gold")):
    """Check a dossier JSON against a gold file in the seeds' expected.json format.

    Prints the check as JSON; exits 1 when it fails (`pass` false), so scripts and CI can gate on it."""
    from storyscope.evaluate.gold import check_dossier
    with _eval_data():
        result = check_dossier(json.loads(dossier_json.read_text()), str(gold))
    _emit(result)
    if not result.get("pass"):
        raise typer.Exit(1)


@eval_app.command("pages")
def eval_pages(data: Path = typer.Option(..., "--data", help="folder with body/body.json and/or dates/dates.json"),
               limit: Optional[int] = typer.Option(None, "--limit", help="at most this many pages per set")):
    """Saved web pages: text snippets and publication dates, Storyscope beside trafilatura and htmldate."""
    from storyscope.evaluate.pages import evaluate_pages
    with _eval_data():
        _emit(evaluate_pages(str(data), limit=limit))


@eval_app.command("findings")
def eval_findings(labels: Path = typer.Option(..., "--labels", help="labels dir holding items.jsonl"),
                  data: Path = typer.Option(..., "--data", help="stories JSON Lines the labels refer to (BASIL, ECB+)"),
                  split: str = typer.Option("dev", "--split", help="dev|test|all"),
                  min_overlap: float = typer.Option(0.8, "--min-overlap", help="span match: share each range covers of the other"),
                  db: Optional[str] = typer.Option(None, "--db", help="store kept between runs (reading layers, findings)")):
    """Cross-outlet findings on labelled real events: precision, coverage and recall per finding kind."""
    from storyscope.evaluate.findings import evaluate_findings
    if split not in ("dev", "test", "all"):
        from storyscope import errors
        _fail(errors.InputError(f"--split {split}", errors.BAD_SPLIT))
    with _eval_data():
        _emit(evaluate_findings(str(labels), str(data), split=split, min_overlap=min_overlap, db=db,
                                progress=lambda m: print(m, file=sys.stderr, flush=True)))


@eval_app.command("pairs")
def eval_pairs(task: str = typer.Option(..., "--task", help="same-claim|contradiction"),
               data: Path = typer.Option(..., "--data", help="JSON Lines: id, a, b, label"),
               fold: str = typer.Option("all", "--fold", help="all|dev|train (the pair models' split)"),
               threshold: Optional[float] = typer.Option(None, "--threshold", help="instead of the shipped one")):
    """Pair decisions of the dossier (claim merge, dispute): accuracy and positive-class P/R/F1."""
    from storyscope.evaluate.pairs import evaluate_pairs
    with _eval_data():
        _emit(evaluate_pairs(data, task, fold, threshold))


def main():  # console script entry point
    try:
        app()
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
