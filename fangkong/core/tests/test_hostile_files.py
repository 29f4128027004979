"""Files built to exhaust the reader: refused before calamine sees them, with a message, the server alive.

calamine allocates every cell from A1 to the farthest one at once and aborts the process when that
fails, so each xlsx here is checked with calamine made to fail the test if it is ever called.
"""

import random
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from fangkong.core.imports import ImportFileError, read_rows, reading
from fangkong.core.models import Job
from fangkong.people.imports import ArrivalImporter
from fangkong.people.tests.test_imports import OLD_EXCEL

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="{sheet}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)
SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}'
    "<sheetData>{rows}</sheetData></worksheet>"
)
TEXT_CELL = '<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>'


def deflated(data):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def zip_of(parts):
    """A zip written by hand, so a part may carry any packed data and any declared size.

    ``parts`` maps a name to its content, or to (packed deflate data, declared size, CRC[, flag bits])."""
    body, directory = b"", b""
    for name, part in parts.items():
        if isinstance(part, str | bytes):
            content = part.encode() if isinstance(part, str) else part
            part = (deflated(content), len(content), zlib.crc32(content))
        packed, size, crc, *flags = part
        encoded = name.encode()
        fields = (20, sum(flags), 8, 0, 0, crc, len(packed), size, len(encoded))
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, len(body)) + encoded
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + packed
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), len(body), 0)
    return body + directory + end


def workbook_of(sheet, sheet_path="worksheets/sheet1.xml", **extra_parts):
    return zip_of(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS,
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.format(sheet=sheet_path),
            f"xl/{sheet_path}": sheet,
            **extra_parts,
        }
    )


def sheet_of(*refs, dimension=""):
    rows = "".join(
        f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">{TEXT_CELL.format(ref=ref)}</row>' for ref in refs
    )
    return SHEET.format(dimension=dimension, rows=rows)


