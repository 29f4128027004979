"""Testing helpers: a small real-coded area tree, users at every level, and scope test cases.

The tree follows Shangluo's real codes, so tests read like the product:

    6110 商洛市
      611022 丹凤县 > 611022106 竹林关镇 > 611022106200 竹林关村 (grids 001, 002), 611022106201 桃园村
      611023 商南县 > 611023100 城关街道 > 611023100001 东街社区 (grid 001)
"""

import importlib
from dataclasses import dataclass

from rest_framework.test import APIClient

from fangkong.accounts.models import Membership, User
from fangkong.areas.models import Area
from fangkong.core.roles import Role

PASSWORD = "correct-horse-battery"


def make_area(code, name, level, parent=None, **extra):
    area = Area(code=code, name=name, level=level, parent=parent, **extra)
    area.save()
    return area


@dataclass
class Tree:
    city: Area
    county: Area
    town: Area
    village: Area
    village2: Area
    grid: Area
    grid2: Area
    other_county: Area
    other_town: Area
    other_village: Area
    other_grid: Area


def make_tree():
    city = make_area("6110", "商洛市", Area.Level.CITY)
    county = make_area("611022", "丹凤县", Area.Level.COUNTY, city)
    town = make_area("611022106", "竹林关镇", Area.Level.TOWN, county)
    village = make_area("611022106200", "竹林关村委会", Area.Level.VILLAGE, town)
    village2 = make_area("611022106201", "桃园村委会", Area.Level.VILLAGE, town)
    grid = make_area("611022106200001", "第一网格", Area.Level.GRID, village)
    grid2 = make_area("611022106200002", "第二网格", Area.Level.GRID, village)
    other_county = make_area("611023", "商南县", Area.Level.COUNTY, city)
    other_town = make_area("611023100", "城关街道", Area.Level.TOWN, other_county)
    other_village = make_area("611023100001", "东街社区居委会", Area.Level.VILLAGE, other_town)
    other_grid = make_area("611023100001001", "第一网格", Area.Level.GRID, other_village)
    return Tree(city, county, town, village, village2, grid, grid2, other_county, other_town, other_village, other_grid)


def make_user(username, role=None, area=None, **extra):
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        Membership.objects.create(user=user, area=area, role=role)
    user.forget_memberships()  # saving the user cached its memberships before it had any
    return user


@dataclass
class People:
    """One user per level of the tree, and an outsider from the neighbouring county."""

    city_commander: User
    county_officer: User
    town_officer: User
    village_officer: User
    grid_worker: User
    doctor: User
    outsider: User
    nobody: User


def make_people(tree):
    return People(
        city_commander=make_user("city_commander", Role.COMMANDER, tree.city),
        county_officer=make_user("county_officer", Role.OFFICER, tree.county),
        town_officer=make_user("town_officer", Role.OFFICER, tree.town),
        village_officer=make_user("village_officer", Role.OFFICER, tree.village),
        grid_worker=make_user("grid_worker", Role.GRID_WORKER, tree.grid),
        doctor=make_user("doctor", Role.DOCTOR, tree.village),
        outsider=make_user("outsider", Role.OFFICER, tree.other_county),
        nobody=make_user("nobody"),
    )


@dataclass
class ScopeCase:
    """One view or endpoint, checked the same way for every user of People.

    ``kwargs(tree, people)`` gives the URL arguments of a record inside 竹林关村. Users named in
    ``allowed`` open it (200); those in ``denied`` see it but may not do this (403); everyone else,
    the outsider from 商南县 first, gets 404. Pages without a record (lists, create forms) answer
    200 to ``allowed`` and 403 to the rest; what a list shows is checked by the list tests.
    """

    url_name: str
    kwargs: object = None
    allowed: tuple = ("city_commander", "county_officer", "town_officer", "village_officer")
    denied: tuple = ()
    record_lookup: bool = True

    def expected_status(self, who):
        if who in self.allowed:
            return 200
        if who in self.denied or not self.record_lookup:
            return 403
        return 404

    def __str__(self):
        return self.url_name


class ScopedAPIClient(APIClient):
    """Authenticates a fresh copy of the user, so memberships cached on a test's object do not leak in."""

    def force_authenticate(self, user=None, token=None):
        super().force_authenticate(User.objects.get(pk=user.pk) if user else None, token)

    def login_as(self, user):
        self.force_authenticate(user)
        return self


def reload_reference_data():
    """The national divisions, built-in key-person categories and first observation protocol are loaded
    by migrations, and every transactional test (each browser test) ends by emptying all tables: load
    them again."""
    from django.apps import apps

    for module in (
        "fangkong.areas.migrations.0003_load_national_divisions",
        "fangkong.people.migrations.0002_builtin_tags",
        "fangkong.health.migrations.0002_first_protocol",
        "fangkong.health.migrations.0008_test_days",
        "fangkong.supplies.migrations.0002_catalogue",
        "fangkong.supplies.migrations.0003_markets",
    ):
        importlib.import_module(module).load(apps, None)
