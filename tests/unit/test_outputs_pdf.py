"""PDF rendering: real PDFs whose extracted text carries the draft's facts and citations."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from refugewatch.model.cases import Disclosure
from refugewatch.outputs import DraftKind, render_pdf
from refugewatch.outputs.pdf import CORE_FONT, Font, find_font, transliterate
from tests.unit.test_outputs_drafts import NINE, linked


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("kind", list(DraftKind), ids=str)
def test_each_kind_renders_to_a_pdf_with_its_facts(kind: DraftKind) -> None:
    data = render_pdf(linked(Disclosure.PUBLIC).draft(kind))
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in ["UNREVIEWED DRAFT", "Mong Cai", "22 October 2015", "Tumen", "1951",
                     "Convention against Torture", "UNHCR", "Example Daily"]:  # fmt: skip
        assert expected in text, expected


def test_the_pdf_keeps_accents_with_a_unicode_font() -> None:
    font = find_font()
    if not font.unicode:
        pytest.skip("no Unicode TrueType font installed; the core-font test covers this machine")
    accented = linked(public=replace(NINE, apprehended_place="Thành phố Móng Cái"))
    assert "Thành phố Móng Cái" in pdf_text(
        render_pdf(accented.draft(DraftKind.PRESS_SUMMARY), font)
    )


def test_without_a_unicode_font_text_is_transliterated_not_dropped() -> None:
    vietnamese = replace(NINE, apprehended_place="Thành phố Móng Cái")
    data = render_pdf(
        linked(public=vietnamese).draft(DraftKind.PRESS_SUMMARY), Font(CORE_FONT, None)
    )
    text = pdf_text(data)
    assert "Thành pho Móng Cái" in text and "Convention against Torture" in text


def test_find_font_falls_back_to_the_core_font(tmp_path: Path) -> None:
    assert find_font([tmp_path]) == Font(CORE_FONT, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Thành phố Móng Cái", "Thành pho Móng Cái"), ("“quoted” – dash", '"quoted" - dash'), ("图们", "??"), ("café", "café")],
    ids=["accents", "punctuation", "cjk", "latin-1-kept"],
)  # fmt: skip
def test_transliterate(text: str, expected: str) -> None:
    assert transliterate(text) == expected


def test_the_pdf_title_is_the_draft_title() -> None:
    draft = linked().draft(DraftKind.LETTER, dated=dt.date(2015, 11, 25))
    reader = PdfReader(io.BytesIO(render_pdf(draft)))
    assert reader.metadata is not None and reader.metadata.title == draft.title
