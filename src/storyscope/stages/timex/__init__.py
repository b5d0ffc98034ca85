"""Temporal expressions tagged and normalised to TIMEX3 values, in pure Python.

Rules are regular expressions over the raw text (`patterns`, one or a few per kind) and one
resolver per kind (`resolvers.RESOLVERS`) that anchors relative expressions on the publication
date (DCT) and on earlier expressions of the article. Direction (past or future) for weekdays,
bare months and "this ..." comes from a cheap tense heuristic (`tense`), which is why "said on
Friday" and "will vote on Sunday" land on different sides of the publication date. HeidelTime
(Strötgen & Gertz 2010) gets these right but needs Java and is ~100x slower; dateparser guesses
without the tense and gets several wrong.

An expression that cannot be anchored (no publication date) keeps an underspecified value
(``XXXX-03-07``) or ``None`` with ``resolved=False`` and a ``reason``; an impossible date
("32 March") gets no value and the reason ``invalid calendar date``.

Modules: `vocab` (word lists), `patterns` (candidates and their filters), `tense`, `calendar`
(dateutil / holidays arithmetic), `context`, the resolvers `absolute`, `relative`, `durations`,
`quarter`, the table `resolvers`, and `extract` (selection and spans).
"""
from __future__ import annotations

from storyscope.stages.registry import register
from storyscope.stages.timex.context import BAD_DCT, INVALID, NO_ANCHOR, NO_DCT
from storyscope.stages.timex.extract import extract_timexes

__all__ = ["BAD_DCT", "INVALID", "NO_ANCHOR", "NO_DCT", "extract_timexes", "run"]


@register("timex", "timex.v5", requires=(), adds=("timex",), reads_article=("published",))
def run(batch):
    """Pipeline stage: one ``timex`` layer per article, anchored on its publication date."""
    return [{"timex": extract_timexes(a.text, a.published)} for a, _ in batch]
