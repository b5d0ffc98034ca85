"""Dependency-parse tests of a dispute (issue 15): whose quantity a number is, and which negations a
paraphrase absorbs.

A value dispute needs one quantity of one thing on both sides (de Marneffe, Rafferty and Manning, "Finding
Contradictions in Text", ACL 2008, section 4: numeric mismatch counts only between aligned, coreferent
arguments). ``number_roles`` reads, from the spaCy parse of a claim's sentence, for each number:

- the **holder** the quantity belongs to: the possessor of the counted noun ("Carter's 14 points"), else the
  subject of the clause that governs it ("Garrard completed 28 passes" -> garrard; a conjoined verb shares its
  subject); "" when the counted noun is itself that subject ("seven rifles were seized"); None when the
  subject is a pronoun (whose referent the sentence does not give), so the value is never compared;
- whether the value is a **part** of the quantity: a partitive ("3 of his 11 rebounds", "28 of 41"), a
  demonstrative noun phrase that refers back to a subset ("those 10 points"), a total over several events
  ("a total of 14"), or a quantity limited to a sub-period ("during the run", "since October");
- the counted noun of an elliptic number from its sentence ("scored 14 points and VanDeest scored 13").

``absorbed_negation`` finds a negation that does not negate the claim's proposition: the corrective
"not X but Y" (Y is asserted; "was not one person, but a combination" states "was a combination"), and a
negation inside an embedded clause of an asserted predicate ("blamed parents for not educating"); a
paraphrase of the latter with a negative implicative verb ("for failing to educate", Karttunen 1971,
"Implicative verbs") states the same proposition, and the claim's main predicate is not negated.
"""
from __future__ import annotations

import re
from functools import lru_cache

NAMED = ("PERSON", "ORG", "GPE", "NORP", "FAC")
SUBJECTS = ("nsubj", "nsubjpass")
# a quantity limited to a sub-period or an aggregate over several events is not the quantity of the event
SCOPE_PREPS = ("during", "since", "through")
AGGREGATE = ("total", "tally", "combined", "career", "season")
# negative implicatives: "fail to P" entails "not P" (Karttunen 1971)
NEG_IMPLICATIVES = ("fail", "unable", "refuse", "decline", "neglect", "omit")
# every inflected form of those lemmas starts so (fails, refused, declining, omitted): a test before a parse
NEG_IMPLICATIVE_FORMS = re.compile(r"(?i)\b(fail|unable|refus|declin|neglect|omit)")


@lru_cache(maxsize=4096)
def _doc(sentence: str):
    from storyscope.stages.nlp import get_nlp
    return get_nlp()(sentence)


def _counted(t):
    """The counted noun of a number token (as ``claim_parse._numbers`` walks it)."""
    head = t.head
    while head.pos_ not in ("NOUN", "PROPN") and head.dep_ in ("nummod", "compound", "quantmod", "amod") \
            and head.head.i != head.i:
        head = head.head
    return head if head.pos_ in ("NOUN", "PROPN") and head.i != t.i else t


def _verb(tok):
    """The nearest verb or auxiliary ancestor of ``tok`` (or ``tok`` itself), else None."""
    v = tok
    while v.pos_ not in ("VERB", "AUX"):
        if v.head.i == v.i:
            return None
        v = v.head
    return v


def _name(tok) -> str:
    """A holder's key: the last word of the named entity ``tok`` is in, else its lemma."""
    if tok.ent_type_ in NAMED:
        ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        if ent is not None:
            return ent[-1].lower_.strip(".'’s")[:5]
    return tok.lemma_.lower()[:5]  # "commandos" / "commandoes"


def _holder(noun) -> str | None:
    """Whose quantity ``noun`` counts: "" (the counted noun is the subject, or no subject), a name key,
    or None (a pronoun: unknown)."""
    poss = [c for c in noun.children if c.dep_ == "poss"]
    if poss:
        return None if poss[0].pos_ == "PRON" else _name(poss[0])
    if noun.dep_ in ("appos", "attr") and noun.head.pos_ in ("NOUN", "PROPN"):  # "the Clintons' rate: 30 percent"
        return _holder(noun.head)
    v = _verb(noun)
    while v is not None:
        subj = [c for c in v.children if c.dep_ in SUBJECTS]
        if subj:
            s = subj[0]
            if s.tag_ in ("WP", "WDT") and v.dep_ == "relcl":  # "girls who became": the relative's head
                s = v.head
            if s.i == noun.i or noun.i in {x.i for x in s.subtree} or s.i in {x.i for x in noun.subtree}:
                return ""
            if s.pos_ == "PRON":
                return None
            owner = [c for c in s.children if c.dep_ == "poss"]  # "the Clintons' rate was 35.7 percent"
            if owner and s.ent_type_ not in NAMED:
                return None if owner[0].pos_ == "PRON" else _name(owner[0])
            return _name(s)
        if v.dep_ in ("conj", "xcomp", "advcl", "prep", "pcomp") and v.head.i != v.i:
            v = _verb(v.head)  # a conjoined, controlled or prepositional verb shares its subject
        else:
            return ""
    return ""


