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
    subject of its own, or whose subject is a relative pronoun ("which ultimately led to ..."), or any
    relative clause ("which Mr. Osk announced on Monday", "the mandate he received in May"), or one
    opened by a relative adverb ("where she is campaigning ahead of Thursday's debate")."""
    if verb.dep_ not in _CLIMB:
        return False
    if verb.dep_ == "relcl" or any(c.tag_ in ("WRB", "WDT", "WP", "WP$") and c.i < verb.i for c in verb.children):
        return True
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
    if t.dep_ == "appos" and start <= t.head.idx < end and t.left_edge.idx < start:
        return True  # "a March 7, 2022, meeting"; not "February 28, 2019, a date that ..."
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
            owner = t.head  # "-- a development [that sparked ...]": the aside that held the clause goes too
            if owner.i != head.i and owner.dep_ in ("appos", "npadvmod", "dep") and not _holds(owner, start, end):
                keep.difference_update(x.i for x in owner.subtree)
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
    s = re.sub(r"\s*\(\s*\)|\s*\[\s*\]|\s*\u201c[\s,]*\u201d|\s*\"[\s,]*\"", "", s)
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
        # never a name's parts (compound, amod) nor an "of" phrase: "the extent [of his contacts]" is mangled
        mods = [t for t in sel if t.dep_ == "prep" and t.lower_ != "of"
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
    return event_label(doc, s0, s1, start, end, text)[0]


_SAYING = {"say", "tell", "announce", "report", "add", "note", "claim", "write", "believe", "think", "argue", "insist",
           "warn", "explain", "state", "declare", "confirm", "acknowledge", "show", "find", "know", "expect",
           "decide", "agree", "predict", "estimate", "reveal", "indicate", "assert", "testify", "tweet", "allege",
           "contend", "maintain", "recall", "conclude", "learn", "realize", "disclose", "signal", "stress", "repeat",
           "admit", "concede", "emphasize", "suggest", "hope", "vow", "promise", "pledge", "predict", "ask"}
_OPENERS = re.compile(r"(?i)^(?:which|who|whom|whose|where|when|whereby|that|because|while|although|though|if|as|"
                      r"after|before|since|until|and|but|or)\b")
_DANGLING_END = re.compile(r"(?:,\s+(?:a|an|the)\s+[\w-]+|\b(?:a|an|the|of|to|in|on|at|for|as|about|with|by))\.?$")


def label_readable(label: str) -> bool:
    """Whether a label reads as a whole clause by its text alone: not opened by a relative or
    subordinating word ("which ...", "where ..."), not cut (" ..."), no emptied quotes, no dangling
    determiner phrase or preposition at its end (", a development.", "about the")."""
    s = label.strip()
    return bool(s) and not _OPENERS.match(s) and not s.endswith("...") and "\u201c\u201d" not in s \
        and not _DANGLING_END.search(s) and len(s.split()) <= MAX_WORDS


_SIDE_EDGES = ("relcl", "advcl", "acl", "pcomp")


def date_in_side_clause(doc, s0: int, s1: int, start: int, end: int) -> bool:
    """Whether the date at [start, end) belongs to a side clause that the label's clause only carries: on the
    way up from the date to the verb `event_label` takes as the label's head, a verb hangs on its head as a
    relative, adverbial, participial or prepositional clause ("Bloomberg, who won the mayoralty in 2001,
    said ...", "since leaving the Senate in January", "the mandate he received in November"): the date is
    that clause's event's, not the label's. Character offsets into the parsed text."""
    return any(v.dep_ in _SIDE_EDGES for v in _verbs_below_label(doc, s0, s1, start, end))


def _verbs_below_label(doc, s0: int, s1: int, start: int, end: int) -> list:
    """The verbs passed on the way up from the date at [start, end) to the verb `event_label` takes as the
    label's head (that head excluded), nearest the date first."""
    span = doc.char_span(s0, s1, alignment_mode="expand")
    toks = [t for t in (span if span is not None else doc) if s0 <= t.idx < s1]
    inside = [t for t in toks if start <= t.idx < end]
    out = []
    head = inside[0] if inside else None
    while head is not None and (head.pos_ not in ("VERB", "AUX") or _dependent(head)) and head.head.i != head.i \
            and s0 <= head.head.idx < s1:
        if head.pos_ in ("VERB", "AUX"):
            out.append(head)
        head = head.head
    return out


def event_label(doc, s0: int, s1: int, start: int, end: int, text: str) -> tuple[str, bool]:
    """``(label, whole)``: the label of `event_clause` and whether it is a whole clause: built from a
    verb with its own subject, nothing trimmed or cut, and `label_readable`."""
    span = doc.char_span(s0, s1, alignment_mode="expand")  # O(sentence), not O(article) per date
    toks = [t for t in (span if span is not None else doc) if s0 <= t.idx < s1]
    inside = [t for t in toks if start <= t.idx < end]
    if not inside:
        out = _shorten(_tidy(text[s0:s1]))
        return out, False
    head = inside[0]
    while (head.pos_ not in ("VERB", "AUX") or _dependent(head)) and head.head.i != head.i \
            and s0 <= head.head.idx < s1:
        head = head.head  # up to the verb of a clause that stands on its own
    if head.pos_ not in ("VERB", "AUX"):
        return _shorten(_tidy(text[s0:s1])), False
    keep = _prune(head, toks, start, end)
    sel = [t for t in toks if t.i in keep]
    while sel and sel[0].dep_ in _LEAD and sel[0].i != head.i:  # "that the council ...", ", and ..."
        sel = sel[1:]
    if len([t for t in sel if not t.is_punct]) < 4:
        sel = toks
    trimmed = _trim_modifiers(sel, start, end)
    out = _shorten(_tidy(_join(trimmed)))
    kept = {t.i for t in trimmed}
    subject = any(c.dep_ in _SUBJ and c.i in kept and c.tag_ not in ("WDT", "WP") for c in head.children)
    finite = head.tag_ in ("VBD", "VBZ", "VBP") or any(c.dep_ in ("aux", "auxpass") and c.tag_ in ("MD", "VBD", "VBZ", "VBP")
                                                      for c in head.children)
    aside = head.dep_ == "parataxis" and head.head.i > head.i  # "The lawsuit, argued Tuesday, claims ..."
    # a clause under a verb that is not one of saying or knowing needs that verb ("he doubted that ...")
    aside = aside or head.dep_ == "ccomp" and head.head.lemma_.lower() not in _SAYING
    return out, subject and finite and not aside and len(trimmed) == len(sel) and not _garbled(toks, kept, text) \
        and label_readable(out)


def _garbled(toks: list, kept: set[int], text: str) -> bool:
    """Whether pruning cut into a quotation (part of it kept, part removed) or took a restrictive
    relative clause (no comma before it) from a kept noun ("the only two instances [in which ...] was")."""
    for m in re.finditer(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"", text[toks[0].idx:toks[-1].idx + len(toks[-1])] if toks else ""):
        a, b = toks[0].idx + m.start(), toks[0].idx + m.end()
        inside = [t.i in kept for t in toks if a <= t.idx < b and not t.is_punct]
        if any(inside) and not all(inside):
            return True
    for t in toks:  # "occurred in April [when he handled ...]": what happened then went with the clause
        if t.dep_ in ("advcl", "relcl") and t.i not in kept and any(x.tag_ == "WRB" for x in t.children) \
                and t.left_edge.i > 0 and t.doc[t.left_edge.i - 1].i in kept and t.doc[t.left_edge.i - 1].ent_type_ == "DATE":
            return True
    for t in toks:
        if t.dep_ in ("relcl", "acl") and t.i not in kept and t.head.i in kept and t.head.pos_ in ("NOUN", "PROPN", "PRON"):
            left = t.left_edge
            # a restrictive relative clause, or a noun's finite complement ("appeals [that they need ...]")
            finite = t.dep_ == "relcl" or any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
            if left.i > 0 and not t.doc[left.i - 1].is_punct and finite:
                return True
    for t in toks:  # an aside opened by a comma that no punctuation closes: a misparsed list ("X, Y and Z")
        if t.dep_ in ("appos", "relcl", "acl") and t.i not in kept and t.head.i in kept:
            left, right = t.left_edge, t.right_edge
            before = t.doc[left.i - 1] if left.i > 0 else None
            after = t.doc[right.i + 1] if right.i + 1 < len(t.doc) else None
            if before is not None and before.text == "," and after is not None and after.i in kept \
                    and not after.is_punct:
                return True
            if t.dep_ == "appos" and before is not None and before.text == "," and any(x.dep_ == "cc" for x in t.subtree) \
                    and (after is None or after.text in (".", "!", "?")):
                return True  # "met with X, Y and Z." read as X with an apposition "Y and Z"
    # a clause marker left on a noun ("was not whether Wal-Mart."): its clause went
    return any(t.i in kept and t.dep_ == "mark" and t.head.pos_ not in ("VERB", "AUX") for t in toks)


_REL_PRONOUNS = {"who", "which", "that"}
_BOUND_PREPS = {"before", "after", "since", "until", "by"}


def side_clause_of(doc, s0: int, s1: int, start: int, end: int):
    """The finite relative or adverbial clause, or the clause of a preposition, that holds the date at
    [start, end) on the way up to the label's verb (`date_in_side_clause`): its verb token, or None.
    "Bloomberg, who won the mayoralty in 2001, said ..." gives "won"; "since leaving the Senate in
    January" gives "leaving"; "a letter released Tuesday" (a participle on a noun) gives None: a
    participle or infinitive on a noun dates the thing the label names. Character offsets into the text."""
    for head in _verbs_below_label(doc, s0, s1, start, end):
        finite = head.tag_ in ("VBD", "VBZ", "VBP") or any(
            c.dep_ in ("aux", "auxpass") and c.tag_ in ("MD", "VBD", "VBZ", "VBP") for c in head.children)
        if head.dep_ in ("relcl", "advcl") and finite or head.dep_ == "pcomp" and head.head.lower_ in _BOUND_PREPS:
            return head
    return None


def relative_word(verb) -> bool:
    """Whether a relative clause opens with a relative word ("who won ...", "which expired ...", "whom he
    fired"), not a contact clause ("the bill [the president signed in February]")."""
    return any(t.tag_ in ("WDT", "WP", "WP$", "WRB") or t.lower_ == "that" and t.dep_ in ("nsubj", "nsubjpass", "dobj")
               for t in verb.subtree if t.i < verb.i)


def side_clause_label(doc, s0: int, s1: int, start: int, end: int, text: str) -> str | None:
    """The label of a date's own relative clause, its relative pronoun replaced by the noun it stands for:
    "Bloomberg, a former Democrat who won the mayoralty in 2001, said ..." -> "a former Democrat won the
    mayoralty in 2001"; "Mr. Flynn, whom he fired in February" -> "he fired Mr. Flynn in February". Only for a
    finite relative clause in the past whose subject or object is the relative pronoun; None
    otherwise (an object relative, an adverbial clause, a plan: the date's event is not one the sentence
    states whole)."""
    verb = side_clause_of(doc, s0, s1, start, end)
    if verb is None or verb.dep_ != "relcl":
        return None
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _REL_PRONOUNS]
    obj = [c for c in verb.children if c.dep_ == "dobj" and c.lower_ in _REL_PRONOUNS | {"whom"}]
    noun = verb.head
    past = verb.tag_ == "VBD" or verb.tag_ == "VBN" and any(
        c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" or c.lemma_ == "have" for c in verb.children)
    if not past:  # "who is juggling whether to run in 2016", "that will come in January": not an event yet
        return None
    if not (subj or obj) or noun.pos_ not in ("NOUN", "PROPN") or not (s0 <= noun.idx < s1):
        return None
    comma = verb.left_edge.i > 0 and doc[verb.left_edge.i - 1].text == ","
    while comma and noun.dep_ == "pobj" and noun.head.head.pos_ in ("NOUN", "PROPN") and noun.head.head.i != noun.head.i:
        noun = noun.head.head  # "the decision about the port, which he announced": the decision, not the port
    # the noun phrase: the noun with its words before it and its prepositional phrases up to the clause,
    # without clauses or asides
    cut = {x.i for a in noun.subtree if a.dep_ in ("relcl", "appos", "acl") and a.i != noun.i for x in a.subtree}
    np_toks = [t for t in noun.subtree if t.i < verb.left_edge.i and t.i not in cut and not t.is_punct]
    toks = [t for t in doc if s0 <= t.idx < s1]
    rel = (subj or obj)[0]
    keep = _prune(verb, toks, start, end) - {rel.i}
    clause = [t for t in toks if t.i in keep]
    while clause and clause[-1].dep_ in _LEAD:  # "... in 1933 and [is still in force]"
        clause = clause[:-1]
    while clause and clause[0].dep_ in _LEAD:
        clause = clause[1:]
    if len(clause) < 2:
        return None
    phrase = " ".join(t.text for t in sorted(np_toks, key=lambda t: t.i))
    if subj:
        words = _tidy(phrase + " " + _join(clause))
    else:  # "whom he fired in February": "he fired Mr. Flynn in February"
        after = max([verb.i] + [c.i for c in verb.children if c.dep_ == "prt"])
        head_part = [t for t in clause if t.i <= after]
        if not any(t.dep_ in _SUBJ for t in head_part):
            return None
        words = _tidy(_join(head_part) + " " + phrase + " " + _join([t for t in clause if t.i > after]))
    words = re.sub(r"\s+([,.;:!?%)\u2019'])", r"\1", words)
    return _shorten(words) if label_readable(words) else None
