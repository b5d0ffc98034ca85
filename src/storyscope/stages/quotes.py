"""Quotes: direct, indirect and mixed speech, with cue, speaker and the speaker's actor.

``QuoteExtractor`` is a component in spaCy's style: configured once, called per article with the
article's layers. Direct quotes come from a linear scan of quotation marks (``quote_marks``). Indirect
speech comes from the dependency parse: a cue verb with a clausal complement ('X said that ...',
'X denied that ...'), 'according to X', and, for strong cues, an object or prepositional content
('X denied the report', 'X called for talks'); which verbs are cues is decided by a small learned
classifier (``quote_cues``). A clause interrupted by its cue ('Prices, he said, will rise') is one span;
'Name: words' lines (transcripts, also quoted paragraph by paragraph: '"PENCE: Well, ...'; body subheads) and
press-release attributions ('"..." —Name, title';
a lead-in line 'And from council leader Oren Platt:' before a quote paragraph) are attributions. A
reported clause that contains quoted words is 'mixed'. A span tagger trained on PolNeAR (``quote_spans``)
adds the attributions whose cue the rules miss and confirms the rules' indirect ones. Speakers are
resolved by ``speakers``.

The ``sentences`` layer is the sentence source; debris lines (datelines, bylines, credits, navigation
such as '» Read more') and the headline hold no quote, cue or speaker (``blocked_lines``).
"""
from __future__ import annotations

import bisect
import re

from storyscope.record import Span
from storyscope.stages.nlp import cached, parse
from storyscope.stages.quote_cues import (  # noqa: F401 - MODEL_DIR, cue_features re-exported for training
    MODEL_DIR, OBJ_POS, SPEECH_VERBS, _CONTENT_DEPS, _learned_cues, CUE_THRESHOLD, cue_features, cue_prob,
    cue_span, is_cue_lemma, speaker_of, subtree_span, trim)
from storyscope.stages.quote_bounds import called_on, light_object, tidy_content, whole_content, without_relative_tail
from storyscope.stages.quote_direct import DirectAttribution, _Article
from storyscope.stages.quote_marks import (  # noqa: F401 - find_direct re-exported
    DOUBLE_AMBIG, DOUBLE_CLOSE, DOUBLE_OPEN, SINGLE_CLOSE, SINGLE_OPEN, find_direct)
from storyscope.stages.quote_spans import combine
from storyscope.stages.registry import register
from storyscope.stages.speakers import NO_SPEAKER, SpeakerResolver

# a line opening with one to four capitalised words (or Q/A) and a colon: 'Ann Roe: We will win.'
_COLON_LINE = re.compile(r"(?m)^[ \t]*[\"“]?((?:[A-Z][\w.’'-]*)(?: [A-Z][\w.’'-]*){0,3}):[ \t]+(\S[^\n]*)$")
_COLON_STOP = {"update", "updated", "editor", "editor's", "editor’s", "note", "watch", "read", "related", "source",
               "sources", "photo", "video", "see", "also", "correction", "disclosure", "via", "image", "credit",
               "listen", "subscribe", "follow", "click", "share", "tags", "posted", "by", "filed", "the", "this",
               "here", "washington", "note", "warning", "transcript", "poll", "polls", "report", "exclusive",
               "published", "date", "last", "more", "pictured", "caption", "top", "breaking", "live"}
# a transcript quoted paragraph by paragraph ('"WALLACE: Let's start ...'): the label's line is a 'Name: words'
# attribution, not a direct quote without speaker
TRANSCRIPT_MARKS = True
_LINE_MARKS = ('"', "“")
ADDRESSEES = ("PERSON", "ORG", "GPE", "NORP")
ACCORDING_SKIP_SOURCE = True
WHOLE_QUOTES = True
PASSIVE_AGENT = True
RELATIVE_TAIL = True  # a content's closing ', which/who ...' clause is left out (quote_bounds)
AS_CLAUSE = True
ACCORDING_CONJ = True  # 'As the Post reported, the inspector issued subpoenas': the main clause is the content
# 'described X as Y', 'criticized X for Y', 'accused X of Y': the object with its predicate (PolNeAR train:
# content exact F1 49.5 with 'as' alone, 50.9 with these)
OBJ_PREPS = ("as", "for", "of", "to", "in", "about", "with", "over", "against", "from")  # entity types of an addressee object ('told CNN')


