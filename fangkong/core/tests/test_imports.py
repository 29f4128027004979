"""The import engine: reading files, matching headers, row errors, commit modes, workbooks, scope, audit.

Grids are the importer used here, being the engine's first real use; grid rules themselves are
tested in fangkong/areas/tests/test_grid_import.py.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation.template import templatize
from openpyxl import Workbook, load_workbook

from fangkong.areas.imports import GridImporter
from fangkong.areas.models import Area
from fangkong.core.context import Source
from fangkong.core.imports import ERRORS_HEADER, ImportFileError, read_rows
from fangkong.core.models import ChangeLogEntry

HEADER = ["村代码", "网格名称"]


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the msgids); the UI default is Chinese."""
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


def csv_bytes(*rows, encoding="utf-8"):
    return "\n".join(",".join(row) for row in rows).encode(encoding)


@pytest.fixture
def upload(tmp_path):
    """Writes a file as it would be stored after an upload, and returns its path."""

    def write(data, name="grids.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


def grid_names(village):
    return set(village.children.filter(level=Area.Level.GRID).values_list("name", flat=True))


def messages(result):
    return [message for row in result.error_rows for message in row.messages]


# --- reading -------------------------------------------------------------------------------------


def test_it_reads_gbk_csv(tree, people, upload):
    path = upload(csv_bytes(HEADER, ["611022106201", "东沟网格"], encoding="gbk"), "grids.csv")
    result = GridImporter(people.town_officer).commit(path)
    assert (result.total, result.errors, result.created) == (1, 0, 1)
    assert grid_names(tree.village2) == {"东沟网格"}


def test_it_reads_utf8_csv_with_a_byte_order_mark(tree, people, upload):
    path = upload("\ufeff".encode() + csv_bytes(HEADER, ["611022106201", "东沟网格"]), "grids.csv")
    result = GridImporter(people.town_officer).preview(path)
    assert result.rows[0].values == ["611022106201", "东沟网格"]


def test_it_refuses_text_that_is_neither_utf8_nor_gbk(tree, people, upload):
    path = upload(
        csv_bytes(["village code", "grid name"], ["611022106201", "Zoë's grid"], encoding="latin-1"), "grids.csv"
    )
    with pytest.raises(ImportFileError, match="neither UTF-8 nor GBK"):
        GridImporter(people.town_officer).preview(path)


def test_it_reads_xlsx_with_columns_in_any_order(tree, people, upload):
    """English headers in any case and spacing, an unknown column, and the code typed as a number."""
    path = upload(xlsx_bytes([" Grid  Name ", "备注", "VILLAGE CODE"], ["东沟网格", "新建", 611022106201]))
    result = GridImporter(people.town_officer).commit(path)
    assert result.created == 1
    assert grid_names(tree.village2) == {"东沟网格"}


def test_it_finds_the_header_under_a_title_row_and_ignores_blank_headers(tree, people, upload):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["桃园村网格划分表"])
    sheet.merge_cells("A1:D1")
    sheet.append(["网格名称", None, "村代码", None])
    sheet.append(["东沟网格", "x", "611022106201"])
    sheet.append(["", "", "611022106201"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = GridImporter(people.town_officer).preview(upload(buffer.getvalue()))
    assert messages(result) == ["Row 4, 网格名称: this column is required, but the cell is empty"]


def test_it_reads_the_sheet_the_workbook_was_saved_on(tree, people, upload):
    """Offices keep last year's sheet beside this one; the one open when saved is the one meant."""
    workbook = Workbook()
    workbook.active.append(["村代码", "网格名称"])
    workbook.active.append(["611022106201", "旧网格"])
    current = workbook.create_sheet("2020")
    current["C3"], current["D3"] = "村代码", "网格名称"
    current["C4"], current["D4"] = "611022106201", "东沟网格"
    current["D5"] = "西沟网格"
    workbook.active = current
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = GridImporter(people.town_officer).commit(upload(buffer.getvalue()))
    assert messages(result) == ["Row 5, 村代码: this column is required, but the cell is empty"]
    assert grid_names(tree.village2) == {"东沟网格"}


def test_it_reports_a_workbook_with_a_broken_sheet(tree, people, upload):
    data = io.BytesIO()
    original = io.BytesIO(xlsx_bytes(HEADER, ["611022106201", "东沟网格"]))
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(data, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    with pytest.raises(ImportFileError, match="not a spreadsheet|damaged"):
        GridImporter(people.town_officer).preview(upload(data.getvalue()))


def test_it_names_missing_columns(tree, people, upload):
    path = upload(xlsx_bytes(["网格名称", "备注"], ["东沟网格", ""]))
    with pytest.raises(ImportFileError, match="Missing columns: 村代码 / village code"):
        GridImporter(people.town_officer).preview(path)


def test_it_refuses_a_column_given_twice(tree, people, upload):
    path = upload(xlsx_bytes(["村代码", "网格名称", "grid name"], ["611022106201", "东沟网格", "西沟网格"]))
    with pytest.raises(ImportFileError, match="grid name appears more than once"):
        GridImporter(people.town_officer).preview(path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "not a spreadsheet"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "not a spreadsheet"),
        ("report.pdf", b"%PDF-1.4 1 0 obj", "not a spreadsheet"),
        ("renamed.csv", xlsx_bytes(HEADER), "not a spreadsheet"),
        ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "not a spreadsheet"),
        ("photo.xls", b"\x89PNG\r\n\x1a\n" + bytes(200), "not a spreadsheet"),
        ("empty.csv", b"", "The file is empty"),
    ],
)
def test_it_rejects_a_file_that_is_not_a_spreadsheet(tree, people, upload, name, data, message):
    with pytest.raises(ImportFileError, match=message):
        GridImporter(people.town_officer).preview(upload(data, name))


