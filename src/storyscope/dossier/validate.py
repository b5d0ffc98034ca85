"""Check a dossier against its contract: the JSON Schema plus what a schema cannot say.

The schema checks shapes; this module also checks that every evidence span's text is the
article text at its offsets and that every id a finding refers to exists, because a dossier
that cites text it does not contain is worse than no dossier.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import jsonschema

SCHEMA_PATH = Path(__file__).with_name("schema.json")
SCHEMA_NAME = "storyscope.dossier/1"


@lru_cache(maxsize=1)
def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _path(p) -> str:
    return "/" + "/".join(str(x) for x in p)


def iter_evidence(node: Any, path: tuple = ()) -> Iterator[tuple[str, dict]]:
    """Every evidence item anywhere under ``node`` (values of keys named ``evidence``)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "evidence" and isinstance(v, list):
                for i, ev in enumerate(v):
                    if isinstance(ev, dict):
                        yield _path(path + (k, i)), ev
            else:
                yield from iter_evidence(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from iter_evidence(v, path + (i,))


def _check_story(si: int, story: dict, texts: dict[str, str]) -> list[str]:
    errs: list[str] = []
    base = f"/stories/{si}"

    def need_article(aid, where):
        if aid not in texts:
            errs.append(f"{where}: unknown article id {aid!r}")

    for i, aid in enumerate(story.get("article_ids", [])):
        need_article(aid, f"{base}/article_ids/{i}")
    claim_ids = [c.get("id") for c in story.get("claims", [])]
    for section in ("claims", "quotes", "disputes"):
        ids = [x.get("id") for x in story.get(section, [])]
        dup = sorted({x for x in ids if ids.count(x) > 1}, key=str)
        if dup:
            errs.append(f"{base}/{section}: duplicate ids {dup}")
    known_claims = set(claim_ids)
    for i, p in enumerate(story.get("provenance", [])):
        need_article(p.get("article_id"), f"{base}/provenance/{i}/article_id")
        need_article(p.get("source_id"), f"{base}/provenance/{i}/source_id")
    for i, q in enumerate(story.get("quotes", [])):
        if "article_id" in q:
            need_article(q["article_id"], f"{base}/quotes/{i}/article_id")
    for i, c in enumerate(story.get("claims", [])):
        for j, aid in enumerate(c.get("article_ids", [])):
            need_article(aid, f"{base}/claims/{i}/article_ids/{j}")
    for i, d in enumerate(story.get("disputes", [])):
        for j, side in enumerate(d.get("sides", [])):
            for k, cid in enumerate(side.get("claim_ids", [])):
                if cid not in known_claims:
                    errs.append(f"{base}/disputes/{i}/sides/{j}/claim_ids/{k}: unknown claim id {cid!r}")
    for i, t in enumerate(story.get("timeline", [])):
        for j, aid in enumerate(t.get("article_ids", [])):
            need_article(aid, f"{base}/timeline/{i}/article_ids/{j}")
    for i, f in enumerate(story.get("framing", [])):
        for aid in (f.get("terms") or {}):
            need_article(aid, f"{base}/framing/{i}/terms")
    for i, o in enumerate(story.get("omissions", [])):
        need_article(o.get("article_id"), f"{base}/omissions/{i}/article_id")
        for k, cid in enumerate(o.get("claim_ids", [])):
            if cid not in known_claims:
                errs.append(f"{base}/omissions/{i}/claim_ids/{k}: unknown claim id {cid!r}")
    return errs


def validate_dossier(d: dict) -> list[str]:
    """All problems with a dossier as readable strings; [] when it is valid.

    Referential and evidence checks run only when the schema passes, so the messages are
    about real content, not about knock-on effects of a malformed document.
    """
    errs = [f"{_path(e.absolute_path)}: {e.message}"
            for e in sorted(_validator().iter_errors(d), key=lambda e: list(map(str, e.absolute_path)))]
    if errs:
        return errs
    texts: dict[str, str] = {}
    for i, a in enumerate(d["articles"]):
        if a["id"] in texts:
            errs.append(f"/articles/{i}/id: duplicate article id {a['id']!r}")
        texts[a["id"]] = a["text"]
        for j, s in enumerate(a.get("debris", [])):
            if not (s["start"] <= s["end"] <= len(a["text"])):
                errs.append(f"/articles/{i}/debris/{j}: span {s['start']}-{s['end']} outside the text")
    story_ids = [s["id"] for s in d["stories"]]
    for sid in sorted({x for x in story_ids if story_ids.count(x) > 1}):
        errs.append(f"/stories: duplicate story id {sid!r}")
    for where, ev in iter_evidence(d):
        t = texts.get(ev["article_id"])
        if t is None:
            errs.append(f"{where}: unknown article id {ev['article_id']!r}")
        elif not (0 <= ev["start"] <= ev["end"] <= len(t)):
            errs.append(f"{where}: span {ev['start']}-{ev['end']} outside article of length {len(t)}")
        elif t[ev["start"]:ev["end"]] != ev["text"]:
            errs.append(f"{where}: evidence text {ev['text'][:60]!r} != article text "
                        f"{t[ev['start']:ev['end']][:60]!r}")
    for si, story in enumerate(d["stories"]):
        errs.extend(_check_story(si, story, texts))
    return errs
