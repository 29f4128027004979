"""A user's memberships are read from the database once, then kept in the cache until one changes."""

import os
import subprocess
import sys

from django.db import transaction

from fangkong.accounts.models import Membership, User
from fangkong.core import scope
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Role


def next_request(user):
    """The user as the next request loads them: a fresh object, nothing kept on it."""
    return User.objects.get(pk=user.pk)


def test_memberships_are_read_once_then_kept_in_the_cache(tree, people, django_assert_num_queries):
    user = next_request(people.grid_worker)
    with django_assert_num_queries(1):
        assert user.memberships_cached() == [(Role.GRID_WORKER, tree.grid.path)]
    user = next_request(people.grid_worker)
    with django_assert_num_queries(0):
        assert user.memberships_cached() == [(Role.GRID_WORKER, tree.grid.path)]


def test_a_granted_role_is_seen_at_the_next_request(tree, people):
    assert not scope.has_role(next_request(people.grid_worker), {Role.OFFICER}, tree.village.path)

    Membership.objects.create(user=people.grid_worker, area=tree.village, role=Role.OFFICER)

    assert scope.has_role(next_request(people.grid_worker), {Role.OFFICER}, tree.village.path)


def test_a_withdrawn_role_is_seen_at_the_next_request(tree, people):
    assert scope.has_role(next_request(people.village_officer), {Role.OFFICER}, tree.grid.path)

    Membership.objects.get(user=people.village_officer).delete()

    assert next_request(people.village_officer).memberships_cached() == []


def test_an_account_created_under_the_id_of_a_rolled_back_one_has_none_of_its_roles(tree):
    with transaction.atomic():
        rolled_back = User.objects.create_user("rolled_back", id=1000)
        Membership.objects.create(user=rolled_back, area=tree.city, role=Role.COMMANDER)
        assert next_request(rolled_back).memberships_cached()  # now kept in the cache
        transaction.set_rollback(True)

    # SQLite gives the id out again by itself; PostgreSQL's sequence does not, so it is given here.
    user = User.objects.create_user("new", id=1000)

    assert user.memberships_cached() == [] and next_request(user).memberships_cached() == []
    assert ChangeLogEntry.objects.get(content_type__model="user", object_id="1000").area_path == ""


def test_deactivating_an_account_drops_its_cached_roles(tree, people):
    next_request(people.grid_worker).memberships_cached()
    # A change the signals cannot see (a raw UPDATE): only a new version brings it in.
    Membership.objects.filter(user=people.grid_worker).update(area=tree.grid2)

    user = next_request(people.grid_worker)
    user.is_active = False
    user.save()

    assert next_request(people.grid_worker).memberships_cached() == [(Role.GRID_WORKER, tree.grid2.path)]


FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"
FORGET_IN_ANOTHER_PROCESS = f"""
import sys
import django
from django.conf import settings

django.setup()
settings.CACHES = {{"default": {{"BACKEND": "{FILE_CACHE}", "LOCATION": sys.argv[1]}}}}
from fangkong.accounts.models import forget_memberships_of

forget_memberships_of(int(sys.argv[2]))
"""


def test_a_membership_change_made_in_another_process_is_seen_here_at_once(tree, people, settings, tmp_path):
    # Two processes share a cache the way web workers share Redis (a file cache stands in for it).
    settings.CACHES = {"default": {"BACKEND": FILE_CACHE, "LOCATION": str(tmp_path)}}
    assert next_request(people.grid_worker).memberships_cached() == [(Role.GRID_WORKER, tree.grid.path)]
    # The other process moves the grid worker to the second grid: its row changes here (the database
    # is shared) without this process's signals, then that process's signal runs over there.
    Membership.objects.filter(user=people.grid_worker).update(area=tree.grid2)
    assert next_request(people.grid_worker).memberships_cached() == [(Role.GRID_WORKER, tree.grid.path)]

    command = [sys.executable, "-c", FORGET_IN_ANOTHER_PROCESS, str(tmp_path), str(people.grid_worker.pk)]
    # Its signal needs a database connection (on_commit asks for autocommit), not this test's rows.
    other_database = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "fangkong.settings", "DATABASE_URL": other_database}
    subprocess.run(command, check=True, cwd=settings.BASE_DIR, env=environment)

    assert next_request(people.grid_worker).memberships_cached() == [(Role.GRID_WORKER, tree.grid2.path)]


def test_look_ups_kept_for_a_user_are_dropped_when_they_are_made_or_unmade_administrator(people):
    assert next_request(people.grid_worker).cached_in_scope("probe", lambda: "as grid worker") == "as grid worker"
    assert next_request(people.grid_worker).cached_in_scope("probe", lambda: "again") == "as grid worker"

    user = next_request(people.grid_worker)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])

    assert next_request(people.grid_worker).cached_in_scope("probe", lambda: "as administrator") == "as administrator"