def test_it_caps_the_file_size(tree, people, upload, settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFileError, match="at most 10"):
        read_rows(upload(csv_bytes(HEADER, ["611022106201", "东沟网格"]), "grids.csv"))


# --- rows ----------------------------------------------------------------------------------------


def test_it_reports_row_and_field(tree, people, upload):
    path = upload(
        xlsx_bytes(
            HEADER,
            ["611022106201", "东沟网格"],
            ["6110221062", "西沟网格"],
            ["611022106201", None],
            ["611022106299", "北坡网格"],
        )
    )
    result = GridImporter(people.town_officer).preview(path)
    assert (result.total, result.valid, result.errors) == (4, 1, 3)
    assert [row.status for row in result.rows] == ["ok", "error", "error", "error"]
    assert messages(result) == [
        "Row 3, 村代码: a village code has 12 digits; 6110221062 does not",
        "Row 4, 网格名称: this column is required, but the cell is empty",
        "Row 5, 村代码: no village or community has the code 611022106299",
    ]


def test_it_reports_a_repeated_row_with_the_first_one(tree, people, upload):
    path = upload(
        xlsx_bytes(HEADER, ["611022106201", "东沟网格"], ["611022106201", "西沟网格"], [611022106201, " 东沟网格"])
    )
    result = GridImporter(people.town_officer).preview(path)
    assert messages(result) == ["Row 4: the same 村代码, 网格名称 as row 2"]


def test_preview_writes_nothing(tree, people, upload):
    result = GridImporter(people.town_officer).preview(upload(xlsx_bytes(HEADER, ["611022106201", "东沟网格"])))
    assert (result.valid, result.created, result.committed) == (1, 0, False)
    assert grid_names(tree.village2) == set()


def test_preview_keeps_the_first_rows_and_every_error(tree, people, upload):
    rows = [["611022106201", f"网格{number}"] for number in range(1, 6)]
    rows[3][0] = "bad"
    importer = GridImporter(people.town_officer)
    importer.preview_rows = 2
    result = importer.preview(upload(xlsx_bytes(HEADER, *rows)))
    assert [row.number for row in result.rows] == [2, 3, 5]
    assert result.more_rows


# --- commit modes, idempotence, audit --------------------------------------------------------------


@pytest.fixture
def one_bad_row(upload):
    return upload(
        xlsx_bytes(HEADER, ["611022106201", "东沟网格"], ["61102210620X", "西沟网格"], ["611022106201", "北坡网格"])
    )


def test_all_or_nothing_writes_nothing(tree, people, one_bad_row):
    before = ChangeLogEntry.objects.count()
    result = GridImporter(people.town_officer).commit(one_bad_row, all_or_nothing=True)
    assert (result.committed, result.created, result.errors) == (False, 0, 1)
    assert grid_names(tree.village2) == set()
    assert ChangeLogEntry.objects.count() == before


def test_valid_rows_only_keeps_the_good_ones(tree, people, one_bad_row):
    result = GridImporter(people.town_officer).commit(one_bad_row)
    assert (result.committed, result.created, result.errors) == (True, 2, 1)
    assert grid_names(tree.village2) == {"东沟网格", "北坡网格"}
    assert messages(result) == ["Row 3, 村代码: a village code has 12 digits; 61102210620X does not"]


