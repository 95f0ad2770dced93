"""A workbook is a zip: it is refused on its declared sizes before anything is decompressed.

The bomb of the finding is rebuilt here: a valid xlsx whose sheet holds about 300 MB of
identical rows and weighs about 1 MB, written entry by entry with zipfile (streamed, never held
in memory). Through the import page and through the reader, it is refused with a French reason,
nothing is written, and the check reads only the end of the file: it never decompresses it.
A part compressed beyond the ratio, an archive of too many entries and a compression method
that no office suite uses are refused the same way; the same workbook with fewer rows is read."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.importers.errors import ImportRejected
from governance.importers.services import import_file
from governance.models import EPCI, AuditEvent, Commune, ImportRun, Mandate, Person

pytestmark = pytest.mark.django_db

DGCL = (
    Path(__file__).parents[1]
    / "governance/fixtures/dgcl_epcicom2026_sheet_Epcicom2025__m2a_amp.csv"
)
HEADER = DGCL.read_text(encoding="utf-8").splitlines()[0].split(",")  # the real file's header
SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"
# One repeated row: short (one cell where the header has fourteen), so that a reader which did
# parse the sheet would stop at the first twenty errors instead of chewing through it.
ROW = b'<row><c t="inlineStr"><is><t>68224 Villetest BOMBE</t></is></c></row>'
MB = 1024 * 1024


def _header_row() -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in HEADER)
    return f"<row>{cells}</row>"


def write_workbook(path: Path, *, sheet_bytes: int, extra_entries: int = 0, method=None) -> Path:
    """A valid one-sheet xlsx (the parts openpyxl writes) whose sheet has the DGCL header then
    ``sheet_bytes`` of identical rows, streamed into the zip."""
    template = openpyxl.Workbook()
    template.active.title = "Epcicom2025"
    buffer = io.BytesIO()
    template.save(buffer)
    method = method or zipfile.ZIP_DEFLATED
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info))
        target.compression = method
        with target.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write((SHEET_START + _header_row()).encode())
            rows = sheet_bytes // len(ROW)
            chunk = 16384
            for start in range(0, rows, chunk):
                sheet.write(ROW * min(chunk, rows - start))
            sheet.write(SHEET_END.encode())
        target.compression = zipfile.ZIP_DEFLATED
        for n in range(extra_entries):
            target.writestr(f"xl/media/vide{n}.bin", b"")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return write_workbook(
        tmp_path_factory.mktemp("bomb") / "epcicom2026.xlsx", sheet_bytes=300 * MB
    )


def snapshot():
    return [list(m.objects.order_by("pk").values()) for m in (EPCI, Commune, Person, Mandate)]


class CountingFile:
    """A file that counts the bytes read from it."""

    def __init__(self, raw):
        self.raw, self.bytes_read = raw, 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.bytes_read += len(data)
        return data

    def seek(self, *args):
        return self.raw.seek(*args)

    def tell(self):
        return self.raw.tell()

    def seekable(self):
        return True


def test_the_reader_refuses_the_bomb_without_decompressing_it(bomb):
    with zipfile.ZipFile(bomb) as archive:  # the bomb of the finding: 1 MB, 300 MB inflated
        assert sum(info.file_size for info in archive.infolist()) > 300 * MB
    assert bomb.stat().st_size < 2 * MB
    before = snapshot()
    with open(bomb, "rb") as raw:
        counted = CountingFile(raw)
        tracemalloc.start()
        try:
            with pytest.raises(ImportRejected) as rejected:
                import_file(fileobj=counted, name=bomb.name, epci=None, siren="200066009")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    message = rejected.value.message
    assert "Une fois décompressé, le fichier occuperait" in message
    assert "la limite est de 100,0\xa0Mio" in message and "CSV" in message
    assert snapshot() == before
    # Only the end of the file was read (the end record, searched for in the last 64 KiB, and
    # the central directory), not the megabyte of compressed rows...
    assert counted.bytes_read < bomb.stat().st_size / 4
    # ...and memory stayed far below what the rows take once decompressed.
    assert peak < 20 * MB


def test_the_import_page_refuses_the_bomb_and_the_run_says_why(
    client, secretariat, epci, django_capture_on_commit_callbacks, bomb
):
    before = snapshot()
    client.force_login(secretariat)
    upload = SimpleUploadedFile(bomb.name, bomb.read_bytes(), "application/octet-stream")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("governance:import_list"), {"file": upload, "kind": "auto"})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.status == ImportRun.Status.REJECTED
    assert "Une fois décompressé, le fichier occuperait" in run.error
    assert not run.file  # its type never known: deleted, like any rejected file
    assert snapshot() == before
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "import.queued",
        "import.rejected",
    }
    page = client.get(reverse("governance:import_detail", args=[run.pk])).content.decode()
    assert "Une fois décompressé, le fichier occuperait" in page


def test_a_part_compressed_beyond_the_ratio_is_refused(tmp_path):
    """20 MB of identical rows stay under the total limit: the ratio gives them away."""
    path = write_workbook(tmp_path / "petit.xlsx", sheet_bytes=20 * MB)
    assert path.stat().st_size < 200 * 1024
    with open(path, "rb") as fileobj, pytest.raises(ImportRejected) as rejected:
        import_file(fileobj=fileobj, name=path.name, epci=None, siren="200066009")
    assert "un élément compressé" in rejected.value.message
    assert "au-delà de 100 fois" in rejected.value.message


def test_too_many_entries_are_refused(tmp_path):
    path = write_workbook(tmp_path / "morcele.xlsx", sheet_bytes=0, extra_entries=1500)
    with open(path, "rb") as fileobj, pytest.raises(ImportRejected) as rejected:
        import_file(fileobj=fileobj, name=path.name, epci=None, siren="200066009")
    assert "plus de 1000 éléments compressés" in rejected.value.message


def test_a_compression_method_office_suites_do_not_use_is_refused(tmp_path):
    """bzip2 would decompress a whole block at each read, whatever size the entry declares."""
    path = write_workbook(tmp_path / "bzip2.xlsx", sheet_bytes=0, method=zipfile.ZIP_BZIP2)
    with open(path, "rb") as fileobj, pytest.raises(ImportRejected) as rejected:
        import_file(fileobj=fileobj, name=path.name, epci=None, siren="200066009")
    assert "méthode de compression" in rejected.value.message


def test_the_same_workbook_with_fewer_rows_is_read(tmp_path):
    """Under the limits, openpyxl reads it: the DGCL header is recognised and its rows judged
    (they hold no SIREN)."""
    path = write_workbook(tmp_path / "normal.xlsx", sheet_bytes=50 * 1024)
    with open(path, "rb") as fileobj, pytest.raises(ImportRejected) as rejected:
        import_file(fileobj=fileobj, name=path.name, epci=None, siren="200066009")
    assert rejected.value.summary.kind == "epcicom"
    assert "Ligne 2, colonne « siren » : SIREN invalide" in rejected.value.message
