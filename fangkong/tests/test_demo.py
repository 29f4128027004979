"""`make run` seeds a lived-in 竹林关镇 once: a newcomer's first work list, lists and reports show real figures."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fangkong.accounts.models import User
from fangkong.core.models import ChangeLogEntry
from fangkong.demo import DEMO_REQUEST_ID
from fangkong.health.alerts.models import Alert
from fangkong.health.cases.models import Case, Classification
from fangkong.health.models import Check, Episode
from fangkong.people.models import Arrival, Household, Person
from fangkong.reports.models import Confirmation


def api_as(username):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=User.objects.get(username=username)).key}")
    return client


@pytest.mark.django_db(transaction=False)
def test_the_demo_town_is_lived_in_and_seeded_once():
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()

    assert Household.objects.count() > 100 and Person.objects.count() > 300
    assert Arrival.objects.filter(risk_area__isnull=False).exists() and Arrival.objects.filter(risk_area=None).exists()
    # Observations over the last 30 days: some released on their day, others running, checked twice a day.
    assert Episode.objects.filter(outcome=Episode.Outcome.RELEASED).exists()
    assert Episode.objects.open().filter(planned_end_on__gte=today).exists()
    checked_days = set(Check.objects.values_list("taken_on", flat=True))
    assert len(checked_days) >= 25 and max(checked_days) >= today - datetime.timedelta(days=1)
    # A confirmed case, reported within 2 hours, and its close contacts under observation until 14 days
    # after the last contact.
    case = Case.objects.get()
    assert case.classification == Classification.CONFIRMED
    assert case.reported_at - case.diagnosed_at <= datetime.timedelta(hours=2)
    contacts = list(case.contacts.select_related("episode"))
    assert len(contacts) >= 2
    assert all(c.episode.planned_end_on == c.last_contact_on + datetime.timedelta(days=14) for c in contacts)
    # Today: a fever alert for the village doctor, and checks still to take on the grid worker's list.
    assert Alert.objects.filter(kind=Alert.Kind.FEVER, person__area__parent__code="611022106200").exists()
    assert api_as("zlg_doctor").get("/api/alerts/").json()["results"]
    assert api_as("zlg_grid_worker_1").get("/api/worklist/").status_code == 200
    # Every record is marked as demo data in the change log; a second run adds nothing.
    created = ChangeLogEntry.objects.filter(request_id=DEMO_REQUEST_ID, kind=ChangeLogEntry.Kind.CREATE)
    assert created.filter(content_type__model="person").count() == Person.objects.count()
    assert created.filter(content_type__model="check").count() == Check.objects.count()
    counts = (Person.objects.count(), Check.objects.count(), ChangeLogEntry.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "seeded already" in out.getvalue()
    assert Confirmation.objects.filter(area__parent__code="611022106").count() > 100
    assert (Person.objects.count(), Check.objects.count(), ChangeLogEntry.objects.count()) == counts
