"""The gazetteer: shipped data integrity, finding places in text, lookup and country_of."""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.errors import GazetteerDataError, RefugewatchError
from refugewatch.extract.gazetteer import (
    COUNTRY_NAMES,
    CSV_COLUMNS,
    KNOWN_COUNTRY_CODES,
    Gazetteer,
    PlaceMention,
    normalise,
)
from refugewatch.model.places import Place, PlaceKind

GAZ = Gazetteer.default()
REQUIRED_COUNTRIES = ("CN", "KP", "KR", "VN", "LA", "TH", "MM", "KH", "MN", "RU", "JP", "US")


def _shipped_rows() -> list[dict[str, str]]:
    text = resources.files("refugewatch.extract").joinpath("data", "gazetteer.csv").read_text()
    return list(csv.DictReader(io.StringIO(text)))


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.place.id) for m in GAZ.find(text)]


def _row(**values: str) -> dict[str, str]:
    base = {"id": "xx-test", "name": "Testville", "country": "CN", "kind": "city"}
    base.update(values)
    return base


# ---------------------------------------------------------------------------------------------
# The shipped CSV


def test_shipped_csv_has_the_documented_columns_and_enough_rows() -> None:
    rows = _shipped_rows()
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) >= 230
    assert len(GAZ.places()) == len(rows)


def test_shipped_ids_are_unique() -> None:
    ids = [row["id"] for row in _shipped_rows()]
    assert len(ids) == len(set(ids))


def test_every_shipped_row_has_valid_values_and_a_source() -> None:
    problems = []
    for place in GAZ.places():
        if not re.fullmatch(r"[A-Z]{2}", place.country) or place.country not in KNOWN_COUNTRY_CODES:
            problems.append(f"{place.id}: country {place.country}")
        if place.lat is None or place.lon is None:
            problems.append(f"{place.id}: no coordinates")
        elif not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
            problems.append(f"{place.id}: coordinates out of range")
        if place.border_km is None or place.border_km < 0:
            problems.append(f"{place.id}: border_km {place.border_km}")
        if not (place.source or "").strip():
            problems.append(f"{place.id}: no source")
    assert problems == []


@pytest.mark.parametrize("code", REQUIRED_COUNTRIES)
def test_required_country_rows_exist(code: str) -> None:
    rows = [p for p in GAZ.places() if p.kind is PlaceKind.COUNTRY and p.country == code]
    assert len(rows) == 1
    assert rows[0].border_km is not None


def test_staging_points_are_near_the_border() -> None:
    staging = [p for p in GAZ.places() if p.staging_point]
    assert {"cn-jilin-tumen", "cn-liaoning-dandong", "cn-jilin-hunchun"} <= {p.id for p in staging}
    assert all(p.border_km is not None and p.border_km <= 150 for p in staging)


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("Tumen", 0, 10),
        ("Dandong", 0, 10),
        ("Hyesan", 0, 10),
        ("Yanji", 10, 50),
        ("Shenyang", 120, 260),
        ("Vladivostok", 90, 180),
        ("Seoul", 250, 450),
        ("Bangkok", 3000, 4500),
        ("Mong Cai", 2000, 3000),
        ("China", 0, 0),
        ("South Korea", 150, 300),
    ],
    ids=lambda v: str(v),
)
def test_border_distances_are_plausible(name: str, low: float, high: float) -> None:
    place = GAZ.lookup(name)
    assert place is not None and place.border_km is not None
    assert low <= place.border_km <= high


def test_every_name_and_alias_looks_up_its_own_place() -> None:
    wrong = [
        (name, place.id)
        for place in GAZ.places()
        for name in (place.name, *place.aliases)
        if GAZ.lookup(name) != place
    ]
    assert wrong == []


def test_every_name_and_alias_is_found_whole_in_a_sentence() -> None:
    wrong = []
    for place in GAZ.places():
        for name in (place.name, *place.aliases):
            text = f"Held at {name} (reported)."
            mentions = GAZ.find(text)
            expected = [PlaceMention(8, 8 + len(name), name, place)]
            if mentions != expected:
                wrong.append((name, [(m.text, m.place.id) for m in mentions]))
    assert wrong == []


