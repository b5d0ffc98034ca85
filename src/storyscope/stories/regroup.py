"""Re-grouping inside ``OnlineClusterer``: the merge check ("two are one"), merging, and the split check.

After a join, story ``s``'s aggregate is scored against its candidate stories as if it were one
article (``_story_features``); a small story (``Params.merge_max`` articles or fewer) whose
probability reaches ``Params.merge_threshold`` is merged into the earlier one, using the mean
embedding similarity over all cross pairs (exact from the sums) rather than the centroids' cosine.
A story of at most ``Params.split_max`` articles is re-checked after a merge and when its size
reaches one of ``CHECK_SIZES`` (``stories.split``). ``Regrouping`` is a mixin over the clusterer's
stories, arrays and index (see ``stories.online`` for the model); ``stories.relink`` merges through
``_merge`` too.
"""
from __future__ import annotations

import numpy as np

from storyscope.stories.features import ArrayTerms, Features
from storyscope.stories.split import apply_split, split_parts
from storyscope.stories.state import Story, no_terms

CHECK_SIZES = frozenset({4, 8, 16, 32, 64})   # story sizes at which a join re-checks it (doubling: ~2 scores per article)


class Regrouping:
    """The merge and split half of ``OnlineClusterer`` (moved out of ``online.py`` unchanged)."""

    def _story_features(self, s: int) -> Features:
        """A story seen as one article: its centroid, summed terms, names and span as anchors."""
        st = self._stories[s]
        span = tuple(x for x in (st.start, st.end) if x is not None)
        k, v = st.terms          # sorted unique keys: the arrays ``features._arrays`` would make of the dict
        v = v.astype(np.float64)
        # the story's own event keys, read only (``event._summary`` keeps one summary per key set and cut)
        return Features(self._C[s].copy(), ArrayTerms(k, v), dict(st.ents), None, span, st.event, _arr=(k, v))

    def _maybe_merge(self, s: int, titled: bool = True) -> int:
        """After story ``s`` grew, merge it with the story its aggregate now matches, if any.

        An article written from a different angle (a feature, a reaction) may open its own
        story before the articles that bridge it to the main one arrive; once they have, the
        two stories' aggregates score like one story and are merged into the earlier one.
        ``titled``: whether the article that grew it has a headline (``event.PairModel`` weighs
        pairs of untitled articles with their own weights). Returns the index of the surviving story.
        """
        st = self._stories[s]
        if len(st.article_ids) < 2:
            return s
        g = self._story_features(s)
        g.titled = titled
        idx, _, gaps = self._candidates(g)
        best, best_score = None, -np.inf
        for t, gap in zip(idx.tolist(), gaps.tolist()):
            if t == s:
                continue
            other = self._stories[t]
            if min(len(other.article_ids), len(st.article_ids)) > self.p.merge_max:
                continue
            if len(other.article_ids) == 1:
                # a lone article is scored against the grown story as if it arrived now
                a = self._story_features(t)
                a.titled = titled
                sc = self.score(a, s)
            else:
                # mean embedding similarity over all cross pairs (exact from the sums): unlike the
                # centroids' cosine it does not grow with story size, so broad stories do not fuse
                pair = float(st.emb_sum @ other.emb_sum) / (len(st.article_ids) * len(other.article_ids))
                sc = self.score(g, t, pair, gap)
            if sc > best_score:
                best, best_score = t, sc
        if best is None or best_score < self.p.merge_threshold:
            return s
        keep, gone = min(s, best), max(s, best)
        self._merge(keep, gone)
        return keep

    def _merge(self, keep: int, gone: int) -> None:
        a, b = self._stories[keep], self._stories[gone]
        self._journal.merged[b.id] = a.id
        for aid, head in zip(b.article_ids, b.heads):
            a.article_ids.append(aid)
            a.heads.append(head)
            if head[3] and head[3] not in a.outlets:
                a.outlets.append(head[3])
            self._by_article[aid] = keep
        spans = [x for x in (a.start, a.end, b.start, b.end) if x is not None]
        a.start, a.end = (min(spans), max(spans)) if spans else (None, None)
        a.mentions = sorted(set(a.mentions) | set(b.mentions))[-Story.MAX_MENTIONS:]
        a.emb_sum += b.emb_sum
        a.add_terms(*b.terms)
        a.ents.update(b.ents)
        a.event.add(b.event)
        a._w = None
        self._run_touched[keep] = self._seq
        self._stories[gone] = Story(b.id, [], [], [], None, None, [], np.zeros(self.dim), no_terms())
        self._ids.discard(b.id)
        self._sync(keep)
        self._kill(gone)
        if self._ivf is not None:
            self._ivf.move(keep, self._C[keep])

    def _maybe_split(self, s: int, merged: bool) -> None:
        """Re-check story ``s`` after a merge or when its size reaches a check size; split it if its members
        fall apart (``split.split_parts``). Past ``split_max`` articles its members' features are let go."""
        st = self._stories[s]
        m = len(st.article_ids)
        if m > self.p.split_max:
            for a in st.article_ids if merged or m == self.p.split_max + 1 else st.article_ids[-1:]:
                self._feats.pop(a, None)
            return
        if merged or m in CHECK_SIZES:
            parts = split_parts(self, s)
            if parts:
                self._split(s, parts)

    def _split(self, s: int, parts: list[list[int]]) -> None:
        """Story ``s`` becomes ``parts`` (member positions; ``split.apply_split``)."""
        apply_split(self, s, parts)
