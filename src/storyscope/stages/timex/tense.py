"""A cheap tense cue for a timex: the nearest past / future / present word in its sentence.

Direction (past or future) for weekdays, bare months and "this ..." comes from this heuristic,
which is why "said on Friday" and "will vote on Sunday" land on different sides of the
publication date, without a parser (the stage must stay ~100x faster than HeidelTime).
"""
from __future__ import annotations

import bisect
import re

PAST, UNKNOWN, FUTURE, PRESENT = -1, 0, 1, 2

_FUTURE = {"will", "'ll", "shall", "wo", "gonna", "upcoming", "scheduled", "plans", "plan",
           "expected", "expects", "due", "set", "faces", "face", "slated", "aims",
           "intends", "hopes", "planned", "next", "tomorrow", "begins", "starts", "opens", "ahead", "soon",
           "ends", "closes", "expires", "resumes", "convenes", "reopens", "kicks"}
_PAST = {"was", "were", "had", "did", "said", "told", "ago", "went", "came", "made", "took", "gave",
         "got", "met", "held", "left", "lost", "won", "began", "fell", "rose", "sold", "bought", "paid",
         "saw", "found", "thought", "became", "knew", "sent", "spent", "led", "brought", "struck",
         "wrote", "spoke", "ran", "hit", "put", "cut", "shot", "quit", "broke", "chose", "drove",
         "flew", "fought", "grew", "hung", "kept", "meant", "read", "rode", "sat", "stood", "swore",
         "taught", "threw", "wore", "yesterday", "last", "earlier", "been", "felt", "heard", "let",
         "set", "since"}
_FUTURE_WEAK = {"planning", "could", "would", "might"}
_PRESENT = {"is", "are", "am", "says", "say", "has", "have", "does", "do"}
_NOT_ED = {"need", "speed", "feed", "seed", "bed", "red", "hundred", "indeed", "proceed", "exceed",
           "succeed", "united", "based", "shed", "bred", "sped", "led", "wed", "breed", "greed",
           "weed", "reed", "deed", "embed", "naked", "sacred", "wicked", "beloved", "alleged",
           "supposed", "so-called", "related", "limited", "interested", "concerned"}
_SPEECH = {"said", "says", "say", "told", "added", "stated", "announced", "reported", "wrote"}
_AUX = {"was", "were", "is", "are", "am", "be", "been", "has", "have", "had", "s"}
_PAST_PLAN = re.compile(r"\bhad\s+been\s+$")
_TO_VERB = re.compile(r"\s+to\s+(?!be\b)[a-z]+")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|'ll")
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")


_NO_END = re.compile(r"(?:\b(?:[A-Z]|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|Gen|Gov|Sen|Rep|"
                     r"Lt|Col|Sgt|Capt|Prof|Inc|Corp|Co|No|U\.S|[ap]\.m)\.)$")
_NO_START = re.compile(r"(?:\d|(?:[ECMP][SD]T|GMT|UTC)\b|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)")


def sentence_starts(text: str) -> list[int]:
    """Start offsets of the sentences of ``text``: a punctuation split (enough for tense cues) that
    does not end a sentence inside "Oct. 23", "9 a.m. EST" or "5 p.m. Tuesday"."""
    out = [0]
    for m in _SENT_END.finditer(text):
        dot = m.start()
        if _NO_END.search(text, max(0, dot - 6), dot) and _NO_START.match(text, m.end()):
            continue
        out.append(m.end())
    return out


def sentence_of(bounds: list[int], length: int, pos: int) -> tuple[int, int]:
    """(start, end) of the sentence holding offset ``pos``, from ``sentence_starts``."""
    i = bisect.bisect_right(bounds, pos) - 1
    return bounds[i], bounds[i + 1] if i + 1 < len(bounds) else length


def _skip(text: str, te: int, w: str) -> bool:
    """Cue words that are not tense cues in this use ("set up", "next to", "was expected to" -> future)."""
    if w in ("set", "due") and not re.match(r"\s+(?:to|for)\b", text[te:te + 5]):
        return True
    if w in ("going", "plans", "plan", "planned", "planning") and text[te:te + 3] != " to":
        return True
    if w == "next" and text[te:te + 3] == " to":
        return True
    if w in _AUX:
        nxt = re.match(r"\s+(?:not\s+)?([A-Za-z]+)", text[te:te + 30])
        if nxt and (nxt.group(1).lower() in _FUTURE or nxt.group(1).lower() in _FUTURE_WEAK
                    or nxt.group(1).lower() == "going"):
            return True
    return False


def _cue(w: str) -> int:
    if w in _FUTURE or w in _FUTURE_WEAK or w.endswith("'ll") or w == "going":
        return FUTURE
    if w in _PAST or (w.endswith("ed") and len(w) > 4 and w not in _NOT_ED) or w.endswith("'d"):
        return PAST
    if w in _PRESENT:
        return PRESENT
    return UNKNOWN


def tense(text: str, bounds: list[int], start: int, end: int) -> int:
    """PAST (-1), FUTURE (+1), PRESENT (2) or UNKNOWN (0): the nearest tense cue in the timex's sentence.

    Distance is counted in words, cues after the timex weigh a little less, and an auxiliary
    followed by a future cue ("were planning to", "is expected to") yields to that cue.
    """
    text = text.replace("\u2019", "'")  # curly apostrophes: "He\u2019ll" is future tense
    s0, s1 = sentence_of(bounds, len(text), start)
    toks = [(m.end(), m.group().lower()) for m in _WORD.finditer(text, s0, s1)]
    before = [t for t in toks if t[0] <= start]
    after = [t for t in toks if t[0] - len(t[1]) >= end]
    comma = text.find(",", end, s1)
    if comma >= 0 and any(_cue(w) != UNKNOWN for _, w in before):
        # "will vote on Sunday, officials said": the speech frame is not the tense of the clause before it
        after = [t for t in after if t[0] <= comma or t[1] not in _SPEECH]
    seq = [(len(before) - j, t) for j, t in enumerate(before)] + [(j + 1.5, t) for j, t in enumerate(after)]
    best = (10 ** 9, UNKNOWN)
    for dist, (te, w) in seq:
        if _skip(text, te, w):
            continue
        v = _cue(w)
        if v == FUTURE and _PAST_PLAN.search(text, max(0, te - len(w) - 12), te - len(w)):
            v = PAST  # "had been due to expire Friday": a plan of the past
        elif w in ("is", "are") and _TO_VERB.match(text, te):
            v = FUTURE  # "is to resume trading Tuesday"
        if v != UNKNOWN and dist < best[0]:
            best = (dist, v)
    return best[1]
