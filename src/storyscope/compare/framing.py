"""Framing: the words each outlet uses for one referent ('invaded' vs 'special military operation').

Two sources of candidates:

- the lexicon (lexicon/framing.json, documented in lexicon/README.md): concept families of
  loaded and neutral terms with regex patterns. Occurrences of one concept are tied to a
  referent by the places named in the same sentence (Russia/Russian, Ukraine): occurrences
  sharing a place are one referent; a place-less occurrence joins its article's own group of
  that concept when there is exactly one (e.g. 'the proxy war' after 'NATO's proxy war in Ukraine'),
  else the story's group when the story has exactly one. Outlet names are never places.
- the data: sentences of different articles that align semantically (cosine >= align_cos)
  and differ in exactly one short content slot give that slot's two fillers as terms for one
  referent (precision first: one slot, both sides content words, no names or numbers).

Each term records whose voice uses it (``framing_voice.term_voice``): "quoted" when it lies inside a direct
quote (or the marked part of a mixed one, or quotation marks the quotes layer missed), else "outlet".
A hit counts only where it names its referent in the lexicon's sense on the spaCy parse (``framing_events``:
stated, not attempted or general; not a group word modifying another noun; not another domain's sense;
``framing_mood``: not negated, hypothetical, procedural or non-specific).
"""
from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from storyscope.compare.bundle import StoryBundle
from storyscope.compare.framing_confidence import MODEL, term_confidence, term_features
from storyscope.compare.framing_events import (asks, generic_mass, generic_plural, modifies_noun, not_asserted,
                                                other_sense)
from storyscope.compare.framing_mood import mention_kind
from storyscope.compare.framing_voice import term_voice
from storyscope.compare.provenance import sentence_spans, _embed
from storyscope.compare.quote_words import STOP, morph_equal
from storyscope.record import Article
from storyscope.unionfind import UnionFind

LEXICON = Path(__file__).resolve().parent / "lexicon" / "framing.json"


@dataclass(frozen=True)
class FramingSettings:
    """Tuned values of framing (checked by hand on BASIL events and the seeds).

    align_cos: MiniLM cosine at which two sentences of different articles are aligned for the
        data-driven one-slot contrasts;
    conf_voice: confidence of a term by whose voice uses it: the outlet's own words or words
        marked as quoted name the referent; words inside indirect speech are the outlet's
        rendering of someone's (the speaker may have denied the very term);
    conf_tie: confidence of a term by how it was tied to the referent: a place named with it,
        the article's only group of that concept, or the story's only group;
    conf_aligned: confidence of a data-driven contrast (two aligned sentences, one slot apart);
    unnamed_kinds: the kinds of event mention that name no particular act (``framing_mood.mention_kind``)
        whose terms are left out.
    """
    align_cos: float = 0.80
    conf_voice: tuple = (("outlet", 0.95), ("quoted", 0.95), ("reported", 0.5))
    conf_tie: tuple = (("place", 1.0), ("article", 0.85), ("story", 0.75))
    conf_aligned: float = 0.6
    unnamed_kinds: tuple = ("negated", "infinitive", "procedure", "nonspecific", "generic-question")


SETTINGS = FramingSettings()
PLACE_LABELS = {"GPE", "NORP", "LOC"}
DEMONYMS = {
    "russian": "Russia", "russians": "Russia", "ukrainian": "Ukraine", "ukrainians": "Ukraine", "american": "United States",
    "americans": "United States", "us": "United States", "u.s.": "United States", "usa": "United States",
    "america": "United States", "united states": "United States", "pakistani": "Pakistan", "pakistanis": "Pakistan",
    "chinese": "China", "israeli": "Israel", "israelis": "Israel", "palestinian": "Palestine", "palestinians": "Palestine",
    "iranian": "Iran", "syrian": "Syria", "afghan": "Afghanistan", "iraqi": "Iraq", "british": "United Kingdom",
    "uk": "United Kingdom", "britain": "United Kingdom", "french": "France", "german": "Germany", "indian": "India",
    "turkish": "Turkey", "saudi": "Saudi Arabia", "mexican": "Mexico", "venezuelan": "Venezuela",
    "soviet": "Soviet Union", "european": "Europe", "north korean": "North Korea", "south korean": "South Korea",
}
REPORTING = {"said", "says", "stated", "states", "told", "added", "noted", "explained", "informed", "declared",
             "announced", "asserted", "claimed", "reported", "according", "described", "stressed"}


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> dict:
    """concept id -> {"label", "template"?, "event"?, "adjacent_place"?, "not_rx": [compiled], "terms": [{"term",
    "connotation", "rx": [compiled patterns], "not_rx": [compiled excludes], "req_rx": [compiled requires]}]}
    (format: lexicon/README.md)."""
    data = json.loads(Path(path or LEXICON).read_text(encoding="utf-8"))
    out = {}
    for cid, c in data["concepts"].items():
        terms = [{**t, "rx": [re.compile(p) for p in t["patterns"]],
                  "not_rx": [re.compile(p) for p in t.get("excludes", [])],
                  "req_rx": [re.compile(p) for p in t.get("requires", [])]} for t in c["terms"]]
        out[cid] = {**c, "terms": terms, "not_rx": [re.compile(p) for p in c.get("excludes", [])]}
    return out


