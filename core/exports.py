"""The one tabular writer behind every CSV and xlsx download of the portal.

A header and rows go out as CSV (semicolons and a BOM: what a French spreadsheet opens without
an import wizard) or as xlsx (openpyxl, write-only mode), and both apply the same rule to every
cell, header included, because the text comes from users (questionnaire answers, offer names,
audit details): a text cell that starts with "=", "+", "-", "@", a tab or a carriage return is
prefixed with a single quote, so that a spreadsheet shows it instead of running it as a formula
(OWASP, "CSV Injection"). Numbers stay numbers: a negative number is a value, not a formula.

Formats come from a fixed list: `<export_format:fmt>` (core.converters) in a URL pattern
matches "csv" or "xlsx" only (anything else is a 404), and the file name is built by the
caller's code, set through Django's `content_disposition_header` (quoted, RFC 5987-encoded when
needed), never echoed from the request.

API:
    neutralise(value) -> value                      # the rule above, for one cell
    csv_chunks(header, rows) -> Iterator[str]       # BOM, then one line per row (streamable)
    to_csv(header, rows) -> bytes                   # UTF-8 with BOM, ";"
    to_xlsx(header, rows, *, title) -> bytes        # one sheet, text cells stored as strings
    export_response(*, fmt, basename, header, rows, title, stream=False) -> HttpResponse
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.utils import get_column_letter

CSV = "csv"
XLSX = "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# What a spreadsheet reads as the start of a formula (or, for tab and carriage return, what it
# strips before reading one).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Values written as they are: the spreadsheet stores them as numbers, dates or booleans.
_NATIVE = (bool, int, float, Decimal, dt.date)


def neutralise(value):
    """The cell as it may be written: None as an empty cell, numbers and dates untouched, any
    other value as text, with a leading quote when it starts like a formula."""
    if value is None:
        return ""
    if isinstance(value, _NATIVE):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_text(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"  # "12", not "12.00" or "1.2E+1"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_chunks(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV as text, a line at a time: the caller may stream it however long the table."""
    line = _Line()
    writer = csv.writer(line, delimiter=";")
    yield "\ufeff"
    for row in _with_header(header, rows):
        yield writer.writerow([_csv_text(neutralise(value)) for value in row])


def to_csv(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    return "".join(csv_chunks(header, rows)).encode("utf-8")


def to_xlsx(header: list, rows: Iterable[Iterable], *, title: str) -> bytes:
    """One sheet, the header frozen. Text cells are written with the string type, so that
    openpyxl never stores one as a formula (it does for any str starting with "=")."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(str(name)) + 2)
    sheet.freeze_panes = "A2"
    for row in _with_header(header, rows):
        sheet.append([_xlsx_cell(sheet, neutralise(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value):
    if isinstance(value, _NATIVE):
        return value
    # Control characters are not allowed in the file format: dropped rather than a failed export.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = TYPE_STRING
    return cell


def export_response(
    *,
    fmt: str,
    basename: str,
    header: list,
    rows: Iterable[Iterable],
    title: str,
    stream: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """The download of a table: `basename` is built by the caller's code, the extension and the
    content type follow the format. `stream` sends a CSV as it is written (long tables)."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unknown export format: {fmt!r}")
    content_type = CONTENT_TYPES[fmt]
    if fmt == XLSX:
        response = HttpResponse(to_xlsx(header, rows, title=title), content_type=content_type)
    elif stream:
        chunks = (chunk.encode("utf-8") for chunk in csv_chunks(header, rows))
        response = StreamingHttpResponse(chunks, content_type=content_type)
    else:
        response = HttpResponse(to_csv(header, rows), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{basename}.{fmt}"
    )
    return response


def _with_header(header, rows):
    yield header
    yield from rows


class _Line:
    """A file that hands back what the csv writer writes (one line per writerow)."""

    def write(self, value):
        return value
