"""extract(): one document's clean text -> incidents, statistics and appeals (pure)."""

from __future__ import annotations

from refugewatch.extract.appeals import find_appeals
from refugewatch.extract.gazetteer import Gazetteer
from refugewatch.extract.incidents import find_incidents
from refugewatch.extract.incidents_context import build_context
from refugewatch.extract.statistics import find_statistics
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import Extraction, Incident, Measure, Statistic, Status

# Languages the rules are written for; other texts are kept but not extracted yet.
SUPPORTED_LANGUAGES = frozenset({"en"})
FLAG_UNSUPPORTED_LANGUAGE = "unsupported_language: {lang} texts are stored but not extracted yet"
FLAG_NO_DATE = "no_publication_date: relative dates and years not resolved"


def extract(
    text: str,
    published: FuzzyDate,
    *,
    language: str | None = None,
    gazetteer: Gazetteer | None = None,
    anchor: FuzzyDate | None = None,
) -> Extraction:
    """Incidents, statistics and appeals found in `text`, each with an exact evidence span.

    `published` anchors relative dates ("on Saturday", "last month"); unknown leaves them
    unresolved. When it is unknown, `anchor` (a date the page itself gives, such as the
    /2023/05/ of its URL) resolves "this month" and yearless dates for incidents; it is never
    reported as the publication date. A language other than English gives an empty extraction
    with a flag saying so.
    """
    if language is not None and language not in SUPPORTED_LANGUAGES:
        return Extraction(flags=(FLAG_UNSUPPORTED_LANGUAGE.format(lang=language),))
    statistics = tuple(find_statistics(text, published))
    spans = [(s.evidence.start, s.evidence.end) for s in statistics]
    reference = anchor if anchor is not None and not published.is_known else None
    context = build_context(text, published, spans, gazetteer, reference)
    flags = () if published.is_known else (FLAG_NO_DATE,)
    incidents = tuple(find_incidents(context))
    return Extraction(
        incidents=incidents,
        statistics=tuple(s for s in statistics if not _names_an_incident(s, incidents)),
        appeals=tuple(find_appeals(text, published)),
        flags=flags,
    )


# A figure is one of the story's concrete groups when a group of that size had that fate: "China
# has repatriated more than 500" in the lead, "a repatriation of more than 500 was carried out on
# Oct. 9" in the body.
_FATE_OF_MEASURE = {
    Measure.REPATRIATED: {Status.REPATRIATED},
    Measure.DETAINED: {Status.DETAINED, Status.MISSING},
    Measure.ARRIVED_SOUTH_KOREA: {Status.REACHED_SAFE_COUNTRY},
}


def _names_an_incident(statistic: Statistic, incidents: tuple[Incident, ...]) -> bool:
    fates = _FATE_OF_MEASURE.get(statistic.measure, set())
    return any(
        i.people.headline == statistic.count.headline and i.status in fates for i in incidents
    )
