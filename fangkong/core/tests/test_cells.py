"""Cells going out (exports, the error workbook, templates: never a formula) and coming in (the preview)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from fangkong.core.cells import csv_value, whole_number
from fangkong.people.imports import ArrivalImporter
from fangkong.people.tests.factories import id_number, make_person
from fangkong.people.tests.test_imports import ARRIVAL_HEADER, arrival

HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULAS = [HYPERLINK, "@SUM(A1)", "+1+1", "-2+3", "\tx", "\rx"]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def xlsx_bytes(*rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_text_that_starts_like_a_formula_gets_a_quote(text):
    assert csv_value(text) == "'" + text


@pytest.mark.parametrize("value", [-3, 2.5, "张三", "a=b", "", None])
def test_csv_numbers_and_plain_text_stay_as_they_are(value):
    assert csv_value(value) == value


@pytest.fixture
def formula_people(tree):
    make_person(tree.grid, name=HYPERLINK)
    make_person(tree.grid, name="@SUM(A1)")


def test_the_person_csv_export_quotes_formula_names(client, tree, people, formula_people):
    client.force_login(people.village_officer)
    response = client.get(reverse("people:person-list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    names = {row[rows[0].index("Name")] for row in rows[1:]} if "Name" in rows[0] else {row[0] for row in rows[1:]}
    assert names == {"'" + HYPERLINK, "'@SUM(A1)"}


def test_the_person_xlsx_export_writes_formula_names_as_text(client, tree, people, formula_people):
    client.force_login(people.village_officer)
    response = client.get(reverse("people:person-list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value in (HYPERLINK, "@SUM(A1)")]
    assert len(cells) == 2 and {cell.data_type for cell in cells} == {"s"}


def test_the_error_workbook_never_turns_a_cell_into_a_formula(tree, people, tmp_path):
    path = tmp_path / "arrivals.csv"  # text as typed: openpyxl would make a formula of it in an xlsx
    text = io.StringIO()
    csv.writer(text).writerows([[*ARRIVAL_HEADER, "备注"], [*arrival(HYPERLINK, date="2099-01-01"), "@SUM(A1)"]])
    path.write_text(text.getvalue())
    result = ArrivalImporter(people.village_officer).preview(path)
    assert result.errors == 1
    sheet = load_workbook(io.BytesIO(result.error_workbook())).active
    cells = {cell.value: cell.data_type for cell in sheet[2]}
    assert cells[HYPERLINK] == "s" and cells["@SUM(A1)"] == "s"
    # as text, it comes back unchanged when the fixed file is uploaded again
    assert next(sheet.iter_rows(min_row=2, values_only=True))[0] == HYPERLINK


def test_the_error_workbook_drops_characters_xml_cannot_hold(tree, people, tmp_path):
    path = tmp_path / "arrivals.csv"
    row = ",".join(str(cell) for cell in arrival("李\x01四", date="2099-01-01"))
    path.write_bytes((",".join(ARRIVAL_HEADER) + "\n" + row).encode())
    result = ArrivalImporter(people.village_officer).preview(path)
    sheet = load_workbook(io.BytesIO(result.error_workbook())).active
    assert sheet["A2"].value == "李四"


def test_the_template_headers_are_text(client, tree, people):
    client.force_login(people.village_officer)
    response = client.get(reverse("people:arrival-import-template"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert {cell.data_type for cell in sheet[1]} == {"s"}


# --- the preview ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [(420106.0, 420106), (611022106200001.0, 611022106200001), (2.5, 2.5), (6.11022198801153e17, 6.11022198801153e17)],
)
def test_whole_numbers_are_shown_without_their_fraction(value, shown):
    assert repr(whole_number(value)) == repr(shown)


def test_the_preview_shows_codes_typed_as_numbers_as_integers(client, tree, people, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(people.village_officer)
    row = arrival("李四", number=id_number(), origin=420106, grid=611022106200001)
    data = xlsx_bytes(ARRIVAL_HEADER, row)
    response = client.post(reverse("people:arrival-import"), {"file": SimpleUploadedFile("a.xlsx", data)})
    page = response.content.decode()
    assert "<td>420106</td>" in page and "<td>611022106200001</td>" in page
    assert ".0</td>" not in page
