"""Importing the register: arrivals (返乡人员登记表) and household residents, from xlsx or GBK CSV.

The tree (fangkong.core.testing): 竹林关村 611022106200 with grids 001 and 002, in 丹凤县; the
outsider is an officer of 商南县 (611023).
"""

import datetime
import io
from pathlib import Path
from wsgiref.headers import Headers

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from fangkong.accounts.models import Membership
from fangkong.areas.models import Division, RiskArea
from fangkong.core.imports import ERRORS_HEADER, ImportFileError
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Role
from fangkong.core.testing import make_user
from fangkong.people.imports import ArrivalImporter, PersonImporter, parse_date
from fangkong.people.models import Arrival, Household, KeyPersonTag, Person

from .factories import id_number, make_household, make_person

ARRIVAL_HEADER = [
    "姓名",
    "身份证号",
    "性别",
    "联系电话",
    "来源地",
    "返回日期",
    "交通方式",
    "车次/航班/车牌号",
    "是否发热",
    "网格代码",
]
GRID = "611022106200001"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def xlsx_bytes(*rows, merge=None):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    if merge:
        workbook.active.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(tmp_path, *rows, name="arrivals.xlsx", merge=None):
    path = tmp_path / name
    if name.endswith(".csv"):
        text = "\r\n".join(",".join(str(cell) for cell in row) for row in rows)
        path.write_bytes(text.encode("gbk"))
    else:
        path.write_bytes(xlsx_bytes(*rows, merge=merge))
    return path


def arrival(name="李四", number=None, origin="湖北省武汉市江汉区", date="2020-01-25", grid=GRID, sex="男", **extra):
    row = [name, number or id_number(), sex, "13812345678", origin, date, "火车", "G123", "否", grid]
    return row


def messages(result):
    return [message for row in result.error_rows for message in row.messages]


# --- arrivals ------------------------------------------------------------------------------------


def test_it_imports_arrivals_and_registers_the_people(tree, people, tmp_path):
    number = id_number()
    path = write(tmp_path, ARRIVAL_HEADER, arrival("李四", number), arrival("王五", date="2020年1月26日"))
    result = ArrivalImporter(people.village_officer).commit(path)
    assert (result.total, result.errors, result.created) == (2, 0, 2), messages(result)
    person = Person.objects.get(name="李四")
    assert person.id_number == number and person.area == tree.grid and person.sex == "male"
    assert person.birth_date == datetime.date(1985, 3, 12)
    first = person.arrivals.get()
    assert first.origin.code == "420103" and first.arrived_on == datetime.date(2020, 1, 25)
    assert (first.transport, first.trip_number, first.area_path) == ("train", "G123", tree.grid.path)
    assert first.registered_by == people.village_officer
    assert Arrival.objects.get(person__name="王五").arrived_on == datetime.date(2020, 1, 26)
    logged = ChangeLogEntry.objects.filter(source="import", kind=ChangeLogEntry.Kind.CREATE)
    assert logged.count() == 4, "two persons and two arrivals are in the change log"


def test_the_paper_forms_registration_date_and_registrar_are_kept(tree, people, tmp_path):
    header = [*ARRIVAL_HEADER, "登记时间", "登记人"]
    path = write(
        tmp_path,
        header,
        [*arrival("李四"), datetime.date(2020, 1, 27), "张书记"],
        [*arrival("王五"), "", ""],
        [*arrival("赵六"), "2020-13-01", ""],
    )
    result = ArrivalImporter(people.village_officer).commit(path)
    assert messages(result) == ["Row 4, 登记时间: 2020-13-01 is not a date; write it like 2020-01-25"]
    paper = Arrival.objects.get(person__name="李四")
    assert (paper.registered_on, paper.registrar) == (datetime.date(2020, 1, 27), "张书记")
    entered = Arrival.objects.get(person__name="王五")
    assert (entered.registered_on, entered.registrar) == (timezone.localdate(), "village_officer")


def test_reimporting_the_same_file_changes_nothing(tree, people, tmp_path):
    path = write(tmp_path, ARRIVAL_HEADER, arrival("李四"), arrival("王五"))
    ArrivalImporter(people.village_officer).commit(path)
    again = ArrivalImporter(people.village_officer).commit(path)
    assert (again.created, again.unchanged, again.errors) == (0, 2, 0)
    assert Person.objects.count() == 2 and Arrival.objects.count() == 2


