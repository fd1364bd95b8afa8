"""Sentence splitting: exact offsets over prose, wire copy and glued scraped paragraphs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.extract.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police arrested nine people. They were held.", ["Police arrested nine people.",
                                                          "They were held."]),
        ("They were arrested on Oct. 23 in Mong Cai. The U.N. asked China.",
         ["They were arrested on Oct. 23 in Mong Cai.", "The U.N. asked China."]),
        ("Human Rights Watch said today.The refugees were moved.",
         ["Human Rights Watch said today.", "The refugees were moved."]),
        ("A headline without a stop\n\nThe body starts here.",
         ["A headline without a stop", "The body starts here."]),
        ("Police said they had\ndetained eight people.", ["Police said they had\ndetained eight people."]),
    ],
    ids=["prose", "abbreviations", "glued", "heading", "lower-case-continuation"],
)  # fmt: skip
def test_split(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_hard_wrapped_wire_copy_keeps_sentences_whole() -> None:
    text = (
        "HANOI - Vietnamese authorities detained\n"
        "four North Koreans who crossed the Chinese border\n"
        "into Vietnam, officials said Thursday.\n"
        "Two men and two women were detained Monday by border guards at the\n"
        "Thang Tin border station in the northern province of Ha\n"
        "Giang, a guard said.\n"
    )
    found = texts(text)
    assert len(found) == 2
    assert found[1].endswith("a guard said.")


def test_dateline_starts_a_new_sentence_after_a_headline() -> None:
    text = (
        "Defectors arrive in Seoul\n"
        "SEOUL, Feb. 7 (Yonhap) -- A group of defectors arrived\n"
        "in Seoul this week, a radio station reported.\n"
        "The 19 defectors were arrested in December of last\n"
        "year by the authorities while en route to the South.\n"
    )
    assert texts(text)[0] == "Defectors arrive in Seoul"


@given(st.text(alphabet=st.sampled_from(list('ab .!?\n"A1,')), max_size=200))
def test_offsets_always_slice_the_text(text: str) -> None:
    previous_end = 0
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert sentence.start >= previous_end
        previous_end = sentence.end
