"""extract(): language gate, flags, and evidence that always slices the text exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.extract.pipeline import FLAG_NO_DATE, extract
from refugewatch.model.dates import FuzzyDate

PUBLISHED = FuzzyDate.day(2020, 12, 30)


def test_non_english_text_gives_an_empty_flagged_extraction() -> None:
    result = extract("탈북자 5명이 체포됐다.", PUBLISHED, language="ko")
    assert result.incidents == () and result.statistics == ()
    assert any("ko" in flag for flag in result.flags)


def test_unknown_publication_date_is_flagged() -> None:
    result = extract("Police arrested five North Koreans.", FuzzyDate.unknown(), language="en")
    assert FLAG_NO_DATE in result.flags


def test_a_figure_that_is_one_of_the_groups_is_not_a_statistic() -> None:
    text = (
        "China has repatriated more than 500 North Koreans since the summer, sources said. "
        "A large-scale repatriation of more than 500 defectors was carried out on Dec. 9."
    )
    result = extract(text, PUBLISHED)
    assert [i.people.headline for i in result.incidents] == [500]
    assert result.statistics == ()


def test_empty_text_gives_nothing() -> None:
    assert extract("", PUBLISHED).incidents == ()


_PHRASES = st.sampled_from(
    [
        "Police arrested five North Korean defectors in Qingdao on Sept. 13.",
        "They were sent back to North Korea.",
        "The group, including a pregnant woman, was held in Dandong.",
        "A 14-year-old girl was among them.",
        "At least 41 North Koreans have been detained since July.",
        "\n\n",
        "The U.N. asked China not to repatriate them.",
        "Seven women and a child were freed",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_PHRASES, max_size=8).map(" ".join))
def test_evidence_quotes_are_exact_slices(text: str) -> None:
    result = extract(text, PUBLISHED, language="en")
    for incident in result.incidents:
        span = incident.evidence
        assert text[span.start : span.end] == span.quote
        assert span.quote.strip() == span.quote and span.quote
        if incident.subset_of is not None:
            assert 0 <= incident.subset_of < len(result.incidents)
