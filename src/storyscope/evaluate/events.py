"""Run the product on chosen events of a stories JSON Lines file (gold ``story`` = the event).

The events' articles are ingested by ``Workspace.ingest`` into a temporary SQLite store, read by
``Workspace.analyze``, stored as one story per gold event, and compared by ``Workspace.dossier``:
the exact path of ``storyscope analyze`` except the grouping step, which is replaced by the gold
events so that finding quality is measured apart from story grouping (``eval stories`` covers that).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
from collections import defaultdict
from typing import Callable, Iterable

from storyscope import errors


def json_lines(path: str):
    """Yield ``(line number, object)`` per non-blank line of a JSON Lines file.

    Raises ``errors.InputError`` naming the file when it is missing or a line is not JSON."""
    if not os.path.exists(path):
        raise errors.InputError(path, errors.NOT_FOUND)
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except ValueError as e:
                raise errors.InputError(path, errors.BAD_JSON.format(line=n, detail=e)) from None


def load_records(path: str) -> list[dict]:
    """Records of a stories JSON Lines file (``id``, ``story``, ``outlet``, ``text``, ...); see ``json_lines``."""
    return [rec for _, rec in json_lines(path)]


def choose_events(records: list[dict], n: int = 25, n_test: int = 5, seed: int = 15) -> dict[str, str]:
    """``{event: "dev"|"test"}`` for ``n`` events drawn with ``seed`` among events of >= 2 outlets.

    The draw is over the sorted event ids, so it depends only on the data and the seed."""
    outlets = defaultdict(set)
    for r in records:
        outlets[str(r["story"])].add(r.get("outlet"))
    pool = sorted(e for e, o in outlets.items() if len(o) >= 2)
    chosen = random.Random(seed).sample(pool, min(n, len(pool)))
    return {e: ("test" if i < n_test else "dev") for i, e in enumerate(chosen)}


def product_text(rec_text: str) -> str:
    """The text the product stores for a JSON Lines record (``ingest.jsonl.record_to_article``)."""
    from storyscope.ingest.jsonl import _clean
    return _clean({"text": rec_text})["text"].replace("\r\n", "\n")


def span_sha1(text: str) -> str:
    """Check hash of a span's text: sha1 hex of its UTF-8 bytes (labels store this, never the text)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def run_events(records: list[dict], events: Iterable[str], db: str | None = None,
               progress: Callable[[str], None] = lambda m: None):
    """Ingest, read and compare the given events with the product.

    Returns ``(workspace, dossier, source_of)``: the open Workspace (caller closes it), the
    ``storyscope.dossier/1`` document with one story per event (story id = event id), and
    ``{article_id: jsonl id}``."""
    from storyscope.workspace import Workspace
    events = list(dict.fromkeys(events))
    wanted = set(events)
    recs = [r for r in records if str(r["story"]) in wanted]
    tmpdir = tempfile.mkdtemp(prefix="storyscope-eval-")
    src = os.path.join(tmpdir, "events.jsonl")
    with open(src, "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    ws = Workspace(db or os.path.join(tmpdir, "eval.db"))
    ws.ingest([src], on_error=lambda e: progress(f"error: {e}"))
    progress(f"reading {len(recs)} articles of {len(events)} events")
    ws.analyze(on_error=lambda e: progress(f"error: {e}"))
    source_of, by_event = {}, defaultdict(list)
    for a in ws.articles():
        sid = a.meta.get("source_id") or a.path.rsplit("#", 1)[-1]
        source_of[a.id] = sid
        by_event[a.meta.get("gold_story")].append(a.id)
    stories = [{"id": e, "article_ids": sorted(by_event[e]), "title": e} for e in events if by_event.get(e)]
    ws.store.replace_stories(stories)
    progress(f"comparing {len(stories)} events")
    dossier = ws.dossier([s["id"] for s in stories], on_error=lambda e: progress(f"error: {e}"))
    return ws, dossier, source_of
