"""The structural tests of a dispute (issue 15, section 2), over analysed claims (``claims.analyse_sentence``).

Two claims dispute each other only in one of three shapes, each reduced to one same-proposition question
that the same-claim pair model (``compare.pairs.same_claim_prob``) answers (``disputes.decide_pairs``):

- **denial**: one source explicitly denies / rejects / disputes a content ("X denied that P", "X rejected
  Y's claim that P"); the question is whether the denied content P states the other claim's assertion.
- **value**: both state a value of the same unit (a count of one noun, a percentage, a sum of money, a
  year or a day) and the values differ beyond rounding, neither hedged ("about", "at least"), given as a
  range around the other, nor an update ("rose to", "so far"); the question is whether the two claims state
  the same proposition once their numbers and dates are masked.
- **negation**: one negates ("never asked for bases") what the other asserts ("asked for bases"); the
  question is whether the polarity-neutralised negated claim states the other claim.

These are the contradiction classes of de Marneffe, Rafferty and Manning, "Finding Contradictions in
Text" (ACL 2008) that can be checked structurally: explicit negation/denial and numeric/date mismatch.
This module finds the structural cue and the texts to compare; ``disputes`` asks the model and decides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleSettings:
    """Values of the structural tests (what counts as a cue; the decision is ``disputes.DisputeSettings``').

    min_content_words: a denied content or claim text needs this many words to be compared.
    rounding: two values within this relative difference are one value rounded (35.7 vs 36 percent).
    hedge_window: tokens before a number searched for a hedge or an update cue.
    approximate: an approximate value ("about 15") conflicts with another only beyond this relative difference.
    min_shared: the other text holds at least this share of the denied / negated / masked text's content
        words (``shared``), so a pair about other things never reaches the model (``min_shared_denial`` for a
        denied content, which names its proposition more tersely than the assertion); min_shared_back: for a
        negation, the share of the asserting text's words the negated one holds (a negated fragment is not
        the negation of a long sentence that mentions its words), and the negated word must be in both.
    """
    min_content_words: int = 3
    rounding: float = 0.02
    hedge_window: int = 3
    min_shared: float = 0.6
    min_shared_denial: float = 0.5
    min_shared_back: float = 0.4
    approximate: float = 0.15


RULES = RuleSettings()

KINDS = ("denial", "value", "negation")
# a bound or a part ("more than 12", "another 5", "No. 2") is not a value of the whole quantity
HEDGES = {"over", "more", "less", "fewer", "least", "most", "under", "up", "upwards", "than", "between", "only",
          "just", "another", "additional", "extra", "other", "per", "each", "every", "no", "number"}
# an approximation conflicts only beyond ``RuleSettings.approximate`` ("roughly 520,000" vs "400,000")
APPROX = {"about", "around", "roughly", "approximately", "nearly", "almost", "some", "close", "estimated"}
UPDATE = re.compile(r"\b(so far|rose|risen|rising|climbed|jumped|grew|grown|increased|decreased|dropped|fell|"
                    r"fallen|up from|down from|now|latest|updated|revised|toll)\b", re.I)
RANGE = re.compile(r"\b(between|from)\b", re.I)
NEG = re.compile(r"\s*\b(not|never|no longer)\b|n[’']t\b", re.I)
# a negated claim about "it" / "that" / "he": whose proposition it negates is not in the sentence
PRONOUN_SUBJECT = re.compile(r"(?i)^\W*(he|she|they|it|that|this|these|those|i|we|you|there)\b")
MASK = "N"
QUOTE_MARK = re.compile("[\"“”]")
# "can neither confirm nor deny", "did not deny", "declined to dispute": no denial
NOT_DENIED = re.compile(r"(?i)\b(nor|not|n[’']t|never|declin\w* to|refus\w* to|without|could|would|might|may|can|"
                        r"will|to)\s+(\w+\s+)?"
                        r"(den|reject|dismiss|disput|refut|rebut|contradict)")
# "rejected the claim that ...", "dismissed reports that ...": a rejected proposition, not a rejected proposal
PROPOSITION_OBJECT = re.compile(r"(?i)\b(reject|dismiss)\w*\s+((\S+\s+){0,4}?(claims?|allegations?|accusations?|"
                                r"reports?|suggestions?|notion|idea|assertions?|charges?|statements?|insistence)\s+)?that\b")
# a denied content is a proposition: a verb form, not a bare noun phrase ("disputed the characterization")
VERBISH = re.compile(r"(?i)\b(is|are|was|were|be|been|being|has|have|had|did|does|do|will|would|could|can|should|"
                     r"to\s+\w+|\w+ed|\w+ing)\b")
# "statements made by the White House that P" -> P
CLAIM_OF = re.compile(r"(?i)^.{0,80}?\b(claims?|allegations?|accusations?|reports?|suggestions?|notion|idea|"
                      r"assertions?|charges?|statements?|insistence)\b[^.]{0,60}?\bthat\s+")
# a sentence that counters what it reports is no plain assertion ("the e-mails belied the insistence that P")
COUNTER = re.compile(r"(?i)\b(den(y|ies|ied|ial)|reject\w*|dismiss\w*|disput\w*|refut\w*|rebut\w*|contradict\w*|"
                     r"belie\w*|false(ly)?|untrue|baseless|unfounded|no evidence|debunk\w*|lie[sd]?)\b")


def _last(name) -> str:
    return (name or "").split()[-1].lower().strip(".,'’") if name else ""


def holder(c: dict) -> str:
    """Who holds a claim: its speaker, else whoever ``attributed_to`` names (an outlet's own voice)."""
    return c.get("speaker") or c.get("attributed_to") or "the outlet"


def denied_contents(c: dict, s: RuleSettings = RULES) -> list[str]:
    """The contents a claim explicitly denies: the complement of each denial cue ("denied [that P]",
    "rejected Y's claim [that P]"), and the claim text itself when its attribution verb is a denial
    ("X denied that P": the claim text is P). Empty for a claim without a denial cue."""
    sent = c["sentence"]
    if NOT_DENIED.search(sent):
        return []
    out = [d["complement"] for d in c.get("denials", ())
           if not re.match(r"(?i)(reject|dismiss)", d["cue"]) or PROPOSITION_OBJECT.search(sent)]
    if c.get("cue") in ("deny", "rebut", "refute", "dispute", "contradict", "disavow") or (
            c.get("cue") in ("reject", "dismiss") and PROPOSITION_OBJECT.search(sent)):
        out.append(c["text"])
    out = [CLAIM_OF.sub("", re.sub(r"^(that|of|to)\s+", "", t.strip(" ,.;:\"'“”‘’"))) for t in out]
    return list(dict.fromkeys(t for t in out if len(_keys(t)) >= s.min_content_words and VERBISH.search(t)))


def asserts(c: dict) -> bool:
    """Whether a claim asserts a positive proposition: no denial or counter cue ("belied", "false"), no
    negation anywhere in its sentence, and not only a report of unheld claims ("threats over claims that P")."""
    return c.get("stance") != "denies" and c.get("polarity") != "negative" and not c.get("denials") \
        and not re.search(r"(?i)\bwhether\b", c["sentence"]) \
        and not COUNTER.search(c["sentence"]) and not (not c.get("speaker") and CLAIM_OF.search(c["sentence"])) \
        and not NEG.search(c["sentence"]) and not re.search(r"(?i)\b(no|nothing|none|nobody|nor|neither)\b", c["sentence"])


def negated(c: dict) -> bool:
    """Whether a claim negates its own content ("they never asked for bases"), without denying a stated content."""
    return c.get("polarity") == "negative" and not denied_contents(c)


def neutralised(text: str) -> str:
    """``text`` with its negations removed ("they never asked for bases" -> "they asked for bases";
    "didn't" -> "did")."""
    return re.sub(r"\s+", " ", NEG.sub("", text)).strip()


def _keys(text: str) -> set[str]:
    from storyscope.stopwords import STOPWORDS
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3 and w not in STOPWORDS and w != MASK.lower()}


