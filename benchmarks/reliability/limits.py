"""Worst-case inputs at and beyond each limit: seconds and peak RSS, one subprocess per case.

Each case runs in its own Python process (so peak RSS is that case's own) under an address-space
cap, with a wall-clock timeout: a case that times out is a *hang*, one that dies of MemoryError a
*memory blow-up*. Inputs are generated fictional text. Prints a JSON summary.

    python benchmarks/reliability/limits.py                 # every case
    python benchmarks/reliability/limits.py --case html_depth_100000
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

PARA = ("The Orlen ferry line reopened on Monday after a long winter, officials said, and residents of "
        "Kessel queued at the harbour before dawn to board the first crossing.")
AS_LIMIT = 8 * 1024 ** 3   # address-space cap per case: a blow-up fails here, not on the machine


def _read(path: str) -> dict:
    from storyscope.ingest import read_sources
    errs: list[str] = []
    arts = list(read_sources([path], on_error=lambda e: errs.append(str(e))))
    return {"articles": len(arts), "errors": [e[-160:] for e in errs[:3]], "n_errors": len(errs), "_arts": arts}


def text_file(size: int) -> str:
    """A plain-text article of exactly ``size`` bytes (headline, paragraphs)."""
    head = "Orlen ferry reopens\n\n"
    block = PARA + "\n\n"
    reps = (size - len(head)) // len(block) + 1
    data = (head + block * reps).encode()[:size]
    fd, path = tempfile.mkstemp(suffix=".txt")
    os.write(fd, data)
    os.close(fd)
    return path


def case_article_size(size: int) -> dict:
    from storyscope.pipeline import pipe, resolve_stages
    path = text_file(size)
    r = _read(path)
    arts = r.pop("_arts")
    if arts:
        done = list(pipe([a for a, _ in arts], None, resolve_stages(["sentences"])))
        r["sentences"] = len(done[0][1]["sentences"]) if done else 0
    os.unlink(path)
    return r


def quote_text(marks: int, one_line: bool) -> str:
    """``marks`` quotation marks: balanced quotes one per paragraph, or all on one line."""
    n = marks // 2
    if one_line:
        return "Orlen council meeting\n\n" + " ".join(f'"Point {i}," Lund said.' for i in range(n)) + "\n"
    return "Orlen council meeting\n\n" + "\n\n".join(f'"Point {i}," Lund said.' for i in range(n)) + "\n"


def case_quotes(marks: int, full: bool) -> dict:
    """Sentences stage and direct-quote finder on both shapes; with ``full``, the spaCy quotes stage too."""
    from storyscope.record import Article
    from storyscope.pipeline import pipe, resolve_stages
    out = {}
    for shape, one_line in (("paragraphs", False), ("one_line", True)):
        art = Article.create(quote_text(marks, one_line), title="Orlen council meeting")
        t0 = time.perf_counter()
        done = list(pipe([art], None, resolve_stages(["sentences"])))
        out[f"{shape}_sentences"] = len(done[0][1]["sentences"])
        out[f"{shape}_sentences_s"] = round(time.perf_counter() - t0, 2)
        try:
            from storyscope.stages.quotes import find_direct
        except ImportError:
            continue
        t0 = time.perf_counter()
        out[f"{shape}_direct_quotes"] = len(find_direct(art.text))
        out[f"{shape}_find_direct_s"] = round(time.perf_counter() - t0, 2)
    if full:
        errs: list[str] = []
        art = Article.create(quote_text(marks, False), title="Orlen council meeting")
        t0 = time.perf_counter()
        done = list(pipe([art], None, resolve_stages(["sentences", "actors", "quotes"]),
                         on_error=lambda e: errs.append(str(e)[-200:])))
        out["quotes_stage_quotes"] = len(done[0][1].get("quotes", [])) if done else None
        out["quotes_stage_errors"] = errs
        out["quotes_stage_s"] = round(time.perf_counter() - t0, 2)
    return out


def case_html_depth(depth: int) -> dict:
    from storyscope.errors import InputError
    from storyscope.ingest import read_bytes
    doc = "<html><body>" + "<div>" * depth + f"<p>{PARA}</p>" * 3 + "</div>" * depth + "</body></html>"
    try:
        arts = list(read_bytes(doc.encode(), f"nested-{depth}.html", kind="html"))
        return {"bytes": len(doc), "articles": len(arts)}
    except InputError as e:
        return {"bytes": len(doc), "error": str(e)}


def feed_file(items: int, item_bytes: int = 0) -> str:
    body = f"&lt;p&gt;{PARA}&lt;/p&gt;" if not item_bytes else "&lt;p&gt;" + (PARA + " ") * (item_bytes // (len(PARA) + 1)) + "&lt;/p&gt;"
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Northwire</title>']
    parts += [f"<item><title>Ferry report {i}</title><link>http://example.org/{i}</link>"
              f"<pubDate>Mon, 03 Mar 2025 09:00:00 GMT</pubDate><description>{body} (item {i})</description></item>"
              for i in range(items)]
    parts.append("</channel></rss>")
    fd, path = tempfile.mkstemp(suffix=".rss")
    os.write(fd, "".join(parts).encode())
    os.close(fd)
    return path


def case_feed(items: int, item_bytes: int = 0) -> dict:
    path = feed_file(items, item_bytes)
    r = {"bytes": os.path.getsize(path), **_read(path)}
    r.pop("_arts")
    os.unlink(path)
    return r


def case_jsonl(records: int) -> dict:
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    with os.fdopen(fd, "w") as fh:
        for i in range(records):
            fh.write(json.dumps({"id": i, "outlet": "Northwire", "title": f"Ferry {i}", "text": f"{PARA} ({i})"}) + "\n")
    r = {"bytes": os.path.getsize(path), **_read(path)}
    r.pop("_arts")
    os.unlink(path)
    return r


MB = 1024 * 1024
CASES = {
    "article_20MB_at_limit": lambda: case_article_size(20 * MB),
    "article_20MB_plus_1_over_limit": lambda: case_article_size(20 * MB + 1),
    "quotes_10000_marks": lambda: case_quotes(10_000, full=True),
    "quotes_100000_marks": lambda: case_quotes(100_000, full=True),
    "html_depth_250": lambda: case_html_depth(250),
    "html_depth_10000": lambda: case_html_depth(10_000),
    "html_depth_100000": lambda: case_html_depth(100_000),
    "feed_5000_items": lambda: case_feed(5000),
    "feed_20000_items_over_limit": lambda: case_feed(20_000),
    "feed_one_item_19MB": lambda: case_feed(1, 19 * MB),
    "feed_one_item_9MB": lambda: case_feed(1, 9 * MB),
    "jsonl_80000_records": lambda: case_jsonl(80_000),
}


def run_case(name: str, timeout: float) -> dict:
    """Run one case in a fresh process; measure wall seconds and the child's peak RSS."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True, text=True,
                           timeout=timeout, env=env, preexec_fn=cap)
    except subprocess.TimeoutExpired:
        return {"case": name, "outcome": "HANG", "seconds": timeout}
    secs = round(time.perf_counter() - t0, 2)
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["?"])[-1]
        return {"case": name, "outcome": "MEMORY" if "MemoryError" in p.stderr else "CRASH", "seconds": secs,
                "detail": last[:300]}
    child = json.loads(p.stdout.strip().splitlines()[-1])
    return {"case": name, "outcome": "ok", "seconds": secs, **child}


def child(name: str) -> None:
    t0 = time.perf_counter()
    res = CASES[name]()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case_seconds": round(time.perf_counter() - t0, 2), "peak_rss_mb": round(peak), "result": res}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", action="append", help="run only these cases (default: all)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--child", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    rows = []
    for name in args.case or list(CASES):
        print(f"{name} ...", file=sys.stderr)
        rows.append(run_case(name, args.timeout))
        print(f"  {rows[-1]['outcome']} {rows[-1]['seconds']} s {rows[-1].get('peak_rss_mb', '?')} MB", file=sys.stderr)
    summary = {"timeout_s": args.timeout, "address_space_cap_gb": AS_LIMIT // 1024 ** 3, "cases": rows,
               "hangs": sum(r["outcome"] == "HANG" for r in rows), "crashes": sum(r["outcome"] != "ok" for r in rows)}
    text = json.dumps(summary, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
