"""Needs of households in difficulty: raised by the household through its QR page (no login), assigned
within the assigner's area (anyone else refused naming the field), delivered, confirmed; overdue ones go
up to the town once, each officer told in their language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fangkong.core.models import ChangeLogEntry, Notification
from fangkong.core.testing import ScopedAPIClient
from fangkong.duty.tests.factories import make_team, make_volunteer
from fangkong.health.selfreport import services as links
from fangkong.people.tests.factories import make_household

from .. import services
from ..models import Need
from .factories_help import make_need


@pytest.fixture
def api():
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def web(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def household(tree):
    return make_household(tree.grid, address="竹林关村一组 8 号", elderly_alone=True)


def test_the_household_asks_and_confirms_through_its_qr_page_without_a_login(web, tree, people, household):
    link = links.issue(household, people.village_officer)
    url = reverse("help-request", args=[link.token])
    assert web.get(url).status_code == 200
    response = web.post(url, {"action": "ask", "kind": "food", "description": "米和油"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.household, need.raised_via, need.raised_by, need.area) == (
        household,
        Need.RaisedVia.HOUSEHOLD,
        None,
        tree.grid,
    )
    assert Notification.objects.filter(user=people.village_officer, kind="help_need").count() == 1
    # Not delivered yet: nothing to confirm.
    web.post(url, {"action": "confirm", "need": need.pk})
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN
    services.deliver(need, people.village_officer, "送到了")
    web.post(url, {"action": "confirm", "need": need.pk})
    need.refresh_from_db()
    assert (need.status, need.confirmed_via) == (Need.Status.CONFIRMED, Need.ConfirmedVia.HOUSEHOLD)
    # Another household's need is not found through this page.
    other = make_need(area=tree.grid)
    services.deliver(other, people.village_officer, "送到了")
    web.post(url, {"action": "confirm", "need": other.pk})
    other.refresh_from_db()
    assert other.status == Need.Status.DELIVERED


def test_a_revoked_link_opens_no_help_page(web, tree, people, household):
    link = links.issue(household, people.village_officer)
    links.revoke(household)
    assert web.get(reverse("help-request", args=[link.token])).status_code == 404
    assert web.post(reverse("help-request", args=[link.token]), {"kind": "food"}).status_code == 404
    assert not Need.objects.exists()


def test_the_limit_is_shorter_for_an_urgent_need(tree, people, household, settings):
    settings.HELP_DELIVER_HOURS, settings.HELP_URGENT_HOURS = 24, 4
    now = timezone.now()
    plain = services.raise_need(Need(household=household), people.grid_worker, now=now)
    urgent = services.raise_need(Need(household=household, urgent=True), people.grid_worker, now=now)
    assert plain.due_at - now == datetime.timedelta(hours=24)
    assert urgent.due_at - now == datetime.timedelta(hours=4)


def test_assigning_outside_the_area_is_refused_naming_the_field(api, web, tree, people, household):
    need = make_need(household, user=people.grid_worker)
    theirs = make_volunteer(make_team(tree.other_village), name="外县志愿者", phone="13700000009")
    ours = make_volunteer(make_team(tree.village))
    api.force_authenticate(people.village_officer)
    url = reverse("need-assign", args=[need.pk])
    refused = api.post(url, {"assigned_volunteer": theirs.pk}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "assigned_volunteer": ["外县志愿者 is not an approved volunteer of your area: choose a volunteer of your area."]
    }
    refused = api.post(url, {"assigned_user": people.outsider.pk}, format="json")
    assert refused.json() == {"assigned_user": ["outsider does not work in your area: choose a cadre of your area."]}
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN

    web.force_login(people.village_officer)
    page = web.post(reverse("community:need-assign", args=[need.pk]), {"assigned_volunteer": theirs.pk})
    assert page.status_code == 400
    assert page.context["form"].errors["assigned_volunteer"] == [
        "This is not an approved volunteer of your area: choose a volunteer of your area."
    ]

    assigned = api.post(url, {"assigned_volunteer": ours.pk}, format="json")
    assert assigned.status_code == 200, assigned.json()
    assert (assigned.json()["status"], assigned.json()["assigned_volunteer"]) == ("assigned", ours.pk)


def test_assign_deliver_confirm_through_the_api_each_logged(api, tree, people, household):
    api.force_authenticate(people.grid_worker)
    created = api.post(reverse("need-list"), {"household": household.pk, "kind": "medicine"}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assigned = api.post(reverse("need-assign", args=[pk]), {"assigned_user": people.village_officer.pk}, format="json")
    assert assigned.json()["status"] == "assigned"
    assert Notification.objects.filter(user=people.village_officer, kind="help_assigned").count() == 1
    assert api.post(reverse("need-deliver", args=[pk]), {}, format="json").json() == {
        "note": ["This field is required."]
    }
    delivered = api.post(reverse("need-deliver", args=[pk]), {"note": "降压药两盒"}, format="json")
    assert delivered.json()["status"] == "delivered"
    again = api.post(reverse("need-deliver", args=[pk]), {"note": "再送"}, format="json")
    assert again.status_code == 400
    confirmed = api.post(reverse("need-confirm", args=[pk]), format="json")
    assert (confirmed.json()["status"], confirmed.json()["confirmed_via"]) == ("confirmed", "cadre")
    entries = ChangeLogEntry.objects.filter(object_id=str(pk), source="api").order_by("pk")
    assert [entry.kind for entry in entries] == ["create", "update", "update", "update"]
    # The doctor reads needs but does not act; the outsider does not find them.
    api.force_authenticate(people.doctor)
    assert api.post(reverse("need-confirm", args=[pk])).status_code == 403
    api.force_authenticate(people.outsider)
    assert api.post(reverse("need-confirm", args=[pk])).status_code == 404


def test_overdue_needs_go_up_to_the_town_once_each_officer_in_their_language(web, tree, people, household, monkeypatch):
    from fangkong.community.services import help as help_services
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_user

    # The text is written in each reader's language (whatever the catalogue holds): the language is in the title.
    monkeypatch.setattr(help_services, "_", lambda text: f"[{translation.get_language()}] {text}")
    people.town_officer.language = "en"
    people.town_officer.save()
    chinese = make_user("town_officer_zh", Role.OFFICER, tree.town, language="zh-hans")
    need = make_need(household, user=people.grid_worker)
    make_need(household, user=people.grid_worker, kind=Need.Kind.HEATING)  # in time
    later = need.due_at + datetime.timedelta(minutes=1)
    Need.objects.exclude(pk=need.pk).update(due_at=later + datetime.timedelta(hours=1))
    assert services.escalate_overdue(later) == [need.pk]
    assert services.escalate_overdue(later) == [], "a second sweep escalates nothing again"
    english = Notification.objects.get(user=people.town_officer, kind="help_overdue")
    assert english.title == "[en] 1 needs of households in difficulty not delivered in time"
    assert Notification.objects.get(user=chinese, kind="help_overdue").title.startswith("[zh-hans] ")
    assert ChangeLogEntry.objects.filter(object_id=str(need.pk), kind="update").exists()

    Need.objects.filter(pk=need.pk).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    web.force_login(people.town_officer)
    with translation.override("en"):
        response = web.get(reverse("community:need-list"), {"status": "overdue", "area": tree.town.code})
    assert [row.record.pk for row in response.context["table"].paginated_rows] == [need.pk]


def test_marking_a_need_urgent_moves_its_limit_from_when_it_was_raised(api, tree, people, household, settings):
    settings.HELP_DELIVER_HOURS, settings.HELP_URGENT_HOURS = 24, 4
    need = make_need(household, user=people.grid_worker)
    api.force_authenticate(people.grid_worker)
    response = api.patch(reverse("need-detail", args=[need.pk]), {"urgent": True}, format="json")
    assert response.status_code == 200, response.json()
    need.refresh_from_db()
    assert need.due_at - need.created == datetime.timedelta(hours=4)
