"""Quotes and speakers on BASIL (Fan et al. 2019): the share of quotes by named persons that the quotes
layer finds and credits to the right person, and the count of speakers that are no speaker at all.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_basil_quotes.py [--limit N]

BASIL marks phrases with ``quote: yes`` and a ``speaker`` label (``Donald_Trump``, ``House_Democrats``,
``other_anti``). A *named person* is a label of capitalised words that is not a group or an organisation.
Found: a quote span of the product overlaps the annotated phrase. Right speaker: that quote's rendered
speaker (``speaker_canonical`` or else ``speaker_text``, as the dossier shows it) contains the person's
surname. Bad speakers are counted over every quote of all articles: pronouns, relative pronouns,
quantifiers, date words and line labels. Prints JSON.
"""
from __future__ import annotations

import argparse
import glob
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASIL = ROOT.parent / "shared" / "datasets" / "basil"
GROUP_WORDS = {"lawmakers", "democrats", "republicans", "officials", "members", "campaign", "companies",
               "catholics", "party", "plaintiffs", "protestors", "and"}
ORGS = {"BuzzFeed", "NAACP", "Secure_America_Now"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me", "his", "its", "their"}
RELATIVES = {"who", "that", "which", "whom", "whose", "what"}
QUANTIFIERS = {"some", "many", "several", "few", "most", "all", "both", "others", "each", "any", "none",
               "those", "these", "more", "much"}
DATE_WORDS = {"today", "yesterday", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday",
              "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december", "published", "updated", "posted", "by"}


def bad_speaker_kind(rendered: str | None) -> str | None:
    """'pronoun', 'relative', 'quantifier' or 'date/label' when a rendered speaker is no speaker, else None."""
    if not rendered:
        return None
    words = rendered.lower().split()
    if rendered.lower() in PRONOUNS:
        return "pronoun"
    if rendered.lower() in RELATIVES:
        return "relative"
    if words[0] in QUANTIFIERS:
        return "quantifier"
    if rendered.lower().strip(":") in DATE_WORDS:
        return "date/label"
    return None


def named_person(label: str) -> bool:
    toks = label.split("_")
    return (not label.startswith("other") and label not in ORGS and all(t[:1].isupper() for t in toks)
            and not any(t.lower() in GROUP_WORDS for t in toks))


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


def surname(label: str) -> str:
    toks = [t for t in label.split("_") if t.rstrip(".") not in ("Jr", "Sr")]
    return _fold(toks[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    if not BASIL.exists():
        sys.exit(f"skipped: {BASIL} not found (BASIL is needed for this benchmark)")
    from storyscope.ingest.jsonl import record_to_article
    from storyscope.stages.registry import get_stage

    recs = [json.loads(x) for x in (BASIL / "stories.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    if args.limit:
        recs = recs[:args.limit]
    anns = {Path(p).name[:-len("_ann.json")]: p for p in glob.glob(str(BASIL / "annotations" / "*" / "*_ann.json"))}
    stages = [get_stage(n) for n in ("sentences", "actors", "quotes")]
    n_named = found = right = n_quotes = words = 0
    bad: dict[str, int] = {}
    bad_examples: list[str] = []
    misses: list[str] = []
    t0 = time.perf_counter()
    for rec in recs:
        art, debris = record_to_article(rec, "basil", "stories.jsonl")
        layers = {"debris": list(debris.spans)}
        for st in stages:
            layers.update(st.run([(art, layers)])[0])
        text = art.text
        words += len(text.split())
        quotes = layers["quotes"]
        n_quotes += len(quotes)
        for q in quotes:
            shown = q.attrs.get("speaker_canonical") or q.attrs.get("speaker_text")
            kind = bad_speaker_kind(shown)
            if kind:
                bad[kind] = bad.get(kind, 0) + 1
                if len(bad_examples) < 40:
                    bad_examples.append(f"{rec['id']}@{q.start}: {shown!r}")
        path = anns.get(rec["id"])
        if not path:
            continue
        for p in json.loads(Path(path).read_text(encoding="utf-8"))["phrase-level-annotations"]:
            if p.get("quote") != "yes" or not named_person(p.get("speaker", "")):
                continue
            at = text.find(p["txt"])
            if at < 0:
                continue
            n_named += 1
            s, e = at, at + len(p["txt"])
            hits = [q for q in quotes if q.start < e and s < q.end]
            if hits:
                found += 1
                shown = [_fold(q.attrs.get("speaker_canonical") or q.attrs.get("speaker_text") or "") for q in hits]
                if any(surname(p["speaker"]) in x for x in shown):
                    right += 1
                else:
                    misses.append(f"{rec['id']}@{s}: {p['speaker']} -> {shown}")
            else:
                misses.append(f"{rec['id']}@{s}: {p['speaker']} not found")
    secs = time.perf_counter() - t0
    print(json.dumps({
        "articles": len(recs), "quotes": n_quotes, "named_person_quotes": n_named,
        "found": round(found / n_named, 3) if n_named else None,
        "speaker_right": round(right / n_named, 3) if n_named else None,
        "bad_speakers": bad, "bad_speakers_total": sum(bad.values()),
        "seconds": round(secs, 1), "words_per_second": round(words / secs) if secs else None,
    }, indent=1))
    for line in bad_examples + misses:
        print(line, file=sys.stderr)


if __name__ == "__main__":
    main()
