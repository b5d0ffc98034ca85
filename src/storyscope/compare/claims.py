"""Claims: each article's factual statements as short attributed propositions, merged across a story.

A claim is one body sentence (per speaker), trimmed of its attribution ("X said that ..."), with
who asserts it (a speaker, or the outlet's own voice), its polarity, numbers, dates and entities.
Claims are parsed once here so disputes, omissions and the timeline share the same analysis.
Only whole propositions become claims (``is_proposition``: a subject and a finite verb; no question,
command, headline, caption or related-link line). Alignment: embeddings shortlist cross-article pairs
and the rules of ``claim_rules`` propose more; the learned same-claim pair model (``compare.pairs``)
decides each merge (alone when sure, or agreeing with a rule); a denial never merges with what it
denies, conflicting counts or days never merge.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from storyscope.compare.bundle import StoryBundle

REPORT_VERBS = {
    "say", "tell", "add", "claim", "allege", "state", "assert", "insist", "argue", "warn", "announce",
    "report", "note", "stress", "remark", "explain", "accuse", "describe", "reiterate", "confirm",
    "acknowledge", "suggest", "write", "believe", "think", "consider", "indicate", "maintain", "reveal",
    "contend", "declare", "admit", "estimate", "predict", "emphasize", "emphasise", "charge", "complain",
    "deny", "reject", "dismiss", "rebut", "refute", "dispute", "contradict", "disavow", "counter",
}
DENY_VERBS = {"deny", "reject", "dismiss", "rebut", "refute", "dispute", "contradict", "disavow"}
DENY_PHRASES = re.compile(
    r"\b(not true|untrue|baseless|no evidence|categorically|false(?:ly)?|fabricated|unfounded|"
    r"never happened|no truth|nonsense|rebut\w*|refut\w*|den(?:y|ies|ied|ying|ial)|reject\w*|dismiss\w*)\b", re.I)
NEG_WORDS = {"not", "n't", "n’t", "never", "neither", "nor", "nobody", "nothing", "none", "nowhere", "no"}
_LABEL_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 3, "NORP": 4}
CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "conj", "relcl", "xcomp", "acl", "pcomp", "csubj", "parataxis"}
ENT_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"}
WORD_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fifteen": 15, "twenty": 20, "thirty": 30,
            "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200,
            "thousand": 1000, "thousands": 2000}
SCALE = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SPLIT = re.compile(r"(?<=[.!?])([\"”’']?)\s+(?=[\"“‘']?[A-Z0-9])")


# ----------------------------------------------------------------------------- sentences

def sentence_spans(bundle: StoryBundle, aid: str, include_headlines: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, role) of an article's prose sentences, debris excluded.

    Uses the ``sentences`` layer when present; otherwise a simple line + punctuation splitter,
    so the comparison still works on bundles built without the sentence stage.
    """
    art = bundle.article(aid)
    text = art.text
    debris = [(s.start, s.end) for s in bundle.spans(aid, "debris")]
    spans = bundle.spans(aid, "sentences")
    out: list[tuple[int, int, str]] = []
    if spans:
        for s in spans:
            role = (s.attrs or {}).get("role", "body")
            out.append((s.start, s.end, role))
    else:
        pos = 0
        first = True
        for line in text.split("\n"):
            lstart = pos
            pos += len(line) + 1
            if not line.strip():
                continue
            role = "headline" if first else "body"
            first = False
            cur = lstart
            for m in list(_SPLIT.finditer(line)) + [None]:
                end = lstart + (m.start() + len(m.group(1)) if m else len(line))
                seg = text[cur:end]
                lead = len(seg) - len(seg.lstrip())
                s0, s1 = cur + lead, cur + len(seg.rstrip())
                if s1 > s0:
                    out.append((s0, s1, role))
                if m:
                    cur = lstart + m.end()
    res = []
    for s0, s1, role in out:
        if role in ("dateline", "byline") or (role == "headline" and not include_headlines):
            continue
        if any(min(s1, d1) - max(s0, d0) > 0.5 * (s1 - s0) for d0, d1 in debris):
            continue
        if len(text[s0:s1].split()) < 4:
            continue
        res.append((s0, s1, role))
    return res


