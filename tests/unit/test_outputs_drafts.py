"""Advocacy drafts: facts and citations in each kind, consent, public-only sources, review state."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from refugewatch.cases import build_cases
from refugewatch.errors import ConsentRequiredError, DraftingError
from refugewatch.model.cases import Case, Disclosure
from refugewatch.model.claims import (
    Claim,
    ClaimKind,
    ReviewState,
    claims_from_extraction,
    incident_key,
)
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.documents import Document, Sensitivity, SourceType
from refugewatch.model.extraction import (
    CustodyStep,
    Extraction,
    Incident,
    Span,
    Status,
    VulnerabilityKind,
)
from refugewatch.outputs import Draft, DraftKind, DraftOptions, draft
from refugewatch.security.redact import Audience

PUBLIC_SHA = "a1" * 32
CONFIDENTIAL_SHA = "c2" * 32
NEWS_TITLE = "Nine North Koreans held after crossing from Viet Nam"

NINE = Incident(
    people=Count.exact(9),
    evidence=Span(0, 30, "nine North Koreans were detained"),
    apprehended_date=FuzzyDate.day(2015, 10, 22),
    apprehended_place="Mong Cai",
    apprehended_country="VN",
    apprehended_by="Vietnamese border guards",
    custody_chain=(
        CustodyStep(FuzzyDate.day(2015, 10, 24), "Dongxing", "CN", "Chinese police"),
        CustodyStep(FuzzyDate.day(2015, 11, 16), "Shenyang", "CN", None),
        CustodyStep(FuzzyDate.unknown(), "Tumen", "CN", "a military garrison"),
    ),
    status=Status.DETAINED,
    status_date=FuzzyDate.day(2015, 11, 21),
    last_known_place="Tumen",
    vulnerable=((VulnerabilityKind.INFANTS, 1), (VulnerabilityKind.CHILDREN, 3)),
)


def document(sha: str, sensitivity: Sensitivity, **kw: object) -> Document:
    base = Document(
        sha256=sha,
        filename=f"{sha[:6]}.txt",
        media_type="text/plain",
        original=b"",
        clean_text="",
        cleaner_version="v1",
        sensitivity=sensitivity,
        published=FuzzyDate.day(2015, 11, 21),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Linked:
    case: Case
    claims: list[Claim]
    documents: dict[str, Document]

    def draft(self, kind: DraftKind, **options: object) -> Draft:
        options.setdefault("dated", dt.date(2015, 11, 24))
        opts = DraftOptions(**options)  # type: ignore[arg-type]
        return draft(kind, self.case, self.claims, self.documents, opts)


def linked(
    disclosure: Disclosure = Disclosure.PUBLIC,
    confidential: Incident | None = None,
    public: Incident = NINE,
) -> Linked:
    """The nine, reported by one public news story (and optionally one confidential call)."""
    claims = claims_from_extraction(Extraction(incidents=(public,)), PUBLIC_SHA, "v1")
    documents = {
        PUBLIC_SHA: document(
            PUBLIC_SHA,
            Sensitivity.PUBLIC,
            title=NEWS_TITLE,
            outlet="Example Daily",
            url="https://news.example.org/nine",
            source_type=SourceType.NEWS,
        )
    }
    keys = [incident_key(PUBLIC_SHA, 0)]
    if confidential is not None:
        claims += claims_from_extraction(
            Extraction(incidents=(confidential,)),
            CONFIDENTIAL_SHA,
            "v1",
            sensitivity=Sensitivity.CONFIDENTIAL,
        )
        documents[CONFIDENTIAL_SHA] = document(
            CONFIDENTIAL_SHA,
            Sensitivity.CONFIDENTIAL,
            title="Call from a relative",
            source_type=SourceType.CONTACT_REPORT,
            reliability="C3",
        )
        keys.append(incident_key(CONFIDENTIAL_SHA, 0))
    (case,) = build_cases([keys], claims)
    return Linked(replace(case, disclosure=disclosure), claims, documents)


def html_text(draft: Draft) -> str:
    body = lxml_html.document_fromstring(draft.html).body
    return " ".join(body.text_content().split())


def md_text(draft: Draft) -> str:
    return " ".join(draft.markdown.replace("\\", "").split())


# -- facts and citations in every kind ----------------------------------------------------------

FACTS = [
    "9 North Koreans",
    "infant",  # open audiences: "one or more infants (exact number withheld)", a count below 3
    "three children",
    "Mong Cai (Viet Nam) on 22 October 2015",
    "Dongxing on 24 October 2015",
    "Shenyang on 16 November 2015",
    "last known at Tumen",
    "in detention",
]
ASKS = ["forcibly returning", "Disclose where the group is held", "UNHCR", "third country"]
CITATIONS = [
    "1951",
    "1967 Protocol",
    "art",
    "33",
    "Convention against Torture",
    "3",
    "customary non-refoulement",
]
STATES = ["China", "Viet Nam"]


@pytest.mark.parametrize("kind", list(DraftKind), ids=str)
@pytest.mark.parametrize("render", [md_text, html_text], ids=["markdown", "html"])
def test_each_draft_states_facts_asks_grounds_and_sources(kind: DraftKind, render: object) -> None:
    result = linked().draft(kind)
    text = render(result)  # type: ignore[operator]
    for expected in FACTS + ASKS + CITATIONS + STATES:
        assert expected in text, f"{kind}: {expected!r} missing"
    assert "Example Daily" in text and "2015-11-21" in text
    assert "https://news.example.org/nine" in text
    assert result.sources and "Example Daily" in result.sources[0]


def test_the_letter_goes_to_the_detaining_state_with_copies_to_verify() -> None:
    letter = linked().draft(DraftKind.LETTER)
    text = md_text(letter)
    assert letter.audience is Audience.DETAINING_STATE
    assert "President of the People's Republic of China" in text
    assert "Minister of Public Security" in text and "Minister of Foreign Affairs" in text
    assert text.count("verify before sending") == 3
    assert len(letter.addressees) == 3


def test_each_state_on_the_chain_and_its_obligations_are_named() -> None:
    text = html_text(linked().draft(DraftKind.LETTER))
    viet_nam = re.search(r"Viet Nam \(state of apprehension\): (.*?)\.", text)
    assert viet_nam is not None
    assert "not party to the 1951 Refugee Convention" in viet_nam.group(1)
    assert "Convention against Torture (since 5 February 2015)" in viet_nam.group(1)
    assert "still bound not to return the group" in viet_nam.group(1)
    china = re.search(r"China \(held the group in custody\): (.*?)\.", text)
    assert china is not None and "1951 Convention" in china.group(1)


def test_the_un_appeal_has_the_fields_special_procedures_ask_for() -> None:
    appeal = linked(Disclosure.UN_ONLY).draft(
        DraftKind.UN_APPEAL,
        submitter="Example NGO, desk@ngo.example",
        steps_taken=("Letter to the Chinese embassy, 2015-11-23; no reply",),
        risk_reasons=("inside the ~60-day window in which most returns happen",),
    )
    text = md_text(appeal)
    for heading in ["Alleged victims (who)", "Date and place (when, where)", "(by whom)", "Risk",
                    "Steps taken at the national level", "Consent", "Action requested"]:  # fmt: skip
        assert heading in text
    assert "Example NGO" in text and "Letter to the Chinese embassy" in text
    assert "60-day window" in text
    assert "to the United Nations only" in text
    assert "Case reference: Group of 9, Mong Cai, Oct 2015" in text
    assert "Vietnamese border guards" in text and "Chinese police" in text
    # Small counts are withheld from open audiences only; the UN sees the reported number.
    assert "among them three children and one infant" in text


def test_open_drafts_withhold_small_counts() -> None:
    text = md_text(linked().draft(DraftKind.LETTER))
    assert "three children and one or more infants (exact number withheld)" in text


def test_the_press_summary_is_short() -> None:
    press = linked().draft(DraftKind.PRESS_SUMMARY)
    assert press.audience is Audience.PUBLIC
    assert len(html_text(press).split()) < len(html_text(linked().draft(DraftKind.LETTER)).split())


def test_dates_are_never_more_precise_than_reported() -> None:
    month = replace(NINE, apprehended_date=FuzzyDate.month(2017, 3))
    text = md_text(linked(public=month).draft(DraftKind.LETTER))
    assert "in March 2017" in text
    assert not re.search(r"\d+ March 2017", text)


# -- review state -------------------------------------------------------------------------------


def test_unreviewed_cases_are_drafted_from_proposed_claims_under_a_banner() -> None:
    result = linked().draft(DraftKind.LETTER)
    assert result.unreviewed
    assert result.markdown.lstrip().startswith("> **UNREVIEWED DRAFT.**")
    assert html_text(result).startswith("UNREVIEWED DRAFT.")


def test_reviewed_cases_use_accepted_claims_only() -> None:
    base = linked()
    reviewed = [
        c
        if c.kind is ClaimKind.TRANSFER and c.effective_values.get("place") == "Shenyang"
        else replace(c, review=ReviewState.ACCEPTED)
        for c in base.claims
    ]
    result = replace(base, claims=reviewed).draft(DraftKind.LETTER)
    assert not result.unreviewed
    assert "UNREVIEWED" not in result.markdown
    assert "Shenyang" not in result.markdown and "Dongxing" in result.markdown
    proposed_ids = {c.id for c in reviewed if c.review is ReviewState.PROPOSED}
    assert not proposed_ids & set(result.claim_ids)


def test_rejected_claims_are_never_used() -> None:
    base = linked()
    claims = [
        replace(c, review=ReviewState.REJECTED) if c.kind is ClaimKind.VULNERABILITY else c
        for c in base.claims
    ]
    text = md_text(replace(base, claims=claims).draft(DraftKind.PRESS_SUMMARY))
    assert "infant" not in text and "children" not in text


# -- consent and audiences ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "disclosure"),
    [
        (DraftKind.UN_APPEAL, Disclosure.NONE),
        (DraftKind.LETTER, Disclosure.NONE),
        (DraftKind.LETTER, Disclosure.UN_ONLY),
        (DraftKind.PRESS_SUMMARY, Disclosure.PARTNERS),
    ],
    ids=["un-without-consent", "letter-without-consent", "letter-un-only", "press-partners-only"],
)
def test_drafts_refuse_without_consent(kind: DraftKind, disclosure: Disclosure) -> None:
    with pytest.raises(ConsentRequiredError, match="consent"):
        linked(disclosure).draft(kind)


@pytest.mark.parametrize(
    "disclosure", [Disclosure.UN_ONLY, Disclosure.PARTNERS, Disclosure.PUBLIC], ids=str
)
def test_the_un_appeal_is_allowed_with_consent(disclosure: Disclosure) -> None:
    assert linked(disclosure).draft(DraftKind.UN_APPEAL).audience is Audience.UN


def test_a_case_known_only_from_confidential_sources_gives_no_public_draft() -> None:
    only_confidential = linked(confidential=NINE)
    claims = [c for c in only_confidential.claims if c.document_sha256 == CONFIDENTIAL_SHA]
    with pytest.raises(DraftingError, match="nothing to draft from"):
        replace(only_confidential, claims=claims).draft(DraftKind.LETTER)


MARKER = st.from_regex(r"Xq[a-z]{6,12}", fullmatch=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=MARKER, custodian=MARKER)
def test_confidential_claims_never_reach_the_letter_or_press(place: str, custodian: str) -> None:
    secret = replace(
        NINE,
        people=Count.exact(11),
        custody_chain=(CustodyStep(FuzzyDate.day(2015, 11, 20), place, "CN", custodian),),
        last_known_place=place,
        status_date=FuzzyDate.day(2015, 11, 23),
        vulnerable=((VulnerabilityKind.PREGNANT, 4),),
    )
    case = linked(confidential=secret)
    for kind in (DraftKind.LETTER, DraftKind.PRESS_SUMMARY):
        result = case.draft(kind)
        for text in (result.markdown, result.html, " ".join(result.sources)):
            assert place not in text and custodian not in text
            assert "pregnant" not in text and "11 North Koreans" not in text
            assert "confidential" not in text.lower() and "Call from a relative" not in text
    # The UN may see it (with consent): the markers do reach that draft, so the check above bites.
    appeal = case.draft(DraftKind.UN_APPEAL)
    assert place in appeal.markdown and custodian in appeal.markdown
    assert "A confidential source (contact report, reliability C3)" in appeal.markdown
    assert "Call from a relative" not in appeal.markdown


def test_open_drafts_carry_no_label_notes_or_titles() -> None:
    base = linked()
    case = replace(base.case, label="Kim family of Hoeryong", consent_note="call Mrs Park at home")
    result = replace(base, case=case)
    for kind in (DraftKind.LETTER, DraftKind.PRESS_SUMMARY):
        text = result.draft(kind).markdown
        assert "Kim family" not in text and "Mrs Park" not in text and NEWS_TITLE not in text
    appeal = result.draft(DraftKind.UN_APPEAL).markdown
    assert "Mrs Park" not in appeal


# -- escaping -----------------------------------------------------------------------------------


def test_values_from_reports_cannot_become_markup() -> None:
    hostile = replace(NINE, last_known_place="<script>alert(1)</script> [x](http://evil)")
    result = linked(public=hostile).draft(DraftKind.PRESS_SUMMARY)
    assert "<script>" not in result.html and "&lt;script&gt;" in result.html
    assert "[x](http://evil)" not in result.markdown and r"\[x\](http://evil)" in result.markdown
    assert "<script>" not in result.markdown
