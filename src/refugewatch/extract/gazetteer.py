"""The gazetteer: places on the routes North Koreans take, as data, and finding them in text.

The places live in ``data/gazetteer.csv`` (see ``data/SOURCES.md`` for where the values come from
and how approximate they are). This module only loads, validates and searches them:

- ``find`` returns every place mention in a text, leftmost and longest first ("Ho Chi Minh City",
  never "Ho"), case- and accent-insensitive ("MONG CAI" == "Móng Cái"), with offsets into the
  original text so evidence quotes stay exact.
- ``lookup`` resolves one name as a researcher or an extractor writes it ("Tumen city",
  "Tumen, Jilin", "the Tumen detention centre").
- ``country_of`` gives the ISO 3166-1 alpha-2 code of a place, a country name or a nationality
  adjective ("Vietnamese police" -> VN).

Matching works on a folded copy of the text (case folded, accents stripped, dashes and
apostrophes unified) that keeps one character per original character wherever it can, so offsets
map back without a per-character table in the common case. All aliases are compiled into a few
character-trie regexes, which makes one ``find`` a single linear scan per script family.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from refugewatch.errors import GazetteerDataError
from refugewatch.model.places import Place, PlaceKind

# The shipped data file, read through importlib.resources so it works from a wheel or a zip.
DATA_PACKAGE = "refugewatch.extract"
DATA_PATH = ("data", "gazetteer.csv")
ALIAS_SEPARATOR = "|"
CSV_COLUMNS = (
    "id",
    "name",
    "aliases",
    "country",
    "province",
    "kind",
    "lat",
    "lon",
    "border_km",
    "staging_point",
    "source",
)
REQUIRED_COLUMNS = ("id", "name", "country", "kind")
# Ids are stable slugs that other records store; keep them URL- and filename-safe.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TRUE_WORDS = frozenset({"true", "yes", "1", "y"})
FALSE_WORDS = frozenset({"false", "no", "0", "n", ""})

# Country names, official names, abbreviations, nationality adjectives and the Korean/Chinese
# names news in those languages use -> ISO 3166-1 alpha-2. Extractors call country_of() with a
# captor ("Vietnamese police") or a place ("Laos"), so adjectives matter as much as names.
# "Korea"/"Korean" alone are deliberately absent: they are ambiguous between North and South, and
# guessing wrong would put a detained group in the safe country. "US"/"UK" are matched only in
# capitals (CASE_SENSITIVE_COUNTRY_CODES) because "us" is an English word.
COUNTRY_NAMES: Mapping[str, str] = MappingProxyType(
    {
        # China
        "China": "CN",
        "People's Republic of China": "CN",
        "PRC": "CN",
        "P.R.C.": "CN",
        "Mainland China": "CN",
        "Chinese": "CN",
        "Inner Mongolia": "CN",
        "Inner Mongolian": "CN",
        "中国": "CN",
        "中國": "CN",
        "중국": "CN",
        "Trung Quốc": "CN",
        # North Korea
        "North Korea": "KP",
        "N. Korea": "KP",
        "DPRK": "KP",
        "D.P.R.K.": "KP",
        "Democratic People's Republic of Korea": "KP",
        "North Korean": "KP",
        "N. Korean": "KP",
        "북한": "KP",
        "북조선": "KP",
        "朝鲜": "KP",
        "北朝鲜": "KP",
        "北韩": "KP",
        "北韓": "KP",
        # South Korea
        "South Korea": "KR",
        "S. Korea": "KR",
        "Republic of Korea": "KR",
        "ROK": "KR",
        "R.O.K.": "KR",
        "South Korean": "KR",
        "S. Korean": "KR",
        "한국": "KR",
        "남한": "KR",
        "대한민국": "KR",
        "韩国": "KR",
        "韓國": "KR",
        "南韩": "KR",
        # Vietnam
        "Vietnam": "VN",
        "Viet Nam": "VN",
        "Vietnamese": "VN",
        "越南": "VN",
        "베트남": "VN",
        # Laos
        "Laos": "LA",
        "Lao PDR": "LA",
        "Lao People's Democratic Republic": "LA",
        "Lao": "LA",
        "Laotian": "LA",
        "老挝": "LA",
        "寮國": "LA",
        "라오스": "LA",
        # Thailand
        "Thailand": "TH",
        "Thai": "TH",
        "Kingdom of Thailand": "TH",
        "泰国": "TH",
        "泰國": "TH",
        "태국": "TH",
        # Myanmar
        "Myanmar": "MM",
        "Burma": "MM",
        "Burmese": "MM",
        "Myanmarese": "MM",
        "缅甸": "MM",
        "緬甸": "MM",
        "미얀마": "MM",
        "버마": "MM",
        # Cambodia
        "Cambodia": "KH",
        "Kampuchea": "KH",
        "Cambodian": "KH",
        "Khmer": "KH",
        "柬埔寨": "KH",
        "캄보디아": "KH",
        # Mongolia
        "Mongolia": "MN",
        "Mongolian": "MN",
        "蒙古": "MN",
        "蒙古国": "MN",
        "몽골": "MN",
        "몽고": "MN",
        # Russia
        "Russia": "RU",
        "Russian Federation": "RU",
        "Russian": "RU",
        "Россия": "RU",
        "俄罗斯": "RU",
        "俄羅斯": "RU",
        "러시아": "RU",
        # Japan, United States
        "Japan": "JP",
        "Japanese": "JP",
        "日本": "JP",
        "일본": "JP",
        "United States": "US",
        "United States of America": "US",
        "USA": "US",
        "U.S.": "US",
        "U.S.A.": "US",
        "American": "US",
        "美国": "US",
        "美國": "US",
        "미국": "US",
        # Other transit, destination and source-of-news countries
        "Philippines": "PH",
        "Philippine": "PH",
        "Filipino": "PH",
        "필리핀": "PH",
        "Malaysia": "MY",
        "Malaysian": "MY",
        "말레이시아": "MY",
        "Indonesia": "ID",
        "Indonesian": "ID",
        "인도네시아": "ID",
        "Singapore": "SG",
        "Singaporean": "SG",
        "싱가포르": "SG",
        "Taiwan": "TW",
        "Taiwanese": "TW",
        "台湾": "TW",
        "臺灣": "TW",
        "대만": "TW",
        "Hong Kong": "HK",
        "香港": "HK",
        "홍콩": "HK",
        "Macau": "MO",
        "Macao": "MO",
        "Ukraine": "UA",
        "Ukrainian": "UA",
        "Kazakhstan": "KZ",
        "Kazakh": "KZ",
        "Kyrgyzstan": "KG",
        "Uzbekistan": "UZ",
        "India": "IN",
        "Indian": "IN",
        "Nepal": "NP",
        "Bangladesh": "BD",
        "United Kingdom": "GB",
        "Britain": "GB",
        "Great Britain": "GB",
        "British": "GB",
        "Germany": "DE",
        "German": "DE",
        "France": "FR",
        "French": "FR",
        "Canada": "CA",
        "Canadian": "CA",
        "Australia": "AU",
        "Australian": "AU",
    }
)
CASE_SENSITIVE_COUNTRY_CODES: Mapping[str, str] = MappingProxyType({"US": "US", "UK": "GB"})
KNOWN_COUNTRY_CODES = frozenset(COUNTRY_NAMES.values())

# Longer phrases that contain a place name but are not a mention of that place: "朝鲜族" are
# China's ethnic Koreans (Chinese citizens), not North Koreans; outlets named after a city would
# otherwise place every incident they report in that city.
BLOCKED_PHRASES = (
    "朝鲜族",
    "朝鮮族",
    "Phnom Penh Post",
    "Bangkok Post",
    "Chiang Rai Times",
    "Chiangrai Times",
    "Vientiane Times",
    "Moscow Times",
    "Shanghai Daily",
    "South China Morning Post",
    "China Daily",
    "Vietnam News",
)

# Words a researcher adds around a name that do not change the place: "Tumen city",
# "Jilin Province", "the city of Dandong", "延吉市", "연길시".
GENERIC_SUFFIXES = (
    "autonomous prefecture",
    "prefecture",
    "province",
    "city",
    "county",
    "district",
    "town",
    "township",
    "village",
    "municipality",
    "oblast",
    "krai",
    "region",
    "state",
    "area",
    "shi",
    "xian",
    "sheng",
)
GENERIC_PREFIXES = ("the ", "city of ", "town of ", "county of ", "province of ")
# Administrative suffixes written without a space in Chinese and Korean.
UNSPACED_SUFFIXES = ("市", "省", "县", "縣", "镇", "鎮", "区", "區", "시", "성", "현", "군")

# lookup() of a phrase naming several places prefers the most specific ("Tumen in Jilin").
KIND_SPECIFICITY: Mapping[PlaceKind, int] = MappingProxyType(
    {
        PlaceKind.DETENTION_FACILITY: 0,
        PlaceKind.BORDER_CROSSING: 1,
        PlaceKind.TOWN: 2,
        PlaceKind.CITY: 3,
        PlaceKind.COUNTY: 4,
        PlaceKind.REGION: 5,
        PlaceKind.PROVINCE: 6,
        PlaceKind.COUNTRY: 7,
    }
)

# Folding: letters that Unicode does not decompose into a base letter plus a mark.
LETTER_FOLDS: Mapping[str, str] = MappingProxyType(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th"}
)
APOSTROPHES = frozenset("'’‘ʼʻ`´′")
DASHES = frozenset("-‐‑‒–—―−")
# Scripts written without spaces between words (or with particles glued to nouns, as Korean):
# names in them are matched without word boundaries ("블라디보스토크에서", "延吉市").
UNSPACED_RANGES = (
    (0x0E00, 0x0E7F),  # Thai
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
)
HANGUL_SYLLABLES = (0xAC00, 0xD7A3)
CYRILLIC_RANGE = (0x0400, 0x04FF)


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text: ``text == original[start:end]``, spelled as the text spells it."""

    start: int
    end: int
    text: str
    place: Place


