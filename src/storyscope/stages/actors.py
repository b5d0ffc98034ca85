"""Actors: people, organisations and places, one actor per real-world referent.

spaCy's small NER finds the mentions; general rules then repair its usual errors and
merge aliases, so that 'Pakistani Prime Minister Imran Khan', 'Khan', 'the prime minister'
and 'the former PM' carry one key:

- a name that is a surname/subsequence of exactly one longer PERSON name is that person
  (the most mentioned one when several fit), even when NER tagged it GPE/ORG;
- a PERSON 'name' that is a whole short line of debris ('› Subscribe') or has no capital
  letter is dropped; entities are cut at line breaks;
- roles come from premodifiers and appositions ('army chief Qamar Javed Bajwa',
  'Khan, then the PM'); title mentions ('the army chief', 'COAS') resolve to the nearest
  actor with a compatible role;
- 'Inter-Services Public Relations (ISPR)': the parenthesised acronym is an alias.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from storyscope.record import Span
from storyscope.stages.actor_names import (
    _GENERIC_ROLES, _ROLE_HEADS, LABELS, NON_PERSON_HEADS, OFFICE_OF, ROLE_SYNONYMS, UI_WORDS, _name_tokens, _subseq, actor_key,
    name_gender, normalise_role, roles_compatible)
from storyscope.stages.nlp import parse, parse_many
from storyscope.stages.registry import register

_UNNAMED_ROLES = {"spokesperson", "official", "diplomat", "envoy", "general", "director", "secretary",
                  "speaker", "judge", "leader"}  # 'the spokeswoman' is usually someone else's, unnamed

def _honorific_gender(text: str, s: int, e: int) -> str | None:
    """'female' for 'Mrs. Clinton' / 'Ms. Clinton', 'male' for 'Mr. Clinton', else None."""
    m = re.search(r"\b(Mr|Mrs|Ms|Miss)\.?\s+$", text[max(0, s - 6):s]) or re.match(r"(Mr|Mrs|Ms|Miss)\.?\s", text[s:e])
    return None if m is None else "male" if m.group(1) == "Mr" else "female"


class _Mention:
    __slots__ = ("start", "end", "label", "text", "kind", "role", "roles", "toks", "tok_i", "sent_i", "target")

    def __init__(self, start, end, label, text, kind, tok_i, sent_i):
        self.start, self.end, self.label, self.text, self.kind = start, end, label, text, kind
        self.role = None
        self.roles: list[str] = []  # every role the mention is given ('Rep.', 'committee chairman')
        self.toks = _name_tokens(text)
        self.tok_i, self.sent_i = tok_i, sent_i
        self.target = None  # index of the mention whose canonical this one takes


def _clean_ent(ent, text: str):
    """Trim an entity at line breaks and leading symbols; None when nothing name-like is left."""
    s, e = ent.start_char, ent.end_char
    nl = text.find("\n", s, e)
    if nl != -1:
        e = nl
    while s < e and not text[s].isalnum():
        s += 1
    while e > s and not (text[e - 1].isalnum() or text[e - 1] in ".)"):
        e -= 1
    if e > s and text[e - 1] == "." and len(text[s:e].split()[-1]) > 3:
        e -= 1
    if e <= s:
        return None
    sub = text[s:e]
    if re.search(r"[’']s$", sub):
        e -= 2
        sub = text[s:e]
    return (s, e, sub) if any(c.isalpha() for c in sub) else None


# "Minister of Water Oskar Valtane", "Secretary of State Ann Vell": the parser often takes the portfolio
# into the name; a title and "of" right before a name of three or more words mark it
_PORTFOLIO_BEFORE = re.compile(r"\b" + OFFICE_OF + r"\s+of\s+(?:the\s+)?$", re.I)


def _drop_portfolio(text: str, s: int, sub: str) -> tuple[int, str]:
    """(start, text) of a PERSON entity without a leading portfolio word (see ``_PORTFOLIO_BEFORE``)."""
    words = sub.split()
    if len(words) >= 3 and _PORTFOLIO_BEFORE.search(text[max(0, s - 40):s]):
        cut = sub.index(words[1], len(words[0]))
        return s + cut, sub[cut:]
    return s, sub


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b == -1 else b)


def _is_debris_person(text: str, s: int, e: int, sub: str) -> bool:
    if not any(c.isupper() for c in sub):
        return True
    words = sub.lower().split()
    if all(w in UI_WORDS for w in words):
        return True
    a, b = _line_bounds(text, s)
    line = text[a:b].strip()
    rest = (text[a:s] + text[e:b]).strip()
    # a short line made of the name plus symbols only: navigation debris
    return len(line.split()) <= 3 and not any(c.isalpha() for c in rest) and rest != "" and len(words) == 1


def _role_of(ent_root, doc) -> list[str]:
    """Roles from premodifiers ('Prime Minister Imran Khan', 'army chief Bajwa') or appositions, offices
    before ranks ('general')."""
    phrases = []
    left = [t for t in ent_root.lefts if t.dep_ in ("compound", "amod", "nmod") and t.ent_type_ != "PERSON"]
    if left:
        phrases.append(" ".join(t.text for t in doc[left[0].left_edge.i:ent_root.i] if t.ent_type_ != "PERSON"))
    if ent_root.dep_ == "appos" and ent_root.head.pos_ in ("NOUN", "PROPN") and ent_root.head.ent_type_ != "PERSON":
        h = ent_root.head
        inner = {t.i for t in ent_root.subtree}
        phrases.append(" ".join(t.text for t in h.subtree if t.i not in inner))
    for c in ent_root.children:
        if c.dep_ == "appos" and c.ent_type_ != "PERSON":
            phrases.append(" ".join(t.text for t in doc[c.left_edge.i:c.i + 1]))
        if c.dep_ == "relcl":  # 'X, who heads the ISPR' / 'who was Pakistan's ambassador'
            for g in c.children:
                if g.dep_ in ("attr", "dobj") and g.pos_ == "NOUN":
                    phrases.append(" ".join(t.text for t in doc[g.left_edge.i:g.i + 1]))
    found = [r for r in (normalise_role(p) for p in phrases) if r]
    # ranks ('general') only when no office is given
    found.sort(key=lambda r: r in _GENERIC_ROLES)
    return found


def _title_mentions(doc, text: str, taken: list[tuple[int, int]]):
    """Role-noun phrases not attached to a name: 'the prime minister', 'the former PM', 'COAS'."""
    import bisect
    busy = sorted(taken)
    starts = [a for a, _ in busy]

    def overlaps(s, e):
        j = bisect.bisect_left(starts, e) - 1
        while j >= 0 and starts[j] > s - 200:
            if busy[j][1] > s:
                return True
            j -= 1
        return False

    out = []
    for tok in doc:
        if tok.lower_ not in _ROLE_HEADS or tok.ent_type_ == "PERSON" or tok.dep_ == "compound":
            continue
        if tok.tag_ in ("NNS", "NNPS") or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        if any(c.ent_type_ == "PERSON" for c in tok.children if c.dep_ in ("appos", "compound")):
            continue
        if tok.dep_ == "appos" and tok.head.ent_type_ == "PERSON":
            continue
        lo = max(tok.left_edge.i, tok.i - 6)
        first = lo
        for t in doc[lo:tok.i]:
            if t.dep_ == "poss" or t.tag_ == "POS" or t.ent_type_ in ("GPE", "NORP", "ORG", "LOC"):
                first = t.i + 1
        phrase = doc[first:tok.i + 1].text
        role = normalise_role(phrase)
        definite = any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
        if not role or role in _GENERIC_ROLES and not (definite and role in ("nominee", "candidate")):
            continue
        if tok.pos_ == "PROPN" and tok.lower_ not in ("coas", "pm") and not doc[first].lower_ in ("the",):
            continue  # 'President' before a name is a title word, not a mention
        s, e = doc[first].idx, tok.idx + len(tok.text)
        nxt = tok.i + 1
        if nxt < len(doc) and doc[nxt].ent_type_ == "PERSON":
            continue  # 'Ousted PM Imran Khan': a premodifier of the name
        if overlaps(s, e):
            continue
        out.append((s, e, text[s:e], role, tok.i, definite))
    return out


def is_degenerate(text: str) -> bool:
    """Mostly punctuation (e.g. thousands of quotation marks): the parser would be slow and
    find nothing, so stages skip it and stay linear."""
    if len(text) < 2000:
        return False
    letters = sum(c.isalpha() for c in text)
    punct = sum(not c.isalnum() and not c.isspace() for c in text)
    return punct > 1000 and punct > letters


def parses_text(text: str) -> bool:
    """Whether ``extract_actors`` parses ``text`` (it has letters and is not ``is_degenerate``)."""
    return bool(text) and any(c.isalpha() for c in text) and not is_degenerate(text)


def extract_actors(text: str) -> list[Span]:
    """One span per actor mention (names, aliases, titles, pronouns) with a per-article key."""
    if not parses_text(text):
        return []
    doc = parse(text)
    sents = list(doc.sents)
    sent_of = {}
    for si, s in enumerate(sents):
        sent_of[s.start] = si
    tok_sent = [0] * len(doc)
    for si, s in enumerate(sents):
        for i in range(s.start, s.end):
            tok_sent[i] = si

    mentions: list[_Mention] = []
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        c = _clean_ent(ent, text)
        if not c:
            continue
        s, e, sub = c
        label = LABELS[ent.label_]
        if actor_key(sub) in ROLE_SYNONYMS:
            continue  # 'COAS', 'PM': a title, resolved below
        if label != "PERSON" and sub[:4].lower() == "the ":
            s, sub = s + 4, sub[4:]
        if label == "PERSON" and _is_debris_person(text, s, e, sub):
            continue
        if label == "PERSON":
            s, sub = _drop_portfolio(text, s, sub)
            label = NON_PERSON_HEADS.get(sub.split()[-1].lower().strip("."), label) if " " in sub else label
        m = _Mention(s, e, label, sub, "name", ent.root.i, tok_sent[ent.root.i])
        if not m.toks:
            continue
        if label == "PERSON":
            m.roles = _role_of(ent.root, doc)
            m.role = m.roles[0] if m.roles else None
        mentions.append(m)

    # acronyms in parentheses after an ORG: 'Inter-Services Public Relations (ISPR)'
    for m in list(mentions):
        mt = re.match(r"\s*\(([A-Z][A-Za-z&.-]{1,9})\)", text[m.end:m.end + 14])
        if m.label == "ORG" and mt:
            a = m.end + mt.start(1)
            old = [x for x in mentions if x.start == a]
            if old:
                old[0].target, old[0].kind = m, "alias"
            else:
                al = _Mention(a, a + len(mt.group(1)), "ORG", mt.group(1), "alias", m.tok_i, m.sent_i)
                al.target = m
                mentions.append(al)
    # surnames NER missed ('Vosk said ...' after 'Alden Vosk'): one full name per surname
    covered = bytearray(len(text) + 1)
    for m in mentions:
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)
    by_surname: dict[str, dict[str, _Mention]] = defaultdict(dict)
    for m in mentions:
        if m.label == "PERSON" and len(m.toks) >= 2:
            by_surname[m.text.split()[-1]].setdefault(" ".join(m.toks), m)
    for tok in doc:
        fulls = by_surname.get(tok.text)
        if fulls and len(fulls) == 1 and not covered[tok.idx] and tok.text[:1].isupper() \
                and tok.pos_ in ("PROPN", "NOUN", "VERB", "ADJ"):
            al = _Mention(tok.idx, tok.idx + len(tok.text), "PERSON", tok.text, "alias", tok.i, tok_sent[tok.i])
            al.target = next(iter(fulls.values()))
            mentions.append(al)
    mentions.sort(key=lambda m: m.start)
    pos_of = {id(m): i for i, m in enumerate(mentions)}
    for m in mentions:
        if isinstance(m.target, _Mention):
            m.target = pos_of[id(m.target)]

    # Full names: PERSON names with >= 2 tokens
    full = [i for i, m in enumerate(mentions) if m.label == "PERSON" and len(m.toks) >= 2]
    freq = Counter(" ".join(mentions[i].toks) for i in full)

    def longest_containing(toks: list[str], pos: int, gender: str | None = None) -> int | None:
        """The full name whose tokens contain ``toks`` in order (most frequent, then nearest before), of
        ``gender`` when given ('Mrs. Clinton' is not Bill Clinton)."""
        cands = {}
        for i in full:
            ft = mentions[i].toks
            if len(ft) <= len(toks) or not _subseq(toks, ft):
                continue
            g = name_gender(mentions[i].text, True) if gender else None
            if gender and g != gender and (g is not None or any(
                    name_gender(mentions[f].text, True) == gender for f in full if _subseq(toks, mentions[f].toks))):
                continue  # not of that gender, or of none known when one of that gender fits
            k = " ".join(ft)
            cands.setdefault(k, []).append(i)
        if not cands:
            return None
        # collapse names that are themselves subsequences of a longer candidate
        keys = sorted(cands, key=lambda k: -len(k.split()))
        roots = []
        for k in keys:
            if not any(_subseq(k.split(), r.split()) for r in roots):
                roots.append(k)
        best = max(roots, key=lambda k: (sum(freq[x] for x in cands if _subseq(x.split(), k.split())),
                                         -min(abs(mentions[j].start - pos) for j in cands[k])))
        return cands[best][0]

    for i, m in enumerate(mentions):
        if m.target is not None:
            continue
        if m.label in ("PERSON", "GPE", "ORG", "LOC") and len(m.toks) <= 2:
            j = longest_containing(m.toks, m.start, _honorific_gender(text, m.start, m.end))
            if j is not None and j != i:
                if m.label != "PERSON":
                    # NER tagged a surname as a place/org: only when capitalised single word
                    if len(m.toks) != 1 or not m.text[:1].isupper():
                        continue
                    m.label = "PERSON"
                m.target = j
                m.kind = "alias"
        if m.label == "PERSON" and m.target is None and len(m.toks) >= 2:
            j = longest_containing(m.toks, m.start)
            if j is not None:
                m.target, m.kind = j, "alias"

    # later mentions spelled like an alias ('the VWA') join it
    alias_target = {(m.label, actor_key(m.text)): m.target for m in mentions if m.kind == "alias" and m.label == "ORG"}
    for m in mentions:
        if m.target is None and m.kind == "name" and (m.label, actor_key(m.text)) in alias_target:
            m.target, m.kind = alias_target[(m.label, actor_key(m.text))], "alias"

    def root(i: int) -> int:
        seen = 0
        while mentions[i].target is not None and seen < 10:
            i = mentions[i].target
            seen += 1
        return i

    # canonical per root: the longest name in its group; role: the first role given
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        groups[root(i)].append(i)
    canon: dict[int, str] = {}
    role: dict[int, str | None] = {}
    roles_of: dict[str, set[str]] = defaultdict(set)  # actor key -> all its roles
    for r, members in groups.items():
        names = [mentions[i] for i in members]
        best = max(names, key=lambda m: (len(m.toks), -m.start))
        canon[r] = best.text if best.kind != "alias" or mentions[r].label != "ORG" else mentions[r].text
        if mentions[r].label == "ORG" and any(mentions[i].kind == "alias" for i in members):
            canon[r] = mentions[r].text
        role[r] = next((mentions[i].role for i in members if mentions[i].role), None)
        roles_of[actor_key(canon[r])] = {x for i in members for x in mentions[i].roles}

    spans: list[Span] = []
    for i, m in enumerate(mentions):
        r = root(i)
        label = mentions[r].label if m.kind == "alias" else m.label
        key = actor_key(canon[r])
        spans.append(Span(m.start, m.end, label, {"actor": key, "canonical": canon[r], "role": role[r],
                                                  "kind": m.kind}))

    taken = [(s.start, s.end) for s in spans]
    persons = [(s.start, s.attrs) for s in spans if s.label == "PERSON" and s.attrs["role"]]
    # title mentions -> the most salient person before with that role (exact, else the same head noun),
    # else the nearest such person after; a definite title no named role fits ('the governor') -> the most
    # salient person (``actor_pronouns``)
    descriptors = []
    for s, e, phrase, r, tok_i, definite in _title_mentions(doc, text, taken):
        a, allowed = None, None
        for same in (True, False):  # exact role first, then same head noun ('minister')
            ok = (lambda x: x == r) if same else (lambda x: roles_compatible(x, r))
            before = [a for p, a in persons if p < s and any(ok(x) for x in roles_of[a["actor"]] | {a["role"]})]
            after = [a for p, a in persons if p >= e and any(ok(x) for x in roles_of[a["actor"]] | {a["role"]})]
            a = before[-1] if before else (after[0] if after else None)
            if a is not None:
                allowed = {x["actor"] for x in before + after}
                break
        if a is not None or definite and r not in _UNNAMED_ROLES:
            descriptors.append((s, e, tok_i, allowed, a))

    # he/she/him/his/her -> the most salient person before it (``actor_pronouns``, Lappin and Leass)
    from storyscope.stages.actor_pronouns import resolve_pronouns
    from storyscope.stages.quote_marks import find_direct
    spans.sort(key=lambda x: x.start)
    pers = [x for x in spans if x.label == "PERSON"]
    spans.extend(resolve_pronouns(doc, text, pers, tok_sent, [(a, b) for a, b, _g in find_direct(text)], descriptors))
    spans.sort(key=lambda x: (x.start, x.end))
    return spans


@register("actors", "actors.v4", requires=(), adds=("actors",))
def run(batch):
    """The actors stage: one ``actors`` layer per article of the batch (``extract_actors``); the batch's
    texts are parsed first in one ``nlp.pipe`` (``stages.nlp.parse_many``), the same parses, less CPU."""
    parse_many([article.text for article, _layers in batch if parses_text(article.text)])
    return [{"actors": extract_actors(article.text)} for article, _layers in batch]
