"""Quotes: direct, indirect and mixed speech, with cue, speaker and the speaker's actor.

``QuoteExtractor`` is a component in spaCy's style: configured once, called per article with the
article's layers. Direct quotes come from a linear scan of quotation marks (``quote_marks``). Indirect
speech comes from the dependency parse: a cue verb with a clausal complement ('X said that ...',
'X denied that ...'), 'according to X', and, for strong cues, an object or prepositional content
('X denied the report', 'X called for talks'); which verbs are cues is decided by a small learned
classifier (``quote_cues``). A clause interrupted by its cue ('Prices, he said, will rise') is one span;
'Name: words' lines (headlines, transcripts) and press-release attributions ('"..." —Name, title';
a lead-in line 'And from council leader Oren Platt:' before a quote paragraph) are attributions. A
reported clause that contains quoted words is 'mixed'. Speakers are resolved by ``speakers``.

The ``sentences`` layer is the sentence source; debris lines (datelines, bylines, credits, navigation
such as '» Read more') hold no quote, cue or speaker.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from storyscope.record import Span
from storyscope.stages.nlp import parse
from storyscope.stages.quote_cues import (  # noqa: F401 - MODEL_DIR, cue_features re-exported for training
    MODEL_DIR, OBJ_POS, SPEECH_VERBS, _CONTENT_DEPS, _learned_cues, CUE_THRESHOLD, cue_features, cue_prob,
    cue_span, is_cue_lemma, relative_subject, speaker_of, subtree_span, trim)
from storyscope.stages.quote_marks import (  # noqa: F401 - find_direct re-exported
    DOUBLE_AMBIG, DOUBLE_CLOSE, DOUBLE_OPEN, SINGLE_AMBIG, SINGLE_CLOSE, SINGLE_OPEN, find_direct)
from storyscope.stages.registry import register
from storyscope.stages.speakers import NO_SPEAKER, SpeakerResolver

# a line opening with one to four capitalised words (or Q/A) and a colon: 'Ann Roe: We will win.'
_COLON_LINE = re.compile(r"(?m)^[ \t]*((?:[A-Z][\w.’'-]*)(?: [A-Z][\w.’'-]*){0,3}):[ \t]+(\S[^\n]*)$")
_COLON_STOP = {"update", "updated", "editor", "editor's", "editor’s", "note", "watch", "read", "related", "source",
               "sources", "photo", "video", "see", "also", "correction", "disclosure", "via", "image", "credit",
               "listen", "subscribe", "follow", "click", "share", "tags", "posted", "by", "filed", "the", "this",
               "here", "washington", "note", "warning", "transcript", "poll", "polls", "report", "exclusive",
               "published", "date", "last", "more", "pictured", "caption", "top", "breaking", "live"}
ADDRESSEES = ("PERSON", "ORG", "GPE", "NORP")  # entity types of an addressee object ('told CNN')
# a press-release attribution after a closing mark: '"..." —Hospital director Ines Karv'
_DASH_ATTRIBUTION = re.compile(r"[ \t]*(?:—|–|--|-)[ \t]*([A-Z][^\n—–]{1,120})$")


@dataclass
class _Article:
    """Per-article state the component's methods share."""
    text: str
    doc: object
    direct: list[tuple[int, int, int]]
    sents: list[tuple[int, int]]
    blocked: list[tuple[int, int]]
    speakers: SpeakerResolver
    d_starts: list[int] = field(default_factory=list)
    tok_starts: list[int] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)

    def __post_init__(self):
        self.d_starts = [a - 1 for a, _, _ in self.direct]
        self.tok_starts = [t.idx for t in self.doc]
        self.sent_starts = [s for s, _ in self.sents]

    def tok_at(self, ch: int):
        return self.doc[max(bisect.bisect_right(self.tok_starts, ch) - 1, 0)]

    def in_direct(self, ch: int) -> int | None:
        """Index of the direct quote whose marks enclose ``ch``, or None."""
        j = bisect.bisect_right(self.d_starts, ch) - 1
        if j >= 0 and self.direct[j][0] - 1 <= ch <= self.direct[j][1]:
            return j
        return None

    def in_debris(self, ch: int) -> bool:
        j = bisect.bisect_right(self.blocked, (ch, float("inf"))) - 1
        return j >= 0 and self.blocked[j][0] <= ch < self.blocked[j][1]

    def subject_outside_quotes(self, s: int, e: int) -> bool:
        """Is a token of [s, e) a clause's subject, outside direct quotes?"""
        return self.in_direct(s) is None and any(t.dep_ in ("nsubj", "nsubjpass") for t in self.tokens(s, e))

    def sentence_index(self, ch: int) -> int:
        return max(bisect.bisect_right(self.sent_starts, ch) - 1, 0)

    def tokens(self, lo: int, hi: int):
        """Tokens from the one at character ``lo`` to the one at ``hi - 1``."""
        return self.doc[self.tok_at(lo).i: self.tok_at(max(hi - 1, lo)).i + 1]