def _place_key(name: str) -> str:
    n = re.sub(r"(?:'s|\u2019s)$", "", name.strip()).strip()
    n = re.sub(r"^the\s+", "", n, flags=re.I)
    return DEMONYMS.get(n.lower(), n)


def _places(bundle: StoryBundle, art: Article) -> list[tuple[int, int, str]]:
    """Place mentions (start, end, key): actors layer GPE/NORP/LOC, else spaCy entities."""
    # outlet and agency names ("records seen by Northwire") are often tagged as places; they never are one
    outlets = {n.strip().lower() for a in bundle.articles for n in (a.outlet, a.credit, a.byline) if n and n.strip()}
    spans = [s for s in bundle.spans(art.id, "actors") if s.label in PLACE_LABELS]
    if spans:
        found = [(s.start, s.end, _place_key(s.attrs.get("canonical") or art.text[s.start:s.end])) for s in spans]
    else:
        from storyscope.stages.nlp import parse
        found = [(e.start_char, e.end_char, _place_key(e.text)) for e in parse(art.text).ents if e.label_ in PLACE_LABELS]
    return [p for p in found if p[2].lower() not in outlets and "/" not in p[2]]


def names_referent(text: str, start: int, end: int) -> bool:
    """Whether a matched term stands as a name of its own: not a piece of a hyphenated compound
    ("coup-prone country", "war-torn", "anti-war") nor a possessive modifier of another noun."""
    before, after = text[max(0, start - 2):start], text[end:end + 2]
    if after[:1] in "-\u2010\u2011" and after[1:2].isalpha():
        return False
    if before[-1:] in "-\u2010\u2011" and before[:1].isalpha():
        return False
    return True


# between an agent and its term: "Lomar's invasion", "Lomar forces invaded", "the Lomar-led invasion";
# never across a clause or a preposition ("in Lomar and in the invasion of ...")
_AGENT_GAP = re.compile(r"(?i)(?:['\u2019]s)?(?:[\s-]+(?!(?:and|or|but|in|of|on|at|to|from|for|with|by|since|after|before|"
                        r"the|a|an|was|were|is|are|has|had)\b)[\w.]+){0,2}[\s-]+")


_AND = re.compile(r"(?i)\s*(?:,\s*|,?\s+and\s+)(?:the\s+)?")


def _coordinated(text: str, after: list[tuple[int, int, str]], end: int) -> list[str]:
    """The place nearest after a term (within 25 characters) and the places coordinated with it ("in Lomar
    and Veska"); "from Lomar to Veska" gives Lomar only."""
    if not after or after[0][0] - end > 25:
        return []
    out = [after[0]]
    for p in after[1:]:
        if not _AND.fullmatch(text[out[-1][1]:p[0]]):
            break
        out.append(p)
    return [p[2] for p in out]


