"""Random files through the arrival, resident and grid importers: whatever a file holds, the import
ends with a file-level ImportFileError or with every bad row reported under its own row number.

Cells are text (control characters, formulas, very long), numbers, dates or empty; headers come in
any order under any of their names, some missing, some unknown; CSV comes as UTF-8, UTF-8 with BOM,
GBK or with stray bytes; sheets may be empty or have a title row. Bounded and derandomised, so the
same examples run every time in a few seconds each.
"""

import csv
import datetime
import io

import pytest
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from fangkong.areas.imports import GridImporter
from fangkong.core.imports import ImportFileError, is_blank
from fangkong.core.validators import id_check_character
from fangkong.people.imports import ArrivalImporter, PersonImporter

# No shrinking: a failure is reported at once with the file that caused it, instead of minutes later.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
ID_NUMBERS = [first17 + id_check_character(first17) for first17 in ("61102219850312001", "61102219900101002")]
# Cells a real register holds, so that rows get past the first checks too.
LIKELY = {
    "name": ["李四", "王五"],
    "id_number": [*ID_NUMBERS, float(ID_NUMBERS[0]), "6.11022198801153E+17", 611022880101123],
    "origin": ["湖北省武汉市江汉区", "420103", 420103.0, "火星市"],
    "arrived_on": ["2020-01-25", datetime.date(2020, 1, 25), "2020年1月25日", "20200125", "2099-01-01"],
    "registered_at": ["2020-01-26", datetime.datetime(2020, 1, 26, 8, 30)],
    "grid": ["611022106200001", 611022106200001.0, "611023100001001", "第一网格"],
    "village": ["611022106200", 611022106201.0, "611023100001"],
    "phone": ["13812345678", 13812345678.0, "0914-2312345"],
    "sex": ["男", "女", "x"],
    "transport": ["火车", "自驾"],
    "fever": ["是", "否", True],
    "address": ["一组 1 号", "二组 2 号"],
    "birth_date": ["1985-03-12", datetime.date(1985, 3, 12)],
    "relation": ["户主", "子"],
    "name_grid": ["东沟网格"],
}
ODD_TEXT = st.sampled_from(
    ['=HYPERLINK("http://x","y")', "@SUM(A1)", "-3", "+86", "\t", "\r\n", "\x00\x01", "a\u2028b", "𠀀", "長" * 40_000]
)
CELL = st.one_of(
    st.none(),
    st.text(max_size=20),
    ODD_TEXT,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2200, 1, 1)),
)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@st.composite
def spreadsheets(draw, importer_class):
    """(rows as written, the rows' numbers that hold a record, file name, file bytes)."""
    columns = [column for column in importer_class.columns if column.required or draw(st.booleans())]
    if not any(column.name in ("grid", "village") for column in columns) and importer_class is not GridImporter:
        columns += [column for column in importer_class.columns if column.name == "grid"]  # one is needed
    if columns and draw(st.integers(0, 9)) == 0:  # now and then a required column is missing
        columns.pop(draw(st.integers(0, len(columns) - 1)))
    headers = [(column.name, draw(st.sampled_from(column.headers))) for column in columns]
    headers += [("extra", draw(st.sampled_from(["备注", "序号", ""]))) for _ in range(draw(st.integers(0, 2)))]
    headers = draw(st.permutations(headers))
    likely = {name: st.sampled_from(values) for name, values in LIKELY.items()}
    if importer_class is GridImporter:
        likely["name"] = likely["name_grid"]

    def cell(name):
        return draw(likely[name] if name in likely and draw(st.integers(0, 3)) else CELL)

    records = [[cell(name) for name, _header in headers] for _ in range(draw(st.integers(0, 6)))]
    top = [["XX村返乡人员登记表"]] if draw(st.booleans()) else []
    rows = [*top, [header for _name, header in headers], *records] if headers or records else []
    numbered = [
        number for number, row in enumerate(rows, start=1) if number > len(top) + 1 and not all(map(is_blank, row))
    ]
    kind = draw(st.sampled_from(["xlsx", "utf-8", "utf-8-sig", "gbk", "garbage"]))
    if kind == "xlsx":
        return rows, numbered, "register.xlsx", xlsx_bytes(rows)
    text = io.StringIO()
    csv.writer(text).writerows([["" if value is None else value for value in row] for row in rows])
    if kind == "garbage":
        garbage = st.binary(min_size=1, max_size=8).map(lambda data: data.replace(b"\x00", b"\xff"))
        data = draw(garbage) + text.getvalue().encode() + draw(garbage)
    else:
        data = text.getvalue().encode(kind, errors="replace")
    return rows, numbered, "register.csv", data


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        # Building the file, not testing it: openpyxl refuses the characters XML cannot hold.
        workbook.active.append(
            [ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_and_check(importer, spreadsheet, tmp_path, commit):
    rows, numbered, name, data = spreadsheet
    path = tmp_path / name
    path.write_bytes(data)
    try:
        result = importer.commit(path) if commit else importer.preview(path)
    except ImportFileError as error:
        assert str(error)
        return
    assert result.total == result.valid + result.errors
    for row in result.error_rows:
        assert row.messages and all(message.startswith(f"Row {row.number}") for message in row.messages)
        if name.endswith(".xlsx"):  # a CSV cell may hold a line break, and so span more than one line
            assert row.number in numbered
    assert result.error_workbook()
    [row.shown_values for row in result.rows]


@pytest.mark.parametrize("commit", [False, True], ids=["preview", "commit"])
@pytest.mark.parametrize("importer_class", [ArrivalImporter, PersonImporter], ids=["arrivals", "residents"])
def test_register_imports_report_every_bad_row_or_refuse_the_file(tree, people, tmp_path, importer_class, commit):
    @FUZZ
    @given(spreadsheet=spreadsheets(importer_class))
    def run(spreadsheet):
        import_and_check(importer_class(people.village_officer), spreadsheet, tmp_path, commit)

    run()


@pytest.mark.parametrize("commit", [False, True], ids=["preview", "commit"])
def test_grid_imports_report_every_bad_row_or_refuse_the_file(tree, people, tmp_path, commit):
    @FUZZ
    @given(spreadsheet=spreadsheets(GridImporter))
    def run(spreadsheet):
        import_and_check(GridImporter(people.town_officer), spreadsheet, tmp_path, commit)

    run()
