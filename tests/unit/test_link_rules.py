"""Linking rules on synthetic incidents written for these tests (no corpus text)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refugewatch.errors import ValidationError
from refugewatch.link import LinkItem, case_id_for, link_incidents
from refugewatch.link.block import candidate_pairs
from refugewatch.link.compare import build_profiles, compare
from refugewatch.link.places import place_words, same_place
from refugewatch.link.wording import cosine, tfidf_vectors
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import CustodyStep, Incident, Span


def item(
    key: str,
    people: Count,
    *,
    date: FuzzyDate | None = None,
    place: str | None = None,
    country: str | None = "CN",
    published: FuzzyDate | None = None,
    context: str = "",
    chain: tuple[CustodyStep, ...] = (),
    last: str | None = None,
    subset_of: int | None = None,
    nationality: str | None = "KP",
    outlet: str | None = None,
) -> LinkItem:
    document = key.split("#")[0]
    return LinkItem(
        key=key,
        document=document,
        published=published or FuzzyDate.unknown(),
        outlet=outlet,
        incident=Incident(
            people=people,
            evidence=Span(0, len(context), context),
            nationality=nationality,
            apprehended_date=date or FuzzyDate.unknown(),
            apprehended_place=place,
            apprehended_country=country,
            custody_chain=chain,
            last_known_place=last,
            subset_of=subset_of,
        ),
        context=context,
    )


def together(clusters: list[list[str]], *keys: str) -> bool:
    return any(set(keys) <= set(cluster) for cluster in clusters)


# Background reports about other groups, so IDF and place rarity behave as in a real batch.
BACKGROUND = [
    item(
        "bg1#0",
        Count.exact(3),
        date=FuzzyDate.day(2018, 2, 2),
        place="Yanji",
        published=FuzzyDate.day(2018, 2, 5),
        context="Three North Korean women were detained by police in Yanji.",
    ),
    item(
        "bg2#0",
        Count.exact(15),
        date=FuzzyDate.month(2017, 7),
        place="Shenyang",
        published=FuzzyDate.day(2017, 8, 1),
        context="Fifteen defectors were caught at a checkpoint outside Shenyang in July.",
    ),
    item(
        "bg3#0",
        Count.exact(4),
        date=FuzzyDate.day(2019, 5, 20),
        place="Vientiane",
        country="LA",
        published=FuzzyDate.day(2019, 5, 25),
        context="Lao immigration officers held four North Koreans in Vientiane.",
    ),
]

LINKED = {
    "same group, different wording": [
        item(
            "a#0",
            Count.exact(8),
            date=FuzzyDate.day(2021, 4, 10),
            place="Dandong",
            published=FuzzyDate.day(2021, 4, 12),
            context="Chinese police detained eight North Korean escapees at a bus terminal in "
            "Dandong on Saturday, relatives said.",
        ),
        item(
            "b#0",
            Count.exact(8),
            date=FuzzyDate.day(2021, 4, 10),
            place="Dandong, Liaoning",
            published=FuzzyDate.day(2021, 4, 20),
            context="A rights group says a group of defectors, among them a teenage girl, was "
            "seized by public security officers last week.",
        ),
    ],
    "conflicting reports: 9 vs 10, a day apart": [
        item(
            "c#0",
            Count.exact(9),
            date=FuzzyDate.day(2016, 3, 14),
            place="Lao Cai",
            country="VN",
            published=FuzzyDate.day(2016, 3, 30),
            context="Border guards stopped nine North Koreans near Lao Cai.",
            chain=(CustodyStep(FuzzyDate.unknown(), "Hekou", "CN", "Chinese police"),),
        ),
        item(
            "d#0",
            Count.exact(10),
            date=FuzzyDate.day(2016, 3, 15),
            place="Lao Cai province",
            country="VN",
            published=FuzzyDate.day(2016, 4, 2),
            context="Ten people fleeing North Korea were handed to China at Hekou after their "
            "arrest in Vietnam.",
            chain=(CustodyStep(FuzzyDate.unknown(), "Hekou", "CN", None),),
        ),
    ],
    "about 60, over 50 and 62": [
        item(
            "e#0",
            Count.about(60),
            date=FuzzyDate.month(2020, 1),
            place="Tumen",
            published=FuzzyDate.day(2020, 2, 1),
            context="About 60 North Koreans are held at the Tumen detention centre.",
        ),
        item(
            "f#0",
            Count.at_least(50),
            date=FuzzyDate.month(2020, 1),
            place="Tumen, Jilin",
            published=FuzzyDate.day(2020, 2, 3),
            context="More than 50 escapees were rounded up in January and sent to Tumen.",
        ),
        item(
            "g#0",
            Count.exact(62),
            date=FuzzyDate.day(2020, 1, 18),
            place="Tumen",
            published=FuzzyDate.day(2020, 2, 10),
            context="Sixty-two people await repatriation in Tumen, a source said.",
        ),
    ],
    "undated follow-up naming the custody place": [
        item(
            "h#0",
            Count.exact(6),
            date=FuzzyDate.day(2014, 10, 16),
            place="Luang Namtha",
            country="LA",
            published=FuzzyDate.day(2014, 10, 17),
            context="Six North Koreans were arrested in Luang Namtha on Thursday.",
        ),
        item(
            "i#0",
            Count.exact(6),
            country="LA",
            published=FuzzyDate.day(2014, 11, 2),
            last="Luang Namtha",
            context="The six remain in an immigration cell in Luang Namtha, activists said.",
        ),
    ],
}

APART = {
    "same country and month, different counts": [
        item(
            "j#0",
            Count.exact(7),
            date=FuzzyDate.month(2019, 6),
            place="Yanji",
            published=FuzzyDate.day(2019, 7, 1),
            context="Seven defectors were caught in Yanji in June.",
        ),
        item(
            "k#0",
            Count.exact(12),
            date=FuzzyDate.month(2019, 6),
            place="Yanji",
            published=FuzzyDate.day(2019, 7, 2),
            context="Twelve North Koreans were arrested in Yanji in June.",
        ),
    ],
    "same count and month, other city, weeks apart": [
        item(
            "l#0",
            Count.exact(5),
            date=FuzzyDate.day(2019, 6, 3),
            place="Kunming",
            published=FuzzyDate.day(2019, 7, 10),
            context="Five North Koreans were detained on a train to Kunming.",
        ),
        item(
            "m#0",
            Count.exact(5),
            date=FuzzyDate.day(2019, 6, 24),
            place="Harbin",
            published=FuzzyDate.day(2019, 7, 12),
            context="Police raided a flat in Harbin and took five defectors away.",
        ),
    ],
    "arrest after the other report was published": [
        item(
            "n#0",
            Count.exact(4),
            date=FuzzyDate.day(2012, 3, 1),
            place="Shenyang",
            published=FuzzyDate.day(2012, 3, 3),
            context="Four defectors were arrested in Shenyang.",
        ),
        item(
            "o#0",
            Count.exact(4),
            date=FuzzyDate.day(2012, 3, 20),
            place="Shenyang",
            published=FuzzyDate.day(2012, 3, 22),
            context="Four defectors were arrested in Shenyang.",
        ),
    ],
    "different nationality": [
        item(
            "p#0",
            Count.exact(1),
            date=FuzzyDate.day(2013, 1, 9),
            place="Yanji",
            published=FuzzyDate.day(2013, 1, 10),
            context="A broker was detained in Yanji.",
            nationality="CN",
        ),
        item(
            "q#0",
            Count.exact(1),
            date=FuzzyDate.day(2013, 1, 9),
            place="Yanji",
            published=FuzzyDate.day(2013, 1, 11),
            context="A North Korean woman was detained in Yanji.",
        ),
    ],
    "undated pair with only count and country in common": [
        item("r#0", Count.exact(7), context="Seven people were held by police, a pastor said."),
        item("s#0", Count.exact(7), context="Authorities detained seven migrants near the river."),
    ],
}


@pytest.mark.parametrize("items", LINKED.values(), ids=LINKED.keys())
def test_reports_of_one_group_link(items: list[LinkItem]) -> None:
    clusters = link_incidents([*BACKGROUND, *items])
    assert together(clusters, *(i.key for i in items))
    assert all(len(c) == 1 for c in clusters if c[0].startswith("bg"))


@pytest.mark.parametrize("items", APART.values(), ids=APART.keys())
def test_different_groups_stay_apart(items: list[LinkItem]) -> None:
    clusters = link_incidents([*BACKGROUND, *items])
    assert not together(clusters, *(i.key for i in items))


def _subgroup_report() -> list[LinkItem]:
    common = {"date": FuzzyDate.month(2008, 12), "country": "MM", "place": "Tachilek"}
    return [
        item("x#0", Count.exact(19), published=FuzzyDate.day(2009, 1, 2), **common),  # type: ignore[arg-type]
        item(
            "x#1",
            Count.exact(3),
            published=FuzzyDate.day(2009, 1, 2),
            subset_of=0,
            last="Payao",
            **common,  # type: ignore[arg-type]
        ),
        item("y#0", Count.exact(19), published=FuzzyDate.day(2008, 12, 22), **common),  # type: ignore[arg-type]
    ]


def test_subgroup_stays_in_its_parents_case() -> None:
    clusters = link_incidents([*BACKGROUND, *_subgroup_report()])
    assert together(clusters, "x#0", "x#1", "y#0")


def test_subgroup_found_by_key_index_when_items_are_reordered() -> None:
    reordered = list(reversed(_subgroup_report()))
    assert together(link_incidents(reordered), "x#0", "x#1")


@pytest.mark.parametrize(
    "same_report",
    [
        pytest.param(True, id="two groups in one report never merge"),
        pytest.param(False, id="the same two incidents in two reports merge"),
    ],
)
def test_one_document_reports_distinct_groups(same_report: bool) -> None:
    first = item(
        "t#0",
        Count.exact(7),
        date=FuzzyDate.day(2018, 5, 30),
        place="Chiang Khong",
        country="TH",
        published=FuzzyDate.day(2018, 6, 1),
        context="Marines caught seven North Koreans on the riverbank at Chiang Khong.",
    )
    second = replace(
        first, key="t#1" if same_report else "u#0", document="t" if same_report else "u"
    )
    clusters = link_incidents([*BACKGROUND, first, second])
    assert together(clusters, first.key, second.key) is not same_report


def test_every_key_in_exactly_one_cluster_in_a_stable_order() -> None:
    items = [*BACKGROUND, *(i for group in LINKED.values() for i in group)]
    clusters = link_incidents(items)
    keys = [k for cluster in clusters for k in cluster]
    assert sorted(keys) == sorted(i.key for i in items)
    assert clusters == sorted(sorted(c) for c in clusters)


ALL_ITEMS = [
    *BACKGROUND,
    *(i for g in LINKED.values() for i in g),
    *(i for g in APART.values() for i in g),
]


@settings(max_examples=25, deadline=None)
@given(st.permutations(ALL_ITEMS))
def test_linking_does_not_depend_on_input_order(items: list[LinkItem]) -> None:
    assert link_incidents(items) == link_incidents(ALL_ITEMS)


def test_repeated_keys_are_refused() -> None:
    with pytest.raises(ValidationError, match="given twice"):
        link_incidents([BACKGROUND[0], BACKGROUND[0]])


def test_case_id_is_stable_and_order_free() -> None:
    assert case_id_for(["b#1", "a#0"]) == case_id_for(["a#0", "b#1"])
    assert case_id_for(["a#0"]).startswith("c-")
    assert case_id_for(["a#0"]) != case_id_for(["a#1"])
    with pytest.raises(ValidationError):
        case_id_for([])


def test_blocking_compares_far_fewer_pairs_than_all() -> None:
    countries = ["CN", "VN", "LA", "TH", "MM", "RU", "MN", "KH"]
    items = [
        item(
            f"doc{n}#0",
            Count.exact(2 + n % 40),
            date=FuzzyDate.day(2000 + n % 20, 1 + n % 12, 1 + n % 28),
            country=countries[n % len(countries)],
            published=FuzzyDate.day(2000 + n % 20, 12, 31),
            context=f"Report number {n}.",
        )
        for n in range(400)
    ]
    pairs = candidate_pairs(build_profiles(items))
    assert len(pairs) < 400 * 399 / 2 / 10


def test_pair_score_explains_itself() -> None:
    a, b = LINKED["conflicting reports: 9 vs 10, a day apart"]
    result = compare(*build_profiles([a, b]))
    assert result.conflict is None
    assert any("close counts" in r for r in result.reasons)
    assert any("1 day(s) apart" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Tumen", "Tumen, Jilin", True),
        ("Móng Cái", "Mong Cai City", True),
        ("St Petersburg", "Saint Petersburg", True),
        ("Jilin province", "Jilin", True),
        ("Chiang Rai", "Chiang Khong", False),
        ("Dongxing", None, False),
    ],
    ids=[
        "province added",
        "accents and city",
        "abbreviation",
        "province word",
        "shared word",
        "none",
    ],
)
def test_place_names_are_normalised(a: str, b: str | None, same: bool) -> None:
    assert same_place(a, b) is same
    assert same_place(b, a) is same


def test_place_words_drop_administrative_words() -> None:
    assert place_words("Tumen City, Jilin Province") == {"tumen", "jilin"}
    assert place_words(None) == frozenset()


@given(st.lists(st.text(max_size=60), min_size=2, max_size=5))
def test_wording_cosine_is_bounded_and_symmetric(texts: list[str]) -> None:
    vectors = tfidf_vectors(texts)
    for a in vectors:
        for b in vectors:
            assert -1e-9 <= cosine(a, b) <= 1 + 1e-9
            assert cosine(a, b) == pytest.approx(cosine(b, a))


def test_wording_ranks_shared_phrasing_above_unrelated() -> None:
    texts = [
        "taken in by immigration police after they were found in the park",
        "immigration police found the group in the park and took them in",
        "the ministry published its annual budget figures on Monday",
    ]
    a, b, c = tfidf_vectors(texts)
    assert cosine(a, b) > cosine(a, c)
    assert cosine(a, a) == pytest.approx(1.0)


def test_numbers_do_not_count_as_shared_wording() -> None:
    a, b = tfidf_vectors(["seven 7", "seven 7"])
    assert cosine(a, b) == 0.0


def test_undated_arrest_years_come_from_publication() -> None:
    from refugewatch.link.block import arrest_years

    (profile,) = build_profiles(
        [item("z#0", Count.exact(2), published=FuzzyDate.from_date(dt.date(2015, 11, 24)))]
    )
    assert arrest_years(profile) == {2014, 2015}


@pytest.mark.parametrize(
    ("outlet_b", "copy"),
    [pytest.param("AFP", True, id="same outlet"), pytest.param("Reuters", False, id="other")],
)
def test_syndicated_copies_are_recognised(outlet_b: str, copy: bool) -> None:
    text = "Thai police arrested two North Korean women at a guesthouse, an officer said."
    a = item("sa#0", Count.exact(2), country="TH", context=text, outlet="AFP")
    b = item("sb#0", Count.exact(2), country="TH", context=text, outlet=outlet_b)
    result = compare(*build_profiles([*BACKGROUND, a, b])[-2:])
    assert any("copy of one outlet" in r for r in result.reasons) is copy


def test_nothing_to_link() -> None:
    assert link_incidents([]) == []
    assert link_incidents(BACKGROUND[:1]) == [["bg1#0"]]


@pytest.mark.parametrize(
    ("inner", "outer", "reason"),
    [
        pytest.param("Hun Sen Park", "Phnom Penh", "inside", id="park-in-its-city"),
        pytest.param("Ban Huay Kiang", "Chiang Rai", "different", id="village-not-in-province"),
    ],
)
def test_a_spot_inside_a_city_is_not_a_clash(inner: str, outer: str, reason: str) -> None:
    a = item("a#0", Count.exact(7), place=inner, country="KH")
    b = item("b#0", Count.exact(7), place=outer, country="KH")
    reasons = " ".join(compare(*build_profiles([a, b])).reasons)
    assert reason in reasons
