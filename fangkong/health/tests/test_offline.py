"""Today's quick check forms: without JavaScript they are ordinary forms (offline.js queues them on the phone)."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from fangkong.health.models import Check
from fangkong.health.tests.factories import make_episode


def test_a_quick_check_on_todays_page_is_saved_without_javascript(client, tree, people, monkeypatch):
    episode = make_episode(area=tree.grid)
    evening = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(20)))
    monkeypatch.setattr(timezone, "now", lambda: evening)
    client.force_login(people.doctor)
    page = client.get(reverse("health:today")).content.decode()
    action = reverse("health:check-add", args=[episode.pk])
    form = re.search(rf'<form method="post" action="{action}" class="quick-check.*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    data = {**fields, "temperature": "36.7", "symptoms": ["fatigue"]}
    for _ in range(2):  # a double tap: one check under the form's key
        response = client.post(action, data)
        assert response.status_code == 302 and response["Location"] == reverse("health:today")
    check = Check.objects.get()
    assert (check.temperature, check.symptoms, check.source) == (Decimal("36.7"), ["fatigue"], Check.Source.DOCTOR)
