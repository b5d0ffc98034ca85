"""Split an article's text into segments carrying the layers that cover them (for highlighting)."""
from __future__ import annotations

from storyscope.record import Span

SHOWN = ("debris", "quotes", "actors", "timex")


def highlight_layers(text: str, layers: dict[str, list[Span]]) -> list[dict]:
    """[{"text", "classes": [...], "title"}] covering the whole text, segmented at every span edge."""
    spans = [(s.start, s.end, name, s) for name in SHOWN for s in layers.get(name, []) if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *[x for s in spans for x in s[:2]]})
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, (s, e, _, _) in enumerate(spans):
        starts.setdefault(s, []).append(i)
        ends.setdefault(e, []).append(i)
    active: set[int] = set()  # a sweep over the cuts: linear in spans, not spans x segments
    out = []
    for a, b in zip(cuts, cuts[1:]):
        active.difference_update(ends.get(a, ()))
        active.update(starts.get(a, ()))
        cover = [spans[i][2:] for i in sorted(active)]
        classes = sorted({f"hl-{name}" for name, _ in cover})
        titles = []
        for name, sp in cover:
            if name == "timex":
                titles.append(f"date: {sp.attrs.get('value') or 'unresolved'}")
            elif name == "quotes":
                titles.append(f"quote ({sp.label}) — {sp.attrs.get('speaker_canonical') or sp.attrs.get('speaker_text') or 'speaker unknown'}")
            elif name == "actors":
                titles.append(f"{sp.label}: {sp.attrs.get('canonical', '')}")
            else:
                titles.append(f"debris: {sp.label}")
        out.append({"text": text[a:b], "classes": classes, "title": "; ".join(dict.fromkeys(titles))})
    return out
