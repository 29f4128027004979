"""Households in difficulty: the stored kinds through the form, the API and the importer (one rule, the
same message), the derived "under observation", the household list's filter, and the village's list
with each household's last visit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from fangkong.core.models import ChangeLogEntry
from fangkong.core.testing import ScopedAPIClient
from fangkong.health.tests.factories import make_episode
from fangkong.people.imports import PersonImporter
from fangkong.people.models import Household, ScreeningRound, ScreeningVisit
from fangkong.people.tests.factories import id_number, make_household, make_person

from .. import services
from .factories_help import make_need

GRID = "611022106200001"
UNDER_OBSERVATION_REFUSED = "Under observation is read from the observation records: it cannot be set by hand."


@pytest.fixture
def api():
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def web(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_household_form_sets_the_kinds_and_logs_each_change(web, tree, people):
    household = make_household(tree.grid)
    web.force_login(people.grid_worker)
    data = {"area": GRID, "address": household.address, "difficulties": ["low_income", "elderly_alone"], "version": 1}
    response = web.post(reverse("people:household-edit", args=[household.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    household.refresh_from_db()
    assert (household.low_income, household.elderly_alone, household.disabled) == (True, True, False)
    entry = ChangeLogEntry.objects.filter(kind=ChangeLogEntry.Kind.UPDATE).latest("pk")
    assert {"low_income", "elderly_alone"} <= set(entry.after)
    page = web.get(reverse("people:household-edit", args=[household.pk]))
    assert page.context["form"].initial["difficulties"] == ["low_income", "elderly_alone"]


def test_the_api_reads_and_writes_the_kinds_and_refuses_the_derived_one(api, tree, people):
    household = make_household(tree.grid)
    make_episode(make_person(tree.grid, name="王小明", number=id_number(), household=household))
    api.force_authenticate(people.grid_worker)
    url = reverse("household-detail", args=[household.pk])
    response = api.patch(url, {"difficulties": ["five_guarantees", "disabled"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["difficulties"] == ["five_guarantees", "disabled"]
    assert response.json()["under_observation"] is True
    refused = api.patch(url, {"difficulties": ["under_observation"]}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"difficulties": [UNDER_OBSERVATION_REFUSED]}
    unknown = api.patch(url, {"difficulties": ["rich"]}, format="json")
    assert unknown.json() == {"difficulties": ["rich is not a kind of difficulty"]}
    listed = api.get(reverse("household-list"), {"difficulty": "under_observation"}).json()["results"]
    assert [row["id"] for row in listed] == [household.pk] and listed[0]["under_observation"] is True


def test_the_importer_reads_the_kinds_and_names_row_and_column_of_an_unknown_one(tree, people, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    workbook = Workbook()
    workbook.active.append(["户籍地址", "姓名", "与户主关系", "网格代码", "困难类型"])
    workbook.active.append(["竹林关村一组 7 号", "刘奶奶", "户主", GRID, "低保、独居老人"])
    workbook.active.append(["竹林关村一组 8 号", "陈大爷", "户主", GRID, "有钱"])
    path = tmp_path / "residents.xlsx"
    workbook.save(path)
    with translation.override("en"):
        result = PersonImporter(people.grid_worker).commit(path)
        errors = [message for row in result.error_rows for message in row.messages]
    assert result.created == 1
    household = Household.objects.get(address="竹林关村一组 7 号")
    assert (household.low_income, household.elderly_alone, household.five_guarantees) == (True, True, False)
    assert len(errors) == 1 and errors[0].startswith("Row 3, 困难类型: 有钱 is not a kind of difficulty")


def test_the_household_list_filters_by_kind_and_any_difficulty(web, tree, people):
    poor = make_household(tree.grid, address="一组 1 号", low_income=True)
    observed = make_household(tree.grid, address="一组 2 号")
    make_episode(make_person(tree.grid, number=id_number(), household=observed))
    make_household(tree.grid, address="一组 3 号")
    web.force_login(people.village_officer)

    def listed(**query):
        response = web.get(reverse("people:household-list"), query)
        return {row.record.pk for row in response.context["table"].paginated_rows}

    assert listed(difficulty="low_income") == {poor.pk}
    assert listed(difficulty="under_observation") == {observed.pk}
    assert listed(difficulty="any") == {poor.pk, observed.pk}


def test_the_villages_list_shows_the_last_visit_delivery_or_screening_whichever_is_later(web, tree, people):
    today = timezone.localdate()
    delivered = make_household(tree.grid, address="一组 1 号", elderly_alone=True)
    screened = make_household(tree.grid, address="一组 2 号", disabled=True)
    never = make_household(tree.grid, address="一组 3 号", frontline_family=True)
    make_household(tree.grid, address="一组 4 号")  # in no difficulty: not listed
    screening = ScreeningRound(area=tree.village, title="第一轮排查", deadline=today + datetime.timedelta(days=3))
    screening.opened_on = today - datetime.timedelta(days=5)
    screening.save()
    for household in (delivered, screened):
        visit = ScreeningVisit(round=screening, household=household, area=household.area)
        visit.visited_on = today - datetime.timedelta(days=4)
        visit.save()
    need = make_need(delivered, user=people.village_officer)
    services.deliver(need, people.village_officer, "米面油送到")

    rows = {row.pk: row.last_visit for row in services.households_in_difficulty(Household.objects.all())}
    assert rows == {delivered.pk: today, screened.pk: today - datetime.timedelta(days=4), never.pk: None}

    web.force_login(people.village_officer)
    response = web.get(reverse("community:household-list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{today:%Y-%m-%d}" in page and "一组 4 号" not in page
    web.force_login(people.outsider)
    assert "一组 1 号" not in web.get(reverse("community:household-list")).content.decode()
