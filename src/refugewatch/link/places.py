"""Place names reduced to comparable word sets ("Tumen" ~ "Tumen, Jilin"; "Móng Cái" ~ "Mong Cai").

Shared by linking (do two reports name the same place?) and the case fold (are two spellings one
place, and which is more precise?).
"""

from __future__ import annotations

import re
import unicodedata

# Administrative and generic words say what kind of place it is, not which one: "Tumen City" is
# Tumen, "Jilin province" is Jilin. The same list as the corpus scorer, plus facility words that
# reports add or drop at will ("the Vladivostok detention center" vs "Vladivostok").
PLACE_NOISE_WORDS = frozenset(
    {
        "city",
        "county",
        "province",
        "prefecture",
        "autonomous",
        "district",
        "town",
        "township",
        "village",
        "region",
        "municipality",
        "state",
        "the",
        "of",
        "in",
        "near",
        "at",
        "and",
        "area",
        "border",
        "detention",
        "center",
        "centre",
        "facility",
        "station",
        "camp",
        "shelter",
        "office",
        "immigration",
        "police",
        "prison",
        "park",
    }
)
# Common English abbreviations folded to one spelling so "St Petersburg" ~ "Saint Petersburg".
PLACE_ABBREVIATIONS = {"st": "saint", "mt": "mount", "ft": "fort"}

_WORD = re.compile(r"[a-z0-9]+|[^\W\d_a-z]+")


def fold_text(text: str) -> str:
    """Lower-case and strip accents, keeping non-Latin scripts (Hangul, Han) as they are."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", kept).casefold()


def place_words(name: str | None) -> frozenset[str]:
    """The distinguishing words of a place name; empty for None or a name of noise words only."""
    if not name:
        return frozenset()
    words = (PLACE_ABBREVIATIONS.get(w, w) for w in _WORD.findall(fold_text(name)))
    return frozenset(w for w in words if w not in PLACE_NOISE_WORDS)


def same_place(a: str | None, b: str | None) -> bool:
    """True when the words of one name all stand in the other ("Tumen" ~ "Tumen, Jilin")."""
    wa, wb = place_words(a), place_words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def text_words(text: str) -> frozenset[str]:
    """All folded words of a free text, for "is this place named in that sentence?"."""
    return frozenset(PLACE_ABBREVIATIONS.get(w, w) for w in _WORD.findall(fold_text(text)))
