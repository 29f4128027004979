"""core.xlsx: a workbook streamed while rows are read, that Excel readers open as written."""

import datetime
import io
import zipfile

from openpyxl import load_workbook

from fangkong.core import xlsx
from fangkong.core.imports import read_rows
from fangkong.core.xlsx import xlsx_stream

HEADERS = ["姓名", "人数", "体温", "发热", "登记日期", "检查时间", "备注"]
ROW = ["张三", 3, 37.5, True, datetime.date(2020, 1, 25), datetime.datetime(2020, 1, 25, 8, 30), "<一组> & 二组"]


def workbook(rows, headers=HEADERS, name="人员"):
    return b"".join(xlsx_stream(headers, rows, name))


def test_it_writes_every_kind_of_cell_that_reads_back_the_same():
    sheet = load_workbook(io.BytesIO(workbook([ROW, ["李四", None, None, False, None, None, ""]]))).active
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert [cell.value for cell in sheet[2]] == [*ROW[:4], datetime.datetime(2020, 1, 25), *ROW[5:]]
    assert sheet["E2"].is_date and sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["F2"].is_date and sheet["F2"].number_format == "yyyy-mm-dd hh:mm"
    assert [cell.value for cell in sheet[3]] == ["李四", None, None, False, None, None, ""]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.title == "人员"


def test_codes_and_masked_numbers_stay_text():
    texts = ["611022106200", "6110**********123X", "13812345678"]
    sheet = load_workbook(io.BytesIO(workbook([texts], ["a", "b", "c"]))).active
    assert [cell.data_type for cell in sheet[2]] == ["s", "s", "s"]


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    sheet = load_workbook(io.BytesIO(workbook([["a\x00b\x1fc\x0bd", "tab\tand\nnewline"]], ["x", "y"]))).active
    assert [cell.value for cell in sheet[2]] == ["abcd", "tab\tand\nnewline"]


def test_a_sheet_name_excel_would_refuse_is_cleaned():
    assert load_workbook(io.BytesIO(workbook([], name="a/b:c*d?[e]" + "x" * 40))).active.title == "abcde" + "x" * 26


def test_the_import_reader_reads_what_the_export_wrote(tmp_path):
    """An exported list, corrected in Excel or not, goes back in through the importers."""
    path = tmp_path / "export.xlsx"
    path.write_bytes(workbook([ROW]))
    rows = list(read_rows(path))
    assert list(rows[0]) == HEADERS
    assert list(rows[1][:4]) == ROW[:4] and rows[1][6] == ROW[6]


def test_the_first_bytes_leave_before_the_last_row_is_read():
    read = []

    def rows():
        for number in range(20_000):
            read.append(number)
            yield [f"第{number}行", number, "备注" * 10]

    stream = xlsx_stream(["行", "号", "备注"], rows())
    first = next(stream)
    assert first.startswith(b"PK") and len(read) < 20_000
    data = first + b"".join(stream)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(values_only=True)) == 20_001


def test_rows_past_excels_limit_go_on_in_a_next_sheet(monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 4)  # the header and three rows a sheet
    book = load_workbook(io.BytesIO(workbook([[f"第{n}人"] for n in range(7)], ["姓名"])))
    assert book.sheetnames == ["人员", "人员 (2)", "人员 (3)"]
    assert [[cell.value for cell in row] for row in book["人员 (3)"].iter_rows()] == [["姓名"], ["第6人"]]
    assert sum(sheet.max_row - 1 for sheet in book.worksheets) == 7


def test_it_writes_no_zip64_records_excel_would_refuse():
    data = workbook([ROW] * 10)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            assert info.extract_version < 45 and b"\x01\x00" not in info.extra[:2], info.filename
