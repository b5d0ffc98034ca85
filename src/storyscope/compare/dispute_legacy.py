"""The earlier rules of disputes (session 4), kept only to propose **weak** disputes: an explicit denial whose
complement is close to the other claim or that targets its speaker, negation asymmetry, different causes of the
same act (``judge``). On the labelled BASIL dev events these rules' disputes were 0 correct of 42 (BENCHMARKS.md,
issue 15), so ``disputes.find_disputes`` gives a pair they flag, and the structural test of ``dispute_rules``
does not confirm, the confidence ``DisputeSettings.weak_confidence``: listed in the JSON dossier, shown only
behind ``--uncertain``. Kinds after de Marneffe, Rafferty and Manning, "Finding Contradictions in Text" (ACL 2008).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from storyscope.stages.embed import DIM


@dataclass(frozen=True)
class LegacyRuleSettings:
    """Thresholds of the rules of ``judge``, hand-tuned on stories during development (the values the rules
    had inline before this object). They only name *weak* disputes now (``disputes.DisputeSettings.
    weak_confidence``, hidden by default), never a confirmed one; the name keeps them apart from the
    structural ``dispute_rules.RuleSettings``. Cosines are MiniLM cosines in [-1, 1]; overlaps count shared content lemmas.

    denial_cos / denial_cos_wide / denial_cos_self: a denial's complement this close to the other claim
        stands with 1 / 2 / 2 shared lemmas (the last when the denier is the one the other claim says acted).
    denial_sentence_margin: the complement is compared with the other claim's whole sentence minus this.
    denial_overlap_step: score bonus per shared lemma (at most four); denial_target_bonus /
        denial_self_bonus: for a denial naming the other claim's speaker / of the denier's own act.
    negation_cos: claims this close, one negated, with two shared lemmas, are a negation conflict.
    antonym_cos: claims this close holding an antonym pair are an antonym conflict.
    number_cos: sentences this close with different counts of one noun conflict (score + rule_bonus);
        number_cos_all: this close, every number different, conflict without a shared noun.
    date_cos: sentences this close without their dates, the dates disjoint, conflict on the date.
    place_cos: sentences this close naming disjoint places conflict on the place.
    cause_cos / cause_cos_wide: a negated cause shared with the other sentence by 1 / 2 lemmas stands at
        these sentence cosines (score + rule_bonus); other_cause_cos: two positive causes of sentences this
        close, the causes themselves below cause_apart_cos, are different explanations (score - rule_bonus).
    """
    denial_cos: float = 0.6
    denial_cos_wide: float = 0.5
    denial_cos_self: float = 0.35
    denial_sentence_margin: float = 0.05
    denial_overlap_step: float = 0.05
    denial_target_bonus: float = 0.3
    denial_self_bonus: float = 0.15
    negation_cos: float = 0.72
    antonym_cos: float = 0.6
    number_cos: float = 0.55
    number_cos_all: float = 0.85
    date_cos: float = 0.78
    place_cos: float = 0.8
    cause_cos: float = 0.55
    cause_cos_wide: float = 0.4
    other_cause_cos: float = 0.6
    cause_apart_cos: float = 0.35
    rule_bonus: float = 0.1


LEGACY_RULES = LegacyRuleSettings()

ANTONYMS = [
    ("increase", "decrease"), ("rise", "fall"), ("raise", "lower"), ("win", "lose"), ("accept", "reject"),
    ("support", "oppose"), ("approve", "reject"), ("allow", "ban"), ("allow", "forbid"), ("open", "close"),
    ("guilty", "innocent"), ("legal", "illegal"), ("true", "false"), ("confirm", "deny"), ("agree", "disagree"),
    ("increase", "cut"), ("expand", "reduce"), ("strengthen", "weaken"), ("success", "failure"),
    ("succeed", "fail"), ("gain", "lose"), ("include", "exclude"), ("arrive", "leave"), ("start", "end"),
    ("begin", "end"), ("up", "down"), ("more", "less"), ("higher", "lower"), ("high", "low"), ("before", "after"),
    ("alive", "dead"), ("peaceful", "violent"), ("friend", "enemy"), ("ally", "enemy"), ("hire", "fire"),
    ("acquit", "convict"), ("pass", "fail"), ("victory", "defeat"), ("majority", "minority"), ("praise", "criticize"),
    ("praise", "criticise"), ("welcome", "condemn"), ("support", "criticize"), ("likely", "unlikely"),
    ("possible", "impossible"), ("large", "small"), ("strong", "weak"), ("positive", "negative"), ("best", "worst"),
    ("better", "worse"), ("first", "last"), ("private", "public"), ("domestic", "foreign"), ("sign", "veto"),
    ("boost", "cut"), ("add", "remove"), ("join", "leave"), ("buy", "sell"), ("rich", "poor"), ("early", "late"),
]
_ANT = {}
for x, y in ANTONYMS:
    _ANT.setdefault(x, set()).add(y)
    _ANT.setdefault(y, set()).add(x)
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
KINDS = ("denial", "negation", "antonym", "number", "date", "place", "explanation")


class _Vec:
    """Embeddings of every text a story's rules compare, computed in one batch."""

    def __init__(self, texts):
        from storyscope.stages.embed import embed
        uniq = list(dict.fromkeys(t for t in texts if t))
        vecs = embed(uniq) if uniq else np.zeros((0, DIM), np.float32)
        self.v = dict(zip(uniq, vecs))

    def cos(self, a: str, b: str) -> float:
        """MiniLM cosine of two texts in [-1, 1] (0 when either is empty); embeds texts not seen yet."""
        if not a or not b:
            return 0.0
        if a not in self.v or b not in self.v:
            from storyscope.stages.embed import embed
            for t, v in zip([a, b], embed([a, b])):
                self.v[t] = v
        return float(self.v[a] @ self.v[b])


