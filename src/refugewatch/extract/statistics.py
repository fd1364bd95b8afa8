"""Aggregate figures: tallies and running totals, as opposed to one concrete group.

"At least 37 forcibly returned since July 2016", "the number of North Koreans arrested this year
surged to more than 400", "about 30,000 making their way to South Korea", a yearly table of
arrivals. A concrete group ("ten North Koreans detained in Mong Cai on Oct 22") is an incident and
is left to the incident extractor; background figures with no people noun ("112 states") are not
statistics at all.

Each count in a sentence is weighed on cues of aggregation (the rules below, as data): strong
words ("the number of", "a total of", "known cases", "separate incidents"), a period ("since July
2016", "over the past five years"), stock verbs ("remain in China", "have settled"), hedged or large
figures. Cues of one concrete event (a named day, "the nine", "another 12") weigh against. A count
whose weight reaches STATISTIC_THRESHOLD becomes a Statistic; its measure comes from the nearest
event verb, its period from the nearest date phrase. A figure repeated in one document is one
statistic (the first mention).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from refugewatch.extract.dates import DateMention, find_dates
from refugewatch.extract.gazetteer import Gazetteer, PlaceMention
from refugewatch.extract.numbers import MONTHS, CountMention, find_counts
from refugewatch.extract.sentences import Sentence, split_sentences
from refugewatch.model.counts import Count, Qualifier
from refugewatch.model.dates import FuzzyDate
from refugewatch.model.extraction import Confidence, Measure, Span, Statistic

# --- weights of the cues --------------------------------------------------------------------

# A count becomes a statistic at this weight. Tuned on seeds+dev so that a strong word alone,
# a period plus a hedge, or a hedged figure in the thousands suffices, while a lede such as
# "Two defectors have been arrested in Kunming" (present perfect only) does not.
STATISTIC_THRESHOLD = 3
HIGH_CONFIDENCE_WEIGHT = 5

# Words that introduce an aggregate figure; they count only before it ("the number of North
# Koreans arrested ... surged to 400", not "169 detained ... the number of people in it").
LEAD_CUES = re.compile(
    r"\b(?:the\s+(?:annual\s+|total\s+)?number\s+of|a\s+total\s+of|the\s+total)\b",
    re.IGNORECASE,
)
# Words that only aggregate figures carry, wherever they stand near the figure.
STRONG_CUES = re.compile(
    r"\b(?:figures?\b"
    r"|tally|statistics|annual|each\s+year|per\s+year|a\s+year\b(?!\s+(?:ago|earlier|later))"
    r"|peaked|known\s+cases|instances|separate\s+incidents|separate\s+cases|various"
    r"|different\s+locations|over\s+the\s+course\s+of|within\s+the\s+space\s+of|so\s+far\s+this"
    r"|a\s+record|cumulative|in\s+all\b"
    # "bringing to 18 the number of North Koreans holed up in missions"
    r"|bring(?:ing|s)?\s+(?:the\s+(?:total|number|tally)\s+)?to\b)",
    re.IGNORECASE,
)
STRONG_WEIGHT = 3
# A period that is a span, not a day: "since July 2016", "over the past five years".
PERIOD_CUES = re.compile(
    r"\b(?:since\s+(?:the\s+)?(?:(?:beginning|start|end|middle)\s+of\s+)?(?:(?:early|late|mid)[\s-]+)?"
    r"(?:[A-Z][a-z]+\.?\s+(?:of\s+)?)?(?:(?:19|20)\d\d|(?:last|this)\s+year)"
    r"|since\s+last\s+(?:year|month)"
    # "since the beginning of November", "since mid-April" (not "since Nov. 23": a day).
    r"|since\s+(?:the\s+(?:beginning|start|end|middle)\s+of\s+|(?:early|late|mid)[\s-]*)"
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\b(?!\.?\s*\d)"
    r"|(?:over|in|during|within|for)\s+the\s+(?:past|last|prior|previous)\s+(?:\w+\s+)?"
    r"(?:weeks|months?|years?|decades?)|between\s+(?:\w+\s+)?(?:19|20)\d\d\s+and"
    r"|from\s+(?:19|20)\d\d\s+(?:to|through|until)\s+(?:19|20)\d\d"
    r"|(?:first|second|third|fourth|last)\s+(?:half|quarter)\b)",
    re.IGNORECASE,
)
PERIOD_WEIGHT = 2
# Comparisons between periods are made of tallies: "down from 1,047", "the lowest since 2001".
TREND_CUES = re.compile(
    r"\b(?:the\s+(?:lowest|highest|fewest)|(?:down|up)\s+from"
    r"|compared\s+(?:with|to)|(?:a|the)\s+(?:sharp\s+|steep\s+)?(?:drop|rise|decline|increase"
    r"|decrease|fall)|surged|plunged|soared|doubled|tripled|halved)\b",
    re.IGNORECASE,
)
TREND_WEIGHT = 2
# A whole year as the time of a figure ("In 2022, 67 defectors reached the South") reads as a
# yearly tally; groups are dated to a month or a day.
YEAR_ONLY = re.compile(r"(?<![\w,/-])(?:19|20)\d\d(?![\w/-]|,\d)")
YEAR_WEIGHT = 1
# One operation, vehicle or day makes one group, however large: "in a single raid", "on a bus",
# "for the second day running".
CONCRETE_CUES = re.compile(
    r"\b(?:single|in\s+(?:a|one|the\s+same)\s+(?:raid|operation|swoop|sweep)|aboard"
    r"|on\s+(?:a|one|the\s+same)\s+(?:bus|boat|truck|train|flight|plane|ship|vessel)"
    r"|(?:for|on)\s+the\s+(?:first|second|third|fourth|fifth)\s+(?:day|time)|day\s+running)\b",
    re.IGNORECASE,
)
CONCRETE_WEIGHT = -2
# A day named in the sentence ("since Nov. 23", "on Tuesday") points at one concrete event.
DAY_WEIGHT = -2
# "estimates", "estimated": a figure offered as an estimate is an aggregate more often than not.
ESTIMATE_CUES = re.compile(r"\bestimat", re.IGNORECASE)
ESTIMATE_WEIGHT = 1
# Present perfect ("have been detained", "has already forcibly returned", "have settled").
PERFECT_CUES = re.compile(
    r"\b(?:have|has|had)\s+(?:\w+ly\s+){0,2}(?:been\s+)?(?:\w+ly\s+)?"
    r"(?:\w+(?:ed|en|wn|ught|eft|ent|ld|ne)|fled|come|become|made)\b",
    re.IGNORECASE,
)
PERFECT_WEIGHT = 1
# A standing population in the present tense: "remain in China", "live in Amur", "are held".
STOCK_CUES = re.compile(
    r"\b(?:remain|live|hiding|holed\s+up|sheltering|there\s+(?:are|were)|are\s+(?:\w+ly\s+)?(?:being\s+)?(?:held|detained|in)"
    r"|has\s+(?:around|about"
    r"|some|over|nearly|more)|making\s+their\s+way)\b",
    re.IGNORECASE,
)
STOCK_WEIGHT = 1
# A hedged figure ("at least", "about", a range) reads as a tally more often than a group does.
HEDGE_WEIGHT = 1
# Sizes: groups caught together rarely exceed a hundred; figures in the thousands are tallies.
LARGE_COUNT, LARGE_WEIGHT = 100, 1
HUGE_COUNT, HUGE_WEIGHT = 1000, 2
# "the nine", "these 38", "another 12": a group named before, not a tally (unless hedged).
DEFINITE_BEFORE = re.compile(
    r"(?:\b(?:the|these|those|another|all|other|both)\s+(?:other\s+)?)$", re.IGNORECASE
)
DEFINITE_WEIGHT = -2
# Small exact figures are groups (an aggregate of three needs a strong word to say so).
SMALL_COUNT, SMALL_WEIGHT = 10, -1

# --- what a statistic's count must count -----------------------------------------------------

PEOPLE_NOUNS = (
    r"(?:north\s+koreans?|koreans|defectors?|refugees?|people|persons|individuals|women|men"
    r"|children|workers|labou?rers|loggers|asylum[\s-]+seekers|escapees|migrants|citizens"
    r"|nationals|detainees|returnees|border[\s-]+crossers|cases|instances|incidents|females"
    r"|males|minors|adults|girls|boys|arrivals|arrests|detentions|deportations|repatriations)"
)
# After the figure: optional modifiers ("North Korean", "N.K.", "known", "DPRK"), then the noun.
_COUNTED_NOUN = re.compile(
    rf"\s+(?:(?:of\s+(?:them|whom)\b)|(?:(?:[A-Z][\w.'’-]*|known|more|other|recent|suspected"
    rf"|young|elderly|undocumented|female|male|new)\s+){{0,3}}{PEOPLE_NOUNS}\b)",
    re.IGNORECASE,
)
# Or no noun at all, the people being named earlier in the sentence ("with about 30,000 making
# their way", "peaked in 2009 with 2,914.", "from 50 last year").
_ELLIPSIS = re.compile(
    r"\s*(?:[,.;:)”\"]|$|\n|(?:have|has|had|were|are|was|is|remain|making|in|from|last|this"
    r"|to|and|or|who|that|since|during|between)\b)",
    re.IGNORECASE,
)
# A count that breaks a figure down ("includes 39 males and 96 females") is not a new figure.
BREAKDOWN_NOUN = re.compile(
    r"\s+(?:(?:older|younger|elderly|adult|young|teenage)\s+)?(?:males?|females?|men|women|boys|girls|children|minors|adults)\b",
    re.IGNORECASE,
)
BREAKDOWN_CUES = re.compile(r"\b(?:includ\w*|of\s+whom|comprising|among\s+them)\b", re.IGNORECASE)
# An average is not a count of people ("has averaged around 1,000-1,500").
AVERAGE_CUES = re.compile(r"\baverag", re.IGNORECASE)
# Audiences and populations are people, but not people on the move: "a weekly audience of over
# 326 million people" (a broadcaster's footer), "a population of 25 million".
NOT_MIGRANTS_BEFORE = re.compile(
    r"\b(?:audiences?|viewers|listeners|readers|readership|subscribers|followers|users|"
    r"visitors|population|populations|inhabitants|residents)\s+(?:of\s+)?(?:[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)

# --- measures: the nearest verb decides -----------------------------------------------------

SOUTH_KOREA = "South Korea"  # where arrivals are counted, named or not
SOUTH = r"(?:South\s+Korea|S\.\s*Korea|(?-i:the\s+(?:[a-z]+,?\s+){0,3}South)\b|Seoul)"
MEASURE_CUES: tuple[tuple[Measure, re.Pattern[str]], ...] = (
    (
        Measure.REPATRIATED,
        re.compile(
            r"\b(?:repatriat\w*|forcibly\s+returned|returned\s+to\s+North\s+Korea|sent\s+back"
            r"|deported|handed\s+(?:back|over))",
            re.IGNORECASE,
        ),
    ),
    (
        Measure.ARRIVED_SOUTH_KOREA,
        re.compile(
            rf"\b(?:(?:arriv\w*|settl\w*|resettl\w*|defected|came|come|flown|reached|entered|airlifted"
            rf"|making\s+their\s+way|granted\s+asylum)\b[^.;]{{0,80}}?{SOUTH}"
            rf"|{SOUTH}[^.;]{{0,40}}?\b(?:arriv\w*|settled|resettled|received|accepted|admitted"
            rf"|took\s+in))",
            re.IGNORECASE,
        ),
    ),
    (
        Measure.IN_HIDING,
        re.compile(
            r"\b(?:in\s+hiding|hid(?:ing|den)|remain(?:s|ed)?\s+in|fled\s+their|no\s+legal\s+status"
            r"|without\s+legal\s+status|undocumented)",
            re.IGNORECASE,
        ),
    ),
    (
        Measure.DETAINED,
        re.compile(
            r"\b(?:detain\w*|detention|arrest\w*|caught|apprehend\w*|held|custody|prisons?"
            r"|jail\w*|imprison\w*|captured|rounded\s+up)",
            re.IGNORECASE,
        ),
    ),
)
CLAUSE_BOUNDARY = re.compile(r";|,?\s+but\b|\s+whereas\b|\s+while\b")
DEFECTOR_NOUN = re.compile(r"\bdefectors\b", re.IGNORECASE)
NOUN_WINDOW = 60
# Instances and incidents count events, not people: their measure is "other".
EVENT_NOUNS = re.compile(r"\s+(?:\w+\s+)?(?:instances|incidents|occasions)\b", re.IGNORECASE)
# A cue before the figure counts for less than one after it ("detained at least 41" reads well,
# but so does "41 ... detained"); this factor weighs the distance before.
BEFORE_DISTANCE_FACTOR = 1.5

# Place of a statistic: the nearest gazetteer place in the figure's clause, spelled as in the
# text; else a country adjective ("detained in Chinese prisons"). North Korea is where people come
# from, not where a tally is kept, so it is never a statistic's place.
COUNTRY_ADJECTIVES: dict[str, str] = {
    "Chinese": "China", "Thai": "Thailand", "Vietnamese": "Vietnam", "Lao": "Laos",
    "Laotian": "Laos", "Russian": "Russia", "Mongolian": "Mongolia", "Cambodian": "Cambodia",
    "Burmese": "Myanmar",
}  # fmt: skip
_COUNTRY_ADJECTIVE = re.compile(
    rf"\b(?P<name>{'|'.join(COUNTRY_ADJECTIVES)})\s+(?:prisons?|detention|custody|jails?"
    r"|territory|authorities|police|regions?|cities|border)"
)
ORIGIN_COUNTRY = "KP"

# A yearly table row: "2002 - 1140", "2004 - 760 (to end June)".
TABLE_ROW = re.compile(
    r"^[ \t]*(?P<year>(?:19|20)\d\d)[ \t]*[-–:][ \t]*(?P<count>\d{1,3}(?:,\d{3})*|\d+)"
    r"(?:[ \t]*\((?P<note>[^)\n]*)\))?[ \t]*$",
    re.MULTILINE,
)
# A table needs at least this many consecutive rows; one "2004 - 760" line is not a table.
MIN_TABLE_ROWS = 3
MAX_EVIDENCE_CHARS = 240

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class _Candidate:
    count: CountMention
    sentence: Sentence
    weight: int
    # Every figure of the sentence, so a date goes to the figure it stands next to.
    siblings: list[CountMention]


def find_statistics(
    text: str, published: FuzzyDate, gazetteer: Gazetteer | None = None
) -> list[Statistic]:
    """Aggregate figures in `text`, each with its measure, period, place and evidence.

    `gazetteer` names the places (the shipped one by default).
    """
    places = [
        m
        for m in (gazetteer or Gazetteer.default()).find(text)
        if m.place.country != ORIGIN_COUNTRY
    ]
    rows = _table_rows(text)
    counts = [c for c in find_counts(text) if not any(r.start() <= c.start < r.end() for r in rows)]
    dates = find_dates(text, published)
    statistics: list[Statistic] = []
    seen: set[int] = set()
    for candidate in _candidates(text, counts):
        for statistic in _statistics(text, candidate, dates, places, published):
            headline = statistic.count.headline
            if headline is None or headline in seen:
                continue
            seen.add(headline)
            statistics.append(statistic)
    statistics.extend(_table_statistics(text, rows, seen))
    return sorted(statistics, key=lambda s: s.evidence.start)


def _candidates(text: str, counts: list[CountMention]) -> Iterable[_Candidate]:
    sentences = split_sentences(text)
    index = 0
    for count in counts:
        while index < len(sentences) and sentences[index].end <= count.start:
            index += 1
        if index == len(sentences) or sentences[index].start > count.start:
            continue
        sentence = sentences[index]
        if not _counts_people(text, count, sentence):
            continue
        weight = _weight(text, count, sentence)
        if weight >= STATISTIC_THRESHOLD:
            siblings = [
                c
                for c in counts
                if sentence.start <= c.start < sentence.end and c.count.headline is not None
            ]
            yield _Candidate(count, sentence, weight, siblings)


def _counts_people(text: str, count: CountMention, sentence: Sentence) -> bool:
    headline = count.count.headline
    if headline is None or headline < MIN_STATISTIC_COUNT or AVERAGE_CUES.search(sentence.text):
        return False
    if BREAKDOWN_NOUN.match(text, count.end) and BREAKDOWN_CUES.search(sentence.text):
        return False
    if NOT_MIGRANTS_BEFORE.search(text, max(sentence.start, count.start - 40), count.start):
        return False
    end = min(sentence.end + 1, len(text))
    return bool(_COUNTED_NOUN.match(text, count.end, end) or _ELLIPSIS.match(text, count.end, end))


def _weight(text: str, count: CountMention, sentence: Sentence) -> int:
    near = _window(text, count, sentence, CUE_WINDOW_BEFORE, CUE_WINDOW_AFTER)
    lead = _window(text, count, sentence, CUE_WINDOW_BEFORE, 0)
    strong = STRONG_CUES.search(near) or LEAD_CUES.search(lead)
    weight = STRONG_WEIGHT if strong else 0
    weight += ESTIMATE_WEIGHT if ESTIMATE_CUES.search(near) else 0
    weight += PERFECT_WEIGHT if PERFECT_CUES.search(near) else 0
    weight += STOCK_WEIGHT if STOCK_CUES.search(near) else 0
    weight += TREND_WEIGHT if TREND_CUES.search(near) else 0
    weight += CONCRETE_WEIGHT if CONCRETE_CUES.search(near) else 0
    weight += YEAR_WEIGHT if _names_only_years(near) else 0
    period = PERIOD_CUES.search(near)
    weight += PERIOD_WEIGHT if period else 0
    close = _window(text, count, sentence, DAY_WINDOW, DAY_WINDOW)
    # A period outweighs a day named nearby: that day dates the report ("reported on Sept. 3
    # that at least 41 were detained over the prior two months").
    weight += DAY_WEIGHT if not period and _names_an_event_day(close) else 0
    return weight + _size_weight(text, count, sentence)


def _window(text: str, count: CountMention, sentence: Sentence, before: int, after: int) -> str:
    return text[max(sentence.start, count.start - before) : min(sentence.end, count.end + after)]


def _size_weight(text: str, count: CountMention, sentence: Sentence) -> int:
    value = count.count
    headline = max(v for v in (value.low, value.best, value.high) if v is not None)
    hedged = value.qualifier is not Qualifier.EXACT
    weight = HEDGE_WEIGHT if hedged else 0
    if headline >= HUGE_COUNT:
        weight += HUGE_WEIGHT
    elif headline >= LARGE_COUNT:
        weight += LARGE_WEIGHT
    elif headline < SMALL_COUNT and not hedged:
        weight += SMALL_WEIGHT
    before = text[max(sentence.start, count.start - 20) : count.start]
    if not hedged and DEFINITE_BEFORE.search(before):
        weight += DEFINITE_WEIGHT
    return weight


_MONTH_NAME = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
)
# A dateline ("SEOUL, April 3 (Yonhap) --") dates the report, not the event.
_DATELINE = re.compile(r"\b[A-Z]{3,}(?:\s+[A-Z]{3,})*,\s*$")
DATELINE_LEAD_CHARS = 30
# Cues count only near the figure: a long sentence can hold a tally and a group side by side.
CUE_WINDOW_BEFORE, CUE_WINDOW_AFTER = 130, 140
DAY_WINDOW = 80
# One person is never a tally.
MIN_STATISTIC_COUNT = 2
_DAY_IN_SENTENCE = re.compile(
    rf"\b(?:(?:{MONTHS})\.?\s+\d{{1,2}}(?!\d|,\d)|\d{{1,2}}\s+(?:{MONTHS})"
    r"|(?:(?:on|last|this)\s+|(?<=[a-z]\s))(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday"
    r"|Sunday)"
    r"|yesterday)\b"
)


def _names_only_years(body: str) -> bool:
    """A bare year near the figure, and no month or day (a group would be dated closer)."""
    return bool(YEAR_ONLY.search(body)) and not _MONTH_NAME.search(body)


def _names_an_event_day(body: str) -> bool:
    """A named day, unless it is a dateline ("SEOUL, April 3 (Yonhap) --")."""
    for match in _DAY_IN_SENTENCE.finditer(body):
        lead = body[max(0, match.start() - DATELINE_LEAD_CHARS) : match.start()]
        if not _DATELINE.search(lead):
            return True
    return False


def _statistics(
    text: str,
    candidate: _Candidate,
    dates: list[DateMention],
    places: list[PlaceMention],
    published: FuzzyDate,
) -> list[Statistic]:
    count, sentence = candidate.count, candidate.sentence
    measure = _measure(text, count, sentence) or _measure_by_noun(text, count)
    start, end = _period(text, count, sentence, dates, published, candidate.siblings)
    confidence = (
        Confidence.HIGH if candidate.weight >= HIGH_CONFIDENCE_WEIGHT else Confidence.MEDIUM
    )
    evidence = _evidence(text, count, sentence)
    place = _place(text, count, sentence, measure, places)
    return [
        Statistic(
            measure=measure,
            count=value,
            evidence=evidence,
            period_start=start,
            period_end=end,
            place=place,
            confidence=confidence,
            rule=f"statistic.cues:{candidate.weight}",
        )
        for value in _statistic_counts(count.count)
    ]


def _statistic_counts(count: Count) -> list[Count]:
    """An estimate range ("600 to 2,000") is two true statements: at least 600, up to 2,000.

    Tallies are compared and charted by their bounds, so each bound is kept as its own figure
    (the corpus annotates them so); a single group's range stays one Count in incidents.
    """
    if count.low is not None and count.high is not None and count.low != count.high:
        return [Count.at_least(count.low), Count.up_to(count.high)]
    return [count]


def _measure(text: str, count: CountMention, sentence: Sentence) -> Measure | None:
    if EVENT_NOUNS.match(text, count.end):
        return Measure.OTHER
    start, end = _clause_bounds(text, count, sentence)
    best: tuple[float, Measure] | None = None
    for measure, pattern in MEASURE_CUES:
        for match in pattern.finditer(text, start, end):
            if measure is Measure.IN_HIDING and _MODIFIER_PARTICIPLE.search(
                text, start, match.start()
            ):
                continue  # "20 defectors hiding in China ... were arrested": who, not what happened
            distance = _distance(count, match)
            if best is None or distance < best[0]:
                best = (distance, measure)
    return best[1] if best else None


# A participle right after the people noun describes them ("defectors hiding in China").
_MODIFIER_PARTICIPLE = re.compile(
    r"\b(?:North Koreans|defectors|refugees|escapees|women|people)\s+$", re.IGNORECASE
)


def _clause_bounds(text: str, count: CountMention, sentence: Sentence) -> tuple[int, int]:
    """The clause holding the figure: "there are about 40,000 loggers, but that some 10,000 of
    them have fled" gives each figure its own verb."""
    start, end = sentence.start, sentence.end
    for boundary in CLAUSE_BOUNDARY.finditer(text, sentence.start, sentence.end):
        if boundary.end() <= count.start:
            start = boundary.end()
        elif boundary.start() >= count.end:
            end = boundary.start()
            break
    return start, end


