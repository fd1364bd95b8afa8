"""Dates in text resolved against the publication date, at the precision the text allows."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.extract.dates import find_dates
from refugewatch.model.dates import FuzzyDate, Precision

PUBLISHED = FuzzyDate.day(2015, 11, 21)  # a Saturday

RESOLVED = [
    ("month-day", "On October 22 they crossed.", "October 22", "2015-10-22"),
    ("abbrev", "caught on Oct. 23 near the border", "Oct. 23", "2015-10-23"),
    ("day-month-year", "on 22 October 2015 police", "22 October 2015", "2015-10-22"),
    ("month-day-year", "on Oct. 22, 2015, police", "Oct. 22, 2015", "2015-10-22"),
    ("iso", "dated 2015-10-22 in the file", "2015-10-22", "2015-10-22"),
    ("iso-month", "a report of 2015-10 said", "2015-10", "2015-10"),
    ("mid-month", "arrested in mid-March 2017", "mid-March 2017", "2017-03"),
    ("month-year", "arrested in March 2017", "March 2017", "2017-03"),
    ("month-of-year", "in December of 2008 they", "December of 2008", "2008-12"),
    ("month-of-last-year", "in December of last year", "December of last year", "2014-12"),
    ("month-only", "they were caught in May and", "May", "2015-05"),
    ("month-later-than-pub", "they were caught in December", "December", "2014-12"),
    ("late-month", "arrested in late October", "late October", "2015-10"),
    ("last-month-name", "since last January the", "last January", "2015-01"),
    ("year", "caught in 2016 by police", "2016", "2016"),
    ("early-year", "in early 2016 the", "early 2016", "2016"),
    ("day-range", "talks on July 15-17 failed", "July 15-17", "2015-07"),
    ("day-range-words", "between July 15 to 17, they", "July 15 to 17", "2015-07"),
    ("weekday", "police said on Tuesday", "Tuesday", "2015-11-17"),
    ("weekday-same-day", "arrested on Saturday", "Saturday", "2015-11-21"),
    ("last-weekday", "arrested last Saturday", "last Saturday", "2015-11-14"),
    ("yesterday", "detained yesterday", "yesterday", "2015-11-20"),
    ("nth-of-month", "caught on the 7th, they", "the 7th", "2015-11-07"),
    ("nth-after-pub-day", "caught on the 28th.", "the 28th", "2015-10-28"),
    ("nth-of-this-month", "on the 9th of this month", "the 9th of this month", "2015-11-09"),
    ("nth-of-last-month", "on the 20th of last month", "the 20th of last month", "2015-10-20"),
    ("last-week", "arrested last week", "last week", "2015-11"),
    ("last-month", "arrested last month", "last month", "2015-10"),
    ("earlier-this-month", "arrested earlier this month", "earlier this month", "2015-11"),
    ("this-year", "so far this year", "this year", "2015"),
    ("last-year", "from 50 last year", "last year", "2014"),
    ("weeks-ago", "two weeks ago they", "two weeks ago", "2015-11"),
    ("quarter", "in the first quarter of 2020", "the first quarter of 2020", "2020"),
    ("quarter-this-year", "during the first quarter of this year", "the first quarter of this year",
     "2015"),
    ("korean", "2015년 10월 22일에 체포", "2015년 10월 22일", "2015-10-22"),
    ("chinese", "2015年10月22日被捕", "2015年10月22日", "2015-10-22"),
    ("korean-no-year", "10월 22일에 체포", "10월 22일", "2015-10-22"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "phrase", "edtf"), [r[1:] for r in RESOLVED], ids=[r[0] for r in RESOLVED]
)
def test_dates_resolve_against_publication(text: str, phrase: str, edtf: str) -> None:
    found = {m.text: m.value.to_edtf() for m in find_dates(text, PUBLISHED)}
    assert found.get(phrase) == edtf, found


def test_mid_month_is_a_month_not_an_invented_day() -> None:
    (mention,) = find_dates("in mid-March 2017", PUBLISHED)
    assert mention.value == FuzzyDate.month(2017, 3)


def test_past_two_months_is_a_range_ending_at_publication() -> None:
    (mention,) = find_dates("detained in the past two months", PUBLISHED)
    assert mention.value.precision is Precision.RANGE
    assert mention.value.latest == dt.date(2015, 11, 21)
    assert mention.value.earliest == dt.date(2015, 9, 1)
    assert mention.relative


def test_a_day_range_keeps_both_days() -> None:
    (mention,) = find_dates("on July 15-17", PUBLISHED)
    assert (mention.value.earliest, mention.value.latest) == (
        dt.date(2015, 7, 15),
        dt.date(2015, 7, 17),
    )


@pytest.mark.parametrize(
    "text",
    ["On October 22 they crossed", "police said on Tuesday", "last week", "yesterday",
     "in the past two months", "earlier this month"],
    ids=["month-day", "weekday", "last-week", "yesterday", "past-months", "this-month"],
)  # fmt: skip
def test_without_a_publication_date_no_year_is_invented(text: str) -> None:
    mentions = find_dates(text, FuzzyDate.unknown())
    assert mentions, "the span is still reported"
    assert all(not m.value.is_known for m in mentions)


def test_stated_years_resolve_without_a_publication_date() -> None:
    (mention,) = find_dates("caught on 22 October 2015", FuzzyDate.unknown())
    assert mention.value == FuzzyDate.day(2015, 10, 22)
    assert not mention.relative


@pytest.mark.parametrize(
    "text",
    ["they may be returned", "troops march to the border", "the fall of the regime",
     "1,200 people", "room 2015b", "https://example.org/2015/10/22/story",
     "held on the 5th floor", "since the 19th century"],
    ids=["may-verb", "march-verb", "fall-noun", "count", "label", "url-path", "ordinal-floor",
         "century"],
)  # fmt: skip
def test_words_that_only_look_like_dates_are_skipped(text: str) -> None:
    assert find_dates(text, PUBLISHED) == []


def test_offsets_quote_the_text() -> None:
    text = "On Oct. 22, 2015, and again last week (in mid-March 2017), police said on Tuesday."
    for mention in find_dates(text, PUBLISHED):
        assert text[mention.start : mention.end] == mention.text


MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]  # fmt: skip
ABBREVIATIONS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
                 "Nov.", "Dec."]  # fmt: skip
FORMATS = [
    lambda d: f"{MONTH_NAMES[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{ABBREVIATIONS[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}",
    lambda d: d.isoformat(),
    lambda d: f"{d.year}년 {d.month}월 {d.day}일",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
]
dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))


@given(dates, st.sampled_from(range(len(FORMATS))))
def test_any_valid_date_in_a_supported_format_resolves_to_itself(day: dt.date, fmt: int) -> None:
    text = f"They were arrested on {FORMATS[fmt](day)} near the border."
    mentions = find_dates(text, PUBLISHED)
    assert [m.value for m in mentions] == [FuzzyDate.from_date(day)]


@given(dates, dates.filter(lambda d: d.day <= 28))
def test_a_date_without_year_is_the_latest_on_or_before_publication(
    published: dt.date, day: dt.date
) -> None:
    text = f"They were arrested on {MONTH_NAMES[day.month - 1]} {day.day}."
    (mention,) = find_dates(text, FuzzyDate.from_date(published))
    value = mention.value.earliest
    assert value is not None
    assert value <= published
    assert (value.month, value.day) == (day.month, day.day)
    assert value.year >= published.year - 1


PAST_PHRASES = ["on Monday", "on Sunday", "yesterday", "last week", "last month", "last year",
                "earlier this month", "two weeks ago", "three months ago", "in the past two months",
                "in October", "on October 31", "last Friday", "in the last five years",
                "on the 3rd", "on the 30th", "on the 12th of last month"]  # fmt: skip


@given(dates, st.sampled_from(PAST_PHRASES))
def test_past_tense_dates_never_start_after_publication(published: dt.date, phrase: str) -> None:
    mentions = find_dates(f"They were detained {phrase}.", FuzzyDate.from_date(published))
    assert mentions
    for mention in mentions:
        assert mention.relative
        assert mention.value.earliest is not None
        assert mention.value.earliest <= published


FRAGMENTS = ["Oct.", "October", "May", "2015", "1999", "-", " to ", " and ", "31", "30", "29",
             "2", "15", "mid-", "last ", "week", "month", "year", "Tuesday", "ago", "two ",
             "the past ", "in ", ", ", "년", "월", "일", "年", "月", "日", "spring ", "quarter"]  # fmt: skip


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12), st.one_of(st.none(), dates))
def test_find_dates_never_fails_and_quotes_exactly(
    parts: list[str], published: dt.date | None
) -> None:
    text = "".join(parts)
    anchor = FuzzyDate.from_date(published) if published else FuzzyDate.unknown()
    for mention in find_dates(text, anchor):
        assert text[mention.start : mention.end] == mention.text
        value = mention.value
        if value.earliest and value.latest:
            assert value.earliest <= value.latest


@pytest.mark.parametrize(
    ("published", "phrase", "edtf"),
    [
        (FuzzyDate.month(2015, 11), "last month", "2015-10"),
        (FuzzyDate.month(2015, 11), "this year", "2015"),
        (FuzzyDate.year(2015), "last year", "2014"),
        (FuzzyDate.year(2015), "last month", None),
        (FuzzyDate.month(2015, 11), "last week", None),
    ],
    ids=["month-last-month", "month-this-year", "year-last-year", "year-last-month", "week"],
)
def test_a_coarse_publication_date_resolves_what_it_can(
    published: FuzzyDate, phrase: str, edtf: str | None
) -> None:
    (mention,) = find_dates(f"They were arrested {phrase}.", published)
    assert mention.value.to_edtf() == edtf
