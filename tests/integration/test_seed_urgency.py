"""The issue's seed test: the real seed reports, ingested and linked through the services, rank
as the two reference scenarios of docs/urgency.md, each with its reasons; then every draft kind
is rendered for the linked seed case. Runs on SQLite and PostgreSQL.

Cases are found by the documents they hold (sha256 of the seed files), never by label or id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from refugewatch.config import Settings
from refugewatch.model.cases import Disclosure
from refugewatch.outputs import DraftKind
from refugewatch.risk import Assessment, Level, ReasonCode
from refugewatch.services.advocacy import OutputFormat, draft_for_case
from refugewatch.services.cases import rebuild_cases
from refugewatch.services.ingest import Outcome, ingest_paths
from refugewatch.services.review import set_disclosure
from refugewatch.services.urgency import assess_all
from tests.integration.conftest import UowFactory

NINE_DAY = dt.date(2015, 11, 24)
EIGHT_DAY = dt.date(2017, 4, 23)


def seed_sha(corpus_dir: Path, number: str) -> str:
    (path,) = sorted((corpus_dir / "seeds").glob(f"{number}_*.txt"))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def seeded(make_uow: UowFactory, corpus_dir: Path) -> UowFactory:
    paths = sorted((corpus_dir / "seeds").glob("*.txt"))
    report = ingest_paths(make_uow, paths, Settings())
    assert report.count(Outcome.INGESTED) == len(paths) >= 5
    rebuild_cases(make_uow, "tester")
    return make_uow


def case_holding(make_uow: UowFactory, *shas: str) -> str:
    with make_uow() as uow:
        found = [c.id for c in uow.cases.list() if set(shas) <= set(c.state.document_sha256s)]
    assert len(found) == 1, f"expected one case holding {[s[:8] for s in shas]}, got {found}"
    return found[0]


def assessment_of(make_uow: UowFactory, case_id: str, as_of: dt.date) -> Assessment:
    (found,) = [a for a in assess_all(make_uow, as_of) if a.case_id == case_id]
    return found


def codes(assessment: Assessment) -> list[ReasonCode]:
    return [r.code for r in assessment.reasons]


def test_the_nine_at_the_tumen_garrison_are_critical(seeded: UowFactory, corpus_dir: Path) -> None:
    """Seeds 000 and 004: held at a garrison in Tumen, an infant, a month after apprehension."""
    case_id = case_holding(seeded, seed_sha(corpus_dir, "000"), seed_sha(corpus_dir, "004"))
    found = assessment_of(seeded, case_id, NINE_DAY)
    assert found.level is Level.CRITICAL and found.active
    assert codes(found) == [
        ReasonCode.WITHIN_WINDOW,
        ReasonCode.STAGING_POINT,
        ReasonCode.MOVED_CLOSER,
        ReasonCode.VULNERABLE,
    ]
    assert found.score == 100
    texts = {r.code: r.text for r in found.reasons}
    assert "2015-10-22, 33 days ago" in texts[ReasonCode.WITHIN_WINDOW]
    assert "Tumen" in texts[ReasonCode.STAGING_POINT]
    assert "infants" in texts[ReasonCode.VULNERABLE]
    assert all(r.claim_ids for r in found.reasons), "every reason cites its claims"
    assert found.last_report == NINE_DAY


def test_the_nine_were_not_yet_reported_before_the_first_report(
    seeded: UowFactory, corpus_dir: Path
) -> None:
    case_id = case_holding(seeded, seed_sha(corpus_dir, "000"))
    found = assessment_of(seeded, case_id, dt.date(2015, 11, 20))
    assert codes(found) == [ReasonCode.NOT_YET_REPORTED] and not found.active
    assert case_id not in {a.case_id for a in assess_all(seeded, dt.date(2015, 11, 20)) if a.active}


def test_the_eight_with_ill_and_trafficked_members_are_high(
    seeded: UowFactory, corpus_dir: Path
) -> None:
    """Seed 001: ill and trafficked members, five weeks held, place unknown."""
    case_id = case_holding(seeded, seed_sha(corpus_dir, "001"))
    found = assessment_of(seeded, case_id, EIGHT_DAY)
    vulnerable = " ".join(r.text for r in found.reasons if r.code is ReasonCode.VULNERABLE)
    assert "trafficking survivors" in vulnerable and "ill or injured (2)" in vulnerable
    assert found.level is Level.HIGH
    assert set(codes(found)) == {
        ReasonCode.WITHIN_WINDOW,
        ReasonCode.PLACE_UNKNOWN,
        ReasonCode.VULNERABLE,
    }


def test_the_eight_are_inside_the_window_with_place_unknown(
    seeded: UowFactory, corpus_dir: Path
) -> None:
    """Seed 001's time and place reasons, each kind of vulnerable member its own reason."""
    case_id = case_holding(seeded, seed_sha(corpus_dir, "001"))
    found = assessment_of(seeded, case_id, EIGHT_DAY)
    texts = {r.code: r.text for r in found.reasons}
    vulnerable = " ".join(r.text for r in found.reasons if r.code is ReasonCode.VULNERABLE)
    assert found.active and found.level is Level.HIGH
    assert "2017-03, 23 to 53 days ago" in texts[ReasonCode.WITHIN_WINDOW]
    assert texts[ReasonCode.PLACE_UNKNOWN] == "last known place not reported"
    assert "ill or injured" in vulnerable and "trafficking survivors" in vulnerable


