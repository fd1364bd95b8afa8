"""The leading `key: value` block some files carry (the corpus format: url/title/published/outlet).

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


@dataclass(frozen=True)
class Header:
    """Fields read from a header block (None = absent or 'unknown') and the body after it."""

    fields: dict[str, str | None] = field(default_factory=dict)
    present: frozenset[str] = frozenset()
    body: str = ""

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


def split_header(text: str) -> Header:
    """Split a leading known-key header block from the text; Header(body=text) when none."""
    lines = text.split("\n")
    end = _header_end(lines)
    if end is None:
        return Header(body=text)
    fields: dict[str, str | None] = {}
    for line in lines[:end]:
        match = _HEADER_LINE.match(line)
        assert match is not None  # _header_end checked every line
        name = HEADER_KEYS[match["key"].lower()]
        value = match["value"]
        fields.setdefault(name, None if UNKNOWN_VALUE.match(value) else value)
    body = "\n".join(lines[end + 1 :])
    return Header(fields=fields, present=frozenset(fields), body=body)


def _header_end(lines: list[str]) -> int | None:
    """Index of the blank line that closes a header block of known keys, if the text has one."""
    for index, line in enumerate(lines[: MAX_HEADER_LINES + 1]):
        if not line.strip():
            return index if index > 0 else None
        match = _HEADER_LINE.match(line)
        if match is None or match["key"].lower() not in HEADER_KEYS:
            return None
    return None
