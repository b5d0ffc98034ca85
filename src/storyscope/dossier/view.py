"""What a reader is shown: findings at or above their kind's display threshold, the rest behind a switch.

Every finding carries a ``confidence`` (0-1). ``display_thresholds.json`` holds, per finding kind, the
lowest confidence shown by default: the threshold at which the shown findings of that kind reached at
least 0.90 precision on the labelled dev events (see the file's ``_how``). The HTML and Markdown
dossiers and the web pages render ``display_view(dossier)``; with ``include_uncertain=True`` (CLI
``--uncertain``, web ``?uncertain=1``) the others are shown too, each marked ``"uncertain": True``.
The JSON dossier always holds every finding with its confidence.
"""
from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from pathlib import Path

THRESHOLDS_PATH = Path(__file__).with_name("display_thresholds.json")
# story section -> finding kind
SECTIONS = {"provenance": "provenance", "claims": "claim", "disputes": "dispute", "quotes": "quote",
            "timeline": "timeline_event", "framing": "framing", "omissions": "omission"}


@lru_cache(maxsize=1)
def display_thresholds() -> dict[str, float]:
    """Finding kind -> lowest confidence shown by default (0-1)."""
    data = json.loads(THRESHOLDS_PATH.read_text(encoding="utf-8"))
    return {k: float(v) for k, v in data.items() if not k.startswith("_")}


def is_corroborated(claim: dict) -> bool:
    """A corroborated fact: a claim stated by at least two independent sources."""
    return int(claim.get("independent_sources", 0)) >= 2


def display_view(dossier: dict, include_uncertain: bool = False) -> dict:
    """A copy of ``dossier`` for reading. Findings below their kind's threshold are left out (or, with
    ``include_uncertain``, kept and marked ``"uncertain": True``). Claims stay listed (disputes and
    omissions cite them by id) but are marked; renderers show as corroborated facts only confident
    claims with two or more independent sources. Each story gets ``"hidden"``: kind -> count left out."""
    out = copy.deepcopy(dossier)
    th = display_thresholds()
    for story in out.get("stories", []):
        hidden: dict[str, int] = {}
        for section, kind in SECTIONS.items():
            keep = []
            for f in story.get(section, []):
                low = float(f.get("confidence", 1.0)) < th.get(kind, 0.0)
                if section == "quotes" and f.get("integrity") == "altered" and \
                        float(f.get("confidence", 1.0)) < th.get("quote_altered", 0.0):
                    # the rendering is what the outlet printed; only the "altered" judgement is uncertain
                    f["uncertain"] = True
                    hidden["altered flag"] = hidden.get("altered flag", 0) + (0 if include_uncertain else 1)
                    if not include_uncertain:
                        f["integrity"] = "unchecked"
                    keep.append(f)
                    continue
                f["uncertain"] = low
                if low and not include_uncertain and section != "claims":
                    hidden[kind] = hidden.get(kind, 0) + 1
                    continue
                if low and section == "claims" and not include_uncertain and is_corroborated(f):
                    hidden[kind] = hidden.get(kind, 0) + 1
                keep.append(f)
            story[section] = keep
        story["hidden"] = hidden
        story["include_uncertain"] = include_uncertain
    return out


NONE_SHOWN = {"provenance": "No copying detected: every article reads as independently written.",
              "claims": "No fact is stated by two or more independent sources.", "disputes": "No disputes.",
              "framing": "No framing differences.", "omissions": "No omissions.", "timeline": "No dated events."}


def empty_notes(story: dict) -> dict[str, str]:
    """Section -> the line a reader sees when it shows nothing: that nothing was found, or, when findings
    of its kind fell below the confidence threshold, how many are hidden and how to show them (an empty
    section must never read as "none exist" when some were only hidden)."""
    hidden = story.get("hidden") or {}
    out = {}
    for section, none in NONE_SHOWN.items():
        n = hidden.get(SECTIONS[section], 0)
        out[section] = (f"None above the confidence threshold; {n} hidden as uncertain "
                        "(show them with --uncertain; web: ?uncertain=1).") if n else none
    return out


def shown_facts(story: dict) -> list[dict]:
    """The corroborated facts a reader sees: claims with two or more independent sources that the
    view did not mark uncertain (or all such claims when the view includes uncertain ones)."""
    return [c for c in story.get("claims", []) if is_corroborated(c)
            and (story.get("include_uncertain") or not c.get("uncertain"))]


def hidden_note(story: dict) -> str:
    """One line saying how many findings below their confidence threshold the view left out."""
    hidden = story.get("hidden") or {}
    n = sum(hidden.values())
    if not n:
        return ""
    noun = {"framing": "framing term"}   # a kind's name where it is not already a countable noun
    parts = ", ".join(f"{v} {noun.get(k, k.replace('_', ' '))}{'' if v == 1 else 's'}"
                      for k, v in sorted(hidden.items()) if v)
    return (f"{n} finding{'' if n == 1 else 's'} below the confidence threshold hidden ({parts}); "
            "show them, marked uncertain, with --uncertain (web: ?uncertain=1).")


_CLOSE = re.compile(r'([,.!?])["\u201d]\s+(?=\S)')


def shown_claim_text(text: str) -> str:
    """A claim's text as the pages show it: a direct quote's words without the attribution that follows its
    closing mark ('We warned them in June," Hruvik told reporters.' -> 'We warned them in June.'). Only when
    no opening mark comes before that closing one and the rest is a short attribution (at most 20 words, no
    further quotation mark); otherwise ``text`` unchanged. The JSON keeps the claim's text as found."""
    m = _CLOSE.search(text)
    if not m or re.search(r'["\u201c]', text[:m.start()]):
        return text
    rest = text[m.end():]
    if len(rest.split()) > 20 or re.search(r'["\u201c\u201d]', rest):
        return text
    return text[:m.start()] + ("." if m.group(1) == "," else m.group(1))


def shown_claim(claim: dict) -> str:
    """The words the pages show for a claim dict: its ``display_text`` (``compare.claim_display``: no
    attribution tail, a leading pronoun's antecedent in brackets) when the dossier has one, else its
    ``text``, through ``shown_claim_text``. The JSON and CSV keep ``text`` as found."""
    return shown_claim_text(claim.get("display_text") or claim.get("text", ""))
