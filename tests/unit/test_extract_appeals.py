"""Appeals: sender, addressee, date and asks, from sentences written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.extract.appeals import find_appeals
from refugewatch.model.dates import FuzzyDate

PUBLISHED = FuzzyDate.day(2022, 3, 14)

APPEALS = [
    (
        "wrote-to",
        "Human Rights Watch wrote to President Xi Jinping on March 2, urging him not to "
        "repatriate the nine refugees.",
        "Human Rights Watch", "President Xi Jinping", "2022-03-02", {"no forced return"},
    ),
    (
        "letter-dated",
        "UN special rapporteurs sent a letter dated Feb. 15 to the Chinese government, released "
        "March 11, urging it not to repatriate the seven.",
        "UN special rapporteurs", "the Chinese government", "2022-02-15", {"no forced return"},
    ),
    (
        "urged",
        "Amnesty International urged Vietnam on Monday to let the group travel to a third country.",
        "Amnesty International", "Vietnam", "2022-03-14", {"safe passage to third country"},
    ),
    (
        "called-on",
        "The Citizens' Alliance called on the Lao authorities to reveal the whereabouts of the "
        "six children.",
        "The Citizens' Alliance", "the Lao authorities", None, {"reveal whereabouts"},
    ),
    (
        "should-said-today",
        "Thailand should give the UN refugee agency access to the detainees, Human Rights Watch "
        "said today.",
        "Human Rights Watch", "Thailand", "2022-03-14", {"UNHCR access"},
    ),
    (
        "letter-relative",
        "The office disclosed a letter that the Working Group on Arbitrary Detention sent to the "
        "Chinese government in October, asking it to provide information on the five.",
        "the Working Group on Arbitrary Detention", "the Chinese government", "2021-10",
        {"provide information"},
    ),
    (
        "auxiliary",
        "Amnesty International has repeatedly called on Thai authorities not to deport the group.",
        "Amnesty International", "Thai authorities", None, {"no forced return"},
    ),
    (
        "lowercase-body",
        "The UN refugee agency urged Laos on Friday to allow the nine to seek asylum.",
        "The UN refugee agency", "Laos", "2022-03-11", {"asylum or refugee status"},
    ),
    (
        "possessive-sender",
        "South Korea's foreign ministry asked China to treat the defectors humanely and send them "
        "to the South.",
        "South Korea's foreign ministry", "China", None,
        {"protection and care", "safe passage to third country"},
    ),
    (
        "called-for",
        "Activists called for China to halt the forced return of North Korean refugees.",
        "Activists", "China", None, {"no forced return"},
    ),
    (
        "release",
        "The families appealed to the Chinese embassy in Seoul to release their relatives.",
        "The families", "the Chinese embassy", None, {"release"},
    ),
    (
        "appositive",
        "On December 28, 2021, the Special Rapporteur, Elizabeth Salmon, sent a letter to Beijing "
        "asking that the woman be granted asylum.",
        "Elizabeth Salmon", "Beijing", "2021-12-28", {"asylum or refugee status"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "sender", "addressee", "date", "asks"),
    [a[1:] for a in APPEALS],
    ids=[a[0] for a in APPEALS],
)
def test_appeal_parts(
    text: str, sender: str, addressee: str, date: str | None, asks: set[str]
) -> None:
    (appeal,) = find_appeals(text, PUBLISHED)
    assert appeal.sender == sender
    assert appeal.addressee == addressee
    assert appeal.date.to_edtf() == date
    assert asks <= set(appeal.asks)
    assert text[appeal.evidence.start : appeal.evidence.end] == appeal.evidence.quote


NOT_APPEALS = [
    ("anonymity", "A human rights worker who asked not to be named said the group was held."),
    ("sent-people", "The eight North Koreans were sent to the district court on Friday."),
    ("no-asks", "The minister asked reporters about the weather in Seoul."),
    ("pronoun-addressee", "The police asked her to take them to the guide's house."),
    ("no-sender", "There were multiple appeals to the Chinese government to stop repatriations."),
]


@pytest.mark.parametrize("text", [n[1] for n in NOT_APPEALS], ids=[n[0] for n in NOT_APPEALS])
def test_sentences_that_are_not_appeals(text: str) -> None:
    assert find_appeals(text, PUBLISHED) == []


def test_follow_up_statements_join_the_appeal() -> None:
    text = (
        "The United Nations sent a letter to the Chinese government in October, urging Beijing "
        "to refrain from forcibly repatriating the five.\n"
        "The letter described their arrest in Qingdao.\n"
        "They also asked China to provide the legal grounds for the detention.\n"
        "China should reveal their whereabouts."
    )
    (appeal,) = find_appeals(text, PUBLISHED)
    assert appeal.sender == "The United Nations"
    assert appeal.date == FuzzyDate.month(2021, 10)
    assert set(appeal.asks) == {"no forced return", "provide information", "reveal whereabouts"}


def test_letter_date_stated_later() -> None:
    text = (
        "In a letter to the Chinese government, U.N. human rights officials ask it not to return "
        "the seven.\nIt was signed by two special rapporteurs.\nThe letter was dated Feb. 15."
    )
    (appeal,) = find_appeals(text, PUBLISHED)
    assert appeal.date.earliest == dt.date(2022, 2, 15)


def test_two_letters_between_the_same_parties_on_different_dates_stay_apart() -> None:
    text = (
        "UN experts sent a letter to the Chinese government in August 2021 asking it to provide "
        "information on 1,170 detainees.\n"
        "Unrelated paragraph one.\nUnrelated paragraph two.\nUnrelated paragraph three.\n"
        "Unrelated paragraph four.\nUnrelated paragraph five.\nUnrelated paragraph six.\n"
        "UN experts sent a letter to the Chinese government in February 2022 urging it not to "
        "repatriate seven refugees."
    )
    dates = [a.date.to_edtf() for a in find_appeals(text, PUBLISHED)]
    assert dates == ["2021-08", "2022-02"]


def test_same_parties_named_differently_are_one_appeal() -> None:
    text = (
        "The U.N. is asking Beijing not to repatriate seven detained refugees.\n"
        "In a letter to the Chinese government, the U.N. officials also ask for information "
        "about the detainees."
    )
    (appeal,) = find_appeals(text, PUBLISHED)
    assert set(appeal.asks) == {"no forced return", "provide information"}


APPEAL_FRAGMENTS = ["Human Rights Watch ", "urged ", "China ", "should ", "not to repatriate ",
                    "wrote to ", "a letter ", "dated Feb. 15 ", "to ", "the Chinese government",
                    ", ", ". ", "said today", "They also asked ", "whereabouts ", "\n", "We write to request ",
                    "Letter from Human Rights Watch to President Xi Jinping\n"]  # fmt: skip


@given(st.lists(st.sampled_from(APPEAL_FRAGMENTS), max_size=16))
def test_find_appeals_never_fails_and_quotes_exactly(parts: list[str]) -> None:
    text = "".join(parts)
    for appeal in find_appeals(text, PUBLISHED):
        assert text[appeal.evidence.start : appeal.evidence.end] == appeal.evidence.quote
        assert appeal.sender
