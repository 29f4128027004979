"""Importing grids: the grid rules, and the web flow upload -> preview -> confirm -> counts.

The tree (fangkong.core.testing): 竹林关村 611022106200 has grids 001 第一网格 and 002 第二网格;
桃园村 611022106201 has none; the outsider is an officer of 商南县.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from fangkong.areas.imports import GridImporter
from fangkong.areas.models import Area
from fangkong.core.imports import ERRORS_HEADER
from fangkong.core.models import ChangeLogEntry

HEADER = ["村代码", "网格名称"]
IMPORT_URL = reverse("areas:grid-import")


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the msgids); the UI default is Chinese."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """Uploads are kept under VAR_DIR/imports/: a fresh one per test."""
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def jobs_at_once(run_jobs):
    """The confirmed import runs as a job: here at once, inside the request."""


def xlsx_bytes(*rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def grid_names(village):
    return set(village.children.filter(level=Area.Level.GRID, retired_on__isnull=True).values_list("name", flat=True))


def preview(tmp_path, user, *rows):
    path = tmp_path / "grids.xlsx"
    path.write_bytes(xlsx_bytes(HEADER, *rows))
    return GridImporter(user).preview(path)


def commit(tmp_path, user, *rows):
    path = tmp_path / "grids.xlsx"
    path.write_bytes(xlsx_bytes(HEADER, *rows))
    return GridImporter(user).commit(path)


# --- the grid rules ------------------------------------------------------------------------------


def test_new_grids_take_the_next_numbers_of_their_village(tree, people, tmp_path):
    result = commit(tmp_path, people.town_officer, ["611022106200", "第三网格"], ["611022106201", "东沟网格"])
    assert result.created == 2
    assert Area.objects.get(parent=tree.village, name="第三网格").code == "611022106200003"
    assert Area.objects.get(parent=tree.village2, name="东沟网格").code == "611022106201001"


def test_an_existing_grid_is_unchanged(tree, people, tmp_path):
    result = commit(tmp_path, people.village_officer, ["611022106200", "第一网格"], ["611022106200", " 第二网格 "])
    assert (result.created, result.unchanged) == (0, 2)
    assert Area.objects.filter(parent=tree.village).count() == 2


def test_the_name_of_a_retired_grid_makes_a_new_grid(tree, people, tmp_path):
    tree.grid2.retired_on = timezone.localdate()
    tree.grid2.save()
    result = commit(tmp_path, people.village_officer, ["611022106200", "第二网格"])
    assert result.created == 1
    assert Area.objects.get(parent=tree.village, name="第二网格", retired_on__isnull=True).code == "611022106200003"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("61102210620", "a village code has 12 digits; 61102210620 does not"),
        ("611022106", "a village code has 12 digits; 611022106 does not"),
        ("611022106200001", "a village code has 12 digits; 611022106200001 does not"),
        ("611022106299", "no village or community has the code 611022106299"),
    ],
)
def test_it_checks_the_village_code(tree, people, tmp_path, code, message):
    result = preview(tmp_path, people.town_officer, [code, "东沟网格"])
    assert [row.messages for row in result.error_rows] == [[f"Row 2, 村代码: {message}"]]


def test_it_takes_a_village_code_typed_as_a_number(tree, people, tmp_path):
    result = commit(tmp_path, people.town_officer, [611022106201, "东沟网格"], [611022106201.0, "西沟网格"])
    assert result.created == 2


def test_it_refuses_a_name_too_long(tree, people, tmp_path):
    result = preview(tmp_path, people.town_officer, ["611022106201", "网" * 101])
    assert result.error_rows[0].messages == ["Row 2, 网格名称: at most 100 characters"]


# --- the web flow --------------------------------------------------------------------------------


def upload(client, *rows, name="grids.xlsx", data=None, all_or_nothing=False):
    file = SimpleUploadedFile(name, data if data is not None else xlsx_bytes(HEADER, *rows))
    return client.post(IMPORT_URL, {"file": file, "all_or_nothing": "on" if all_or_nothing else ""})


def confirm(client, token, all_or_nothing=False):
    return client.post(IMPORT_URL, {"token": token, "all_or_nothing": "1" if all_or_nothing else ""})


def test_upload_preview_confirm_creates_the_grids(client, tree, people, var_dir):
    client.force_login(people.village_officer)
    page = client.get(IMPORT_URL)
    assert reverse("areas:grid-import-template") in page.content.decode()

    previewed = upload(client, ["611022106200", "第三网格"], ["611022106200", "第四网格"], ["611022106200", "第一网格"])
    assert previewed.status_code == 200
    result = previewed.context["result"]
    assert (result.total, result.valid, result.errors) == (3, 3, 0)
    assert 'id="import-preview"' in previewed.content.decode()
    assert grid_names(tree.village) == {"第一网格", "第二网格"}, "a preview writes nothing"

    token = previewed.context["upload"].token
    confirmed = confirm(client, token)
    job = people.village_officer.jobs.get()
    assert confirmed.status_code == 302 and confirmed["Location"] == job.get_absolute_url()
    assert grid_names(tree.village) == {"第一网格", "第二网格", "第三网格", "第四网格"}

    done = client.get(confirmed["Location"])
    assert done.context["object"].result["summary"] == {
        "total": 3,
        "valid": 3,
        "errors": 0,
        "committed": True,
        "created": 2,
        "updated": 0,
        "unchanged": 1,
    }
    assert "Imported: 2 created, 0 updated, 1 unchanged." in done.content.decode()
    assert not list((var_dir / "imports").glob("*.xlsx")), "the uploaded file is removed once imported"


def test_changes_are_logged_as_imports_by_the_user(client, tree, people):
    client.force_login(people.village_officer)
    confirm(client, upload(client, ["611022106200", "第三网格"]).context["upload"].token)
    grid = Area.objects.get(parent=tree.village, name="第三网格")
    entry = ChangeLogEntry.objects.get(object_id=str(grid.pk))
    assert (entry.source, entry.user_name) == ("import", "village_officer")


def test_confirming_twice_imports_once(client, tree, people):
    client.force_login(people.village_officer)
    token = upload(client, ["611022106200", "第三网格"]).context["upload"].token
    confirm(client, token)
    logged = ChangeLogEntry.objects.count()
    again = confirm(client, token)
    assert again["Location"] == people.village_officer.jobs.get().get_absolute_url()
    assert ChangeLogEntry.objects.count() == logged
    assert client.get(again["Location"]).context["object"].result["summary"]["created"] == 1


def test_rows_with_errors_can_be_downloaded_and_the_rest_imported(client, tree, people):
    client.force_login(people.village_officer)
    previewed = upload(client, ["611022106200", "第三网格"], ["611022106201", "东沟网格"])
    errors_url = reverse("areas:grid-import-errors", kwargs={"token": previewed.context["upload"].token})
    assert errors_url in previewed.content.decode()

    done = client.get(confirm(client, previewed.context["upload"].token)["Location"])
    summary = done.context["object"].result["summary"]
    assert summary["created"] == 1 and summary["errors"] == 1 and errors_url in done.content.decode()
    download = client.get(errors_url)
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert list(sheet.values) == [
        (*HEADER, ERRORS_HEADER),
        ("611022106201", "东沟网格", "Row 3, 村代码: area 611022106201 is not in your scope"),
    ]


def test_all_or_nothing_from_the_page_imports_nothing(client, tree, people):
    client.force_login(people.village_officer)
    previewed = upload(client, ["611022106200", "第三网格"], ["611022106201", "东沟网格"], all_or_nothing=True)
    assert previewed.context["all_or_nothing"] is True
    done = client.get(confirm(client, previewed.context["upload"].token, all_or_nothing=True)["Location"])
    assert done.context["object"].result["summary"]["committed"] is False
    assert "Nothing was imported: 1 row has an error" in done.content.decode()
    assert grid_names(tree.village) == {"第一网格", "第二网格"}


def test_outsider_cannot_download_someone_elses_error_workbook(client, tree, people):
    client.force_login(people.village_officer)
    token = upload(client, ["611022106299", "东沟网格"]).context["upload"].token
    errors_url = reverse("areas:grid-import-errors", kwargs={"token": token})
    assert client.get(errors_url).status_code == 200
    for someone_else in (people.outsider, people.town_officer, people.city_commander):
        client.force_login(someone_else)
        assert client.get(errors_url).status_code == 404
        assert confirm(client, token).status_code == 404
        assert client.get(f"{IMPORT_URL}?preview={token}").status_code == 404


@pytest.mark.parametrize("token", ["../../secret_key", "0" * 31, "A" * 32])
def test_a_token_is_never_a_path(client, tree, people, token):
    client.force_login(people.village_officer)
    assert confirm(client, token).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", "611022106200,第三网格".encode(), "This file is not a spreadsheet"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(100), "This file is not a spreadsheet"),
        ("grids.xlsx", xlsx_bytes(["网格名称"], ["第三网格"]), "Missing columns: 村代码 / village code"),
    ],
)
def test_a_bad_file_is_named_on_the_form(client, tree, people, var_dir, name, data, message):
    client.force_login(people.village_officer)
    response = upload(client, name=name, data=data)
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert not any((var_dir / "imports").glob("*")), "nothing of a refused file is kept"


def test_a_file_too_big_is_refused(client, tree, people, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(people.village_officer)
    response = upload(client, ["611022106200", "第三网格"])
    assert "at most 1000" in response.context["form"].errors["file"][0]


def test_template_download_has_the_headers(client, tree, people):
    client.force_login(people.village_officer)
    response = client.get(reverse("areas:grid-import-template"))
    assert response["Content-Disposition"] == 'attachment; filename="grids-template.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert list(sheet.values) == [tuple(HEADER)]


def test_the_village_page_links_to_the_import_for_those_who_may_add_grids(client, tree, people):
    village_url = reverse("areas:area", args=[tree.village.code])
    client.force_login(people.village_officer)
    assert 'id="import-grids"' in client.get(village_url).content.decode()
    client.force_login(people.doctor)
    assert 'id="import-grids"' not in client.get(village_url).content.decode()
