"""Learned attribution spans: SOURCE, CUE and CONTENT tagged on the parse, grouped into attributions.

A spaCy ``ner`` component (transition-based, BILUO; its own hash-embedding CNN over the words and the
parser's tags and dependencies, no vectors) trained with ``spacy train`` on PolNeAR train by
``benchmarks/train_attribution_spacy.py`` (see ``models/quotes/README.md``). PolNeAR's spans of one text
never overlap, so one entity layer holds all three kinds; a content interrupted by its cue is two CONTENT
entities. ``learned_attributions(doc)`` groups them: each SOURCE and CONTENT entity goes to the nearest
CUE of its paragraph, a sentence boundary in between counting as far. Loaded once per process, offline.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from storyscope.stages.quote_cues import DEED_VERBS, MODEL_DIR

ATTRIBUTION_DIR = MODEL_DIR / "attribution"
SENTENCE_GAP = 400  # characters a sentence boundary between a cue and a span counts for
_BOUNDARY = re.compile(r"[.!?][\"”’']*\s")
_LOCK = threading.Lock()
_MODEL: list = []


@dataclass
class Attribution:
    """One learned attribution: ``cue`` (start, end), ``source`` (start, end) or None, ``content`` segments."""
    cue: tuple[int, int]
    source: tuple[int, int] | None = None
    content: list[tuple[int, int]] = field(default_factory=list)


def span_tagger():
    """The trained pipeline (spaCy ``Language`` with one ``ner``), loaded on first use; None when the
    model directory is absent."""
    with _LOCK:
        if not _MODEL:
            if (ATTRIBUTION_DIR / "config.cfg").exists():
                import spacy
                _MODEL.append(spacy.load(ATTRIBUTION_DIR))
            else:
                _MODEL.append(None)
        return _MODEL[0]


_TAGGED_KEY = "storyscope_attribution_spans"  # ``doc.user_data`` key of ``tag``'s result (never stored: user_data is not)


def _copy(nlp, doc):
    """The tagger's input: a copy of the product's parse in the tagger's vocabulary, entities unset."""
    from spacy.tokens import Doc
    d = Doc(nlp.vocab).from_bytes(doc.to_bytes(exclude=["user_data", "tensor"]))
    d.set_ents([], default="missing")
    return d


# "spacy" (what ships), "minilm" (``quote_tagger``, when its weights exist), "union" (MiniLM's attributions, spaCy's
# where no cue overlaps) or "union_spacy" (the other way round). The MiniLM tagger of session 8 beat "spacy" on
# PolNeAR dev and train 0-150 together in no combination (BENCHMARKS.md, issue 14), so no MiniLM weights ship.
LEARNED_TAGGER = "spacy"


def _has_minilm() -> bool:
    from storyscope.stages.quote_tagger import WEIGHTS
    return WEIGHTS.exists()


def _kinds() -> tuple[str, ...]:
    """The taggers ``tag`` reads, in order of precedence."""
    if LEARNED_TAGGER == "spacy" or not _has_minilm():
        return ("spacy",)
    return {"minilm": ("minilm",), "union": ("minilm", "spacy"), "union_spacy": ("spacy", "minilm")}[LEARNED_TAGGER]


def _tag_kind(kind: str, docs: list, sentences: list | None, batch_size: int) -> None:
    """Tag the ``docs`` not yet tagged by ``kind`` in batches; each result is kept on its doc."""
    key = f"{_TAGGED_KEY}_{kind}"
    todo = [k for k, d in enumerate(docs) if len(d) and key not in d.user_data]
    if not todo:
        return
    if kind == "minilm":
        from storyscope.stages import quote_tagger
        jobs = [(docs[k].text, _windows(docs[k], sentences[k] if sentences else None)) for k in todo]
        for k, spans in zip(todo, quote_tagger.tag_texts(jobs, batch_size)):
            docs[k].user_data[key] = _snapped(docs[k], spans)
        return
    nlp = span_tagger()
    if nlp is None:
        return
    tagged = nlp.get_pipe("ner").pipe([_copy(nlp, docs[k]) for k in todo], batch_size=batch_size)
    for k, d in zip(todo, tagged):
        docs[k].user_data[key] = [(e.start_char, e.end_char, e.label_) for e in d.ents]


