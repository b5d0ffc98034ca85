"""Soft signals of a decided dispute, read from the spaCy parse of its two claims (issue 15, session 10).

``disputes.decide_pairs`` decides a dispute structurally; these signals only feed its learned confidence
(``dispute_confidence``), they never add or remove a dispute (session 9 showed hard filters of the same kind
losing real disputes on data they were not built on). What they read:

- **value** disputes: whose quantity each conflicting number is (de Marneffe, Rafferty and Manning, "Finding
  Contradictions in Text", ACL 2008, section 4: a numeric mismatch counts only between coreferent
  arguments): the **holder** (the possessor of the counted noun, "Carter's 14 points", else the subject of the
  governing clause, "Garrard completed 28 passes"; "" when the counted noun is itself the subject, "seven
  rifles were seized"; None for a pronoun), whether the value is a **part** (a partitive "3 of his 11", a
  demonstrative "those 10 points", an aggregate "a total of 14", a sub-period "during the run"), the
  **predicate** the number's clause states (went / became pregnant), how many numbers the sentences hold
  (a line of statistics), and how far apart the two values are;
- **negation** disputes: a negation a paraphrase absorbs: a corrective "not X, but Y", a negated embedded
  non-finite clause ("for not educating"), an imperative; a negative implicative on the asserting side
  ("failing to educate", Karttunen 1971, "Implicative verbs"); whether the negated verb is a verb of the
  other side ("will not be playing Jobs" / "to play Jobs");
- every kind: an explicit denial cue in the denying / negating side's sentence (deny, reject, false,
  "not true", "no evidence"), and whether the two claims share their subject (by name or lemma).

Each sentence / claim text is parsed alone through ``stages.nlp.parse`` (cached per process).
"""
from __future__ import annotations

import math
import re

NAMED = ("PERSON", "ORG", "GPE", "NORP", "FAC")
SUBJECTS = ("nsubj", "nsubjpass")
SCOPE_PREPS = ("during", "since", "through")
AGGREGATE = ("total", "tally", "combined", "career", "season")
NEG_IMPLICATIVES = ("fail", "unable", "refuse", "decline", "neglect", "omit")
NEG_IMPLICATIVE_FORMS = re.compile(r"(?i)\b(fail|unable|refus|declin|neglect|omit)")
# an explicit denial: a denial verb or a statement that the other's content is untrue
DENIAL_CUE = re.compile(r"(?i)\b(den(y|ies|ied|ying|ial)|reject\w*|refut\w*|rebut\w*|disput\w*|false(ly)?|untrue|"
                        r"not true|no truth|no evidence|baseless|unfounded|fabricat\w*|categorically)\b")
SIGNALS = ("holder_same", "holder_differ", "value_part", "predicate_same", "numbers_many", "negation_absorbed",
           "negated_verb_shared", "denial_cue", "subject_same", "subject_differ", "value_gap")


def _doc(text: str):
    from storyscope.stages.nlp import parse
    return parse(text)


def _counted(t):
    """The counted noun of a number token (as ``claim_parse._numbers`` walks it), else the token."""
    head = t.head
    while head.pos_ not in ("NOUN", "PROPN") and head.dep_ in ("nummod", "compound", "quantmod", "amod") \
            and head.head.i != head.i:
        head = head.head
    return head if head.pos_ in ("NOUN", "PROPN") and head.i != t.i else t


def _verb(tok):
    """The nearest verb or auxiliary at or above ``tok``, else None."""
    v = tok
    while v.pos_ not in ("VERB", "AUX"):
        if v.head.i == v.i:
            return None
        v = v.head
    return v


def _name(tok) -> str:
    """A referent's key: the last word of the named entity ``tok`` is in, else its lemma (five letters)."""
    if tok.ent_type_ in NAMED:
        ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None:
            return ent[-1].lower_.strip(".'’s")[:5]
    return tok.lemma_.lower()[:5]


