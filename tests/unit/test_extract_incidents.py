"""Incident rules over phrasing families, on sentences written for these tests (not corpus text)."""

from __future__ import annotations

import datetime as dt

import pytest

from refugewatch.extract.pipeline import extract
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import Incident, Status, VulnerabilityKind

PUBLISHED = FuzzyDate.day(2021, 6, 18)  # a Friday


def incidents(text: str, published: FuzzyDate = PUBLISHED) -> list[Incident]:
    return list(extract(text, published, language="en").incidents)


def only(text: str, published: FuzzyDate = PUBLISHED) -> Incident:
    found = incidents(text, published)
    assert len(found) == 1, [i.evidence.quote for i in found]
    return found[0]


@pytest.mark.parametrize(
    "text",
    [
        "Police arrested six North Korean defectors in Kunming on Tuesday.",
        "Six North Korean refugees were detained by border guards in Kunming on Tuesday.",
        "Border guards caught six North Koreans in Kunming on Tuesday.",
        "Six North Koreans were apprehended in Kunming on Tuesday, activists said.",
        "Six North Korean escapees were rounded up in Kunming on Tuesday.",
        "Six North Korean asylum seekers were taken into custody in Kunming on Tuesday.",
        "On Tuesday police seized a group of six North Koreans in Kunming.",
    ],
    ids=["arrested", "detained-by", "caught", "apprehended", "rounded-up", "custody", "seized"],
)
def test_apprehension_family_gives_one_dated_detained_group(text: str) -> None:
    incident = only(text)
    assert incident.people.headline == 6
    assert incident.apprehended_date == FuzzyDate.day(2021, 6, 15)
    assert incident.apprehended_country == "CN"
    assert incident.status is Status.DETAINED
    assert incident.evidence.quote in text


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Chinese police arrested five North Koreans in Dandong and repatriated them to North "
         "Korea.", Status.REPATRIATED),
        ("Five North Korean defectors caught in Dandong were sent back to North Korea last week.",
         Status.REPATRIATED),
        ("Five North Korean refugees arrested in Dandong were forcibly returned to the North.",
         Status.REPATRIATED),
        ("Five North Korean defectors arrested in Vientiane were freed on Monday.",
         Status.RELEASED),
        ("Five North Korean defectors arrested in Vientiane were released and handed over to the "
         "South Korean embassy.", Status.RELEASED),
        ("Five North Korean defectors detained in Bangkok arrived in Seoul on Thursday.",
         Status.REACHED_SAFE_COUNTRY),
        ("Five North Korean defectors were detained in Vientiane, and their whereabouts are "
         "unknown.", Status.MISSING),
        ("Five North Korean defectors were detained in Vientiane. It was unclear whether they had "
         "been returned.", Status.UNKNOWN),
    ],
    ids=["repatriated", "sent-back", "forcibly-returned", "freed", "released-handed",
         "arrived-seoul", "whereabouts-unknown", "unclear"],
)  # fmt: skip
def test_status_families(text: str, status: Status) -> None:
    assert only(text).status is status


@pytest.mark.parametrize(
    "text",
    [
        "Seven North Korean refugees detained in Yanji could be repatriated at any time.",
        "Activists fear the seven North Korean defectors held in Yanji will be sent back soon.",
        "China should not return the seven North Korean refugees detained in Yanji.",
        "The seven North Korean defectors held in Yanji face forced repatriation.",
    ],
    ids=["could", "fear-will", "should-not", "face"],
)
def test_hedged_returns_leave_the_group_detained(text: str) -> None:
    incident = only(text)
    assert incident.status is Status.DETAINED


def test_negated_return_is_not_repatriation() -> None:
    text = "Eleven North Korean defectors held on the Laos border were released rather than repatriated."
    assert only(text).status is Status.RELEASED


def test_repeated_mentions_of_one_group_merge() -> None:
    text = (
        "China: Do Not Return Nine North Korean Refugees\n\n"
        "Nine North Korean refugees, including a baby, are held in China. "
        "Vietnamese police arrested the nine North Koreans on May 3 in Mong Cai. "
        "They were handed over to Chinese police in Dongxing on May 5."
    )
    incident = only(text)
    assert incident.people.headline == 9
    assert incident.apprehended_date == FuzzyDate.day(2021, 5, 3)
    assert incident.apprehended_place == "Mong Cai"
    assert incident.apprehended_country == "VN"
    assert incident.custody_chain[0].place == "Dongxing"
    assert incident.vulnerable_count(VulnerabilityKind.INFANTS) == 1


def test_two_groups_in_one_sentence_keep_their_own_places() -> None:
    text = (
        "On June 2, eight North Korean defectors were arrested at Yanji station, and on June 9 "
        "a further four defectors were caught by Chinese police in Dandong."
    )
    found = sorted(incidents(text), key=lambda i: i.people.headline or 0)
    assert [i.people.headline for i in found] == [4, 8]
    assert [i.apprehended_place for i in found] == ["Dandong", "Yanji"]
    assert [i.apprehended_date.to_edtf() for i in found] == ["2021-06-09", "2021-06-02"]


def test_total_of_two_reported_groups_is_not_a_third_group() -> None:
    text = (
        "Police have arrested 12 North Koreans in two groups. "
        "A group of seven North Koreans was caught in Chiang Khong. "
        "Soldiers then arrested a second group of five North Koreans near the river."
    )
    assert sorted(i.people.headline or 0 for i in incidents(text)) == [5, 7]


