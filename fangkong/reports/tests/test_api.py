import datetime

from django.utils import timezone

from fangkong.core.testing import ScopedAPIClient
from fangkong.reports.models import Confirmation

from .factories import days_ago, make_arrival, make_fever


def api(user):
    return ScopedAPIClient().login_as(user)


def test_the_daily_report_has_figures_links_rows_and_the_total(tree, people):
    make_arrival(tree.grid)
    make_fever(tree.village2)
    response = api(people.county_officer).get("/api/reports/daily/", {"area": tree.town.code})
    assert response.status_code == 200
    data = response.json()
    assert data["figures"]["arrivals_new"] == 1 and data["figures"]["fever_today"] == 1
    assert "/health/checks/" in data["links"]["fever_today"]
    rows = {row["area"]: row for row in data["rows"]}
    assert rows[tree.village2.code]["figures"]["fever_today"] == 1
    assert rows[tree.village.code]["status"] in ("pending", "missing")
    assert data["total"]["figures"] == data["figures"]
    assert data["may_confirm"] is False


def test_an_area_out_of_scope_is_404_and_a_future_date_400(tree, people):
    client = api(people.town_officer)
    assert client.get("/api/reports/daily/", {"area": tree.other_town.code}).status_code == 404
    assert client.get("/api/reports/export/", {"area": tree.other_town.code, "format": "csv"}).status_code == 404
    assert (
        client.get(
            "/api/reports/completeness/", {"area": tree.county.code, "from": days_ago(1), "to": days_ago(0)}
        ).status_code
        == 404
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused = client.get("/api/reports/daily/", {"area": tree.town.code, "date": tomorrow.isoformat()})
    assert refused.status_code == 400 and "date" in refused.json()


def test_the_village_officer_confirms_through_the_api_once(tree, people):
    client = api(people.village_officer)
    payload = {"area": tree.village.code, "date": timezone.localdate().isoformat(), "remarks": "无异常"}
    first = client.post("/api/reports/daily/confirm/", payload, format="json")
    again = client.post("/api/reports/daily/confirm/", payload, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["version"] == again.json()["version"] == 1
    assert (
        client.get("/api/reports/daily/confirm/", {"area": tree.village.code}).json()["confirmation"]["remarks"]
        == "无异常"
    )
    town = api(people.town_officer).post("/api/reports/daily/confirm/", payload, format="json")
    assert town.status_code == 403
    outsider = api(people.outsider).post("/api/reports/daily/confirm/", payload, format="json")
    assert outsider.status_code == 404
    assert Confirmation.objects.count() == 1


def test_completeness_sums_expected_and_confirmed_reports_per_day(tree, people):
    api(people.village_officer).post("/api/reports/daily/confirm/", {"area": tree.village.code}, format="json")
    response = api(people.county_officer).get(
        "/api/reports/completeness/", {"area": tree.county.code, "from": days_ago(1), "to": days_ago(0)}
    )
    data = response.json()
    assert [day["expected"] for day in data["days"]] == [2, 2]
    assert [day["confirmed"] for day in data["days"]] == [0, 1]
    assert data["total"]["expected"] == 4 and data["total"]["reporting_rate"] == 25


def test_a_ten_year_completeness_or_export_is_refused_with_a_message(tree, people):
    client = api(people.county_officer)
    response = client.get(
        "/api/reports/completeness/", {"area": tree.county.code, "from": days_ago(3650), "to": days_ago(0)}
    )
    assert response.status_code == 400 and "31" in str(response.json())


def test_the_export_endpoint_takes_every_format(tree, people):
    make_arrival(tree.grid)
    client = api(people.county_officer)
    for fmt, content_type in (("xlsx", "spreadsheetml"), ("csv", "text/csv"), ("dhis2", "json"), ("adx", "xml")):
        response = client.get("/api/reports/export/", {"area": tree.town.code, "format": fmt})
        assert response.status_code == 200 and content_type in response["Content-Type"], fmt
    assert client.get("/api/reports/export/", {"area": tree.town.code, "format": "pdf"}).status_code == 400
