"""Speakers a cue's parse does not give, found from the article around the quote.

- A cue whose parse has no subject ('the aide, Ada Vell, ... wrote an open letter, saying ...' parsed with
  the aide under another verb): the first person or organisation named as a subject (or as the head of a
  fragment) before the cue in its sentence, outside quotation marks.
- A cue with the speaker after it and no subject in the parse ('... events." added Vell, who ...'): the
  name right after the cue.
- A direct quote after a lead-in ending in ':' in its paragraph ('Biden was quick to retort: "..."'): the
  lead-in's subject when it names a person or organisation.
- A paragraph that is one direct quote and nothing else, right after a paragraph whose last quote has a
  named speaker: the news convention of a quote continued (the speaker, not a new ``speaker`` span: the
  paragraph names no source of its own).
- 'the statement continued', 'the tweet said': the document's author as the article gives it ('a letter
  from X', 'X released a statement', 'X said in a statement').
- A direct quote whose cue is in the next sentence and has content of its own ('"..." Following her
  speech, the council rejected the agenda'): not that subject's words; a quote right after an attributed
  one in its paragraph continues that speaker.
- First-person words inside a sentence whose subject is a named person ('Vell produced "the chain of
  messages with my replies"'): that person's.
"""
from __future__ import annotations

import bisect
import re

from storyscope.record import Span

DOCUMENTS = {"statement", "tweet", "post", "letter", "release", "email", "e-mail", "memo", "message", "note",
             "ad", "op-ed", "column", "filing", "complaint", "posting", "tweets", "statements"}
_DOC_SPEAKER = re.compile(r"(?i)^(?:the|this|that|a|his|her|its|their)\s+(?:[\w-]+\s+)?(" + "|".join(
    sorted(DOCUMENTS, key=len, reverse=True)) + r")$")
_TITLE_GAP = re.compile(r"^\s*(?:(?:[A-Z][\w.'-]*|former|then-?)\s+){0,3}$")
ADDRESSEE_VERBS = {"tell", "ask", "assure", "inform", "remind", "warn", "urge", "answer", "reply", "write", "email",
                   "text", "say", "add", "tweet", "post", "note", "quip", "joke"}
_FIRST_PERSON = re.compile(r"\b(?:I|my|me|mine|myself)\b")
MARKS = "\"“”‘’'«»„"