class QuoteExtractor(DirectAttribution):
    """Quote spans of one article: ``QuoteExtractor()(text, actors, sentences, debris)``.

    Config (defaults tuned on PolNeAR train): ``cue_p`` P(cue) for any verb, ``cue_p_lex`` for a
    built-in speech verb, ``cue_p_obj`` for a cue that may take object or prepositional content.
    ``learned`` combines the rules with the trained span tagger (``quote_spans.combine``: attributions the
    rules miss are added, indirect ones the tagger does not confirm dropped; models/quotes/README.md)."""

    CONTENT_PREPS = {"for", "of", "about", "against", "on", "to", "into", "at"}

    def __init__(self, cue_p: float = 0.5, cue_p_lex: float = 0.3, cue_p_obj: float = 0.4,
                 mixed_ratio: float = 1.1, colon_lines: bool = True, obj_lexicon_p: float = 0.0,
                 addressee_objects: bool = False, learned: bool = True):
        self.cue_p, self.cue_p_lex, self.cue_p_obj = cue_p, cue_p_lex, cue_p_obj
        self.learned = learned
        self.mixed_ratio, self.colon_lines = mixed_ratio, colon_lines
        self.obj_lexicon_p, self.addressee_objects = obj_lexicon_p, addressee_objects

    @staticmethod
    def parses(text: str) -> bool:
        """Whether a call on ``text`` parses it (it has letters and is not mostly quotation marks)."""
        return bool(text) and sum(c.isalpha() for c in text[:20000]) >= 2 and not _degenerate(text)

    def prepare(self, texts: list[str], sentences: list | None = None) -> None:
        """Parse and tag (``quote_spans.tag_many``) in batches the ``texts`` that calls will parse next
        (``sentences[k]``: the k-th text's sentence spans, as the calls will get them): the calls then find both
        done (same results, less CPU)."""
        from storyscope.stages.nlp import parse_many
        from storyscope.stages.quote_spans import tag_many
        keep = [k for k, t in enumerate(texts) if self.parses(t)]
        parse_many([texts[k] for k in keep])
        if self.learned:
            pairs = [(d, sentences[k] if sentences else None) for k in keep if (d := cached(texts[k])) is not None]
            tag_many([d for d, _ in pairs], sentences=[s for _, s in pairs] if sentences else None)

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
            from storyscope.stages.sentences import headlines, sentence_spans
            f = detect_furniture(text)
            if debris is None:  # as ingest finds them; the headline holds no quote either
                debris = f.debris + headlines(text, [f.title_span] if f.title_span else [])
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
        labelled = {q.attrs["cue"][0] for q in out if art.in_direct(q.start) is not None}  # transcript lines
        out.extend(d for d in self._direct_quotes(art, used_direct, out) if not _label_at(art, d, labelled))
        if self.learned:
            out = combine(self, art, out)
        out.sort(key=lambda s: (s.start, s.end))
        art.speakers.carry_pronouns(out, art.subject_outside_quotes)
        seen, res = set(), []
        for s in out:
            if (s.start, s.end, s.label) not in seen:
                seen.add((s.start, s.end, s.label))
                res.append(_with_clause(art, s) if s.label == "indirect" else s)
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
        while ACCORDING_CONJ and head.dep_ == "conj" and head.head.i < head.i and tok.i > head.i:
            head = head.head  # 'Prices stood at X and have since risen, according to Y': the whole coordination
        skip = {t.i for t in tok.subtree} | ({t.i for t in src.subtree} if ACCORDING_SKIP_SOURCE else set())
        cs, ce = subtree_span(head, art.text, skip)
        if ACCORDING_SKIP_SOURCE and cs < tok.idx < ce and not art.text[_after(src, art.text):ce].strip(" .,;:—–-\n"):
            cs, ce = trim(art.text, cs, tok.idx)  # 'Prices rose, according to the ministry.': up to the cue
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
            subj = next((c for c in kids if c.dep_ == "nsubjpass" and c.pos_ in OBJ_POS and c.tag_ not in ("WP", "WDT")
                         and c.lower_ not in ("it", "that", "this")), None)
            agent = next((c for c in kids if c.dep_ == "agent" and c.i > tok.i), None)
            if PASSIVE_AGENT and subj is not None and agent is not None and speaker_of(tok) is not None:
                # 'The proposal was rejected by 64 percent of voters': the passive subject (PolNeAR's cue
                # leaves 'by' out more often than not: train cue exact F1 67.3 without, 67.1 with)
                return subj, None, False
            if speaker_of(tok) is not None:
                # 'X called for talks', 'X warned against a deal': the preposition's object
                for c in kids:
                    if c.dep_ == "prep" and c.i > tok.i and c.lower_ in self.CONTENT_PREPS:
                        o = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                        if o is not None and o.ent_type_ not in ("DATE", "TIME", "CARDINAL", "QUANTITY"):
                            return o, c, False
        if (tok.dep_ in ("ccomp", "parataxis") or AS_CLAUSE and tok.dep_ == "advcl" and tok.i < tok.head.i
                and any(x.dep_ == "mark" and x.lower_ == "as" for x in kids)) \
                and tok.head.pos_ in ("VERB", "AUX") and speaker_of(tok) is not None:
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
                if x.i > c.i and (x.dep_ in ("oprd", "xcomp", "ccomp") or x.dep_ == "prep" and x.lower_ in OBJ_PREPS):
                    ce = max(ce, subtree_span(x, art.text)[1])
        return cs, ce

    def _verb_cue(self, art: _Article, tok, used_direct: dict) -> Span | None:
        """An indirect or mixed quote cued by ``tok``; a cue whose content is one direct quote is noted
        in ``used_direct`` (the nearest cue verb wins) instead."""
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("aux", "auxpass") or art.in_direct(tok.idx) is not None:
            return None
        kids = list(tok.children)
        if tok.dep_ not in ("ccomp", "parataxis", "advcl") and not any(c.dep_ in _CONTENT_DEPS or c.dep_ == "agent"
                                                                       for c in kids):
            return None  # nothing it could attribute: skip the classifier
        is_cue, strong = self._cue_strength(tok, kids)
        if not is_cue:
            return None
        c, prep, head_clause = self._content_of(tok, kids, strong)
        if c is None:
            return None
        light = light_object(c) if prep is None and not head_clause else None
        if light is not None:
            c, prep = light  # 'expressed concern that X': the noun joins the cue, X is the content
        cs, ce = self._content_span(art, tok, c, head_clause)
        if (on := called_on(tok, c) if prep is None else None) is not None:
            cs, prep = min(cs, subtree_span(on[0], art.text)[0]), on[1]  # 'called on police to release the videos'
        text = art.text
        if WHOLE_QUOTES:
            cs, ce = self._whole_quotes(art, cs, ce, cue_span(tok))
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

    @staticmethod
    def _whole_quotes(art: _Article, cs: int, ce: int, cue: tuple[int, int]) -> tuple[int, int]:
        """A reported clause ending (starting) inside quoted words ends (starts) with them: the parse of one
        sentence stops where a quote of several sentences goes on ('that "it is done. We won."')."""
        j = art.in_direct(ce - 1)
        if j is not None and art.direct[j][0] < ce < art.direct[j][1] and not art.direct[j][0] <= cue[0] < art.direct[j][1]:
            ce = trim(art.text, cs, art.direct[j][1])[1]  # without its final stop, like every content
        j = art.in_direct(cs)
        if j is not None and art.direct[j][0] < cs < art.direct[j][1] and not art.direct[j][0] <= cue[0] < art.direct[j][1]:
            cs = art.direct[j][0]
        return cs, ce

    def _colon_lines(self, art: _Article) -> list[Span]:
        """'Name: words' at a line's start (interview transcripts, subheads; the headline is blocked)."""
        out = []
        for m in _COLON_LINE.finditer(art.text):
            who = m.group(1)
            marked = art.text[m.start(1) - 1:m.start(1)] in _LINE_MARKS
            if marked and not (TRANSCRIPT_MARKS and who.isupper() and _opens_direct(art, m.start(1))):
                continue  # inside quotation marks only a transcript's upper-case speaker label ('"PENCE: Well, ...')
            if who.split()[0].lower() in _COLON_STOP or not marked and art.in_direct(m.start(1)) is not None \
                    or art.in_debris(m.start(1)) or _looks_like_date(who):
                continue
            cs, ce = trim(art.text, m.start(2), m.end(2))
            if marked:
                ce = trim(art.text, cs, ce - (art.text[ce - 1:ce] in DOUBLE_CLOSE + DOUBLE_AMBIG))[1]
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

    # ------------------------------------------------------------ spans

    @staticmethod
    def _make(art: _Article, cs: int, ce: int, attrs: dict) -> Span:
        """An indirect span, 'mixed' when it holds direct quotes (their parts in attrs 'quoted'); a relative
        clause set off by a comma at its end is left out (``quote_bounds.without_relative_tail``)."""
        if RELATIVE_TAIL:
            cs, ce = without_relative_tail(art, cs, ce, attrs.get("cue"))
        cs, ce = whole_content(art.text, *tidy_content(art, cs, ce, attrs.get("cue")))
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


