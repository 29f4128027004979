"""List exports (?export=xlsx|csv): the filtered rows of the list, nothing outside the user's scope."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from fangkong.areas.management.commands.import_divisions import BUNDLED
from fangkong.areas.models import Area
from fangkong.areas.services import import_divisions
from fangkong.core import exports
from fangkong.core.roles import Role
from fangkong.core.testing import make_user

HEADER = ["Name", "Code", "Level", "Parent"]
ZHULINGUAN_VILLAGES = {"level": "village", "within": "611022106"}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def shangluo(db):
    import_divisions(BUNDLED.read_bytes())


@pytest.fixture
def users(shangluo):
    def member(name, role, code):
        return make_user(name, role, Area.objects.get(code=code))

    return {
        "city": member("city", Role.COMMANDER, "6110"),
        "danfeng": member("danfeng", Role.OFFICER, "611022"),
        "shangnan": member("shangnan", Role.OFFICER, "611023"),
        "doctor": member("doctor", Role.DOCTOR, "611022106200"),
    }


def export(client, fmt, **query):
    response = client.get(reverse("areas:list"), {**query, "export": fmt})
    assert response.status_code == 200
    return response


def xlsx_rows(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(response):
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert ".csv" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 Chinese only with the BOM
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def expected_codes(**filters):
    return set(Area.objects.filter(**filters).values_list("code", flat=True))


def test_it_exports_the_filtered_rows_as_xlsx(client, users):
    client.force_login(users["city"])
    rows = xlsx_rows(export(client, "xlsx", **ZHULINGUAN_VILLAGES))
    assert rows[0] == HEADER
    body = rows[1:]
    assert len(body) == 18
    assert {row[1] for row in body} == expected_codes(level="village", parent__code="611022106")
    by_code = {row[1]: row for row in body}
    assert by_code["611022106200"] == ["竹林关村", "611022106200", "Village", "竹林关镇"]
    assert by_code["611022106001"][0] == "丹水社区"


def test_xlsx_codes_stay_text(client, users):
    """A 12-digit code read as a number would show as 6.11022E+11 and lose its identity."""
    client.force_login(users["city"])
    response = export(client, "xlsx", **ZHULINGUAN_VILLAGES)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    codes = [sheet.cell(row=row, column=2) for row in range(2, sheet.max_row + 1)]
    assert codes and all(cell.data_type == "s" for cell in codes)


def test_it_exports_the_same_rows_as_csv(client, users):
    client.force_login(users["city"])
    xlsx = xlsx_rows(export(client, "xlsx", **ZHULINGUAN_VILLAGES))
    rows = csv_rows(export(client, "csv", **ZHULINGUAN_VILLAGES))
    assert rows[0] == HEADER
    assert sorted(rows[1:]) == sorted(xlsx[1:])
    assert ["竹林关村", "611022106200", "Village", "竹林关镇"] in rows


def test_the_export_has_the_rows_of_the_list(client, users):
    client.force_login(users["city"])
    for query in ({"q": "zlg"}, {"level": "town", "within": "611002"}, {"parent": "611025102"}):
        listed = client.get(reverse("areas:list"), query).context["table"]
        codes = {row.record.code for row in listed.paginated_rows}
        assert listed.paginator.count == len(codes) > 0  # one page: the whole list
        assert {row[1] for row in csv_rows(export(client, "csv", **query))[1:]} == codes, query


def test_the_export_hides_special_units_like_the_list(client, users):
    client.force_login(users["city"])
    towns = {row[1] for row in csv_rows(export(client, "csv", level="town"))[1:]}
    assert towns == expected_codes(level="town", is_special=False)
    assert len(towns) == 98
    rows = csv_rows(export(client, "csv", level="town", include_special="on"))[1:]
    assert len(rows) == 110


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_respects_scope(client, users, fmt):
    read = xlsx_rows if fmt == "xlsx" else csv_rows

    client.force_login(users["shangnan"])
    assert read(export(client, fmt, **ZHULINGUAN_VILLAGES)) == [HEADER]
    codes = {row[1] for row in read(export(client, fmt))[1:]}
    assert codes == expected_codes(path__startswith="6110.611023", is_special=False)

    client.force_login(users["danfeng"])
    codes = {row[1] for row in read(export(client, fmt, within="6110"))[1:]}
    assert codes == expected_codes(path__startswith="6110.611022", is_special=False)
    assert "6110" not in codes

    client.force_login(users["doctor"])
    assert [row[1] for row in read(export(client, fmt))[1:]] == ["611022106200"]


def test_the_export_reads_in_chunks_without_losing_rows(client, users, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 7)
    client.force_login(users["danfeng"])
    rows = csv_rows(export(client, "csv"))[1:]
    codes = [row[1] for row in rows]
    assert len(codes) == len(set(codes)) == len(expected_codes(path__startswith="6110.611022", is_special=False))


def test_an_invalid_filter_exports_nothing(client, users):
    client.force_login(users["city"])
    assert csv_rows(export(client, "csv", level="hamlet")) == [HEADER]


def test_an_unknown_format_shows_the_list(client, users):
    client.force_login(users["city"])
    response = client.get(reverse("areas:list"), {"export": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_the_export_needs_login(client, shangluo):
    response = client.get(reverse("areas:list"), {"export": "csv"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_change_log_export_respects_scope(client, tree, people):
    """The same engine serves every list: an outsider's change log export holds only 商南县."""
    client.force_login(people.outsider)
    response = client.get(reverse("changelog"), {"export": "csv"})
    rows = csv_rows(response)
    assert len(rows) > 1
    body = "\n".join(",".join(row) for row in rows[1:])
    assert "东街社区" in body
    assert "竹林关" not in body and "丹凤" not in body