def test_sub_group_points_to_its_parent() -> None:
    text = (
        "A group of 14 North Koreans was caught in Vietnam on June 1. "
        "The following day, 10 of the original 14 were caught again in Lang Son."
    )
    found = incidents(text)
    sizes = [i.people.headline for i in found]
    assert sorted(sizes) == [10, 14]
    child = next(i for i in found if i.people.headline == 10)
    assert child.subset_of == sizes.index(14)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("North Korean refugees landed by boat. The 11 women and eight men were taken into "
         "custody on the river bank.", 19),
        ("Four North Koreans sought asylum. Two men and two women were detained by border guards.",
         4),
        ("North Korean defectors were held. The 10 men and women, in their 20s and 30s, and one "
         "five-year-old child were detained.", 11),
        ("North Korean defectors Kim Chol-su, his wife and young daughter were arrested in Yanji.",
         3),
        ("Police in Mondulkiri arrested a North Korean man for illegal entry.", 1),
    ],
    ids=["women-and-men", "two-and-two", "trailing-child", "family", "singular"],
)  # fmt: skip
def test_group_size_from_breakdowns_and_families(text: str, size: int) -> None:
    assert only(text).people.headline == size


def test_guides_are_not_counted_as_a_group() -> None:
    text = "Chinese police arrested nine North Korean defectors and two guides in Tumen."
    assert [i.people.headline for i in incidents(text)] == [9]


@pytest.mark.parametrize(
    "text",
    [
        "Human Rights Watch has documented 41 North Koreans detained in China since July 2016.",
        "More than 400 North Koreans were arrested for illegal entry this year.",
        "Hundreds of thousands of North Koreans fled to China during the famine of the 1990s.",
        "North Koreans who are caught in China are routinely sent back to North Korea.",
    ],
    ids=["since-tally", "this-year", "famine-background", "generic"],
)
def test_tallies_and_background_are_not_incidents(text: str) -> None:
    assert incidents(text) == []


def test_range_count_keeps_low_and_high() -> None:
    incident = only("Police detained 50 to 60 North Korean defectors in Shenyang on Monday.")
    assert incident.people.low == 50
    assert incident.people.high == 60
    assert incident.people.qualifier is Qualifier.AT_LEAST


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police said on Tuesday they had detained eight North Koreans.", "2021-06"),
        ("Eight North Koreans were arrested last week in Vientiane.", "2021-06"),
        ("Eight North Koreans were arrested in Vientiane.", None),
        ("Police arrested eight North Koreans in mid-March 2017 in Shenyang.", "2017-03"),
    ],
    ids=["said-on-weekday", "last-week", "undated", "mid-month"],
)
def test_apprehension_date_precision(text: str, expected: str | None) -> None:
    assert only(text).apprehended_date.to_edtf() == expected


def test_undated_publication_leaves_yearless_dates_unresolved() -> None:
    incident = only("On August 2, seven North Korean defectors were arrested.", FuzzyDate.unknown())
    assert incident.apprehended_date.to_edtf() is None
    assert incident.status_date.to_edtf() is None


def test_status_date_is_publication_date() -> None:
    assert only("Police arrested six North Koreans in Kunming.").status_date == PUBLISHED


@pytest.mark.parametrize(
    ("text", "kind", "count"),
    [
        ("Seven North Koreans, including an 11-month-old baby, were arrested.",
         VulnerabilityKind.INFANTS, 1),
        ("Five North Koreans, including a 14-year-old girl, were arrested.",
         VulnerabilityKind.CHILDREN, 1),
        ("Three teenage North Korean defectors were arrested in Laos.",
         VulnerabilityKind.CHILDREN, 3),
        ("Eight North Koreans, women aged 19 to 61, were arrested.", VulnerabilityKind.ELDERLY, 1),
        ("Five North Koreans, including a pregnant woman, were arrested.",
         VulnerabilityKind.PREGNANT, 1),
        ("Police arrested 12 North Korean women who had been sold to Chinese men.",
         VulnerabilityKind.TRAFFICKING_SURVIVORS, 12),
    ],
    ids=["infant", "child-age", "teenagers", "elderly-range", "pregnant", "trafficked"],
)  # fmt: skip
def test_vulnerable_members(text: str, kind: VulnerabilityKind, count: int) -> None:
    assert only(text).vulnerable_count(kind) == count


def test_captor_is_named_agency_only() -> None:
    named = only("Vietnamese police arrested nine North Koreans in Mong Cai on May 3.")
    unnamed = only("Nine North Koreans were arrested in Mong Cai on May 3.")
    assert named.apprehended_by == "Vietnamese police"
    assert unnamed.apprehended_by is None


def test_future_transfer_is_not_in_the_custody_chain() -> None:
    text = (
        "Thai police arrested 19 North Koreans in Chiang Rai on Friday. "
        "They will be sent to a holding centre in Bangkok."
    )
    assert only(text).custody_chain == ()


def test_evidence_is_an_exact_slice_of_the_text() -> None:
    text = (
        "Some context first.\nThai police on Saturday arrested\nseven North Koreans in Chiang Rai."
    )
    incident = only(text)
    assert text[incident.evidence.start : incident.evidence.end] == incident.evidence.quote
    assert incident.apprehended_date == FuzzyDate.from_date(dt.date(2021, 6, 12))


def test_quoted_witness_speaks_of_the_main_group_not_the_sub_group() -> None:
    text = (
        "Burmese authorities have sent 19 North Koreans into Thailand, where Thai police have "
        "re-arrested three of them. "
        "Three of them were arrested on Jan. 1 at a police roadblock in Payao. "
        '"They were released two days ago into Thailand," a resident said.'
    )
    by_size = {i.people.headline: i for i in incidents(text, FuzzyDate.day(2009, 1, 2))}
    assert by_size[19].status is Status.RELEASED
    assert by_size[3].status is Status.DETAINED