def _part(t, noun) -> bool:
    """A partitive, demonstrative, aggregate or sub-period value (see the module docstring)."""
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in t.children):  # "3 of his 11", "28 of 41"
        return True
    if any(w.head.lower_ == "of" and w.head.head.like_num for w in (t, noun)):  # the whole of "28 of 41 passes"
        return True
    if any(c.dep_ == "det" and "Dem" in c.morph.get("PronType") for c in noun.children):  # "those 10 points"
        return True
    if any(w.lemma_.lower() in AGGREGATE for w in list(noun.children) + [noun.head, noun.head.head, t.head]):
        return True
    # a sub-period of the sentence's event ("During the run, X scored ..."), wherever the parse attaches it
    return any(c.dep_ == "prep" and c.lower_ in SCOPE_PREPS and c.head.pos_ in ("VERB", "AUX") for c in t.doc)


def date_predicates(c: dict) -> set[str]:
    """Lemmas of the verbs the dates of claim ``c`` modify ("born in 1928" -> {"bear"}): two dates of
    different predicates (born / graduated) are dates of two events, never a conflict."""
    doc = _doc(c["sentence"])
    by_idx = {t.idx: t for t in doc}
    out = set()
    for d in c.get("dates", []):
        k = d["start"] - c["start"] if "start" in d and "start" in c else c["sentence"].find(d.get("text") or "\0")
        t = by_idx.get(k)
        v = _verb(t) if t is not None else None
        if v is not None:
            out.add(v.lemma_.lower())
    return out


def number_roles(c: dict) -> dict[int, dict]:
    """For each number of claim ``c`` (``claims.analyse_sentence`` dict with ``sentence``, ``start``,
    ``numbers``), keyed by its article offset: {"holder": str | None, "part": bool, "noun": str | None}.
    ``noun`` is the number's own counted noun, else (an elliptic object "scored 13") the counted noun of the
    number before it in the sentence. Parses the sentence alone (cached)."""
    doc = _doc(c["sentence"])
    by_idx = {t.idx: t for t in doc}
    out: dict[int, dict] = {}
    last_noun = None
    for x in sorted(c.get("numbers", []), key=lambda x: x["start"]):
        t = by_idx.get(x["start"] - c["start"])
        if t is None:
            out[x["start"]] = {"holder": None, "part": False, "noun": x.get("noun")}
            continue
        noun = _counted(t)
        own = x.get("noun")
        if own is None and noun.i == t.i and t.dep_ in ("dobj", "attr", "conj", "appos") and last_noun:
            own = last_noun
        last_noun = own or last_noun
        out[x["start"]] = {"holder": _holder(noun), "part": _part(t, noun), "noun": own}
    return out


def absorbed_negation(c: dict) -> bool:
    """Whether every negation of claim ``c`` (its ``text``) is absorbed: a corrective "not X, but Y" or a
    negation of an embedded non-finite clause ("for not educating"), not of the main predicate, or an
    imperative ("don't say X", no subject: no assertion). Parses the claim text alone (cached)."""
    doc = _doc(c["text"])
    negs = [t for t in doc if t.dep_ == "neg"]
    if not negs:
        return False
    for n in negs:
        h = n.head
        after = [x for x in h.subtree if x.i > n.i]
        # constituent negation corrected by "but": "not (from) one person, but several" (not a verb after "not")
        nxt = n.doc[n.i + 1] if n.i + 1 < len(n.doc) else None
        corrective = nxt is not None and nxt.pos_ not in ("VERB", "AUX") \
            and any(x.dep_ == "cc" and x.lower_ == "but" for x in after)
        embedded = h.dep_ in ("pcomp", "xcomp", "acl", "advcl") and h.tag_ in ("VBG", "VB") \
            and not any(x.dep_ in SUBJECTS for x in h.children)
        # an imperative ("don't say X") asserts nothing
        imperative = h.dep_ == "ROOT" and h.tag_ == "VB" and not any(x.dep_ in SUBJECTS for x in h.children)
        if not (corrective or embedded or imperative):
            return False
    return True


def implicit_negation(c: dict) -> bool:
    """Whether claim ``c``'s sentence negates a complement by a negative implicative ("failing to educate",
    "unable to provide", "refused to say"): no plain positive assertion of that complement. The sentence is
    parsed only when one of the verbs' forms occurs in it (most claims: no parse)."""
    if not NEG_IMPLICATIVE_FORMS.search(c["sentence"]):
        return False
    doc = _doc(c["sentence"])
    return any(t.lemma_.lower() in NEG_IMPLICATIVES and any(x.dep_ in ("xcomp", "ccomp") or x.tag_ == "TO"
                                                               for x in list(t.children) + list(t.rights))
               for t in doc)


__all__ = ["absorbed_negation", "date_predicates", "implicit_negation", "number_roles"]