# ---------------------------------------------------------------------------------------------
# Folding text for matching


_FOLD_TABLE: dict[str, str] = {}


def _fold_char(char: str) -> str:
    """One character folded for matching: lower case, no accents, one dash and one apostrophe."""
    if char in APOSTROPHES:
        return "'"
    if unicodedata.category(char) in ("Mn", "Me"):
        return ""  # an accent typed as its own character
    if char in DASHES or char.isspace():
        return " "
    if unicodedata.category(char) == "Cf":
        return ""  # soft hyphens and zero-width joiners inside a name must not break it
    code = ord(char)
    if HANGUL_SYLLABLES[0] <= code <= HANGUL_SYLLABLES[1]:
        return char  # decomposing syllables into jamo would let names match half a syllable
    folded = unicodedata.normalize("NFKD", char.casefold())
    folded = "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Me"))
    return "".join(LETTER_FOLDS.get(c, c) for c in folded.casefold())


@dataclass(frozen=True)
class _OffsetMap:
    """Folded index -> original index, for texts where folding changed some characters' length.

    Only the changed characters are recorded (most texts have none or a handful), so mapping is a
    bisect instead of a table as long as the text.
    """

    folded_starts: list[int]
    original_indexes: list[int]
    folded_lengths: list[int]

    def original(self, index: int) -> int:
        k = bisect.bisect_right(self.folded_starts, index) - 1
        if k < 0:
            return index
        start, length = self.folded_starts[k], self.folded_lengths[k]
        if index < start + length:
            return self.original_indexes[k]
        return self.original_indexes[k] + 1 + index - start - length

    def span(self, start: int, end: int, folded_length: int, text_length: int) -> tuple[int, int]:
        """Original span of a folded span, keeping accents that follow its last letter."""
        following = self.original(end) if end < folded_length else text_length
        return self.original(start), max(self.original(end - 1) + 1, following)