# ----------------------------------------------------------------------------- parsing helpers

def _doc_tokens(text: str, start: int, end: int):
    from storyscope.stages.nlp import parse
    doc = parse(text)
    span = doc.char_span(start, end, alignment_mode="expand")  # O(sentence), not O(article)
    return doc, [t for t in (span if span is not None else doc) if t.idx >= start and t.idx + len(t) <= end]


def _ents(doc) -> list[tuple[int, int, str, str]]:
    """(start_char, end_char, label, text) of the doc's entities, computed once per doc (``doc.ents``
    walks every token on each access, and claims ask once per sentence)."""
    cached = doc.user_data.get("storyscope_ents")
    if cached is None:
        cached = doc.user_data["storyscope_ents"] = [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
    return cached


def _tok_span(toks) -> tuple[int, int]:
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _subtree(tok, allowed: set[int]):
    return [t for t in tok.subtree if t.i in allowed]


def _number_value(tok) -> float | None:
    s = tok.text.lower().replace(",", "")
    try:
        return float(s)
    except ValueError:
        pass
    return float(WORD_NUM[s]) if s in WORD_NUM else None


def norm_entity(s: str) -> str:
    s = re.sub(r"[’']s$", "", s.strip())
    s = re.sub(r"^(the|a|an)\s+", "", s, flags=re.I)
    return " ".join(s.lower().split())


def _content_lemmas(toks) -> list[str]:
    return [t.lemma_.lower() for t in toks
            if t.is_alpha and not t.is_stop and t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM")]


def _clauses(toks, allowed: set[int]) -> list[str]:
    """Clause-level pieces of a sentence: each verb's subtree, and the same without its sub-clauses."""
    out = []
    for t in toks:
        if t.dep_ in CLAUSE_DEPS and t.pos_ in ("VERB", "AUX") or (
                t.pos_ == "NOUN" and t.dep_ in ("pobj", "dobj", "nsubj") and any(c.dep_ in ("prep", "acl") for c in t.children)):
            sub = _subtree(t, allowed)
            inner = {x.i for c in t.children if c.dep_ in ("ccomp", "advcl", "relcl", "conj", "parataxis")
                     for x in c.subtree}
            own = [x for x in sub if x.i not in inner]
            for piece in (sub, own):
                words = [x for x in piece if not x.is_punct]
                if 4 <= len(words) <= 40:
                    out.append(" ".join(x.text for x in piece))
    return list(dict.fromkeys(out))


# ----------------------------------------------------------------------------- extraction

_NOT_PROSE = re.compile(
    r"^\W*(read more|related|see also|watch|click|photo|image|video|caption|copyright|getty|follow us|sign up|"
    r"subscribe|advertisement|share this|more:|listen)\b", re.I)
_FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}


def _finite(tok) -> bool:
    return tok.tag_ in _FINITE_TAGS or "Fin" in tok.morph.get("VerbForm")


def is_proposition(toks, text: str) -> bool:
    """Whether a sentence states a whole proposition: a subject and a finite verb,
    ending as prose (. ! or a closing quote after one), and not a question or a related-link / caption line.
    ``toks`` are the sentence's spaCy tokens. A command has no subject, a headline no final stop."""
    t = text.strip()
    if not t or _NOT_PROSE.match(t) or t.rstrip("\"'”’)] ").endswith("?"):
        return False
    if not re.search(r"[.!…][\"'”’)\]]*$", t) and not re.search(r"[\"”’]$", t):
        return False
    # a subject and a finite verb somewhere in the sentence: parses of long sentences inside a whole
    # article attach them unreliably, so not necessarily to each other
    return any(t.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for t in toks) and any(
        _finite(t) and t.pos_ in ("VERB", "AUX") for t in toks)



def _speaker_of(bundle, aid, toks, s0, s1, last_person):
    """Quote-layer speaker, else an actor mention in the attribution tokens, else their text."""
    if not toks:
        return None
    a0, a1 = _tok_span(toks)
    for q in bundle.spans(aid, "quotes"):
        if q.start < s1 and q.end > s0:
            at = q.attrs or {}
            sp = at.get("speaker")
            if sp and sp[0] >= a0 - 1 and sp[1] <= a1 + 1:
                return at.get("speaker_canonical") or at.get("speaker_text")
    mentions = [m for m in bundle.spans(aid, "actors")
                if m.start >= a0 and m.end <= a1 and (m.attrs or {}).get("canonical")]
    if mentions:
        m = min(mentions, key=lambda m: (_LABEL_RANK.get(m.label, 5), -(m.end - m.start)))
        return m.attrs["canonical"]
    words = [t for t in toks if not t.is_punct]
    if all(t.pos_ == "PRON" for t in words):
        return last_person if any(t.lower_ in ("he", "she", "they") for t in words) else None
    head = next((t for t in toks if t.head.i not in {x.i for x in toks} or t.head == t), toks[0])
    keep = [t for t in toks if not any(a.dep_ in ("prep", "relcl", "acl", "appos") and a.head.i != t.i
                                       for a in [t] + list(t.ancestors) if a.i != head.i and a in toks)]
    text = " ".join(t.text for t in keep if t.dep_ != "det" and not t.is_punct)
    return text.strip(" ,") or None


def _entities(bundle, aid, doc, s0, s1) -> list[str]:
    keys = []
    for m in bundle.spans(aid, "actors"):
        if m.start >= s0 and m.end <= s1 and (m.attrs or {}).get("kind") != "pronoun":
            keys.append((m.attrs or {}).get("actor") or norm_entity(doc.text[m.start:m.end]))
    for start, end, label, text in _ents(doc):
        if start >= s0 and end <= s1 and label in ENT_LABELS:
            keys.append(norm_entity(text))
    return list(dict.fromkeys(k for k in keys if k))


def _dates(bundle, aid, doc, s0, s1) -> list[dict]:
    out = []
    tx = bundle.spans(aid, "timex")
    if tx:
        for t in tx:
            if t.start >= s0 and t.end <= s1 and t.label == "DATE":
                at = t.attrs or {}
                out.append({"value": at.get("value"), "precision": at.get("precision"),
                            "resolved": bool(at.get("resolved")), "text": doc.text[t.start:t.end],
                            "start": t.start, "end": t.end})
    else:
        for start, end, label, text in _ents(doc):
            if start >= s0 and end <= s1 and label == "DATE":
                out.append({"value": None, "precision": None, "resolved": False, "text": text,
                            "start": start, "end": end})
    return out


def _numbers(toks, dates: list[dict]) -> list[dict]:
    out = []
    in_date = lambda t: any(d["start"] <= t.idx < d["end"] for d in dates)
    for t in toks:
        if not (t.like_num or t.pos_ == "NUM") or in_date(t) or t.ent_type_ in ("DATE", "TIME", "ORDINAL"):
            continue
        if t.dep_ == "compound" and t.head.lower_ in SCALE:
            continue                # "38" of "38 million": counted on "million"
        v = _number_value(t)
        base = next((_number_value(c) for c in t.children if c.dep_ in ("compound", "nummod", "quantmod")
                     and c.i == t.i - 1), None) if t.lower_ in SCALE else None
        if base is not None:
            v = base                # "38 million" = 38 x the scale below
        if v is None:
            continue
        scale = next((SCALE[c.lower_] for c in t.children if c.lower_ in SCALE), 1)
        if t.head.lower_ in SCALE and t.head.i == t.i + 1:
            scale = SCALE[t.head.lower_]
        if base is not None:
            scale = SCALE[t.lower_]
        head = t.head
        while head.pos_ not in ("NOUN", "PROPN") and head.dep_ in ("nummod", "compound", "quantmod", "amod") \
                and head.head.i != head.i:
            head = head.head
        if head.lower_ in SCALE:
            head = head.head
        noun = head.lemma_.lower() if head.pos_ in ("NOUN", "PROPN") else None
        if noun is None:  # "killed 12 people" parses vary; look right
            nxt = [x for x in toks if x.i > t.i and x.pos_ == "NOUN"][:1]
            noun = nxt[0].lemma_.lower() if nxt and nxt[0].i - t.i <= 3 else None
        out.append({"value": v * scale, "text": t.text, "noun": noun, "start": t.idx, "end": t.idx + len(t)})
    return out


CLAIM_NOUNS = {"claim", "allegation", "accusation", "report", "charge", "assertion", "suggestion", "notion",
               "idea", "story", "reports", "rumour", "rumor", "speculation"}
CAUSE_OPENERS = {"over", "because", "due", "amid", "owing", "for"}


def _denials(toks, allowed: set[int]) -> list[dict]:
    """Each denial cue in a sentence with what it denies ("that ...", "Khan's claim that ...") and who is targeted."""
    out = []
    for t in toks:
        lem = t.lemma_.lower()
        if not (lem in DENY_VERBS and t.pos_ in ("VERB", "NOUN") or t.lower_ in ("denial", "rejection", "rebuttal")):
            continue
        if any(c.dep_ == "neg" for c in t.children):  # "did not deny": no denial
            continue
        target, comp = None, []
        for c in t.children:
            if c.i not in allowed or c.dep_ not in ("ccomp", "dobj", "xcomp", "pcomp", "prep", "acl", "nsubjpass", "pobj"):
                continue
            sub = [x for x in c.subtree if x.i in allowed]
            if c.dep_ == "prep":  # "rejection of the report that ..."
                objs = [k for k in c.children if k.dep_ == "pobj"]
                if objs:
                    c, sub = objs[0], [x for x in objs[0].subtree if x.i in allowed]
            if c.lemma_.lower() in CLAIM_NOUNS:
                poss = [p for p in c.children if p.dep_ == "poss"]
                if poss:
                    target = " ".join(x.text for x in poss[0].subtree if x.dep_ != "case")
                sub = [x for k in c.children if k.dep_ in ("acl", "ccomp", "relcl", "prep") for x in k.subtree
                       if x.i in allowed]
            comp += sub
        subj = [c for c in t.children if c.dep_ in ("nsubj",) and c.i in allowed]
        comp.sort(key=lambda x: x.i)
        while comp and comp[0].dep_ == "mark":
            comp = comp[1:]
        out.append({"cue": t.text, "complement": " ".join(x.text for x in comp),
                    "lemmas": _content_lemmas(comp), "target": target,
                    "denier": " ".join(x.text for x in subj[0].subtree) if subj else None})
    return out


def _causes(toks, allowed: set[int]) -> list[dict]:
    """Cause phrases ("over X", "because of X", "due to X", "to protest X"), and whether each is negated."""
    out = []
    for t in toks:
        low = t.lower_
        obj = None
        if low in ("over", "amid", "for") and t.dep_ == "prep":
            obj = next((c for c in t.children if c.dep_ == "pobj"), None)
        elif low in ("because", "due", "owing") and t.i + 1 in allowed:
            nxt = t.doc[t.i + 1]
            if nxt.lower_ in ("of", "to"):
                obj = next((c for c in nxt.children if c.dep_ == "pobj"), None) or \
                    next((c for c in t.children if c.dep_ == "pobj"), None)
        elif low == "protest" and t.pos_ == "VERB":
            obj = next((c for c in t.children if c.dep_ == "dobj"), None)
        if obj is None or obj.i not in allowed:
            continue
        sub = [x for x in obj.subtree if x.i in allowed]
        window = [t.doc[k] for k in range(max(t.i - 2, 0), t.i)]
        out.append({"text": " ".join(x.text for x in sub), "lemmas": _content_lemmas(sub),
                    "negated": any(w.lower_ in ("not", "n't", "n’t", "never") for w in window),
                    "start": sub[0].idx, "end": sub[-1].idx + len(sub[-1])})
    return out


def analyse_sentence(bundle: StoryBundle, aid: str, s0: int, s1: int, last_person: str | None = None) -> list[dict]:
    """Claim dicts (usually one) for the sentence ``text[s0:s1]``."""
    art = bundle.article(aid)
    doc, toks = _doc_tokens(art.text, s0, s1)
    if not toks:
        return []
    allowed = {t.i for t in toks}
    roots = [t for t in toks if t.head.i not in allowed or t.dep_ == "ROOT"]
    root = roots[0] if roots else toks[0]
    speaker_toks, content_toks, cue = [], toks, None
    deny_target = None

    def attribution(verb):
        nonlocal speaker_toks, content_toks, cue
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i in allowed]
        comp = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp", "dobj", "parataxis") and c.i in allowed]
        if not subj or not comp:
            return False
        speaker_toks = _subtree(subj[0], allowed)
        body = []
        for c in comp:
            body += _subtree(c, allowed)
        content_toks = sorted(body, key=lambda x: x.i)
        cue = verb
        return True

    found = False
    for verb in [root] + [t for t in toks if t.dep_ in ("ccomp", "conj", "advcl") and t.head == root]:
        if verb.lemma_.lower() in REPORT_VERBS and attribution(verb):
            found = True
            break
    if not found:  # "according to X"
        for t in toks:
            if t.lower_ == "according" and t.i + 1 in allowed and doc[t.i + 1].lower_ == "to":
                pobj = [c for c in doc[t.i + 1].children if c.dep_ == "pobj"]
                if pobj:
                    speaker_toks = _subtree(pobj[0], allowed)
                    drop = {t.i, t.i + 1} | {x.i for x in speaker_toks}
                    content_toks = [x for x in toks if x.i not in drop]
                    break
    # a denial verb whose object is someone's claim: "rejected Khan's claim that ..."
    if cue is not None and cue.lemma_.lower() in DENY_VERBS:
        for c in content_toks:
            if c.lemma_.lower() in ("claim", "allegation", "accusation", "report", "charge", "assertion", "suggestion") \
                    and c.head == cue:
                poss = [p for p in c.children if p.dep_ == "poss"]
                if poss:
                    deny_target = " ".join(x.text for x in poss[0].subtree if x.dep_ != "case")
                sub = [x for k in c.children if k.dep_ in ("acl", "ccomp", "relcl", "prep") for x in k.subtree]
                if sub:
                    content_toks = sorted(sub, key=lambda x: x.i)
                break
    speaker = _speaker_of(bundle, aid, speaker_toks, s0, s1, last_person) if speaker_toks else None
    ctext_toks = [t for t in content_toks if not (t.dep_ == "mark" and t.i == content_toks[0].i)]
    if len([t for t in ctext_toks if not t.is_punct]) < 3:
        ctext_toks, speaker, cue = toks, None, None
    c0, c1 = _tok_span(ctext_toks)
    text = art.text[c0:c1].strip(" ,;:\"'“”‘’") or art.text[s0:s1]
    sent_text = art.text[s0:s1]
    neg = [t for t in ctext_toks if (t.dep_ == "neg" or t.lower_ in NEG_WORDS)
           and not (t.i + 1 < len(doc) and doc[t.i + 1].text in ("-", "–"))]
    denials = _denials(toks, allowed)
    denial = denials[0]["cue"] if denials else None
    m = DENY_PHRASES.search(sent_text)
    if denial is None and m and not re.match(r"(?i)rebut|refut|den|reject|dismiss", m.group(0)):
        denial = m.group(0)
    if cue is not None and any(c.dep_ == "neg" for c in cue.children):  # "did not say that ..."
        neg = neg + [c for c in cue.children if c.dep_ == "neg"]
    dates = _dates(bundle, aid, doc, s0, s1)
    return [{
        "article_id": aid,
        "text": text,
        "sentence": sent_text,
        "start": s0, "end": s1,
        "speaker": speaker,
        "deny_target": deny_target,
        "cue": cue.lemma_.lower() if cue is not None else None,
        "polarity": "negative" if neg else "positive",
        "negations": [t.lower_ for t in neg],
        "denial": denial,
        "numbers": _numbers(toks, dates),
        "dates": dates,
        "entities": _entities(bundle, aid, doc, s0, s1),
        "lemmas": _content_lemmas(ctext_toks),
        "clauses": _clauses(ctext_toks, {t.i for t in ctext_toks}),
        "proposition": is_proposition(toks, sent_text),
        "denials": denials,
        "words": sorted({t.lemma_.lower() for t in toks if t.is_alpha} | {t.lower_ for t in toks if t.is_alpha}),
        "causes": _causes(toks, allowed),
        "sentence_lemmas": _content_lemmas(toks),
        "places": [norm_entity(e.text) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")
                   and s0 <= e.start_char < s1 and e.start > 0 and doc[e.start - 1].lower_ in ("in", "at", "near")],
    }]