def tag_many(docs: list, batch_size: int = 16, sentences: list | None = None) -> None:
    """Tag the parsed ``docs`` in batches and keep each result on its doc for ``tag``: the MiniLM tagger
    (``quote_tagger``, its windows drawn from ``sentences[k]``, the k-th doc's sentence spans, default the light
    splitter's) and / or the spaCy ``ner`` (its ``pipe``), as ``LEARNED_TAGGER`` says. Nothing without a model."""
    for kind in _kinds():
        _tag_kind(kind, docs, sentences, batch_size)


def _windows(doc, sentences) -> list[tuple[int, int]]:
    """The MiniLM tagger's windows of a parsed text: its sentences (the ``sentences`` layer's spans, else the
    light splitter's) packed up to the tagger's wordpiece limit."""
    from storyscope.stages import quote_tagger
    loaded = quote_tagger.load_tagger()
    return quote_tagger.window_spans(doc.text, loaded[1], sentences) if loaded else []


def _snapped(doc, spans) -> list[tuple[int, int, str]]:
    """Wordpiece spans widened to whole tokens of the parse."""
    out = []
    for s, e, lab, score in spans:
        sp = doc.char_span(s, e, alignment_mode="expand")
        if sp is not None and len(sp):
            out.append((sp.start_char, sp.end_char, lab, score))
    return out


def tag(doc, sentences: list | None = None, kind: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, label) character spans a learned tagger (``kind``, default the first ``LEARNED_TAGGER`` reads)
    finds in a parsed ``doc`` (the product's parse; it is not modified: the spaCy tagger reads a copy in its own
    vocabulary), ``sentences`` as for ``tag_many``. [] without a model. Results ``tag_many`` kept are reused."""
    if not len(doc):
        return []
    kind = kind or _kinds()[0]
    _tag_kind(kind, [doc], [sentences] if sentences is not None else None, 16)
    return sorted(x[:3] for x in doc.user_data.get(f"{_TAGGED_KEY}_{kind}", []))


def score(doc, span: tuple[int, int]) -> float:
    """The MiniLM tagger's confidence (mean wordpiece tag probability) in a span it tagged at ``span``;
    1.0 for a span the spaCy tagger tagged (when it is read) or one never tagged."""
    if "spacy" in _kinds() and any((x[0], x[1]) == tuple(span) for x in doc.user_data.get(f"{_TAGGED_KEY}_spacy", ())):
        return 1.0
    for x in doc.user_data.get(f"{_TAGGED_KEY}_minilm", ()):
        if (x[0], x[1]) == tuple(span):
            return x[3]
    return 1.0


def _distance(text: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    lo, hi = (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
    if "\n" in text[lo:hi]:
        return float("inf")
    return max(hi - lo, 0) + SENTENCE_GAP * len(_BOUNDARY.findall(text, lo, hi))


def group(text: str, spans: list[tuple[int, int, str]]) -> list[Attribution]:
    """Attributions from tagged spans: every SOURCE and CONTENT joins the nearest CUE in its paragraph
    (one source per cue, the nearest); spans with no cue in their paragraph are dropped."""
    cues = [Attribution((s, e)) for s, e, lab in spans if lab == "CUE"]
    best_source: dict[int, float] = {}
    for s, e, lab in spans:
        if lab == "CUE" or not cues:
            continue
        d, k = min((_distance(text, (s, e), c.cue), k) for k, c in enumerate(cues))
        if d == float("inf"):
            continue
        if lab == "CONTENT":
            cues[k].content.append((s, e))
        elif d < best_source.get(k, float("inf")):
            best_source[k] = d
            cues[k].source = (s, e)
    return cues


def learned_attributions(doc, sentences: list | None = None) -> list[Attribution]:
    """The grouped attributions of a parsed text ([] without a model); ``sentences`` as for ``tag``. With two
    taggers, each tagger's spans are grouped on their own and the second's attributions whose cue overlaps
    none of the first's are added."""
    res: list[Attribution] = []
    for kind in _kinds():
        new = group(doc.text, tag(doc, sentences, kind))
        res += [a for a in new if not any(_overlap(a.cue, b.cue) for b in res)]
    return sorted(res, key=lambda a: a.cue)


