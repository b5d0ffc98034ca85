"""`storyscope eval quotes`: source/cue/content span P/R/F1 on PolNeAR (brat standoff).

Layout: ``<split>/text/<name>.txt`` and ``<split>/attributions/<name>_<annotator>.ann``.
When a text has several annotators, the first annotation file in sorted order is the gold,
so every text counts once. PolNeAR conventions, applied here only: a direct quote's
content includes its marks; a mixed quote's content is the whole reported clause; the
segments of a quote split around its cue form one (discontinuous) content span, and so does a
clause interrupted by its cue and source ('Prices, he said, will rise'); a source is its whole
noun phrase ('Sen. X (D-Wis.), who chairs ...'), read from the parse, where the product keeps
the short name.
"""
from __future__ import annotations

import re
import sys
import unicodedata
import time
from collections import defaultdict
from pathlib import Path

ROLES = ("source", "cue", "content")


def read_ann(path: Path) -> dict[str, set[tuple[tuple[int, int], ...]]]:
    """Gold spans per role from a brat .ann file; a span is a tuple of (start, end) segments."""
    ents, gold = {}, {r: set() for r in ROLES}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith("T"):
            continue
        typ, _, rest = parts[1].partition(" ")
        role = typ.lower()
        if role not in ROLES:
            continue
        try:
            segs = tuple(tuple(int(x) for x in seg.split()) for seg in rest.split(";"))
        except ValueError:
            continue
        gold[role].add(segs)
    return gold


SOURCE_FULL_NP = True
SPLIT_AROUND_CUE = True
NP_CLAUSES: tuple[str, ...] = ()
PARTICIPLES = True
MIXED_INNER = True
JOIN_AFTER = True


def _participle(c) -> bool:
    """A comma-led participle clause of a name ('Trump, speaking to a veterans group,'): not in PolNeAR's source."""
    return c.dep_ in ("acl", "advcl") and c.tag_ == "VBG" and c.head.pos_ == "PROPN" \
        and c.doc[min(t.i for t in c.subtree) - 1].text == ","


DASHES = ("—", "–", "―", "--", "-")


def _full_np(doc, s: int, e: int) -> tuple[int, int]:
    """PolNeAR sources are whole noun phrases ('Sen. X (D-Wis.), the chair,'); the product keeps the
    short name. Widen to the contiguous subtree of the span's head word (without the clause kinds in
    ``NP_CLAUSES``: none, leaving relative clauses out lost on PolNeAR train documents 300-600), never
    over a dash or a line break before it (a dateline 'RENO, Nev. (AP) —')."""
    toks = [t for t in doc if s <= t.idx < e]
    if not toks:
        return s, e
    ids = {t.i for t in toks}
    head = next((t for t in toks if t.head.i not in ids or t.head is t), toks[0])
    if head.pos_ == "PRON":
        return s, e
    drop = {t.i for c in head.children if c.i > head.i and (c.dep_ in NP_CLAUSES or PARTICIPLES and _participle(c))
            for t in c.subtree}
    sub = sorted((t for t in head.subtree if t.i not in drop), key=lambda t: t.i)
    k = next(j for j, t in enumerate(sub) if t.i == head.i)
    lo = hi = k
    while lo > 0 and sub[lo - 1].i == sub[lo].i - 1 and "\n" not in sub[lo - 1].text \
            and sub[lo - 1].text not in DASHES:
        lo -= 1
    while hi + 1 < len(sub) and sub[hi + 1].i == sub[hi].i + 1 and "\n" not in sub[hi + 1].text:
        hi += 1
    ns, ne = sub[lo].idx, sub[hi].idx + len(sub[hi].text)
    while ne > ns and (doc.text[ne - 1].isspace() or doc.text[ne - 1] in ",;:—–-"):
        ne -= 1
    return min(s, ns), max(e, ne)