# Characters that lower() already leaves in final folded form; everything else goes through
# _fold_char (found with one regex scan, so plain ASCII text costs almost nothing).
_NEEDS_FOLDING = re.compile(
    r"[^a-z0-9 .,;:!?()\[\]\"/&%$#@+=*<>{}~"
    r"\u0430-\u044f\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]"
)


def _fold(text: str) -> tuple[str, _OffsetMap | None]:
    """The folded text and, when folding changed its length anywhere, how to map offsets back."""
    # str.lower() keeps the length of every character but U+0130 (dotted capital I).
    lowered = text.replace("\u0130", "i").lower()
    starts: list[int] = []
    indexes: list[int] = []
    lengths: list[int] = []
    shift = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal shift
        char = match.group()
        folded = _FOLD_TABLE.get(char)
        if folded is None:
            folded = _FOLD_TABLE[char] = _fold_char(char)
        if len(folded) != 1:
            starts.append(match.start() + shift)
            indexes.append(match.start())
            lengths.append(len(folded))
            shift += len(folded) - 1
        return folded

    folded = _NEEDS_FOLDING.sub(replace, lowered)
    if not starts:
        return folded, None
    return folded, _OffsetMap(starts, indexes, lengths)


def normalise(text: str) -> str:
    """A name folded for comparison: "  Móng-Cái " -> "mong cai", "Ji’an" -> "ji'an"."""
    folded, _ = _fold(text)
    return " ".join(folded.split())


