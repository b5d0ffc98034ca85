"""Check a dossier against a gold file of what a story must surface (the seeds' ``expected.json`` format).

Articles are named by a 3-digit key found in their path or URL (``000_...``). A finding matches
when its evidence text contains one of the gold anchors (case-insensitive; curly and straight quotes
alike). Users run this on their own annotated stories with ``storyscope eval seeds``.
"""
from __future__ import annotations

import json
import re

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'", "\u00a0": " "})
KEY = re.compile(r"(?:^|[/#\\])(\d{3})_[A-Za-z0-9-]+")


def norm(s) -> str:
    return re.sub(r"\s+", " ", (s or "").translate(_QUOTES)).strip().lower()


def article_key(a: dict) -> str | None:
    for field in ("path", "url"):
        m = KEY.search(a.get(field) or "")
        if m:
            return m.group(1)
    return None


def evidence_of(item) -> list[dict]:
    out = []
    if isinstance(item, dict):
        for k, v in item.items():
            out += [e for e in v if isinstance(e, dict)] if k == "evidence" and isinstance(v, list) else evidence_of(v)
    elif isinstance(item, list):
        for v in item:
            out += evidence_of(v)
    return out


def _hit(evs, key_of, art, anchors) -> bool:
    return any(key_of.get(e.get("article_id")) == art and any(norm(a) in norm(e.get("text")) for a in anchors)
               for e in evs)


def check_dossier(dossier: dict, gold_path: str) -> dict:
    gold = json.load(open(gold_path, encoding="utf-8"))
    key_of = {a["id"]: article_key(a) for a in dossier.get("articles", [])}
    text_of = {a["id"]: a.get("text", "") for a in dossier.get("articles", [])}
    keys = {k for k in key_of.values() if k}
    results: dict[str, list[int]] = {}
    if "stories" in gold:
        got = {frozenset(key_of.get(i) for i in s["article_ids"]) for s in dossier.get("stories", [])}
        results["stories"] = [sum(frozenset(v) in got for v in gold["stories"].values()), len(gold["stories"])]
    main_keys = set(gold.get("articles", {})) or keys
    for label, members in gold.get("stories", {}).items():
        if set(members) >= set(gold.get("provenance", {}).get("keys", [])) and len(members) >= 3:
            main_keys = set(members)
            break
    cands = [s for s in dossier.get("stories", []) if {key_of.get(i) for i in s["article_ids"]} & main_keys]
    story = max(cands, key=lambda s: len({key_of.get(i) for i in s["article_ids"]} & main_keys), default={})
    skeys = {key_of.get(i) for i in story.get("article_ids", [])}

    if "provenance" in gold:
        edges = {(key_of.get(p["article_id"]), key_of.get(p["source_id"])) for p in story.get("provenance", [])}
        want = {(e["derived"], e["source"]) for e in gold["provenance"]["edges"]}
        extra = edges - want
        results["provenance"] = [len(want & edges) + int(not extra), len(want) + 1]

    quotes = story.get("quotes", [])
    if "quote_groups" in gold:
        ok = 0
        for g in gold["quote_groups"]:
            members = {}
            for a, anchors in g["anchors"].items():
                for q in quotes:
                    if _hit(evidence_of(q), key_of, a, anchors) and norm(g["speaker"]) in norm(q.get("speaker")):
                        members[a] = q
                        break
            same = len(members) == len(g["anchors"]) and len({m.get("group") for m in members.values()}) == 1
            alt = all((m.get("integrity") == "altered") == (a in g.get("altered_in", [])) for a, m in members.items())
            ok += int(same and alt)
        results["quote_groups"] = [ok, len(gold["quote_groups"])]
    if "quotes" in gold:
        results["quotes"] = [sum(any(_hit(evidence_of(q), key_of, g["article"], [g["anchor"]])
                                     and norm(g["speaker"]) in norm(q.get("speaker")) for q in quotes)
                                 for g in gold["quotes"]), len(gold["quotes"])]
    claims = {c["id"]: c for c in story.get("claims", [])}
    if "disputes" in gold:
        ok = 0
        for g in gold["disputes"]:
            found = False
            for d in story.get("disputes", []):
                sides = d.get("sides", [])
                evs = [evidence_of(s) + evidence_of([claims.get(i, {}) for i in s.get("claim_ids", [])]) for s in sides]
                for i in range(len(sides)):
                    for j in range(len(sides)):
                        if i != j and any(_hit(evs[i], key_of, a, g["sides"][0]["anchors"]) for a in g["sides"][0]["articles"]) \
                                and any(_hit(evs[j], key_of, a, g["sides"][1]["anchors"]) for a in g["sides"][1]["articles"]):
                            found = True
            ok += int(found)
        results["disputes"] = [ok, len(gold["disputes"])]
    if "corroborated" in gold:
        ok = 0
        for g in gold["corroborated"]:
            ok += int(any(sum(_hit(evidence_of(c), key_of, a, an) for a, an in g["anchors"].items()) >= g["min_independent"]
                          and (c.get("independent_sources") or 0) >= g["min_independent"] for c in claims.values()))
        results["corroborated"] = [ok, len(gold["corroborated"])]
    if "not_independent" in gold:
        bad = 0
        for g in gold["not_independent"]:
            for c in claims.values():
                arts = {key_of.get(e["article_id"]) for e in evidence_of(c)}
                if arts and arts <= set(g["articles"]) and (c.get("independent_sources") or 0) > 1:
                    bad += 1
        results["independence"] = [int(bad == 0), 1]
    if "framing" in gold:
        ok = 0
        for g in gold["framing"]:
            for f in story.get("framing", []):
                by_key = {key_of.get(k): v for k, v in f.get("terms", {}).items()}

                def has(a, wanted):
                    got = [norm(t.get("term") if isinstance(t, dict) else t) for t in by_key.get(a, [])]
                    return any(norm(w) in t or t in norm(w) for w in wanted for t in got if t)
                if all(has(a, w) for a, w in g["terms"].items()):
                    ok += 1
                    break
        results["framing"] = [ok, len(gold["framing"])]
    if "timeline" in gold:
        results["timeline"] = [sum(any(t.get("date") in {g["date"], *g.get("accept", [])}
                                       and {key_of.get(i) for i in t.get("article_ids", [])} & set(g["articles"])
                                       for t in story.get("timeline", [])) for g in gold["timeline"]),
                               len(gold["timeline"])]
    evs = evidence_of(dossier.get("stories", []))
    valid = sum(1 for e in evs if text_of.get(e.get("article_id"), "")[e.get("start", 0):e.get("end", 0)] == e.get("text")
                and e.get("text"))
    guards = []
    if len(story.get("disputes", [])) > 12:
        guards.append("more than 12 disputes")
    if len(story.get("timeline", [])) > 30:
        guards.append("more than 30 timeline entries")
    spk: dict = {}
    for q in quotes:
        if q.get("group") is not None and q.get("speaker"):
            spk.setdefault(q["group"], set()).add(norm(q["speaker"]).split()[-1])
    if any(len(v) > 1 for v in spk.values()):
        guards.append("quote groups mixing speakers")
    found = sum(v[0] for v in results.values())
    total = sum(v[1] for v in results.values())
    return {"sections": {k: {"found": v[0], "total": v[1]} for k, v in results.items()},
            "found": found, "total": total, "story_articles": sorted(k for k in skeys if k),
            "evidence": {"valid": valid, "total": len(evs)}, "guards": guards,
            "pass": found == total and valid == len(evs) and not guards}
