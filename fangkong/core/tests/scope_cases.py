from fangkong.core.models import ChangeLogEntry
from fangkong.core.testing import ScopeCase

MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")


def village_entry(tree, people):
    return {"pk": ChangeLogEntry.objects.filter(area_path=tree.village.path).latest("id").pk}


CASES = [
    ScopeCase("changelog", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("changelog-entry", village_entry),
    ScopeCase("changelog-list", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("changelog-detail", village_entry),
]
