"""Words of a quotation as quote integrity compares them: tokens with comparison keys (contractions
expanded, spellings and number words mapped to one form), one word written two ways (inflection,
British/American spelling, transliterated names), and the word-level verdict on two renderings.
"""
from __future__ import annotations

import difflib
from functools import lru_cache
import re
from dataclasses import dataclass

import numpy as np

from storyscope.stopwords import STOPWORDS


@dataclass(frozen=True)
class WordSettings:
    """name_ratio: rapidfuzz ratio (0-100) at or above which two capitalised words are one name
    spelled apart (Gadhafi / Qaddafi; checked on BASIL name pairs).
    morph_prefix: two words of four or more letters sharing a prefix of this share of the shorter one
    are one word up to inflection or derivation (``morph_equal``).
    negated_synonym_cos: a negated word (un-, in-, dis-, ...) is the opposite of another word when its
    stem and that word are this close by static-embedding cosine (unavoidable / preventable: 0.90)."""
    name_ratio: float = 70.0
    morph_prefix: float = 0.8
    aligned_share: float = 0.5
    aligned_min: int = 4
    aligned_content_share: float = 0.6
    edge_max: int = 2
    negation_max: int = 3
    region_max: int = 4
    context_min: int = 3
    synonym_cos: float = 0.55
    negated_synonym_cos: float = 0.75
    number_tol: float = 0.05


SETTINGS = WordSettings()

STOP = STOPWORDS   # the one stopword list (``storyscope.stopwords``)
NEGATION = {"not", "no", "never", "nor", "none", "nothing", "neither", "nobody", "without"}
CONTRACTIONS = {"can't": "can not", "cannot": "can not", "won't": "will not", "n't": "not", "don't": "do not",
                "doesn't": "does not", "didn't": "did not", "isn't": "is not", "aren't": "are not",
                "wasn't": "was not", "weren't": "were not", "shouldn't": "should not", "wouldn't": "would not",
                "couldn't": "could not", "haven't": "have not", "hasn't": "has not", "hadn't": "had not",
                "it's": "it is", "we're": "we are", "they're": "they are", "i'm": "i am", "we've": "we have",
                "he's": "he is", "she's": "she is", "that's": "that is", "we'll": "we will", "he'll": "he will",
                "they'll": "they will", "i'll": "i will", "let's": "let us"}
NUMBER_WORDS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
                "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
                "thousand": "1000", "million": "1e6", "billion": "1e9", "trillion": "1e12", "percent": "%",
                "half": "1/2", "dozen": "12", "%": "%"}
# spellings of one word (the key is what both sides compare on)
VARIANTS = {"ok": "okay", "o.k": "okay", "alright": "all right", "towards": "toward", "amongst": "among",
            "whilst": "while", "afterwards": "afterward", "till": "until", "gotta": "got to", "gonna": "going to",
            "wanna": "want to", "per cent": "percent"}
_TOKEN = re.compile(r"\[[^\]]{0,40}\]|\([^)]{0,40}\)|\w+\*+\w*|\$?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?"
                    r"|[\w$%]+(?:['\u2019.\-][\w]+)*")
_BOUNDARY = re.compile(r"[!?;:,\u2014\u2013]|--|\n")


# --------------------------------------------------------------------------- tokens
_SUFFIXES = {"n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'d": "would", "'m": "am"}


def _keys(lw: str) -> list[str]:
    """Comparison keys of one lower-cased word: contractions expanded, spellings and number words
    mapped to one form, hyphenated compounds split, a possessive 's dropped."""
    if lw in CONTRACTIONS:
        return CONTRACTIONS[lw].split()
    for suf, full in _SUFFIXES.items():
        if lw.endswith(suf) and len(lw) > len(suf):
            return _keys(lw[:-len(suf)]) + [full]
    if lw.endswith("'s"):
        lw = lw[:-2]
    lw = re.sub(r"(?<!\d)\.|\.(?!\d)", "", lw).lstrip("$")
    out = []
    for part in filter(None, re.split(r"[-']", lw)):
        num = re.fullmatch(r"([\d,]*\d(?:\.\d+)?)(%?)", part)
        if num:
            out += [num.group(1).replace(",", "")] + (["%"] if num.group(2) else [])
            continue
        part = VARIANTS.get(part, part)
        out += NUMBER_WORDS.get(part, part).split()
    return out