# Where the learned spans are used (each measured on PolNeAR dev against the rules alone, BENCHMARKS.md):
ADD_MISSED = True        # an attribution whose cue the rules did not find (not inside a rules' content)
CUE_FOR_DIRECT = True    # a direct quote the rules left without a cue takes the learned cue and source
DROP_UNCONFIRMED = True  # the rules' indirect quotes whose cue the tagger does not tag go
SOURCE_FOR_SPEAKERLESS = True  # a rules' quote without speaker takes the learned source of its cue
ADD_MIN_SCORE = 0.0  # a learned cue of lower MiniLM confidence (``score``) is not read
CONTENT_FROM_TAGGER = False  # a rules' indirect or mixed quote takes the learned content of its cue where they overlap
# a rules' mixed quote whose quoted words the direct scan gave the same cue stays unconfirmed (PolNeAR content exact
# F1: dev 54.45 -> 54.49, train 0-150 54.20 -> 54.26; keeping every mixed quote: dev cue -0.1, train lower)
KEEP_MIXED = True


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


_TRANSCRIPT = re.compile(r"(?m)^[ \t]*[\"“][A-Z][A-Z.’'-]*(?: [A-Z][A-Z.’'-]*){0,3}$")


def transcript_label(text: str, colon: int) -> bool:
    """Is ``text[colon]`` the colon of an upper-case speaker label opening a quoted transcript paragraph
    ('"PENCE: Well, ...')? Such a line is its speaker's attribution whether or not the tagger tags it (it
    reads the marks as a direct quote's)."""
    if text[colon:colon + 1] != ":":
        return False
    start = text.rfind("\n", 0, colon) + 1
    return bool(_TRANSCRIPT.match(text, start, colon))


def _head(art, s: int, e: int):
    """The token of [s, e) whose head lies outside it (the span's syntactic head)."""
    toks = list(art.tokens(s, e))
    ids = {t.i for t in toks}
    return next((t for t in toks if t.head.i not in ids or t.head.i == t.i), toks[0])