def test_weeks_after_the_arrest_gives_the_arrest_month() -> None:
    text = (
        "Burma sends 19 North Korean defectors into Thailand, four weeks after they were arrested."
    )
    assert only(text, FuzzyDate.day(2009, 1, 2)).apprehended_date.to_edtf() == "2008-12"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On Nov 22, 2006, police reported that a North Korean man had been detained in Mondulkiri "
         "in November 2006.", "2006-11"),
        ("SEOUL, June 3 (Yonhap) -- Eleven North Koreans were arrested in Shenyang in May.",
         "2021-05"),
    ],
    ids=["report-date", "dateline"],
)  # fmt: skip
def test_dates_of_the_report_are_not_arrest_dates(text: str, expected: str) -> None:
    assert only(text).apprehended_date.to_edtf() == expected


def test_members_in_the_group_are_not_a_new_group() -> None:
    text = (
        "Police stopped a group of 17 North Koreans at a checkpoint near Mengla on April 30. "
        "Three women in the group had been sold to Chinese farmers."
    )
    incident = only(text)
    assert incident.people.headline == 17
    assert incident.vulnerable_count(VulnerabilityKind.TRAFFICKING_SURVIVORS) == 3


def test_fate_unknown_is_status_unknown() -> None:
    text = "Five North Korean women were arrested in Shandong in early May. Their fate is unknown."
    assert only(text).status is Status.UNKNOWN


def test_police_who_report_their_own_arrest_are_the_captor() -> None:
    text = "Thai police said on Wednesday they had arrested 23 North Koreans in Chiang Saen."
    assert only(text).apprehended_by == "Thai police"


def test_destination_of_a_transfer_is_not_the_arrest_place() -> None:
    text = (
        "On Sept. 13, Chinese authorities arrested a group of five North Korean defectors. "
        "The group was detained and sent to a police station in the port city of Qingdao."
    )
    incident = only(text)
    assert incident.apprehended_place is None
    assert incident.last_known_place == "Qingdao"


def test_handover_to_north_korean_security_is_repatriation() -> None:
    text = (
        "A dozen North Koreans were caught by Chinese border guards near Changbai last month. "
        '"All 12 have already been handed over to the North Korean State Security Department," '
        "a source said."
    )
    incident = only(text)
    assert incident.status is Status.REPATRIATED
    assert incident.people.qualifier is Qualifier.EXACT  # "All 12" is more precise than "a dozen"


def test_ages_written_in_words() -> None:
    text = (
        "Police arrested a family of four North Koreans, including a two-year-old girl, in Yanji."
    )
    incident = only(text)
    assert incident.vulnerable_count(VulnerabilityKind.CHILDREN) == 1
    assert incident.vulnerable_count(VulnerabilityKind.INFANTS) == 0


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("Police in Kunming arrested a North Korean mother and her two children on Monday.", 3),
        ("A North Korean woman and her 5-year-old son were detained in Dandong on Monday.", 2),
        ("A North Korean couple was arrested in Yanji on Monday.", 2),
    ],
    ids=["mother-two-children", "mother-son", "couple"],
)
def test_families_without_a_head_count(text: str, size: int) -> None:
    assert only(text).people.headline == size


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Six North Korean defectors arrested in Dandong were sent home last week.",
         Status.REPATRIATED),
        ("Six North Korean defectors were arrested in Dandong. Their families lost contact with "
         "them on Monday.", Status.MISSING),
        ("Six North Korean defectors who turned themselves in to police in Vientiane are under "
         "arrest.", Status.DETAINED),
    ],
    ids=["sent-home", "lost-contact", "turned-themselves-in"],
)  # fmt: skip
def test_more_status_phrasings(text: str, status: Status) -> None:
    assert only(text).status is status


def test_lead_facts_about_an_uncounted_group_join_the_first_counted_group() -> None:
    text = (
        "A group of North Korean defectors arrested in Myanmar last year arrived in South Korea "
        "this week. The 19 defectors were apprehended in December by Myanmar authorities."
    )
    incident = only(text, FuzzyDate.day(2009, 2, 7))
    assert incident.status is Status.REACHED_SAFE_COUNTRY
    assert incident.apprehended_date.to_edtf() == "2008-12"


def test_quarterly_arrival_figures_are_not_a_group() -> None:
    text = "135 N. Korean defectors arrive in S. Korea during Q1, the ministry said."
    assert incidents(text) == []


def test_another_group_of_the_same_size_is_a_separate_incident() -> None:
    text = (
        "In March, two North Korean defectors were arrested in Yanji. "
        "In April, another two North Korean defectors were caught in Tumen."
    )
    found = incidents(text)
    assert [i.people.headline for i in found] == [2, 2]
    assert [i.apprehended_place for i in found] == ["Yanji", "Tumen"]
    assert [i.apprehended_date.to_edtf() for i in found] == ["2021-03", "2021-04"]


def test_handover_to_a_south_korean_embassy_is_a_release() -> None:
    text = (
        "Six North Korean defectors arrested in Laos were handed over to the South Korean "
        "embassy in Vientiane on Monday."
    )
    assert only(text).status is Status.RELEASED


def test_story_about_one_person_never_counted() -> None:
    text = (
        "The ex-logger, on the run from North Korean authorities, asked a missionary for help. "
        "Just before he was to meet UN officials on Thursday, a team of men grabbed him, "
        "rights activists in Moscow said."
    )
    incident = only(text)
    assert incident.people.headline == 1
    assert incident.apprehended_date == FuzzyDate.day(2021, 6, 17)
    assert incident.apprehended_place is None  # Moscow is where the activists spoke


def test_definite_singular_is_not_read_when_groups_are_counted() -> None:
    text = (
        "Police arrested seven North Korean defectors in Kunming on Tuesday. "
        "The defector who led them was released."
    )
    assert [i.people.headline for i in incidents(text)] == [7]


