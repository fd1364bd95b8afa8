"""People counts in text: qualifiers, ranges, words, and the figures that are not head-counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.extract.numbers import find_counts, parse_count, parse_number
from refugewatch.model.counts import Count, Qualifier

PARSED = [
    ("nine", Count.exact(9)),
    ("Nine", Count.exact(9)),
    ("twenty-one", Count.exact(21)),
    ("twenty one", Count.exact(21)),
    ("two hundred and fifty", Count.exact(250)),
    ("three thousand", Count.exact(3000)),
    ("10", Count.exact(10)),
    ("1,200", Count.exact(1200)),
    ("30,000", Count.exact(30000)),
    ("1.5 million", Count.exact(1_500_000)),
    ("30 thousand", Count.exact(30000)),
    ("15-hundred", Count.exact(1500)),
    ("a dozen", Count.about(12)),
    ("half a dozen", Count.about(6)),
    ("two dozen", Count.about(24)),
    ("some three dozen", Count.about(36)),
    ("more than 400", Count.at_least(400)),
    ("over 50", Count.at_least(50)),
    ("at least 41", Count.at_least(41)),
    ("no fewer than 12", Count.at_least(12)),
    ("about 30,000", Count.about(30000)),
    ("approximately 51", Count.about(51)),
    ("around 1,100", Count.about(1100)),
    ("some 10,000", Count.about(10000)),
    ("nearly 40", Count.about(40)),
    ("an estimated 300", Count.about(300)),
    ("Roughly 14,000", Count.about(14000)),
    ("up to 60", Count.up_to(60)),
    ("as many as 60,000", Count.up_to(60000)),
    ("50 to 60", Count.between(50, 60)),
    ("50-60", Count.between(50, 60)),
    ("between 600 and 2,000", Count.between(600, 2000)),
    ("estimated 600 to 2,000", Count.between(600, 2000)),
    ("seven or eight", Count.between(7, 8)),
    ("30 or more", Count.at_least(30)),
    ("200-plus", Count.at_least(200)),
    ("a group of eight", Count.exact(8)),
    ("a family of three", Count.exact(3)),
    ("all nine", Count.exact(9)),
    ("an undetermined number", Count.unknown()),
    ("several", Count.unknown()),
    ("dozens", Count.unknown()),
    ("tens of thousands", Count.unknown()),
]


@pytest.mark.parametrize(("phrase", "expected"), PARSED, ids=[p for p, _ in PARSED])
def test_parse_count(phrase: str, expected: Count) -> None:
    assert parse_count(phrase) == expected


def test_a_range_keeps_both_ends_and_invents_no_middle() -> None:
    count = parse_count("50 to 60")
    assert count is not None
    assert (count.low, count.best, count.high) == (50, None, 60)
    assert count.headline == 50  # the interchange shows the low end with at_least
    assert count.qualifier is Qualifier.AT_LEAST


@pytest.mark.parametrize(
    "phrase", ["", "people", "two three", "twenty eleven", "hundred hundred", "1.5"], ids=str
)
def test_parse_count_refuses_non_counts(phrase: str) -> None:
    assert parse_count(phrase) is None


NOT_COUNTS = [
    ("year", "They fled in 2015 and were caught.", "2015"),
    ("age-hyphen", "an 11-month-old baby was with them", "11"),
    ("age-words", "a two-year-old girl", "two"),
    ("aged", "a woman aged 14 was held", "14"),
    ("age-list", "teenagers aged 12, 13, and 17 were freed", "13"),
    ("ages-pair", "Two men, ages 35 and 45, were held", "45"),
    ("age-after-name", "Kim Kum Sun, 43, and her son", "43"),
    ("age-in-brackets", "a woman surnamed Choe (25) was arrested", "25"),
    ("duration", "they were held for 10 days", "10"),
    ("duration-words", "five months in custody", "five"),
    ("distance", "they walked 3,000 miles", "3,000"),
    ("money", "they paid $1,000 to a broker", "1,000"),
    ("money-after", "brokers charge 20,000 yuan", "20,000"),
    ("percent", "30 percent of them were women", "30"),
    ("percent-sign", "30% of them were women", "30"),
    ("clock", "the plane landed at 10:30", "30"),
    ("clock-leading-zero", "at about 0930 local time", "0930"),
    ("day-of-month", "on October 22 they crossed", "22"),
    ("day-before-month", "on 22 October they crossed", "22"),
    ("day-before-year", "on June 29 and 30, 2017, officials met", "30"),
    ("article", "under Article 33 of the convention", "33"),
    ("url-id", "view.php?art_id=14824 title", "14824"),
    ("long-id", "ID 20191202000807 printed", "20191202000807"),
    ("phone", "Fax: +86 10 6307 0900", "10"),
    ("numbered-paragraph", "\n1. (C) SUMMARY: refugees", "1"),
    ("no-one", "no one was released", "one"),
    ("one-day", "one day they left", "one"),
    ("ordinal", "the 21st defector", "21"),
]


@pytest.mark.parametrize(("text", "figure"), [(t, f) for _, t, f in NOT_COUNTS], ids=[
    i for i, _, _ in NOT_COUNTS
])  # fmt: skip
def test_figures_that_are_not_head_counts_are_skipped(text: str, figure: str) -> None:
    assert figure not in [m.text.split()[-1] for m in find_counts(text)]


COUNTS_IN_TEXT = [
    ("bare", "China detained ten North Korean defectors", "ten", Count.exact(10)),
    ("qualified", "At least 41 North Koreans were held", "At least 41", Count.at_least(41)),
    ("group", "police arrested a group of 19 North Koreans", "a group of 19", Count.exact(19)),
    ("range", "between 600 and 2,000 defectors", "between 600 and 2,000", Count.between(600, 2000)),
    ("vague", "an undetermined number of their guides", "an undetermined number", Count.unknown()),
    ("after-from", "surged to more than 400 from 50 last year", "50", Count.exact(50)),
    ("one-of-them", "one of them was a child", "one", Count.exact(1)),
    ("nearly", "Nearly 40 North Koreans were detained", "Nearly 40", Count.about(40)),
    ("after-country", "In Myanmar 19 North Koreans were held", "19", Count.exact(19)),
    ("year-table-row", "2001 - 583\n", "583", Count.exact(583)),
]


@pytest.mark.parametrize(("text", "phrase", "count"), [c[1:] for c in COUNTS_IN_TEXT], ids=[
    c[0] for c in COUNTS_IN_TEXT
])  # fmt: skip
def test_find_counts_in_text(text: str, phrase: str, count: Count) -> None:
    found = {m.text: m.count for m in find_counts(text)}
    assert found.get(phrase) == count


def test_mention_offsets_quote_the_text() -> None:
    text = "Police said at least 41 people, and about 30,000 more, were seen."
    for mention in find_counts(text):
        assert text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    ("text", "partitive"),
    [("one of them was a baby", True), ("three of the nine were re-arrested", True),
     ("three women were re-arrested", False)],
    ids=["of-them", "of-the", "plain"],
)  # fmt: skip
def test_partitive_marks_a_sub_group(text: str, partitive: bool) -> None:
    assert find_counts(text)[0].partitive is partitive


UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]  # fmt: skip
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spell(n: int) -> str:
    """English words for 0 <= n < 1,000,000 (an independent renderer for the round-trip)."""
    if n < 20:
        return UNITS[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else "-" + UNITS[n % 10])
    if n < 1000:
        rest = n % 100
        return UNITS[n // 100] + " hundred" + ("" if rest == 0 else " and " + spell(rest))
    rest = n % 1000
    return spell(n // 1000) + " thousand" + ("" if rest == 0 else " " + spell(rest))


@given(st.integers(min_value=0, max_value=999_999))
def test_any_integer_in_words_parses_back(n: int) -> None:
    assert parse_number(spell(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_any_integer_in_digits_parses_back(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@given(
    st.integers(min_value=2, max_value=99_999),
    st.sampled_from(["at least", "more than", "about", "up to", "as many as", "nearly"]),
)
def test_qualified_counts_in_a_sentence_keep_their_figure(n: int, qualifier: str) -> None:
    text = f"Police said {qualifier} {n:,} North Koreans were detained."
    mentions = find_counts(text)
    assert len(mentions) == 1
    assert mentions[0].count.headline == n
    assert mentions[0].count.qualifier is not Qualifier.EXACT


@given(
    st.text(
        alphabet=st.sampled_from(
            list("0123456789 ,.-–:$%()abc one two hundred and at least about to or\n")
        ),
        max_size=80,
    )
)
def test_find_counts_never_fails_and_quotes_exactly(text: str) -> None:
    for mention in find_counts(text):
        assert text[mention.start : mention.end] == mention.text
        count = mention.count
        if count.low is not None and count.high is not None:
            assert count.low <= count.high