def _measure_by_noun(text: str, count: CountMention) -> Measure:
    """No event verb: "defectors" in a tally are arrivals (the term of South Korea's figures)."""
    if DEFECTOR_NOUN.search(text, max(0, count.start - NOUN_WINDOW), count.end + NOUN_WINDOW):
        return Measure.ARRIVED_SOUTH_KOREA
    return Measure.OTHER


def _distance(count: CountMention, match: re.Match[str]) -> float:
    return _span_distance(count, match.start(), match.end())


def _period(
    text: str,
    count: CountMention,
    sentence: Sentence,
    dates: list[DateMention],
    published: FuzzyDate,
    others: list[CountMention],
) -> tuple[FuzzyDate, FuzzyDate]:
    """(start, end) of the period the figure covers, as single days (a date phrase's bounds).

    Only dates near the figure count, a dateline never does, and a date nearer to another
    figure of the sentence is that figure's ("400 this year ... from 50 last year").
    """
    low = max(sentence.start, count.start - CUE_WINDOW_BEFORE)
    high = min(sentence.end, count.end + CUE_WINDOW_AFTER)
    inside = [
        d
        for d in dates
        if low <= d.start < high
        and d.value.is_known
        and not _is_dateline(text, d, sentence)
        and not BOUNDARY_LEAD.search(text, max(sentence.start, d.start - 8), d.start)
    ]
    as_of = published if published.is_known else FuzzyDate.unknown()
    between = _between_pair(text, inside)
    if between is not None:
        return between
    own = [d for d in inside if _nearest_count(d, others) is count]
    if not own:
        return FuzzyDate.unknown(), _day_of(as_of, latest=True)
    mention = min(own, key=lambda d: _span_distance(count, d.start, d.end))
    lead = text[max(sentence.start, mention.start - SINCE_LEAD_CHARS) : mention.start]
    if SINCE.search(lead):
        return _day_of(mention.value, latest=False), _day_of(as_of, latest=True)
    if AS_OF.search(lead):
        return FuzzyDate.unknown(), _bounds(mention.value, published)[1]
    return _bounds(mention.value, published)