def tokens(text: str) -> list[tuple[str, str]]:
    """(display, key) pairs; bracketed editorial insertions get an empty key. A word that expands
    to several keys (can't -> can not) shows its display form on the first only."""
    return [(d, k) for d, k, _, _ in marked_tokens(text)]


def marked_tokens(text: str) -> list[tuple[str, str, bool, str]]:
    """(display, key, boundary, form) as ``tokens``; ``boundary`` is True when sentence or clause
    punctuation (. ! ? ; : , dash, a line break) comes between this word and the one before it;
    ``form`` is the word's part as written (al-Qaddafi -> "al", "Qaddafi"), for telling names. Cached per text."""
    return list(_marked_tokens(text))


@lru_cache(maxsize=8192)
def _marked_tokens(text: str) -> tuple[tuple[str, str, bool, str], ...]:
    out, last = [], 0
    text = text.replace("\u2019", "'")
    for m in _TOKEN.finditer(text):
        w = m.group(0)
        gap, prev = text[last:m.start()], text[max(0, last - 5):last].split()[-1:] or [""]
        # a full stop after an abbreviation (Sen., U.S.) ends no sentence
        gap = bool(_BOUNDARY.search(gap)) or "." in gap and not (prev[0][:1].isupper() and len(prev[0]) <= 4
                                                                 or "." in prev[0])
        last = m.end()
        if w[0] in "[(":
            out.append((w, "", gap, w))
            continue
        keys = _keys(w.lower().strip("."))
        parts = [p for p in re.split(r"[-']", w) if p]
        forms = parts if len(parts) == len(keys) else [w] * len(keys)
        out += [(w if i == 0 else "", k, gap and i == 0, f) for i, (k, f) in enumerate(zip(keys, forms))]
    return tuple(out)


def is_content(k: str) -> bool:
    """Whether a normalised token is a content word: not empty and not a stopword (``storyscope.stopwords``)."""
    return bool(k) and k not in STOP


def morph_equal(a: str, b: str) -> bool:
    """Same word up to inflection/derivation: relationship~relations, country~countries."""
    if a == b:
        return True
    n = min(len(a), len(b))
    if n < 4:
        return False
    p = len(next((a[:i] for i in range(n, 0, -1) if a[:i] == b[:i]), ""))
    return p >= SETTINGS.morph_prefix * n


_BRIT = [(r"our$", "or"), (r"ise([sd]?)$", r"ize\1"), (r"ising$", "izing"), (r"yse([sd]?)$", r"yze\1"),
         (r"tre$", "ter"), (r"ll(ed|ing)$", r"l\1"), (r"ogue$", "og"), (r"ence$", "ense")]


def _skeleton(w: str) -> str:
    """Consonant skeleton of a transliterated name: Gadhafi, Qaddafi, Kadafi -> kdf."""
    w = w.lower().replace("ph", "f").replace("kh", "k").replace("dh", "d").replace("th", "t")
    w = re.sub(r"[qgc]", "k", w)
    w = re.sub(r"[aeiouyhw'\-]", "", w)
    return re.sub(r"(.)\1+", r"\1", w)


def same_word(a: str, b: str, da: str = "", db: str = "") -> bool:
    """One word written two ways: inflection, British/American spelling, or (for a capitalised
    display form) a spelling or transliteration variant of a name."""
    if morph_equal(a, b):
        return True
    if "*" in a or "*" in b:      # a censored word (f***ing) stands for the word it hides
        x, y = (a, b) if "*" in a else (b, a)
        return bool(re.fullmatch(re.escape(x).replace("\\*", r"\w*"), y))
    if len(a) >= 4 and len(b) >= 4:
        norm = [a, b]
        for i, w in enumerate(norm):
            for pat, rep in _BRIT:
                w = re.sub(pat, rep, w)
            norm[i] = w
        if norm[0] == norm[1]:
            return True
        if da[:1].isupper() and db[:1].isupper():
            from rapidfuzz import fuzz
            return _skeleton(a) == _skeleton(b) or fuzz.ratio(a, b) >= SETTINGS.name_ratio
    return False


def stems(text: str) -> set[str]:
    """The text's content words cut to six letters, a light stemmer ("reported"/"reporter" -> "report")."""
    return {k[:6] for _, k in tokens(text) if is_content(k)}


def _acronym(short: list[str], long: list[str]) -> bool:
    return len(short) == 1 and len(long) >= 2 and short[0] == "".join(w[0] for w in long if w not in STOP)


