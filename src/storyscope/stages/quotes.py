"""Quotes: direct, indirect and mixed speech, with cue, speaker and the speaker's actor.

Direct quotes are found by a linear scan of quotation marks per paragraph, so an
unbalanced mark only loses its own paragraph and 10,000 marks cost milliseconds; a quote
left open at a paragraph's end continues only when the next paragraph opens with a mark
(the newspaper convention). Indirect speech comes from the dependency parse: a speech or
cognition verb with a clausal complement ('X said that ...', 'X denied that ...'),
'according to X', and 'X claimed ...'; which verbs are cues, and which may also take an
object or prepositional content ('X denied the report', 'X called for talks'), is decided by
a small learned classifier (models/quotes/cue_model.json). A clause interrupted by its cue
('Prices, he said, will rise') is one span; 'Name: words' lines (headlines, transcripts) are
attributions. A reported clause that contains quoted words is 'mixed'. Speakers are resolved through the actors layer, whose pronoun and title
mentions ('he', 'the spokesperson') already point at actors.
"""
from __future__ import annotations

import bisect
import json
import math
import re
from functools import lru_cache
from pathlib import Path

from storyscope.record import Span
from storyscope.stages.nlp import parse
from storyscope.stages.registry import register

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "quotes"

# Verbs (lemmas) that report speech, writing or a stated position.
SPEECH_VERBS = {
    "say", "tell", "add", "state", "claim", "deny", "allege", "announce", "assert", "insist", "argue",
    "explain", "note", "warn", "write", "tweet", "reply", "respond", "ask", "continue", "remark",
    "declare", "stress", "reiterate", "acknowledge", "admit", "confirm", "suggest", "accuse", "describe",
    "report", "urge", "recall", "predict", "promise", "vow", "complain", "contend", "maintain",
    "reject", "dismiss", "thunder", "quip", "conclude", "testify", "inform", "mention", "emphasize",
    "emphasise", "observe", "comment", "concede", "indicate", "rebut", "counter", "charge", "demand",
    "propose", "recommend", "announce", "reveal", "disclose", "caution", "assure", "boast", "brag",
    "joke", "cry", "shout", "exclaim", "plead", "pledge", "threaten", "estimate", "forecast", "told",
    "believe", "think", "hope", "fear", "expect", "agree", "doubt", "acknowledge", "contend", "posit",
    "speculate", "wonder", "question", "query", "snap", "retort", "counter", "interject", "muse",
}
SPEECH_NOUNS = {"statement", "interview", "tweet", "remarks", "speech", "letter", "post", "briefing"}
DOUBLE_OPEN, DOUBLE_CLOSE, DOUBLE_AMBIG = "“„‟«", "”»", '"'
SINGLE_OPEN, SINGLE_CLOSE, SINGLE_AMBIG = "‘‹", "’›", "'"
_OPEN_CTX = set(" \t([{—–-:;,/…") | set(DOUBLE_OPEN) | set(SINGLE_OPEN) | {'"', "'"}
_CLOSE_CTX = set(" \t)]}—–-:;,.!?/…") | set(DOUBLE_CLOSE) | set(SINGLE_CLOSE) | {'"', "'"}


@lru_cache(maxsize=1)
def _learned_cues() -> dict[str, float]:
    """Cue-verb probabilities learned from attribution data (models/quotes/cue_lemmas.json)."""
    p = MODEL_DIR / "cue_lemmas.json"
    try:
        return json.loads(p.read_text())["p_cue"]
    except (OSError, ValueError, KeyError):
        return {}


CUE_THRESHOLD = 0.4
OBJECT_CONTENT = True
CUE_WITH_AUX = True
CUE_WITH_AFTER = True
_CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "prep")
_CUE_DEPS = ("ccomp", "xcomp", "dobj", "prep", "nsubj", "nsubjpass", "agent", "advcl", "dative", "oprd", "prt", "neg")
# prepositions whose object is the attributed content ('called for X', 'spoke of X', 'warned against X')
CUE_P, CUE_P_LEX, CUE_P_OBJ = 0.5, 0.3, 0.4
OBJ_POS = ("NOUN", "PROPN", "PRON", "NUM", "ADJ")
PREP_CONTENT = True
HEAD_CONTENT = True
HEAD_CUT_AFTER = False
OBJ_XCOMP = True
MIXED_RATIO = 1.1
CONTENT_PREPS = {"for", "of", "about", "against", "on", "to", "into", "at"}


