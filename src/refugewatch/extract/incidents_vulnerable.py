"""Vulnerable members of a group: infants, children, elderly, ill or injured, pregnant, trafficked.

Counts are the number stated or clearly implied ("two girls in their early teens" = 2 children;
"women in their 30s and 60s" = at least 1 elderly). The same baby is named in the headline, the
lead and the body, so each kind takes the largest count any single sentence gives, never a sum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from refugewatch.extract import patterns as p
from refugewatch.extract.numbers import TENS_WORDS, UNIT_WORDS, parse_number
from refugewatch.model.extraction import VulnerabilityKind

# Ages (years) that bound each kind, from the annotation conventions.
INFANT_MAX_AGE = 1
CHILD_MAX_AGE = 17
ELDERLY_MIN_AGE = 60
_NUMBER = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "both": 2,
}  # fmt: skip
_COUNT_WORD = r"(?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_COUNTED_CHILDREN = re.compile(
    rf"\b{_COUNT_WORD}\s+(?:(?:young|teenage|defector|North Korean|minor|small|little)\s+)*"
    r"(?:children|child|kids|minors|minor|teenagers|teenager|girls|girl|boys|boy)\b"
    r"(?!\s+(?:in their|aged) (?:20s|30s|40s|50s))",
    re.IGNORECASE,
)
# "five of the nine were children", "three of them are minors".
_PARTITIVE_CHILDREN = re.compile(
    rf"\b{_COUNT_WORD}\s+of\s+(?P<whole>them|the\s+[\w-]+)\s+(?:were|are)\s+(?:all\s+)?"
    r"(?:children|minors|teenagers|under-?age|boys|girls)\b",
    re.IGNORECASE,
)
_TEENAGE_GROUP = re.compile(rf"\b{_COUNT_WORD}\s+teenage\b", re.IGNORECASE)
_PLURAL_CHILDREN = re.compile(r"\b(?:young children|children|kids)\b", re.IGNORECASE)
_SINGLE_CHILD = re.compile(
    r"\b(?:(?:a|one|her|his|their)\s+(?:young\s+|\w+-year-old\s+)?|young\s+)(?:child|daughter|"
    r"son|teenager|minor|kid)\b(?!-in-law)|\bteenage (?:girl|boy)\b",
    re.IGNORECASE,
)
_AGE_HYPHEN = re.compile(r"\b(\d{1,2})-year-old\b", re.IGNORECASE)
# Ages written in words ("a fourteen-year-old"): the number words up to twenty.
_AGE_WORDS = {**UNIT_WORDS, "twenty": TENS_WORDS["twenty"]}
_AGE_WORD_HYPHEN = re.compile(rf"\b({'|'.join(_AGE_WORDS)})-year-old\b", re.IGNORECASE)
_AGE_AFTER_NAME = re.compile(r"[A-Z][a-z]+(?:-[a-z]+)?,\s(\d{1,2})(?=,|\s|\))")
_AGE_LIST = re.compile(
    r"\b(?:aged|ages)\s+(?:between\s+|from\s+)?(?:about\s+|around\s+)?(\d{1,2}(?:\s*(?:,|and|to|-)\s*(?:and\s+)?\d{1,2})*)"
)
# "a person over 60", "a woman older than 70": an age floor said of one member.
_OVER_AGE = re.compile(
    r"\b(?:person|man|woman|one|someone|grandmother|grandfather)\s+(?:aged\s+)?"
    r"(?:over|above|older\s+than)\s+(?:the\s+age\s+of\s+)?(\d{2})\b",
    re.IGNORECASE,
)
_ELDERLY_COUPLE = re.compile(
    r"\bcouple\s+in\s+their\s+(?:(?:early|mid|late)[- ])?(?:60s|70s|80s)", re.I
)
# "children and elderly women": a plural says at least two.
_PLURAL_ELDERLY = re.compile(
    r"\b(?:elderly|older)\s+(?:women|men|people|persons|parents|relatives|members)\b", re.I
)
_MONTHS_OLD = re.compile(
    r"\b(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven)-month-old\b",
    re.IGNORECASE,
)
_TRAFFICKED_COUNT = re.compile(
    rf"\b{_COUNT_WORD}\s+(?:[\w-]+\s+){{0,3}}(?:women|girls|people|"
    r"North Koreans|defectors|refugees|of them|of whom)\b",
    re.IGNORECASE,
)
_COUNTED_BEFORE = re.compile(rf"\b{_COUNT_WORD}\s+(?:\w+\s+){{0,3}}$", re.IGNORECASE)


def find_vulnerable(
    sentences: Iterable[str], group_size: int
) -> tuple[tuple[VulnerabilityKind, int], ...]:
    best: dict[VulnerabilityKind, int] = {}
    for text in sentences:
        for kind, count in _in_sentence(text, group_size).items():
            best[kind] = max(best.get(kind, 0), count)
    order = list(VulnerabilityKind)
    return tuple(
        (kind, min(n, group_size) if group_size > 0 else n)
        for kind, n in sorted(best.items(), key=lambda kv: order.index(kv[0]))
        if n > 0
    )


def _in_sentence(text: str, group_size: int) -> dict[VulnerabilityKind, int]:
    ages = _ages(text)
    return {
        VulnerabilityKind.INFANTS: _infants(text, ages),
        VulnerabilityKind.CHILDREN: _children(text, ages, group_size),
        VulnerabilityKind.ELDERLY: _elderly(text, ages),
        VulnerabilityKind.PREGNANT: len(p.PREGNANT.findall(text)) and 1,
        VulnerabilityKind.ILL_OR_INJURED: _counted(text, p.ILL, 1),
        VulnerabilityKind.TRAFFICKING_SURVIVORS: _trafficked(text, group_size),
    }


def _ages(text: str) -> list[int]:
    ages = [int(a) for a in _AGE_HYPHEN.findall(text)]
    ages += [_AGE_WORDS[w.lower()] for w in _AGE_WORD_HYPHEN.findall(text)]
    ages += [int(a) for a in _AGE_AFTER_NAME.findall(text)]
    ages += [int(a) + 1 for a in _OVER_AGE.findall(text)]
    for listed in _AGE_LIST.findall(text):
        ages += [int(a) for a in re.findall(r"\d{1,2}", listed)]
    return ages


def _infants(text: str, ages: list[int]) -> int:
    months = len(_MONTHS_OLD.findall(text))
    babies = len(re.findall(r"\b(?:baby|infant|newborn|toddler)\b", text, re.IGNORECASE))
    by_age = sum(1 for a in ages if a <= INFANT_MAX_AGE)
    return min(1, months + babies + by_age) if (months or babies or by_age) else 0


def _children(text: str, ages: list[int], group_size: int) -> int:
    by_age = sum(1 for a in ages if INFANT_MAX_AGE < a <= CHILD_MAX_AGE)
    counted = [_as_number(m.group("n")) for m in _COUNTED_CHILDREN.finditer(text)]
    counted += [_as_number(m.group("n")) for m in _TEENAGE_GROUP.finditer(text)]
    for match in _PARTITIVE_CHILDREN.finditer(text):
        if _of_this_group(match.group("whole"), group_size):
            counted.append(_as_number(match.group("n")))
        else:  # another group's members: not even "children" in general is about this group
            text = text.replace(match.group(0), " " * len(match.group(0)))
    if re.search(r"\bearly teens\b", text, re.IGNORECASE):
        counted.append(max([_counted_before_phrase(text, "early teens"), 1]))
    best = max([*counted, by_age, 0])
    single = _SINGLE_CHILD.search(text)
    if best == 0 and single and not _is_infant_phrase(single.group(0)) and not _is_adult(single):
        best = 1
    if best == 0 and _PLURAL_CHILDREN.search(text):
        best = 2  # "the group included young children": at least two
    return best


def _is_adult(phrase: re.Match[str]) -> bool:
    """ "her 22-year-old son" is a son, not a child."""
    age = _AGE_HYPHEN.search(phrase.group(0))
    return age is not None and int(age.group(1)) > CHILD_MAX_AGE


def _of_this_group(whole: str, group_size: int) -> bool:
    """ "six of the 22 are children" speaks of the 22, not of a group of three among them."""
    number = parse_number(whole.split()[-1]) if whole.lower() != "them" else None
    return number is None or group_size <= 0 or number == group_size


def _is_infant_phrase(phrase: str) -> bool:
    """ "a 1-year-old child", "an 11-month-old": an infant, not a child."""
    if "month-old" in phrase.lower():
        return True
    age = re.search(r"\b(\d{1,2}|one|zero)-year-old", phrase, re.IGNORECASE)
    return bool(age) and age is not None and age.group(1).lower() in {"0", "1", "one", "zero"}


def _counted_before_phrase(text: str, phrase: str) -> int:
    pos = text.lower().find(phrase)
    window = text[max(0, pos - 40) : pos]
    match = re.search(rf"\b{_COUNT_WORD}\s+(?:\w+\s+){{0,3}}in their\s+$", window, re.IGNORECASE)
    return _as_number(match.group("n")) if match else 1


def _elderly(text: str, ages: list[int]) -> int:
    by_age = sum(1 for a in ages if a >= ELDERLY_MIN_AGE)
    ranged = re.search(r"\b(?:aged|ages)\s+\d{1,2}\s*(?:to|-)\s*(\d{2})\b", text)
    if ranged and int(ranged.group(1)) >= ELDERLY_MIN_AGE:
        by_age = max(by_age, 1)
    plural = _PLURAL_ELDERLY.search(text) or _ELDERLY_COUPLE.search(text)
    named = _counted(text, p.ELDERLY, 2 if plural else 1)
    if re.search(r"\b(?:30s|40s|50s) and (?:60s|70s)\b", text):
        named = max(named, 1)
    return max(by_age, named)


def _counted(text: str, regex: re.Pattern[str], default: int) -> int:
    best = 0
    for match in regex.finditer(text):
        counted = _COUNTED_BEFORE.search(text[max(0, match.start() - 40) : match.start()])
        best = max(best, _as_number(counted.group("n")) if counted else default)
    return best


def _trafficked(text: str, group_size: int) -> int:
    best = 0
    for match in p.TRAFFICKED.finditer(text):
        window = text[max(0, match.start() - 70) : match.start()]
        # The count nearest the phrase: "Seven women, three of whom had been sold" is three.
        counted = _last(_TRAFFICKED_COUNT.finditer(window))
        if counted:
            best = max(best, _as_number(counted.group("n")))
        elif re.search(r"\b(?:they|the refugees|the women|all)\b", window, re.IGNORECASE):
            best = max(best, group_size)
        else:
            best = max(best, 1)
    return best


def _last(matches: Iterable[re.Match[str]]) -> re.Match[str] | None:
    found = list(matches)
    return found[-1] if found else None


def _as_number(token: str) -> int:
    token = token.lower()
    return int(token) if token.isdigit() else _NUMBER.get(token, 1)
