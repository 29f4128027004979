"""The register's rules answer alike on every path: the web form, the API and a spreadsheet import
give the same message for the same mistake, because each calls the one rule in fangkong.core."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook

from fangkong.core.validators import check_id_number_facts, normalise_id_number, normalise_phone
from fangkong.people.forms import PersonForm
from fangkong.people.imports import PersonImporter

from .factories import id_number

HEADERS = {"name": "姓名", "id_number": "身份证号", "sex": "性别", "phone": "联系电话", "address": "住址"}
SEX_CELLS = {"male": "男", "female": "女"}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def core_message(rule, *args):
    with pytest.raises(ValidationError) as excinfo:
        rule(*args)
    return excinfo.value.messages[0]


def wrong_check(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


def bad_id_number():
    number = wrong_check(id_number())
    return "id_number", {"id_number": number}, core_message(normalise_id_number, number)


def bad_phone():
    return "phone", {"phone": "12345"}, core_message(normalise_phone, "12345")


def contradicting_sex():
    number = id_number(male=True)
    facts = {"id_number": number, "sex": "female"}
    return "sex", facts, core_message(check_id_number_facts, number, dict(facts))


def by_form(tree, people, tmp_path, values):
    data = {"name": "李四", "area": tree.grid.pk, "residency": "resident", **values}
    form = PersonForm(data, user=people.village_officer)
    assert not form.is_valid()
    return form.errors


def by_api(tree, people, tmp_path, values, api=None):
    api.force_authenticate(people.village_officer)
    response = api.post("/api/people/", {"name": "李四", "area": tree.grid.code, **values}, format="json")
    assert response.status_code == 400
    return response.json()


def by_import(tree, people, tmp_path, values):
    values = {"name": "李四", "address": "竹林关村一组 1 号", **values}
    values["sex"] = SEX_CELLS.get(values.get("sex"), values.get("sex"))
    workbook = Workbook()
    workbook.active.append([*HEADERS.values(), "网格代码"])
    workbook.active.append([*(values.get(name) for name in HEADERS), tree.grid.code])
    path = tmp_path / "residents.xlsx"
    workbook.save(path)
    result = PersonImporter(people.village_officer).preview(path)
    messages = [message for row in result.error_rows for message in row.messages]
    errors = {}
    for name, header in HEADERS.items():
        prefix = f"Row 2, {header}: "
        errors[name] = [message.removeprefix(prefix) for message in messages if message.startswith(prefix)]
    return errors


@pytest.mark.parametrize("case", [bad_id_number, bad_phone, contradicting_sex])
@pytest.mark.parametrize("path", [by_form, by_api, by_import])
def test_the_form_the_api_and_the_import_give_the_core_rules_message(tree, people, tmp_path, api, case, path):
    field, values, message = case()
    kwargs = {"api": api} if path is by_api else {}
    assert path(tree, people, tmp_path, values, **kwargs)[field] == [message]
