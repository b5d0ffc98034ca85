"""He, she, him, his, her: the person a third-person pronoun refers to, by salience.

The salience weights are Lappin and Leass's (1994, "An algorithm for pronominal anaphora resolution",
Computational Linguistics 20(4)): every person mention adds to its actor sentence recency 100, subject 80,
direct object 50, indirect object 40, head-noun emphasis 80 (not inside another noun phrase) and
non-adverbial emphasis 50 (not in a prepositional phrase on a verb), halved for each sentence back; a
resolved pronoun adds to its actor in turn, so a chain of he/she keeps its person salient. News adds two
factors: a subject of the sentence's main verb (the one who said or did, not a person inside the report)
+50, and a mention inside quotation marks counts half (someone's words about a person rarely introduce
the one narrated next). Filters: the pronoun's gender against the person's (first name, Mr./Mrs./Ms.,
a gendered title such as congresswoman), and a subject pronoun is never an object or prepositional
argument of its own verb ("Of Obama, he said": not Obama).
"""
from __future__ import annotations

import bisect
import re

from storyscope.record import Span
from storyscope.stages.actor_names import name_gender

FEMALE = {"she", "her", "hers"}
MALE = {"he", "him", "his"}
WINDOW = 3  # sentences back (the pronoun's own sentence is 0)
LEAN_PENALTY = 0.25  # weight of a person whose first name is mostly of the other gender
_SUBJ = {"nsubj", "nsubjpass", "csubj", "expl"}
_OBJ = {"dobj", "attr", "oprd"}
_IOBJ = {"dative", "iobj"}
_FEMALE_WORDS = re.compile(r"\b(?:congresswoman|spokeswoman|chairwoman|businesswoman|first lady|wife|widow|mother|"
                           r"daughter|sister|actress|queen)\b", re.I)
_MALE_WORDS = re.compile(r"\b(?:congressman|spokesman|chairman|businessman|husband|widower|father|son|brother|"
                         r"actor|king)\b", re.I)
_FEMALE_CUES = re.compile(r"\b(?:Mrs|Ms|Miss|Madam|Lady)\.?\s*$|" + _FEMALE_WORDS.pattern + r"[\s,]*$", re.I)
_MALE_CUES = re.compile(r"\b(?:Mr|Sir|Lord)\.?\s*$|" + _MALE_WORDS.pattern + r"[\s,]*$", re.I)


def _head(doc, s: int, e: int, tok_of):
    """The token of [s, e) whose head is outside the span (the mention's syntactic head)."""
    first, last = tok_of(s), tok_of(max(e - 1, s))
    toks = doc[first.i:last.i + 1]
    for t in toks:
        if not (first.i <= t.head.i <= last.i) or t.head.i == t.i:
            return t
    return toks[0]


def _role(tok):
    """(grammatical role, the verb it is an argument of or None, embedded in a noun phrase, adverbial)."""
    while tok.dep_ in ("appos", "conj") and tok.head.i != tok.i and tok.head.pos_ in ("PROPN", "NOUN", "PRON"):
        tok = tok.head  # 'Mr. Trump, the president,': the apposition shares the head's role
    dep = tok.dep_
    if dep in _SUBJ:
        return "subj", tok.head, False, False
    if dep in _OBJ:
        return "obj", tok.head, False, False
    if dep in _IOBJ:
        return "iobj", tok.head, False, False
    if dep == "pobj":
        prep = tok.head
        verbal = prep.head.pos_ in ("VERB", "AUX")
        if prep.lower_ == "by" and prep.dep_ == "agent":
            return "subj", prep.head, False, False  # the agent of a passive
        return "pobj", prep.head if verbal else None, not verbal, verbal
    if dep in ("poss", "compound", "nmod"):
        return "poss", None, True, False
    return dep, None, False, False


def _main_verb(verb) -> bool:
    """Is ``verb`` its sentence's root (or conjoined with it)?"""
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT"


