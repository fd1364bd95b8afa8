"""Advocacy outputs: letters to the detaining state, UN urgent appeals, press summaries.

draft.py gathers a case's facts for the draft's audience (consent first, public sources only for
the detaining state and the public) and fills the templates in templates/; treaties.py and
addressees.py read the editable data in data/; pdf.py lays a draft out as PDF.
"""

from refugewatch.outputs.draft import (
    Draft,
    DraftKind,
    DraftOptions,
    draft,
    draft_letter,
    draft_press_summary,
    draft_un_appeal,
)
from refugewatch.outputs.pdf import render_pdf

__all__ = [
    "Draft",
    "DraftKind",
    "DraftOptions",
    "draft",
    "draft_letter",
    "draft_press_summary",
    "draft_un_appeal",
    "render_pdf",
]
