"""Direct quotes' attribution, and the per-article state the quote component shares.

A direct quote takes the nearest cue outside quotes in its sentence (the ``sentences`` layer), else a
press-release dash attribution after it ('"..." —Name, title'), else the sentence right after it, else a
lead-in sentence ending with ':'; a quote right after another by the same speaker continues it unless a
source is named in between; a quote inside a cue's source phrase (a nickname in marks) is no quote.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from storyscope.record import Span
from storyscope.stages.quote_cues import SPEECH_VERBS, cue_span, is_cue_lemma, relative_subject, speaker_of
from storyscope.stages.speakers import NO_SPEAKER, SpeakerResolver

# a press-release attribution after a closing mark: '"..." —Hospital director Ines Karv'
_DASH_ATTRIBUTION = re.compile(r"[^\S\n]*(?:—|–|―|--|-)[^\S\n]*([A-Z][^\n—–―]{1,120})$")  # ― the horizontal bar


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



class DirectAttribution:
    """Mixin of ``QuoteExtractor``: attribution of direct quotes (and the speaker attrs helpers)."""

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
            elif attrs is None:  # a quote of a group signed on its own line ('"..." ― Name') is that name's
                attrs = self._dash_after(art, b)
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
        name = m.group(1).split(",")[0].rstrip()
        e = s + len(name) - (len(name) > 3 and name.endswith(".") and name[-2].islower())  # 'Carla Sanchez.'
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