def shared(x: str, y: str) -> float:
    """Share of ``x``'s content words (first five letters of words over three letters, no stopwords) that
    ``y`` holds, in [0, 1]."""
    kx, ky = _keys(x), _keys(y)
    return len(kx & ky) / len(kx) if kx and ky else 0.0


def negated_words(text: str) -> set[str]:
    """Content-word keys (as ``shared``) of the first two content words within four words after each negation:
    what is negated."""
    out = set()
    for m in NEG.finditer(text):
        out |= set([k for w in re.findall(r"[a-z]+", text[m.end():].lower())[:4] for k in _keys(w)][:2])
    return out


def _offset(c: dict) -> int:
    """Start of the claim text inside its sentence (0 when not found)."""
    k = c["sentence"].find(c["text"])
    return max(k, 0)


def masked(c: dict) -> str:
    """The claim text with each number and date replaced by ``MASK`` ("since 2002" -> "since N")."""
    text, base = c["text"], c["start"] + _offset(c)
    spans = sorted({(x["start"] - base, x["end"] - base) for x in c.get("numbers", []) + c.get("dates", [])},
                   reverse=True)
    for a, b in spans:
        if 0 <= a < b <= len(text):
            text = text[:a] + MASK + text[b:]
    return text


def _hedge(c: dict, start: int, s: RuleSettings) -> str:
    """"bound" (a bound, a part or an update cue within ``hedge_window`` words before the number at ``start``,
    an article offset), "approx" (an approximation), else ""."""
    k = start - c["start"]
    before = re.findall(r"[\w’']+", c["sentence"][max(0, k - 40):max(0, k)].lower())[-s.hedge_window:]
    if set(before) & HEDGES or UPDATE.search(" ".join(before)):
        return "bound"
    return "approx" if set(before) & APPROX else ""


