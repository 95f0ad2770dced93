"""CSV and xlsx exports of the statistics (the files the secretariat sends to the budget team)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a BOM: what a French spreadsheet opens without an import wizard.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], rows: list[list], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