def _script_of(key: str) -> str:
    """Which boundary rule a folded name follows: 'unspaced', 'cyrillic' or 'spaced'."""
    codes = [ord(c) for c in key]
    if any(lo <= code <= hi for code in codes for lo, hi in UNSPACED_RANGES):
        return "unspaced"
    if any(CYRILLIC_RANGE[0] <= code <= CYRILLIC_RANGE[1] for code in codes):
        return "cyrillic"
    return "spaced"


# Boundaries per script: Latin-script names are whole words ("Tumen" not in "Tumenjiang");
# Russian inflects the end of a name ("во Владивостоке"), so only its start is bounded; CJK,
# Thai and Korean (particles glued on) are not bounded at all.
SCRIPT_BOUNDARIES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {"spaced": (r"(?<!\w.)", r"(?!\w)"), "cyrillic": (r"(?<!\w.)", ""), "unspaced": ("", "")}
)


# ---------------------------------------------------------------------------------------------
# Compiling aliases into trie regexes


_Trie = dict[str, "_Trie"]
_END = ""
# A trie node with many children is split into groups guarded by a one-character class, so a
# position is tested against about sqrt(n) classes and one group instead of n alternatives in
# turn (Korean text starts a candidate name at one character in five).
GROUP_SIZE = 16


def _trie_pattern(keys: Iterable[str], lead: str) -> str:
    """One regex for many literal names; greedy optional tails make the longest name win.

    The pattern starts by consuming a character class (the first characters of all names), which
    lets the regex engine skip every other position without entering the trie; ``lead`` is a
    lookbehind placed after that first character.
    """
    root: _Trie = {}
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[_END] = {}
    first = _char_class(char for char in root if char)
    branches = {
        char: f"(?<={re.escape(char)})" + _node_pattern(child) for char, child in root.items()
    }
    return first + lead + _alternation(branches, behind=True)


def _node_pattern(node: _Trie) -> str:
    branches = {
        char: _char_pattern(char) + _node_pattern(child) for char, child in node.items() if char
    }
    if not branches:
        return ""
    body = _alternation(branches)
    return f"(?:{body})?" if _END in node else body


