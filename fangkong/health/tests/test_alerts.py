"""Alerts: raised by a fever or a symptom at once, told to the doctor and the village, delivered outside
the app once (with retries), escalated to the town and the county while nobody acknowledges them."""

import datetime
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import Notification
from fangkong.core.testing import reload_reference_data
from fangkong.health.alerts import services
from fangkong.health.models import Alert, AlertDelivery, AlertPreference, Check, Episode
from fangkong.health.tests.factories import make_check, make_episode

LIMIT = datetime.timedelta(hours=2)  # the first edition's acknowledgement limit


@pytest.fixture
def episode(tree, people):
    episode = make_episode(area=tree.grid)
    episode.person.doctor = people.doctor
    episode.person.save()
    return episode


def told(alert):
    """The user names with an inbox notice of the alert."""
    notices = Notification.objects.filter(kind="alert", link=alert.get_absolute_url())
    return sorted(notice.user.username for notice in notices)


def test_a_fever_raises_an_alert_told_to_the_doctor_and_the_village_officer_only(episode, people):
    check = make_check(episode, temperature=Decimal("38.2"))
    alert = Alert.objects.get()
    assert (alert.kind, alert.level, alert.status, alert.source_check) == ("fever", "village", "open", check)
    assert told(alert) == ["doctor", "village_officer"]
    deliveries = AlertDelivery.objects.values_list("channel", "recipient__username")
    assert sorted(deliveries) == [("log", "doctor"), ("log", "village_officer")]


def test_a_fever_of_someone_without_a_doctor_is_told_to_the_village_doctors(tree, people):
    episode = make_episode(area=tree.grid)  # a new arrival: nobody assigned yet

    make_check(episode, temperature=Decimal("38.2"))

    assert told(Alert.objects.get()) == ["doctor", "village_officer"]


def test_a_listed_symptom_without_fever_raises_a_symptom_alert(episode):
    make_check(episode, temperature=Decimal("36.6"), symptoms=["fatigue"])
    assert Alert.objects.get().kind == Alert.Kind.SYMPTOM


def test_a_normal_check_raises_nothing(episode):
    make_check(episode)
    assert not Alert.objects.exists()
    assert not Notification.objects.exists()


def test_a_check_sent_again_raises_its_alert_once(episode):
    taken_at = timezone.now()
    make_check(episode, temperature=Decimal("38.2"), key="same", taken_at=taken_at)
    make_check(episode, temperature=Decimal("38.2"), key="same", taken_at=taken_at)
    assert Alert.objects.count() == 1
    assert Notification.objects.filter(kind="alert").count() == 2