def test_headline_move_does_not_reorder_the_custody_chain() -> None:
    text = (
        "Family of six moved to border detention centre in Hunchun\n\n"
        "Six North Koreans arrested by police in Yanji on October 2 were handed over to border "
        "police in Longjing on October 5, relatives said. On October 20 the police took the family "
        "to a detention centre in Hunchun near the border."
    )
    chain = [s.place for s in only(text).custody_chain]
    assert chain == ["Longjing", "Hunchun"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a woman in her late sixties", id="late-sixties"),
        pytest.param("a man in his early 70s", id="early-70s"),
        pytest.param("a grandmother", id="grandmother"),
    ],
)
def test_elderly_with_decade_qualifiers(text: str) -> None:
    incident = only(f"Police in Dandong detained four North Koreans on Monday, including {text}.")
    assert incident.vulnerable_count(VulnerabilityKind.ELDERLY) == 1


@pytest.mark.parametrize(
    ("members", "kind", "count"),
    [
        pytest.param(
            "Among the group are two women who had been sold to Chinese men.",
            VulnerabilityKind.TRAFFICKING_SURVIVORS, 2, id="among-the-group",
        ),
        pytest.param(
            "The group includes a pregnant woman.", VulnerabilityKind.PREGNANT, 1, id="group-includes"
        ),
        pytest.param(
            "Among them are two sisters. Two other women were badly injured in a fall.",
            VulnerabilityKind.ILL_OR_INJURED, 1, id="listing-goes-on",
        ),
    ],
)  # fmt: skip
def test_members_described_after_the_group(
    members: str, kind: VulnerabilityKind, count: int
) -> None:
    text = f"Police in Shenyang detained seven North Koreans on Monday, a pastor said. {members}"
    assert only(text).vulnerable_count(kind) >= count


def test_background_about_trafficking_is_not_a_member() -> None:
    text = (
        "Police in Shenyang detained seven North Koreans on Monday, a pastor said.\n\n"
        "Many North Korean women in China are sold to Chinese men, rights groups say."
    )
    assert only(text).vulnerable_count(VulnerabilityKind.TRAFFICKING_SURVIVORS) == 0


def test_arrest_named_in_an_after_clause_dates_and_places_the_arrest() -> None:
    incident = only(
        "A North Korean man was sent back to North Korea last month after being detained by "
        "Russian migration officers in Khabarovsk in April."
    )
    assert incident.apprehended_date.to_edtf() == "2021-04"
    assert incident.apprehended_place == "Khabarovsk"
    assert incident.apprehended_by is not None and "migration officers" in incident.apprehended_by
    assert incident.status is Status.REPATRIATED


def test_nearest_count_says_how_many_were_trafficked() -> None:
    text = (
        "Seven North Korean women, three of whom had been sold to Chinese men, were arrested "
        "in Yanji on Monday."
    )
    assert only(text).vulnerable_count(VulnerabilityKind.TRAFFICKING_SURVIVORS) == 3


@pytest.mark.parametrize(
    ("delay", "expected"),
    [("four days later", "2021-06-12"), ("the next day", "2021-06-09"),
     ("a week later", "2021-06-15")],
    ids=["days-later", "next-day", "week-later"],
)  # fmt: skip
def test_handover_dated_by_a_delay_after_the_arrest(delay: str, expected: str) -> None:
    text = (
        "Vietnamese police caught 11 North Koreans in Lang Son province on June 8 and handed "
        f"them over to Chinese police at the Friendship Pass {delay}."
    )
    incident = only(text)
    assert incident.apprehended_date.to_edtf() == "2021-06-08"
    assert [step.date.to_edtf() for step in incident.custody_chain] == [expected]


def test_group_named_after_contact_was_lost_with_is_a_group() -> None:
    text = (
        "Contact was lost with three North Korean teenagers on June 10 after they were stopped "
        "by Lao police near Luang Namtha. Their whereabouts remain unknown."
    )
    incident = only(text)
    assert incident.people.headline == 3
    assert incident.status is Status.MISSING
    assert incident.apprehended_place == "Luang Namtha"


def test_the_couple_continues_the_story_of_a_couple() -> None:
    text = (
        "Mongolian border troops detained a North Korean couple on June 3. The couple were "
        "taken to a facility near Ulaanbaatar."
    )
    assert [step.place for step in only(text).custody_chain] == ["Ulaanbaatar"]


def test_rounded_dozens_are_about_counts() -> None:
    incident = only("Chinese authorities repatriated some two dozen North Koreans on June 2.")
    assert incident.people == Count.about(24)


def test_two_groups_in_two_clauses_keep_their_own_facts() -> None:
    text = (
        "Four North Korean women were seized at a safe house in Yanji on June 2, and a family of "
        "three, including a six-year-old boy, was caught at a checkpoint outside Dandong on the "
        "7th."
    )
    four, three = sorted(incidents(text), key=lambda i: -(i.people.headline or 0))
    assert (four.apprehended_place, four.apprehended_date.to_edtf()) == ("Yanji", "2021-06-02")
    assert (three.apprehended_place, three.apprehended_date.to_edtf()) == ("Dandong", "2021-06-07")
    assert four.vulnerable_count(VulnerabilityKind.CHILDREN) == 0
    assert three.vulnerable_count(VulnerabilityKind.CHILDREN) == 1


def test_a_relative_clause_about_the_past_does_not_make_a_dated_return_a_tally() -> None:
    text = (
        "China forcibly repatriated about 600 North Koreans on the night of June 9, most of whom "
        "had been held since the pandemic in detention centres in Jilin."
    )
    incident = only(text)
    assert incident.people == Count.about(600)
    assert incident.status is Status.REPATRIATED
    assert [step.date.to_edtf() for step in incident.custody_chain] == [None]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Eight North Koreans, one of them suffering from tuberculosis, were arrested in Yanji.",
      VulnerabilityKind.ILL_OR_INJURED),
     ("Eight North Koreans, among them a malnourished girl, were arrested in Yanji.",
      VulnerabilityKind.ILL_OR_INJURED)],
    ids=["tuberculosis", "malnourished"],
)  # fmt: skip
def test_illness_phrasings(text: str, kind: VulnerabilityKind) -> None:
    assert only(text).vulnerable_count(kind) == 1


