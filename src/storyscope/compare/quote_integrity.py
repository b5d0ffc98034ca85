"""Quote integrity: the same utterance as each outlet printed it, and whether its words changed.

Renderings of one utterance are grouped by speaker plus overlapping content: shared content
stems, embedding similarity of the quotes, or of the sentences around them (a rewrite may keep
the sentence but swap the words inside the marks, which is exactly what we want to catch).
Each rendering is diffed word by word against the group's reference (the medoid direct
rendering, earliest first on ties) and classified:

- identical: same words once case, punctuation, bracketed insertions ("[a]", "(the)") and
  contractions (can't / cannot) are normalised;
- minor: morphological variants (relationship/relations, country/countries), acronyms
  (US / United States), function-word swaps, one or two inserted/dropped modifiers, or a
  sub-quote (one outlet quotes half the sentence: the unshared ends are ignored);
- altered: content words replaced by different ones, a negation or a number changed, or
  more than a couple of content words added/dropped inside the marks.

Indirect renderings are the outlet's words, so they are never "altered"; they serve to flag a
direct quote whose words exist elsewhere only as indirect speech (a paraphrase presented as
a direct quote).
"""
from __future__ import annotations

import difflib
import re
from collections import Counter

import numpy as np

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.provenance import sentence_spans

STOP = set("""a an the of to in on at by for from with and or but as is are was were be been being it its this that
these those there their they them he she his her him we our us you your i me my mine who whom which what when where
how than then so such also very just not no can could will would shall should may might must do does did has have
had into over about after before while if because said says say told""".split()) - {"not", "no"}
NEGATION = {"not", "no", "never", "nor", "none", "nothing", "neither", "nobody", "without"}
CONTRACTIONS = {"can't": "can not", "cannot": "can not", "won't": "will not", "n't": "not", "don't": "do not",
                "doesn't": "does not", "didn't": "did not", "isn't": "is not", "aren't": "are not",
                "wasn't": "was not", "weren't": "were not", "shouldn't": "should not", "wouldn't": "would not",
                "couldn't": "could not", "haven't": "have not", "hasn't": "has not", "hadn't": "had not",
                "it's": "it is", "we're": "we are", "they're": "they are", "i'm": "i am", "we've": "we have",
                "he's": "he is", "she's": "she is", "that's": "that is", "we'll": "we will", "he'll": "he will",
                "they'll": "they will", "i'll": "i will", "let's": "let us"}
NUMBER_WORDS = set("zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
                   "hundred thousand million billion trillion percent half dozen".split())
_TOKEN = re.compile(r"\[[^\]]{0,30}\]|\([^)]{0,12}\)|[\w$%]+(?:['\u2019.\-][\w]+)*")

MAX_MINOR_INDELS = 2   # content words a rendering may add/drop inside the marks and stay "minor"
GROUP_OVERLAP = 0.5    # content-stem overlap coefficient for the same utterance
GROUP_COS = 0.80       # quote-text cosine for the same utterance
CONTEXT_COS = 0.80     # surrounding-sentence cosine (then the quotes need QUOTE_MIN_COS)
QUOTE_MIN_COS = 0.45


# --------------------------------------------------------------------------- tokens
def tokens(text: str) -> list[tuple[str, str]]:
    """(display, key) pairs; bracketed editorial insertions get an empty key."""
    out = []
    for m in _TOKEN.finditer(text.replace("\u2019", "'")):
        w = m.group(0)
        if w[0] in "[(":
            out.append((w, ""))
            continue
        lw = w.lower().strip(".")
        if lw in CONTRACTIONS:
            parts = CONTRACTIONS[lw].split()
            out += [(w if i == 0 else "", p) for i, p in enumerate(parts)]
        elif lw.endswith("'s"):
            out.append((w, lw[:-2]))
        else:
            out.append((w, lw.replace(".", "")))
    return out


def is_content(k: str) -> bool:
    return bool(k) and k not in STOP


def morph_equal(a: str, b: str) -> bool:
    """Same word up to inflection/derivation: relationship~relations, country~countries."""
    if a == b:
        return True
    n = min(len(a), len(b))
    if n < 4:
        return False
    p = len(next((a[:i] for i in range(n, 0, -1) if a[:i] == b[:i]), ""))
    return p >= 0.8 * n


def stems(text: str) -> set[str]:
    return {k[:6] for _, k in tokens(text) if is_content(k)}