def system_spans(text: str, quotes, doc=None) -> dict[str, set[tuple[tuple[int, int], ...]]]:
    """Map product quote spans to PolNeAR's conventions (``doc``, the spaCy parse, lets
    sources widen to whole noun phrases)."""
    out = {r: set() for r in ROLES}
    by_cue: dict[tuple, list] = defaultdict(list)
    mixed: dict[tuple, list] = defaultdict(list)  # cue -> its mixed quotes' (start, end)
    before: dict[tuple, int] = {}  # cue -> end of its mixed content that closes before the cue
    for q in quotes:
        if q.label == "mixed" and q.attrs.get("cue"):
            mixed[tuple(q.attrs["cue"])].append((q.start, q.end))
            if q.end <= q.attrs["cue"][0]:
                before[tuple(q.attrs["cue"])] = q.end
    for q in quotes:
        a = q.attrs
        if q.label == "direct":
            s, e = q.start - 1, q.end + 1
            if e < len(text) and text[e - 1] not in "”\"’'" and text[e:e + 1] in "”\"’'":
                e += 1
            if s > 0 and text[s - 1:s + 1] in ("''", "``"):  # a double mark typed as two ('' ... '')
                s -= 1
            if text[e - 1:e + 1] == "''":
                e += 1
            seg = (max(s, 0), min(e, len(text)))
        else:
            e = q.end
            m = re.match(r"[.,!?]?(?:”|\"|''|’)", text[e:e + 4])
            if m and q.label == "mixed":  # a clause ending in quoted words keeps its closing mark
                e += m.end()
            qs = q.start
            m = re.search(r"(?:“|\"|''|‘|')$", text[max(qs - 2, 0):qs])
            if m and q.label == "mixed" and any(x[0] == qs for x in a.get("quoted", ())):
                qs -= len(m.group(0))  # a clause opening with quoted words keeps its opening mark
            seg = (qs, e)  # 'X rose, according to Y': the content leaves its comma out (dev +0.6, train 0-150 +0.4)
            inner = [x for x in (a.get("cue"), a.get("speaker")) if x and qs < x[0] and x[1] < e]
            if SPLIT_AROUND_CUE and inner:
                # 'Prices, he said, will rise': PolNeAR content leaves the cue and source out
                lo, hi = min(x[0] for x in inner), max(x[1] for x in inner)
                l1 = len(text[qs:lo].rstrip(" ,—–-"))
                r0 = hi + len(text[hi:e]) - len(text[hi:e].lstrip(" ,—–-"))
                if l1 > 0 and r0 < e:
                    by_cue[(tuple(a["cue"]), False) if a.get("cue") else ("nocue", q.start)].append((qs, qs + l1))
                    seg = (r0, e)
        key = (tuple(a["cue"]), q.label == "direct") if a.get("cue") else ("nocue", q.start)
        around = mixed.get(key[0], ()) if q.label == "direct" and MIXED_INNER else ()
        if JOIN_AFTER and q.label == "direct" and key[0] in before and q.start > key[0][1] \
                and "\n" not in text[before[key[0]]:q.start]:
            # 'The summit did "too little," he added. "Europe risks a lot."': one content (dev 53.8 -> 54.0, train 0-150
            # 53.9 = ; after an indirect content too: dev 54.1 but train 0-150 lower; every direct of the cue: lost)
            by_cue[(key[0], False)].append(seg)
        elif not any(ms - 1 <= q.start and q.end <= me + 1 for ms, me in around):
            # the quoted words of a mixed quote are part of its content, not a content of their own (dev content
            # exact F1 53.2 -> 54.1, train 0-150 53.7 -> 55.2)
            by_cue[key].append(seg)
        if a.get("cue"):
            cs, ce = a["cue"]
            if text[ce:ce + 1] == ":":  # PolNeAR cues keep a following colon ('added:')
                ce += 1
            out["cue"].add(((cs, ce),))
        colon_cue = bool(a.get("cue")) and text[a["cue"][0]:a["cue"][1]] == ":"
        if a.get("source") or a.get("speaker"):
            ss, se = a.get("source") or a["speaker"]  # PolNeAR's source is the relative pronoun itself
            if doc is not None and SOURCE_FULL_NP and not colon_cue:  # 'Name: words' keeps the name
                ss, se = _full_np(doc, ss, se)
            if ", " in text[ss:se] and text[se:se + 1] == ",":  # 'X, the chair,' keeps its comma
                se += 1
            out["source"].add(((ss, se),))
    for segs in by_cue.values():
        out["content"].add(tuple(sorted(set(segs))))
    return out


def _overlaps(x, y) -> bool:
    return any(a < d and c < b for a, b in x for c, d in y)


