"""The scope machinery itself: paths, subtrees, memberships turned into querysets, saves kept in scope."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.accounts.models import Membership, User
from fangkong.areas.models import Area, Division
from fangkong.core import scope
from fangkong.core.models import ChangeLogEntry
from fangkong.core.roles import Action, Role
from fangkong.core.services import OutOfScope, save_in_scope
from fangkong.core.testing import make_area, make_user


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def fresh(user):
    """The user as a new request would load it: memberships read anew."""
    return User.objects.get(pk=user.pk)


# --- paths -------------------------------------------------------------------------------------------


def test_is_within_respects_path_boundaries():
    assert scope.is_within("6110.611022", "6110.611022")
    assert scope.is_within("6110.611022.611022106", "6110.611022")
    assert scope.is_within("6110.611022.611022106.611022106200", "6110")
    assert not scope.is_within("6110.611022", "6110.61102")  # a prefix, but not a parent
    assert not scope.is_within("6110.61102", "6110.611022")
    assert not scope.is_within("6110", "6110.611022")
    assert not scope.is_within("6110.611023", "6110.611022")


def test_outermost_keeps_only_the_tops():
    paths = [
        "6110.611022.611022106",
        "6110.611022",
        "6110.611022.611022106.611022106200",
        "6110.61102",
        "6110.611023.611023100",
        "6110.611022",
    ]
    assert scope.outermost(paths) == ["6110.61102", "6110.611022", "6110.611023.611023100"]
    assert scope.outermost(["6110", *paths]) == ["6110"]
    assert scope.outermost([]) == []
    assert scope.outermost(iter(["6110.611022"])) == ["6110.611022"]


segments = st.sampled_from(["1", "12", "2", "21", "3"])
paths_strategy = st.lists(st.lists(segments, min_size=1, max_size=4).map(".".join), max_size=12)


@settings(max_examples=200, database=None)
@given(paths_strategy)
def test_outermost_matches_its_definition(paths):
    """Every path kept lies in no other; every path dropped lies in one kept."""
    unique = set(paths)
    expected = sorted(p for p in unique if not any(q != p and scope.is_within(p, q) for q in unique))
    kept = scope.outermost(paths)
    assert sorted(kept) == expected
    assert all(any(scope.is_within(p, k) for k in kept) for p in unique)


# --- subtrees in the database ------------------------------------------------------------------------


@pytest.fixture
def lookalike(tree):
    """A county whose code is a prefix of 丹凤县's (611022): string prefixes must not leak across."""
    county = make_area("61102", "假县", Area.Level.COUNTY, tree.city)
    make_area("61102999", "假镇", Area.Level.TOWN, county)
    return county


def test_subtree_q_selects_exactly_the_subtree(tree, lookalike):
    areas = list(Area.objects.all())
    assert len(areas) == 13
    for top in areas:
        found = set(Area.objects.filter(scope.subtree_q("path", top.path)).values_list("code", flat=True))
        assert found == {a.code for a in areas if scope.is_within(a.path, top.path)}, top.code
    lookalikes = Area.objects.filter(scope.subtree_q("path", lookalike.path))
    assert set(lookalikes.values_list("code", flat=True)) == {"61102", "61102999"}


def codes(queryset):
    values = list(queryset.values_list("code", flat=True))
    assert len(values) == len(set(values)), "rows repeated"
    return set(values)


def subtree(area):
    return codes(Area.objects.within(area))


def test_a_membership_grants_its_subtree_only(tree, lookalike):
    officer = make_user("lookalike_officer", Role.OFFICER, lookalike)
    assert codes(Area.objects.restrict(officer)) == {"61102", "61102999"}


def test_memberships_in_two_counties_add_up(tree):
    user = make_user("two_counties", Role.OFFICER, tree.county)
    Membership.objects.create(user=user, area=tree.other_county, role=Role.OFFICER)
    user = fresh(user)
    assert codes(Area.objects.restrict(user)) == subtree(tree.county) | subtree(tree.other_county)
    assert tree.city.code not in codes(Area.objects.restrict(user))


def test_nested_memberships_count_once(tree):
    user = make_user("nested", Role.COMMANDER, tree.county)
    Membership.objects.create(user=user, area=tree.village, role=Role.OFFICER)
    Membership.objects.create(user=user, area=tree.grid, role=Role.DOCTOR)
    user = fresh(user)
    assert scope.scope_paths(user, {Role.COMMANDER, Role.OFFICER, Role.DOCTOR}) == [tree.county.path]
    assert codes(Area.objects.restrict(user)) == subtree(tree.county)
    # Users are reached through memberships (a to-many lookup): still each one once.
    colleague = make_user("colleague", Role.GRID_WORKER, tree.grid)
    Membership.objects.create(user=colleague, area=tree.grid2, role=Role.GRID_WORKER)
    visible = list(User.objects.restrict(user).values_list("username", flat=True))
    assert sorted(visible) == ["colleague", "nested"]