@lru_cache(maxsize=1)
def _cue_model() -> dict:
    """Logistic-regression weights over parse features deciding whether a verb is a cue
    (models/quotes/cue_model.json, trained by benchmarks/train_quotes.py); {} when absent."""
    try:
        return json.loads((MODEL_DIR / "cue_model.json").read_text())
    except (OSError, ValueError):
        return {}


def cue_features(tok, quoted: bool = False, children=None) -> list[str]:
    """Sparse features of a main verb for the cue classifier: its lemma, tag and relation,
    and which complements (clause, object, preposition) and subject it governs."""
    lem = tok.lemma_.lower()
    f = [f"l={lem}", f"t={tok.tag_}", f"d={tok.dep_}", f"hp={tok.head.pos_}", "q" if quoted else "nq"]
    deps = set()
    for c in (tok.children if children is None else children):
        if c.dep_ not in _CUE_DEPS:
            continue
        deps.add(c.dep_)
        if c.dep_ == "prep":
            f += [f"p={c.lower_}", f"lp={lem}|{c.lower_}"]
        elif c.dep_ in ("nsubj", "nsubjpass"):
            kind = "pron" if c.pos_ == "PRON" else (c.ent_type_ or c.pos_)
            f += [f"s={kind}", f"ls={lem}|{kind}"]
        elif c.dep_ == "ccomp":
            mark = next((g.lower_ for g in c.children if g.dep_ == "mark"), "-")
            f += [f"cm={mark}", f"lcm={lem}|{mark}"]
        elif c.dep_ == "dobj":
            f.append(f"ob={c.pos_}")
    for d in deps:
        f += [f"c={d}", f"lc={lem}|{d}"]
    if not deps & {"ccomp", "xcomp", "dobj", "prep"}:
        f.append(f"lnocomp={lem}")
    return f


def cue_prob(tok, quoted: bool = False, children=None) -> float | None:
    """P(cue) from the learned model, None when the model file is missing."""
    m = _cue_model()
    if not m:
        return None
    w = m["weights"]
    z = m["bias"] + sum(w.get(x, 0.0) for x in cue_features(tok, quoted, children))
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


COLON_LINES = True
# a line opening with one to four capitalised words (or Q/A) and a colon: 'Ann Roe: We will win.'
_COLON_LINE = re.compile(r"(?m)^[ \t]*((?:[A-Z][\w.’'-]*)(?: [A-Z][\w.’'-]*){0,3}):[ \t]+(\S[^\n]*)$")
_COLON_STOP = {"update", "updated", "editor", "editor's", "editor’s", "note", "watch", "read", "related", "source",
               "sources", "photo", "video", "see", "also", "correction", "disclosure", "via", "image", "credit",
               "listen", "subscribe", "follow", "click", "share", "tags", "posted", "by", "filed", "the", "this",
               "here", "washington", "note", "warning", "transcript", "poll", "polls", "report", "exclusive"}


def is_cue_lemma(lemma: str) -> bool:
    learned = _learned_cues()
    if lemma in learned:
        return learned[lemma] >= CUE_THRESHOLD or lemma in SPEECH_VERBS and learned[lemma] >= 0.2
    return lemma in SPEECH_VERBS


# ---------------------------------------------------------------- direct quotes (linear scan)