def test_country_rows_agree_with_country_of() -> None:
    countries = [p for p in GAZ.places() if p.kind is PlaceKind.COUNTRY]
    assert all(GAZ.country_of(p.name) == p.country for p in countries)


def test_corpus_gold_places_are_known(corpus_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    unknown = set()
    for path in corpus_dir.rglob("*.gold.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        for incident in gold.get("incidents", []):
            steps = incident.get("custody_chain") or []
            for name in [incident.get("apprehended_place"), *(s.get("place") for s in steps)]:
                if name and GAZ.lookup(name) is None:
                    unknown.add(name)
    assert unknown == set()


def test_default_is_loaded_once() -> None:
    assert Gazetteer.default() is Gazetteer.default()


# ---------------------------------------------------------------------------------------------
# find()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caught in Móng Cái on Friday", [("Móng Cái", "vn-quang-ninh-mong-cai")]),
        ("caught in MONG CAI on Friday", [("MONG CAI", "vn-quang-ninh-mong-cai")]),
        ("caught in Mongcai", [("Mongcai", "vn-quang-ninh-mong-cai")]),
        ("caught in Mo\u0301ng Ca\u0301i", [("Mo\u0301ng Ca\u0301i", "vn-quang-ninh-mong-cai")]),
        (
            "via Lạng Sơn and Điện Biên Phủ",
            [("Lạng Sơn", "vn-lang-son-lang-son"), ("Điện Biên Phủ", "vn-dien-bien-dien-bien-phu")],
        ),
        ("sent to Ho Chi Minh City", [("Ho Chi Minh City", "vn-ho-chi-minh-city")]),
        ("sent to Ho Chi\n  Minh City", [("Ho Chi\n  Minh City", "vn-ho-chi-minh-city")]),
        (
            "held in Jilin City, Jilin Province",
            [("Jilin City", "cn-jilin-jilin-city"), ("Jilin Province", "cn-jilin")],
        ),
        (
            "the Tumen Border Detention Centre",
            [("Tumen Border Detention Centre", "cn-jilin-tumen-detention")],
        ),
        ("across the Tumen River", [("Tumen River", "cn-jilin-tumen-river")]),
        ("the Tumenjiang valley", [("Tumenjiang", "cn-jilin-tumen-river")]),
        ("arrested in Qinhuangdao", [("Qinhuangdao", "cn-hebei-qinhuangdao")]),
        ("Tumens and Tumenville", []),
        (
            "crossed at Zamyn-Uud, then Zamyn Uud",
            [("Zamyn-Uud", "mn-dornogovi-zamyn-uud"), ("Zamyn Uud", "mn-dornogovi-zamyn-uud")],
        ),
        ("from Ji’an to Ji'an", [("Ji’an", "cn-jilin-jian"), ("Ji'an", "cn-jilin-jian")]),
        ("Liu Jian said", []),
        ("China's police", [("China", "cn")]),
        ("North Korean refugees", []),
        ("블라디보스토크에서 체포된", [("블라디보스토크", "ru-primorsky-vladivostok")]),
        ("내몽골 지역", [("내몽골", "cn-nei-mongol")]),
        ("在吉林省延吉市被捕", [("吉林省", "cn-jilin"), ("延吉市", "cn-jilin-yanji")]),
        ("задержаны во Владивостоке", [("Владивосток", "ru-primorsky-vladivostok")]),
        ("朝鲜族地区", []),
        ("the Phnom Penh Post reported from Phnom Penh", [("Phnom Penh", "kh-phnom-penh")]),
        ("Viet-nam and Viet–Nam", [("Viet-nam", "vn"), ("Viet–Nam", "vn")]),
        ("Vladi\u00advostok", [("Vladi\u00advostok", "ru-primorsky-vladivostok")]),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_find(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "prefix",
    ["", "Straße ", "ﬁnal ", "İstanbul ", "Mo\u0301ng ", "\u200b", "…"],
    ids=["plain", "sharp-s", "ligature", "dotted-I", "combining", "zero-width", "ellipsis"],
)
def test_find_offsets_point_into_the_original_text(prefix: str) -> None:
    text = prefix + "held in Tumen, then Yanji."
    mentions = GAZ.find(text)
    assert [m.text for m in mentions] == ["Tumen", "Yanji"]
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_find_is_fast_on_a_long_text() -> None:
    sentence = "Police in Mong Cai handed the group to Chinese police in Dongxing, Guangxi. "
    text = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    GAZ.find(text)
    best = min(_timed(lambda: GAZ.find(text)) for _ in range(3))
    assert best < 0.5  # generous: catches accidental quadratic scans, not machine noise


def _timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# lookup()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Tumen", "cn-jilin-tumen"),
        ("TUMEN", "cn-jilin-tumen"),
        ("Tumen city", "cn-jilin-tumen"),
        ("Tumen, Jilin", "cn-jilin-tumen"),
        ("  Tumen ,  Jilin Province ", "cn-jilin-tumen"),
        ("the city of Dandong", "cn-liaoning-dandong"),
        ("Jilin", "cn-jilin"),
        ("Jilin Province", "cn-jilin"),
        ("Jilin City", "cn-jilin-jilin-city"),
        ("Mong Cai", "vn-quang-ninh-mong-cai"),
        ("Móng Cái", "vn-quang-ninh-mong-cai"),
        ("Hoang Su Phi district, Ha Giang province", "vn-ha-giang-hoang-su-phi"),
        ("the Tumen detention centre", "cn-jilin-tumen-detention"),
        ("Tumen in Jilin", "cn-jilin-tumen"),
        ("延吉市", "cn-jilin-yanji"),
        ("연길시", "cn-jilin-yanji"),
        ("China's", "cn"),
        ("Tachilek", "mm-shan-tachileik"),
        ("Houayxay", "la-bokeo-huay-xai"),
        ("Ulan Bator", "mn-ulaanbaatar"),
        ("St. Petersburg", "ru-saint-petersburg"),
    ],
    ids=lambda v: v,
)
def test_lookup(name: str, expected: str) -> None:
    place = GAZ.lookup(name)
    assert place is not None and place.id == expected


