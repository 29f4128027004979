"""Every endpoint whose records carry a version refuses a stale one alike: 409, naming ``version``."""

import pytest

from fangkong.api import router
from fangkong.people.tests.factories import make_household, make_person

# Per versioned endpoint (router basename): its URL prefix, the record to make and a change to send.
VERSIONED = {
    "household": ("households", lambda tree: make_household(tree.grid, "一组 1 号"), {"address": "一组 1 号之一"}),
    "person": ("people", lambda tree: make_person(tree.grid, name="张三"), {"address": "一组 3 号"}),
}


def test_every_versioned_endpoint_has_a_case():
    versioned = {
        basename
        for _prefix, viewset, basename in router.registry
        if viewset.queryset is not None  # the imports endpoint has no records of its own
        and hasattr(viewset, "partial_update")
        and "patch" in viewset.http_method_names  # not actions only
        and any(field.name == "version" for field in viewset.queryset.model._meta.fields)
    }
    assert versioned == set(VERSIONED)


@pytest.mark.parametrize("basename", sorted(VERSIONED))
def test_a_stale_version_is_409_naming_the_version(api, tree, people, basename):
    prefix, make, change = VERSIONED[basename]
    record = make(tree)
    api.force_authenticate(people.village_officer)
    url = f"/api/{prefix}/{record.pk}/"
    version = api.get(url).json()["version"]
    assert api.patch(url, {**change, "version": version}, format="json").status_code == 200

    stale = api.patch(url, {**change, "version": version}, format="json")

    assert stale.status_code == 409
    assert list(stale.json()) == ["version"] and stale.json()["version"][0].startswith("Someone else")
    record.refresh_from_db()
    assert record.version == version + 1
