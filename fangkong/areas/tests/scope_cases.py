from fangkong.core.testing import ScopeCase

MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")

CASES = [
    ScopeCase("areas:list", allowed=(*MANAGERS, "doctor", "grid_worker", "outsider"), record_lookup=False),
    ScopeCase("areas:area", lambda t, p: {"code": t.village.code}, allowed=(*MANAGERS, "doctor")),
    ScopeCase("areas:area", lambda t, p: {"code": t.grid.code}, allowed=(*MANAGERS, "doctor", "grid_worker")),
    ScopeCase("areas:grid-add", lambda t, p: {"village": t.village.code}, denied=("doctor",)),
    ScopeCase("areas:grid-edit", lambda t, p: {"code": t.grid.code}, denied=("doctor", "grid_worker")),
    ScopeCase("areas:grid-retire", lambda t, p: {"code": t.grid.code}, denied=("doctor", "grid_worker")),
    # Importing is open to whoever may add grids somewhere; each row's village is checked on import.
    ScopeCase("areas:grid-import", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("areas:grid-import-template", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    # An upload that does not exist, or is someone else's: not found, whoever asks.
    ScopeCase("areas:grid-import-errors", lambda t, p: {"token": "0" * 32}, allowed=()),
    ScopeCase("area-list", allowed=(*MANAGERS, "doctor", "grid_worker", "outsider"), record_lookup=False),
    ScopeCase("area-detail", lambda t, p: {"code": t.village.code}, allowed=(*MANAGERS, "doctor")),
]
