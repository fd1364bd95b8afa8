"""Keyed pseudonyms: one person, however the name is written, gives one token per partnership key.

The test romanises Hangul itself, with its own McCune-Reischauer and DPRK-1992 tables, so the
module's Revised Romanization and folding rules are checked against independent spellings.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from refugewatch.errors import ValidationError
from refugewatch.security.pseudonyms import (
    PartnershipKey,
    SharedPerson,
    canonical_name,
    generate_partnership_key,
    match,
    pseudonym,
    pseudonym_export,
    romanise_hangul,
)

KEY = PartnershipKey("test", b"k" * 32)

# Surnames and spellings seen in reporting (South, North, MR, English), written from reference
# usage, not from the module's table.
SURNAMES: dict[str, tuple[str, ...]] = {
    "김": ("Kim", "Gim"),
    "이": ("Lee", "Yi", "Ri", "Rhee", "I"),
    "박": ("Park", "Pak", "Bak"),
    "최": ("Choi", "Choe", "Chwe"),
    "정": ("Jung", "Jeong", "Chung", "Chong", "Chŏng"),
    "강": ("Kang", "Gang"),
    "조": ("Cho", "Jo"),
    "윤": ("Yoon", "Yun"),
    "장": ("Jang", "Chang"),
    "한": ("Han",),
    "오": ("Oh", "O"),
    "신": ("Shin", "Sin"),
    "황": ("Hwang",),
    "안": ("Ahn", "An"),
    "전": ("Jeon", "Chon", "Chŏn", "Chun"),
    "홍": ("Hong",),
    "문": ("Moon", "Mun"),
    "손": ("Son", "Sohn"),
    "백": ("Baek", "Paek", "Paik"),
    "허": ("Heo", "Hŏ", "Hur"),
    "림": ("Rim", "Lim", "Im"),
    "류": ("Ryu", "Yu", "Yoo"),
    "리": ("Ri", "Lee", "Yi"),
}
# Syllables common in given names, North and South.
GIVEN_SYLLABLES = list(
    "철수영민정은희성남일호진혁광명순옥미경숙선현준우지연하윤도시혜동석용룡국춘화향금란봉복창학훈"
    "근기태식만길송설평청애림련산무웅규범찬택해주원서예"
)

# McCune-Reischauer: ㄱㄷㅂㅈ voiced (g d b j) or not (k t p ch) by position; aspirates with '.
MR_INITIALS: tuple[tuple[str, ...], ...] = (
    ("k", "g"), ("kk",), ("n",), ("t", "d"), ("tt",), ("r",), ("m",), ("p", "b"), ("pp",),
    ("s",), ("ss",), ("",), ("ch", "j"), ("tch",), ("ch'",), ("k'",), ("t'",), ("p'",), ("h",),
)  # fmt: skip
MR_MEDIALS = (
    "a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u", "wŏ", "we",
    "wi", "yu", "ŭ", "ŭi", "i",
)  # fmt: skip
# The DPRK's 1992 system: no breves, aspirates written with h.
DPRK_INITIALS: tuple[tuple[str, ...], ...] = (
    ("k", "g"), ("kk",), ("n",), ("t", "d"), ("tt",), ("r",), ("m",), ("p", "b"), ("pp",),
    ("s",), ("ss",), ("",), ("j",), ("jj",), ("ch",), ("kh",), ("th",), ("ph",), ("h",),
)  # fmt: skip
DPRK_MEDIALS = (
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
)  # fmt: skip
FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
SYSTEMS = {"mr": (MR_INITIALS, MR_MEDIALS), "dprk": (DPRK_INITIALS, DPRK_MEDIALS)}


def romanise_syllable(syllable: str, system: str, voiced: bool) -> str:
    if system == "rr":
        return romanise_hangul(syllable)
    initials, medials = SYSTEMS[system]
    index = ord(syllable) - 0xAC00
    initial, rest = divmod(index, 21 * 28)
    medial, final = divmod(rest, 28)
    options = initials[initial]
    consonant = options[-1] if voiced else options[0]
    if system == "mr" and consonant == "s" and medials[medial] in ("i", "wi"):
        consonant = "sh"  # MR writes 시 as shi
    return consonant + medials[medial] + FINALS[final]


@st.composite
def written_forms(draw: st.DrawFn) -> tuple[str, str]:
    """(Hangul name, the same name as some reporter might write it in Latin letters)."""
    surname = draw(st.sampled_from(sorted(SURNAMES)))
    syllables = draw(st.lists(st.sampled_from(GIVEN_SYLLABLES), min_size=1, max_size=2))
    system = draw(st.sampled_from(["rr", "mr", "dprk"]))
    given_parts = [romanise_syllable(s, system, draw(st.booleans())) for s in syllables]
    separator = draw(st.sampled_from(["-", " ", "", "'"]))
    given_text = separator.join(given_parts).strip()
    spelled_surname = draw(st.sampled_from(SURNAMES[surname]))
    order = draw(st.sampled_from(["korean", "comma", "western"]))
    if order == "western" and len(syllables) == 2:
        written = f"{'-'.join(given_parts)} {spelled_surname}"
    elif order == "comma":
        written = f"{spelled_surname.upper()}, {given_text}"
    else:
        written = f"{spelled_surname} {given_text}"
    case = draw(st.sampled_from([str.lower, str.upper, str.title, lambda s: s]))
    hangul = surname + "".join(syllables)
    return hangul, case(written)


@settings(max_examples=200, deadline=None)
@given(forms=written_forms())
def test_hangul_and_every_romanisation_give_one_token(forms: tuple[str, str]) -> None:
    hangul, written = forms
    assert pseudonym(hangul, KEY) == pseudonym(written, KEY), (
        canonical_name(hangul),
        canonical_name(written),
    )


@settings(max_examples=100, deadline=None)
@given(forms=written_forms())
def test_spaced_hangul_equals_unspaced(forms: tuple[str, str]) -> None:
    hangul, _ = forms
    assert pseudonym(f"{hangul[0]} {hangul[1:]}", KEY) == pseudonym(hangul, KEY)


@pytest.mark.parametrize(
    "written",
    [
        "Kim Chol-su",
        "Kim Ch'ŏl-su",
        "Kim Chŏl Su",
        "Gim Cheol-su",
        "Kim Cheolsu",
        "KIM Chul Soo",
        "Chol Su Kim",
        "Cheol-su Kim",
        "Kim, Cholsu",
        "  kim   chol‐su  ",
        "김 철수",
        "김철수",
    ],
    ids=[
        "dprk", "mr", "mr-spaced", "rr", "rr-joined", "english", "western", "western-hyphen",
        "comma", "odd-spacing-unicode-hyphen", "hangul-spaced", "hangul",
    ],
)  # fmt: skip
def test_kim_chol_su_in_every_spelling(written: str) -> None:
    assert pseudonym(written, KEY) == pseudonym("김철수", KEY)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ri Sol Ju", "이설주"),
        ("Lee Seol-ju", "리설주"),
        ("Choe Ryong Hae", "최룡해"),
        ("Choi Yong-hae", "최룡해"),
        ("Jang Song Thaek", "장성택"),
        ("Park Chung-hee", "박정희"),
        ("Pak Chŏng-hŭi", "박정희"),
        ("Byung-chul Yoon", "윤병철"),
        ("Namgoong Min-soo", "남궁민수"),
        ("Nam-gung Min", "남궁민"),
        ("Oh Jin-woo", "오진우"),
        ("Min-ho Kim", "김민호"),
        ("Kang Chol Jong", "강철정"),
        ("Hwang Pyong So", "황병서"),
        ("Kim Jong Un", "김정은"),
        ("Rim Chun Hwa", "임춘화"),
    ],
    ids=lambda v: v if v.isascii() else "hangul",
)
def test_known_name_pairs_match(a: str, b: str) -> None:
    assert pseudonym(a, KEY) == pseudonym(b, KEY)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("김철수", "김영희"),
        ("김철수", "박철수"),
        ("Kim Chol-su", "Kim Chol-min"),
        ("이설주", "이설"),
        ("Kim Song Il", "Kim Il Song"),
    ],
    ids=["other-given", "other-surname", "other-syllable", "shorter", "swapped-syllables"],
)
def test_different_people_get_different_tokens(a: str, b: str) -> None:
    assert pseudonym(a, KEY) != pseudonym(b, KEY)


@settings(max_examples=50, deadline=None)
@given(forms=written_forms(), seed_a=st.binary(min_size=32, max_size=32))
def test_different_keys_give_unrelated_tokens(forms: tuple[str, str], seed_a: bytes) -> None:
    other = PartnershipKey("other", seed_a)
    assume(other.material != KEY.material)
    hangul, _ = forms
    mine, theirs = pseudonym(hangul, KEY), pseudonym(hangul, other)
    assert mine != theirs
    # No shared structure: the hex digits agree about as often as chance (1 in 16) would allow.
    same = sum(x == y for x, y in zip(mine, theirs, strict=True))
    assert same < 20


def test_token_does_not_contain_the_name() -> None:
    token = pseudonym("Kim Chol-su", KEY)
    assert len(token) == 64 and "kim" not in token and "chol" not in token


def test_romanise_hangul_revised_romanization() -> None:
    assert romanise_hangul("김철수") == "gim-cheol-su"
    assert romanise_hangul("최룡해 박정희") == "choe-ryong-hae bak-jeong-hui"
    assert romanise_hangul("값") == "gap"


@pytest.mark.parametrize(
    "name",
    ["", "   ", "---", "金正恩", "Ким Чен Ын"],
    ids=["empty", "blank", "only-hyphens", "chinese", "cyrillic"],
)
def test_names_that_cannot_be_folded_are_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        canonical_name(name)


def test_short_partnership_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="32 random bytes"):
        PartnershipKey("weak", b"password")


def test_generated_keys_differ_and_hide_material() -> None:
    a, b = generate_partnership_key("x"), generate_partnership_key("x")
    assert a.material != b.material
    assert a.material.hex() not in repr(a)


def test_match_finds_shared_people_across_spellings() -> None:
    ours = pseudonym_export([("o1", "김철수"), ("o2", "이설주"), ("o3", "박영호")], KEY)
    theirs = pseudonym_export([("t9", "Ri Sol Ju"), ("t8", "Kim Chol-su"), ("t7", "Han Mi")], KEY)
    assert match(ours, theirs) == [
        SharedPerson("o1", "t8", pseudonym("김철수", KEY)),
        SharedPerson("o2", "t9", pseudonym("Ri Sol Ju", KEY)),
    ]


def test_match_under_different_keys_finds_nothing() -> None:
    ours = pseudonym_export([("o1", "김철수")], KEY)
    theirs = pseudonym_export([("t1", "Kim Chol-su")], generate_partnership_key("other"))
    assert match(ours, theirs) == []


def test_match_lists_every_pair_of_duplicates() -> None:
    token = pseudonym("김철수", KEY)
    assert len(match([("a1", token), ("a2", token)], [("b1", token), ("b2", token)])) == 4


@pytest.mark.parametrize(
    "bad",
    ["Kim Chol-su", "abc", "G" * 64, "0" * 63],
    ids=["a-plain-name", "short", "not-hex", "63-digits"],
)
def test_match_refuses_exports_that_are_not_tokens(bad: str) -> None:
    """A partner who sends names instead of tokens is told, rather than silently matched."""
    with pytest.raises(ValidationError, match="not a pseudonym token"):
        match([("a", bad)], [("b", "0" * 64)])