def test_arrival_at_incheon_is_a_safe_arrival() -> None:
    text = (
        "Twenty-one North Korean defectors arrested in Nong Khai in April arrived at Incheon "
        "airport on Saturday, the ministry said."
    )
    assert only(text).status is Status.REACHED_SAFE_COUNTRY


def test_a_deportation_order_is_not_a_deportation() -> None:
    text = (
        "A court in Chiang Rai on Wednesday fined nine North Korean women for illegal entry and "
        "ordered them deported. They were arrested on June 2 in Chiang Khong district."
    )
    assert only(text).status is Status.DETAINED


def test_a_list_of_returns_sharing_one_verb_gives_one_group_each() -> None:
    text = (
        "Rights groups have verified the return of over 500 North Koreans on October 9, 2020, "
        "40 others on September 18, 2020, 80 on August 29, 2020, and about 50 in July 2019."
    )
    found = {i.people.headline: i for i in incidents(text)}
    assert sorted(found) == [40, 50, 80, 500]
    assert all(i.status is Status.REPATRIATED for i in found.values())


@pytest.mark.parametrize(
    "text",
    ["Re: Refoulement of North Korean Refugees",
     "Any repatriation of the five would violate the Convention against Torture.",
     "Activists protested against the forced return of the nine in Seoul on Monday."],
    ids=["practice-not-group", "modal-after", "protest-against"],
)  # fmt: skip
def test_removal_nouns_that_report_no_removal(text: str) -> None:
    assert all(i.status is not Status.REPATRIATED for i in incidents(text))


def test_a_removal_noun_reports_a_return() -> None:
    text = "A large-scale repatriation of more than 500 defectors was carried out on June 9."
    incident = only(text)
    assert incident.status is Status.REPATRIATED
    assert incident.people == Count.at_least(500)


def test_composition_statement_is_not_a_sub_group() -> None:
    text = (
        "Lao police arrested nine North Koreans on May 10. Officials said five of the nine were "
        "children."
    )
    incident = only(text)
    assert incident.people.headline == 9
    assert incident.vulnerable_count(VulnerabilityKind.CHILDREN) == 5


def test_a_dashed_breakdown_describes_the_group() -> None:
    text = (
        "Thai police arrested eight North Koreans on Saturday. The eight -- two men, five women "
        "and a girl -- were detained in Chiang Rai province."
    )
    incident = only(text)
    assert incident.people.headline == 8
    assert incident.vulnerable_count(VulnerabilityKind.CHILDREN) == 1


def test_a_month_of_last_year_dates_an_event_not_a_tally() -> None:
    text = (
        "The 19 defectors -- 15 women and four men -- were apprehended in December of last year "
        "by Myanmar authorities."
    )
    incident = only(text)
    assert incident.people.headline == 19
    assert incident.apprehended_date.to_edtf() == "2020-12"


def test_adjective_before_the_group_noun_still_refers_back() -> None:
    text = (
        "Laos handed nine defectors to North Korea. The young North Koreans were arrested by "
        "Laotian authorities May 10 in Oudomxay province."
    )
    incident = only(text)
    assert incident.apprehended_date.to_edtf() == "2021-05-10"
    assert incident.apprehended_by == "Laotian authorities"


def test_seeking_information_about_whereabouts_is_missing() -> None:
    text = (
        "Nine North Koreans were sent back to China on May 27 after being arrested in Laos. The "
        "UN agency was seeking information about their whereabouts."
    )
    assert only(text).status is Status.MISSING


def test_unclear_whether_about_an_attribute_is_not_an_unknown_fate() -> None:
    text = (
        "Police arrested five North Koreans in Qingdao on June 1. It is unclear whether the "
        "arrested North Koreans are a family."
    )
    assert only(text).status is Status.DETAINED


def test_a_hedged_part_of_a_tally_is_not_a_group() -> None:
    text = (
        "Rights groups said at least 51 North Koreans had been detained in China since July last "
        "year. They believe at least 13 of the North Koreans had already been forcibly returned."
    )
    assert incidents(text) == []


def test_helpers_named_by_an_anaphor_are_not_the_group() -> None:
    text = (
        "Chinese police detained 11 North Korean defectors and their two guides in Kunming on "
        "Friday. The sources also said two other defectors escaped arrest. The activists said "
        "the two detained guides are ethnic Korean Chinese citizens."
    )
    assert [i.people.headline for i in incidents(text)] == [11]


def test_arrested_alongside_others_is_one_group() -> None:
    text = (
        "Seven North Koreans have been arrested by Chinese authorities. The group said the two "
        "were arrested alongside five other defectors in a hideout outside Shenyang."
    )
    incident = only(text)
    assert incident.people.headline == 7
    assert incident.apprehended_place == "Shenyang"


@pytest.mark.parametrize(
    "text",
    ["A North Korean defector, who was just hours away from being repatriated, called his "
     "family in China.",
     "The seven North Korean defectors detained in Shenyang are to be repatriated next week."],
    ids=["hours-away-from", "are-to-be"],
)  # fmt: skip
def test_imminent_returns_are_not_returns(text: str) -> None:
    assert all(i.status is not Status.REPATRIATED for i in incidents(text))


def test_bare_plural_with_present_tense_is_generic() -> None:
    text = (
        "Police detained 11 North Koreans in Kunming on Friday. North Koreans forcibly returned "
        "to their country face severe punishment."
    )
    assert only(text).status is Status.DETAINED


def test_a_date_inside_the_reported_clause_dates_the_arrest() -> None:
    text = "Police said that on Tuesday they arrested 175 North Koreans hiding in a Bangkok house."
    assert only(text).apprehended_date.to_edtf() == "2021-06-15"