def _alternation(branches: Mapping[str, str], behind: bool = False) -> str:
    """Alternatives keyed by their first character; ``behind``: that character is consumed."""
    if len(branches) == 1:
        return next(iter(branches.values()))
    if len(branches) <= GROUP_SIZE:
        return "(?:" + "|".join(branches.values()) + ")"
    chars = sorted(branches)
    size = max(GROUP_SIZE, math.isqrt(len(chars)) + 1)
    groups = []
    for i in range(0, len(chars), size):
        chunk = chars[i : i + size]
        guard = ("(?<=" if behind else "(?=") + _char_class(chunk) + ")"
        groups.append(guard + _alternation({char: branches[char] for char in chunk}, behind))
    return "(?:" + "|".join(groups) + ")"


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(r"\s" if char == " " else re.escape(char) for char in chars) + "]"


def _char_pattern(char: str) -> str:
    # Folded text keeps every space and line break of the original; a name's single space
    # matches any run of them ("Ho Chi\n  Minh City").
    return r"\s+" if char == " " else re.escape(char)


def _compile_matchers(keys: Iterable[str]) -> list[re.Pattern[str]]:
    by_script: dict[str, list[str]] = {}
    for key in keys:
        by_script.setdefault(_script_of(key), []).append(key)
    matchers = []
    for script, group in sorted(by_script.items()):
        lead, trail = SCRIPT_BOUNDARIES[script]
        matchers.append(re.compile(_trie_pattern(group, lead) + trail))
    return matchers


# ---------------------------------------------------------------------------------------------
# Reading rows


def _parse_rows(rows: Iterable[Mapping[str, str]]) -> list[Place]:
    places: list[Place] = []
    problems: list[str] = []
    seen_ids: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 of the CSV is the header
        row_problems: list[str] = []
        place = _parse_row(row, row_problems)
        if place is not None and place.id in seen_ids:
            row_problems.append(f"id {place.id!r} is used by an earlier row")
        label = f"gazetteer row {number} ({(row.get('id') or '').strip() or 'no id'})"
        problems.extend(f"{label}: {problem}" for problem in row_problems)
        if place is not None and not row_problems:
            seen_ids.add(place.id)
            places.append(place)
    if problems:
        raise GazetteerDataError(problems)
    return places


def _parse_row(row: Mapping[str, str], problems: list[str]) -> Place | None:
    value = {column: (row.get(column) or "").strip() for column in CSV_COLUMNS}
    missing = [column for column in REQUIRED_COLUMNS if not value[column]]
    if missing:
        problems.append("missing " + ", ".join(missing))
        return None
    if not ID_PATTERN.match(value["id"]):
        problems.append(f"id {value['id']!r} must be lower-case words joined by hyphens")
    if value["country"] not in KNOWN_COUNTRY_CODES:
        problems.append(f"country {value['country']!r} is not a known ISO 3166-1 alpha-2 code")
    kind = _parse_kind(value["kind"], problems)
    lat = _parse_number(value["lat"], "lat", -90.0, 90.0, problems)
    lon = _parse_number(value["lon"], "lon", -180.0, 180.0, problems)
    border_km = _parse_number(value["border_km"], "border_km", 0.0, 25_000.0, problems)
    staging = _parse_flag(value["staging_point"], problems)
    if kind is None:
        return None
    return Place(
        id=value["id"],
        name=value["name"],
        country=value["country"],
        kind=kind,
        province=value["province"] or None,
        lat=lat,
        lon=lon,
        aliases=_split_aliases(value["aliases"]),
        border_km=border_km,
        staging_point=staging,
        source=value["source"] or None,
    )


def _split_aliases(raw: str) -> tuple[str, ...]:
    aliases = (alias.strip() for alias in raw.split(ALIAS_SEPARATOR))
    return tuple(dict.fromkeys(alias for alias in aliases if alias))


def _parse_kind(raw: str, problems: list[str]) -> PlaceKind | None:
    try:
        return PlaceKind(raw)
    except ValueError:
        allowed = ", ".join(kind.value for kind in PlaceKind)
        problems.append(f"kind {raw!r} is not one of {allowed}")
        return None


