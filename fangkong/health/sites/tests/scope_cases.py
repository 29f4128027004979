"""Scope cases of isolation sites (see fangkong/tests/test_scope.py). The site belongs to 竹林关镇:
everyone working under the town sees it, managers over the town change it; the episodes placed in
it are of people in 竹林关村 第一网格."""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_IN_GRID = (*_MANAGERS, "grid_worker", "doctor")
_EVERYONE = (*_IN_GRID, "outsider")
_FIELD = ("grid_worker", "doctor")
_OVER_TOWN = ("city_commander", "county_officer", "town_officer")


def _site(tree, people):
    from fangkong.health.sites.tests.factories import make_site

    return {"pk": make_site(tree.town).pk}


def _placed_episode(tree, people):
    from fangkong.health.sites.tests.factories import make_site
    from fangkong.health.tests.factories import make_episode

    return {"pk": make_episode(area=tree.grid, site=make_site(tree.town)).pk}


CASES = [
    ScopeCase("health:site-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("health:site-add", allowed=(*_MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("health:site", _site, allowed=_IN_GRID),
    # The village under the town places people there; only managers over the town change the site.
    ScopeCase("health:site-edit", _site, allowed=_OVER_TOWN, denied=("village_officer", *_FIELD)),
    ScopeCase("health:episode-move-site", _placed_episode, allowed=_MANAGERS, denied=_FIELD),
    ScopeCase("site-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("site-detail", _site, allowed=_IN_GRID),
    ScopeCase("episode-move-site", _placed_episode, allowed=_MANAGERS, denied=_FIELD),
]
