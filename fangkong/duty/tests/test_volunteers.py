"""Volunteers: public sign-up by link and QR, approval, shifts, check-in and out, hours, masked phones."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import ChangeLogEntry
from fangkong.duty import services
from fangkong.duty.models import Volunteer
from fangkong.duty.tests.factories import make_shift, make_team, make_volunteer


def sign_up(client, team, phone="138 1234 5678", name="钱志愿"):
    data = {"name": name, "phone": phone, "skills": "驾驶", "availability": "晚上"}
    return client.post(reverse("volunteer-signup", args=[team.signup_token]), data, follow=True)


def test_anyone_signs_up_by_the_teams_link_without_a_login(client, tree):
    team = make_team(tree.village)
    assert client.get(reverse("volunteer-signup", args=[team.signup_token])).status_code == 200
    response = sign_up(client, team)
    assert "Thank you, 钱志愿" in response.content.decode()
    volunteer = Volunteer.objects.get()
    assert (volunteer.phone, volunteer.status, volunteer.area) == ("13812345678", "pending", tree.village)
    assert volunteer.signed_up_online
    assert ChangeLogEntry.objects.filter(content_type__model="volunteer", object_id=str(volunteer.pk)).exists()


def test_signing_up_twice_with_one_phone_is_told_not_duplicated(client, tree):
    team = make_team(tree.village)
    sign_up(client, team)
    response = sign_up(client, team, phone="+86 13812345678", name="钱某")
    assert "has signed up for 竹林关村志愿服务队 already" in response.content.decode()
    assert Volunteer.objects.count() == 1


def test_sign_ups_are_rate_limited(client, tree, monkeypatch):
    monkeypatch.setattr(services, "SIGNUPS_PER_ADDRESS", 2)
    team = make_team(tree.village)
    sign_up(client, team, "13800000001")
    sign_up(client, team, "13800000002")
    response = client.post(reverse("volunteer-signup", args=[team.signup_token]), {"name": "x", "phone": "13800000003"})
    assert response.status_code == 429
    assert Volunteer.objects.count() == 2


def test_a_closed_or_unknown_link_opens_a_404_page(client, tree):
    team = make_team(tree.village)
    team.signup_open = False
    team.save()
    assert client.get(reverse("volunteer-signup", args=[team.signup_token])).status_code == 404
    assert client.get(reverse("volunteer-signup", args=["nothing-here"])).status_code == 404


def test_the_team_page_shows_the_sign_up_qr_code(client, tree, people):
    team = make_team(tree.village)
    client.force_login(people.village_officer)
    page = client.get(reverse("duty:team", args=[team.pk])).content.decode()
    assert "data:image/svg+xml" in page and team.get_signup_url() in page


def test_an_officer_approves_a_sign_up(client, tree, people):
    volunteer = make_volunteer(make_team(tree.village), status=Volunteer.Status.PENDING)
    client.force_login(people.village_officer)
    client.post(reverse("duty:volunteer-decide", args=[volunteer.pk]), {"status": "approved"})
    volunteer.refresh_from_db()
    assert volunteer.status == "approved" and volunteer.decided_by == people.village_officer
    client.force_login(people.doctor)
    assert client.post(reverse("duty:volunteer-decide", args=[volunteer.pk]), {"status": "declined"}).status_code == 403


def test_an_officer_approves_through_the_api(api, tree, people):
    volunteer = make_volunteer(make_team(tree.village), status=Volunteer.Status.PENDING)
    url = reverse("volunteer-detail", args=[volunteer.pk])
    assert api.login_as(people.village_officer).patch(url, {"status": "approved"}, format="json").status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.status == "approved" and volunteer.decided_by == people.village_officer


def test_only_approved_volunteers_of_the_team_are_given_shifts(tree):
    team = make_team(tree.village)
    pending = make_volunteer(team, status=Volunteer.Status.PENDING)
    other = make_volunteer(make_team(tree.village2, "桃园队"), phone="13700000002")
    for volunteer in (pending, other):
        with pytest.raises(ValidationError, match="Only approved volunteers of the team"):
            make_shift(team, [volunteer])


def test_hours_add_up_per_volunteer_and_team_from_check_in_and_out(tree):
    team = make_team(tree.village)
    first, second = make_volunteer(team), make_volunteer(team, "孙志愿", "13700000002")
    shift = make_shift(team, [first, second])
    start = timezone.now()
    for volunteer, hours in ((first, 2), (second, 3)):
        assignment = services.assignment_of(shift, volunteer.pk)
        services.check_in(assignment, start)
        services.check_out(assignment, start + datetime.timedelta(hours=hours))
    volunteers = services.with_hours(Volunteer.objects.filter(team=team), "assignments__")
    assert {v.name: v.minutes for v in volunteers} == {first.name: 120, second.name: 180}
    teams = services.with_hours(type(team).objects.filter(pk=team.pk), "volunteers__assignments__")
    assert teams.get().minutes == 300


def test_check_in_and_out_through_the_api(api, tree, people):
    team = make_team(tree.village)
    volunteer = make_volunteer(team)
    shift = make_shift(team, [volunteer])
    api.login_as(people.village_officer)
    assert api.post(reverse("volunteershift-check-in", args=[shift.pk]), {"volunteer": volunteer.pk}).status_code == 200
    again = api.post(reverse("volunteershift-check-in", args=[shift.pk]), {"volunteer": volunteer.pk})
    assert again.status_code == 400
    out = api.post(reverse("volunteershift-check-out", args=[shift.pk]), {"volunteer": volunteer.pk})
    assert out.status_code == 200 and out.json()["assignments"][0]["checked_out_at"]


def test_a_volunteer_is_given_a_checkpoint_shift_on_the_web(client, tree, people):
    team = make_team(tree.village)
    volunteer = make_volunteer(team)
    start = timezone.localtime() + datetime.timedelta(hours=2)
    client.force_login(people.village_officer)
    data = {
        "team": team.pk,
        "kind": "checkpoint",
        "place": "竹林关收费站",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "volunteers": [volunteer.pk],
    }
    response = client.post(reverse("duty:shift-add"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert list(volunteer.shifts.values_list("place", flat=True)) == ["竹林关收费站"]


def test_volunteers_phones_are_masked_in_lists_and_exports(client, api, tree, people):
    make_volunteer(make_team(tree.village), phone="13712345678")
    client.force_login(people.village_officer)
    page = client.get(reverse("duty:volunteer-list")).content.decode()
    assert "137****5678" in page and "13712345678" not in page
    export = b"".join(client.get(reverse("duty:volunteer-list"), {"export": "csv"}).streaming_content).decode()
    assert "137****5678" in export and "13712345678" not in export
    rows = api.login_as(people.village_officer).get(reverse("volunteer-list")).json()["results"]
    assert rows[0]["phone"] == "137****5678"


def test_the_api_refuses_a_second_volunteer_with_one_phone(api, tree, people):
    team = make_team(tree.village)
    make_volunteer(team, phone="13712345678")
    payload = {"team": team.pk, "name": "重复", "phone": "13712345678"}
    response = api.login_as(people.village_officer).post(reverse("volunteer-list"), payload, format="json")
    assert response.status_code == 400
    assert "signed up for the team already" in response.json()["phone"][0]