def _is_dateline(text: str, date: DateMention, sentence: Sentence) -> bool:
    lead = text[max(sentence.start, date.start - DATELINE_LEAD_CHARS) : date.start]
    return bool(_DATELINE.search(lead))


def _nearest_count(date: DateMention, counts: list[CountMention]) -> CountMention | None:
    if not counts:
        return None
    return min(counts, key=lambda c: _span_distance(c, date.start, date.end))


# "after April 15", "before June": a condition on something else, not the figure's period.
BOUNDARY_LEAD = re.compile(r"\b(?:after|before|by|until)\s+$", re.IGNORECASE)
# "as of this month", "figures from 2007": a stock at a point in time, not a period.
AS_OF = re.compile(r"\b(?:as\s+of|as\s+at)\s+$", re.IGNORECASE)


# "since July 2016", "since the end of the Korean War in 1953": the period runs to publication.
SINCE = re.compile(r"\bsince\b", re.IGNORECASE)
SINCE_LEAD_CHARS = 40


def _between_pair(text: str, inside: list[DateMention]) -> tuple[FuzzyDate, FuzzyDate] | None:
    for first, second in itertools.pairwise(inside):
        gap = text[first.end : second.start]
        lead = text[max(0, first.start - 9) : first.start].lower()
        if re.fullmatch(r"\s*(?:and|to|through|until|-|–)\s*", gap) and re.search(
            r"(?:between|from)\s+$", lead
        ):
            return _day_of(first.value, latest=False), _day_of(second.value, latest=True)
    return None