# -- every draft kind for the linked seed case --------------------------------------------------

FACTS = ["9 North Koreans", "22 October 2015", "Tumen", "infant", "in detention"]
CITATIONS = ["1951", "1967 Protocol", "Convention against Torture", "customary non-refoulement"]
SOURCES = ["Human Rights Watch", "2015-11-21", "2015-11-24"]


def as_text(output: str | bytes, fmt: OutputFormat) -> str:
    if fmt is OutputFormat.PDF:
        assert isinstance(output, bytes) and output.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(output))
        text = " ".join(page.extract_text() for page in reader.pages)
    elif fmt is OutputFormat.HTML:
        assert isinstance(output, str)
        text = lxml_html.document_fromstring(output).body.text_content()
    else:
        assert isinstance(output, str)
        text = output.replace("\\", "")
    return " ".join(text.split())


@pytest.mark.parametrize("kind", list(DraftKind), ids=str)
def test_each_draft_of_the_seed_case_states_facts_and_citations(
    seeded: UowFactory, corpus_dir: Path, kind: DraftKind
) -> None:
    """Markdown, HTML and PDF (text read back with pypdf) of each kind; one intervention each."""
    case_id = case_holding(seeded, seed_sha(corpus_dir, "000"), seed_sha(corpus_dir, "004"))
    set_disclosure(seeded, case_id, Disclosure.PUBLIC, None, actor="tester", reason="consent")
    made = [
        draft_for_case(seeded, case_id, kind, fmt, actor="tester", as_of=NINE_DAY)
        for fmt in OutputFormat
    ]
    for fmt, result in zip(OutputFormat, made, strict=True):
        text = as_text(result.output, fmt)
        for expected in FACTS + CITATIONS + SOURCES + ["UNREVIEWED DRAFT", "24 November 2015"]:
            assert expected in text, f"{kind}/{fmt}: {expected!r} missing"
        if kind is DraftKind.UN_APPEAL:
            assert "inside the ~60-day window" in text and "border staging point" in text
    with seeded() as uow:
        stored = uow.interventions.list(case_id)
    assert [i.id for i in stored] == [m.intervention_id for m in made]
    assert {i.kind for i in stored} == {kind.value}


def test_the_letter_names_viet_nam_as_the_state_of_apprehension(
    seeded: UowFactory, corpus_dir: Path
) -> None:
    case_id = case_holding(seeded, seed_sha(corpus_dir, "000"), seed_sha(corpus_dir, "004"))
    set_disclosure(seeded, case_id, Disclosure.PUBLIC, None, actor="tester", reason="consent")
    made = draft_for_case(seeded, case_id, DraftKind.LETTER, "md", actor="t", as_of=NINE_DAY)
    text = as_text(made.output, OutputFormat.MARKDOWN)
    assert "Mong Cai (Viet Nam)" in text
    assert "Viet Nam** (state of apprehension)" in text
