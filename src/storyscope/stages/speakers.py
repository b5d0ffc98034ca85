"""Speakers: from the source token a cue's parse gives to the person or organisation that speaks.

A speaker is the source's noun phrase (``speaker``, ``speaker_text``) and, when the article names it, the
actor it refers to (``speaker_actor``, ``speaker_canonical``) from the ``actors`` layer, whose pronoun and
title mentions already point at actors. A relative pronoun is replaced by its antecedent before it gets
here (``quote_cues.speaker_of``); a possessor inside the phrase is not the speaker ("Vosk's family" is not
Vosk); a descriptor ("the four-term congressman", "the spokeswoman") takes the named person with that
role, else the most recent person named just before it; a he/she speaker after a named speaker's quote
is that speaker. A bare quantifier ("some", "many") or a pronoun with no antecedent gives no name:
``speaker_text`` is then None while ``speaker`` keeps the span.
"""
from __future__ import annotations

import bisect
import re

from storyscope.record import Span
from storyscope.stages.actor_names import OFFICE_OF, name_gender
from storyscope.stages.quote_cues import speaker_span

NO_SPEAKER = {"speaker": None, "speaker_text": None, "speaker_actor": None, "speaker_canonical": None}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me", "one"}
QUANTIFIERS = {"some", "many", "several", "few", "most", "all", "both", "others", "each", "any", "none",
               "those", "these", "more", "much", "half", "dozens", "hundreds", "thousands", "a few"}
DEMONSTRATIVES = {"that", "this", "which", "what", "who", "whom", "whose", "whoever", "it"}
_OTHER = {"he": "female", "she": "male"}  # the first-name gender a he/she speaker cannot have
# "Minister of Water Oskar Valtane": an office with its portfolio before the name (the name, not the office,
# speaks; unlike "a lawyer for Vosk", where the name is another person)
_OFFICE_OF = re.compile(r"(?i)^(?:the\s+)?(?:[\w.-]+\s+){0,2}" + OFFICE_OF +
                        r"\s+of\s+(?:the\s+)?[\w.-]+(?:\s+[\w.-]+)?\s+$")
DESCRIPTOR_WINDOW = 1500  # characters back to look for the person a descriptor or pronoun names


