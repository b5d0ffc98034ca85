"""Claim parsing: the word lists and the spaCy-parse readers that turn one sentence into a claim's
fields (speaker, entities, dates, numbers, denials, causes, clauses; ``is_proposition``). Used by
``claims.analyse_sentence``."""
from __future__ import annotations

import re

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
            "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
            "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
            "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200,
            "thousand": 1000, "thousands": 2000}
SCALE = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


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


def _text(doc) -> str:
    """The doc's text, kept on the doc (``Doc.text`` joins every token again on each access)."""
    cached = doc.user_data.get("storyscope_text")
    if cached is None:
        cached = doc.user_data["storyscope_text"] = doc.text
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
    """An entity's comparison key: possessive, leading article, case and spacing removed
    ("the Pentagon's" -> "pentagon")."""
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


_LIGHT_VERBS = {"be", "have", "do", "make", "get", "take", "go", "come", "give"}
_PREDICATIVE = {"attr", "oprd", "acomp"}


def predicates(toks) -> list[str]:
    """The lemmas of what a sentence predicates: its verbs other than reporting and light verbs ("say",
    "be", "have", "make"), and the complements of a copula ("the plan is a disaster" -> "disaster"),
    with their conjuncts. ``toks``: spaCy tokens. Used by ``claim_align`` to ask, of a merge the pair model
    is unsure of, whether the two sentences predicate the same thing at all."""
    out = set()
    for t in toks:
        lem = t.lemma_.lower()
        if not t.is_alpha:
            continue
        if t.pos_ == "VERB" and lem not in REPORT_VERBS and lem not in _LIGHT_VERBS:
            out.add(lem)
        elif t.pos_ in ("NOUN", "ADJ", "PROPN") and (
                t.dep_ in _PREDICATIVE or (t.dep_ == "conj" and t.head.dep_ in _PREDICATIVE)):
            out.add(lem)
    return sorted(out)


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
            keys.append((m.attrs or {}).get("actor") or norm_entity(_text(doc)[m.start:m.end]))
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
                            "resolved": bool(at.get("resolved")), "text": _text(doc)[t.start:t.end],
                            "start": t.start, "end": t.end})
    else:
        for start, end, label, text in _ents(doc):
            if start >= s0 and end <= s1 and label == "DATE":
                out.append({"value": None, "precision": None, "resolved": False, "text": text,
                            "start": start, "end": end})
    return out


def _hyphenated_units(toks) -> dict[int, int]:
    """{token index of a tens word: index of its units word} for numbers spelled with a hyphen, which
    the tokenizer splits in three ("Thirty", "-", "two")."""
    out = {}
    for t in toks:
        if t.i + 2 < len(t.doc) and t.lower_ in _TENS and t.doc[t.i + 1].text == "-" and not t.whitespace_ \
                and not t.doc[t.i + 1].whitespace_ and t.doc[t.i + 2].lower_ in _UNITS:
            out[t.i] = t.i + 2
    return out


_TENS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
_UNITS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}


def _numbers(toks, dates: list[dict]) -> list[dict]:
    out = []
    in_date = lambda t: any(d["start"] <= t.idx < d["end"] for d in dates)
    units = _hyphenated_units(toks)
    for t in toks:
        if not (t.like_num or t.pos_ == "NUM") or in_date(t) or t.ent_type_ in ("DATE", "TIME", "ORDINAL") \
                or t.i in units.values():
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
        if t.i in units:        # "Thirty-two": one number, the tens and the units
            v += _number_value(t.doc[units[t.i]]) or 0
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