def _bounds(value: FuzzyDate, published: FuzzyDate) -> tuple[FuzzyDate, FuzzyDate]:
    """A date phrase as a period: its first and last day, the end capped at publication."""
    end = _day_of(value, latest=True)
    if published.is_known and published.latest and value.latest and value.latest > published.latest:
        end = _day_of(published, latest=True)
    return _day_of(value, latest=False), end


def _day_of(value: FuzzyDate, latest: bool) -> FuzzyDate:
    day = value.latest if latest else value.earliest
    return FuzzyDate.from_date(day) if day is not None else FuzzyDate.unknown()


def _date_distance(count: CountMention, date: DateMention) -> int:
    if date.start >= count.end:
        return date.start - count.end
    return count.start - date.end


def _place(
    text: str,
    count: CountMention,
    sentence: Sentence,
    measure: Measure,
    places: list[PlaceMention],
) -> str | None:
    if measure is Measure.ARRIVED_SOUTH_KOREA:
        return SOUTH_KOREA
    start, end = _clause_bounds(text, count, sentence)
    found: list[tuple[float, str]] = [
        (_span_distance(count, m.start, m.end), m.text) for m in places if start <= m.start < end
    ]
    for match in _COUNTRY_ADJECTIVE.finditer(text, start, end):
        country = COUNTRY_ADJECTIVES[match.group("name")]
        found.append((_span_distance(count, match.start(), match.end()), country))
    return min(found)[1] if found else None