def _holder(noun) -> str | None:
    """Whose quantity ``noun`` counts: "" (the counted noun is the subject, or no subject), a key, or None
    (a pronoun)."""
    poss = [c for c in noun.children if c.dep_ == "poss"]
    if poss:
        return None if poss[0].pos_ == "PRON" else _name(poss[0])
    if noun.dep_ in ("appos", "attr") and noun.head.pos_ in ("NOUN", "PROPN"):
        return _holder(noun.head)
    v = _verb(noun)
    while v is not None:
        subj = [c for c in v.children if c.dep_ in SUBJECTS]
        if subj:
            s = subj[0]
            if s.tag_ in ("WP", "WDT") and v.dep_ == "relcl":
                s = v.head
            if s.i == noun.i or noun.i in {x.i for x in s.subtree} or s.i in {x.i for x in noun.subtree}:
                return ""
            if s.pos_ == "PRON":
                return None
            owner = [c for c in s.children if c.dep_ == "poss"]
            if owner and s.ent_type_ not in NAMED:
                return None if owner[0].pos_ == "PRON" else _name(owner[0])
            return _name(s)
        if v.dep_ in ("conj", "xcomp", "advcl", "prep", "pcomp") and v.head.i != v.i:
            v = _verb(v.head)
        else:
            return ""
    return ""


def _part(t, noun) -> bool:
    """A partitive, demonstrative, aggregate or sub-period value."""
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in t.children):
        return True
    if any(w.head.lower_ == "of" and w.head.head.like_num for w in (t, noun)):
        return True
    if any(c.dep_ == "det" and "Dem" in c.morph.get("PronType") for c in noun.children):
        return True
    if any(w.lemma_.lower() in AGGREGATE for w in list(noun.children) + [noun.head, noun.head.head, t.head]):
        return True
    return any(c.dep_ == "prep" and c.lower_ in SCOPE_PREPS and c.head.pos_ in ("VERB", "AUX") for c in t.doc)


def number_roles(c: dict) -> list[dict]:
    """Per number of claim ``c`` (``claims.analyse_sentence`` dict with ``sentence``, ``start``, ``numbers``),
    in order: {"start": article offset, "holder": str | None, "part": bool, "predicate": lemma of the governing
    verb or ""}."""
    doc = _doc(c["sentence"])
    by_idx = {t.idx: t for t in doc}
    out = []
    for x in sorted(c.get("numbers", []), key=lambda x: x["start"]):
        t = by_idx.get(x["start"] - c["start"])
        if t is None:
            out.append({"start": x["start"], "holder": None, "part": False, "predicate": ""})
            continue
        noun = _counted(t)
        v = _verb(noun)
        out.append({"start": x["start"], "holder": _holder(noun), "part": _part(t, noun),
                    "predicate": v.lemma_.lower() if v is not None else ""})
    return out


def _of_unit(c: dict, unit: str) -> list[dict]:
    """The roles of claim ``c``'s numbers of ``unit`` (``dispute_rules._unit``)."""
    from storyscope.compare.dispute_rules import _unit
    starts = {x["start"] for x in c.get("numbers", []) if _unit(c, x) == unit}
    return [r for r in number_roles(c) if r["start"] in starts]


def value_signals(a: dict, b: dict, unit: str) -> dict[str, float]:
    """Signals of a value dispute on ``unit`` between claims ``a`` and ``b``: holder_same (the conflicting numbers
    of both sides have one known holder, or both count the subject), holder_differ (known and different),
    value_part (a number of either side is a part of its quantity), predicate_same (the numbers' clauses share a
    verb lemma), numbers_many (either sentence holds three or more numbers)."""
    ra, rb = _of_unit(a, unit), _of_unit(b, unit)
    ha = {r["holder"] for r in ra if r["holder"] is not None}
    hb = {r["holder"] for r in rb if r["holder"] is not None}
    known = bool(ha) and bool(hb) and None not in {r["holder"] for r in ra + rb}
    same = known and bool(ha & hb)
    pa = {r["predicate"] for r in ra if r["predicate"]}
    pb = {r["predicate"] for r in rb if r["predicate"]}
    return {"holder_same": float(same), "holder_differ": float(known and not same),
            "value_part": float(any(r["part"] for r in ra + rb)),
            "predicate_same": float(bool(pa & pb)),
            "numbers_many": float(max(len(a.get("numbers", [])), len(b.get("numbers", []))) >= 3)}


def value_gap(a: dict, b: dict, unit: str) -> float:
    """How far apart the closest pair of the two sides' values of ``unit`` is: |ln(x / y)| for counts, percents
    and money, ln(1 + |years apart|) for dates (``dispute_rules._date_keys``), capped at 3.0; 3.0 when no
    pair is found. Two reports of one quantity tend to differ by little (two vs five injured, 6.1 vs 5.9);
    numbers of different things often by much (28 on the trip vs 7 pregnant)."""
    from storyscope.compare.dispute_rules import _date_keys, _unit
    if unit == "date":
        ya = {int(k[:4]) for k in _date_keys(a)}
        yb = {int(k[:4]) for k in _date_keys(b)}
        gaps = [math.log1p(abs(x - y)) for x in ya for y in yb]
    else:
        va = [x["value"] for x in a.get("numbers", []) if _unit(a, x) == unit and x["value"] > 0]
        vb = [x["value"] for x in b.get("numbers", []) if _unit(b, x) == unit and x["value"] > 0]
        gaps = [abs(math.log(x / y)) for x in va for y in vb if x != y]
    return min(min(gaps, default=3.0), 3.0)


