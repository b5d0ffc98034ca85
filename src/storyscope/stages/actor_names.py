"""Actor names and roles: the word lists of the actors stage, stable actor keys, role phrases normalised
("the former PM" -> "prime minister") and a first name's gender (gender-guesser's dictionary). Shared by
``stages.actors`` (mentions), ``stages.actor_links`` (a story's actors) and ``stages.speakers``."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "NORP", "LOC": "LOC", "FAC": "LOC"}
# The last word of a name that is a place or a body, never a person: the small parser tags "Korvath Dam"
# or "Merrow General Hospital" PERSON at times (label given instead); surnames that are also such words
# (Lake, Street, Court, Park) are left out
NON_PERSON_HEADS = {**dict.fromkeys("""dam river airport square valley county stadium canal highway reservoir
    spillway building avenue island mountain""".split(), "LOC"),
                    **dict.fromkeys("""hospital university college party ministry council committee agency
    company police army navy commission authority association institute foundation inc corp ltd""".split(), "ORG")}

# Offices named with their portfolio before a name ("Minister of Water Oskar Valtane", "Secretary of State
# Ann Vell"): a regex alternation, shared by the actors stage (the portfolio is not part of the name) and the
# speakers (the name, not the office, speaks)
OFFICE_OF = r"(?:minister|secretary|ministry|department|director|head|chief|commissioner|chair(?:man|woman)?|governor|mayor)"

# Role phrases (lower case) -> normalised role. General English office titles, not names.
ROLE_SYNONYMS = {
    "pm": "prime minister", "premier": "prime minister", "prime minister": "prime minister",
    "coas": "army chief", "chief of army staff": "army chief", "chief of the army staff": "army chief",
    "army chief": "army chief", "army chief of staff": "army chief",
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "spokesperson": "spokesperson",
    "army spokesperson": "spokesperson", "army spokesman": "spokesperson",
    "president": "president", "vice president": "vice president", "foreign minister": "foreign minister",
    "secretary of state": "secretary of state", "ambassador": "ambassador", "senator": "senator",
    "sen.": "senator", "governor": "governor", "gov.": "governor", "mayor": "mayor",
    "chancellor": "chancellor", "minister": "minister", "chairman": "chairman", "chairwoman": "chairman",
    "chief executive": "chief executive", "ceo": "chief executive", "leader": "leader",
    "opposition leader": "opposition leader", "nominee": "nominee", "candidate": "candidate",
    "general": "general", "director": "director", "secretary": "secretary", "king": "king",
    "queen": "queen", "judge": "judge", "speaker": "speaker", "diplomat": "diplomat", "envoy": "envoy", "official": "official",
    "attorney general": "attorney general", "rep.": "representative", "representative": "representative",
    "congressman": "representative", "congresswoman": "representative", "defense secretary": "defense secretary",
    "defence minister": "defence minister", "interior minister": "interior minister",
    "finance minister": "finance minister", "foreign secretary": "foreign secretary",
}
# Words that describe time or status of a role, ignored when matching roles.
ROLE_MODIFIERS = {"former", "ex", "ex-", "then", "current", "acting", "outgoing", "incoming", "late",
                  "embattled", "ousted", "new", "powerful", "top", "the", "a", "an"}
HONORIFICS = {"mr", "mrs", "ms", "dr", "gen", "general", "sen", "gov", "rep", "prof", "sir", "lt",
              "col", "maj", "major", "capt", "president", "prime", "minister", "pm", "secretary",
              "judge", "justice", "lord", "lady", "rev", "st"}
UI_WORDS = {"subscribe", "share", "login", "log", "sign", "comment", "comments", "reply", "menu", "home",
            "search", "advertisement", "tweet", "email", "print", "follow", "discuss", "more", "read"}
_MAX_ROLE_LEN = max(len(k.split()) for k in ROLE_SYNONYMS)


def actor_key(name: str) -> str:
    """Stable key for a canonical name: accents, case, punctuation and honorifics removed."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[’']s\b", "", s)
    s = re.sub(r"[^\w\s-]", " ", s)
    toks = s.split()
    if len(toks) > 1 and toks[0] == "the":
        toks = toks[1:]
    while len(toks) > 1 and toks[0] in HONORIFICS:
        toks = toks[1:]
    return " ".join(toks)


def _name_tokens(name: str) -> list[str]:
    return actor_key(name).replace("-", " ").split()


def normalise_role(phrase: str) -> str | None:
    """Map a role phrase to a normalised role ('the former PM' -> 'prime minister')."""
    words = [w for w in re.sub(r"[’']s\b", "", phrase.lower()).replace("-", " ").split()
             if w not in ROLE_MODIFIERS]
    # longest known role phrase inside, preferring the rightmost (the head)
    best = None
    for n in range(min(_MAX_ROLE_LEN, len(words)), 0, -1):
        for i in range(len(words) - n, -1, -1):
            cand = " ".join(words[i:i + n])
            if cand in ROLE_SYNONYMS:
                if best is None or i + n > best[0]:
                    best = (i + n, ROLE_SYNONYMS[cand])
        if best:
            return best[1]
    return None


def roles_compatible(a: str | None, b: str | None) -> bool:
    """Whether two normalised roles (``normalise_role``) can name one person: equal, or the same head
    noun ("army chief" ~ "chief"); False when either is missing."""
    if not a or not b:
        return False
    return a == b or a.split()[-1] == b.split()[-1]


_ROLE_HEADS = {k.split()[-1] for k in ROLE_SYNONYMS}
_GENERIC_ROLES = {"leader", "official", "candidate", "nominee", "diplomat", "envoy", "general", "director",
                  "secretary", "speaker", "judge", "king", "queen"}


@lru_cache(maxsize=1)
def _gender_detector():
    try:
        import gender_guesser.detector as gd
    except ImportError:  # pragma: no cover - optional: without it pronouns ignore gender
        return None
    return gd.Detector(case_sensitive=False)


@lru_cache(maxsize=4096)
def name_gender(canonical: str, lean: bool = False) -> str | None:
    """'male' or 'female' when a person's first name is clearly one in gender-guesser's dictionary (with
    ``lean``, also when it is mostly one: 'Meredith', but also 'Lindsey' and 'Terry') and its United States
    usage does not lean the other way ('Jan': male in Europe, mostly female in the USA); androgynous and
    unknown names give None, so a pronoun skips an antecedent of the other gender only on evidence."""
    det = _gender_detector()
    words = [w for w in canonical.replace(".", " ").split() if w.lower() not in HONORIFICS]
    if det is None or len(words) < 2:
        return None
    g0 = det.get_gender(words[0])
    ways = {"male": "male", "mostly_male": "male", "female": "female", "mostly_female": "female"}
    g, us = ways.get(g0), ways.get(det.get_gender(words[0], "usa"))
    if g is None or us not in (None, g) or not lean and g0.startswith("mostly_"):
        return None
    return g


def _subseq(small: list[str], big: list[str]) -> bool:
    """Whether the name tokens ``small`` occur in ``big`` in order ("qamar bajwa" in "qamar javed bajwa")."""
    it = iter(big)
    return all(any(w == b for b in it) for w in small)
