import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.areas.models import Area
from fangkong.core.testing import ScopedAPIClient, make_area
from fangkong.health.alerts import services as alert_services
from fangkong.health.models import Alert
from fangkong.health.tests.factories import make_check, make_episode
from fangkong.reports import dashboard, figures, services
from fangkong.reports.dashboard_views import refresh_seconds

from .factories import make_arrival, make_fever

URL = "/api/reports/dashboard/"


def at(hour, minute=0, day=None):
    day = day or timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def yesterday_at_noon():
    return at(12, day=timezone.localdate() - datetime.timedelta(days=1))


def api(user):
    return ScopedAPIClient().login_as(user)


def by_code(items):
    return {item["code"]: item for item in items}


def test_todays_figures_show_the_change_from_yesterday_and_link_to_the_records(tree, people):
    yesterday = make_episode(area=tree.grid)
    make_check(yesterday, temperature=Decimal("38.2"), taken_at=yesterday_at_noon())
    make_fever(tree.grid)
    make_fever(tree.village2)
    make_fever(tree.village2)
    data = api(people.county_officer).get(URL, {"area": tree.town.code}).json()
    fever = by_code(data["figures"])["fever_today"]
    assert (fever["value"], fever["yesterday"], fever["change"]) == (3, 1, 2)
    assert fever["link"].startswith("/health/checks/?") and f"area={tree.town.code}" in fever["link"]
    assert "fever=true" in fever["link"] and timezone.localdate().isoformat() in fever["link"]


def test_the_page_renders_the_figures_the_table_and_the_charts_boxes(client, tree, people):
    make_fever(tree.village2)
    client.force_login(people.county_officer)
    page = client.get(reverse("reports:dashboard"), {"area": tree.town.code}).content.decode()
    assert 'data-code="fever_today"' in page and 'data-chart="fever_today"' in page
    assert f'data-area="{tree.village2.code}"' in page and "vendor/echarts/echarts.min.js" in page
    assert f"/api/reports/dashboard/?area={tree.town.code}" in page
    assert ' style="' not in page  # the Content-Security-Policy refuses style attributes


def test_without_an_area_it_shows_the_users_own(client, tree, people):
    client.force_login(people.town_officer)
    assert client.get(reverse("reports:dashboard")).context["area"] == tree.town
    assert api(people.town_officer).get(URL).json()["area"] == tree.town.code


def test_an_area_out_of_scope_is_not_found(client, tree, people):
    client.force_login(people.town_officer)
    assert client.get(reverse("reports:dashboard"), {"area": tree.other_town.code}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"area": tree.county.code}).status_code == 404
    assert api(people.town_officer).get(URL, {"area": tree.other_town.code}).status_code == 404
    assert api(people.town_officer).get(URL, {"area": "no-such-area"}).status_code == 404


def test_each_trend_point_is_the_days_figure_as_the_daily_report_counts_it(tree, people):
    episode = make_episode(area=tree.grid, days_ago=5)
    make_check(
        episode, temperature=Decimal("38.4"), taken_at=at(9, day=timezone.localdate() - datetime.timedelta(days=2))
    )
    make_check(episode, temperature=Decimal("38.4"))
    make_arrival(tree.village2, day=timezone.localdate() - datetime.timedelta(days=3))
    board = dashboard.build(tree.county, people.county_officer)
    assert len(board.days) == dashboard.TREND_DAYS and board.days[-1] == timezone.localdate()
    for code in board.codes:
        expected = [value for _day, value in figures.series(tree.county, code, 7, user=people.county_officer)]
        assert board.trends[code][-7:] == expected, code
    assert board.trends["fever_today"][-3:] == [1, 0, 1]


def test_rows_carry_the_report_status_and_open_alerts_of_each_child(client, tree, people):
    make_fever(tree.village2)
    services.confirm(tree.village, timezone.localdate(), people.village_officer, "桥已修好", now=at(16, 30))
    board = dashboard.build(tree.town, people.town_officer, now=at(23))
    statuses = {row.area.code: row.status for row in board.rows}
    assert statuses == {tree.village.code: "late", tree.village2.code: "missing"}
    data = api(people.town_officer).get(URL, {"area": tree.town.code}).json()
    row = {row["area"]: row for row in data["rows"]}[tree.village2.code]
    assert by_code(row["cells"])["alerts_open"] == {
        "code": "alerts_open",
        "value": 1,
        "link": f"/health/alerts/?area={tree.village2.code}&open_on={timezone.localdate().isoformat()}",
        "alert": True,
    }
    assert row["dashboard"] == f"/reports/dashboard/?area={tree.village2.code}"
    client.force_login(people.town_officer)
    page = client.get(reverse("reports:dashboard"), {"area": tree.town.code}).content.decode()
    assert 'class="text-end dashboard-alert"' in page