def test_a_row_that_fails_while_written_leaves_the_others(tree, people, upload):
    """桃园村 has used its last grid number: its row fails, 竹林关村's row is still imported."""
    Area.objects.create(code="611022106201999", name="第九九九网格", level=Area.Level.GRID, parent=tree.village2)
    path = upload(xlsx_bytes(HEADER, ["611022106201", "东沟网格"], ["611022106200", "第三网格"]))
    result = GridImporter(people.town_officer).commit(path)
    assert result.created == 1
    assert messages(result) == ["Row 2: This village has used all 999 grid numbers."]
    assert "第三网格" in grid_names(tree.village)


def test_reimport_changes_nothing(tree, people, upload):
    path = upload(xlsx_bytes(HEADER, ["611022106201", "东沟网格"], ["611022106201", "西沟网格"]))
    GridImporter(people.town_officer).commit(path)
    codes = set(Area.objects.values_list("code", flat=True))
    logged = ChangeLogEntry.objects.count()
    again = GridImporter(people.town_officer).commit(path)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 2, 0)
    assert set(Area.objects.values_list("code", flat=True)) == codes
    assert ChangeLogEntry.objects.count() == logged


def test_it_logs_changes_as_import(tree, people, upload):
    GridImporter(people.town_officer).commit(upload(xlsx_bytes(HEADER, ["611022106201", "东沟网格"])))
    grid = Area.objects.get(parent=tree.village2, name="东沟网格")
    entry = ChangeLogEntry.objects.get(object_id=str(grid.pk), kind=ChangeLogEntry.Kind.CREATE)
    assert (entry.source, entry.user, entry.user_name) == (Source.IMPORT, people.town_officer, "town_officer")


def test_it_refuses_rows_outside_scope(tree, people, upload):
    """The village officer of 竹林关村 may add grids there, not in 桃园村 next door nor in 商南县."""
    path = upload(
        xlsx_bytes(HEADER, ["611022106200", "第三网格"], ["611022106201", "东沟网格"], ["611023100001", "第二网格"])
    )
    result = GridImporter(people.village_officer).commit(path)
    assert result.created == 1
    assert messages(result) == [
        "Row 3, 村代码: area 611022106201 is not in your scope",
        "Row 4, 村代码: area 611023100001 is not in your scope",
    ]
    assert grid_names(tree.village2) == set()
    assert grid_names(tree.other_village) == {"第一网格"}


# --- workbooks -----------------------------------------------------------------------------------


def test_error_workbook_reads_back(tree, people, upload):
    path = upload(
        xlsx_bytes(
            ["备注", "村代码", "网格名称"],
            ["ok", "611022106201", "东沟网格"],
            ["typo", "61102210620", "西沟网格"],
            ["theirs", "611023100001", "第二网格"],
        )
    )
    result = GridImporter(people.town_officer).commit(path)
    sheet = load_workbook(io.BytesIO(result.error_workbook())).active
    assert list(sheet.values) == [
        ("备注", "村代码", "网格名称", ERRORS_HEADER),
        ("typo", "61102210620", "西沟网格", "Row 3, 村代码: a village code has 12 digits; 61102210620 does not"),
        ("theirs", "611023100001", "第二网格", "Row 4, 村代码: area 611023100001 is not in your scope"),
    ]


def test_a_fixed_error_workbook_imports(tree, people, upload):
    """The errors column is ignored on the way back in."""
    result = GridImporter(people.town_officer).preview(upload(xlsx_bytes(HEADER, ["61102210620", "西沟网格"])))
    workbook = load_workbook(io.BytesIO(result.error_workbook()))
    workbook.active["A2"] = "611022106201"
    buffer = io.BytesIO()
    workbook.save(buffer)
    fixed = GridImporter(people.town_officer).commit(upload(buffer.getvalue(), "fixed.xlsx"))
    assert (fixed.created, fixed.errors) == (1, 0)


def test_template_workbook_has_the_chinese_headers(tree, people, upload):
    workbook = load_workbook(io.BytesIO(GridImporter.template_workbook()))
    assert list(workbook.active.values) == [tuple(HEADER)]
    workbook.active.append(["611022106201", "东沟网格"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert GridImporter(people.town_officer).commit(upload(buffer.getvalue())).created == 1


def test_the_preview_counts_are_one_sentence_to_translate():
    """A translation sets the sentence's own punctuation (Chinese: full-width) only if no comma or full
    stop is left outside the translated strings."""
    origin = get_template("core/import.html").origin.name
    strings = templatize(Path(origin).read_text(), origin=origin)
    assert "'%(counter)s rows read: %(valid)s valid, %(errors)s with errors.'" in strings
