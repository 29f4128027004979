"""Scope cases of the daily reports (see fangkong/tests/test_scope.py).

The report pages and endpoints take the area from the query: without one, the user's own area (the
outsider's is their county: 200); with an area out of scope they answer 404 (test_daily, test_api).
"""

from fangkong.core.testing import ScopeCase

_MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")
_EVERYONE = (*_MANAGERS, "grid_worker", "doctor", "outsider")
# Those who confirm their own area's report: officers and commanders, not for a grid.
_CONFIRMERS = (*_MANAGERS, "outsider")


def _town_form(tree, people):
    from fangkong.reports.models import ReportForm

    return {"pk": ReportForm.objects.create(area=tree.town, name="竹林关镇疫情日报").pk}


CASES = [
    ScopeCase("reports:daily", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("reports:print", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("reports:export", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("reports:confirm", allowed=_CONFIRMERS, record_lookup=False),
    ScopeCase("reports:form-list", allowed=_EVERYONE, record_lookup=False),
    # Commanders shape the forms of their area.
    ScopeCase("reports:form-add", allowed=("city_commander",), record_lookup=False),
    ScopeCase("reports:form-edit", _town_form, allowed=("city_commander",), denied=("county_officer", "town_officer")),
    ScopeCase("report-daily-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("report-daily-confirm", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("report-completeness-list", allowed=_EVERYONE, record_lookup=False),
    ScopeCase("report-export-list", allowed=_EVERYONE, record_lookup=False),
]