def _parse_number(
    raw: str, column: str, low: float, high: float, problems: list[str]
) -> float | None:
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        problems.append(f"{column} {raw!r} is not a number")
        return None
    if not math.isfinite(number) or not low <= number <= high:
        problems.append(f"{column} {raw} is outside {low:g}..{high:g}")
        return None
    return number


def _parse_flag(raw: str, problems: list[str]) -> bool:
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        problems.append(f"staging_point {raw!r} must be true or false")
    return False


# ---------------------------------------------------------------------------------------------
# The index: every folded name -> one place


def _name_variants(name: str) -> tuple[str, list[str]]:
    """The folded name and generated spellings: "Mong Cai" is also written "Mongcai"."""
    key = normalise(name)
    generated = []
    words = key.split(" ")
    if 1 < len(words) <= 4 and all(word.isascii() and word.isalpha() for word in words):
        generated.append("".join(words))
    return key, generated


def _build_index(places: Sequence[Place]) -> dict[str, Place | None]:
    """Folded names to places; a name claimed by two places is an error, not a silent guess."""
    index: dict[str, Place | None] = {}
    generated: dict[str, Place | None] = {}
    problems: list[str] = []
    for place in places:
        for name in (place.name, *place.aliases):
            key, variants = _name_variants(name)
            owner = index.setdefault(key, place)
            if owner is not None and owner.id != place.id:
                problems.append(f"name {name!r} is used by both {owner.id} and {place.id}")
            for variant in variants:
                other = generated.setdefault(variant, place)
                if other is not None and other.id != place.id:
                    generated[variant] = None  # two places spell alike once joined: use neither
    if problems:
        raise GazetteerDataError(problems)
    for variant, spelled in generated.items():
        if spelled is not None:
            index.setdefault(variant, spelled)
    for phrase in BLOCKED_PHRASES:
        index[normalise(phrase)] = None
    return index


# ---------------------------------------------------------------------------------------------
# The gazetteer

# Texts whose mentions a gazetteer remembers (oldest forgotten first): one document's worth of
# repeated searches, not an unbounded memory of every text seen.
FIND_CACHE_SIZE = 8


class Gazetteer:
    """Places with their aliases, searchable in text and by name."""

    def __init__(self, places: Sequence[Place]) -> None:
        self._places = list(places)
        self._by_id = {place.id: place for place in self._places}
        self._index = _build_index(self._places)
        self._matchers = _compile_matchers(key for key in self._index if key)
        # The incident and statistics stages search the same document: remember the last few.
        self._found: dict[str, tuple[PlaceMention, ...]] = {}
        self._found_lock = threading.Lock()  # web requests extract in worker threads

    @classmethod
    def default(cls) -> Gazetteer:
        """The shipped gazetteer, loaded once per process."""
        return _default_gazetteer()

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> Gazetteer:
        """A gazetteer from CSV-like rows (column names as in the shipped file)."""
        return cls(_parse_rows(rows))

    def places(self) -> list[Place]:
        return list(self._places)

    def by_id(self, place_id: str) -> Place | None:
        return self._by_id.get(place_id)

    def find(self, text: str) -> list[PlaceMention]:
        """Every place named in the text, in order; overlapping names resolve to the longest."""
        with self._found_lock:
            found = self._found.get(text)
        if found is None:
            found = tuple(self._find(text))
            with self._found_lock:
                if len(self._found) >= FIND_CACHE_SIZE:
                    self._found.pop(next(iter(self._found)))
                self._found[text] = found
        return list(found)

    def _find(self, text: str) -> list[PlaceMention]:
        folded, offsets = _fold(text)
        mentions = []
        for start, end, key in _select_longest(self._candidates(folded)):
            place = self._index.get(key) or self._index.get(" ".join(key.split()))
            if place is None:
                continue  # a blocked phrase: it hides the shorter name inside it
            first, last = (
                (start, end)
                if offsets is None
                else offsets.span(start, end, len(folded), len(text))
            )
            mentions.append(PlaceMention(first, last, text[first:last], place))
        return mentions

    def _candidates(self, folded: str) -> Iterator[tuple[int, int, str]]:
        for matcher in self._matchers:
            for match in matcher.finditer(folded):
                yield match.start(), match.end(), match.group()

    def lookup(self, name: str) -> Place | None:
        """The place a name refers to: exact alias first, then without generic words."""
        for key in _lookup_keys(name):
            place = self._index.get(key)
            if place is not None:
                return place
        return self._most_specific_mentioned(name)

    def _most_specific_mentioned(self, name: str) -> Place | None:
        """For a phrase ("a detention centre in Tumen"): its single most specific place."""
        places = list({m.place.id: m.place for m in self.find(name)}.values())
        if not places:
            return None
        best = min(KIND_SPECIFICITY[place.kind] for place in places)
        top = [place for place in places if KIND_SPECIFICITY[place.kind] == best]
        return top[0] if len(top) == 1 else None

    def country_of(self, name: str) -> str | None:
        """ISO2 code for a country name, a nationality adjective ("Laotian") or a place."""
        stripped = name.strip()
        first_word = stripped.split(" ", 1)[0] if stripped else ""
        if first_word in CASE_SENSITIVE_COUNTRY_CODES:
            return CASE_SENSITIVE_COUNTRY_CODES[first_word]
        key = _without_possessive(normalise(stripped))
        code = _COUNTRY_INDEX.get(key) or _leading_country(key)
        if code is not None:
            return code
        place = self.lookup(stripped)
        return place.country if place is not None else None