def _with_clause(art: _Article, span: Span) -> Span:
    """An indirect span with attrs ``clause``: whether its content is headed by a verb (a finite verb, an
    infinitive or a gerund: "that the toll would fall", "to resign", "meddling in politics"). A content headed
    by a noun ("denied Khan's claim", "his accusation of backing a move", "sentenced Khan to three years") is
    no reported proposition: the quotes layer keeps it (PolNeAR annotates such contents), the comparison
    leaves it out."""
    doc = art.doc.char_span(span.start, span.end, alignment_mode="expand")
    verbal = doc is not None and len(doc) > 0 and (doc.root.tag_.startswith("VB") or doc.root.tag_ == "MD")
    return Span(span.start, span.end, span.label, dict(span.attrs, clause=verbal))


def _opens_direct(art: _Article, ch: int) -> bool:
    """Does a direct quote of the scan open at character ``ch``?"""
    j = art.in_direct(ch)
    return j is not None and art.direct[j][0] == ch


def _label_at(art: _Article, quote: Span, colons: set[int]) -> bool:
    """Is ``quote`` a direct quote opening with a transcript label whose colon is in ``colons``?"""
    head = art.text[quote.start:quote.start + 40]
    return ":" in head and quote.start + head.index(":") in colons


def _after(tok, text: str) -> int:
    """The character offset just past a token's subtree."""
    last = max(tok.subtree, key=lambda t: t.i)
    return last.idx + len(last.text)


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