def _marks(para: str, base: int, opens: str, closes: str, ambig: str, single: bool,
           blocked: list[tuple[int, int]] | None = None):
    """Pair marks in one paragraph. Returns (pairs, dangling_open) with absolute offsets of marks."""
    pairs, open_at = [], None
    n = len(para)
    allmarks = opens + closes + ambig
    bi = 0
    for i, c in enumerate(para):
        if c not in allmarks:
            continue
        if blocked:
            a = base + i
            while bi < len(blocked) and blocked[bi][1] <= a:
                bi += 1
            if bi < len(blocked) and blocked[bi][0] <= a < blocked[bi][1]:
                continue
        prev = para[i - 1] if i else " "
        nxt = para[i + 1] if i + 1 < n else " "
        can_open = (prev in _OPEN_CTX or i == 0) and nxt not in " \t"
        can_close = prev not in " \t" and (nxt in _CLOSE_CTX or i + 1 == n)
        if single:
            can_open = can_open and (nxt.isalnum() or nxt in "(…")
            can_close = can_close and not nxt.isalnum() and not (prev.isalpha() and c in "’'" and nxt == "s")
            if c in "’'" and prev.isalpha() and nxt.isalpha():
                continue  # apostrophe
        if c in opens and not can_open and can_close:
            kind = "close"
        elif c in closes and not can_close and can_open:
            kind = "open"
        elif c in opens:
            kind = "open"
        elif c in closes:
            kind = "close"
        else:
            kind = "close" if (open_at is not None and can_close) else ("open" if can_open else "close")
        if open_at is None:
            if kind == "open" and can_open or c in opens:
                open_at = i
        elif kind == "close" and (can_close or c in closes):
            if i > open_at + 1:
                pairs.append((base + open_at, base + i))
            open_at = None
        elif can_open:
            open_at = i  # a new opening while open: the earlier mark was unbalanced
    return pairs, (base + open_at if open_at is not None else None)


def find_direct(text: str) -> list[tuple[int, int, int]]:
    """Direct quote segments as (content_start, content_end, group) without the marks.

    ``group`` links the paragraphs of one multi-paragraph quote."""
    out: list[tuple[int, int, int]] = []
    paras = []
    pos = 0
    for line in text.split("\n"):
        paras.append((pos, line))
        pos += len(line) + 1
    group = 0
    pending = None  # group of a quote left open at the previous paragraph's end
    for k, (base, para) in enumerate(paras):
        if not para.strip():
            continue
        pairs, dangling = _marks(para, base, DOUBLE_OPEN, DOUBLE_CLOSE, DOUBLE_AMBIG, False)
        lead = base + len(para) - len(para.lstrip())
        for a, b in pairs:
            if pending is not None and a == lead:
                out.append((a + 1, b, pending))
            else:
                group += 1
                out.append((a + 1, b, group))
            pending = None
        if dangling is not None:
            # continues only if the next non-empty paragraph opens with a mark
            nxt = next((p for p in paras[k + 1:] if p[1].strip()), None)
            end = base + len(para.rstrip())
            if nxt and nxt[1].lstrip()[:1] in DOUBLE_OPEN + DOUBLE_AMBIG and end > dangling + 1:
                g = pending if (pending is not None and dangling == lead) else group + 1
                group = max(group, g)
                out.append((dangling + 1, end, g))
                pending = g
                continue
        pending = None
        blocked = [(a, b + 1) for a, b in pairs]
        spairs, _ = _marks(para, base, SINGLE_OPEN, SINGLE_CLOSE, SINGLE_AMBIG, True, blocked)
        for a, b in spairs:
            if b - a <= 400:
                group += 1
                out.append((a + 1, b, group))
    out.sort()
    return out


# ---------------------------------------------------------------- parse helpers

def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t\n,;:—–-":
        s += 1
    while e > s and text[e - 1] in " \t\n,;:—–-" or (e > s + 1 and text[e - 1] == "." and text[e - 2] not in ".\"”’'"
                                                      and not text[e - 2].isupper()):
        e -= 1
    return s, e


def _span_of(tokens) -> tuple[int, int]:
    toks = list(tokens)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _subtree_span(tok, text: str, exclude=None) -> tuple[int, int]:
    toks = [t for t in tok.subtree if exclude is None or t.i not in exclude]
    if not toks:
        return tok.idx, tok.idx
    s, e = _span_of(sorted(toks, key=lambda t: t.i))
    return _trim(text, s, e)


