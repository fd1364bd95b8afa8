"""People counts in running text: "nine", "at least 41", "50 to 60", "about 30,000", "several".

`find_counts` scans a text once with one compiled pattern and returns every phrase that could say
how many people, with the parsed `Count` (low/best/high + qualifier, never an invented middle).
Figures that are not head-counts are left out on purpose: years (2015), ages ("11-month-old",
"aged 14"), times, money, percentages, distances and durations ("nine days"), ordinals, article
numbers and the day in a date ("October 22"). Whether a count is a count *of North Koreans* is the
incident and statistics extractors' business; they read the words after `end`.

Qualifiers follow the corpus conventions: more than / over / at least -> at_least;
about / approximately / around / some / nearly / an estimated -> about; up to / as many as ->
up_to; a bare number -> exact; "50 to 60" / "between 600 and 2,000" -> Count.between.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from refugewatch.model.counts import Count, Qualifier

# --- number words ---------------------------------------------------------------------------

UNIT_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS_WORDS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALE_WORDS: dict[str, int] = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}

# "a dozen" is how reporters round twelve; "half a dozen" six, "two dozen" 24. All are
# approximations.
DOZEN_PHRASES: dict[str, int] = {
    "half a dozen": 6, "a dozen": 12, "one dozen": 12, "two dozen": 24, "three dozen": 36,
    "four dozen": 48, "five dozen": 60,
}  # fmt: skip

# --- qualifiers (corpus README, "Annotation conventions") ------------------------------------

# Longest first so "no fewer than" wins over "fewer than".
QUALIFIER_PHRASES: dict[str, Qualifier] = {
    "no fewer than": Qualifier.AT_LEAST,
    "no less than": Qualifier.AT_LEAST,
    "not less than": Qualifier.AT_LEAST,
    "more than": Qualifier.AT_LEAST,
    "well over": Qualifier.AT_LEAST,
    "just over": Qualifier.AT_LEAST,
    "upwards of": Qualifier.AT_LEAST,
    "in excess of": Qualifier.AT_LEAST,
    "at least": Qualifier.AT_LEAST,
    "a minimum of": Qualifier.AT_LEAST,
    "over": Qualifier.AT_LEAST,
    "an estimated": Qualifier.ABOUT,
    "an approximate": Qualifier.ABOUT,
    "approximately": Qualifier.ABOUT,
    "estimated": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "about": Qualifier.ABOUT,
    "nearly": Qualifier.ABOUT,
    "almost": Qualifier.ABOUT,
    "close to": Qualifier.ABOUT,
    "some": Qualifier.ABOUT,
    "circa": Qualifier.ABOUT,
    "as many as": Qualifier.UP_TO,
    "up to": Qualifier.UP_TO,
    "no more than": Qualifier.UP_TO,
    "not more than": Qualifier.UP_TO,
    "at most": Qualifier.UP_TO,
    "a maximum of": Qualifier.UP_TO,
    "fewer than": Qualifier.UP_TO,
    "less than": Qualifier.UP_TO,
}
# Phrases that introduce a definite group size without changing the qualifier.
GROUP_PHRASES = (
    "a group of",
    "a family of",
    "a total of",
    "the group of",
    "a party of",
    "all",
)
# "30 or more", "200-plus", "30-odd" after the number.
SUFFIX_QUALIFIERS: dict[str, Qualifier] = {
    "or more": Qualifier.AT_LEAST,
    "plus": Qualifier.AT_LEAST,
    "+": Qualifier.AT_LEAST,
    "or so": Qualifier.ABOUT,
    "odd": Qualifier.ABOUT,
}

# Vague quantities: a count exists but the text gives no figure. They yield Count.unknown() so no
# number is ever invented; the mention still tells the incident extractor that a group is there.
VAGUE_PHRASES = (
    "an undetermined number",
    "an unknown number",
    "an unspecified number",
    "an undisclosed number",
    "an unconfirmed number",
    "a number of",
    "tens of thousands",
    "hundreds of thousands",
    "several",
    "dozens",
    "scores",
    "hundreds",
    "thousands",
    "a handful",
    "a few",
)

# --- what a number must not be ---------------------------------------------------------------

# Words right after a figure that make it a duration, distance, amount, age or rate, not people.
NON_PEOPLE_UNITS = (
    "years?", "months?", "weeks?", "days?", "hours?", "minutes?", "seconds?", "decades?",
    "nights?", "times", "percent", "per cent", "pct", "km", "kilomet(?:er|re)s?", "miles?",
    "met(?:er|re)s?", "feet", "foot", "kg", "kilo(?:gram)?s?", "tons?", "tonnes?", "dollars?",
    "won", "yuan", "rmb", "renminbi", "baht", "euros?", "pounds?", "dong", "kip", "rubles?",
    "roubles?", "usd", "krw", "cny", "a\\.m\\.", "p\\.m\\.", "am\\b", "pm\\b", "o'clock",
    "rounds?", "pages?", "articles?", "floors?", "storeys?", "stories", "gmt", "utc",
    "kst", "local time", "hrs",
)  # fmt: skip
# Words right before a figure that make it a label, a date part, an age or an amount.
NON_PEOPLE_PREFIXES = (
    "aged?", "ages", "age of", "article", "art\\.", "section", "paragraph", "para\\.", "resolution",
    "no\\.", "number", "chapter", "route", "highway", "room", "cell", "case", "page", "p\\.",
    "unit", "block", "ward", "camp", "flight", "bus", "line", "gate", "exit", "level",
    "us\\$", "\\$", "€", "£", "₩", "¥", "krw", "usd", "won", "rmb", "the year",
)  # fmt: skip
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
# Years stated bare ("in 2015", "2016 report"): four digits in this window are read as years.
YEAR_LOW, YEAR_HIGH = 1900, 2099
# Idioms where "one" is not a head-count.
ONE_IDIOMS = re.compile(
    r"(?:no|any|every|each|some|this|that|which|the|last|the other)\s+$", re.IGNORECASE
)
ONE_IDIOM_AFTER = re.compile(r"\s*(?:another|day|time|way|point|thing|side|hand)\b", re.I)


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "no fewer than" wins over "fewer than"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WORD = _alternation([*UNIT_WORDS, *TENS_WORDS, *SCALE_WORDS])
# "twenty-one", "two hundred and fifty", "three thousand".
# One hyphen or a space joins number words; " -- " is a dash between phrases ("the eight -- two
# men, ...").
_WORDS_NUMBER = rf"(?:{_WORD})(?:(?:\s+|-|\s+and\s+(?=(?:{_WORD})\b))(?:{_WORD}))*"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_DIGITS_SCALED = rf"{_DIGITS}(?:(?:\s*|-)(?:{_alternation(SCALE_WORDS)}))?"  # "15-hundred"
_DOZEN = _alternation(DOZEN_PHRASES).replace(r"\ ", r"\s+")  # wrapped lines: "two\ndozen"
_NUMBER = rf"(?:{_DOZEN}|{_DIGITS_SCALED}|{_WORDS_NUMBER})"
_QUAL = _alternation(QUALIFIER_PHRASES)
_GROUP = _alternation(GROUP_PHRASES)
_SUFFIX = r"(?:\s+or\s+more|\s+or\s+so|-?plus\b|\+|-odd\b)"
_RANGE_SEP = r"(?:\s*(?:-|–|—|to|or)\s*)"

COUNT_PATTERN = re.compile(
    rf"""
    (?<![\w$€£₩¥.,/:=&?#+\[-])
    (?:
      (?P<vague>{_alternation(VAGUE_PHRASES)})
    |
      (?:(?P<qual>{_QUAL})\s+)?
      (?:(?P<group>{_GROUP})\s+)?
      (?:
        (?P<between>between|from)\s+(?P<blow>{_NUMBER})\s+(?:and|to|-)\s+(?P<bhigh>{_NUMBER})
      |
        (?P<low>{_NUMBER})(?:{_RANGE_SEP}(?P<high>{_NUMBER}))?(?P<suffix>{_SUFFIX})?
      )
    )
    (?![\w/%(]|\.\d|,\d|-\d|[ \t]\d)  # not part of a phone number, ID or decimal
    """,
    re.IGNORECASE | re.VERBOSE,
)
_WORD_START = re.compile(r"(?<![\w'’])(?=[\w$])")
# How many texts' results to keep: one document is read by several extractors in a row.
CACHED_TEXTS = 8
# Characters before the figure that a qualifier can take ("no fewer than a group of ").
COUNT_REACH = 32


# Where a count can be: a digit, a number word or a vague quantity word.
COUNT_ANCHOR = re.compile(
    rf"(?<!\d)\d|(?<![\w'’])(?:{_WORD}|dozens?|number|several|scores|handful|few|tens|hundreds"
    rf"|thousands)(?!\w)",
    re.IGNORECASE,
)
_AFTER_NON_PEOPLE = re.compile(
    rf"(?:\s*-\s*|\s+)(?:{'|'.join(NON_PEOPLE_UNITS)})(?!\w)|\s*%|-(?:year|month|week|day)",
    re.IGNORECASE,
)
# Month names may be glued to the word before them in scraped page furniture ("ReportsAugust 16"),
# so they are matched capitalised and without a word boundary ("Myanmar 19" is not "Mar 19").
_BEFORE_NON_PEOPLE = re.compile(
    rf"(?:(?<!\w)(?:{'|'.join(NON_PEOPLE_PREFIXES)})|(?-i:{MONTHS})\.?)\s*$",
    re.IGNORECASE,
)
# A list of ages: "aged 12, 13, and 17", "ages 35 and 45".
_AGE_LIST = re.compile(r"(?<!\w)(?:aged?|ages)\s+(?:\d+\s*(?:,|and|to|-|–)\s*)+(?:and\s+)?$", re.I)
# An age after a name: "Kim Kum Sun, 43, and ...", "Choe (25)", "Choi Hyang, 13" at a line end.
_NAME_BEFORE = re.compile(r"[A-Z][a-z]+\s*[,(]\s*$")
_AGE_AFTER = re.compile(r"\s*(?:[,)]|\n|$)")
# "1. (C) SUMMARY": a numbered paragraph, not a count.
_LINE_START = re.compile(r"(?:^|\n)[ \t]*$")
_LIST_MARKER_AFTER = re.compile(r"[.)]\s")
# Reference numbers carry leading zeros ("000073", "0930 local time"); head-counts never do.
_LEADING_ZERO = re.compile(r"0\d")
# Counts of people written in digits without separators stay below this (IDs and URLs do not).
MAX_UNSEPARATED_DIGITS = 4
_AFTER_YEAR = re.compile(r",?\s+(?:19|20)\d\d(?!\d)")
_AFTER_MONTH = re.compile(rf"\s*(?:{MONTHS})\b", re.IGNORECASE)
_AFTER_CLOCK = re.compile(r"\s*(?::\d\d|h\d\d)")
_PARTITIVE = re.compile(r"\s+of\s+(?:them|whom|those|these|the)\b", re.IGNORECASE)
# Context windows for the checks above: enough for "US$" or "aged 12, 13, and", and cheap.
LOOKBEHIND_CHARS = 16
AGE_LOOKBEHIND_CHARS = 40


@dataclass(frozen=True)
class CountMention:
    """A phrase in the text that states how many people; [start, end) are character offsets."""

    start: int
    end: int
    text: str
    count: Count
    # True for "one of them", "three of the nine": a sub-group of a group named elsewhere.
    partitive: bool = False


def find_counts(text: str) -> list[CountMention]:
    """Every people-count phrase in `text`, in order of appearance."""
    return list(_find_counts(text))


# The incident, statistics and appeal extractors all read the same document's counts.
@functools.lru_cache(maxsize=CACHED_TEXTS)
def _find_counts(text: str) -> tuple[CountMention, ...]:
    mentions: list[CountMention] = []
    position = 0
    for anchor in COUNT_ANCHOR.finditer(text):
        if anchor.start() < position:
            continue
        match = match_covering(COUNT_PATTERN, text, anchor.start(), position, COUNT_REACH)
        if match is None:
            continue
        mention = _mention_from_match(text, match)
        if mention is not None:
            mentions.append(mention)
        position = _resume_at(match, accepted=mention is not None)
    return tuple(mentions)


def match_covering(
    pattern: re.Pattern[str], text: str, anchor: int, floor: int, reach: int
) -> re.Match[str] | None:
    """The leftmost match of `pattern` that starts at a word shortly before `anchor` (not before
    `floor`) and runs past it.

    Scanning a long pattern at every position of a text is slow; a cheap anchor (a digit, a
    month name) finds the few places worth trying, and the qualifiers before it ("at least",
    "in the past two") are reached by trying the word starts within `reach` characters.
    """
    low = max(floor, anchor - reach)
    starts = [m.start() for m in _WORD_START.finditer(text, low, anchor)] + [anchor]
    for start in starts:
        match = pattern.match(text, start)
        if match is not None and match.end() > anchor:
            return match
    return None


def _resume_at(match: re.Match[str], accepted: bool) -> int:
    """Where to scan next: a rejected range ("2001 - 583", a year then a figure) is re-read from
    its second figure, which may be a count on its own."""
    if not accepted:
        for group in ("high", "bhigh"):
            if match.group(group) is not None:
                return match.start(group)
    return max(match.end(), match.start() + 1)


def parse_count(phrase: str) -> Count | None:
    """The Count a phrase such as "at least 41", "50 to 60" or "a dozen" states, else None."""
    stripped = phrase.strip()
    match = COUNT_PATTERN.fullmatch(stripped)
    if match is None:
        return None
    return _count_from_match(match)


def _mention_from_match(text: str, match: re.Match[str]) -> CountMention | None:
    if _is_not_people(text, match):
        return None
    count = _count_from_match(match)
    if count is None:
        return None
    partitive = bool(_PARTITIVE.match(text, match.end()))
    return CountMention(match.start(), match.end(), match.group(0), count, partitive)


def _count_from_match(match: re.Match[str]) -> Count | None:
    if match.group("vague"):
        return Count.unknown()
    if match.group("between"):
        return _range(match.group("blow"), match.group("bhigh"))
    if match.group("high"):
        return _range(match.group("low"), match.group("high"))
    value = parse_number(match.group("low"))
    if value is None:
        return None
    return _qualified(value, _qualifier_of(match))


def _qualifier_of(match: re.Match[str]) -> Qualifier:
    suffix = match.group("suffix")
    if suffix:
        key = re.sub(r"[\s-]+", " ", suffix).strip().lower()
        return SUFFIX_QUALIFIERS.get(key, Qualifier.AT_LEAST)
    qual = match.group("qual")
    if qual:
        return QUALIFIER_PHRASES[re.sub(r"\s+", " ", qual.lower())]
    if re.sub(r"\s+", " ", match.group("low").lower()) in DOZEN_PHRASES:
        return Qualifier.ABOUT
    return Qualifier.EXACT


def _qualified(value: int, qualifier: Qualifier) -> Count:
    if qualifier is Qualifier.AT_LEAST:
        return Count.at_least(value)
    if qualifier is Qualifier.ABOUT:
        return Count.about(value)
    if qualifier is Qualifier.UP_TO:
        return Count.up_to(value)
    return Count.exact(value)


def _range(low_text: str, high_text: str) -> Count | None:
    low, high = parse_number(low_text), parse_number(high_text)
    if low is None or high is None:
        return None
    if high <= low:
        # "7 - 3" or "one to one" is not a range of people; keep the first figure only.
        return None
    return Count.between(low, high)


def _is_not_people(text: str, match: re.Match[str]) -> bool:
    if match.group("vague"):
        return bool(_AFTER_NON_PEOPLE.match(text, match.end()))
    window_start = max(0, match.start() - LOOKBEHIND_CHARS)
    unqualified = match.group("qual") is None and match.group("group") is None
    if unqualified and _BEFORE_NON_PEOPLE.search(text, window_start, match.start()):
        return True
    if _AFTER_NON_PEOPLE.match(text, match.end()) or _AFTER_CLOCK.match(text, match.end()):
        return True
    if _is_day_number(match) and (
        _AFTER_MONTH.match(text, match.end()) or _AFTER_YEAR.match(text, match.end())
    ):
        return True
    return (
        _is_year(match)
        or _is_one_idiom(text, match)
        or _is_reference_number(match)
        or _is_age_or_marker(text, match)
    )


def _is_reference_number(match: re.Match[str]) -> bool:
    figures = [match.group(g) for g in ("low", "high", "blow", "bhigh") if match.group(g)]
    return any(_looks_like_reference(figure) for figure in figures)


def _looks_like_reference(figure: str) -> bool:
    if not figure[:1].isdigit():
        return False
    plain = figure.split(".")[0]
    return bool(_LEADING_ZERO.match(plain)) or (
        "," not in plain and len(plain) > MAX_UNSEPARATED_DIGITS and plain.isdigit()
    )


def _is_age_or_marker(text: str, match: re.Match[str]) -> bool:
    if match.group("qual") or match.group("group") or not (match.group("low") or "")[:1].isdigit():
        return False
    window = text[max(0, match.start() - AGE_LOOKBEHIND_CHARS) : match.start()]
    if _AGE_LIST.search(window):
        return True
    if _NAME_BEFORE.search(window) and _AGE_AFTER.match(text, match.end()):
        return True
    return bool(_LINE_START.search(window) and _LIST_MARKER_AFTER.match(text, match.end()))


def _is_day_number(match: re.Match[str]) -> bool:
    """ "22 October": a bare 1-31 figure right before a month name is a day of the month."""
    if match.group("qual") or match.group("group") or match.group("between"):
        return False
    low = match.group("low")
    return low.isdigit() and 1 <= int(low) <= 31


def _is_year(match: re.Match[str]) -> bool:
    if match.group("qual") or match.group("group"):
        return False
    figures = [match.group(g) for g in ("low", "high", "blow", "bhigh") if match.group(g)]
    return any(re.fullmatch(r"\d{4}", f) and YEAR_LOW <= int(f) <= YEAR_HIGH for f in figures)


def _is_one_idiom(text: str, match: re.Match[str]) -> bool:
    if match.group(0).lower() != "one":
        return False
    before = text[max(0, match.start() - LOOKBEHIND_CHARS) : match.start()]
    return bool(ONE_IDIOMS.search(before) or ONE_IDIOM_AFTER.match(text, match.end()))


def parse_number(phrase: str) -> int | None:
    """An integer from "1,200", "30 thousand", "1.5 million", "twenty-one" or "a dozen"."""
    cleaned = re.sub(r"[\s-]+", " ", phrase.strip().lower())
    if cleaned in DOZEN_PHRASES:
        return DOZEN_PHRASES[cleaned]
    if cleaned[:1].isdigit():
        return _parse_digits(cleaned)
    return _parse_words(cleaned.replace(" and ", " ").split())


def _parse_digits(cleaned: str) -> int | None:
    figure, _, scale = cleaned.partition(" ")
    if not scale and figure[-1:].isalpha():
        figure, scale = figure.rstrip("abcdefghijklmnopqrstuvwxyz"), figure.lstrip("0123456789.,")
    value = float(figure.replace(",", ""))
    multiplier = SCALE_WORDS.get(scale, 1) if scale else 1
    if scale and scale not in SCALE_WORDS:
        return None
    result = value * multiplier
    # "1.5" people is not a count; "1.5 million" is.
    return int(result) if result == int(result) else None


def _parse_words(tokens: list[str]) -> int | None:
    """Words to an integer, refusing malformed runs such as "two three" or "hundred twenty five"."""
    total, group, last = 0, 0, ""
    for token in tokens:
        kind = _word_kind(token)
        if kind is None or not _word_follows(last, kind, group, token):
            return None
        if kind in ("unit", "tens"):
            group += UNIT_WORDS.get(token, 0) + TENS_WORDS.get(token, 0)
        elif token == "hundred":
            group = (group or 1) * 100
        else:
            total += (group or 1) * SCALE_WORDS[token]
            group = 0
        last = kind if kind != "scale" else token
    return total + group


def _word_kind(token: str) -> str | None:
    if token in UNIT_WORDS:
        return "unit"
    if token in TENS_WORDS:
        return "tens"
    if token in SCALE_WORDS:
        return "scale"
    return None


def _word_follows(last: str, kind: str, group: int, token: str) -> bool:
    """Grammar of English numerals: which word class may follow which."""
    if kind == "unit":
        after_tens = last == "tens" and group % 10 == 0 and UNIT_WORDS[token] < 10
        return last in ("", "hundred", "thousand", "million") or after_tens
    if kind == "tens":
        return last in ("", "hundred", "thousand", "million")
    if token == "hundred":
        return last in ("unit", "tens") and group < 100
    return last in ("unit", "tens", "hundred") and 0 < group < 1000
