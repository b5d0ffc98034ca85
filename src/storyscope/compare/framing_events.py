"""Whether a framing term's event is stated to have happened or only spoken of (issue 15, section 2).

"coup-prone country" aside, the commonest wrong framing term on real news names an event that the text
does not state: "grounds for impeachment", "vowed to impeach", "it would've been a massacre", "it was not a
coup". `not_asserted` reads the spaCy dependency parse (the ``nlp`` stage's model) from the term up to its
own clause.
"""
from __future__ import annotations

import re

# words under which an event is only spoken of, not stated to have happened (walked up from the term)
IRREALIS_VERBS = {"vow", "pledge", "promise", "want", "wish", "hope", "threaten", "hint", "urge", "demand", "seek", "plan",
                  "intend", "consider", "contemplate", "discuss", "propose", "debate", "fear", "warn", "risk", "push",
                  "expect", "predict", "desire", "aim"}
IRREALIS_NOUNS = {"ground", "grounds", "issue", "question", "discussion", "talk", "threat", "possibility", "prospect",
                  "call", "demand", "way", "desire", "push", "bid", "risk", "fear", "idea", "plan", "proposal", "effort",
                  "option", "speculation", "chance", "vow", "pledge", "goal", "hope"}
# verbs whose modal or negation decides whether their object happened ("could lead to war", "might have
# resulted from a protest"); other verbs presuppose their object ("did not support the proxy war")
CAUSING_VERBS = {"lead", "result", "cause", "spark", "trigger", "become", "turn", "escalate", "amount", "constitute",
                 "mean", "spiral", "erupt", "end"}
_COMPLEMENT = ("xcomp", "ccomp", "dobj", "prep", "acl", "relcl", "attr", "pcomp", "pobj", "advcl", "conj")
_EITHER_OR = re.compile(r"(?i)\beither\b[^.;]*\bor\b")
# a question opened by an auxiliary asks whether something happened; a wh-question presupposes it
_YES_NO = re.compile(r"(?i)(?:is|are|was|were|did|do|does|has|have|had|will|would|could|can|should|might)\b")


def _modal_or_negated(verb) -> bool:
    return any(c.tag_ == "MD" or c.dep_ == "neg" or c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether")
               for c in verb.children)


def asks(text: str, start: int) -> bool:
    """Whether the word at ``start`` is in a yes/no question ("Was it because of a protest, or ...?"):
    the sentence (spaCy's, of the ``nlp`` stage's model) opens with an auxiliary and ends with "?"."""
    from storyscope.stages.nlp import parse
    tok = next((t for t in parse(text) if t.idx >= start), None)
    sent = tok.sent.text if tok is not None else ""
    return bool(_YES_NO.match(sent.strip(" \"'“‘"))) and sent.rstrip(" \"'”’\n").endswith("?")


def not_asserted(text: str, start: int) -> bool:
    """Whether the event word at ``start`` is only spoken of, not stated to have happened: negated or
    under a modal or condition as the verb itself or its predicate ("it was not a coup", "would've been a
    massacre", "must resign or be impeached", "could lead to war"), an alternative ("Either it was a mob
    or ..."), a yes/no question ("Was it a coup?"; "Why was there a coup?" presupposes one), or the complement of a verb or noun of intent, threat or possibility ("vowed to impeach",
    "grounds for impeachment", "the best way to oust him").

    Walks the spaCy parse from the term up through its heads to the first verb with a subject of its
    own (the term's clause); a term that is a subject is presupposed ("its military operation cannot
    be accepted"), and so is the object of most verbs ("did not support the proxy war")."""
    from storyscope.stages.nlp import parse
    doc = parse(text)
    tok = next((t for t in doc if t.idx >= start), None)
    if tok is None:
        return False
    if _EITHER_OR.search(tok.sent.text) or asks(text, start):
        return True
    node, child, nouns = tok, None, 0
    for _ in range(12):
        lemma = node.lemma_.lower()
        if child is not None and child.dep_ in _COMPLEMENT:
            if node.pos_ in ("NOUN", "PROPN") and (lemma in IRREALIS_NOUNS or node.lower_ in IRREALIS_NOUNS) \
                    or node.pos_ in ("VERB", "AUX") and (lemma in IRREALIS_VERBS or lemma == "call" and child.lower_ == "for"):
                return True
        if node is not tok and node.pos_ in ("NOUN", "PROPN") and node.dep_ != "compound" and child.dep_ != "compound":
            nouns += 1
            if nouns >= 2:
                return False    # two noun phrases up ("relatives of Americans killed ..."): another matter
        if node.pos_ in ("VERB", "AUX"):
            decides = child is None or child.dep_ in ("attr", "acomp", "oprd", "conj") or \
                lemma in CAUSING_VERBS and child.dep_ in ("dobj", "prep")
            if decides and _modal_or_negated(node):
                return True
            if node.dep_ == "conj" and (child is None or decides) and _modal_or_negated(node.head):
                return True     # "must resign or be impeached"
            if any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in node.children) \
                    and not any(c.tag_ == "TO" for c in node.children):
                return False    # the term's own finite clause states it ("for Lomar to invade" does not)
        if child is not None and child.dep_ in ("nsubj", "nsubjpass", "csubj", "poss"):
            return False        # a subject is presupposed
        if node.head.i == node.i:
            return False
        child, node = node, node.head
    return False


# what makes a plural name one group rather than a kind of people: a determiner, possessive, number, modifier
_SPECIFIER = {"det", "poss", "nummod", "amod", "compound", "nmod", "acl", "relcl", "appos", "quantmod"}


def generic_plural(text: str, start: int) -> bool:
    """Whether the plural noun at ``start`` names a kind of people, not a group of the story: a bare plural
    (no determiner, possessive, number, modifier or relative clause on the spaCy parse) that is not a
    subject ("keep guns out of the hands of terrorists", "to combat militants"); "the gunmen", "Taliban
    militants", "militants attacked ..." name a group."""
    from storyscope.stages.nlp import parse
    tok = next((t for t in parse(text) if t.idx >= start), None)
    if tok is None or tok.tag_ not in ("NNS", "NNPS"):
        return False
    if any(c.dep_ in _SPECIFIER for c in tok.children) or tok.dep_ in ("nsubj", "nsubjpass", "compound", "poss"):
        return False
    head = tok.head if tok.dep_ == "conj" else None      # "the gunmen and militants": the first conjunct's
    return not (head is not None and any(c.dep_ in _SPECIFIER for c in head.children))