def test_alerts_awaiting_action_list_the_overdue_first_and_leave_out_those_handled(tree, people):
    recent = make_fever(tree.grid).alerts.get()
    overdue = make_fever(tree.village2).alerts.get()
    alert_services.escalate(overdue)
    handled = make_fever(tree.grid2).alerts.get()
    alert_services.acknowledge(handled, people.village_officer)
    make_fever(tree.other_village)
    data = api(people.town_officer).get(URL, {"area": tree.town.code}).json()
    assert (data["alerts_open"], data["alerts_overdue"]) == (2, 1)
    assert [alert["id"] for alert in data["alerts"]] == [overdue.pk, recent.pk]
    assert data["alerts"][0]["overdue"] and data["alerts"][0]["url"] == reverse("health:alert", args=[overdue.pk])
    assert Alert.objects.filter(status=Alert.Status.OPEN).count() == 3  # the other county's is not shown


def test_the_latest_remarks_of_the_children_replace_earlier_versions(tree, people):
    today = timezone.localdate()
    services.confirm(tree.village, today, people.village_officer, "路口已设卡", now=at(15))
    services.confirm(tree.village, today, people.village_officer, "路口卡点撤除", now=at(15, 30))
    services.confirm(tree.village2, today - datetime.timedelta(days=1), None, "无异常", now=yesterday_at_noon())
    services.confirm(tree.town, today, people.town_officer, "镇本级备注", now=at(16))
    data = api(people.county_officer).get(URL, {"area": tree.town.code}).json()
    assert [(remark["area"], remark["remarks"]) for remark in data["remarks"]] == [
        (tree.village.code, "路口卡点撤除"),
        (tree.village2.code, "无异常"),
    ]


def test_it_reads_in_as_many_queries_whatever_the_number_of_children(tree, people):
    make_fever(tree.village2)
    client = api(people.city_commander)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"area": tree.town.code}).status_code == 200
        return len(captured.captured_queries)

    queries()  # the first request also fills the process's caches
    few = queries()
    for number in range(5):
        village = make_area(f"61102210630{number}", f"新村{number}委会", Area.Level.VILLAGE, tree.town)
        make_fever(make_area(f"{village.code}001", "第一网格", Area.Level.GRID, village))
        services.confirm(village, timezone.localdate(), None, f"备注{number}", now=at(15))
    assert queries() == few


def test_the_key_figures_follow_the_areas_report_form(tree, people):
    from fangkong.reports.models import ReportForm

    ReportForm.objects.create(
        area=tree.county, name="丹凤县日报", indicators=["alerts_open", "fever_today"], hidden=["arrivals_new"]
    )
    board = dashboard.build(tree.town, people.town_officer)
    assert board.codes[:2] == ["alerts_open", "fever_today"] and "arrivals_new" not in board.codes


def test_the_wall_screen_is_dark_and_the_refresh_interval_stays_within_bounds(client, tree, people):
    client.force_login(people.town_officer)
    page = client.get(reverse("reports:dashboard"), {"wall": "1", "refresh": "5"}).content.decode()
    assert 'class="dashboard-wall" data-bs-theme="dark"' in page and 'data-refresh="5"' in page
    assert [refresh_seconds(text) for text in ("0", "abc", None, "99999", "30")] == [1, 60, 60, 3600, 30]


def test_it_speaks_english_and_chinese(tree, people):
    make_fever(tree.grid)
    for language, name in (("en", "Fever today"), ("zh-hans", "今日发热")):
        with translation.override(language):
            data = api(people.town_officer).get(URL, HTTP_ACCEPT_LANGUAGE=language).json()
        assert by_code(data["figures"])["fever_today"]["name"] == name
        assert by_code(data["trends"])["fever_today"]["name"] == name