def test_a_failed_check_leaves_no_alert(episode, monkeypatch):
    from fangkong.health import services as health

    def refuse(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(health.alerts, "tell", refuse)
    with pytest.raises(RuntimeError):
        make_check(episode, temperature=Decimal("38.2"))
    assert not Check.objects.exists()
    assert not Alert.objects.exists()


def test_with_the_fever_choice_off_the_inbox_notice_stays_but_nothing_goes_outside(episode, people):
    AlertPreference.objects.create(user=people.village_officer, fever=False)
    alert = make_check(episode, temperature=Decimal("38.2")).alerts.get()
    assert told(alert) == ["doctor", "village_officer"]
    assert list(AlertDelivery.objects.values_list("recipient__username", flat=True)) == ["doctor"]


def test_by_default_fevers_go_outside_and_missed_checks_do_not(people):
    assert AlertPreference.wants(people.doctor, "fever") is True
    assert AlertPreference.wants(people.doctor, "missed_check") is False


class FailsOnce(BaseHTTPRequestHandler):
    bodies = []

    def do_POST(self):
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.send_response(500 if len(self.bodies) == 1 else 200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(settings):
    FailsOnce.bodies = []
    server = HTTPServer(("127.0.0.1", 0), FailsOnce)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ALERTS_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/robot"
    yield FailsOnce.bodies
    server.shutdown()
    server.server_close()


def test_the_webhook_is_retried_after_a_failure_and_sent_once(episode, people, webhook):
    make_check(episode, temperature=Decimal("38.2"))
    delivery = AlertDelivery.objects.get(channel="webhook", recipient=people.doctor)
    now = timezone.now()

    assert services.deliver(delivery.pk, now) == AlertDelivery.Status.PENDING
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and "500" in delivery.last_error
    assert services.deliver(delivery.pk, now) == AlertDelivery.Status.PENDING  # not due yet: not sent
    later = now + datetime.timedelta(seconds=services.RETRY_SECONDS)
    assert services.deliver(delivery.pk, later) == AlertDelivery.Status.SENT
    assert services.deliver(delivery.pk, later + LIMIT) == AlertDelivery.Status.SENT

    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert len(webhook) == 2 and "38.2" in webhook[1]


def test_the_sweep_hands_on_deliveries_whose_retry_time_came(episode, webhook, monkeypatch):
    handed = []
    monkeypatch.setattr(services, "dispatch", handed.extend)
    make_check(episode, temperature=Decimal("38.2"))
    now = timezone.now()
    for delivery in AlertDelivery.objects.all():
        services.deliver(delivery.pk, now)  # the webhook fails once, the log sends
    failed = AlertDelivery.objects.get(status=AlertDelivery.Status.PENDING)
    assert services.retry_deliveries(now) == []
    assert services.retry_deliveries(now + datetime.timedelta(minutes=2)) == [failed.pk]


def test_an_alert_nobody_acknowledges_goes_to_the_town_then_the_county_once(episode, people):
    alert = make_check(episode, temperature=Decimal("38.2")).alerts.get()
    start = alert.raised_at

    assert services.sweep(start + LIMIT - datetime.timedelta(seconds=1))["escalated"] == []
    assert services.sweep(start + LIMIT)["escalated"] == [alert.pk]
    assert services.sweep(start + LIMIT)["escalated"] == []  # run again (a restart): nothing more
    alert.refresh_from_db()
    assert (alert.level, alert.escalated_at) == ("town", start + LIMIT)
    assert told(alert) == ["doctor", "town_officer", "village_officer"]

    assert services.sweep(start + 2 * LIMIT)["escalated"] == [alert.pk]
    assert services.sweep(start + 3 * LIMIT)["escalated"] == []  # the county is the top
    alert.refresh_from_db()
    assert alert.level == "county"
    assert told(alert) == ["county_officer", "doctor", "town_officer", "village_officer"]
    assert AlertDelivery.objects.filter(recipient=people.town_officer).count() == 1


def test_two_sweeps_at_once_escalate_once(episode):
    alert = make_check(episode, temperature=Decimal("38.2")).alerts.get()
    now = alert.raised_at + LIMIT
    first, second = list(services.due_for_escalation(now)), list(services.due_for_escalation(now))
    assert services.escalate(first[0], now) is True
    assert services.escalate(second[0], now) is False
    assert Notification.objects.filter(user__username="town_officer").count() == 1


def test_an_acknowledged_alert_goes_no_higher(episode, people):
    alert = make_check(episode, temperature=Decimal("38.2")).alerts.get()
    services.acknowledge(alert, people.doctor)
    assert services.sweep(alert.raised_at + 3 * LIMIT)["escalated"] == []
    alert.refresh_from_db()
    assert (alert.status, alert.level, alert.acknowledged_by) == ("acknowledged", "village", people.doctor)


def test_an_alert_acknowledged_by_another_meanwhile_is_not_escalated(episode, people):
    alert = make_check(episode, temperature=Decimal("38.2")).alerts.get()
    due = list(services.due_for_escalation(alert.raised_at + LIMIT))
    services.acknowledge(Alert.objects.get(pk=alert.pk), people.village_officer)
    assert services.escalate(due[0], alert.raised_at + LIMIT) is False


def test_an_alert_is_acknowledged_once_and_resolved_once(episode, people):
    alert = make_check(episode, temperature=Decimal("38.2")).alerts.get()
    services.acknowledge(alert, people.doctor)
    with pytest.raises(services.AlertClosed):
        services.acknowledge(Alert.objects.get(pk=alert.pk), people.village_officer)
    services.resolve(alert, people.village_officer, note="checked at the clinic: a cold")
    with pytest.raises(services.AlertClosed):
        services.resolve(Alert.objects.get(pk=alert.pk), people.village_officer)
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by) == ("resolved", people.village_officer)
    assert alert.note == "checked at the clinic: a cold"


def local(hour, minute=0, day=None):
    return timezone.make_aware(datetime.datetime.combine(day or timezone.localdate(), datetime.time(hour, minute)))


def test_a_missed_window_is_listed_once_it_closed(episode):
    # Yesterday, whatever the hour the test runs at: a check at 08:00 today may not have happened yet.
    day = timezone.localdate() - datetime.timedelta(days=1)
    assert services.missed_checks(Episode.objects.all(), local(11, day=day)) == []
    assert services.missed_checks(Episode.objects.all(), local(12, day=day)) == [(episode, Check.Window.MORNING)]
    make_check(episode, taken_at=local(8, day=day))
    assert services.missed_checks(Episode.objects.all(), local(23, day=day)) == [(episode, Check.Window.EVENING)]


def test_the_missed_list_takes_the_same_number_of_queries_for_more_people(episode, tree, django_assert_max_num_queries):
    def read():
        rows = services.missed_checks(Episode.objects.all(), local(23))
        return [(str(row.person), row.area.label(), row.protocol.morning_until, window) for row, window in rows]

    # The episodes with their people and checks done, then the areas, their parents and the protocols.
    with django_assert_max_num_queries(4):
        assert len(read()) == 2
    for _ in range(3):
        make_episode(area=tree.grid)
    with django_assert_max_num_queries(4):
        assert len(read()) == 8


def test_a_missed_check_raises_a_soft_alert_to_the_grid_worker_once_per_window(episode, people):
    raised = services.sweep(local(12, 5))["missed"]
    assert services.sweep(local(12, 10))["missed"] == []
    alert = Alert.objects.get(pk__in=raised)
    assert (alert.kind, alert.level) == ("missed_check", "village")
    assert told(alert) == ["grid_worker"]
    assert not alert.deliveries.exists()  # missed checks stay in the app by default
    assert services.sweep(local(22, 5))["missed"] != []  # the evening is another window


def test_a_missed_check_goes_to_the_responsible_cadre_when_there_is_one(episode, people):
    episode.person.responsible = people.village_officer
    episode.person.save()
    alert = Alert.objects.get(pk__in=services.sweep(local(12, 5))["missed"])
    assert told(alert) == ["village_officer"]
    assert services.sweep(alert.raised_at + 3 * LIMIT)["escalated"] == []  # soft: never escalated


# --- pages and API ---------------------------------------------------------------------------------


@pytest.fixture
def api():
    from fangkong.core.testing import ScopedAPIClient

    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def alert(episode):
    return make_check(episode, temperature=Decimal("38.2")).alerts.get()


def test_the_doctor_acknowledges_from_the_alert_page_and_the_badge_goes(client, alert, people):
    client.force_login(people.doctor)
    page = client.get(reverse("health:alert", args=[alert.pk])).content.decode()
    assert 'id="acknowledge"' in page and 'id="alerts-count" class="badge rounded-pill text-bg-danger">1<' in page
    assert 'id="alerts-count-phone"' in page  # beside the phone's folded menu
    response = client.post(reverse("health:alert-acknowledge", args=[alert.pk]), {"note": "on my way"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.note) == ("acknowledged", people.doctor, "on my way")
    page = client.get(reverse("health:alert", args=[alert.pk])).content.decode()
    assert 'id="acknowledge"' not in page and "d-none" in page.split('id="alerts-count"')[1][:60]
    assert 'id="alerts-count-phone"' not in page


def test_the_alert_page_names_the_outside_channel_not_its_code(client, alert, people):
    client.force_login(people.doctor)
    page = client.get(reverse("health:alert", args=[alert.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "doctor · server log · village" in page


def test_a_grid_worker_sees_the_alert_without_the_buttons(client, alert, people):
    client.force_login(people.grid_worker)
    page = client.get(reverse("health:alert", args=[alert.pk])).content.decode()
    assert 'id="alert-actions"' not in page
    assert client.post(reverse("health:alert-resolve", args=[alert.pk])).status_code == 403


def test_the_api_acknowledges_then_refuses_a_second_acknowledgement(api, alert, people):
    api.login_as(people.village_officer)
    url = reverse("alert-acknowledge", args=[alert.pk])
    assert api.get(url).json()["status"] == "open"
    body = api.post(url, {"note": "called the family"}, format="json").json()
    assert (body["status"], body["note"], body["check"]) == ("acknowledged", "called the family", alert.source_check_id)
    second = api.post(url, {}, format="json")
    assert second.status_code == 400 and "status" in second.json()
    assert api.post(reverse("alert-resolve", args=[alert.pk]), {}, format="json").json()["status"] == "resolved"


def test_another_countys_officer_finds_no_alert(api, client, alert, tree):
    from fangkong.core.roles import Role
    from fangkong.core.testing import make_user

    officer = make_user("shangnan_officer", Role.OFFICER, tree.other_county)
    api.login_as(officer)
    assert api.get(reverse("alert-detail", args=[alert.pk])).status_code == 404
    assert api.post(reverse("alert-acknowledge", args=[alert.pk]), {}, format="json").status_code == 404
    assert api.get(reverse("alert-list")).json()["results"] == []
    client.force_login(officer)
    assert client.post(reverse("health:alert-acknowledge", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"


def test_the_alert_list_filters_by_kind_and_exports(client, alert, people):
    client.force_login(people.village_officer)
    assert str(alert.person) in client.get(reverse("health:alert-list"), {"kind": "fever"}).content.decode()
    assert str(alert.person) not in client.get(reverse("health:alert-list"), {"kind": "symptom"}).content.decode()
    export = client.get(reverse("health:alert-list"), {"export": "csv", "status": "open"})
    assert str(alert.person) in b"".join(export.streaming_content).decode()


def test_the_missed_checks_page_and_api_list_the_people_of_the_area(client, api, episode, people, tree, monkeypatch):
    class HalfPastNoon:
        """The alert services' clock at 12:30 today: the morning window has closed."""

        def __getattr__(self, name):
            return getattr(timezone, name)

        @staticmethod
        def now():
            return local(12, 30)

    monkeypatch.setattr(services, "timezone", HalfPastNoon())
    client.force_login(people.grid_worker)
    assert str(episode.person) in client.get(reverse("health:missed-checks")).content.decode()
    api.login_as(people.village_officer)
    rows = api.get(reverse("missed-check-list"), {"area": tree.grid.code}).json()["results"]
    assert rows == [
        {
            "episode": episode.pk,
            "person": episode.person_id,
            "name": episode.person.name,
            "area": tree.grid.code,
            "window": "morning",
        }
    ]
    assert api.get(reverse("missed-check-list"), {"area": tree.grid2.code}).json()["results"] == []


def test_a_user_turns_fevers_off_outside_the_app_from_the_profile(client, people):
    client.force_login(people.village_officer)
    assert 'id="alert-preferences"' in client.get(reverse("accounts:profile")).content.decode()
    response = client.post(reverse("health:alert-preferences"), {"symptom": "on", "missed_check": "on"})
    assert response.status_code == 302
    preference = AlertPreference.objects.get(user=people.village_officer)
    assert (preference.fever, preference.symptom, preference.missed_check) == (False, True, True)


def test_the_periodic_sweep_escalates_a_due_alert(alert, people):
    from fangkong.core import jobs

    Alert.objects.filter(pk=alert.pk).update(raised_at=timezone.now() - LIMIT)
    jobs.periodic_sweep()
    alert.refresh_from_db()
    assert alert.level == "town"
    assert told(alert) == ["doctor", "town_officer", "village_officer"]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_two_threads_escalate_once(tree, people, deliveries_in_the_committing_thread):
    """PostgreSQL lets both run (the loser's UPDATE finds the level changed); SQLite's single writer
    may refuse the loser outright, or both, leaving it to the next sweep. Either way: one escalation,
    one notice per person."""
    reload_reference_data()  # an earlier transactional test may have emptied the first protocol's table
    from django.db import OperationalError, connection

    episode = make_episode(area=tree.grid)
    alert = make_check(episode, temperature=Decimal("38.2")).alerts.get()
    now = alert.raised_at + LIMIT
    start = threading.Barrier(2)
    escalated = []

    def sweep():
        start.wait()
        try:
            escalated.extend(services.sweep(now)["escalated"])
        except OperationalError:  # SQLite: the database is locked by the other sweep
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # SQLite may refuse both (each found the other writing): the next sweep escalates then. Never twice.
    escalated.extend(services.sweep(now)["escalated"])
    assert escalated == [alert.pk]
    assert Notification.objects.filter(user=people.town_officer).count() == 1
