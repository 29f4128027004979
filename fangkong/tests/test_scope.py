"""Every view and endpoint, opened by a user at every level and by an outsider: out of scope is 404.

Cases are data, declared next to each app (``<app>/tests/scope_cases.py``). A URL that is in no case
and not exempt fails ``test_every_url_is_covered``: a new view cannot ship without its scope test.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fangkong.accounts.tests.scope_cases import CASES as ACCOUNT_CASES
from fangkong.areas.tests.scope_cases import CASES as AREA_CASES
from fangkong.checkpoints.tests.scope_cases import CASES as CHECKPOINT_CASES
from fangkong.community.tests.scope_cases import CASES as COMMUNITY_CASES
from fangkong.core.tests.scope_cases import CASES as CORE_CASES
from fangkong.duty.tests.scope_cases import CASES as DUTY_CASES
from fangkong.health.tests.scope_cases import CASES as HEALTH_CASES
from fangkong.people.tests.scope_cases import CASES as PEOPLE_CASES
from fangkong.reports.tests.scope_cases import CASES as REPORT_CASES
from fangkong.supplies.tests.scope_cases import CASES as SUPPLIES_CASES

CASES = [
    *AREA_CASES,
    *ACCOUNT_CASES,
    *CORE_CASES,
    *PEOPLE_CASES,
    *HEALTH_CASES,
    *REPORT_CASES,
    *DUTY_CASES,
    *SUPPLIES_CASES,
    *CHECKPOINT_CASES,
    *COMMUNITY_CASES,
]
USERS = [
    "city_commander",
    "county_officer",
    "town_officer",
    "village_officer",
    "grid_worker",
    "doctor",
    "outsider",
    "nobody",
]


def _self_report_link(tree, people):
    from fangkong.health.selfreport.services import issue
    from fangkong.people.tests.factories import make_household

    return {"token": issue(make_household(tree.grid), people.village_officer).token}


def _help_request(tree, people):
    return _self_report_link(tree, people)


def _volunteer_signup(tree, people):
    from fangkong.duty.tests.factories import make_team

    return {"token": make_team(tree.village).signup_token}


def _county(tree, people):
    return {"code": tree.county.code}


def _village(tree, people):
    return {"code": tree.village.code}


# Open without a login by design: the load balancer's health check, about no records, a household's
# self-report page, whose unguessable token is the access (first names only; revoked, it answers 404),
# the same household's help page on that token (its needs by kind and status, no names),
# a volunteer team's sign-up page (it takes a sign-up and shows nothing of the team's volunteers), and
# a county's public donations page (公示: donors named only where they agreed), a village's refutations
# and policy answers (only what is published).
PUBLIC = {
    "health": None,
    "self-report": _self_report_link,
    "help-request": _help_request,
    "volunteer-signup": _volunteer_signup,
    "public-donations": _county,
    "public-rumours": _village,
    "public-questions": _village,
}
# Pages about the user themself, or with no records: nothing to scope.
EXEMPT = set(PUBLIC) | {
    "home",
    "login",
    "logout",
    "set_language",
    "api-schema",
    "api-docs",
    "api-root",
    "me",
    "accounts:profile",
    "accounts:issue-token",
    "accounts:password-change",
    "accounts:password-done",
}


def url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_is_covered():
    covered = {case.url_name for case in CASES} | EXEMPT
    assert set(url_names()) - covered == set()


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_urls_answer_without_login(client, tree, people, name):
    kwargs = PUBLIC[name](tree, people) if PUBLIC[name] else {}
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_it_checks_scope(client, tree, people, case, who):
    kwargs = case.kwargs(tree, people) if case.kwargs else {}
    client.force_login(getattr(people, who))
    response = client.get(reverse(case.url_name, kwargs=kwargs))
    assert response.status_code == case.expected_status(who), f"{who} {case.url_name} {kwargs}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_it_requires_login(client, tree, people, case):
    kwargs = case.kwargs(tree, people) if case.kwargs else {}
    url = reverse(case.url_name, kwargs=kwargs)
    response = client.get(url)
    if not url.startswith("/api/"):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code in (401, 403)
