"""The leading `key: value` block some files carry (the corpus format: url/title/published/outlet,
or Markdown front matter between '---' fences).

Only a block made entirely of known keys and closed by a blank line counts, so an article that
happens to open with "Date : September 16" or "Note: ..." is not swallowed as a header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Keys seen in collected files, and the Document field each feeds. Aliases are what other
# collectors write for the same thing (source/site for outlet, date for published).
HEADER_KEYS: dict[str, str] = {
    "url": "url",
    "link": "url",
    "source_url": "url",
    "title": "title",
    "headline": "title",
    "published": "published",
    "date": "published",
    "outlet": "outlet",
    "source": "outlet",
    "site": "outlet",
    "collector": "collector",
    "collected_by": "collector",
    "language": "language",
    "lang": "language",
    "author": "author",
}
_HEADER_LINE = re.compile(r"^(?P<key>[A-Za-z_]+)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$")
# A value that says "we do not know" is recorded as unknown, not as the literal word.
UNKNOWN_VALUE = re.compile(r"^(?:unknown|n/?a|none|null|-)?(?:\s*\(.*\))?$", re.IGNORECASE)
# More lines than this is a body that happens to use colons, not a header.
MAX_HEADER_LINES = 12
# Markdown notes often open with YAML front matter between '---' fences.
FRONT_MATTER_FENCE = "---"
MAX_FRONT_MATTER_LINES = 40


@dataclass(frozen=True)
class Header:
    """Fields read from a header block (None = absent or 'unknown') and the body after it."""

    fields: dict[str, str | None] = field(default_factory=dict)
    present: frozenset[str] = frozenset()
    body: str = ""

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


def split_header(text: str) -> Header:
    """Split a leading header block (corpus style or Markdown front matter) from the text.

    Header(body=text) when the text has none.
    """
    lines = text.split("\n")
    front = _front_matter_end(lines)
    if front is not None:
        return _header(lines[1:front], lines[front + 1 :])
    end = _header_end(lines)
    if end is None:
        return Header(body=text)
    return _header(lines[:end], lines[end + 1 :])


def _header(header_lines: list[str], body_lines: list[str]) -> Header:
    fields: dict[str, str | None] = {}
    for line in header_lines:
        match = _HEADER_LINE.match(line)
        if match is None or match["key"].lower() not in HEADER_KEYS:
            continue  # front matter may carry keys we do not use (tags, layout...)
        name = HEADER_KEYS[match["key"].lower()]
        value = match["value"].strip("\"'")
        fields.setdefault(name, None if UNKNOWN_VALUE.match(value) else value)
    return Header(fields=fields, present=frozenset(fields), body="\n".join(body_lines))


def _front_matter_end(lines: list[str]) -> int | None:
    """Index of the closing '---' of a Markdown front-matter block opening the text."""
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return None
    for index in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 1)):
        if lines[index].strip() in (FRONT_MATTER_FENCE, "..."):
            return index
    return None


def _header_end(lines: list[str]) -> int | None:
    """Index of the blank line that closes a header block of known keys, if the text has one."""
    for index, line in enumerate(lines[: MAX_HEADER_LINES + 1]):
        if not line.strip():
            return index if index > 0 else None
        match = _HEADER_LINE.match(line)
        if match is None or match["key"].lower() not in HEADER_KEYS:
            return None
    return None
