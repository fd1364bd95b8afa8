"""Keyed pseudonyms: two organisations find people they both document without exchanging names.

token = HMAC-SHA256(partnership key, canonical name). The canonical name folds the ways one Korean
name is written into one string, so 김철수, "Kim Chol-su", "Kim Ch'ŏl-su", "Gim Cheol Su",
"Chol Su Kim" and "KIM, Cholsu" all give the same token under the same key.

Decisions (each is a data table or rule below, with its reason):
- Hangul is romanised syllable by syllable in Revised Romanization (no sound-change rules: that is
  how RR writes given names).
- Vowels: McCune-Reischauer ŏ/ŭ become eo/eu, then eo/o and eu/u fold together, because English
  reporting and the DPRK's own romanisation drop the breves ("Kim Jong Un", "Chol"); then o and u
  fold too, because English spellings write ㅓ as u (Chul, Sung, Jung, Hyun).
- Consonants: k/g, t/d, p/b, ch/j, r/l, sh/s fold together (MR voicing and apostrophes versus RR).
- Order: the surname is the part that is a known Korean surname, tried first at the front (Korean
  order, usual in reporting), then at the back ("Chol Su Kim"); "Kim, Cholsu" (comma) puts it first.
  The given name is the remaining parts joined, so "Chol-su", "Chol Su" and "Cholsu" are equal.
- Surnames have irregular spellings (Lee/Yi/Ri/Rhee/I, Park/Pak/Bak, Choi/Choe/Chwe, ...): a table.
- The North's initial r/n (Ri, Ryu, Rim, Ryong) and the South's dropped one (I, Yu, Im, Yong) fold.
Folding joins people with different names (철/촐, 전/천 collide), never splits one person: for
finding candidates to confirm by hand, a false match is cheap and a miss is not.

Anyone holding the key can test a guessed name against an export (Korean names are few), so the
key is as secret as the names; see docs/threat-model.md.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from refugewatch.errors import ValidationError

# Revised Romanization tables, in Unicode's jamo order (U+AC00 + (initial*21 + medial)*28 + final).
RR_INITIALS: tuple[str, ...] = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
    "p", "h",
)  # fmt: skip
RR_MEDIALS: tuple[str, ...] = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
    "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
# Finals as RR writes them at the end of a syllable (clusters by the consonant that is sounded).
RR_FINALS: tuple[str, ...] = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
    "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
HANGUL_FIRST = 0xAC00
HANGUL_LAST = 0xD7A3

# Two-syllable surnames: a Hangul name written without spaces starts with one of these.
TWO_SYLLABLE_SURNAMES = frozenset({"남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방"})

# The commonest Korean surnames (about 95% of people), so a romanised part can be recognised as
# a surname when working out the order of the parts.
_COMMON_SURNAMES_TEXT = (
    "김 이 리 박 최 정 강 조 윤 장 임 림 한 오 서 신 권 황 안 송 전 홍 류 유 고 문 양 량 손 배 "
    "백 허 남 심 노 로 하 곽 성 차 주 우 구 민 나 라 진 지 엄 채 원 천 방 공 현 함 변 염 여 추 "
    "도 소 석 선 설 마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 "
    "사 부 황보 남궁 제갈 선우 독고 사공 서문"
)
COMMON_SURNAMES_HANGUL: tuple[str, ...] = tuple(_COMMON_SURNAMES_TEXT.split())

# Irregular surname spellings -> the RR spelling of the surname. Only spellings the general
# folding below does not already join need to be here. Several variants are ambiguous in real
# use ("Song" is 송 and sometimes 성); each maps to its most frequent surname.
SURNAME_SPELLINGS: Mapping[str, str] = {
    # 이/리: South Korean Lee/Yi/Rhee/I, North Korean Ri, Chinese-influenced Li.
    **dict.fromkeys(("lee", "yi", "ri", "rhee", "rhie", "li", "ree", "yee", "lie", "rie"), "i"),
    # 박: the English "ar" spelling, MR Pak, RR Bak.
    **dict.fromkeys(("park", "pak", "bak", "bahk", "pack"), "bak"),
    # 최: Choi (common), Choe (MR/RR), Chwe, Choy.
    **dict.fromkeys(("choi", "choe", "chwe", "choy", "chey"), "choe"),
    # 정: Jung/Chung (pronunciation spellings), Jeong (RR), Chong/Chŏng (MR), Cheong.
    **dict.fromkeys(("jung", "chung", "joung", "cheung"), "jeong"),
    # 임/림: Lim/Rim (North), Im (RR), Yim.
    **dict.fromkeys(("lim", "rim", "yim", "im"), "im"),
    # 유/류: Yu/Yoo/You (South), Ryu/Ryoo/Rhyu/Lyu (North or family choice).
    **dict.fromkeys(("yoo", "you", "ryu", "ryoo", "rhyu", "lyu", "yu"), "yu"),
    # 양/량: North Korean Ryang.
    **dict.fromkeys(("ryang", "lyang"), "yang"),
    # 노/로: Roh/Noh (South), Ro (North).
    **dict.fromkeys(("roh", "noh", "ro", "rho"), "no"),
    # 나/라: Ra (North), Rah, Nah.
    **dict.fromkeys(("ra", "rah", "nah", "la"), "na"),
    # 오, 안, 손, 서, 허: English adds a silent h or writes the vowel as "uh"/"ur".
    **dict.fromkeys(("oh", "auh"), "o"),
    **dict.fromkeys(("ahn",), "an"),
    **dict.fromkeys(("sohn",), "son"),
    **dict.fromkeys(("suh", "seo", "sur"), "seo"),
    **dict.fromkeys(("hur", "huh", "her"), "heo"),
    # 백: Paik/Baik/Paek.
    **dict.fromkeys(("paik", "baik", "paek", "baek"), "baek"),
    # 성: Sung (common English spelling).
    **dict.fromkeys(("sung",), "seong"),
    # 우, 구, 주: "oo" spellings are folded generally; Wu/Ku/Chu variants are too.
    # 신: Shin/Sin join through sh/s folding; 심 likewise (Shim/Sim).
    # 권: Kweon.
    **dict.fromkeys(("kweon", "kwun"), "gwon"),
    # 곽: Kwak/Gwak join through k/g folding.
    # 염/엄: Yum/Yeom, Um/Eom.
    **dict.fromkeys(("yum", "yeom"), "yeom"),
    **dict.fromkeys(("um", "eom", "uhm"), "eom"),
    # 함, 현: Hahm/Hyun.
    **dict.fromkeys(("hahm",), "ham"),
    **dict.fromkeys(("hyun", "hyon"), "hyeon"),
    # 변: Byun/Pyon.
    **dict.fromkeys(("byun", "pyun", "pyon", "byon"), "byeon"),
    # 전/천: Chun/Jun (pronunciation spellings); 전 and 천 fold to one key anyway (ch/j, eo/o).
    **dict.fromkeys(("chun", "jun"), "jeon"),
    # 우: Woo/Wu.
    **dict.fromkeys(("woo", "wu"), "u"),
}

# The folding applied to a whole romanised part, in order, repeated until nothing changes (so
# vowels meeting across a syllable boundary, like RR "e"+"eo", end where DPRK "eo" does). Each is
# (pattern, replacement, why).
FOLDS: tuple[tuple[str, str, str], ...] = (
    ("sh", "s", "MR and English write 시 as shi, RR as si"),
    ("jj", "j", "RR writes ㅉ as jj"),
    ("j", "ch", "RR j is MR ch (unaspirated); aspiration apostrophes are already gone"),
    ("t+ch", "ch", "MR writes ㅉ as tch, and RR t+j meets MR t+ch"),
    ("th", "t", "the DPRK's 1992 system writes aspirates with h: Thaek, Khang, Phyo"),
    ("kh", "k", "the DPRK's 1992 system writes aspirates with h"),
    ("ph", "p", "the DPRK's 1992 system writes aspirates with h"),
    ("eo", "o", "MR ŏ and RR eo are written o in DPRK and most English reporting"),
    ("eu", "u", "MR ŭ and RR eu are written u in DPRK and most English reporting"),
    ("oo", "u", "English spellings: Soo, Koo, Joo, Woo"),
    ("ee", "i", "English spellings: Hee, Lee"),
    ("ui", "i", "의/희 is written Hee or Hui; after ee->i they meet at i"),
    ("wu", "u", "English writes 우 as Woo/Wu; RR never produces wu"),
    (
        "u",
        "o",
        "ㅓ ㅗ ㅜ ㅡ cannot be told apart in Latin letters: English writes ㅓ as u (Chul, "
        "Sung, Hyun), MR/DPRK write ㅓ and ㅡ as o and u",
    ),
    ("g", "k", "MR voices ㄱ between vowels (g) and writes k elsewhere; RR writes g"),
    ("d", "t", "same for ㄷ"),
    ("b", "p", "same for ㅂ"),
    ("r", "l", "ㄹ is r before a vowel and l at a syllable end in both systems"),
    (r"(?<=[aeiouwy])h(?![aeiouwy])", "", "a silent h added in English (Ahn, Oh, Sohn, Hahm)"),
    (r"(.)\1+", r"\1", "doubled letters: RR kk/tt/pp/ss and assimilated nn/ll"),
)
# Each pass only shortens or keeps the text; names settle in two passes, four is a safe bound.
MAX_FOLD_PASSES = 4
# The initial-sound rule: the South drops ㄹ/ㄴ before i/y at the start of a word (리->이,
# 룡->용, 녀->여), the North keeps it. Applied to the start of the given name after folding.
GIVEN_NAME_INITIAL = re.compile(r"^[ln](?=[iy])")

# Characters that separate name parts, or syllables within a part.
PART_SEPARATORS = re.compile(r"[\s,·・._/]+")
SYLLABLE_SEPARATORS = re.compile(r"[-\u2010-\u2015'’‘ʼ`´ʻ]+")
# Breve or caron on o/u (ŏ ǒ ŭ ǔ, composed or combining) is the MR vowel ㅓ / ㅡ.
MR_VOWELS = re.compile(r"([ou])[\u0306\u030c]")
LATIN_NAME = re.compile(r"[a-z]+")
# Domain separation, so a pseudonym is never equal to any other HMAC made with the same key.
PSEUDONYM_LABEL = b"refugewatch/pseudonym/v1\x00"
# A partnership key shorter than this could be guessed; 32 bytes matches HMAC-SHA256's strength.
MIN_PARTNERSHIP_KEY_BYTES = 32


@dataclass(frozen=True)
class CanonicalName:
    surname: str
    given: str

    def text(self) -> str:
        return f"{self.surname}|{self.given}"


@dataclass(frozen=True)
class PartnershipKey:
    """Secret shared by exactly two (or a few) partner organisations for one matching exercise."""

    label: str
    material: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.material) < MIN_PARTNERSHIP_KEY_BYTES:
            raise ValidationError(
                [f"a partnership key is at least {MIN_PARTNERSHIP_KEY_BYTES} random bytes"]
            )


def generate_partnership_key(label: str) -> PartnershipKey:
    return PartnershipKey(label, os.urandom(MIN_PARTNERSHIP_KEY_BYTES))


@dataclass(frozen=True)
class SharedPerson:
    local_id_a: str
    local_id_b: str
    token: str


def romanise_hangul(text: str) -> str:
    """Revised Romanization of each Hangul syllable, joined by hyphens; other characters kept."""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if HANGUL_FIRST <= code <= HANGUL_LAST:
            index = code - HANGUL_FIRST
            initial, rest = divmod(index, 21 * 28)
            medial, final = divmod(rest, 28)
            out.append("-" + RR_INITIALS[initial] + RR_MEDIALS[medial] + RR_FINALS[final])
        else:
            out.append(char)
    return "".join(out).strip("-").replace(" -", " ")


def pseudonym(name: str, key: PartnershipKey) -> str:
    """The keyed token for a person's name (hex HMAC-SHA256 of the canonical form)."""
    canonical = canonical_name(name).text().encode("utf-8")
    return hmac.new(key.material, PSEUDONYM_LABEL + canonical, hashlib.sha256).hexdigest()