def _numeric(k: str) -> bool:
    return any(c.isdigit() for c in k) or k == "%"


_SCALE = {"100": 1e2, "1000": 1e3, "1e6": 1e6, "1e9": 1e9, "1e12": 1e12}


def _values(keys: list[str]) -> list[float]:
    """Numbers a run of keys states, a scale word multiplying the number before it ("43 1e6" -> 4.3e7)."""
    out: list[float] = []
    for k in keys:
        if k in _SCALE and out:
            out[-1] *= _SCALE[k]
        elif re.fullmatch(r"\d+(?:\.\d+)?", k):
            out.append(float(k))
        elif k in _SCALE:
            out.append(_SCALE[k])
    return out


def _same_numbers(ra: list[str], rb: list[str]) -> bool:
    """Whether two runs state the same numbers, a rounding within ``number_tol`` kept ($43,885,310 / $44 million)."""
    va, vb = _values(ra), _values(rb)
    tol = SETTINGS.number_tol
    close = lambda x, ys: any(abs(x - y) <= tol * max(abs(x), abs(y)) for y in ys)  # noqa: E731
    return all(close(x, vb) for x in va) and all(close(y, va) for y in vb)


# antonym pairs a static embedding puts close together (they share contexts); prefixes that negate a word
ANTONYMS = {frozenset(p.split("/")) for p in """win/lose won/lost wins/loses winning/losing success/failure
    succeed/fail raise/lower rise/fall increase/decrease increase/cut more/less more/fewer most/least
    good/bad better/worse best/worst right/wrong true/false accept/reject agree/disagree support/oppose
    supports/opposes supported/opposed always/never all/none everyone/nobody everything/nothing yes/no
    love/hate like/dislike legal/illegal guilty/innocent before/after first/last early/late high/low
    higher/lower strong/weak stronger/weaker open/closed open/close start/end begin/end up/down in/out
    pass/fail allow/ban allow/forbid friend/enemy friends/enemies peace/war safe/dangerous rich/poor
    majority/minority maximum/minimum positive/negative new/old young/old buy/sell bought/sold
    approve/reject approved/rejected include/exclude confirm/deny confirmed/denied admit/deny
    remember/forget easy/hard easy/difficult possible/impossible large/small big/small bigger/smaller
    long/short future/past republican/democrat republicans/democrats""".split()}
_NEG_PREFIX = ("un", "in", "im", "il", "ir", "dis", "non", "non-", "a")


def antonyms(a: str, b: str) -> bool:
    """Whether two lower-case words are opposites: a listed pair, or one the other with a negating
    prefix (honest / dishonest, legal / illegal)."""
    if frozenset((a, b)) in ANTONYMS:
        return True
    x, y = sorted((a, b), key=len)
    return len(x) >= 3 and any(y == p + x for p in _NEG_PREFIX)


def opposites(a: str, b: str) -> bool:
    """``antonyms``, or one word the negated form of a near-synonym of the other (unavoidable /
    preventable: "avoidable" and "preventable" at static-embedding cosine >= ``negated_synonym_cos``)."""
    if antonyms(a, b):
        return True
    for x, y in ((a, b), (b, a)):
        for p in _NEG_PREFIX:
            if x.startswith(p) and len(x) - len(p) >= 4 and not y.startswith(p):
                cos = _word_cos([x[len(p):]], [y])
                if float(cos[0, 0]) >= SETTINGS.negated_synonym_cos:
                    return True
    return False


_ANTONYM_OF: dict[str, set[str]] = {}
for _pair in ANTONYMS:
    for _w in _pair:
        _ANTONYM_OF.setdefault(_w, set()).update(_pair - {_w})


def opposed_sets(xs: set[str], ys: set[str]) -> bool:
    """Whether a word of ``xs`` is opposite to a word of ``ys`` (``opposites``), for two whole word sets:
    listed pairs and exact negating prefixes by set lookups (``_opposite_keys``); the negated near-synonym
    only for "un-" words (unavoidable / preventable), so the cost stays near linear in the words
    (``claim_align`` calls it on every cross-article claim pair)."""
    for one, other in ((xs, ys), (ys, xs)):
        if any(not _opposite_keys(x).isdisjoint(other) for x in one):
            return True
    for one, other in ((xs, ys), (ys, xs)):
        for x in one:
            if x.startswith("un") and len(x) >= 7 and any(_near(x[2:], y) for y in other if len(y) >= 5):
                return True
    return False