def _texts_of(c: dict) -> list[str]:
    """The texts of a claim that ``judge`` compares whenever it reaches their rule, embedded ahead in one batch:
    its text, sentence, denial complements and, when it states a date (rule 5 compares only claims that both
    do), its sentence without dates. Its causes' texts (rule 7, rarely reached) are embedded on demand
    (``_Vec.cos``): a vector depends on its text only, so what is embedded ahead never changes a finding."""
    out = [c["text"], c["sentence"]] + [d["complement"] for d in c["denials"]]
    return out + [_strip_dates(c)] if _date_keys(c) else out


def _strip_dates(c: dict) -> str:
    s = c["sentence"]
    for d in sorted(c["dates"], key=lambda d: -d["start"]):
        a, b = d["start"] - c["start"], d["end"] - c["start"]
        if 0 <= a <= b <= len(s):
            s = s[:a] + s[b:]
    return s


def _eff(c: dict) -> str:
    """Polarity with a denial counted as a negation: "X denied P" and "not P" agree."""
    neg = (c["polarity"] == "negative") + (c["stance"] == "denies")
    return "negative" if neg % 2 else "positive"


def _last(name) -> str:
    return (name or "").split()[-1].lower() if name else ""


def _ov(a, b) -> int:
    return len(set(a) & set(b))


def _date_keys(c: dict) -> set[str]:
    keys = set()
    for d in c["dates"]:
        if d.get("value") and d.get("precision") in ("day", "month"):
            keys.add(d["value"])
        else:
            low = d["text"].lower()
            keys |= {w for w in MONTHS + WEEKDAYS if re.search(rf"\b{w}\b", low)}
            keys |= set(re.findall(r"\b(1[89]\d\d|20\d\d)\b", low))
    return keys


@dataclass
class Finding:
    """One rule's (or the pair model's) finding on a pair of analysed claims: ``kind`` one of ``KINDS`` or
    "contradiction", ``score`` a cosine plus the rule's bonus (or the model's probability)."""
    kind: str
    score: float
    a: dict          # the denying / negating / first side
    b: dict          # the asserting / other side
    a_stance: str
    b_stance: str


