"""When a document was published, at the precision the page gives.

Families, best first: a labelled date near the top ("UPDATED October 16, 2023", "Date : ...",
"Last Updated: Wednesday, 25 April 2007"), a line near the top that is a date and little else
("November 21, 2015 5:29PM EST", "By SAW YAN NAING Monday, December 22, 2008"), a dateline
"(Washington, DC, June 29, 2017)", a date in the page's own URL (/2017/04/23/), and last a
copyright year ("(c) 2017", "© 2017", year precision). Dates inside article sentences are events,
not publication dates, and are never taken.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable

from refugewatch.model.dates import FuzzyDate

MONTHS: dict[str, int] = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# Written dates: "November 21, 2015", "Dec. 2, 2015", "25 April 2007", "2009-01-02",
# "2009년 1월 2일" / "2009年1月2日" (Korean / Chinese pages), "09/20/2018" (US order, as the
# collected US and Asian sites write it; a first number over 12 is read as the day).
DATE_FORMS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    re.compile(
        r"(?P<year>(?:19|20)\d\d)\s*[년年.]\s*(?P<month>[01]?\d)\s*[월月.]\s*(?P<day>[0-3]?\d)\s*[일日]?"
    ),
    re.compile(
        r"(?<![\d/])(?P<first>[01]?\d|[12]\d|3[01])[/-](?P<second>[0-3]?\d)[/-]"
        r"(?P<year>(?:19|20)\d\d)(?!\d)"
    ),
)
# Month and year only, allowed only as a line of its own ("March 2017").
MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE)
# Labels that say "this is the publication date", at the start of a line or followed by a colon
# ("UPDATED October 16, 2023", "Last Updated: ...", "입력 2014-10-17"). Prose words such as
# "released" or "dated" are left out: "a letter dated Feb. 15" is an event in the article.
_LABEL = r"(?:published|posted(?: on)?|updated|last updated|date|입력|수정|发布|發布|发表|發表|日期|时间)"
DATE_LABEL = re.compile(rf"^\W*{_LABEL}(?![a-z])\s*:?|{_LABEL}\s*:", re.IGNORECASE)
# How far down a page the publication date may sit: headline, standfirst, byline, date line.
# Seen in the corpus: within the first 12 lines / 1,500 characters of the cleaned text.
TOP_LINES = 12
TOP_CHARS = 1500
# A "date line" is a date with at most this many other words around it (byline, time, zone).
DATE_LINE_MAX_OTHER_WORDS = 4
# "(Washington, DC, June 29, 2017) –" opening an NGO release.
DATELINE = re.compile(r"^\((?P<inside>[^()]{0,60}?\d{4})\)")
# Date folders in the page's own URL: /2017/04/23/ (day) or /2023/05/ (month).
URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d\d)/(?P<month>[01]\d)(?:/(?P<day>[0-3]\d))?(?=/|$)")
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+")
# Copyright notices give the year the page was (last) published.
COPYRIGHT_YEAR = re.compile(r"(?:\(c\)|©|ⓒ|Copyright)\s*(?:©\s*)?(?P<year>(?:19|20)\d\d)", re.I)


def find_published(clean_text: str, raw_text: str, url: str | None) -> tuple[FuzzyDate, str]:
    """The publication date and which family found it ('text', 'url', 'copyright' or 'none')."""
    top = _top_lines(clean_text)
    found = _labelled_date(top) or _date_line(top) or _dateline(top)
    if found:
        return found, "text"
    for candidate in _candidate_urls(url, raw_text):
        found = date_from_url(candidate)
        if found:
            return found, "url"
    year = copyright_year(raw_text)
    if year:
        return FuzzyDate.year(year), "copyright"
    return FuzzyDate.unknown(), "none"


def parse_date(text: str) -> FuzzyDate | None:
    """The first full written date in text (day precision), or None."""
    for form in DATE_FORMS:
        for match in form.finditer(text):
            value = _from_match(match)
            if value:
                return value
    return None


def parse_header_date(value: str) -> FuzzyDate | None:
    """A header value: ISO YYYY-MM-DD, YYYY-MM or YYYY, or any written date."""
    stripped = value.strip()
    if re.fullmatch(r"(?:19|20)\d\d(?:-[01]\d(?:-[0-3]\d)?)?", stripped):
        try:
            return FuzzyDate.parse_edtf(stripped)
        except ValueError:
            return None
    return parse_date(stripped) or _month_year(stripped)


def date_from_url(url: str) -> FuzzyDate | None:
    match = URL_DATE.search(url)
    if not match:
        return None
    year, month = int(match["year"]), int(match["month"])
    try:
        if match["day"]:
            return FuzzyDate.day(year, month, int(match["day"]))
        return FuzzyDate.month(year, month)
    except ValueError:
        return None


def copyright_year(text: str) -> int | None:
    """The latest copyright year in the text (a page re-published later keeps the newest)."""
    years = [int(m["year"]) for m in COPYRIGHT_YEAR.finditer(text)]
    return max(years) if years else None


def _top_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text[:TOP_CHARS].split("\n") if line.strip()]
    return lines[:TOP_LINES]


def _labelled_date(lines: Iterable[str]) -> FuzzyDate | None:
    for line in lines:
        label = DATE_LABEL.search(line)
        if label:
            found = parse_date(line[label.end() : label.end() + 80])
            if found:
                return found
    return None


def _date_line(lines: Iterable[str]) -> FuzzyDate | None:
    for line in lines:
        found = parse_date(line) or _month_year_line(line)
        if found and _other_words(line) <= DATE_LINE_MAX_OTHER_WORDS:
            return found
    return None


def _dateline(lines: Iterable[str]) -> FuzzyDate | None:
    for line in lines:
        match = DATELINE.match(line)
        if match:
            found = parse_date(match["inside"])
            if found:
                return found
    return None


def _other_words(line: str) -> int:
    """Words on the line that are not part of a date, a time or a time zone."""
    rest = line
    for form in (*DATE_FORMS, MONTH_YEAR):
        rest = form.sub(" ", rest)
    rest = re.sub(
        r"\b\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?|\b[A-Z]{2,4}\b|\b(?:mon|tue|wed|thu|fri|sat|sun)"
        r"[a-z]*\b|[|,()\-–—:/]|\bby\b",
        " ",
        rest,
        flags=re.IGNORECASE,
    )
    return len(rest.split())


def _month_year_line(line: str) -> FuzzyDate | None:
    match = MONTH_YEAR.fullmatch(line.strip())
    return _month_year(match.group()) if match else None


def _month_year(text: str) -> FuzzyDate | None:
    match = MONTH_YEAR.search(text)
    if not match:
        return None
    return FuzzyDate.month(int(match["year"]), MONTHS[match["month"].lower()])


def _candidate_urls(url: str | None, raw_text: str) -> list[str]:
    """The page's own URL: from the header/metadata, else the first URL near the top."""
    if url:
        return [url]
    first = URL_IN_TEXT.search(raw_text[:TOP_CHARS])
    return [first.group()] if first else []


def _from_match(match: re.Match[str]) -> FuzzyDate | None:
    groups = match.groupdict()
    year = int(groups["year"])
    if groups.get("first"):
        first, second = int(groups["first"]), int(groups["second"])
        month, day = (first, second) if first <= 12 else (second, first)
    else:
        raw_month = groups["month"]
        month = int(raw_month) if raw_month.isdigit() else MONTHS[raw_month.lower()]
        day = int(groups["day"])
    try:
        return FuzzyDate.from_date(dt.date(year, month, day))
    except ValueError:
        return None