def whitespace_bomb(megabytes):
    """A sheet part of ``megabytes`` MiB of spaces packed about a thousand times: the same packed block,
    which restarts the compressor's history, repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b" " * 2**20) + compressor.flush(zlib.Z_FULL_FLUSH)
    packed = block * megabytes + compressor.flush()
    return packed, megabytes * 2**20, 0


CORNER = workbook_of(sheet_of("XFD1048576"))
SIZE_MESSAGE = "The sheet reaches row 1048576 and column 16384"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def calamine_must_not_read(monkeypatch):
    """Fails the test instead of letting calamine try the allocation that would abort the process."""

    class Refused:
        @staticmethod
        def from_filelike(file):
            raise AssertionError("calamine was given a file the checks should have refused")

    monkeypatch.setattr(reading, "CalamineWorkbook", Refused)


@pytest.fixture
def upload(tmp_path):
    def write(data, name="hostile.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


def refusal(path):
    with pytest.raises(ImportFileError) as error:
        read_rows(path)
    return str(error.value)


def test_it_refuses_a_tiny_workbook_whose_one_cell_is_in_the_last_corner(upload):
    assert len(CORNER) < 2000
    assert SIZE_MESSAGE in refusal(upload(CORNER))


def test_it_refuses_a_sheet_whose_dimension_declares_the_whole_grid(upload):
    sheet = sheet_of("A1", dimension='<dimension ref="A1:XFD1048576"/>')
    assert SIZE_MESSAGE in refusal(upload(workbook_of(sheet)))


@pytest.mark.parametrize(
    "rows",
    [
        # cells without references sit one after another: 300 of them reach column 300
        '<row r="1">' + "<c><v>1</v></c>" * 300 + "</row>",
        # a namespace prefix and a reference that is not the first attribute
        '<x:row r="1"><x:c t="n" r="KN1"><x:v>1</x:v></x:c></x:row>',
        # rows without references are counted too
        "<row><c r='A1'/></row>" * 2 + '<row r="600000"><c r="B600000"/></row>',
    ],
    ids=["unreferenced-cells", "prefixed-tags", "unreferenced-rows"],
)
def test_it_places_cells_as_calamine_does_when_references_are_missing_or_unusual(upload, rows):
    sheet = SHEET.format(dimension="", rows=rows).replace("<worksheet ", '<worksheet xmlns:x="x" ')
    assert "The sheet reaches" in refusal(upload(workbook_of(sheet)))


def test_it_checks_the_sheet_the_workbook_names_wherever_it_is(upload):
    data = workbook_of(sheet_of("A1", "XFD1048576"), sheet_path="media/picture.png")
    assert SIZE_MESSAGE in refusal(upload(data))


def test_it_refuses_a_whitespace_zip_bomb(upload):
    data = workbook_of(whitespace_bomb(3000))  # 3 MB that unpacks to 3 GB
    assert 2_000_000 < len(data) < 4_000_000
    assert "more than 100 times its packed size" in refusal(upload(data))


def test_it_caps_what_a_workbook_unpacks_to(upload, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4096
    sheet = sheet_of(*(f"A{row}" for row in range(1, 200)))
    assert "unpacks to more than 4.0\xa0KB" in refusal(upload(workbook_of(sheet)))


def test_it_measures_a_part_rather_than_trusting_its_declared_size(upload):
    noise = random.Random(0).randbytes(2 * 2**20)  # 2 MiB that does not pack, declared as 1 KB
    data = workbook_of(sheet_of("A1"), **{"xl/media/image1.png": (deflated(noise), 1024, zlib.crc32(noise))})
    assert "damaged" in refusal(upload(data))


def test_it_refuses_a_workbook_of_too_many_parts(upload, settings):
    settings.IMPORT_MAX_ARCHIVE_ENTRIES = 10
    parts = {f"xl/media/image{number}.png": b"x" for number in range(10)}
    assert "holds 15 parts" in refusal(upload(workbook_of(sheet_of("A1"), **parts)))


def test_it_names_a_password_protected_part(upload):
    sheet = sheet_of("A1").encode()
    data = workbook_of((deflated(sheet), len(sheet), zlib.crc32(sheet), 0x1))
    assert "protected by a password" in refusal(upload(data))


@pytest.mark.parametrize("parts", [{"xl/workbook.bin": b"x"}, {"content.xml": "<x/>"}])
def test_it_refuses_other_zip_formats_calamine_would_fall_back_to(upload, parts):
    assert "not a spreadsheet" in refusal(upload(workbook_of(sheet_of("A1"), **parts)))


def corner_xls():
    """The register of arrivals.xls with its last text cell (a LABELSST record: row, column, style,
    string) moved to row and column 65536, the largest a record can name: calamine aborts reading it."""
    data = bytearray(OLD_EXCEL.read_bytes())
    record = data.rfind(b"\xfd\x00\x0a\x00")
    struct.pack_into("<HH", data, record + 4, 0xFFFF, 0xFFFF)
    return bytes(data)


def test_an_xls_reader_that_dies_takes_only_its_child_process(upload):
    assert "too large or too damaged" in refusal(upload(corner_xls(), "arrivals.xls"))


def test_an_xls_sheet_wider_than_the_limit_is_refused(upload, settings):
    settings.IMPORT_MAX_COLUMNS = 5
    assert "The sheet reaches row 3 and column 10" in refusal(upload(OLD_EXCEL.read_bytes(), "arrivals.xls"))


def test_a_csv_with_too_many_rows_is_refused(upload, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = read_rows(upload(b"a,b\n" * 5, "long.csv"))
    with pytest.raises(ImportFileError, match="The sheet reaches row 4"):
        list(rows)


# --- the pages and the API answer with the message ----------------------------------------------


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_the_import_page_shows_the_refusal_as_a_form_error(client, tree, people, var_dir):
    client.force_login(people.grid_worker)
    response = client.post(reverse("people:arrival-import"), {"file": SimpleUploadedFile("a.xlsx", CORNER)})
    assert response.status_code == 200
    assert SIZE_MESSAGE in response.context["form"].errors["file"][0]


def test_the_grid_import_page_shows_the_refusal_as_a_form_error(client, tree, people, var_dir):
    client.force_login(people.village_officer)
    bomb = workbook_of(whitespace_bomb(300))
    response = client.post(reverse("areas:grid-import"), {"file": SimpleUploadedFile("grids.xlsx", bomb)})
    assert "times its packed size" in response.context["form"].errors["file"][0]


@pytest.mark.parametrize("kind", ["arrivals", "persons"])
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("a.xlsx", CORNER, SIZE_MESSAGE), ("a.xls", corner_xls(), "too large or too damaged")],
    ids=["xlsx", "xls"],
)
def test_the_api_answers_400_with_the_refusal(client, tree, people, var_dir, kind, name, data, message):
    client.force_login(people.grid_worker)
    response = client.post("/api/imports/", {"file": SimpleUploadedFile(name, data), "kind": kind})
    assert response.status_code == 400 and message in response.json()["file"][0]


def test_a_hostile_file_large_enough_for_a_job_is_refused_in_the_request_without_one(
    client, tree, people, var_dir, settings
):
    """The file is checked where it is stored, so neither the page nor the API hands it to a job."""
    settings.IMPORT_BACKGROUND_BYTES = 100
    client.force_login(people.grid_worker)
    page = client.post(reverse("people:arrival-import"), {"file": SimpleUploadedFile("a.xlsx", CORNER)})
    assert SIZE_MESSAGE in page.context["form"].errors["file"][0]
    data = {"file": SimpleUploadedFile("a.xls", corner_xls()), "kind": "arrivals", "dry_run": "true"}
    answer = client.post("/api/imports/", data)
    assert answer.status_code == 400 and "too large or too damaged" in answer.json()["file"][0]
    assert not Job.objects.exists()
    assert not list((var_dir / "imports").iterdir())  # nothing of either file is kept


@pytest.mark.parametrize(
    ("setting", "data"),
    [("IMPORT_MAX_ROWS", "姓名,身份证号\n" + "x,y\n" * 5), ("IMPORT_MAX_COLUMNS", ",".join("abcdef") + "\nx,y")],
    ids=["rows", "columns"],
)
def test_a_csv_too_long_or_too_wide_is_refused_in_the_request(client, tree, people, var_dir, settings, setting, data):
    """As a workbook is: the page shows the form error and the API answers 400, and no job is made."""
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS = 3, 4
    settings.IMPORT_BACKGROUND_BYTES = 10
    client.force_login(people.grid_worker)
    page = client.post(reverse("people:arrival-import"), {"file": SimpleUploadedFile("a.csv", data.encode())})
    assert "The sheet reaches row" in page.context["form"].errors["file"][0]
    answer = client.post("/api/imports/", {"file": SimpleUploadedFile("a.csv", data.encode()), "kind": "arrivals"})
    assert answer.status_code == 400 and "The sheet reaches row" in answer.json()["file"][0]
    assert not Job.objects.exists()
    assert not list((var_dir / "imports").iterdir())


def test_an_importer_refuses_before_reading_a_row(tree, people, upload):
    with pytest.raises(ImportFileError, match=SIZE_MESSAGE):
        ArrivalImporter(people.grid_worker).preview(upload(CORNER))