def judge(a: dict, b: dict, vec: _Vec, same_source_ok: bool = False, s: LegacyRuleSettings = LEGACY_RULES) -> list[Finding]:
    """The rule findings of one pair of analysed claims (dicts of ``claims.analyse_sentence``), ``a`` tried as
    the denying/negating side; each ``Finding.score`` is a cosine plus the rule's bonus. Claims of one
    article and one speaker are compared only with ``same_source_ok``. Raises ``KeyError`` on a claim dict
    without the analysed fields."""
    out: list[Finding] = []
    different = a["article_id"] != b["article_id"] or _last(a["attributed_to"]) != _last(b["attributed_to"])
    if not (different or same_source_ok):
        return out
    cos = vec.cos(a["text"], b["text"])
    scos = max(cos, vec.cos(a["sentence"], b["sentence"]))
    # 1. explicit denial whose complement is the other claim
    if a["stance"] == "denies" and b["stance"] == "asserts" and not b["denials"] and \
            _last(a["attributed_to"]) != _last(b["attributed_to"]):
        for d in a["denials"] or [{"complement": "", "lemmas": [], "target": None, "denier": None}]:
            comp = d["complement"] if len(d["complement"].split()) >= 2 else a["text"]
            lem = (d["lemmas"] if len(d["complement"].split()) >= 2 else a["lemmas"])
            lem = set(lem) | {w.lower() for w in (d.get("denier") or "").split() if len(w) > 3}
            c = max(vec.cos(comp, b["text"]), vec.cos(comp, b["sentence"]) - s.denial_sentence_margin)
            ov = _ov(lem, b["sentence_lemmas"])
            tgt = bool(d["target"]) and _last(d["target"]) in (_last(b["attributed_to"]), _last(b.get("speaker")))
            # the denier is the one the other claim says acted ("X denied meddling" vs "X is behind ...")
            selfd = bool(d.get("denier")) and _last(d["denier"]) in b["lemmas"]
            if (c >= s.denial_cos and ov >= 1) or (c >= s.denial_cos_wide and ov >= 2) or (tgt and ov >= 1) or (
                    selfd and c >= s.denial_cos_self and ov >= 2):
                bonus = s.denial_target_bonus if tgt else s.denial_self_bonus if selfd else 0
                out.append(Finding("denial", c + s.denial_overlap_step * min(ov, 4) + bonus, a, b, "denies", "asserts"))
                break
    # 2. negation asymmetry on otherwise matching content (a denial counts as one negation)
    cross = a["article_id"] != b["article_id"]
    if not out and cross and _eff(a) == "negative" and _eff(b) == "positive" and a["stance"] != "denies" \
            and cos >= s.negation_cos and _ov(a["lemmas"], b["lemmas"]) >= 2:
        out.append(Finding("negation", cos, a, b, "denies", "asserts"))
    # 3. antonyms
    if not out and cross and cos >= s.antonym_cos and a["polarity"] == b["polarity"]:
        la, lb = set(a.get("words") or a["sentence_lemmas"]), set(b.get("words") or b["sentence_lemmas"])
        for w in la - lb:
            if _ANT.get(w, set()) & (lb - la):
                out.append(Finding("antonym", cos, a, b, "asserts", "asserts"))
                break
    if a["article_id"] == b["article_id"] and not same_source_ok:
        return out
    # 4. numbers on the same measured noun
    if not out and scos >= s.number_cos:
        nouns = {x["noun"] for x in a["numbers"]} & {y["noun"] for y in b["numbers"]} - {None}
        for n in nouns:
            va = {x["value"] for x in a["numbers"] if x["noun"] == n}
            vb = {y["value"] for y in b["numbers"] if y["noun"] == n}
            if va.isdisjoint(vb):
                out.append(Finding("number", scos + s.rule_bonus, a, b, "asserts", "asserts"))
                break
        va, vb = {x["value"] for x in a["numbers"]}, {y["value"] for y in b["numbers"]}
        if not out and va and vb and va != vb and len(va) == len(vb) and scos >= s.number_cos_all:
            out.append(Finding("number", scos, a, b, "asserts", "asserts"))
    # 5. dates for the same event
    if not out:
        ka, kb = _date_keys(a), _date_keys(b)
        if ka and kb and not ka & kb and vec.cos(_strip_dates(a), _strip_dates(b)) >= s.date_cos:
            out.append(Finding("date", scos, a, b, "asserts", "asserts"))
    # 6. places for the same event
    if not out and a["places"] and b["places"] and not set(a["places"]) & set(b["places"]) and scos >= s.place_cos \
            and not set(a["places"]) & set(b["entities"]) and not set(b["places"]) & set(a["entities"]):
        out.append(Finding("place", scos, a, b, "asserts", "asserts"))
    # 7. different explanations of the same act
    if not out:
        neg = [x for x in a["causes"] if x["negated"]]
        for x in neg:
            ov = _ov(set(x["lemmas"]) - {"claim", "report", "allegation"}, b["sentence_lemmas"])
            if (ov >= 2 and scos >= s.cause_cos_wide) or (ov >= 1 and scos >= s.cause_cos):
                out.append(Finding("explanation", scos + s.rule_bonus, a, b, "denies", "asserts"))
                break
        if not out:
            pa = [x for x in a["causes"] if not x["negated"]]
            pb = [y for y in b["causes"] if not y["negated"]]
            for x in pa:
                for y in pb:
                    if scos >= s.other_cause_cos and not _ov(x["lemmas"], y["lemmas"]) \
                            and vec.cos(x["text"], y["text"]) < s.cause_apart_cos \
                            and not _ov(x["lemmas"], b["sentence_lemmas"]) and not _ov(y["lemmas"], a["sentence_lemmas"]):
                        out.append(Finding("explanation", scos - s.rule_bonus, a, b, "asserts", "asserts"))
                        break
                if out:
                    break
    return out