def _lexicon_hits(bundle: StoryBundle, lexicon: dict) -> list[dict]:
    hits = []
    for art in bundle.articles:
        sents = sentence_spans(bundle, art)
        places = _places(bundle, art)
        for cid, c in lexicon.items():
            for t in c["terms"]:
                for rx in t["rx"]:
                    for m in rx.finditer(art.text):
                        sent = next((x for x in sents if x.start <= m.start() < x.end), None)
                        if sent is None or not names_referent(art.text, m.start(), m.end()) \
                                or c.get("specific") and modifies_noun(art.text, m.start(), m.end()):
                            continue       # debris, or the word is part of another name ("militant websites")
                        if (c.get("event") or c.get("specific")) \
                                and other_sense(art.text, m.start(), m.end(), bool(c.get("state_agent"))):
                            continue       # "economic catastrophe", "a spider invaded his flesh"
                        if any(x.search(sent.text) for x in c["not_rx"] + t["not_rx"]):
                            continue       # the family does not fit this referent (a death from illness)
                        if t["req_rx"] and not any(x.search(sent.text) for x in t["req_rx"]):
                            continue       # "died" names a death caused by others only beside its cause
                        ps = [p for p in places if sent.start <= p[0] < sent.end]
                        if t.get("needs_place") and not ps:
                            continue
                        # the nearest place on each side ("the war on terror from Lomar to Veska" names neither war)
                        before = [p[2] for p in sorted((p for p in ps if p[1] <= m.start()), key=lambda p: -p[1])[:1]
                                  if m.start() - p[1] <= 25 and _AGENT_GAP.fullmatch(art.text[p[1]:m.start()])]
                        after = _coordinated(art.text, [p for p in sorted(ps) if p[0] >= m.end()], m.end())
                        if c.get("adjacent_place"):
                            # "the war in Afghanistan", "Russia's invasion": the place beside the term is the
                            # referent's; a place elsewhere in the sentence may be another war's
                            # (none beside it: tied as a place-less hit, to its article's only referent)
                            inside = [p[2] for p in ps if m.start() <= p[0] < m.end()]   # "the Lomar war"
                            ps = [p for p in ps if p[2] in (inside or after or before)]
                            if t.get("needs_place") and not ps:
                                continue
                        if c.get("event") and not_asserted(art.text, m.start()) or asks(art.text, m.start()):
                            continue       # "grounds for impeachment", "vowed to impeach", "was it a coup?"
                        if c.get("event") and mention_kind(art.text, m.start(), m.end()) in SETTINGS.unnamed_kinds:
                            continue       # "not impeachment", "the power to impeach", "an impeachment fight would help"
                        if c.get("event") and not ps and generic_mass(art.text, m.start(), m.end()):
                            continue       # "military aggression is dangerous": the kind, no event of the story
                        if c.get("specific") and generic_plural(art.text, m.start()):
                            continue       # "out of the hands of terrorists": a kind of people, no group named
                        voice, speaker = term_voice(bundle, art, m.start(), m.end())
                        hits.append({"concept": cid, "term": m.group(0).lower(), "family": t["term"],
                                     "connotation": t.get("connotation"), "article": art, "start": m.start(),
                                     "end": m.end(), "places": {p[2] for p in ps}, "agent": before,
                                     "target": after, "voice": voice, "speaker": speaker,
                                     "art_places": {p[2] for p in places}})
    # one hit per span: the longest pattern wins ('special military operation' over 'military operation')
    hits.sort(key=lambda h: (h["article"].id, h["start"], -(h["end"] - h["start"])))
    out, last = [], {}
    for h in hits:
        k = (h["article"].id, h["concept"])
        prev = last.get(k)
        if prev and h["start"] < prev["end"]:
            continue
        out.append(h)
        last[k] = h
    return out


def _group(hits: list[dict], strict: bool = False) -> list[list[dict]]:
    """Union hits of one concept that share a place; place-less hits join their article's only group, else
    the story's only group (``strict``, for concepts whose referent is its place: only when the hit's article
    names that place, names no place, or two articles place the group)."""
    sets = UnionFind(range(len(hits)))
    placed = [i for i, h in enumerate(hits) if h["places"]]
    for i in placed:
        hits[i]["tie"] = "place"
    for x, i in enumerate(placed):
        for j in placed[x + 1:]:
            if hits[i]["places"] & hits[j]["places"]:
                sets.union(i, j)
    story_roots = {sets.find(j) for j in placed}
    story_places = {p for j in placed for p in hits[j]["places"]}
    story_arts = {hits[j]["article"].id for j in placed}
    loose = [i for i, h in enumerate(hits) if not h["places"]]
    dropped = set()
    for i in loose:
        h = hits[i]
        roots = {sets.find(j) for j in placed if hits[j]["article"].id == h["article"].id}
        h["tie"] = "article" if len(roots) == 1 else "story"
        if len(roots) == 1:
            sets.union(i, roots.pop())
        elif not roots and len(story_roots) == 1 and (not strict or h["art_places"] & story_places
                                                          or not h["art_places"] or len(story_arts) > 1):
            # the article names no place near this concept, but the story has one referent for it, named by
            # two articles, or by this one elsewhere, or this one names no place at all ("an invasion" at a
            # border, in an article naming other places, is not the one of Kuwait another recalls in passing)
            sets.union(i, next(iter(story_roots)))
        elif not story_roots:
            sets.union(i, loose[0])     # nothing placed anywhere: one referent for the story
        else:
            dropped.add(i)              # ambiguous: dropped
    groups: dict[int, list[dict]] = {}
    for i, h in enumerate(hits):
        if i not in dropped:
            groups.setdefault(sets.find(i), []).append(h)
    return list(groups.values())


