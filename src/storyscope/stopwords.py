"""The one English stopword list of the package: spaCy's (``spacy.lang.en.stop_words.STOP_WORDS``, the list
the shipped ``en_core_web_sm`` model marks with ``Token.is_stop``), adjusted for news comparison.

- ``NEGATION`` words are kept as content: "not" against its absence is the whole difference between a
  quotation and its distortion, or between two claims.
- ``NUMBER_WORDS`` are kept as content: "two" against "three" is a changed fact, not a function word.
- ``DOMAIN`` words are added: the reporting verbs (every article "said" and "told" something, so they
  tell nothing about which statement is which) and the modal "shall", which spaCy's list lacks.
"""
from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS as SPACY_STOP_WORDS

NEGATION = frozenset({"not", "no", "never", "nor", "none", "nothing", "neither", "nobody", "without", "n't", "n’t"})
NUMBER_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen",
    "twenty", "forty", "fifty", "sixty", "hundred", "first", "third", "fifth", "half", "once", "twice"})
DOMAIN = frozenset({"said", "says", "say", "told", "shall"})

STOPWORDS = frozenset((set(SPACY_STOP_WORDS) - NEGATION - NUMBER_WORDS) | DOMAIN)
"""Lower-case English stopwords: spaCy's list without negation and number words, plus ``DOMAIN``."""
