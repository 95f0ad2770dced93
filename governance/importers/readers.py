"""Reading official files as tables of text cells: CSV in UTF-8 (with or without BOM), or the
first sheet of an Excel workbook. Columns are found by name, never by position.

Rows are streamed, so a national file (the RNE lists half a million councillors) is never held in
memory; only the cells a parser asks for are handed out, so a column such as the date of birth
is never extracted at all. A workbook is a zip: its declared sizes are checked against the limits
of core.uploads.open_zip before openpyxl reads any of it."""

from __future__ import annotations

import codecs
import csv
import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from core.uploads import UnsafeArchive, open_zip
from governance.importers.errors import ErrorCollector, ImportRejected
from governance.text import normalise

ProgressCallback = Callable[[int, int | None], None]

PROGRESS_EVERY = 500
HEADER_SCAN_LINES = 10  # a title line or two may precede the header in hand-made sheets
CANDIDATE_DELIMITERS = (";", ",", "\t")
ENCODING_MESSAGE = "Encodage invalide : le fichier doit être en UTF-8 (ligne {line})."
_XLSX_MAGIC = b"PK\x03\x04"
_CHUNK = 1 << 16


@dataclass(frozen=True)
class HeaderCandidate:
    line: int
    delimiter: str | None  # None for a spreadsheet
    cells: tuple[str, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(normalise(cell) for cell in self.cells if cell)


def _cell_text(value: Any) -> str:
    """Spreadsheet cell → text as it would appear in the CSV edition of the file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _clean_header(cell: str) -> str:
    return cell.replace("\ufeff", "").strip()


def _binary_lines(fileobj: IO[bytes]) -> Iterator[bytes]:
    """Lines with their terminator, read in chunks (file objects differ in how they iterate)."""
    pending = b""
    while chunk := fileobj.read(_CHUNK):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line + b"\n"
    if pending:
        yield pending


@dataclass
class Table:
    """The rows below a header, as dicts of the requested columns only."""

    source: Source
    header: HeaderCandidate
    total_rows: int | None = None
    columns: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, cell in enumerate(self.header.cells):
            if cell:
                self.columns.setdefault(normalise(cell), index)

    def has(self, name: str) -> bool:
        return normalise(name) in self.columns

    def with_prefix(self, prefix: str) -> list[str]:
        """Original names of the columns starting with ``prefix`` (e.g. ``pmun_2025``)."""
        wanted = normalise(prefix)
        return [cell for cell in self.header.cells if cell and normalise(cell).startswith(wanted)]

    def rows(
        self,
        columns: Sequence[str],
        errors: ErrorCollector,
        progress: ProgressCallback | None = None,
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield ``(line number, {column name: text})`` for each non-empty data row."""
        indexes = {name: self.columns[normalise(name)] for name in columns}
        width = max(self.columns.values()) + 1
        done = 0
        for line, cells in self.source.data_rows(self.header, errors):
            if not any(cells):
                continue
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, self.total_rows)
            if len(cells) < width:
                errors.add(line, None, f"{len(cells)} champs au lieu de {width} attendus.")
                continue
            yield line, {name: cells[index].strip() for name, index in indexes.items()}
        if progress:
            progress(done, done)


