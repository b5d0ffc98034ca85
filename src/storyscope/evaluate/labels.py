"""Labelled decision units for ``storyscope eval findings`` (issue 15): format, loading, span matching.

A labels directory holds ``items.jsonl``, one decision unit per line, never article text:

    {"item_id": "s-1a2b3c4d5e", "kind": "sentence" | "quote" | "article" | "omission" | "framing" | "timeline",
     "event": "<gold story id>", "split": "dev" | "test" | "dev-extra" | "test-extra" | "unlabelled",
     "spans": [{"id": "<jsonl id>", "start": 0, "end": 57, "sha1": "<hex>"}, ...],
     "origin": ["candidate", "product:corroborated", ...], "verdicts": {"<annotator>": "<verdict>"},
     "final": "<verdict>" | null}

``start``/``end`` are character offsets into the product's ``Article.text`` of the JSON Lines
record ``id`` (``events.product_text``); ``sha1`` is the sha1 of that span's text, so a label whose
text moved is detected instead of silently misapplied. Article-pair items span whole articles
(A = ``spans[0]``, B = ``spans[1]``; the verdict's direction refers to that order). Omission items
hold the fact's two passages and then the whole article judged (``spans[2]``).

Framing and timeline items judge one finding the product showed, so they also hold ``finding``: what
was claimed about the span, as values and hashes, never text. Framing: ``spans[0]`` = the term,
``finding = {"concept_id", "family", "voice", "referent_sha1"}`` (``referent_sha1`` = sha1 of the
referent's name as shown and the family, ``referent_key``; ``family`` is the lexicon's family name, null for
a data-driven contrast, whose "family" is the article's own word); timeline: ``spans[0]`` = the sentence the entry rests on,
``finding = {"date", "precision", "label_sha1"}`` (sha1 of the entry's label). A finding matches an
item only when these agree too, so a verdict never carries over to a changed claim.

Splits: the 25 fully listed events are ``dev`` / ``test``; items on the other BASIL events are
``dev-extra`` / ``test-extra`` by ``extra_split`` (precision only: their positives are not listed).
"""
from __future__ import annotations

import hashlib
import json
import os

from storyscope import errors
from storyscope.evaluate.events import json_lines

KINDS = ("sentence", "quote", "article", "omission", "framing", "timeline")
VERDICTS = {
    "sentence": ("same-proposition", "related-not-same", "contradiction", "unrelated", "unclear"),
    "quote": ("different-quote", "same-quote-meaning-changed", "same-quote-meaning-kept", "unclear"),
    "article": ("independent", "b-reuses-a", "a-reuses-b", "reuse-direction-unknown", "unclear"),
    "omission": ("stated", "not-stated", "facts-differ", "unclear"),
    "framing": ("correct", "wrong-referent", "not-naming", "family-wrong", "wrong-voice", "unclear"),
    "timeline": ("correct", "wrong-date", "unreadable-label", "not-an-event", "unclear"),
}
POSITIVE = {"sentence": {"same-proposition", "contradiction"}, "quote": {"same-quote-meaning-changed"},
            "article": {"b-reuses-a", "a-reuses-b", "reuse-direction-unknown"}, "omission": {"not-stated"},
            "framing": {"correct"}, "timeline": {"correct"}}

