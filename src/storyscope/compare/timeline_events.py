"""Timeline event labels: the clause that holds a date, as a whole, readable clause.

The label is the dependency subtree of the verb that governs the date (spaCy parse), without
the parts that do not hold the date: other conjoined clauses, adverbial and relative clauses,
appositions and parentheticals (reported speech stays: it is what the date is about). A clause
without its own subject ("to oust him on Sunday") is read with the clause it belongs to. What removing a part leaves dangling (its conjunction, the
commas around it, a leading "that") goes with it, so "President Trump, who had X, shifted course
on Saturday and said Y." reads "President Trump shifted course on Saturday".
"""
from __future__ import annotations

import re

MAX_WORDS = 30
_CUT = ("advcl", "relcl", "conj", "parataxis", "appos", "acl", "dep")
_SUBJ = ("nsubj", "nsubjpass", "expl", "csubj")
_CLIMB = ("advcl", "xcomp", "conj", "relcl", "acl", "ccomp", "pcomp")
_INNER_CUT = ("relcl", "appos", "acl", "parataxis", "advcl")
_LEAD = ("mark", "cc", "punct", "preconj")
_DANGLING = ",;:-\u2013\u2014"


def _holds(tok, start: int, end: int) -> bool:
    """Whether the subtree of ``tok`` covers the date at [start, end)."""
    left, right = tok.left_edge, tok.right_edge
    return left.idx < end and start < right.idx + len(right)


def _dependent(verb) -> bool:
    """A clause that does not read alone: non-finite ("to oust him", "Faced with"), or without a
    subject of its own, or whose subject is a relative pronoun ("which ultimately led to ...")."""
    if verb.dep_ not in _CLIMB:
        return False
    subj = [c for c in verb.children if c.dep_ in _SUBJ]
    return verb.tag_ in ("VB", "VBG", "VBN") and not any(c.dep_ == "aux" and c.tag_ in ("MD", "VBZ", "VBP", "VBD")
                                                          for c in verb.children) \
        or not subj or all(c.tag_ in ("WDT", "WP") for c in subj)


def _part_of_phrase(t, start: int, end: int) -> bool:
    """Parts the phrase needs: an infinitive that completes a noun ("his campaign to remain in power",
    "a vote to oust him"), the noun a date modifies parsed as its apposition ("a March 7, 2022, meeting"),
    a short place apposition ("Washington, DC")."""
    if t.dep_ in ("acl", "advcl") and t.i > t.head.i and any(c.dep_ == "aux" and c.tag_ == "TO" for c in t.children):
        return True
    if t.dep_ == "appos" and start <= t.head.idx < end:
        return True
    after = next((x for x in t.doc[t.left_edge.i:t.i + 1] if not x.is_punct), t)
    if after.i == t.i and 0 <= t.idx - end <= 3 and not any(c.dep_ in _SUBJ for c in t.children):
        return True  # the noun the date modifies, misparsed as a clause ("a March 7, 2022, meeting")
    sub = list(t.subtree)
    return t.dep_ == "appos" and t.head.pos_ == "PROPN" and len([x for x in sub if not x.is_punct]) <= 2 \
        and all(x.pos_ in ("PROPN", "PUNCT") for x in sub)


def _dash_pairs(toks: list) -> list[tuple]:
    """(opening, closing) dash tokens of the asides set off by a pair of dashes in a sentence."""
    dashes = [t for t in toks if t.text in ("\u2013", "\u2014", "--")]
    return [(dashes[k], dashes[k + 1]) for k in range(0, len(dashes) - 1, 2)]


def _prune(head, toks: list, start: int, end: int) -> set[int]:
    """Token indices of the head's subtree without the parts that do not hold the date."""
    keep = {x.i for x in head.subtree}
    for c in head.children:  # sibling clauses of the one holding the date
        if c.dep_ in _CUT and not _holds(c, start, end) and not _part_of_phrase(c, start, end):
            keep.difference_update(x.i for x in c.subtree)
    for t in toks:  # relative clauses, appositions and asides inside the kept phrases
        if t.i in keep and t.i != head.i and t.dep_ in _INNER_CUT and not _holds(t, start, end) \
                and not _part_of_phrase(t, start, end):
            keep.difference_update(x.i for x in t.subtree)
    for a, b in _dash_pairs(toks):  # "– in a clear reference to the United States –"
        if not (a.idx < end and start < b.idx + len(b)):
            keep.difference_update(range(a.i, b.i + 1))
    for t in toks:  # a conjunction whose conjunct went
        if t.i in keep and t.dep_ in ("cc", "preconj") and not any(
                c.i in keep for c in t.head.children if c.dep_ == "conj" and c.i > t.i):
            keep.discard(t.i)
    return keep