def test_roles_decide_the_action(tree):
    user = make_user("mixed", Role.DOCTOR, tree.village)
    Membership.objects.create(user=user, area=tree.village2, role=Role.OFFICER)
    user = fresh(user)
    assert codes(Area.objects.restrict(user, Action.VIEW)) == subtree(tree.village) | subtree(tree.village2)
    assert codes(Area.objects.restrict(user, Action.CHANGE)) == subtree(tree.village2)
    assert scope.can(user, Action.CHANGE, Area, tree.village2.path)
    assert not scope.can(user, Action.CHANGE, Area, tree.grid.path)
    assert scope.can(user, Action.VIEW, Area, tree.grid.path)
    assert not scope.can(user, Action.VIEW, Area, tree.town.path)


def test_a_superuser_sees_everything(tree):
    admin = make_user("admin", is_superuser=True)
    assert scope.scope_paths(admin, {Role.OFFICER}) is None
    assert Area.objects.restrict(admin).count() == Area.objects.count() == 11
    assert Area.objects.restrict(admin, Action.CHANGE).count() == 11
    assert scope.can(admin, Action.DELETE, Area, "anything")


def test_an_inactive_user_sees_nothing(tree):
    user = make_user("left", Role.COMMANDER, tree.city, is_active=False)
    assert scope.scope_paths(user, {Role.COMMANDER}) == []
    assert not Area.objects.restrict(user).exists()
    assert not scope.can(user, Action.VIEW, Area)
    inactive_admin = make_user("old_admin", is_superuser=True, is_active=False)
    assert not Area.objects.restrict(inactive_admin).exists()


def test_no_membership_or_no_login_sees_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not Area.objects.restrict(make_user("nobody")).exists()
    assert not Area.objects.restrict(AnonymousUser()).exists()
    assert not scope.can(AnonymousUser(), Action.VIEW, Area)


def test_a_membership_without_the_role_grants_nothing(tree):
    """The change log is for managers: a doctor of the whole city reads none of it."""
    doctor = make_user("city_doctor", Role.DOCTOR, tree.city)
    assert ChangeLogEntry.objects.exists()
    assert not ChangeLogEntry.objects.restrict(doctor).exists()
    commander = make_user("county_commander", Role.COMMANDER, tree.county)
    paths = set(ChangeLogEntry.objects.restrict(commander).values_list("area_path", flat=True))
    assert paths and all(scope.is_within(path, tree.county.path) for path in paths)


def test_areas_for_are_the_subtrees_where_the_user_holds_the_roles(tree):
    user = make_user("doctor_and_officer", Role.DOCTOR, tree.village)
    Membership.objects.create(user=user, area=tree.village2, role=Role.OFFICER)
    user = fresh(user)
    assert codes(scope.areas_for(user, {Role.DOCTOR, Role.OFFICER})) == subtree(tree.village) | subtree(tree.village2)
    assert codes(scope.areas_for(user, {Role.OFFICER})) == subtree(tree.village2)
    assert codes(scope.areas_for(user, {Role.DOCTOR}, levels=[Area.Level.GRID])) == {tree.grid.code, tree.grid2.code}
    assert not scope.areas_for(user, {Role.COMMANDER}).exists()
    assert not scope.holds(user, {Role.COMMANDER}) and scope.holds(user, {Role.OFFICER})
    admin = make_user("areas_admin", is_superuser=True)
    assert scope.areas_for(admin, {Role.OFFICER}).count() == Area.objects.count()


def test_within_follows_the_models_own_path_and_repeats_no_row(tree):
    two_grids = make_user("two_grids", Role.GRID_WORKER, tree.grid)
    Membership.objects.create(user=two_grids, area=tree.grid2, role=Role.GRID_WORKER)
    make_user("next_county", Role.OFFICER, tree.other_county)
    assert list(User.objects.within(tree.village).values_list("username", flat=True)) == ["two_grids"]
    assert codes(Area.objects.within(tree.village)) == {tree.village.code, tree.grid.code, tree.grid2.code}
    paths = set(ChangeLogEntry.objects.within(tree.town).values_list("area_path", flat=True))
    assert paths and all(scope.is_within(path, tree.town.path) for path in paths)


def test_paths_q_is_everything_for_no_limit_and_nothing_for_no_paths(tree):
    assert Area.objects.filter(scope.paths_q("path", None)).count() == Area.objects.count()
    assert not Area.objects.filter(scope.paths_q("path", [])).exists()
    either = scope.paths_q("path", [tree.village2.path, tree.other_town.path])
    assert codes(Area.objects.filter(either)) == subtree(tree.village2) | subtree(tree.other_town)


