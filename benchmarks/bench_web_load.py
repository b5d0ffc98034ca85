"""Load on the web app: requests/s and latency percentiles with 100 concurrent clients on loopback.

Builds a store from the example corpus (``storyscope analyze``), starts ``storyscope serve`` (uvicorn,
one process) on an ephemeral loopback port and drives each endpoint for a fixed time from a separate
process: ``wrk`` when installed (``apt-get install -y wrk``), else an asyncio + httpx client. Counted per
run: requests, non-2xx answers, socket errors/exceptions, p50/p95/p99 and the server's CPU time per
request (read from /proc after the server goes idle, the one request per connection that a stopped wrk
leaves outstanding counted as served; less sensitive to a noisy shared machine than requests/s).

Peers, loaded the same way in the same run (this machine is shared and noisy, so quote the ratios):
the very bytes of the story page and of its JSON twin served as static files by ``python -m
http.server``, and from memory by a bare uvicorn + Starlette app (the ceiling of the same stack).

    python benchmarks/bench_web_load.py [--duration 20] [--clients 100] [--db EXISTING.db]

Traffic goes to 127.0.0.1 only; every run is bounded in time and every process is stopped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
TICK = os.sysconf("SC_CLK_TCK")

# wrk script: counts non-2xx itself (wrk's own "status" error only counts >= 400) and prints one JSON line.
WRK_LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %f, "bytes": %d, "non2xx": %d, "errors": %d, "p50": %f, "p95": %f, "p99": %f, "max": %f}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3))
end
"""

