"""Who a quote group speaks for, and whether a "direct" quote is the outlet's own paraphrase put inside
quotation marks (``quote_integrity``'s two judgements about voice rather than wording).

Rows are ``quote_integrity._renderings`` dicts: ``article_id``, ``kind`` (direct | mixed | indirect),
``text``, ``speaker``, ``_sur`` (speaker surname key), ``_label`` (PERSON | ORG | ...)."""
from __future__ import annotations

from collections import Counter

from storyscope.compare.quote_words import tokens, word_diff


def group_speaker(rows, idx, quoted_by) -> str | None:
    """Majority speaker of a group: persons first, then the speaker quoted most in the story."""
    names = [rows[i] for i in idx if rows[i]["speaker"]]
    if not names:
        return None
    votes = Counter(r["_sur"] for r in names)
    def rank(sur):
        persons = sum(1 for r in names if r["_sur"] == sur and r["_label"] == "PERSON")
        return (persons > 0, votes[sur], quoted_by[sur])
    best = max(votes, key=rank)
    full = [r["speaker"] for r in names if r["_sur"] == best]
    return max(full, key=lambda s: (len(s.split()), full.count(s)))


_THIRD = {"he", "his", "him", "she", "her", "hers"}
_FIRST = {"i", "me", "my", "we", "our", "us", "mine", "ours"}


def paraphrase_as_direct(rows, idx, i, derived_from) -> bool:
    """A direct quote whose words exist elsewhere only as indirect speech, when either the article
    derives from the one with the indirect version, or the 'quote' speaks of its speaker in
    the third person (he/his, no I/we): the outlet's paraphrase put inside quotation marks."""
    r = rows[i]
    others = [j for j in idx if rows[j]["article_id"] != r["article_id"]]
    if not others or any(rows[j]["kind"] != "indirect" and word_diff(rows[j]["text"], r["text"])[1] != "altered"
                         for j in others):
        return False
    indirect = [j for j in others if rows[j]["kind"] == "indirect"]
    if not indirect:
        return False
    keys = {k for _, k in tokens(r["text"])}
    if any((r["article_id"], rows[j]["article_id"]) in derived_from for j in indirect):
        return True
    return bool(keys & _THIRD) and not keys & _FIRST
