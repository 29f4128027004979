import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangkong.reports import dashboard, figures

from .factories import days_ago, make_arrival, make_fever


def test_the_town_report_sums_its_villages_and_links_each_figure(client, tree, people):
    make_arrival(tree.grid)
    make_arrival(tree.grid2)
    make_arrival(tree.village2)
    make_arrival(tree.other_village)  # another county: not counted
    make_arrival(tree.grid, day=days_ago(2))
    report = figures.report(tree.town, timezone.localdate(), people.town_officer)
    by_area = {row.area.code: row.values for row in report.rows}
    assert by_area[tree.village.code]["arrivals_new"] == 2
    assert by_area[tree.village2.code]["arrivals_new"] == 1
    assert report.figures["arrivals_new"] == 3
    assert report.figures["arrivals_total"] == 4
    link = report.link("arrivals_new")
    client.force_login(people.town_officer)
    page = client.get(link)
    assert page.status_code == 200
    assert len(page.context["table"].rows) == 3


def test_it_counts_the_figures_of_one_model_in_one_query_per_report(tree, people):
    make_arrival(tree.grid)
    make_arrival(tree.village2, day=days_ago(2))
    with CaptureQueriesContext(connection) as queries:
        report = figures.report(tree.town, timezone.localdate(), people.town_officer)
    # arrivals (new, cumulative, from risk areas) and the six episode figures: one query each table
    for table in ("people_arrival", "health_episode"):
        assert len([query for query in queries if f'FROM "{table}"' in query["sql"]]) == 1, table
    assert (report.figures["arrivals_new"], report.figures["arrivals_total"]) == (1, 2)


def test_fever_today_counts_people_and_drills_down_to_their_checks(client, tree, people):
    make_fever(tree.grid)
    make_fever(tree.grid2)
    make_fever(tree.village2)
    client.force_login(people.county_officer)
    page = client.get(reverse("reports:daily"), {"area": tree.county.code})
    assert page.status_code == 200
    cells = dict(zip((item.code for item in page.context["report"].shown), page.context["total"].cells, strict=True))
    assert cells["fever_today"].value == 3
    checks = client.get(cells["fever_today"].link)
    assert len(checks.context["table"].rows) == 3


def test_a_future_date_is_refused_with_a_message(client, tree, people):
    client.force_login(people.town_officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.get(reverse("reports:daily"), {"area": tree.town.code, "date": tomorrow.isoformat()})
    assert page.status_code == 400
    assert "future" in page.content.decode() or "未来" in page.content.decode()


def test_an_area_out_of_scope_is_not_found(client, tree, people):
    client.force_login(people.town_officer)
    assert client.get(reverse("reports:daily"), {"area": tree.other_town.code}).status_code == 404
    assert client.get(reverse("reports:daily"), {"area": "999999"}).status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "dhis2", "adx"])
def test_every_export_answers(client, tree, people, fmt):
    make_arrival(tree.grid)
    client.force_login(people.town_officer)
    response = client.get(reverse("reports:export"), {"area": tree.town.code, "format": fmt})
    assert response.status_code == 200


def test_series_gives_one_value_a_day_for_a_dashboard(tree, people):
    make_arrival(tree.grid, day=days_ago(2))
    make_arrival(tree.grid, day=days_ago(2))
    make_arrival(tree.village2, day=days_ago(0))
    series = figures.series(tree.town, "arrivals_new", 3, user=people.town_officer)
    assert series == [(days_ago(2), 2), (days_ago(1), 0), (days_ago(0), 1)]
    assert [value for _day, value in figures.series(tree.town, "households_coverage", 2)] == [None, None]
    assert figures.figures(tree.village, days_ago(2), ["arrivals_new", "arrivals_total"]) == {
        "arrivals_new": 2,
        "arrivals_total": 2,
    }


def test_records_filed_on_a_village_itself_have_their_own_row(tree, people):
    make_arrival(tree.grid)
    make_arrival(tree.village)  # not in a grid
    report = figures.report(tree.village, timezone.localdate(), people.village_officer)
    rows = {(row.area.code, row.own): row.values["arrivals_new"] for row in report.rows}
    assert rows[(tree.grid.code, False)] == 1 and rows[(tree.village.code, True)] == 1
    assert report.figures["arrivals_new"] == 2


def test_the_queries_kept_follow_the_records_and_the_users_scope(tree, people):
    """Only the SQL of a report is kept (figures.compiled), never a figure: a record added after a first
    report shows in the next one, and a user of another scope gets a query of their own."""
    today = timezone.localdate()
    make_arrival(tree.grid)
    make_arrival(tree.other_grid)
    assert figures.figures(tree.city, today, ["arrivals_new"], people.city_commander)["arrivals_new"] == 2
    assert figures.figures(tree.city, today, ["arrivals_new"], people.outsider)["arrivals_new"] == 1
    make_arrival(tree.village2)
    assert figures.figures(tree.city, today, ["arrivals_new"], people.city_commander)["arrivals_new"] == 3
    assert figures.figures(tree.city, today, ["arrivals_new"], people.outsider)["arrivals_new"] == 1
    board = dashboard.build(tree.town, people.town_officer)
    make_arrival(tree.grid2)
    assert (
        dashboard.build(tree.town, people.town_officer).trends["arrivals_new"][-1]
        == board.trends["arrivals_new"][-1] + 1
    )


def test_a_user_who_may_see_no_records_gets_zeros(tree, people):
    from django.contrib.auth.models import AnonymousUser

    make_arrival(tree.grid)
    values = figures.figures(tree.town, timezone.localdate(), ["arrivals_new", "fever_today"], AnonymousUser())
    assert values == {"arrivals_new": 0, "fever_today": 0}
    board = dashboard.build(tree.town, AnonymousUser())
    assert board.trends["arrivals_new"] == [0] * dashboard.TREND_DAYS
