"""The words a reader sees for a claim (``display``), next to its text as found (``text``).

A claim's ``text`` is the content of its sentence as found (``claims.analyse_sentence``) and stays so:
omissions, disputes and the timeline compare it, and the JSON dossier keeps it. The pages show
``display`` instead, a readable whole proposition built from the same parse:

- reported speech without its attribution tail or addressee: 'The ministry will cut fuel taxes, Valtane
  told a news conference' -> 'The ministry will cut fuel taxes'; 'told a news conference that the ministry
  will ...' -> 'The ministry will ...' (only the clausal complements of the reporting verb, never its
  direct object, when it has one);
- a leading subject pronoun shown with its antecedent in brackets, the convention of edited quotations:
  'it will cut ...' -> 'It [the Orvel ministry] will cut ...'; a leading possessive likewise ('his country
  is ...' -> "His [Bajwa's] country is ..."); a leading complementiser dropped ('that his country ...'). The antecedent is what the reading layer
  already holds: the actors layer's resolution of a he/she (``stages.actor_pronouns``; where it found no
  person, none), else, in reported speech, the speaker the pronoun agrees with ('the ministry said it ...',
  'officials said they ...'; 'X said he ...' only for a text read without an actors layer). A pronoun without such an antecedent is left as it is; an expletive 'it' ('it is likely
  that ...') is never resolved.

Evidence spans are untouched: ``display`` is only ever shown, never cited.
"""
from __future__ import annotations

import re

SUBJECT_PRONOUNS = {"he", "she", "it", "they"}
POSSESSIVES = {"his": "he", "her": "she", "its": "it", "their": "they"}
_EXPLETIVE_HEADS = {"be", "seem", "appear", "remain", "become", "take", "rain", "snow", "look", "happen"}
_EDGE = " ,;:\"'“”‘’"
_DETERMINERS = re.compile(r"(?i)^(the|a|an|this|that|these|those|his|her|its|their|our|my)\s")


def _pronoun_antecedent(bundle, aid: str, tok, speaker: str | None, speaker_toks, cue) -> str | None:
    """The antecedent of the subject pronoun ``tok`` (a spaCy token), or None (see the module docstring)."""
    low = POSSESSIVES.get(tok.lower_, tok.lower_)
    text = bundle.article(aid).text
    body = text.find("\n") + 1      # a name read off the headline alone ('Farenthold Resigns') is no name
    actors = bundle.spans(aid, "actors")
    for m in actors:
        at = m.attrs or {}
        if m.start == tok.idx and at.get("kind") == "pronoun" and at.get("canonical"):
            return at["canonical"] if text.find(at["canonical"], body) >= 0 else None
    if actors and low in ("he", "she"):
        # the actors layer read this he/she and found no person ('Romney said he should exit the race': he is
        # not Romney); the speaker is a guess only where no layer was read
        return None
    if cue is None or not speaker or not speaker_toks or speaker.lower() in SUBJECT_PRONOUNS:
        return None
    # the pronoun must stand in the reported content of this speaker's own cue ('X said it ...')
    if cue not in tok.ancestors:
        return None
    words = [t for t in speaker_toks if not t.is_punct]
    if any(t.pos_ == "PRON" for t in words):
        return None
    heads = [t for t in words if t.head.i not in {x.i for x in words} or t.head == t]
    head = heads[0] if heads else words[-1]
    person = any(t.ent_type_ == "PERSON" for t in words)
    plural = head.tag_ in ("NNS", "NNPS") or any(t.dep_ == "conj" for t in words)
    if low in ("he", "she"):
        return speaker if person and not plural else None
    # an organisation or a body ('the ministry', 'Orvel Rail'), never a bare name spaCy could not type
    body = head.tag_ == "NN" or any(t.ent_type_ in ("ORG", "GPE", "NORP") for t in words)
    if low == "it":
        h = tok.head
        if person or plural or not body or h.lemma_.lower() in ("rain", "snow") or (
                h.lemma_.lower() in _EXPLETIVE_HEADS and any(
                c.dep_ in ("ccomp", "xcomp", "csubj", "acomp") and c.i > h.i for c in h.children)):
            return None
        return _phrase(words, speaker)
    return _phrase(words, speaker) if plural and not person else None