def _unit(c: dict, x: dict) -> str | None:
    """The unit of one number: "percent", "$ <noun>" or its measured noun (None: no unit)."""
    k = x["end"] - c["start"]
    after = c["sentence"][k:k + 9].lower()
    if after.startswith(("%", " percent", " per cent", "-percent")):
        return "percent"
    if c["sentence"][max(0, x["start"] - c["start"] - 1):x["start"] - c["start"]] in ("$", "£", "€"):
        return f"$ {x['noun']}" if x.get("noun") else None  # money of one named thing ("a $43,000 watch")
    return x.get("noun")


def _date_keys(c: dict) -> list[str]:
    """The years a claim's dates state in words ("in 2002", "March 2, 2010"), with the day when the date is
    resolved to one ("2010-03-02"); a date without a stated year ("Monday", "March 2") is left out: its year
    is inferred, and two outlets' "Monday" and "Tuesday" are often two events."""
    out = []
    for d in c.get("dates", []):
        v, years = d.get("value") or "", re.findall(r"\b(1[89]\d\d|20\d\d)\b", d.get("text", ""))
        if years and d.get("precision") == "day" and re.fullmatch(r"\d{4}-\d\d-\d\d", v[:10]) and v[:4] in years:
            out.append(v[:10])
        else:
            out += years
    return sorted(set(out))


def _differ(va: list[float], vb: list[float], rounding: float) -> bool:
    """Two sorted value lists of one unit state different values: same length, every pair apart beyond
    rounding (one list inside the other's range is a range, not a conflict)."""
    if not va or not vb or len(va) != len(vb):
        return False
    return all(abs(x - y) > rounding * max(abs(x), abs(y), 1e-9) for x, y in zip(va, vb))