def canonical_name(name: str) -> CanonicalName:
    """Fold a name in Hangul or any common romanisation to surname|given-name (see module doc)."""
    parts, surname_first = _split_parts(name)
    surname_index = _surname_index(parts, surname_first)
    surname = parts[surname_index].text if surname_index is not None else ""
    given = "".join(p.text for i, p in enumerate(parts) if i != surname_index)
    return CanonicalName(_fold_surname(surname), _fold_given(given))


@dataclass(frozen=True)
class _Part:
    text: str  # lower-case Latin letters, syllable separators removed
    hyphenated: bool  # written as several syllables ("Chol-su", or romanised from Hangul 철수)


def _split_parts(name: str) -> tuple[list[_Part], bool]:
    """Latin parts and whether a comma put the surname first."""
    text = unicodedata.normalize("NFKC", name).strip()
    if _is_unspaced_hangul(text):
        text = _space_hangul_surname(text)
    surname_first = "," in text
    latin = _latinise(romanise_hangul(text))
    parts = [
        _Part(SYLLABLE_SEPARATORS.sub("", p), bool(SYLLABLE_SEPARATORS.search(p.strip("-'"))))
        for p in PART_SEPARATORS.split(latin)
    ]
    parts = [p for p in parts if p.text]
    if not parts:
        raise ValidationError([f"{name!r} holds no letters to make a pseudonym from"])
    foreign = [p for p in parts if not LATIN_NAME.fullmatch(p.text)]
    if foreign:
        raise ValidationError(
            [
                f"{name!r}: only Hangul and Latin-letter names can be folded; give the Hangul "
                "or a romanised form (Chinese characters and Cyrillic are not read yet)"
            ]
        )
    return parts, surname_first


