"""Reading a claim's (effective) values as model types: counts, dates, places, statuses.

Reviewers' corrections live in `edited_values`; every reader here goes through
`Claim.effective_values`, so an edit changes the case and the original stays on record. A
reviewer may also correct the date by giving an EDTF string under "date".
"""

from __future__ import annotations

from refugewatch.model.claims import Claim, Scalar
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import Status


def text_value(claim: Claim, name: str) -> str | None:
    value = claim.effective_values.get(name)
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def int_value(claim: Claim, name: str) -> int | None:
    return _as_int(claim.effective_values.get(name))


def _as_int(value: Scalar) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(value))
    except ValueError:
        return None


def claim_date(claim: Claim) -> FuzzyDate:
    """The claim's date, or the reviewer's corrected one (EDTF under "date" in edited values)."""
    return claim.effective_date


def people_count(claim: Claim) -> Count:
    """The people count of an apprehension claim."""
    raw = text_value(claim, "people_qualifier") or Qualifier.UNKNOWN.value
    try:
        qualifier = Qualifier(raw)
    except ValueError:
        qualifier = Qualifier.UNKNOWN
    low, best, high = (int_value(claim, f"people_{part}") for part in ("low", "best", "high"))
    if low is best is high is None:
        return Count.unknown()
    return Count(low, best, high, qualifier)


def status_value(claim: Claim) -> Status:
    try:
        return Status(text_value(claim, "status") or Status.UNKNOWN.value)
    except ValueError:
        return Status.UNKNOWN


def subset_of(claim: Claim) -> int | None:
    return int_value(claim, "subset_of")