class SpeakerResolver:
    """Speaker attrs for one article: ``resolver.attrs(token)`` -> the quote attrs of a source token."""

    def __init__(self, text: str, actors: list[Span]):
        from storyscope.stages.actor_names import normalise_role
        self.text = text
        self.normalise_role = normalise_role
        self.actors = sorted(actors, key=lambda s: s.start)
        self.starts = [a.start for a in self.actors]
        self.surnames = self._surnames()
        self.quoted: list[tuple[int, int]] | None = None  # direct quotes with their marks, made on first use
        self.q_starts: list[int] = []

    def _surnames(self) -> dict[str, Span]:
        """Surname -> the one named PERSON it belongs to (ambiguous surnames left out)."""
        found: dict[str, Span | None] = {}
        for a in self.actors:
            if a.label == "PERSON" and a.attrs.get("kind") in ("name", "alias"):
                last = a.attrs.get("canonical", "").split()[-1:]
                if last:
                    k = last[0].lower()
                    if k in found and (found[k] is None or found[k].attrs.get("actor") != a.attrs.get("actor")):
                        found[k] = None
                    elif k not in found:
                        found[k] = a
        return {k: v for k, v in found.items() if v is not None}

    def actor_for(self, s: int, e: int, head=None) -> Span | None:
        """The actor mention inside [s, e): the one at the head word, else a PERSON that is not a
        possessor or a prepositional object of the head ('Vosk's family', 'a lawyer for Vosk'), else any."""
        inside = self.mentions_in(s, e)
        if head is not None:
            for a in inside:
                if a.start <= head.idx < a.end:
                    return a
            inside = [a for a in inside if not self._dependent_of(a, head)]
        pers = [a for a in inside if a.label == "PERSON" and a.attrs.get("kind") != "pronoun"]
        if pers:
            return pers[0]
        if inside:
            return inside[0]
        if head is not None and head.text[:1].isupper():  # a surname NER missed here
            return self.surnames.get(head.text.lower())
        return None

    def _after_dateline(self, s: int) -> int | None:
        """Where the body starts when ``s`` lies in an inline dateline opening its line ("NEW YORK, March 3
        (Reuters) - "; ``sentences.INLINE_DATELINE``): a place line is never a speaker. None otherwise."""
        from storyscope.stages.sentences import INLINE_DATELINE
        line = self.text.rfind("\n", 0, s) + 1
        m = INLINE_DATELINE.match(self.text, line)
        return m.end() if m is not None and s < m.end() else None

    def mentions_in(self, s: int, e: int) -> list[Span]:
        """Every actor mention inside [s, e), in text order."""
        j = bisect.bisect_left(self.starts, s)
        out = []
        while j < len(self.actors) and self.actors[j].start < e:
            if self.actors[j].end <= e:
                out.append(self.actors[j])
            j += 1
        return out

    @staticmethod
    def _dependent_of(actor: Span, head) -> bool:
        """Is the actor a possessor or prepositional object below ``head`` (not the speaker itself)?"""
        tok = next((t for t in head.subtree if actor.start <= t.idx < actor.end), None)
        hops = 0
        while tok is not None and tok.i != head.i and hops < 8:
            if tok.dep_ in ("poss", "pobj") or tok.tag_ == "POS":
                return True
            tok, hops = tok.head, hops + 1
        return False

    def _before(self, pos: int, ok) -> Span | None:
        """The most recent PERSON actor mention before ``pos`` (within the window) that ``ok`` accepts."""
        j = bisect.bisect_left(self.starts, pos) - 1
        while j >= 0 and pos - self.actors[j].end < DESCRIPTOR_WINDOW:
            a = self.actors[j]
            if a.label == "PERSON" and ok(a):
                return a
            j -= 1
        return None

    def _descriptor(self, tok, s: int, e: int) -> Span | None:
        """'the four-term congressman', 'the spokeswoman': the person with that role, else the last one named."""
        role = self.normalise_role(self.text[s:e])
        if role:
            from storyscope.stages.actor_names import roles_compatible
            a = self._before(s, lambda x: roles_compatible(x.attrs.get("role"), role))
            if a is not None:
                return a
            from storyscope.stages.actor_names import _GENERIC_ROLES
            det = next((c.lower_ for c in tok.children if c.dep_ == "det"), None)
            if det != "the" or role in _GENERIC_ROLES or role == "spokesperson":
                return None  # 'an official', someone's spokesperson: not the last person named
            return self._before(s, lambda x: x.attrs.get("kind") != "pronoun")
        return None

    def attrs(self, tok) -> dict:
        """Quote attrs ``speaker`` [s, e], ``speaker_text``, ``speaker_actor``, ``speaker_canonical`` of a
        source token (None: no speaker)."""
        if tok is None:
            return dict(NO_SPEAKER)
        tok = self._outside_quotes(tok)
        s, e = speaker_span(tok, self.text)
        after = self._after_dateline(s)
        if after is not None:     # "TARSEN, March 14 (KPA) - Valdoria's minister Oskar Valtane has rejected ..."
            named = [x for x in self.mentions_in(after, tok.head.idx) if x.attrs.get("kind") != "pronoun"]
            a = next((x for x in named if x.label == "PERSON"), named[0] if named else None)
            if a is None:
                return dict(NO_SPEAKER)
            return {"speaker": [a.start, a.end], "speaker_text": self.text[a.start:a.end],
                    "speaker_actor": a.attrs.get("actor"), "speaker_canonical": a.attrs.get("canonical")}
        low = tok.lower_
        if low in QUANTIFIERS and tok.pos_ in ("PRON", "DET", "ADJ", "NOUN", "NUM") \
                or low in DEMONSTRATIVES or tok.ent_type_ in ("DATE", "TIME"):
            # 'Some said ...', 'That didn't seem to ...', 'that October praising ...': nobody in particular
            return dict(NO_SPEAKER, speaker=[s, e])
        s = self._skip_quantifier(tok, s, e)
        a = self.actor_for(s, e, tok)
        if a is None:   # "Minister of Water Oskar Valtane": the name after the office and its portfolio
            a = next((x for x in self.mentions_in(s, e) if x.label == "PERSON" and x.end == e
                      and _OFFICE_OF.match(self.text[s:x.start])), None)
        if a is None and tok.pos_ == "NOUN":  # 'the No. 2 official ..., Dr. Ansel Kroy,': the apposition
            a = next((x for c in tok.children if c.dep_ == "appos"
                      for x in [self.actor_for(c.idx, c.idx + len(c.text), c)] if x is not None), None)
        if tok.pos_ == "NOUN" and tok.tag_ in ("NN", "NNP") and (a is None or a.label != "PERSON"):
            # 'the House speaker', 'the Texas governor': the place or body is a modifier of the role
            a = self._descriptor(tok, s, e) or a
        if a is None and low in ("he", "she"):
            a = self._before(s, lambda x: name_gender(x.attrs.get("canonical", ""), True) != _OTHER[low])
        text = self.text[s:e]
        if a is None and low in PRONOUNS:
            text = None  # a pronoun without antecedent names nobody
        return {"speaker": [s, e], "speaker_text": text,
                "speaker_actor": a.attrs.get("actor") if a else None,
                "speaker_canonical": a.attrs.get("canonical") if a else None}

    def _outside_quotes(self, tok):
        """A cue outside quotation marks is not said by a subject inside them: '"... in another direction,
        China," Mr. Trump wrote' (two subjects in the parse) -> the one outside."""
        if self.quoted is None:
            from storyscope.stages.quote_marks import find_direct
            self.quoted = [(a - 1, b + 1) for a, b, _g in find_direct(self.text)]
            self.q_starts = [a for a, _ in self.quoted]

        def inside(ch: int) -> bool:
            j = bisect.bisect_right(self.q_starts, ch) - 1
            return j >= 0 and self.quoted[j][0] <= ch < self.quoted[j][1]

        if tok.dep_ in ("nsubj", "nsubjpass") and inside(tok.idx) and not inside(tok.head.idx):
            return next((c for c in tok.head.children if c.dep_ == tok.dep_ and not inside(c.idx)), tok)
        return tok

    def _skip_quantifier(self, tok, s: int, e: int) -> int:
        """'Several prominent conservatives' -> 'prominent conservatives'."""
        first = next((t for t in tok.subtree if t.idx == s), None)
        if first is not None and first.i < tok.i and first.lower_ in QUANTIFIERS:
            nxt = tok.doc[first.i + 1]
            if nxt.lower_ == "of":  # 'some of the women'
                nxt = tok.doc[first.i + 2] if first.i + 2 <= tok.i else tok
                if nxt.lower_ in ("the", "his", "her", "their", "its") and nxt.i < tok.i:
                    nxt = tok.doc[nxt.i + 1]
            return nxt.idx
        return s

    def carry_pronouns(self, quotes: list[Span], subject_outside_quotes) -> None:
        """Speakers that need the article's other quotes (in place): first those a cue's parse does not
        give (``speaker_fill.SpeakerFill``); then 'he said' after a quote by a named person is usually
        that person: a he/she speaker takes the most recent earlier PERSON speaker of quoted words (a direct
        or mixed quote) within two paragraphs,
        unless the actor the actors layer gave it is named since that quote's words as a subject outside
        quotes (``subject_outside_quotes(start, end)``)."""
        from storyscope.stages.speaker_fill import SpeakerFill
        SpeakerFill(self).fill(quotes)
        person_keys = {a.attrs.get("actor") for a in self.actors if a.label == "PERSON"}
        last = None  # (position, attrs, end)
        for q in quotes:
            a = q.attrs
            sp = a.get("speaker")
            st = self.text[sp[0]:sp[1]].lower() if sp else ""
            pos = sp[0] if sp else q.start
            if st in ("he", "she") and last is not None and self.text.count("\n", last[0], pos) <= 4 \
                    and name_gender(last[1].get("speaker_canonical") or "", True) != _OTHER[st] \
                    and pos - last[0] < 2500 and last[1]["speaker_actor"] != a.get("speaker_actor") \
                    and not self._named_since(a.get("speaker_actor"), last[2] if last[2] <= pos else last[0], pos,
                                            subject_outside_quotes):
                a["speaker_actor"] = last[1]["speaker_actor"]
                a["speaker_canonical"] = last[1]["speaker_canonical"]
                a["speaker_text"] = a.get("speaker_text") or self.text[sp[0]:sp[1]]
            if a.get("speaker_actor") in person_keys and q.label != "indirect":
                last = (pos, a, max(q.end, sp[1] if sp else 0))  # named since: after its words and speaker

    def _named_since(self, key, lo: int, hi: int, subject_outside_quotes) -> bool:
        """Is actor ``key`` the subject of a clause outside quotes in [lo, hi), by name, alias or title?"""
        if key is None:
            return False
        j = bisect.bisect_left(self.starts, lo)
        while j < len(self.actors) and self.actors[j].start < hi:
            x = self.actors[j]
            if x.attrs.get("actor") == key and x.attrs.get("kind") != "pronoun" and subject_outside_quotes(x.start, x.end):
                return True
            j += 1
        return False