def _acronym(short: list[str], long: list[str]) -> bool:
    return len(short) == 1 and len(long) >= 2 and short[0] == "".join(w[0] for w in long if w not in STOP)


def _numeric(k: str) -> bool:
    return any(c.isdigit() for c in k) or k in NUMBER_WORDS


# --------------------------------------------------------------------------- diff
def word_diff(ref: str, other: str) -> tuple[list[dict], str]:
    """Word-level diff of ``other`` against ``ref`` and the integrity class it implies."""
    ta = [t for t in tokens(ref) if t[1]]
    tb = [t for t in tokens(other) if t[1]]
    ka, kb = [k for _, k in ta], [k for _, k in tb]
    sm = difflib.SequenceMatcher(a=ka, b=kb, autojunk=False)
    ops = sm.get_opcodes()
    out = [{"op": op, "a": " ".join(d for d, _ in ta[i1:i2] if d), "b": " ".join(d for d, _ in tb[j1:j2] if d)}
           for op, i1, i2, j1, j2 in ops]
    # sub-quote: unshared leading/trailing material is where one outlet quoted less
    core = list(ops)
    while core and core[0][0] in ("delete", "insert"):
        core.pop(0)
    while core and core[-1][0] in ("delete", "insert"):
        core.pop()
    if not any(op == "equal" for op, *_ in core):
        core = list(ops)
    raw_same = " ".join(ref.split()) == " ".join(other.split())
    indels, changed = 0, False
    for op, i1, i2, j1, j2 in core:
        if op == "equal":
            continue
        ra, rb = ka[i1:i2], kb[j1:j2]
        if _acronym(ra, rb) or _acronym(rb, ra):
            continue
        if (NEGATION & set(ra)) ^ (NEGATION & set(rb)) or {k for k in ra if _numeric(k)} != {k for k in rb if _numeric(k)}:
            return out, "altered"
        ca, cb = [k for k in ra if is_content(k)], [k for k in rb if is_content(k)]
        gone = [w for w in ca if not any(morph_equal(w, x) for x in cb)]
        new = [w for w in cb if not any(morph_equal(w, x) for x in ca)]
        if gone and new:
            return out, "altered"
        if op == "replace" and new and not ca:
            return out, "altered"  # a function word swapped for a content word ("would" -> "reform")
        indels += len(gone) + len(new)
        changed = True
    if indels > MAX_MINOR_INDELS:
        return out, "altered"
    if raw_same:
        return out, "identical"
    if not changed and [k for k in ka] == [k for k in kb] and ref.strip(" .,\"'") == other.strip(" .,\"'"):
        return out, "identical"
    return out, "minor"


# --------------------------------------------------------------------------- grouping
def _surname(name: str | None) -> str | None:
    if not name:
        return None
    parts = [p for p in re.split(r"[\s]+", name.strip()) if p]
    return parts[-1].lower().strip(".,'\u2019s") if parts else None


def _speaker_label(bundle: StoryBundle, aid: str, q) -> str | None:
    """Actor label (PERSON, ORG, ...) of the quote's speaker, from the actors layer."""
    key = q.attrs.get("speaker_actor")
    if not key:
        return None
    return next((s.label for s in bundle.spans(aid, "actors") if s.attrs.get("actor") == key), None)


def _compatible(r1: dict, r2: dict) -> bool | None:
    """True same speaker, False different, None unknown (a side has no speaker)."""
    if not r1["_skey"] or not r2["_skey"]:
        return None
    return r1["_skey"] == r2["_skey"] or r1["_sur"] == r2["_sur"]


def _overlap(s1: set, s2: set) -> tuple[float, int]:
    n = len(s1 & s2)
    return (n / max(1, min(len(s1), len(s2)))), n


def _renderings(bundle: StoryBundle) -> list[dict]:
    rows = []
    for art in bundle.articles:
        sents = sentence_spans(bundle, art)
        for q in sorted(bundle.spans(art.id, "quotes"), key=lambda s: (s.start, s.end)):
            text = art.text[q.start:q.end]
            if len(tokens(text)) < 2:
                continue
            ctx = next(((s.start, s.end) for s in sents if s.start <= q.start < s.end), (q.start, q.end))
            ctx = (min(ctx[0], q.start), max(ctx[1], q.end))
            canon = q.attrs.get("speaker_canonical") or q.attrs.get("speaker_text")
            if canon and canon.lower() in {"he", "she", "they", "it", "we", "i"}:
                canon = None
            label = _speaker_label(bundle, art.id, q)
            if label in {"GPE", "NORP", "LOC"}:      # a country does not speak: treat as unknown
                canon = None
            rows.append({"article_id": art.id, "span": q, "text": text, "kind": q.label or "direct",
                         "speaker": canon, "_skey": (q.attrs.get("speaker_actor") or canon.lower()) if canon else None,
                         "_sur": _surname(canon), "_label": label,
                         "_ctx": art.text[ctx[0]:ctx[1]], "_stems": stems(text),
                         "_quoted": [art.text[a:b] for a, b in (q.attrs.get("quoted") or [])],
                         "_date": art.published or "9999", "_art": art})
    return rows


