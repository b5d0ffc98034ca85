"""Cues and the parse around them: which verbs report speech, and the spans of cue, source and content.

A cue verb is decided by a small learned classifier (models/quotes/cue_model.json, logistic regression
over parse features, trained on PolNeAR train by benchmarks/train_quotes.py) with a cue-lemma lexicon
(models/quotes/cue_lemmas.json) and a built-in list of speech verbs as fallbacks.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

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
    "grumble", "sigh", "fume", "scoff", "mutter", "lament", "gush", "groan", "bristle", "protest", "recount",
    "scold", "yell", "whisper", "exult", "rail", "sneer", "huff", "chuckle", "laugh", "marvel", "quip",
}
# Verbs of a deed done to a document or a law: their object is never attributed content ("Gov. X signed a
# revised version of the act" is no quote by the governor), whatever the learned cue model says.
DEED_VERBS = {"sign", "enact", "ratify", "amend", "veto", "adopt", "implement", "pass", "approve", "repeal",
              "revise", "draft"}
SPEECH_NOUNS = {"statement", "interview", "tweet", "remarks", "speech", "letter", "post", "briefing"}


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
    if tok.lemma_.lower() in DEED_VERBS:
        return 0.0
    w = m["weights"]
    z = m["bias"] + sum(w.get(x, 0.0) for x in cue_features(tok, quoted, children))
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))



def is_cue_lemma(lemma: str) -> bool:
    """Whether a verb lemma reports speech: the learned lexicon, else `SPEECH_VERBS`; never a `DEED_VERBS` one."""
    if lemma in DEED_VERBS:
        return False
    learned = _learned_cues()
    if lemma in learned:
        return learned[lemma] >= CUE_THRESHOLD or lemma in SPEECH_VERBS and learned[lemma] >= 0.2
    return lemma in SPEECH_VERBS



# ---------------------------------------------------------------- parse helpers

def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """[s, e) without surrounding spaces (any kind: a no-break space ends many names), punctuation and a final stop."""
    while s < e and (text[s] in ",;:—–-" or text[s].isspace()):
        s += 1
    while e > s and (text[e - 1] in ",;:—–-" or text[e - 1].isspace()) or (
            e > s + 1 and text[e - 1] == "." and text[e - 2] not in ".\"”’'" and not text[e - 2].isupper()):
        e -= 1
    return s, e


def span_of(tokens) -> tuple[int, int]:
    toks = list(tokens)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def subtree_span(tok, text: str, exclude=None) -> tuple[int, int]:
    toks = [t for t in tok.subtree if exclude is None or t.i not in exclude]
    if not toks:
        return tok.idx, tok.idx
    s, e = span_of(sorted(toks, key=lambda t: t.i))
    return trim(text, s, e)


def speaker_span(tok, text: str) -> tuple[int, int]:
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
    while lo > 0 and toks[lo - 1].i == toks[lo].i - 1 and not _dash(toks[lo - 1]) and "\n" not in toks[lo - 1].text:
        lo -= 1
    while hi + 1 < len(toks) and toks[hi + 1].i == toks[hi].i + 1:
        hi += 1
    s, e = toks[lo].idx, toks[hi].idx + len(toks[hi].text)
    return trim(text, s, e)


def _dash(tok) -> bool:
    """A dash token: '—', '--', or a spaced '-', '–', '―' ('BRUSSELS - European leaders')."""
    return tok.text in ("—", "--") or tok.text in ("-", "–", "―") and bool(tok.whitespace_) \
        and tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_)


RELATIVE = {"who", "that", "which", "whom"}


def antecedent(rel, verb):
    """The noun a relative pronoun stands for ('the senator, who said ...' -> 'senator'), or None."""
    v, hops = verb, 0
    while v.dep_ != "relcl" and v.dep_ in ("conj", "xcomp", "ccomp", "advcl") and hops < 4:
        v, hops = v.head, hops + 1
    if v.dep_ == "relcl" and v.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return v.head
    return None


def relative_subject(verb):
    """The relative pronoun that is the verb's subject ('who said'), or None."""
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in RELATIVE
                 and c.tag_ in ("WP", "WDT")), None)


def speaker_of(verb):
    """The source token of a cue verb: its subject (the antecedent of a relative pronoun), the agent of
    a passive, or the subject of the reporting verb it continues ('..., adding that')."""
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in RELATIVE and c.tag_ in ("WP", "WDT"):
            return antecedent(c, verb)
        if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("it", "there"):
            if c.dep_ == "nsubjpass":
                for a in verb.children:
                    if a.dep_ == "agent":
                        for p in a.children:
                            if p.dep_ == "pobj":
                                return p
                return None
            return c
    # the subject after the verb, parsed as its object: '"...," grumbled councillor Piet Aske.'
    prev = verb.doc[verb.i - 1] if verb.i else None
    if prev is not None and prev.text in ('"', "”", "’", "'", "''"):
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "attr") and c.i > verb.i), None)
        if obj is not None and obj.pos_ in ("PROPN", "NOUN"):
            return obj
    if verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX", "ADJ"):
        # 'Biden was quick to retort', 'X declined to comment': the subject of the governing verb
        sp = next((c for c in verb.head.children if c.dep_ == "nsubj" and c.lower_ not in ("it", "there")), None)
        if sp is not None:
            return antecedent(sp, verb.head) if sp.lower_ in RELATIVE and sp.tag_ in ("WP", "WDT") else sp
    # participial cue attached to a noun: 'officials saying ...'
    if verb.dep_ in ("advcl", "conj", "xcomp"):
        # 'X said ..., adding ...': the subject of the nearest reporting verb above
        h, hops = verb.head, 0
        while hops < 3:
            if h.pos_ in ("VERB", "AUX") and is_cue_lemma(h.lemma_.lower()):
                sp = next((c for c in h.children if c.dep_ == "nsubj" and c.lower_ not in ("it", "there")), None)
                if sp is not None:
                    return antecedent(sp, h) if sp.lower_ in RELATIVE and sp.tag_ in ("WP", "WDT") else sp
            if h.head.i == h.i:  # the root (spaCy makes a new Token per access: compare indices, not `is`)
                break
            h, hops = h.head, hops + 1
    if verb.dep_ in ("acl", "advcl") and verb.tag_ == "VBG":
        h = verb.head
        if verb.dep_ == "advcl":
            return speaker_of(h) if h.pos_ in ("VERB", "AUX") else None
        return h if h.pos_ in ("NOUN", "PROPN", "PRON") else None
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return speaker_of(verb.head)
    return None


def cue_span(verb) -> tuple[int, int]:
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
    return span_of(sorted(toks, key=lambda t: t.i))