def test_said_on_a_weekday_still_dates_the_statement() -> None:
    text = "Thai police said on Tuesday they had detained 169 North Koreans in Bangkok."
    assert only(text).apprehended_date.to_edtf() == "2021-06"


def test_lost_contact_dates_an_undated_arrest() -> None:
    text = (
        "Ten North Koreans, seven women and three men, were caught in Shenyang, a relative said. "
        "Their families lost contact with them on Saturday."
    )
    assert only(text).apprehended_date.to_edtf() == "2021-06-12"


def test_a_caption_denouncing_a_policy_reports_no_return() -> None:
    text = (
        "Seven Detained North Korean Defectors in China Face Repatriation\n\n"
        "Protesters hold placards denouncing China's policy of repatriating refugees.\n\n"
        "Seven North Korean defectors were arrested by Chinese police in Shenyang last week."
    )
    assert only(text).status is Status.DETAINED


def test_the_state_named_as_subject_is_the_detaining_country() -> None:
    text = (
        "Vietnam has deported three North Korean refugees, sending them via China. Their "
        "families in Seoul fear for them."
    )
    assert only(text).apprehended_country == "VN"


def test_a_named_person_in_apposition_is_a_group_of_one() -> None:
    text = (
        "Activists called on Moscow to protect Choe Kum Chol, an elite North Korean programmer "
        "stationed in Vladivostok. Russian police arrested him in May 2021 and handed him over "
        "to the North Korean consulate in Vladivostok."
    )
    incident = only(text)
    assert incident.people.headline == 1
    assert incident.apprehended_date.to_edtf() == "2021-05"
    assert incident.apprehended_by == "Russian police"


@pytest.mark.parametrize(
    ("text", "places"),
    [("Between 12 and 16 North Koreans were apprehended in Qingdao and three others in Yunnan "
      "Province earlier this month.", {12: "Qingdao", 3: "Yunnan Province"}),
     ("Three defectors were captured in Changchun on June 12, and another five in Shenyang on "
      "the same day.", {3: "Changchun", 5: "Shenyang"})],
    ids=["and-others", "and-another"],
)  # fmt: skip
def test_elliptical_groups_share_the_verb(text: str, places: dict[int, str]) -> None:
    found = {i.people.headline: i.apprehended_place for i in incidents(text)}
    assert found == places


@pytest.mark.parametrize(
    ("text", "kind", "count"),
    [("Nine North Koreans, aged between 14 to 18 years, were arrested in Laos.",
      VulnerabilityKind.CHILDREN, 1),
     ("Ten North Koreans were arrested in Shenyang; the group included a person over 60.",
      VulnerabilityKind.ELDERLY, 1),
     ("Nineteen North Koreans, including children and elderly women, were arrested in "
      "Tachileik.", VulnerabilityKind.ELDERLY, 2)],
    ids=["between-ages", "person-over-60", "plural-elderly"],
)  # fmt: skip
def test_more_member_phrasings(text: str, kind: VulnerabilityKind, count: int) -> None:
    assert only(text).vulnerable_count(kind) == count


def test_children_of_a_larger_total_are_not_a_small_groups_children() -> None:
    text = (
        "Three defectors were captured in Changchun on June 12. Six of the 22 are children of "
        "16 or less."
    )
    assert only(text).vulnerable_count(VulnerabilityKind.CHILDREN) == 0


def test_a_named_agency_outranks_a_bare_one() -> None:
    text = (
        "Thai police have arrested 15 North Koreans for illegal entry. Police found the North "
        "Koreans in a bus in Chiang Rai."
    )
    assert only(text).apprehended_by == "Thai police"


@pytest.mark.parametrize(
    ("text", "size"),
    [("An un-identified North Korean man was arrested in Mondolkiri province on June 2.", 1),
     ("A suspected North Korean army deserter has been detained in Helong on June 2.", 1),
     ("One North Korean man in his 30s and two women in their 20s were captured in Ha Tinh on "
      "Monday.", 3)],
    ids=["adjective-singular", "deserter", "composition-with-ages"],
)  # fmt: skip
def test_more_group_phrasings(text: str, size: int) -> None:
    assert only(text).people.headline == size


def test_a_south_korean_helper_is_not_a_group() -> None:
    text = (
        "Police detained 20 North Korean defectors in Yantai on June 2. Chinese guides and a "
        "North Korean defector with South Korean citizenship were also apprehended."
    )
    assert [i.people.headline for i in incidents(text)] == [20]


@pytest.mark.parametrize(
    "text",
    ["Deported North Koreans risk facing detention in labour camps.",
     "Escapees say those repatriated face incarceration in camps."],
    ids=["participle-subject", "those-repatriated"],
)  # fmt: skip
def test_statements_about_everyone_are_generic(text: str) -> None:
    story = f"China is holding 15 North Koreans in Tumen, a rights group said on Monday. {text}"
    assert only(story).status is Status.DETAINED


@pytest.mark.parametrize(
    ("text", "status"),
    [("Twenty-five North Koreans are now in the Philippines awaiting a flight to Seoul after "
      "being detained in Beijing.", Status.REACHED_SAFE_COUNTRY),
     ("Nine North Koreans were arrested in Shenyang on June 2. There has been no official news "
      "of their whereabouts.", Status.MISSING)],
    ids=["awaiting-flight", "no-news-of-whereabouts"],
)  # fmt: skip
def test_status_phrasings_seen_in_new_reports(text: str, status: Status) -> None:
    assert only(text).status is status


def test_ill_treatment_is_not_illness() -> None:
    text = (
        "Police detained 29 North Koreans in Yunnan on June 2; they face torture and ill-treatment."
    )
    assert only(text).vulnerable_count(VulnerabilityKind.ILL_OR_INJURED) == 0