def _speaker_span(tok, text: str) -> tuple[int, int]:
    """The speaker's noun phrase with appositions, without relative or participle clauses
    ('Harvey, who acknowledged ...' -> 'Harvey') and without a leading dateline."""
    drop = set()
    for c in tok.children:
        if c.i > tok.i and (c.dep_ in ("relcl", "acl", "advcl", "punct")
                            or c.dep_ == "prep" and c.lower_ != "of" and tok.pos_ == "PROPN"):
            drop.update(t.i for t in c.subtree)
    toks = sorted((t for t in tok.subtree if t.i not in drop), key=lambda t: t.i)
    # keep the contiguous run around the head
    lo = hi = next(k for k, t in enumerate(toks) if t.i == tok.i)
    while lo > 0 and toks[lo - 1].i == toks[lo].i - 1 and toks[lo - 1].text not in ("—", "--") \
            and "\n" not in toks[lo - 1].text:
        lo -= 1
    while hi + 1 < len(toks) and toks[hi + 1].i == toks[hi].i + 1:
        hi += 1
    s, e = toks[lo].idx, toks[hi].idx + len(toks[hi].text)
    return _trim(text, s, e)


def _speaker_of(verb):
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("it", "there"):
            if c.dep_ == "nsubjpass":
                for a in verb.children:
                    if a.dep_ == "agent":
                        for p in a.children:
                            if p.dep_ == "pobj":
                                return p
                return None
            return c
    # participial cue attached to a noun: 'officials saying ...'
    if verb.dep_ in ("advcl", "conj", "xcomp"):
        # 'X said ..., adding ...': the subject of the nearest reporting verb above
        h, hops = verb.head, 0
        while hops < 3:
            if h.pos_ in ("VERB", "AUX") and is_cue_lemma(h.lemma_.lower()):
                sp = next((c for c in h.children if c.dep_ == "nsubj" and c.lower_ not in ("it", "there")), None)
                if sp is not None:
                    return sp
            if h.head.i == h.i:  # the root (spaCy makes a new Token per access: compare indices, not `is`)
                break
            h, hops = h.head, hops + 1
    if verb.dep_ in ("acl", "advcl") and verb.tag_ == "VBG":
        h = verb.head
        if verb.dep_ == "advcl":
            return _speaker_of(h) if h.pos_ in ("VERB", "AUX") else None
        return h if h.pos_ in ("NOUN", "PROPN", "PRON") else None
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return _speaker_of(verb.head)
    return None


def _cue_span(verb) -> tuple[int, int]:
    """The cue: the verb with its negation and particle ('did not deny', 'pointed out')."""
    toks = [verb] + [c for c in verb.children if c.dep_ in ("neg", "prt")]
    if CUE_WITH_AUX:
        # contiguous auxiliaries and adverbs before the verb ('has also said', 'did not deny')
        k = verb.i - 1
        while k >= 0 and verb.doc[k].head.i == verb.i and verb.doc[k].dep_ in ("aux", "auxpass", "neg", "advmod") \
                and verb.doc[k].pos_ != "PUNCT":
            toks.append(verb.doc[k])
            k -= 1
        k = verb.i + 1  # 'said Friday', 'reported later'
        while CUE_WITH_AFTER and k < len(verb.doc) and verb.doc[k].head.i == verb.i \
                and verb.doc[k].dep_ in ("npadvmod", "advmod") and verb.doc[k].pos_ in ("ADV", "PROPN", "NOUN") \
                and not any(c.i > k for c in verb.doc[k].children):
            toks.append(verb.doc[k])
            k += 1
        for c in verb.children:  # 'said in a statement'
            if c.dep_ == "prep" and c.i == verb.i + 1 and c.lower_ == "in":
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if obj is not None and obj.lemma_.lower() in SPEECH_NOUNS:
                    toks.extend(t for t in c.subtree)
    return _span_of(sorted(toks, key=lambda t: t.i))


# ---------------------------------------------------------------- main

