"""Pioneer posts and responsibility zones: held by party members, shown on the area's and the member's pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangkong.core.models import ChangeLogEntry
from fangkong.duty import services
from fangkong.duty.models import PioneerPost
from fangkong.duty.tests.factories import make_post, make_zone
from fangkong.people.tests.factories import id_number, make_household, make_person


@pytest.fixture
def member(people):
    people.grid_worker.party_member = True
    people.grid_worker.full_name = "党员甲"
    people.grid_worker.save()
    return people.grid_worker


def test_posts_are_held_by_party_members_only(tree, people, member):
    with pytest.raises(ValidationError) as refused:
        make_post(tree.village, holders=[people.doctor])
    assert refused.value.message_dict["holders"] == ["Not marked as party members: doctor."]
    assert list(make_post(tree.village, holders=[member]).holders.all()) == [member]


def test_who_holds_a_post_is_in_the_change_log(tree, people, member):
    post = make_post(tree.village)
    services.save_holding(post, holders=[member])
    entry = ChangeLogEntry.objects.filter(content_type__model="pioneerpost", object_id=str(post.pk)).first()
    assert (entry.before, entry.after) == ({"holders": []}, {"holders": [member.pk]})


def test_the_api_refuses_a_holder_who_is_not_a_party_member(api, tree, people):
    person = make_person(tree.grid, "群众乙", id_number())
    payload = {
        "area": tree.village.code,
        "organisation": "竹林关村党支部",
        "name": "先锋岗",
        "person_holders": [person.pk],
    }
    response = api.login_as(people.village_officer).post(reverse("pioneerpost-list"), payload, format="json")
    assert response.status_code == 400 and "person_holders" in response.json()


def test_a_zone_takes_grids_and_households_within_its_area_only(tree, people):
    elsewhere = make_household(tree.other_grid, "东街 1 号")
    with pytest.raises(ValidationError) as refused:
        make_zone(tree.village, households=[elsewhere])
    assert "households" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_zone(tree.village2, grids=[tree.grid])
    assert "grids" in refused.value.message_dict


def test_the_area_page_shows_its_posts_and_zones(client, tree, people, member):
    make_post(tree.village, "卡口先锋岗", holders=[member])
    make_zone(tree.village, "一组责任区", grids=[tree.grid], holders=[member])
    client.force_login(people.village_officer)
    area_page = client.get(reverse("areas:area", args=[tree.village.code])).content.decode()
    assert reverse("duty:area", args=[tree.village.code]) in area_page
    page = client.get(reverse("duty:area", args=[tree.village.code])).content.decode()
    assert "卡口先锋岗" in page and "一组责任区" in page


def test_a_members_page_lists_their_posts_zones_and_households(client, tree, people, member):
    make_post(tree.village, "卡口先锋岗", holders=[member])
    make_zone(tree.village, "一组责任区", holders=[member])
    make_household(tree.grid, "竹林关村一组 8 号", responsible=member)
    client.force_login(member)
    page = client.get(reverse("duty:mine")).content.decode()
    assert "卡口先锋岗" in page and "一组责任区" in page and "竹林关村一组 8 号" in page


def test_a_registered_party_members_page_lists_what_they_hold(client, tree, people):
    person = make_person(tree.grid, "党员乙", id_number(), party_member=True)
    post = PioneerPost(area=tree.village, organisation="竹林关村党支部", name="市场先锋岗", kind="market")
    services.save_holding(post, person_holders=[person])
    client.force_login(people.village_officer)
    person_page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert reverse("duty:person-holdings", args=[person.pk]) in person_page
    assert "市场先锋岗" in client.get(reverse("duty:person-holdings", args=[person.pk])).content.decode()
    client.force_login(people.outsider)
    assert client.get(reverse("duty:person-holdings", args=[person.pk])).status_code == 404


def test_registered_members_and_households_are_offered_from_the_records_area(client, tree, people):
    make_person(tree.grid, "党员丙", id_number(), party_member=True)
    make_person(tree.other_grid, "党员丁", id_number(), party_member=True)
    make_household(tree.grid, "竹林关村一组 5 号")
    client.force_login(people.city_commander)
    assert "person_holders" not in client.get(reverse("duty:zone-add")).context["form"].fields
    form = client.get(reverse("duty:zone-add"), {"area": tree.village.code}).context["form"]
    assert [str(p) for p in form.fields["person_holders"].queryset] == ["党员丙"]
    assert [str(h) for h in form.fields["households"].queryset] == ["竹林关村一组 5 号"]