def test_an_adult_son_is_not_a_child() -> None:
    text = "A mother, her 22-year-old son and three other North Koreans were detained on June 2."
    assert only(text).vulnerable_count(VulnerabilityKind.CHILDREN) == 0


def test_a_reported_date_before_a_that_clause_gives_the_month() -> None:
    text = (
        "It was reported June 16 that Russian immigration authorities arrested 45 North Korean "
        "laborers in Kamchatka."
    )
    assert only(text).apprehended_date.to_edtf() == "2021-06"


def test_families_are_not_counted_as_people() -> None:
    text = (
        "Four North Korean families were detained by Chinese authorities in Yunnan on June 2. "
        "The group of around 29 people includes a one-year-old baby."
    )
    assert all(i.people.headline != 4 for i in incidents(text))


def test_fate_of_everyone_returned_is_not_this_groups_fate() -> None:
    text = (
        "China must protect 15 North Koreans held in Tumen, HRW said, a view shared by escapees "
        "who maintain that those repatriated face incarceration in camps."
    )
    assert only(text).status is Status.DETAINED


def test_a_removal_noun_with_an_aside() -> None:
    text = (
        "This follows another group repatriation, thought to have occurred at the end of May, of "
        "11 North Koreans caught in Yanji."
    )
    assert only(text).status is Status.REPATRIATED


def test_a_group_held_since_last_week_is_not_a_tally() -> None:
    text = (
        "Police in Luang Prabang had released 10 North Korean asylum seekers and their two South "
        "Korean escorts detained since last week."
    )
    incident = only(text)
    assert incident.people.headline == 10
    assert incident.status is Status.RELEASED


def test_held_since_a_month_is_how_long_one_group_is_held() -> None:
    text = (
        "Eight North Koreans who have been detained since March after being stopped on a highway "
        "near Shenyang face return, HRW said."
    )
    assert only(text).people.headline == 8


def test_south_korean_aid_workers_own_no_event() -> None:
    text = (
        "A watchdog expressed concern over 10 North Koreans and two Christian South Korean aid "
        "workers who were detained in Laos on June 2."
    )
    incident = only(text)
    assert incident.people.headline == 10
    assert incident.apprehended_date.to_edtf() == "2021-06-02"


def test_an_aside_does_not_end_a_conditional() -> None:
    text = (
        "Nine North Korean refugees are in Chinese custody in Tumen. We fear that if the group, "
        "which includes an 11-month-old baby, is returned to North Korea, they will face abuse."
    )
    assert only(text).status is Status.DETAINED


def test_the_relative_of_a_detainee_is_not_a_group() -> None:
    text = (
        "The mother of a detained North Korean defector attends a protest in Seoul on June 2. "
        "Seven North Koreans were detained in Liaoning last month."
    )
    assert [i.people.headline for i in incidents(text)] == [7]


@pytest.mark.parametrize(
    ("text", "size"),
    [("Thai authorities were moving him and 15 other North Koreans from a Bangkok detention "
      "center on June 2.", 16),
     ("Police raided two North Korean refugee safe houses near Beijing on June 2 and arrested "
      "65 people.", 65)],
    ids=["him-and-others", "refugee-as-modifier"],
)  # fmt: skip
def test_sizes_from_new_reports(text: str, size: int) -> None:
    assert [i.people.headline for i in incidents(text)] == [size]


def test_a_detention_centres_population_is_not_a_group() -> None:
    text = "Some 314 female defectors are being imprisoned at the women's centre in Bangkok."
    assert incidents(text) == []


def test_a_country_name_as_agency_modifier_gives_the_country() -> None:
    text = "Last November, 3 youth defectors were caught by Laos authorities at the Chinese border."
    assert only(text).apprehended_country == "LA"


def test_a_removal_noun_with_places_before_its_object() -> None:
    text = (
        "The high-profile repatriation from Laos to North Korea on May 27 of seven teenage "
        "defectors drew protests."
    )
    incident = only(text)
    assert incident.people.headline == 7
    assert incident.status is Status.REPATRIATED


def test_the_suspect_continues_a_one_person_story() -> None:
    text = (
        "A North Korean soldier, 26, who is believed to be a deserter, killed four villagers in "
        "Helong. The suspect was shot by Chinese police before being arrested on June 2."
    )
    incident = only(text)
    assert incident.people.headline == 1
    assert incident.apprehended_date.to_edtf() == "2021-06-02"


@pytest.mark.parametrize(
    ("text", "size"),
    [("On June 2, Ms. Kim was arrested in Dehui alongside two other DPRK nationals and their "
      "Chinese driver.", 3),
     ("Six armed North Korean soldiers crossed into Changbai. Chinese police reportedly arrested "
      "two after a gunfight on June 2.", 2),
     ("South Korea on June 4 moved 18 other defectors from a safe house in Vientiane to the "
      "embassy compound.", 18)],
    ids=["named-alongside-others", "bare-object-count", "moved-count-from"],
)  # fmt: skip
def test_counts_in_object_position(text: str, size: int) -> None:
    assert size in [i.people.headline for i in incidents(text)]


@pytest.mark.parametrize(
    "text",
    ["Thae Yong-Ho, a former North Korean diplomat, translates for the family of a girl who was "
     "detained in China.",
     "Chinese guides assisting the group and a North Korean defector with South\nKorean "
     "citizenship were also apprehended."],
    ids=["named-official", "south-korean-citizen-wrapped"],
)  # fmt: skip
def test_people_who_are_not_a_group_at_risk(text: str) -> None:
    assert all(i.people.headline != 1 for i in incidents(text))


def test_helpers_verb_is_shared_with_the_north_koreans_named_with_them() -> None:
    text = (
        "Among those helping them was a North Korean who has resettled in South Korea and holds "
        "a South Korean passport. Police in Yantai detained nine North Koreans on June 2."
    )
    incident = only(text)
    assert incident.people.headline == 9
    assert incident.status is Status.DETAINED