def extract_quotes(text: str, actors: list[Span] | None = None) -> list[Span]:
    """Quote spans (content without marks) with cue, speaker and resolved actor attrs."""
    if not text or sum(c.isalpha() for c in text[:20000]) < 2:
        return []
    direct = find_direct(text)
    n_marks = sum(text.count(c) for c in DOUBLE_OPEN + DOUBLE_CLOSE + DOUBLE_AMBIG + SINGLE_OPEN + SINGLE_CLOSE)
    from storyscope.stages.actors import is_degenerate
    if n_marks > 1000 and n_marks > 0.5 * len(text.split()) or is_degenerate(text):
        # degenerate text (mostly quotation marks): the parser would be slow and meaningless,
        # keep the linear scan's quotes of some length, unattributed
        none = {"cue": None, "speaker": None, "speaker_text": None, "speaker_actor": None, "speaker_canonical": None}
        return [Span(a, b, "direct", dict(none)) for a, b, _ in direct if len(text[a:b].split()) >= 4]
    doc = parse(text)
    if actors is None:
        from storyscope.stages.actors import extract_actors
        actors = extract_actors(text)
    actors = sorted(actors, key=lambda s: s.start)
    a_starts = [a.start for a in actors]
    surnames: dict[str, Span] = {}
    for a in actors:
        if a.label == "PERSON" and a.attrs.get("kind") in ("name", "alias"):
            last = a.attrs.get("canonical", "").split()[-1:]
            if last:
                k = last[0].lower()
                if k in surnames and (surnames[k] is None or surnames[k].attrs.get("actor") != a.attrs.get("actor")):
                    surnames[k] = None
                elif k not in surnames:
                    surnames[k] = a
    surnames = {k: v for k, v in surnames.items() if v is not None}
    tok_starts = [t.idx for t in doc]

    def tok_at(ch: int):
        i = bisect.bisect_right(tok_starts, ch) - 1
        return doc[max(i, 0)] if len(doc) else None

    # which characters are inside a direct quote (with the marks)
    d_starts = [a - 1 for a, _, _ in direct]

    def in_direct(ch: int) -> int | None:
        j = bisect.bisect_right(d_starts, ch) - 1
        if j >= 0 and direct[j][0] - 1 <= ch <= direct[j][1]:
            return j
        return None

    def actor_for(s: int, e: int, head=None):
        """The actor mention inside the speaker span: the one at the head word, else a PERSON, else any."""
        j = bisect.bisect_left(a_starts, s)
        inside = []
        while j < len(actors) and actors[j].start < e:
            if actors[j].end <= e:
                inside.append(actors[j])
            j += 1
        if head is not None:
            for a in inside:
                if a.start <= head.idx < a.end:
                    return a
        pers = [a for a in inside if a.label == "PERSON" and a.attrs.get("kind") != "pronoun"]
        if pers:
            return pers[0]
        if inside:
            return inside[0]
        if head is not None and head.text[:1].isupper():  # a surname NER missed here
            return surnames.get(head.text.lower())
        return None

    def speaker_attrs(sp_tok):
        if sp_tok is None:
            return {"speaker": None, "speaker_text": None, "speaker_actor": None, "speaker_canonical": None}
        s, e = _speaker_span(sp_tok, text)
        a = actor_for(s, e, sp_tok)
        if a is None and sp_tok.pos_ in ("PRON", "NOUN"):
            # unresolved pronoun/role noun: most recent PERSON actor before it, same paragraph or previous
            j = bisect.bisect_left(a_starts, s) - 1
            while j >= 0 and actors[j].label != "PERSON":
                j -= 1
            if j >= 0 and s - actors[j].end < 600 and sp_tok.lower_ in ("he", "she", "spokesperson", "spokesman",
                                                                      "spokeswoman", "minister", "official"):
                a = actors[j]
        return {"speaker": [s, e], "speaker_text": text[s:e],
                "speaker_actor": a.attrs.get("actor") if a else None,
                "speaker_canonical": a.attrs.get("canonical") if a else None}

    out: list[Span] = []
    used_direct: dict[int, dict] = {}

    # 1) verb cues with clausal complements, and 'according to'
    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            src = next((c for c in to.children if c.dep_ == "pobj"), None)
            head = tok.head if tok.head.i != tok.i else None
            if src is None or head is None:
                continue
            excl = {t.i for t in tok.subtree}
            cs, ce = _subtree_span(head, text, excl)
            if ce - cs < 3 or in_direct(tok.idx) is not None:
                continue
            attrs = speaker_attrs(src)
            attrs["cue"] = [tok.idx, to.idx + 2]
            out.append(_make(text, cs, ce, attrs, direct, in_direct))
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("aux", "auxpass") or in_direct(tok.idx) is not None:
            continue
        kids = list(tok.children)
        if tok.dep_ not in ("ccomp", "parataxis") and not any(c.dep_ in _CONTENT_DEPS for c in kids):
            continue  # nothing it could attribute: skip the classifier
        lemma = tok.lemma_.lower()
        p = cue_prob(tok, False, kids)
        if p is None:
            strong = is_cue = is_cue_lemma(lemma)
            strong = strong and _learned_cues().get(lemma, 0) >= CUE_THRESHOLD
        else:
            is_cue = p >= CUE_P or is_cue_lemma(lemma) and p >= CUE_P_LEX
            strong = p >= CUE_P_OBJ
        if not is_cue:
            continue
        comp = [c for c in kids if c.dep_ in ("ccomp", "xcomp") and c.i > tok.i or c.dep_ == "ccomp"]
        prep = None
        if not comp and OBJECT_CONTENT and strong:
            # 'X denied the report', 'X slammed the plan': the object is what is attributed
            comp = [c for c in kids if c.dep_ == "dobj" and c.pos_ in OBJ_POS and c.lower_ not in ("it", "that")]
        if not comp and PREP_CONTENT and strong and _speaker_of(tok) is not None:
            # 'X called for talks', 'X warned against a deal': the preposition's object
            for c in tok.children:
                if c.dep_ == "prep" and c.i > tok.i and c.lower_ in CONTENT_PREPS:
                    obj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                    if obj is not None and obj.ent_type_ not in ("DATE", "TIME", "CARDINAL", "QUANTITY"):
                        comp, prep = [obj], c
                        break
        head_clause = False
        if not comp and HEAD_CONTENT and tok.dep_ in ("ccomp", "parataxis") \
                and tok.head.pos_ in ("VERB", "AUX") and _speaker_of(tok) is not None:
            # 'Prices rose, a source said.', 'Prices, he said, will rise': the clause the cue hangs
            # from (a span around an interrupting cue covers it)
            comp, head_clause = [tok.head], True
        if not comp:
            continue
        c = comp[0]
        if head_clause:
            while c.dep_ == "conj" and c.head.i < c.i:
                c = c.head
            own = {t.i for t in tok.subtree}
            after = {t.i for t in c.subtree if t.i > tok.i} if HEAD_CUT_AFTER else set()
            cs, ce = _subtree_span(c, text, own | after)
        else:
            cs, ce = _subtree_span(c, text)
        if c.dep_ == "xcomp" and OBJ_XCOMP:
            # 'urged supporters to vote': the object belongs to the content
            obj = next((x for x in tok.children if x.dep_ == "dobj" and tok.i < x.i < c.i), None)
            if obj is not None:
                cs = min(cs, _subtree_span(obj, text)[0])
        if c.dep_ == "dobj":
            # 'called the plan "absurd"', 'described X as Y': the object with its predicate
            for x in tok.children:
                if x.i > c.i and (x.dep_ in ("oprd", "xcomp", "ccomp") or x.dep_ == "prep" and x.lower_ == "as"):
                    ce = max(ce, _subtree_span(x, text)[1])
        if ce - cs < 3:
            continue
        if text[max(cs - 2, 0):cs].strip() in tuple(DOUBLE_OPEN + DOUBLE_AMBIG) and in_direct(cs) is None:
            continue  # opens with a mark that never closes: broken text, like the direct scan
        attrs = speaker_attrs(_speaker_of(tok))
        attrs["cue"] = list(_cue_span(tok))
        if prep is not None:
            attrs["cue"][1] = max(attrs["cue"][1], prep.idx + len(prep.text))
        # a complement that is (mostly) one direct quote: that quote's cue
        qs = {in_direct(cs), in_direct(ce - 1)}
        qs.discard(None)
        if qs:
            j = min(qs)
            a, b, _g = direct[j]
            if a - 2 <= cs and ce <= b + 2 or (cs < a and (b - a) >= MIXED_RATIO * (ce - cs)):
                d = abs(tok.idx - a)
                if j not in used_direct or d < used_direct[j][0]:
                    used_direct[j] = (d, attrs)  # the nearest cue verb wins
                continue
        out.append(_make(text, cs, ce, attrs, direct, in_direct))

    # 1b) 'Name: words' at a line's start (headlines, interview transcripts)
    if COLON_LINES:
        for m in _COLON_LINE.finditer(text):
            who = m.group(1)
            if who.split()[0].lower() in _COLON_STOP or in_direct(m.start(1)) is not None:
                continue
            cs, ce = _trim(text, m.start(2), m.end(2))
            if len(text[cs:ce].split()) < 2:
                continue
            attrs = {"speaker": [m.start(1), m.end(1)], "speaker_text": who}
            a = actor_for(m.start(1), m.end(1))
            attrs.update(speaker_actor=a.attrs.get("actor") if a else None,
                         speaker_canonical=a.attrs.get("canonical") if a else None)
            attrs["cue"] = [m.end(1), m.end(1) + 1]
            out.append(_make(text, cs, ce, attrs, direct, in_direct))

    # 2) direct quotes: the nearest cue outside quotes in the same sentence, then neighbours
    sent_spans = [(s.start_char, s.end_char) for s in doc.sents]
    sent_starts = [s for s, _ in sent_spans]
    found: list[dict | None] = []
    group_attrs: dict[int, dict] = {}
    for j, (a, b, g) in enumerate(direct):
        attrs = used_direct[j][1] if j in used_direct else None
        if attrs is None and g not in group_attrs:
            attrs = _find_cue_near(doc, text, a, b, sent_spans, sent_starts, in_direct, tok_at, speaker_attrs)
        found.append(attrs)
        if attrs is not None:
            group_attrs.setdefault(g, attrs)  # one multi-paragraph quote, one speaker
    prev_attrs = None
    prev_end = -1
    for j, (a, b, g) in enumerate(direct):
        attrs = found[j] or group_attrs.get(g)
        if attrs is None and prev_attrs is not None and text.count("\n", prev_end, a) <= 2 and a - prev_end < 400:
            # a quote continuing the previous speaker's
            attrs = dict(prev_attrs)
        if (attrs is None or attrs.get("speaker") is None) and len(text[a:b].split()) < 4:
            continue  # a scare-quoted phrase ('so-called "reform"'), no speaker
        if attrs is None:
            attrs = {"cue": None, "speaker": None, "speaker_text": None, "speaker_actor": None,
                     "speaker_canonical": None}
        prev_attrs, prev_end = attrs, b
        # quoted words inside a reported clause already emitted: part of a mixed quote
        if any(s.label in ("indirect", "mixed") and s.start <= a and b <= s.end
               and not text[s.attrs["cue"][0]:s.attrs["cue"][1]].lower().startswith("according")
               for s in out[-50:]):
            continue
        out.append(Span(a, b, "direct", dict(attrs)))
    out.sort(key=lambda s: (s.start, s.end))
    _resolve_pronoun_speakers(text, out, actors)
    # drop exact duplicates
    seen, res = set(), []
    for s in out:
        k = (s.start, s.end, s.label)
        if k not in seen:
            seen.add(k)
            res.append(s)
    return res


