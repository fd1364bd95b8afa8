"""Wording similarity: character n-gram TF-IDF cosine, hand-rolled with the standard library.

Character n-grams survive the small differences between reports of one event (inflections,
transliterations such as "Mong Cai" / "Móng Cái", typos) better than whole words do. Inverse
document frequency is computed over the batch being linked, so phrases every report shares
("North Korean defectors") weigh little and the particular ones ("Hun Sen park") weigh a lot.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from refugewatch.link.places import fold_text

# 3- to 5-character grams: 3 catches shared stems, 5 rewards longer shared phrases; longer grams
# add little once the words are split but multiply the vector size.
NGRAM_SIZES = (3, 4, 5)

# Digits and number words are left out: the people count is compared on its own (with tolerance
# for 9 vs 10), and "a group of seven" would otherwise make every pair of seven-person groups
# look alike.
NUMBER_WORDS = frozenset(
    {
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "dozen",
        "hundred",
        "thousand",
    }
)
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)

Vector = Mapping[str, float]


def wording_tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(fold_text(text)) if t not in NUMBER_WORDS]


def char_ngrams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for token in wording_tokens(text):
        padded = f" {token} "
        for n in NGRAM_SIZES:
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def tfidf_vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """One unit-length vector per text; sublinear term frequency, smoothed IDF over `texts`."""
    counts = [char_ngrams(t) for t in texts]
    document_frequency: Counter[str] = Counter()
    for grams in counts:
        document_frequency.update(grams.keys())
    total = len(texts)
    idf = {g: math.log((1 + total) / (1 + df)) + 1.0 for g, df in document_frequency.items()}
    return [_unit({g: (1.0 + math.log(c)) * idf[g] for g, c in grams.items()}) for grams in counts]


def cosine(a: Vector, b: Vector) -> float:
    """Dot product of two unit vectors (0 when either is empty)."""
    if len(b) < len(a):
        a, b = b, a
    return sum(w * b.get(g, 0.0) for g, w in a.items())


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {g: w / norm for g, w in vector.items()} if norm else {}