def _match(gold: set, pred: set, exact: bool) -> int:
    """Greedy one-to-one matching; each gold span matches at most once."""
    if exact:
        return len(gold & pred)
    used, n = set(), 0
    for p in sorted(pred):
        for g in sorted(gold):
            if g not in used and _overlaps(p, g):
                used.add(g)
                n += 1
                break
    return n


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}  # fractions, like every eval


def evaluate_quotes(data_dir: str, limit: int | None = None) -> dict:
    """Score extract_quotes on a PolNeAR split directory (with text/ and attributions/)."""
    from storyscope.ingest.detect import detect_furniture
    from storyscope.stages.nlp import parse
    from storyscope.stages.quotes import extract_quotes
    from storyscope.stages.sentences import headlines

    root = Path(data_dir)
    anns: dict[str, Path] = {}
    for p in sorted((root / "attributions").glob("*.ann")):
        name = re.sub(r"_[^_]+$", "", p.stem)
        anns.setdefault(name, p)
    names = [n for n in sorted(anns) if (root / "text" / f"{n}.txt").exists()]
    if limit:
        names = names[:limit]
    counts = {r: {"exact": [0, 0, 0], "overlap": [0, 0, 0]} for r in ROLES}
    words, in_headline, t0 = 0, 0, time.perf_counter()
    for k, name in enumerate(names):
        text = (root / "text" / f"{name}.txt").read_text(encoding="utf-8")
        words += len(text.split())
        gold = read_ann(anns[name])
        pred = system_spans(text, extract_quotes(text), parse(text))
        heads = headlines(text, [t] if (t := detect_furniture(text).title_span) else [])
        in_headline += sum(1 for segs in gold["cue"] if any(h.start <= segs[0][0] < h.end for h in heads))
        for r in ROLES:
            for mode in ("exact", "overlap"):
                c = counts[r][mode]
                c[0] += _match(gold[r], pred[r], mode == "exact")
                c[1] += len(pred[r])
                c[2] += len(gold[r])
        if (k + 1) % 50 == 0:
            print(f"eval quotes: {k + 1}/{len(names)} documents", file=sys.stderr)
    secs = time.perf_counter() - t0
    res: dict = {r: {m: _prf(*counts[r][m]) for m in ("exact", "overlap")} for r in ROLES}
    # PolNeAR annotates headlines; the product reads none (they are no quotes in a dossier): out of reach
    res.update({"documents": len(names), "gold_cues_in_headlines": in_headline, "seconds": round(secs, 1),
                "words_per_second": round(words / secs) if secs else None})
    return res


def train_cue_lexicon(data_dir: str, out_path: str, min_count: int = 3) -> dict:
    """Learn P(cue | verb lemma with a complement) from PolNeAR train annotations.

    Writes ``{"p_cue": {lemma: p}}``: only lemma statistics, no text. Used by
    stages/quotes.py to decide which verbs introduce attributions.
    """
    import json
    from storyscope.stages.nlp import parse

    root = Path(data_dir)
    anns: dict[str, Path] = {}
    for p in sorted((root / "attributions").glob("*.ann")):
        anns.setdefault(re.sub(r"_[^_]+$", "", p.stem), p)
    total: dict[str, int] = defaultdict(int)
    cue: dict[str, int] = defaultdict(int)
    for k, name in enumerate(sorted(anns)):
        tp = root / "text" / f"{name}.txt"
        if not tp.exists():
            continue
        text = tp.read_text(encoding="utf-8")
        inside = bytearray(len(text) + 1)
        for segs in read_ann(anns[name])["cue"]:
            for a, b in segs:
                inside[a:b] = b"\x01" * (b - a)
        for tok in parse(text):
            if tok.pos_ not in ("VERB", "AUX"):
                continue
            if not any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children):
                continue
            lem = tok.lemma_.lower()
            total[lem] += 1
            cue[lem] += inside[tok.idx]
        if (k + 1) % 100 == 0:
            print(f"train cues: {k + 1}/{len(anns)}", file=sys.stderr)
    p_cue = {lem: round(cue[lem] / (total[lem] + 1), 3) for lem in sorted(total)
             if total[lem] >= min_count and cue[lem] > 0}
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).write_text(json.dumps({"p_cue": p_cue, "min_count": min_count,
                                          "documents": len(anns)}, indent=0, sort_keys=True))
    return {"lemmas": len(p_cue)}


