"""The command line through Typer's CliRunner, on real stores and the project's example corpus."""
from __future__ import annotations

import json
import pathlib
import shutil

import pytest
from typer.testing import CliRunner

from storyscope.cli import app

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"
runner = CliRunner()


def run(*args: str, ok: bool = True):
    r = runner.invoke(app, list(args))
    if ok:
        assert r.exit_code == 0, (args, r.output, r.exception)
    return r


@pytest.mark.parametrize("args", [["articles"], ["stories"], ["dossier"], ["search", "dam"], ["show", "abc"],
                                  ["analyze"]])
def test_reading_commands_refuse_a_missing_store(tmp_path, args):
    db = tmp_path / "typo.db"
    r = run(*args, "--db", str(db), ok=False)
    assert r.exit_code == 1
    assert r.stderr.strip() == f"error: no store at {db}; run storyscope ingest first"
    assert not db.exists()  # a mistyped --db creates nothing


def test_ingest_says_why_nothing_was_added(tmp_path):
    db = str(tmp_path / "s.db")
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("ingest", str(empty), "--db", db, ok=False)
    assert r.exit_code == 1 and f"{empty}: empty folder" in r.stderr and "nothing was added" in r.stderr
    other = tmp_path / "pdfs"
    other.mkdir()
    (other / "report.pdf").write_bytes(b"%PDF-1.4")
    r = run("ingest", str(other), "--db", db, ok=False)
    assert r.exit_code == 1 and f"{other}: no file Storyscope can read" in r.stderr


def test_ingest_bad_jsonl_line_fails_the_command_but_keeps_the_good_lines(tmp_path):
    feed = tmp_path / "wire.jsonl"
    good = {"id": "w1", "outlet": "Ostmark Herald", "title": "Ferry crews return",
            "text": "The Ostmark ferry crews returned to work on Tuesday, the union said."}
    feed.write_text(json.dumps(good) + "\n{not json\n")
    db = str(tmp_path / "s.db")
    r = run("ingest", str(feed), "--db", db, ok=False)
    assert r.exit_code == 1
    assert f"{feed}: line 2: invalid JSON" in r.stderr and "1 added, 0 already stored, 1 errors" in r.stderr
    r = run("ingest", str(feed), "--db", db, ok=False)  # re-ingest: the good line is already stored
    assert "0 added, 1 already stored, 1 errors" in r.stderr


def test_eval_stance_missing_split_is_one_line(tmp_path):
    r = run("eval", "stance", "--data", str(tmp_path), "--split", "dev", ok=False)
    assert r.exit_code == 1 and "Traceback" not in r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "dev_bodies.csv: no such file" in lines[0], lines


def readme_commands() -> list[list[str]]:
    """The `storyscope ...` lines of the README's "Using it" block, as argument lists (comments dropped)."""
    import shlex
    text = (ROOT / "README.md").read_text()
    block = text.split("## Using it", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [shlex.split(ln, comments=True)[1:] for ln in block.splitlines() if ln.startswith("storyscope ")]


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    """Every command of the README's "Using it" section, as written, in a folder laid out like a clone
    (``examples/``), with no browser and no $STORYSCOPE_DB: the folder and each command's result."""
    import os
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'ray[data]')")
    d = tmp_path_factory.mktemp("clone")
    (d / "examples").symlink_to(ROOT / "examples")
    results = {}
    cwd = os.getcwd()
    os.chdir(d)
    try:
        for args in readme_commands():
            if args[0] == "serve":  # runs until stopped: test_serve_prints_its_url starts it for real
                continue
            r = runner.invoke(app, args, env={"STORYSCOPE_DB": None, "BROWSER": "false"})
            if args[:2] == ["eval", "seeds"]:  # a check: exit 1 says the gold is not all found, JSON either way
                assert r.exit_code == (0 if json.loads(r.stdout)["pass"] else 1), (args, r.output, r.exception)
            else:
                assert r.exit_code == 0, (args, r.output, r.exception)
            results[" ".join(args)] = r
    finally:
        os.chdir(cwd)
        if "ray" in __import__("sys").modules:
            import ray
            ray.shutdown()
    return d, results


@pytest.fixture(scope="module")
def analysed(readme_run):
    """The README's store and its whole dossier: (store path, dossier dict)."""
    d, _ = readme_run
    return str(d / "storyscope.db"), json.loads((d / "dossier.json").read_text())