def _weight(role: str, verb, embedded: bool, adverbial: bool, quoted: bool) -> float:
    w = 100.0 + 80.0 * (role == "subj") + 50.0 * (role == "obj") + 40.0 * (role == "iobj")
    w += 0.0 if embedded else 80.0
    w += 0.0 if adverbial else 50.0
    if role == "subj" and verb is not None and _main_verb(verb):
        w += 50.0
    return w / 2 if quoted else w


def actor_genders(text: str, persons: list[Span]) -> dict[str, tuple[str, bool]]:
    """Actor key -> (gender, clear): clear from a first name that is clearly one (``name_gender``) or from
    'Mr.'/'Ms.' or a gendered title word just before a mention ('Congresswoman Ada Vell'); not clear from
    a first name that is mostly one ('Lindsey'). Conflicting evidence gives no gender."""
    votes: dict[str, set[str]] = {}
    for p in persons:
        if p.attrs.get("kind") == "pronoun":
            continue
        key = p.attrs.get("actor")
        before = text[max(0, p.start - 40):p.start]
        inside = text[p.start:p.end]
        for g, cue in (("female", _FEMALE_CUES), ("male", _MALE_CUES)):
            if cue.search(before) or re.match(r"(?:Mrs|Ms|Miss)\.?\s" if g == "female" else r"Mr\.?\s", inside):
                votes.setdefault(key, set()).add(g)
    out: dict[str, tuple[str, bool]] = {}
    for p in persons:
        key = p.attrs.get("actor")
        if key in out or p.attrs.get("kind") == "pronoun":
            continue
        canonical = p.attrs.get("canonical", "")
        g, lean = name_gender(canonical), name_gender(canonical, lean=True)
        v = votes.get(key, set())
        if len(v) == 1 and (lean is None or v == {lean}):
            out[key] = (next(iter(v)), True)
        elif not v and (g or lean):
            out[key] = (g or lean, g is not None)
    return out


def _gender_of_phrase(phrase: str) -> str | None:
    """'female' for 'the congresswoman', 'male' for 'the businessman', else None."""
    f, m = _FEMALE_WORDS.search(phrase), _MALE_WORDS.search(phrase)
    return "female" if f and not m else "male" if m and not f else None