class QuoteExtractor:
    """Quote spans of one article: ``QuoteExtractor()(text, actors, sentences, debris)``.

    Config (defaults tuned on PolNeAR train): ``cue_p`` P(cue) for any verb, ``cue_p_lex`` for a
    built-in speech verb, ``cue_p_obj`` for a cue that may take object or prepositional content."""

    CONTENT_PREPS = {"for", "of", "about", "against", "on", "to", "into", "at"}

    def __init__(self, cue_p: float = 0.5, cue_p_lex: float = 0.3, cue_p_obj: float = 0.4,
                 mixed_ratio: float = 1.1, colon_lines: bool = True, obj_lexicon_p: float = 0.0,
                 addressee_objects: bool = False):
        self.cue_p, self.cue_p_lex, self.cue_p_obj = cue_p, cue_p_lex, cue_p_obj
        self.mixed_ratio, self.colon_lines = mixed_ratio, colon_lines
        self.obj_lexicon_p, self.addressee_objects = obj_lexicon_p, addressee_objects

    def __call__(self, text: str, actors: list[Span] | None = None, sentences: list[tuple[int, int]] | None = None,
                 debris: list[Span] | None = None) -> list[Span]:
        if not text or sum(c.isalpha() for c in text[:20000]) < 2:
            return []
        direct = find_direct(text)
        if _degenerate(text):
            # mostly quotation marks: the parser would be slow and meaningless; keep the scan's
            # quotes of some length, unattributed
            return [Span(a, b, "direct", dict(NO_SPEAKER, cue=None)) for a, b, _ in direct
                    if len(text[a:b].split()) >= 4]
        if debris is None or sentences is None:
            from storyscope.ingest.detect import detect_furniture
            from storyscope.stages.sentences import sentence_spans
            f = detect_furniture(text)
            debris = f.debris if debris is None else debris
            if sentences is None:
                sentences = [(s.start, s.end) for s in sentence_spans(text, debris, f.title_span)]
        if actors is None:
            from storyscope.stages.actors import extract_actors
            actors = extract_actors(text)
        blocked = sorted((d.start, d.end) for d in debris)
        direct = [d for d in direct if not _inside(blocked, d[0])]
        art = _Article(text, parse(text), direct, sorted(sentences), blocked, SpeakerResolver(text, actors))
        out: list[Span] = []
        used_direct: dict[int, tuple[int, dict]] = {}
        for tok in art.doc:
            if art.in_debris(tok.idx):
                continue
            q = self._according_to(art, tok) if tok.lower_ == "according" else self._verb_cue(art, tok, used_direct)
            if q is not None:
                out.append(q)
        if self.colon_lines:
            out.extend(self._colon_lines(art))
        out.extend(self._lead_in_paragraphs(art))
        out.extend(self._direct_quotes(art, used_direct, out))
        out.sort(key=lambda s: (s.start, s.end))
        art.speakers.carry_pronouns(out, art.subject_outside_quotes)
        seen, res = set(), []
        for s in out:
            if (s.start, s.end, s.label) not in seen:
                seen.add((s.start, s.end, s.label))
                res.append(s)
        return res

    # ------------------------------------------------------------ indirect speech

    def _according_to(self, art: _Article, tok) -> Span | None:
        """'Prices rose, according to the ministry': the clause the phrase modifies."""
        doc = art.doc
        if tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            return None
        to = doc[tok.i + 1]
        src = next((c for c in to.children if c.dep_ == "pobj"), None)
        head = tok.head if tok.head.i != tok.i else None
        if src is None or head is None:
            return None
        cs, ce = subtree_span(head, art.text, {t.i for t in tok.subtree})
        if ce - cs < 3 or art.in_direct(tok.idx) is not None:
            return None
        attrs = art.speakers.attrs(src)
        attrs["cue"] = [tok.idx, to.idx + 2]
        return self._make(art, cs, ce, attrs)

    def _cue_strength(self, tok, kids) -> tuple[bool, bool]:
        """(is a cue, may take object/prepositional content) from the learned model, else the lexicon."""
        lemma = tok.lemma_.lower()
        p = cue_prob(tok, False, kids)
        if p is None:
            is_cue = is_cue_lemma(lemma)
            return is_cue, is_cue and _learned_cues().get(lemma, 0) >= CUE_THRESHOLD
        return p >= self.cue_p or is_cue_lemma(lemma) and p >= self.cue_p_lex, p >= self.cue_p_obj

    def _content_of(self, tok, kids, strong: bool):
        """The content's head token for a cue verb: (token, preposition or None, is the head clause)."""
        comp = [c for c in kids if c.dep_ in ("ccomp", "xcomp") and c.i > tok.i or c.dep_ == "ccomp"]
        if comp:
            return comp[0], None, False
        lemma = tok.lemma_.lower()
        if strong and (lemma in SPEECH_VERBS or _learned_cues().get(lemma, 0) >= self.obj_lexicon_p):
            # 'X denied the report', 'X slammed the plan': the object is what is attributed; not an
            # addressee ('telling CNN') nor the object of a deed ('signed a revised version of the act')
            obj = [c for c in kids if c.dep_ == "dobj" and c.pos_ in OBJ_POS and c.lower_ not in ("it", "that")
                   and not (self.addressee_objects and (c.pos_ == "PRON" or c.ent_type_ in ADDRESSEES))]
            if obj:
                return obj[0], None, False
            if speaker_of(tok) is not None:
                # 'X called for talks', 'X warned against a deal': the preposition's object
                for c in kids:
                    if c.dep_ == "prep" and c.i > tok.i and c.lower_ in self.CONTENT_PREPS:
                        o = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                        if o is not None and o.ent_type_ not in ("DATE", "TIME", "CARDINAL", "QUANTITY"):
                            return o, c, False
        if tok.dep_ in ("ccomp", "parataxis") and tok.head.pos_ in ("VERB", "AUX") and speaker_of(tok) is not None:
            # 'Prices rose, a source said.', 'Prices, he said, will rise': the clause the cue hangs from
            return tok.head, None, True
        return None, None, False

    def _content_span(self, art: _Article, tok, c, head_clause: bool) -> tuple[int, int]:
        if head_clause:
            while c.dep_ == "conj" and c.head.i < c.i:
                c = c.head
            cs, ce = subtree_span(c, art.text, {t.i for t in tok.subtree})
        else:
            cs, ce = subtree_span(c, art.text)
        if c.dep_ == "xcomp":
            # 'urged supporters to vote': the object belongs to the content
            obj = next((x for x in tok.children if x.dep_ == "dobj" and tok.i < x.i < c.i), None)
            if obj is not None:
                cs = min(cs, subtree_span(obj, art.text)[0])
        if c.dep_ == "dobj":
            # 'called the plan "absurd"', 'described X as Y': the object with its predicate
            for x in tok.children:
                if x.i > c.i and (x.dep_ in ("oprd", "xcomp", "ccomp") or x.dep_ == "prep" and x.lower_ == "as"):
                    ce = max(ce, subtree_span(x, art.text)[1])
        return cs, ce

    def _verb_cue(self, art: _Article, tok, used_direct: dict) -> Span | None:
        """An indirect or mixed quote cued by ``tok``; a cue whose content is one direct quote is noted
        in ``used_direct`` (the nearest cue verb wins) instead."""
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("aux", "auxpass") or art.in_direct(tok.idx) is not None:
            return None
        kids = list(tok.children)
        if tok.dep_ not in ("ccomp", "parataxis") and not any(c.dep_ in _CONTENT_DEPS for c in kids):
            return None  # nothing it could attribute: skip the classifier
        is_cue, strong = self._cue_strength(tok, kids)
        if not is_cue:
            return None
        c, prep, head_clause = self._content_of(tok, kids, strong)
        if c is None:
            return None
        cs, ce = self._content_span(art, tok, c, head_clause)
        text = art.text
        if ce - cs < 3 or art.in_debris(cs):
            return None
        if text[max(cs - 2, 0):cs].strip() in tuple(DOUBLE_OPEN + DOUBLE_AMBIG) and art.in_direct(cs) is None:
            return None  # opens with a mark that never closes: broken text, like the direct scan
        attrs = self._speaker_attrs(art, tok)
        attrs["cue"] = list(cue_span(tok))
        if prep is not None:
            attrs["cue"][1] = max(attrs["cue"][1], prep.idx + len(prep.text))
        qs = {art.in_direct(cs), art.in_direct(ce - 1)} - {None}
        if qs:  # a complement that is (mostly) one direct quote: that quote's cue
            j = min(qs)
            a, b, _g = art.direct[j]
            if a - 2 <= cs and ce <= b + 2 or (cs < a and (b - a) >= self.mixed_ratio * (ce - cs)):
                d = abs(tok.idx - a)
                if j not in used_direct or d < used_direct[j][0]:
                    used_direct[j] = (d, attrs)
                return None
        return self._make(art, cs, ce, attrs)

    def _colon_lines(self, art: _Article) -> list[Span]:
        """'Name: words' at a line's start (headlines, interview transcripts)."""
        out = []
        for m in _COLON_LINE.finditer(art.text):
            who = m.group(1)
            if who.split()[0].lower() in _COLON_STOP or art.in_direct(m.start(1)) is not None \
                    or art.in_debris(m.start(1)) or _looks_like_date(who):
                continue
            cs, ce = trim(art.text, m.start(2), m.end(2))
            if len(art.text[cs:ce].split()) < 2:
                continue
            out.append(self._make(art, cs, ce, self._named(art, m.start(1), m.end(1), [m.end(1), m.end(1) + 1])))
        return out

    def _lead_in_paragraphs(self, art: _Article) -> list[Span]:
        """A paragraph without quotation marks after a lead-in line ending in ':' whose cue has a
        speaker ('And Trump lashed out on Twitter, saying:' + the tweet): the paragraph is the content."""
        out = []
        text = art.text
        for m in re.finditer(r"(?m)^[^\n]*:[ \t]*\n+[ \t]*([^\n]+)", text):
            cs, ce = trim(text, m.start(1), m.end(1))
            colon = text.rindex(":", m.start(), m.start(1))
            if art.in_debris(cs) or art.in_debris(m.start()) or ce - cs < 3 or any(
                    c in text[cs:ce] for c in DOUBLE_OPEN + DOUBLE_CLOSE + DOUBLE_AMBIG):
                continue
            cue = next((t for t in art.tokens(m.start(), colon) if t.pos_ == "VERB"
                        and t.lemma_.lower() in SPEECH_VERBS and speaker_of(t) is not None), None)
            if cue is not None:
                attrs = self._speaker_attrs(art, cue)
                attrs["cue"] = list(cue_span(cue))
                out.append(self._make(art, cs, ce, attrs))
        return out

    @staticmethod
    def _speaker_attrs(art: _Article, verb, sp=False) -> dict:
        """Speaker attrs of a cue verb (``sp``: its source token when already known). 'The senator, who
        said ...' has the senator as speaker and the relative pronoun as ``source``, the attribution's
        own source mention."""
        attrs = art.speakers.attrs(speaker_of(verb) if sp is False else sp)
        rel = relative_subject(verb)
        if rel is not None and attrs.get("speaker"):
            attrs["source"] = [rel.idx, rel.idx + len(rel.text)]
        return attrs

    @staticmethod
    def _named(art: _Article, s: int, e: int, cue) -> dict:
        """Speaker attrs for a name given by position only (no parse relation)."""
        a = art.speakers.actor_for(s, e)
        return {"speaker": [s, e], "speaker_text": art.text[s:e], "cue": cue,
                "speaker_actor": a.attrs.get("actor") if a else None,
                "speaker_canonical": a.attrs.get("canonical") if a else None}

    # ------------------------------------------------------------ direct quotes

    def _direct_quotes(self, art: _Article, used_direct: dict, indirect: list[Span]) -> list[Span]:
        """Direct quotes with the nearest cue outside quotes in their sentence, else a neighbour's; a quote
        right after another by the same speaker continues it; one multi-paragraph quote, one speaker."""
        text = art.text
        found: list[dict | None] = []
        group_attrs: dict[int, dict] = {}
        for j, (a, b, g) in enumerate(art.direct):
            attrs = used_direct[j][1] if j in used_direct else None
            if attrs is None and g not in group_attrs:
                attrs = self._find_cue_near(art, a, b)
            found.append(attrs)
            if attrs is not None:
                group_attrs.setdefault(g, attrs)
        out: list[Span] = []
        prev_attrs, prev_end = None, -1
        for j, (a, b, g) in enumerate(art.direct):
            attrs = found[j] or group_attrs.get(g)
            if attrs is None and prev_attrs is not None and text.count("\n", prev_end, a) <= 2 \
                    and a - prev_end < 400 and not self._names_own_source(art, prev_end, a, prev_attrs.get("cue")):
                attrs = dict(prev_attrs)  # a quote continuing the previous speaker's
            if attrs is None and g not in group_attrs:
                attrs = self._cue_after(art, b, next_paragraph=True)
            if (attrs is None or attrs.get("speaker") is None) and len(text[a:b].split()) < 4 \
                    or self._describes_source(art, a):
                continue  # a scare-quoted phrase ('so-called "reform"'), a nickname in the attribution
            if attrs is None:
                attrs = dict(NO_SPEAKER, cue=None)
            prev_attrs, prev_end = attrs, b
            # quoted words inside a reported clause already emitted: part of a mixed quote
            if any(s.label in ("indirect", "mixed") and s.start <= a and b <= s.end
                   and not text[s.attrs["cue"][0]:s.attrs["cue"][1]].lower().startswith("according")
                   for s in indirect[-50:]):
                continue
            out.append(Span(a, b, "direct", dict(attrs)))
        return out

    @staticmethod
    def _describes_source(art: _Article, a: int) -> bool:
        """Is the quote part of a cue's source phrase ('said a man who goes by the name "Tinker."')?"""
        tok, hops = art.tok_at(a), 0
        while tok.head.i != tok.i and hops < 12:
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.pos_ in ("VERB", "AUX") \
                    and is_cue_lemma(tok.head.lemma_.lower()) and art.in_direct(tok.head.idx) is None \
                    and art.in_direct(tok.idx) is None:
                return True
            tok, hops = tok.head, hops + 1
        return False

    @staticmethod
    def _names_own_source(art: _Article, prev_end: int, a: int, prev_cue=None) -> bool:
        """Is a person or organisation named outside quotes after the previous quote's sentence (which holds
        its attribution) and up to the end of this quote's sentence? Then the previous speaker is not
        carried over."""
        if not art.sents:
            return False
        si = art.sentence_index(a)
        hi = max(a, art.sents[si][1])
        lo = max(prev_end, art.sents[art.sentence_index(prev_end - 1)][1])
        if prev_cue and prev_end <= prev_cue[0] < a:  # '"...?" Obama continued, calling out Boehner.'
            lo = max(lo, art.sents[art.sentence_index(prev_cue[0])][1])
        sp = art.speakers
        j = bisect.bisect_left(sp.starts, lo)
        while j < len(sp.actors) and sp.actors[j].start < hi:
            x = sp.actors[j]
            if x.label in ("PERSON", "ORG") and x.attrs.get("kind") != "pronoun" and art.in_direct(x.start) is None:
                return True
            j += 1
        # or a sentence of its own with a noun subject ('The ferry company rejected the date.')
        return lo < hi and any(t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN")
                               and art.in_direct(t.idx) is None for t in art.tokens(lo, hi))

    def _find_cue_near(self, art: _Article, a: int, b: int) -> dict | None:
        """Cue for a direct quote [a, b): a speech verb outside quotes in its sentence(s), else a
        press-release dash attribution after it, else the sentence right after it, else a lead-in
        sentence ending with ':' before it."""
        return (self._cue_in_sentence(art, a, b) or self._dash_after(art, b)
                or self._cue_after(art, b, next_paragraph=False) or self._lead_in(art, a))

    def _cue_in_sentence(self, art: _Article, a: int, b: int) -> dict | None:
        if not art.sents:
            return None
        si, sj = art.sentence_index(a), art.sentence_index(max(b - 1, a))
        lo, hi = art.sents[si][0], art.sents[min(sj, len(art.sents) - 1)][1]
        if sj + 1 < len(art.sents) and art.sents[sj + 1][0] <= b + 2 \
                and "\n" not in art.text[b:art.sents[sj + 1][0]]:  # the trailer ('," he said.')
            hi = art.sents[sj + 1][1]
        lo, hi = max(lo, a - 300), min(hi, b + 300)  # bounded: linear time on run-on 'sentences'
        if hi <= lo:
            return None
        best = None
        for tok in art.tokens(lo, hi):
            if tok.pos_ not in ("VERB", "AUX") or not is_cue_lemma(tok.lemma_.lower()):
                continue
            if art.in_direct(tok.idx) is not None or "\n" in art.text[min(tok.idx, b):max(tok.idx, a)]:
                continue
            d = a - tok.idx if tok.idx < a else tok.idx - b
            sp = speaker_of(tok)
            if sp is not None and art.in_direct(sp.idx) is not None:
                sp = None
            score = d + (0 if sp is not None else 200)
            if best is None or score < best[0]:
                best = (score, tok, sp)
        if best is None:
            return None
        attrs = self._speaker_attrs(art, best[1], best[2])
        attrs["cue"] = list(cue_span(best[1]))
        return attrs

    def _dash_after(self, art: _Article, b: int) -> dict | None:
        """'"..." —Hospital director Ines Karv': the name after a dash closing the quote's line."""
        line_end = art.text.find("\n", b)
        line_end = len(art.text) if line_end < 0 else line_end
        rest = art.text[b + 1:line_end]
        m = _DASH_ATTRIBUTION.match(rest.lstrip(".,") if rest[:1] in ".," else rest)
        if not m:
            return None
        s = b + 1 + (len(rest) - len(rest.lstrip(".,")) if rest[:1] in ".," else 0) + m.start(1)
        e = s + len(m.group(1).split(",")[0].rstrip())
        dash = art.text.find(m.group(0).strip()[:1], b + 1)
        return self._named(art, s, e, [dash, dash + 1])

    def _cue_after(self, art: _Article, b: int, next_paragraph: bool) -> dict | None:
        """The sentence right after the quote: 'Khan thundered to the crowd.' In the next paragraph only
        when its cue takes no content of its own ('Arpaio endorsed Romney in 2008' is no attribution)."""
        k = bisect.bisect_left(art.sent_starts, b)
        if k >= len(art.sents) or art.text[b:art.sents[k][0]].strip(" \t\n”\"’'.,") != "" \
                or ("\n" in art.text[b:art.sents[k][0]]) != next_paragraph:
            return None
        own = ("ccomp", "dobj", "xcomp") if next_paragraph else ("ccomp",)
        for tok in art.tokens(*art.sents[k]):
            if art.in_direct(tok.idx) is not None:
                break
            if tok.pos_ == "VERB" and is_cue_lemma(tok.lemma_.lower()) \
                    and (not next_paragraph or tok.lemma_.lower() in SPEECH_VERBS) \
                    and not any(c.dep_ in own for c in tok.children):
                sp = speaker_of(tok)
                if sp is not None:
                    attrs = self._speaker_attrs(art, tok, sp)
                    attrs["cue"] = list(cue_span(tok))
                    return attrs
        return None

    def _lead_in(self, art: _Article, a: int) -> dict | None:
        """A previous sentence ending with ':' ('He told the crowd:', 'And from council leader Oren Platt:')."""
        si = art.sentence_index(a)
        if si == 0 or art.sents[si][0] > a:
            si += 1  # the quote opens before its sentence's first letter
        if si == 0:
            return None
        ps, pe = art.sents[si - 1]
        if not art.text[ps:pe].rstrip().endswith(":") or art.text.count("\n", pe, a) > 2:
            return None
        for tok in art.tokens(ps, pe):
            if tok.pos_ == "VERB" and speaker_of(tok) is not None:
                attrs = self._speaker_attrs(art, tok)
                attrs["cue"] = list(cue_span(tok))
                return attrs
        colon = art.text.rindex(":", ps, pe)
        names = [x for x in art.speakers.actors if ps <= x.start and x.end <= pe and x.label in ("PERSON", "ORG")]
        if names:  # no verb: the last person or organisation the lead-in names
            x = names[-1]
            return self._named(art, x.start, x.end, [colon, colon + 1])
        return None

    # ------------------------------------------------------------ spans

    @staticmethod
    def _make(art: _Article, cs: int, ce: int, attrs: dict) -> Span:
        """An indirect span, 'mixed' when it holds direct quotes (their parts in attrs 'quoted')."""
        starts = [a for a, _, _ in art.direct]
        j = bisect.bisect_left(starts, cs - 1)
        quoted = []
        while j < len(art.direct) and art.direct[j][0] < ce:
            a, b, _ = art.direct[j]
            if a >= cs and b <= ce + 1:
                quoted.append([a, b])
            j += 1
        attrs = dict(attrs)
        if quoted:
            attrs["quoted"] = quoted
        return Span(cs, ce, "mixed" if quoted else "indirect", attrs)