@lru_cache(maxsize=100_000)
def _opposite_keys(x: str) -> frozenset[str]:
    """The words ``x`` is opposite to by a listed pair (``ANTONYMS``) or as their form with a negating prefix
    (illegal -> legal)."""
    out = set(_ANTONYM_OF.get(x, ()))
    out.update(x[len(p):] for p in _NEG_PREFIX if len(x) - len(p) >= 3 and x.startswith(p))
    return frozenset(out)


@lru_cache(maxsize=100_000)
def _near(a: str, b: str) -> bool:
    """Static-embedding cosine of two words >= ``negated_synonym_cos`` (False without the static model)."""
    return float(_word_cos([a], [b])[0, 0]) >= SETTINGS.negated_synonym_cos


def _abbreviation(a: str, b: str, da: str, db: str) -> bool:
    """Sen / Senator, Gov / Governor: a capitalised short form that begins the other word."""
    (x, dx), (y, _) = sorted(((a, da), (b, db)), key=lambda t: len(t[0]))
    return len(x) >= 2 and dx[:1].isupper() and y.startswith(x) and len(y) > len(x)


def _stem(k: str) -> str:
    """A light suffix stripper for aligning words (running / run, coming / come, taxes / tax)."""
    for suf in ("ing", "ed", "es", "s", "e", "ly"):
        if k.endswith(suf) and len(k) - len(suf) >= 3:
            k = k[:-len(suf)]
            break
    return k[:-1] if len(k) >= 4 and k[-1] == k[-2] and k[-1] not in "aeiou" else k


def _word_cos(gone: list[str], new: list[str]) -> np.ndarray:
    """Static-embedding cosines (len(gone) + 1, len(new) + 1) of words, the last row and column the two
    phrases ("step down" / "resign"); zeros without the static model."""
    try:
        from storyscope.stages.embed import embed_static
        v = embed_static(gone + [" ".join(gone)] + new + [" ".join(new)])
    except Exception:  # noqa: BLE001 - no model2vec: no synonym is recognised (more, never fewer, flags)
        return np.zeros((len(gone) + 1, len(new) + 1), dtype=np.float32)
    return v[:len(gone) + 1] @ v[len(gone) + 1:].T


def _synonyms(gone: list[tuple[str, str]], new: list[tuple[str, str]]) -> tuple[bool, float]:
    """Whether every replaced content word has a synonym among the words put in its place, and the
    highest cosine of an unmatched pair (how close the change is to a synonym, for the confidence).

    ``gone`` / ``new``: (key, form) pairs. A name (capitalised on both sides) has no synonym but its
    own spellings; an antonym never is one. Two phrases close as wholes ("step down" / "resign") are
    synonyms too, unless a name or an antonym is among their words."""
    cos = _word_cos([k for k, _ in gone], [k for k, _ in new])
    syn = SETTINGS.synonym_cos
    names = any(d[:1].isupper() for _, d in gone + new)
    if (len(gone) > 1 or len(new) > 1) and float(cos[-1, -1]) >= syn and not names and \
            not any(antonyms(a, b) for a, _ in gone for b, _ in new):
        return True, 0.0
    cos = cos[:-1, :-1]

    def matched(i, j):
        (a, da), (b, db) = gone[i], new[j]
        if antonyms(a, b) or da[:1].isupper() and db[:1].isupper():
            return False
        return float(cos[i, j]) >= syn
    left = [i for i in range(len(gone)) if not any(matched(i, j) for j in range(len(new)))]
    right = [j for j in range(len(new)) if not any(matched(i, j) for i in range(len(gone)))]
    if not left or not right:
        return True, 0.0
    near = max((float(cos[i, j]) for i in left for j in right
                if not antonyms(gone[i][0], new[j][0])), default=0.0)
    return False, max(0.0, near)


# --------------------------------------------------------------------------- diff
def _in_place(block: tuple[int, int, int], anchors: list, na: int, nb: int) -> bool:
    """Whether a one-word match sits at the same distance from the anchor run before it (or after it)
    on both sides: a word kept in place beside a change ("hire [300] nurses"), not a stray match."""
    i, j, n = block
    before = max(((a + m, b + m) for a, b, m in anchors if a + m <= i), default=(0, 0))
    after = min(((a, b) for a, b, _ in anchors if a > i), default=(na, nb))
    return n == 1 and (i - before[0] == j - before[1] or after[0] - i == after[1] - j)