@pytest.mark.parametrize("name", ["", "Atlantis", "from Tumen to Yanji", "Korea", "Ho"])
def test_lookup_unknown_or_ambiguous_is_none(name: str) -> None:
    assert GAZ.lookup(name) is None


# ---------------------------------------------------------------------------------------------
# country_of()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        ("Vietnamese", "VN"),
        ("Chinese", "CN"),
        ("Laotian", "LA"),
        ("Lao", "LA"),
        ("Thai", "TH"),
        ("Burmese", "MM"),
        ("Cambodian", "KH"),
        ("Mongolian", "MN"),
        ("Inner Mongolian", "CN"),
        ("Russian", "RU"),
        ("North Korean", "KP"),
        ("South Korean", "KR"),
        ("Vietnamese police", "VN"),
        ("South Korean embassy", "KR"),
        ("US Embassy", "US"),
        ("U.S.", "US"),
        ("China's", "CN"),
        ("中国公安", "CN"),
        ("라오스", "LA"),
        ("Mong Cai", "VN"),
        ("Tumen, Jilin", "CN"),
        ("Chiang Rai province", "TH"),
    ],
    ids=lambda v: v,
)
def test_country_of(name: str, expected: str) -> None:
    assert GAZ.country_of(name) == expected


@pytest.mark.parametrize("name", ["Korean", "Korea", "us", "Atlantis", "", "Thailander"])
def test_country_of_ambiguous_or_unknown_is_none(name: str) -> None:
    assert GAZ.country_of(name) is None


def test_country_names_map_to_iso2_codes() -> None:
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in COUNTRY_NAMES.values())
    assert set(REQUIRED_COUNTRIES) <= set(COUNTRY_NAMES.values())


# ---------------------------------------------------------------------------------------------
# from_rows()