def _phrase(words, speaker: str) -> str:
    """The speaker as the sentence names it ('The Orvel ministry' -> 'the Orvel ministry') when short,
    else the speaker key."""
    if len(words) > 6 or any(t.dep_ in ("appos", "relcl", "acl") for t in words):
        return speaker
    text = words[0].doc.text[words[0].idx:words[-1].idx + len(words[-1])]
    return text[0].lower() + text[1:] if words[0].lower_ in ("the", "a", "an") else text


def _named(speaker: str) -> str:
    """'port authority' -> 'the port authority'; names and determined phrases as they are."""
    return speaker if speaker[:1].isupper() or _DETERMINERS.match(speaker) else f"the {speaker}"


def display_text(bundle, aid: str, text: str, toks, speaker: str | None = None, speaker_toks=(),
                 cue=None, clausal=()) -> str:
    """The display form of a claim whose content tokens are ``toks`` (spaCy tokens of article ``aid``'s
    text, in order) and whose text as found is ``text``. ``clausal``: the content tokens inside the
    reporting verb's clausal complements (empty when none; then ``toks`` is the content); ``speaker``,
    ``speaker_toks`` and ``cue`` (the reporting verb token) as ``claims.analyse_sentence`` found them.
    Returns a string (``text`` with at most a bracketed antecedent added when nothing better is found)."""
    art_text = bundle.article(aid).text
    body = list(clausal) if clausal else list(toks)
    if cue is not None and body:
        # the attribution must not sit inside the span shown
        lo, hi = body[0].i, body[-1].i
        if any(lo <= t.i <= hi for t in list(speaker_toks) + [cue]):
            body = list(toks)
    body = [t for t in body if not t.is_space]
    lead = []
    # a complementiser ('that', parsed as a mark, or as an adverb of the clause's verb), not a demonstrative
    while body and (body[0].is_punct or (body[0].dep_ in ("mark", "advmod") and body[0].lower_ in ("that", "whether")
                                         and body[0].head.i > body[0].i)):
        lead.append(body[0])
        body = body[1:]
    if lead and not (cue is not None and clausal):
        # a text as found that opens with the complementiser ('that his country ...'): shown without it
        m = re.match(r"\W*" + r"\W*".join(re.escape(t.text) for t in lead if not t.is_punct) + r"\s+", text)
        if m and any(not t.is_punct for t in lead):
            text = text[m.end():]
    while body and body[-1].is_punct and body[-1].text not in ".!?":
        body = body[:-1]
    if len([t for t in body if not t.is_punct]) < 3:
        return text
    start, end = body[0].idx, body[-1].idx + len(body[-1])
    offset = -1
    shown = text
    if cue is not None and clausal:
        raw = art_text[start:end]
        shown = raw.strip(_EDGE)
        offset = start + len(raw) - len(raw.lstrip(_EDGE))
    # 'he refused to resign and that there is ...': the second complement's 'that' reads as a slip once
    # the first has lost its own
    if clausal and offset >= 0:
        drop = [t for t in body[1:] if t.dep_ == "mark" and t.lower_ == "that" and t.i > 0
                and t.doc[t.i - 1].lower_ in ("and", "but", "or")]
        for t in reversed(drop):
            k = t.idx - offset
            if 0 < k < len(shown):
                shown = shown[:k] + shown[k + len(t.text):].lstrip()
    first = next((t for t in body if not t.is_punct), None)
    if first is not None and shown.lower().startswith(first.lower_ + " ") and (
            (first.lower_ in SUBJECT_PRONOUNS and first.dep_ in ("nsubj", "nsubjpass"))
            or (first.lower_ in POSSESSIVES and first.dep_ == "poss")):
        ante = _pronoun_antecedent(bundle, aid, first, speaker, speaker_toks, cue)
        if ante:
            ante = _named(re.sub(r"\s+(['’]s)\b", r"\1", ante))
            if first.lower_ in POSSESSIVES:
                ante += "'" if ante.endswith("s") else "'s"
            shown = f"{shown[:len(first.text)]} [{ante}]{shown[len(first.text):]}"
    if shown[:1].islower():
        shown = shown[0].upper() + shown[1:]
    return shown