def _subsequence(a: list[str], b: list[str]) -> bool:
    """Whether the shorter of two sequences is a subsequence of the other."""
    short, long = sorted((a, b), key=len)
    it = iter(long)
    return all(any(x == y for y in it) for x in short)


def _edge_swap(ga: list, gb: list, lead: bool) -> str | None:
    """Where one rendering stops and the other runs on, the word or two in place of each other before the
    longer one's extra clause ("was preventable," / "was unavoidable, and we will ..."): "antonym" or
    "negation" when they are opposites, else None (the rest is a trim). ``ga`` / ``gb``: the gap's
    ``marked_tokens`` rows; ``lead``: the gap is where the renderings start (the heads are its ends)."""
    n = min(len(ga), len(gb))
    if not n or n > SETTINGS.edge_max or len(ga) == len(gb):
        return None
    longer = ga if len(ga) > len(gb) else gb
    # the longer side's extra words must be a clause of their own: punctuation between them and the heads
    if not (longer[-n][2] if lead else longer[n][2]):
        return None
    ha, hb = ([t[1] for t in g[-n:]] if lead else [t[1] for t in g[:n]] for g in (ga, gb))
    if bool(NEGATION & set(ha)) != bool(NEGATION & set(hb)):
        return "negation"
    if any(opposites(a, b) for a in ha for b in hb):
        return "antonym"
    return None


