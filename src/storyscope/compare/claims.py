"""Claims: each article's factual statements as short attributed propositions, merged across a story.

A claim is one body sentence (per speaker), trimmed of its attribution ("X said that ..."), with
who asserts it (a speaker, or the outlet's own voice), its polarity, numbers, dates and entities.
Claims are parsed once here so disputes, omissions and the timeline share the same analysis.
Alignment is deliberately conservative: two claims merge only when embeddings agree strongly, or
when a clause of each matches and they share a specific entity, date or number; a denial never
merges with what it denies.
"""
from __future__ import annotations

import re
from collections import Counter

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

def embed_claims(claims: list[dict], need_clauses: set[int] | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Embeddings of each claim's text, and of the clauses of the claims in ``need_clauses`` (all when None)."""
    from storyscope.stages.embed import embed
    texts = [c["text"] for c in claims]
    main = embed(texts) if texts else np.zeros((0, 384), np.float32)
    want = range(len(claims)) if need_clauses is None else sorted(need_clauses)
    clause_texts = list(dict.fromkeys(cl for i in want for cl in claims[i].get("clauses", [])[:6]))
    cv = dict(zip(clause_texts, embed(clause_texts))) if clause_texts else {}
    out = []
    for i, c in enumerate(claims):
        cls = [cl for cl in c.get("clauses", [])[:6] if cl in cv]
        out.append(np.vstack([cv[cl] for cl in cls]) if cls else np.zeros((0, main.shape[1]), np.float32))
    return main, out


def _specific_entities(claims: list[dict]) -> set[str]:
    """Entities named in under a third of the story's claims: ubiquitous ones do not identify a fact."""
    df = Counter(e for c in claims for e in set(c["entities"]))
    limit = max(2, len(claims) / 3)
    return {e for e, n in df.items() if n <= limit}


def _day_keys(c: dict) -> set[str]:
    """Month-day of each day-precision date ("XXXX-03-07" from an undated article still matches 2022-03-07)."""
    return {d["value"][5:10] for d in c["dates"] if d.get("precision") == "day" and d.get("value")
            and re.fullmatch(r"(\d{4}|XXXX)-\d\d-\d\d", d["value"][:10])}


def _compatible(a: dict, b: dict) -> bool:
    """Same stance and polarity, no conflicting count of one noun, no conflicting day."""
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


def _specific_numbers(c: dict) -> set:
    """Numbers that identify a fact: a count of a named noun above two ("eleven people", "19 goals"),
    or a large amount whatever it counts ("38 million" euros / a "38 million euro move"); not years."""
    out = set()
    for x in c["numbers"]:
        v = x["value"]
        if v >= 100 and not (v == int(v) and 1900 <= v <= 2100):
            out.add((v, None))
        elif x["noun"] and v > 2:
            out.add((v, x["noun"]))
    return out


def pair_scores(claims: list[dict], main: np.ndarray, clause_vecs: list[np.ndarray]):
    """Full-text cosine and best clause-pair cosine for every pair of claims."""
    n = len(claims)
    full = main @ main.T if n else np.zeros((0, 0))
    best = full.copy()
    reps = [np.vstack([main[i:i + 1], clause_vecs[i]]) if len(clause_vecs[i]) else main[i:i + 1] for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if full[i, j] < 0.35:
                continue
            s = float((reps[i] @ reps[j].T).max())
            best[i, j] = best[j, i] = max(s, full[i, j])
    return full, best


def _clause_rule_possible(a: dict, b: dict, spec: set[str]) -> bool:
    """Whether a best-clause rule of ``align_claims`` can apply to this pair at all."""
    if not _compatible(a, b):
        return False
    return bool(set(a["entities"]) & set(b["entities"]) & spec or _day_keys(a) & _day_keys(b)
                or {(x["value"], x["noun"]) for x in a["numbers"]} & {(y["value"], y["noun"]) for y in b["numbers"]}
                or _specific_numbers(a) & _specific_numbers(b))


def align_claims(bundle: StoryBundle, claims: list[dict], full_threshold: float = 0.8,
                 clause_threshold: float = 0.8) -> list[dict]:
    """Merge the same claim across articles into story claims with all their evidence.

    Merges (strongest first, clusters capped so single links cannot chain a story together):
    full-text cosine >= ``full_threshold``; or best clause cosine >= ``clause_threshold`` plus a shared
    specific entity, number or day-date; or cosine >= 0.55 with a shared day-date and two shared
    specific entities; or best clause cosine >= 0.7 with a shared specific number (``_specific_numbers``);
    or cosine >= 0.3 with two shared specific numbers ("19 goals in 31 games").
    Claims of opposite stance or polarity, or conflicting numbers or dates, never merge.
    """
    if not claims:
        return []
    from storyscope.stages.embed import embed
    main = embed([c["text"] for c in claims])
    full0 = main @ main.T
    spec = _specific_entities(claims)
    # Clause vectors only for claims with a plausible partner in another article (shared specific entity,
    # two shared lemmas or a shared specific number) that a clause rule below could also merge them with
    # (compatible, sharing a specific entity, day-date or number). Clauses are the biggest share of what
    # a story embeds; the second test removes about a third of them without enabling any new merge.
    need = set()
    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            a, b = claims[i], claims[j]
            if a["article_id"] != b["article_id"] and full0[i, j] >= 0.45 and \
                    (set(a["entities"]) & set(b["entities"]) & spec or len(set(a["lemmas"]) & set(b["lemmas"])) >= 2
                     or _specific_numbers(a) & _specific_numbers(b)) and _clause_rule_possible(a, b, spec):
                need |= {i, j}
    main, cvecs = embed_claims(claims, need)
    full, best = pair_scores(claims, main, cvecs)
    groups = bundle.independence_groups()
    edges = []
    n = len(claims)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = claims[i], claims[j]
            if a["article_id"] == b["article_id"] or not _compatible(a, b):
                continue
            shared = (set(a["entities"]) & set(b["entities"])) & spec
            sdates = _day_keys(a) & _day_keys(b)
            la, lb = set(a["lemmas"]), set(b["lemmas"])
            jac = len(la & lb) / max(1, len(la | lb))
            snums = {(x["value"], x["noun"]) for x in a["numbers"]} & {(y["value"], y["noun"]) for y in b["numbers"]}
            facts = _specific_numbers(a) & _specific_numbers(b)
            score = None
            if full[i, j] >= full_threshold:
                score = float(full[i, j]) + 0.2
            elif best[i, j] >= clause_threshold and (shared or sdates or snums):
                score = float(best[i, j])
            elif full[i, j] >= 0.55 and sdates and len(shared) >= 2:
                score = float(full[i, j]) + 0.1
            elif full[i, j] >= 0.6 and len(la & lb) >= 4 and jac >= 0.35 and (shared or sdates):
                score = float(full[i, j]) + 0.1
            elif full[i, j] >= 0.65 and len(shared) >= 2:
                score = float(full[i, j])
            elif best[i, j] >= 0.7 and facts:
                score = float(best[i, j])
            elif full[i, j] >= 0.3 and len(facts) >= 2:
                score = float(full[i, j]) + 0.1
            if score is not None:
                edges.append((score, i, j))
    edges.sort(reverse=True)
    parent = list(range(n))
    size = [1] * n
    cap = max(4, 2 * len(bundle.articles))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj and size[ri] + size[rj] <= cap:
            parent[rj] = ri
            size[ri] += size[rj]
    clusters: dict[int, list[int]] = {}
    for i in range(n):
        clusters.setdefault(find(i), []).append(i)
    out = []
    for members in clusters.values():
        mem = [claims[i] for i in members]
        aids = list(dict.fromkeys(c["article_id"] for c in mem))
        # representative: the member closest to the others (the first when alone)
        if len(members) > 1:
            sub = full[np.ix_(members, members)]
            rep = mem[int(sub.sum(axis=1).argmax())]
        else:
            rep = mem[0]
        out.append({
            "text": rep["text"],
            "attributed_to": list(dict.fromkeys(c["attributed_to"] for c in mem)),
            "article_ids": aids,
            "independent_sources": bundle.independent_count(aids),
            "groups": sorted({groups.get(a, a) for a in aids}),
            "member_ids": [c["id"] for c in mem],
            "stance": rep["stance"],
            "polarity": rep["polarity"],
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
