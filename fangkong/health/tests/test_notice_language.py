"""Alerts and notices are written in the language of the user who receives them, not of whoever raised them."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from fangkong.core import jobs
from fangkong.core.models import Notification
from fangkong.health.alerts import services
from fangkong.health.cases.tests.factories import make_contact
from fangkong.health.models import AlertDelivery
from fangkong.health.tests.factories import make_episode
from fangkong.people.tests.factories import id_number, make_person


class Gateway(BaseHTTPRequestHandler):
    """The SMS gateway and the work-chat robot: keeps what each was sent."""

    received = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    Gateway.received = []
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ALERTS_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/robot"
    settings.ALERTS_SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    yield Gateway.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def english_doctor(people):
    people.doctor.language, people.doctor.phone = "en", "13900000001"
    people.doctor.save()
    people.village_officer.phone = "13900000002"  # Chinese, the default
    people.village_officer.save()
    return people.doctor


def test_an_english_doctor_and_a_chinese_officer_each_read_the_same_fever_in_their_language(
    tree, people, english_doctor, gateway
):
    from fangkong.core.testing import ScopedAPIClient

    episode = make_episode(area=tree.grid)
    episode.person.doctor = english_doctor
    episode.person.save()
    # The grid worker who takes the check reads English; that decides nothing for the others.
    api = ScopedAPIClient().login_as(people.grid_worker)
    check = {"key": "k-1", "person": episode.person_id, "taken_at": timezone.now().isoformat(), "temperature": "38.4"}
    assert api.post(reverse("check-list"), check, format="json", HTTP_ACCEPT_LANGUAGE="en").status_code == 201

    inbox = dict(Notification.objects.filter(kind="alert").values_list("user__username", "title"))
    name = episode.person.name
    assert inbox["doctor"].startswith(f"Fever: {name}, 38.4 °C")
    assert inbox["village_officer"].startswith(f"发热：{name}，38.4 °C")

    for delivery in AlertDelivery.objects.order_by("pk"):
        assert services.deliver(delivery.pk) == AlertDelivery.Status.SENT
    texts = {body["phone"]: body["text"] for path, body in gateway if path == "/sms"}
    assert texts["13900000001"] == inbox["doctor"]
    assert texts["13900000002"] == inbox["village_officer"]
    robot = sorted(body["text"]["content"] for path, body in gateway if path == "/robot")
    assert robot == sorted([f"doctor: {inbox['doctor']}", f"village_officer: {inbox['village_officer']}"])


def test_an_escalated_alert_reaches_each_town_officer_in_their_language(tree, people, english_doctor):
    from fangkong.health.tests.factories import make_check

    people.town_officer.language = "en"
    people.town_officer.save()
    episode = make_episode(area=tree.grid)
    with translation.override("zh-hans"):  # the sweep runs in the site's language
        alert = make_check(episode, temperature=Decimal("38.8")).alerts.get()
        assert services.escalate(alert)
    notice = Notification.objects.get(user=people.town_officer)
    assert notice.title.startswith("Not acknowledged, now with the town: Fever:")


def test_the_village_officer_told_of_a_close_contact_reads_it_in_their_language(tree, people):
    people.village_officer.language = "en"
    people.village_officer.save()
    with translation.override("zh-hans"):
        make_contact(make_person(tree.grid, name="密接甲", number=id_number()), source_person=make_person(tree.grid))
    notice = Notification.objects.get(user=people.village_officer, kind="close-contact")
    assert notice.title.startswith("Close contact to observe: 密接甲")


def test_a_notice_written_for_a_user_without_a_choice_is_in_chinese(people):
    with translation.override("en"):
        notice = jobs.notify(
            people.grid_worker, "job", lambda: gettext(jobs.FINISHED_NOTICES["done"]) % {"job": "导出"}
        )
    assert notice.title == "已完成：导出"