def _pair_score(r1: dict, r2: dict, cq: float, cs: float) -> float:
    """Score > 0 when two renderings (different articles) look like one utterance."""
    ov, n = _overlap(r1["_stems"], r2["_stems"])
    lexical = ov >= GROUP_OVERLAP and n >= (3 if min(len(r1["_stems"]), len(r2["_stems"])) > 3 else 2)
    same = _compatible(r1, r2)
    if same is False and not (ov >= 0.7 and n >= 5):
        return 0.0        # different speakers: only a long verbatim match overrides (a misattribution)
    if same is None and not (ov >= 0.7 and n >= 4 or cq >= 0.9 or cs >= 0.85 and cq >= QUOTE_MIN_COS):
        return 0.0
    if lexical or cq >= GROUP_COS:
        return max(ov, cq)
    if cs >= CONTEXT_COS and cq >= QUOTE_MIN_COS and min(len(r1["_stems"]), len(r2["_stems"])) >= 3:
        return 0.9 * cs
    return 0.0


def group_quotes(bundle: StoryBundle) -> list[dict]:
    """One row per quote rendering, with its group, integrity class and diff against the reference."""
    from storyscope.stages.embed import embed
    rows = _renderings(bundle)
    if not rows:
        return []
    eq = embed([r["text"] for r in rows])
    ec = embed([r["_ctx"] for r in rows])
    cq, cs = eq @ eq.T, ec @ ec.T
    # a mixed/indirect span wrapping a direct quote of the same article is that quote's wrapper
    wrapper_of = {}
    for i, r in enumerate(rows):
        if r["kind"] == "direct":
            continue
        for j, o in enumerate(rows):
            inter = min(r["span"].end, o["span"].end) - max(r["span"].start, o["span"].start)
            if (o["kind"] == "direct" and o["article_id"] == r["article_id"]
                    and inter >= 0.5 * (o["span"].end - o["span"].start)):
                wrapper_of[i] = j
                break
    free = [i for i in range(len(rows)) if i not in wrapper_of]
    cand = []
    for x, i in enumerate(free):
        for j in free[x + 1:]:
            if rows[i]["article_id"] == rows[j]["article_id"]:
                continue
            sc = _pair_score(rows[i], rows[j], float(cq[i, j]), float(cs[i, j]))
            if sc > 0:
                both_direct = rows[i]["kind"] == rows[j]["kind"] == "direct"
                cand.append((both_direct, sc, i, j))
    # greedy agglomeration: direct-direct pairs first, best first; one rendering per article
    gid = list(range(len(rows)))
    members = {i: [i] for i in range(len(rows))}
    for _, sc, i, j in sorted(cand, reverse=True):
        gi, gj = gid[i], gid[j]
        if gi == gj:
            continue
        if {rows[k]["article_id"] for k in members[gi]} & {rows[k]["article_id"] for k in members[gj]}:
            continue
        for k in members[gj]:
            gid[k] = gi
        members[gi] += members.pop(gj)
    for i, j in wrapper_of.items():
        members.pop(gid[i])
        gid[i] = gid[j]
        members[gid[j]].append(i)
    quoted_by = Counter(r["_sur"] for r in rows if r["_sur"])
    out = [None] * len(rows)
    for g, idx in members.items():
        out_rows = _classify(bundle, rows, idx, cq, quoted_by, wrapper_of)
        for i, row in zip(idx, out_rows):
            row["group"] = f"q{g}"
            out[i] = row
    for n, row in enumerate(out):
        row["id"] = f"{row['article_id']}:{row['evidence'][0]['start']}"
    return out