def absorbed_negation(text: str) -> bool:
    """Whether every negation of ``text`` is absorbed: a corrective "not X, but Y" (no verb after "not"), a
    negation of an embedded non-finite clause ("for not educating"), or an imperative ("don't say X")."""
    doc = _doc(text)
    negs = [t for t in doc if t.dep_ == "neg"]
    if not negs:
        return False
    for n in negs:
        h = n.head
        after = [x for x in h.subtree if x.i > n.i]
        nxt = n.doc[n.i + 1] if n.i + 1 < len(n.doc) else None
        corrective = nxt is not None and nxt.pos_ not in ("VERB", "AUX") \
            and any(x.dep_ == "cc" and x.lower_ == "but" for x in after)
        embedded = h.dep_ in ("pcomp", "xcomp", "acl", "advcl") and h.tag_ in ("VBG", "VB") \
            and not any(x.dep_ in SUBJECTS for x in h.children)
        imperative = h.dep_ == "ROOT" and h.tag_ == "VB" and not any(x.dep_ in SUBJECTS for x in h.children)
        if not (corrective or embedded or imperative):
            return False
    return True


def implicit_negation(sentence: str) -> bool:
    """Whether ``sentence`` negates a complement by a negative implicative ("failing to educate", "unable to
    provide"); parsed only when one of those verbs' forms occurs."""
    if not NEG_IMPLICATIVE_FORMS.search(sentence):
        return False
    return any(t.lemma_.lower() in NEG_IMPLICATIVES and any(x.dep_ in ("xcomp", "ccomp") or x.tag_ == "TO"
                                                               for x in list(t.children) + list(t.rights))
               for t in _doc(sentence))


def negated_verb_shared(negated: str, other: str) -> bool:
    """Whether a verb that a negation of ``negated`` modifies ("will not be playing" -> play) is a verb of
    ``other`` too (by lemma): the two state one predicate with opposite polarity."""
    heads = {_verb(t.head).lemma_.lower() for t in _doc(negated) if t.dep_ == "neg" and _verb(t.head) is not None}
    verbs = {t.lemma_.lower() for t in _doc(other) if t.pos_ == "VERB"}
    return bool(heads & verbs)


def subject_key(text: str) -> str | None:
    """The key (``_name``) of the subject of ``text``'s main clause; None for a pronoun or no subject."""
    doc = _doc(text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    subj = [c for c in root.children if c.dep_ in SUBJECTS]
    if not subj:
        return None
    s = subj[0]
    if s.pos_ == "PRON":
        return None
    poss = [c for c in s.children if c.dep_ == "poss"]
    return _name(poss[0]) if poss and s.ent_type_ not in NAMED and poss[0].pos_ != "PRON" else _name(s)


def signals(kind: str, unit: str, a: dict, b: dict, texts: tuple[str, str]) -> dict[str, float]:
    """Every signal of ``SIGNALS`` for one decided question (``a`` the denying / negating / first side, ``b`` the
    other; ``texts`` the two compared texts), 0.0 where a signal does not apply to ``kind``."""
    out = dict.fromkeys(SIGNALS, 0.0)
    if kind == "value" and unit != "date":
        out.update(value_signals(a, b, unit))
    if kind == "value":
        out["value_gap"] = value_gap(a, b, unit)
    if kind == "negation":
        out["negation_absorbed"] = float(absorbed_negation(a["text"]) or implicit_negation(b["sentence"]))
        out["negated_verb_shared"] = float(negated_verb_shared(a["text"], b["text"]))
    out["denial_cue"] = float(bool(DENIAL_CUE.search(a["sentence"])))
    sa, sb = subject_key(a["text"]), subject_key(b["text"])
    out["subject_same"] = float(sa is not None and sa == sb)
    out["subject_differ"] = float(sa is not None and sb is not None and sa != sb)
    return out


__all__ = ["SIGNALS", "absorbed_negation", "implicit_negation", "negated_verb_shared", "number_roles", "signals", "subject_key",
           "value_signals"]
