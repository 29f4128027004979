import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import Notification
from fangkong.reports import figures, services
from fangkong.reports.models import Confirmation

from .factories import make_arrival


def at(hour, minute=0, day=None):
    day = day or timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_the_village_officer_confirms_with_remarks_and_the_figures_are_frozen(client, tree, people):
    make_arrival(tree.grid)
    client.force_login(people.village_officer)
    query = f"?area={tree.village.code}&date={timezone.localdate().isoformat()}"
    response = client.post(reverse("reports:confirm") + query, {"remarks": "一切正常"})
    assert response.status_code == 302
    confirmation = Confirmation.objects.get(area=tree.village)
    assert confirmation.figures["arrivals_new"] == 1 and confirmation.remarks == "一切正常"
    assert confirmation.confirmed_by == people.village_officer
    make_arrival(tree.grid)  # after the confirmation: the frozen figure stays, the live one moves
    confirmation.refresh_from_db()
    assert confirmation.figures["arrivals_new"] == 1
    report = figures.report(tree.village, timezone.localdate(), people.village_officer)
    assert report.figures["arrivals_new"] == 2
    assert report.total.changed == ["arrivals_new", "arrivals_total"]
    page = client.get(reverse("reports:daily") + query)
    assert 'id="live-differs"' in page.content.decode()


def test_confirming_twice_changes_nothing(tree, people):
    make_arrival(tree.grid)
    first, created = services.confirm(tree.village, timezone.localdate(), people.village_officer, "无")
    again, created_again = services.confirm(tree.village, timezone.localdate(), people.village_officer, "无")
    assert created and not created_again and again.pk == first.pk
    assert Confirmation.objects.count() == 1


def test_a_confirmation_after_a_correction_keeps_both_versions_and_shows_what_changed(client, tree, people):
    arrival = make_arrival(tree.grid)
    services.confirm(tree.village, timezone.localdate(), people.village_officer)
    arrival.delete()  # a wrong registration corrected
    second, created = services.confirm(tree.village, timezone.localdate(), people.village_officer, "删除重复登记")
    assert created and second.version == 2
    versions = services.versions(tree.village, timezone.localdate())
    assert [version.version for version in versions] == [2, 1]
    changes = {name: (before, after) for name, before, after in versions[0].changes}
    assert list(changes.values())[0] == (1, 0)
    client.force_login(people.town_officer)
    page = client.get(reverse("reports:daily"), {"area": tree.village.code})
    assert 'id="versions"' in page.content.decode()


def test_a_zero_report_is_one_click_and_refused_when_something_is_counted(client, tree, people):
    client.force_login(people.village_officer)
    query = f"?area={tree.village.code}"
    response = client.post(reverse("reports:confirm") + query, {"zero_report": "1"})
    assert response.status_code == 302
    assert Confirmation.objects.get().zero_report
    make_arrival(tree.village2)
    with pytest.raises(ValidationError) as refused:
        services.confirm(tree.village2, timezone.localdate(), None, zero_report=True)
    assert "zero_report" in refused.value.message_dict


def test_confirming_for_a_child_area_is_forbidden_and_out_of_scope_not_found(client, tree, people):
    client.force_login(people.town_officer)
    url = reverse("reports:confirm")
    assert client.post(f"{url}?area={tree.village.code}", {}).status_code == 403
    assert client.post(f"{url}?area={tree.town.code}", {}).status_code == 302  # their own town
    client.force_login(people.village_officer)
    assert client.post(f"{url}?area={tree.village2.code}", {}).status_code == 404
    assert client.post(f"{url}?area={tree.grid.code}", {}).status_code == 403  # grids confirm nothing
    assert Confirmation.objects.filter(area=tree.village).count() == 0


def test_a_confirmation_after_the_deadline_is_accepted_and_marked_late(tree, people):
    day = timezone.localdate() - datetime.timedelta(days=1)
    on_time, _ = services.confirm(tree.village, day, people.village_officer, now=at(15, 59, day))
    late, _ = services.confirm(tree.village2, day, None, now=at(16, 1, day))
    assert on_time.on_time and not late.on_time
    report = figures.report(tree.town, day, people.town_officer, now=at(23, day=day))
    statuses = {row.area.code: row.status for row in report.rows}
    assert statuses == {tree.village.code: "on_time", tree.village2.code: "late"}
    assert report.figures["reporting_rate"] == 100 and report.figures["on_time_rate"] == 50


def test_a_village_without_a_report_is_missing_after_the_deadline_and_pending_before(tree, people):
    today = timezone.localdate()
    before = figures.report(tree.town, today, None, now=at(15))
    after = figures.report(tree.town, today, None, now=at(17))
    assert {row.status for row in before.rows} == {"pending"}
    assert {row.status for row in after.rows} == {"missing"}


def test_a_future_date_cannot_be_confirmed(tree, people):
    with pytest.raises(ValidationError):
        services.confirm(tree.village, timezone.localdate() + datetime.timedelta(days=1), people.village_officer)


def test_missing_reports_at_the_deadline_alert_the_town_officer_once(tree, people):
    services.confirm(tree.village, timezone.localdate(), people.village_officer, now=at(10))
    assert services.remind_missing(now=at(15)) == []  # not due yet
    told = services.remind_missing(now=at(16, 5))
    assert tree.town.pk in told
    notice = Notification.objects.get(user=people.town_officer)
    assert "桃园村" in notice.title and "竹林关村" not in notice.title
    assert tree.town.code in notice.link
    assert services.remind_missing(now=at(16, 10)) == []  # once a day
    assert Notification.objects.filter(user=people.town_officer).count() == 1
    assert not Notification.objects.filter(user=people.village_officer).exists()
