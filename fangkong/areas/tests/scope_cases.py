from fangkong.core.testing import ScopeCase

MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")

CASES = [
    ScopeCase("areas:list", allowed=(*MANAGERS, "doctor", "grid_worker", "outsider"), record_lookup=False),
    ScopeCase("areas:area", lambda t, p: {"code": t.village.code}, allowed=(*MANAGERS, "doctor")),
    ScopeCase("areas:area", lambda t, p: {"code": t.grid.code}, allowed=(*MANAGERS, "doctor", "grid_worker")),
    ScopeCase("areas:grid-add", lambda t, p: {"village": t.village.code}, denied=("doctor",)),
    ScopeCase("areas:grid-edit", lambda t, p: {"code": t.grid.code}, denied=("doctor", "grid_worker")),
    ScopeCase("areas:grid-retire", lambda t, p: {"code": t.grid.code}, denied=("doctor", "grid_worker")),
    ScopeCase("area-list", allowed=(*MANAGERS, "doctor", "grid_worker", "outsider"), record_lookup=False),
    ScopeCase("area-detail", lambda t, p: {"code": t.village.code}, allowed=(*MANAGERS, "doctor")),
]