def _join(sel: list) -> str:
    """Tokens with their own spacing; a comma or dash next to a removed part is dropped."""
    out: list[str] = []
    for j, t in enumerate(sel):
        gap_before = j > 0 and sel[j - 1].i != t.i - 1
        gap_after = j + 1 < len(sel) and sel[j + 1].i != t.i + 1
        # a comma after a removed restrictive clause ("on Sunday [that could see ...], he has") stays
        restrictive = gap_before and not gap_after and j + 1 < len(sel) and t.text == "," \
            and not sel[j - 1].is_punct and not t.doc[sel[j - 1].i + 1].is_punct
        if t.is_punct and t.text in _DANGLING and (gap_before or gap_after or j == 0) and not restrictive:
            out.append(" ")
            continue
        out.append(t.text + " " if gap_after else t.text_with_ws)
    return "".join(out)


def _tidy(s: str) -> str:
    """Commas, dashes and brackets left without a partner go; spacing is normalised."""
    s = " ".join(s.split())
    s = re.sub(r"\s+([,.;:!?%)\]}\u201d])", r"\1", s)
    s = re.sub(r"\s*\(\s*\)|\s*\[\s*\]", "", s)
    s = re.sub(r"(?:\s*[,;:]\s*){2,}", ", ", s)
    s = re.sub(r"\s+(?:--|\u2014|\u2013)\s*(?=$|[,.;])", "", s)
    s = re.sub(r"^[\s,;:.\u2014\u2013-]+|[\s,;:\u2014\u2013-]+$", "", s)
    for o, c in (("(", ")"), ("\u201c", "\u201d"), ("[", "]")):
        if s.count(o) != s.count(c):
            s = s.replace(o, "").replace(c, "")
    if s.count('"') % 2:
        s = s.replace('"', "")
    return " ".join(s.split())


def _trim_modifiers(sel: list, start: int, end: int) -> list:
    """Drop prepositional and adjectival modifiers of nouns, the largest first, while over `MAX_WORDS`."""
    while len(sel) > MAX_WORDS:
        kept = {t.i for t in sel}
        mods = [t for t in sel if t.dep_ in ("prep", "amod", "compound", "npadvmod", "nmod")
                and t.head.pos_ in ("NOUN", "PROPN") and t.head.i in kept and not _holds(t, start, end)
                and len(list(t.subtree)) > 1]
        if not mods:
            break
        gone = {x.i for x in max(mods, key=lambda t: len(list(t.subtree))).subtree}
        sel = [t for t in sel if t.i not in gone]
    return sel


def _shorten(s: str) -> str:
    words = s.split()
    if len(words) <= MAX_WORDS + 5:
        return s
    return " ".join(words[:MAX_WORDS]).rstrip(",;:") + " ..."


def event_clause(doc, s0: int, s1: int, start: int, end: int, text: str) -> str:
    """The clause of the sentence [s0, s1) that holds the date at [start, end) (character offsets
    into ``text``; ``doc`` is its spaCy parse). About `MAX_WORDS` words at most: a longer clause
    loses its noun modifiers first, and only then is cut (marked " ...")."""
    span = doc.char_span(s0, s1, alignment_mode="expand")  # O(sentence), not O(article) per date
    toks = [t for t in (span if span is not None else doc) if s0 <= t.idx < s1]
    inside = [t for t in toks if start <= t.idx < end]
    if not inside:
        return _shorten(_tidy(text[s0:s1]))
    head = inside[0]
    while (head.pos_ not in ("VERB", "AUX") or _dependent(head)) and head.head.i != head.i \
            and s0 <= head.head.idx < s1:
        head = head.head  # up to the verb of a clause that stands on its own
    if head.pos_ not in ("VERB", "AUX"):
        return _shorten(_tidy(text[s0:s1]))
    keep = _prune(head, toks, start, end)
    sel = [t for t in toks if t.i in keep]
    while sel and sel[0].dep_ in _LEAD and sel[0].i != head.i:  # "that the council ...", ", and ..."
        sel = sel[1:]
    if len([t for t in sel if not t.is_punct]) < 4:
        sel = toks
    return _shorten(_tidy(_join(_trim_modifiers(sel, start, end))))