def blocked_lines(article, layers: dict) -> list[Span] | None:
    """The spans that hold no quote, cue or speaker: the ``debris`` layer and the headline (the ``sentences``
    layer's headline, else the text's line that repeats the record's title: ``sentences.headline_span``);
    None without a debris layer."""
    from storyscope.stages.sentences import headline_span, headlines
    debris = layers.get("debris")
    if debris is None:
        return None
    heads = [(s.start, s.end) for s in layers.get("sentences") or () if (s.attrs or {}).get("role") == "headline"]
    if not heads and (h := headline_span(article.text, article.title, debris)):
        heads = [h]
    return list(debris) + headlines(article.text, heads)


@register("quotes", "quotes.v12", requires=("actors", "sentences", "debris"), adds=("quotes",))
def run(batch):
    """The quotes stage: one ``quotes`` layer per article (``extract_quotes``; nothing from debris lines or the
    headline: ``blocked_lines``), the batch parsed and tagged first."""
    sents = [[(s.start, s.end) for s in layers["sentences"]] if "sentences" in layers else None for _a, layers in batch]
    EXTRACTOR.prepare([article.text for article, _layers in batch], sents if all(s is not None for s in sents) else None)
    return [{"quotes": extract_quotes(article.text, layers.get("actors"), s, blocked_lines(article, layers))}
            for (article, layers), s in zip(batch, sents)]