def assess(ref: str, other: str, same_quote: bool = False) -> dict:
    """Word-level comparison of two renderings of one quote (``other`` against ``ref``).

    Returns ``{"diff": [{"op", "a", "b"}], "integrity": "identical"|"minor"|"altered", "why": None |
    "negation" | "number" | "antonym" | "content", "strength": 0-1, "aligned": share of the shorter
    rendering's words aligned in order, "substantial": bool}``.

    Method: the two key sequences are aligned (difflib; keys lightly stemmed) and cut at anchor blocks
    (runs of two or more words); each gap between anchors is one edit. A gap before the first or after the last
    anchor is where the renderings start or stop (a trim), unless it is a short replacement inside a
    sentence on both sides ("his visit." / "his message."). Inside: words dropped or added alone are an
    ellipsis, save a negation; a replacement is "altered" when it adds or removes a negation, changes
    a number beyond rounding, or puts a content word for one that is neither a spelling, inflection,
    abbreviation nor synonym (static-embedding cosine >= ``synonym_cos``, antonyms excluded). A long
    replacement (more than ``region_max`` words a side) is a rewording, never judged word by word, and
    renderings that do not align on ``aligned_share`` of the shorter one make no alteration claim.
    ``same_quote``: the two are known to be one quote (one article is a copy of the other, by provenance),
    so neither rule applies: a copy that puts other words inside the marks is judged word by word.
    Issue 15, section 2 gives the rules."""
    st = SETTINGS
    ta = [t for t in marked_tokens(ref) if t[1]]
    tb = [t for t in marked_tokens(other) if t[1]]
    ka, kb = [t[1] for t in ta], [t[1] for t in tb]
    sm = difflib.SequenceMatcher(a=ka, b=kb, autojunk=False)
    diff = [{"op": op, "a": " ".join(t[0] for t in ta[i1:i2] if t[0]), "b": " ".join(t[0] for t in tb[j1:j2] if t[0])}
            for op, i1, i2, j1, j2 in sm.get_opcodes()]
    res = {"diff": diff, "integrity": "minor", "why": None, "strength": 0.0, "aligned": 1.0, "substantial": True}
    if ka == kb:
        same = " ".join(ref.split()) == " ".join(other.split()) or ref.strip(" .,\"'") == other.strip(" .,\"'")
        res["integrity"] = "identical" if same else "minor"
        return res
    blocks = difflib.SequenceMatcher(a=[_stem(k) for k in ka], b=[_stem(k) for k in kb],
                                     autojunk=False).get_matching_blocks()
    anchors = [(i, j, n) for i, j, n in blocks if n >= 2]     # runs of two or more words in the same order
    blocks = [x for x in blocks if x[2] >= 2 or _in_place(x, anchors, len(ka), len(kb))]
    eq = sum(n for *_, n in blocks)
    short = max(1, min(len(ka), len(kb)))
    res["aligned"] = round(eq / short, 3)
    # content words aligned, as a share of the content words of the rendering with fewer
    inside = sum(1 for i, _, n in blocks for k in ka[i:i + n] if is_content(k))
    content = max(1, min(sum(map(is_content, ka)), sum(map(is_content, kb))))
    res["substantial"] = (eq >= min(st.aligned_min, short - 1) and eq >= st.aligned_share * short
                          and (inside >= st.aligned_content_share * content or content - inside <= 1))
    if not (res["substantial"] or same_quote):
        return res      # not one aligned quote: no claim about its words
    # every content word of one, in order, in the other: a trim or an ellipsis, save a negation dropped
    trim = _subsequence([_stem(k) for k in ka if is_content(k)], [_stem(k) for k in kb if is_content(k)])
    gaps = []
    ends = [(0, 0, 0)] + anchors + [(len(ka), len(kb), 0)]
    for (i0, j0, n0), (i1, j1, n1) in zip(ends, ends[1:]):
        gaps.append((i0 + n0, i1, j0 + n0, j1, (i0, j0, n0) == (0, 0, 0), i1 == len(ka) and j1 == len(kb),
                     max(n0, n1)))
    for a0, a1, b0, b1, lead, trail, context in gaps:
        ra, rb = ka[a0:a1], kb[b0:b1]
        if not ra and not rb or _acronym(ra, rb) or _acronym(rb, ra):
            continue
        if lead or trail:
            # where the renderings start or stop: a trim, unless both sides swap a word or two in one sentence,
            # or the one word cut is a negation ("Not a single train will run" / "A single train will run")
            at = (lambda t, x0, x1: t[x1][2] if x1 < len(t) else False) if lead else \
                 (lambda t, x0, x1: t[x0][2] if x0 < len(t) else True)
            lone_negation = len(ra + rb) == 1 and (ra + rb)[0] in NEGATION
            if not (at(ta, a0, a1) or at(tb, b0, b1)):
                swap = _edge_swap(ta[a0:a1], tb[b0:b1], lead)
                if swap:
                    return {**res, "integrity": "altered", "why": swap, "strength": 1.0}
            if at(ta, a0, a1) or at(tb, b0, b1) or not lone_negation and (
                    not ra or not rb or max(len(ra), len(rb)) > st.edge_max):
                continue
        neg = bool(NEGATION & set(ra)) != bool(NEGATION & set(rb))
        if neg and max(len(ra), len(rb)) <= st.negation_max and context >= st.context_min:
            return {**res, "integrity": "altered", "why": "negation", "strength": 1.0}
        if trim or not ra or not rb or not same_quote and (max(len(ra), len(rb)) > st.region_max
                                                    or context < st.context_min):
            continue    # words dropped or added alone (an ellipsis), a passage reworded, or no aligned context
        if any(_numeric(k) for k in ra + rb) and not _same_numbers(ra, rb):
            return {**res, "integrity": "altered", "why": "number", "strength": 1.0}
        ca = [(k, t[3]) for k, t in zip(ra, ta[a0:a1]) if is_content(k) and not _numeric(k)]
        cb = [(k, t[3]) for k, t in zip(rb, tb[b0:b1]) if is_content(k) and not _numeric(k)]
        def kept(w, d, others):
            return any(same_word(w, x, d, e) or _stem(w) == _stem(x) or _abbreviation(w, x, d, e) for x, e in others)
        gone = [(w, d) for w, d in ca if not kept(w, d, cb)]
        new = [(w, d) for w, d in cb if not kept(w, d, ca)]
        if gone and new and any(opposites(w, x) for w, _ in gone for x, _ in new):
            return {**res, "integrity": "altered", "why": "antonym", "strength": 1.0}
        if gone and new:
            syn, near = _synonyms(gone, new)
            if not syn:
                return {**res, "integrity": "altered", "why": "content",
                        "strength": round(1.0 - 0.5 * min(1.0, near / st.synonym_cos), 3)}
    return res


def judge(ref: str, other: str) -> tuple[list[dict], str, str | None]:
    """Word-level diff of ``other`` against ``ref``, its integrity class and the kind of change
    that makes it "altered" ("negation", "number", "antonym", "content") or None (see ``assess``)."""
    r = assess(ref, other)
    return r["diff"], r["integrity"], r["why"]


def word_diff(ref: str, other: str) -> tuple[list[dict], str]:
    """Word-level diff of ``other`` against ``ref`` (list of {"op", "a", "b"}) and its integrity
    class: "identical", "minor" or "altered" (see :func:`assess`)."""
    diff, cls, _ = judge(ref, other)
    return diff, cls