def _resolve_pronoun_speakers(text: str, quotes: list[Span], actors: list[Span]) -> None:
    """'he said' after a quote by a named person is usually that person: a he/she speaker
    takes the most recent earlier PERSON speaker within two paragraphs."""
    person_keys = {a.attrs.get("actor") for a in actors if a.label == "PERSON"}
    last = None  # (position, attrs)
    for q in quotes:
        a = q.attrs
        st = (a.get("speaker_text") or "").lower()
        pos = a["speaker"][0] if a.get("speaker") else q.start
        if st in ("he", "she") and last is not None and text.count("\n", last[0], pos) <= 4 \
                and pos - last[0] < 2500 and last[1]["speaker_actor"] != a.get("speaker_actor"):
            a["speaker_actor"] = last[1]["speaker_actor"]
            a["speaker_canonical"] = last[1]["speaker_canonical"]
        if a.get("speaker_actor") in person_keys:
            last = (pos, a)


def _make(text, cs, ce, attrs, direct, in_direct) -> Span:
    starts = [a for a, _, _ in direct]
    j = bisect.bisect_left(starts, cs - 1)
    quoted = []
    while j < len(direct) and direct[j][0] < ce:
        a, b, _ = direct[j]
        if a >= cs and b <= ce + 1:
            quoted.append([a, b])
        j += 1
    label = "mixed" if quoted else "indirect"
    attrs = dict(attrs)
    if quoted:
        attrs["quoted"] = quoted
    return Span(cs, ce, label, attrs)


