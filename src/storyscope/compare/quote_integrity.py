"""Quote integrity: the same quote as each outlet printed it, and whether its words changed (issue 15, s. 2).

Grouping: one group = one quote of one speaker. Two renderings join on speaker (two known speakers
who differ never do) plus shared content, quote cosine or the same sentence around them; two quoted
(direct or mixed) renderings must also align word by word on substantial content
(``quote_words.assess``) unless one article is a provenance copy of the other, and the quoted
renderings of a group stay connected by such links (an indirect paraphrase never bridges two quotes).
A rendering wrapping a direct quote of its own article takes that quote's verdict: a span is never
compared with its own sub-span.

Integrity, against the group's reference (the direct rendering most others align with and agree
with, else a provenance source, else the earliest, so the flag lands on the rendering that changed):
identical (same words up to case, punctuation, brackets, contractions), minor (trims, ellipses,
spelling, transliteration and inflection variants, synonyms, rewordings), altered (a negation added
or removed, an antonym, a number, a content word replaced by a non-synonym: ``quote_words.assess``).
A mixed rendering is judged on its words inside the marks; indirect renderings are the outlet's words,
never "altered", and serve to flag a paraphrase put inside quotation marks. Every row carries a
``confidence`` (QuoteSettings).
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.provenance import sentence_spans
from storyscope.compare.quote_voice import group_speaker, paraphrase_as_direct
from storyscope.compare.quote_words import (  # noqa: F401  (re-exported: framing and tests use them)
    STOP, assess, is_content, judge, morph_equal, stems, tokens, word_diff)


@dataclass(frozen=True)
class QuoteSettings:
    """Tuned values of quote grouping and integrity (checked by hand on BASIL events and the seeds).

    group_overlap / group_min_shared: content-stem overlap coefficient (shared / smaller set) and the
        number of shared stems for two renderings to be one utterance on words alone;
    group_cos: MiniLM cosine of the two quote texts that groups them on meaning;
    group_cos_anchor: the share of the smaller stem set that a cosine-only match must still share
        (different quotes of one speaker on one topic are close in meaning but share few words);
    context_cos / quote_min_cos: cosine of the surrounding sentences (a rewrite keeps the sentence
        and swaps the words inside the marks) and the floor the quotes themselves must then reach;
        such a match scores context_discount x the context cosine;
    verbatim_overlap / verbatim_min: an overlap coefficient and shared-stem count that group two
        renderings whose speakers are unknown (two known speakers who differ never group);
    unknown_quote_cos / unknown_context_cos: renderings of unknown speakers also group at this quote
        cosine, or this context cosine with the quotes at quote_min_cos;
    wrapper_share: a mixed/indirect span covering this share of a direct quote of the same article
        wraps it (the two are one rendering);
    conf_*: confidence of an "altered" verdict by the kind of change (negation and numbers are
        unambiguous, a replaced content word is sometimes a synonym), times the change's strength
        (``quote_words.assess``: lower when the words are close in meaning), scaled by how the
        reference was chosen (a majority of renderings, the provenance source, or only the earliest date).
    """
    group_overlap: float = 0.5
    group_min_shared: int = 3
    group_cos: float = 0.80
    group_cos_anchor: float = 0.3
    context_cos: float = 0.80
    quote_min_cos: float = 0.45
    context_discount: float = 0.9
    verbatim_overlap: float = 0.7
    verbatim_min: int = 4
    unknown_quote_cos: float = 0.9
    unknown_context_cos: float = 0.85
    wrapper_share: float = 0.5
    conf_negation: float = 0.95
    conf_number: float = 0.95
    conf_antonym: float = 0.9
    conf_content: float = 0.80
    basis_majority: float = 1.0
    basis_source: float = 0.9
    basis_earliest: float = 0.6


SETTINGS = QuoteSettings()


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
    """True same speaker, False different, None unknown (a side has no speaker). One person named
    two ways is one speaker: same actor key, same surname, or every word of the shorter name in the
    longer ("Glenn Beck" / "Glenn Beck CPAC"; not "Vicente Fox" / "Fox News")."""
    if not r1["_skey"] or not r2["_skey"]:
        return None
    names = sorted((set(re.findall(r"\w+", (r["speaker"] or "").lower())) for r in (r1, r2)), key=len)
    return r1["_skey"] == r2["_skey"] or r1["_sur"] == r2["_sur"] or len(names[0]) >= 2 and names[0] <= names[1]


def _overlap(s1: set, s2: set) -> tuple[float, int]:
    n = len(s1 & s2)
    return (n / max(1, min(len(s1), len(s2)))), n


def _renderings(bundle: StoryBundle) -> list[dict]:
    rows = []
    for art in bundle.articles:
        sents = sentence_spans(bundle, art)
        for q in sorted(bundle.spans(art.id, "quotes"), key=lambda s: (s.start, s.end)):
            text = art.text[q.start:q.end]
            if len(tokens(text)) < 2 or q.attrs.get("clause") is False:
                continue      # a noun phrase reported ("denied Khan's claim") is no quote to compare
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


def _in_order(r1: dict, r2: dict) -> int:
    """Content words the two renderings share in the same order (one quote keeps its word order;
    two quotes on one topic share words scattered)."""
    a = [k[:6] for _, k in tokens(r1["text"]) if is_content(k)]
    b = [k[:6] for _, k in tokens(r2["text"]) if is_content(k)]
    return sum(m.size for m in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks())


def _fragment_within(r1: dict, r2: dict) -> bool:
    """Whether the shorter rendering's words stand, in one run, in the longer one. A quoted fragment of two
    content words ('"foreign conspiracy."') is one quote with another rendering only where that one holds
    the very words: two sharing words scattered ('a foreign-funded conspiracy', 'a foreign power funding a
    conspiracy') are different utterances on one topic (issue 15: different quotes never group)."""
    short, long_ = sorted((r1["text"], r2["text"]), key=len)
    words = lambda t: " ".join(k for _, k in tokens(t))
    return f" {words(short)} " in f" {words(long_)} "


def _quoted_words(r: dict) -> list[str]:
    """What a rendering puts inside quotation marks: a mixed quote's quoted parts, else its text."""
    return (r.get("_quoted") or _marked(r["text"]) or [r["text"]]) if r["kind"] == "mixed" else [r["text"]]


def _aligned(r1: dict, r2: dict) -> bool:
    """Whether two quoted renderings align word by word on substantial content (``quote_words.assess``):
    different quotes of one speaker on one topic share words, not a run of the quote in order."""
    return any(assess(a, b)["substantial"] for a in _quoted_words(r1) for b in _quoted_words(r2))


def _pair_score(r1: dict, r2: dict, cq: float, cs: float, copied: bool = False) -> float:
    """Score in (0, 1] when two renderings (different articles) look like one utterance, else 0.

    ``copied``: one article is a provenance copy of the other. Two quoted (direct or mixed) renderings
    must align word by word on substantial content, or be a copy's and its source's in the same
    sentence (context cosine >= context_cos); speakers, when both are known, must be one (issue 15:
    one group = one quote of one speaker)."""
    st = SETTINGS
    ov, n = _overlap(r1["_stems"], r2["_stems"])
    small = min(len(r1["_stems"]), len(r2["_stems"]))
    lexical = (ov >= st.group_overlap and n >= (st.group_min_shared if small > st.group_min_shared else 2)
               and _in_order(r1, r2) >= min(st.group_min_shared, small)
               and (small > 2 or _fragment_within(r1, r2)))
    same = _compatible(r1, r2)
    if same is False:
        return 0.0        # two known speakers who differ: never one quote
    if same is None and not (ov >= st.verbatim_overlap and n >= st.verbatim_min or cq >= st.unknown_quote_cos
                             or cs >= st.unknown_context_cos and cq >= st.quote_min_cos):
        return 0.0
    if "indirect" not in (r1["kind"], r2["kind"]) and not (copied and cs >= st.context_cos) and not _aligned(r1, r2):
        return 0.0
    if lexical:
        return max(ov, cq)
    if cq >= st.group_cos and ov >= st.group_cos_anchor and n >= 2:
        return cq          # close in meaning and sharing words: one quote reworded
    if cs >= st.context_cos and cq >= st.quote_min_cos and small >= 3 and same:
        return st.context_discount * cs    # the same sentence around it, the words inside the marks swapped
    return 0.0


def _one_quote(rows: list[dict], idx: list[int], copies: set, cs: np.ndarray, seen: dict) -> bool:
    """Whether the quoted (direct or mixed) renderings among ``idx`` are one quote: connected by links
    of word-by-word alignment (``_aligned``) or of a copy and its source in the same sentence (context
    cosine ``cs`` >= context_cos), so an indirect paraphrase never bridges two different quotes.
    ``seen`` caches the pairwise answers."""
    quoted = [k for k in idx if rows[k]["kind"] != "indirect"]
    def linked(k, m):
        if (rows[k]["article_id"], rows[m]["article_id"]) in copies and cs[k, m] >= SETTINGS.context_cos:
            return True
        if (k, m) not in seen:
            seen[(k, m)] = seen[(m, k)] = _aligned(rows[k], rows[m])
        return seen[(k, m)]
    reached, todo = set(quoted[:1]), quoted[:1]
    while todo:
        k = todo.pop()
        for m in quoted:
            if m not in reached and linked(k, m):
                reached.add(m)
                todo.append(m)
    return len(reached) == len(quoted)


def _copies(bundle: StoryBundle) -> set[tuple[str, str]]:
    """Article pairs (both orders) that one provenance edge links: the derived copy and its source."""
    edges = {(e.get("article_id"), e.get("source_id")) for e in bundle.provenance}
    return edges | {(b, a) for a, b in edges}


def group_quotes(bundle: StoryBundle) -> list[dict]:
    """One row per quote rendering, with its group, integrity class and diff against the reference."""
    from storyscope.stages.embed import embed
    rows = _renderings(bundle)
    if not rows:
        return []
    if len({r["article_id"] for r in rows}) > 1:
        eq = embed([r["text"] for r in rows])
        ec = embed([r["_ctx"] for r in rows])
        cq, cs = eq @ eq.T, ec @ ec.T
    else:   # renderings of one article never group with each other, so no cosine can change a finding
        cq = cs = np.zeros((len(rows), len(rows)))
    # a mixed/indirect span wrapping a direct quote of the same article is that quote's wrapper
    wrapper_of = {}
    for i, r in enumerate(rows):
        if r["kind"] == "direct":
            continue
        for j, o in enumerate(rows):
            inter = min(r["span"].end, o["span"].end) - max(r["span"].start, o["span"].start)
            if (o["kind"] == "direct" and o["article_id"] == r["article_id"]
                    and inter >= SETTINGS.wrapper_share * (o["span"].end - o["span"].start)):
                wrapper_of[i] = j
                break
    free = [i for i in range(len(rows)) if i not in wrapper_of]
    copies = _copies(bundle)
    cand = []
    for x, i in enumerate(free):
        for j in free[x + 1:]:
            if rows[i]["article_id"] == rows[j]["article_id"]:
                continue
            sc = _pair_score(rows[i], rows[j], float(cq[i, j]), float(cs[i, j]),
                             (rows[i]["article_id"], rows[j]["article_id"]) in copies)
            if sc > 0:
                both_direct = rows[i]["kind"] == rows[j]["kind"] == "direct"
                cand.append((both_direct, sc, i, j))
    # greedy agglomeration: direct-direct pairs first, best first; one rendering per article
    seen: dict = {}
    gid = list(range(len(rows)))
    members = {i: [i] for i in range(len(rows))}
    link = [1.0] * len(rows)      # score of the weakest pair that brought a rendering into its group
    for _, sc, i, j in sorted(cand, reverse=True):
        gi, gj = gid[i], gid[j]
        if gi == gj:
            continue
        if {rows[k]["article_id"] for k in members[gi]} & {rows[k]["article_id"] for k in members[gj]}:
            continue
        if not _one_quote(rows, members[gi] + members[gj], copies, cs, seen):
            continue      # quoted renderings that do not align would share a group (through a paraphrase)
        for k in members[gj]:
            gid[k] = gi
        for k in (i, j):
            link[k] = sc if link[k] == 1.0 else max(link[k], sc)
        members[gi] += members.pop(gj)
    for i, j in wrapper_of.items():
        members.pop(gid[i])
        gid[i] = gid[j]
        members[gid[j]].append(i)
    quoted_by = Counter(r["_sur"] for r in rows if r["_sur"])
    out = [None] * len(rows)
    # groups are numbered by their first rendering (article id, offset), not by row order, so the labels
    # do not depend on the order in which a process saw the story's articles
    first = {g: min((rows[i]["article_id"], rows[i]["span"].start, rows[i]["span"].end) for i in idx)
             for g, idx in members.items()}
    for n, g in enumerate(sorted(members, key=first.__getitem__), 1):
        idx = members[g]
        out_rows = _classify(bundle, rows, idx, cq, quoted_by, wrapper_of, link)
        for i, row in zip(idx, out_rows):
            row["group"] = f"q{n}"
            out[i] = row
    for n, row in enumerate(out):
        row["id"] = f"{row['article_id']}:{row['evidence'][0]['start']}"
    return out


_MARKS = re.compile(r'["\u201c\u201d\u201e]')
_RANK = {"identical": 0, "minor": 1, "altered": 2}


def _marked(text: str) -> list[str]:
    """Segments inside quotation marks (a mixed quote's quoted words); [] when marks are unbalanced."""
    pos = [m.start() for m in _MARKS.finditer(text)]
    if not pos or len(pos) % 2:
        return []
    return [text[pos[k] + 1:pos[k + 1]] for k in range(0, len(pos), 2)]


def _integrity(ref: str, r: dict, copied: bool = False) -> tuple[list[dict], str, str | None, float, bool]:
    """(diff, class, why, strength, aligned) of rendering ``r`` against the reference text
    (``quote_words.assess``); ``copied``: r's article and the reference's are a provenance copy and its
    source. ``aligned``: the words align on substantial content (else no claim is made about them)."""
    res = assess(ref, r["text"], copied)
    diff, cls, why, strength = res["diff"], res["integrity"], res["why"], res["strength"]
    aligned = res["substantial"] or copied
    if r["kind"] == "mixed":
        # only the words inside the marks are a quotation (the quotes layer's "quoted" parts, which
        # also hold when the span stops before a closing mark); segments unrelated to the reference
        # are other fragments of the utterance
        inside = r.get("_quoted") or _marked(r["text"])
        if inside:
            segs = [assess(ref, x, copied) for x in inside if stems(x) & stems(ref)]
            best = max(segs, key=lambda c: (_RANK[c["integrity"]], c["strength"]), default=None)
            cls, why, strength = (best["integrity"], best["why"], best["strength"]) if best else ("minor", None, 0.0)
            aligned = copied or any(c["substantial"] for c in segs)
    if r["kind"] == "indirect" and cls == "altered":
        cls, why, strength = "minor", None, 0.0      # the outlet's own words: not a misquote
    return diff, cls, why, strength, aligned


def _reference(bundle, rows, idx, cq, wrapper_of) -> tuple[int, str]:
    """The rendering the others are judged against, and how it was chosen.

    The direct rendering that most other renderings agree with (aligned and not "altered" against it) is the
    reference ("majority"); on a tie, a provenance source of another member ("source"), then the
    earliest published ("earliest"), then the medoid by quote cosine over all members (indirect ones
    too: the wording the other outlets' renderings are closest to).
    """
    judged = [i for i in idx if i not in wrapper_of and rows[i]["kind"] != "indirect"]
    direct = [i for i in judged if rows[i]["kind"] == "direct"] or judged or idx
    copies = _copies(bundle)
    def agrees(c, j):       # j's words align with c's and keep their meaning
        v = _integrity(rows[c]["text"], rows[j], (rows[c]["article_id"], rows[j]["article_id"]) in copies)
        return v[1] != "altered" and v[4]
    agree = {c: sum(1 for j in judged if j != c and agrees(c, j)) for c in direct}
    arts = {rows[i]["article_id"] for i in idx}
    sources = {e.get("source_id") for e in bundle.provenance if e.get("article_id") in arts}
    def key(i):
        return (-agree[i], rows[i]["article_id"] not in sources, rows[i]["_date"],
                -round(sum(float(cq[i, j]) for j in idx if j != i), 3), i)
    ranked = sorted(direct, key=key)
    ref = ranked[0]
    others = len([j for j in judged if j != ref])
    if len(ranked) == 1 or agree[ref] + 1 > others - agree[ref]:
        return ref, "majority"      # the reference's wording outnumbers the changed ones
    if rows[ref]["article_id"] in sources and rows[ranked[1]]["article_id"] not in sources:
        return ref, "source"
    return ref, "earliest"


def _classify(bundle, rows, idx, cq, quoted_by, wrapper_of, link) -> list[dict]:
    ref, basis = _reference(bundle, rows, idx, cq, wrapper_of)
    derived_from = {(e.get("article_id"), e.get("source_id")) for e in bundle.provenance}
    speaker = group_speaker(rows, idx, quoted_by)
    st = SETTINGS
    weight = {"negation": st.conf_negation, "number": st.conf_number, "antonym": st.conf_antonym,
              "content": st.conf_content}
    copies = _copies(bundle)
    basis_w = {"majority": st.basis_majority, "source": st.basis_source, "earliest": st.basis_earliest}[basis]
    member = max((link[i] for i in idx if link[i] < 1.0), default=1.0) if len(idx) > 1 else 1.0
    judged = {}
    for i in sorted(idx, key=lambda i: i in wrapper_of):
        r = rows[i]
        if i == ref:
            judged[i] = ([{"op": "equal", "a": r["text"], "b": r["text"]}], "identical", None, 0.0, True)
        elif i in wrapper_of and wrapper_of[i] in judged:
            judged[i] = judged[wrapper_of[i]]      # the same words of the same article: never compared with itself
        else:
            judged[i] = _integrity(rows[ref]["text"], r, (r["article_id"], rows[ref]["article_id"]) in copies)
    res = []
    for i in idx:
        r = rows[i]
        diff, cls, why, strength, _ = judged[i]
        conf = link[i] if len(idx) > 1 else 1.0
        if cls == "altered":
            conf = min(conf, member) * weight[why] * strength * basis_w
        para = r["kind"] == "direct" and paraphrase_as_direct(rows, idx, i, derived_from)
        art = r["_art"]
        ev = [art.evidence(r["span"].start, r["span"].end)]
        res.append({"article_id": r["article_id"], "speaker": speaker or r["speaker"], "text": r["text"],
                    "kind": r["kind"], "integrity": cls, "diff": diff, "paraphrase_as_direct": para,
                    "confidence": round(float(min(1.0, conf)), 3),
                    "reference": f"{rows[ref]['article_id']}:{rows[ref]['span'].start}", "evidence": ev})
    return res
