"""The interchange JSON: the corpus schema plus evidence offsets, confidence and rule."""

from __future__ import annotations

import json

import pytest

from refugewatch.extract.interchange import to_interchange
from refugewatch.extract.pipeline import extract
from refugewatch.model.counts import Count
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import (
    CustodyStep,
    Extraction,
    Incident,
    Span,
    Status,
    VulnerabilityKind,
)

PUBLISHED = FuzzyDate.day(2015, 11, 21)


def sample_incident() -> Incident:
    return Incident(
        people=Count.exact(9),
        evidence=Span(0, 10, "Nine held."),
        apprehended_date=FuzzyDate.day(2015, 10, 22),
        apprehended_place="Mong Cai",
        apprehended_country="VN",
        apprehended_by="Vietnamese police",
        custody_chain=(
            CustodyStep(FuzzyDate.day(2015, 10, 24), "Dongxing", "CN", "Chinese police"),
        ),
        status=Status.DETAINED,
        status_date=PUBLISHED,
        last_known_place="Dongxing",
        vulnerable=((VulnerabilityKind.INFANTS, 1),),
        rule="incident.count_event_sentence",
    )


def test_schema_fields_and_extras() -> None:
    extraction = Extraction(incidents=(sample_incident(),))
    out = to_interchange("a.txt", PUBLISHED, "en", extraction, case_ids=["case-1"])
    assert out["doc"] == "a.txt" and out["published"] == "2015-11-21"
    incident = out["incidents"][0]  # type: ignore[index]
    assert incident["people"] == 9 and incident["people_qualifier"] == "exact"
    assert incident["apprehended_date"] == "2015-10-22"
    assert incident["custody_chain"] == [
        {"date": "2015-10-24", "place": "Dongxing", "country": "CN", "custodian": "Chinese police"}
    ]
    assert incident["vulnerable"] == {"infants": 1}
    assert (incident["evidence_start"], incident["evidence_end"]) == (0, 10)
    assert incident["case_id"] == "case-1"
    assert "subset_of" not in incident
    json.dumps(out)  # serialisable as is


@pytest.mark.parametrize(
    ("count", "people", "qualifier"),
    [(Count.at_least(200), 200, "at_least"), (Count.between(50, 60), 50, "at_least"),
     (Count.about(30), 30, "about"), (Count.unknown(), None, "unknown")],
    ids=["at-least", "range-low-end", "about", "unknown"],
)  # fmt: skip
def test_people_headline_and_qualifier(count: Count, people: int | None, qualifier: str) -> None:
    extraction = Extraction(incidents=(Incident(people=count, evidence=Span(0, 1, "x")),))
    incident = to_interchange("a.txt", PUBLISHED, "en", extraction)["incidents"][0]  # type: ignore[index]
    assert incident["people"] == people and incident["people_qualifier"] == qualifier


def test_case_ids_must_match_incidents() -> None:
    extraction = Extraction(incidents=(sample_incident(),))
    with pytest.raises(ValueError, match="one entry per incident"):
        to_interchange("a.txt", PUBLISHED, "en", extraction, case_ids=[])


def test_round_trip_from_extract_keeps_quotes_verbatim() -> None:
    text = "Thai police on Saturday arrested seven North Korean defectors in Chiang Rai."
    out = to_interchange("b.txt", PUBLISHED, "en", extract(text, PUBLISHED))
    for incident in out["incidents"]:  # type: ignore[attr-defined]
        start, end = incident["evidence_start"], incident["evidence_end"]
        assert text[start:end] == incident["evidence"]
