"""Second look at lone articles when a grouping run ends ("relink").

Online assignment decides each article once, against the stories as they stand when it arrives.
An article that arrives before its event's story has grown (its first report was thin, or
worded from another angle) opens a story of its own, and the merge check looks at it again only
when one of the ``k`` stories nearest a growing story's centroid is it. So when a run of
``OnlineClusterer.add`` calls ends (``Workspace.group``: every article stored since the last
run), each story this run opened that still holds only its first article, and whose article's
best candidate scored at least ``Params.relink_floor`` on arrival (some story came near it), is scored once more,
as an article, against its candidate stories (``Scoring._candidates``, the same pair model and
date window) that gained articles **after** it was opened: the ones it has not already been
scored against in their present form. It joins the best of them when P(same event) reaches
``Params.relink_threshold`` (below the join threshold: the story it now matches has grown
around its event, and nothing joined the lone article in the meantime). A lone article is
looked at once; the stories it is scored against are not re-checked in turn.

An untitled lone article (no headline: embedded from its body's first sentences, so its pair
probabilities against a grown story run low) is scored, once one of its candidates has grown since
it opened, against all of them, and joins at ``Params.relink_untitled`` (0.075): measured on the
three dev files with their headlines removed, and with half their events cut to one article
(BENCHMARKS.md, "Stories (issue 16)", session 9). A run of one article still changes nothing.

Cost: one candidate search and at most ``k`` (+ ``lexical_k``) pair scores per lone article looked at (the floor
leaves out most lone articles of a long stream: 499 of 3,531 at 5,000 articles of the bench's
stream). Thresholds (0.15, floor 0.05) and their checks: BENCHMARKS.md, "Stories (issue 16)",
session 8.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storyscope.stories.online import OnlineClusterer


def relink(oc: "OnlineClusterer") -> int:
    """Join the lone articles of the run that just ended to the story they now match (see module
    docstring); merged stories are recorded as the merge check's are (the survivor is the earlier
    story). Forgets the run. Returns the number of lone articles joined."""
    opened, touched = oc._run_opened, oc._run_touched
    thr = oc.p.relink_threshold
    joined = 0
    for t, (at, titled) in sorted(opened.items()) if thr <= 1.0 else ():
        if len(oc._stories[t].article_ids) != 1:
            continue
        a = oc._story_features(t)
        a.titled = titled
        idx, sims, gaps = oc._candidates(a)
        grown = [touched.get(s, -1) > at for s in idx.tolist()]
        if titled:        # only the stories grown since; untitled: all of them, once one has grown
            idx, sims, gaps = idx[grown], sims[grown], gaps[grown]
        elif not any(g for s, g in zip(idx.tolist(), grown) if s != t):
            continue
        best, best_score = None, -1.0
        for s, sim, gap in zip(idx.tolist(), sims.tolist(), gaps.tolist()):
            if s == t:
                continue
            sc = oc.score(a, s, sim, gap)
            if sc > best_score:
                best, best_score = s, sc
        if best is not None and best_score >= (thr if titled else oc.p.relink_untitled):
            oc._merge(min(t, best), max(t, best))
            joined += 1
    opened.clear()
    touched.clear()
    return joined