def test_an_existing_person_gets_the_arrival_not_a_duplicate(tree, people, tmp_path):
    number = id_number()
    person = make_person(tree.village, "李四", number)
    result = ArrivalImporter(people.village_officer).commit(write(tmp_path, ARRIVAL_HEADER, arrival("李四", number)))
    assert result.created == 1
    assert Person.objects.count() == 1 and person.arrivals.count() == 1


def test_someone_registered_meanwhile_is_found_row_by_row(tree, people, tmp_path):
    """The chunk was checked before another officer registered 李四: the bulk insert of the chunk
    meets his ID number and the chunk is written again row by row, finding him."""
    number = id_number()
    importer = ArrivalImporter(people.village_officer)
    checked = importer.prepare

    def prepare_then_someone_registers(rows):
        checked(rows)
        if not Person.objects.filter(name="李四").exists():
            make_person(tree.village, "李四", number)

    importer.prepare = prepare_then_someone_registers
    result = importer.commit(write(tmp_path, ARRIVAL_HEADER, arrival("李四", number), arrival("王五")))
    assert (result.created, result.errors) == (2, 0), messages(result)
    assert Person.objects.count() == 2
    assert Person.objects.get(name="李四").arrivals.count() == 1


def test_the_same_person_twice_in_one_file_is_registered_once(tree, people, tmp_path):
    number = id_number()
    path = write(tmp_path, ARRIVAL_HEADER, arrival("李四", number), arrival("李四", number, date="2020-02-03"))
    result = ArrivalImporter(people.village_officer).commit(path)
    assert result.created == 2
    assert Person.objects.count() == 1 and Arrival.objects.count() == 2


def test_a_duplicate_row_names_the_first_one(tree, people, tmp_path):
    row = arrival("李四")
    result = ArrivalImporter(people.village_officer).commit(write(tmp_path, ARRIVAL_HEADER, row, list(row)))
    assert result.created == 1
    assert messages(result) == ["Row 3: the same 身份证号, 返回日期, 来源地 as row 2"]


def test_an_id_number_registered_in_another_county_is_refused(tree, people, tmp_path):
    number = id_number()
    make_person(tree.other_village, "李四", number)
    result = ArrivalImporter(people.village_officer).preview(write(tmp_path, ARRIVAL_HEADER, arrival("李四", number)))
    assert messages(result) == [
        "Row 2, 身份证号: This ID number is registered in another area (商南县). Nobody is registered twice: "
        "request a move into your area."
    ]


def test_an_arrival_whose_sex_contradicts_the_id_number_is_refused(tree, people, tmp_path):
    row = arrival(number=id_number(male=True))
    row[2] = "女"
    result = ArrivalImporter(people.village_officer).commit(write(tmp_path, ARRIVAL_HEADER, row))
    assert messages(result) == ["Row 2, 性别: The ID number says male."]
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"date": "2099-01-01"}, "Row 2, 返回日期: 2099-01-01 is in the future"),
        ({"date": "去年"}, "Row 2, 返回日期: 去年 is not a date; write it like 2020-01-25"),
        ({"origin": "火星市"}, "Row 2, 来源地: 火星市 is not in the national division list"),
        ({"origin": "朝阳区"}, "Row 2, 来源地: 朝阳区 is ambiguous"),
        ({"origin": "999999"}, "Row 2, 来源地: no county has the code 999999"),
        ({"number": "110101202311012175"}, "Row 2, 身份证号: The check character of this ID number should be 6"),
        ({"number": "11010119801301001X"}, "Row 2, 身份证号: The birth date in the ID number (19801301) does not"),
        ({"number": "1234"}, "Row 2, 身份证号: An ID number has 18 characters; this one has 4."),
        ({"grid": "611023100001001"}, "Row 2, 网格代码: area 611023100001001 is not in your scope"),
        ({"grid": "611022106200009"}, "Row 2, 网格代码: no grid has the code 611022106200009"),
    ],
)
def test_bad_cells_are_errors_naming_row_and_column(tree, people, tmp_path, cells, expected):
    result = ArrivalImporter(people.village_officer).preview(write(tmp_path, ARRIVAL_HEADER, arrival(**cells)))
    assert len(messages(result)) == 1 and messages(result)[0].startswith(expected), messages(result)