# ---------------------------------------------------------------- BASIL: quotes by named persons and their speakers

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
    """Is a BASIL speaker label one named person ('Donald_Trump'), not a group, party or organisation?"""
    toks = label.split("_")
    return (not label.startswith("other") and label not in ORGS and all(t[:1].isupper() for t in toks)
            and not any(t.lower() in GROUP_WORDS for t in toks))


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


def surname(label: str) -> str:
    """The folded surname of a BASIL person label ('Donald_Trump_Jr.' -> 'trump')."""
    toks = [t for t in label.split("_") if t.rstrip(".") not in ("Jr", "Sr")]
    return _fold(toks[-1])


def evaluate_basil_speakers(basil_dir: str, limit: int | None = None, misses: list | None = None) -> dict:
    """Quotes by named persons on BASIL (Fan et al. 2019) and speakers that are no speaker.

    BASIL marks phrases with ``quote: yes`` and a ``speaker`` label (``Donald_Trump``, ``House_Democrats``,
    ``other_anti``); a *named person* is a label of capitalised words that is not a group or an
    organisation. Found: a quote span of the reading stages (ingest's furniture, ``sentences``, ``actors``,
    ``quotes``, as the product runs them) overlaps the annotated phrase. Right speaker: that quote's
    rendered speaker (``speaker_canonical`` else ``speaker_text``, as the dossier shows it) contains the
    person's surname. Bad speakers (pronoun, relative pronoun, quantifier, date word or line label) are
    counted over every quote of every article. ``misses`` collects 'article@offset' lines (no text)."""
    import glob
    import json
    from storyscope.ingest.jsonl import record_to_article
    from storyscope.stages.registry import get_stage

    root = Path(basil_dir)
    recs = [json.loads(x) for x in (root / "stories.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    if limit:
        recs = recs[:limit]
    anns = {Path(p).name[:-len("_ann.json")]: p for p in glob.glob(str(root / "annotations" / "*" / "*_ann.json"))}
    stages = [get_stage(n) for n in ("sentences", "actors", "quotes")]
    n_named = found = right = n_quotes = words = 0
    bad: dict[str, int] = {}
    misses = [] if misses is None else misses
    t0 = time.perf_counter()
    for rec in recs:
        art, debris = record_to_article(rec, "basil", "stories.jsonl")
        layers = {"debris": list(debris.spans)}
        for st in stages:
            layers.update(st.run([(art, layers)])[0])
        text, quotes = art.text, layers["quotes"]
        words += len(text.split())
        n_quotes += len(quotes)
        for q in quotes:
            kind = bad_speaker_kind(q.attrs.get("speaker_canonical") or q.attrs.get("speaker_text"))
            if kind:
                bad[kind] = bad.get(kind, 0) + 1
                misses.append(f"{rec['id']}@{q.start}: {kind} speaker")
        if rec["id"] not in anns:
            continue
        for p in json.loads(Path(anns[rec["id"]]).read_text(encoding="utf-8"))["phrase-level-annotations"]:
            if p.get("quote") != "yes" or not named_person(p.get("speaker", "")):
                continue
            s = text.find(p["txt"])
            if s < 0:
                continue
            n_named += 1
            e = s + len(p["txt"])
            shown = [_fold(q.attrs.get("speaker_canonical") or q.attrs.get("speaker_text") or "")
                     for q in quotes if q.start < e and s < q.end]
            found += bool(shown)
            ok = any(surname(p["speaker"]) in x for x in shown)
            right += ok
            if not ok:
                misses.append(f"{rec['id']}@{s}: {p['speaker']} " + ("wrong speaker" if shown else "not found"))
    secs = time.perf_counter() - t0
    return {"articles": len(recs), "quotes": n_quotes, "named_person_quotes": n_named,
            "found": round(found / n_named, 3) if n_named else None,
            "speaker_right": round(right / n_named, 3) if n_named else None,
            "bad_speakers": bad, "bad_speakers_total": sum(bad.values()),
            "seconds": round(secs, 1), "words_per_second": round(words / secs) if secs else None}
