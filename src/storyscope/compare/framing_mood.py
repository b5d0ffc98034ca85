"""Event mentions that name no particular act: negated, hypothetical or general (issue 15, section 2).

The rules of a correct framing term (``benchmarks/labels/basil/INSTRUCTIONS.md``) say a negated or hypothetical
mention names nothing. ``framing_events.not_asserted`` reads the term's own clause (a negated or modal verb, a
verb or noun of intent above it); this module reads five further kinds on the same spaCy parse (the ``nlp``
stage's model), each a property of the mention's grammar, never of its words:

- ``negated``: the term or the noun it modifies carries "not" / "never" / "no" ("about the budget, not
  impeachment", "no invasion"), or the verb governing the term's to-infinitive is negated ("not looking to
  impeach you");
- ``infinitive``: the term is a to-infinitive (or a conjunct of one), complement or purpose of a verb or adjective
  whose clause is not in the past and that does not entail it ("are looking to impeach", "a two-thirds vote is
  needed to convict and remove an official"). A past act's purpose was carried out as far as news tells it
  ("took to the streets to protest", "invaded to annex Crimea": both judged naming on the fresh blind labels; a
  past verb of intent is ``not_asserted``'s: "vowed to impeach"); verbs that entail their complement
  (:data:`ENTAILING`: "managed to", "began to", "was forced to") and the "going to" future (a vow the blind labels
  judge as naming: "we're going to impeach him") keep it;
- ``procedure``: the complement of a noun of power, rule or procedure (:data:`PROCEDURE_NOUNS`: "the power to
  impeach", "a vote to impeach", "the threshold for impeachment");
- ``nonspecific``: the noun phrase of the term (the term, or the noun it modifies) is determined by "any" /
  "every" / "each" / "whatever" ("any impeachment inquiry"), or it is a singular noun phrase, indefinite ("a", "an")
  or bare, that is the subject or object of a verb under a modal ("an impeachment fight would help him",
  "would see impeachment as an overreaction", "an impeachment that ... will backfire"; a definite or possessive
  phrase, "the invasion will be remembered", is presupposed);
- ``generic-question``: the term is the verb of a question asked with "how" / "why" and a present or modal
  auxiliary ("How do you impeach a president who ...?"; "Why did they invade?" presupposes the act).

Semantics after the standard accounts of veridicality and specificity (Karttunen 1971 on implicative verbs;
Zwarts 1995 / Giannakidou 1998 on non-veridical operators licensing non-specific indefinites).
"""
from __future__ import annotations

from storyscope.compare.framing_events import _root

# verbs whose to-infinitive complement happened (Karttunen's implicatives, aspectuals, "forced to") and "going
# to", the future of a stated intention
ENTAILING = {"manage", "begin", "start", "continue", "proceed", "resume", "go", "come", "get", "happen", "use",
             "force", "compel", "oblige", "vote", "seem", "appear", "help", "dare", "remain", "keep", "move"}
# nouns whose complement is a power, a rule or a procedure, no act ("the power to impeach", "a vote to impeach")
PROCEDURE_NOUNS = {"power", "powers", "right", "authority", "ability", "capacity", "jurisdiction", "mandate",
                   "prerogative", "duty", "obligation", "vote", "motion", "resolution", "process", "procedure",
                   "standard", "threshold", "bar", "criteria", "criterion", "rule", "rules", "mechanism", "tool"}
NEGATORS = {"not", "n't", "never", "no"}
NONSPECIFIC = {"any", "every", "each", "whatever", "whichever"}
_PREP_OF_COMPLEMENT = {"to", "for", "of", "on"}


def _noun_phrase(tok):
    """The head of the noun phrase a term stands in: the term, or the noun it modifies ("impeachment inquiry")."""
    if tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > tok.i:
        return tok.head
    return tok


def _negated(tok) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in NEGATORS and c.dep_ in ("det", "advmod", "preconj") for c in tok.children)


def _past(verb) -> bool:
    """Whether a verb's clause is in the past ("took to the streets", "had invaded"): its tag or an auxiliary's."""
    return verb.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in verb.children)


def _infinitive(tok):
    """The to-infinitive the term heads or is a conjunct of ("to convict and remove"), or None."""
    node = tok
    for _ in range(4):
        if any(c.tag_ == "TO" and c.dep_ == "aux" for c in node.children):
            return node
        if node.dep_ != "conj" or node.head.i == node.i:
            return None
        node = node.head
    return None


def mention_kind(text: str, start: int, end: int) -> str | None:
    """The kind of mention that names no particular act, for the event term [start, end) of ``text``:
    "negated", "infinitive", "procedure", "nonspecific", "generic-question" (see the module docstring), or
    None when the term may name one. Reads the spaCy parse of ``text`` (``stages.nlp.parse``, cached)."""
    from storyscope.stages.nlp import parse
    tok = _root(parse(text), start, end)
    if tok is None:
        return None
    head = _noun_phrase(tok)
    if _negated(tok) or head is not tok and _negated(head):
        return "negated"
    inf = _infinitive(tok)
    if inf is not None and inf.head.i != inf.i:
        gov = inf.head
        if _negated(gov):
            return "negated"
        if gov.pos_ in ("NOUN", "PROPN"):
            if gov.lemma_.lower() in PROCEDURE_NOUNS:
                return "procedure"
        elif inf.tag_.startswith("VB") and gov.lemma_.lower() not in ENTAILING and not _past(gov):
            return "infinitive"
    # "a vote to impeach" parsed as a preposition: the complement of a procedure noun
    up = tok
    for _ in range(3):
        if up.dep_ == "pobj" and up.head.lower_ in _PREP_OF_COMPLEMENT:
            up = up.head
        if up.dep_ in ("prep", "acl") and up.head.pos_ in ("NOUN", "PROPN"):
            if up.head.lemma_.lower() in PROCEDURE_NOUNS or up.head.lower_ in PROCEDURE_NOUNS:
                return "procedure"
            break
        if up.dep_ != "pobj":
            break
    if any(c.dep_ == "det" and c.lower_ in NONSPECIFIC for c in head.children):
        return "nonspecific"
    if head.tag_ == "NN" and head.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and head.head.pos_ in ("VERB", "AUX"):
        dets = [c for c in head.children if c.dep_ in ("det", "poss", "nummod")]
        indefinite = not dets or len(dets) == 1 and dets[0].lower_ in ("a", "an")
        if indefinite and any(c.tag_ == "MD" for c in head.head.children):
            return "nonspecific"
    if tok.pos_ in ("VERB", "AUX") and any(c.tag_ == "WRB" and c.lower_ in ("how", "why") for c in tok.children) \
            and any(c.dep_ == "aux" and (c.tag_ == "MD" or c.lemma_ == "do" and c.tag_ in ("VBP", "VBZ"))
                    for c in tok.children) and "?" in text[end:tok.sent.end_char + 2]:
        return "generic-question"
    return None