def test_readme_commands_run_as_written(readme_run):
    d, results = readme_run
    assert [a[0] for a in readme_commands()] == ["outlets", "ingest", "articles", "outlets", "show", "analyze",
                                                 "stories", "dossier", "export", "search", "dossier", "eval", "batch",
                                                 "serve"]
    assert (d / "dossier.html").exists() and "Korvath" in (d / "korvath.md").read_text()
    assert _csv((d / "quotes.csv").read_text())
    batch = next(r for k, r in results.items() if k.startswith("batch "))
    summary = json.loads(batch.stdout)  # `--ray --db out/big.db`: --ray takes no value
    assert summary["mode"].startswith("ray") and summary["articles"] == 2 and (d / "out" / "big.db").exists()
    assert json.loads(next(r for k, r in results.items() if k.startswith("eval ")).stdout)
    show = next(r for k, r in results.items() if k.startswith("show "))
    assert "Kestrel Press Agency" in show.stdout
    assert "6 outlets registered" in results["outlets import examples/outlets.csv"].stderr
    listed = results["outlets"].stdout  # the registered outlets with their article counts (name cells fold)
    assert "radio-nordvale.example" in listed


def _csv(text: str) -> list[dict]:
    import csv
    import io
    return list(csv.DictReader(io.StringIO(text)))


def test_list_commands_speak_csv(analysed):
    db, dossier = analysed
    arts = _csv(run("articles", "--db", db, "--format", "csv").stdout)
    assert sorted(a["id"] for a in arts) == sorted(a["id"] for a in dossier["articles"])
    stories = _csv(run("stories", "--db", db, "-f", "csv").stdout)
    assert sorted(s["id"] for s in stories) == sorted(s["id"] for s in dossier["stories"])
    hits = _csv(run("search", "Korvath", "--db", db, "-f", "csv").stdout)
    assert hits and all("[" in h["snippet"] for h in hits)
    r = run("articles", "--db", db, "--format", "xml", ok=False)
    assert r.exit_code == 1 and "unknown format 'xml': choose one of table|json|csv" in r.stderr


def test_export_story_tables(analysed, tmp_path):
    db, dossier = analysed
    story = max(dossier["stories"], key=lambda s: len(s["claims"]))
    texts = {a["id"]: a["text"] for a in dossier["articles"]}
    for table in ("claims", "disputes", "quotes", "omissions"):
        out = tmp_path / f"{table}.csv"
        r = run("export", story["id"][:10], table, "--db", db, "-o", str(out))
        assert str(out) in r.stderr
        rows = _csv(out.read_text())
        for row in rows:
            aid = row["reported_in"] if table == "omissions" else row["article_id"]
            assert texts[aid][int(row["start"]):int(row["end"])] == row["evidence"].removeprefix("'")
        if table in ("claims", "quotes"):
            assert rows, table
    quotes = _csv(run("export", story["id"], "quotes", "--db", db).stdout)
    assert {"speaker", "text", "outlet", "integrity", "article_id", "start", "end"} <= set(quotes[0])
    r = run("export", "nope", "claims", "--db", db, ok=False)
    assert r.exit_code == 1 and "no story with id 'nope'" in r.stderr


def test_license_is_an_spdx_string():
    """A TOML-table license makes setuptools print pages of deprecation warnings on every install."""
    import tomllib
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["license"] == "Apache-2.0"


def test_analyze_shows_progress_for_reading_grouping_comparing(analysed, monkeypatch):
    import io

    from rich.console import Console

    import storyscope.cli_support as cli_support
    db, dossier = analysed
    buf = io.StringIO()
    monkeypatch.setattr(cli_support, "err", Console(file=buf, force_terminal=True, width=140))
    run("analyze", "--db", db, "--format", "json")
    shown = buf.getvalue()
    n_art, n_st = len(dossier["articles"]), len(dossier["stories"])
    for label, count in (("reading articles", f"{n_art}/{n_art}"), ("grouping into stories", "1/1"),
                         ("comparing stories", f"{n_st}/{n_st}")):
        assert label in shown and count in shown, (label, shown[-2000:])


def test_story_choice_and_default_format_are_one_convention(analysed):
    db, dossier = analysed
    sid = dossier["stories"][0]["id"]
    a = run("analyze", "--db", db, "--story", sid[:8]).stdout
    d = run("dossier", "--db", db, "--story", sid[:8]).stdout
    assert a.lstrip().lower().startswith("<!doctype html") and d.lstrip().lower().startswith("<!doctype html")
    one = json.loads(run("dossier", "--db", db, "-s", sid, "-f", "json").stdout)
    assert [s["id"] for s in one["stories"]] == [sid]
    r = run("dossier", "--db", db, "--story", "s-nope", ok=False)
    assert r.exit_code == 1 and "no story with id 's-nope'" in r.stderr
    md = run("dossier", "--db", db, "-s", sid, "--format", "markdown").stdout  # the name people type for md
    assert md.lstrip().startswith("# ") and "<html" not in md.lower()
    r = run("dossier", "--db", db, "-s", sid, "--format", "docx", ok=False)
    assert r.exit_code == 1 and "unknown format 'docx': choose one of html|md|json" in r.stderr