def _cue_verb(art, a: Attribution):
    """The cue's main verb (not an auxiliary), or None ('criticism of')."""
    return next((t for t in art.tokens(*a.cue) if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")), None)


def _attrs(extractor, art, a: Attribution) -> dict:
    """Quote attrs (cue, speaker, source) of a learned attribution, speakers resolved like the rules'."""
    from storyscope.stages.quote_cues import RELATIVE, antecedent
    verb = _cue_verb(art, a)
    if a.source is None:
        attrs = extractor._speaker_attrs(art, verb) if verb is not None else art.speakers.attrs(None)
    else:
        src = _head(art, *a.source)
        if src.lower_ in RELATIVE and src.tag_ in ("WP", "WDT"):
            attrs = art.speakers.attrs(antecedent(src, verb) if verb is not None else None)
        else:
            attrs = art.speakers.attrs(src)
        attrs["source"] = list(a.source)
    attrs["cue"] = list(a.cue)
    return attrs


def _rule_content(extractor, art, a: Attribution) -> tuple[int, int] | None:
    """The content the rules would draw for the learned cue's verb (complement, object, head clause)."""
    verb = _cue_verb(art, a)
    if verb is None:
        return None
    c, _prep, head_clause = extractor._content_of(verb, list(verb.children), True)
    if c is None:
        return None
    cs, ce = extractor._whole_quotes(art, *extractor._content_span(art, verb, c, head_clause), a.cue)
    return (cs, ce) if ce - cs >= 3 else None


def _unclosed(art, cs: int) -> bool:
    """Does the content open with a quotation mark that never closes (broken text, as the rules judge it)?"""
    from storyscope.stages.quote_marks import DOUBLE_AMBIG, DOUBLE_OPEN
    marks = tuple(DOUBLE_OPEN + DOUBLE_AMBIG)
    opens = art.text[max(cs - 2, 0):cs].strip() in marks or art.text[cs:cs + 1] in marks
    return opens and art.in_direct(cs) is None and art.in_direct(cs + 1) is None


def combine(extractor, art, out: list) -> list:
    """The rules' quotes ``out`` (Span list, ``art`` the quote component's per-article state) combined with the
    learned attributions of ``art.doc``: where both find a cue the rules' quote stays; a learned cue the rules
    missed adds a quote (``ADD_MISSED``) or gives a direct quote without cue its cue (``CUE_FOR_DIRECT``);
    a rules' indirect quote whose cue the tagger does not tag goes (``DROP_UNCONFIRMED``), and so does a mixed one
    unless direct quotes carry its cue (``KEEP_MIXED``)."""
    from storyscope.record import Span
    learned = [a for a in learned_attributions(art.doc, art.sents)
               if not art.in_debris(a.cue[0]) and score(art.doc, a.cue) >= ADD_MIN_SCORE]
    if not learned:
        return out
    rule_cues = [tuple(q.attrs["cue"]) for q in out if q.attrs.get("cue")]
    res = list(out)
    if DROP_UNCONFIRMED:
        held = {tuple(q.attrs["cue"]) for q in res if q.label == "direct" and q.attrs.get("cue") and KEEP_MIXED}
        res = [q for q in res if q.label == "direct" or not q.attrs.get("cue")
               or q.label == "mixed" and tuple(q.attrs["cue"]) in held
               or transcript_label(art.text, q.attrs["cue"][0])
               or any(_overlap(tuple(q.attrs["cue"]), a.cue) for a in learned)]
    for a in learned:
        if SOURCE_FOR_SPEAKERLESS and a.source is not None:  # dev: source exact F1 74.4 -> 74.9
            for k, q in enumerate(res):
                if q.attrs.get("cue") and _overlap(tuple(q.attrs["cue"]), a.cue) and not q.attrs.get("speaker"):
                    attrs = {**q.attrs, **_attrs(extractor, art, a), "cue": q.attrs["cue"]}
                    res[k] = Span(q.start, q.end, q.label, attrs)
        if CONTENT_FROM_TAGGER and a.content:
            _redraw_content(extractor, art, res, a)
        if not a.content or any(_overlap(c, a.cue) for c in rule_cues):
            continue  # the rules' own attribution (its content drawn by the rules: better on dev)
        if any(q.start <= a.cue[0] < q.end for q in out):
            continue  # a cue inside the rules' content (PolNeAR never nests attributions): mostly wrong on dev
        if any(t.lemma_.lower() in DEED_VERBS for t in art.tokens(*a.cue)):
            continue  # a deed done to a document ('signed the act'), never speech, as in the rules
        cs, ce = min(s for s, _ in a.content), max(e for _, e in a.content)
        rule = _rule_content(extractor, art, a)
        if rule is not None and any(_overlap(rule, c) for c in a.content):
            cs, ce = rule  # the rules draw contents better from a known cue (on dev), where the two agree on it
        inner = {art.in_direct(cs + 1), art.in_direct(ce - 2)} - {None}
        if len(inner) == 1:  # the content is one direct quote, marks and all
            j = inner.pop()
            d0, d1, _g = art.direct[j]
            if CUE_FOR_DIRECT:
                for k, q in enumerate(res):
                    if q.label == "direct" and (q.start, q.end) == (d0, d1) and not q.attrs.get("cue"):
                        res[k] = Span(q.start, q.end, "direct", _attrs(extractor, art, a))
            if d0 - 2 <= cs and ce <= d1 + 2:
                continue
        if _unclosed(art, cs):
            continue
        if ADD_MISSED and not art.in_debris(cs):
            res.append(extractor._make(art, cs, ce, _attrs(extractor, art, a)))
    return res


def _redraw_content(extractor, art, res: list, a: Attribution) -> None:
    """The rules' indirect or mixed quotes cued by ``a.cue`` take the learned content (first to last segment:
    a content split by its cue is one span, as the rules keep it) where the two overlap."""
    cs, ce = min(s for s, _ in a.content), max(e for _, e in a.content)
    for k, q in enumerate(res):
        if q.label != "direct" and q.attrs.get("cue") and _overlap(tuple(q.attrs["cue"]), a.cue) \
                and _overlap((q.start, q.end), (cs, ce)) and (q.start, q.end) != (cs, ce):
            attrs = {x: v for x, v in q.attrs.items() if x != "quoted"}
            res[k] = extractor._make(art, cs, ce, attrs)