def test_from_rows_with_only_required_columns() -> None:
    gaz = Gazetteer.from_rows([_row(aliases="Test Town| Testburg |")])
    place = gaz.lookup("testburg")
    assert place == Place(
        id="xx-test",
        name="Testville",
        country="CN",
        kind=PlaceKind.CITY,
        aliases=("Test Town", "Testburg"),
    )
    assert gaz.country_of("Testville") == "CN"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row(), _row()], "used by an earlier row"),
        ([_row(kind="metropolis")], "kind 'metropolis'"),
        ([_row(country="XX")], "not a known ISO"),
        ([_row(country="cn")], "not a known ISO"),
        ([_row(lat="91")], "lat 91 is outside"),
        ([_row(lon="east")], "lon 'east' is not a number"),
        ([_row(border_km="-3")], "border_km -3 is outside"),
        ([_row(staging_point="maybe")], "staging_point 'maybe'"),
        ([_row(name="")], "missing name"),
        ([_row(id="Bad Id")], "lower-case words"),
        ([_row(), _row(id="xx-other", aliases="Testville")], "used by both"),
        ([_row(), _row(id="xx-other", aliases="TESTVILLE")], "used by both"),
    ],
    ids=[
        "dup-id",
        "kind",
        "iso",
        "iso-case",
        "lat",
        "lon",
        "border",
        "flag",
        "name",
        "id",
        "alias-clash",
        "alias-clash-folded",
    ],
)
def test_from_rows_rejects_bad_rows(rows: list[dict[str, str]], message: str) -> None:
    with pytest.raises(GazetteerDataError) as caught:
        Gazetteer.from_rows(rows)
    assert message in str(caught.value)
    assert isinstance(caught.value, RefugewatchError)


def test_from_rows_reports_every_problem_together() -> None:
    with pytest.raises(GazetteerDataError) as caught:
        Gazetteer.from_rows([_row(lat="200", lon="500"), _row(id="xx-b", kind="x")])
    assert len(caught.value.problems) == 3
    assert all(problem.startswith("gazetteer row") for problem in caught.value.problems)


def test_joined_spelling_shared_by_two_places_is_dropped_not_guessed() -> None:
    gaz = Gazetteer.from_rows(
        [_row(id="xx-a", name="Mong La"), _row(id="xx-b", name="Mongla Town", aliases="Mon Gla")]
    )
    assert gaz.lookup("mongla") is None
    assert gaz.lookup("Mong La") is not None and gaz.lookup("Mong La").id == "xx-a"


# ---------------------------------------------------------------------------------------------
# Property tests: case and accents never change which place a name is

LATIN_NAMES = sorted(
    {
        name
        for place in GAZ.places()
        for name in (place.name, *place.aliases)
        if name.isascii() and re.fullmatch(r"[A-Za-z][A-Za-z ]*[A-Za-z]", name)
    }
)
COMBINING_MARKS = [chr(c) for c in range(0x0300, 0x0370)]


@st.composite
def _disguised(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(LATIN_NAMES))
    chars = []
    for char in name:
        chars.append(char.upper() if draw(st.booleans()) else char.lower())
        if char != " " and draw(st.integers(0, 4)) == 0:
            chars.append(draw(st.sampled_from(COMBINING_MARKS)))
    return name, "".join(chars)


@settings(max_examples=300, deadline=None)
@given(_disguised())
def test_lookup_ignores_case_and_accents(pair: tuple[str, str]) -> None:
    name, disguised = pair
    assert GAZ.lookup(disguised) == GAZ.lookup(name)
    assert GAZ.lookup(unicodedata.normalize("NFC", disguised)) == GAZ.lookup(name)


@settings(max_examples=200, deadline=None)
@given(_disguised(), st.text(alphabet="xyz ,.", max_size=20))
def test_find_returns_the_disguised_span(pair: tuple[str, str], filler: str) -> None:
    name, disguised = pair
    text = f"{filler} {disguised} {filler}"
    mentions = [m for m in GAZ.find(text) if m.text == disguised]
    assert [m.place for m in mentions] == [GAZ.lookup(name)]
    assert text[mentions[0].start : mentions[0].end] == disguised


@given(st.text(max_size=40))
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)
