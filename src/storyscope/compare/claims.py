"""Claims: each article's factual statements as short attributed propositions, merged across a story.

A claim is one body sentence (per speaker), trimmed of its attribution ("X said that ..."), with
who asserts it (a speaker, or the outlet's own voice), its polarity, numbers, dates and entities.
Claims are parsed once here so disputes, omissions and the timeline share the same analysis.
Only whole propositions become claims (``is_proposition``: a subject and a finite verb; no question,
command, headline, caption or related-link line). The parse readers are in ``claim_parse``; merging the
same claim across articles is ``claim_align``.
"""
from __future__ import annotations

import re

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.claim_display import display_text
from storyscope.compare.claim_parse import (
    DENY_PHRASES, DENY_VERBS, NEG_WORDS, REPORT_VERBS, _causes, _clauses, _content_lemmas, _dates, _denials,
    _doc_tokens, _entities, _numbers, _speaker_of, _subtree, _tok_span, is_proposition, norm_entity, predicates)
from storyscope.outlets import display_name
from storyscope.stages.speakers import PRONOUNS


# ----------------------------------------------------------------------------- sentences

def sentence_spans(bundle: StoryBundle, aid: str, include_headlines: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, role) of an article's prose sentences, in characters of its text; role "headline" or "body".

    Sentences come from ``StoryBundle.sentences`` (the ``sentences`` layer); headlines are left out
    unless ``include_headlines``, and so are sentences mostly inside a debris span or under four words.
    """
    text = bundle.article(aid).text
    debris = [(s.start, s.end) for s in bundle.spans(aid, "debris")]
    out = [(s.start, s.end, (s.attrs or {}).get("role", "body")) for s in bundle.sentences(aid)]
    res = []
    for s0, s1, role in out:
        if role in ("dateline", "byline") or (role == "headline" and not include_headlines):
            continue
        if any(min(s1, d1) - max(s0, d0) > 0.5 * (s1 - s0) for d0, d1 in debris):
            continue
        if len(text[s0:s1].split()) < 4:
            continue
        res.append((s0, s1, role))
    return res


def analyse_sentence(bundle: StoryBundle, aid: str, s0: int, s1: int, last_person: str | None = None) -> list[dict]:
    """Claim dicts (usually one; none for a sentence without tokens) for the sentence ``text[s0:s1]`` of
    article ``aid`` (character offsets): the claim text without its attribution, speaker (``last_person``
    resolves a pronoun), polarity, denials, numbers, dates, entities, lemmas, clauses, causes, places and
    whether it is a proposition. Parses the article once (``stages.nlp.parse``, cached)."""
    art = bundle.article(aid)
    doc, toks = _doc_tokens(art.text, s0, s1)
    if not toks:
        return []
    allowed = {t.i for t in toks}
    roots = [t for t in toks if t.head.i not in allowed or t.dep_ == "ROOT"]
    root = roots[0] if roots else toks[0]
    speaker_toks, content_toks, cue, clausal = [], toks, None, []
    deny_target = None

    def attribution(verb):
        nonlocal speaker_toks, content_toks, cue, clausal
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i in allowed]
        comp = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp", "dobj", "parataxis") and c.i in allowed]
        if not subj or not comp:
            return False
        speaker_toks = _subtree(subj[0], allowed)
        body = []
        for c in comp:
            body += _subtree(c, allowed)
        content_toks = sorted(body, key=lambda x: x.i)
        clausal = sorted((x for c in comp if c.dep_ != "dobj" for x in _subtree(c, allowed)), key=lambda x: x.i)
        cue = verb
        return True

    found = False
    for verb in [root] + [t for t in toks if t.dep_ in ("ccomp", "conj", "advcl") and t.head == root]:
        if verb.lemma_.lower() in REPORT_VERBS and attribution(verb):
            found = True
            break
    if not found:  # "according to X"
        for t in toks:
            if t.lower_ == "according" and t.i + 1 in allowed and doc[t.i + 1].lower_ == "to":
                pobj = [c for c in doc[t.i + 1].children if c.dep_ == "pobj"]
                if pobj:
                    speaker_toks = _subtree(pobj[0], allowed)
                    drop = {t.i, t.i + 1} | {x.i for x in speaker_toks}
                    content_toks = [x for x in toks if x.i not in drop]
                    break
    # a denial verb whose object is someone's claim: "rejected Khan's claim that ..."
    if cue is not None and cue.lemma_.lower() in DENY_VERBS:
        for c in content_toks:
            if c.lemma_.lower() in ("claim", "allegation", "accusation", "report", "charge", "assertion", "suggestion") \
                    and c.head == cue:
                poss = [p for p in c.children if p.dep_ == "poss"]
                if poss:
                    deny_target = " ".join(x.text for x in poss[0].subtree if x.dep_ != "case")
                sub = [x for k in c.children if k.dep_ in ("acl", "ccomp", "relcl", "prep") for x in k.subtree]
                if sub:
                    content_toks = sorted(sub, key=lambda x: x.i)
                clausal = []
                break
    speaker = _speaker_of(bundle, aid, speaker_toks, s0, s1, last_person) if speaker_toks else None
    ctext_toks = [t for t in content_toks if not (t.dep_ == "mark" and t.i == content_toks[0].i)]
    if len([t for t in ctext_toks if not t.is_punct]) < 3:
        ctext_toks, speaker, cue, clausal = toks, None, None, []
    c0, c1 = _tok_span(ctext_toks)
    text = art.text[c0:c1].strip(" ,;:\"'“”‘’") or art.text[s0:s1]
    sent_text = art.text[s0:s1]
    display = display_text(bundle, aid, text, ctext_toks, speaker, speaker_toks, cue, clausal)
    neg = [t for t in ctext_toks if (t.dep_ == "neg" or t.lower_ in NEG_WORDS)
           and not (t.i + 1 < len(doc) and doc[t.i + 1].text in ("-", "–"))]
    denials = _denials(toks, allowed)
    denial = denials[0]["cue"] if denials else None
    m = DENY_PHRASES.search(sent_text)
    if denial is None and m and not re.match(r"(?i)rebut|refut|den|reject|dismiss", m.group(0)):
        denial = m.group(0)
    if cue is not None and any(c.dep_ == "neg" for c in cue.children):  # "did not say that ..."
        neg = neg + [c for c in cue.children if c.dep_ == "neg"]
    dates = _dates(bundle, aid, doc, s0, s1)
    return [{
        "article_id": aid,
        "text": text,
        "display": display,
        "sentence_display": display_text(bundle, aid, sent_text.strip(), toks),
        "sentence": sent_text,
        "start": s0, "end": s1,
        "speaker": speaker,
        "deny_target": deny_target,
        "cue": cue.lemma_.lower() if cue is not None else None,
        "polarity": "negative" if neg else "positive",
        "negations": [t.lower_ for t in neg],
        "denial": denial,
        "numbers": _numbers(toks, dates),
        "dates": dates,
        "entities": _entities(bundle, aid, doc, s0, s1),
        "lemmas": _content_lemmas(ctext_toks),
        "clauses": _clauses(ctext_toks, {t.i for t in ctext_toks}),
        "proposition": is_proposition(toks, sent_text),
        "denials": denials,
        "words": sorted({t.lemma_.lower() for t in toks if t.is_alpha} | {t.lower_ for t in toks if t.is_alpha}),
        "causes": _causes(toks, allowed),
        "sentence_lemmas": _content_lemmas(toks),
        "predicates": predicates(toks),
        "places": [norm_entity(e.text) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")
                   and s0 <= e.start_char < s1 and e.start > 0 and doc[e.start - 1].lower_ in ("in", "at", "near")],
    }]


def analyse_text(text: str) -> dict:
    """Claim analysis of a free-standing statement (for ``contradicts`` and tests)."""
    from storyscope.record import Article
    art = Article(id="text", text=text)
    out = analyse_sentence(StoryBundle([art]), art.id, 0, len(text))
    c = out[0] if out else {}
    if c:
        c["stance"] = "denies" if c["denial"] else "asserts"
        c["attributed_to"] = c["speaker"] or "text"
        c["id"] = "text"
    return c


QUOTED_SHARE = 0.8


def quote_speaker(bundle: StoryBundle, art, s0: int, s1: int) -> str | None:
    """The speaker of a direct quote that holds the sentence [s0, s1) (at least ``QUOTED_SHARE`` of its
    letters inside the quote span, or half when the quote's speaker is named in the sentence): a sentence of
    a quote whose attribution is elsewhere ("... he told reporters. \"We will rebuild.\"") is the speaker's,
    not the outlet's. None when no such quote, or its speaker is unknown or a pronoun."""
    letters = sum(ch.isalnum() for ch in art.text[s0:s1])
    for q in bundle.spans(art.id, "quotes"):
        if q.label not in (None, "direct") or q.end <= s0 or q.start >= s1:
            continue
        inside = sum(ch.isalnum() for ch in art.text[max(s0, q.start):min(s1, q.end)])
        at = q.attrs or {}
        who = at.get("speaker_canonical") or at.get("speaker_text")
        # the quote is most of the sentence, or half of it with its speaker named in the rest ('..." Hruvik told X.')
        named_here = bool(at.get("speaker")) and s0 <= at["speaker"][0] < s1
        share = QUOTED_SHARE if not named_here else 0.5
        if letters and inside >= share * letters and who and who.lower() not in PRONOUNS:
            return who
    return None


def extract_claims(bundle: StoryBundle, include_headlines: bool = False) -> list[dict]:
    """Per-article claims: {"id", "article_id", "text", "attributed_to", "polarity", "numbers", "dates", "evidence", ...}."""
    claims = []
    for art in bundle.articles:
        outlet = display_name(art)     # the name every shell shows ("unknown outlet (<id>)" when none)
        last_person = None
        n = 0
        for s0, s1, role in sentence_spans(bundle, art.id, include_headlines):
            for c in analyse_sentence(bundle, art.id, s0, s1, last_person):
                if not c["proposition"]:
                    continue
                n += 1
                c["id"] = f"{art.id}:c{n}"
                quoted = None if c["speaker"] else quote_speaker(bundle, art, s0, s1)
                c["attributed_to"] = c["speaker"] or quoted or outlet
                c["own_voice"] = c["speaker"] is None and quoted is None
                c["stance"] = "denies" if c["denial"] else "asserts"
                c["headline"] = role == "headline"
                c["evidence"] = [art.evidence(s0, s1)]
                claims.append(c)
                if c["speaker"]:
                    last_person = c["speaker"]
            doc, toks = _doc_tokens(art.text, s0, s1)
            subj = [t for t in toks if t.dep_ == "nsubj" and t.ent_type_ == "PERSON"]
            if subj:
                ent = next((e for e in doc.ents if e.start <= subj[0].i < e.end), None)
                last_person = ent.text if ent is not None else subj[0].text
    return claims