# The stack's ceiling: the same bytes from memory through uvicorn + Starlette, no Storyscope code.
STARLETTE_PEER = r"""
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
d, port = sys.argv[1], int(sys.argv[2])
html, js = open(d + "/story.html", "rb").read(), open(d + "/story.json", "rb").read()
async def h(r): return Response(html, media_type="text/html; charset=utf-8")
async def j(r): return Response(js, media_type="application/json")
app = Starlette(routes=[Route("/story.html", h), Route("/story.json", j)])
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 300) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def wait_up(proc: subprocess.Popen, url: str, limit: float = 120) -> None:
    end = time.time() + limit
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}: {url}")
        try:
            get(url, timeout=5)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not answer within {limit:.0f} s: {url}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def wait_idle(pid: int, limit: float = 90) -> None:
    """Wait until the server has finished requests a stopped client left behind (they would bill the next run)."""
    end, last = time.time() + limit, cpu_seconds(pid)
    while time.time() < end:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        if now - last < 0.02:
            return
        last = now


def query(db: str, sql: str, *params) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def findings_keys(db: str) -> dict[str, str]:
    return dict(query(db, "SELECT story_id, key FROM findings"))


# ---------------------------------------------------------------- load generators
def run_wrk(url: str, seconds: float, clients: int, lua: str) -> dict:
    out = subprocess.run(["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s", "-s", lua, url],
                         capture_output=True, text=True, timeout=seconds + 90)
    line = next((l for l in out.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed on {url}: {out.stdout}\n{out.stderr}")
    return json.loads(line[8:])


async def _drive(url: str, seconds: float, clients: int) -> dict:
    import httpx
    lat: list[float] = []
    counts = {"non2xx": 0, "errors": 0, "bytes": 0}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        start = time.perf_counter()
        end = start + seconds

        async def worker():
            while time.perf_counter() < end:
                t = time.perf_counter()
                try:
                    r = await client.get(url)
                except Exception:
                    counts["errors"] += 1
                    continue
                lat.append(time.perf_counter() - t)
                counts["bytes"] += len(r.content)
                counts["non2xx"] += not 200 <= r.status_code < 300
        await asyncio.gather(*(worker() for _ in range(clients)))
        took = time.perf_counter() - start
    lat.sort()

    def pct(p: float) -> float:
        return 1e3 * lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else float("nan")
    return {"requests": len(lat), "seconds": took, **counts, "p50": pct(50), "p95": pct(95), "p99": pct(99),
            "max": 1e3 * lat[-1] if lat else float("nan")}


def run_httpx(url: str, seconds: float, clients: int) -> dict:
    """The fallback generator, in its own process so it does not share the server's interpreter."""
    out = subprocess.run([sys.executable, __file__, "--_client", url, "--duration", str(seconds),
                          "--clients", str(clients)], capture_output=True, text=True, timeout=seconds + 120)
    if out.returncode:
        raise SystemExit(f"load client failed on {url}: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the run
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=20, help="seconds of load per target")
    ap.add_argument("--clients", type=int, default=100, help="concurrent connections")
    ap.add_argument("--db", help="reuse a store built earlier instead of running analyze (skips the cold figure)")
    ap.add_argument("--src", default=str(ROOT / "src"),
                    help="serve from another source tree (an earlier checkout's src/) for before/after figures")
    ap.add_argument("--generator", choices=["auto", "wrk", "httpx"], default="auto")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--_client", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._client:
        print(json.dumps(asyncio.run(_drive(args._client, args.duration, args.clients))))
        return

    gen = args.generator
    if gen == "auto":
        gen = "wrk" if shutil.which("wrk") else "httpx"
    if gen == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk, or --generator httpx")
    tmp = tempfile.mkdtemp(prefix="storyscope-load-")
    env = {**os.environ, "PYTHONPATH": args.src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    exe = shutil.which("storyscope", path=str(Path(sys.executable).parent)) or shutil.which("storyscope")
    cli = [exe] if exe else [sys.executable, "-m", "storyscope.cli"]
    procs: list[subprocess.Popen] = []
    try:
        db, analyze_s = args.db, None
        if not db:
            db = os.path.join(tmp, "load.db")
            cmd = cli + ["analyze", str(CORPUS), "--db", db, "--format", "json", "--output", os.path.join(tmp, "d.json")]
            log("building the store:", " ".join(cmd))
            t = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            analyze_s = time.perf_counter() - t
        # the main story: the one with most articles
        stories = sorted(query(db, "SELECT story_id, COUNT(*) FROM story_articles GROUP BY story_id"),
                         key=lambda r: (-r[1], r[0]))
        sid = stories[0][0]
        aid = query(db, "SELECT MIN(article_id) FROM story_articles WHERE story_id=?", sid)[0][0]

        port = free_port()
        with open(os.path.join(tmp, "serve.log"), "w") as serve_log:
            srv = subprocess.Popen(cli + ["serve", "--db", db, "--port", str(port)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=serve_log)
        procs.append(srv)
        base = f"http://127.0.0.1:{port}"
        wait_up(srv, base + "/api/stories")

        # The first story page after analyze: should be a findings-cache hit.
        keys_before = findings_keys(db)
        t = time.perf_counter()
        status, html = get(f"{base}/stories/{sid}")
        cold_s = time.perf_counter() - t
        recomputed = findings_keys(db).get(sid) != keys_before.get(sid)
        _, js = get(f"{base}/api/stories/{sid}")
        static = os.path.join(tmp, "static")
        os.makedirs(static)
        Path(static, "story.html").write_bytes(html)
        Path(static, "story.json").write_bytes(js)

        hport, sport = free_port(), free_port()
        hsrv = subprocess.Popen([sys.executable, "-m", "http.server", str(hport), "--bind", "127.0.0.1",
                                 "--directory", static], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ssrv = subprocess.Popen([sys.executable, "-c", STARLETTE_PEER, static, str(sport)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs += [hsrv, ssrv]
        hbase, sbase = f"http://127.0.0.1:{hport}", f"http://127.0.0.1:{sport}"
        wait_up(hsrv, hbase + "/story.json")
        wait_up(ssrv, sbase + "/story.json")

        # (label, url, process serving it, peer label to compare with)
        targets = [
            ("GET /stories/{id} (HTML dossier)", f"{base}/stories/{sid}", srv, None),
            ("  peer: same HTML, http.server", f"{hbase}/story.html", hsrv, "html"),
            ("  peer: same HTML, uvicorn+Starlette from memory", f"{sbase}/story.html", ssrv, "html"),
            ("GET /api/stories/{id} (JSON dossier)", f"{base}/api/stories/{sid}", srv, None),
            ("  peer: same JSON, http.server", f"{hbase}/story.json", hsrv, "json"),
            ("  peer: same JSON, uvicorn+Starlette from memory", f"{sbase}/story.json", ssrv, "json"),
            ("GET /api/stories", f"{base}/api/stories", srv, None),
            ("GET /api/search?q=dam+warnings", f"{base}/api/search?q=dam+warnings", srv, None),
            ("GET /articles/{id} (highlighted article)", f"{base}/articles/{aid}", srv, None),
        ]
        for _, url, _, _ in targets:  # warm-up: imports, templates, per-thread connections
            for _ in range(5):
                get(url)
        lua = os.path.join(tmp, "count.lua")
        Path(lua).write_text(WRK_LUA)
        results = []
        for label, url, proc, _ in targets:
            if gen == "wrk":  # a short warm-up at full concurrency: opens every worker thread's connection
                run_wrk(url, 2, args.clients, lua)
            wait_idle(proc.pid)
            c0 = cpu_seconds(proc.pid)
            r = run_wrk(url, args.duration, args.clients, lua) if gen == "wrk" else run_httpx(url, args.duration, args.clients)
            wait_idle(proc.pid)
            # wrk stops with one request outstanding per connection, which the server still serves
            served = r["requests"] + (args.clients if gen == "wrk" else 0)
            r["cpu_ms_per_req"] = 1e3 * (cpu_seconds(proc.pid) - c0) / served
            r["rps"] = r["requests"] / r["seconds"]
            log(f"{label.strip():55s} {r['rps']:8.1f} req/s  p95 {r['p95']:8.1f} ms  non-2xx {r['non2xx']}  errors {r['errors']}")
            results.append((label, r))
        for proc in procs:  # a server that died under load would make every figure after it meaningless
            if proc.poll() is not None:
                raise SystemExit(f"a server exited during the run ({proc.args[:3]}): see {tmp}")

        # ---------------------------------------------------------------- report
        own = {"html": results[0][1], "json": results[3][1]}
        cmd = "python benchmarks/bench_web_load.py " + " ".join(sys.argv[1:])
        print(f"`{cmd.strip()}`  ")
        print(f"{args.clients} concurrent clients, {args.duration:g} s per target, generator: "
              f"{'wrk -t1 (separate process)' if gen == 'wrk' else 'asyncio + httpx (separate process; client-bound at a few hundred req/s on 2 cores, install wrk for server figures)'}, "
              f"server: `storyscope serve` (uvicorn, 1 process{'' if args.src == str(ROOT / 'src') else ', from ' + args.src}), "
              f"{os.cpu_count()} CPU cores shared, "
              f"load average at the end {os.getloadavg()[0]:.1f}. Story {sid} ({stories[0][1]} articles, "
              f"page {len(html) // 1024} KiB, JSON {len(js) // 1024} KiB).\n")
        print("| target | requests | req/s | p50 ms | p95 ms | p99 ms | non-2xx | errors | server CPU ms/req | Storyscope / peer (req/s) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for label, r in results:
            peer = next((p for l, _, _, p in targets if l == label), None)
            ratio = f"{own[peer]['rps'] / r['rps']:.3f}" if peer else ""
            print(f"| {label.strip()} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
                  f"{r['p99']:.1f} | {r['non2xx']} | {r['errors']} | {r['cpu_ms_per_req']:.2f} | {ratio} |")
        print()
        print("http.server answers HTTP/1.0 and closes every connection, with a listen backlog of 5: its p99 holds "
              "the 1 s / 3 s SYN retransmits of clients reconnecting. Ratios are of req/s within this run.")
        if analyze_s is not None:
            print(f"Store built by `storyscope analyze examples/corpus` in {analyze_s:.0f} s. First story page after it: "
                  f"{cold_s:.2f} s (HTTP {status}); findings {'recomputed (cache key changed)' if recomputed else 'served from the store cache'}.")
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if args.keep:
            log("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