def _span_distance(count: CountMention, start: int, end: int) -> float:
    if start >= count.end:
        return float(start - count.end)
    return max(0, count.start - end) * BEFORE_DISTANCE_FACTOR


def _evidence(text: str, count: CountMention, sentence: Sentence) -> Span:
    start, end = _clause_bounds(text, count, sentence)
    while start < end and text[start] in " ,;\t\n":
        start += 1
    if end - start > MAX_EVIDENCE_CHARS:
        start, end = _clause(text, count, sentence)
    return Span(start, end, text[start:end])


def _clause(text: str, count: CountMention, sentence: Sentence) -> tuple[int, int]:
    """The part of a long sentence around the figure, cut at clause punctuation or spaces."""
    half = MAX_EVIDENCE_CHARS // 2
    low = max(sentence.start, count.start - half // 2)
    high = min(sentence.end, count.end + half + half // 2)
    cut = max(text.rfind(",", low, count.start), text.rfind(";", low, count.start))
    start = cut + 1 if cut >= 0 else text.find(" ", low, count.start) + 1 or count.start
    stop = text.rfind(" ", count.end, high)
    end = high if high == sentence.end or stop < 0 else stop
    while start < end and text[start].isspace():
        start += 1
    return start, max(end, count.end)


def _table_statistics(text: str, rows: list[re.Match[str]], seen: set[int]) -> list[Statistic]:
    if not rows:
        return []
    measure = _document_measure(text)
    statistics: list[Statistic] = []
    for row in rows:
        value = int(row.group("count").replace(",", ""))
        if value in seen:
            continue
        seen.add(value)
        start, end = _row_period(int(row.group("year")), row.group("note") or "")
        statistics.append(
            Statistic(
                measure=measure,
                count=Count.exact(value),
                evidence=Span(row.start("year"), row.end(), text[row.start("year") : row.end()]),
                period_start=start,
                period_end=end,
                place=SOUTH_KOREA if measure is Measure.ARRIVED_SOUTH_KOREA else None,
                confidence=Confidence.MEDIUM,
                rule="statistic.table",
            )
        )
    return statistics


def _table_rows(text: str) -> list[re.Match[str]]:
    """Rows of yearly tables: runs of at least MIN_TABLE_ROWS consecutive lines."""
    rows: list[re.Match[str]] = []
    run: list[re.Match[str]] = []
    for match in TABLE_ROW.finditer(text):
        if run and text[run[-1].end() : match.start()].strip():
            rows.extend(run if len(run) >= MIN_TABLE_ROWS else [])
            run = []
        run.append(match)
    rows.extend(run if len(run) >= MIN_TABLE_ROWS else [])
    return rows


def _row_period(year: int, note: str) -> tuple[FuzzyDate, FuzzyDate]:
    """A year, or "to end June" -> January to June of that year."""
    last = dt.date(year, 12, 31)
    for number, name in enumerate(_MONTHS, start=1):
        if name in note:
            last = FuzzyDate.month(year, number).latest or last
    return FuzzyDate.from_date(dt.date(year, 1, 1)), FuzzyDate.from_date(last)


def _document_measure(text: str) -> Measure:
    """The measure a captionless table most likely counts: the first event verb of the text."""
    best: tuple[int, Measure] | None = None
    for measure, pattern in MEASURE_CUES:
        match = pattern.search(text)
        if match is not None and (best is None or match.start() < best[0]):
            best = (match.start(), measure)
    return best[1] if best else Measure.OTHER
