"""Direct quotes: a linear scan pairing quotation marks per paragraph.

An unbalanced mark only loses its own paragraph and 10,000 marks cost milliseconds; a quote left
open at a paragraph's end continues when the next paragraph opens with a mark (the newspaper
convention), or over paragraphs without marks up to an unpaired closing mark (``_left_open``). Inch
marks (24") and apostrophes are not quotation marks.
"""
from __future__ import annotations

DOUBLE_OPEN, DOUBLE_CLOSE, DOUBLE_AMBIG = "“„‟«", "”»", '"'
SINGLE_OPEN, SINGLE_CLOSE, SINGLE_AMBIG = "‘‹", "’›", "'"
_OPEN_CTX = set(" \t([{—–-:;,/…") | set(DOUBLE_OPEN) | set(SINGLE_OPEN) | {'"', "'"}
LEFT_OPEN_PARAS = 4  # paragraphs a quote left open may run before its closing mark
_CLOSE_CTX = set(" \t)]}—–-:;,.!?/…") | set(DOUBLE_CLOSE) | set(SINGLE_CLOSE) | {'"', "'"}


def _marks(para: str, base: int, opens: str, closes: str, ambig: str, single: bool,
           blocked: list[tuple[int, int]] | None = None):
    """Pair marks in one paragraph. Returns (pairs, dangling_open) with absolute offsets of marks."""
    pairs, open_at = [], None
    n = len(para)
    allmarks = opens + closes + ambig
    bi = 0
    for i, c in enumerate(para):
        if c not in allmarks:
            continue
        if blocked:
            a = base + i
            while bi < len(blocked) and blocked[bi][1] <= a:
                bi += 1
            if bi < len(blocked) and blocked[bi][0] <= a < blocked[bi][1]:
                continue
        prev = para[i - 1] if i else " "
        nxt = para[i + 1] if i + 1 < n else " "
        can_open = (prev in _OPEN_CTX or i == 0) and nxt not in " \t"
        can_close = prev not in " \t" and (nxt in _CLOSE_CTX or i + 1 == n)
        if single:
            can_open = can_open and (nxt.isalnum() or nxt in "(…")
            can_close = can_close and not nxt.isalnum() and not (prev.isalpha() and c in "’'" and nxt == "s")
            if c in "’'" and prev.isalpha() and nxt.isalpha():
                continue  # apostrophe
        if c in opens and not can_open and can_close:
            kind = "close"
        elif c in closes and not can_close and can_open:
            kind = "open"
        elif c in opens:
            kind = "open"
        elif c in closes:
            kind = "close"
        else:
            kind = "close" if (open_at is not None and can_close) else ("open" if can_open else "close")
        if open_at is None:
            if kind == "open" and can_open or c in opens:
                open_at = i
        elif kind == "close" and (can_close or c in closes):
            if i > open_at + 1:
                pairs.append((base + open_at, base + i))
            open_at = None
        elif can_open:
            open_at = i  # a new opening while open: the earlier mark was unbalanced
    return pairs, (base + open_at if open_at is not None else None)


def _left_open(paras: list[tuple[int, str]], k: int, dangling: int, end: int,
               quoted_before: bool) -> list[tuple[int, int]]:
    """A quote left open at the end of paragraph ``k`` whose next paragraph does not reopen it: its
    segments when a later paragraph (within ``LEFT_OPEN_PARAS``, the ones between without marks) closes it
    with an unpaired closing mark (a tweet or statement quoted over several paragraphs, marked only at its
    two ends); else, when paragraph ``k`` quoted someone before (``quoted_before``: '“...,” Ada said.
    “... God help us.'), the rest of it if that ends a sentence of a few words; else nothing (a stray
    mark loses only its own paragraph)."""
    segs = [(dangling + 1, end)]
    for base, para in [p for p in paras[k + 1:] if p[1].strip()][:LEFT_OPEN_PARAS]:
        marks = [i for i, c in enumerate(para) if c in DOUBLE_OPEN + DOUBLE_CLOSE + DOUBLE_AMBIG]
        lead = base + len(para) - len(para.lstrip())
        if not marks:
            segs.append((lead, base + len(para.rstrip())))
            continue
        i = marks[0]
        c, prev = para[i], para[i - 1] if i else " "
        if c in DOUBLE_CLOSE or c in DOUBLE_AMBIG and prev not in " \t" and not prev.isdigit() and i > 0:
            segs.append((lead, base + i))
            return segs if all(b > a for a, b in segs) else []
        break
    base, para = paras[k]
    words = len(para[dangling + 1 - base:].split())
    return segs[:1] if quoted_before and words >= 3 and para.rstrip()[-1:] in ".!?…" else []


def find_direct(text: str) -> list[tuple[int, int, int]]:
    """Direct quote segments as (content_start, content_end, group) without the marks.

    ``group`` links the paragraphs of one multi-paragraph quote."""
    out: list[tuple[int, int, int]] = []
    paras = []
    pos = 0
    for line in text.split("\n"):
        paras.append((pos, line))
        pos += len(line) + 1
    group = 0
    pending = None  # group of a quote left open at the previous paragraph's end
    for k, (base, para) in enumerate(paras):
        if not para.strip():
            continue
        pairs, dangling = _marks(para, base, DOUBLE_OPEN, DOUBLE_CLOSE, DOUBLE_AMBIG, False)
        lead = base + len(para) - len(para.lstrip())
        for a, b in pairs:
            if pending is not None and a == lead:
                out.append((a + 1, b, pending))
            else:
                group += 1
                out.append((a + 1, b, group))
            pending = None
        if dangling is not None:
            # continues only if the next non-empty paragraph opens with a mark
            nxt = next((p for p in paras[k + 1:] if p[1].strip()), None)
            end = base + len(para.rstrip())
            if nxt and nxt[1].lstrip()[:1] in DOUBLE_OPEN + DOUBLE_AMBIG and end > dangling + 1:
                g = pending if (pending is not None and dangling == lead) else group + 1
                group = max(group, g)
                out.append((dangling + 1, end, g))
                pending = g
                continue
            if pending is None or dangling != lead:
                closed = _left_open(paras, k, dangling, end, bool(pairs))
                if closed:
                    group += 1
                    out.extend((a, b, group) for a, b in closed)
        pending = None
        blocked = [(a, b + 1) for a, b in pairs]
        spairs, _ = _marks(para, base, SINGLE_OPEN, SINGLE_CLOSE, SINGLE_AMBIG, True, blocked)
        for a, b in spairs:
            if b - a <= 400:
                group += 1
                out.append((a + 1, b, group))
    out.sort()
    return out

