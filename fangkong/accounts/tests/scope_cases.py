from fangkong.accounts.models import Membership
from fangkong.core.testing import ScopeCase

MANAGERS = ("city_commander", "county_officer", "town_officer", "village_officer")


def grid_worker_membership(tree, people):
    return {"pk": Membership.objects.get(user=people.grid_worker).pk}


CASES = [
    ScopeCase("accounts:user-list", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("accounts:user", lambda t, p: {"pk": p.grid_worker.pk}),
    ScopeCase("accounts:user-edit", lambda t, p: {"pk": p.grid_worker.pk}),
    ScopeCase("accounts:user-add", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("accounts:membership-add", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("accounts:membership-delete", grid_worker_membership, denied=("grid_worker", "doctor")),
    # The user's own language: any user signed in.
    ScopeCase(
        "accounts:language",
        allowed=(*MANAGERS, "grid_worker", "doctor", "outsider", "nobody"),
        record_lookup=False,
    ),
    ScopeCase("user-list", allowed=(*MANAGERS, "outsider"), record_lookup=False),
    ScopeCase("user-detail", lambda t, p: {"pk": p.grid_worker.pk}),
    ScopeCase("membership-list", allowed=(*MANAGERS, "doctor", "grid_worker", "outsider"), record_lookup=False),
    ScopeCase("membership-detail", grid_worker_membership, allowed=(*MANAGERS, "grid_worker", "doctor")),
]
