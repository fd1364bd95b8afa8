"""Dates in running text, resolved against the document's publication date.

One compiled pattern finds every candidate span; only those are parsed. Each form resolves to a
`FuzzyDate` at the precision the text allows (corpus README, "Annotation conventions"):

- "22 October 2015", "Oct. 22, 2015", "2015-10-22"       -> the day
- "October 22", "Oct. 23" (no year)                     -> the latest such day on or before
                                                           publication
- "mid-March 2017", "March 2017", "late October"        -> the month (never an invented day)
- "in 2016", "early 2016"                                -> the year
- "July 15-17", "the first quarter of 2020", "spring"    -> a range (to_edtf gives the month or
                                                           the year that holds it)
- "on Tuesday", "yesterday"                              -> that day (latest on or before
                                                           publication)
- "last week", "earlier this month", "last month"        -> the month
- "in the past two months", "over the past five years"   -> a range ending at publication
- "this year", "last year"                               -> the year

With an unknown publication date every form that needs it (no year in the text) keeps its span
but gets an unknown value: a year is never invented.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from refugewatch.extract.numbers import CACHED_TEXTS, match_covering, parse_number
from refugewatch.model.dates import FuzzyDate, Precision


@dataclass(frozen=True)
class DateMention:
    """A date phrase; `relative` is True when its value depends on the publication date."""

    start: int
    end: int
    text: str
    value: FuzzyDate
    relative: bool


MONTH_NUMBERS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
# Seasons as northern-hemisphere month spans (all the detaining states are north of the equator);
# winter is dated to the year whose December it starts in.
SEASONS: dict[str, tuple[int, int]] = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 14),
}
QUARTERS: dict[str, int] = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4}
HALVES: dict[str, int] = {"first": 1, "second": 2}
# Years outside this window are not dates in these reports (and keep "1,200" from being a year).
YEAR_MIN, YEAR_MAX = 1945, 2099
UNIT_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 30, "year": 365}

# Month names are matched capitalised only: "may", "march" and "sept" are ordinary words too.
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE"
    r"|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19[4-9]\d|20\d\d)"
# A day range: "15-17", or "15 to 17" / "22 and 23" when no lowercase word follows the second day
# (so "October 22 and 5 others" stays a single day).
_DASH = rf"(?:\s*[-–—]\s*|\s+(?:to|through|and)\s+(?=(?:{_MONTH}\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?!\w)(?!\s+[a-z\d])))"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = (
    r"(?i:early|mid|late|the\s+(?:beginning|start|middle|end|first\s+week|last\s+week"
    r"|first\s+half|second\s+half)\s+of)"
)
_COUNT_WORD = (
    r"(?i:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several)"
)
_NUMERAL_WORDS = {"a": 1, "few": 3, "several": 3}
_UNIT = r"(?i:day|week|month|year)s?"

DATE_PATTERN = re.compile(
    rf"""
    (?<![\w/-])
    (?:
      (?P<iso>(?P<iso_y>{_YEAR})-(?P<iso_m>0[1-9]|1[0-2])(?:-(?P<iso_d>[0-3]\d))?)(?![\d-])
    | (?P<cjk>(?:(?P<cjk_y>{_YEAR})\s*[년年]\s*)?(?P<cjk_m>1[0-2]|0?[1-9])\s*[월月]
        (?:\s*(?P<cjk_d>[12]\d|3[01]|0?[1-9])\s*[일日])?)
    | (?P<md>(?P<md_m>{_MONTH})\s+(?P<md_d>{_DAY})
        (?:{_DASH}(?:(?P<md_m2>{_MONTH})\s+)?(?P<md_d2>{_DAY}))?
        (?:,?\s+(?P<md_y>{_YEAR}))?)(?![\d:])
    | (?P<dm>(?P<dm_d>{_DAY})(?:{_DASH}(?P<dm_d2>{_DAY}))?\s+(?:of\s+)?(?P<dm_m>{_MONTH})
        (?:,?\s+(?P<dm_y>{_YEAR}))?)
    | (?P<nth>(?i:on|by|since|until|from)\s+(?P<nth_the>(?i:the)\s+(?P<nth_d>[12]\d|3[01]|0?[1-9])
        (?i:st|nd|rd|th))(?:\s+(?i:of)\s+(?P<nth_rel>(?i:this|last))\s+(?i:month)
        |(?=\s*(?:[,.;:)]|$|(?i:and|when|after|before|at|in|as|while|near|outside)\b))))
    | (?P<my>(?:(?P<my_part>{_PART})[\s-]+)?(?P<my_m>{_MONTH})
        (?:,?\s+(?:of\s+)?(?P<my_y>{_YEAR}|(?i:last|this)\s+year)))
    | (?P<mo>(?P<mo_pre>(?i:in|since|during|until|till|by|from|through|between|and|or|to|of
        |before|after|last|this|early|late|mid|the\s+end\s+of|the\s+beginning\s+of)[\s-]+)
        (?P<mo_m>{_MONTH}))(?!\.?,?\s+(?:of\s+)?(?:\d|(?i:last|this)\s+year))
    | (?P<season>(?P<season_pre>(?i:last|this|in\s+the|during\s+the|by\s+the)\s+)?
        (?P<season_n>(?i:spring|summer|autumn|fall|winter))(?:\s+(?:of\s+)?(?P<season_y>{_YEAR}))?
        (?(season_pre)|(?(season_y)|(?!x)x)))
    | (?P<quarter>(?i:the\s+)?(?P<q_n>(?i:first|second|third|fourth|last))\s+(?i:quarter)
        (?:\s+(?i:of)\s+(?P<q_y>{_YEAR}|(?i:this|last)\s+year))?)
    | (?P<half>(?i:the\s+)?(?P<h_n>(?i:first|second))\s+(?i:half)
        (?:\s+(?i:of)\s+(?P<h_y>{_YEAR}|(?i:this|last)\s+year))?)
    | (?P<decade>(?i:the\s+)?(?P<dec_y>19[4-9]0|20[0-9]0)'?s)
    | (?P<yr>(?:(?P<yr_part>(?i:early|mid|late|the\s+end\s+of|the\s+beginning\s+of))[\s-]+)?
        (?P<yr_y>{_YEAR})(?:\s*[년年])?)(?![\d,.]\d)
    | (?P<wd>(?P<wd_pre>(?i:last|this|past)\s+)?(?P<wd_n>{_WEEKDAY})(?:\s+(?i:night|morning|evening
        |afternoon))?)
    | (?P<yday>(?i:yesterday|today|the\s+day\s+before\s+yesterday))
    | (?P<rel>(?P<rel_pre>(?i:(?:earlier|later)\s+(?:this|last)|last|this))
        \s+(?P<rel_u>(?i:week|month|year)))
    | (?P<past>(?i:(?:in|over|during|within|for)\s+the\s+(?:past|last))\s+
        (?:(?P<past_n>{_COUNT_WORD})\s+)?(?P<past_u>{_UNIT}))
    | (?P<ago>(?P<ago_n>{_COUNT_WORD})\s+(?P<ago_u>{_UNIT})\s+(?i:ago))
    )
    (?:(?<=[년年월月일日])|(?!\w))  # Korean particles may follow 년/월/일 directly
    """,
    re.VERBOSE,
)


def find_dates(text: str, published: FuzzyDate) -> list[DateMention]:
    """Every date phrase in `text` with its value resolved against `published`."""
    return list(_find_dates(text, published))


# The incident, statistics and appeal extractors all read the same document's dates.
@functools.lru_cache(maxsize=CACHED_TEXTS)
def _find_dates(text: str, published: FuzzyDate) -> tuple[DateMention, ...]:
    anchor = published.earliest if published.precision is Precision.DAY else None
    mentions: list[DateMention] = []
    position = 0
    for hit in DATE_ANCHOR.finditer(text):
        if hit.start() < position:
            continue
        match = match_covering(DATE_PATTERN, text, hit.start(), position, DATE_REACH)
        if match is None:
            continue
        position = match.end()
        kind = next(k for k in _PARSERS if match.group(k) is not None)
        resolved = _PARSERS[kind](match, anchor, published)
        if resolved is None:
            continue
        value, relative = resolved
        start = _start_of(match, kind)
        mentions.append(DateMention(start, match.end(), text[start : match.end()], value, relative))
    return tuple(mentions)


# Where a date can be: a digit, a month or weekday name, or a word every relative date holds.
DATE_ANCHOR = re.compile(
    rf"\d|(?<![\w'’]){_MONTH}|(?<![\w'’]){_WEEKDAY}"
    r"|(?<![\w'’])(?i:yesterday|today|days?|weeks?|months?|years?|spring|summer|autumn|fall|winter"
    r"|quarter|half)(?!\w)"
)
# Characters a date phrase can run before its anchor ("the day before yesterday").
DATE_REACH = 40


# Prepositions the month-only form needs as context ("in May", not the verb "may") but that are
# not part of the date itself; modifiers such as "last" or "late" stay in the span.
CONTEXT_PREPOSITIONS = frozenset(
    [
        "in",
        "since",
        "during",
        "until",
        "till",
        "by",
        "from",
        "through",
        "between",
        "and",
        "or",
        "to",
        "of",
        "before",
        "after",
    ]
)


def _start_of(match: re.Match[str], kind: str) -> int:
    if kind == "nth":
        return match.start("nth_the")
    if kind == "mo" and match.group("mo_pre").strip().lower() in CONTEXT_PREPOSITIONS:
        return match.start("mo_m")
    return match.start()


Resolved = tuple[FuzzyDate, bool] | None
Parser = Callable[[re.Match[str], dt.date | None, FuzzyDate], Resolved]


def _month_number(name: str) -> int:
    return MONTH_NUMBERS[name.rstrip(".").lower()]


def _day_number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _parse_iso(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    year, month = int(match.group("iso_y")), int(match.group("iso_m"))
    if match.group("iso_d"):
        return _safe_day(year, month, int(match.group("iso_d")), relative=False)
    return FuzzyDate.month(year, month), False


def _parse_cjk(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    month = int(match.group("cjk_m"))
    day = int(match.group("cjk_d")) if match.group("cjk_d") else None
    year_text = match.group("cjk_y")
    if year_text:
        year = int(year_text)
        return _safe_day(year, month, day, False) if day else (FuzzyDate.month(year, month), False)
    return _resolve_without_year(month, day, anchor)


def _parse_month_day(
    match: re.Match[str], anchor: dt.date | None, published: FuzzyDate
) -> Resolved:
    month = _month_number(match.group("md_m"))
    day = _day_number(match.group("md_d"))
    end_month = _month_number(match.group("md_m2")) if match.group("md_m2") else month
    end_day = _day_number(match.group("md_d2")) if match.group("md_d2") else None
    year_text = match.group("md_y")
    return _day_or_range(month, day, end_month, end_day, year_text, anchor)


def _parse_nth(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    """ "on the 7th", "on the 9th of this month": a day of the publication month (or the month
    before, for "last month" or a day still to come), like a weekday name."""
    if anchor is None:
        return FuzzyDate.unknown(), True
    day = int(match.group("nth_d"))
    rel = (match.group("nth_rel") or "").lower()
    back = rel == "last" or (not rel and day > anchor.day)
    first = anchor.replace(day=1)
    month = (first - dt.timedelta(days=1)).replace(day=1) if back else first
    return _safe_day(month.year, month.month, day, relative=True)


def _parse_day_month(
    match: re.Match[str], anchor: dt.date | None, published: FuzzyDate
) -> Resolved:
    month = _month_number(match.group("dm_m"))
    day = _day_number(match.group("dm_d"))
    end_day = _day_number(match.group("dm_d2")) if match.group("dm_d2") else None
    return _day_or_range(month, day, month, end_day, match.group("dm_y"), anchor)


def _day_or_range(
    month: int,
    day: int,
    end_month: int,
    end_day: int | None,
    year_text: str | None,
    anchor: dt.date | None,
) -> Resolved:
    if end_day is None:
        if year_text:
            return _safe_day(int(year_text), month, day, relative=False)
        return _resolve_without_year(month, day, anchor)
    if year_text:
        year = int(year_text)
    elif anchor is not None:
        year = _latest_year(month, day, anchor)
    else:
        return FuzzyDate.unknown(), True
    start_year = year
    end_year = year + 1 if end_month < month else year  # "December 30 to January 2"
    try:
        first = dt.date(start_year, month, day)
        last = dt.date(end_year, end_month, end_day)
    except ValueError:
        return None
    if last < first:
        return None
    return FuzzyDate.between(first, last), year_text is None


def _parse_month_year(
    match: re.Match[str], anchor: dt.date | None, published: FuzzyDate
) -> Resolved:
    month = _month_number(match.group("my_m"))
    year = _year_of_phrase(match.group("my_y"), anchor)
    if year is None:
        return FuzzyDate.unknown(), True
    return FuzzyDate.month(year, month), not match.group("my_y")[:1].isdigit()


def _parse_month_only(
    match: re.Match[str], anchor: dt.date | None, published: FuzzyDate
) -> Resolved:
    month = _month_number(match.group("mo_m"))
    prefix = match.group("mo_pre").strip().lower()
    if prefix == "last" and anchor is not None:
        # "last January" is the most recent January before the current month (a 2012-03 text
        # means 2012-01; a January text means the year before).
        year = anchor.year if month < anchor.month else anchor.year - 1
        return FuzzyDate.month(year, month), True
    return _resolve_without_year(month, None, anchor)


def _resolve_without_year(month: int, day: int | None, anchor: dt.date | None) -> Resolved:
    """The latest such month (or day) on or before publication; unknown without a publication."""
    if anchor is None:
        return FuzzyDate.unknown(), True
    year = _latest_year(month, day or 1, anchor)
    if day is None:
        return FuzzyDate.month(year, month), True
    return _safe_day(year, month, day, relative=True)


def _latest_year(month: int, day: int, anchor: dt.date) -> int:
    if (month, day) <= (anchor.month, anchor.day):
        return anchor.year
    return anchor.year - 1


def _safe_day(year: int, month: int, day: int, relative: bool) -> Resolved:
    try:
        return FuzzyDate.day(year, month, day), relative
    except ValueError:
        # "February 30": keep the month the writer meant rather than dropping the mention.
        return FuzzyDate.month(year, month), relative


def _parse_season(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    first_month, last_month = SEASONS[match.group("season_n").lower()]
    year_text = match.group("season_y")
    prefix = (match.group("season_pre") or "").strip().lower()
    if year_text:
        year = int(year_text)
    elif anchor is None:
        return FuzzyDate.unknown(), True
    elif prefix == "last":
        year = anchor.year - 1 if (anchor.month < first_month) else anchor.year
        year = year - 1 if year == anchor.year and anchor.month <= last_month else year
    else:
        year = anchor.year if anchor.month >= first_month else anchor.year - 1
    return _season_range(year, first_month, last_month), year_text is None


def _season_range(year: int, first_month: int, last_month: int) -> FuzzyDate:
    start = dt.date(year, first_month, 1)
    end_year, end_month = (year + 1, last_month - 12) if last_month > 12 else (year, last_month)
    end = dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
    return FuzzyDate.between(start, end)


def _year_of_phrase(text: str | None, anchor: dt.date | None) -> int | None:
    if text is None:
        return anchor.year if anchor else None
    if text[:1].isdigit():
        return int(text)
    if anchor is None:
        return None
    return anchor.year - 1 if text.lower().startswith("last") else anchor.year


def _parse_quarter(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    year = _year_of_phrase(match.group("q_y"), anchor)
    relative = match.group("q_y") is None or not match.group("q_y")[:1].isdigit()
    if year is None:
        return FuzzyDate.unknown(), True
    quarter = QUARTERS[match.group("q_n").lower()]
    first_month = 3 * quarter - 2
    return _month_span(year, first_month, first_month + 2), relative


def _parse_half(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    year = _year_of_phrase(match.group("h_y"), anchor)
    relative = match.group("h_y") is None or not match.group("h_y")[:1].isdigit()
    if year is None:
        return FuzzyDate.unknown(), True
    first_month = 1 if HALVES[match.group("h_n").lower()] == 1 else 7
    return _month_span(year, first_month, first_month + 5), relative


def _month_span(year: int, first_month: int, last_month: int) -> FuzzyDate:
    last_day = calendar.monthrange(year, last_month)[1]
    return FuzzyDate.between(dt.date(year, first_month, 1), dt.date(year, last_month, last_day))


def _parse_decade(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    start = int(match.group("dec_y"))
    return FuzzyDate.between(dt.date(start, 1, 1), dt.date(start + 9, 12, 31)), False


def _parse_year(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    year = int(match.group("yr_y"))
    if not YEAR_MIN <= year <= YEAR_MAX:
        return None
    return FuzzyDate.year(year), False


def _parse_weekday(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    if anchor is None:
        return FuzzyDate.unknown(), True
    target = WEEKDAYS[match.group("wd_n").lower()]
    back = (anchor.weekday() - target) % 7
    prefix = (match.group("wd_pre") or "").strip().lower()
    if back == 0 and prefix in ("last", "past"):
        back = 7  # "last Tuesday" written on a Tuesday means a week ago
    return FuzzyDate.from_date(anchor - dt.timedelta(days=back)), True


def _parse_yesterday(
    match: re.Match[str], anchor: dt.date | None, published: FuzzyDate
) -> Resolved:
    if anchor is None:
        return FuzzyDate.unknown(), True
    phrase = match.group("yday").lower()
    back = 0 if phrase == "today" else 2 if "before" in phrase else 1
    return FuzzyDate.from_date(anchor - dt.timedelta(days=back)), True


def _parse_relative_unit(
    match: re.Match[str], anchor: dt.date | None, published: FuzzyDate
) -> Resolved:
    unit = match.group("rel_u").lower()
    prefix = re.sub(r"\s+", " ", match.group("rel_pre").lower())
    if prefix == "the same":
        return None  # "the same month" points at another date in the text, not at publication
    if anchor is None:
        return _coarse_relative(published, unit, prefix)
    earlier = prefix.endswith("last")
    if unit == "week":
        day = anchor - dt.timedelta(days=7 if earlier else 0)
        return FuzzyDate.month(day.year, day.month), True
    if unit == "month":
        day = anchor.replace(day=1) - dt.timedelta(days=1) if earlier else anchor
        return FuzzyDate.month(day.year, day.month), True
    return FuzzyDate.year(anchor.year - 1 if earlier else anchor.year), True


# A publication known to the month or the year still dates "this year" and "last year".
COARSE_PUBLICATION = frozenset({Precision.MONTH, Precision.YEAR})


def _coarse_relative(published: FuzzyDate, unit: str, prefix: str) -> Resolved:
    """With a publication known only to the month or year, "this year" still resolves, and
    "last month" too when the month is known; weeks cannot."""
    first = published.earliest
    if published.precision not in COARSE_PUBLICATION or first is None or unit == "week":
        return FuzzyDate.unknown(), True
    earlier = prefix.endswith("last")
    if unit == "year":
        return FuzzyDate.year(first.year - (1 if earlier else 0)), True
    if published.precision is not Precision.MONTH:
        return FuzzyDate.unknown(), True
    day = first - dt.timedelta(days=1) if earlier else first
    return FuzzyDate.month(day.year, day.month), True


def _parse_past(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    if anchor is None:
        return FuzzyDate.unknown(), True
    amount = amount_of_units(match.group("past_n"))
    unit = match.group("past_u").lower().rstrip("s")
    start = _shift_back(anchor, amount, unit)
    if unit in ("month", "year"):
        start = start.replace(day=1) if unit == "month" else start
    return FuzzyDate.between(start, anchor), True


def _parse_ago(match: re.Match[str], anchor: dt.date | None, published: FuzzyDate) -> Resolved:
    if anchor is None:
        return FuzzyDate.unknown(), True
    amount = amount_of_units(match.group("ago_n"))
    unit = match.group("ago_u").lower().rstrip("s")
    day = _shift_back(anchor, amount, unit)
    if unit == "day":
        return FuzzyDate.from_date(day), True
    if unit == "year":
        return FuzzyDate.year(day.year), True
    return FuzzyDate.month(day.year, day.month), True


def amount_of_units(text: str | None) -> int:
    """How many days, weeks ...: "four", "4", "a", "a few"; no number at all ("the next day")
    is one."""
    if text is None:
        return 1
    lowered = text.lower()
    if lowered in _NUMERAL_WORDS:
        return _NUMERAL_WORDS[lowered]
    return parse_number(lowered) or 1


def _shift_back(anchor: dt.date, amount: int, unit: str) -> dt.date:
    """`amount` units before `anchor`; calendar months and years, so "two months" is exact."""
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 - amount
        year, month = divmod(index, 12)
        day = min(anchor.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)
    if unit == "year":
        day = min(anchor.day, calendar.monthrange(anchor.year - amount, anchor.month)[1])
        return anchor.replace(year=anchor.year - amount, day=day)
    return anchor - dt.timedelta(days=amount * UNIT_DAYS[unit])


_PARSERS: dict[str, Parser] = {
    "iso": _parse_iso,
    "cjk": _parse_cjk,
    "md": _parse_month_day,
    "dm": _parse_day_month,
    "nth": _parse_nth,
    "my": _parse_month_year,
    "mo": _parse_month_only,
    "season": _parse_season,
    "quarter": _parse_quarter,
    "half": _parse_half,
    "decade": _parse_decade,
    "yr": _parse_year,
    "wd": _parse_weekday,
    "yday": _parse_yesterday,
    "rel": _parse_relative_unit,
    "past": _parse_past,
    "ago": _parse_ago,
}