class SpeakerFill:
    """Fills quotes without a named speaker in place (``fill(quotes)``); ``resolver`` is the article's
    ``SpeakerResolver`` (its text, actors and ``attrs``)."""

    def __init__(self, resolver):
        from storyscope.stages.nlp import parse
        from storyscope.stages.quote_marks import find_direct
        self.r = resolver
        self.text = resolver.text
        self.doc = parse(self.text)
        self.quoted = [(a, b) for a, b, _g in find_direct(self.text)]
        self.q_starts = [a for a, _ in self.quoted]
        self.tok_starts = [t.idx for t in self.doc]

    def in_quotes(self, ch: int) -> bool:
        j = bisect.bisect_right(self.q_starts, ch) - 1
        return j >= 0 and self.quoted[j][0] - 1 <= ch <= self.quoted[j][1]

    def tok_at(self, ch: int):
        return self.doc[max(bisect.bisect_right(self.tok_starts, ch) - 1, 0)]

    def fill(self, quotes: list[Span]) -> None:
        """Speakers for quotes that have none, then authors for document speakers (in place)."""
        for k, q in enumerate(quotes):
            a = q.attrs
            if q.label == "direct" and self._cue_of_next_sentence(q):
                a.update(speaker=None, speaker_text=None, speaker_actor=None, speaker_canonical=None)
                a.pop("source", None)
                new = self._continued(q, quotes[:k])
                if new:
                    a.update(new)
                continue
            if a.get("speaker") is not None or a.get("speaker_actor") or a.get("speaker_text"):
                continue
            cue = a.get("cue")
            new = None
            if cue:
                new = self._subject_before(cue[0], q) or (self._name_after(cue[1]) if q.end <= cue[0] else None)
            elif q.label == "direct":
                new = self._lead_in(q.start) or self._continued(q, quotes[:k]) or self._own_words(q)
            if new:
                a.update(new)
        for k, q in enumerate(quotes):
            self._document_author(q, quotes[:k])

    def _mention_attrs(self, m: Span) -> dict:
        return {"speaker": [m.start, m.end], "speaker_text": self.text[m.start:m.end],
                "speaker_actor": m.attrs.get("actor"), "speaker_canonical": m.attrs.get("canonical")}

    def _names(self, lo: int, hi: int):
        """Person and organisation name mentions (no pronouns) starting in [lo, hi), outside quotes."""
        r = self.r
        j = bisect.bisect_left(r.starts, lo)
        while j < len(r.actors) and r.actors[j].start < hi:
            m = r.actors[j]
            j += 1
            if m.label in ("PERSON", "ORG") and m.attrs.get("kind") != "pronoun" and not self.in_quotes(m.start):
                yield m

    def _subject_before(self, cue_start: int, q: Span) -> dict | None:
        """The first name before the cue in its sentence, outside the quote's content, that is an active
        subject or a fragment's head."""
        cue = self.tok_at(cue_start)
        for m in self._names(cue.sent.start_char, cue_start):
            if q.start <= m.start < q.end:
                continue
            h = self.tok_at(m.start)
            while h.head.i != h.i and m.start <= h.head.idx < m.end:
                h = h.head
            if h.dep_ in ("compound", "poss", "nmod"):
                continue  # 'Republican National Committee Chairman Ada Vell': a modifier of the speaker
            while h.dep_ in ("appos", "conj") and h.head.i != h.i:
                h = h.head
            verb = h if h.dep_ == "ROOT" else h.head if h.dep_ == "nsubj" else None
            if verb is not None and (verb.i == cue.i or verb.is_ancestor(cue) or verb.head.i == cue.head.i):
                return self._mention_attrs(m)  # its clause governs the cue's, or is its sibling
        return None

    def _name_after(self, cue_end: int) -> dict | None:
        """'... events." added Vell, who ...': a name right after the cue (title words may come between)."""
        for m in self._names(cue_end, cue_end + 40):
            same_sentence = self.tok_at(m.start).sent.start == self.tok_at(cue_end - 1).sent.start
            if _TITLE_GAP.match(self.text[cue_end:m.start]) and same_sentence:
                return self._mention_attrs(m)
            break
        return None

    def _lead_in(self, start: int) -> dict | None:
        """'Biden was quick to retort: "..."': the subject of the lead-in before the colon."""
        line0 = self.text.rfind("\n", 0, start) + 1
        before = self.text[line0:start].rstrip(MARKS + " ")
        if not before.endswith(":") or len(before) < 5:
            return None
        colon = line0 + len(before) - 1
        subj = next((t for t in self.doc[self.tok_at(line0).i:self.tok_at(colon).i]
                     if t.dep_ in ("nsubj", "nsubjpass") and line0 <= t.head.idx < colon), None)
        if subj is None:
            return None
        attrs = self.r.attrs(subj)
        return attrs if attrs.get("speaker_actor") else None

    def _own_words(self, q: Span) -> dict | None:
        """'In a series of tweets, Vell produced "the chain of messages (with my 3 responses)"': words in the
        first person inside a sentence whose subject, named before them, is a person: that person's."""
        if not _FIRST_PERSON.search(self.text[q.start:q.end]):
            return None
        sent = self.tok_at(q.start).sent
        root = sent.root
        subj = next((c for c in root.children if c.dep_ == "nsubj" and c.idx < q.start - 1), None)
        if subj is None or self.in_quotes(subj.idx) or root.idx > q.start:
            return None
        attrs = self.r.attrs(subj)
        m = next((x for x in self._names(attrs["speaker"][0], attrs["speaker"][1]) if x.label == "PERSON"), None)
        return attrs if m is not None and attrs.get("speaker_actor") == m.attrs.get("actor") else None

    def _cue_of_next_sentence(self, q: Span) -> bool:
        """'"... for America's workers." Following her speech, House Democrats rejected the agenda': a cue
        in a sentence after the quote's own end that has content of its own (an object or a clause outside
        quotes) does not give the quote's speaker (the cue stays: the quote stage chose it)."""
        cue = q.attrs.get("cue")
        t = self.text
        if not cue or cue[0] < q.end or t[q.start:q.end].rstrip()[-1:] not in ".!?…" or "\n" in t[q.end:cue[0]]:
            return False
        verb = self.tok_at(cue[0])
        if verb.sent.start_char <= q.end:
            return False
        if verb.lemma_.lower() in ADDRESSEE_VERBS:
            return False  # 'told CNBC': the object is whom it was said to
        return any(not self.in_quotes(c.idx) and (c.dep_ == "ccomp" or c.dep_ == "dobj" and not c.ent_type_
                                                    and c.pos_ in ("NOUN", "PROPN")) for c in verb.children)

    def _continued(self, q: Span, earlier: list[Span]) -> dict | None:
        """A paragraph that is this one quote, after a paragraph whose last quote has a named speaker; or a
        quote right after the attribution of one in its paragraph ('"...," Ada said. "..."')."""
        t = self.text
        line0 = t.rfind("\n", 0, q.start) + 1
        prev = next((p for p in reversed(earlier) if line0 <= p.start and p.end < q.start), None)
        if prev is not None and prev.attrs.get("speaker_actor") and prev.attrs.get("speaker_text") \
                and prev.attrs.get("cue") and prev.end <= prev.attrs["cue"][0] < q.start and q.start - prev.end <= 80 \
                and not t[prev.attrs["cue"][1]:q.start].strip(MARKS + " \t.,;:!?…").count(" ") > 4:
            return {k: prev.attrs.get(k) for k in ("speaker_text", "speaker_actor", "speaker_canonical")}
        line0 = t.rfind("\n", 0, q.start) + 1
        line1 = t.find("\n", q.end)
        line1 = len(t) if line1 < 0 else line1
        if t[line0:q.start].strip(MARKS + " \t") or t[q.end:line1].strip(MARKS + " \t.,!?…"):
            return None
        prev1 = len(t[:line0].rstrip())  # the end of the paragraph before
        prev0 = t.rfind("\n", 0, prev1) + 1
        last = next((p for p in reversed(earlier) if prev0 <= p.start < prev1), None)
        if last is None or not last.attrs.get("speaker_actor") or not last.attrs.get("speaker_text") \
                or not any(c in t[prev0:prev1] for c in MARKS):
            return None
        return {"speaker_text": last.attrs["speaker_text"], "speaker_actor": last.attrs["speaker_actor"],
                "speaker_canonical": last.attrs.get("speaker_canonical")}

    def _document_author(self, q: Span, earlier: list[Span]) -> None:
        """'the statement continued': the author the article gives the document, from the document's own
        words ('a letter from X', 'a statement released by X', 'X's statement'), else from the clause that
        introduced it earlier ('X released a statement', 'X said in a statement'); organisations and
        people only."""
        a = q.attrs
        sp = a.get("speaker")
        if not sp or a.get("speaker_actor") or not _DOC_SPEAKER.match(self.text[sp[0]:sp[1]]):
            return
        head = self._doc_head(sp[0], sp[1])
        if head is None:
            return
        who = self._author(head)
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)
        if who is None and head.i and definite:
            for t in reversed(self.doc[max(0, head.i - 400):head.i]):
                if t.lemma_.lower() == head.lemma_.lower() and not self.in_quotes(t.idx):
                    who = self._author(t)
                    break
        if who is not None:
            a["speaker_actor"], a["speaker_canonical"] = who.attrs.get("actor"), who.attrs.get("canonical")

    def _doc_head(self, s: int, e: int):
        return next((t for t in self.doc[self.tok_at(s).i:self.tok_at(e - 1).i + 1]
                     if t.lemma_.lower() in DOCUMENTS or t.lower_ in DOCUMENTS), None)

    def _author(self, doc_tok) -> Span | None:
        """The person or organisation a document token is by: 'from X', 'by X' (its participle's agent),
        'X's', or the subject of the verb it is the object or the 'in' phrase of."""
        cands = []
        for c in doc_tok.children:
            if c.dep_ == "poss":
                cands.append(c)
            if c.dep_ == "prep" and c.lower_ in ("from", "by"):
                cands += [g for g in c.children if g.dep_ == "pobj"]
            if c.dep_ == "acl":
                cands += [g for a in c.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
        h = doc_tok
        if h.dep_ == "pobj" and h.head.lower_ in ("in", "through", "via"):
            h = h.head
        if h.dep_ in ("dobj", "prep") and h.head.pos_ == "VERB":
            cands += [c for c in h.head.children if c.dep_ == "nsubj"]
        for c in cands:
            m = self.r.actor_for(c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text), c)
            if m is not None and m.label in ("PERSON", "ORG") and (m.start <= c.idx < m.end or m.label == "PERSON"):
                return m  # 'a memo by a GOP analyst' is not the GOP's
        return None
