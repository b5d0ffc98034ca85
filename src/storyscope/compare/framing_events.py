"""Whether a framing term's event is stated to have happened or only spoken of, and whether a term names
its referent at all (issue 15, section 2).

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
                  "expect", "predict", "desire", "aim", "try", "attempt"}
# modifiers under which the event did not (or not yet) happen: "attempted murder", "almost killed", "a fictional
# assassination", "a would-be coup"
HYPOTHETICAL = {"attempted", "attempt", "almost", "nearly", "narrowly", "fictional", "hypothetical", "mock", "fake",
                "would-be", "failed", "foiled", "thwarted", "potential", "possible", "imaginary", "simulated"}
IRREALIS_NOUNS = {"ground", "grounds", "issue", "question", "discussion", "talk", "threat", "possibility", "prospect",
                  "call", "demand", "way", "desire", "push", "bid", "risk", "fear", "idea", "plan", "proposal", "effort",
                  "option", "speculation", "chance", "vow", "pledge", "goal", "hope", "attempt", "danger", "dangers",
                  "plot", "scenario"}
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
    if any(c.dep_ in ("amod", "advmod", "compound", "npadvmod") and c.lower_ in HYPOTHETICAL for c in tok.children):
        return True             # "attempted murder", "almost killed"
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


def _root(doc, start: int, end: int):
    """The token of ``doc`` heading the span [start, end): its first token whose head lies outside it."""
    toks = [t for t in doc if start <= t.idx < end] or [t for t in doc if t.idx >= start][:1]
    return next((t for t in toks if not start <= t.head.idx < end or t.head.i == t.i), toks[0] if toks else None)


def modifies_noun(text: str, start: int, end: int) -> bool:
    """Whether the term [start, end) only modifies another noun on the spaCy parse ("militant websites", "rebel
    radio", "terrorist plot"): its head token is a compound or adjectival modifier of a
    noun outside the term; such a term names the other noun's kind, not the referent (a possessive, "the war's
    toll", still names it, and so does a modifier of a group noun, :data:`GROUP_HEADS`: "the terrorist group").
    Used for concepts that name a group of people (``specific``); an event word before a noun still names the
    event ("the mob scene", "the tax cut deal": the blind BASIL labels judge those correct)."""
    from storyscope.stages.nlp import parse
    tok = _root(parse(text), start, end)
    return tok is not None and tok.dep_ in ("compound", "amod", "nmod") and tok.head.pos_ in ("NOUN", "PROPN") \
        and not start <= tok.head.idx < end and tok.head.lemma_.lower() not in GROUP_HEADS


# heads with which a modifier names a group or movement of its own ("the terrorist group", "a rebel militia")
GROUP_HEADS = {"organization", "organisation", "group", "cell", "network", "outfit", "militia", "fighter", "force",
               "army", "movement", "faction", "leader", "commander"}


# modifiers that put a term in another domain than violence or politics ("economic catastrophe", "insect invasion",
# "signing coup", "public-relations disaster", "virtual invasion")
OTHER_DOMAIN = {"economic", "financial", "fiscal", "monetary", "budget", "insect", "bug", "pest", "spider", "alien",
                "signing", "transfer", "recruiting", "marketing", "publicity", "pr", "public-relations", "virtual",
                "digital", "cyber", "humanitarian", "environmental", "ecological", "health", "medical", "fashion",
                "culinary", "tourist", "box-office", "boardroom", "shareholder", "ratings"}
# who can carry out a military action (the agent of "invaded", the modifier of "invasion"); any other common
# noun as agent is a figure of speech ("a spider invaded his flesh", "an insect invasion")
STATE_AGENTS = {"army", "troop", "soldier", "force", "military", "militia", "militant", "rebel", "insurgent",
                "fighter", "tank", "navy", "marine", "regime", "government", "country", "nation", "state", "power",
                "coalition", "alliance", "enemy", "invader", "occupier", "jihadist", "gunman", "commando",
                "paratrooper", "unit", "division", "battalion", "brigade", "ground", "land", "air", "sea", "naval",
                "amphibious", "military", "allied", "neighbour", "neighbor", "empire", "kingdom", "republic",
                "superpower", "group", "administration", "president", "leader", "dictator"}


def other_sense(text: str, start: int, end: int, state_agent: bool = False) -> bool:
    """Whether the term [start, end) is used in another sense than its family's, on the spaCy parse: a noun
    modified by a word of another domain (:data:`OTHER_DOMAIN`: "the economic catastrophe", "a signing coup"),
    or, with ``state_agent`` (a concept only states and armed groups carry out), a common noun outside
    :data:`STATE_AGENTS` as its agent: the subject of the active verb, the "by" agent of the passive, or a noun
    modifier of the noun ("a spider invaded his flesh", "invaded -- by a spider", "an insect invasion")."""
    from storyscope.stages.nlp import parse
    tok = _root(parse(text), start, end)
    if tok is None:
        return False
    mods = [c for c in tok.children if c.dep_ in ("amod", "compound", "nmod")]
    if any(c.lower_ in OTHER_DOMAIN or c.lemma_.lower() in OTHER_DOMAIN for c in mods):
        return True
    if not state_agent:
        return False
    if tok.pos_ in ("VERB", "AUX"):
        agents = [c for c in tok.children if c.dep_ == "nsubj"]
        agents += [g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    else:
        agents = [c for c in mods if c.dep_ in ("compound", "nmod")]
    return any(a.pos_ == "NOUN" and not a.ent_type_ and a.lemma_.lower() not in STATE_AGENTS
               and a.lower_ not in STATE_AGENTS for a in agents)


def generic_mass(text: str, start: int, end: int) -> bool:
    """Whether the term [start, end) speaks of its kind of event in general: a bare singular noun (no determiner,
    possessive, number, noun modifier or prepositional phrase; an adjective that is no place, "military", at most)
    that is the subject of a present-tense verb ("military aggression is dangerous", "what happens when
    aggression ... pushes common sense aside"); "Russian aggression continued" and "the aggression is" name one."""
    from storyscope.stages.nlp import parse
    tok = _root(parse(text), start, end)
    if tok is None or tok.tag_ != "NN" or tok.dep_ != "nsubj" or tok.head.tag_ not in ("VBZ", "VBP"):
        return False
    if any(c.dep_ in ("det", "poss", "nummod", "compound", "nmod", "appos", "prep", "acl", "relcl") for c in tok.children):
        return False
    return not any(c.dep_ == "amod" and (c.ent_type_ or c.text[:1].isupper() and not c.is_sent_start)
                   for c in tok.children)
