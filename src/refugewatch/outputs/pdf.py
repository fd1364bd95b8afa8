"""A draft as PDF (fpdf2), laid out from its HTML so both say exactly the same thing.

A Unicode TrueType font (DejaVu Sans, then Liberation Sans) is used where the system has one, so
"Móng Cái" prints as written; without one, the PDF falls back to the core Helvetica font and text
is transliterated to Latin-1 ("Mong Cai"), never dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from refugewatch.outputs.draft import Draft

# (family name, regular, bold, italic, bold italic) in order of preference.
FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts"))
FONT_CANDIDATES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "DejaVuSans",
        "dejavu/DejaVuSans.ttf",
        "dejavu/DejaVuSans-Bold.ttf",
        "dejavu/DejaVuSans-Oblique.ttf",
        "dejavu/DejaVuSans-BoldOblique.ttf",
    ),
    (
        "LiberationSans",
        "liberation/LiberationSans-Regular.ttf",
        "liberation/LiberationSans-Bold.ttf",
        "liberation/LiberationSans-Italic.ttf",
        "liberation/LiberationSans-BoldItalic.ttf",
    ),
)
CORE_FONT = "helvetica"
FONT_SIZE = 10.5
# Punctuation Latin-1 lacks, mapped to the nearest ASCII for the core-font fallback.
ASCII_PUNCTUATION = {
    "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "•": "-", "\u00a0": " ",
}  # fmt: skip
BODY = re.compile(r"<body>(.*)</body>", re.DOTALL)


@dataclass(frozen=True)
class Font:
    family: str
    files: tuple[Path, Path, Path, Path] | None  # None: a core font, Latin-1 only

    @property
    def unicode(self) -> bool:
        return self.files is not None


def find_font(dirs: Sequence[Path] = FONT_DIRS) -> Font:
    """The first candidate font with all four styles installed, else the core font."""
    for family, *names in FONT_CANDIDATES:
        for root in dirs:
            paths = tuple(root / name for name in names)
            if all(p.is_file() for p in paths):
                return Font(family, (paths[0], paths[1], paths[2], paths[3]))
    return Font(CORE_FONT, None)


def render_pdf(draft: Draft, font: Font | None = None) -> bytes:
    """The draft's HTML body laid out on A4 pages."""
    font = font or find_font()
    pdf = FPDF(format="A4")
    pdf.set_title(_text(draft.title, font))
    pdf.set_creator("refugewatch")
    pdf.set_auto_page_break(auto=True, margin=18)
    if font.files is not None:
        for style, path in zip(("", "B", "I", "BI"), font.files, strict=True):
            pdf.add_font(font.family, style, str(path))
    pdf.add_page()
    pdf.set_font(font.family, size=FONT_SIZE)
    pdf.write_html(_text(_body(draft.html), font), font_family=font.family)
    return bytes(pdf.output())


def _body(html: str) -> str:
    match = BODY.search(html)
    return match.group(1) if match else html


def _text(text: str, font: Font) -> str:
    return text if font.unicode else transliterate(text)


def transliterate(text: str) -> str:
    """Latin-1 text for core fonts: accents folded ("Móng Cái" -> "Mong Cai"), others as "?"."""
    out = []
    for char in text:
        char = ASCII_PUNCTUATION.get(char, char)
        if len(char) == 1 and ord(char) > 255:
            decomposed = unicodedata.normalize("NFKD", char)
            char = "".join(c for c in decomposed if ord(c) < 256 and not unicodedata.combining(c))
            char = char or "?"
        out.append(char)
    return "".join(out)
