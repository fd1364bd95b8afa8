"""Regenerate the bundled PDF example (a UN communication) from the text below.

Run: .venv/bin/python examples/build_pdf.py   (fpdf2 writes a real text layer that ingest reads)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

TITLE = "UN experts urge China not to return five North Koreans held in Qingdao"
PUBLISHED = "Geneva, 30 December 2020"
BODY = [
    "United Nations special rapporteurs have written to the Government of China about five North "
    "Korean nationals held in Qingdao, according to a communication made public on 30 December 2020.",
    "According to the information received, the five were detained by Chinese authorities on "
    "13 September 2020 and taken to a police station in Qingdao the same day. They include a "
    "14-year-old girl and a woman who is six months pregnant.",
    "The Special Rapporteur on the situation of human rights in the Democratic People's Republic of "
    "Korea and the Special Rapporteur on torture asked China not to repatriate the group, to disclose "
    "their whereabouts and to allow UNHCR access to them, recalling the principle of non-refoulement "
    "under article 3 of the Convention against Torture.",
]


def build(target: Path) -> None:
    pdf = FPDF()
    # A fixed creation date keeps the bytes (and so the sha256) the same on every rebuild.
    pdf.set_creation_date(dt.datetime(2020, 12, 30, tzinfo=dt.UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 7, PUBLISHED, new_x="LMARGIN", new_y="NEXT")
    for paragraph in BODY:
        pdf.ln(3)
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(target))


if __name__ == "__main__":
    build(Path(__file__).parent / "reports" / "07-un-rapporteurs-qingdao-five.pdf")