@pytest.mark.parametrize(
    "origin", ["420103", "湖北省武汉市江汉区", "武汉市江汉区", "江汉区", "湖北省 武汉市 江汉区", 420103]
)
def test_the_origin_is_a_county_code_or_name(tree, people, tmp_path, origin):
    result = ArrivalImporter(people.village_officer).commit(write(tmp_path, ARRIVAL_HEADER, arrival(origin=origin)))
    assert result.created == 1, messages(result)
    assert Arrival.objects.get().origin.code == "420103"


@pytest.mark.parametrize(
    "value",
    ["2020-01-25", "2020/1/25", "2020年1月25日", "2020.1.25", "20200125", datetime.datetime(2020, 1, 25, 9, 30)],
)
def test_dates_are_read_from_cells_or_text(value):
    assert parse_date(value, "arrived_on", datetime.date(2020, 3, 1)) == datetime.date(2020, 1, 25)


def test_an_origin_in_a_risk_area_flags_the_person(tree, people, tmp_path):
    RiskArea.objects.create(division=Division.objects.get(code="4201"), valid_from=datetime.date(2020, 1, 20))
    path = write(tmp_path, ARRIVAL_HEADER, arrival("李四"), arrival("王五", origin="陕西省西安市雁塔区"))
    result = ArrivalImporter(people.village_officer).commit(path)
    assert result.created == 2
    flagged = Person.objects.get(name="李四")
    assert flagged.tag_codes() == {KeyPersonTag.FROM_RISK_AREA}
    assert flagged.arrivals.get().risk
    assert Person.objects.get(name="王五").tag_codes() == set()
    logged = ChangeLogEntry.objects.filter(object_id=str(flagged.pk), kind=ChangeLogEntry.Kind.UPDATE).get()
    assert logged.after["tags"] == [KeyPersonTag.FROM_RISK_AREA]


def test_the_row_by_row_path_flags_like_the_bulk_path(tree, people, tmp_path):
    RiskArea.objects.create(division=Division.objects.get(code="4201"), valid_from=datetime.date(2020, 1, 20))
    importer = ArrivalImporter(people.village_officer)
    result = importer.preview(write(tmp_path, ARRIVAL_HEADER, arrival("李四")))
    assert importer.write_row(result.rows[0].cleaned) == "created"
    assert Person.objects.get(name="李四").tag_codes() == {KeyPersonTag.FROM_RISK_AREA}
    assert importer.write_row(result.rows[0].cleaned) == "unchanged"


def test_all_or_nothing_writes_nothing_when_a_row_is_wrong(tree, people, tmp_path):
    path = write(tmp_path, ARRIVAL_HEADER, arrival("李四"), arrival("王五", date="2099-01-01"))
    result = ArrivalImporter(people.village_officer).commit(path, all_or_nothing=True)
    assert (result.errors, result.created, result.committed) == (1, 0, False)
    assert not Person.objects.exists() and not Arrival.objects.exists()


def test_valid_rows_are_imported_next_to_wrong_ones(tree, people, tmp_path):
    path = write(tmp_path, ARRIVAL_HEADER, arrival("李四"), arrival("王五", date="2099-01-01"), arrival("赵六"))
    result = ArrivalImporter(people.village_officer).commit(path)
    assert (result.errors, result.created) == (1, 2)
    assert set(Person.objects.values_list("name", flat=True)) == {"李四", "赵六"}


def test_gbk_csv_with_columns_in_any_order(tree, people, tmp_path):
    number = id_number()
    header = ["网格代码", "返回日期", "来源地", "身份证号", "姓名", "是否有咳嗽等症状", "14天内是否接触病例", "登记人"]
    path = write(
        tmp_path, header, [GRID, "2020/1/25", "武汉市江汉区", number, "李四", "是", "是", "王干部"], name="a.csv"
    )
    result = ArrivalImporter(people.village_officer).commit(path)
    assert result.created == 1, messages(result)
    made = Arrival.objects.get()
    assert (made.person.name, made.symptoms, made.contact_with_cases) == ("李四", True, True)
    assert made.person.tag_codes() == {KeyPersonTag.CLOSE_CONTACT}


def test_a_title_row_with_merged_cells_above_the_header(tree, people, tmp_path):
    title = ["竹林关村返乡人员登记表"] + [None] * (len(ARRIVAL_HEADER) - 1)
    path = write(tmp_path, title, ARRIVAL_HEADER, arrival("李四"), merge="A1:J1")
    result = ArrivalImporter(people.village_officer).commit(path)
    assert result.created == 1 and result.rows[0].number == 3