def test_a_later_group_equal_to_two_earlier_ones_is_its_own_group() -> None:
    text = (
        "Three defectors were arrested in China on May 29. Four defectors were arrested in "
        "Nanning on May 21. Seven defectors, including a nine-year-old, were arrested by Chinese "
        "authorities in Shenyang in April."
    )
    assert sorted(i.people.headline or 0 for i in incidents(text)) == [3, 4, 7]


def test_a_total_told_before_its_parts_is_still_split() -> None:
    text = (
        "Thai marines arrested 12 North Koreans on June 2. A group of seven North Koreans was "
        "caught at Ban Huay Kiang. The patrol then arrested a second group of five North "
        "Koreans on the river bank."
    )
    assert sorted(i.people.headline or 0 for i in incidents(text)) == [5, 7]


def test_more_in_another_place_shares_the_verb() -> None:
    text = (
        "An additional two defectors were arrested in Shenyang on June 2 along with two more in "
        "Tonghua, Jilin Province."
    )
    places = sorted(i.apprehended_place or "" for i in incidents(text))
    assert places == ["Shenyang", "Tonghua"]


def test_gendered_halves_make_one_group() -> None:
    text = (
        "Two male defectors and two female defectors were arrested in Shenyang on May 25 as they "
        "waited for their guide."
    )
    assert only(text).people.headline == 4


def test_another_n_with_a_passive_verb_is_a_group() -> None:
    text = (
        "Police said 37 North Koreans were rounded up at Kuala Tatau on June 7, while another 16 "
        "were detained by the authorities in Lawas on June 13."
    )
    assert sorted(i.people.headline or 0 for i in incidents(text)) == [16, 37]


def test_a_day_named_without_a_year_is_still_a_day() -> None:
    text = "On October 9, China forcibly repatriated about 600 North Korean defectors from prisons."
    incident = only(text, FuzzyDate.unknown())
    assert incident.people == Count.about(600)
    assert incident.status is Status.REPATRIATED


@pytest.mark.parametrize(
    ("text", "size"),
    [("Chinese police had apprehended her sister and two other North Koreans in Shenyang on "
      "June 2.", 3),
     ("Chinese police had intercepted Kim Cheol Ok and two other North Koreans near Baishan "
      "on June 2.", 3)],
    ids=["kin-and-others", "named-and-others"],
)  # fmt: skip
def test_one_named_plus_others(text: str, size: int) -> None:
    assert only(text).people.headline == size


def test_people_assisting_them_are_helpers() -> None:
    text = (
        "A group of 20 North Korean defectors and six people assisting them were arrested in "
        "China last week. The six people assisting them were local Chinese guides and a North "
        "Korean defector who has already resettled in South Korea."
    )
    assert [i.people.headline for i in incidents(text)] == [20]


def test_a_semicolon_list_of_members_is_one_group() -> None:
    text = (
        "Police in Shenyang detained six North Korean refugees on June 2. The six refugees "
        "include two orphan boys, ages 16 and 17; a 22-year-old woman; and three women in "
        "their 40s."
    )
    assert [i.people.headline for i in incidents(text)] == [6]


def test_a_small_group_earlier_this_year_is_not_a_tally() -> None:
    text = "Earlier this year, three North Korean defectors were arrested in Yunnan."
    assert only(text).people.headline == 3


def test_a_labour_protest_is_not_a_hedge() -> None:
    text = (
        "In January, following another labor protest in Helong, 108 repatriated North Korean "
        "workers were reportedly sent to political prison camps."
    )
    assert only(text).status is Status.REPATRIATED


def test_counted_people_who_were_repatriated_are_a_fact() -> None:
    text = (
        "Of the North Koreans held in Yantai, the thirty people who were repatriated on June 2 "
        "included an old woman, Kim Un Kum (73)."
    )
    assert only(text).status is Status.REPATRIATED


def test_others_with_their_own_date_are_a_separate_item() -> None:
    text = (
        "Human Rights Watch confirmed that on 29 August 2020, 80 North Koreans were forcibly "
        "repatriated, along with 40 others on 18 September."
    )
    assert sorted(i.people.headline or 0 for i in incidents(text)) == [40, 80]


def test_an_estimate_of_one_days_return_is_a_group() -> None:
    text = (
        "On 9 October, rights groups estimate Chinese authorities forcibly repatriated more than "
        "500 North Koreans, most of whom were women."
    )
    incident = only(text)
    assert incident.people == Count.at_least(500)
    assert incident.status is Status.REPATRIATED


def test_a_list_item_with_its_own_noun_shares_the_verb() -> None:
    text = (
        "On 29 August 2020, 80 North Koreans were forcibly repatriated, along with 40 others on "
        "18 September, and nearly 50 North Koreans in July 2019."
    )
    assert sorted(i.people.headline or 0 for i in incidents(text)) == [40, 50, 80]


def test_a_sentence_opening_count_with_a_state_verb_is_a_group() -> None:
    text = "Sixty North Korean refugees were arrested in Yantai in January. Eight are missing."
    assert 8 in [i.people.headline for i in incidents(text)]


def test_members_papers_do_not_make_the_groups_nationality() -> None:
    text = (
        "North Korean defectors were caught near Tumen, sources said. The Chinese authorities "
        "last week arrested 35 people, including two South Korean citizens, for illegal border "
        "crossing."
    )
    incident = only(text)
    assert incident.nationality == "KP"


def test_a_story_about_one_south_korean_citizen_keeps_its_subject() -> None:
    text = (
        "A North Korean defector with South Korean citizenship identified only as Kim has been "
        "arrested in Yanji for helping an activist, officials said on June 2."
    )
    assert only(text).nationality == "KR"
