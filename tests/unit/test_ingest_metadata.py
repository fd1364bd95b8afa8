"""Publication date, title, outlet, url, language and source type read from documents."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from refugewatch.ingest import load_document
from refugewatch.ingest.header import split_header
from refugewatch.ingest.metadata import detect_language, guess_source_type, split_page_title
from refugewatch.ingest.published import find_published, parse_header_date
from refugewatch.model.dates import FuzzyDate, Precision
from refugewatch.model.documents import DEFAULT_RELIABILITY, SourceType

BODY = "Police detained nine people near the border on October 22, 2015, a rights group said."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            f"A Headline | Some Outlet\n\nNovember 21, 2015 5:29PM EST\n\n{BODY}",
            FuzzyDate.day(2015, 11, 21),
            id="date-line-with-time-and-zone",
        ),
        pytest.param(
            f"A Headline\n\nUPDATED October 16, 2023\n\n{BODY}",
            FuzzyDate.day(2023, 10, 16),
            id="updated-label",
        ),
        pytest.param(
            f"A Headline\nLast Updated: Wednesday, 25 April 2007, 08:31 GMT 09:31 UK\n{BODY}",
            FuzzyDate.day(2007, 4, 25),
            id="day-month-year-label",
        ),
        pytest.param(
            f"A Headline\nBy SAW YAN NAING Monday, December 22, 2008\n\n{BODY}",
            FuzzyDate.day(2008, 12, 22),
            id="byline-with-date",
        ),
        pytest.param(
            f"A Headline\n\nDec. 2, 2015, 10:35pm\n\n{BODY}",
            FuzzyDate.day(2015, 12, 2),
            id="abbreviated-month",
        ),
        pytest.param(
            f"A Headline\n09/20/2018Piao Junying |\n\n{BODY}",
            FuzzyDate.day(2018, 9, 20),
            id="us-numeric-date-glued-to-byline",
        ),
        pytest.param(
            f"A Headline\n\nDate : September 16, 2013\n{BODY}",
            FuzzyDate.day(2013, 9, 16),
            id="date-field",
        ),
        pytest.param(
            f"A Headline\n\n(Washington, DC, June 29, 2017) – {BODY}",
            FuzzyDate.day(2017, 6, 29),
            id="ngo-dateline",
        ),
        pytest.param(
            "기사 제목\n입력 2014-10-17 03:00\n\n경찰이 탈북자 6명을 체포했다.",
            FuzzyDate.day(2014, 10, 17),
            id="korean-input-label-iso",
        ),
        pytest.param(
            "新闻标题\n2017年8月7日\n\n警方逮捕了19名朝鲜难民。",
            FuzzyDate.day(2017, 8, 7),
            id="chinese-year-month-day",
        ),
        pytest.param(
            f"A Headline\n\nMarch 2017\n\n{BODY}",
            FuzzyDate.month(2017, 3),
            id="month-year-line",
        ),
        pytest.param(
            f"A Headline\n<https://www.example.org/news/2017/04/23/some-slug>\n\n{BODY}",
            FuzzyDate.day(2017, 4, 23),
            id="date-in-page-url",
        ),
        pytest.param(
            f"A Headline\n\n{BODY}\n\n(c) 2017 Some Organisation",
            FuzzyDate.year(2017),
            id="copyright-year-fallback-c",
        ),
        pytest.param(
            f"A Headline\n\n{BODY}\n\n© 2016 Some Organisation",
            FuzzyDate.year(2016),
            id="copyright-year-fallback-symbol",
        ),
        pytest.param(
            f"A Headline\n\n{BODY} The letter was dated Feb. 15 and released on March 11, 2021.",
            FuzzyDate.unknown(),
            id="event-dates-in-body-ignored",
        ),
    ],
)
def test_publication_date_families(text: str, expected: FuzzyDate) -> None:
    doc = load_document("page.txt", text.encode("utf-8"))
    assert doc.published == expected


def test_top_date_wins_over_body_and_copyright() -> None:
    text = (
        "A Headline\n\nNovember 24, 2015 5:50PM EST\n\n"
        f"{BODY}\n\nOn November 17, 2015, a committee met.\n\n© 2022 Some Organisation"
    )
    assert load_document("p.txt", text.encode()).published == FuzzyDate.day(2015, 11, 24)


def test_missing_date_is_flagged() -> None:
    doc = load_document("p.txt", f"A Headline\n\n{BODY}".encode())
    assert doc.published.precision is Precision.UNKNOWN
    assert "no_publication_date" in doc.flags


def test_copyright_fallback_is_flagged_as_such() -> None:
    doc = load_document("p.txt", f"A Headline\n\n{BODY}\n\n(c) 2017 Org".encode())
    assert "published_from_copyright_year" in doc.flags
    assert "no_publication_date" not in doc.flags


HEADER = (
    "url: https://example.org/2015/11/18/story/\n"
    "title: North Korean defectors arrested in Vietnam\n"
    "published: {published}\n"
    "outlet: UPI\n\n"
    "Advertisement\n\n"
    "June 3, 2001\n\n"
    f"{BODY}\n"
)


def test_corpus_header_fills_document_fields() -> None:
    doc = load_document("x.txt", HEADER.format(published="2015-11-18").encode())
    assert doc.url == "https://example.org/2015/11/18/story/"
    assert doc.title == "North Korean defectors arrested in Vietnam"
    assert doc.outlet == "UPI"
    assert doc.published == FuzzyDate.day(2015, 11, 18)
    assert not doc.clean_text.startswith("url:")
    assert "Advertisement" not in doc.clean_text
    assert doc.clean_text.endswith(BODY)


def test_header_published_unknown_stays_unknown() -> None:
    """The collector said the page carries no date: neither body dates nor the URL override it."""
    doc = load_document("x.txt", HEADER.format(published="unknown").encode())
    assert doc.published == FuzzyDate.unknown()
    assert "no_publication_date" in doc.flags


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2017-09-05", FuzzyDate.day(2017, 9, 5), id="iso-day"),
        pytest.param("2017-09", FuzzyDate.month(2017, 9), id="iso-month"),
        pytest.param("2017", FuzzyDate.year(2017), id="iso-year"),
        pytest.param("2015-11-21T17:29:00+09:00", FuzzyDate.day(2015, 11, 21), id="iso-datetime"),
        pytest.param("21 November 2015", FuzzyDate.day(2015, 11, 21), id="written"),
        pytest.param("sometime", None, id="unreadable"),
    ],
)
def test_header_date_values(value: str, expected: FuzzyDate | None) -> None:
    assert parse_header_date(value) == expected


def test_header_block_needs_known_keys_and_blank_line() -> None:
    assert split_header("Note: this is prose\n\nBody").present == frozenset()
    assert split_header("url: x\ntitle: y").present == frozenset()  # no blank line: not a header
    header = split_header("title: unknown (no headline in excerpt)\noutlet: X\n\nBody")
    assert header.get("title") is None and header.get("outlet") == "X" and header.body == "Body"


def test_markdown_front_matter() -> None:
    text = '---\ntitle: "Nine held"\ntags: [vietnam]\npublished: 2015-11-21\n---\n\nBody text.'
    doc = load_document("note.md", text.encode())
    assert (doc.title, doc.published, doc.clean_text) == (
        "Nine held",
        FuzzyDate.day(2015, 11, 21),
        "Body text.",
    )


def test_text_opening_with_a_sentence_has_no_title() -> None:
    assert load_document("n.txt", BODY.encode()).title is None


@pytest.mark.parametrize(
    ("line", "title", "outlet"),
    [
        pytest.param(
            "China: Don't Return Nine North Korean Refugees | Human Rights WatchSkip to content",
            "China: Don't Return Nine North Korean Refugees",
            "Human Rights Watch",
            id="glued-page-title",
        ),
        pytest.param("A plain headline", "A plain headline", None, id="no-outlet"),
        pytest.param(
            "Teenage N Korean defectors freed - BBC News",
            "Teenage N Korean defectors freed",
            "BBC News",
            id="dash-site-name",
        ),
        pytest.param(
            "Vietnam Deported Nine — and Now They’re Probably Screwed",
            "Vietnam Deported Nine — and Now They’re Probably Screwed",
            None,
            id="dash-inside-headline",
        ),
    ],
)
def test_page_title_split(line: str, title: str, outlet: str | None) -> None:
    assert split_page_title(line) == (title, outlet)


def test_web_dump_title_and_outlet_from_first_line() -> None:
    text = f"Nine Held in Vietnam | Example Daily\n\nNine Held in Vietnam\n\n{BODY}"
    doc = load_document("dump.txt", text.encode())
    assert (doc.title, doc.outlet) == ("Nine Held in Vietnam", "Example Daily")


@pytest.mark.parametrize(
    ("outlet", "title", "text", "expected"),
    [
        pytest.param(
            "Human Rights Watch", "China: Don't Return", BODY, SourceType.NGO_RELEASE, id="ngo"
        ),
        pytest.param("OHCHR", "Communication", BODY, SourceType.UN_COMMUNICATION, id="un-body"),
        pytest.param(
            "Radio Free Asia (via Refworld)",
            "Burma sends",
            BODY,
            SourceType.NEWS,
            id="news-via-un-site",
        ),
        pytest.param(
            "Human Rights Watch",
            "Letter from Human Rights Watch to President Xi Jinping",
            "Dear President Xi Jinping,\nWe write...",
            SourceType.LETTER,
            id="letter",
        ),
        pytest.param(
            None, "UN asks China not to send 7 refugees", BODY, SourceType.NEWS, id="news-about-un"
        ),
        pytest.param("Reuters", "Eleven detained", BODY, SourceType.NEWS, id="news"),
        pytest.param(None, "Crackdowns", BODY, SourceType.NEWS, id="no-outlet-news"),
        pytest.param(
            None,
            "UN experts urge China not to return five North Koreans",
            BODY,
            SourceType.UN_COMMUNICATION,
            id="un-experts-release-title",
        ),
        pytest.param(
            None,
            "China: UN human rights experts alarmed by returns",
            BODY,
            SourceType.UN_COMMUNICATION,
            id="un-experts-after-country",
        ),
        pytest.param(
            "Reuters",
            "UN experts urge China to halt returns",
            BODY,
            SourceType.NEWS,
            id="news-outlet-with-un-headline",
        ),
    ],
)
def test_source_type_guess(outlet: str | None, title: str, text: str, expected: SourceType) -> None:
    assert guess_source_type(outlet, title, text) is expected


def test_copyright_footer_names_the_publisher_when_outlet_unknown() -> None:
    footer = f"{BODY}\n\n(c) 2017 Human Rights Watch\n"
    assert guess_source_type(None, "Crackdowns", BODY, footer) is SourceType.NGO_RELEASE
    credit = f"A photo. © 2015 Reuters\n{BODY}"  # a photo credit is not a footer line
    assert guess_source_type(None, "Crackdowns", BODY, credit) is SourceType.NEWS


def test_reliability_follows_source_type() -> None:
    text = f"Title | Human Rights Watch\n\n{BODY}"
    doc = load_document("r.txt", text.encode())
    assert doc.source_type is SourceType.NGO_RELEASE
    assert doc.reliability == DEFAULT_RELIABILITY[SourceType.NGO_RELEASE]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param(BODY, "en", id="english"),
        pytest.param(
            "경찰이 라오스에서 탈북자 6명을 체포했다고 밝혔다. Reuters 보도.", "ko", id="korean"
        ),
        pytest.param("警方周五在泰北边境地区逮捕了19名朝鲜难民。", "zh", id="chinese"),
        pytest.param(
            "La police a arrêté neuf réfugiés nord-coréens près de la frontière chinoise hier.",
            "fr",
            id="french-via-langid",
        ),
        pytest.param("12345 — 678", None, id="no-letters"),
    ],
)
def test_language_detection(text: str, code: str | None) -> None:
    assert detect_language(text) == code


def test_find_published_reports_family() -> None:
    value, family = find_published("Headline\n\nNo dates here.", "Headline", None)
    assert (value, family) == (FuzzyDate.unknown(), "none")
    _value, family = find_published("Headline", "Headline", "https://x.org/2020/05/story")
    assert family == "url"


@pytest.mark.parametrize(
    ("name", "published", "language"),
    [
        pytest.param("seeds/000_1f8cb8fac909ba64.txt", "2015-11-21", "en", id="seed-date-line"),
        pytest.param("seeds/001_f9290cfb78d63ed9.txt", "2017-04-23", "en", id="seed-url"),
        pytest.param("seeds/002_900f55720112a6a4.txt", None, "en", id="seed-undated"),
        pytest.param("seeds/003_dd61f38f9d85066e.txt", "2017", "en", id="seed-copyright"),
        pytest.param("seeds/004_11e3825e5b773045.txt", "2015-11-24", "en", id="seed-letter"),
    ],
)
def test_seed_metadata(corpus_dir: Path, name: str, published: str | None, language: str) -> None:
    path = corpus_dir / name
    doc = load_document(path.name, path.read_bytes())
    assert doc.published.to_edtf() == published
    assert doc.language == language


def test_corpus_headers_agree_with_gold_dates(corpus_dir: Path) -> None:
    """Every header date (or its absence) matches the annotators' publication date."""
    for folder in ("dev", "ko", "zh"):
        for path in sorted((corpus_dir / folder).glob("*.txt")):
            gold = json.loads(path.with_name(path.stem + ".gold.json").read_text(encoding="utf-8"))
            doc = load_document(path.name, path.read_bytes())
            assert doc.published.to_edtf() == gold["published"], path.name
            assert doc.language == gold["language"], path.name


def test_ingested_at_and_by_recorded() -> None:
    now = dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.UTC)
    doc = load_document("p.txt", BODY.encode(), ingested_by="reviewer", now=now)
    assert (doc.ingested_at, doc.ingested_by) == (now, "reviewer")