def analyse_text(text: str) -> dict:
    """Claim analysis of a free-standing statement (for ``contradicts`` and tests)."""
    from storyscope.record import Article
    art = Article(id="text", text=text)
    out = analyse_sentence(StoryBundle([art]), art.id, 0, len(text))
    c = out[0] if out else {}
    if c:
        c["stance"] = "denies" if c["denial"] else "asserts"
        c["attributed_to"] = c["speaker"] or "text"
        c["id"] = "text"
    return c


def extract_claims(bundle: StoryBundle, include_headlines: bool = False) -> list[dict]:
    """Per-article claims: {"id", "article_id", "text", "attributed_to", "polarity", "numbers", "dates", "evidence", ...}."""
    claims = []
    for art in bundle.articles:
        outlet = art.outlet or art.credit or "the outlet"
        last_person = None
        n = 0
        for s0, s1, role in sentence_spans(bundle, art.id, include_headlines):
            for c in analyse_sentence(bundle, art.id, s0, s1, last_person):
                if not c["proposition"]:
                    continue
                n += 1
                c["id"] = f"{art.id}:c{n}"
                c["attributed_to"] = c["speaker"] or outlet
                c["own_voice"] = c["speaker"] is None
                c["stance"] = "denies" if c["denial"] else "asserts"
                c["headline"] = role == "headline"
                c["evidence"] = [art.evidence(s0, s1)]
                claims.append(c)
                if c["speaker"]:
                    last_person = c["speaker"]
            doc, toks = _doc_tokens(art.text, s0, s1)
            subj = [t for t in toks if t.dep_ == "nsubj" and t.ent_type_ == "PERSON"]
            if subj:
                ent = next((e for e in doc.ents if e.start <= subj[0].i < e.end), None)
                last_person = ent.text if ent is not None else subj[0].text
    return claims


