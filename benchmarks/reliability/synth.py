"""Generate many fictional articles (for crash, concurrency and scale tests): no real text."""
from __future__ import annotations

import random
from pathlib import Path

TOWNS = ["Orlen", "Kessel", "Brannock", "Selvane", "Ilvar", "Ostmark", "Skerrin", "Dunmere", "Valtane", "Corvel"]
PEOPLE = ["Petra Lund", "Aron Fel", "Mina Oksa", "Hal Brin", "Odile Vance", "Ines Kallo", "Tomas Reyd", "Lise Marr"]
THINGS = ["bridge", "harbour", "school", "railway", "hospital", "dam", "market", "ferry line", "power plant"]
VERBS = ["reopened", "closed", "was inspected", "won new funding", "faced protests", "was sold", "flooded"]


def article(i: int, rng: random.Random) -> str:
    town, who, thing, verb = rng.choice(TOWNS), rng.choice(PEOPLE), rng.choice(THINGS), rng.choice(VERBS)
    day = rng.randint(1, 28)
    paras = [f"The {town} {thing} {verb} on Monday, officials said (item {i}).",
             f'"We have done what we promised," {who} told reporters in {town}.',
             f"Residents said the {thing} had been a concern since last June, and {rng.randint(2, 90)} people "
             f"attended a meeting on {day} March."]
    paras += [f"Paragraph {k} of report {i} adds detail about the {thing} in {town}." for k in range(rng.randint(2, 8))]
    return f"{town} {thing} {verb} (report {i})\n\nBy NORTHWIRE\nPublished: MARCH {day}, 2025 09:00\n\n" + "\n\n".join(paras) + "\n"


def write_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = folder / f"a{i:06d}.txt"
        p.write_text(article(i, rng), encoding="utf-8")
        out.append(p)
    return out