def _group_speaker(rows, idx, quoted_by) -> str | None:
    """Majority speaker of a group: persons first, then the speaker quoted most in the story."""
    names = [rows[i] for i in idx if rows[i]["speaker"]]
    if not names:
        return None
    votes = Counter(r["_sur"] for r in names)
    def rank(sur):
        persons = sum(1 for r in names if r["_sur"] == sur and r["_label"] == "PERSON")
        return (persons > 0, votes[sur], quoted_by[sur])
    best = max(votes, key=rank)
    full = [r["speaker"] for r in names if r["_sur"] == best]
    return max(full, key=lambda s: (len(s.split()), full.count(s)))


_THIRD = {"he", "his", "him", "she", "her", "hers"}
_FIRST = {"i", "me", "my", "we", "our", "us", "mine", "ours"}


def _paraphrase_as_direct(rows, idx, i, derived_from) -> bool:
    """A direct quote whose words exist elsewhere only as indirect speech, when either the article
    derives from the one with the indirect version, or the 'quote' speaks of its speaker in
    the third person (he/his, no I/we): the outlet's paraphrase put inside quotation marks."""
    r = rows[i]
    others = [j for j in idx if rows[j]["article_id"] != r["article_id"]]
    if not others or any(rows[j]["kind"] != "indirect" and word_diff(rows[j]["text"], r["text"])[1] != "altered"
                         for j in others):
        return False
    indirect = [j for j in others if rows[j]["kind"] == "indirect"]
    if not indirect:
        return False
    keys = {k for _, k in tokens(r["text"])}
    if any((r["article_id"], rows[j]["article_id"]) in derived_from for j in indirect):
        return True
    return bool(keys & _THIRD) and not keys & _FIRST


_MARKS = re.compile(r'["\u201c\u201d\u201e]')
_RANK = {"identical": 0, "minor": 1, "altered": 2}


def _marked(text: str) -> list[str]:
    """Segments inside quotation marks (a mixed quote's quoted words); [] when marks are unbalanced."""
    pos = [m.start() for m in _MARKS.finditer(text)]
    if not pos or len(pos) % 2:
        return []
    return [text[pos[k] + 1:pos[k + 1]] for k in range(0, len(pos), 2)]


def _integrity(ref: str, r: dict) -> tuple[list[dict], str]:
    diff, cls = word_diff(ref, r["text"])
    if r["kind"] == "mixed":
        # only the words inside the marks are a quotation (the quotes layer's "quoted" parts, which
        # also hold when the span stops before a closing mark); segments unrelated to the reference
        # are other fragments of the utterance
        inside = r.get("_quoted") or _marked(r["text"])
        if inside:
            segs = [x for x in inside if stems(x) & stems(ref)]
            cls = max((word_diff(ref, x)[1] for x in segs), key=_RANK.get, default="minor")
    return diff, cls


def _classify(bundle, rows, idx, cq, quoted_by, wrapper_of) -> list[dict]:
    direct = [i for i in idx if rows[i]["kind"] == "direct"] or [i for i in idx if rows[i]["kind"] != "indirect"] or idx
    # reference: the medoid direct rendering (closest to the others), earliest on ties
    ref = min(direct, key=lambda i: (-round(sum(float(cq[i, j]) for j in direct if j != i), 3), rows[i]["_date"], i))
    derived_from = {(e.get("article_id"), e.get("source_id")) for e in bundle.provenance}
    speaker = _group_speaker(rows, idx, quoted_by)
    res = []
    for i in idx:
        r = rows[i]
        if i == ref:
            diff, cls = [{"op": "equal", "a": r["text"], "b": r["text"]}], "identical"
        else:
            diff, cls = _integrity(rows[ref]["text"], r)
            if i in wrapper_of and wrapper_of[i] in idx and wrapper_of[i] != ref:
                inner = _integrity(rows[ref]["text"], rows[wrapper_of[i]])[1]
                cls = max(cls, inner, key=_RANK.get)     # wrapping an altered quote is altered
            if r["kind"] == "indirect" and cls == "altered":
                cls = "minor"      # the outlet's own words: not a misquote
        para = r["kind"] == "direct" and _paraphrase_as_direct(rows, idx, i, derived_from)
        art = r["_art"]
        ev = [art.evidence(r["span"].start, r["span"].end)]
        res.append({"article_id": r["article_id"], "speaker": speaker or r["speaker"], "text": r["text"],
                    "kind": r["kind"], "integrity": cls, "diff": diff, "paraphrase_as_direct": para,
                    "reference": f"{rows[ref]['article_id']}:{rows[ref]['span'].start}", "evidence": ev})
    return res