# ----------------------------------------------------------------------------- alignment

@dataclass(frozen=True)
class AlignSettings:
    """Tuned values of claim alignment. Candidate pairs come from sentence embeddings; the merge itself
    is the same-claim pair model's (``compare.pairs``: probability >= ``pairs.settings().same_claim``,
    the threshold that gave 0.90 precision on the MSRP dev fold).

    shortlist_cosine: lowest MiniLM cosine of two claims' sentences for the pair model to look at them
        (MSRP dev paraphrases below it are rare; it bounds the cost per story).
    shortlist_per_article: for each claim, at most this many best-cosine candidates in each other article.
    cap_per_article: a story claim holds at most max(4, cap_per_article x articles) member claims, so
        single links cannot chain a story together.
    """
    shortlist_cosine: float = 0.5
    shortlist_per_article: int = 3
    cap_per_article: int = 2


ALIGN = AlignSettings()


def _day_keys(c: dict) -> set[str]:
    """Month-day of each day-precision date ("XXXX-03-07" from an undated article still matches 2022-03-07)."""
    return {d["value"][5:10] for d in c["dates"] if d.get("precision") == "day" and d.get("value")
            and re.fullmatch(r"(\d{4}|XXXX)-\d\d-\d\d", d["value"][:10])}


def _compatible(a: dict, b: dict) -> bool:
    """Hard guard: same stance and polarity, no conflicting count of one noun, no conflicting day."""
    if (a["stance"] != b["stance"]) or (a["polarity"] != b["polarity"]):
        return False
    va, vb = {x["value"] for x in a["numbers"]}, {y["value"] for y in b["numbers"]}
    for x in a["numbers"]:
        for y in b["numbers"]:
            # "14 people died, 1,200 evacuated" vs "1,200 people evacuated": 1,200 is on both sides, so the
            # two counts of people are two quantities, not a conflict; 14 dead vs 23 dead is one
            if x["noun"] and x["noun"] == y["noun"] and x["value"] != y["value"] \
                    and x["value"] not in vb and y["value"] not in va:
                return False
    da, db = _day_keys(a), _day_keys(b)
    return not (da and db and not da & db)