def test_top_areas_are_the_outermost_of_the_users_areas(tree):
    user = make_user("tops", Role.OFFICER, tree.town)
    Membership.objects.create(user=user, area=tree.grid, role=Role.GRID_WORKER)
    Membership.objects.create(user=user, area=tree.other_village, role=Role.DOCTOR)
    assert codes(scope.top_areas(fresh(user))) == {tree.town.code, tree.other_village.code}
    assert codes(scope.top_areas(make_user("tops_admin", is_superuser=True))) == {tree.city.code}


def test_the_tree_answers_path_questions():
    grid = "6110.611022.611022106.611022106200.611022106200001"
    assert Area.ancestor_paths(grid) == [
        "6110",
        "6110.611022",
        "6110.611022.611022106",
        "6110.611022.611022106.611022106200",
    ]
    assert Area.ancestor_paths("6110") == []
    assert Area.path_at_level(grid, Area.Level.VILLAGE) == "6110.611022.611022106.611022106200"
    assert Area.path_at_level("6110.611022", Area.Level.VILLAGE) == "6110.611022"  # no deeper: itself
    assert Area.code_at_level(grid, Area.Level.COUNTY) == "611022"
    assert Area.code_at_level("6110", Area.Level.COUNTY) == "6110"
    assert Division.enclosing_codes("420103") == {"420103", "4201", "42"}


# --- saves stay in scope -----------------------------------------------------------------------------


def test_a_save_in_scope_is_kept(tree, people):
    grid = Area.objects.get(pk=tree.grid2.pk)
    grid.parent = tree.village2
    saved = save_in_scope(people.town_officer, Action.CHANGE, lambda: grid.save() or grid)
    assert saved == grid
    grid.refresh_from_db()
    assert grid.parent == tree.village2
    assert grid.path == f"{tree.village2.path}.{grid.code}"


def test_moving_a_grid_out_of_scope_is_rolled_back(tree, people):
    entries = ChangeLogEntry.objects.count()
    grid = Area.objects.get(pk=tree.grid2.pk)
    grid.parent = tree.village2  # the neighbouring village: not the village officer's
    grid.name = "搬走的网格"

    with pytest.raises(OutOfScope) as excinfo:
        save_in_scope(people.village_officer, Action.CHANGE, lambda: grid.save() or grid)

    assert "parent" in excinfo.value.message_dict
    grid.refresh_from_db()
    assert (grid.parent, grid.name) == (tree.village, "第二网格")
    assert grid.path == f"{tree.village.path}.{grid.code}"
    assert ChangeLogEntry.objects.count() == entries


def test_moving_a_membership_out_of_scope_is_rolled_back(tree, people):
    entries = ChangeLogEntry.objects.count()
    membership = Membership.objects.get(user=people.grid_worker)
    membership.area = tree.other_grid  # 商南县

    with pytest.raises(OutOfScope) as excinfo:
        save_in_scope(people.village_officer, Action.CHANGE, lambda: membership.save() or membership)

    assert "area" in excinfo.value.message_dict
    assert "outside your own area" in " ".join(excinfo.value.messages)
    membership.refresh_from_db()
    assert membership.area == tree.grid
    assert ChangeLogEntry.objects.count() == entries


def test_a_record_created_out_of_scope_is_rolled_back(tree, people):
    before = Membership.objects.count()

    def grant():
        return Membership.objects.create(user=people.nobody, area=tree.village2, role=Role.GRID_WORKER)

    with pytest.raises(OutOfScope):
        save_in_scope(people.village_officer, Action.ADD, grant)
    assert Membership.objects.count() == before
    assert save_in_scope(people.town_officer, Action.ADD, grant).area == tree.village2


def test_a_create_whose_area_is_known_is_refused_before_anything_is_written(tree, people, django_assert_num_queries):
    people.village_officer.memberships_cached()

    def grant():
        raise AssertionError("written although out of scope")

    with django_assert_num_queries(0), pytest.raises(OutOfScope) as excinfo:
        save_in_scope(people.village_officer, Action.ADD, grant, Membership, tree.village2.path)
    assert "area" in excinfo.value.message_dict


def test_a_record_scoped_by_its_own_area_is_judged_without_reading_it_back(tree, people):
    # An area (scoped by its own path, no rule of its own); a membership is read back, as its own
    # restrict also asks whether the user may grant its role.
    people.town_officer.memberships_cached()
    ContentType.objects.get_for_model(Area)  # the change log's, read once per process
    path = f"{tree.village2.path}.611022106201001"
    with CaptureQueriesContext(connection) as queries:
        grid = save_in_scope(
            people.town_officer,
            Action.ADD,
            lambda: make_area("611022106201001", "第一网格", Area.Level.GRID, tree.village2),
            Area,
            path,
        )
    assert grid.path == path
    assert not [query for query in queries.captured_queries if query["sql"].startswith("SELECT")]
