"""Coverage-guided fuzzing (atheris / libFuzzer) of ``storyscope.ingest.read_bytes``, one run per kind.

A reader may only answer bad bytes with an InputError: any other exception is a *crash*, an input
taking more than 5 s is a *hang* (libFuzzer ``-timeout`` kills the worker; the driver restarts it).
Crashes are collected without stopping the run, so one bug does not hide the next. Seeds are the
hand-written malformed inputs in ``seeds/<kind>/``. Prints (and optionally writes) a JSON summary.

    python benchmarks/reliability/fuzz_ingest.py --seconds 600 --out /tmp/fuzz.json
    python benchmarks/reliability/fuzz_ingest.py --replay DIR   # re-run saved crashers, no fuzzing
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEEDS = HERE / "seeds"
KINDS = ("text", "html", "feed", "jsonl")
HANG_SECONDS = 5


def check_one(data: bytes, kind: str) -> str | None:
    """None when the reader behaved (articles or InputError); else a one-line crash signature."""
    from storyscope.errors import InputError
    from storyscope.ingest import read_bytes
    from storyscope.record import content_id

    errs: list = []
    try:
        got = list(read_bytes(data, "fuzz-input", path=f"fuzz.{kind}", kind=kind, on_error=errs.append))
    except InputError as e:
        got = []
        if not str(e).startswith("fuzz-input"):
            return "InputError does not name its input"
    except Exception as e:  # noqa: BLE001 - anything else is the finding
        tb = traceback.extract_tb(e.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb) if "storyscope" in f.filename),
                     f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?")
        return f"{type(e).__name__} at {where}: {str(e)[:120]}"
    for art, debris in got:
        if not art.text.strip() or art.id != content_id(art.text, art.title, art.outlet):
            return "article with empty text or wrong id"
        try:
            json.dumps(art.to_dict()).encode("utf-8")
        except (TypeError, ValueError, UnicodeError) as e:
            return f"article not storable ({type(e).__name__}: {str(e)[:80]})"
        if any(not (0 <= s.start < s.end <= len(art.text)) for s in debris.spans):
            return "debris span outside the text"
    if any(not str(e).startswith("fuzz-input") for e in errs):
        return "reported error does not name its input"
    return None


# ------------------------------------------------------------------ worker (inside libFuzzer)
def worker(kind: str, outdir: Path, libfuzzer_args: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["storyscope", "trafilatura", "htmldate", "feedparser", "justext",
                                             "courlan", "dateparser"]):
        import storyscope.ingest  # noqa: F401
        from storyscope.ingest import detect, feeds, html, jsonl, text  # noqa: F401
        import feedparser, htmldate, trafilatura  # noqa: F401,E401
    counter = {"runs": 0}
    seen: set[str] = set()
    stats = outdir / f"{kind}.runs.{os.getpid()}"
    crashes = outdir / f"{kind}.crashes.jsonl"

    def one(data: bytes) -> None:
        counter["runs"] += 1
        t0 = time.perf_counter()
        sig = check_one(data, kind)
        dt = time.perf_counter() - t0
        if sig is None and dt > HANG_SECONDS:
            sig = f"slow input: {dt:.1f} s"
        key = sig.split(": ")[0] if sig else None
        if key and key not in seen:
            seen.add(key)
            h = hashlib.sha1(data).hexdigest()[:12]
            (outdir / f"crash-{kind}-{h}").write_bytes(data)
            with crashes.open("a") as fh:
                fh.write(json.dumps({"kind": kind, "signature": sig, "input": f"crash-{kind}-{h}",
                                     "size": len(data)}) + "\n")
        if counter["runs"] % 200 == 0:
            stats.write_text(str(counter["runs"]))

    atheris.Setup([sys.argv[0], *libfuzzer_args], one)
    try:
        atheris.Fuzz()
    finally:
        stats.write_text(str(counter["runs"]))


# ------------------------------------------------------------------ driver
def run_kind(kind: str, seconds: float, outdir: Path, max_len: int) -> dict:
    corpus = outdir / f"corpus-{kind}"
    corpus.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    deadline = time.monotonic() + seconds
    hangs, ooms, restarts, cov, ft, done = [], [], 0, 0, 0, 0
    while (left := deadline - time.monotonic()) > 5:
        cmd = [sys.executable, __file__, "--worker", kind, "--outdir", str(outdir), "--",
               f"-max_total_time={int(left)}", f"-timeout={HANG_SECONDS}", "-rss_limit_mb=2048",
               f"-max_len={max_len}", f"-artifact_prefix={outdir}/", "-print_final_stats=1",
               str(corpus), str(SEEDS / kind)]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=left + 120)
        log = p.stderr
        (outdir / f"{kind}.log").open("a").write(log)
        for m in re.finditer(r"cov: (\d+) ft: (\d+)", log):
            cov, ft = max(cov, int(m.group(1))), max(ft, int(m.group(2)))
        done += sum(int(x) for x in re.findall(r"Done (\d+) runs", log))
        art = re.search(r"Test unit written to (\S+)", log)
        if "ALARM: working on the last Unit" in log or "libFuzzer: timeout" in log:
            hangs.append(art.group(1) if art else "?")
        elif "out-of-memory" in log:
            ooms.append(art.group(1) if art else "?")
        elif p.returncode != 0 and "Done" not in log:
            print(log[-2000:], file=sys.stderr)
            break
        if "Done" in log:
            break
        restarts += 1
    runs = max(done, sum(int(f.read_text() or 0) for f in outdir.glob(f"{kind}.runs.*")))
    crashes = []
    cf = outdir / f"{kind}.crashes.jsonl"
    if cf.exists():
        crashes = [json.loads(x) for x in cf.read_text().splitlines() if x.strip()]
    return {"kind": kind, "seconds": round(seconds), "inputs_tried": runs, "seeds": len(list((SEEDS / kind).iterdir())),
            "corpus_after": len(list(corpus.iterdir())), "coverage_edges": cov, "coverage_features": ft,
            "crashes": crashes, "hangs": hangs, "ooms": ooms, "restarts": restarts}


def replay(folder: Path) -> dict:
    """Re-check saved inputs (crash-KIND-*, timeout-*, seeds) without fuzzing."""
    out = {}
    for f in sorted(folder.rglob("*")):
        if not f.is_file():
            continue
        kind = next((k for k in KINDS if f"-{k}-" in f.name or f.parent.name == k), None)
        if kind is None:
            continue
        t0 = time.perf_counter()
        sig = check_one(f.read_bytes(), kind)
        out[str(f.relative_to(folder))] = {"kind": kind, "result": sig or "ok",
                                           "seconds": round(time.perf_counter() - t0, 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=600, help="total fuzzing time, split over the kinds")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--max-len", type=int, default=32768)
    ap.add_argument("--outdir", default=None)
    ap.add_argument("--out", default=None, help="write the JSON summary here too")
    ap.add_argument("--worker", default=None)
    ap.add_argument("--replay", default=None)
    args, rest = ap.parse_known_args()
    rest = [r for r in rest if r != "--"]
    if args.worker:
        worker(args.worker, Path(args.outdir), rest)
        return
    sys.path.insert(0, str(ROOT / "src"))
    if args.replay:
        print(json.dumps(replay(Path(args.replay)), indent=2))
        return
    outdir = Path(args.outdir or tempfile.mkdtemp(prefix="storyscope-fuzz-"))
    outdir.mkdir(parents=True, exist_ok=True)
    kinds = args.kinds.split(",")
    results = []
    for k in kinds:
        print(f"fuzzing {k} for {args.seconds / len(kinds):.0f} s ...", file=sys.stderr)
        results.append(run_kind(k, args.seconds / len(kinds), outdir, args.max_len))
        print(f"  {results[-1]['inputs_tried']} inputs, {len(results[-1]['crashes'])} crashes, "
              f"{len(results[-1]['hangs'])} hangs", file=sys.stderr)
    summary = {"engine": "atheris/libFuzzer", "outdir": str(outdir), "hang_seconds": HANG_SECONDS,
               "inputs_tried": sum(r["inputs_tried"] for r in results),
               "crashes": sum(len(r["crashes"]) for r in results), "hangs": sum(len(r["hangs"]) for r in results),
               "per_kind": results}
    text = json.dumps(summary, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