def merge_probability(pairs: Sequence[tuple[dict, dict]]) -> np.ndarray:
    """Probability that each pair of analysed claims states the same proposition, shape (n,).

    0 where a hard guard forbids the merge (``_compatible``: a denial never merges with what it denies,
    conflicting counts or days never merge); otherwise the same-claim pair model's calibrated
    probability on the two sentences (``compare.pairs.same_claim_prob``), in one batch.
    """
    from storyscope.compare.pairs import same_claim_prob
    out = np.zeros(len(pairs))
    ok = [k for k, (a, b) in enumerate(pairs) if _compatible(a, b)]
    if ok:
        out[ok] = same_claim_prob([(pairs[k][0]["sentence"], pairs[k][1]["sentence"]) for k in ok])
    return out


def decide_merge(prob: np.ndarray, ruled: Sequence[bool]) -> np.ndarray:
    """The merge decision, (n,) bool: the pair model alone at its 0.90-precision threshold, or a rule of
    ``claim_rules`` with the model agreeing (``pairs.settings().same_claim_agree``)."""
    from storyscope.compare.pairs import settings
    s = settings()
    ruled = np.asarray(list(ruled), bool)
    return (prob >= s.same_claim) | (ruled & (prob >= s.same_claim_agree))


def same_claim(pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """``align_claims``' merge decision on free-standing statement pairs (used by ``eval pairs``):
    (decisions bool (n,), probabilities (n,)). Each pair is a two-article story of one claim each
    (``analyse_text``); rules, pair model and ``decide_merge`` as in ``align_claims``."""
    from storyscope.compare.claim_rules import rule_links, specific_entities
    claims = []
    for k, (a, b) in enumerate(pairs):
        for side, text in (("a", a), ("b", b)):
            c = analyse_text(text)
            claims.append({**c, "article_id": f"{k}{side}"})
    idx = [(2 * k, 2 * k + 1) for k in range(len(pairs))]
    ruled = set()
    for i, j in idx:
        ruled |= set(rule_links(claims, [(i, j)], specific_entities([claims[i], claims[j]])))
    prob = merge_probability([(claims[i], claims[j]) for i, j in idx])
    return decide_merge(prob, [p in ruled for p in idx]), prob


def _candidates(claims: list[dict], sim: np.ndarray, s: AlignSettings) -> list[tuple[int, int]]:
    """Cross-article claim pairs (i < j) worth asking the pair model about."""
    by_article: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        by_article.setdefault(c["article_id"], []).append(i)
    out = set()
    for i, c in enumerate(claims):
        for aid, js in by_article.items():
            if aid == c["article_id"]:
                continue
            best = sorted(js, key=lambda j: -sim[i, j])[:s.shortlist_per_article]
            out |= {(min(i, j), max(i, j)) for j in best if sim[i, j] >= s.shortlist_cosine}
    return sorted(out)


def align_claims(bundle: StoryBundle, claims: list[dict], settings: AlignSettings = ALIGN) -> list[dict]:
    """Merge the same claim across articles into story claims with all their evidence.

    Candidate pairs: claims of different articles whose sentences' embeddings are close (``_candidates``)
    and pairs a rule of ``claim_rules`` proposes; ``decide_merge`` keeps a pair when the same-claim pair
    model alone is sure enough, or a rule proposed it and the model agrees (``merge_probability``).
    Accepted links join clusters strongest first (union-find), up to the size cap. Each story claim gets
    ``confidence``: the weakest accepted link's probability (None for a claim of one article).
    """
    if not claims:
        return []
    from storyscope.compare.claim_rules import rule_links, specific_entities
    from storyscope.stages.embed import embed
    vec = embed([c["sentence"] for c in claims])
    sim = vec @ vec.T
    cross = [(i, j) for i in range(len(claims)) for j in range(i + 1, len(claims))
             if claims[i]["article_id"] != claims[j]["article_id"]]
    rules = rule_links(claims, cross, specific_entities(claims))
    cand = sorted(set(_candidates(claims, sim, settings)) | set(rules))
    probs = merge_probability([(claims[i], claims[j]) for i, j in cand])
    keep = decide_merge(probs, [p in rules for p in cand])
    edges = sorted(((float(p), i, j) for p, k, (i, j) in zip(probs, keep, cand) if k), reverse=True)
    n = len(claims)
    parent = list(range(n))
    size = [1] * n
    weakest = [1.0] * n
    cap = max(4, settings.cap_per_article * len(bundle.articles))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p, i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj and size[ri] + size[rj] <= cap:
            parent[rj] = ri
            size[ri] += size[rj]
            weakest[ri] = min(weakest[ri], weakest[rj], p)
    clusters: dict[int, list[int]] = {}
    for i in range(n):
        clusters.setdefault(find(i), []).append(i)
    groups = bundle.independence_groups()
    out = []
    for root, members in clusters.items():
        mem = [claims[i] for i in members]
        aids = list(dict.fromkeys(c["article_id"] for c in mem))
        # representative: the member closest to the others (the first when alone)
        rep = mem[int(sim[np.ix_(members, members)].sum(axis=1).argmax())] if len(members) > 1 else mem[0]
        out.append({
            "text": rep["text"],
            "attributed_to": list(dict.fromkeys(c["attributed_to"] for c in mem)),
            "article_ids": aids,
            "independent_sources": bundle.independent_count(aids),
            "groups": sorted({groups.get(a, a) for a in aids}),
            "member_ids": [c["id"] for c in mem],
            "stance": rep["stance"],
            "polarity": rep["polarity"],
            "confidence": round(weakest[root], 3) if len(aids) > 1 else None,
            "evidence": [e for c in mem for e in c["evidence"]],
            "_members": mem,
        })
    out.sort(key=lambda c: (-c["independent_sources"], -len(c["article_ids"]),
                            min(e["article_id"] + f"{e['start']:08d}" for e in c["evidence"])))
    for k, c in enumerate(out, 1):
        c["id"] = f"claim-{k}"
    return out


def public(story_claims: list[dict]) -> list[dict]:
    """Story claims without the internal member analyses (for a dossier)."""
    return [{k: v for k, v in c.items() if not k.startswith("_")} for c in story_claims]
