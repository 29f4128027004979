"""The area of a household create is looked up once per user and kept, until the area or the user's
memberships change: then the very next create sees the change."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fangkong.accounts.models import Membership
from fangkong.areas.models import Area
from fangkong.people.models import Household


def create(user, area):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client.post("/api/households/", {"address": "一组 1 号", "area": area.code})


def test_a_grid_retired_after_its_look_up_was_kept_is_refused_at_once(tree, people):
    assert create(people.grid_worker, tree.grid).status_code == 201

    grid = Area.objects.get(pk=tree.grid.pk)
    grid.retired_on = grid.created.date()
    grid.save()

    refused = create(people.grid_worker, tree.grid)
    assert refused.status_code == 400 and "area" in refused.json()
    assert Household.objects.count() == 1


def test_a_grid_worker_moved_to_another_grid_files_households_only_there_at_once(tree, people):
    assert create(people.grid_worker, tree.grid).status_code == 201

    membership = Membership.objects.get(user=people.grid_worker)
    membership.area = tree.grid2
    membership.save()

    refused = create(people.grid_worker, tree.grid)
    assert refused.status_code == 400 and "area" in refused.json()
    assert create(people.grid_worker, tree.grid2).status_code == 201