def test_missing_columns_are_named_in_the_users_language(tree, people, tmp_path):
    path = write(tmp_path, ARRIVAL_HEADER[1:], arrival()[1:])
    with translation.override("zh-hans"), pytest.raises(ImportFileError) as chinese:
        ArrivalImporter(people.village_officer).preview(path)
    assert "缺少列：姓名。" in str(chinese.value)
    with translation.override("en"), pytest.raises(ImportFileError, match="Missing columns: 姓名 / name[.]"):
        ArrivalImporter(people.village_officer).preview(path)


def test_a_village_code_instead_of_a_grid(tree, people, tmp_path):
    header = [*ARRIVAL_HEADER[:-1], "村代码"]
    result = ArrivalImporter(people.village_officer).commit(write(tmp_path, header, arrival(grid=tree.village.code)))
    assert result.created == 1
    assert Arrival.objects.get().area == tree.village


def test_a_file_without_an_area_column_is_refused(tree, people, tmp_path):
    with pytest.raises(ImportFileError, match="Missing columns: 网格代码 / 村代码"):
        ArrivalImporter(people.village_officer).preview(write(tmp_path, ARRIVAL_HEADER[:-1], arrival()[:-1]))


def test_a_file_that_is_not_a_spreadsheet_is_refused(tree, people, tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(ImportFileError, match="not a spreadsheet"):
        ArrivalImporter(people.village_officer).preview(path)


def test_the_error_workbook_reads_back_with_the_errors(tree, people, tmp_path):
    path = write(tmp_path, ARRIVAL_HEADER, arrival("李四"), arrival("王五", origin="火星市"))
    result = ArrivalImporter(people.village_officer).commit(path)
    sheet = load_workbook(io.BytesIO(result.error_workbook())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (*ARRIVAL_HEADER, ERRORS_HEADER)
    assert len(rows) == 2 and rows[1][0] == "王五"
    assert rows[1][-1].startswith("Row 3, 来源地: 火星市 is not in the national division list")


# --- residents -----------------------------------------------------------------------------------

PERSON_HEADER = ["户籍地址", "姓名", "身份证号", "联系电话", "与户主关系", "网格代码"]


def test_it_imports_residents_into_households(tree, people, tmp_path):
    number = id_number(male=False)
    path = write(
        tmp_path,
        PERSON_HEADER,
        ["竹林关村一组 1 号", "张三", id_number(), "13812345678", "户主", GRID],
        ["竹林关村一组 1 号", "李梅", number, "", "妻子", GRID],
        ["竹林关村一组 2 号", "王五", "", "", "户主", GRID],
    )
    result = PersonImporter(people.grid_worker).commit(path)
    assert (result.created, result.errors) == (3, 0), messages(result)
    household = Household.objects.get(address="竹林关村一组 1 号")
    assert household.area == tree.grid
    assert set(household.members.values_list("name", flat=True)) == {"张三", "李梅"}
    assert Person.objects.get(name="李梅").sex == "female"
    assert Person.objects.get(name="王五").id_number_hash is None
    assert household.head.name == "张三"
    assert Person.objects.get(name="李梅").relation_to_head == "妻子"

    again = PersonImporter(people.grid_worker).commit(path)
    assert (again.created, again.unchanged) == (0, 3), "matched by ID number, or by name in the household"
    assert Person.objects.count() == 3 and Household.objects.count() == 2


def test_a_resident_already_registered_without_household_is_filled_in(tree, people, tmp_path):
    number = id_number()
    make_person(tree.grid, "张三", number)
    result = PersonImporter(people.grid_worker).commit(
        write(tmp_path, PERSON_HEADER, ["竹林关村一组 1 号", "张三", number, "13812345678", "户主", GRID])
    )
    assert result.updated == 1
    person = Person.objects.get()
    assert person.household.address == "竹林关村一组 1 号" and person.phone == "13812345678"


def test_a_resident_registered_in_another_county_is_refused(tree, people, tmp_path):
    number = id_number()
    make_person(tree.other_grid, "张三", number)
    result = PersonImporter(people.grid_worker).preview(
        write(tmp_path, PERSON_HEADER, ["竹林关村一组 1 号", "张三", number, "", "", GRID])
    )
    assert messages(result) == [
        "Row 2, 身份证号: This ID number is registered in another area (商南县). Nobody is registered twice: "
        "request a move into your area."
    ]


@pytest.fixture
def viewer_worker(tree):
    """A grid worker of the first grid who, as CDC staff of the village, may also view (not change) the second."""
    user = make_user("worker_and_cdc", Role.GRID_WORKER, tree.grid)
    Membership.objects.create(user=user, area=tree.village, role=Role.CDC)
    user.forget_memberships()
    return user


def test_a_resident_the_importer_may_only_view_is_not_changed(tree, viewer_worker, tmp_path):
    number = id_number()
    person = make_person(tree.grid2, "张三", number)
    path = write(tmp_path, PERSON_HEADER, ["竹林关村一组 1 号", "张三", number, "13812345678", "户主", GRID])
    assert messages(PersonImporter(viewer_worker).preview(path)) == [
        "Row 2, 身份证号: 张三 is registered in 第二网格, where you may only view them; ask that area to change them"
    ]
    result = PersonImporter(viewer_worker).commit(path)
    assert (result.errors, result.updated) == (1, 0)
    person.refresh_from_db()
    assert (person.household, person.phone, person.relation_to_head) == (None, "", "")
    assert not Household.objects.filter(head=person).exists()


def test_a_member_found_by_name_that_the_importer_may_only_view_is_not_changed(tree, viewer_worker, tmp_path):
    household = make_household(tree.grid, "竹林关村一组 1 号")
    member = make_person(tree.grid2, "王五", household=household)
    result = PersonImporter(viewer_worker).commit(
        write(tmp_path, PERSON_HEADER, ["竹林关村一组 1 号", "王五", "", "13812345678", "户主", GRID])
    )
    assert messages(result) == [
        "Row 2, 姓名: 王五 is registered in 第二网格, where you may only view them; ask that area to change them"
    ]
    member.refresh_from_db()
    household.refresh_from_db()
    assert (member.phone, member.relation_to_head, household.head) == ("", "", None)


def test_a_grid_worker_cannot_import_into_another_grid(tree, people, tmp_path):
    result = PersonImporter(people.grid_worker).preview(
        write(tmp_path, PERSON_HEADER, ["竹林关村二组 1 号", "张三", "", "", "", "611022106200002"])
    )
    assert messages(result) == ["Row 2, 网格代码: area 611022106200002 is not in your scope"]


# --- pages and API -------------------------------------------------------------------------------


def test_the_import_page_previews_and_imports_arrivals(client, tree, people, tmp_path, run_jobs):
    url = reverse("people:arrival-import")
    client.force_login(people.village_officer)
    data = xlsx_bytes(ARRIVAL_HEADER, arrival("李四"), arrival("王五", date="2099-01-01"))
    previewed = client.post(url, {"file": SimpleUploadedFile("a.xlsx", data)})
    assert previewed.status_code == 200 and previewed.context["result"].errors == 1
    assert not Arrival.objects.exists()
    token = previewed.context["upload"].token
    confirmed = client.post(url, {"token": token})
    job = people.village_officer.jobs.get()
    assert confirmed.status_code == 302 and confirmed["Location"] == job.get_absolute_url()
    assert Arrival.objects.count() == 1
    assert client.post(url, {"token": token})["Location"] == job.get_absolute_url()  # a double click imports once
    page = client.get(job.get_absolute_url())
    assert page.context["object"].result["summary"]["created"] == 1 and 'id="download-errors"' in page.content.decode()
    errors = client.get(reverse("people:arrival-import-errors", kwargs={"token": token}))
    sheet = load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert sheet.max_row == 2


def test_the_templates_have_the_register_headers(client, tree, people):
    client.force_login(people.village_officer)
    response = client.get(reverse("people:arrival-import-template"))
    header = next(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert header[:3] == ("姓名", "身份证号", "性别") and "14天内是否接触病例" in header and "网格代码" in header


def api_import(client, kind, data, name="a.xlsx", **extra):
    return client.post("/api/imports/", {"file": SimpleUploadedFile(name, data), "kind": kind, **extra})


OLD_EXCEL = Path(__file__).parent / "data" / "arrivals.xls"  # saved by an Excel 97-2003 writer (xlwt)


def test_an_old_excel_xls_file_imports_like_xlsx(tree, people):
    result = ArrivalImporter(people.village_officer).commit(OLD_EXCEL)
    assert (result.created, result.errors) == (2, 0), messages(result)
    arrival = Arrival.objects.get(person__name="李四")
    assert (arrival.origin.code, arrival.arrived_on) == ("420103", datetime.date(2020, 1, 25))
    fever = Person.objects.get(name="王五")  # 是否发热: 是, on the arrival; no category is set for it
    assert fever.tag_codes() == set() and fever.status.fever and fever.status_colour == "red"


def api_job(client, response):
    """The job a 202 answer points to, as the API shows it once it has run."""
    assert response.status_code == 202, response.content
    return client.get(response["Location"]).json()


def test_the_api_takes_an_xls_file(client, tree, people, run_jobs):
    client.force_login(people.village_officer)
    job = api_job(client, api_import(client, "arrivals", OLD_EXCEL.read_bytes(), name="返乡人员.xls"))
    assert job["status"] == "done" and job["result"]["summary"]["created"] == 2, job


def test_the_api_answers_an_import_with_a_location_that_runserver_can_send(client, tree, people, run_jobs):
    # wsgiref (manage.py runserver) takes header values of type str only: DRF's Hyperlink, a str
    # subclass, made every import through the API a 500 there.
    client.force_login(people.village_officer)
    response = api_import(client, "arrivals", xlsx_bytes(ARRIVAL_HEADER, arrival("李四")))
    assert response.status_code == 202
    Headers([("Location", response["Location"])])


def test_the_api_imports_by_a_job_and_reports_the_rows_with_errors(client, tree, people, run_jobs):
    client.force_login(people.village_officer)
    data = xlsx_bytes(ARRIVAL_HEADER, arrival("李四"), arrival("王五", origin="火星市"))
    dry = api_import(client, "arrivals", data, dry_run="true")
    assert dry.status_code == 200 and not Arrival.objects.exists()
    assert dry.json()["rows"][0] == {"row": 2, "status": "ok", "errors": {}}
    job = api_job(client, api_import(client, "arrivals", data))
    assert job["status"] == "done" and job["kind"] == "import-commit"
    body = job["result"]["summary"]
    assert {key: body[key] for key in ("total", "valid", "errors", "created", "updated", "unchanged")} == {
        "total": 2,
        "valid": 1,
        "errors": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    errors = job["result"]["errors"]
    assert len(errors) == 1 and errors[0]["row"] == 3 and errors[0]["errors"]["来源地"].startswith("火星市")
    download = client.get(job["result"]["errors_url"])
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["王五"]
    client.force_login(people.town_officer)
    assert client.get(job["result"]["errors_url"]).status_code == 404  # the uploader's only


NO_ROWS = "No row can be imported. Fix the file and upload it again."


def test_a_file_with_a_header_and_no_row_is_refused_on_the_page_and_by_the_api(client, tree, people):
    client.force_login(people.village_officer)
    data = xlsx_bytes(ARRIVAL_HEADER, [None] * len(ARRIVAL_HEADER))
    page = client.post(reverse("people:arrival-import"), {"file": SimpleUploadedFile("a.xlsx", data)})
    assert page.context["form"].errors["file"] == [NO_ROWS]
    response = api_import(client, "arrivals", data, dry_run="true")
    assert (response.status_code, response.json()) == (400, {"file": [NO_ROWS]})


def test_the_api_refuses_a_file_that_is_not_a_spreadsheet(client, tree, people):
    client.force_login(people.village_officer)
    response = api_import(client, "arrivals", b"hello", name="notes.txt")
    assert response.status_code == 400 and "not a spreadsheet" in response.json()["file"][0]


def test_the_api_checks_the_role_for_the_kind(client, tree, people, run_jobs):
    client.force_login(people.doctor)
    assert api_import(client, "arrivals", xlsx_bytes(ARRIVAL_HEADER, arrival())).status_code == 403
    data = xlsx_bytes(PERSON_HEADER, ["竹林关村一组 1 号", "张三", "", "", "", GRID])
    job = api_job(client, api_import(client, "persons", data, all_or_nothing="true"))
    assert job["result"]["summary"]["created"] == 1


def test_the_lists_link_to_their_imports(client, tree, people):
    client.force_login(people.village_officer)
    assert reverse("people:arrival-import") in client.get(reverse("people:arrival-list")).content.decode()
    assert reverse("people:person-import") in client.get(reverse("people:person-list")).content.decode()
