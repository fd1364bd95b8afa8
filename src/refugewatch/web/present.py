"""How domain values read on a page: dates at their own precision, counts with their qualifier.

Pure functions, registered as Jinja2 filters. Nothing here adds precision a source did not give:
a month stays a month, a range stays a range, an unknown stays "unknown".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from refugewatch.model.claims import Claim, ClaimKind, Scalar, Values
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate, Precision

UNKNOWN_DATE = "date unknown"
# Sources are identified by the first 12 hex digits of their sha256 on screen (as in the CLI).
SHORT_SHA = 12


def show_date(date: FuzzyDate) -> str:
    """ISO forms at the source's precision: 2015-10-03, 2015-10, 2015, or a range."""
    if date.earliest is None or date.latest is None or date.precision is Precision.UNKNOWN:
        return UNKNOWN_DATE
    if date.precision is Precision.RANGE:
        return f"between {date.earliest.isoformat()} and {date.latest.isoformat()}"
    return date.to_edtf() or UNKNOWN_DATE


def show_datetime(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def show_label(value: object) -> str:
    """Enum and snake_case values as words: reached_safe_country -> reached safe country."""
    text = str(getattr(value, "value", value))
    return text.replace("_", " ")


def short_sha(sha256: str) -> str:
    return sha256[:SHORT_SHA]


def show_bytes(size: int) -> str:
    """Whole MB or KB as the settings speak of them (20 MB = 20 x 1024 x 1024), else bytes."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor:,} {unit}"
    return f"{size:,} bytes"


def show_people(count: Count) -> str:
    text = count.describe()
    return text if count.qualifier is Qualifier.UNKNOWN else f"{text} people"


def count_from_values(values: Values, prefix: str, qualifier_key: str) -> Count:
    """Rebuild a Count stored flat in claim values (people_low/people_best/...)."""
    raw = str(values.get(qualifier_key) or Qualifier.UNKNOWN.value)
    qualifier = Qualifier(raw) if raw in Qualifier._value2member_map_ else Qualifier.UNKNOWN
    return Count(
        _as_int(values.get(f"{prefix}low")),
        _as_int(values.get(f"{prefix}best")),
        _as_int(values.get(f"{prefix}high")),
        qualifier,
    )


def describe_claim(claim: Claim) -> str:
    """One line a researcher can check against the quote."""
    describe = _DESCRIBERS.get(claim.kind)
    values = claim.effective_values
    return describe(values) if describe else show_values(values)


def show_values(values: Mapping[str, Scalar]) -> str:
    return ", ".join(f"{show_label(k)}: {v}" for k, v in values.items() if v not in (None, ""))


def _apprehension(v: Values) -> str:
    parts = [f"{show_people(count_from_values(v, 'people_', 'people_qualifier'))} apprehended"]
    parts.append(_place_phrase("at", v.get("place"), v.get("country")))
    if v.get("custodian"):
        parts.append(f"by {v['custodian']}")
    return " ".join(p for p in parts if p)


def _transfer(v: Values) -> str:
    parts = ["moved", _place_phrase("to", v.get("place"), v.get("country"))]
    if v.get("custodian"):
        parts.append(f"into the custody of {v['custodian']}")
    return " ".join(p for p in parts if p)


def _status(v: Values) -> str:
    text = f"status: {show_label(v.get('status') or 'unknown')}"
    place = v.get("last_known_place")
    return f"{text}, last known at {place}" if place else text


def _vulnerability(v: Values) -> str:
    count = v.get("count")
    kind = show_label(v.get("kind") or "vulnerable members")
    return f"{count} {kind}" if count else kind


def _statistic(v: Values) -> str:
    count = count_from_values(v, "count_", "qualifier").describe()
    period = " to ".join(str(p) for p in (v.get("period_start"), v.get("period_end")) if p)
    text = f"{show_label(v.get('measure') or 'figure')}: {count}"
    text += f" ({period})" if period else ""
    return text + (f" in {v['place']}" if v.get("place") else "")


def _appeal(v: Values) -> str:
    sender = v.get("sender") or "unknown sender"
    addressee = v.get("addressee") or "unknown addressee"
    asks = f": {v['asks']}" if v.get("asks") else ""
    return f"appeal from {sender} to {addressee}{asks}"


def _place_phrase(preposition: str, place: Scalar, country: Scalar) -> str:
    if place and country:
        return f"{preposition} {place} ({country})"
    if place or country:
        return f"{preposition} {place or country}"
    return ""


def _as_int(value: Scalar) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


_DESCRIBERS: Mapping[ClaimKind, Callable[[Values], str]] = {
    ClaimKind.APPREHENSION: _apprehension,
    ClaimKind.TRANSFER: _transfer,
    ClaimKind.STATUS: _status,
    ClaimKind.VULNERABILITY: _vulnerability,
    ClaimKind.STATISTIC: _statistic,
    ClaimKind.APPEAL: _appeal,
}

# Name -> function, registered on the Jinja2 environment.
FILTERS: Mapping[str, Callable[..., str]] = {
    "date": show_date,
    "datetime": show_datetime,
    "label": show_label,
    "short": short_sha,
    "people": show_people,
    "bytes": show_bytes,
    "claim": describe_claim,
}