@functools.cache
def _default_gazetteer() -> Gazetteer:
    resource = resources.files(DATA_PACKAGE).joinpath(*DATA_PATH)
    with io.StringIO(resource.read_text(encoding="utf-8")) as handle:
        return Gazetteer.from_rows(csv.DictReader(handle))


def _select_longest(candidates: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping matches, leftmost first and, at one start, longest first."""
    chosen: list[tuple[int, int, str]] = []
    for start, end, key in sorted(candidates, key=_leftmost_longest):
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end, key))
    return chosen


def _leftmost_longest(candidate: tuple[int, int, str]) -> tuple[int, int]:
    return candidate[0], candidate[0] - candidate[1]


# ---------------------------------------------------------------------------------------------
# Lookup and country helpers


def _without_possessive(key: str) -> str:
    return key[:-2] if key.endswith("'s") else key.removesuffix("'")


def _lookup_keys(name: str) -> Iterator[str]:
    """Candidate folded keys, most literal first: "the Tumen city, Jilin" -> "tumen"."""
    key = _without_possessive(normalise(name))
    yield key
    head = key.split(",", 1)[0].strip()
    for candidate in dict.fromkeys((key, head)):
        stripped = _strip_generic(candidate)
        if stripped != key:
            yield stripped


def _strip_generic(key: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in GENERIC_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, changed = key[len(prefix) :].strip(), True
        for suffix in GENERIC_SUFFIXES:
            if key.endswith(" " + suffix):
                key, changed = key[: -len(suffix) - 1].strip(), True
        for suffix in UNSPACED_SUFFIXES:
            if key.endswith(suffix) and len(key) > 2 and _script_of(key) == "unspaced":
                key, changed = key[: -len(suffix)], True
    return key


_COUNTRY_INDEX: Mapping[str, str] = MappingProxyType(
    {normalise(name): code for name, code in COUNTRY_NAMES.items()}
)
# Longest first, so "South Korean police" is KR and not cut short at a shorter name.
_COUNTRY_KEYS_LONGEST_FIRST = tuple(sorted(_COUNTRY_INDEX, key=len, reverse=True))


def _leading_country(key: str) -> str | None:
    """The country a phrase starts with: "vietnamese border guards" -> VN, "中国公安" -> CN."""
    for name in _COUNTRY_KEYS_LONGEST_FIRST:
        if not key.startswith(name):
            continue
        rest = key[len(name) :]
        if not rest or _script_of(name) == "unspaced" or not (rest[0].isalnum() or rest[0] == "_"):
            return _COUNTRY_INDEX[name]
    return None