def resolve_pronouns(doc, text: str, persons: list[Span], tok_sent: list[int], quoted: list[tuple[int, int]],
                     descriptors: list[tuple] = ()) -> list[Span]:
    """Pronoun spans (kind 'pronoun') for the he/she/him/his/her tokens of ``doc``, and title spans (kind
    'title') for ``descriptors`` ((start, end, head token index, the actor keys its role allows or None
    for any, the attrs to fall back on or None) of role nouns: 'the prime minister', 'the governor'), each
    with the antecedent's actor, canonical and role; given the article's PERSON name mentions (sorted),
    each token's sentence index and the character spans inside quotation marks. An anaphor with no fitting
    person in the last ``WINDOW`` sentences gets its fallback, else no span."""
    tok_starts = [t.idx for t in doc]
    q_starts = [a for a, _ in quoted]

    def tok_of(ch: int):
        return doc[max(bisect.bisect_right(tok_starts, ch) - 1, 0)]

    def quote_end(ch: int) -> int | None:
        """The end of the quoted span holding ``ch``, or None."""
        j = bisect.bisect_right(q_starts, ch) - 1
        return quoted[j][1] if j >= 0 and quoted[j][0] <= ch < quoted[j][1] else None

    def in_quotes(ch: int) -> bool:
        return quote_end(ch) is not None

    genders = actor_genders(text, persons)
    attrs_of = {p.attrs.get("actor"): p.attrs for p in persons if p.attrs.get("kind") != "pronoun"}
    events = []  # (token index, sentence, actor key, weight, role, verb index)
    for p in persons:
        if p.attrs.get("kind") == "pronoun":
            continue
        h = _head(doc, p.start, p.end, tok_of)
        role, verb, emb, adv = _role(h)
        events.append((h.i, tok_sent[h.i], p.attrs.get("actor"), _weight(role, verb, emb, adv, in_quotes(p.start)),
                       role, verb.i if verb is not None else None, quote_end(p.start)))
    events.sort(key=lambda x: x[0])
    ev_i = [e[0] for e in events]
    anaphors = [(t.i, t.idx, t.idx + len(t.text), "female" if t.lower_ in FEMALE else "male", "pronoun", None, None)
                for t in doc if t.pos_ == "PRON" and t.lower_ in FEMALE | MALE]
    anaphors += [(i, s, e, _gender_of_phrase(text[s:e]), "title", allowed, default)
                 for s, e, i, allowed, default in descriptors]
    anaphors.sort(key=lambda x: x[0])
    out: list[Span] = []
    for ti, s, e, gender, kind, allowed, default in anaphors:
        tok = doc[ti]
        # a name inside the quote this anaphor's clause attributes is not its speaker ('"... Biden," he said')
        attributed = text[:s].rstrip(" \t,.;:!?-—–" + "\"“”‘’'")
        best = _antecedent(tok, tok_sent, gender, events, ev_i, genders, allowed, (len(attributed), s))
        if kind == "title" and tok.dep_ == "attr":  # 'he is the GOP candidate': the subject's person
            subj = next((c.i for c in tok.head.children if c.dep_ == "nsubj"), None)
            best = next((ev[2] for ev in events if ev[0] == subj), best)
        a = attrs_of.get(best) or default
        if a is None:
            continue
        best = a["actor"]
        out.append(Span(s, e, "PERSON", {"actor": a["actor"], "canonical": a["canonical"], "role": a.get("role"),
                                         "kind": kind}))
        role, verb, emb, adv = _role(tok)
        k = bisect.bisect_left(ev_i, ti)
        events.insert(k, (ti, tok_sent[ti], best, _weight(role, verb, emb, adv, in_quotes(s)), role,
                          verb.i if verb is not None else None, quote_end(s)))
        ev_i.insert(k, ti)
    return out


def _antecedent(tok, tok_sent, gender, events, ev_i, genders, allowed=None, attributed=(-1, -1)) -> str | None:
    """The actor key of the most salient person before ``tok`` within ``WINDOW`` sentences whose gender
    is not the other one (and whose key is in ``allowed`` when given), or None; a mention inside a quote
    ending in ``attributed`` (the quote right before the anaphor: only marks and stops between) is left out."""
    here = tok_sent[tok.i]
    subj = tok.dep_ in _SUBJ
    # its own verb, and the verb a parenthetical 'he said' interrupts ('Of Obama, he said, "I want ..."')
    own = {tok.head.i} | ({tok.head.head.i} if tok.head.dep_ == "parataxis" else set())
    score: dict[str, float] = {}
    per_sent: dict[tuple[str, int], float] = {}
    j = bisect.bisect_left(ev_i, tok.i) - 1
    while j >= 0 and here - events[j][1] <= WINDOW:
        _i, si, key, w, role, verb, q_end = events[j]
        j -= 1
        if allowed is not None and key not in allowed or q_end is not None and attributed[0] <= q_end <= attributed[1]:
            continue
        g, clear = genders.get(key, (gender, True))
        if gender is not None and g != gender:
            if clear:
                continue
            w *= LEAN_PENALTY  # 'Lindsey', 'Terry': mostly, not only, of the other gender
        if verb is not None and verb in own and (subj and role in ("obj", "iobj", "pobj")
                                                  or not subj and role == "subj" and tok.dep_ != "poss"):
            score[key] = float("-inf")  # 'Of Obama, he said'; 'Trump praised him'
            continue
        # a person's factors count once per sentence (Lappin and Leass): its strongest mention there
        per_sent[(key, si)] = max(per_sent.get((key, si), 0.0), w / (2 ** (here - si)))
        score.setdefault(key, 0.0)
    for (key, _si), w in per_sent.items():
        if score.get(key) != float("-inf"):
            score[key] += w
    best = max(score, key=lambda k: score[k], default=None)
    return None if best is None or score[best] == float("-inf") else best