def _name(c: dict, g: list[dict]) -> str:
    agents = Counter(a for h in g for a in h["agent"])
    targets = Counter(t for h in g for t in h["target"])
    tpl = c.get("template", "")
    if "{agent}" in tpl and agents and targets:
        ag = agents.most_common(1)[0][0]
        tg = next((t for t, _ in targets.most_common() if t != ag), None)
        if tg:
            return tpl.format(agent=ag, target=tg)
    places = Counter(p for h in g for p in sorted(h["places"]))   # sorted: a set's order varies by process
    where = ", ".join(p for p, _ in places.most_common(3))
    return f"{c['label']} ({where})" if where else c["label"]


def _voice_fields(voice: str) -> dict:
    """Dossier fields of a voice: indirect speech is the outlet's wording ("outlet"), marked as
    ``reported_speech`` (its confidence is lower: the speaker may have rejected the very term)."""
    return {"voice": "outlet", "reported_speech": True} if voice == "reported" else {"voice": voice}


def _row(h: dict) -> dict:
    art = h["article"]
    conf = dict(SETTINGS.conf_voice).get(h["voice"], 0.5) * dict(SETTINGS.conf_tie).get(h.get("tie"), 1.0)
    r = {"term": h["term"], "family": h.get("family", h["term"]), **_voice_fields(h["voice"]),
         "confidence": round(conf, 3), "tie": h.get("tie", ""), "evidence": [art.evidence(h["start"], h["end"])]}
    if h.get("speaker"):
        r["speaker"] = h["speaker"]
    if h.get("connotation"):
        r["connotation"] = h["connotation"]
    return r


def _aligned_slots(bundle: StoryBundle) -> list[dict]:
    """Data-driven: aligned sentence pairs that differ in exactly one short content slot."""
    arts = bundle.articles
    sents = {a.id: [s for s in sentence_spans(bundle, a) if len(s.text.split()) >= 6] for a in arts}
    flat = [s.text for a in arts for s in sents[a.id]]
    if not flat or len(arts) < 2:
        return []       # pairs of sentences of different articles only
    vec, k, emb = _embed(flat), 0, {}
    for a in arts:
        emb[a.id] = vec[k:k + len(sents[a.id])]
        k += len(sents[a.id])
    found = []
    for x in range(len(arts)):
        for y in range(x + 1, len(arts)):
            a, b = arts[x], arts[y]
            if not len(emb[a.id]) or not len(emb[b.id]):
                continue
            sim = emb[a.id] @ emb[b.id].T
            for i, j in zip(*((sim >= SETTINGS.align_cos).nonzero())):
                sa, sb = sents[a.id][i], sents[b.id][j]
                ta = [(m.start() + sa.start, m.end() + sa.start, m.group(0)) for m in re.finditer(WORD, sa.text)]
                tb = [(m.start() + sb.start, m.end() + sb.start, m.group(0)) for m in re.finditer(WORD, sb.text)]
                ops = difflib.SequenceMatcher(a=[t[2].lower() for t in ta], b=[t[2].lower() for t in tb],
                                              autojunk=False).get_opcodes()
                diff = [o for o in ops if o[0] != "equal"]
                if len(diff) != 1 or diff[0][0] != "replace":
                    continue
                _, i1, i2, j1, j2 = diff[0]
                wa, wb = [t[2] for t in ta[i1:i2]], [t[2] for t in tb[j1:j2]]
                if not (1 <= len(wa) <= 3 and 1 <= len(wb) <= 3):
                    continue
                if any(w[0].isupper() or any(c.isdigit() for c in w) or w.lower() in REPORTING for w in wa + wb):
                    continue
                if not any(w.lower() not in STOP for w in wa) or not any(w.lower() not in STOP for w in wb):
                    continue
                if not names_something(wa) or not names_something(wb) or _letters(wa) == _letters(wb):
                    continue       # "can't" / "can\u2019t", "state funded" / "state-funded": one wording
                na, nb = ([w.lower().replace("\u2019", "'") for w in ws] for ws in (wa, wb))
                if len(na) == len(nb) and all(morph_equal(p, q) for p, q in zip(na, nb)):
                    continue       # one word written two ways (he's / he\u2019s, country / countries)
                found.append((float(sim[i, j]), a, (ta[i1][0], ta[i2 - 1][1]), b, (tb[j1][0], tb[j2 - 1][1])))
    rows = []
    for sc, a, (s1, e1), b, (s2, e2) in sorted(found, key=lambda f: -f[0])[:10]:
        ta, tb = a.text[s1:e1].lower(), b.text[s2:e2].lower()
        terms = {}
        for art, s, e, t in ((a, s1, e1, ta), (b, s2, e2, tb)):
            voice, speaker = term_voice(bundle, art, s, e)
            r = {"term": t, "family": t, **_voice_fields(voice), "confidence": SETTINGS.conf_aligned,
                 "tie": "aligned", "evidence": [art.evidence(s, e)]}
            if speaker:
                r["speaker"] = speaker
            terms.setdefault(art.id, []).append(r)
        rows.append({"concept": f"{ta} / {tb}", "source": "aligned", "similarity": round(sc, 3),
                     "confidence": SETTINGS.conf_aligned, "terms": terms})
    return rows