def test_open_says_where_the_file_is_without_a_browser(analysed, tmp_path, monkeypatch):
    db, _ = analysed
    monkeypatch.setenv("BROWSER", "false")  # a browser command that fails, as on a server with none
    monkeypatch.chdir(tmp_path)
    r = run("analyze", "--db", db, "--open")
    assert (tmp_path / "dossier.html").exists()
    assert f"no browser could be opened; the dossier is at {tmp_path / 'dossier.html'}" in r.stderr


def test_tables_do_not_cut_outlet_names(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    name = "Ostmark Evening Herald and Northern Provinces Courier Incorporated"
    page = tmp_path / "a.txt"
    page.write_text("Ferry crews return to work\n\nThe Ostmark ferry crews returned to work on Tuesday, the union said.\n")
    db = str(tmp_path / "s.db")
    run("ingest", str(page), "--db", db, "--outlet", name)
    shown = run("articles", "--db", db).stdout
    assert "…" not in shown and all(w in shown for w in name.split()), shown
    art_id = json.loads(run("articles", "--db", db, "-f", "json").stdout)[0]["id"]
    assert art_id in shown  # whole ids, so they can be copied


def test_serve_prints_its_url_and_says_when_the_store_is_new(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp_path / "new.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "storyscope.cli", "serve", "--db", str(db), "--port", str(port)],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        first, second = proc.stderr.readline(), proc.stderr.readline()
        assert f"no store at {db} yet" in first
        url = f"http://127.0.0.1:{port}/"
        assert url in second
        for _ in range(600):  # the line comes before uvicorn binds; wait for it to answer
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                import time
                time.sleep(0.1)
        else:
            raise AssertionError("the printed URL never answered")
    finally:
        proc.terminate()
        proc.wait(30)


def test_inferred_date_and_story_are_the_same_as_in_the_dossier(analysed):
    db, dossier = analysed
    story_of = {a: s["id"] for s in dossier["stories"] for a in s["article_ids"]}
    listed = {a["id"]: a for a in json.loads(run("articles", "--db", db, "-f", "json").stdout)}
    for a in dossier["articles"]:
        row = listed[a["id"]]
        assert (row["published"], row["published_source"], row["story_id"]) == (
            a["published"], a["published_source"], story_of[a["id"]])
    undated = next(a for a in dossier["articles"] if a["published_source"] == "inferred")
    assert f"{undated['published']} (inferred)" in run("articles", "--db", db).stdout
    shown = json.loads(run("show", undated["id"], "--db", db, "-f", "json").stdout)
    assert (shown["published"], shown["published_source"]) == (undated["published"], "inferred")


def test_no_file_name_is_shown_as_an_outlet(analysed, readme_run):
    """The README's outputs (JSON, HTML, Markdown, CSV, terminal tables): an article whose input names no
    outlet (001, 008) is "unknown outlet (<id prefix>)", each its own source, and its file stays in ``path``."""
    import re
    db, dossier = analysed
    d, _ = readme_run
    stems = {pathlib.Path(a["path"].split("#")[0]).stem for a in dossier["articles"]}
    unknown = {a["id"]: a["outlet"] for a in dossier["articles"] if a["outlet_basis"] == "unknown"}
    assert sorted(unknown.values()) == sorted(f"unknown outlet ({i[:8]})" for i in unknown) and len(unknown) == 2
    for s in dossier["stories"]:
        assert not set(s["outlets"]) & stems
    chips = re.findall(r'<span class="chip[^"]*"[^>]*>([^<]*)</span>', (d / "dossier.html").read_text())
    assert chips and not set(chips) & stems and set(unknown.values()) <= set(chips)
    md = (d / "korvath.md").read_text()
    assert not any(pathlib.Path(a["path"]).stem in md for a in dossier["articles"] if a["id"] in unknown)
    assert any(o in md for o in unknown.values())
    for row in _csv((d / "quotes.csv").read_text()) + _csv(run("articles", "--db", db, "-f", "csv").stdout):
        assert row["outlet"] not in stems
    table = run("articles", "--db", db).stdout + run("stories", "--db", db).stdout  # cells fold: words, not lines
    assert "unknown" in table and "valdoria_today" not in table and "touchline_brannvik" not in table
