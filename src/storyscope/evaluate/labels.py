"""Labelled decision units for ``storyscope eval findings`` (issue 15): format, loading, span matching.

A labels directory holds ``items.jsonl``, one decision unit per line, never article text:

    {"item_id": "s-1a2b3c4d5e", "kind": "sentence" | "quote" | "article", "event": "<gold story id>",
     "split": "dev" | "test", "spans": [{"id": "<jsonl id>", "start": 0, "end": 57, "sha1": "<hex>"}, ...],
     "origin": ["candidate", "product:corroborated", ...], "verdicts": {"<annotator>": "<verdict>"},
     "final": "<verdict>" | null}

``start``/``end`` are character offsets into the product's ``Article.text`` of the JSON Lines
record ``id`` (``events.product_text``); ``sha1`` is the sha1 of that span's text, so a label whose
text moved is detected instead of silently misapplied. Article-pair items span whole articles
(A = ``spans[0]``, B = ``spans[1]``; the verdict's direction refers to that order). Omission items
hold the fact's two passages and then the whole article judged (``spans[2]``).
"""
from __future__ import annotations

import json
import os

from storyscope import errors
from storyscope.evaluate.events import json_lines

KINDS = ("sentence", "quote", "article", "omission")
VERDICTS = {
    "sentence": ("same-proposition", "related-not-same", "contradiction", "unrelated", "unclear"),
    "quote": ("different-quote", "same-quote-meaning-changed", "same-quote-meaning-kept", "unclear"),
    "article": ("independent", "b-reuses-a", "a-reuses-b", "reuse-direction-unknown", "unclear"),
    "omission": ("stated", "not-stated", "facts-differ", "unclear"),
}
POSITIVE = {"sentence": {"same-proposition", "contradiction"}, "quote": {"same-quote-meaning-changed"},
            "article": {"b-reuses-a", "a-reuses-b", "reuse-direction-unknown"}, "omission": {"not-stated"}}

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
}


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
