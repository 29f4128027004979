"""A fever at a checkpoint raises the health app's fever alert: filed under the checkpoint's area,
naming the place and the passage, told to that area's officers and escalated like any fever alert."""

import datetime
import uuid

from django.urls import reverse
from django.utils import timezone, translation

from fangkong.core.models import Notification
from fangkong.health.alerts import services as alerts
from fangkong.health.models import Alert, Protocol

from ..models import Passage


def car(checkpoint, tree, temperature):
    return {
        "key": uuid.uuid4().hex,
        "checkpoint": checkpoint.pk,
        "plate": "陕H54321",
        "origin": "420102",
        "travellers": [
            {"name": "李四", "phone": "13800002222", "destination": tree.village.code, "temperature": temperature},
            {"name": "王五", "phone": "13800003333", "destination_text": "西安市雁塔区", "temperature": "36.6"},
        ],
    }


def told(alert):
    return sorted(n.user.username for n in Notification.objects.filter(kind="alert", link=alert.get_absolute_url()))


def test_a_fever_at_a_checkpoint_raises_an_alert_listed_and_escalated_by_the_sweep(
    api, web, tree, people, checkpoint, staff
):
    response = api.login_as(staff).post(reverse("passage-list"), car(checkpoint, tree, "38.5"), format="json")
    assert response.status_code == 201, response.json()
    passage = Passage.objects.get()
    alert = Alert.objects.get()
    assert (alert.kind, alert.person, alert.name, alert.temperature) == ("fever", None, "李四", 38.5)
    assert alert.area == checkpoint.area and alert.level == "town" and alert.link == passage.get_absolute_url()
    assert "华阳收费站" in alert.place and passage.plate in alert.place
    assert alert.protocol == Protocol.in_force(timezone.localdate())
    assert told(alert) == ["town_officer"]  # the checkpoint's area's officers

    # Listed in the alerts page of the town, and its page names the place and links to the passage.
    web.force_login(people.town_officer)
    listed = web.get(reverse("health:alert-list"), {"kind": "fever"}).content.decode()
    assert alert.get_absolute_url() in listed and "李四" in listed
    with translation.override("en"):
        page = web.get(alert.get_absolute_url()).content.decode()
    assert passage.get_absolute_url() in page and "38.5" in page
    assert api.login_as(people.town_officer).get(reverse("alert-list")).json()["results"][0]["name"] == "李四"

    # Nobody acknowledges it in the protocol's time: the sweep sends it up to the county, once.
    limit = alert.protocol.acknowledge_within
    assert alerts.sweep(alert.raised_at + limit - datetime.timedelta(seconds=1))["escalated"] == []
    assert alerts.sweep(alert.raised_at + limit)["escalated"] == [alert.pk]
    assert alerts.sweep(alert.raised_at + limit)["escalated"] == []
    alert.refresh_from_db()
    assert alert.level == "county"
    assert told(alert) == ["county_officer", "town_officer"]
    assert alerts.sweep(alert.raised_at + 3 * limit)["escalated"] == []  # the county is the top


def test_the_same_passage_again_raises_no_second_alert_and_no_fever_none(api, tree, checkpoint, staff):
    body = car(checkpoint, tree, "38.5")
    api.login_as(staff).post(reverse("passage-list"), body, format="json")
    assert api.post(reverse("passage-list"), body, format="json").status_code == 200
    assert Alert.objects.count() == 1
    api.post(reverse("passage-list"), car(checkpoint, tree, "37.2") | {"plate": "陕H1"}, format="json")
    assert Alert.objects.count() == 1


def test_an_acknowledged_checkpoint_alert_goes_no_higher(api, tree, people, checkpoint, staff):
    api.login_as(staff).post(reverse("passage-list"), car(checkpoint, tree, "39.0"), format="json")
    alert = Alert.objects.get()
    alerts.acknowledge(alert, people.town_officer, "sent to the fever clinic")
    assert alerts.sweep(alert.raised_at + datetime.timedelta(days=1))["escalated"] == []


def test_the_command_dashboard_names_the_traveller_of_a_checkpoint_alert(api, tree, people, checkpoint, staff):
    passage = api.login_as(staff).post(reverse("passage-list"), car(checkpoint, tree, "38.5"), format="json")
    assert passage.status_code == 201
    dashboard = api.login_as(people.town_officer).get(reverse("report-dashboard-list"), {"area": tree.town.code})
    assert dashboard.status_code == 200
    assert [alert["person"] for alert in dashboard.json()["alerts"]] == ["李四"]
