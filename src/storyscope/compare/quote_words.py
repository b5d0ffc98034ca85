"""Words of a quotation as quote integrity compares them: tokens with comparison keys (contractions
expanded, spellings and number words mapped to one form), one word written two ways (inflection,
British/American spelling, transliterated names), and the word-level verdict on two renderings.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from storyscope.stopwords import STOPWORDS


@dataclass(frozen=True)
class WordSettings:
    """name_ratio: rapidfuzz ratio (0-100) at or above which two capitalised words are one name
    spelled apart (Gadhafi / Qaddafi; checked on BASIL name pairs).
    morph_prefix: two words of four or more letters sharing a prefix of this share of the shorter one
    are one word up to inflection or derivation (``morph_equal``)."""
    name_ratio: float = 70.0
    morph_prefix: float = 0.8


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
_TOKEN = re.compile(r"\[[^\]]{0,30}\]|\([^)]{0,12}\)|\w+\*+\w*|[\w$%]+(?:['\u2019.\-][\w]+)*")


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
    lw = lw.replace(".", "")
    out = []
    for part in filter(None, re.split(r"[-']", lw)):
        num = re.fullmatch(r"([\d,]*\d)(%?)", part)
        if num:
            out += [num.group(1).replace(",", "")] + (["%"] if num.group(2) else [])
            continue
        part = VARIANTS.get(part, part)
        out += NUMBER_WORDS.get(part, part).split()
    return out


def tokens(text: str) -> list[tuple[str, str]]:
    """(display, key) pairs; bracketed editorial insertions get an empty key. A word that expands
    to several keys (can't -> can not) shows its display form on the first only."""
    out = []
    for m in _TOKEN.finditer(text.replace("\u2019", "'")):
        w = m.group(0)
        if w[0] in "[(":
            out.append((w, ""))
            continue
        out += [(w if i == 0 else "", k) for i, k in enumerate(_keys(w.lower().strip(".")))]
    return out


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


# --------------------------------------------------------------------------- diff
def judge(ref: str, other: str) -> tuple[list[dict], str, str | None]:
    """Word-level diff of ``other`` against ``ref``, its integrity class and the kind of change
    that makes it "altered" ("negation", "number", "content", "function") or None.

    Only a change of meaning alters a quote: a negation added or removed, a number changed, a
    content word replaced by a different word (an antonym or a non-synonym). Words dropped or
    added without replacement (a trim, an ellipsis, a sub-quote), spelling and transliteration
    variants, contractions, case, punctuation and bracketed insertions never do.
    """
    ta = [t for t in tokens(ref) if t[1]]
    tb = [t for t in tokens(other) if t[1]]
    ka, kb = [k for _, k in ta], [k for _, k in tb]
    sm = difflib.SequenceMatcher(a=ka, b=kb, autojunk=False)
    ops = sm.get_opcodes()
    out = [{"op": op, "a": " ".join(d for d, _ in ta[i1:i2] if d), "b": " ".join(d for d, _ in tb[j1:j2] if d)}
           for op, i1, i2, j1, j2 in ops]
    # a sub-quote: words before or after the shared part are where one outlet quoted more (a trim),
    # whatever they say (a trimmed "I couldn't agree more." adds no negation to the rest)
    core = list(ops)
    while core and core[0][0] in ("delete", "insert"):
        core.pop(0)
    while core and core[-1][0] in ("delete", "insert"):
        core.pop()
    if not any(op == "equal" for op, *_ in core):
        core = list(ops)
    changed = any(op != "equal" for op, *_ in ops)
    for op, i1, i2, j1, j2 in core:
        if op == "equal":
            continue
        ra, rb = ka[i1:i2], kb[j1:j2]
        if _acronym(ra, rb) or _acronym(rb, ra):
            continue
        if bool(NEGATION & set(ra)) != bool(NEGATION & set(rb)):
            return out, "altered", "negation"
        if op == "replace" and {k for k in ra if _numeric(k)} != {k for k in rb if _numeric(k)}:
            return out, "altered", "number"
        if op != "replace":
            continue      # words dropped or added, nothing put in their place: a trim or an ellipsis
        da, db = [d for d, _ in ta[i1:i2]], [d for d, _ in tb[j1:j2]]
        ca = [(k, d) for k, d in zip(ra, da) if is_content(k)]
        cb = [(k, d) for k, d in zip(rb, db) if is_content(k)]
        gone = [w for w, d in ca if not any(same_word(w, x, d, e) for x, e in cb)]
        new = [w for w, d in cb if not any(same_word(w, x, d, e) for x, e in ca)]
        if gone and new:
            return out, "altered", "content"
        if new and not ca:
            return out, "altered", "function"  # a function word swapped for a content word ("would" -> "reform")
    if " ".join(ref.split()) == " ".join(other.split()):
        return out, "identical", None
    if not changed and ref.strip(" .,\"'") == other.strip(" .,\"'"):
        return out, "identical", None
    return out, "minor", None


def word_diff(ref: str, other: str) -> tuple[list[dict], str]:
    """Word-level diff of ``other`` against ``ref`` (list of {"op", "a", "b"}) and its integrity
    class: "identical", "minor" or "altered" (see :func:`judge`)."""
    diff, cls, _ = judge(ref, other)
    return diff, cls