class Source:
    """An opened official file: CSV or xlsx, told apart by content, not by name."""

    def __init__(self, fileobj: IO[bytes], name: str = "") -> None:
        self.fileobj = fileobj
        self.name = name
        self.fileobj.seek(0)
        self.is_xlsx = self.fileobj.read(4) == _XLSX_MAGIC
        self.fileobj.seek(0)
        self._workbook = None

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # Header detection -----------------------------------------------------------------------

    def header_candidates(self) -> list[HeaderCandidate]:
        """Each of the first lines, split every plausible way; formats pick the one they know."""
        if self.is_xlsx:
            sheet = self._sheet()
            rows = sheet.iter_rows(max_row=HEADER_SCAN_LINES, values_only=True)
            return [
                HeaderCandidate(line, None, tuple(_clean_header(_cell_text(c)) for c in row))
                for line, row in enumerate(rows, start=1)
            ]
        candidates = []
        errors = ErrorCollector()
        for line, text in enumerate(self._text_lines(errors), start=1):
            if line > HEADER_SCAN_LINES:
                break
            for delimiter in CANDIDATE_DELIMITERS:
                try:
                    cells = next(csv.reader([text], delimiter=delimiter), [])
                except csv.Error:
                    continue  # e.g. a stray carriage return: not a header line this way
                candidates.append(
                    HeaderCandidate(line, delimiter, tuple(_clean_header(c) for c in cells))
                )
        return candidates

    def table(self, header: HeaderCandidate) -> Table:
        return Table(source=self, header=header, total_rows=self._count_rows(header))

    # Rows -------------------------------------------------------------------------------------

    def data_rows(
        self, header: HeaderCandidate, errors: ErrorCollector
    ) -> Iterator[tuple[int, list[str]]]:
        if self.is_xlsx:
            rows = self._sheet().iter_rows(min_row=header.line + 1, values_only=True)
            width = len(header.cells)
            for line, row in enumerate(rows, start=header.line + 1):
                cells = [_cell_text(cell) for cell in row]
                # Trailing empty cells of a sheet row may simply not be stored.
                yield line, cells + [""] * (width - len(cells))
            return
        lines = self._text_lines(errors)
        for _ in range(header.line):
            next(lines, None)
        reader = csv.reader(lines, delimiter=header.delimiter or ",")
        try:
            for cells in reader:
                yield header.line + reader.line_num, cells
        except csv.Error as exc:
            errors.add(header.line + reader.line_num + 1, None, f"CSV illisible ({exc}).")
            raise ImportRejected(errors.errors) from exc

    def _text_lines(self, errors: ErrorCollector) -> Iterator[str]:
        self.fileobj.seek(0)
        for line, raw in enumerate(_binary_lines(self.fileobj), start=1):
            if line == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                # A file saved in Latin-1 or Windows-1252 by a spreadsheet: the accents would be
                # garbled, so the whole file is refused rather than half-read.
                errors.add(line, None, ENCODING_MESSAGE.format(line=line))
                raise ImportRejected(errors.errors) from exc

    def _count_rows(self, header: HeaderCandidate) -> int | None:
        """Number of lines below the header, for the progress bar (approximate for CSV files
        whose quoted cells span lines)."""
        if self.is_xlsx:
            max_row = self._sheet().max_row
            return max(0, max_row - header.line) if max_row else None
        self.fileobj.seek(0)
        count, last = 0, b"\n"
        while chunk := self.fileobj.read(_CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
        if last != b"\n":
            count += 1
        self.fileobj.seek(0)
        return max(0, count - header.line)

    def _sheet(self):
        if self._workbook is None:
            from zipfile import BadZipFile

            import openpyxl

            try:
                # A 1 MB workbook can expand to hundreds of MB: refused on its declared sizes,
                # before anything is decompressed.
                open_zip(self.fileobj).close()
            except UnsafeArchive as exc:
                raise ImportRejected.single(
                    f"{exc} Enregistrez le classeur en CSV UTF-8 ou découpez-le."
                ) from exc
            self.fileobj.seek(0)
            try:
                self._workbook = openpyxl.load_workbook(
                    self.fileobj, read_only=True, data_only=True
                )
            except (BadZipFile, KeyError, OSError, ValueError) as exc:
                raise ImportRejected.single(
                    "Classeur Excel illisible : enregistrez-le au format .xlsx ou en CSV UTF-8."
                ) from exc
            if not self._workbook.worksheets:
                raise ImportRejected.single("Le classeur ne contient aucune feuille.")
        return self._workbook.worksheets[0]