def _is_unspaced_hangul(text: str) -> bool:
    return len(text) >= 2 and all(HANGUL_FIRST <= ord(c) <= HANGUL_LAST for c in text)


def _space_hangul_surname(text: str) -> str:
    """김철수 -> 김 철수; 남궁민수 -> 남궁 민수 (a Hangul name is written surname first)."""
    cut = 2 if text[:2] in TWO_SYLLABLE_SURNAMES and len(text) >= 3 else 1
    return f"{text[:cut]} {text[cut:]}"


def _latinise(text: str) -> str:
    """Lower case ASCII letters; MR ŏ/ŭ become eo/eu before other accents are dropped."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    decomposed = MR_VOWELS.sub(lambda m: "e" + m.group(1), decomposed)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _surname_index(parts: Sequence[_Part], surname_first: bool) -> int | None:
    """Korean order (front) unless the front is a hyphenated given name ("Byung-chul Yoon") or no
    surname at all ("Chol Su Kim"). "Min Ho Kim" stays Korean order (surname Min): reporting on
    North Koreans writes "Kang Chol Jong" far more often than Western order with spaced syllables."""
    last = len(parts) - 1
    if surname_first or last == 0:
        return 0 if surname_first or _is_surname(parts[0].text) else None
    front, back = parts[0], parts[last]
    if _is_surname(front.text) and (not front.hyphenated or _is_two_syllable_surname(front.text)):
        return 0
    if _is_surname(back.text) and not back.hyphenated:
        return last
    for index in (0, last):
        if _is_surname(parts[index].text):
            return index
    return None


def _is_surname(part: str) -> bool:
    return _fold_surname(part) in KNOWN_SURNAMES


def _is_two_syllable_surname(part: str) -> bool:
    return _fold_surname(part) in TWO_SYLLABLE_SURNAME_KEYS


def _fold_surname(surname: str) -> str:
    return _fold(SURNAME_SPELLINGS.get(surname, surname))


def _fold_given(given: str) -> str:
    return GIVEN_NAME_INITIAL.sub("", _fold(given))


def _fold(text: str) -> str:
    for _ in range(MAX_FOLD_PASSES):
        folded = text
        for pattern, replacement, _why in FOLDS:
            folded = re.sub(pattern, replacement, folded)
        if folded == text:
            break
        text = folded
    return text


def _fold_hangul_surnames(hangul: Sequence[str]) -> frozenset[str]:
    return frozenset(_fold_surname(romanise_hangul(h).replace("-", "")) for h in hangul)


KNOWN_SURNAMES = _fold_hangul_surnames(COMMON_SURNAMES_HANGUL) | frozenset(
    _fold_surname(spelling) for spelling in SURNAME_SPELLINGS
)
TWO_SYLLABLE_SURNAME_KEYS = _fold_hangul_surnames(sorted(TWO_SYLLABLE_SURNAMES))


def pseudonym_export(
    people: Sequence[tuple[str, str]], key: PartnershipKey
) -> list[tuple[str, str]]:
    """(local id, name) -> (local id, token): what one organisation hands the other."""
    return [(local_id, pseudonym(name, key)) for local_id, name in people]


def match(
    export_a: Sequence[tuple[str, str]], export_b: Sequence[tuple[str, str]]
) -> list[SharedPerson]:
    """Pairs of local ids whose tokens are equal: candidates for the two teams to confirm."""
    by_token: dict[str, list[str]] = defaultdict(list)
    for local_id, token in export_b:
        by_token[_checked_token(token)].append(local_id)
    shared = [
        SharedPerson(a_id, b_id, token)
        for a_id, token in export_a
        for b_id in by_token.get(_checked_token(token), ())
    ]
    return sorted(shared, key=lambda s: (s.local_id_a, s.local_id_b))


TOKEN_PATTERN = re.compile(r"[0-9a-f]{64}")


def _checked_token(token: str) -> str:
    if not TOKEN_PATTERN.fullmatch(token):
        raise ValidationError(
            [f"{token[:80]!r} is not a pseudonym token; was a name exported by mistake?"]
        )
    return token
