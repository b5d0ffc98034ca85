"""A story's actors: the mention keys of the actors layer unified across the story's articles
(``link_corpus_actors``), so "Bajwa" in one article is "Qamar Javed Bajwa" of another."""
from __future__ import annotations

from storyscope.record import Span
from storyscope.stages.actor_names import _subseq

def link_corpus_actors(per_article: dict[str, list[Span]]) -> dict[str, list[Span]]:
    """Unify keys across articles: a one-word or partial PERSON key maps to the corpus's
    one compatible full name (e.g. 'bajwa' -> 'qamar javed bajwa'); ambiguous ones stay."""
    fulls: dict[str, str] = {}
    for spans in per_article.values():
        for s in spans:
            if s.label == "PERSON" and len(s.attrs.get("actor", "").split()) >= 2:
                k = s.attrs["actor"]
                if len(s.attrs["canonical"]) > len(fulls.get(k, "")):
                    fulls[k] = s.attrs["canonical"]
    # collapse full names that are subsequences of a longer one ('qamar bajwa' < 'qamar javed bajwa')
    mapping: dict[str, str] = {}
    for k in fulls:
        sup = [f for f in fulls if f != k and _subseq(k.split(), f.split())]
        if len(sup) == 1:
            mapping[k] = sup[0]
    roles: dict[str, str] = {}
    for spans in per_article.values():
        for s in spans:
            if s.label == "PERSON" and s.attrs.get("role"):
                roles.setdefault(mapping.get(s.attrs["actor"], s.attrs["actor"]), s.attrs["role"])
    out: dict[str, list[Span]] = {}
    for aid, spans in per_article.items():
        new = []
        for s in spans:
            k = s.attrs.get("actor", "")
            target = mapping.get(k)
            if target is None and s.label == "PERSON" and len(k.split()) == 1:
                sup = {mapping.get(f, f) for f in fulls if _subseq(k.split(), f.split())}
                if len(sup) == 1:
                    target = sup.pop()
            if target:
                attrs = dict(s.attrs, actor=target, canonical=fulls[target],
                             role=s.attrs.get("role") or roles.get(target))
                new.append(Span(s.start, s.end, s.label, attrs))
            else:
                new.append(s)
        out[aid] = new
    return out