QUESTIONS = {
    "sentence": (
        "Passages A and B come from two outlets' articles on the same news event (the sentence before and "
        "after each is context only). Judge the passages A.text and B.text. "
        "same-proposition: both state the same proposition: the same who and the same what (and the same where "
        "and when wherever both give them); wording, attribution phrasing ('X said', 'according to X') and voice "
        "may differ; one may add a detail, but the main claim of each must be the other's main claim. "
        "related-not-same: the same matter or topic, but a different proposition (a different detail, action, "
        "quantity of a different thing, or only part of one is in the other). "
        "contradiction: they state incompatible things about the same matter: one explicitly denies what the other "
        "asserts, or they give different values of the same quantity of the same event, or one negates the same "
        "proposition. Never a paraphrase, never two people on the same side. "
        "unrelated: different matters. unclear: you cannot tell from the passages (use sparingly)."),
    "quote": (
        "A and B are renderings of spoken or written words (direct quotes, or reported speech) in two outlets' "
        "articles on the same news event; the sentence before and after is context. First: are they the same "
        "quote of the same speaker (the same statement on the same occasion, possibly trimmed, one possibly a part "
        "of the other)? If not: different-quote. If yes: same-quote-meaning-changed when the meaning changes "
        "between them: a negation added or removed, an antonym, a different number, or a content word replaced by "
        "a word that is not a synonym; same-quote-meaning-kept when they differ only by a trim, an ellipsis, a "
        "spelling or transliteration variant (Gadhafi/Qaddafi), a contraction (that's/that is, okay/OK), case or "
        "punctuation, or a faithful reported-speech rendering. unclear: you cannot tell."),
    "article": (
        "A and B are two outlets' full articles on the same news event. Does one reuse the other's narrative text: "
        "passages near-verbatim or paraphrased sentence by sentence, in the same order, OUTSIDE quotation marks? "
        "Both quoting the same statement, speech or press release is NOT reuse; shared boilerplate, templates, "
        "footers or standard phrases count for nothing; covering the same facts in their own words is NOT reuse. "
        "Verdicts: independent; b-reuses-a (B derives from A); a-reuses-b (A derives from B); "
        "reuse-direction-unknown (one reuses the other but you cannot tell which; both may copy a common wire "
        "story); unclear."),
    "omission": (
        "Passages A and B come from two outlets' articles on a news event; C is a third outlet's full article on "
        "the same event. First: do A.text and B.text state the same fact (same who, what, and where/when "
        "wherever both give them)? If not: facts-differ. If they do: does article C state that fact anywhere, in "
        "any words (a paraphrase, a summary that includes it, or a quote stating it all count)? stated or "
        "not-stated. unclear: you cannot tell."),
    "framing": (
        "A tool that compares how outlets word a news event claims that, in the passage shown, the outlet names "
        "a referent (the thing, event or group given as `referent`) with the marked term (`term`, at its place "
        "in `text`; `sentence` is the whole sentence when the term is part of it; before/after are context). "
        "The tool files the term under `family`, one way of naming a kind of thing (`concept`), and says whose "
        "voice uses it (`voice`: 'the outlet's own words' - indirect speech the outlet writes counts as its own "
        "words - or 'inside quotation marks'). When `other` is given, the referent is whatever the other "
        "outlet's marked term names in its sentence. "
        "correct: the term, as used here, names that referent (it refers to that very thing, not to something "
        "near it), the family fits the referent (a death from illness is not 'a death caused by others'), and "
        "the voice is right. wrong-referent: the term names something else (another event, place, group or "
        "person). not-naming: the term names nothing of the kind here: part of another expression "
        "('coup-prone country' does not call an ouster a coup), another sense of the word, a negated or "
        "hypothetical mention ('it was not a coup', 'could lead to war'). family-wrong: it names the referent "
        "but the family or concept does not fit it. wrong-voice: it names the referent, but the voice given is "
        "wrong (own words vs. inside quotation marks). When several apply, the first in this order: "
        "not-naming, wrong-referent, family-wrong, wrong-voice. unclear: you cannot tell."),
    "timeline": (
        "A tool lists the dated events of a news story. Each item gives the tool's `label` for an event, its "
        "`date` (at the `precision` given: day, month or year) and the sentence it rests on (`text`, with the "
        "sentence before and after as context) from an article published on `published`. "
        "correct: the sentence states an event (something that happened, or is scheduled: an action, a "
        "decision, a vote, a death, a statement, a release), the date is the date of that event as the text "
        "states it (a relative date such as 'Tuesday' or 'last week' read against the publication date; right "
        "at the precision given), and the label is a whole readable clause stating that event (it may shorten "
        "the sentence, but is not cut mid-phrase, not a fragment without its verb, and says what happened). "
        "not-an-event: the date is not the date of an event: a holiday or season named as such, a period "
        "('this year', 'since 2002' as a duration), an age, a date that is part of a name or title. "
        "wrong-date: an event, but the date given is not its date (another event's date in the sentence, a "
        "relative date resolved wrongly, a wrong year). unreadable-label: event and date are right but the "
        "label is clipped, a fragment, or does not say what happened. When several apply, the first in this "
        "order: not-an-event, wrong-date, unreadable-label. unclear: you cannot tell."),
}


