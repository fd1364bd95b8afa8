"""Evidence highlighting: escaped, well nested, one anchor per span, text preserved exactly."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refugewatch.model.claims import Claim, ClaimKind, Evidence
from refugewatch.web.highlight import Mark, anchor_id, highlight, locate, marks_for_claims

TAG = re.compile(r"<[^>]*>")


def plain(markup: str) -> str:
    return html.unescape(TAG.sub("", markup))


class NestingChecker(HTMLParser):
    """Records ids and checks every <mark> closes in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.max_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "mark", f"unexpected element <{tag}>"
        self.stack.append(tag)
        self.max_depth = max(self.max_depth, len(self.stack))
        self.ids += [v for k, v in attrs if k == "id" and v]

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag


def check(markup: str) -> NestingChecker:
    parser = NestingChecker()
    parser.feed(markup)
    parser.close()
    assert parser.stack == []
    return parser


texts = st.text(alphabet=st.sampled_from(list("ab <>&\"'\n북한")), max_size=60)


@st.composite
def text_and_marks(draw: st.DrawFn) -> tuple[str, list[Mark]]:
    text = draw(texts)
    n = len(text)
    spans = draw(st.lists(st.tuples(st.integers(-3, n + 3), st.integers(-3, n + 3)), max_size=12))
    marks = [Mark(f"span-{i}", a, b, title=f'claim "{i}" <x>') for i, (a, b) in enumerate(spans)]
    return text, marks


@given(text_and_marks())
def test_highlight_keeps_the_text_exactly(case: tuple[str, list[Mark]]) -> None:
    text, marks = case
    assert plain(str(highlight(text, marks))) == text


@given(text_and_marks())
def test_highlight_nests_properly_and_anchors_each_valid_span_once(
    case: tuple[str, list[Mark]],
) -> None:
    text, marks = case
    parser = check(str(highlight(text, marks)))
    valid = sorted(m.anchor for m in marks if 0 <= m.start < m.end <= len(text))
    assert sorted(parser.ids) == valid


@given(text_and_marks())
def test_highlight_never_emits_raw_markup_from_the_text(case: tuple[str, list[Mark]]) -> None:
    text, marks = case
    markup = str(highlight(text, marks))
    assert "<" not in TAG.sub("", markup)
    assert all(tag.startswith(("<mark", "</mark")) for tag in TAG.findall(markup))


def test_overlapping_spans_are_split_into_nested_marks() -> None:
    text = "Nine people were arrested in Mong Cai on 3 October."
    a = Mark("span-a", 0, 25)  # "Nine people were arrested"
    b = Mark("span-b", 17, 37)  # "arrested in Mong Cai"
    markup = str(highlight(text, [a, b]))
    assert markup == (
        '<mark id="span-a">Nine people were </mark>'
        '<mark><mark id="span-b">arrested</mark></mark>'
        "<mark> in Mong Cai</mark> on 3 October."
    )


def test_hostile_text_and_titles_are_escaped() -> None:
    text = "<script>alert(1)</script> and <img src=x onerror=alert(2)>"
    markup = str(highlight(text, [Mark("span-x", 0, 8, title='"><script>')]))
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert 'title="&#34;&gt;&lt;script&gt;"' in markup
    assert "onerror=alert(2)&gt;" in markup


def test_a_deep_pile_of_identical_spans_still_anchors_every_one() -> None:
    marks = [Mark(f"span-{i}", 0, 4) for i in range(20)]
    parser = check(str(highlight("text", marks)))
    assert sorted(parser.ids) == sorted(m.anchor for m in marks)


@pytest.mark.parametrize(
    ("text", "start", "end", "quote", "expected"),
    [
        ("alpha beta gamma", 6, 10, "beta", (6, 10)),
        ("alpha beta gamma", 0, 4, "beta", (6, 10)),
        ("beta alpha beta", 12, 16, "beta", (11, 15)),
        ("alpha beta gamma", 6, 10, "delta", None),
        ("alpha", 3, 99, "", None),
        ("alpha", 1, 3, "", (1, 3)),
    ],
    ids=[
        "offsets-match",
        "moved-text",
        "nearest-occurrence",
        "quote-gone",
        "bad-offsets",
        "no-quote",
    ],
)
def test_locate(
    text: str, start: int, end: int, quote: str, expected: tuple[int, int] | None
) -> None:
    assert locate(text, start, end, quote) == expected


def test_marks_for_claims_reports_evidence_it_cannot_find() -> None:
    text = "Five were detained in Dandong."

    def claim(quote: str, start: int) -> Claim:
        ev = Evidence("d" * 64, "v1", start, start + len(quote), quote)
        return Claim("d" * 64, ClaimKind.STATUS, {"status": "detained", "q": quote}, ev)

    found, gone = claim("detained in Dandong", 10), claim("released in Seoul", 3)
    marks, missing = marks_for_claims(text, [found, gone])
    assert [m.anchor for m in marks] == [anchor_id(found.id)]
    assert (marks[0].start, marks[0].end) == (10, 29)
    assert missing == [gone]