def _find_cue_near(doc, text, a, b, sent_spans, sent_starts, in_direct, tok_at, speaker_attrs):
    """Cue for a direct quote [a, b): a speech verb outside quotes in its sentence(s), else in the
    sentence right after it (same or next paragraph), else a previous sentence ending with ':'."""
    si = max(bisect.bisect_right(sent_starts, a) - 1, 0)
    sj = max(bisect.bisect_right(sent_starts, max(b - 1, a)) - 1, 0)
    lo, hi = sent_spans[si][0], sent_spans[min(sj, len(sent_spans) - 1)][1]
    # extend to the sentence holding the closing mark's trailer ('," he said.')
    if sj + 1 < len(sent_spans) and sent_spans[sj + 1][0] <= b + 2:
        hi = sent_spans[sj + 1][1]
    lo, hi = max(lo, a - 300), min(hi, b + 300)  # bounded: linear time on run-on 'sentences'
    if hi <= lo:
        return None
    best = None
    for tok in doc[tok_at(lo).i: tok_at(max(hi - 1, lo)).i + 1]:
        if tok.pos_ not in ("VERB", "AUX") or not is_cue_lemma(tok.lemma_.lower()):
            continue
        if in_direct(tok.idx) is not None or "\n" in text[min(tok.idx, b):max(tok.idx, a)]:
            continue
        d = a - tok.idx if tok.idx < a else tok.idx - b
        sp = _speaker_of(tok)
        if sp is not None and in_direct(sp.idx) is not None:
            sp = None
        score = d + (0 if sp is not None else 200)
        if best is None or score < best[0]:
            best = (score, tok, sp)
    if best is not None:
        attrs = speaker_attrs(best[2])
        attrs["cue"] = list(_cue_span(best[1]))
        return attrs
    # the sentence right after the quote: 'Khan thundered to the crowd.'
    k = bisect.bisect_left(sent_starts, b)
    if k < len(sent_spans) and text[b:sent_spans[k][0]].strip(" \t\n”\"’'.,") == "":
        for tok in doc[tok_at(sent_spans[k][0]).i: tok_at(max(sent_spans[k][1] - 1, sent_spans[k][0])).i + 1]:
            if tok.pos_ == "VERB" and is_cue_lemma(tok.lemma_.lower()) and in_direct(tok.idx) is None \
                    and not any(c.dep_ == "ccomp" for c in tok.children):
                sp = _speaker_of(tok)
                if sp is not None:
                    attrs = speaker_attrs(sp)
                    attrs["cue"] = list(_cue_span(tok))
                    return attrs
            if in_direct(tok.idx) is not None:
                break
    # a previous sentence ending with ':' ('He told the crowd:')
    if si > 0:
        ps, pe = sent_spans[si - 1]
        if text[ps:pe].rstrip().endswith(":"):
            for tok in doc[tok_at(ps).i: tok_at(pe - 1).i + 1]:
                if tok.pos_ == "VERB" and _speaker_of(tok) is not None:
                    attrs = speaker_attrs(_speaker_of(tok))
                    attrs["cue"] = list(_cue_span(tok))
                    return attrs
    return None


def relink_quotes(quotes: list[Span], old_actors: list[Span], new_actors: list[Span]) -> list[Span]:
    """Carry corpus-wide actor keys (from actors.link_corpus_actors) onto one article's quotes."""
    new_at = {(s.start, s.end): s.attrs for s in new_actors}
    key_map = {}
    for s in old_actors:
        n = new_at.get((s.start, s.end))
        if n is not None and n.get("actor") != s.attrs.get("actor"):
            key_map[s.attrs.get("actor")] = (n.get("actor"), n.get("canonical"))
    out = []
    for q in quotes:
        k = q.attrs.get("speaker_actor")
        if k in key_map:
            attrs = dict(q.attrs, speaker_actor=key_map[k][0], speaker_canonical=key_map[k][1])
            out.append(Span(q.start, q.end, q.label, attrs))
        else:
            out.append(q)
    return out


@register("quotes", "quotes.v2", requires=("actors",), adds=("quotes",))
def run(batch):
    return [{"quotes": extract_quotes(article.text, layers.get("actors"))} for article, layers in batch]