def extra_split(event: str) -> str:
    """``"test-extra"`` for one in five events (by the sha1 of the event id), else ``"dev-extra"``: the split
    of an event outside the 25 fully listed ones (deterministic, independent of the product)."""
    return "test-extra" if int(hashlib.sha1(event.encode("utf-8")).hexdigest(), 16) % 5 == 0 else "dev-extra"


def referent_key(referent: str, family: str) -> str:
    """sha1 (hex) of a framing finding's referent name and term family, as ``finding.referent_sha1``."""
    return hashlib.sha1(f"{referent}|{family}".encode("utf-8")).hexdigest()


def label_key(label: str) -> str:
    """sha1 (hex) of a timeline entry's label, as ``finding.label_sha1``."""
    return hashlib.sha1(label.encode("utf-8")).hexdigest()


def items_path(labels_dir: str) -> str:
    return os.path.join(labels_dir, "items.jsonl")


def load_items(labels_dir: str) -> list[dict]:
    """Items of a labels directory (see the module docstring).

    Raises ``errors.InputError`` naming the file when it is missing or holds a bad line."""
    path = items_path(labels_dir)
    out = []
    for n, it in json_lines(path):
        for f in ("item_id", "kind", "event", "spans"):
            if f not in it:
                raise errors.InputError(path, errors.MISSING_FIELD.format(line=n, field=f))
        if it["kind"] not in KINDS:
            raise errors.InputError(path, errors.BAD_LABEL.format(line=n, value=it["kind"], allowed=", ".join(KINDS)))
        if it.get("final") is not None and it["final"] not in VERDICTS[it["kind"]]:
            raise errors.InputError(path, errors.BAD_LABEL.format(
                line=n, value=it["final"], allowed=", ".join(VERDICTS[it["kind"]])))
        out.append(it)
    return out


def save_items(labels_dir: str, items: list[dict]) -> None:
    """Write ``items.jsonl`` (one item per line, keys sorted, stable order by item_id)."""
    os.makedirs(labels_dir, exist_ok=True)
    with open(items_path(labels_dir), "w", encoding="utf-8") as fh:
        for it in sorted(items, key=lambda x: x["item_id"]):
            it = {"verdicts": {}, "final": None, **it}
            fh.write(json.dumps(it, sort_keys=True, ensure_ascii=False) + "\n")


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Overlap of two character ranges as the smaller of the two shares each covers of the other (0..1)."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return min(inter / max(1, a[1] - a[0]), inter / max(1, b[1] - b[0]))


def span_match(label_span: dict, ev: tuple[str, int, int], min_overlap: float) -> bool:
    """Whether a label span ``{"id", "start", "end"}`` and an evidence span ``(jsonl id, start, end)``
    cite the same passage: same record, each range covering at least ``min_overlap`` of the other."""
    return label_span["id"] == ev[0] and overlap((label_span["start"], label_span["end"]), ev[1:]) >= min_overlap


def pair_matches(item: dict, a: tuple[str, int, int], b: tuple[str, int, int], min_overlap: float) -> bool:
    """Whether the first two spans of ``item`` match the unordered evidence pair (a, b)."""
    s, t = item["spans"][:2]
    return (span_match(s, a, min_overlap) and span_match(t, b, min_overlap)) or \
        (span_match(s, b, min_overlap) and span_match(t, a, min_overlap))


def find_pair(index: dict, a: tuple[str, int, int], b: tuple[str, int, int], min_overlap: float,
              third: str | None = None) -> dict | None:
    """The labelled item whose first two spans match the unordered evidence pair (a, b), or None;
    with ``third`` (a jsonl id), only an item whose third span is that record (omission items).

    ``index`` maps an unordered pair of jsonl ids to its items (``pair_index``)."""
    for it in index.get(frozenset((a[0], b[0])), ()):
        if third is not None and (len(it["spans"]) < 3 or it["spans"][2]["id"] != third):
            continue
        if pair_matches(it, a, b, min_overlap):
            return it
    return None


def pair_index(items: list[dict], kind: str) -> dict:
    """``{frozenset of the two spans' jsonl ids: [items]}`` for the items of ``kind`` that carry a final verdict."""
    idx: dict = {}
    for it in items:
        if it["kind"] == kind and it.get("final") and it["final"] != "unclear":
            idx.setdefault(frozenset(s["id"] for s in it["spans"][:2]), []).append(it)
    return idx