WORD = r"[\w'\u2019-]+"
_CLITIC = re.compile(r"(?i)(?:n['\u2019]t|['\u2019](?:s|re|ll|ve|d|m))$")


def _letters(words: list[str]) -> str:
    """The letters of a slot, lower-cased: spellings that differ only in hyphens, spaces or apostrophes agree."""
    return re.sub(r"[^a-z0-9]", "", " ".join(words).lower())


def names_something(words: list[str]) -> bool:
    """Whether a one-slot filler can name a referent: no contraction ("can't", "he's", "you'll"): those
    are function words however they are spelled."""
    return not any(_CLITIC.search(w) for w in words)


def _entry_confidence(terms: dict[str, list[dict]]) -> float:
    """A contrast needs two terms: the confidence of the second most certain article's best term
    (the only article's best when one article holds two families)."""
    best = sorted((max(t["confidence"] for t in ts) for ts in terms.values()), reverse=True)
    return best[1] if len(best) > 1 else best[0]


def find_framing(bundle: StoryBundle, lexicon_path: str | None = None, aligned: bool = True,
                 learned: bool = True) -> list[dict]:
    """[{"concept", "source": "lexicon"|"aligned", "confidence", "terms": {article_id: [{"term", "voice",
    "confidence", "evidence", ...}]}}]; voice is "outlet" or "quoted";
    confidence in [0, 1] (with ``learned``, each term's is the learned P(correct) of
    ``framing_confidence``, when its model file exists; a term's ``tie`` says how it was tied to the
    referent: "place", "article", "story" or "aligned"); a term inside indirect speech has ``reported_speech``. A term counts only
    where it names the referent (:func:`names_referent`) and its family fits it (the lexicon's
    ``excludes``).

    Lexicon concepts are kept when used by at least two articles or with at least two
    different term families (a contrast is what framing is about).
    """
    lex = load_lexicon(lexicon_path)
    hits = _lexicon_hits(bundle, lex)
    out = []
    for cid, c in lex.items():
        for g in _group([h for h in hits if h["concept"] == cid], strict=bool(c.get("adjacent_place"))):
            arts = {h["article"].id for h in g}
            fams = {h["family"] for h in g}
            if len(arts) < 2 and len(fams) < 2:
                continue
            terms: dict[str, list[dict]] = {}
            for h in sorted(g, key=lambda h: (h["article"].id, h["start"])):
                terms.setdefault(h["article"].id, []).append(_row(h))
            out.append({"concept": _name(c, g), "concept_id": cid, "source": "lexicon",
                        "families": sorted(fams), "confidence": _entry_confidence(terms), "terms": terms})
    out.sort(key=lambda r: -len(r["terms"]))
    if aligned:
        out += _aligned_slots(bundle)
    if learned and MODEL.exists():
        for row in out:     # the learned confidence (framing_confidence) replaces the hand-set one
            for ts in row["terms"].values():
                for t in ts:
                    t["confidence"] = term_confidence(term_features(row, t))
            row["confidence"] = _entry_confidence(row["terms"])
    return out
