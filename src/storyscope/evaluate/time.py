"""`storyscope eval time`: score the timex stage on TimeML (TimeBank / AQUAINT) like TempEval-3.

TempEval-3 definitions: a *strict* match is an identical span, a *relaxed* match any overlap;
*value* and *type* count, among relaxed matches, those whose attribute equals gold, with
precision over all system timexes and recall over all gold timexes.  The document creation
time (DCT) is the anchor given to the tagger and is excluded from gold and system alike
(the tagger only sees the ``<TEXT>`` part).

Splits (`split_files`): ``dev`` (every 5th document by sorted file name) is held out from the
rule tuning done on ``tune``; both are reported, ``all`` is their union.
"""
from __future__ import annotations

import html
import re
import sys
import time
from pathlib import Path

from storyscope import errors
from storyscope.errors import InputError
from storyscope.stages.timex import extract_timexes

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'([A-Za-z_]+)="([^"]*)"')
_DCT = re.compile(r"<DCT>.*?<TIMEX3([^>]*)>", re.S)
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)


def read_tml(path: str | Path) -> tuple[str, str | None, list[dict]]:
    """(text, dct, gold timexes) of one TimeML file; offsets index the tag-stripped TEXT part."""
    raw = Path(path).read_text(encoding="utf-8", errors="replace")
    dct = None
    m = _DCT.search(raw)
    if m:
        dct = dict(_ATTR.findall(m.group(1))).get("value") or None
    m = _TEXT.search(raw)
    body = m.group(1) if m else ""
    out: list[str] = []
    pos = 0
    length = 0
    gold: list[dict] = []
    open_timex: list[dict] = []
    for t in _TAG.finditer(body):
        piece = html.unescape(body[pos:t.start()])
        out.append(piece)
        length += len(piece)
        pos = t.end()
        closing, name = t.group(1), t.group(2)
        if name != "TIMEX3":
            continue
        if closing:
            if open_timex:
                g = open_timex.pop()
                g["end"] = length
                gold.append(g)
        elif not t.group(4):
            a = dict(_ATTR.findall(t.group(3)))
            open_timex.append({"start": length, "type": a.get("type"), "value": a.get("value")})
    out.append(html.unescape(body[pos:]))
    text = "".join(out)
    gold = [g for g in gold if g["end"] > g["start"]]
    gold.sort(key=lambda g: g["start"])
    return text, dct, gold


def _prf(correct_p: int, correct_r: int, n_sys: int, n_gold: int) -> dict:
    p = correct_p / n_sys if n_sys else 0.0
    r = correct_r / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


def score_document(gold: list[dict], system: list[dict]) -> dict:
    """Counts for one document; each gold timex is paired with at most one system timex."""
    c = {"strict": 0, "relaxed": 0, "value": 0, "type": 0}
    used: set[int] = set()
    for g in gold:
        best = None
        for i, s in enumerate(system):
            if i in used or s["end"] <= g["start"] or s["start"] >= g["end"]:
                continue
            overlap = min(s["end"], g["end"]) - max(s["start"], g["start"])
            if best is None or overlap > best[0]:
                best = (overlap, i)
        if best is None:
            continue
        s = system[best[1]]
        used.add(best[1])
        c["relaxed"] += 1
        c["strict"] += s["start"] == g["start"] and s["end"] == g["end"]
        c["value"] += s["value"] is not None and s["value"] == g["value"]
        c["type"] += s["type"] == g["type"]
    return c


SPLITS = ("dev", "tune", "all")
DEV_EVERY = 5  # every 5th document by sorted file name is held out as dev; the tagger's rules are tuned on the rest


def split_files(data_dir: str, split: str = "all") -> list[Path]:
    """The ``*.tml`` files under ``data_dir`` of one split, sorted by file name.

    ``dev`` is every `DEV_EVERY`-th file (0, 5, 10, ...) by sorted name, held out from rule tuning;
    ``tune`` is the rest; ``all`` is both. Raises `InputError` for an unknown split or a folder
    without TimeML files.
    """
    if split not in SPLITS:
        raise InputError(split, errors.UNKNOWN_SPLIT.format(splits=", ".join(SPLITS)))
    files = sorted(Path(data_dir).rglob("*.tml"), key=lambda f: (f.name, str(f)))
    if not files:
        raise InputError(data_dir, errors.NO_TIMEML)
    if split == "all":
        return files
    return [f for i, f in enumerate(files) if (i % DEV_EVERY == 0) == (split == "dev")]


def evaluate_time(data_dir: str, details: list | None = None, split: str = "all") -> dict:
    """TempEval-3 style scores of ``extract_timexes`` over the ``*.tml`` files of ``split`` under ``data_dir``.

    Returns {"strict" | "relaxed" | "value" | "type": {"p", "r", "f1"}, "split", "documents", "gold",
    "system", "seconds", "seconds_per_document", "documents_per_second", "cpu_seconds_per_document"}
    (seconds: the tagger's wall-clock time, reading the files excluded; CPU seconds are the same
    without the time other processes take on a shared machine). When ``details`` is a list, per-document
    (name, text, dct, gold, system) tuples are appended to it, for error analysis.
    """
    files = split_files(data_dir, split)
    totals = {"strict": 0, "relaxed": 0, "value": 0, "type": 0}
    n_gold = n_sys = 0
    seconds = cpu = 0.0
    for k, f in enumerate(files, 1):
        text, dct, gold = read_tml(f)
        t0, c0 = time.perf_counter(), time.process_time()
        spans = extract_timexes(text, dct)
        seconds += time.perf_counter() - t0
        cpu += time.process_time() - c0
        system = [{"start": s.start, "end": s.end, "type": s.label, "value": s.attrs.get("value")}
                  for s in spans]
        for key, v in score_document(gold, system).items():
            totals[key] += v
        n_gold += len(gold)
        n_sys += len(system)
        if details is not None:
            details.append((f.name, text, dct, gold, system))
        if k % 50 == 0 or k == len(files):
            print(f"eval time: {k}/{len(files)} documents", file=sys.stderr)
    res = {key: _prf(totals[key], totals[key], n_sys, n_gold) for key in totals}
    res.update({"split": split, "documents": len(files), "gold": n_gold, "system": n_sys,
                "seconds": round(seconds, 3),
                "seconds_per_document": round(seconds / len(files), 5),
                "documents_per_second": round(len(files) / seconds, 1) if seconds else None,
                "cpu_seconds_per_document": round(cpu / len(files), 5)})
    return res