def _inside(blocked: list[tuple[int, int]], ch: int) -> bool:
    j = bisect.bisect_right(blocked, (ch, float("inf"))) - 1
    return j >= 0 and blocked[j][0] <= ch < blocked[j][1]


def _looks_like_date(words: str) -> bool:
    from storyscope.ingest.detect import DATE_LINE
    return bool(DATE_LINE.match(words + " 1, 2000")) or words.lower() in ("today", "yesterday", "tonight")


def _degenerate(text: str) -> bool:
    from storyscope.stages.actors import is_degenerate
    n_marks = sum(text.count(c) for c in DOUBLE_OPEN + DOUBLE_CLOSE + DOUBLE_AMBIG + SINGLE_OPEN + SINGLE_CLOSE)
    return n_marks > 1000 and n_marks > 0.5 * len(text.split()) or is_degenerate(text)


EXTRACTOR = QuoteExtractor()


def extract_quotes(text: str, actors: list[Span] | None = None, sentences: list[tuple[int, int]] | None = None,
                   debris: list[Span] | None = None) -> list[Span]:
    """Quote spans (content without marks) with cue, speaker and resolved actor attrs; layers not given
    are computed from the text as ingest and the reading stages would."""
    return EXTRACTOR(text, actors, sentences, debris)


def relink_quotes(quotes: list[Span], old_actors: list[Span], new_actors: list[Span]) -> list[Span]:
    """Carry corpus-wide actor keys (from actors.link_corpus_actors) onto one article's quotes."""
    new_at = {(s.start, s.end): s.attrs for s in new_actors}
    key_map = {}
    for s in old_actors:
        n = new_at.get((s.start, s.end))
        if n is not None and n.get("actor") != s.attrs.get("actor"):
            key_map[s.attrs.get("actor")] = (n.get("actor"), n.get("canonical"))
    out = []
    for q in quotes:
        k = q.attrs.get("speaker_actor")
        if k in key_map:
            out.append(Span(q.start, q.end, q.label, dict(q.attrs, speaker_actor=key_map[k][0],
                                                          speaker_canonical=key_map[k][1])))
        else:
            out.append(q)
    return out


@register("quotes", "quotes.v3", requires=("actors", "sentences", "debris"), adds=("quotes",))
def run(batch):
    return [{"quotes": extract_quotes(article.text, layers.get("actors"),
                                      [(s.start, s.end) for s in layers["sentences"]] if "sentences" in layers else None,
                                      layers.get("debris"))}
            for article, layers in batch]