def value_conflict(a: dict, b: dict, s: RuleSettings = RULES) -> str | None:
    """The unit on which ``a`` and ``b`` give different values ("percent", a noun, "year"), or None.

    Numbers: per unit, the unhedged values of each side (no hedge or update cue before them, no "between" /
    "from" range); dates: the years or days stated. A claim with an update cue ("rose to", "so far")
    anywhere is never a value conflict."""
    if UPDATE.search(a["sentence"]) or UPDATE.search(b["sentence"]):
        return None
    units: dict[str, tuple[list, list]] = {}
    approx = False
    for side, c in enumerate((a, b)):
        for x in c.get("numbers", []):
            u = _unit(c, x)
            if u is None:
                continue
            h = _hedge(c, x["start"], s)
            approx |= h == "approx"
            units.setdefault(u, ([], []))[side].append(None if h == "bound" else x["value"])
    for u, (xa, xb) in units.items():
        if None in xa or None in xb:
            continue
        if _differ(sorted(set(xa)), sorted(set(xb)), s.approximate if approx else s.rounding):
            return u
    ya, yb = _date_keys(a), _date_keys(b)
    if {len(k) for k in ya} != {len(k) for k in yb}:  # "in 2009" against "on Aug. 24, 2009": compare the years
        ya, yb = sorted({k[:4] for k in ya}), sorted({k[:4] for k in yb})
    if ya and yb and len(ya) == len(yb) and not set(ya) & set(yb):
        return "date"
    return None


def same_side(a: dict, b: dict) -> bool:
    """Whether two claims are held by one person or body (by last name): one holder is never two sides."""
    return _last(holder(a)) == _last(holder(b))


def same_passage(a: dict, b: dict) -> bool:
    """Whether two claims cite overlapping text of one article."""
    return any(x["article_id"] == y["article_id"] and x["start"] < y["end"] and y["start"] < x["end"]
               for x in a.get("evidence", [a]) for y in b.get("evidence", [b]))


def assertions(b: dict, content: str) -> list[str]:
    """The texts of ``b`` a denied or negated ``content`` is compared with: ``b``'s claim text and, when
    ``b``'s sentence embeds its proposition in a clause ("X testified that P"), the clause sharing most
    words with ``content`` (Jaccard overlap of words)."""
    def jaccard(t: str) -> float:
        w = set(re.findall(r"\w+", t.lower()))
        return len(words & w) / len(words | w) if w else 0.0
    words = set(re.findall(r"\w+", content.lower()))
    best = max(b.get("clauses", ()), key=jaccard, default=None)
    return [b["text"]] + ([best] if best and best != b["text"] else [])


def questions(a: dict, b: dict, values: bool = True, s: RuleSettings = RULES) -> list[tuple[str, str, str, str]]:
    """The structural cues of the ordered pair (``a`` the denying / negating side): a list of
    (kind, unit or "", text of a, text of b) whose same-proposition probability decides the dispute;
    ``values``: also the (symmetric) value test. Guards first: never the same passage, never one holder
    on both sides."""
    if same_passage(a, b) or same_side(a, b):
        return []
    cross = a["article_id"] != b["article_id"]
    out = []
    if asserts(b):
        for content in denied_contents(a, s):
            out += [("denial", "", content, t) for t in assertions(b, content)]
        plain, hit = neutralised(a["text"]), negated_words(a["text"])
        if cross and negated(a) and plain != a["text"] and len(_keys(plain)) >= s.min_content_words \
                and not PRONOUN_SUBJECT.match(a["text"]):
            one_quote = QUOTE_MARK.search(a["sentence"]) and QUOTE_MARK.search(b["sentence"]) \
                and shared(b["text"], a["text"]) >= s.min_shared  # two renderings of one quote
            out += [("negation", "", plain, t) for t in assertions(b, plain)
                    if hit & _keys(t) and shared(t, plain) >= s.min_shared_back and not one_quote]
    if values and cross and a["polarity"] == b["polarity"] and a.get("stance") == b.get("stance"):
        u = value_conflict(a, b, s)
        if u is not None:
            out.append(("value", u, masked(a), masked(b)))
    # the value test is symmetric (either claim may add a detail): its gate reads the shorter side's share
    return [q for q in out if (max(shared(q[2], q[3]), shared(q[3], q[2])) if q[0] == "value" else shared(q[2], q[3]))
            >= (s.min_shared_denial if q[0] == "denial" else s.min_shared)]
