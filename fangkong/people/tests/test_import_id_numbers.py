"""ID numbers in a register saved by Excel, WPS or LibreOffice with the column as numbers.

A number keeps 15 significant digits: 611022198801152709 becomes 6.11022198801153e+17. The row is
refused with that cause, never imported under a number rebuilt from the float.
"""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from fangkong.people.imports import ArrivalImporter, PersonImporter
from fangkong.people.models import Person

from .test_imports import ARRIVAL_HEADER, PERSON_HEADER, arrival, messages

LOST = (
    "Row 2, 身份证号: the ID number was saved as a number, which keeps 15 digits: the digits after the 15th "
    "are lost. Format the column as text and type the ID numbers again"
)
# A spreadsheet keeps 6.11022198801153e+17 of it; read back as an integer that is 611022198801152768,
# a different person's valid ID number. Its 17th digit is even: a woman's.
REAL = "611022198801152709"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def saved_as_numbers(tmp_path, header, *rows):
    """An xlsx whose ID-number cells are numbers, as an office suite saves a column formatted as numbers."""
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "register.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("cell", [float(REAL), int(REAL), 6.11022198801153e17, int(REAL[:16])])
def test_an_arrival_whose_id_number_is_a_long_number_is_refused_with_the_cause(tree, people, tmp_path, cell):
    path = saved_as_numbers(tmp_path, ARRIVAL_HEADER, arrival("李四", number=cell))
    result = ArrivalImporter(people.village_officer).commit(path)
    assert messages(result) == [LOST]
    assert not Person.objects.exists()


@pytest.mark.parametrize("text", ["6.11022198801153E+17", "6.11022198801153e+17", " 6.1102219880115E17 "])
def test_an_id_number_in_scientific_notation_in_a_csv_is_refused_with_the_cause(tree, people, tmp_path, text):
    path = tmp_path / "register.csv"
    path.write_text("\n".join([",".join(ARRIVAL_HEADER), ",".join(arrival("李四", number=text))]))
    assert messages(ArrivalImporter(people.village_officer).preview(path)) == [LOST]


def test_a_resident_whose_id_number_is_a_long_number_is_refused_with_the_cause(tree, people, tmp_path):
    path = saved_as_numbers(
        tmp_path, PERSON_HEADER, ["竹林关村一组 1 号", "张三", float(REAL), "", "", "611022106200001"]
    )
    result = PersonImporter(people.village_officer).commit(path)
    assert messages(result) == [LOST]
    assert not Person.objects.exists()


def test_only_numbers_past_15_digits_are_refused_as_rounded(tree, people, tmp_path):
    """A 15-digit number is exact: it is checked as any other 15-character ID number is."""
    rows = [arrival("李四", number=611022880101123), arrival("王五", number=6110228801011231)]
    path = saved_as_numbers(tmp_path, ARRIVAL_HEADER, *rows)
    assert messages(ArrivalImporter(people.village_officer).preview(path)) == [
        "Row 2, 身份证号: An ID number has 18 characters; this one has 15.",
        LOST.replace("Row 2", "Row 3"),
    ]


def test_the_id_number_as_text_imports_next_to_the_rounded_one(tree, people, tmp_path):
    rows = [arrival("李四", number=REAL, sex="女"), arrival("王五", number=float(REAL), sex="女")]
    path = saved_as_numbers(tmp_path, ARRIVAL_HEADER, *rows)
    result = ArrivalImporter(people.village_officer).commit(path)
    assert (result.created, messages(result)) == (1, [LOST.replace("Row 2", "Row 3")])
    assert Person.objects.get().id_number == REAL
